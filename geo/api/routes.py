"""The endpoints, as a table (:data:`ROUTES`, plus one features route per collection from
:data:`geo.api.specs.SPECS`), and their registration on a FastAPI app.

Each route declares its parameters (``inspect.Parameter``\\ s with FastAPI's ``Query``);
:func:`endpoint_for` gives FastAPI a function with exactly that signature, so the
generated OpenAPI document lists every parameter, filters by property name included
(GDAL sends a ``where`` comparison to the server only for a parameter the OpenAPI
document names after the field). Around every handler, the endpoint refuses unknown
parameters and CRSs other than CRS84, answers 404 for an unknown collection, resolves
the registry version and the language, then calls the handler with a
:class:`geo.api.documents.Context`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from geo.api import documents
from geo.api.documents import OPENAPI_JSON, SCHEMA_JSON, Context
from geo.api.errors import not_found
from geo.api.lang import request_lang
from geo.api.methodology import methodology_document
from geo.api.params import (
    BBOX,
    BBOX_CRS,
    COMMON,
    CRS,
    CSV,
    GEOJSON,
    HTML,
    JSON,
    LIMIT,
    OFFSET,
    check_crs,
    check_parameters,
    filter_param,
    format_param,
    negotiate,
    parse_instant,
    path,
    query_names,
    repeatable_names,
)
from geo.api.specs import SPECS, CollectionSpec
from geo.api.state import ApiState

Handler = Callable[..., Response]

PAGE_FORMATS = ("json", "html")
FEATURE_FORMATS = ("json", "html", "csv")

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid parameter (OGC exception document: code, description)."},
    404: {"description": "No such resource (OGC exception document: code, description)."},
}


@dataclass(frozen=True)
class Route:
    """An endpoint: path, operation id, summary, media types of its answer, parameters
    (path ones first; :data:`geo.api.params.COMMON` is added to all) and handler
    (``handler(ctx, **parameters)``)."""

    path: str
    operation: str
    summary: str
    media: tuple[str, ...]
    params: tuple[inspect.Parameter, ...]
    handler: Handler
    in_schema: bool = True


def _landing(ctx: Context, f: str | None) -> Response:
    return documents.landing(ctx, negotiate(ctx.request, f, PAGE_FORMATS))


def _conformance(ctx: Context, f: str | None) -> Response:
    return documents.conformance(ctx, negotiate(ctx.request, f, PAGE_FORMATS))


def _api(ctx: Context, f: str | None) -> Response:
    fmt = negotiate(ctx.request, f, PAGE_FORMATS)
    return documents.api_document(ctx, fmt, ctx.request.app.openapi())


def _collections(ctx: Context, f: str | None) -> Response:
    return documents.collections(ctx, negotiate(ctx.request, f, PAGE_FORMATS))


def _collection(ctx: Context, collectionId: str, f: str | None) -> Response:  # noqa: N803
    return documents.collection(ctx, collectionId, negotiate(ctx.request, f, PAGE_FORMATS))


def _unknown_items(ctx: Context, collectionId: str) -> Response:  # noqa: N803
    raise not_found("no_collection", id=collectionId, ids=", ".join(SPECS))


def _feature(
    ctx: Context,
    collectionId: str,  # noqa: N803
    featureId: str,  # noqa: N803
    f: str | None,
) -> Response:
    fmt = negotiate(ctx.request, f, FEATURE_FORMATS)
    return documents.feature(ctx, collectionId, featureId, fmt)


def _schema(ctx: Context, collectionId: str) -> Response:  # noqa: N803
    return documents.schema(ctx, collectionId)


def _queryables(ctx: Context, collectionId: str) -> Response:  # noqa: N803
    return documents.queryables(ctx, collectionId)


def _methodology(ctx: Context) -> Response:
    return documents.methodology(ctx, methodology_document)


def _items(spec: CollectionSpec, ctx: Context, **kw: Any) -> Response:
    """The features of ``spec``'s collection."""
    fmt = negotiate(ctx.request, kw["f"], FEATURE_FORMATS)
    chosen = {p.name: kw[p.name] for p in spec.filters if kw[p.name]}
    return documents.items(ctx, spec.id, fmt, chosen, kw["bbox"], kw["limit"], kw["offset"])


COLLECTION_ID = path("collectionId")
FEATURE_ID = path("featureId")

