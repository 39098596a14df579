"""Transcribed records: schemas, loading and validation.

The tables in ``data/records/`` are transcriptions of three documents (see
``data/records/TRANSCRIPTION.md``): two versions of the paper on the internationalisation
of Russian regional clusters (``001``, ``002``) and the HSE Russian Cluster Observatory
presentation on MNEs and clusters (``003``). This module defines one documented schema per
kind of table, reads the CSV files and validates every row.

Conventions of the CSV files
    UTF-8, comma-separated, a header row, decimal point. Two missing markers are used,
    ``n/a`` (the document prints n/a) and ``not reported`` (the document does not give the
    value); ``—`` and an empty cell are also read as missing. They are never read as 0.

What :func:`read_table` returns
    * Numeric columns are ``float64``; every missing marker becomes ``NaN``.
    * Text columns (including categorical ones such as ``status``, ``city`` or
      ``specialisation``) hold ``str`` values; every missing marker becomes a missing value
      (``NaN``/``None``) too, so ``isna()`` means "the sources do not give it" in every
      column and "not reported" can never be mistaken for a category. Pages that want to
      show the wording can ``fillna("not reported")``.
    * ``notes`` is the exception: an empty cell is an empty string (no note).
    * Which marker a missing cell carried is kept in ``df.attrs["missing_markers"]``:
      ``{column: {row_label: "n/a" | "not reported" | "—" | ""}}``, so the difference
      between "the paper prints n/a" and "not reported" is not lost.

Validation
    :func:`read_table` raises :class:`~geo.base.errors.DataValidationError` listing every issue
    with the file name, the 1-based spreadsheet row (the header is row 1), the column and
    the reason. Cross-table checks (vocabularies, cluster ids, region spellings) read the
    reference table from the same folder as the file being checked when it is there, and
    from :func:`geo.base.paths.records_dir` otherwise. Region spellings are matched exactly:
    there is no fuzzy matching anywhere. Each refusal is a pydantic error of a type of
    :data:`ERROR_TEMPLATES` whose context holds the values (:func:`invalid`), so the
    issue's English sentence can also be shown translated (:mod:`geo.base.errors`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pandas as pd
import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.ru import inn as stdnum_inn

from geo.base.errors import DataValidationError, Message, Number as Figure, ValidationIssue
from geo.base.i18n import N_, VocabularyLabels
from geo.base.missing import is_null
from geo.base.paths import records_dir
from geo.base.safefiles import FileRefused, display_name, read_bounded
from geo.base.shown import LONG, code_points, shown, unsafe_characters

__all__ = [
    "KINDS",
    "MISSING_MARKERS",
    "ClusterRecord",
    "MneLinkRecord",
    "RegionalIndicatorRecord",
    "RegionAliasRecord",
    "VocabularyRecord",
    "PublishedAggregateRecord",
    "IndexWeightRecord",
    "OrganisationRecord",
    "MembershipRecord",
    "read_table",
    "detect_kind",
    "validate_file",
    "load_clusters",
    "load_mne_links",
    "load_regional_indicators",
    "load_vocabularies",
    "load_region_aliases",
    "load_aggregates",
    "load_index_weights",
    "load_organisations",
    "load_memberships",
    "regional_indicators_wide",
    "region_code_for",
]

#: Cell values read as missing. ``n/a`` and ``not reported`` are the two markers the
#: transcription uses; ``—`` and the empty cell are accepted as well.
MISSING_MARKERS: frozenset[str] = frozenset({"n/a", "not reported", "—", ""})

#: Documents a record may cite in ``source_doc`` (see TRANSCRIPTION.md).
SOURCE_DOCS: frozenset[str] = frozenset({"001", "002", "003"})

#: Indicators of the long regional table, in the column order of 002 Table 6.
REGIONAL_INDICATORS: tuple[str, ...] = (
    "fdi_per_capita",
    "trade_turnover_per_capita",
    "trade_surplus_per_capita",
    "foreign_owned_companies",
    "fea_index_published",
)

#: Regional indicators that may be negative (a trade deficit is printed negative).
SIGNED_REGIONAL_INDICATORS: frozenset[str] = frozenset({"trade_surplus_per_capita"})

#: The four cluster indicators of 002 Table 4/5 that carry an index weight.
WEIGHTED_CLUSTER_INDICATORS: tuple[str, ...] = (
    "intl_members",
    "export_bln_rub",
    "publications",
    "joint_rd_bln_rub",
)

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_SCIENTIFIC = re.compile(r"^-?[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]+$")
_DECIMAL_COMMA = re.compile(r"^-?[0-9]+,[0-9]+$")

MAX_MAGNITUDE = 1e15
"""Numbers are below 10^15 in magnitude (15 digits before the decimal point): every
whole number up to it is exact as a float, and no count or amount of the registry comes
near it. A larger cell is a mistake (a pasted id, a unit in kopecks, a spreadsheet's
``1E+20``) and is refused as "too large"."""

MAX_TEXT = 1_000
"""Characters of a text cell (names, cities, sources, codes); the longest published cell
has 445."""

MAX_NOTES = 10_000
"""Characters of a note."""

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest records file read (``clustermap validate``, an import): 5 MB."""

NOTE_CONTROLS = "\t\n\r"
"""The control characters a note may hold (tab and line breaks)."""

