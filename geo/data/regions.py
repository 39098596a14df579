"""Russia's regions: loading the shipped geometry, and validating region attributes.

The geometry is built by ``data/regions/build_regions.py`` from Natural Earth 1:10m
admin-1 (see ``data/regions/README.md``). Both the build and the tests validate with the
functions of this module, so a defect the build would reject is also what the tests check.

Validation is against ISO 3166-2 as shipped by ``pycountry``; every check is an exact
comparison after a documented, deterministic normalisation (``name_tokens``), never a
fuzzy similarity:

* ``code`` must be an ISO 3166-2 code of a Russian federal subject (or one of the two
  units ISO lists under Ukraine that the source lists under Russia, ``DISPUTED_CODES``),
  and unique;
* ``gn_name`` (the source's romanised name, when present) must have the same normalised
  tokens as the ISO name;
* ``name_ru`` transliterated to Latin (``transliterate_ru``, BGN/PCGN) must have the same
  normalised tokens as the ISO name;
* ``name_en`` must be unique, carry the type word of ``type`` (``english_name_stem``)
  and have a stem that agrees with the ISO name (``english_stem_matches``);
* ``type`` must be the type ISO gives the code (``iso_region_type``).

Longitudes: Chukotka crosses the 180th meridian. The shipped geometry adds 360 to every
negative longitude (``shift_longitudes``), so Russia lies in about [19, 191) and Chukotka
is one contiguous shape; apply ``to_russia_longitudes`` to points (e.g. cluster
locations) before joining them to the polygons.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import shapely
from shapely.geometry.base import BaseGeometry

from geo.base.errors import ValidationIssue
from geo.base.paths import regions_dir
from geo.data.region_attributes import (
    REGION_COLUMNS,
    RESOLUTIONS,
    Resolution,
    region_file,
    tidy_region_table,
)

# --------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------

REGION_TYPES: tuple[str, ...] = (
    "republic",
    "oblast",
    "krai",
    "autonomous okrug",
    "autonomous oblast",
    "federal city",
)
"""Allowed values of ``type``."""

FEDERAL_DISTRICTS: tuple[str, ...] = (
    "Central",
    "Northwestern",
    "Southern",
    "North Caucasian",
    "Volga",
    "Urals",
    "Siberian",
    "Far Eastern",
)
"""Allowed values of ``federal_district`` (Presidential Decree No. 849 of 13 May 2000,
as amended)."""

FEDERAL_DISTRICT_NAMES_RU: dict[str, str] = {
    "Central": "Центральный федеральный округ",
    "Northwestern": "Северо-Западный федеральный округ",
    "Southern": "Южный федеральный округ",
    "North Caucasian": "Северо-Кавказский федеральный округ",
    "Volga": "Приволжский федеральный округ",
    "Urals": "Уральский федеральный округ",
    "Siberian": "Сибирский федеральный округ",
    "Far Eastern": "Дальневосточный федеральный округ",
}
"""Official Russian names of the federal districts (Presidential Decree No. 849 of
13 May 2000, as amended), for titles in Russian."""

DISPUTED_CODES: tuple[str, ...] = ("UA-40", "UA-43")
"""Sevastopol and Crimea: listed under Russia by the source, under Ukraine by ISO 3166-2.
They keep their ISO codes and are flagged ``disputed``."""


ISO_TYPE_TO_REGION_TYPE: dict[str, str] = {
    "Republic": "republic",
    "Administrative region": "oblast",
    "Administrative territory": "krai",
    "Autonomous district": "autonomous okrug",
    "Autonomous region": "autonomous oblast",
    "Autonomous city": "federal city",
    # Only UA-40 (Sevastopol, a city with special status in ISO's Ukrainian list); its
    # Russian administrative type is a federal city.
    "City": "federal city",
}
"""pycountry's subdivision types (authoritative) mapped to ``REGION_TYPES``."""

# --------------------------------------------------------------------------------------
# Longitudes (the 180th meridian)
# --------------------------------------------------------------------------------------

_Lon = TypeVar("_Lon", float, np.ndarray, pd.Series)


