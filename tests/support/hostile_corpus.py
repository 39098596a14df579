"""The hostile-input corpus: bad (and valid-but-odd) files, paths, output targets, command
options, URL parameters and stored values, each with the answer the app must give.

Nothing here is a committed blob: every file is generated at test time from a few lines of
code (the largest, a 10 MB line and a 200 MB-when-unzipped workbook, are built in memory in
well under a second). A case says:

* ``id`` and ``description`` (what a person would do to get there, and why it is hostile);
* ``source``: ``issue`` when the issue names it, ``new`` when added here;
* the input: ``make()`` → bytes (files), ``make(sandbox)`` → a path or an argument;
* ``kind`` (``clusters`` / ``mne_links`` / ``regional_indicators``) where it matters;
* ``entries``: which entry points it is fed to (see ``ENTRIES``);
* ``expect``: :class:`Expect`: **refused** with a message that names the file, the row
  and the column where they exist, and at least one of ``what`` (the key words of the
  reason), or **accepted** (optionally with the values the first record must read as).

Every case also carries the rules common to all (checked by ``harness.py``): no Python
traceback, exit status 2 on the command line for a refusal, the store unchanged by a
refusal, nothing left behind in the folders involved, messages of bounded length.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- entry points

LIBRARY = "library"  # importer.parse_bytes + Store.preview (what page and CLI call)
UPLOAD = "upload"  # AppTest: Import page, st.file_uploader, not signed in (a viewer)
CLI_VALIDATE = "cli_validate"  # clustermap validate FILE
CLI_DRY_RUN = "cli_dry_run"  # clustermap import KIND FILE --dry-run --format json
CLI_IMPORT = "cli_import"  # clustermap import KIND FILE --user alice (password in env)
FILE_ENTRIES = (LIBRARY, UPLOAD, CLI_VALIDATE, CLI_DRY_RUN, CLI_IMPORT)
PATH_ENTRIES = (CLI_VALIDATE, CLI_DRY_RUN, CLI_IMPORT)

ENTRIES: dict[str, str] = {
    LIBRARY: "geo.registry.importer.parse_bytes + Store.preview (in-process)",
    UPLOAD: "Import page under AppTest: file_uploader, viewer (not signed in)",
    CLI_VALIDATE: "clustermap validate FILE (the import's rules, as --dry-run)",
    CLI_DRY_RUN: "clustermap import KIND FILE --dry-run --format json",
    CLI_IMPORT: "clustermap import KIND FILE --user alice (CLUSTERMAP_PASSWORD set)",
    "cli_export": "clustermap export --format F --territory RU-TA -o TARGET",
    "cli_option": "clustermap <command> with a hostile option value",
    "url": "every page under AppTest with hostile URL parameters",
    "download": "CSV downloads and exports of stored values (formula injection)",
}


@dataclass(frozen=True)
class Expect:
    """The answer a case must get.

    Refused: the message names the file (``file``), the row (``row``: spreadsheet row,
    header = 1, or GeoJSON feature number) and the column as the file names it
    (``column``) where given, contains at least one of ``what`` (case-insensitive) and none
    of ``never``. Accepted: no problem, and the first record reads ``values``.
    """

    accepted: bool
    file: bool = True
    row: int | None = None
    column: str | None = None
    what: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        if self.accepted:
            vals = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
            return "accepted" + (f" ({vals})" if vals else "")
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        what = " / ".join(self.what)
        text = "refused"
        if where:
            text += " at " + ", ".join(where)
        if what:
            text += f": «{what}»"
        if self.never:
            text += f" (never «{' / '.join(self.never)}»)"
        return text


def refused(
    *what: str, row: int | None = None, column: str | None = None, never: Sequence[str] = ()
) -> Expect:
    return Expect(False, row=row, column=column, what=tuple(what), never=tuple(never))


def accepted(**values: Any) -> Expect:
    return Expect(True, values=values)


@dataclass(frozen=True)
class FileCase:
    id: str
    description: str
    kind: str
    name: str  # the file's name: its extension decides the format
    make: Callable[[], bytes]
    expect: Expect
    source: str = "new"
    entries: tuple[str, ...] = ()
    isolate: bool = False  # may hang or exhaust memory today: run in a limited child
    slow: bool = False

    def __post_init__(self) -> None:
        if not self.entries:
            object.__setattr__(self, "entries", FILE_ENTRIES)


# --------------------------------------------------------------------------- file builders

CLUSTER_HEADER = (
    "id",
    "name_en",
    "city",
    "region_as_published",
    "status",
    "participants",
    "source_doc",
    "source_ref",
)
CLUSTER_ROW = ("CL-0001", "Test cluster", "Казань", "RU-TA", "leading", "12", "registry", "survey")
MNE_HEADER = (
    "link_id",
    "mne_name",
    "hq_country",
    "industry",
    "cluster_id",
    "relation",
    "presence",
    "interplay_type",
    "source_doc",
    "source_ref",
)
MNE_ROW = (
    "MNE-90",
    "Test MNE",
    "Germany",
    "pharma",
    "PIC-10",
    "member",
    "present",
    "MNEs as founders",
    "registry",
    "survey",
)
IND_HEADER = ("region_as_published", "indicator", "value", "unit", "reference_year", "source_doc",
              "source_ref", "original_source")  # fmt: skip
IND_ROW = ("RU-TA", "fdi_per_capita", "7.5", "USD", "2024", "registry", "survey", "Rosstat")
ORG_HEADER = ("org_id", "name_en", "name_ru", "inn", "org_type", "foreign_owned",
              "hq_country", "region_code", "source_doc", "source_ref")  # fmt: skip
ORG_ROW = ("ORG-0090", "Test Instruments", "Тест-приборы", "7707083893", "company", "no", "",
           "RU-TA", "registry", "survey")  # fmt: skip
MEMBER_HEADER = ("membership_id", "cluster_id", "org_id", "role", "from_year", "to_year",
                 "source_doc", "source_ref")  # fmt: skip
MEMBER_ROW = ("MEM-0090", "PIC-10", "ORG-0001", "member", "2015", "", "registry", "survey")
BASES = {
    "clusters": (CLUSTER_HEADER, CLUSTER_ROW),
    "mne_links": (MNE_HEADER, MNE_ROW),
    "regional_indicators": (IND_HEADER, IND_ROW),
    "organisations": (ORG_HEADER, ORG_ROW),
    "memberships": (MEMBER_HEADER, MEMBER_ROW),
}

#: Russian headers of the same columns (data/README-import.md), for the odd-but-valid files.
CLUSTER_HEADER_RU = ("Идентификатор", "Название", "Город", "Регион", "Статус", "Число участников",
                     "Источник", "Ссылка на источник")  # fmt: skip
CLUSTER_ROW_RU = ("CL-0001", "Тестовый кластер", "Казань", "Республика Татарстан",
                  "кластер-лидер", "12", "registry", "анкета")  # fmt: skip


def rows(
    kind: str = "clusters", extra: Mapping[str, str] | None = None, **cells: str
) -> list[list[str]]:
    """Header and one valid row of ``kind`` with ``cells`` replaced (and ``extra`` columns
    appended)."""
    header, row = BASES[kind]
    values = dict(zip(header, row, strict=True))
    values.update(cells)
    values.update(extra or {})
    return [list(values), list(values.values())]


def csv_bytes(table: Sequence[Sequence[str]], sep: str = ",", encoding: str = "utf-8",
              newline: str = "\n") -> bytes:  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows(table)
    return buffer.getvalue().encode(encoding)


def published_table_with(**cells: str) -> bytes:
    """The shipped records table clusters.csv with ``cells`` replaced in its first row."""
    path = ROOT / "data/records/clusters.csv"
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    for column, value in cells.items():
        table[1][table[0].index(column)] = value
    return csv_bytes(table)


def cluster_csv(**cells: str) -> bytes:
    return csv_bytes(rows("clusters", **cells))


def geojson_bytes(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def feature_collection(features: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


def cluster_properties(**cells: Any) -> dict[str, Any]:
    header, row = rows("clusters")
    props: dict[str, Any] = dict(zip(header, row, strict=True))
    props.update(cells)
    return props


def cluster_feature(**cells: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [49.1, 55.8]},
        "properties": cluster_properties(**cells),
    }


def xlsx_from_table(table: Sequence[Sequence[Any]], sheet: str = "clusters") -> bytes:
    """An ordinary workbook written by openpyxl (numbers as numbers where given)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in table:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_sheets(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """A workbook of several sheets (name → rows), in that order."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        ws = book.create_sheet(name)
        for row in table:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def russian_export_without_clusters() -> bytes:
    """A Russian XLSX export's metadata and MNE links sheets, without its clusters sheet
    (the person deleted it, or exported only the links)."""
    from geo.render.exports import tables

    return xlsx_sheets({
        tables.sheet_name("metadata", "ru"): [["Поле", "Значение"], ["Набор данных", "x"]],
        tables.sheet_name("mne_links", "ru"): [["ID", "ТНК"], ["CL-0001", "Siemens"]],
    })  # fmt: skip


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx_raw(sheet_xml: str | bytes, shared_strings: str | bytes | None = None) -> bytes:
    """A hand-made workbook: one sheet named ``clusters`` with ``sheet_xml`` as its part
    (and an optional shared-strings part), for workbooks openpyxl would never write."""
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    )
    rels = f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        )
        rels += f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="clusters" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}">{rels}</Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _inline(ref: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet_xml(table: Sequence[Sequence[str]], dimension: str | None = None,
              tail: str = "") -> str:  # fmt: skip
    """A worksheet part with inline strings (``tail`` appended inside sheetData)."""
    body = []
    for r, row in enumerate(table, start=1):
        cells = "".join(_inline(f"{_col(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_NS}">{dim}<sheetData>{"".join(body)}{tail}</sheetData></worksheet>'


def xlsx_shared_string_bomb(size: int = 200 * 2**20) -> bytes:
    """A ~200 KB workbook whose one shared string unzips to ``size`` bytes (a zip bomb
    under the 5 MB upload limit)."""
    header, row = rows("clusters")
    table = [header, row]
    xml = sheet_xml(table).replace(_inline("B2", row[1]), '<c r="B2" t="s"><v>0</v></c>')
    shared = (
        f'<sst xmlns="{_NS}" count="1" uniqueCount="1"><si><t>'.encode()
        + b"A" * size
        + b"</t></si></sst>"
    )
    return xlsx_raw(xml, shared)


def xlsx_sparse_bomb() -> bytes:
    """A 1 KB workbook: the header row, one cell at the last row, and a dimension of the
    whole sheet (16,384 × 1,048,576). A reader that pads missing rows and columns
    materialises 17 billion cells."""
    header, row = rows("clusters")
    tail = '<row r="1048576">' + _inline("A1048576", "x") + "</row>"
    return xlsx_raw(sheet_xml([header, row], dimension="A1:XFD1048576", tail=tail))


def xlsx_formula_cell() -> bytes:
    """participants is a formula without a cached value (as openpyxl and many scripts
    write them): read with ``data_only`` it is an empty cell."""
    header, row = rows("clusters")
    xml = sheet_xml([header, row]).replace(_inline("F2", "12"), '<c r="F2"><f>SUM(5,7)</f></c>')
    return xlsx_raw(xml)


def xlsx_escaped_nul() -> bytes:
    """A name written as ``Bad_x0000_name``: OOXML's escape for U+0000 (XML itself cannot
    hold NUL), which openpyxl turns back into a NUL character."""
    header, row = rows("clusters", name_en="Bad_x0000_name")
    return xlsx_raw(sheet_xml([header, row]))


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_properties(depth: int = 100_000) -> bytes:
    inner = '{"a":' * depth + "1" + "}" * depth
    text = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,'
        f'"properties":{{"id":"CL-0001","name_en":{inner}}}}}]}}'
    )
    return text.encode()


def nested_value(depth: int = 30) -> dict[str, Any]:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40

# --------------------------------------------------------------------------- the file cases

MB = 2**20
BIG_CELL = 200_000  # > csv.field_size_limit() (131,072)

FILE_CASES: list[FileCase] = [
    # ---- odd but valid: must be accepted -------------------------------------------------
    FileCase(
        "ok_published_table",
        "a copy of the shipped records table clusters.csv (what `clustermap validate` is for)",
        "clusters",
        "clusters.csv",
        lambda: (ROOT / "data/records/clusters.csv").read_bytes(),
        accepted(),
        entries=(CLI_VALIDATE,),
    ),
    FileCase(
        "table_cell_over_field_limit",
        f"the shipped clusters.csv with one name of {BIG_CELL:,} characters",
        "clusters",
        "clusters.csv",
        lambda: published_table_with(name_en="x" * BIG_CELL),
        refused("long", "characters", row=2, column="name_en"),
        entries=(CLI_VALIDATE,),
        source="issue",
    ),
    FileCase(
        "table_nul_in_name",
        "the shipped clusters.csv with a NUL in a name",
        "clusters",
        "clusters.csv",
        lambda: published_table_with(name_en="Bad\x00name"),
        refused("NUL", "control character", "U+0000", row=2, column="name_en"),
        entries=(CLI_VALIDATE,),
    ),
    FileCase(
        "ok_utf8",
        "the reference file: UTF-8, comma, English headers",
        "clusters",
        "clusters.csv",
        lambda: cluster_csv(),
        accepted(participants=12.0),
    ),
    FileCase(
        "ok_cp1251_semicolon_ru",
        "Excel's 'CSV' in a Russian Windows: Windows-1251, "
        "semicolons, Russian headers and vocabulary labels",
        "clusters",
        "кластеры.csv",
        lambda: csv_bytes([CLUSTER_HEADER_RU, CLUSTER_ROW_RU], ";", "cp1251"),
        accepted(status="leading", name_ru="Тестовый кластер"),
    ),
    FileCase(
        "ok_utf8_bom",
        "UTF-8 with BOM (Excel 'CSV UTF-8')",
        "clusters",
        "bom.csv",
        lambda: codecs.BOM_UTF8 + cluster_csv(),
        accepted(id="CL-0001"),
    ),
    FileCase(
        "ok_utf16le_bom_tab",
        "Excel 'Unicode text': UTF-16 LE with BOM, tab separated",
        "clusters",
        "unicode.txt",
        lambda: codecs.BOM_UTF16_LE + csv_bytes(rows(), "\t", "utf-16-le", "\r\n"),
        accepted(id="CL-0001"),
    ),
    FileCase(
        "ok_utf16be_bom",
        "UTF-16 BE with BOM",
        "clusters",
        "be.csv",
        lambda: codecs.BOM_UTF16_BE + csv_bytes(rows(), ",", "utf-16-be"),
        accepted(id="CL-0001"),
    ),
    FileCase(
        "ok_decimal_comma_grouped",
        "semicolons, decimal comma and digit groups with a no-break space",
        "clusters",
        "decimal.csv",
        lambda: csv_bytes(rows(participants="1\u00a0234", extra={"export_bln_rub": "1,5"}), ";"),
        accepted(participants=1234.0, export_bln_rub=1.5),
    ),
    FileCase(
        "ok_crlf_and_cr",
        "old Mac line ends (CR only)",
        "clusters",
        "cr.csv",
        lambda: csv_bytes(rows(), ",", "utf-8", "\r"),
        accepted(id="CL-0001"),
    ),
    FileCase(
        "ok_quoted_newline_in_note",
        "a quoted note spanning two lines",
        "clusters",
        "note.csv",
        lambda: csv_bytes(rows(extra={"notes": "line one\nline two"})),
        accepted(notes="line one\nline two"),
    ),
    FileCase(
        "ok_formula_text_kept",
        "a name that looks like a formula is data: stored as "
        "written (neutralised only when written to a spreadsheet)",
        "clusters",
        "formula.csv",
        lambda: cluster_csv(name_en='=HYPERLINK("http://evil.example","x")'),
        accepted(name_en='=HYPERLINK("http://evil.example","x")'),
    ),
    FileCase(
        "ok_formula_neutralised_read_back",
        "a cell neutralised by our own CSV download "
        "('=SUM(A1) with a leading apostrophe) reads back as the original text",
        "clusters",
        "download.csv",
        lambda: cluster_csv(name_en="'=SUM(A1)"),
        accepted(name_en="=SUM(A1)"),
    ),
    FileCase(
        "ok_at_formula_neutralised_read_back",
        "'@SUM(A1) reads back as @SUM(A1)",
        "clusters",
        "download2.csv",
        lambda: cluster_csv(name_en="'@SUM(A1)"),
        accepted(name_en="@SUM(A1)"),
    ),
    FileCase(
        "ok_missing_markers",
        "'н/д' in a number column is the n/a marker, not 0",
        "clusters",
        "nd.csv",
        lambda: cluster_csv(participants="н/д"),
        accepted(participants=None),
    ),
    FileCase(
        "ok_xlsx",
        "an ordinary workbook, numbers as numbers",
        "clusters",
        "clusters.xlsx",
        lambda: xlsx_from_table([CLUSTER_HEADER, [*CLUSTER_ROW[:5], 12, *CLUSTER_ROW[6:]]]),
        accepted(participants=12.0),
    ),
    FileCase(
        "ok_geojson",
        "a FeatureCollection with point geometry (ignored)",
        "clusters",
        "clusters.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature()])),
        accepted(id="CL-0001"),
    ),
    FileCase(
        "ok_geojson_numbers",
        "GeoJSON numbers as JSON numbers",
        "clusters",
        "numbers.json",
        lambda: geojson_bytes(feature_collection([cluster_feature(participants=12)])),
        accepted(participants=12.0),
    ),
    FileCase(
        "ok_mne_links",
        "an MNE link with a Russian country name",
        "mne_links",
        "links.csv",
        lambda: csv_bytes(rows("mne_links", hq_country="Германия")),
        accepted(hq_country="Germany"),
    ),
    FileCase(
        "ok_organisation_russian_labels",
        "a member organisation with a Russian type label, region name and 'no' label",
        "organisations",
        "organisations.csv",
        lambda: csv_bytes(
            rows(
                "organisations",
                org_type="университет",
                foreign_owned="российская",
                region_code="Республика Татарстан",
            )
        ),
        accepted(org_type="university", foreign_owned="no", region_code="RU-TA"),
    ),
    FileCase(
        "organisation_bad_inn",
        "an INN whose check digits are wrong",
        "organisations",
        "organisations.csv",
        lambda: csv_bytes(rows("organisations", inn="7707083894")),
        refused("INN", "ИНН", row=2, column="inn"),
    ),
    FileCase(
        "organisation_foreign_in_russia",
        "a foreign-owned organisation headquartered in Russia",
        "organisations",
        "organisations.xlsx",
        lambda: xlsx_from_table(
            rows("organisations", foreign_owned="yes", hq_country="Российская Федерация"),
            "organisations",
        ),
        refused("cannot be Russia", "не может быть Россией", row=2, column="hq_country"),
    ),
    FileCase(
        "organisation_nul_in_name",
        "a NUL in an organisation's name",
        "organisations",
        "organisations.csv",
        lambda: csv_bytes(rows("organisations", name_en="Bad\x00name")),
        refused("NUL", "control character", "U+0000", row=2, column="name_en"),
    ),
    FileCase(
        "ok_membership",
        "a membership of a published organisation in a published cluster",
        "memberships",
        "memberships.csv",
        lambda: csv_bytes(rows("memberships")),
        accepted(role="member", from_year=2015.0),
    ),
    FileCase(
        "membership_unknown_organisation",
        "a membership naming an organisation that is not in the registry",
        "memberships",
        "memberships.csv",
        lambda: csv_bytes(rows("memberships", org_id="ORG-9999")),
        refused("organisations.csv", row=2, column="org_id"),
    ),
    FileCase(
        "membership_years_reversed",
        "a membership that ends before it begins",
        "memberships",
        "memberships.csv",
        lambda: csv_bytes(rows("memberships", from_year="2020", to_year="2010")),
        refused("before from_year", "раньше", row=2, column="to_year"),
    ),
    FileCase(
        "membership_year_out_of_range",
        "a membership from year 20150 (a typo)",
        "memberships",
        "memberships.xlsx",
        lambda: xlsx_from_table(rows("memberships", from_year="20150"), "memberships"),
        refused("not a year", "не год", row=2, column="from_year"),
    ),
    FileCase(
        "ok_regional_indicators",
        "a regional indicator value for a new year",
        "regional_indicators",
        "ind.csv",
        lambda: csv_bytes(rows("regional_indicators")),
        accepted(value=7.5),
    ),
    # ---- named in the issue ---------------------------------------------------------------
    FileCase(
        "csv_cell_over_field_limit",
        f"a CSV cell of {BIG_CELL:,} characters (over the csv module's 131,072 limit)",
        "clusters",
        "long_cell.csv",
        lambda: cluster_csv(name_en="x" * BIG_CELL),
        refused("long", "characters", row=2, column="name_en"),
        source="issue",
    ),
    FileCase(
        "geojson_features_are_strings",
        "features is a list of strings",
        "clusters",
        "strings.geojson",
        lambda: geojson_bytes(feature_collection(["a", "b"])),
        refused("feature", row=1),
        source="issue",
    ),
    FileCase(
        "geojson_properties_is_list",
        "a feature's properties is a list",
        "clusters",
        "props_list.geojson",
        lambda: geojson_bytes(feature_collection([{"type": "Feature", "properties": [1, 2]}])),
        refused("properties", row=1),
        source="issue",
    ),
    FileCase(
        "geojson_features_is_number",
        "features is a number",
        "clusters",
        "features_number.geojson",
        lambda: geojson_bytes(feature_collection(5)),
        refused("features"),
        source="issue",
    ),
    FileCase(
        "json_deeply_nested",
        "100,000 nested arrays (RecursionError in json)",
        "clusters",
        "deep.json",
        lambda: deep_json(),
        refused("nested", "deep"),
        source="issue",
    ),
    FileCase(
        "csv_nul_in_name",
        "a NUL byte inside a name (PostgreSQL text cannot hold it)",
        "clusters",
        "nul.csv",
        lambda: cluster_csv(name_en="Bad\x00name"),
        refused("NUL", "control character", "U+0000", row=2, column="name_en"),
        source="issue",
    ),
    FileCase(
        "csv_utf16_without_bom",
        "UTF-16 LE without a BOM (valid UTF-8 full of NULs)",
        "clusters",
        "utf16.csv",
        lambda: csv_bytes(rows(), ",", "utf-16-le"),
        refused("encoding", "UTF-16"),
        source="issue",
    ),
    FileCase(
        "csv_koi8r",
        "Russian headers in KOI8-R (decodes as Windows-1251 garbage)",
        "clusters",
        "russian.csv",
        lambda: csv_bytes([CLUSTER_HEADER_RU, CLUSTER_ROW_RU], ";", "koi8-r"),
        refused("encoding", "KOI8"),
        source="issue",
    ),
    FileCase(
        "number_1e20",
        "participants '1e20' (a number, in scientific notation)",
        "clusters",
        "sci.csv",
        lambda: cluster_csv(participants="1e20"),
        refused(
            "too large",
            "scientific",
            "exponent",
            "out of range",
            "whole number",
            row=2,
            column="participants",
            never=("not a number",),
        ),
        source="issue",
    ),
    FileCase(
        "intl_members_over_participants",
        "intl_members 50 > participants 10",
        "clusters",
        "intl.csv",
        lambda: csv_bytes(rows(participants="10", extra={"intl_members": "50"})),
        refused("participants", row=2, column="intl_members"),
        source="issue",
    ),
    # ---- CSV -------------------------------------------------------------------------------
    FileCase(
        "csv_single_line_10mb",
        "a 10 MB file with no line break",
        "clusters",
        "line10.csv",
        lambda: b"x" * (10 * MB),
        refused("10.0 MB", "10 MB"),
    ),
    FileCase(
        "csv_single_line_4mb",
        "a 4 MB header with no line break (under the size limit)",
        "clusters",
        "line4.csv",
        lambda: b"x" * (4 * MB),
        refused("long", "characters", "header", row=1),
    ),
    FileCase(
        "csv_over_limit_by_one",
        "5 MB + 1 byte",
        "clusters",
        "big.csv",
        lambda: cluster_csv() + b"#" * (5 * MB + 1 - len(cluster_csv())),
        refused("MB"),
    ),
    FileCase(
        "csv_mixed_separators",
        "semicolon header, comma rows",
        "clusters",
        "mixed.csv",
        lambda: (";".join(CLUSTER_HEADER) + "\n" + ",".join(CLUSTER_ROW) + "\n").encode(),
        refused("separator", "fields", row=2),
    ),
    FileCase(
        "csv_unterminated_quote",
        "a quote opened on row 2 and never closed",
        "clusters",
        "quote.csv",
        lambda: (
            ",".join(CLUSTER_HEADER)
            + '\nCL-0001,"Test cluster,Kazan\n'
            + ",".join(CLUSTER_ROW)
            + "\n"
        ).encode(),
        refused("quote", row=2),
    ),
    FileCase(
        "csv_png_named_csv",
        "a PNG image renamed .csv (decodes as Windows-1251)",
        "clusters",
        "image.csv",
        lambda: PNG,
        refused("text", "binary", "encoding"),
    ),
    FileCase(
        "csv_empty",
        "an empty file",
        "clusters",
        "empty.csv",
        lambda: b"",
        refused("header", "empty", row=None),
    ),
    FileCase(
        "csv_only_bom",
        "a UTF-8 BOM and nothing else",
        "clusters",
        "bom_only.csv",
        lambda: codecs.BOM_UTF8,
        refused("header", "empty"),
    ),
    FileCase(
        "csv_bidi_override_in_name",
        "RIGHT-TO-LEFT OVERRIDE in a name (displays reversed: spoofing)",
        "clusters",
        "bidi.csv",
        lambda: cluster_csv(name_en="Test \u202eretsulc\u202c"),
        refused("U+202E", "control", "bidi", "direction", row=2, column="name_en"),
    ),
    FileCase(
        "csv_zero_width_in_region",
        "a zero-width space inside the region code",
        "clusters",
        "zw_region.csv",
        lambda: cluster_csv(region_as_published="RU-\u200bTA"),
        refused("U+200B", "invisible", "zero-width", row=2, column="region_as_published"),
    ),
    FileCase(
        "csv_zero_width_in_id",
        "a zero-width space after the id",
        "clusters",
        "zw_id.csv",
        lambda: cluster_csv(id="CL-0001\u200b"),
        refused("U+200B", "invisible", "zero-width", row=2, column="id"),
    ),
    FileCase(
        "csv_formula_in_header",
        "a header cell that is a formula",
        "clusters",
        "formula_header.csv",
        lambda: csv_bytes([[*CLUSTER_HEADER, "=cmd|' /C calc'!A0"], [*CLUSTER_ROW, ""]]),
        refused("unexpected column", row=1, column="=cmd|' /C calc'!A0"),
    ),
    FileCase(
        "number_many_digits",
        "participants with 400 digits (float() gives inf)",
        "clusters",
        "digits.csv",
        lambda: cluster_csv(participants="9" * 400),
        refused("too large", "out of range", row=2, column="participants"),
    ),
    FileCase(
        "number_inf",
        "participants 'inf'",
        "clusters",
        "inf.csv",
        lambda: cluster_csv(participants="inf"),
        refused("number", row=2, column="participants"),
    ),
    FileCase(
        "number_export_1e20",
        "export_bln_rub '1e20' (scientific notation, float column)",
        "clusters",
        "sci2.csv",
        lambda: csv_bytes(rows(extra={"export_bln_rub": "1e20"})),
        refused(
            "too large",
            "scientific",
            "exponent",
            "out of range",
            row=2,
            column="export_bln_rub",
            never=("not a number",),
        ),
    ),
    FileCase(
        "number_fraction_of_people",
        "participants '12,5' (a count with a fraction)",
        "clusters",
        "half.csv",
        lambda: cluster_csv(participants="12,5"),
        refused("whole", row=2, column="participants"),
    ),
    FileCase(
        "unknown_extension",
        "an .exe upload",
        "clusters",
        "virus.exe",
        lambda: cluster_csv(),
        refused("file type", "expected"),
    ),
    FileCase(
        "no_extension",
        "a file name without extension",
        "clusters",
        "clusters",
        lambda: cluster_csv(),
        refused("file type", "expected"),
    ),
    FileCase(
        "mne_nul_in_country",
        "a NUL in hq_country",
        "mne_links",
        "links_nul.csv",
        lambda: csv_bytes(rows("mne_links", hq_country="Germ\x00any")),
        refused("NUL", "control character", "U+0000", row=2, column="hq_country"),
    ),
    FileCase(
        "indicator_value_1e400",
        "a regional indicator value of 1e400 (inf)",
        "regional_indicators",
        "ind_inf.csv",
        lambda: csv_bytes(rows("regional_indicators", value="1" + "0" * 400)),
        refused("too large", "out of range", "finite", row=2, column="value"),
    ),
    FileCase(
        "wide_indicator_bidi_header",
        "a wide regional table whose indicator header carries a bidi override",
        "regional_indicators",
        "wide.csv",
        lambda: csv_bytes([["region", "\u202efdi_per_capita"], ["RU-TA", "7.5"]]),
        refused("U+202E", "control", "unexpected column", row=1),
    ),
    # ---- XLSX ------------------------------------------------------------------------------
    FileCase(
        "xlsx_truncated",
        "a workbook cut in half (interrupted download)",
        "clusters",
        "cut.xlsx",
        lambda: truncated(xlsx_from_table([CLUSTER_HEADER, CLUSTER_ROW])),
        refused("XLSX", never=("/work", "site-packages")),
    ),
    FileCase(
        "xlsx_no_sheet_for_the_table",
        "a Russian export's workbook without its clusters sheet: its first sheet is the "
        "export's metadata, which must not be read as clusters",
        "clusters",
        "экспорт.xlsx",
        lambda: russian_export_without_clusters(),
        refused("Метаданные"),
    ),
    FileCase(
        "xlsx_not_a_zip",
        "a CSV renamed .xlsx",
        "clusters",
        "renamed.xlsx",
        lambda: cluster_csv(),
        refused("XLSX"),
    ),
    FileCase(
        "xlsx_zip_bomb_shared_string",
        "a 200 KB workbook whose shared string unzips to 200 MB",
        "clusters",
        "bomb.xlsx",
        lambda: xlsx_shared_string_bomb(),
        refused("too large", "uncompressed", "unzipped", "long"),
        isolate=True,
        slow=True,
    ),
    FileCase(
        "xlsx_sparse_dimension_bomb",
        "a 1 KB workbook declaring A1:XFD1048576 with a cell "
        "in the last row (17 billion cells if padded)",
        "clusters",
        "sparse.xlsx",
        lambda: xlsx_sparse_bomb(),
        refused("row", "rows", "too many", "too large"),
        isolate=True,
        slow=True,
    ),
    FileCase(
        "xlsx_long_cell",
        f"an XLSX cell of {BIG_CELL:,} characters (Excel's limit is 32,767)",
        "clusters",
        "long.xlsx",
        lambda: xlsx_raw(sheet_xml(rows("clusters", name_en="x" * BIG_CELL))),
        refused("long", "characters", row=2, column="name_en"),
    ),
    FileCase(
        "xlsx_formula_without_value",
        "participants is a formula with no cached value (read as an empty cell today)",
        "clusters",
        "formula.xlsx",
        lambda: xlsx_formula_cell(),
        refused("formula", row=2, column="participants"),
    ),
    FileCase(
        "xlsx_escaped_nul",
        "a name with _x0000_ (OOXML's escape for NUL)",
        "clusters",
        "nul.xlsx",
        lambda: xlsx_escaped_nul(),
        refused("NUL", "control character", "U+0000", row=2, column="name_en"),
    ),
    FileCase(
        "xlsx_date_in_number",
        "a date in participants",
        "clusters",
        "date.xlsx",
        lambda: xlsx_from_table(
            [
                CLUSTER_HEADER,
                [*CLUSTER_ROW[:5], __import__("datetime").datetime(2024, 1, 2), *CLUSTER_ROW[6:]],
            ]
        ),
        refused("number", row=2, column="participants"),
    ),
    # ---- GeoJSON: wrong types at every level ------------------------------------------------
    FileCase(
        "geojson_top_level_array",
        "the top level is an array",
        "clusters",
        "array.geojson",
        lambda: b"[1, 2, 3]",
        refused("FeatureCollection"),
    ),
    FileCase(
        "geojson_top_level_string",
        "the top level is a string",
        "clusters",
        "str.geojson",
        lambda: b'"FeatureCollection"',
        refused("FeatureCollection"),
    ),
    FileCase(
        "geojson_type_missing",
        "no 'type'",
        "clusters",
        "notype.geojson",
        lambda: geojson_bytes({"features": [cluster_feature()]}),
        refused("FeatureCollection"),
    ),
    FileCase(
        "geojson_features_is_object",
        "features is an object",
        "clusters",
        "fobj.geojson",
        lambda: geojson_bytes(feature_collection({"a": cluster_feature()})),
        refused("features"),
    ),
    FileCase(
        "geojson_features_null",
        "features is null (read as no features)",
        "clusters",
        "fnull.geojson",
        lambda: geojson_bytes(feature_collection(None)),
        refused("features", "no data", "header"),
    ),
    FileCase(
        "geojson_feature_is_number",
        "one feature is a number",
        "clusters",
        "fnum.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature(), 7])),
        refused("feature", row=2),
    ),
    FileCase(
        "geojson_properties_is_string",
        "a feature's properties is a string",
        "clusters",
        "pstr.geojson",
        lambda: geojson_bytes(feature_collection([{"type": "Feature", "properties": "abc"}])),
        refused("properties", row=1),
    ),
    FileCase(
        "geojson_properties_is_number",
        "a feature's properties is a number",
        "clusters",
        "pnum.geojson",
        lambda: geojson_bytes(feature_collection([{"type": "Feature", "properties": 5}])),
        refused("properties", row=1),
    ),
    FileCase(
        "geojson_value_is_list",
        "a property value is a list",
        "clusters",
        "vlist.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature(name_en=["a", "b"])])),
        refused("list", "text", "value", row=1, column="name_en"),
    ),
    FileCase(
        "geojson_value_is_nested_object",
        "a property value is an object 30 levels deep",
        "clusters",
        "vobj.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature(name_en=nested_value())])),
        refused("object", "text", "value", row=1, column="name_en"),
    ),
    FileCase(
        "geojson_deep_property",
        "a property value nested 100,000 levels deep",
        "clusters",
        "vdeep.geojson",
        lambda: deep_properties(),
        refused("nested", "deep"),
    ),
    FileCase(
        "geojson_nan_literal",
        "participants: NaN (not JSON, but Python's json reads it; becomes a missing value today)",
        "clusters",
        "nan.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature()])).replace(
            b'"participants": "12"', b'"participants": NaN'
        ),
        refused("NaN", "number", row=1, column="participants"),
    ),
    FileCase(
        "geojson_infinity_literal",
        "participants: Infinity",
        "clusters",
        "inf.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature()])).replace(
            b'"participants": "12"', b'"participants": Infinity'
        ),
        refused("Infinity", "number", "finite", row=1, column="participants"),
    ),
    FileCase(
        "geojson_huge_integer",
        "participants: a 400-digit JSON integer (float() overflows)",
        "clusters",
        "bigint.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature()])).replace(
            b'"participants": "12"', b'"participants": ' + b"9" * 400
        ),
        refused("too large", "out of range", row=1, column="participants"),
    ),
    FileCase(
        "geojson_bool_participants",
        "participants: true",
        "clusters",
        "bool.geojson",
        lambda: geojson_bytes(feature_collection([cluster_feature(participants=True)])),
        refused("number", row=1, column="participants"),
    ),
    FileCase(
        "geojson_utf16_without_bom",
        "GeoJSON in UTF-16 LE without BOM",
        "clusters",
        "u16.geojson",
        lambda: json.dumps(feature_collection([cluster_feature()])).encode("utf-16-le"),
        refused("encoding", "UTF-16"),
    ),
    FileCase(
        "geojson_truncated",
        "GeoJSON cut in half",
        "clusters",
        "cut.geojson",
        lambda: truncated(geojson_bytes(feature_collection([cluster_feature()]))),
        refused("GeoJSON"),
    ),
]


# ---- the full cluster card (issue 16): each bad value names its row and column -----------

_CARD_ENTRIES = (LIBRARY, CLI_DRY_RUN)
_CARD_LEVEL = {"org_level": "high", "org_level_assessed_by": "mod"}


def _card(description: str, cells: Mapping[str, Any], expect: Expect, **kw: Any) -> FileCase:
    """A cluster file whose one row has the card's ``cells`` (added as columns); ``id``
    is given in ``kw``."""
    return FileCase(
        kw.pop("id"),
        description,
        "clusters",
        kw.pop("file", "card.csv"),
        kw.pop("make", lambda: csv_bytes(rows(extra=dict(cells)))),
        expect,
        entries=kw.pop("entries", _CARD_ENTRIES),
        **kw,
    )


FILE_CASES += [
    _card(
        "a full card: INN, web sites, e-mail, phone, year, figures, level and sources",
        {},
        accepted(manager_inn="0274062111", founded_year=2012.0, revenue_bln_rub=4.5),
        id="ok_card_full",
        make=lambda: csv_bytes(
            rows(
                extra={
                    "manager_inn": "0274062111",
                    "website": "https://кластер.рф",
                    "manager_website": "http://center.example.ru/",
                    "contact_email": "ivan@example.ru",
                    "contact_phone": "+7 (843) 000-00-00",
                    "founded_year": "2012",
                    "revenue_bln_rub": "4,5",
                    "employees": "1 200",
                    **_CARD_LEVEL,
                    "org_level_assessed_at": "2025-11",
                    "field_sources": "founded_year | register | 2024-05-01",
                }
            )
        ),
        entries=(LIBRARY, CLI_DRY_RUN, UPLOAD),
    ),
    _card(
        "an INN whose check digit is wrong (a typo)",
        {"manager_inn": "7707083894"},
        refused("check digit", row=2, column="manager_inn"),
        id="card_inn_check_digit",
        entries=(LIBRARY, CLI_DRY_RUN, UPLOAD),
    ),
    _card(
        "an INN with a Latin O for a zero",
        {"manager_inn": "77O7083893"},
        refused("INN", row=2, column="manager_inn"),
        id="card_inn_letter",
    ),
    _card(
        "an INN typed as a number in a spreadsheet: the leading zero is lost",
        {},
        refused("INN", row=2, column="manager_inn"),
        id="card_inn_xlsx_number",
        file="card.xlsx",
        make=lambda: xlsx_from_table(rows(extra={"manager_inn": 274062111})),
    ),
    _card(
        "a javascript: address as the web site (the card makes it a link)",
        {"website": "javascript:alert(document.cookie)"},
        refused("web address", row=2, column="website"),
        id="card_url_javascript",
        entries=(LIBRARY, CLI_DRY_RUN, UPLOAD),
    ),
    _card(
        "a web address with a user name and password in it",
        {"manager_website": "https://admin:secret@example.ru"},
        refused("web address", row=2, column="manager_website"),
        id="card_url_credentials",
    ),
    _card(
        "markup as the e-mail address",
        {"contact_email": "<img src=x onerror=alert(1)>@example.ru"},
        refused("e-mail", row=2, column="contact_email"),
        id="card_email_markup",
    ),
    _card(
        "words in the phone number",
        {"contact_phone": "+7 CALL NOW"},
        refused("phone", row=2, column="contact_phone"),
        id="card_phone_words",
    ),
    _card(
        "a founding year in the future",
        {"founded_year": "2999"},
        refused("founding year", row=2, column="founded_year"),
        id="card_founded_future",
    ),
    _card(
        "negative revenue",
        {"revenue_bln_rub": "-5"},
        refused("negative", row=2, column="revenue_bln_rub"),
        id="card_revenue_negative",
    ),
    _card(
        "half an employee",
        {"employees": "12.5"},
        refused("whole", row=2, column="employees"),
        id="card_employees_fraction",
    ),
    _card(
        "an assessment dated in the future",
        {**_CARD_LEVEL, "org_level_assessed_at": "2999-12-31"},
        refused("date", row=2, column="org_level_assessed_at"),
        id="card_assessed_future",
    ),
    _card(
        "an assessment's basis without a level (a claim, not an assessment)",
        {"org_level_basis": "we are excellent"},
        refused("without a development level", row=2),
        id="card_assessment_without_level",
    ),
    _card(
        "per-field sources naming a field the card does not have",
        {"field_sources": "password | x | 2024"},
        refused("not a field", row=2, column="field_sources"),
        id="card_sources_unknown_field",
    ),
    _card(
        "per-field sources without the date",
        {"field_sources": "website | the cluster's site"},
        refused("field | source | date", row=2, column="field_sources"),
        id="card_sources_no_date",
    ),
    _card(
        "a right-to-left override in the description",
        {"description_en": "harmless \u202etxt.exe"},
        refused("U+202E", row=2, column="description_en"),
        id="card_description_bidi",
    ),
    _card(
        "a description of 5,001 characters",
        {"description_ru": "я" * 5001},
        refused("too long", row=2, column="description_ru"),
        id="card_description_long",
    ),
    _card(
        "an empty item among the specialisations",
        {"specialisation": "Pharma;;Biotech"},
        refused("specialisations", row=2, column="specialisation"),
        id="card_specialisations_empty_item",
    ),
]


# --------------------------------------------------------------------------- paths (CLI)


@dataclass(frozen=True)
class PathCase:
    """A path given to ``clustermap validate`` / ``import``: ``make(folder)`` creates what
    is needed in ``folder`` and returns the argument."""

    id: str
    description: str
    make: Callable[[Path], str]
    expect: Expect
    source: str = "new"
    entries: tuple[str, ...] = PATH_ENTRIES
    isolate: bool = False
    slow: bool = False


def _write(folder: Path, name: str, data: bytes) -> str:
    (folder / name).write_bytes(data)
    return str(folder / name)


def _sparse(folder: Path, name: str, size: int) -> str:
    with open(folder / name, "wb") as fh:
        fh.write(cluster_csv())
        fh.truncate(size)
    return str(folder / name)


def _fifo(folder: Path, name: str = "pipe.csv") -> str:
    os.mkfifo(folder / name)
    return str(folder / name)


def _symlink(folder: Path, name: str, target: str) -> str:
    os.symlink(target, folder / name)
    return str(folder / name)


def _loop(folder: Path) -> str:
    os.symlink(folder / "b.csv", folder / "a.csv")
    os.symlink(folder / "a.csv", folder / "b.csv")
    return str(folder / "a.csv")


def _bad_utf8_name(folder: Path) -> str:
    name = os.fsdecode(b"bad\xff.csv")  # surrogate-escaped, as argv gives it
    (folder / name).write_bytes(cluster_csv())
    return str(folder / name)


PATH_CASES: list[PathCase] = [
    PathCase(
        "path_missing",
        "a path that does not exist",
        lambda d: str(d / "nope.csv"),
        refused("not found", "does not exist", "no such"),
        source="issue",
    ),
    PathCase(
        "path_directory",
        "a directory",
        lambda d: str(d),
        refused("directory", "folder"),
        source="issue",
    ),
    PathCase(
        "path_dev_zero",
        "/dev/zero behind a .csv name (size 0, endless)",
        lambda d: _symlink(d, "zero.csv", "/dev/zero"),
        refused("not a regular file", "device", "too large"),
        source="issue",
        isolate=True,
        slow=True,
    ),
    PathCase(
        "path_fifo",
        "a named pipe nobody writes to (open() blocks)",
        _fifo,
        refused("not a regular file", "pipe", "FIFO"),
        isolate=True,
        slow=True,
    ),
    PathCase(
        "path_50mb",
        "a 50 MB file (the message said '5.0 MB')",
        lambda d: _sparse(d, "fifty.csv", 50 * MB),
        refused("50.0 MB", "50 MB"),
        source="issue",
    ),
    PathCase(
        "path_under_a_file",
        "a path through a file: clusters.csv/child.csv",
        lambda d: _write(d, "clusters.csv", cluster_csv()) + "/child.csv",
        refused("not found", "does not exist", "not a directory", "no such"),
    ),
    PathCase(
        "path_symlink_loop",
        "a symlink loop",
        _loop,
        refused("not found", "does not exist", "symbolic", "loop", "no such"),
    ),
    PathCase(
        "path_dash",
        "'-' (stdin by convention; no such file here)",
        lambda d: "-",
        refused("not found", "does not exist", "stdin", "no such"),
    ),
    PathCase(
        "path_not_utf8_name",
        "a file name that is not UTF-8 (bytes b'bad\\xff.csv')",
        _bad_utf8_name,
        accepted(),
    ),
]

# --------------------------------------------------------------------------- export targets


@dataclass(frozen=True)
class Sandbox:
    """Folders a target case may use: ``folder`` (empty, the working directory),
    ``full`` (a 64 KB tmpfs, or None), ``readonly`` (a read-only tmpfs, or None)."""

    folder: Path
    full: Path | None
    readonly: Path | None


@dataclass(frozen=True)
class TargetCase:
    """``clustermap export --format FMT --territory RU-TA -o <make(sandbox)>``.

    ``expect``: refused (exit 2, message with one of ``what``) or accepted (exit 0).
    ``alternatives``: another acceptable answer (e.g. ``-o -`` may write to stdout).
    ``keep``: what must still be true of the target afterwards (device/symlink/FIFO kept).
    """

    id: str
    description: str
    fmt: str
    make: Callable[[Sandbox], str]
    expect: Expect
    keep: str | None = None  # "chardev" | "symlink" | "fifo" | "dir"
    stdout_ok: bool = False  # writing the export to stdout (exit 0) is also right
    needs: str | None = None  # "full" | "readonly": skipped without the mount
    source: str = "new"
    written: str | None = None  # accepted: the file that must exist afterwards (relative)


def _mknod(folder: Path, name: str, major: int, minor: int) -> str:
    import stat as st

    os.mknod(folder / name, 0o666 | st.S_IFCHR, os.makedev(major, minor))
    return str(folder / name)


TARGET_CASES: list[TargetCase] = [
    TargetCase(
        "out_ok_file",
        "an ordinary file name",
        "geojson",
        lambda s: "ta.geojson",
        accepted(),
        written="ta.geojson",
    ),
    TargetCase(
        "out_ok_directory",
        "an existing folder: the default name inside it",
        "geojson",
        lambda s: ".",
        accepted(),
    ),
    TargetCase(
        "out_full_device",
        "a character device like /dev/full (own node 1,7 in a "
        "temporary folder; as root the node was replaced by the export)",
        "geojson",
        lambda s: _mknod(s.folder, "full", 1, 7),
        refused("not a regular file", "device", "no space"),
        keep="chardev",
        source="issue",
    ),
    TargetCase(
        "out_null_device",
        "a character device like /dev/null (own node 1,3)",
        "geojson",
        lambda s: _mknod(s.folder, "null", 1, 3),
        refused("not a regular file", "device"),
        keep="chardev",
    ),
    TargetCase(
        "out_symlink_to_stdout",
        "a symlink to /proc/self/fd/1 like /dev/stdout (own "
        "link; the real one was replaced and nothing printed)",
        "geojson",
        lambda s: _symlink(s.folder, "stdout", "/proc/self/fd/1"),
        refused("not a regular file", "symlink", "stdout"),
        keep="symlink",
        stdout_ok=True,
        source="issue",
    ),
    TargetCase(
        "out_dash",
        "'-o -' (a file named '-' was created)",
        "geojson",
        lambda s: "-",
        refused("-o", "stdout"),
        stdout_ok=True,
        source="issue",
    ),
    TargetCase(
        "out_csv_is_zip",
        "'--format csv -o ta.csv': the CSV export is a ZIP",
        "csv",
        lambda s: "ta.csv",
        refused(".zip", "ZIP"),
        source="issue",
    ),
    TargetCase(
        "out_wrong_extension",
        "'--format svg -o map.png'",
        "svg",
        lambda s: "map.png",
        refused(".svg", "extension"),
    ),
    TargetCase(
        "out_fifo",
        "a named pipe (it was replaced by a file)",
        "geojson",
        lambda s: _fifo(s.folder, "pipe.geojson"),
        refused("not a regular file", "pipe", "FIFO"),
        keep="fifo",
    ),
    TargetCase(
        "out_missing_folder",
        "a folder that does not exist",
        "geojson",
        lambda s: "nowhere/ta.geojson",
        refused("does not exist"),
    ),
    TargetCase(
        "out_name_too_long",
        "a 300-character file name",
        "geojson",
        lambda s: "x" * 300 + ".geojson",
        refused("too long", "name"),
    ),
    TargetCase(
        "out_read_only_folder",
        "a read-only folder (read-only tmpfs; chmod does not stop root)",
        "geojson",
        lambda s: str(s.readonly / "ta.geojson"),
        refused("read-only", "permission", "cannot write"),
        needs="readonly",
        source="issue",
    ),
    TargetCase(
        "out_full_disk",
        "a full disk (64 KB tmpfs, PNG of ~160 KB): 'x.png.part' was left behind",
        "png",
        lambda s: str(s.full / "x.png"),
        refused("no space", "full"),
        needs="full",
        source="issue",
    ),
]


# --------------------------------------------------------------------------- command options


@dataclass(frozen=True)
class OptionCase:
    """A command line with a hostile option value. ``argv`` may use ``{folder}``.
    ``stdin``: bytes on standard input (no terminal); ``env``: extra environment
    (``password=None`` removes CLUSTERMAP_PASSWORD)."""

    id: str
    description: str
    argv: tuple[str, ...]
    expect: Expect
    stdin: bytes = b""
    env: Mapping[str, str | None] = field(default_factory=dict)
    code: int = 2
    source: str = "new"
    store_write: bool = False  # a command that would write (restore/import): store must not change


OPTION_CASES: list[OptionCase] = [
    OptionCase(
        "password_prompt_without_terminal",
        "import as an editor with no password in the environment and no terminal (EOFError)",
        ("import", "clusters", "{folder}/ok.csv", "--user", "alice"),
        refused("password", "terminal", "CLUSTERMAP_PASSWORD", row=None),
        env={"CLUSTERMAP_PASSWORD": None},
        code=2,
        source="issue",
        store_write=True,
    ),
    OptionCase(
        "restore_password_without_terminal",
        "restore with no password and no terminal",
        ("restore", "1", "--user", "alice"),
        refused("password", "terminal", "CLUSTERMAP_PASSWORD"),
        env={"CLUSTERMAP_PASSWORD": None},
        code=2,
        store_write=True,
    ),
    OptionCase(
        "hash_password_empty_stdin",
        "hash-password with nothing on stdin (prints the hash of an empty password today)",
        ("hash-password",),
        refused("empty", "password"),
    ),
    OptionCase(
        "restore_huge_version",
        "restore 10^20 (SQLite integer overflow)",
        ("restore", "100000000000000000000", "--user", "alice"),
        refused("version"),
        store_write=True,
    ),
    OptionCase(
        "history_huge_version",
        "history 10^20",
        ("history", "100000000000000000000"),
        refused("version"),
    ),
    OptionCase(
        "history_records_huge_version",
        "history 10^20 --records clusters",
        ("history", "100000000000000000000", "--records", "clusters"),
        refused("version"),
    ),
    OptionCase(
        "restore_negative_version",
        "restore -1",
        ("restore", "--user", "alice", "--", "-1"),
        refused("version"),
        store_write=True,
    ),
    OptionCase(
        "export_territory_10k",
        "--territory of 10,000 characters",
        ("export", "--format", "geojson", "--territory", "X" * 10_000, "-o", "{folder}"),
        refused("territory"),
    ),
    OptionCase(
        "export_territory_bidi",
        "--territory with a bidi override",
        ("export", "--format", "geojson", "--territory", "RU-\u202eAT", "-o", "{folder}"),
        refused("territory", "U+202E"),
    ),
    OptionCase(
        "export_exported_at_garbage",
        "--exported-at 9999-99-99",
        ("export", "--format", "geojson", "--exported-at", "9999-99-99", "-o", "{folder}"),
        refused("exported-at", "ISO 8601"),
    ),
    OptionCase(
        "export_exported_at_year_0",
        "--exported-at 0000-01-01",
        ("export", "--format", "geojson", "--exported-at", "0000-01-01", "-o", "{folder}"),
        refused("exported-at", "ISO 8601"),
    ),
    OptionCase(
        "export_filter_value_huge",
        "--status of 10,000 characters",
        ("export", "--format", "geojson", "--status", "s" * 10_000, "-o", "{folder}"),
        refused("unknown filter value"),
    ),
    OptionCase(
        "validate_no_args",
        "validate without a path (argparse)",
        ("validate",),
        refused("PATH", "required"),
    ),
    OptionCase(
        "import_unknown_kind",
        "import with an unknown kind (argparse)",
        ("import", "towns", "{folder}/ok.csv"),
        refused("invalid choice", "kind"),
    ),
]


# --------------------------------------------------------------------------- URL parameters

COMMON_KEYS = ("lang", "data", "n", "seed")


def page_keys() -> dict[str, tuple[str, ...]]:
    """Each page's own URL keys (as the pages read them)."""
    from geo.analysis import filters
    from geo.render import urlstate

    fk = tuple(filters.QUERY_KEYS)
    return {
        "map": (*fk, *urlstate.VIEW_QUERY_KEYS, "panel"),
        "registry": (*fk, "q", "sort", "desc"),
        "cluster": ("id",),
        "region": ("code",),
        "mne": (),
        "compare": ("kind", "unit"),
        "import_data": (),
        "edit": (),
        "data": (),
        "methodology": (),
        "submit": (),
        "my_clusters": (),
        "moderation": (),
    }


