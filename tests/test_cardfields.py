"""The values of the full cluster card (geo/data/cardfields.py) and their rules on
:class:`geo.registry.importer.RegistryCluster`: INN check digits, web addresses, e-mail,
phone, founding year, dates, several specialisations, per-field sources (Hypothesis where
a rule has a space of values), each refusal naming its column in English and Russian;
and the card's round trip through the registry's CSV and through XLSX."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings, strategies as st
from pydantic_core import PydanticCustomError

from geo.data import cardfields
from geo.registry import importer, store
from geo.registry.importer import References

YEAR = datetime.now(UTC).year
PROPERTY = settings(deadline=None, derandomize=True, database=None)  # no timing, reproducible


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


# --------------------------------------------------------------------------- INN


def reference_check_digit(digits: str, weights: list[int]) -> str:
    """The Federal Tax Service's control sum, written out independently of the code."""
    total = 0
    for digit, weight in zip(digits, weights, strict=False):
        total += int(digit) * weight
    return str(total % 11 % 10)


def make_inn(body: str) -> str:
    """A valid INN from its first 9 (organisation) or 10 (individual) digits."""
    if len(body) == 9:
        return body + reference_check_digit(body, [2, 4, 10, 3, 5, 9, 4, 6, 8])
    first = body + reference_check_digit(body, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return first + reference_check_digit(first, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


@pytest.mark.parametrize("inn", ["7707083893", "7736050003", "500100732259", "0274062111"])
def test_real_inns_are_valid(inn):
    """Sberbank, Gazprom, the usual example of an individual's INN, and a Bashkortostan
    organisation (a leading zero)."""
    assert cardfields.inn_valid(inn) and cardfields.check_inn(inn) == inn


@PROPERTY
@given(
    st.text("0123456789", min_size=9, max_size=9) | st.text("0123456789", min_size=10, max_size=10)
)
def test_an_inn_with_its_check_digits_is_valid_and_any_other_last_digit_is_not(body):
    inn = make_inn(body)
    assert cardfields.inn_valid(inn)
    for wrong in "0123456789":
        if wrong != inn[-1]:
            assert not cardfields.inn_valid(inn[:-1] + wrong)


@PROPERTY
@given(
    st.text(min_size=0, max_size=14).filter(lambda t: not t.isdecimal() or len(t) not in (10, 12))
)
def test_anything_but_10_or_12_digits_is_not_an_inn(text):
    assert not cardfields.inn_valid(text)
    with pytest.raises(PydanticCustomError):
        cardfields.check_inn(text)


def test_an_inn_read_from_a_spreadsheet_number_is_its_digits():
    assert cardfields.check_inn("7707083893.0") == "7707083893"


# --------------------------------------------------------------------------- web, e-mail, phone


@pytest.mark.parametrize(
    "url",
    ["https://example.ru", "http://cluster.example.org/about?x=1#top", "https://кластер.рф/",
     "https://a-b.example.com:8443/path"],
)  # fmt: skip
def test_http_addresses_with_a_host_are_accepted(url):
    assert cardfields.check_url(url) == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://example.ru",
     "example.ru", "https://", "https://localhost", "https://user:pw@example.ru",
     "https://exa mple.ru", "https://example.ru:0", "https://example.ru:99999", "//example.ru",
     "https://.ru", "http://" + "a" * 2000 + ".ru"],
)  # fmt: skip
def test_other_addresses_are_refused(url):
    with pytest.raises(PydanticCustomError) as caught:
        cardfields.check_url(url)
    assert caught.value.type == "url"


@pytest.mark.parametrize(
    "email", ["a@example.ru", "first.last+tag@sub.example.org", "x@кластер.рф"]
)
def test_email_addresses(email):
    assert cardfields.check_email(email) == email


@pytest.mark.parametrize(
    "email",
    ["a", "a@b", "@example.ru", "a@@example.ru", "a b@example.ru", "a.@example.ru",
     "a@example.ru<script>", "a@example", "x" * 250 + "@example.ru"],
)  # fmt: skip
def test_malformed_email_addresses_are_refused(email):
    with pytest.raises(PydanticCustomError):
        cardfields.check_email(email)


@pytest.mark.parametrize(
    "phone", ["+7 (495) 123-45-67", "8 800 555-35-35", "+44 20 7946 0958", "4951234567"]
)
def test_phone_numbers(phone):
    assert cardfields.check_phone(phone) == phone


@pytest.mark.parametrize("phone", ["12-34", "+7 495 CALL-NOW", "1" * 16, "++7 495 1234567", "+"])
def test_malformed_phone_numbers_are_refused(phone):
    with pytest.raises(PydanticCustomError):
        cardfields.check_phone(phone)


# --------------------------------------------------------------------------- years and dates