def to_russia_longitudes(lon: _Lon) -> _Lon:
    """Longitudes in the shipped geometry's convention: negative values get +360.

    Works on a number, a numpy array or a pandas Series. Apply it to points before a
    spatial join with the region polygons (Chukotka's eastern part has longitudes
    in (180, 191)).

    >>> to_russia_longitudes(-170.0)
    190.0
    >>> to_russia_longitudes(37.6)
    37.6
    """
    if isinstance(lon, pd.Series):
        return lon.where(lon >= 0, lon + 360.0)
    if isinstance(lon, np.ndarray):
        return np.where(lon < 0, lon + 360.0, lon)
    value = float(lon)
    return value + 360.0 if value < 0 else value


def shift_longitudes(geom: BaseGeometry) -> BaseGeometry:
    """``geom`` with every negative longitude shifted by +360 (see ``to_russia_longitudes``).

    Only the coordinates move; a shape split at the 180th meridian stays split into
    parts that now touch (the build unions them).
    """

    def _shift(coords: np.ndarray) -> np.ndarray:
        out = coords.copy()
        negative = out[:, 0] < 0
        out[negative, 0] += 360.0
        return out

    return shapely.transform(geom, _shift)


# --------------------------------------------------------------------------------------
# Transliteration and name normalisation
# --------------------------------------------------------------------------------------

_BGN_PCGN: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",  # "ye" initially and after a vowel, й, ъ or ь (see transliterate_ru)
    "ё": "ë",  # "yë" in the same positions
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": '"',
    "ы": "y",
    "ь": "'",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
"""BGN/PCGN (1947) romanisation of Russian, the system ISO 3166-2:RU names use."""

_IOTATING = set("аеёиоуыэюяйъь")


def transliterate_ru(text: str) -> str:
    """Romanise Russian text with BGN/PCGN; non-Cyrillic characters pass through.

    Stress marks are dropped first. "е"/"ё" become "ye"/"yë" at the start of a word and
    after a vowel, "й", "ъ" or "ь".

    >>> transliterate_ru("Еврейская автономная область")
    "Yevreyskaya avtonomnaya oblast'"
    >>> transliterate_ru("Карачаево-Черкесская Республика")
    'Karachayevo-Cherkesskaya Respublika'
    """
    # Drop stress marks (combining acute/grave) but keep the breve of й and diaeresis of ё.
    text = unicodedata.normalize("NFD", text).replace("\u0301", "").replace("\u0300", "")
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    previous = ""
    for ch in text:
        lower = ch.lower()
        latin = _BGN_PCGN.get(lower)
        if latin is None:
            out.append(ch)
        else:
            if lower in "её" and (not previous.isalpha() or previous.lower() in _IOTATING):
                latin = "y" + latin
            if ch != lower:
                latin = latin[:1].upper() + latin[1:]
            out.append(latin)
        previous = ch
    return "".join(out)


_DUAL_NAME_DASH = re.compile(r"\s+[\u2010-\u2015\u2212-]\s+")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_QUOTES = re.compile(r"[\"'`´\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u02b9\u02bc\u00ab\u00bb]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold_token(token: str) -> str:
    token = token.replace("kh", "h").replace("y", "i").replace("j", "i")
    token = re.sub(r"([aeiou])ia$", r"\1a", token)
    return re.sub(r"(.)\1+", r"\1", token)


def name_tokens(text: str) -> tuple[str, ...]:
    """Normalise a romanised name to its ordered tokens (the validation normaliser).

    Steps, in order (all deterministic):

    1. strip diacritics (ë → e) and lowercase;
    2. drop parenthesised parts: "Sakha (Yakutiya)" → "Sakha";
    3. keep only what precedes a spaced dash, which introduces a second official name:
       "Khanty-Mansiyskiy avtonomnyy okrug — Yugra" → "Khanty-Mansiyskiy avtonomnyy okrug";
    4. delete apostrophes, primes and quotes: "Tul'skaya" → "Tulskaya";
    5. split on everything else that is not a letter or digit (hyphens, commas, spaces);
    6. fold transliteration variants in each token: kh → h ("Sakha"/"Saha"), y → i and
       j → i, a glide between a vowel and a word-final "a" is dropped ("-aya"/"-a",
       "Adygeya"/"Adygea", "Avtonomnaya"/"Avtonomna"), and doubled letters are collapsed
       ("Khakassia"/"Khakasiya", "-skiy"/"-ski").

    >>> name_tokens("Adygeya, Respublika")
    ('adigea', 'respublika')
    >>> name_tokens("Tul'skaya oblast'")
    ('tulska', 'oblast')
    """
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(ch)
    ).lower()
    text = _PARENTHESISED.sub(" ", text)
    text = _DUAL_NAME_DASH.split(text, maxsplit=1)[0]
    text = _QUOTES.sub("", text)
    return tuple(_fold_token(t) for t in _NON_ALNUM.split(text) if t)


