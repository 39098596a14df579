"""Validation issues in English and Russian: the English sentence stays what the command
line and the English tests read; the template and values give it in the user's language."""

from __future__ import annotations

import pickle
import re

import pytest

from geo.base.errors import Message, ValidationIssue, issue_text, localised
from geo.data import records
from geo.registry import importer
from geo.registry.importer import References

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def russian(text: str) -> bool:
    """Mostly Russian: Cyrillic and none of the English template's words."""
    return bool(CYRILLIC.search(text))


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


def plan(text: str, refs: References, kind: str = "clusters", name: str = "f.csv"):
    parsed = importer.parse_bytes(name, text.encode("utf-8"), kind, refs)
    return importer.plan_import(parsed, {}, refs)


def by_column(issues, column):
    (issue,) = [i for i in issues if i.column == column]
    return issue


# --------------------------------------------------------------------------- the types


def test_a_message_is_its_english_text_and_translates():
    message = Message("'{text}' is not a number", text="abc")
    assert message == "'abc' is not a number" and isinstance(message, str)
    assert message.template == "'{text}' is not a number"
    assert message.values == (("text", "abc"),)
    assert message.localised("en") == "'abc' is not a number"
    assert message.localised("ru") == "«abc» — не число"
    assert localised(message, "ru") == "«abc» — не число"
    assert localised("plain text", "ru") == "plain text"  # no template: as it is


def test_a_message_survives_pickling_with_its_template():
    message = Message("no record {key}", key="PIC-01")
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and copy.template == message.template
    assert copy.localised("ru") == "нет записи PIC-01"


def test_values_are_inserted_as_they_are_never_reformatted():
    message = Message("'{text}' is not a number", text="{name} {0}")  # braces in a cell
    assert message == "'{name} {0}' is not a number"
    assert message.localised("ru") == "«{name} {0}» — не число"


def test_an_issue_keeps_english_and_equals_one_without_template():
    issue = ValidationIssue.of("f.csv", 3, "participants", "'{text}' is not a number", text="x")
    plain = ValidationIssue("f.csv", 3, "participants", "'x' is not a number")
    assert issue == plain and hash(issue) == hash(plain)
    assert type(issue.message) is str and issue.message == "'x' is not a number"
    assert str(issue) == "f.csv, row 3, column 'participants': 'x' is not a number"
    assert issue.template == "'{text}' is not a number" and dict(issue.values) == {"text": "x"}
    assert issue.localised("en") == issue.message
    assert issue.localised("ru") == issue_text(issue, "ru") == "«x» — не число"
    assert plain.localised("ru") == plain.message  # no template: the English sentence


def test_a_message_given_as_message_fills_the_template():
    issue = ValidationIssue("f", None, None, Message("no record {key}", key="K"))
    assert issue.template == "no record {key}" and issue.localised("ru") == "нет записи K"


def test_a_nested_message_is_translated_with_its_sentence():
    inner = Message("a value is required (got '{text}')", text="")
    outer = ValidationIssue.of(
        "f.csv",
        2,
        "id",
        "{problem}; the file has no '{column}' column, needed for a new record",
        problem=inner,
        column="id",
    )
    assert outer.message == (
        "a value is required (got ''); the file has no 'id' column, needed for a new record"
    )
    assert outer.localised("ru") == (
        "значение обязательно (получено «»); в файле нет столбца «id», он нужен для новой записи"
    )


def test_a_broken_translation_falls_back_to_english(monkeypatch):
    import geo.base.i18n

    monkeypatch.setattr(geo.base.i18n, "translator", lambda lang: lambda s: "{unknown} сломано")
    issue = ValidationIssue.of("f", None, None, "no record {key}", key="K")
    assert issue.localised("ru") == "no record K"


# --------------------------------------------------------------------------- real issues


def test_file_level_issue_in_russian(refs):
    (issue,) = plan("x", refs, name="f.pdf").issues
    assert issue.message.startswith("unknown file type; expected .csv")
    text = issue.localised("ru")
    assert russian(text) and text.startswith("неизвестный тип файла") and ".xlsx" in text


