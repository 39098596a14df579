"""Cluster markers: their columnar payload, offsets around shared points, names, popups.

The browser draws the markers and builds their tooltips and popups from
``cluster_points`` (``geo/render/leaflet/clusters.js``); ``popup_html`` is the same popup
built here, for pages that embed one marker at a time. Every string from the data is
HTML-escaped here; the profile link quotes the id.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict
from urllib.parse import quote

import numpy as np
import pandas as pd

from geo.base import i18n
from geo.base.i18n import N_
from geo.render.palette import SCENARIO_COLOURS
from geo.render.projection import POINT_DECIMALS, to_map_coordinates
from geo.render.shapes import text_of
from geo.render.views import Projection

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
    "spread": N_("Click to show each of them."),
    "more": N_("and {n} more"),
}
"""Every text of marker tooltips and popups (English literals in one place; the browser
fills them in, HTML-escaped)."""

GROUP_LIST_MAX = 25
"""A group that cannot be split by zooming lists at most this many clusters in its popup."""


class MarkerStyle(TypedDict):
    """How a marker is drawn: ``radius`` and ring ``weight`` in screen pixels, ring
    ``color``."""

    radius: float
    color: str
    weight: float


MARKER_STYLE: dict[str, MarkerStyle] = {
    "mne": {"radius": 8, "color": "#111111", "weight": 3},
    "plain": {"radius": 6.5, "color": "#333333", "weight": 1.2},
}
"""Markers: fill = scenario colour; a thick dark ring = the cluster has MNE links. Every
marker has a thin dark outline and, on the interactive map, a white halo (``map.css``), so
it stands out at 3:1 or more (WCAG 1.4.11) on white and light fills (where the orange,
pink and grey fills alone give 1.6–3.0:1) and on the darkest class (blue alone: 2.0:1)."""


def popup_text(lang: str = "en") -> dict[str, str]:
    """``POPUP_TEXT`` in ``lang`` (same keys)."""
    _ = i18n.translator(lang)
    return {k: _(v) for k, v in POPUP_TEXT.items()}


def location_note(basis: Any, lang: str = "en") -> str:
    """A sentence on where the marker is, from the cluster's ``location_basis``."""
    text = text_of(basis, "")
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
        text = text_of(row.get(key), "")
        if text:
            return text
    return i18n.translator(lang)(UNNAMED)


def _number(value: Any, decimals: int = 2, lang: str = "en") -> str:
    """A popup number: fixed decimals (the locale's in Russian), "not reported" if missing."""
    if value is None or pd.isna(value):
        return i18n.translator(lang)(POPUP_TEXT["missing"])
    if lang == "en":
        return f"{float(value):.{decimals}f}"
    return i18n.format_number(value, lang, decimals)