def name_key(text: str) -> frozenset[str]:
    """The token set compared for romanised and transliterated names (``name_tokens``)."""
    return frozenset(name_tokens(text))


GENERIC_TOKENS: frozenset[str] = frozenset(
    name_tokens("respublika oblast' kray avtonomnyy avtonomnaya avtonomna okrug")
)
"""Type words of ISO names, removed to get an ISO stem."""

EXONYMS: dict[str, tuple[str, ...]] = {
    "Moscow": ("Moskva", "Moskovskaya"),
    "Saint Petersburg": ("Sankt-Peterburg",),
    "Oryol": ("Orlovskaya",),
    "Nizhny Novgorod": ("Nizhegorodskaya",),
    "Kaluga": ("Kaluzhskaya",),
    "Yaroslavl": ("Yaroslavskaya",),
    "Vologda": ("Vologodskaya",),
    "Karachay-Cherkess": ("Karachayevo-Cherkesskaya",),
    "North Ossetia-Alania": ("Severnaya Osetiya",),
    "Tuva": ("Tyva",),
    "Jewish": ("Yevreyskaya",),
    "Crimea": ("Krym",),
}
"""English stems that the prefix rule of ``english_stem_matches`` cannot relate to the ISO
name: exonyms (Moscow, Tuva, Jewish, Crimea ...) and irregular adjectives (Kaluga →
Kaluzhskaya, Yaroslavl → Yaroslavskaya, Vologda → Vologodskaya ...)."""

_EXONYM_KEYS: dict[tuple[str, ...], frozenset[tuple[str, ...]]] = {
    name_tokens(k): frozenset(name_tokens(v) for v in vs) for k, vs in EXONYMS.items()
}

_ADJECTIVE_SUFFIXES: tuple[str, ...] = ("ska", "ski", "enska", "enski")
"""Normalised Russian adjective endings (-skaya, -skiy, -enskaya, -enskiy)."""

FEDERAL_CITY_NAMES: tuple[str, ...] = ("Moscow", "Saint Petersburg", "Sevastopol")

_ENGLISH_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "oblast": (re.compile(r"^(?P<stem>.+) Oblast$"),),
    "krai": (re.compile(r"^(?P<stem>.+) Krai$"),),
    "republic": (
        re.compile(r"^Republic of (?P<stem>.+)$"),
        re.compile(r"^(?P<stem>.+) Republic$"),
        # UA-43's name in the source (ISO type "Republic").
        re.compile(r"^Autonomous Republic of (?P<stem>.+)$"),
    ),
    "autonomous okrug": (re.compile(r"^(?P<stem>.+) Autonomous Okrug$"),),
    "autonomous oblast": (re.compile(r"^(?P<stem>.+) Autonomous Oblast$"),),
    "federal city": tuple(re.compile(rf"^(?P<stem>{re.escape(n)})$") for n in FEDERAL_CITY_NAMES),
}


def english_name_stem(name_en: str, region_type: str) -> str | None:
    """The stem of an English name when it has the form of ``region_type``, else None.

    An oblast is "X Oblast", a krai "X Krai", a republic "Republic of X" or "X Republic",
    an autonomous okrug "X Autonomous Okrug", an autonomous oblast "X Autonomous Oblast",
    a federal city one of "Moscow", "Saint Petersburg", "Sevastopol".

    >>> english_name_stem("Amur Oblast", "oblast")
    'Amur'
    >>> english_name_stem("Amur", "oblast") is None
    True
    """
    for pattern in _ENGLISH_PATTERNS.get(region_type, ()):
        match = pattern.match(str(name_en))
        if match:
            stem = match.group("stem").strip()
            # A stem must not itself carry a type word ("Moscow Oblast Krai").
            if re.search(r"\b(Oblast|Krai|Republic|Okrug|Autonomous)\b", stem):
                return None
            return stem
    return None


def iso_stem(iso_name: str) -> tuple[str, ...]:
    """The normalised tokens of an ISO name without its type words."""
    return tuple(t for t in name_tokens(iso_name) if t not in GENERIC_TOKENS)


