"""Reading real-world files for import and planning what they change (no database)."""

from __future__ import annotations

import io
import json
import re

import pytest

from geo.registry import importer
from geo.registry.importer import Entry, References

HEADER_RU = (
    "Идентификатор;Название (англ.);Название;Город;Регион;Статус;Число участников;"
    "Экспорт, млрд руб.;Источник;Ссылка на источник\n"
)
ROW_RU = (
    "CL-0001;Test;Тестовый кластер;Казань;Республика Татарстан;кластер-лидер;12;1,5;"
    "registry;анкета\n"
)


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


def parse(text_or_bytes, kind="clusters", name="f.csv", refs=None, encoding="utf-8"):
    data = text_or_bytes if isinstance(text_or_bytes, bytes) else text_or_bytes.encode(encoding)
    return importer.parse_bytes(name, data, kind, refs)


def plan(parsed, refs, state=None, mode="upsert"):
    return importer.plan_import(parsed, state or {}, refs, mode=mode)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ((HEADER_RU + ROW_RU).encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + (HEADER_RU + ROW_RU).encode("utf-8"), "UTF-8 with BOM"),
        ((HEADER_RU + ROW_RU).encode("cp1251"), "Windows-1251"),
    ],
)
def test_russian_file_in_any_encoding_reads_the_same(refs, data, encoding):
    parsed = parse(data, refs=refs)
    assert parsed.encoding == encoding and not parsed.issues
    result = plan(parsed, refs)
    assert result.ok, result.issues
    (change,) = result.changes
    values = change.after.values
    assert values["name_ru"] == "Тестовый кластер" and values["city"] == "Казань"
    assert values["status"] == "leading"  # the Russian label of the vocabulary value
    assert values["export_bln_rub"] == 1.5  # decimal comma
    assert values["participants"] == 12.0


@pytest.mark.parametrize("token", ["n/a", "н/д", "—", "-", "", "not reported", "нет данных"])
def test_missing_tokens_are_missing_never_zero(refs, token):
    text = (
        "id,name_en,region_as_published,intl_members,source_doc,source_ref\n"
        f"CL-0002,A,RU-TA,{token},registry,x\n"
    )
    (change,) = plan(parse(text, refs=refs), refs).changes
    assert change.after.values["intl_members"] is None
    expected = {"н/д": "n/a", "-": "—", "нет данных": "not reported"}.get(token, token)
    assert change.after.markers["intl_members"] == expected


@pytest.mark.parametrize(
    "region", ["RU-TA", "Tatarstan", "Республика Татарстан", "tatarstan republic"]
)
def test_region_by_code_or_any_known_name(refs, region):
    text = f"id,name_en,region_as_published,source_doc,source_ref\nCL-0003,A,{region},registry,x\n"
    result = plan(parse(text, refs=refs), refs)
    assert result.ok, result.issues
    assert refs.resolver.resolve(result.changes[0].after.values["region_as_published"]) == "RU-TA"


def test_every_problem_names_file_row_column_and_reason(refs):
    text = (
        "id,region_as_published,participants,status,source_doc,source_ref,colour\n"
        "CL-0004,Atlantis,12,leading,registry,x,red\n"
        "CL-0005,RU-TA,-3,famous,registry,x,blue\n"
        "CL-0006,RU-TA,3,leading,,x,\n"
        "CL-0006,RU-TA,3\n"
    )
    result = plan(parse(text, refs=refs, name="bad.csv"), refs)
    assert not result.ok and result.changes == ()
    found = {(i.file, i.row, i.column) for i in result.issues}
    assert ("bad.csv", 1, "colour") in found  # unknown column
    assert ("bad.csv", 2, "region_as_published") in found
    assert ("bad.csv", 3, "participants") in found and ("bad.csv", 3, "status") in found
    assert ("bad.csv", 4, "source_doc") in found
    messages = " ".join(i.message for i in result.issues)
    assert "Atlantis" in messages and "negative" in messages and "famous" in messages


def test_a_short_row_is_padded_a_long_one_refused(refs):
    text = "id,region_as_published,source_doc,source_ref\nCL-0007,RU-TA,registry,x,extra\n"
    parsed = parse(text, refs=refs)
    assert [(i.row, i.column) for i in parsed.issues] == [(2, None)]
    assert "5 fields" in parsed.issues[0].message