#: Why a value is refused, by pydantic error type: the English template (a msgid) whose
#: values are the error's context. The validators raise these types (:func:`invalid`);
#: ``missing`` and :data:`PYDANTIC_ERRORS` are pydantic's own. Values are the user's cell
#: text and machine names (columns, vocabulary values): they are never translated.
ERROR_TEMPLATES: dict[str, str] = {
    "decimal_comma": N_("'{text}' uses a decimal comma; write {fixed}"),
    "not_a_number": N_("'{text}' is not a number"),
    "too_large": N_(
        "'{text}' is too large: a number may have at most 15 digits before the decimal point"
    ),
    "too_long": N_("a text of {length} characters is too long; at most {limit} can be stored"),
    "unsafe_characters": N_(
        "'{text}' contains {characters}: control and invisible characters (such as NUL, "
        "escape, bidirectional overrides or zero-width spaces) cannot be stored; remove them"
    ),
    "intl_members": N_(
        "{intl} international members is more than the {participants} participants; "
        "international members are among a cluster's participants"
    ),
    "negative": N_("'{value}' is negative; this quantity cannot be negative"),
    "not_whole": N_("'{value}' is not a whole number; this is a count"),
    "required": N_("a value is required (got '{text}')"),
    "missing": N_("a value is required"),
    "vocabulary_undefined": N_("vocabulary '{name}' is not defined in vocabularies.csv"),
    "not_in_vocabulary": N_("'{value}' is not in vocabulary '{name}' ({listed})"),
    "source_doc": N_("'{value}' is not a ';'-separated list of {allowed} (no spaces)"),
    "unknown_alias": N_("'{value}' is not an alias in region_aliases.csv (exact match)"),
    "unknown_cluster": N_("'{value}' is not an id in clusters.csv"),
    "unknown_country": N_("'{value}' is not an ISO 3166-1 country name or code"),
    "not_russian_region": N_("'{value}' is not an ISO 3166-2 code of a Russian region"),
    "published_id": N_("'{value}' is not an id of the form PIC-NN or P003-NN"),
    "no_name": N_("neither name_en nor name_ru is given; a cluster needs a name"),
    "alias_lang": N_("'{value}' is not one of 'en', 'ru', 'ru-Latn'"),
    "regional_indicator": N_("'{value}' is not a regional indicator ({listed})"),
    "negative_indicator": N_("'{value}' is negative; {indicator} cannot be negative"),
    "weighted_indicator": N_("'{value}' is not one of {listed}"),
    "unit_interval": N_("'{value}' is not between 0 and 1"),
    "organisation_id": N_("'{value}' is not an id of the form ORG-NNNN"),
    "membership_id": N_("'{value}' is not an id of the form MEM-NNNN"),
    "no_org_name": N_("neither name_en nor name_ru is given; an organisation needs a name"),
    "inn": N_("'{value}' is not a Russian INN (10 or 12 digits with valid check digits)"),
    "unknown_organisation": N_("'{value}' is not an id in organisations.csv"),
    "year": N_("'{value}' is not a year between {first} and {last}"),
    "year_order": N_("to_year {to} is before from_year {start}"),
    "foreign_hq": N_(
        "a foreign-owned organisation's headquarters country cannot be Russia ('{value}')"
    ),
}