def _token_agrees(english: str, iso: str) -> bool:
    if english == iso:
        return True
    bases = {english}
    if english[-1:] in "aeiou" or english.endswith("s"):
        bases.add(english[:-1])
    if english.endswith(("ka", "sk")):
        bases.add(english[:-2])
    return any(iso == base + suffix for base in bases for suffix in _ADJECTIVE_SUFFIXES)


def english_stem_matches(stem: str, iso_name: str) -> bool:
    """Whether an English stem agrees with an ISO 3166-2 romanised name.

    After ``name_tokens`` on both sides and removing the ISO type words, either the stem
    is in ``EXONYMS`` and the ISO stem is one of its listed forms, or both have the same
    number of tokens and each English token equals the ISO token or is its base plus a
    Russian adjective ending (-skaya/-skiy, -enskaya/-enskiy). The base is the English
    token itself, or it without a final vowel or "s" (Kostroma → Kostromskaya, Nenets →
    Nenetskiy), or without a final "ka" or "sk" (Kamchatka → Kamchatskiy, Kursk →
    Kurskaya). Whole tokens are compared, so Krasnodar cannot match Krasnoyarskiy.

    >>> english_stem_matches("Krasnodar", "Krasnodarskiy kray")
    True
    >>> english_stem_matches("Krasnodar", "Krasnoyarskiy kray")
    False
    """
    english = name_tokens(stem)
    target = iso_stem(iso_name)
    if english in _EXONYM_KEYS:
        return target in _EXONYM_KEYS[english]
    if not english or len(english) != len(target):
        return False
    return all(_token_agrees(e, i) for e, i in zip(english, target, strict=True))


# --------------------------------------------------------------------------------------
# ISO 3166-2 reference (pycountry)
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def iso_subdivisions() -> Mapping[str, Any]:
    """The ISO 3166-2 units a region code may have: Russia's 83 plus ``DISPUTED_CODES``
    (read-only, sorted by code)."""
    units: dict[str, Any] = {s.code: s for s in pycountry.subdivisions.get(country_code="RU")}
    for code in DISPUTED_CODES:
        unit = pycountry.subdivisions.get(code=code)
        if unit is not None:
            units[code] = unit
    return MappingProxyType(dict(sorted(units.items())))


def iso_name(code: str) -> str | None:
    """ISO 3166-2 name of ``code`` (pycountry), or None for an unknown code."""
    unit = iso_subdivisions().get(code)
    return None if unit is None else str(unit.name)


def iso_region_type(code: str) -> str | None:
    """``REGION_TYPES`` value of ``code`` derived from its ISO 3166-2 type, or None."""
    unit = iso_subdivisions().get(code)
    return None if unit is None else ISO_TYPE_TO_REGION_TYPE.get(str(unit.type))


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    return str(value)


def _show(tokens: Iterable[str]) -> str:
    return "{" + ", ".join(sorted(tokens)) + "}"


def validate_region_attributes(
    frame: pd.DataFrame,
    *,
    file: str = "regions",
    require_complete: bool = True,
) -> list[ValidationIssue]:
    """Check region attributes against ISO 3166-2; return every problem found.

    ``frame`` needs ``code``, ``name_en``, ``name_ru`` and ``type`` columns; ``gn_name``
    (the source's romanised name) is checked when present, and ``adm1_code`` (the Natural
    Earth id) is quoted in messages when present. With ``require_complete`` every ISO unit
    of ``iso_subdivisions`` must be present. Each issue names the unit, the field, the
    value found and the value expected.
    """
    required = ("code", "name_en", "name_ru", "type")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        return [ValidationIssue(file, None, None, f"missing column(s): {', '.join(missing)}")]
    iso = iso_subdivisions()
    issues: list[ValidationIssue] = []
    records = frame.to_dict("records")
    code_counts = Counter(_text(r["code"]) for r in records)

    for record in records:
        code = _text(record["code"])
        unit = code or "(no code)"
        if "adm1_code" in record:
            unit += f" [{_text(record['adm1_code'])}]"
        for column, message in _record_problems(record, code, iso, code_counts[code]):
            issues.append(ValidationIssue(file, None, column, f"{unit}: {message}"))

    for column in ("name_en", "name_ru"):
        issues.extend(_duplicate_names(records, column, file))

    if require_complete:
        present = set(code_counts)
        for code, unit_ in iso.items():
            if code not in present:
                issues.append(
                    ValidationIssue(
                        file, None, "code", f"{code} ('{unit_.name}') is missing: no region has it"
                    )
                )
    return issues