def test_xlsx_sheet_of_the_kind_is_read(refs):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "notes"
    sheet = book.create_sheet("mne_links")
    sheet.append(
        [
            "link_id",
            "ТНК",
            "Страна штаб-квартиры",
            "cluster_id",
            "Присутствие",
            "source_doc",
            "source_ref",
        ]
    )
    sheet.append(["MNE-50", "Siemens", "Германия", "PIC-01", "присутствует", "registry", "xlsx"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse(buffer.getvalue(), "mne_links", "links.xlsx", refs)
    assert parsed.format == "xlsx" and not parsed.issues
    state = {"clusters": {"PIC-01": Entry("PIC-01", {})}}
    (change,) = plan(parsed, refs, state).changes
    assert change.after.values["hq_country"] == "Germany"
    assert change.after.values["presence"] == "present"


def test_geojson_properties_are_read_and_geometry_ignored_with_a_notice(refs):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [49.1, 55.8]},
                "properties": {
                    "id": "CL-0008",
                    "name_en": "Geo",
                    "region_as_published": "RU-TA",
                    "participants": 4,
                    "source_doc": "registry",
                    "source_ref": "geojson",
                },
            }
        ],
    }
    parsed = parse(json.dumps(collection), name="c.geojson", refs=refs)
    assert parsed.format == "geojson" and any("geometry" in n for n in parsed.notices)
    (change,) = plan(parsed, refs).changes
    assert change.after.values["participants"] == 4.0


def test_wide_regional_table_becomes_one_value_per_indicator(refs):
    text = (
        "Регион\tГод\tПИИ на душу населения\tfdi_per_capita_x\n"  # one bad header
        "RU-TA\t2013\t1 234,5\t1\n"
    )
    parsed = parse(text, "regional_indicators", "wide.tsv", refs)
    assert [(i.row, i.column) for i in parsed.issues] == [(1, "fdi_per_capita_x")]
    good = (
        "Регион\tГод\tИсточник\tСсылка на источник\tПИИ на душу населения\t"
        "Сальдо внешней торговли на душу населения\n"
        "RU-TA\t2013\tregistry\tRosstat\t1 234,5\t−12\n"
    )
    result = plan(parse(good, "regional_indicators", "wide.tsv", refs), refs)
    assert result.ok, result.issues
    got = {c.after.values["indicator"]: c.after.values["value"] for c in result.changes}
    assert got == {"fdi_per_capita": 1234.5, "trade_surplus_per_capita": -12.0}
    assert {c.key for c in result.changes} == {
        "RU-TA|fdi_per_capita|2013",
        "RU-TA|trade_surplus_per_capita|2013",
    }


def test_size_and_type_limits(refs):
    big = parse(b"x" * (importer.MAX_UPLOAD_BYTES + 1), refs=refs)
    assert big.rows == () and "at most 5 MB" in big.issues[0].message
    assert "the file has 5.0 MB" in big.issues[0].message
    russian = big.issues[0].localised("ru")
    assert "5,0" in russian and "5.0" not in russian, russian
    odd = parse(b"id\n1\n", name="f.pdf", refs=refs)
    assert "unknown file type" in odd.issues[0].message
    latin = parse(b"id\n\x81\x98\n", refs=refs)  # undefined in Windows-1251, invalid UTF-8
    assert latin.rows == () and "neither UTF-8 nor Windows-1251" in latin.issues[0].message


NEW = "id,name_en,region_as_published,source_doc,source_ref\n"


def test_an_empty_cell_keeps_a_stored_marker_and_missing_columns_keep_values(refs):
    text = "id,name_en,region_as_published,participants,intl_members,source_doc,source_ref\n"
    first = plan(parse(text + "CL-0009,A,RU-TA,5,n/a,registry,x\n", refs=refs), refs)
    stored = first.changes[0].after
    assert stored.markers["intl_members"] == "n/a"
    state = {"clusters": {"CL-0009": stored}}
    same = plan(parse("id,intl_members\nCL-0009,\n", refs=refs), refs, state)
    assert same.ok and same.changes == () and same.unchanged == 1
    explicit = plan(parse("id,intl_members\nCL-0009,not reported\n", refs=refs), refs, state)
    assert [c.cells() for c in explicit.changes] == [[("intl_members", "n/a", "not reported")]]
    other = plan(parse("id,participants\nCL-0009,6\n", refs=refs), refs, state)
    (change,) = other.changes
    assert change.cells() == [("participants", 5.0, 6.0)]
    assert change.after.values["name_en"] == "A"  # columns the file lacks keep their value