def scenario_word(scenario: str, lang: str) -> str:
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
    region = text_of(row.get("region_code"), "")
    region_label = region_names.get(region, region) if region else t["missing"]
    scenario = scenario_word(text_of(row.get("scenario"), "not assessed"), lang)
    index = _number(row.get("cluster_index"), 2, lang)
    published = row.get("index_published")
    if published is not None and not pd.isna(published):
        index += f" ({t['published']} {_number(published, 1, lang)})"

    def term(vocabulary: str) -> str:
        value = text_of(row.get(vocabulary), "")
        if not value:
            return t["missing"]
        return labels.term(vocabulary, value, lang) if labels is not None else value

    facts = [
        (t["city"], text_of(row.get("city"), t["missing"])),
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
    cid = text_of(row.get("id"), "")
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


def _largest_diameter() -> float:
    """The screen diameter of the largest marker, its ring included (pixels)."""
    return max(2 * s["radius"] + s["weight"] for s in MARKER_STYLE.values())


OVERLAP_PX = _largest_diameter()
"""Two markers overlap when their centres are closer than this many screen pixels (the
diameter of the largest marker, MNE ring included: 19 px). When the map groups overlaps
(``ClusterLayer(group_overlaps=True)``), markers linked by such overlaps are one group."""

SPREAD_MAX = 25
"""A group that zooming cannot split (clusters at one point, or the deepest zoom) spreads
its markers around the point on click when it has at most this many; a larger one lists
them in a popup."""


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
    """Numbers rounded to ``decimals``, ``None`` where missing (JSON ``null``)."""
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


def _located(clusters: pd.DataFrame) -> pd.DataFrame:
    """The clusters that have coordinates, by id, with only the columns the markers use.

    A plain frame of those columns: filtering and sorting a registry's 40 (Arrow-backed)
    columns would cost more than everything else the markers need.
    """
    frame = pd.DataFrame({c: clusters[c].to_numpy() for c in _POINT_COLUMNS if c in clusters})
    frame = frame.loc[frame["lat"].notna() & frame["lon"].notna()]
    return frame.iloc[np.argsort(frame["id"].astype(str).to_numpy(), kind="stable")]


def _names(located: pd.DataFrame, lang: str) -> list[str]:
    """Each cluster's name as ``cluster_name`` gives it, column by column (no row loop)."""
    names: list[str | None] = [None] * len(located)
    for column in _name_columns(lang):
        if column in located:
            other = _clean_text(located[column])
            names = [a if a is not None else b for a, b in zip(names, other, strict=True)]
    unnamed = i18n.translator(lang)(UNNAMED)
    return [n if n is not None else unnamed for n in names]


def _scenario_indices(scenarios: pd.Series) -> list[int]:
    """Each scenario's position in ``SCENARIO_COLOURS`` (unknown or missing: "not assessed")."""
    order = list(SCENARIO_COLOURS)
    values = scenarios.astype("object").where(scenarios.notna(), None)
    grey = order.index("not assessed")
    return [order.index(s) if s in SCENARIO_COLOURS else grey for s in values.tolist()]


def _lookups(
    located: pd.DataFrame,
    regions: pd.DataFrame,
    lang: str,
    labels: i18n.VocabularyLabels | None,
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """The markers' region, city, industry group and status as indices (``r``, ``c``,
    ``g``, ``st``; -1 = not reported) into escaped tables of distinct values (``lk``).

    Region names and, with ``labels``, industry groups and statuses are in ``lang``.
    """
    e = html.escape
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
    indices = {"r": region_idx, "c": city_idx, "g": industry_idx, "st": status_idx}
    tables = {
        "region": region_codes,
        "regionName": [e(text_of(region_names.get(c), c)) for c in region_codes],
        "city": [e(c) for c in cities],
        "industry": [e(g) for g in industries],
        "status": [e(s) for s in statuses],
    }
    return indices, tables


def cluster_points(
    clusters: pd.DataFrame,
    regions: pd.DataFrame,
    projection: Projection = "albers",
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
    offsets_up_to: int | None = None,
) -> dict[str, Any]:
    """The markers' data: one column per attribute, one entry per located cluster (by id).

    Columnar and compact so that 10,000 clusters stay near 1 MB: ``id`` (escaped),
    ``t`` escaped name, ``x``/``y`` integer map coordinates on a ``10**-d`` grid, ``s``
    scenario (index into ``SCENARIO_COLOURS``), ``m`` MNE links, ``r``/``c``/``g``/``st``
    indices of region, city, industry group and status into the tables of ``lk`` (-1 = not
    reported), ``i`` recomputed index, ``ip`` published index (sparse: position → value),
    ``b`` location basis (1 city, 2 a point of the region), ``q`` URL-quoted ids where they
    differ from ``id`` and ``o`` pixel offsets of markers that share a point (sparse; only
    when there are at most ``offsets_up_to`` clusters, by default ``GROUP_ABOVE``: above
    it, or when the map groups overlapping markers (pass 0), the browser groups instead of
    offsetting). The browser builds tooltips and popups from these;
    every string from the data is HTML-escaped here. Clusters without coordinates cannot
    be drawn and are left out. Names are those of ``lang`` (falling back to the other
    language's name as published); industry groups and statuses are in ``lang`` when
    ``labels`` (the vocabularies) are given.
    """
    located = _located(clusters)
    x, y = to_map_coordinates(located["lon"].to_numpy(), located["lat"].to_numpy(), projection)
    grid = 10**POINT_DECIMALS
    xi = np.round(np.asarray(x) * grid).astype(np.int64)
    yi = np.round(np.asarray(y) * grid).astype(np.int64)
    ids = [str(i) for i in located["id"].tolist()]
    indices, tables = _lookups(located, regions, lang, labels)
    published = _rounded_or_none(located["index_published"], 2)
    mne = pd.to_numeric(located["mne_count"], errors="coerce").fillna(0).astype(int).tolist()
    payload: dict[str, Any] = {
        "d": POINT_DECIMALS,
        "id": _escape_all(ids),
        "t": _escape_all(_names(located, lang)),
        "x": xi.tolist(),
        "y": yi.tolist(),
        "s": _scenario_indices(located["scenario"]),
        "m": mne,
        **indices,
        "i": _rounded_or_none(located["cluster_index"], 2),
        "ip": {str(j): v for j, v in enumerate(published) if v is not None},
        "b": [_basis_code(b) for b in _clean_text(located["location_basis"])],
        "q": {str(j): quote(i, safe="") for j, i in enumerate(ids) if not _PLAIN_ID.match(i)},
        "o": {},
        "lk": tables,
    }
    if len(ids) <= (GROUP_ABOVE if offsets_up_to is None else offsets_up_to):
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
        rec = {str(column): value for column, value in row.items()}
        scenario = text_of(rec.get("scenario"), "not assessed")
        out.append(
            {
                "id": text_of(rec.get("id"), ""),
                "r": text_of(rec.get("region_code"), ""),
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


def scenario_counts(clusters: pd.DataFrame) -> dict[str, int]:
    """How many of ``clusters`` have each scenario (missing = "not assessed")."""
    counts = clusters["scenario"].fillna("not assessed").value_counts()
    return {s: int(counts.get(s, 0)) for s in SCENARIO_COLOURS}
