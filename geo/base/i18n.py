"""Russian and English (issue 9): message catalogues, locale formatting, names and labels.

Interface text is English in the code and marked for translation: ``_("Regions")`` where
the text is used, or ``N_("Regions")`` where it is defined ahead of use (module constants,
label dicts) and translated later with ``_(LABELS[key])``. ``pybabel extract`` finds both
(see ``locales/README.md``). The catalogues are gettext files,
``locales/<lang>/LC_MESSAGES/messages.po``, compiled to ``messages.mo`` beside them; at run
time only the standard library's :mod:`gettext` reads the ``.mo`` files (it keeps each
loaded catalogue for the life of the process, so asking for a translator is cheap).
``tests/test_i18n.py`` fails when a string of the code is missing from either catalogue,
when a Russian translation is empty, or when a ``.mo`` is older than its ``.po``.

Text from the data is never translated by the catalogue: names come from the data's own
``name_ru``/``name_en`` columns (:func:`localised_name`) and vocabulary labels from
``data/records/vocabularies.csv`` (:class:`VocabularyLabels`). A missing value reads
"not reported" in the user's language; nothing is invented.

Numbers and dates are formatted by Babel (CLDR): English ``1,234.5``; Russian ``1 234,5``
with a decimal comma and a narrow no-break space (U+202F) between thousands, the thin
space of Russian typography that never breaks a number across lines.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from babel import dates as babel_dates, numbers as babel_numbers

from geo.base.catalogue import (  # re-exported: the gettext side of the languages
    CLI_LANG_ENV as CLI_LANG_ENV,
    DEFAULT_LANG as DEFAULT_LANG,
    DOMAIN as DOMAIN,
    LOCALE_ENV as LOCALE_ENV,
    LOCALES_DIR as LOCALES_DIR,
    N_ as N_,
    SOURCE_LANG as SOURCE_LANG,
    SUPPORTED as SUPPORTED,
    Lang as Lang,
    catalogue_path as catalogue_path,
    check_lang as check_lang,
    lang_from_environment as lang_from_environment,
    lang_from_locale as lang_from_locale,
    translations as translations,
    translator as translator,
)
from geo.base.missing import is_missing, missing_mask

RUSSIAN_GROUP_SEPARATOR = "\u202f"
"""Thousands separator in Russian: narrow no-break space (CLDR gives U+00A0)."""

BABEL_LOCALES: dict[str, str] = {"ru": "ru_RU", "en": "en_GB"}
"""The Babel locale behind each language (British English: the papers' spelling)."""


NOT_REPORTED = N_("not reported")
"""What a missing value reads (the source does not report it)."""

SCENARIO_NAMES: dict[str, str] = {
    "potential": N_("Potential"),
    "lonely": N_("Lonely"),
    "supported": N_("Supported"),
    "late": N_("Late"),
    "not assessed": N_("Not assessed"),
}
"""Short scenario names (papers 001/002), for metrics, legends and quadrant labels."""

SCENARIO_DESCRIPTIONS: dict[str, str] = {
    "supported": N_("Supported: cluster and region both internationally active"),
    "lonely": N_("Lonely: active cluster, less active region"),
    "late": N_("Late: less active cluster in an active region"),
    "potential": N_("Potential: neither yet active"),
    "not assessed": N_("Not assessed: no index for the cluster or its region"),
}
"""The scenario legend; the English text equals ``geo.render.palette.SCENARIO_LABELS`` (tested)."""


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The form of the English msgid pair ``singular``/``plural`` for the count ``n``, in
    ``lang``: the catalogue's ``Plural-Forms`` rule picks it (English two forms; Russian
    three: 1, 21 регион · 2–4, 22 региона · 0, 5–20, 25 регионов). Fill in the values
    after: ``ngettext("{n} cluster", "{n} clusters", n, lang).format(n=...)``.
    ``pybabel extract`` takes the pair through its default ``ngettext`` keyword.

    >>> ngettext("{n} cluster", "{n} clusters", 2, "en")
    '{n} clusters'
    """
    return translations(lang).ngettext(singular, plural, n)


# --------------------------------------------------------------------------- formatting


def not_reported(lang: str) -> str:
    """ "not reported" in ``lang``."""
    return translator(lang)(NOT_REPORTED)


def texts(values: pd.Series, lang: str) -> pd.Series:
    """A text column for display: each value as text, a missing one "not reported" in
    ``lang`` (the data's own text is never translated)."""
    out = values.map(str, na_action="ignore").astype(object)
    out[missing_mask(values)] = not_reported(lang)
    return out


def _babel_locale(lang: str) -> str:
    return BABEL_LOCALES[check_lang(lang)]


def _localise_groups(text: str, lang: str) -> str:
    """Swap CLDR's thousands separator for the Russian thin space."""
    if lang != "ru":
        return text
    return text.replace(
        babel_numbers.get_group_symbol(_babel_locale(lang)), RUSSIAN_GROUP_SEPARATOR
    )


def format_number(value: Any, lang: str, decimals: int = 2) -> str:
    """``value`` with exactly ``decimals`` decimals and grouped thousands, for ``lang``;
    "not reported" (translated) for a missing value. Infinite values are refused."""
    if is_missing(value):
        return not_reported(lang)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot format {value!r} as a number")
    if decimals < 0:
        raise ValueError(f"decimals must be ≥ 0, not {decimals}")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = babel_numbers.format_decimal(number, format=pattern, locale=_babel_locale(lang))
    return _localise_groups(text, lang)


def format_int(value: Any, lang: str) -> str:
    """A whole number with grouped thousands for ``lang`` (``1 234`` in Russian);
    "not reported" (translated) for a missing value."""
    return format_number(value, lang, decimals=0)


def format_date(value: dt.date | dt.datetime | str | None, lang: str, style: str = "long") -> str:
    """A date for ``lang`` in a CLDR style (``"short"``, ``"medium"``, ``"long"``,
    ``"full"``): ``20 June 2019`` / ``20 июня 2019 г.``; ISO text is accepted;
    "not reported" (translated) for a missing value."""
    if is_missing(value):
        return not_reported(lang)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value.strip()[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return babel_dates.format_date(value, format=style, locale=_babel_locale(lang))


def vega_locale(lang: str) -> dict[str, Any]:
    """The number locale of ``lang`` for Vega-Lite charts (``chart.configure(locale=...)``),
    so axis ticks follow the same separators as :func:`format_number`."""
    locale = _babel_locale(lang)
    group = RUSSIAN_GROUP_SEPARATOR if lang == "ru" else babel_numbers.get_group_symbol(locale)
    return {
        "number": {
            "decimal": babel_numbers.get_decimal_symbol(locale),
            "thousands": group,
            "grouping": [3],
            "currency": ["", ""],
            "minus": babel_numbers.get_minus_sign_symbol(locale),
        }
    }


# --------------------------------------------------------------------------- names from the data


def localised_name(row: Mapping[str, Any], lang: str, field: str = "name") -> str:
    """The name of a record in ``lang`` from its ``<field>_ru``/``<field>_en`` columns,
    falling back to the other language, then to "not reported" (translated).

    The fallback is the other language's name as published, never a translation made up
    here: most pilot clusters have no published Russian name.
    """
    other = "en" if check_lang(lang) == "ru" else "ru"
    for candidate in (f"{field}_{lang}", f"{field}_{other}"):
        value = row.get(candidate)
        if not is_missing(value):
            return str(value)
    return not_reported(lang)


def localised_names(frame: pd.DataFrame, lang: str, field: str = "name") -> pd.Series:
    """:func:`localised_name` for every row of ``frame`` (same index), column-wise so a
    synthetic registry of thousands of rows costs no per-row Python."""
    other = "en" if check_lang(lang) == "ru" else "ru"
    names = pd.Series(not_reported(lang), index=frame.index, dtype=object)
    for candidate in (f"{field}_{other}", f"{field}_{lang}"):  # the preferred one last wins
        if candidate in frame.columns:
            values = frame[candidate]
            present = ~missing_mask(values)
            names[present] = values[present].astype(str)
    return names


# --------------------------------------------------------------------------- vocabularies


@dataclass(frozen=True)
class VocabularyLabels:
    """English and Russian labels of the categorical values (``vocabularies.csv``).

    ``label`` gives the label as the file prints it (``label_en``/``label_ru``: headings,
    legends); ``term`` gives the word for a table cell: the value itself in English (the
    term the papers and the app use) and ``label_ru`` in Russian. A value without a Russian
    label falls back to English (listed by :meth:`missing_russian`), never to an invented
    name.
    """

    english: Mapping[tuple[str, str], str] = field(default_factory=dict)
    russian: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> VocabularyLabels:
        """From a table with columns vocabulary, value, label_en, label_ru."""
        english: dict[tuple[str, str], str] = {}
        russian: dict[tuple[str, str], str] = {}
        for row in frame.to_dict("records"):
            key = (str(row["vocabulary"]), str(row["value"]))
            english[key] = str(row["label_en"])
            if not is_missing(row.get("label_ru")):
                russian[key] = str(row["label_ru"])
        return cls(english, russian)

    def label(self, vocabulary: str, value: Any, lang: str) -> str:
        """The label of ``value`` in ``lang``; a value outside the vocabulary reads as
        itself, a missing one "not reported"."""
        if is_missing(value):
            return not_reported(lang)
        key = (vocabulary, str(value))
        if check_lang(lang) == "ru" and key in self.russian:
            return self.russian[key]
        return self.english.get(key, str(value))

    def term(self, vocabulary: str, value: Any, lang: str) -> str:
        """The word for ``value`` in a table cell: itself in English, its Russian label in
        Russian (English when the data has none); "not reported" when missing."""
        if is_missing(value):
            return not_reported(lang)
        if check_lang(lang) == "ru":
            return self.russian.get((vocabulary, str(value)), str(value))
        return str(value)

    def terms(self, vocabulary: str, values: pd.Series, lang: str) -> pd.Series:
        """:meth:`term` for a column."""
        return values.map(lambda v: self.term(vocabulary, v, lang)).astype(object)

    def missing_russian(self) -> list[tuple[str, str]]:
        """(vocabulary, value) pairs the data gives no Russian label for."""
        return sorted(set(self.english) - set(self.russian))


# --------------------------------------------------------------------------- scenarios


def scenario_name(scenario: str, lang: str) -> str:
    """The short name of a scenario in ``lang`` ("Potential" / its Russian)."""
    return translator(lang)(SCENARIO_NAMES[scenario])


def scenario_label(scenario: str, lang: str) -> str:
    """The legend text of a scenario in ``lang`` (``geo.render.palette.SCENARIO_LABELS``)."""
    return translator(lang)(SCENARIO_DESCRIPTIONS[scenario])


# --------------------------------------------------------------------------- indices

INDICATOR_VOCABULARIES: tuple[str, ...] = ("cluster_indicator", "regional_indicator")

INDEX_TEXT: dict[str, str] = {
    # geo.analysis.indices.compare_with_published: reasons
    "no published value": N_("no published value"),
    "not computed": N_("not computed"),
    "differs beyond the published rounding": N_("differs beyond the published rounding"),
    # geo.analysis.indices.compute_index: group of the regional index, notes
    "all units": N_("all units"),
    "no positive value in the group, component 0": N_(
        "no positive value in the group, component 0"
    ),
    "negative value, its square adds to the index": N_(
        "negative value, its square adds to the index"
    ),
    "negative value counted as 0": N_("negative value counted as 0"),
    "single-member comparison group: every non-zero indicator is at 1": N_(
        "single-member comparison group: every non-zero indicator is at 1"
    ),
    "missing indicator(s) count as 0": N_("missing indicator(s) count as 0"),
    "not assessed: missing indicator(s)": N_("not assessed: missing indicator(s)"),
}
"""The fixed texts ``geo.analysis.indices`` writes into its result tables (reasons, notes, the
regional group), marked here so they reach the catalogues; :func:`index_text` translates
them and leaves any other text as it is."""


def indicator_label(
    column: str, lang: str, labels: VocabularyLabels, english: str | None = None
) -> str:
    """The label of an index indicator: ``english`` (e.g. ``Indicator.label``) or the
    vocabulary's English label in English, the vocabulary's Russian label in Russian;
    the column name if the vocabularies do not list it."""
    for vocabulary in INDICATOR_VOCABULARIES:
        key = (vocabulary, column)
        if key in labels.english:
            if check_lang(lang) == "ru" and key in labels.russian:
                return labels.russian[key]
            return english or labels.english[key]
    return english or column


def index_text(text: Any, lang: str, column_label: Callable[[str], str] = str) -> str:
    """Translate a text of ``geo.analysis.indices``' tables (``reason``, ``notes``, ``group``): a
    ``"; "``-separated list whose parts are fixed texts or ``"<column>: <fixed text>"``,
    the column named by ``column_label``. Unknown parts stay as they are (English), so
    nothing is lost; a missing text reads empty."""
    if is_missing(text):
        return ""
    _ = translator(lang)
    parts: list[str] = []
    for part in str(text).split("; "):
        if part in INDEX_TEXT:
            parts.append(_(INDEX_TEXT[part]))
            continue
        column, sep, rest = part.partition(": ")
        if sep and rest in INDEX_TEXT:
            parts.append(f"{column_label(column)}: {_(INDEX_TEXT[rest])}")
        else:
            parts.append(part)
    return "; ".join(parts)


def column_list(text: Any, column_label: Callable[[str], str]) -> str:
    """A comma-separated list of columns (``geo.analysis.indices``' ``missing``), each labelled."""
    if is_missing(text):
        return ""
    return ", ".join(column_label(c.strip()) for c in str(text).split(",") if c.strip())