def test_replace_refuses_to_remove_a_cluster_that_links_refer_to(refs):
    both = NEW + "CL-0010,A,RU-TA,registry,x\nCL-0011,B,RU-TA,registry,x\n"
    clusters = {c.key: c.after for c in plan(parse(both, refs=refs), refs).changes}
    link = Entry("MNE-60", {"link_id": "MNE-60", "cluster_id": "CL-0011"})
    state = {"clusters": clusters, "mne_links": {"MNE-60": link}}
    only_first = NEW + "CL-0010,A,RU-TA,registry,x\n"
    result = plan(parse(only_first, refs=refs), refs, state, mode="replace")
    assert not result.ok and result.changes == ()
    assert "MNE-60" in result.issues[0].message


def test_computed_columns_of_exports_are_ignored_not_errors(refs):
    text = (
        "id,name,region_code,lat,lon,mne_count,scenario,source_doc,source_ref\n"
        "CL-0012,A,RU-TA,55.8,49.1,0,lonely,registry,x\n"
    )
    parsed = parse(text, refs=refs)
    assert not parsed.issues
    status = dict(zip(parsed.columns["header"], parsed.columns["status"], strict=True))
    assert status["lat"] == status["scenario"] == "computed by the app: ignored"


def test_a_city_the_map_cannot_place_is_refused(refs):
    text = NEW + "CL-0013,A,RU-TA,registry,x\n"
    header = "id,name_en,city,region_as_published,source_doc,source_ref\n"
    unknown = plan(parse(header + "CL-0013,A,Xyzgrad,RU-TA,registry,x\n", refs=refs), refs)
    assert [(i.row, i.column) for i in unknown.issues] == [(2, "city")]
    assert "Xyzgrad" in unknown.issues[0].message and "leave it empty" in unknown.issues[0].message
    elsewhere = plan(parse(header + "CL-0013,A,Vladivostok,RU-TA,registry,x\n", refs=refs), refs)
    assert [(i.row, i.column) for i in elsewhere.issues] == [(2, "city")]
    assert plan(parse(header + "CL-0013,A,Kazan,RU-TA,registry,x\n", refs=refs), refs).ok
    assert plan(parse(text, refs=refs), refs).ok  # no city: placed at the region


# --------------------------------------------------------------------------- display in Russian


def test_the_report_is_english_by_default_and_russian_on_request(refs):
    text = "id,name_en,region_as_published,participants,source_doc,source_ref\n"
    result = plan(parse(text + "CL-0001,A,RU-TA,много,registry,x\n", refs=refs), refs)
    english, russian = result.report(), result.report("ru")
    assert english["problem"].tolist() == ["'много' is not a number"]
    assert russian["problem"].tolist() == ["«много» — не число"]
    assert russian.drop(columns="problem").equals(english.drop(columns="problem"))
    assert importer.issues_frame(result.issues, "en").equals(english)


def test_column_statuses_for_display(refs):
    text = (
        "region_as_published\tregion_code\tfdi_per_capita\tfill_colour\tsource_doc\tsource_ref\n"
        "RU-TA\tRU-TA\t1\t2\tregistry\tx\n"
    )
    parsed = parse(text, "regional_indicators", "wide.tsv", refs)
    english = dict(zip(parsed.columns["header"], parsed.columns["status"], strict=True))
    assert english["fdi_per_capita"] == "indicator fdi_per_capita (wide table)"
    shown = importer.localise_columns(parsed.columns, "ru")
    russian = dict(zip(shown["header"], shown["status"], strict=True))
    assert russian == {
        "region_as_published": "сопоставлен",
        "region_code": "код региона: сверяется с region_as_published",
        "fdi_per_capita": "показатель fdi_per_capita (широкая таблица)",
        "fill_colour": "вычисляется приложением: пропущен",
        "source_doc": "сопоставлен",
        "source_ref": "сопоставлен",
    }
    assert importer.localise_columns(parsed.columns, "en").equals(parsed.columns)


def test_changes_for_display_translate_the_change_and_markers_not_the_data(refs):
    before = Entry(
        "PIC-01", {"id": "PIC-01", "participants": None, "city": "Казань"}, {"participants": "n/a"}
    )
    after = Entry(
        "PIC-01", {"id": "PIC-01", "participants": 5.0, "city": None}, {"city": "not reported"}
    )
    changes = [importer.Change("clusters", "PIC-01", "changed", before, after)]
    english = importer.changes_frame(changes)
    assert english[["change", "column", "before", "after"]].values.tolist() == [
        ["changed", "city", "Казань", "not reported"],
        ["changed", "participants", "n/a", "5"],
    ]
    russian = importer.changes_frame(changes, "ru")
    assert russian[["change", "column", "before", "after"]].values.tolist() == [
        ["изменена", "city", "Казань", "нет данных"],
        ["изменена", "participants", "н/д", "5"],
    ]


