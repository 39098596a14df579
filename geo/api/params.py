"""The query parameters: their declarations (from which FastAPI generates the OpenAPI
document and validates requests) and their parsing (``bbox``, ``datetime``, ``f``, CRS).

Every endpoint refuses a parameter it does not define (a mistyped filter would otherwise
silently filter nothing) and accepts ``version``, ``datetime`` and ``lang``: GDAL
appends the query string of its connection URL (``OAPIF:http://host/?version=3``) to
every request it makes, landing page and API document included.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import Query, Request

from geo.api.errors import PARAMETER_RULES, bad_parameter
from geo.api.lang import LANG_PARAM, quality
from geo.api.specs import FilterParam
from geo.base.catalogue import SUPPORTED

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
"""The one coordinate reference system served (WGS 84 longitude, latitude)."""

CRS84_NAMES = frozenset(
    {CRS84, CRS84.replace("http://", "https://"), "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84"}
)

HTML = "text/html"
CSV = "text/csv"
JSON = "application/json"
GEOJSON = "application/geo+json"

FORMAT_OF_MEDIA: dict[str, str] = {
    HTML: "html",
    CSV: "csv",
    JSON: "json",
    GEOJSON: "json",
    "*/*": "json",
}
"""Which ``f`` an ``Accept`` media type asks for."""

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
"""``limit`` is 1 to MAX_LIMIT (OGC's own OpenAPI fragment: default 10, maximum 10000).
GDAL asks for pages of 1000."""


def query(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    """A keyword query parameter of a generated endpoint signature."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def path(name: str) -> inspect.Parameter:
    """A text path parameter (``collectionId``, ``featureId``)."""
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)


def format_param(offered: Sequence[str]) -> inspect.Parameter:
    """``f``, with the formats a resource offers."""
    choice = Literal[tuple(offered)]  # type: ignore[valid-type]
    return query("f", choice | None, Query(None, description="Format (else the Accept header)."))


LANG = query(
    LANG_PARAM,
    Literal[tuple(SUPPORTED)] | None,
    Query(None, description="Language of HTML pages, titles and errors (default: English)."),
)
VERSION = query(
    "version",
    int | None,
    Query(None, ge=0, description="Registry version to read (default: the latest)."),
)
DATETIME = query(
    "datetime",
    str | None,
    Query(
        None,
        description="The registry as it was at this RFC 3339 instant (a date alone: the end "
        "of that day, UTC). Not a filter on feature times: the registry has none.",
    ),
)
COMMON = (VERSION, DATETIME, LANG)
"""Parameters every endpoint takes."""

CRS = query("crs", str | None, Query(None, description=f"Response CRS; only {CRS84}."))
BBOX_CRS = inspect.Parameter(
    "bbox_crs",
    inspect.Parameter.KEYWORD_ONLY,
    annotation=str | None,
    default=Query(None, alias="bbox-crs", description=f"CRS of bbox; only {CRS84}."),
)
LIMIT = query(
    "limit",
    int,
    Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Features per page, 1 to {MAX_LIMIT}."),
)
OFFSET = query("offset", int, Query(0, ge=0, description="Matching features to skip."))
BBOX = query(
    "bbox",
    str | None,
    Query(None, description="minx,miny,maxx,maxy in CRS84; minx > maxx crosses 180 degrees."),
)

PARAMETER_RULES.update(
    {
        "limit": ("whole_number", {"low": 1, "high": MAX_LIMIT}),
        "offset": ("non_negative", {}),
        "version": ("non_negative", {}),
    }
)


def filter_param(spec: FilterParam) -> inspect.Parameter:
    """A property filter: repeatable, values OR'ed."""
    described = Query(None, description=f"{spec.description} Repeat for several values.")
    return query(spec.name, list[str] | None, described)


def query_names(params: Iterable[inspect.Parameter]) -> list[str]:
    """The query parameter names of a generated signature (aliases where set)."""
    return [
        getattr(p.default, "alias", None) or p.name
        for p in params
        if p.kind == inspect.Parameter.KEYWORD_ONLY
    ]