@PROPERTY
@given(st.integers(min_value=-10_000, max_value=10_000))
def test_a_founding_year_is_between_1900_and_this_year(year):
    if cardfields.FOUNDED_MIN <= year <= YEAR:
        assert cardfields.check_founded(float(year)) == year
    else:
        with pytest.raises(PydanticCustomError):
            cardfields.check_founded(float(year))


def test_a_founding_year_is_whole():
    with pytest.raises(PydanticCustomError):
        cardfields.check_founded(2015.5)


@PROPERTY
@given(st.dates(min_value=datetime(1900, 1, 1).date(), max_value=datetime(2200, 1, 1).date()))
def test_dates_are_iso_and_not_in_the_future(day):
    text = day.isoformat()
    if day <= datetime.now(UTC).date():
        assert cardfields.check_date(text) == text
        assert cardfields.check_date(text[:7]) == text[:7]
        assert cardfields.check_date(text + " 00:00:00") == text  # a spreadsheet's date cell
    elif day.year > YEAR:
        with pytest.raises(PydanticCustomError):
            cardfields.check_date(text)


@pytest.mark.parametrize(
    "text", ["2024-02-30", "2024-13-01", "01.05.2024", "2024/05/01", "24", "1899"]
)
def test_malformed_dates_are_refused(text):
    with pytest.raises(PydanticCustomError):
        cardfields.check_date(text)


# --------------------------------------------------------------------------- lists and sources


@pytest.mark.parametrize(
    ("value", "ok"),
    [("Pharmaceutics", True), ("Automotive components; Downstream chemical products", True),
     ("a;;b", False), ("a; ", False), ("Pharma; pharma", False)],
)  # fmt: skip
def test_several_specialisations(value, ok):
    if ok:
        assert cardfields.check_specialisations(value) == value
    else:
        with pytest.raises(PydanticCustomError):
            cardfields.check_specialisations(value)


SOURCE_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="|"),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() == t and t)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(importer.SOURCED_FIELDS),
            SOURCE_TEXT,
            st.dates(datetime(1900, 1, 1).date(), datetime(2025, 12, 31).date()).map(
                lambda d: d.isoformat()
            ),
        ),
        max_size=6,
        unique_by=lambda note: note[0],
    )
)
def test_field_sources_parse_and_format_round_trip(notes):
    text = cardfields.format_sources(cardfields.SourceNote(n) for n in notes)
    parsed = cardfields.parse_sources(text, importer.SOURCED_FIELDS)
    assert [tuple(n) for n in parsed] == [tuple(n) for n in notes]
    assert cardfields.read_sources(text) == {f: (s, d) for f, s, d in notes}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("website | site", "source_line"), ("website |  | 2024", "source_line"),
     ("website | site | tomorrow", "source_line"), ("nonsense | site | 2024", "source_field"),
     ("website | a | 2024\nwebsite | b | 2024", "source_twice"), ("id | a | 2024", "source_field")],
)  # fmt: skip
def test_malformed_field_sources_are_refused_with_the_line(text, kind):
    with pytest.raises(PydanticCustomError) as caught:
        cardfields.parse_sources(text, importer.SOURCED_FIELDS)
    assert caught.value.type == kind


# --------------------------------------------------------------------------- on the model

CARD = {
    "founded_year": "2012",
    "website": "https://cluster.example.ru",
    "description_ru": "Кластер\nна двух строках",
    "description_en": "A cluster",
    "employees": "12 500",
    "revenue_bln_rub": "45,5",
    "manager_name": "АНО «Центр кластерного развития»",
    "manager_inn": "0274062111",
    "manager_website": "http://center.example.ru",
    "contact_person": "Иван Иванов",
    "contact_email": "ivan@example.ru",
    "contact_phone": "+7 (843) 000-00-00",
    "org_level": "medium",
    "org_level_assessed_by": "moderator",
    "org_level_assessed_at": "2025-11",
    "org_level_basis": "Cluster Map of Russia criteria, 2025 visit",
    "status_document": "Order of the Ministry of Economic Development No. 1",
    "specialisation": "Pharmaceutics; Medical devices",
    "field_sources": "founded_year | Register of industrial clusters | 2024-05-01\n"
    "website | site of the cluster | 2025",
}
BASE = {
    "id": "CL-0001",
    "name_en": "Card cluster",
    "city": "Kazan",
    "region_as_published": "RU-TA",
    "source_doc": "registry",
    "source_ref": "test",
}


def planned(refs, values, state=None):
    parsed = importer.form_file("clusters", values, refs)
    return importer.plan_import(parsed, state or {"clusters": {}}, refs)