def _record_problems(
    record: Mapping[Hashable, Any], code: str, iso: Mapping[str, Any], code_count: int
) -> list[tuple[str, str]]:
    """``(column, message)`` for every problem of one region's attributes, in the order
    code, type, ``gn_name``, ``name_ru``, ``name_en``."""
    if code not in iso:
        return [
            (
                "code",
                f"'{code}' is not an ISO 3166-2 code of a Russian federal subject "
                f"(expected one of pycountry's RU codes or {', '.join(DISPUTED_CODES)})",
            )
        ]
    problems: list[tuple[str, str]] = []
    if code_count > 1:
        problems.append(("code", f"'{code}' appears {code_count} times; codes must be unique"))
    expected_name = iso_name(code) or ""
    expected_type = iso_region_type(code)
    problems += _type_problems(_text(record["type"]), code, expected_type, iso[code].type)
    if "gn_name" in record:
        problems += _gn_name_problems(_text(record["gn_name"]), code, expected_name)
    problems += _name_ru_problems(_text(record["name_ru"]).strip(), code, expected_name)
    problems += _name_en_problems(
        _text(record["name_en"]).strip(), code, expected_name, expected_type or ""
    )
    return problems


def _type_problems(
    region_type: str, code: str, expected_type: str | None, iso_type: str
) -> list[tuple[str, str]]:
    if region_type not in REGION_TYPES:
        return [("type", f"'{region_type}' is not one of {', '.join(REGION_TYPES)}")]
    if region_type != expected_type:
        return [
            (
                "type",
                f"'{region_type}' but ISO 3166-2 type of {code} is "
                f"'{iso_type}' (expected '{expected_type}')",
            )
        ]
    return []


def _gn_name_problems(gn_name: str, code: str, expected_name: str) -> list[tuple[str, str]]:
    expected_key = name_key(expected_name)
    if name_key(gn_name) == expected_key:
        return []
    return [
        (
            "gn_name",
            f"'{gn_name}' does not match the ISO 3166-2 name of {code} "
            f"'{expected_name}' (normalised {_show(name_key(gn_name))} "
            f"vs {_show(expected_key)})",
        )
    ]


def _name_ru_problems(name_ru: str, code: str, expected_name: str) -> list[tuple[str, str]]:
    if not name_ru:
        return [("name_ru", f"empty; expected the Russian name of '{expected_name}'")]
    if not re.search(r"[\u0400-\u04ff]", name_ru):
        return [("name_ru", f"'{name_ru}' is not in Cyrillic")]
    romanised = transliterate_ru(name_ru)
    expected_key = name_key(expected_name)
    if name_key(romanised) == expected_key:
        return []
    return [
        (
            "name_ru",
            f"'{name_ru}' (transliterated '{romanised}') does not match the ISO "
            f"3166-2 name of {code} '{expected_name}' (normalised "
            f"{_show(name_key(romanised))} vs {_show(expected_key)})",
        )
    ]


def _name_en_problems(
    name_en: str, code: str, expected_name: str, check_type: str
) -> list[tuple[str, str]]:
    """The English name's form is checked against the ISO type (``check_type``,
    authoritative), so a name that fits a wrong ``type`` (reported apart) is reported."""
    if not name_en:
        return [("name_en", f"empty; expected the English name of '{expected_name}'")]
    stem = english_name_stem(name_en, check_type)
    if stem is None:
        return [
            (
                "name_en",
                f"'{name_en}' does not have the form of {_article(check_type)} {check_type} "
                f"({_ENGLISH_FORMS[check_type]})",
            )
        ]
    if not english_stem_matches(stem, expected_name):
        return [
            (
                "name_en",
                f"stem '{stem}' of '{name_en}' does not agree with the ISO 3166-2 name "
                f"of {code} '{expected_name}' (ISO stem {' '.join(iso_stem(expected_name))})",
            )
        ]
    return []


def _duplicate_names(
    records: list[dict[Hashable, Any]], column: str, file: str
) -> list[ValidationIssue]:
    """One issue per name of ``column`` held by more than one region."""
    issues = []
    counts = Counter(_text(r[column]).strip() for r in records)
    for value, n in sorted(counts.items()):
        if value and n > 1:
            holders = sorted(_text(r["code"]) for r in records if _text(r[column]) == value)
            issues.append(
                ValidationIssue(
                    file,
                    None,
                    column,
                    f"'{value}' is used by {n} regions ({', '.join(holders)}); "
                    "names must be unique",
                )
            )
    return issues


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