@pytest.mark.parametrize("lang", [None, "en", "ru"])
def test_changes_become_an_arrow_table_as_a_page_shows_them(lang):
    """Numbers, words and empty cells share the before/after columns: they are text, so the
    table converts to Arrow (what ``st.dataframe`` does) without the failure Streamlit logs
    with a traceback; numbers keep their exact value."""
    import pyarrow as pa

    before = Entry("PIC-01", {"participants": 12.0, "export_bln_rub": 0.1 + 0.2, "city": None},
                   {"city": "not reported"})  # fmt: skip
    after = Entry("PIC-01", {"participants": None, "export_bln_rub": 7.25, "city": "Казань"},
                  {"participants": "n/a"})  # fmt: skip
    added = Entry("PIC-02", {"participants": 3.0, "notes": None})
    changes = [
        importer.Change("clusters", "PIC-01", "changed", before, after),
        importer.Change("clusters", "PIC-02", "added", None, added),
    ]
    frame = importer.changes_frame(changes, lang)
    table = pa.Table.from_pandas(frame)
    for column in ("before", "after"):
        assert pa.types.is_string(table.schema.field(column).type)
    cells = {(r["key"], r["column"]): (r["before"], r["after"]) for r in table.to_pylist()}
    assert cells[("PIC-01", "participants")][0] == "12"
    assert float(cells[("PIC-01", "export_bln_rub")][0]) == 0.1 + 0.2  # exact, not rounded
    assert cells[("PIC-01", "export_bln_rub")][1] == "7.25"
    assert cells[("PIC-02", "participants")] == (None, "3")


# --------------------------------------------------------------------------- member counts

COUNTED = (
    "id,name_en,region_as_published,participants,participants_basis,participants_reported,"
    "participants_listed,intl_members,intl_members_reported,source_doc,source_ref\n"
)


def test_a_row_counted_from_listed_members_stores_the_cards_reported_numbers(refs):
    """An export writes the count of a cluster's listed members as participants and the
    card's own number as participants_reported: the card's number is what is stored."""
    text = COUNTED + (
        "CL-0021,A,RU-TA,5,members listed,120,5,2,7,registry,x\n"
        "CL-0022,B,RU-TA,9,as reported,9,,1,1,registry,x\n"
        "CL-0023,C,RU-TA,4,По списку участников,,4,3,n/a,registry,x\n"  # the Russian label
    )
    parsed = parse(text, refs=refs)
    assert not parsed.issues
    status = dict(zip(parsed.columns["header"], parsed.columns["status"], strict=True))
    assert status["participants_listed"] == "computed by the app: ignored"
    assert status["participants_basis"] == "basis of the member counts: read row by row"
    assert status["participants_reported"].startswith("the card's number")
    result = plan(parsed, refs)
    assert result.ok, result.issues
    stored = {c.key: c.after for c in result.changes}
    counts = {k: (e.values["participants"], e.values["intl_members"]) for k, e in stored.items()}
    assert counts == {"CL-0021": (120.0, 7.0), "CL-0022": (9.0, 1.0), "CL-0023": (None, None)}
    # an empty or n/a reported number stays missing with its marker: never the count
    assert stored["CL-0023"].markers["intl_members"] == "n/a"
    assert "participants_basis" not in stored["CL-0021"].values


def test_a_listed_count_without_its_reported_column_keeps_the_stored_number(refs):
    text = "id,name_en,region_as_published,participants,intl_members,source_doc,source_ref\n"
    stored = plan(parse(text + "CL-0024,A,RU-TA,120,7,registry,x\n", refs=refs), refs)
    state = {"clusters": {"CL-0024": stored.changes[0].after}}
    partial = "id,participants,participants_basis,intl_members\nCL-0024,5,members listed,2\n"
    result = plan(parse(partial, refs=refs), refs, state)
    assert result.ok and result.changes == () and result.unchanged == 1