def test_a_full_card_is_accepted_and_stored_normalised(refs):
    result = planned(refs, {**BASE, **CARD})
    assert result.ok, result.report()
    values = result.changes[0].after.values
    assert values["founded_year"] == 2012.0 and values["employees"] == 12500.0
    assert values["revenue_bln_rub"] == 45.5 and values["manager_inn"] == "0274062111"
    assert values["description_ru"] == "Кластер\nна двух строках"


BAD = {
    "founded_year": ("1812", "founding year"),
    "website": ("javascript:alert(1)", "web address"),
    "manager_website": ("www.example.ru", "web address"),
    "manager_inn": ("7707083894", "check digit"),
    "contact_email": ("ivan(at)example.ru", "e-mail"),
    "contact_phone": ("call me", "phone"),
    "employees": ("-3", "negative"),
    "revenue_bln_rub": ("-1.5", "negative"),
    "org_level_assessed_at": ("2999-01-01", "not a date"),
    "org_level": ("excellent", "vocabulary"),
    "specialisation": ("a;;b", "specialisations"),
    "field_sources": ("website: site, 2024", "field | source | date"),
    "description_en": ("x" * 5001, "too long"),
    "status_document": ("bad\u202ename", "U+202E"),
}


@pytest.mark.parametrize("column", BAD)
def test_each_bad_card_value_is_refused_naming_its_column_in_both_languages(refs, column):
    value, reason = BAD[column]
    result = planned(refs, {**BASE, **CARD, column: value})
    assert not result.ok and not result.changes
    (issue,) = result.issues
    assert issue.column == column and reason in issue.message, issue.message
    assert issue.localised("ru") != issue.message  # translated


def test_an_assessment_without_a_level_is_refused(refs):
    result = planned(refs, {**BASE, "org_level_assessed_by": "me", "org_level_basis": "why"})
    (issue,) = result.issues
    assert "org_level_assessed_by, org_level_basis" in issue.message
    assert "org_level" in issue.message


def test_records_stored_before_the_card_existed_are_unchanged_by_the_same_data(refs):
    """A store written before the card columns existed holds records without them: the
    same data imported again is no change (a missing column equals "not reported")."""
    added = planned(refs, BASE).changes[0].after
    old = importer.Entry(
        added.key, {k: v for k, v in added.values.items() if k in BASE or k == "notes"}, {}
    )
    text = "id,name_en,city,region_as_published,source_doc,source_ref\n" + ",".join(BASE.values())
    parsed = importer.parse_bytes("f.csv", text.encode(), "clusters", refs)
    result = importer.plan_import(parsed, {"clusters": {added.key: old}}, refs)
    assert result.ok and result.changes == () and result.unchanged == 1


# --------------------------------------------------------------------------- round trips


def test_the_card_round_trips_through_the_registry_csv(refs):
    """The registry's CSV (private columns left out) imports back unchanged, and the
    public card fields survive it exactly (line breaks, the INN's leading zero, sources)."""
    entry = planned(refs, {**BASE, **CARD}).changes[0].after
    text = store.records_csv("clusters", [entry])
    assert "ivan@example.ru" not in text and "0274062111" in text
    parsed = importer.parse_bytes("c.csv", text.encode(), "clusters", refs)
    result = importer.plan_import(parsed, {"clusters": {entry.key: entry}}, refs)
    assert result.ok and result.changes == (), result.report()
    fresh = importer.plan_import(parsed, {"clusters": {}}, refs).changes[0].after
    public = {k: v for k, v in entry.values.items() if not k.startswith("contact_")}
    assert {k: v for k, v in fresh.values.items() if not k.startswith("contact_")} == public


def test_the_card_imports_from_xlsx_with_russian_headers(refs):
    from openpyxl import Workbook

    headers = {
        **{c: c for c in BASE},
        "founded_year": "Год создания",
        "manager_inn": "ИНН",
        "website": "Сайт",
        "contact_email": "Электронная почта",
        "field_sources": "Источники полей",
        "org_level": "уровень организационного развития",
        "org_level_assessed_by": "кто оценил уровень",
        "org_level_assessed_at": "дата оценки уровня",
    }
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers.values()))
    row = [BASE.get(c) or CARD.get(c) for c in headers]
    row[list(headers).index("founded_year")] = 2012  # a number cell
    row[list(headers).index("org_level_assessed_at")] = datetime(2025, 11, 3)  # a date cell
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = importer.parse_bytes("card.xlsx", buffer.getvalue(), "clusters", refs)
    assert not parsed.issues, parsed.issues
    result = importer.plan_import(parsed, {"clusters": {}}, refs)
    assert result.ok, result.report()
    values = result.changes[0].after.values
    assert values["founded_year"] == 2012.0 and values["manager_inn"] == "0274062111"
    assert values["org_level_assessed_at"] == "2025-11-03"
    assert values["field_sources"] == CARD["field_sources"]