_ENGLISH_FORMS: dict[str, str] = {
    "oblast": "'X Oblast'",
    "krai": "'X Krai'",
    "republic": "'Republic of X' or 'X Republic'",
    "autonomous okrug": "'X Autonomous Okrug'",
    "autonomous oblast": "'X Autonomous Oblast'",
    "federal city": " or ".join(f"'{n}'" for n in FEDERAL_CITY_NAMES),
    "": "unknown type",
}

CORRECTION_COLUMNS: tuple[str, ...] = (
    "adm1_code",
    "field",
    "source_value",
    "corrected_value",
    "reason",
)


def load_corrections(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``corrections.csv`` (every cell as text, empty cells as "")."""
    path = Path(path) if path is not None else regions_dir() / "corrections.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def apply_corrections(
    source: pd.DataFrame,
    corrections: pd.DataFrame,
    *,
    file: str = "corrections.csv",
    key: str = "adm1_code",
) -> tuple[pd.DataFrame, list[ValidationIssue]]:
    """Apply the correction table to the source attributes; report stale or bad rows.

    Each row replaces ``source_value`` with ``corrected_value`` in column ``field`` of the
    source row whose ``key`` is ``adm1_code``. A row is an issue (and not applied) when its
    unit is not in the source, its field is not a source column, the source no longer
    holds ``source_value`` (the source changed: review the correction), it changes nothing,
    it repeats an earlier (unit, field), or it gives no reason. Rows are numbered as a
    spreadsheet shows them (the header is row 1). All corrections are matched against the
    uncorrected source, so two rows can swap two values.
    """
    issues: list[ValidationIssue] = []
    missing = [c for c in CORRECTION_COLUMNS if c not in corrections.columns]
    if missing:
        return source.copy(), [
            ValidationIssue(file, None, None, f"missing column(s): {', '.join(missing)}")
        ]
    result = source.copy()
    position = {_text(v): i for i, v in enumerate(source[key].tolist())}
    seen: dict[tuple[str, str], int] = {}
    for row_number, row in enumerate(corrections.to_dict("records"), start=2):
        unit, field = _text(row["adm1_code"]), _text(row["field"])
        old, new = _text(row["source_value"]), _text(row["corrected_value"])
        if (unit, field) in seen:
            problem: tuple[str, str] | None = (
                "field",
                f"{unit} {field} is already corrected in row {seen[(unit, field)]}",
            )
        else:
            seen[(unit, field)] = row_number
            reason = _text(row["reason"]).strip()
            problem = _correction_problem(source, key, position, (unit, field, old, new, reason))
        if problem is not None:
            issues.append(ValidationIssue(file, row_number, *problem))
            continue
        column = cast(int, result.columns.get_loc(field))  # source columns are unique
        result.iloc[position[unit], column] = new
    return result, issues


def _correction_problem(
    source: pd.DataFrame,
    key: str,
    position: Mapping[str, int],
    correction: tuple[str, str, str, str, str],
) -> tuple[str, str] | None:
    """``(column, message)`` of why a correction ``(unit, field, source value, corrected
    value, reason)`` cannot be applied to ``source``, or None when it can."""
    unit, field, old, new, reason = correction
    if not reason:
        return "reason", f"{unit} {field}: every correction needs a reason"
    if unit not in position:
        return "adm1_code", f"stale correction: unit '{unit}' is not in the source"
    if field == key or field not in source.columns:
        return "field", f"'{field}' is not a correctable source column"
    current = _text(source[field].iloc[position[unit]])
    if current != old:
        return (
            "source_value",
            f"stale correction: {unit} {field} is '{current}' in the source, not "
            f"'{old}' (the source changed; review this correction)",
        )
    if new == old:
        return "corrected_value", f"{unit} {field}: the correction changes nothing"
    return None


def load_federal_districts(path: str | Path | None = None) -> pd.DataFrame:
    """Read ``federal_districts.csv``: code, federal_district, source."""
    path = Path(path) if path is not None else regions_dir() / "federal_districts.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def validate_federal_districts(
    table: pd.DataFrame, codes: Iterable[str], *, file: str = "federal_districts.csv"
) -> list[ValidationIssue]:
    """Every code in ``codes`` has exactly one row, a known district and a source;
    rows for codes not in ``codes`` are stale."""
    issues: list[ValidationIssue] = []
    for column in ("code", "federal_district", "source"):
        if column not in table.columns:
            return [ValidationIssue(file, None, column, "missing column")]
    wanted = set(codes)
    seen: dict[str, int] = {}
    for row_number, row in enumerate(table.to_dict("records"), start=2):
        code = _text(row["code"])
        if code in seen:
            issues.append(
                ValidationIssue(file, row_number, "code", f"{code} repeats row {seen[code]}")
            )
        seen.setdefault(code, row_number)
        if code not in wanted:
            issues.append(ValidationIssue(file, row_number, "code", f"'{code}' is not a region"))
        if _text(row["federal_district"]) not in FEDERAL_DISTRICTS:
            issues.append(
                ValidationIssue(
                    file,
                    row_number,
                    "federal_district",
                    f"'{row['federal_district']}' is not one of {', '.join(FEDERAL_DISTRICTS)}",
                )
            )
        if not _text(row["source"]).strip():
            issues.append(ValidationIssue(file, row_number, "source", f"{code}: no source"))
    for code in sorted(wanted - set(seen)):
        issues.append(ValidationIssue(file, None, "code", f"{code} has no federal district"))
    return issues


def validate_regions(frame: gpd.GeoDataFrame, *, file: str = "regions") -> list[ValidationIssue]:
    """Check a region table as shipped: columns, vocabularies, flags, areas, geometry,
    and ``validate_region_attributes``."""
    issues: list[ValidationIssue] = []
    if tuple(frame.columns) != REGION_COLUMNS:
        issues.append(
            ValidationIssue(
                file,
                None,
                None,
                f"columns are {list(frame.columns)}, expected {list(REGION_COLUMNS)}",
            )
        )
        if not set(REGION_COLUMNS) <= set(frame.columns):
            return issues
    for record in frame.to_dict("records"):
        code = _text(record["code"])
        if _text(record["federal_district"]) not in FEDERAL_DISTRICTS:
            issues.append(
                ValidationIssue(
                    file, None, "federal_district", f"{code}: '{record['federal_district']}'"
                )
            )
        if bool(record["disputed"]) != (code in DISPUTED_CODES):
            issues.append(
                ValidationIssue(
                    file, None, "disputed", f"{code}: {record['disputed']} is inconsistent"
                )
            )
        area = record["area_km2"]
        if not (isinstance(area, int | np.integer) and area > 0):
            issues.append(ValidationIssue(file, None, "area_km2", f"{code}: {area!r}"))
        geom = record["geometry"]
        if (
            geom is None
            or geom.is_empty
            or geom.geom_type not in ("Polygon", "MultiPolygon")
            or not geom.is_valid
        ):
            issues.append(
                ValidationIssue(file, None, "geometry", f"{code}: not a valid non-empty polygon")
            )
    issues += validate_region_attributes(frame, file=file)
    return issues


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    raw = gpd.read_file(path, engine="pyogrio")
    frame = tidy_region_table(raw, REGION_COLUMNS, Path(path).name)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def load_regions(resolution: Resolution = "web") -> gpd.GeoDataFrame:
    """Russia's regions (85 rows, sorted by ``code``) with ``REGION_COLUMNS``, EPSG:4326.

    ``"web"`` is simplified for maps (neighbours share borders exactly); ``"detailed"`` is
    the source resolution, for exports and point-in-polygon joins. Longitudes follow
    ``to_russia_longitudes`` (Chukotka reaches about 191). A fresh copy is returned on
    every call.
    """
    path = region_file(resolution)
    return _read(str(path), os.stat(path).st_mtime_ns).copy()


__all__ = [
    "CORRECTION_COLUMNS",
    "DISPUTED_CODES",
    "EXONYMS",
    "FEDERAL_CITY_NAMES",
    "FEDERAL_DISTRICTS",
    "GENERIC_TOKENS",
    "ISO_TYPE_TO_REGION_TYPE",
    "REGION_COLUMNS",
    "REGION_TYPES",
    "RESOLUTIONS",
    "Resolution",
    "apply_corrections",
    "english_name_stem",
    "english_stem_matches",
    "iso_name",
    "iso_region_type",
    "iso_stem",
    "iso_subdivisions",
    "load_corrections",
    "load_federal_districts",
    "load_regions",
    "name_key",
    "name_tokens",
    "region_file",
    "shift_longitudes",
    "to_russia_longitudes",
    "transliterate_ru",
    "validate_federal_districts",
    "validate_region_attributes",
    "validate_regions",
]