ROUTES: tuple[Route, ...] = (
    Route("/", "getLandingPage", "Landing page: links to the API definition, conformance "
          "and collections.", (JSON, HTML), (format_param(PAGE_FORMATS),), _landing),
    Route("/conformance", "getConformance", "Conformance classes the API implements.",
          (JSON, HTML), (format_param(PAGE_FORMATS),), _conformance),
    Route("/api", "getApi", "The API definition (OpenAPI 3.0, generated from the routes).",
          (OPENAPI_JSON, HTML), (format_param(PAGE_FORMATS),), _api),
    Route("/collections", "getCollections", "The feature collections.", (JSON, HTML),
          (format_param(PAGE_FORMATS),), _collections),
    Route("/collections/{collectionId}", "describeCollection", "One feature collection.",
          (JSON, HTML), (COLLECTION_ID, format_param(PAGE_FORMATS)), _collection),
    Route("/collections/{collectionId}/items", "getItemsOfUnknownCollection",
          "Features of an unknown collection (404).", (JSON,), (COLLECTION_ID,),
          _unknown_items, in_schema=False),
    Route("/collections/{collectionId}/items/{featureId}", "getFeature", "One feature.",
          (GEOJSON, HTML, CSV),
          (COLLECTION_ID, FEATURE_ID, format_param(FEATURE_FORMATS), CRS), _feature),
    Route("/collections/{collectionId}/schema", "getSchema",
          "JSON Schema of the collection's features.", (SCHEMA_JSON,), (COLLECTION_ID,),
          _schema),
    Route("/collections/{collectionId}/queryables", "getQueryables",
          "Filterable properties and their values.", (SCHEMA_JSON,), (COLLECTION_ID,),
          _queryables),
    Route("/methodology", "getMethodology", "Index weights, scenario thresholds, published "
          "and recomputed indices.", (JSON,), (), _methodology),
)  # fmt: skip
"""The routes other than the features of each collection (:func:`items_route`)."""


def items_route(spec: CollectionSpec) -> Route:
    """``/collections/<id>/items`` of one collection, its filters as named parameters."""
    params = (
        LIMIT, OFFSET, BBOX, BBOX_CRS, CRS, format_param(FEATURE_FORMATS),
        *(filter_param(p) for p in spec.filters),
    )  # fmt: skip
    return Route(
        f"/collections/{spec.id}/items",
        f"get{''.join(w.title() for w in spec.id.split('_'))}Features",
        f"Features of the collection '{spec.id}'.",
        (GEOJSON, HTML, CSV),
        params,
        functools.partial(_items, spec),
    )


def all_routes() -> list[Route]:
    """Every route in registration order: a collection's own features route comes
    before the generic one that answers 404 for unknown collections."""
    generic = [r for r in ROUTES if r.path.startswith("/collections/{collectionId}/")]
    first = [r for r in ROUTES if r not in generic]
    return [*first, *(items_route(spec) for spec in SPECS.values()), *generic]


def signature(params: Sequence[inspect.Parameter]) -> inspect.Signature:
    """An endpoint's signature: the request, then the route's parameters."""
    request = inspect.Parameter(
        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
    )
    return inspect.Signature([request, *params])


def endpoint_for(route: Route, state: ApiState) -> Handler:
    """The FastAPI endpoint of ``route`` (see the module docstring)."""
    params = (*route.params, *COMMON)
    allowed = query_names(params)
    repeatable = repeatable_names(params)

    def endpoint(request: Request, **kw: Any) -> Response:
        collection_id = kw.get("collectionId")
        if collection_id is not None and collection_id not in SPECS:
            raise not_found("no_collection", id=collection_id, ids=", ".join(SPECS))
        check_parameters(request, allowed, repeatable)
        check_crs("crs", kw.pop("crs", None))
        check_crs("bbox-crs", kw.pop("bbox_crs", None))
        at_text = kw.pop("datetime")
        at = parse_instant(at_text) if at_text is not None else None
        info = state.resolve(kw.pop("version"), at)
        lang = request_lang(request.query_params, request.headers)
        ctx = Context(request, state, info, lang, kw.pop("lang"))
        return route.handler(ctx, **kw)

    endpoint.__signature__ = signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = route.operation
    endpoint.__doc__ = route.summary
    return endpoint


def add_routes(app: FastAPI, state: ApiState) -> None:
    """Register every route of the API on ``app``."""
    for route in all_routes():
        responses: dict[int | str, dict[str, Any]] = {
            200: {"description": "OK", "content": {m: {} for m in route.media}}
        }
        app.get(
            route.path,
            operation_id=route.operation,
            summary=route.summary,
            responses={**responses, **ERROR_RESPONSES},
            include_in_schema=route.in_schema,
        )(endpoint_for(route, state))