#: Keys whose every value is legitimate (free text or a flag): nothing to name.
FREE_KEYS = {"q", "desc", "tiles"}


@dataclass(frozen=True)
class UrlCase:
    """A URL value (or values) given to every key of every page (``per_key``), or a whole
    query (``query``) given to every page."""

    id: str
    description: str
    value: str | list[str] | None = None
    query: Mapping[str, str | list[str]] | None = None
    name_it: bool = True  # a known key with this value must be named in a message
    named: tuple[str, ...] = ()  # query cases: the values a message must show
    source: str = "new"
    slow: bool = False


URL_CASES: list[UrlCase] = [
    UrlCase("url_10k_value", "a 10,000-character value", "Z" * 10_000),
    UrlCase("url_nul", "a NUL character", "bad\x00value"),
    UrlCase("url_percent_00", "a literal '%00' (double-encoded NUL)", "%00"),
    UrlCase("url_bidi", "a right-to-left override", "\u202eAT-UR"),
    UrlCase("url_zero_width", "a zero-width space inside a code", "RU-\u200bTA"),
    UrlCase("url_repeated", "the key repeated with three values", ["1", "2", "bogus"]),
    UrlCase(
        "url_markup",
        "Markdown/HTML markup and a link",
        "<script>alert(1)</script>**bold**[x](http://evil.example)",
    ),
    UrlCase("url_superscript_digit", "'²' (str.isdigit() is True, int() fails)", "²"),
    UrlCase("url_huge_number", "a 30-digit number", "9" * 30),
    UrlCase("url_negative", "-1", "-1"),
    UrlCase(
        "url_unknown_keys",
        "unknown keys only (utm_source of 10,000 characters, zzz)",
        query={"utm_source": "u" * 10_000, "zzz": ["1", "2"]},
        name_it=False,
    ),
    UrlCase(
        "url_lang_garbage",
        "lang repeated, unknown and NUL",
        query={"lang": ["en", "xx\x00"]},
        named=("xx",),
    ),
    UrlCase(
        "url_dataset_overflow",
        "data=synthetic with n=10^20 and seed=-1",
        query={"data": "synthetic", "n": "1" + "0" * 20, "seed": "-1"},
        named=("1" + "0" * 20, "-1"),
    ),
    UrlCase(
        "url_dataset_superscript",
        "data=synthetic, n=²",
        query={"data": "synthetic", "n": "²"},
        named=("²",),
    ),
    UrlCase(
        "url_many_units",
        "compare with 500 repeated unit values (Streamlit drops a query of over 1,000 parameters)",
        query={"kind": "clusters", "unit": [f"U{i}" for i in range(500)]},
        named=("U499",),
    ),
]


