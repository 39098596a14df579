"""The map core: projection, compact payloads, classification, offline Leaflet, folium maps.

No Streamlit here. The map is split in two so that a page can keep the expensive part
unchanged between reruns:

* the **base map** (``base_map``): Leaflet itself, the region shapes and the (empty)
  legend. It depends only on the region geometry and the projection, so its script is
  identical from one rerun to the next and ``st_folium`` keeps the same map (no reload,
  the user's pan and zoom survive);
* the **dynamic layer** (``dynamic_layer``): a ``folium.FeatureGroup`` holding the region
  colours and tooltips of the chosen measure, the legend's content and the cluster
  markers that pass the filters. It is small and is handed to
  ``st_folium(feature_group_to_add=...)``, which swaps it in place.

Offline: Leaflet 1.9.4 comes from the ``django-js-lib-leaflet`` package as ``data:`` URLs
that replace folium's CDN defaults (no jQuery, Bootstrap or icon fonts are needed). Nothing
here uses ``folium.Choropleth`` or a branca colormap (streamlit-folium would add d3 from
CDNs); regions are coloured by a small script and the legend is plain HTML.

Compactness: region coordinates are projected (Albers equal-area conic by default), scaled
by 1/100 000 (so 0.01 map units = 1 km), rounded to that grid and written as encoded
polylines (Google's Encoded Polyline Algorithm: small integer deltas as printable
characters), which the browser decodes back to GeoJSON before Leaflet sees it.

Every string taken from data is HTML-escaped before it reaches a tooltip, popup or legend.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from pyproj import Transformer

from geo.analysis import filters
from geo.analysis.measures import (
    RegionData,
    compute_measure,
    format_value,
    measure,
    measure_label,
    rank_text,
    ranks,
)
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.classify import (
    NO_DATA_FILL,
    NO_DATA_HATCH,
    SCHEMES,
    Classification,
    class_labels,
    classify,
)
from geo.render.palette import SCENARIO_COLOURS, SCENARIO_LABELS
from geo.render.views import Projection, View

# --- projection -----------------------------------------------------------------------------

ALBERS = "+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84 +units=m +no_defs"
"""Albers equal-area conic for Russia: areas are true, Chukotka is whole, the country fits."""

MAP_SCALE = 1e5
"""Projected metres are divided by this: Russia spans about -46…37 × 47…92 map units."""

"""``albers``: the conic map on Leaflet's ``CRS.Simple`` (no tiles, offline); ``mercator``:
Leaflet's Web Mercator with OpenStreetMap tiles (needs the network)."""

REGION_DECIMALS = 2
"""Region vertices are rounded to 0.01 map units: 1 km in Albers, 0.01° in Mercator mode;
finer than the simplification of the web geometry (about 0.05°)."""

POINT_DECIMALS = 3
"""Cluster points are rounded to 0.001 map units (100 m)."""

_ALBERS_FROM_WGS84 = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True)


def to_map_coordinates(
    lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray, projection: Projection
) -> tuple[np.ndarray, np.ndarray]:
    """Map coordinates ``(x, y)`` of geographic points, as the Leaflet layers expect them.

    Albers: projected metres / ``MAP_SCALE`` (drawn on ``CRS.Simple``); Mercator: the
    longitude and latitude themselves (Leaflet projects them), with Russia's longitudes
    east of 180° kept above 180 so Chukotka stays in one piece.
    """
    lon_a = np.asarray(lon, dtype="float64")
    lat_a = np.asarray(lat, dtype="float64")
    if projection == "albers":
        x, y = _ALBERS_FROM_WGS84.transform(lon_a, lat_a)
        return np.asarray(x) / MAP_SCALE, np.asarray(y) / MAP_SCALE
    if projection == "mercator":
        return np.where(lon_a < 0, lon_a + 360.0, lon_a), lat_a
    raise ValueError(f"unknown projection '{projection}'")


# --- encoded polylines --------------------------------------------------------------------------


def _encode_number(value: int) -> str:
    value = ~(value << 1) if value < 0 else value << 1
    chunks = []
    while value >= 0x20:
        chunks.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chunks.append(chr(value + 63))
    return "".join(chunks)


def quantise_ring(coords: np.ndarray, decimals: int) -> np.ndarray:
    """Ring vertices as integers on a ``10**-decimals`` grid, without repeated vertices
    and without the closing vertex (Leaflet closes polygons itself)."""
    q = np.round(np.asarray(coords, dtype="float64")[:, :2] * 10**decimals).astype(np.int64)
    if len(q) == 0:
        return q
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    q = q[keep]
    if len(q) > 1 and np.array_equal(q[0], q[-1]):
        q = q[:-1]
    return q


def encode_ring(coords: np.ndarray, decimals: int) -> str:
    """A ring as an encoded polyline: ``(x, y)`` deltas on a ``10**-decimals`` grid.

    The grid is the same for every region, so a border shared by two regions stays shared
    after rounding (no slivers or gaps appear between neighbours).
    """
    q = quantise_ring(coords, decimals)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return "".join(_encode_number(int(dx)) + _encode_number(int(dy)) for dx, dy in deltas)


def decode_ring(encoded: str, decimals: int) -> np.ndarray:
    """The inverse of ``encode_ring`` (the browser runs the same algorithm in JavaScript)."""
    values: list[int] = []
    shift = result = 0
    for char in encoded:
        b = ord(char) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    q = np.cumsum(np.asarray(values, dtype=np.int64).reshape(-1, 2), axis=0)
    return q / 10**decimals


# --- region payload -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionPayload:
    """Region shapes ready for the browser.

    ``json`` is the compact JSON the base map embeds (region code, escaped names and
    encoded rings per region), ``bounds`` the ``[[south, west], [north, east]]`` box in
    map coordinates and ``vertices`` how many vertices were kept.
    """

    projection: Projection
    json: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    vertices: int
    regions: int