def test_a_file_without_the_basis_reads_its_counts_as_today(refs):
    """Older exports and hand-made files have no participants_basis: participants is the
    number to store, even beside a participants_reported column."""
    text = (
        "id,name_en,region_as_published,participants,participants_reported,source_doc,"
        "source_ref\nCL-0025,A,RU-TA,5,120,registry,x\n"
    )
    (change,) = plan(parse(text, refs=refs), refs).changes
    assert change.after.values["participants"] == 5.0


@pytest.mark.parametrize("basis", ["members counted", "123", "as  reported!"])
def test_an_unknown_basis_names_file_row_column_and_value(refs, basis):
    text = COUNTED + (
        "CL-0026,A,RU-TA,5,members listed,120,5,2,7,registry,x\n"
        f"CL-0027,B,RU-TA,5,{basis},120,5,2,7,registry,x\n"
    )
    parsed = parse(text.replace("participants_basis", "Participants_Basis"), refs=refs)
    assert [(i.file, i.row, i.column) for i in parsed.issues] == [
        ("f.csv", 3, "Participants_Basis")
    ]
    (issue,) = parsed.issues
    assert f"'{basis}'" in issue.message and "'members listed', 'as reported'" in issue.message
    russian = issue.localised("ru")
    assert basis in russian and "основа подсчёта участников" in russian
    assert "'по списку участников'" in russian
    assert not plan(parsed, refs).ok


# --------------------------------------------------------------------------- translated exports

EXPORTED_KINDS = ("clusters", "mne_links", "regional_indicators")


@pytest.fixture(scope="module")
def xlsx_exports(data) -> dict[str, bytes]:
    """The map's XLSX export of the published data, by the language it was made in."""
    from geo.render import views
    from geo.render.exports import formats

    return {
        lang: formats.export_view(data, views.View(lang=lang), "xlsx")[1] for lang in ("en", "ru")
    }


def _read(parsed) -> tuple[list, list]:
    """What an import takes from a parsed file: each column's reading, each row's values."""
    columns = list(zip(parsed.columns["column"].fillna(""), parsed.columns["status"], strict=True))
    return columns, [(r.row, r.cells, r.markers) for r in parsed.rows]