#: Pydantic's own error types a file can reach, with pydantic's English message as the
#: template (its context as values). Used only when the template reproduces pydantic's
#: message exactly, so a pydantic upgrade that rewords one shows the English, never a
#: wrong sentence (pydantic's "customize error messages" pattern, by error type).
PYDANTIC_ERRORS: dict[str, str] = {
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "string_type": N_("Input should be a valid string"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
}

#: A pydantic message after the input it refuses.
INPUT_PROBLEM = N_("'{input}': {problem}")

#: Problems of a records file as a whole, its header and its rows (English msgids).
FILE_MESSAGES: dict[str, str] = {
    "not_utf8": N_("not UTF-8 encoded ({reason})"),
    "not_csv": N_("not a readable CSV table ({error})"),
    "no_kind": N_("{name}: the header does not match any records table"),
    "no_header": N_("the file has no header row"),
    "empty_row": N_("empty row"),
    "fields": N_("has {fields} fields but the header has {header}"),
    "no_reference": N_("{file} not found; cannot check"),
    "duplicate_column": N_("duplicate column in the header"),
    "missing_column": N_("required column is missing"),
    "unexpected_column": N_("unexpected column"),
    "whitespace": N_("'{cell}' has leading or trailing whitespace"),
    "duplicate": N_("duplicate {label} (first at row {first})"),
}


#: Values of a message that are our own lists of allowed values, shown whole (every other
#: text value may come from the user and is shown shortened: :func:`message`).
OWN_VALUES: frozenset[str] = frozenset({"listed", "allowed"})


def message(template: str, /, **values: Any) -> Message:
    """:class:`Message` ``template`` with ``values``, each text value as a message shows a
    user's value (:func:`geo.base.shown.shown`: control and invisible characters named,
    cut after :data:`geo.base.shown.LONG` characters), so a hostile cell can neither flood
    nor garble the sentence. Lists of allowed values (:data:`OWN_VALUES`) stay whole.

    >>> message("'{text}' is not a number", text="1\\x002" + "9" * 100)[:30]
    "'1<U+0000>29999999999999999999"
    """
    safe = {
        name: shown(value, LONG)
        if isinstance(value, str) and not isinstance(value, Message) and name not in OWN_VALUES
        else value
        for name, value in values.items()
    }
    return Message(template, **safe)


def _say(key: str, /, **values: Any) -> Message:
    """The English sentence :data:`FILE_MESSAGES` ``[key]`` with ``values``, translatable."""
    return message(FILE_MESSAGES[key], **values)


def invalid(kind: str, /, **values: Any) -> PydanticCustomError:
    """The error a validator raises: pydantic error type ``kind`` of
    :data:`ERROR_TEMPLATES`, its values as the context (pydantic's standard way to carry a
    template and values). Values are text, formatted by the caller."""
    return PydanticCustomError(kind, ERROR_TEMPLATES[kind], values)


# --------------------------------------------------------------------------- cell parsers


def _is_missing(value: Any) -> bool:
    """A cell that holds no value: null (:func:`geo.base.missing.is_null`) or one of the
    transcription's :data:`MISSING_MARKERS`. Other text, even blank, is validated as it is
    written: a cell with stray whitespace is reported by the row reader, not read as empty."""
    return is_null(value) or (isinstance(value, str) and value in MISSING_MARKERS)


def _parse_number(value: Any) -> float | None:
    """Missing markers become ``None``; otherwise the cell must be a decimal number
    (``12``, ``-0.5``, or in scientific notation ``1.5e-3``) below 10^15 in magnitude
    (:data:`MAX_MAGNITUDE`).

    >>> _parse_number("1.5e3"), _parse_number("n/a")
    (1500.0, None)
    """
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        raise invalid("not_a_number", text=str(value))
    if isinstance(value, int | float):
        text = str(value)
        if isinstance(value, int) and abs(value) >= MAX_MAGNITUDE:
            raise invalid("too_large", text=text)
        return _bounded(float(value), text)
    text = str(value)
    if _NUMBER.match(text) or _SCIENTIFIC.match(text):
        return _bounded(float(text), text)
    if _DECIMAL_COMMA.match(text):
        raise invalid("decimal_comma", text=text, fixed=text.replace(",", "."))
    raise invalid("not_a_number", text=text)


def _bounded(number: float, text: str) -> float:
    """``number`` if it is finite and below :data:`MAX_MAGNITUDE`; else refused."""
    if math.isnan(number):
        raise invalid("not_a_number", text=text)
    if not abs(number) < MAX_MAGNITUDE:
        raise invalid("too_large", text=text)
    return number


def _non_negative(value: float | None) -> float | None:
    if value is not None and value < 0:
        raise invalid("negative", value=f"{value:g}")
    return value


def _whole(value: float | None) -> float | None:
    if value is not None and not float(value).is_integer():
        raise invalid("not_whole", value=f"{value:g}")
    return value


def safe_text(text: str, limit: int = MAX_TEXT, allowed: str = "") -> str:
    """``text`` if it can be stored and shown: at most ``limit`` characters, and no
    control or invisible character (:func:`geo.base.shown.unsafe_characters`; ``allowed``
    excepted). PostgreSQL cannot store NUL; the others hide or reverse what is shown."""
    if len(text) > limit:
        raise invalid("too_long", length=Figure(len(text)), limit=Figure(limit))
    unsafe = unsafe_characters(text, allowed)
    if unsafe:
        raise invalid("unsafe_characters", text=text, characters=code_points(unsafe))
    return text


def _optional_text(value: Any) -> str | None:
    if _is_missing(value):
        return None
    return safe_text(str(value))


def _required_text(value: Any) -> str:
    if _is_missing(value):
        text = "" if value is None else str(value)
        raise invalid("required", text=text)
    return safe_text(str(value))


def _notes(value: Any) -> str:
    return "" if value is None else safe_text(str(value), MAX_NOTES, NOTE_CONTROLS)


def _vocabulary(name: str) -> Callable[[str | None, ValidationInfo], str | None]:
    """An after-validator checking a value against vocabulary ``name`` of vocabularies.csv."""

    def check(value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        vocabularies: Mapping[str, set[str]] | None = (info.context or {}).get("vocabularies")
        if vocabularies is None:
            return value
        allowed = vocabularies.get(name)
        if not allowed:
            raise invalid("vocabulary_undefined", name=name)
        if value not in allowed:
            listed = ", ".join(f"'{v}'" for v in sorted(allowed))
            raise invalid("not_in_vocabulary", value=value, name=name, listed=listed)
        return value

    return check


def _source_doc(value: str) -> str:
    parts = value.split(";")
    unknown = [p for p in parts if p not in SOURCE_DOCS]
    if unknown:
        raise invalid("source_doc", value=value, allowed=str(sorted(SOURCE_DOCS)))
    return value


def _known_region(value: str | None, info: ValidationInfo) -> str | None:
    """Region spellings must be listed, exactly, in region_aliases.csv."""
    aliases: set[str] | None = (info.context or {}).get("region_aliases")
    if value is None or aliases is None:
        return value
    if value not in aliases:
        raise invalid("unknown_alias", value=value)
    return value


def _known_cluster(value: str, info: ValidationInfo) -> str:
    cluster_ids: set[str] | None = (info.context or {}).get("cluster_ids")
    if cluster_ids is not None and value not in cluster_ids:
        raise invalid("unknown_cluster", value=value)
    return value


def _country(value: str | None) -> str | None:
    """HQ countries must be exact ISO 3166-1 names or codes (pycountry's exact lookup)."""
    if value is None:
        return value
    try:
        pycountry.countries.lookup(value)
    except LookupError:
        raise invalid("unknown_country", value=value) from None
    return value


def _russian_subdivision(value: str) -> str:
    subdivision = pycountry.subdivisions.get(code=value)
    if subdivision is None or not value.startswith("RU-"):
        raise invalid("not_russian_region", value=value)
    return value


def _known_organisation(value: str, info: ValidationInfo) -> str:
    """A membership's organisation must be an id of the organisations (when known)."""
    organisation_ids: set[str] | None = (info.context or {}).get("organisation_ids")
    if organisation_ids is not None and value not in organisation_ids:
        raise invalid("unknown_organisation", value=value)
    return value


def _inn(value: str | None) -> str | None:
    """A Russian taxpayer number (INN): 10 digits (organisations) or 12 (individual
    entrepreneurs) whose check digits agree (``stdnum.ru.inn``)."""
    if value is None:
        return value
    if not stdnum_inn.is_valid(value) or not value.isdigit():
        raise invalid("inn", value=value)
    return value


#: Years a membership may start or end in (a plausibility bound, not a source's claim).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _year(value: float | None) -> float | None:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise invalid("year", value=f"{value:g}", first=FIRST_YEAR, last=LAST_YEAR)
    return value


def _optional_russian_region(value: str | None) -> str | None:
    return None if value is None else _russian_subdivision(value)


Number = Annotated[float | None, BeforeValidator(_parse_number)]
NonNegative = Annotated[float | None, BeforeValidator(_parse_number), AfterValidator(_non_negative)]
Count = Annotated[
    float | None,
    BeforeValidator(_parse_number),
    AfterValidator(_non_negative),
    AfterValidator(_whole),
]
RequiredText = Annotated[str, BeforeValidator(_required_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Notes = Annotated[str, BeforeValidator(_notes)]
SourceDoc = Annotated[str, BeforeValidator(_required_text), AfterValidator(_source_doc)]


# One alias per vocabulary column, written out (a function returning ``Annotated[...]``
# would not be a type to a type checker).
IndustryGroup = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("industry_group"))
]
Status = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("status"))
]
OrgLevel = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("org_level"))
]
Relation = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("relation"))
]
Presence = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("presence"))
]
InterplayType = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("interplay_type"))
]
KnownRegion = Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_known_region)]
OrgType = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("org_type"))
]
OrgSize = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("org_size"))
]
ForeignOwned = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("foreign_owned"))
]
MemberRole = Annotated[
    str | None, BeforeValidator(_optional_text), AfterValidator(_vocabulary("member_role"))
]
Year = Annotated[
    float | None,
    BeforeValidator(_parse_number),
    AfterValidator(_non_negative),
    AfterValidator(_whole),
    AfterValidator(_year),
]
Country = Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_country)]