def repeatable_names(params: Iterable[inspect.Parameter]) -> set[str]:
    """The query parameters that may be given several times (the filters: values OR'ed)."""
    return {
        getattr(p.default, "alias", None) or p.name
        for p in params
        if p.kind == inspect.Parameter.KEYWORD_ONLY and "list[" in str(p.annotation)
    }


def check_parameters(request: Request, allowed: Iterable[str], repeatable: set[str]) -> None:
    """400 for a query parameter the endpoint does not define, and for one that takes one
    value given twice with different values (``limit=1&limit=2``: which was meant?). The
    same value twice is accepted: GDAL appends its connection URL's query string
    (``?version=3&lang=ru``) to a ``next`` link that already carries it in another order."""
    known = set(allowed)
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        takes = ", ".join(sorted(known))
        raise bad_parameter("unknown_parameter", parameter=unknown[0], known=takes)
    for name in sorted(known - repeatable):
        values = request.query_params.getlist(name)
        if len(set(values)) > 1:
            raise bad_parameter("repeated", parameter=name, values=", ".join(values))


def check_crs(name: str, value: str | None) -> None:
    """400 unless ``value`` is absent or names CRS84 (GDAL always sends it)."""
    if value is not None and value.strip("<>") not in CRS84_NAMES:
        raise bad_parameter("crs", parameter=name, crs=CRS84, value=value)


def parse_bbox(text: str) -> list[tuple[float, float, float, float]]:
    """``minx,miny,maxx,maxy`` (or six numbers with heights, ignored) in CRS84 as one box,
    or two when it crosses the antimeridian (``minx > maxx``). 400 when malformed.

    >>> parse_bbox("30,50,60,60"), parse_bbox("170,60,-170,70")[1]
    ([(30.0, 50.0, 60.0, 60.0)], (-180.0, 60.0, -170.0, 70.0))
    """
    try:
        numbers = [float(p) for p in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(v) for v in numbers):
        raise bad_parameter("bbox_numbers", value=text)
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise bad_parameter("bbox_range", value=text)
    if minx <= maxx:
        return [(minx, miny, maxx, maxy)]
    return [(minx, miny, 180.0, maxy), (-180.0, miny, maxx, maxy)]


def parse_instant(text: str) -> datetime:
    """``datetime`` as one aware instant: RFC 3339 (no offset means UTC), or a date alone
    meaning the end of that day, UTC. Intervals are refused: the registry has one state
    per instant.

    >>> parse_instant("2026-03-01").isoformat()
    '2026-03-01T23:59:59.999999+00:00'
    >>> parse_instant("2026-03-01T12:00:00+03:00").isoformat()
    '2026-03-01T09:00:00+00:00'
    """
    if "/" in text:
        raise bad_parameter("interval", value=text)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1, microseconds=-1)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_parameter("datetime", value=text) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def negotiate(request: Request, f: str | None, offered: Sequence[str]) -> str:
    """The response format: ``f`` if given, else the offered format the ``Accept``
    header prefers (HTML for a browser), else JSON."""
    if f is not None:
        if f not in offered:
            raise bad_parameter("format", value=f, offered=", ".join(offered))
        return f
    best, best_q = "json", -1.0
    for position, item in enumerate(request.headers.get("accept", "").split(",")):
        media, _, params = item.strip().partition(";")
        fmt = FORMAT_OF_MEDIA.get(media.strip())
        q = quality(params) - position * 1e-6
        if fmt in offered and q > best_q:
            best, best_q = str(fmt), q
    return best


def url_with(request: Request, drop: Iterable[str] = (), **params: Any) -> str:
    """The request's URL with ``params`` set (other parameters kept, ``drop`` removed)."""
    gone = set(drop) | set(params)
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in gone]
    items += [(k, str(v)) for k, v in params.items() if v is not None]
    base = str(request.url.replace(query=""))
    return base + ("?" + urlencode(items) if items else "")


def base_url(request: Request) -> str:
    """The service root, without a trailing slash."""
    return str(request.base_url).rstrip("/")