def _polygons(geom: shapely.Geometry) -> list[shapely.Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon):
        return list(geom.geoms)
    if isinstance(geom, shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _to_map_geometry(geoms: np.ndarray, projection: Projection) -> np.ndarray:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = to_map_coordinates(coords[:, 0], coords[:, 1], projection)
        return np.column_stack([x, y])

    return shapely.transform(geoms, transform)


_TEMPLATE_START = re.compile(r"\{(?=[{%#])")


def compact_json(value: Any) -> str:
    """JSON without spaces, safe to embed in a page and in a folium template.

    ``</`` is escaped so no ``</script>`` can end the script early, and a ``{`` that
    would open a Jinja tag (``{{``, ``{%``, ``{#``; encoded polylines can contain them,
    and branca re-parses every rendered script as a template) is written ``\\u007b``.
    Both can only occur inside JSON strings, where these escapes mean the same text.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _TEMPLATE_START.sub(r"\\u007b", text.replace("</", "<\\/"))


def region_payload(
    regions: gpd.GeoDataFrame,
    projection: Projection = "albers",
    decimals: int = REGION_DECIMALS,
) -> RegionPayload:
    """Project, round and encode the region shapes, keeping only code and names.

    A pure function of its inputs (the page caches it). Rings that collapse to fewer than
    three distinct vertices on the grid (islets of a few hundred metres) are dropped.
    """
    frame = regions.to_crs("EPSG:4326") if regions.crs and not regions.crs.equals(4326) else regions
    geoms = _to_map_geometry(frame.geometry.to_numpy(), projection)
    records = []
    vertices = 0
    for code, name_en, name_ru, geom in zip(
        frame["code"], frame["name_en"], frame["name_ru"], geoms, strict=True
    ):
        parts = []
        for polygon in _polygons(geom):
            rings = []
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                kept = len(quantise_ring(coords, decimals))
                if kept < 3:
                    if ring is polygon.exterior:
                        break  # the whole part collapsed: drop it with its holes
                    continue
                vertices += kept
                rings.append(encode_ring(coords, decimals))
            if rings:
                parts.append(rings)
        records.append({"c": str(code), "n": _region_label_html(name_en, name_ru), "g": parts})
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    bounds = (
        (round(float(ymin), 3), round(float(xmin), 3)),
        (round(float(ymax), 3), round(float(xmax), 3)),
    )
    text = compact_json({"d": decimals, "r": records})
    return RegionPayload(projection, text, bounds, vertices, len(records))


def _text(value: Any, missing: str = "not reported") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return missing
    text = str(value).strip()
    return text or missing


def _region_label_html(name_en: Any, name_ru: Any, lang: str = "en") -> str:
    """Both names of a region, escaped: the one of ``lang`` first, in bold."""
    first, second = (name_ru, name_en) if lang == "ru" else (name_en, name_ru)
    if not _text(first, ""):
        first, second = second, None
    label = f"<b>{html.escape(_text(first, ''))}</b>"
    other = _text(second, "")
    if other:
        label += f"<br>{html.escape(other)}"
    return label


# --- classification ---------------------------------------------------------------------------


# --- view settings in the URL -----------------------------------------------------------------


# --- region colours and tooltips --------------------------------------------------------------


REGION_TEXT: dict[str, str] = {"rank": N_(" (rank {rank})")}
"""The texts of the region tooltips."""


def region_styles(
    values: pd.Series,
    classification: Classification,
    regions: pd.DataFrame,
    measure_key: str,
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> dict[str, list[str | None]]:
    """Per region code: ``[fill colour or None (no data), tooltip HTML]``.

    The tooltip names the region (both names, the one of ``lang`` first) and gives the
    value and its rank among the regions with data, in ``lang``.
    """
    label = html.escape(measure_label(measure_key, lang, labels))
    rank_template = i18n.translator(lang)(REGION_TEXT["rank"])
    all_ranks = ranks(values)
    value_of = values.to_dict()
    class_of = classification.classes.to_dict()
    out: dict[str, list[str | None]] = {}
    for code, name_en, name_ru in zip(
        regions["code"].tolist(), regions["name_en"].tolist(), regions["name_ru"].tolist(),
        strict=True,
    ):  # fmt: skip
        text = html.escape(format_value(value_of.get(code, float("nan")), measure_key, lang))
        rank = all_ranks.get(str(code))
        ranked = html.escape(rank_template.format(rank=rank_text(rank, lang))) if rank else ""
        tip = f"{_region_label_html(name_en, name_ru, lang)}<br>{label}: {text}{ranked}"
        c = int(class_of.get(code, -1))
        out[str(code)] = [classification.colours[c] if c >= 0 else None, tip]
    return out


# --- cluster markers --------------------------------------------------------------------------

PROFILE_URL = "/cluster?id={id}"
"""Where a cluster's profile lives (the profile page reads ``id`` from the URL)."""

RING_PX = 9.0
"""Distance in screen pixels from a shared point to each of the clusters drawn around it."""


def marker_offsets(keys: Sequence[Any], ring_px: float = RING_PX) -> list[tuple[float, float]]:
    """Pixel offsets that spread markers sharing a point on a ring around it.

    ``keys`` are the (rounded) positions, in the order markers are drawn; a position held
    by one marker gets ``(0, 0)``; ``n`` markers at one position are placed clockwise from
    the top at ``360/n`` degree steps. Deterministic: the same input gives the same map.
    Offsets are in pixels so the markers stay apart, and close, at every zoom.
    """
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    offsets: list[tuple[float, float]] = [(0.0, 0.0)] * len(keys)
    for members in groups.values():
        n = len(members)
        if n == 1:
            continue
        radius = ring_px * max(1.0, n / 4)
        for j, i in enumerate(members):
            angle = 2 * math.pi * j / n
            offsets[i] = (round(radius * math.sin(angle), 1), round(-radius * math.cos(angle), 1))
    return offsets


def popup_text(lang: str = "en") -> dict[str, str]:
    """``POPUP_TEXT`` in ``lang`` (same keys)."""
    _ = i18n.translator(lang)
    return {k: _(v) for k, v in POPUP_TEXT.items()}


def location_note(basis: Any, lang: str = "en") -> str:
    """A sentence on where the marker is, from the cluster's ``location_basis``."""
    text = _text(basis, "")
    if text.startswith("region"):
        return i18n.translator(lang)(POPUP_TEXT["noteRegion"])
    if text.startswith("city"):
        return i18n.translator(lang)(POPUP_TEXT["noteCity"])
    return ""


UNNAMED = N_("unnamed cluster")
"""The name of a cluster the data gives neither a name nor an id (never happens in the
validated records; a guard for hand-made frames)."""


def _name_columns(lang: str) -> tuple[str, str, str]:
    """The columns a cluster's name is taken from, in order: ``lang``'s name first."""
    return ("name_ru", "name_en", "id") if lang == "ru" else ("name_en", "name_ru", "id")


def cluster_name(row: Mapping[str, Any], lang: str = "en") -> str:
    """The cluster's name in ``lang`` (English: its English name, else its Russian name),
    else its name in the other language, else its id."""
    for key in _name_columns(lang):
        text = _text(row.get(key), "")
        if text:
            return text
    return i18n.translator(lang)(UNNAMED)


def _number(value: Any, decimals: int = 2, lang: str = "en") -> str:
    if value is None or pd.isna(value):
        return i18n.translator(lang)(POPUP_TEXT["missing"])
    if lang == "en":
        return f"{float(value):.{decimals}f}"
    return i18n.format_number(value, lang, decimals)


def _scenario_word(scenario: str, lang: str) -> str:
    """A scenario as a marker's popup names it: the key in English (as before), its
    short name in another language."""
    if lang == "en" or scenario not in i18n.SCENARIO_NAMES:
        return scenario
    return i18n.scenario_name(scenario, lang)


def _count(value: Any) -> int:
    """A count; a missing one is 0 (no link recorded)."""
    return 0 if value is None or pd.isna(value) else int(value)


def popup_html(
    row: Mapping[str, Any],
    region_names: Mapping[str, str],
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> str:
    """The popup of one cluster: key facts, where the point comes from, a profile link.

    Every value from the data is escaped; the profile link quotes the id. The same
    content as the map's own popups, which the browser builds from ``cluster_points``
    (this one serves pages that embed one marker at a time). ``region_names`` are in
    ``lang``; texts are in ``lang``, and so are the industry group and status when
    ``labels`` (the vocabularies) are given.
    """
    e = html.escape
    t = popup_text(lang)
    name = cluster_name(row, lang)
    region = _text(row.get("region_code"), "")
    region_label = region_names.get(region, region) if region else t["missing"]
    scenario = _scenario_word(_text(row.get("scenario"), "not assessed"), lang)
    index = _number(row.get("cluster_index"), 2, lang)
    published = row.get("index_published")
    if published is not None and not pd.isna(published):
        index += f" ({t['published']} {_number(published, 1, lang)})"

    def term(vocabulary: str) -> str:
        value = _text(row.get(vocabulary), "")
        if not value:
            return t["missing"]
        return labels.term(vocabulary, value, lang) if labels is not None else value

    facts = [
        (t["city"], _text(row.get("city"), t["missing"])),
        (t["region"], region_label),
        (t["industry"], term("industry_group")),
        (t["status"], term("status")),
        (t["index"], index),
        (t["scenario"], scenario),
        (t["mne"], str(_count(row.get("mne_count")))),
    ]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    note = location_note(row.get("location_basis"), lang)
    note_html = f'<p class="cm-note">{e(note)}</p>' if note else ""
    cid = _text(row.get("id"), "")
    href = PROFILE_URL.format(id=quote(cid, safe=""))
    return (
        f'<div class="cm-pop"><b>{e(name)}</b> <span class="cm-id">{e(cid)}</span>'
        f"<table>{rows}</table>{note_html}"
        f'<a href="{e(href)}" target="_blank" rel="noopener">{e(t["profile"])}</a></div>'
    )


GROUP_ABOVE = 300
"""Above this many located clusters the map groups nearby markers (see ``ClusterLayer``);
up to it every cluster is its own marker, spread around shared points."""

GROUP_CELL_PX = 44
"""Side of the screen grid, in pixels, in which grouped markers are combined."""


def _clean_text(series: pd.Series) -> list[str | None]:
    """Stripped strings, ``None`` where the value is missing or blank.

    A plain loop: for the few thousand values of a registry it is faster than pandas'
    string methods, whose fixed cost dominates on small frames.
    """
    missing = series.isna().to_numpy()
    return [
        None if gone else (str(value).strip() or None)
        for value, gone in zip(series.tolist(), missing, strict=True)
    ]


def _lookup(series: pd.Series) -> tuple[list[int], list[str]]:
    """Codes into a sorted table of distinct values (-1 = missing), for compact payloads."""
    values = _clean_text(series)
    table = sorted({v for v in values if v is not None})
    index = {v: i for i, v in enumerate(table)}
    return [-1 if v is None else index[v] for v in values], table


def _rounded_or_none(series: pd.Series, decimals: int) -> list[float | None]:
    values = pd.to_numeric(series, errors="coerce").round(decimals)
    return [None if pd.isna(v) else float(v) for v in values.tolist()]


_POINT_COLUMNS = (
    "id", "name_en", "name_ru", "city", "region_code", "industry_group", "status", "scenario",
    "mne_count", "cluster_index", "index_published", "lat", "lon", "location_basis",
)  # fmt: skip
"""The cluster columns the markers use."""

_PLAIN_ID = re.compile(r"[A-Za-z0-9_.~-]*\Z")
"""Ids made only of characters a URL carries unquoted (and HTML shows unescaped)."""


def _basis_code(basis: str | None) -> int:
    """1 = drawn at the city, 2 = at a point of the region, 0 = not said."""
    if basis is None:
        return 0
    if basis.startswith("city"):
        return 1
    return 2 if basis.startswith("region") else 0


def _escape_all(texts: Sequence[str]) -> list[str]:
    """``html.escape`` of every text, in one call on the joined texts when possible
    (the escaping never touches the NUL separator)."""
    joined = "\x00".join(texts)
    if "\x00" in "".join(texts):
        return [html.escape(t) for t in texts]
    return html.escape(joined).split("\x00") if texts else []


def cluster_points(
    clusters: pd.DataFrame,
    regions: pd.DataFrame,
    projection: Projection = "albers",
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> dict[str, Any]:
    """The markers' data: one column per attribute, one entry per located cluster (by id).

    Columnar and compact so that 10,000 clusters stay near 1 MB: ``id`` (escaped),
    ``t`` escaped name, ``x``/``y`` integer map coordinates on a ``10**-d`` grid, ``s``
    scenario (index into ``SCENARIO_COLOURS``), ``m`` MNE links, ``r``/``c``/``g``/``st``
    indices of region, city, industry group and status into the tables of ``lk`` (-1 = not
    reported), ``i`` recomputed index, ``ip`` published index (sparse: position → value),
    ``b`` location basis (1 city, 2 a point of the region), ``q`` URL-quoted ids where they
    differ from ``id`` and ``o`` pixel offsets of markers that share a point (sparse; only
    when the markers are not grouped). The browser builds tooltips and popups from these;
    every string from the data is HTML-escaped here. Clusters without coordinates cannot
    be drawn and are left out. Names are those of ``lang`` (falling back to the other
    language's name as published); industry groups and statuses are in ``lang`` when
    ``labels`` (the vocabularies) are given.
    """
    # Only the columns used, as a plain frame: filtering and sorting a registry's 40
    # (Arrow-backed) columns would cost more than everything else here.
    frame = pd.DataFrame({c: clusters[c].to_numpy() for c in _POINT_COLUMNS if c in clusters})
    frame = frame.loc[frame["lat"].notna() & frame["lon"].notna()]
    located = frame.iloc[np.argsort(frame["id"].astype(str).to_numpy(), kind="stable")]
    e = html.escape
    x, y = to_map_coordinates(located["lon"].to_numpy(), located["lat"].to_numpy(), projection)
    grid = 10**POINT_DECIMALS
    xi = np.round(np.asarray(x) * grid).astype(np.int64)
    yi = np.round(np.asarray(y) * grid).astype(np.int64)
    ids = [str(i) for i in located["id"].tolist()]
    name_list: list[str | None] = [None] * len(located)
    for column in _name_columns(lang):
        if column in located:
            other = _clean_text(located[column])
            name_list = [a if a is not None else b for a, b in zip(name_list, other, strict=True)]
    unnamed = i18n.translator(lang)(UNNAMED)
    name_list = [n if n is not None else unnamed for n in name_list]
    scenario_order = list(SCENARIO_COLOURS)
    scenario = located["scenario"].astype("object").where(located["scenario"].notna(), None)
    scenario_idx = [
        scenario_order.index(s) if s in SCENARIO_COLOURS else scenario_order.index("not assessed")
        for s in scenario.tolist()
    ]
    region_idx, region_codes = _lookup(located["region_code"])
    region_names = dict(
        zip(regions["code"].astype(str), i18n.localised_names(regions, lang), strict=True)
    )
    city_idx, cities = _lookup(located["city"])
    industry_idx, industries = _lookup(located["industry_group"])
    status_idx, statuses = _lookup(located["status"])
    if labels is not None and lang != "en":
        industries = [labels.term("industry_group", g, lang) for g in industries]
        statuses = [labels.term("status", v, lang) for v in statuses]
    basis = [_basis_code(b) for b in _clean_text(located["location_basis"])]
    published = _rounded_or_none(located["index_published"], 2)
    mne = pd.to_numeric(located["mne_count"], errors="coerce").fillna(0).astype(int).tolist()
    payload: dict[str, Any] = {
        "d": POINT_DECIMALS,
        "id": _escape_all(ids),
        "t": _escape_all(name_list),
        "x": xi.tolist(),
        "y": yi.tolist(),
        "s": scenario_idx,
        "m": mne,
        "r": region_idx,
        "c": city_idx,
        "g": industry_idx,
        "st": status_idx,
        "i": _rounded_or_none(located["cluster_index"], 2),
        "ip": {str(j): v for j, v in enumerate(published) if v is not None},
        "b": basis,
        "q": {str(j): quote(i, safe="") for j, i in enumerate(ids) if not _PLAIN_ID.match(i)},
        "o": {},
        "lk": {
            "region": region_codes,
            "regionName": [e(_text(region_names.get(c), c)) for c in region_codes],
            "city": [e(c) for c in cities],
            "industry": [e(g) for g in industries],
            "status": [e(s) for s in statuses],
        },
    }
    if len(ids) <= GROUP_ABOVE:
        offsets = marker_offsets(list(zip(xi.tolist(), yi.tolist(), strict=True)))
        payload["o"] = {str(j): list(o) for j, o in enumerate(offsets) if o != (0.0, 0.0)}
    return payload


def cluster_payload(
    clusters: pd.DataFrame,
    regions: pd.DataFrame,
    projection: Projection = "albers",
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> list[dict[str, Any]]:
    """One record per cluster that has a location, in a stable order (by id).

    Keys: ``id``, ``r`` region code, ``x``/``y`` map coordinates, ``o`` pixel offset,
    ``c`` scenario colour, ``m`` 1 if the cluster has MNE links, ``t`` tooltip HTML and
    ``p`` popup HTML. Clusters without coordinates cannot be drawn and are left out.
    """
    located = clusters.loc[clusters["lat"].notna() & clusters["lon"].notna()]
    located = located.sort_values("id", kind="stable")
    if located.empty:
        return []
    x, y = to_map_coordinates(located["lon"].to_numpy(), located["lat"].to_numpy(), projection)
    x = np.round(x, POINT_DECIMALS)
    y = np.round(y, POINT_DECIMALS)
    offsets = marker_offsets(list(zip(x.tolist(), y.tolist(), strict=True)))
    names = dict(zip(regions["code"], i18n.localised_names(regions, lang), strict=True))
    out = []
    for (_, row), xi, yi, off in zip(located.iterrows(), x, y, offsets, strict=True):
        rec = row.to_dict()
        scenario = _text(rec.get("scenario"), "not assessed")
        out.append(
            {
                "id": _text(rec.get("id"), ""),
                "r": _text(rec.get("region_code"), ""),
                "x": float(xi),
                "y": float(yi),
                "o": list(off),
                "c": SCENARIO_COLOURS.get(scenario, SCENARIO_COLOURS["not assessed"]),
                "m": 1 if _count(rec.get("mne_count")) > 0 else 0,
                "t": html.escape(cluster_name(rec, lang)),
                "p": popup_html(rec, names, lang, labels),
            }
        )
    return out


def points_from_records(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``cluster_payload`` records (with their own popup HTML in ``p``) as the columnar
    payload ``ClusterLayer`` draws: the popups are kept as given (``p``), so a caller can
    show its own (an export without profile links, say)."""
    colour_index = {c: i for i, c in enumerate(SCENARIO_COLOURS.values())}
    grey = colour_index[SCENARIO_COLOURS["not assessed"]]
    grid = 10**POINT_DECIMALS
    codes = sorted({str(r.get("r") or "") for r in records} - {""})
    code_index = {c: i for i, c in enumerate(codes)}
    return {
        "d": POINT_DECIMALS,
        "id": [html.escape(str(r["id"])) for r in records],
        "t": [str(r["t"]) for r in records],
        "x": [round(float(r["x"]) * grid) for r in records],
        "y": [round(float(r["y"]) * grid) for r in records],
        "s": [colour_index.get(str(r.get("c")), grey) for r in records],
        "m": [int(r.get("m") or 0) for r in records],
        "r": [code_index.get(str(r.get("r") or ""), -1) for r in records],
        "p": [str(r["p"]) for r in records],
        "o": {str(j): list(r["o"]) for j, r in enumerate(records) if any(r.get("o") or ())},
        "q": {},
        "ip": {},
        "lk": {"region": codes},
    }


def point_count(points: Mapping[str, Any] | Sequence[Any]) -> int:
    """How many clusters a payload (``cluster_points`` or ``cluster_payload``) holds."""
    return len(points["id"]) if isinstance(points, Mapping) else len(points)


# --- legend -----------------------------------------------------------------------------------

MARKER_STYLE = {
    "mne": {"radius": 8, "color": "#111111", "weight": 3},
    "plain": {"radius": 6.5, "color": "#ffffff", "weight": 1.5},
}
"""Markers: fill = scenario colour; a thick dark ring = the cluster has MNE links."""


def _dot_svg(fill: str, mne: bool) -> str:
    style = MARKER_STYLE["mne" if mne else "plain"]
    r = style["radius"]
    stroke = style["color"] if mne else "#555555"
    width = style["weight"] if mne else 1
    return (
        f'<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="{r}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"/></svg>'
    )


LEGEND_TEXT: dict[str, str] = {
    "no_data": N_("No data"),
    "classes": N_("{scheme}, {k} classes"),
    "one_class": N_("{scheme}, 1 class"),
    "empty": N_("no region has data"),
    "in_brackets": N_("regions in brackets"),
    "clusters": N_("Clusters:"),
    "mne": N_("dark ring: MNE links"),
    "no_mne": N_("no ring: none"),
    "group": N_("group: pie = scenarios, dark arc = share with MNE links, number = clusters"),
}
"""Every text of the legend (English literals in one place)."""


def _group_svg() -> str:
    """The legend's sample group symbol: a two-scenario pie, a dark arc over a third of
    the ring (a third of the group has MNE links) and the number of clusters."""
    a, b = SCENARIO_COLOURS["lonely"], SCENARIO_COLOURS["potential"]
    ring = MARKER_STYLE["mne"]["color"]
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<path d="M10,10L10,3A7,7 0 0 1 10,17Z" fill="{a}"/>'
        f'<path d="M10,10L10,17A7,7 0 0 1 10,3Z" fill="{b}"/>'
        '<circle cx="10" cy="10" r="8.5" fill="none" stroke="#ffffff" stroke-width="3"/>'
        f'<circle cx="10" cy="10" r="8.5" fill="none" stroke="{ring}" stroke-width="3" '
        'stroke-dasharray="17.8 53.4" transform="rotate(-90 10 10)"/>'
        '<circle cx="10" cy="10" r="4.2" fill="#ffffff"/>'
        '<text x="10" y="10" dy="0.35em" text-anchor="middle" font-size="7" '
        'font-weight="600" fill="#111111">9</text></svg>'
    )


def legend_html(
    measure_key: str,
    classification: Classification,
    scenario_counts: Mapping[str, int] | None = None,
    grouped: bool = False,
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> str:
    """The legend as plain HTML, a low strip along the bottom of the map.

    First the measure and its classification, then one item per class with the number of
    regions in it and "no data" (hatched); then the markers: colour = scenario (with the
    number of clusters shown) and dark ring = MNE links, and, when markers are ``grouped``
    (many clusters), the group symbol. It is a ``<details>`` element, so a reader can fold
    it down to its title line. Texts, names and numbers are in ``lang`` (``labels``: the
    vocabularies, for the Russian labels of published indicators).
    """
    e = html.escape
    _ = i18n.translator(lang)
    t = {k: _(v) for k, v in LEGEND_TEXT.items()}
    m = measure(measure_key)
    classes = []
    for colour, label, n in zip(
        classification.colours,
        class_labels(classification, m.decimals, lang),
        classification.counts(),
        strict=True,
    ):
        classes.append(
            f'<span class="cm-i"><span class="cm-sw" style="background:{colour}"></span>'
            f'{e(label)}<span class="cm-n">({n})</span></span>'
        )
    classes.append(
        f'<span class="cm-i"><span class="cm-sw cm-nodata"></span>{e(t["no_data"])}'
        f'<span class="cm-n">({classification.no_data})</span></span>'
    )
    if classification.k:
        template = t["classes"] if classification.k != 1 else t["one_class"]
        how = template.format(scheme=_(SCHEMES[classification.scheme]), k=classification.k)
    else:
        how = t["empty"]
    markers = [f'<span class="cm-h">{e(t["clusters"])}</span>']
    for scenario, colour in SCENARIO_COLOURS.items():
        if scenario in i18n.SCENARIO_DESCRIPTIONS:
            title, label = i18n.scenario_label(scenario, lang), i18n.scenario_name(scenario, lang)
        else:
            title = SCENARIO_LABELS.get(scenario, scenario)
            label = title.split(":")[0]
        n = ""
        if scenario_counts is not None:
            count = i18n.format_int(scenario_counts.get(scenario, 0), lang)
            n = f'<span class="cm-n">({e(count)})</span>'
        markers.append(
            f'<span class="cm-i" title="{e(title)}">{_dot_svg(colour, False)}{e(label)}{n}</span>'
        )
    grey = SCENARIO_COLOURS["not assessed"]
    markers.append(f'<span class="cm-i">{_dot_svg(grey, True)}{e(t["mne"])}</span>')
    markers.append(f'<span class="cm-i">{_dot_svg(grey, False)}{e(t["no_mne"])}</span>')
    if grouped:
        markers.append(f'<span class="cm-i cm-gi">{_group_svg()}{e(t["group"])}</span>')
    return (
        f'<details open><summary><span class="cm-h">{e(measure_label(m.key, lang, labels))}</span> '
        f'<span class="cm-n">{e(how)}; {e(t["in_brackets"])}</span></summary>'
        f'<div class="cm-items">{"".join(classes)}</div>'
        f'<div class="cm-items">{"".join(markers)}</div></details>'
    )


# --- offline Leaflet ----------------------------------------------------------------------------

LEAFLET_VERSION = "1.9.4"
_LEAFLET_PACKAGE = "js_lib_leaflet"


@dataclass(frozen=True)
class LeafletAssets:
    """Leaflet's script and stylesheet as ``data:`` URLs (no request leaves the page)."""

    js: str
    css: str


def _data_url(mime: str, text: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"


def leaflet_assets() -> LeafletAssets:
    """Leaflet 1.9.4 from the ``django-js-lib-leaflet`` package, as ``data:`` URLs.

    The source-map comment is dropped (it would point at a file next to a data: URL) and
    the stylesheet's ``images/`` references (default marker icons, layers control, which
    this map does not use) are removed so nothing can ask for them.
    """
    root = resources.files(_LEAFLET_PACKAGE) / "static" / _LEAFLET_PACKAGE
    js = (root / "leaflet.js").read_text(encoding="utf-8")
    if f"Leaflet {LEAFLET_VERSION}" not in js[:200]:
        raise RuntimeError(f"django-js-lib-leaflet does not ship Leaflet {LEAFLET_VERSION}")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    css = (root / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/[^)]*\)", "none", css)
    return LeafletAssets(_data_url("text/javascript", js), _data_url("text/css", css))


# --- folium elements ---------------------------------------------------------------------------

_MAP_CSS = f"""
.leaflet-container {{ background: #ffffff;
  font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
.cm-legend {{ background: rgba(255,255,255,0.93); padding: 4px 8px; border-radius: 4px;
  box-shadow: 0 0 4px rgba(0,0,0,0.3); color: #222; line-height: 1.25;
  max-width: calc(100vw - 40px); box-sizing: border-box; }}
.cm-legend:empty {{ display: none; }}
.cm-legend summary {{ cursor: pointer; }}
.cm-legend .cm-h {{ font-weight: 600; }}
.cm-legend .cm-items {{ display: flex; flex-wrap: wrap; align-items: center;
  column-gap: 10px; row-gap: 1px; margin-top: 2px; }}
.cm-legend .cm-i {{ display: inline-flex; align-items: center; gap: 3px; white-space: nowrap; }}
.cm-legend .cm-sw {{ display: inline-block; width: 16px; height: 11px;
  border: 1px solid #7a7a7a; }}
.cm-legend .cm-nodata {{ background: repeating-linear-gradient(45deg,
  {NO_DATA_HATCH} 0 1.5px, {NO_DATA_FILL} 1.5px 4.2px); }}
.cm-legend .cm-n {{ color: #666; }}
.cm-legend svg {{ flex: none; width: 16px; height: 16px; }}
.cm-pop table {{ border-collapse: collapse; margin: 4px 0; }}
.cm-pop th {{ text-align: left; font-weight: 600; padding: 1px 8px 1px 0; vertical-align: top; }}
.cm-pop td {{ padding: 1px 0; }}
.cm-pop ul {{ margin: 4px 0; padding-left: 16px; max-height: 220px; overflow-y: auto; }}
.cm-pop .cm-id {{ color: #666; }}
.cm-pop .cm-note {{ margin: 2px 0 4px; color: #555; font-style: italic; }}
.cm-clusters-pane > svg {{ pointer-events: none; }}
.cm-group {{ background: none; border: none; cursor: pointer; }}
.cm-group svg {{ display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,0.5)); }}
.leaflet-bar a.cm-home {{ font-size: 18px; line-height: 30px; }}
.leaflet-interactive:focus:not(:focus-visible) {{ outline: none; }}
"""

_REGION_STYLE = {"color": "#7a7a7a", "weight": 0.6, "fillColor": "url(#cm-hatch)", "fillOpacity": 1}
_REGION_HOVER = {"color": "#1a1a1a", "weight": 2}

_BASE_SCRIPT = """
{% macro script(this, kwargs) %}
(function (map) {
  var payload = {{ this.payload }};
  var scale = Math.pow(10, payload.d);
  function decodeRing(s) {
    var out = [], i = 0, x = 0, y = 0, n = s.length;
    while (i < n) {
      var r = 0, sh = 0, b;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      x += (r & 1) ? ~(r >> 1) : (r >> 1);
      r = 0; sh = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      y += (r & 1) ? ~(r >> 1) : (r >> 1);
      out.push([x / scale, y / scale]);
    }
    return out;
  }
  if (!document.getElementById("cm-style")) {
    var css = document.createElement("style");
    css.id = "cm-style";
    css.textContent = {{ this.css }};
    document.head.appendChild(css);
  }
  if (!document.getElementById("cm-hatch")) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.style.position = "absolute";
    svg.innerHTML = {{ this.pattern }};
    document.body.appendChild(svg);
  }
  var baseStyle = {{ this.region_style }}, hover = {{ this.hover_style }};
  var names = {};
  var features = payload.r.map(function (r) {
    names[r.c] = r.n;
    return {type: "Feature", properties: {kind: "region", code: r.c},
            geometry: {type: "MultiPolygon",
                       coordinates: r.g.map(function (p) { return p.map(decodeRing); })}};
  });
  var regions = L.geoJson({type: "FeatureCollection", features: features}, {
    className: "cm-region",
    style: function () { return baseStyle; },
    onEachFeature: function (f, layer) {
      layer.options.className = "cm-region cm-code-" + f.properties.code;
      layer.cmName = names[f.properties.code];
      layer.bindTooltip(layer.cmName, {sticky: true});
      layer.on("mouseover", function () { layer.setStyle(hover); layer.bringToFront(); });
      layer.on("mouseout", function () {
        layer.setStyle({color: baseStyle.color, weight: baseStyle.weight});
      });
    }
  }).addTo(map);
  window.cmRegions = regions;
  window.cmMap = map;
  var pane = map.createPane("cmClusters");
  pane.style.zIndex = 450;
  pane.classList.add("cm-clusters-pane");
  window.CmDot = L.CircleMarker.extend({
    _project: function () {
      L.CircleMarker.prototype._project.call(this);
      var o = this.options.offset;
      if (o && (o[0] || o[1])) {
        this._point = this._point.add(L.point(o[0], o[1]));
        this._updateBounds();
      }
    }
  });
  var legend = L.control({position: {{ this.legend_position }}});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "cm-legend leaflet-control");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
  window.cmLegend = legend;
  // Fit Russia to the frame, leaving the legend's height free at the bottom, until the
  // user pans or zooms: the frame's final size and the legend arrive after the map.
  var home = L.latLngBounds({{ this.bounds }}), userMoved = false;
  ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (type) {
    map.getContainer().addEventListener(type, function () { userMoved = true; }, {passive: true});
  });
  window.cmFit = function (force) {
    if (userMoved && !force) { return; }
    var box = legend.getContainer();
    var below = box && box.offsetHeight ? box.offsetHeight + 12 : 8;
    map.fitBounds(home, {paddingTopLeft: [8, 8], paddingBottomRight: [8, below], animate: false});
  };
  map.on("resize", function () { window.cmFit(false); });
  var homeButton = L.control({position: "topleft"});
  homeButton.onAdd = function () {
    var div = L.DomUtil.create("div", "leaflet-bar leaflet-control");
    var a = L.DomUtil.create("a", "cm-home", div);
    a.href = "#"; a.title = "Show all of Russia"; a.setAttribute("role", "button");
    a.innerHTML = "&#8962;";
    L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); window.cmFit(true); });
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  homeButton.addTo(map);
  window.cmFit(true);
  if (map.attributionControl) {
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.setPosition("topright");
    map.attributionControl.addAttribution({{ this.attribution }});
  }
})({{ this._parent.get_name() }});
{% endmacro %}
"""

_HATCH_PATTERN = (
    '<defs><pattern id="cm-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    f'<rect width="5" height="5" fill="{NO_DATA_FILL}"/>'
    f'<line x1="0" y1="0" x2="0" y2="5" stroke="{NO_DATA_HATCH}" stroke-width="1.6"/>'
    "</pattern></defs>"
)


class _RawScript(Element):
    """Rendered JavaScript, inserted as is.

    Branca wraps a macro's output in a new ``Element``, which compiles it as a Jinja
    template: for a megabyte of marker data that costs more than building the data.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _ScriptElement(MacroElement):
    """A macro element whose script goes into the page without a second template pass."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_RawScript(str(script(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class RegionLayer(_ScriptElement):
    """The base layer: decodes the region payload, draws neutral shapes (class
    ``cm-region``), and sets up what the dynamic layer fills in (legend control, the
    cluster pane, the offset marker class and the hatch pattern for "no data")."""

    _template = Template(_BASE_SCRIPT)

    def __init__(
        self,
        payload: RegionPayload,
        attribution: str = "Regions: Natural Earth",
        legend_position: str = "bottomleft",
    ) -> None:
        super().__init__()
        self._name = "RegionLayer"
        self.payload = payload.json
        self.css = compact_json(_MAP_CSS)
        self.pattern = compact_json(_HATCH_PATTERN)
        self.region_style = compact_json(_REGION_STYLE)
        self.hover_style = compact_json(_REGION_HOVER)
        self.attribution = compact_json(html.escape(attribution))
        self.legend_position = compact_json(legend_position)
        self.bounds = compact_json([list(payload.bounds[0]), list(payload.bounds[1])])


_STYLE_SCRIPT = """
{% macro script(this, kwargs) %}
(function () {
  var styles = {{ this.styles }}, hatch = "url(#cm-hatch)";
  if (window.cmRegions) {
    window.cmRegions.eachLayer(function (layer) {
      var s = styles[layer.feature.properties.code];
      layer.setStyle({fillColor: (s && s[0]) || hatch, fillOpacity: 1});
      layer.setTooltipContent(s ? s[1] : layer.cmName);
    });
  }
  var box = window.cmLegend && window.cmLegend.getContainer();
  if (box) { box.innerHTML = {{ this.legend }}; }
  if (window.cmFit) { window.cmFit(false); }
})();
{% endmacro %}
"""


class RegionStyle(_ScriptElement):
    """Colours the base map's regions and fills the legend (part of the dynamic layer)."""

    _template = Template(_STYLE_SCRIPT)

    def __init__(self, styles: Mapping[str, Sequence[str | None]], legend: str) -> None:
        super().__init__()
        self._name = "RegionStyle"
        self.styles = compact_json(styles)
        self.legend = compact_json(legend)


_CLUSTER_SCRIPT = """
{% macro script(this, kwargs) %}
(function (parent) {
  var P = {{ this.points }}, K = {{ this.config }};
  var T = K.text, n = P.id.length, scale = Math.pow(10, P.d);
  function pick(list, i) { return i >= 0 ? list[i] : T.missing; }
  function fixed(v, d) {
    return v === null || v === undefined ? T.missing : v.toFixed(d).replace(".", K.decimal);
  }
  function href(i) { return K.profile + (P.q[i] || P.id[i]); }
  function lat(i) { return P.y[i] / scale; }
  function lng(i) { return P.x[i] / scale; }
  function popup(i) {
    if (P.p) { return P.p[i]; }
    var index = fixed(P.i[i], 2);
    if (P.ip[i] !== undefined) { index += " (" + T.published + " " + fixed(P.ip[i], 1) + ")"; }
    var rows = [[T.city, pick(P.lk.city, P.c[i])], [T.region, pick(P.lk.regionName, P.r[i])],
      [T.industry, pick(P.lk.industry, P.g[i])], [T.status, pick(P.lk.status, P.st[i])],
      [T.index, index], [T.scenario, K.scenarios[P.s[i]]], [T.mne, String(P.m[i])]];
    var note = P.b[i] === 1 ? T.noteCity : (P.b[i] === 2 ? T.noteRegion : "");
    return '<div class="cm-pop"><b>' + P.t[i] + '</b> <span class="cm-id">' + P.id[i] +
      "</span><table>" + rows.map(function (r) {
        return "<tr><th>" + r[0] + "</th><td>" + r[1] + "</td></tr>";
      }).join("") + "</table>" + (note ? '<p class="cm-note">' + note + "</p>" : "") +
      (K.profile === null ? "" :
        '<a href="' + href(i) + '" target="_blank" rel="noopener">' + T.profile + "</a>") +
      "</div>";
  }
  function dot(i, offset) {
    var mne = P.m[i] > 0, s = mne ? K.mne : K.plain;
    var marker = new window.CmDot([lat(i), lng(i)], {
      offset: offset, radius: s.radius, color: s.color, weight: s.weight,
      fillColor: K.colours[P.s[i]], fillOpacity: 1, pane: "cmClusters",
      className: "cm-cluster" + (mne ? " cm-mne" : "")
    });
    var region = P.r[i] >= 0 ? P.lk.region[P.r[i]] : null;
    marker.feature = {type: "Feature", properties: {kind: "cluster", id: P.id[i], region: region}};
    marker.bindTooltip(P.t[i], {sticky: true});
    marker.bindPopup(function () { return popup(i); }, {maxWidth: 340});
    return marker;
  }
  var singles = L.featureGroup().addTo(parent);
  if (n <= K.groupAbove) {
    for (var i = 0; i < n; i++) { singles.addLayer(dot(i, P.o[i] || [0, 0])); }
    return;
  }
  // Many clusters: combine the markers of each screen cell into one group symbol (a pie of
  // scenarios, a dark arc for the share with MNE links, the number), redrawn after every
  // move. Groups sit in a plain layer group, so clicking one zooms in without a rerun.
  var groups = L.layerGroup().addTo(parent), px = null, py = null;
  function project(map) {
    px = new Float64Array(n); py = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var p = map.project([lat(i), lng(i)], 0);
      px[i] = p.x; py[i] = p.y;
    }
  }
  function short(k) { return k >= 10000 ? Math.round(k / 1000) + "k" : String(k); }
  function pie(g, total, size) {
    var c = size / 2, r = c - 3, a = -Math.PI / 2, out = [];
    function f(v) { return v.toFixed(2); }
    g.counts.forEach(function (k, s) {
      if (!k) { return; }
      if (k === total) {
        out.push('<circle cx="' + c + '" cy="' + c + '" r="' + r + '" fill="' + K.colours[s] +
          '"/>');
        return;
      }
      var b = a + 2 * Math.PI * k / total, large = b - a > Math.PI ? 1 : 0;
      out.push('<path d="M' + c + "," + c + "L" + f(c + r * Math.cos(a)) + "," +
        f(c + r * Math.sin(a)) + "A" + r + "," + r + " 0 " + large + " 1 " +
        f(c + r * Math.cos(b)) + "," + f(c + r * Math.sin(b)) + 'Z" fill="' + K.colours[s] + '"/>');
      a = b;
    });
    var R = c - 1.5, len = 2 * Math.PI * R;
    out.push('<circle cx="' + c + '" cy="' + c + '" r="' + R +
      '" fill="none" stroke="#ffffff" stroke-width="3"/>');
    if (g.mne > 0) {
      out.push('<circle class="cm-group-mne" cx="' + c + '" cy="' + c + '" r="' + R +
        '" fill="none" stroke="' + K.mne.color + '" stroke-width="3" stroke-dasharray="' +
        f(len * g.mne / total) + " " + f(len) + '" transform="rotate(-90 ' + c + " " + c + ')"/>');
    }
    out.push('<circle cx="' + c + '" cy="' + c + '" r="' + f(r * 0.6) + '" fill="#ffffff"/>');
    out.push('<text x="' + c + '" y="' + c + '" dy="0.35em" text-anchor="middle" ' +
      'font-size="10" font-weight="600" fill="#111111">' + short(total) + "</text>");
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + " " + size +
      '" data-count="' + total + '" data-mne="' + g.mne + '">' + out.join("") + "</svg>";
  }
  function groupTip(g, total, canZoom) {
    var parts = [];
    g.counts.forEach(function (k, s) { if (k) { parts.push(K.scenarios[s] + ": " + k); } });
    return "<b>" + T.clusters.replace("{n}", total) + "</b><br>" + parts.join(" · ") + "<br>" +
      T.withMne.replace("{n}", g.mne) + "<br><i>" + (canZoom ? T.zoomIn : T.showList) + "</i>";
  }
  function listHtml(g) {
    var shown = g.members.slice(0, K.listMax), rest = g.members.length - shown.length;
    return '<div class="cm-pop"><b>' + T.clusters.replace("{n}", g.members.length) + "</b><ul>" +
      shown.map(function (i) {
        var name = K.profile === null ? P.t[i] :
          '<a href="' + href(i) + '" target="_blank" rel="noopener">' + P.t[i] + "</a>";
        return "<li>" + name + " (" + K.scenarios[P.s[i]] +
          (P.m[i] > 0 ? ", " + T.mne + ": " + P.m[i] : "") + ")</li>";
      }).join("") + "</ul>" + (rest > 0 ? T.more.replace("{n}", rest) : "") + "</div>";
  }
  function groupMarker(map, g, z) {
    var total = g.members.length, size = Math.min(40, Math.round(24 + 6 * Math.log10(total)));
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    g.members.forEach(function (i) {
      x0 = Math.min(x0, px[i]); x1 = Math.max(x1, px[i]);
      y0 = Math.min(y0, py[i]); y1 = Math.max(y1, py[i]);
    });
    var canZoom = (x1 > x0 || y1 > y0) && z < map.getMaxZoom();
    var marker = L.marker(map.unproject([g.sx / total, g.sy / total], z), {
      pane: "cmClusters",
      icon: L.divIcon({html: pie(g, total, size), className: "cm-group", iconSize: [size, size]})
    });
    marker.bindTooltip(groupTip(g, total, canZoom), {direction: "top"});
    marker.on("click", function () {
      if (canZoom) {
        var box = L.latLngBounds(map.unproject([x0, y0], 0), map.unproject([x1, y1], 0));
        var zoom = Math.min(map.getMaxZoom(), Math.max(z + 1, map.getBoundsZoom(box.pad(0.2))));
        map.setView(box.getCenter(), zoom);
      } else {
        marker.bindPopup(listHtml(g), {maxWidth: 340}).openPopup();
      }
    });
    return marker;
  }
  function draw() {
    var map = parent._map;
    if (!map) { return; }
    if (!px) { project(map); }
    var z = map.getZoom(), f = Math.pow(2, z), cell = K.cellPx, view = map.getPixelBounds();
    var x0 = view.min.x - cell, y0 = view.min.y - cell;
    var x1 = view.max.x + cell, y1 = view.max.y + cell;
    var cells = new Map();
    for (var i = 0; i < n; i++) {
      var x = px[i] * f, y = py[i] * f;
      if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
      var key = Math.floor(x / cell) + ":" + Math.floor(y / cell), g = cells.get(key);
      if (!g) {
        g = {members: [], sx: 0, sy: 0, mne: 0, counts: K.colours.map(function () { return 0; })};
        cells.set(key, g);
      }
      g.members.push(i); g.sx += x; g.sy += y; g.counts[P.s[i]] += 1;
      if (P.m[i] > 0) { g.mne += 1; }
    }
    singles.clearLayers();
    groups.clearLayers();
    cells.forEach(function (g) {
      if (g.members.length === 1) { singles.addLayer(dot(g.members[0], [0, 0])); }
      else { groups.addLayer(groupMarker(map, g, z)); }
    });
  }
  function start() {
    var map = parent._map;
    if (!map) { return; }
    map.on("moveend", draw);
    parent.once("remove", function () { map.off("moveend", draw); });
    setTimeout(draw, 0);
  }
  if (parent._map) { start(); } else { parent.once("add", start); }
})({{ this._parent.get_name() }});
{% endmacro %}
"""

POPUP_TEXT: dict[str, str] = {
    "city": N_("City"),
    "region": N_("Region"),
    "industry": N_("Industry group"),
    "status": N_("Status"),
    "index": N_("Internationalisation index"),
    "published": N_("published"),
    "scenario": N_("Scenario"),
    "mne": N_("MNE links"),
    "profile": N_("Cluster profile"),
    "missing": N_("not reported"),
    "noteCity": N_("Drawn at the city."),
    "noteRegion": N_("Drawn at a point inside the region: the source does not report the city."),
    "clusters": N_("{n} clusters"),
    "withMne": N_("{n} with MNE links"),
    "zoomIn": N_("Click to zoom in."),
    "showList": N_("Click for the list."),
    "more": N_("and {n} more"),
}
"""Every text of marker tooltips and popups (English literals in one place; the browser
fills them in, HTML-escaped)."""

GROUP_LIST_MAX = 25
"""A group that cannot be split by zooming lists at most this many clusters in its popup."""


class ClusterLayer(_ScriptElement):
    """Cluster markers from a ``cluster_payload``, on their own pane above the regions.

    Up to ``GROUP_ABOVE`` clusters: one marker each (class ``cm-cluster``, plus ``cm-mne``
    with MNE links), spread around shared points by pixel offsets. Above: markers in the
    same ``GROUP_CELL_PX`` screen cell are drawn as one group symbol (class ``cm-group``)
    whose pie shows the scenarios, whose dark arc shows the share with MNE links and whose
    number counts the clusters; only cells in view are drawn, so the map stays light at any
    size. Tooltips and popups are built in the browser from the payload.
    """

    _template = Template(_CLUSTER_SCRIPT)

    def __init__(
        self, points: Mapping[str, Any], profile_links: bool = True, lang: str = "en"
    ) -> None:
        super().__init__()
        self._name = "ClusterLayer"
        self.points = compact_json(dict(points))
        self.config = compact_json(
            {
                "colours": list(SCENARIO_COLOURS.values()),
                "scenarios": [html.escape(_scenario_word(s, lang)) for s in SCENARIO_COLOURS],
                "mne": MARKER_STYLE["mne"],
                "plain": MARKER_STYLE["plain"],
                "text": {k: html.escape(v) for k, v in popup_text(lang).items()},
                "decimal": "," if lang == "ru" else ".",
                "profile": PROFILE_URL.split("{id}")[0] if profile_links else None,
                "groupAbove": GROUP_ABOVE,
                "cellPx": GROUP_CELL_PX,
                "listMax": GROUP_LIST_MAX,
            }
        )


# --- maps ---------------------------------------------------------------------------------------

OSM_ATTRIBUTION = "© OpenStreetMap contributors"

ATTRIBUTION: dict[str, str] = {
    "albers": N_("Regions: Natural Earth · Albers equal-area conic"),
    "mercator": N_("Regions: Natural Earth"),
}
"""The map's attribution line per projection (OpenStreetMap's own line is left as is)."""


def base_map(payload: RegionPayload, assets: LeafletAssets, lang: str = "en") -> folium.Map:
    """The part of the map that does not change with the measure or the filters.

    Albers payload: ``CRS.Simple``, no tiles. Mercator payload: Web Mercator with
    OpenStreetMap tiles (needs the network). Zoom is fractional (``zoomSnap`` 0.25) so
    fitting Russia fills the frame; the fit is done in the browser, above the legend, and
    redone when the frame is resized until the user moves the map. Leaflet is loaded from
    ``assets`` (``data:`` URLs) instead of folium's CDN defaults. ``lang``: the language of
    the attribution line.
    """
    (south, west), (north, east) = payload.bounds
    centre = [(south + north) / 2, (west + east) / 2]
    common: dict[str, Any] = {
        "location": centre,
        "zoom_start": 3,
        "zoom_snap": 0.25,
        "zoom_delta": 0.5,
        "control_scale": False,
    }
    if payload.projection == "albers":
        m = folium.Map(crs="Simple", tiles=None, min_zoom=1, max_zoom=10, **common)
    else:
        m = folium.Map(tiles=None, min_zoom=2, max_zoom=12, **common)
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)
    attribution = i18n.translator(lang)(ATTRIBUTION[payload.projection])
    m.default_js = [("leaflet", assets.js)]
    m.default_css = [("leaflet_css", assets.css)]
    RegionLayer(payload, attribution=attribution).add_to(m)
    return m


def dynamic_layer(
    styles: Mapping[str, Sequence[str | None]],
    legend: str,
    points: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    profile_links: bool = True,
    lang: str = "en",
) -> folium.FeatureGroup:
    """What changes with the measure and the filters: region colours and tooltips, the
    legend's content and the cluster markers, as one feature group for
    ``st_folium(feature_group_to_add=...)``.

    ``points`` is a ``cluster_points`` payload, or ``cluster_payload`` records (converted
    with ``points_from_records``, their popups kept). ``profile_links=False`` leaves the
    links to cluster profiles out of the popups (a standalone export has no app to open).
    ``lang``: the language of the texts the browser fills into tooltips and popups.
    """
    if not isinstance(points, Mapping):
        points = points_from_records(points)
    group = folium.FeatureGroup(name="clusters", control=False)
    RegionStyle(styles, legend).add_to(group)
    ClusterLayer(points, profile_links, lang).add_to(group)
    return group


def standalone_html(base: folium.Map, layer: folium.FeatureGroup | None = None) -> str:
    """The whole map as one HTML page (for screenshots, exports and benchmarks).

    ``base`` is modified (the layer is added to it); build a fresh one per call.
    """
    if layer is not None:
        layer.add_to(base)
    return base.get_root().render()


_URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.IGNORECASE)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_local_url(url: str) -> bool:
    """True for ``data:`` URLs, fragments, relative paths and localhost; False for any
    other host (a CDN, a tile server...)."""
    url = url.strip()
    if not url or url.startswith(("#", "data:", "blob:", "about:", "javascript:")):
        return True
    parts = urlsplit(url)
    if parts.scheme in {"http", "https", "ws", "wss", "ftp"} or url.startswith("//"):
        return (parts.hostname or "") in _LOCAL_HOSTS
    return not parts.netloc


def external_urls(texts: Iterable[str]) -> list[str]:
    """Every ``src=``/``href=``/CSS ``url()`` in ``texts`` that would leave the machine.

    Texts that are themselves URLs (e.g. ``js_links``) are checked as such.
    """
    found: list[str] = []
    for text in texts:
        if text.startswith("data:"):
            continue
        candidates = _URL_ATTR.findall(text) + _CSS_URL.findall(text)
        if not candidates and re.match(r"^[a-z]+://|^//", text.strip()):
            candidates = [text.strip()]
        found.extend(u for u in candidates if not is_local_url(u))
    return found


def scenario_counts(clusters: pd.DataFrame) -> dict[str, int]:
    """How many of ``clusters`` have each scenario (missing = "not assessed")."""
    counts = clusters["scenario"].fillna("not assessed").value_counts()
    return {s: int(counts.get(s, 0)) for s in SCENARIO_COLOURS}


def view_layer(
    data: RegionData,
    view: View = View(),  # noqa: B008 - frozen dataclass, safe as a default
    table: pd.DataFrame | None = None,
    shown: pd.DataFrame | None = None,
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> folium.FeatureGroup:
    """The dynamic layer of a view: what a filter, measure or class change re-renders.

    Filters the clusters (``geo.analysis.filters.apply_filter``; ``shown`` when the caller has
    already done it), classifies the measure over all regions, and builds the region
    colours, the legend and the markers (grouped above ``GROUP_ABOVE`` clusters).
    ``table`` is ``geo.analysis.measures.measure_table(data)`` when the caller has it cached;
    otherwise only the chosen measure is computed. ``lang`` is the language of every text
    (``labels``: the vocabularies, for Russian indicator, industry and status labels).
    """
    if shown is None:
        shown = filters.apply_filter(data.clusters, data.regions, view.filters)
    values = table[view.measure] if table is not None else compute_measure(view.measure, data)
    classification = classify(values, view.scheme, view.k)
    styles = region_styles(values, classification, data.regions, view.measure, lang, labels)
    points = cluster_points(shown, data.regions, view.projection, lang, labels)
    grouped = point_count(points) > GROUP_ABOVE
    legend = legend_html(
        view.measure, classification, scenario_counts(shown), grouped, lang, labels
    )
    return dynamic_layer(styles, legend, points, lang=lang)


def build_map_html(
    data: RegionData,
    view: View = View(),  # noqa: B008 - frozen dataclass, safe as a default
    payload: RegionPayload | None = None,
    assets: LeafletAssets | None = None,
    table: pd.DataFrame | None = None,
) -> str:
    """The map of a view as one standalone HTML page (benchmarks, screenshots, CLI).

    ``data`` is a ``geo.analysis.dataset.Dataset`` or anything with its ``regions``, ``clusters``,
    ``mne_links`` and ``indicators``. Without ``payload``/``assets``/``table`` everything
    is computed (a cold build); with them, only what a page rerun recomputes (the warm
    build: the map page caches exactly these three).
    """
    if payload is None:
        payload = region_payload(data.regions, view.projection)
    base = base_map(payload, assets if assets is not None else leaflet_assets())
    return standalone_html(base, view_layer(data, view, table))