# --------------------------------------------------------------------------- schemas


class _Record(BaseModel):
    """Base of the row schemas: every field arrives as the CSV cell text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Columns whose values must be unique across the table.
    unique_key: ClassVar[tuple[str, ...]] = ()
    #: File name of the shipped table.
    file_name: ClassVar[str] = ""


class ClusterRecord(_Record):
    """One cluster (``clusters.csv``).

    The 25 pilot innovative clusters of 002 Table 5 (cross-checked with 001 Table 4) have
    ids ``PIC-01`` … ``PIC-25`` in the paper's numbering; clusters named only in 003 have
    ids ``P003-01`` …. Indicators are as printed: ``intl_members`` (number of international
    cluster members), ``export_bln_rub`` (export volume, bln rub.), ``publications`` (Scopus
    / Web of Science publications of members' employees), ``joint_rd_bln_rub`` (joint
    international R&D expenditure, bln rub.) and ``index_published`` (the cluster
    internationalisation index I_i^Cl as published in 002; not recomputed). Counts and
    amounts cannot be negative; counts must be whole numbers.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("id",)
    file_name: ClassVar[str] = "clusters.csv"

    id: Annotated[str, BeforeValidator(_required_text)]
    name_en: OptionalText
    name_ru: OptionalText
    city: OptionalText
    region_as_published: KnownRegion
    industry_group: IndustryGroup
    specialisation: OptionalText
    status: Status
    org_level: OrgLevel
    participants: Count
    intl_members: Count
    export_bln_rub: NonNegative
    publications: Count
    joint_rd_bln_rub: NonNegative
    index_published: NonNegative
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes

    @field_validator("id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if not re.fullmatch(r"(PIC|P003)-\d{2}", value):
            raise invalid("published_id", value=value)
        return value

    @field_validator("name_ru")
    @classmethod
    def _some_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        # name_en absent from info.data failed its own check, which is reported
        if value is None and "name_en" in info.data and info.data["name_en"] is None:
            raise invalid("no_name")
        return value

    @field_validator("intl_members")
    @classmethod
    def _among_participants(cls, value: float | None, info: ValidationInfo) -> float | None:
        """International members are cluster members (002 Table 4: "number of
        international cluster members"), so there cannot be more than participants."""
        participants = info.data.get("participants")
        if value is not None and participants is not None and value > participants:
            raise invalid("intl_members", intl=f"{value:g}", participants=f"{participants:g}")
        return value


class MneLinkRecord(_Record):
    """One multinational enterprise named in 003 in relation to one cluster (``mne_links.csv``).

    ``cluster_id`` must be an id of ``clusters.csv``; ``relation``, ``presence`` and
    ``interplay_type`` come from the vocabularies of the same names. ``hq_country``, when
    given, must be an exact ISO 3166-1 name or code.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("link_id",)
    file_name: ClassVar[str] = "mne_links.csv"

    link_id: RequiredText
    mne_name: RequiredText
    hq_country: Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_country)]
    industry: OptionalText
    cluster_id: Annotated[str, BeforeValidator(_required_text), AfterValidator(_known_cluster)]
    relation: Relation
    presence: Presence
    interplay_type: InterplayType
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes


class RegionalIndicatorRecord(_Record):
    """One region × indicator value of 002 Table 6 (``regional_indicators.csv``, long format).

    ``indicator`` is one of :data:`REGIONAL_INDICATORS`. Only the foreign trade surplus per
    capita may be negative. ``unit`` and ``reference_year`` are not given by the table and
    are read as missing; ``original_source`` names the statistics the table was built from.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("region_as_published", "indicator")
    file_name: ClassVar[str] = "regional_indicators.csv"

    region_as_published: Annotated[
        str, BeforeValidator(_required_text), AfterValidator(_known_region)
    ]
    indicator: RequiredText
    value: Number
    unit: OptionalText
    reference_year: Count
    source_doc: SourceDoc
    source_ref: RequiredText
    original_source: OptionalText
    notes: Notes

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, value: str) -> str:
        if value not in REGIONAL_INDICATORS:
            listed = ", ".join(f"'{v}'" for v in REGIONAL_INDICATORS)
            raise invalid("regional_indicator", value=value, listed=listed)
        return value

    @field_validator("value")
    @classmethod
    def _sign(cls, value: float | None, info: ValidationInfo) -> float | None:
        indicator = info.data.get("indicator")
        if indicator is None:  # the indicator itself is invalid and reported
            return value
        if value is not None and value < 0 and indicator not in SIGNED_REGIONAL_INDICATORS:
            raise invalid("negative_indicator", value=f"{value:g}", indicator=indicator)
        return value