# ------------------------------------------------------------------ stored values written out

FORMULAS: tuple[str, ...] = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "@SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
)
"""Cluster names an editor may store (they are data), which every CSV/XLSX written for a
spreadsheet must neutralise (OWASP: prefix with an apostrophe) and read back unchanged."""

DOWNLOADS: dict[str, str] = {
    "cli_history_records": "clustermap history --records clusters",
    "history_download": "Import page, History tab: 'Download clusters of version N (CSV)'",
    "registry_download": "Registry page: 'Download these rows (CSV)'",
    "export_csv_zip": "map export, CSV (ZIP of tables) of the store's data (geo.exports)",
    "export_xlsx": "map export, XLSX of the store's data (geo.exports)",
}


def formula_csv() -> bytes:
    """One cluster per formula (CL-0001...), the formula as its English name."""
    header, row = rows("clusters")
    table = [header]
    for i, formula in enumerate(FORMULAS, start=1):
        values = dict(zip(header, row, strict=True))
        values.update(id=f"CL-{i:04d}", name_en=formula)
        table.append(list(values.values()))
    return csv_bytes(table)


def all_case_ids() -> list[str]:
    ids = [c.id for c in FILE_CASES] + [c.id for c in PATH_CASES]
    ids += [c.id for c in TARGET_CASES] + [c.id for c in OPTION_CASES] + [c.id for c in URL_CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return ids


# --------------------------------------------------------------------------- submission forms

SUBMISSION_BASE = {
    "name_en": "Proposed cluster", "city": "Kazan", "region_as_published": "RU-TA",
    "source_doc": "registry", "source_ref": "the cluster's site",
}  # fmt: skip
"""A valid new cluster, as the Submit a cluster form sends it."""


@dataclass(frozen=True)
class SubmissionCase:
    """What a person (or a crafted request) sends as a submission of a new cluster
    (``cluster_id`` None) or a change to PIC-01, which the submitter manages. Refused:
    :class:`geo.registry.submissions.SubmissionError`, or a plan whose issues name
    ``column``, with one of ``what``; nothing stored. Accepted: stored, and the value of
    each ``values`` column reads as given in the comparison."""

    id: str
    description: str
    payload: Any
    expect: Expect
    cluster_id: str | None = None


def _new(**cells: Any) -> dict[str, Any]:
    return {"clusters": [{**SUBMISSION_BASE, **cells}]}


def _members(org: dict[str, str] | None = None, membership: dict[str, str] | None = None) -> Any:
    """A new cluster with one member organisation as the form's member list sends it
    (placeholder ``new-1``), its cells changed by ``org`` and ``membership``."""
    source = {"source_doc": "registry", "source_ref": "member list of the cluster's submission"}
    row = {"org_id": "new-1", "name_en": "Kazan Optics", "org_type": "company",
           "foreign_owned": "no", **source, **(org or {})}  # fmt: skip
    member = {"cluster_id": "new", "org_id": "new-1", "role": "member", **source,
              **(membership or {})}  # fmt: skip
    return {**_new(), "organisations": [row], "memberships": [member]}


def _removing(*rows: dict[str, str]) -> Any:
    """A change to a cluster's card (a note) that also removes ``rows`` (the form's
    :data:`geo.registry.submissions.REMOVED` rows)."""
    return {"clusters": [{"notes": "x"}], "removed": list(rows)}


SUBMISSION_CASES: list[SubmissionCase] = [
    SubmissionCase("sub_not_a_mapping", "a list instead of kind → rows", [SUBMISSION_BASE],
                   refused("exactly one cluster row")),
    SubmissionCase("sub_rows_not_a_list", "clusters given as one row, not a list",
                   {"clusters": SUBMISSION_BASE}, refused("exactly one cluster row")),
    SubmissionCase("sub_nested_value", "a cell holding a dictionary",
                   _new(notes={"$ne": 1}), refused("exactly one cluster row")),
    SubmissionCase("sub_unknown_kind", "a kind the registry does not have", {**_new(), "users": []},
                   refused("cannot be submitted")),
    SubmissionCase("sub_statistics", "regional statistics smuggled into a submission",
                   {**_new(), "regional_indicators": [{"indicator": "x"}]},
                   refused("cannot be submitted")),
    SubmissionCase("sub_unknown_column", "a column of no schema (a crafted request)",
                   _new(password_hash="x"), refused("no column 'password_hash'")),
    SubmissionCase("sub_moderator_field", "the development level, which only moderators set",
                   _new(org_level="high"), refused("set by a moderator")),
    SubmissionCase("sub_forged_id", "a new cluster naming its own id (taking an existing one)",
                   _new(id="PIC-02"), refused("gets its id at approval")),
    SubmissionCase("sub_other_cluster_id", "a change to PIC-01 whose row names PIC-02",
                   {"clusters": [{"id": "PIC-02", "notes": "x"}]}, refused("not PIC-02"),
                   cluster_id="PIC-01"),
    SubmissionCase("sub_huge_cell", "a 100,000-character note", _new(notes="x" * 100_000),
                   refused("too long")),
    SubmissionCase("sub_many_rows", "10,000 MNE links in one submission",
                   {**_new(), "mne_links": [{"mne_name": "x"}] * 10_000}, refused("too many rows")),
    SubmissionCase("sub_nul", "a NUL character in the name", _new(name_en="Bad\x00name"),
                   refused("control", "character", "U+0000", column="name_en")),
    SubmissionCase("sub_bidi", "a right-to-left override in the city", _new(city="\u202eKazan"),
                   refused("character", "U+202E", column="city")),
    SubmissionCase("sub_unknown_region", "a region nobody knows",
                   _new(region_as_published="Atlantis"),
                   refused("Atlantis", column="region_as_published")),
    SubmissionCase("sub_negative_count", "a negative number of participants",
                   _new(participants="-5"), refused("participants", "negative", "0",
                                                    column="participants")),
    SubmissionCase("sub_not_a_number", "text where a number goes", _new(participants="many"),
                   refused("many", column="participants")),
    SubmissionCase("sub_link_elsewhere", "an MNE link of another cluster in a change to PIC-01",
                   {"clusters": [{"notes": "x"}], "mne_links": [{
                       "cluster_id": "PIC-02", "mne_name": "Siemens", "hq_country": "Germany",
                       "presence": "present", "source_doc": "registry", "source_ref": "t"}]},
                   refused("belongs to cluster PIC-02", column="cluster_id"), cluster_id="PIC-01"),
    SubmissionCase("sub_markup", "Markdown, HTML and a link as the name (stored as text)",
                   _new(name_en="<script>alert(1)</script>**b**[x](http://evil.example)"),
                   accepted(name_en="<script>alert(1)</script>**b**[x](http://evil.example)")),
    SubmissionCase("sub_formula", "a spreadsheet formula as the name (data: kept as text)",
                   _new(name_en="=cmd|' /C calc'!A0"), accepted(name_en="=cmd|' /C calc'!A0")),
    SubmissionCase("sub_russian", "Russian text and a decimal comma", _new(
                   name_ru="Кластер «Тест»", export_bln_rub="1,5"),
                   accepted(name_ru="Кластер «Тест»", export_bln_rub="1.5")),
    # the member list of the form: organisations and memberships rows with placeholders
    SubmissionCase("sub_member_bad_inn", "a member organisation whose INN check digits are wrong",
                   _members(org={"inn": "7707083894"}), refused("INN", column="inn")),
    SubmissionCase("sub_member_foreign_in_russia",
                   "a foreign-owned member headquartered in Russia",
                   _members(org={"foreign_owned": "yes", "hq_country": "RU"}),
                   refused("Russia", column="hq_country")),
    SubmissionCase("sub_member_bad_role", "a membership role outside the vocabulary",
                   _members(membership={"role": "owner"}), refused("owner", column="role")),
    SubmissionCase("sub_member_years_reversed", "a member that left before it joined",
                   _members(membership={"from_year": "2020", "to_year": "2010"}),
                   refused("2010", column="to_year")),
    SubmissionCase("sub_member_bidi_name", "a right-to-left override in a member's name",
                   _members(org={"name_en": "\u202eOptics"}),
                   refused("U+202E", column="name_en")),
    SubmissionCase("sub_member_unknown_placeholder",
                   "a membership naming a new organisation nobody listed",
                   _members(membership={"org_id": "new-7"}),
                   refused("new-7", "placeholder", column="org_id")),
    SubmissionCase("sub_member_invented_id",
                   "a new organisation naming its own id (which the store gives)",
                   _members(org={"org_id": "ORG-5000"}, membership={"org_id": "ORG-5000"}),
                   refused("ORG-5000", column="org_id")),
    SubmissionCase("sub_member_shared_org",
                   "a change to PIC-01 renaming an organisation PIC-20 lists",
                   {"clusters": [{"notes": "x"}],
                    "organisations": [{"org_id": "ORG-0003", "name_en": "Renamed"}]},
                   refused("PIC-20", column="org_id"), cluster_id="PIC-01"),
    SubmissionCase("sub_member_elsewhere", "a membership of PIC-02 in a change to PIC-01",
                   {"clusters": [{"notes": "x"}], "memberships": [{
                       "cluster_id": "PIC-02", "org_id": "ORG-0003", "role": "member",
                       "source_doc": "registry", "source_ref": "t"}]},
                   refused("belongs to cluster PIC-02", column="cluster_id"), cluster_id="PIC-01"),
    SubmissionCase("sub_member_many", "10,000 member organisations in one submission",
                   {**_new(), "organisations": [{"name_en": "x"}] * 10_000},
                   refused("too many rows")),
    SubmissionCase("sub_member_formula", "a formula as a member's foreign id (kept as text)",
                   _members(org={"foreign_id": "=1+cmd|' /C calc'!A0"}),
                   accepted(foreign_id="=1+cmd|' /C calc'!A0")),
    # removals: the rows of "removed" (a member deleted from the form's member list)
    SubmissionCase("sub_remove_elsewhere", "a change to PIC-01 removing a membership of PIC-20",
                   _removing({"kind": "memberships", "key": "MEM-0003"}),
                   refused("belongs to cluster PIC-20", column="key"), cluster_id="PIC-01"),
    SubmissionCase("sub_remove_unknown", "a change removing a membership nobody stored",
                   _removing({"kind": "memberships", "key": "MEM-9999"}),
                   refused("MEM-9999", column="key"), cluster_id="PIC-01"),
    SubmissionCase("sub_remove_organisation",
                   "a change removing an organisation (organisations stay; only memberships go)",
                   _removing({"kind": "organisations", "key": "ORG-0003"}),
                   refused("cannot be removed by a submission"), cluster_id="PIC-01"),
    SubmissionCase("sub_remove_cluster", "a change removing its own cluster",
                   _removing({"kind": "clusters", "key": "PIC-01"}),
                   refused("cannot be removed by a submission"), cluster_id="PIC-01"),
    SubmissionCase("sub_remove_extra_cell",
                   "a removal row carrying another cell (a crafted request moving a member)",
                   _removing({"kind": "memberships", "key": "MEM-0003", "cluster_id": "PIC-01"}),
                   refused("nothing else"), cluster_id="PIC-01"),
    SubmissionCase("sub_remove_from_new_cluster", "a new cluster removing a membership",
                   {**_new(), "removed": [{"kind": "memberships", "key": "MEM-0003"}]},
                   refused("nothing to remove")),
]  # fmt: skip
