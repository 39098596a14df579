"""Russian and English (issue 9): catalogues complete, formatting, names, labels, pages."""

from __future__ import annotations

import datetime as dt
import gettext
import math
import string
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from geo.analysis import indices
from geo.analysis.dataset import index_comparison
from geo.base import i18n
from geo.data import records
from geo.registry.sources import load_dataset
from geo.render.palette import SCENARIO_COLOURS, SCENARIO_LABELS
from ui import navigation

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TIMEOUT = 60
THIN = "\u202f"


# --------------------------------------------------------------------------- catalogues


def _code_messages() -> dict[str, str]:
    """Every msgid the code marks (``_``, ``N_``, ...), extracted with Babel through
    ``locales/babel.cfg`` exactly as ``pybabel extract`` does; value: where it was found."""
    with open(ROOT / "locales" / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def _catalogue(lang: str):
    with open(i18n.catalogue_path(lang), "rb") as po:
        return read_po(po, locale=lang)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture(scope="module")
def code_messages() -> dict[str, str]:
    return _code_messages()


def test_the_code_marks_strings_for_translation(code_messages):
    # A sanity check of the extraction itself, so the tests below cannot pass vacuously.
    assert "Cluster Map of Russia: the data" in code_messages  # app_pages/data.py
    assert "Methodology" in code_messages  # ui/navigation.py (N_)
    assert "not reported" in code_messages  # geo/i18n.py (N_)


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_every_string_of_the_code_is_in_the_catalogue(code_messages, lang):
    catalogue_ids = {msgid for m in _catalogue(lang) if m.id for msgid in _ids(m)}
    missing = {m: where for m, where in code_messages.items() if m not in catalogue_ids}
    assert not missing, (
        f"{len(missing)} string(s) missing from the {lang} catalogue (run the commands in "
        f"locales/README.md): {missing}"
    )


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_the_catalogue_holds_no_string_the_code_no_longer_uses(code_messages, lang):
    stale = [m.id for m in _catalogue(lang) if m.id and not set(_ids(m)) <= set(code_messages)]
    assert not stale, f"obsolete entries in the {lang} catalogue: {stale}"


def test_every_russian_translation_is_there_and_final():
    problems = [
        m.id
        for m in _catalogue("ru")
        if m.id and (m.fuzzy or not all(s.strip() for s in _strings(m)))
    ]
    assert not problems, f"empty or fuzzy Russian translations: {problems}"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_russian_translations_keep_the_placeholders():
    for message in _catalogue("ru"):
        if message.id:
            for translated in _strings(message):
                if translated:  # an empty one is reported by the test above
                    assert _fields(translated) == _fields(_ids(message)[0]), message.id


@pytest.mark.parametrize("lang", i18n.SUPPORTED)
def test_compiled_catalogue_matches_its_source(lang):
    """A ``.po`` edited without ``pybabel compile`` would not reach the app."""
    with open(i18n.catalogue_path(lang, "mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # noqa: SLF001 (the parsed .mo)
    expected: dict = {}
    for m in _catalogue(lang):
        if not m.id or m.fuzzy:
            continue
        if m.pluralizable:
            # gettext keys each plural form by (singular msgid, form); Babel compiles an
            # empty form (English) as the msgid or msgid_plural, as gettext would fall back
            forms = [s or m.id[min(i, 1)] for i, s in enumerate(m.string)]
            expected.update({(m.id[0], i): form for i, form in enumerate(forms)})
        elif m.string:
            expected[m.id] = m.string
    actual = {k: v for k, v in compiled.items() if k}
    assert actual == expected


# --------------------------------------------------------------------------- translator


def test_translator_translates_and_english_is_the_msgid():
    assert i18n.translator("ru")("Regions") == "Регионы"
    assert i18n.translator("en")("Regions") == "Regions"
    assert i18n.translator("ru")("a string nobody marked") == "a string nobody marked"


def test_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="'de'"):
        i18n.translator("de")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("ru-RU", "ru"),
        ("ru", "ru"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("EN", "en"),
        ("de-DE", None),
        ("", None),
        (None, None),
    ],
)
def test_browser_locale_to_language(locale, lang):
    assert i18n.lang_from_locale(locale) == lang


# --------------------------------------------------------------------------- numbers and dates


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234567.891, "ru", 2, f"1{THIN}234{THIN}567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (0.5, "ru", 1, "0,5"),
        (-1234.5, "ru", 0, f"-1{THIN}234"),  # rounds half to even, as Babel does
        (-1234.5, "en", 1, "-1,234.5"),
        (999, "ru", 0, "999"),
        (1.0, "en", 3, "1.000"),
    ],
)
def test_format_number(value, lang, decimals, expected):
    assert i18n.format_number(value, lang, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, ""])