class RegionAliasRecord(_Record):
    """One spelling of a region name and its ISO 3166-2 code (``region_aliases.csv``).

    Every alias is matched exactly (case and punctuation included); an alias maps to one
    code only.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("alias",)
    file_name: ClassVar[str] = "region_aliases.csv"

    alias: RequiredText
    region_code: Annotated[
        str, BeforeValidator(_required_text), AfterValidator(_russian_subdivision)
    ]
    lang: RequiredText
    source: RequiredText

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in {"en", "ru", "ru-Latn"}:
            raise invalid("alias_lang", value=value)
        return value


class VocabularyRecord(_Record):
    """One allowed value of a categorical column, with labels (``vocabularies.csv``)."""

    unique_key: ClassVar[tuple[str, ...]] = ("vocabulary", "value")
    file_name: ClassVar[str] = "vocabularies.csv"

    vocabulary: RequiredText
    value: RequiredText
    label_en: RequiredText
    label_ru: OptionalText
    source: RequiredText


class PublishedAggregateRecord(_Record):
    """One aggregate figure as printed in a document (``published_aggregates.csv``).

    Values are recorded as printed even when they disagree with other figures (see
    ``notes``); all are counts, amounts or percentages and cannot be negative.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("metric",)
    file_name: ClassVar[str] = "published_aggregates.csv"

    metric: RequiredText
    value: NonNegative
    unit: RequiredText
    scope: RequiredText
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes


class IndexWeightRecord(_Record):
    """One weighting factor α of the cluster internationalisation index (002 Table 4)."""

    unique_key: ClassVar[tuple[str, ...]] = ("indicator",)
    file_name: ClassVar[str] = "index_weights.csv"

    indicator: RequiredText
    weight: Annotated[float, BeforeValidator(_parse_number)]
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, value: str) -> str:
        if value not in WEIGHTED_CLUSTER_INDICATORS:
            listed = ", ".join(WEIGHTED_CLUSTER_INDICATORS)
            raise invalid("weighted_indicator", value=value, listed=listed)
        return value

    @field_validator("weight")
    @classmethod
    def _unit_interval(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise invalid("unit_interval", value=f"{value:g}")
        return value


class OrganisationRecord(_Record):
    """One organisation that is a member of a cluster (``organisations.csv``).

    ``org_id`` is ``ORG-NNNN``. ``inn`` is a Russian taxpayer number (checked digits),
    ``foreign_id`` any registry number of a foreign organisation (as given). ``org_type``,
    ``size`` and ``foreign_owned`` come from the vocabularies of the same names
    (``org_type``, ``org_size``, ``foreign_owned``); ``hq_country`` is an exact ISO 3166-1
    name or code and, for a foreign-owned organisation, not Russia. ``region_code`` is an
    ISO 3166-2 code of a Russian region (imports also accept a region's name).
    """

    unique_key: ClassVar[tuple[str, ...]] = ("org_id",)
    file_name: ClassVar[str] = "organisations.csv"

    org_id: RequiredText
    name_en: OptionalText
    name_ru: OptionalText
    inn: Annotated[str | None, BeforeValidator(_optional_text), AfterValidator(_inn)]
    foreign_id: OptionalText
    org_type: OrgType
    size: OrgSize
    foreign_owned: ForeignOwned
    hq_country: Country
    industry: OptionalText
    city: OptionalText
    region_code: Annotated[
        str | None, BeforeValidator(_optional_text), AfterValidator(_optional_russian_region)
    ]
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes

    @field_validator("org_id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if not re.fullmatch(r"ORG-\d{4,}", value):
            raise invalid("organisation_id", value=value)
        return value

    @field_validator("name_ru")
    @classmethod
    def _some_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and "name_en" in info.data and info.data["name_en"] is None:
            raise invalid("no_org_name")
        return value

    @field_validator("hq_country")
    @classmethod
    def _foreign_hq(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A foreign-owned organisation is headquartered abroad (003 contrasts MNEs, the
        foreign members, with domestic companies)."""
        if value is None or info.data.get("foreign_owned") != "yes":
            return value
        if pycountry.countries.lookup(value).alpha_2 == "RU":
            raise invalid("foreign_hq", value=value)
        return value


class MembershipRecord(_Record):
    """One organisation's membership of one cluster (``memberships.csv``).

    ``membership_id`` is ``MEM-NNNN``; ``cluster_id`` and ``org_id`` must be ids of the
    clusters and organisations. ``role`` (vocabulary ``member_role``: founder, anchor,
    member, partner) is the normalised role; ``relation`` keeps 003's wording (vocabulary
    ``relation``) where a membership was transcribed from an MNE link, with ``presence``,
    ``interplay_type`` and the link's id ``mne_link_id``, so the link is recoverable field
    by field. ``from_year`` ≤ ``to_year``; a membership without ``to_year`` is current.
    """

    unique_key: ClassVar[tuple[str, ...]] = ("membership_id",)
    file_name: ClassVar[str] = "memberships.csv"

    membership_id: RequiredText
    cluster_id: Annotated[str, BeforeValidator(_required_text), AfterValidator(_known_cluster)]
    org_id: Annotated[str, BeforeValidator(_required_text), AfterValidator(_known_organisation)]
    role: MemberRole
    from_year: Year
    to_year: Year
    relation: Relation
    presence: Presence
    interplay_type: InterplayType
    mne_link_id: OptionalText
    source_doc: SourceDoc
    source_ref: RequiredText
    notes: Notes

    @field_validator("membership_id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if not re.fullmatch(r"MEM-\d{4,}", value):
            raise invalid("membership_id", value=value)
        return value

    @field_validator("to_year")
    @classmethod
    def _in_order(cls, value: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("from_year")
        if value is not None and start is not None and value < start:
            raise invalid("year_order", to=f"{value:g}", start=f"{start:g}")
        return value


#: Kind name → schema. The kind is also the file stem of the shipped table.
KINDS: dict[str, type[_Record]] = {
    "clusters": ClusterRecord,
    "mne_links": MneLinkRecord,
    "regional_indicators": RegionalIndicatorRecord,
    "region_aliases": RegionAliasRecord,
    "vocabularies": VocabularyRecord,
    "published_aggregates": PublishedAggregateRecord,
    "index_weights": IndexWeightRecord,
    "organisations": OrganisationRecord,
    "memberships": MembershipRecord,
}


def _columns(kind: str) -> list[str]:
    return list(KINDS[kind].model_fields)


def _numeric_columns(kind: str) -> list[str]:
    numeric = []
    for name, field in KINDS[kind].model_fields.items():
        if field.annotation in (float, float | None):
            numeric.append(name)
    return numeric


# --------------------------------------------------------------------------- reading


@dataclass
class _RawTable:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells)


def allow_long_fields() -> None:
    """Let the ``csv`` module read a cell as long as a whole file (its default limit,
    131,072 characters, raises an error that names no row): the length of a cell is then
    judged by the validators, which name its row and column (:data:`MAX_TEXT`)."""
    if csv.field_size_limit() <= MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES + 1)


def _read_text(path: Path, issues: list[ValidationIssue]) -> str | None:
    """The text of a records file (UTF-8, with or without BOM), or None with the reason in
    ``issues``: a missing or unreadable path, a folder, a device or a pipe, a file over
    :data:`MAX_FILE_BYTES` (with its real size), a file that is not UTF-8."""
    name = display_name(path.name or path)
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        issues.append(ValidationIssue(name, None, None, exc.args[0]))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        issues.append(ValidationIssue(name, None, None, _say("not_utf8", reason=exc.reason)))
        return None


def _csv_rows(text: str, name: str, issues: list[ValidationIssue]) -> list[list[str]] | None:
    """The rows of a CSV text, or None with the reason in ``issues``."""
    allow_long_fields()
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        issues.append(ValidationIssue(name, None, None, _say("not_csv", error=str(exc))))
        return None


def _read_raw(path: Path, issues: list[ValidationIssue]) -> _RawTable | None:
    """Read the CSV as text, reporting encoding, shape and whitespace problems."""
    name = display_name(path.name)
    text = _read_text(path, issues)
    records = None if text is None else _csv_rows(text, name, issues)
    if records is None:
        return None
    if not records or not records[0]:
        issues.append(ValidationIssue(name, 1, None, _say("no_header")))
        return None
    header = records[0]
    rows: list[tuple[int, list[str]]] = []
    for index, cells in enumerate(records[1:], start=2):
        if not cells or all(c == "" for c in cells):
            issues.append(ValidationIssue(name, index, None, _say("empty_row")))
            continue
        if len(cells) != len(header):
            issues.append(
                ValidationIssue(
                    name,
                    index,
                    None,
                    _say("fields", fields=len(cells), header=len(header)),
                )
            )
            continue
        rows.append((index, cells))
    return _RawTable(header, rows)


def _reference_rows(path: Path) -> list[dict[str, str]] | None:
    """The rows of a reference table, unvalidated; None if it cannot be read."""
    text = _read_text(path, [])
    if text is None:
        return None
    allow_long_fields()
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error:
        return None


def _raw_column(path: Path, column: str) -> set[str] | None:
    """The values of one column, unvalidated (for cross-table checks); None if unavailable."""
    rows = _reference_rows(path)
    if rows is None or (rows and column not in rows[0]):
        return None
    return {row[column] for row in rows if row.get(column)}


def _reference_file(path: Path | None, file_name: str) -> Path:
    if path is not None and (path.parent / file_name).exists():
        return path.parent / file_name
    return records_dir() / file_name


def _vocabulary_sets(path: Path | None) -> dict[str, set[str]] | None:
    rows = _reference_rows(_reference_file(path, "vocabularies.csv"))
    if rows is None:
        return None
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row.get("vocabulary", ""), set()).add(row.get("value", ""))
    return out


def _context(kind: str, path: Path | None, issues: list[ValidationIssue], name: str) -> dict:
    """Reference data for cross-table checks, with an issue when it cannot be found."""
    context: dict[str, Any] = {}
    needs = {
        "clusters": ("vocabularies", "region_aliases"),
        "mne_links": ("vocabularies", "cluster_ids"),
        "regional_indicators": ("region_aliases",),
        "organisations": ("vocabularies",),
        "memberships": ("vocabularies", "cluster_ids", "organisation_ids"),
    }.get(kind, ())
    if "vocabularies" in needs:
        vocabularies = _vocabulary_sets(path)
        if vocabularies is None:
            issues.append(
                ValidationIssue(name, None, None, _say("no_reference", file="vocabularies.csv"))
            )
        context["vocabularies"] = vocabularies
    if "region_aliases" in needs:
        aliases = _raw_column(_reference_file(path, "region_aliases.csv"), "alias")
        if aliases is None:
            issues.append(
                ValidationIssue(name, None, None, _say("no_reference", file="region_aliases.csv"))
            )
        context["region_aliases"] = aliases
    if "cluster_ids" in needs:
        cluster_ids = _raw_column(_reference_file(path, "clusters.csv"), "id")
        if cluster_ids is None:
            problem = _say("no_reference", file="clusters.csv")
            issues.append(ValidationIssue(name, None, None, problem))
        context["cluster_ids"] = cluster_ids
    if "organisation_ids" in needs:
        organisation_ids = _raw_column(_reference_file(path, "organisations.csv"), "org_id")
        if organisation_ids is None:
            problem = _say("no_reference", file="organisations.csv")
            issues.append(ValidationIssue(name, None, None, problem))
        context["organisation_ids"] = organisation_ids
    return context


def error_message(error: Mapping[str, Any], templates: Mapping[str, str] = ERROR_TEMPLATES) -> str:
    """The sentence of one pydantic error (an item of ``ValidationError.errors()``): a
    :class:`~geo.base.errors.Message` (English, translatable) for the types of ``templates``
    and the pydantic types of :data:`PYDANTIC_ERRORS`, else pydantic's English text.

    A pydantic message about a text input is prefixed with the input, as ``'abc': ...``.
    """
    kind = str(error.get("type"))
    context = dict(error.get("ctx") or {})
    if kind in templates:
        return message(templates[kind], **context)
    if kind == "value_error":  # a plain ValueError: its text, untranslated
        return str(context.get("error", error.get("msg")))
    msg = str(error.get("msg"))
    problem: str = msg
    if kind in PYDANTIC_ERRORS and Message(PYDANTIC_ERRORS[kind], **context) == msg:
        problem = Message(PYDANTIC_ERRORS[kind], **context)
    value = error.get("input")
    return (
        message(INPUT_PROBLEM, input=value, problem=problem) if isinstance(value, str) else problem
    )


def read_table(kind: str, path: Path | None = None) -> pd.DataFrame:
    """Read and validate one records table.

    ``kind`` is one of :data:`KINDS` (``clusters``, ``mne_links``, ``regional_indicators``,
    ``region_aliases``, ``vocabularies``, ``published_aggregates``, ``index_weights``);
    ``path`` defaults to ``records_dir() / f"{kind}.csv"``. See the module docstring for
    how missing markers are returned. Raises :class:`DataValidationError` listing every
    issue (missing or unexpected columns, malformed cells, values outside vocabularies,
    duplicate keys, dangling references, empty sources).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    schema = KINDS[kind]
    path = Path(path) if path is not None else records_dir() / schema.file_name
    name = path.name
    issues: list[ValidationIssue] = []

    # Cells are read as text with the csv module: the equivalent of
    # ``pd.read_csv(dtype=str, keep_default_na=False)`` (no NA guessing), but a short or long
    # row is reported with its row number instead of being padded or aborting the read.
    raw = _read_raw(path, issues)
    if raw is None:
        raise DataValidationError(issues)

    expected = _columns(kind)
    missing_columns = _check_header(raw.header, expected, name, issues)
    context = _context(kind, path, issues, name)
    reader = _RowReader(schema, name, expected, missing_columns, context, issues)
    position = {column: i for i, column in enumerate(raw.header) if column in expected}
    for row_number, cells in raw.rows:
        reader.read(row_number, _row_cells(position, cells, reader, row_number))

    if issues:
        raise DataValidationError(issues)
    return _table_frame(kind, path, reader.records, reader.markers, expected)


def _check_header(
    header: list[str], expected: list[str], name: str, issues: list[ValidationIssue]
) -> list[str]:
    """Report duplicate, missing and unexpected columns; the missing ones are returned."""
    seen: set[str] = set()
    for column in header:
        if column in seen:
            issues.append(ValidationIssue(name, 1, column, _say("duplicate_column")))
        seen.add(column)
    missing_columns = [c for c in expected if c not in header]
    for column in missing_columns:
        issues.append(ValidationIssue(name, 1, column, _say("missing_column")))
    for column in header:
        if column not in expected:
            issues.append(ValidationIssue(name, 1, column, _say("unexpected_column")))
    return missing_columns


@dataclass
class _RowReader:
    """Validates the rows of one table in turn, collecting records, the missing markers
    of their cells and the issues (duplicate keys among them)."""

    schema: type[_Record]
    name: str
    expected: list[str]
    missing_columns: list[str]
    context: dict
    issues: list[ValidationIssue]
    records: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    markers: dict[str, dict[int, str]] = dataclasses.field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = dataclasses.field(default_factory=dict)

    def read(self, row_number: int, data: dict[str, Any]) -> None:
        """Validate one row's cells (``{column: text}``) and keep its record."""
        schema = self.schema
        try:
            record = schema.model_validate(_fill(data, self.missing_columns), context=self.context)
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else None
                if column not in self.missing_columns:
                    self.issues.append(
                        ValidationIssue(self.name, row_number, column, error_message(error))
                    )
            return
        key = tuple(str(getattr(record, c)) for c in schema.unique_key)
        if key in self.keys and not set(schema.unique_key) & set(self.missing_columns):
            label = ", ".join(f"{c}={v!r}" for c, v in zip(schema.unique_key, key, strict=True))
            message = _say("duplicate", label=label, first=self.keys[key])
            self.issues.append(
                ValidationIssue(self.name, row_number, schema.unique_key[0], message)
            )
            return
        self.keys[key] = row_number
        position = len(self.records)
        self.records.append(record.model_dump())
        for column, cell in data.items():
            if column != "notes" and cell in MISSING_MARKERS:
                self.markers.setdefault(column, {})[position] = cell


def _row_cells(
    position: dict[str, int], cells: list[str], reader: _RowReader, row_number: int
) -> dict[str, Any]:
    """The cells of the expected columns of one row (``position``: column → index in the
    row), by column; a cell with leading or trailing whitespace is reported (and kept)."""
    data: dict[str, Any] = {}
    for column in reader.expected:
        if column not in position:
            continue
        cell = cells[position[column]]
        if cell != cell.strip():
            reader.issues.append(
                ValidationIssue(reader.name, row_number, column, _say("whitespace", cell=cell))
            )
        data[column] = cell
    return data


def _table_frame(
    kind: str,
    path: Path,
    records: list[dict[str, Any]],
    markers: dict[str, dict[int, str]],
    expected: list[str],
) -> pd.DataFrame:
    """The validated records as a frame: numeric columns ``float64``, text ``str``."""
    df = pd.DataFrame.from_records(records, columns=expected)
    numeric = _numeric_columns(kind)
    for column in expected:
        if column in numeric:
            df[column] = pd.to_numeric(df[column], errors="raise").astype("float64")
        else:
            df[column] = df[column].astype("str")  # missing stays missing (NaN)
    df.attrs["kind"] = kind
    df.attrs["source_file"] = str(path)
    df.attrs["missing_markers"] = markers
    return df


def _fill(data: dict[str, Any], missing_columns: Iterable[str]) -> dict[str, Any]:
    """Give absent columns a neutral value so the other columns are still checked."""
    filled = dict(data)
    for column in missing_columns:
        filled[column] = "x"  # issues on absent columns are dropped; one issue names them
    return filled


# --------------------------------------------------------------------------- kinds and files


def detect_kind(path: Path | str) -> str:
    """The kind of a records CSV, from its header.

    The kind whose schema columns best cover the header wins (at least half of its columns
    must be present, so a file with one missing column is still recognised). Raises
    ``ValueError`` when no kind fits or two fit equally well.
    """
    path = Path(path)
    issues: list[ValidationIssue] = []
    text = _read_text(path, issues)
    rows = None if text is None else _csv_rows(text.split("\n", 1)[0], path.name, issues)
    if rows is None:
        raise ValueError(issues[0].message)
    header = rows[0] if rows else []
    present = set(header)
    scores = []
    for kind in KINDS:
        columns = set(_columns(kind))
        covered = len(columns & present) / len(columns)
        extra = len(present - columns)
        scores.append((covered, -extra, kind))
    scores.sort(reverse=True)
    best = scores[0]
    if best[0] < 0.5 or (len(scores) > 1 and scores[1][:2] == best[:2]):
        raise ValueError(no_kind(display_name(path.name)))
    return best[2]


def no_kind(name: str) -> Message:
    """Why a file is not a records table: its header matches none."""
    return _say("no_kind", name=name)


def validate_file(path: Path | str) -> list[ValidationIssue]:
    """Every validation issue of one records CSV (empty list when it is valid).

    The kind is detected from the header (:func:`detect_kind`). Used by
    ``clustermap validate PATH``.
    """
    path = Path(path)
    name = display_name(path.name or path)
    issues: list[ValidationIssue] = []
    if _read_text(path, issues) is None:
        return issues
    try:
        kind = detect_kind(path)
    except ValueError as exc:
        return [ValidationIssue(name, 1, None, exc.args[0])]
    try:
        read_table(kind, path)
    except DataValidationError as exc:
        return exc.issues
    return []


# --------------------------------------------------------------------------- loaders


def load_clusters() -> pd.DataFrame:
    """``clusters.csv``: the 25 pilot innovative clusters and the clusters named in 003."""
    return read_table("clusters")


def load_mne_links() -> pd.DataFrame:
    """``mne_links.csv``: MNEs named in 003 in relation to a cluster."""
    return read_table("mne_links")


def load_regional_indicators() -> pd.DataFrame:
    """``regional_indicators.csv``: 002 Table 6 in long format (19 regions × 5 values)."""
    return read_table("regional_indicators")


def load_vocabularies() -> pd.DataFrame:
    """``vocabularies.csv``: allowed values and their English/Russian labels."""
    return read_table("vocabularies")


def load_region_aliases() -> pd.DataFrame:
    """``region_aliases.csv``: every region spelling → ISO 3166-2 code."""
    return read_table("region_aliases")


def load_aggregates() -> pd.DataFrame:
    """``published_aggregates.csv``: aggregate figures as printed in 002 and 003."""
    return read_table("published_aggregates")


def load_index_weights() -> pd.DataFrame:
    """``index_weights.csv``: the weighting factors α of 002 Table 4."""
    return read_table("index_weights")


def load_organisations() -> pd.DataFrame:
    """``organisations.csv``: member organisations (the MNEs named in 003)."""
    return read_table("organisations")


def load_memberships() -> pd.DataFrame:
    """``memberships.csv``: organisations' memberships of clusters (from ``mne_links.csv``)."""
    return read_table("memberships")


# --------------------------------------------------------------------------- helpers


def regional_indicators_wide(df: pd.DataFrame) -> pd.DataFrame:
    """One row per region, one column per indicator (order of 002 Table 6).

    ``df`` is the long table from :func:`load_regional_indicators`. The result has a
    ``region_as_published`` column, then any column the caller added to the long table
    that is constant within a region (e.g. a ``region_code`` from the alias table), then
    the indicators present; missing values stay ``NaN``. Regions keep the order in which
    they first appear. Raises ``ValueError`` if an added column varies within a region.
    """
    key = "region_as_published"
    wide = df.pivot(index=key, columns="indicator", values="value")
    order = [i for i in REGIONAL_INDICATORS if i in wide.columns]
    regions = list(dict.fromkeys(df[key]))
    wide = wide.reindex(index=regions, columns=order)
    wide.columns.name = None
    added = [c for c in df.columns if c not in RegionalIndicatorRecord.model_fields]
    if added:
        grouped = df.groupby(key, sort=False)[added]
        counts = grouped.nunique(dropna=False)
        varying = [c for c in added if (counts[c] > 1).any()]
        if varying:
            raise ValueError(f"columns vary within a region: {', '.join(varying)}")
        wide = grouped.first().reindex(regions).join(wide)
    return wide.reset_index()


def region_code_for(name: str, aliases: pd.DataFrame | None = None) -> str | None:
    """The ISO 3166-2 code of a region spelling, by exact match in ``region_aliases.csv``.

    Returns ``None`` for an unknown spelling: no fuzzy matching, no case folding.
    """
    table = aliases if aliases is not None else load_region_aliases()
    hits = table.loc[table["alias"] == name, "region_code"]
    return None if hits.empty else str(hits.iloc[0])


def vocabulary_labels(path: Path | None = None) -> VocabularyLabels:
    """The English and Russian labels of ``vocabularies.csv``, validated on load."""
    return VocabularyLabels.from_frame(read_table("vocabularies", path))
