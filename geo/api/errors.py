"""Errors of the API: always the OGC exception document ``{"code", "description"}`` as
JSON with HTTP 400 (a bad query parameter), 404 (no such collection, feature or path),
405 (anything but GET and HEAD: the API never writes) or 500, never a traceback.

Descriptions name the parameter and the value at fault and are written in the request's
language (:mod:`geo.api.lang`) from the English msgids of :data:`MESSAGES`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from geo.api.lang import request_lang, translator
from geo.base.catalogue import N_

JSON = "application/json"

ErrorCode = Literal["InvalidParameterValue", "NotFound", "MethodNotAllowed", "ServerError"]

MESSAGES: dict[str, str] = {
    "no_path": N_("There is no resource at {path}."),
    "no_collection": N_("There is no collection '{id}' (collections: {ids})."),
    "no_feature": N_(
        "The collection '{collection}' has no feature '{id}' in registry version {version}."
    ),
    "bbox_numbers": N_("bbox: expected four numbers minx,miny,maxx,maxy, got '{value}'."),
    "bbox_range": N_(
        "bbox: '{value}' is outside CRS84 (longitudes -180 to 180, latitudes -90 to 90, miny "
        "not above maxy); a box crossing the antimeridian has minx greater than maxx."
    ),
    "unknown_value": N_("{parameter}: unknown value '{value}'; known values: {known}."),
    "repeated": N_("{parameter}: given several values ({values}); it takes one."),
    "unknown_parameter": N_("Unknown query parameter '{parameter}'; this resource takes: {known}."),
    "format": N_("f: '{value}' is not offered here (offered: {offered})."),
    "crs": N_("{parameter}: only {crs} is offered, not '{value}'."),
    "both_versions": N_("Give version or datetime, not both."),
    "interval": N_(
        "datetime: '{value}' is an interval; give one instant (the registry as it was then)."
    ),
    "datetime": N_("datetime: '{value}' is not an RFC 3339 date or date-time."),
    "no_version": N_("version: there is no registry version {version} (versions: {known})."),
    "before_first": N_(
        "datetime: the registry did not exist at {moment}; its first version is of {first}."
    ),
    "whole_number": N_("{parameter}: expected a whole number from {low} to {high}, got '{value}'."),
    "non_negative": N_("{parameter}: expected a whole number, 0 or more, got '{value}'."),
    "one_of": N_("{parameter}: expected one of {known}, got '{value}'."),
    "invalid": N_("{parameter}: invalid value '{value}'."),
    "method": N_("The method {method} is not allowed: the API only reads (GET, HEAD)."),
    "server": N_("Internal error ({kind}); nothing was changed."),
}
"""Every error description (English msgids; ``{...}`` filled in after translation)."""


ECHOED = frozenset({"value", "values", "id", "path", "parameter", "collection"})
"""Values of a description that come from the request (shortened when long)."""

MAX_ECHO = 120
"""Characters of a request's value repeated in a description."""


def shorten(value: Any) -> Any:
    """A request's value as a description repeats it: text cut to :data:`MAX_ECHO`
    characters (a 5,000-character filter value need not come back whole).

    >>> shorten("x" * 200)[-3:], shorten(7)
    ('xx…', 7)
    """
    if isinstance(value, str) and len(value) > MAX_ECHO:
        return value[:MAX_ECHO] + "…"
    return value


class ApiError(Exception):
    """An answer other than 200: the HTTP status, the OGC exception code, and the
    description as a :data:`MESSAGES` key and its values (translated when sent)."""

    def __init__(self, status: int, code: ErrorCode, message: str, **values: Any) -> None:
        values = {k: shorten(v) if k in ECHOED else v for k, v in values.items()}
        super().__init__(MESSAGES[message].format(**values))
        self.status = status
        self.code = code
        self.message = message
        self.values = values

    def describe(self, lang: str) -> str:
        """The description in ``lang``."""
        return translator(lang)(MESSAGES[self.message]).format(**self.values)


def bad_parameter(message: str, **values: Any) -> ApiError:
    """A 400 ``InvalidParameterValue`` error."""
    return ApiError(400, "InvalidParameterValue", message, **values)


def not_found(message: str, **values: Any) -> ApiError:
    """A 404 ``NotFound`` error."""
    return ApiError(404, "NotFound", message, **values)


def error_response(status: int, code: str, description: str) -> Response:
    """The OGC exception document as a JSON response."""
    body = json.dumps({"code": code, "description": description}, ensure_ascii=False)
    return Response(body, status_code=status, media_type=JSON)


PARAMETER_RULES: dict[str, tuple[str, dict[str, Any]]] = {}
"""How a query parameter's validation failure is described (filled in by
:mod:`geo.api.params`, which defines the parameters): name → message key and values."""


def _validation_error(exc: RequestValidationError) -> ApiError:
    """FastAPI's validation failure as an error naming the first parameter at fault."""
    for item in exc.errors():
        location = [str(p) for p in item.get("loc", ()) if p not in ("query", "path")]
        name = location[0] if location else "?"
        given = item.get("input")
        value = given[0] if isinstance(given, list) and given else given
        message, values = PARAMETER_RULES.get(name, ("invalid", {}))
        expected = (item.get("ctx") or {}).get("expected")
        if message == "invalid" and expected:  # a choice (Literal): pydantic lists them
            message, values = "one_of", {"known": expected}
        return bad_parameter(message, parameter=name, value=value, **values)
    return bad_parameter("invalid", parameter="?", value="")


def _send(request: Request, err: ApiError) -> Response:
    """``err`` as a response in the request's language."""
    lang = request_lang(request.query_params, request.headers)
    return error_response(err.status, err.code, err.describe(lang))


def _starlette_error(request: Request, exc: StarletteHTTPException) -> ApiError:
    """Starlette's own 404 (no route) and 405 (a method other than GET) as our errors."""
    if exc.status_code == 405:
        return ApiError(405, "MethodNotAllowed", "method", method=request.method)
    return not_found("no_path", path=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    """Every failure leaves ``app`` as an OGC exception document, never as a traceback:
    an unexpected one is answered with its kind only (Starlette then re-raises it, so the
    server logs its traceback)."""

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _send(request, exc)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _send(request, _validation_error(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _send(request, _starlette_error(request, exc))

    async def unexpected(request: Request, exc: Exception) -> Response:
        return _send(request, ApiError(500, "ServerError", "server", kind=type(exc).__name__))

    handlers: Mapping[type[Exception], Any] = {
        ApiError: api_error,
        RequestValidationError: invalid,
        StarletteHTTPException: http_error,
        Exception: unexpected,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
