"""The table exports: the clusters, MNE links and regional indicators of a view as frames,
written as a zip of CSV files or an Excel workbook (text neutralised, see
``geo.render.exports.formulas``)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from geo.analysis import cluster_columns
from geo.analysis.filters import NOT_REPORTED
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import classify, views
from geo.render.exports.context import make_context, translated
from geo.render.exports.formulas import FORMULA_PREFIXES, neutralise, neutralise_frame
from geo.render.exports.metadata import metadata_rows, metadata_text

# --- tables ----------------------------------------------------------------------------------

CLUSTER_TEXT: tuple[str, ...] = cluster_columns.text_columns(cluster_columns.EXPORT)
"""Text columns of the cluster table: a missing value is written "not reported"."""
CLUSTER_COLUMNS: tuple[str, ...] = cluster_columns.columns_for(cluster_columns.EXPORT)
"""Columns of the cluster table, in order: the public columns of a cluster
(:data:`geo.analysis.cluster_columns.CLUSTER_COLUMNS`, the OGC API's too), with the full
card of issue 16 and the member counts."""

MNE_TEXT = ("hq_country", "industry", "relation", "interplay_type", "cluster_name", "region_code")
MNE_COLUMNS: tuple[str, ...] = (
    "link_id", "mne_name", "hq_country", "industry", "cluster_id", "cluster_name",
    "region_code", "relation", "presence", "interplay_type", "source_doc", "source_ref", "notes",
)  # fmt: skip
"""Columns of the MNE-link table, in order."""

INDICATOR_COLUMNS: tuple[str, ...] = (
    "fdi_per_capita", "trade_turnover_per_capita", "trade_surplus_per_capita",
    "foreign_owned_companies", "fea_index_published",
)  # fmt: skip
REGION_COLUMNS: tuple[str, ...] = (
    "code", "name_en", "name_ru", "type", "federal_district", "area_km2", "disputed",
    "measure", "measure_value", "measure_class", "measure_class_label", "fill_colour",
    "clusters_in_view", "mne_links_in_view", *INDICATOR_COLUMNS, "fea_index_recomputed",
)  # fmt: skip
"""Columns of the regional table (one row per region of the territory), in order."""

WHOLE_NUMBERS = (
    *cluster_columns.whole_number_columns(), "area_km2",
    "measure_class", "clusters_in_view", "mne_links_in_view",
)  # fmt: skip
"""Numeric columns that hold whole numbers (written without a decimal point)."""

SHEET_NAMES: dict[str, str] = {
    "metadata": N_("Metadata"),
    "clusters": N_("Clusters"),
    "mne_links": N_("MNE links"),
    "regional_indicators": N_("Regional indicators"),
}
"""XLSX sheet names by table (in English the tables' own names, see :func:`export_xlsx`)."""

HEADERS: dict[str, str] = {
    "field": N_("Field"),
    "value": N_("Value"),
    "id": N_("ID"),
    "name_en": N_("Name (English)"),
    "name_ru": N_("Name (Russian)"),
    "city": N_("City"),
    "region_code": N_("Region code"),
    "region_name_en": N_("Region (English)"),
    "region_name_ru": N_("Region (Russian)"),
    "federal_district": N_("Federal district"),
    "region_as_published": N_("Region as published"),
    "industry_group": N_("Industry group"),
    "specialisation": N_("Specialisation"),
    "status": N_("Status"),
    "org_level": N_("Organisation development level"),
    "participants": N_("Participants"),
    "intl_members": N_("International members"),
    "founded_year": N_("Founding year"),
    "website": N_("Web site"),
    "description_ru": N_("Description (Russian)"),
    "description_en": N_("Description (English)"),
    "status_document": N_("Document of the status"),
    "org_level_assessed_by": N_("Level assessed by"),
    "org_level_assessed_at": N_("Level assessed on"),
    "org_level_basis": N_("Basis of the assessment"),
    "manager_name": N_("Cluster management organisation"),
    "manager_inn": N_("INN of the management organisation"),
    "manager_website": N_("Web site of the management organisation"),
    "participants_basis": N_("Basis of the member counts"),
    "participants_reported": N_("Participants (reported)"),
    "participants_listed": N_("Participants (listed members)"),
    "intl_members_reported": N_("International members (reported)"),
    "intl_members_listed": N_("International members (listed members)"),
    "employees": N_("Employees"),
    "revenue_bln_rub": N_("Revenue, bln rub."),
    "field_sources": N_("Sources of the card's fields"),
    "export_bln_rub": N_("Export, bln rub."),
    "publications": N_("Publications"),
    "joint_rd_bln_rub": N_("Joint international R&D, bln rub."),
    "index_published": N_("Published index"),
    "cluster_index": N_("Cluster index (recomputed)"),
    "region_index": N_("Region index (recomputed)"),
    "scenario": N_("Scenario"),
    "mne_count": N_("MNE links"),
    "lat": N_("Latitude"),
    "lon": N_("Longitude"),
    "location_basis": N_("Location basis"),
    "located_region_code": N_("Region of the location"),
    "region_mismatch": N_("Region mismatch"),
    "source_doc": N_("Source document(s)"),
    "source_ref": N_("Where in the source"),
    "notes": N_("Notes"),
    "link_id": N_("Link"),
    "mne_name": N_("MNE"),
    "hq_country": N_("Headquarters country"),
    "industry": N_("Industry"),
    "cluster_id": N_("Cluster ID"),
    "cluster_name": N_("Cluster"),
    "relation": N_("Relation to the cluster"),
    "presence": N_("Presence"),
    "interplay_type": N_("Type of interplay"),
    "code": N_("Code"),
    "type": N_("Region type"),
    "area_km2": N_("Area, km²"),
    "disputed": N_("Disputed"),
    "measure": N_("Measure"),
    "measure_value": N_("Measure value"),
    "measure_class": N_("Class"),
    "measure_class_label": N_("Class range"),
    "fill_colour": N_("Fill colour"),
    "clusters_in_view": N_("Clusters in view"),
    "mne_links_in_view": N_("MNE links in view"),
    "fdi_per_capita": N_("FDI per capita"),
    "trade_turnover_per_capita": N_("Foreign trade turnover per capita"),
    "trade_surplus_per_capita": N_("Foreign trade surplus per capita"),
    "foreign_owned_companies": N_("Foreign-owned companies"),
    "fea_index_published": N_("FEA index (published)"),
    "fea_index_recomputed": N_("FEA index (recomputed)"),
}
"""XLSX column headers in a language other than English (English keeps the tables' column
names, the ones the CSV and the importer use)."""


def sheet_name(table: str, lang: str = "en") -> str:
    """The XLSX sheet name of ``table``: its own name in English, translated otherwise."""
    if lang == "en":
        return table
    return i18n.translator(lang)(SHEET_NAMES[table])


def header(column: str, lang: str = "en") -> str:
    """The XLSX header of ``column``: the column name in English, translated otherwise
    (a column without a label keeps its name)."""
    if lang == "en" or column not in HEADERS:
        return column
    return i18n.translator(lang)(HEADERS[column])


def sheet_names(table: str) -> tuple[str, ...]:
    """Every name :func:`sheet_name` gives ``table``'s sheet, in every language of the app
    (its own name first): how an import finds the sheet of an edited export, whatever the
    language it was exported in."""
    return tuple(dict.fromkeys(sheet_name(table, lang) for lang in ("en", *i18n.SUPPORTED)))


TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "clusters": CLUSTER_COLUMNS,
    "mne_links": MNE_COLUMNS,
    "regional_indicators": REGION_COLUMNS,
}
"""The columns of each exported table by its name (see :func:`tables`)."""


def header_labels(table: str) -> dict[str, tuple[str, ...]]:
    """Every header an XLSX export of ``table`` may give each of its columns: the column's
    own name (:func:`header` in English), its label in English (the msgid) and the label in
    every language of the app, as :func:`header` translates it. The importer reads an edited
    export's headers back through this (one truth: the export's own labels)."""
    spellings: dict[str, tuple[str, ...]] = {}
    for column in TABLE_COLUMNS[table]:
        labels = [column, *([HEADERS[column]] if column in HEADERS else [])]
        labels += [header(column, lang) for lang in i18n.SUPPORTED]
        spellings[column] = tuple(dict.fromkeys(labels))
    return spellings


def _finish(frame: pd.DataFrame, columns: Sequence[str], text: Sequence[str]) -> pd.DataFrame:
    """Columns in order; missing text → "not reported"; whole numbers as nullable ints."""
    out = pd.DataFrame(frame.reindex(columns=list(columns))).reset_index(drop=True)
    for column in out.columns:
        if column in text:  # as Arrow strings: the exports' text passes are vectorised
            values = out[column].astype("str")
            out[column] = values.where(values.notna() & (values != ""), NOT_REPORTED)
        elif column in WHOLE_NUMBERS:
            numbers = pd.to_numeric(out[column], errors="coerce")
            if bool((numbers.dropna() % 1 == 0).all()):
                out[column] = numbers.round().astype("Int64")
        elif out[column].dtype == "object" or pd.api.types.is_string_dtype(out[column]):
            values = out[column].astype("object")
            out[column] = values.where(values.notna(), "")
    return out


def clusters_table(rv: views.ResolvedView) -> pd.DataFrame:
    """The clusters of the view, one row each, with their region's names and district."""
    frame = pd.DataFrame(rv.clusters.drop(columns="geometry"))
    regions = rv.regions.set_index("code")
    frame["region_name_en"] = frame["region_code"].map(regions["name_en"])
    frame["region_name_ru"] = frame["region_code"].map(regions["name_ru"])
    frame["federal_district"] = frame["region_code"].map(regions["federal_district"])
    frame["lat"] = frame["lat"].round(5)
    frame["lon"] = frame["lon"].round(5)
    return _finish(frame, CLUSTER_COLUMNS, CLUSTER_TEXT)


def _cluster_names(clusters: pd.DataFrame) -> pd.Series:
    """Each cluster's name as ``geo.render.markers.cluster_name`` gives it (English, else Russian,
    else the id), computed column-wise so a large registry costs no row loop."""
    names = pd.Series(None, index=clusters.index, dtype="object")
    for key in ("name_en", "name_ru", "id"):
        text = clusters[key].astype("string").str.strip()
        names = names.where(names.notna(), text.where(text.notna() & (text != "")))
    return names.astype("object").where(names.notna(), "unnamed cluster")


def mne_table(rv: views.ResolvedView) -> pd.DataFrame:
    """The MNE links of the view's clusters, with the cluster's name and region."""
    frame = rv.mne_links.copy()
    names = pd.Series(_cluster_names(rv.clusters).to_numpy(), index=rv.clusters["id"].astype(str))
    frame["cluster_name"] = frame["cluster_id"].astype(str).map(names)
    frame["region_code"] = frame["cluster_id"].map(rv.clusters.set_index("id")["region_code"])
    return _finish(frame, MNE_COLUMNS, MNE_TEXT)


def regions_table(rv: views.ResolvedView) -> pd.DataFrame:
    """One row per region of the territory: names, the chosen measure with its class and
    colour, the view's clusters and MNE links in the region, every region measure
    (``geo.analysis.measures``: the recomputed index, the four Table 6 indicators, registry counts)
    and the published regional index."""
    frame = pd.DataFrame(rv.regions.drop(columns="geometry"))
    codes = frame["code"]
    cls = rv.classification
    labels = classify.class_labels(cls, rv.measure.decimals)
    klass = [int(cls.classes.get(code, -1)) for code in codes]
    frame["measure"] = rv.measure.key
    frame["measure_value"] = codes.map(rv.all_values)
    frame["measure_class"] = [c + 1 if c >= 0 else pd.NA for c in klass]
    frame["measure_class_label"] = [labels[c] if c >= 0 else "no data" for c in klass]
    frame["fill_colour"] = [cls.colours[c] if c >= 0 else "no data (hatched)" for c in klass]
    frame["clusters_in_view"] = codes.map(rv.clusters["region_code"].value_counts()).fillna(0)
    link_region = rv.mne_links["cluster_id"].map(rv.clusters.set_index("id")["region_code"])
    frame["mne_links_in_view"] = codes.map(link_region.value_counts()).fillna(0)
    for column in rv.measure_table.columns:
        frame[column] = codes.map(rv.measure_table[column])
    published = rv.indicators.set_index("region_code")["fea_index_published"]
    frame["fea_index_published"] = codes.map(published)
    return _finish(frame, REGION_COLUMNS, ())


def tables(rv: views.ResolvedView) -> dict[str, pd.DataFrame]:
    """The three tables of a view, by the file/sheet name they are exported under."""
    return {
        "clusters": clusters_table(rv),
        "mne_links": mne_table(rv),
        "regional_indicators": regions_table(rv),
    }


# --- tables -----------------------------------------------------------------------------------


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """One CSV file: neutralised, CRLF lines, UTF-8 with a byte-order mark."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def export_csv(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """A zip of ``clusters.csv``, ``mne_links.csv``, ``regional_indicators.csv`` and
    ``metadata.txt``."""
    ctx = make_context(rv, now, version)
    stamp = ctx.exported_at.astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        members = {f"{name}.csv": _csv_bytes(frame) for name, frame in tables(rv).items()}
        members["metadata.txt"] = metadata_text(ctx).encode("utf-8")
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


XLSX_MAX_TEXT = 32_767
"""Excel's limit on the characters of one cell; longer text is cut (see :data:`XLSX_CUT`)."""

XLSX_CUT = N_(
    " … [cut: a spreadsheet cell holds at most 32,767 characters; "
    "the CSV export has the whole text]"
)
"""Ends a text cut at :data:`XLSX_MAX_TEXT` characters, so the cut is never silent."""

XLSX_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
"""Control characters an XLSX cell cannot hold (XML 1.0); written as U+FFFD (�)."""


_XLSX_FIX = "^[" + "".join(re.escape(c) for c in FORMULA_PREFIXES) + "]|" + XLSX_ILLEGAL
"""Text cells :func:`_xlsx_safe` must change: neutralised, or holding a control character."""


def _xlsx_text(text: str, cut: str) -> str:
    """One text cell made fit for XLSX: control characters as �, cut to Excel's limit."""
    text = re.sub(XLSX_ILLEGAL, "\ufffd", text)
    if len(text) > XLSX_MAX_TEXT:
        text = text[: XLSX_MAX_TEXT - len(cut)] + cut
    return text


def _xlsx_safe(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``frame`` as an XLSX sheet can hold it: neutralised (see :func:`neutralise`), control
    characters as �, text cut at Excel's 32,767 characters with a note saying so, missing
    text as empty cells. Numbers are untouched.

    Text columns go through Arrow strings once (the writer reads them without copying);
    only the rare cells that need a change are rewritten one by one.

    >>> frame = pd.DataFrame({"a": ["=1+1", "bell\\x07", None], "n": [-1.5, 2.0, None]})
    >>> _xlsx_safe(frame).to_dict("list")
    {'a': ["'=1+1", 'bell�', nan], 'n': [-1.5, 2.0, nan]}
    """
    cut = translated(XLSX_CUT, lang)
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (isinstance(series.dtype, pd.StringDtype) or series.dtype == "object"):
            continue
        if pd.api.types.infer_dtype(series, skipna=True) != "string":
            # Mixed text and numbers (not produced by the tables today): cell by cell.
            values = neutralise_frame(series.to_frame())[column]
            out[column] = values.map(lambda v: _xlsx_text(v, cut) if isinstance(v, str) else v)
            continue
        text = series.astype("str")
        # One regex pass finds the rare cells to fix: a formula's first character, a
        # control character, or more text than a cell holds.
        found = text.str.contains(_XLSX_FIX, regex=True) | (text.str.len() > XLSX_MAX_TEXT)
        needs = found.fillna(False).astype(bool).to_numpy()
        if needs.any():
            text = text.copy()
            fixed = [_xlsx_text(str(neutralise(v)), cut) for v in text[needs]]
            text[needs] = np.array(fixed, dtype=object)
        out[column] = text
    return out


XLSX_WIDTH = (10, 60)
"""Narrowest and widest column (characters); a column is as wide as its header or its
longest value in the first ``XLSX_WIDTH_SAMPLE`` rows, within these bounds."""
XLSX_WIDTH_SAMPLE = 200


def _xlsx_widths(frame: pd.DataFrame) -> dict[str, float]:
    """Column widths (characters) by header, from the header and a sample of the values."""
    low, high = XLSX_WIDTH
    widths: dict[str, float] = {}
    for column in frame.columns:
        sample = frame[column].head(XLSX_WIDTH_SAMPLE)
        longest = max([len(str(column)), *(len(str(v)) for v in sample if v is not None)])
        widths[str(column)] = float(min(max(low, longest + 2), high))
    return widths


def export_xlsx(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """An Excel workbook: sheets ``metadata``, ``clusters``, ``mne_links`` and
    ``regional_indicators`` (translated names outside English), bold header row frozen.

    Written by rust_xlsxwriter (through ``rustpy_xlsxwriter``) from the frames: on 10,000
    clusters with 100,000 MNE links (1.6 million cells) it writes in 1.4 s what openpyxl's
    write-only mode, the fastest it has, wrote in 22 s
    (``benchmarks/bench_xlsx_writer.py``, docs/BENCHMARKS.md). Title, dataset version and
    export time are on the ``metadata`` sheet (this writer sets no document properties).
    """
    import rustpy_xlsxwriter

    ctx = make_context(rv, now, version)
    lang = ctx.lang
    metadata = pd.DataFrame(metadata_rows(ctx, lang), columns=["field", "value"])
    sheets: list[tuple[str, pd.DataFrame]] = []
    for table, frame in {"metadata": metadata, **tables(rv)}.items():
        safe = _xlsx_safe(frame, lang)
        safe.columns = [header(str(c), lang) for c in safe.columns]
        sheets.append((sheet_name(table, lang), safe))
    buffer = io.BytesIO()
    rustpy_xlsxwriter.write_worksheets(
        list(sheets),  # a new list: the stub asks for a list of (name, Any), lists are invariant
        buffer,
        freeze_panes={"general": {"row": 1, "col": 0}},
        bold_headers=True,
        column_widths={name: _xlsx_widths(frame) for name, frame in sheets},
    )
    return buffer.getvalue()