def test_header_issues_in_russian_keep_the_file_names(refs):
    issues = plan("id,colour,name_en,name\nCL-0001,red,A,B\n", refs).issues
    unexpected = by_column(issues, "colour")
    assert unexpected.message == "unexpected column (not in the clusters import schema)"
    assert unexpected.localised("ru") == "лишний столбец (его нет в схеме импорта clusters)"
    both = by_column(issues, "name")
    assert both.localised("ru") == "«name_en» и «name» оба задают «name_en»"


def test_cell_issues_from_validators_in_russian(refs):
    text = (
        "id,name_en,region_as_published,status,participants,intl_members,source_doc,source_ref\n"
        "CL-0001,A,Атлантида,famous,много,2.5,nope,x\n"
    )
    issues = plan(text, refs).issues
    number = by_column(issues, "participants")
    assert number.message == "'много' is not a number"  # English as before
    assert number.localised("ru") == "«много» — не число"
    vocabulary = by_column(issues, "status")
    assert vocabulary.message.startswith("'famous' is not in vocabulary 'status' (")
    text_ru = vocabulary.localised("ru")
    assert text_ru.startswith("«famous» нет в словаре «status» (") and "'leading'" in text_ru
    assert by_column(issues, "intl_members").localised("ru") == (
        "«2.5» — не целое число; здесь нужно количество"
    )
    region = by_column(issues, "region_as_published").localised("ru")
    assert russian(region) and "«Атлантида»" in region
    source = by_column(issues, "source_doc").localised("ru")
    assert russian(source) and "«nope»" in source and "«registry»" in source
    for issue in issues:
        assert issue.localised("en") == issue.message
        assert issue.template is not None and russian(issue.localised("ru")), issue


def test_an_unlocatable_city_in_russian(refs):
    text = (
        "id,name_en,city,region_as_published,source_doc,source_ref\n"
        "CL-0001,A,Springfield,RU-TA,registry,x\n"
    )
    issue = by_column(plan(text, refs).issues, "city")
    assert issue.message.startswith("city 'Springfield' is not in the offline gazetteer")
    assert issue.localised("ru") == (
        "города «Springfield» нет в офлайн-справочнике (GeoNames); укажите город, известный "
        "справочнику, или оставьте поле пустым, чтобы поместить кластер в его регион"
    )


def test_a_pydantic_builtin_error_in_russian(tmp_path):
    path = tmp_path / "index_weights.csv"
    path.write_text("indicator,weight,source_doc,source_ref,notes\nintl_members,,001,x,\n")
    (issue,) = records.validate_file(path)
    assert (issue.column, issue.message) == ("weight", "Input should be a valid number")
    assert issue.localised("ru") == "нужно число"


def test_pydantic_errors_keep_their_type_and_values():
    with pytest.raises(Exception) as info:
        records.ClusterRecord.model_validate(
            {"id": "PIC-01", "participants": "abc", "source_doc": "001", "source_ref": "x"}
        )
    error = next(e for e in info.value.errors() if e["loc"] == ("participants",))
    assert error["type"] == "not_a_number" and error["ctx"] == {"text": "abc"}
    assert error["msg"] == "'abc' is not a number"
    message = records.error_message(error)
    assert message == "'abc' is not a number" and message.localised("ru") == "«abc» — не число"


def test_an_unknown_pydantic_message_stays_english():
    error = {"type": "float_type", "msg": "A reworded message", "input": None}
    message = records.error_message(error)
    assert message == "A reworded message" and localised(message, "ru") == "A reworded message"


def test_records_file_problems_in_russian(tmp_path):
    path = tmp_path / "index_weights.csv"
    path.write_text("indicator,weight,source_doc,source_ref,notes,extra\n\n")
    issues = {i.column: i for i in records.validate_file(path)}
    assert issues["extra"].message == "unexpected column"
    assert issues["extra"].localised("ru") == "лишний столбец"
    empty = issues[None]
    assert (empty.row, empty.message, empty.localised("ru")) == (2, "empty row", "пустая строка")


def test_notices_translate_and_stay_english_text(refs):
    parsed = importer.parse_bytes(
        "f.csv", b"id,name_en,source_doc,source_ref\n,,,\nCL-0001,A,registry,x\n", "clusters", refs
    )
    (notice,) = parsed.notices
    assert notice == "1 empty row(s) skipped"
    assert localised(notice, "ru") == "пропущено пустых строк: 1"
