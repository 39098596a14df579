"""The FastAPI application (:func:`app_for`) and the server (:func:`serve`, behind
``clustermap api``).

The OpenAPI document is FastAPI's, generated from the routes, then written in the form
of OpenAPI 3.0 (``openapi: 3.0.3``; FastAPI writes 3.1) by one mechanical pass
(:func:`downgrade_openapi`), since OGC API - Features Part 1 and GDAL expect 3.0. It is
served at ``/api``; FastAPI's own ``/docs`` pages are off (they load scripts from a CDN).
Every response carries ``Server-Timing: app;dur=<ms>`` (what the benchmark reads); HEAD is
answered as GET without the body.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from geo.api.errors import install_error_handlers
from geo.api.providers import Provider
from geo.api.routes import add_routes
from geo.api.state import ApiState

TITLE = "Cluster Map of Russia - OGC API Features"
DESCRIPTION = (
    "The cluster registry as OGC API - Features (Part 1 Core): clusters, regions, MNE links "
    "and federal districts, at any version of the registry (version=N or datetime=...). "
    "Read only."
)
API_VERSION = "1.0.0"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ServerTiming:
    """ASGI middleware: ``Server-Timing: app;dur=<ms>``, the time from the request
    entering the app to the response starting (the whole handler: responses here are
    not streamed)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                timing = (b"server-timing", f"app;dur={ms:.2f}".encode())
                headers = [*message.get("headers", []), timing]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)


class HeadAsGet:
    """ASGI middleware: a HEAD request is answered as the GET of the same URL without
    its body (headers, ``Content-Length`` included, are the GET's), as HTTP says; the
    routes and the OpenAPI document then only need to declare GET."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def downgrade_openapi(node: Any) -> Any:
    """FastAPI's OpenAPI 3.1 schema objects in 3.0 form: ``anyOf: [X, {type: null}]``
    becomes ``X`` with ``nullable: true`` (the only 3.1 construct these routes produce).

    >>> downgrade_openapi({"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "V"})
    {'type': 'integer', 'title': 'V', 'nullable': True}
    """
    if isinstance(node, list):
        return [downgrade_openapi(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: downgrade_openapi(v) for k, v in node.items()}
    options = out.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        out.pop("anyOf")
        out = {**rest[0], **out} if len(rest) == 1 else {**out, "anyOf": rest}
        out["nullable"] = True
    return out


def without_422(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without FastAPI's "422 Validation Error" responses and their schemas:
    this API answers invalid parameters with 400 and the OGC exception document."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    if "components" in schema and not components:
        schema["components"].pop("schemas", None)
        if not schema["components"]:
            schema.pop("components")
    return schema


def openapi_of(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.0 document of ``app`` (generated once)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema = downgrade_openapi(without_422(schema))
        schema["openapi"] = "3.0.3"
        schema["servers"] = [{"url": "/"}]
        app.openapi_schema = schema
    return app.openapi_schema


def app_for(provider: Provider) -> FastAPI:
    """The API serving ``provider``'s versions (see :mod:`geo.api`)."""
    app = FastAPI(
        title=TITLE,
        description=DESCRIPTION,
        version=API_VERSION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    state = ApiState(provider)
    app.state.api = state
    install_error_handlers(app)
    app.add_middleware(ServerTiming)
    app.add_middleware(HeadAsGet)
    add_routes(app, state)
    app.openapi = lambda: openapi_of(app)  # type: ignore[method-assign]
    return app


def serve(provider: Provider, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve ``provider`` with uvicorn until interrupted; the latest version is compiled
    before the server listens, so the first request is as fast as the others."""
    import uvicorn

    app = app_for(provider)
    state: ApiState = app.state.api
    state.view(None, None)
    uvicorn.run(app, host=host, port=port, log_level="info")
