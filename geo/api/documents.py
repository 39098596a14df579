"""The answers: landing page, conformance, collections, features, schema, queryables and
methodology, as JSON (GeoJSON for features), HTML and CSV.

Every answer carries the registry version it comes from: the header
``X-Clustermap-Version`` always, and in JSON a ``registryVersion`` member (number, time,
action, summary and the dataset's version text, as the app shows it). Feature pages link
the next and previous pages with ``version=N`` pinned (unless the request named an
instant, which always means the same version), so a client paging through one version
never mixes in another.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from fastapi import Request
from fastapi.responses import Response

from geo.api.compiled import CompiledCollection, CompiledDataset, records
from geo.api.csvfile import CSV_MEDIA, csv_bytes, csv_filename
from geo.api.errors import not_found
from geo.api.html import TEXT, html_page, html_properties, html_table
from geo.api.lang import Translate, translator
from geo.api.params import CRS84, CSV, GEOJSON, HTML, JSON, base_url, parse_bbox, url_with
from geo.api.specs import SPECS
from geo.api.state import ApiState, version_json
from geo.base.catalogue import N_
from geo.base.i18n import not_reported
from geo.registry.store import VersionInfo, summary_text

VERSION_HEADER = "X-Clustermap-Version"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/"

CONFORMANCE: tuple[str, ...] = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
"""Conformance classes declared at ``/conformance`` (Part 1 only: no CRS, no CQL2)."""

WORDS: dict[str, str] = {
    "title": N_("Cluster Map of Russia"),
    "description": N_(
        "Cluster initiatives, MNE links and regional indicators of Russia's regions, at "
        "any version of the registry."
    ),
    "conformance": N_("Conformance classes"),
    "collections": N_("Collections"),
    "self": N_("This document"),
    "as_html": N_("This document as HTML"),
    "service_desc": N_("API definition (OpenAPI 3.0)"),
    "service_doc": N_("API documentation"),
    "methodology": N_("Methodology: weights, thresholds, published and recomputed indices"),
    "items": N_("Features"),
    "items_html": N_("Features as HTML"),
    "items_csv": N_("Features as CSV"),
    "csv_all": N_("All matching features as CSV"),
    "schema": N_("Schema of a feature"),
    "queryables": N_("Filterable properties and their values"),
    "next": N_("Next page"),
    "prev": N_("Previous page"),
    "collection": N_("The collection"),
    "version": N_("Registry version {version} of {time}: {summary} ({dataset})."),
}
"""Titles of documents and links (English msgids, shown in the request's language)."""


@dataclass(frozen=True)
class Context:
    """One request: the app's state, the version it names, its language (``keep_lang``:
    the ``lang`` it gave explicitly, which HTML links carry on)."""

    request: Request
    state: ApiState
    info: VersionInfo
    lang: str
    keep_lang: str | None

    @property
    def _(self) -> Translate:
        """``_`` in the request's language."""
        return translator(self.lang)

    @property
    def root(self) -> str:
        """The service root, without a trailing slash."""
        return base_url(self.request)

    def view(self) -> CompiledDataset:
        """The requested version, compiled."""
        return self.state.compiled(self.info)

    def collection(self, collection_id: str) -> CompiledCollection:
        """A collection of the requested version, or 404."""
        if collection_id not in SPECS:
            raise not_found("no_collection", id=collection_id, ids=", ".join(SPECS))
        return self.view().collections[collection_id]


def link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    """One entry of a ``links`` array."""
    return {"href": href, "rel": rel, "type": media, "title": title}


def respond(
    ctx: Context, body: bytes | str, media: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A 200 response naming the version in its header."""
    out = {VERSION_HEADER: str(ctx.info.id), **(headers or {})}
    return Response(body, media_type=media, headers=out)


def json_response(ctx: Context, doc: Mapping[str, Any], media: str = JSON) -> Response:
    """A JSON document (never NaN: missing values are null)."""
    return respond(ctx, json.dumps(doc, ensure_ascii=False, allow_nan=False), media)


def page(ctx: Context, title: str, body: str, links: Sequence[Mapping[str, str]]) -> Response:
    """An HTML page in the request's language."""
    text = html_page(title, body, links, ctx._, ctx.lang, ctx.keep_lang)
    return respond(ctx, text, HTML)


def version_line(ctx: Context, view: CompiledDataset) -> str:
    """The version a page shows, as an escaped paragraph (summary in the page's language)."""
    info = view.info
    text = ctx._(WORDS["version"]).format(
        version=info.id,
        time=info.created_at.isoformat(timespec="seconds"),
        summary=summary_text(info.summary, ctx.lang),
        dataset=view.data.version,
    )
    return f"<p>{html.escape(text)}</p>"


# --------------------------------------------------------------------------- service


def landing(ctx: Context, fmt: str) -> Response:
    """The landing page: links to the API definition, conformance, data, methodology."""
    _, root = ctx._, ctx.root
    links = [
        link(f"{root}/?f=json", "self", JSON, _(WORDS["self"])),
        link(f"{root}/?f=html", "alternate", HTML, _(WORDS["as_html"])),
        link(f"{root}/api", "service-desc", OPENAPI_JSON, _(WORDS["service_desc"])),
        link(f"{root}/api?f=html", "service-doc", HTML, _(WORDS["service_doc"])),
        link(f"{root}/conformance", "conformance", JSON, _(WORDS["conformance"])),
        link(f"{root}/conformance", OGC_REL + "conformance", JSON, _(WORDS["conformance"])),
        link(f"{root}/collections", "data", JSON, _(WORDS["collections"])),
        link(f"{root}/collections", OGC_REL + "data", JSON, _(WORDS["collections"])),
        link(f"{root}/methodology", "describedby", JSON, _(WORDS["methodology"])),
    ]
    title, description = _(WORDS["title"]), _(WORDS["description"])
    if fmt == "html":
        return page(ctx, title, f"<p>{html.escape(description)}</p>", links)
    return json_response(ctx, {"title": title, "description": description, "links": links})


def conformance(ctx: Context, fmt: str) -> Response:
    """The conformance classes."""
    if fmt == "html":
        items = "".join(f"<li>{html.escape(c)}</li>" for c in CONFORMANCE)
        return page(ctx, ctx._(WORDS["conformance"]), f"<ul>{items}</ul>", ())
    return json_response(ctx, {"conformsTo": list(CONFORMANCE)})


def api_document(ctx: Context, fmt: str, schema: Mapping[str, Any]) -> Response:
    """The OpenAPI document (JSON), or a page listing its operations."""
    if fmt == "html":
        from_schema = html_table_of_operations(ctx, schema)
        return page(ctx, str(schema["info"]["title"]), from_schema, ())
    return json_response(ctx, schema, OPENAPI_JSON)


def html_table_of_operations(ctx: Context, schema: Mapping[str, Any]) -> str:
    """Every operation of the OpenAPI document and its parameters, as HTML."""
    e = html.escape
    parts = [f"<p>{e(str(schema['info'].get('description', '')))}</p>"]
    for route, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            rows = [
                {"name": p["name"], "in": p["in"], "description": p.get("description", "")}
                for p in operation.get("parameters", [])
            ]
            parts.append(f"<h2>{e(method.upper())} {e(route)}</h2>")
            parts.append(f"<p>{e(str(operation.get('summary', '')))}</p>")
            parts.append(html_table(rows, ctx._) if rows else "")
    return "".join(parts)


# --------------------------------------------------------------------------- collections


def collection_json(ctx: Context, coll: CompiledCollection) -> dict[str, Any]:
    """A collection's description and links. The ``items`` link has no query string:
    GDAL appends ``/{featureId}`` to it as it is."""
    _, here = ctx._, f"{ctx.root}/collections/{coll.spec.id}"
    links = [
        link(f"{here}?f=json", "self", JSON, _(WORDS["self"])),
        link(f"{here}?f=html", "alternate", HTML, _(WORDS["as_html"])),
        link(f"{here}/items", "items", GEOJSON, _(WORDS["items"])),
        link(f"{here}/items?f=html", "items", HTML, _(WORDS["items_html"])),
        link(f"{here}/items?f=csv", "items", CSV, _(WORDS["items_csv"])),
        link(f"{here}/schema", "describedby", SCHEMA_JSON, _(WORDS["schema"])),
        link(f"{here}/queryables", OGC_REL + "queryables", SCHEMA_JSON, _(WORDS["queryables"])),
    ]
    doc: dict[str, Any] = {
        "id": coll.spec.id,
        "title": _(coll.spec.title),
        "description": _(coll.spec.description),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": links,
    }
    if coll.extent is not None:
        doc["extent"] = {"spatial": {"bbox": [coll.extent], "crs": CRS84}}
    return doc


def collections(ctx: Context, fmt: str) -> Response:
    """Every collection."""
    view, _ = ctx.view(), ctx._
    links = [
        link(f"{ctx.root}/collections?f=json", "self", JSON, _(WORDS["self"])),
        link(f"{ctx.root}/collections?f=html", "alternate", HTML, _(WORDS["as_html"])),
    ]
    described = [collection_json(ctx, c) for c in view.collections.values()]
    if fmt == "html":
        rows = [{"id": c["id"], "title": c["title"], "description": c["description"]}
                for c in described]  # fmt: skip
        body = version_line(ctx, view) + html_table(
            rows, _, "id", f"{ctx.root}/collections", ctx.keep_lang
        )
        return page(ctx, _(WORDS["collections"]), body, links)
    doc = {"collections": described, "registryVersion": version_json(view), "links": links}
    return json_response(ctx, doc)


def collection(ctx: Context, collection_id: str, fmt: str) -> Response:
    """One collection."""
    coll = ctx.collection(collection_id)
    doc = collection_json(ctx, coll)
    doc["registryVersion"] = version_json(ctx.view())
    if fmt == "html":
        shown = {k: v for k, v in doc.items() if k not in ("links", "registryVersion")}
        body = version_line(ctx, ctx.view()) + html_properties(shown, ctx._)
        return page(ctx, doc["title"], body, doc["links"])
    return json_response(ctx, doc)


def schema(ctx: Context, collection_id: str) -> Response:
    """The JSON Schema of a collection's features."""
    return json_response(ctx, ctx.collection(collection_id).schema, SCHEMA_JSON)


def queryables(ctx: Context, collection_id: str) -> Response:
    """The filterable properties of a collection and their values in this version."""
    coll = ctx.collection(collection_id)
    properties = {
        p.name: {"title": p.name, "description": p.description, "type": "string",
                 "enum": list(coll.masks[p.name])}
        for p in coll.spec.filters
    }  # fmt: skip
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{ctx.root}/collections/{collection_id}/queryables",
        "type": "object",
        "title": ctx._(coll.spec.title),
        "properties": properties,
    }
    return json_response(ctx, doc, SCHEMA_JSON)


def methodology(ctx: Context, build: Any) -> Response:
    """The methodology facts of the version (built once per version by ``build``)."""
    view = ctx.view()
    doc = {**view.document("methodology", build), "registryVersion": version_json(view)}
    return json_response(ctx, doc)


# --------------------------------------------------------------------------- features


@dataclass(frozen=True)
class Page:
    """What a features request selected: the matching indices and the page's slice."""

    matched: np.ndarray
    limit: int
    offset: int

    @property
    def rows(self) -> np.ndarray:
        """The indices on this page."""
        return self.matched[self.offset : self.offset + self.limit]


def page_links(ctx: Context, coll: CompiledCollection, selected: Page) -> list[dict[str, str]]:
    """Links of a features page: itself, HTML, CSV of all matches, the collection, and
    next/previous pages with the version pinned."""
    _, request = ctx._, ctx.request
    pin: dict[str, Any] = {} if "datetime" in request.query_params else {"version": ctx.info.id}
    limit, offset = selected.limit, selected.offset
    links = [
        link(url_with(request, (), f="json", **pin), "self", GEOJSON, _(WORDS["self"])),
        link(url_with(request, (), f="html", **pin), "alternate", HTML, _(WORDS["as_html"])),
        link(url_with(request, ("limit", "offset"), f="csv", **pin), "alternate", CSV,
             _(WORDS["csv_all"])),
        link(f"{ctx.root}/collections/{coll.spec.id}", "collection", JSON, _(WORDS["collection"])),
    ]  # fmt: skip
    if offset + limit < len(selected.matched):
        after = url_with(request, (), f="json", offset=offset + limit, limit=limit, **pin)
        links.append(link(after, "next", GEOJSON, _(WORDS["next"])))
    if offset > 0:
        before = url_with(request, (), f="json", offset=max(0, offset - limit), limit=limit, **pin)
        links.append(link(before, "prev", GEOJSON, _(WORDS["prev"])))
    return links


def features_json(ctx: Context, coll: CompiledCollection, selected: Page) -> Response:
    """A page of features as a GeoJSON FeatureCollection (features joined as bytes)."""
    rows = selected.rows
    meta = {
        "numberMatched": int(len(selected.matched)),
        "numberReturned": int(len(rows)),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "registryVersion": version_json(ctx.view()),
        "links": page_links(ctx, coll, selected),
    }
    tail = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    body = (
        b'{"type":"FeatureCollection","features":['
        + b",".join(coll.features[i] for i in rows)
        + b"],"
        + tail[1:]
    )
    return respond(ctx, body, GEOJSON, {"Content-Crs": f"<{CRS84}>"})


def features_html(ctx: Context, coll: CompiledCollection, selected: Page) -> Response:
    """A page of features as a table linking each feature."""
    rows, matched = selected.rows, len(selected.matched)
    if len(rows):
        first, last = selected.offset + 1, selected.offset + len(rows)
        summary = ctx._(TEXT["page"]).format(
            first=first, last=last, matched=matched, version=ctx.info.id,
            dataset=ctx.view().data.version,
        )  # fmt: skip
    else:
        summary = ctx._(TEXT["empty_page"]).format(matched=matched, version=ctx.info.id)
    base = f"{ctx.root}/collections/{coll.spec.id}/items"
    shown = records(coll.table.iloc[rows])
    table = html_table(shown, ctx._, "id", base, ctx.keep_lang, not_reported(ctx.lang))
    body = f"<p>{html.escape(summary)}</p>{table}"
    return page(ctx, ctx._(coll.spec.title), body, page_links(ctx, coll, selected))


def features_csv(ctx: Context, coll: CompiledCollection, rows: np.ndarray) -> Response:
    """Features as a CSV file named after the collection and version."""
    name = csv_filename(coll, ctx.info)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return respond(ctx, csv_bytes(coll, rows), CSV_MEDIA, headers)


def items(
    ctx: Context,
    collection_id: str,
    fmt: str,
    chosen: Mapping[str, Sequence[str]],
    bbox: str | None,
    limit: int,
    offset: int,
) -> Response:
    """The features of a collection matching the filters and ``bbox``: a page (JSON,
    HTML), or every match as CSV unless ``limit`` or ``offset`` was given."""
    coll = ctx.collection(collection_id)
    matched = coll.select(chosen, parse_bbox(bbox) if bbox is not None else None)
    if fmt == "csv":
        paged = {"limit", "offset"} & set(ctx.request.query_params)
        return features_csv(ctx, coll, matched[offset : offset + limit] if paged else matched)
    selected = Page(matched, limit, offset)
    if fmt == "html":
        return features_html(ctx, coll, selected)
    return features_json(ctx, coll, selected)


def feature(ctx: Context, collection_id: str, feature_id: str, fmt: str) -> Response:
    """One feature (404 when this version has no such feature)."""
    coll = ctx.collection(collection_id)
    if feature_id not in coll.position:
        raise not_found("no_feature", collection=collection_id, id=feature_id, version=ctx.info.id)
    i = coll.position[feature_id]
    if fmt == "csv":
        return features_csv(ctx, coll, np.array([i]))
    here = f"{ctx.root}/collections/{collection_id}/items/{feature_id}"
    _ = ctx._
    links = [
        link(f"{here}?f=json&version={ctx.info.id}", "self", GEOJSON, _(WORDS["self"])),
        link(f"{here}?f=html&version={ctx.info.id}", "alternate", HTML, _(WORDS["as_html"])),
        link(f"{ctx.root}/collections/{collection_id}", "collection", JSON, _(coll.spec.title)),
    ]
    if fmt == "html":
        shown = html_properties(records(coll.table.iloc[[i]])[0], _, not_reported(ctx.lang))
        return page(
            ctx, f"{_(coll.spec.title)}: {feature_id}", version_line(ctx, ctx.view()) + shown, links
        )
    extra = {"registryVersion": version_json(ctx.view()), "links": links}
    tail = json.dumps(extra, ensure_ascii=False).encode("utf-8")
    geojson = coll.features[i][:-1] + b"," + tail[1:]
    return respond(ctx, geojson, GEOJSON, {"Content-Crs": f"<{CRS84}>"})