def test_missing_numbers_read_not_reported(missing):
    assert i18n.format_number(missing, "ru") == "нет данных"
    assert i18n.format_int(missing, "en") == "not reported"


def test_infinite_and_negative_decimals_are_refused():
    with pytest.raises(ValueError, match="inf"):
        i18n.format_number(math.inf, "en")
    with pytest.raises(ValueError, match="decimals"):
        i18n.format_number(1.0, "en", -1)


def test_format_int_groups_thousands():
    assert i18n.format_int(118000, "ru") == f"118{THIN}000"
    assert i18n.format_int(118000, "en") == "118,000"


def test_format_date():
    day = dt.date(2019, 6, 20)  # 003, Bremen
    assert i18n.format_date(day, "ru") == "20 июня 2019\u202fг."  # CLDR: narrow nbsp
    assert i18n.format_date(day, "en") == "20 June 2019"
    assert i18n.format_date("2019-06-20T10:00:00", "ru", "short") == "20.06.2019"
    assert i18n.format_date(None, "ru") == "нет данных"


def test_vega_locale_matches_format_number():
    assert i18n.vega_locale("ru")["number"]["decimal"] == ","
    assert i18n.vega_locale("ru")["number"]["thousands"] == THIN
    assert i18n.vega_locale("en")["number"]["thousands"] == ","


# --------------------------------------------------------------------------- names and labels


def test_localised_name_prefers_the_language_then_falls_back():
    both = {"name_en": "Kaluga pharmaceutical cluster", "name_ru": "Калужский фармкластер"}
    assert i18n.localised_name(both, "ru") == "Калужский фармкластер"
    assert i18n.localised_name(both, "en") == "Kaluga pharmaceutical cluster"
    english_only = {"name_en": "Nuclear cluster", "name_ru": float("nan")}
    assert i18n.localised_name(english_only, "ru") == "Nuclear cluster"
    assert i18n.localised_name({"name_en": None, "name_ru": None}, "ru") == "нет данных"
    assert i18n.localised_name({"name_en": " "}, "en") == "not reported"


def test_texts_spell_missing_values_in_the_language():
    values = pd.Series(["Dubna", None, float("nan"), " "])
    assert list(i18n.texts(values, "ru")) == ["Dubna", "нет данных", "нет данных", "нет данных"]
    assert list(i18n.texts(values, "en"))[1] == "not reported"
    all_missing = pd.Series([float("nan")] * 2)  # a float column: no city reported at all
    assert list(i18n.texts(all_missing, "ru")) == ["нет данных", "нет данных"]


def test_localised_names_column_wise_match_the_row_function():
    frame = pd.DataFrame(
        {
            "name_en": ["A", None, None, "D"],
            "name_ru": ["А", "Б", float("nan"), " "],
        }
    )
    for lang in i18n.SUPPORTED:
        expected = [i18n.localised_name(row, lang) for row in frame.to_dict("records")]
        assert list(i18n.localised_names(frame, lang)) == expected
    assert list(i18n.localised_names(frame, "ru")) == ["А", "Б", "нет данных", "D"]


def test_region_names_come_from_the_data():
    regions = load_dataset().regions
    names = i18n.localised_names(regions.set_index("code"), "ru")
    assert names["RU-KLU"] == regions.set_index("code").loc["RU-KLU", "name_ru"]
    assert names.str.contains("[а-яА-Я]").all()  # every region has a Russian name


@pytest.fixture(scope="module")
def vocab() -> i18n.VocabularyLabels:
    return records.vocabulary_labels()


def test_vocabulary_terms_and_labels(vocab):
    assert vocab.term("status", "leading", "ru") == "кластер-лидер"
    assert vocab.term("status", "leading", "en") == "leading"
    assert vocab.label("status", "leading", "en") == "Leading Clusters"
    assert vocab.term("org_level", None, "ru") == "нет данных"
    assert vocab.term("status", "not in the vocabulary", "ru") == "not in the vocabulary"


def test_shipped_vocabularies_have_every_russian_label(vocab):
    assert vocab.missing_russian() == []


def test_a_missing_russian_label_falls_back_to_english_and_is_listed():
    frame = pd.DataFrame(
        {
            "vocabulary": ["status", "status"],
            "value": ["leading", "industrial"],
            "label_en": ["Leading Clusters", "Industrial Clusters"],
            "label_ru": ["кластер-лидер", None],
        }
    )
    labels = i18n.VocabularyLabels.from_frame(frame)
    assert labels.term("status", "industrial", "ru") == "industrial"
    assert labels.label("status", "industrial", "ru") == "Industrial Clusters"
    assert labels.missing_russian() == [("status", "industrial")]