def _edited(workbook: bytes, sheet: str, cells: dict[str, str]) -> bytes:
    """``workbook`` with ``cells`` (A1 references) of ``sheet`` typed over, as in a spreadsheet."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    for ref, value in cells.items():
        book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", EXPORTED_KINDS)
def test_a_russian_xlsx_export_reads_as_the_english_one(xlsx_exports, refs, kind):
    """The Russian workbook's sheets and headers are translated (Кластеры, «Код»…); the
    import finds the sheet and reads every column and row as from the English one."""
    from openpyxl import load_workbook

    russian = load_workbook(io.BytesIO(xlsx_exports["ru"]), read_only=True)
    assert kind not in russian.sheetnames  # translated: the name alone would not find it
    english = parse(xlsx_exports["en"], kind, "en.xlsx", refs)
    translated = parse(xlsx_exports["ru"], kind, "ru.xlsx", refs)
    assert english.issues == () and translated.issues == ()
    assert len(english.rows) > 0 and _read(translated) == _read(english)
    headers = set(translated.columns["header"])
    assert headers.isdisjoint(english.columns["header"]), "the headers read were not Russian"


def test_every_label_of_an_export_reads_as_one_column():
    """No two columns of an exported table share a header once folded, in any language
    (else a translated export could not be read back)."""
    from geo.render.exports import tables

    for table in tables.TABLE_COLUMNS:
        seen: dict[str, str] = {}
        for column, labels in tables.header_labels(table).items():
            assert column in labels and tables.header(column, "ru") in labels
            for label in labels:
                folded = importer._fold_header(label)
                assert seen.setdefault(folded, column) == column, (table, label)


def test_a_russian_export_edited_in_russian_reads_the_russian_values(xlsx_exports, refs):
    """An analyst types a status and a basis as the Russian interface names them."""
    edited = _edited(xlsx_exports["ru"], "Кластеры", {"A2": "CL-0100", "P2": "кластер-лидер"})
    parsed = parse(edited, "clusters", "ru.xlsx", refs)
    assert parsed.issues == ()
    row = parsed.rows[0]
    assert (row.cells["id"], row.where["status"]) == ("CL-0100", "Статус")
    assert row.cells["status"] == "leading"


def test_an_unknown_header_in_a_russian_export_is_refused_by_its_name(xlsx_exports, refs):
    edited = _edited(xlsx_exports["ru"], "Кластеры", {"D1": "Городок"})
    parsed = parse(edited, "clusters", "ru.xlsx", refs)
    (issue,) = parsed.issues
    assert (issue.file, issue.row, issue.column) == ("ru.xlsx", 1, "Городок")
    assert "unexpected column" in issue.message
    assert "лишний столбец (его нет в схеме импорта" in issue.localised("ru"), issue.localised("ru")


def test_a_workbook_without_a_sheet_of_the_kind_is_refused_naming_its_sheets(xlsx_exports, refs):
    """The Russian export has no member list: its first sheet (the metadata) is not read
    as one; the message names the sheets looked for and the sheets there are."""
    parsed = parse(xlsx_exports["ru"], "memberships", "ru.xlsx", refs)
    (issue,) = parsed.issues
    assert parsed.rows == () and (issue.file, issue.row, issue.column) == ("ru.xlsx", None, None)
    assert "no sheet named 'memberships'" in issue.message
    assert "'Метаданные', 'Кластеры'" in issue.message
    assert issue.localised("ru").startswith("в книге нет листа с именем 'memberships'")


def test_a_hand_made_workbook_is_read_from_its_only_sheet(refs):
    from tests.support.hostile_corpus import xlsx_from_table

    table = [["Идентификатор", "Название", "Регион", "Источник", "Ссылка на источник"],
             ["CL-0100", "Тестовый кластер", "RU-TA", "registry", "анкета"]]  # fmt: skip
    parsed = parse(xlsx_from_table(table, sheet="Лист1"), "clusters", "my.xlsx", refs)
    assert parsed.issues == () and parsed.rows[0].cells["id"] == "CL-0100"


def test_a_label_an_export_shares_with_a_hand_made_file_reads_by_the_rest_of_the_header(refs):
    """«Кластер» is the cluster's name in a Russian MNE-link export (ignored: the id is
    beside it) and the cluster's id in a hand-made file."""
    hand_made = "link_id;ТНК;Кластер;source_doc;source_ref\nMNE-50;Siemens;PIC-01;registry;x\n"
    parsed = parse(hand_made, "mne_links", refs=refs)
    assert parsed.issues == () and parsed.rows[0].cells["cluster_id"] == "PIC-01"
    exported = (
        "Связь;ТНК;Идентификатор кластера;Кластер;source_doc;source_ref\n"
        "MNE-50;Siemens;PIC-01;Kazan cluster;registry;x\n"
    )
    parsed = parse(exported, "mne_links", refs=refs)
    assert parsed.issues == () and parsed.rows[0].cells["cluster_id"] == "PIC-01"
    status = dict(zip(parsed.columns["header"], parsed.columns["status"], strict=True))
    assert status["Кластер"] == "computed by the app: ignored"


def test_the_first_of_several_unnamed_sheets_is_read_and_said(refs):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Лист1"
    book.active.append(["Идентификатор", "Название", "Регион", "Источник", "Ссылка на источник"])
    book.active.append(["CL-0100", "Тестовый кластер", "RU-TA", "registry", "анкета"])
    book.create_sheet("Лист2")
    out = io.BytesIO()
    book.save(out)
    parsed = parse(out.getvalue(), "clusters", "my.xlsx", refs)
    assert parsed.issues == () and parsed.rows[0].cells["id"] == "CL-0100"
    (notice,) = parsed.notices
    assert "its first sheet, 'Лист1', is read" in notice
    assert "'clusters' / 'Кластеры'" in notice


def test_a_russian_sheet_saved_as_csv_reads_as_the_english_export(xlsx_exports, refs):
    """A spreadsheet in Russian saves the clusters sheet as CSV with semicolons and
    decimal commas: the Russian headers are read as the export's."""
    import csv

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_exports["ru"]), read_only=True)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in book["Кластеры"].iter_rows(values_only=True):
        writer.writerow([str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    saved = parse(out.getvalue().encode("utf-8-sig"), "clusters", "кластеры.csv", refs)
    english = parse(xlsx_exports["en"], "clusters", "en.xlsx", refs)
    assert saved.issues == () and _read(saved)[0] == _read(english)[0]

    def values(parsed) -> list[dict]:  # a CSV gives a number as text, a workbook as a number
        number = re.compile(r"-?\d+(\.\d+)?")
        return [
            {k: float(v) if isinstance(v, str) and number.fullmatch(v) else v
             for k, v in row.cells.items()}
            for row in parsed.rows
        ]  # fmt: skip

    assert values(saved) == values(english) and len(saved.rows) == 30