def test_scenario_texts_follow_the_palette_in_both_languages():
    assert {s: i18n.SCENARIO_DESCRIPTIONS[s] for s in SCENARIO_LABELS} == SCENARIO_LABELS
    assert set(i18n.SCENARIO_NAMES) == set(indices.SCENARIOS) == set(SCENARIO_COLOURS)
    for scenario in indices.SCENARIOS:
        assert i18n.scenario_name(scenario, "en") == scenario.capitalize()
        assert i18n.scenario_name(scenario, "ru") != i18n.scenario_name(scenario, "en")
        assert i18n.scenario_label(scenario, "ru") != SCENARIO_LABELS[scenario]


def test_indicator_labels(vocab):
    assert i18n.indicator_label("fdi_per_capita", "ru", vocab) == "ПИИ на душу населения"
    assert i18n.indicator_label("publications", "en", vocab, "Scopus / WoS") == "Scopus / WoS"
    assert i18n.indicator_label("unknown_column", "ru", vocab) == "unknown_column"


def test_index_texts_are_translated_and_unknown_text_is_kept():
    label = {"intl_members": "иностранные участники"}.get
    text = (
        "intl_members: no positive value in the group, component 0; missing indicator(s) count as 0"
    )
    assert i18n.index_text(text, "ru", label) == (
        "иностранные участники: в группе нет положительных значений, компонента равна 0; "
        "отсутствующие показатели считаются равными 0"
    )
    assert i18n.index_text("something new", "ru") == "something new"
    assert i18n.index_text("", "ru") == ""
    assert i18n.column_list("intl_members, publications", str.upper) == "INTL_MEMBERS, PUBLICATIONS"


@pytest.mark.parametrize("missing", ["zero", "exclude"])
@pytest.mark.parametrize("negatives", ["square", "zero"])
@pytest.mark.parametrize("group", ["industry_group", None])
def test_every_text_geo_indices_writes_has_a_translation(missing, negatives, group):
    """If ``geo.analysis.indices`` gains a note, this fails until ``INDEX_TEXT`` lists it."""
    data = load_dataset()
    cluster = indices.IndexMethod(
        indices.CLUSTER_INDICATORS, group_column=group, missing=missing, negatives=negatives
    )
    region = indices.IndexMethod(indices.REGION_INDICATORS, missing=missing, negatives=negatives)
    for table, method in (("clusters", cluster), ("regions", region)):
        comparison = index_comparison(data, table, method)
        texts = pd.concat([comparison["reason"], comparison["notes"]])
        for text in texts[texts != ""]:
            for part in text.split("; "):
                fixed = part.partition(": ")[2] if part not in i18n.INDEX_TEXT else part
                assert fixed in i18n.INDEX_TEXT, part
        if group is None:
            assert set(comparison["group"]) <= set(i18n.INDEX_TEXT) | set(
                data.clusters["industry_group"]
            )


# --------------------------------------------------------------------------- pages


def _app(page: str, lang: str | None = None, locale: str | None = None) -> AppTest:
    """The full app on ``page`` (run once first, as ``AppTest.switch_page`` requires)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if locale:
        at.context = {"locale": locale}
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _lang_param(at: AppTest) -> str | None:
    value = at.query_params.get("lang")
    return value if value is None or isinstance(value, str) else list(value)[-1]


def _texts(at: AppTest) -> str:
    parts = [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [m.value for m in at.markdown]
    return "\n".join(parts)


def test_data_page_in_russian():
    at = _app(navigation.file("data"), lang="ru")
    assert "Кластерная карта России: данные" in _texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Регионы": "85",
        "Кластеры": "30",
        "Связи с ТНК": "8",
        "Регионы с показателями": "19",
    }
    table = at.dataframe[0].value
    assert len(table) == 30
    row = table.set_index("id").loc["PIC-01"]
    assert row["industry_group"] == "ядерные технологии"
    assert row["region"] == "Московская область"
    assert "not reported" not in set(table.astype(str).to_numpy().ravel())
    assert _lang_param(at) == "ru"


def test_data_page_in_english():
    at = _app(navigation.file("data"), lang="en")
    assert "Cluster Map of Russia: the data" in _texts(at)
    labels = {m.label for m in at.metric}
    assert labels == {"Regions", "Clusters", "MNE links", "Regions with indicators"}
    table = at.dataframe[0].value
    assert {"id", "name", "region_code", "mne_count"} <= set(table.columns)
    row = table.set_index("id").loc["PIC-01"]
    assert row["industry_group"] == "Nuclear industries"
    assert row["region"] == load_dataset().regions.set_index("code").loc["RU-MOS", "name_en"]


def test_methodology_page_in_russian():
    at = _app(navigation.file("methodology"), lang="ru")
    assert "Методология: индексы интернационализации и сценарии" in _texts(at)
    counts = {m.label: m.value for m in at.metric}
    assert counts == {
        "Потенциальный": "8",
        "Одинокий": "14",
        "Поддержанный": "3",
        "Запоздалый": "0",
        "Не оценён": "0",
    }
    assert at.sidebar.header[0].value == "Параметры"
    comparison = at.dataframe[1].value
    assert "ядерные технологии" in set(comparison["group"])
    assert any("считаются равными 0" in n for n in comparison["notes"])


def test_methodology_page_in_english_and_recomputes_live():
    at = _app(navigation.file("methodology"), lang="en")
    labels = {m.label for m in at.metric}
    assert labels == {"Potential", "Lonely", "Supported", "Late", "Not assessed"}
    at.slider(key="method_region_threshold").set_value(0.9).run()
    assert {m.label: m.value for m in at.metric}["Late"] == "2"


def test_parameters_survive_a_language_change():
    at = _app(navigation.file("methodology"), lang="en")
    at.slider(key="method_region_threshold").set_value(0.9).run()
    at.query_params["lang"] = "ru"
    at.run()
    assert {m.label: m.value for m in at.metric}["Запоздалый"] == "2"


def test_without_url_or_browser_language_the_app_is_russian():
    at = _app(navigation.file("data"))
    assert at.metric[0].label == "Регионы"
    assert _lang_param(at) == "ru"


def test_the_browser_language_is_the_default():
    at = _app(navigation.file("data"), locale="en-US")
    assert at.metric[0].label == "Regions"
    assert _lang_param(at) == "en"
    assert _app(navigation.file("data"), locale="de-DE").metric[0].label == "Регионы"


def test_the_url_beats_the_browser():
    assert _app(navigation.file("data"), lang="ru", locale="en-US").metric[0].label == "Регионы"
    assert _app(navigation.file("data"), lang="en", locale="ru-RU").metric[0].label == "Regions"


# The switch as the entry point uses it, in a minimal app (the map page, the app's default,
# is slow to run).
SWITCH_APP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui import lang

lang.language_switch()
st.metric(lang.translator()("Regions"), 85)
"""


def _switch_app(query: dict[str, str] | None = None, locale: str | None = None) -> AppTest:
    at = AppTest.from_string(SWITCH_APP, default_timeout=TIMEOUT)
    if locale:
        at.context = {"locale": locale}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_switch_changes_the_language_and_the_url():
    at = _switch_app({"lang": "ru", "data": "published"})
    switch = at.sidebar.radio(key="lang_widget")
    assert switch.value == "ru" and switch.options == ["Русский", "English"]
    switch.set_value("en").run()
    assert at.metric[0].label == "Regions"
    assert _lang_param(at) == "en"
    assert at.query_params.get("data") in ("published", ["published"])  # other keys kept
    at.sidebar.radio(key="lang_widget").set_value("ru").run()
    assert at.metric[0].label == "Регионы" and _lang_param(at) == "ru"


def test_the_language_survives_a_cleared_url():
    at = _switch_app({"lang": "en"})
    for key in list(at.query_params):
        del at.query_params[key]  # what a page switch does to the URL
    at.run()
    assert at.metric[0].label == "Regions"
    assert _lang_param(at) == "en"


def test_a_bad_lang_in_the_url_is_named_and_ignored():
    at = _switch_app({"lang": "de"}, locale="en-GB")
    assert any("lang='de'" in w.value and "ru or en" in w.value for w in at.warning)
    assert at.metric[0].label == "Regions"  # the browser's language, as if no lang was given
    assert _lang_param(at) == "en"
    at.run()
    assert not at.warning  # said once


# Every page of ui.navigation.PAGES in both languages: tests/test_app.py.


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL wins
        ({"LANGUAGE": "ru:en", "LANG": "en_US.UTF-8"}, "ru"),  # LANGUAGE first
        ({"LANG": "de_DE.UTF-8"}, "en"),  # unsupported: English
        ({"CLUSTERMAP_LANG": "ru", "LANG": "en_US.UTF-8"}, "ru"),
    ],
)
def test_command_line_language_from_the_environment(environ, expected) -> None:
    assert i18n.lang_from_environment(environ) == expected


def test_command_line_language_variable_must_be_supported() -> None:
    with pytest.raises(ValueError, match="'de'"):
        i18n.lang_from_environment({"CLUSTERMAP_LANG": "de"})
