"""Importing records from the files people actually have: CSV, XLSX and GeoJSON.

Two steps, both free of side effects (the store applies the result, in one transaction):

1. :func:`parse_bytes` / :func:`read_file` read a file of one kind (``clusters``,
   ``mne_links``, ``regional_indicators``) into :class:`SourceRow` objects keyed by schema
   column. Real-world files are accepted as they come: UTF-8, UTF-8 with BOM, UTF-16 with
   BOM or Windows-1251; comma, semicolon or tab separated; decimal commas and digit-group
   spaces in numbers; ``n/a``, ``н/д``, ``—``, ``-``, ``not reported``, ``нет данных`` and
   empty cells as missing; English or Russian column headers (:data:`HEADER_NAMES`,
   documented in ``data/README-import.md``); vocabulary values by value or by their
   English or Russian label (``vocabularies.csv``); countries by ISO name, code or
   Russian name; regions by code or any known name (:class:`geo.data.joins.RegionResolver`).
   Regional indicators may also come wide: one row per region, one column per indicator.
   Columns the app computes (points, indices, the region names the map's export adds) are
   ignored, so the app's own listings and exports import back unchanged; a ``region_code``
   next to ``region_as_published`` is checked against it row by row. Where an export's row
   says its member counts are counted from the listed members (``participants_basis``), the
   card's reported numbers beside them are what it stores (:data:`REPORTED_COUNTS`).
2. :func:`plan_import` checks every row against the stored records and returns an
   :class:`ImportPlan`: the records added, changed or removed, and every problem with its
   row, column (as the file names it) and reason. Validation is the one of
   :mod:`geo.data.records` (its pydantic models) with two rules widened for a registry that
   grows: clusters registered here get ids ``CL-NNNN``, and ``source_doc`` may be
   ``registry`` (entered by an editor; ``source_ref`` says where from).

Problems and notices are English (what the command line prints) and translatable: each is
a :class:`geo.base.errors.Message` built from a msgid of :data:`MESSAGES` or
:data:`ERROR_TEMPLATES` (the validators raise pydantic errors of those types), so a page
shows them in the user's language (:func:`issues_frame` with ``lang``,
:func:`geo.base.errors.localised`); :func:`changes_frame` and :func:`localise_columns` do the
same for the change and column tables. The file's own headers, cells and names stay as
they are.

Missing values keep their marker (``n/a`` vs ``not reported``). An empty cell never
overwrites a stored marker: it means "nothing to say", not "now unknown".
"""

from __future__ import annotations

import codecs
import csv
import gettext
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import pycountry
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from geo.analysis.members import BASIS
from geo.base.errors import DataValidationError, Message, Number, ValidationIssue
from geo.base.i18n import N_, SUPPORTED, translator
from geo.base.safefiles import FileRefused, FileTooLarge, display_name, read_bounded
from geo.base.shown import LONG, code_points, shown, unsafe_characters
from geo.data import cardfields, records
from geo.data.joins import RegionResolver, normalise_name, pick_city
from geo.data.regions import load_regions
from geo.registry import card
from geo.render.exports import tables as export_tables
from geo.render.exports.formulas import read_back

__all__ = [
    "HEADER_NAMES",
    "IMPORT_KINDS",
    "MAX_UPLOAD_BYTES",
    "REGISTRY_SOURCE",
    "Change",
    "Entry",
    "ImportPlan",
    "ParsedFile",
    "References",
    "RegistryCluster",
    "RegistryMneLink",
    "RegistryRegionalIndicator",
    "RegistryOrganisation",
    "RegistryMembership",
    "SourceRow",
    "form_file",
    "indicator_key",
    "parse_bytes",
    "plan_import",
    "plan_kinds",
    "plan_removal",
    "read_file",
]

#: Kinds of records the registry stores and imports.
IMPORT_KINDS: tuple[str, ...] = (
    "clusters",
    "mne_links",
    "regional_indicators",
    "organisations",
    "memberships",
)

#: Largest file accepted (also ``server.maxUploadSize`` in ``.streamlit/config.toml``).
MAX_UPLOAD_BYTES = records.MAX_FILE_BYTES

#: Most data rows one file may hold (a registry of 20,000 clusters fits five times over).
MAX_ROWS = 100_000

#: Most columns one file may hold (the widest schema has 20; a wide regional table 6).
MAX_COLUMNS = 200

#: Most characters of a column header.
MAX_HEADER = 200

#: Most characters of a file name shown (file systems allow 255 bytes).
MAX_NAME = 255

#: Most bytes an XLSX workbook may unpack to (a 5 MB upload of XML compresses about ten
#: times; a "zip bomb" of 200 KB can unpack to gigabytes).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

#: ``source_doc`` of records entered by an editor (form or import) rather than
#: transcribed from documents 001-003.
REGISTRY_SOURCE = "registry"

_REGISTRY_ID = re.compile(r"CL-\d{4,}")
_PUBLISHED_ID = re.compile(r"(PIC|P003)-\d{2}")

Format = Literal["csv", "xlsx", "geojson"]
_FORMATS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
}

# --------------------------------------------------------------------------- schemas


#: Why a registry value is refused, by pydantic error type (as
#: :data:`geo.data.records.ERROR_TEMPLATES`, whose types apply too).
ERROR_TEMPLATES: dict[str, str] = {
    **records.ERROR_TEMPLATES,
    "registry_source_doc": N_(
        "'{value}' is not a ';'-separated list of {allowed} (no spaces); "
        "use '{registry}' for data you enter and name its source in source_ref"
    ),
    "registry_id": N_(
        "'{value}' is not an id of the form CL-NNNN (registered clusters) "
        "or PIC-NN / P003-NN (published clusters)"
    ),
    "assessment_without_level": N_(
        "{columns} given without a development level (org_level): the assessment is of a level"
    ),
    **cardfields.ERROR_TEMPLATES,
}


def _invalid(kind: str, /, **values: Any) -> PydanticCustomError:
    """A registry validation error of type ``kind`` (:data:`ERROR_TEMPLATES`)."""
    return PydanticCustomError(kind, ERROR_TEMPLATES[kind], values)


def _registry_source_doc(value: str) -> str:
    allowed = records.SOURCE_DOCS | {REGISTRY_SOURCE}
    if any(part not in allowed for part in value.split(";")):
        raise _invalid(
            "registry_source_doc",
            value=value,
            allowed=str(sorted(allowed)),
            registry=REGISTRY_SOURCE,
        )
    return value


RegistrySourceDoc = Annotated[records.RequiredText, AfterValidator(_registry_source_doc)]


#: Most characters of a card's description (each language) and of an assessment's basis.
MAX_DESCRIPTION = 5_000


def _long_text(value: Any) -> str | None:
    """A description or a note of several lines (tabs and line breaks allowed), at most
    :data:`MAX_DESCRIPTION` characters; missing markers read as missing."""
    if value is None or (isinstance(value, str) and value in records.MISSING_MARKERS):
        return None
    return records.safe_text(str(value), MAX_DESCRIPTION, records.NOTE_CONTROLS)


LongText = Annotated[str | None, BeforeValidator(_long_text)]

#: The assessment of a cluster's development level: who, when, on what basis.
ASSESSMENT_FIELDS: tuple[str, ...] = (
    "org_level_assessed_by",
    "org_level_assessed_at",
    "org_level_basis",
)


class RegistryCluster(records.ClusterRecord):
    """:class:`geo.data.records.ClusterRecord` plus registered clusters (``CL-NNNN``),
    ``source_doc = registry`` and the full card of issue 16 (registry-only, optional
    fields after ``notes``; the published ``clusters.csv`` does not have them, so they read
    "not reported" there: documents 001-003 give none of them for any cluster). Every
    other rule is the published schema's.

    The card: founding year; the specialised organisation that manages the cluster (name,
    INN with its check digits, web site) and its contact person, e-mail and phone
    (private: :data:`geo.registry.card.PRIVATE_FIELDS`); the cluster's web site;
    description in Russian and English; employees and revenue (bln rub.; exports are
    ``export_bln_rub``); who assessed the development level (``org_level``), when and on
    what basis (moderator-only: :data:`geo.registry.card.MODERATOR_FIELDS`); the document
    of the status; and ``field_sources``, one ``field | source | date`` line per field
    (:func:`geo.data.cardfields.parse_sources`). ``specialisation`` may list several,
    separated by ``;``.
    """

    source_doc: RegistrySourceDoc
    founded_year: records.Count = None
    website: records.OptionalText = None
    description_ru: LongText = None
    description_en: LongText = None
    employees: records.Count = None
    revenue_bln_rub: records.NonNegative = None
    manager_name: records.OptionalText = None
    manager_inn: records.OptionalText = None
    manager_website: records.OptionalText = None
    contact_person: records.OptionalText = None
    contact_email: records.OptionalText = None
    contact_phone: records.OptionalText = None
    org_level_assessed_by: records.OptionalText = None
    org_level_assessed_at: records.OptionalText = None
    org_level_basis: LongText = None
    status_document: records.OptionalText = None
    field_sources: LongText = None

    @field_validator("id")
    @classmethod
    def _id_pattern(cls, value: str) -> str:
        if _REGISTRY_ID.fullmatch(value) or _PUBLISHED_ID.fullmatch(value):
            return value
        raise _invalid("registry_id", value=value)

    @field_validator("specialisation")
    @classmethod
    def _specialisations(cls, value: str | None) -> str | None:
        return cardfields.check_specialisations(value)

    @field_validator("founded_year")
    @classmethod
    def _founded(cls, value: float | None) -> float | None:
        return cardfields.check_founded(value)

    @field_validator("website", "manager_website")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return cardfields.check_url(value)

    @field_validator("manager_inn")
    @classmethod
    def _inn(cls, value: str | None) -> str | None:
        return cardfields.check_inn(value)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return cardfields.check_email(value)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return cardfields.check_phone(value)

    @field_validator("org_level_assessed_at")
    @classmethod
    def _assessed_at(cls, value: str | None) -> str | None:
        return cardfields.check_date(value)

    @model_validator(mode="after")
    def _assessment_needs_level(self) -> RegistryCluster:
        """Who assessed the level, when and why mean nothing without a level: the level
        is the observatory's assessment, a note alone is not one."""
        given = [c for c in ASSESSMENT_FIELDS if getattr(self, c) is not None]
        if given and self.org_level is None:
            raise _invalid("assessment_without_level", columns=", ".join(given))
        return self

    @field_validator("field_sources")
    @classmethod
    def _field_sources(cls, value: str | None) -> str | None:
        if value is None:
            return None
        notes = cardfields.parse_sources(value, SOURCED_FIELDS)
        return cardfields.format_sources(notes) or None


#: The fields of the card ``field_sources`` may give a source and date for: every
#: cluster field but the id, the record's own sources and the assessment of the level
#: (whose assessor and date are its source).
SOURCED_FIELDS: tuple[str, ...] = tuple(
    name
    for name in RegistryCluster.model_fields
    if name
    not in {
        "id",
        "source_doc",
        "source_ref",
        "notes",
        "field_sources",
        *ASSESSMENT_FIELDS,
    }
)


class RegistryMneLink(records.MneLinkRecord):
    """:class:`geo.data.records.MneLinkRecord` with ``source_doc = registry`` allowed."""

    source_doc: RegistrySourceDoc


class RegistryRegionalIndicator(records.RegionalIndicatorRecord):
    """:class:`geo.data.records.RegionalIndicatorRecord` with ``source_doc = registry`` allowed
    (new indicator years come from statistics, named in ``original_source``)."""

    source_doc: RegistrySourceDoc


class RegistryOrganisation(records.OrganisationRecord):
    """:class:`geo.data.records.OrganisationRecord` with ``source_doc = registry`` allowed
    (organisations a moderator or a cluster's manager enters)."""

    source_doc: RegistrySourceDoc


class RegistryMembership(records.MembershipRecord):
    """:class:`geo.data.records.MembershipRecord` with ``source_doc = registry`` allowed."""

    source_doc: RegistrySourceDoc


@dataclass(frozen=True)
class _Kind:
    """What the importer needs to know about one kind of record."""

    model: type[
        records.ClusterRecord
        | records.MneLinkRecord
        | records.RegionalIndicatorRecord
        | records.OrganisationRecord
        | records.MembershipRecord
    ]
    key: tuple[str, ...]
    vocabularies: Mapping[str, str]  # column → vocabulary
    region_column: str | None
    computed: tuple[str, ...]  # columns of exports derived by the app: ignored on import

    @property
    def columns(self) -> list[str]:
        return list(self.model.model_fields)

    @property
    def numeric(self) -> set[str]:
        return {
            name
            for name, info in self.model.model_fields.items()
            if info.annotation in (float, float | None)
        }


_KINDS: dict[str, _Kind] = {
    "clusters": _Kind(
        RegistryCluster,
        ("id",),
        {"industry_group": "industry_group", "status": "status", "org_level": "org_level"},
        "region_as_published",
        (
            "lat",
            "lon",
            "mne_count",
            "location_basis",
            "geonameid",
            "located_region_code",
            "region_mismatch",
            "cluster_index",
            "region_index",
            "scenario",
            "широта",
            "долгота",
            # columns the map's CSV export adds (geo.render.exports.clusters_table)
            "region_name_en",
            "region_name_ru",
            "federal_district",
            # the counts of the listed members (geo.analysis.cluster_columns); the basis and
            # the reported numbers are read (REPORTED_COUNTS)
            "participants_listed",
            "intl_members_listed",
        ),
    ),
    "mne_links": _Kind(
        RegistryMneLink,
        ("link_id",),
        {"relation": "relation", "presence": "presence", "interplay_type": "interplay_type"},
        None,
        ("cluster_name", "region_code"),  # added by the map's CSV export (geo.render.exports)
    ),
    "regional_indicators": _Kind(
        RegistryRegionalIndicator,
        ("region_as_published", "indicator", "reference_year"),
        {},
        "region_as_published",
        (  # the region table of the map's CSV export (geo.render.exports.regions_table)
            "name_en",
            "name_ru",
            "type",
            "federal_district",
            "area_km2",
            "disputed",
            "measure",
            "measure_value",
            "measure_class",
            "measure_class_label",
            "fill_colour",
            "clusters_in_view",
            "mne_links_in_view",
            "fea_index_recomputed",
        ),
    ),
    "organisations": _Kind(
        RegistryOrganisation,
        ("org_id",),
        {"org_type": "org_type", "size": "org_size", "foreign_owned": "foreign_owned"},
        None,
        (),
    ),
    "memberships": _Kind(
        RegistryMembership,
        ("membership_id",),
        {
            "role": "member_role",
            "relation": "relation",
            "presence": "presence",
            "interplay_type": "interplay_type",
        },
        None,
        ("cluster_name", "organisation_name"),
    ),
}

#: The column of a clusters export that says, row by row, what its ``participants`` and
#: ``intl_members`` are (:data:`geo.analysis.members.BASIS`): counted from the cluster's
#: listed members, or the card's own numbers.
COUNT_BASIS = "participants_basis"

#: Where a row's basis is "members listed", its ``participants`` and ``intl_members`` are
#: counts of the listed members, not the card's: the card's numbers are these columns of
#: the export (exported column → stored column), and the row stores them.
REPORTED_COUNTS: dict[str, str] = {
    "participants_reported": "participants",
    "intl_members_reported": "intl_members",
}

#: Columns of the exports that no record stores but an import reads, by kind: column →
#: how it is read (its status in :attr:`ParsedFile.columns`, English msgid).
READ_BESIDE: dict[str, dict[str, str]] = {
    "clusters": {
        COUNT_BASIS: N_("basis of the member counts: read row by row"),
        **dict.fromkeys(
            REPORTED_COUNTS, N_("the card's number: read where the basis is 'members listed'")
        ),
    },
}

_SOURCE_HEADERS: dict[str, tuple[str, ...]] = {
    "source_doc": ("source_doc", "документ-источник", "источник"),
    "source_ref": ("source_ref", "ссылка на источник", "место в источнике"),
    "notes": ("notes", "примечания", "примечание"),
}
_REGION_CODE_HEADERS = ("region_code", "код региона", "code")
#: Status of a region-code column next to ``region_as_published`` (as exports write them).
REGION_CHECK = N_("region code: checked against region_as_published")

#: How a file's column was understood (the ``status`` of :attr:`ParsedFile.columns`):
#: English as stored, translated for display by :func:`localise_columns`.
COLUMN_STATUS: dict[str, str] = {
    "mapped": N_("mapped"),
    "no header": N_("no header"),
    "computed by the app: ignored": N_("computed by the app: ignored"),
    "unknown": N_("unknown"),
    "duplicate": N_("duplicate"),
    REGION_CHECK: REGION_CHECK,
    **{status: status for beside in READ_BESIDE.values() for status in beside.values()},
}
WIDE_INDICATOR = N_("indicator {indicator} (wide table)")
"""Status of a column of a wide regional table (one column per indicator)."""

#: The problems and notices of reading and planning an import (English msgids; values
#: are the file's own names and cells, never translated).
MESSAGES: dict[str, str] = {
    "too_large": N_("the file has {size} MB; at most {limit} MB can be imported"),
    "unknown_type": N_("unknown file type; expected {listed}"),
    "not_text": N_("the file is neither UTF-8 nor Windows-1251 text"),
    "utf16": N_(
        "encoding not recognised: the file looks like UTF-16 without a byte order mark; "
        "save it as UTF-8"
    ),
    "encoding_guess": N_(
        "encoding not recognised: read as Windows-1251 no header matches, read as {guess} "
        "they do; save the file as UTF-8"
    ),
    "encoding_unknown": N_(
        "encoding not recognised: read as Windows-1251 no header matches the {kind} import "
        "schema; save the file as UTF-8"
    ),
    "not_csv": N_("not a readable CSV table ({error})"),
    "quote": N_(
        "a quote opened in this row is never closed (the rest of the file would be one cell)"
    ),
    "too_many_rows": N_(
        "the file has data in row {row}; at most {limit} rows can be imported at once"
    ),
    "sheet_rows": N_(
        "the sheet goes on beyond row {row}; at most {limit} rows can be imported at once"
    ),
    "too_many_columns": N_("the file has {count} columns; at most {limit} can be imported"),
    "header_long": N_("a header of {length} characters is too long (at most {limit})"),
    "not_xlsx": N_("not a readable XLSX workbook ({error})"),
    "no_sheet": N_("the workbook has no sheet named {expected} (its sheets: {sheets})"),
    "first_sheet": N_(
        "the workbook has no sheet named {expected}: its first sheet, '{sheet}', is read"
    ),
    "unpacked": N_(
        "the workbook is too large when uncompressed: {size} MB; at most {limit} MB can be read"
    ),
    "formula": N_(
        "a formula without a saved value ({formula}); save the workbook in a spreadsheet "
        "program so that the value is stored, or type the value"
    ),
    "not_geojson": N_("not valid GeoJSON ({error})"),
    "too_deep": N_("the JSON is nested too deeply to read (hundreds of levels)"),
    "not_collection": N_("not a GeoJSON FeatureCollection"),
    "features_type": N_("'features' is not a list of GeoJSON Features"),
    "feature_type": N_("feature {number} is not a GeoJSON Feature (an object)"),
    "properties_type": N_("the properties of feature {number} are not an object"),
    "list_value": N_("a list is not a cell value; give text or a number"),
    "object_value": N_("an object is not a cell value; give text or a number"),
    "json_constant": N_(
        "'{text}' is not a number in JSON (JSON has no NaN or Infinity); give a number or "
        "leave the value empty"
    ),
    "no_header": N_("the file has no header row"),
    "no_rows": N_("the file has no data rows"),
    "geometry_ignored": N_(
        "feature geometry is ignored: cluster points are located from the city (see data/README.md)"
    ),
    "empty_rows": N_("{count} empty row(s) skipped"),
    "unexpected_column": N_("unexpected column (not in the {kind} import schema)"),
    "same_column": N_("'{first}' and '{heading}' both give '{column}'"),
    "mixed_wide": N_("mixes indicator columns with 'indicator'/'value' columns"),
    "fields": N_("has {fields} fields but the header has {header}"),
    "unnamed_value": N_("a value in column {position}, which has no header"),
    "region_code": N_("region code '{code}' is not the region of '{region}' (region_as_published)"),
    "unknown_region": N_("unknown region '{region}' (not a region code, name or known alias)"),
    "column_needed": N_("{problem}; the file has no '{column}' column, needed for a new record"),
    "unlocatable_city": N_(
        "{reason}; give a city the gazetteer knows, or leave it empty to place the cluster "
        "at its region"
    ),
    "unknown_basis": N_("'{value}' is not a basis of the member counts; expected one of {allowed}"),
    "duplicate": N_("duplicate record {key}"),
    "duplicate_at": N_("duplicate record {key} (first at row {first})"),
    "no_record": N_("no record {key}"),
    "linked_cluster": N_(
        "cluster {key} cannot be removed: MNE link(s) {links} refer to it; "
        "remove or move them first"
    ),
    "linked_members": N_(
        "{key} cannot be removed: membership(s) {links} refer to it; remove them first"
    ),
}

#: Why :func:`geo.data.joins.pick_city` cannot place a city (its English reasons, matched to
#: be translated; a reason that does not match stays English).
CITY_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"city '(?P<name>.*)' is not in the offline gazetteer \(GeoNames\)"),
        N_("city '{name}' is not in the offline gazetteer (GeoNames)"),
    ),
    (
        re.compile(r"declared region '(?P<region>.*)' has no geometry"),
        N_("declared region '{region}' has no geometry"),
    ),
    (
        re.compile(
            r"no city '(?P<name>.*)' in or within (?P<radius>\d+) km of (?P<region>\S+) "
            r"\(nearest candidate (?P<distance>\d+) km away\)"
        ),
        N_(
            "no city '{name}' in or within {radius} km of {region} "
            "(nearest candidate {distance} km away)"
        ),
    ),
    (
        re.compile(r"(?P<count>\d+) cities named '(?P<name>.*)' in (?P<region>\S+): ambiguous"),
        N_("{count} cities named '{name}' in {region}: ambiguous"),
    ),
)
_REGION_HEADERS = (
    "region_as_published",
    "region",
    "region_code",
    "регион",
    "код региона",
    "субъект рф",
    "субъект российской федерации",
)

#: Accepted column headers per kind and schema column: the schema name first, then the
#: English and Russian names a file may use. Matching folds case, ``ё``, dashes, quotes,
#: dots and commas (:func:`geo.data.joins.normalise_name`). ``data/README-import.md`` lists them.
HEADER_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "clusters": {
        "id": ("id", "идентификатор", "код кластера"),
        "name_en": ("name_en", "name", "название (англ.)", "название на английском языке"),
        "name_ru": ("name_ru", "название", "название (рус.)", "название кластера"),
        "city": ("city", "город"),
        "region_as_published": _REGION_HEADERS,
        "industry_group": ("industry_group", "отраслевая группа"),
        "specialisation": ("specialisation", "specialization", "специализация"),
        "status": ("status", "статус", "статус кластера"),
        "org_level": ("org_level", "уровень организационного развития"),
        "participants": ("participants", "число участников"),
        "intl_members": ("intl_members", "число иностранных участников"),
        "export_bln_rub": ("export_bln_rub", "экспорт, млрд руб."),
        "publications": ("publications", "число публикаций"),
        "joint_rd_bln_rub": ("joint_rd_bln_rub", "совместные НИОКР, млрд руб."),
        "index_published": ("index_published", "опубликованный индекс интернационализации"),
        **_SOURCE_HEADERS,
        # the full card (issue 16)
        "founded_year": ("founded_year", "founding year", "год создания", "год основания"),
        "website": ("website", "web site", "сайт", "сайт кластера"),
        "description_ru": ("description_ru", "описание", "описание (рус.)"),
        "description_en": ("description_en", "description", "описание (англ.)"),
        "employees": ("employees", "число занятых", "численность работников"),
        "revenue_bln_rub": ("revenue_bln_rub", "выручка, млрд руб."),
        "manager_name": (
            "manager_name",
            "management organisation",
            "специализированная организация",
        ),
        "manager_inn": ("manager_inn", "ИНН специализированной организации", "ИНН"),
        "manager_website": ("manager_website", "сайт специализированной организации"),
        "contact_person": ("contact_person", "контактное лицо"),
        "contact_email": ("contact_email", "e-mail", "email", "электронная почта"),
        "contact_phone": ("contact_phone", "phone", "телефон"),
        "org_level_assessed_by": ("org_level_assessed_by", "кто оценил уровень"),
        "org_level_assessed_at": ("org_level_assessed_at", "дата оценки уровня"),
        "org_level_basis": ("org_level_basis", "основание оценки уровня"),
        "status_document": ("status_document", "документ о статусе"),
        "field_sources": ("field_sources", "источники полей"),
    },
    "mne_links": {
        "link_id": ("link_id", "идентификатор связи"),
        "mne_name": ("mne_name", "ТНК", "название ТНК"),
        "hq_country": ("hq_country", "страна штаб-квартиры"),
        "industry": ("industry", "отрасль"),
        "cluster_id": ("cluster_id", "идентификатор кластера", "кластер"),
        "relation": ("relation", "связь с кластером"),
        "presence": ("presence", "присутствие"),
        "interplay_type": ("interplay_type", "тип взаимодействия"),
        **_SOURCE_HEADERS,
    },
    "regional_indicators": {
        "region_as_published": (*_REGION_HEADERS, "code"),
        "indicator": ("indicator", "показатель"),
        "value": ("value", "значение"),
        "unit": ("unit", "единица измерения", "ед. изм."),
        "reference_year": ("reference_year", "year", "год"),
        "source_doc": _SOURCE_HEADERS["source_doc"],
        "source_ref": _SOURCE_HEADERS["source_ref"],
        "original_source": ("original_source", "первоисточник"),
        "notes": _SOURCE_HEADERS["notes"],
    },
    "organisations": {
        "org_id": ("org_id", "идентификатор организации", "код организации"),
        "name_en": ("name_en", "name", "название (англ.)", "название на английском языке"),
        "name_ru": ("name_ru", "название", "название (рус.)", "название организации"),
        "inn": ("inn", "ИНН"),
        "foreign_id": ("foreign_id", "иностранный идентификатор", "регистрационный номер"),
        "org_type": ("org_type", "type", "тип организации", "тип"),
        "size": ("size", "размер", "размер организации"),
        "foreign_owned": ("foreign_owned", "иностранная", "с иностранным капиталом"),
        "hq_country": ("hq_country", "страна штаб-квартиры"),
        "industry": ("industry", "отрасль"),
        "city": ("city", "город"),
        "region_code": ("region_code", "region", "регион", "код региона", "субъект рф"),
        **_SOURCE_HEADERS,
    },
    "memberships": {
        "membership_id": ("membership_id", "идентификатор участия"),
        "cluster_id": ("cluster_id", "идентификатор кластера", "кластер"),
        "org_id": ("org_id", "идентификатор организации", "организация"),
        "role": ("role", "роль", "роль в кластере"),
        "from_year": ("from_year", "с года", "год вступления"),
        "to_year": ("to_year", "по год", "год выхода"),
        "relation": ("relation", "связь с кластером"),
        "presence": ("presence", "присутствие"),
        "interplay_type": ("interplay_type", "тип взаимодействия"),
        "mne_link_id": ("mne_link_id", "link_id", "идентификатор связи"),
        **_SOURCE_HEADERS,
    },
}

#: Cell texts read as missing, folded, → the marker kept for them.
_MISSING_TOKENS: dict[str, str] = {
    "": "",
    "n/a": "n/a",
    "н/д": "n/a",
    "not reported": "not reported",
    "нет данных": "not reported",
    "—": "—",
    "–": "—",
    "-": "—",
}

# --------------------------------------------------------------------------- reference data


@lru_cache(maxsize=1)
def _russian_country_names() -> dict[str, str]:
    """Russian ISO 3166-1 names (pycountry's translations) → the English name."""
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True
    )
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for english in {country.name, getattr(country, "official_name", country.name)}:
            names[normalise_name(translation.gettext(english))] = country.name
    return names


@dataclass(frozen=True)
class References:
    """Reference data imports are checked against: the vocabularies (value and labels),
    the region names and, when given, the region geometry (a cluster's city must be
    locatable in its region, or the map could not place it)."""

    vocabularies: Mapping[str, frozenset[str]]
    labels: Mapping[str, Mapping[str, str]]  # vocabulary → folded value/label → value
    resolver: RegionResolver
    regions: Any = None  # detailed region GeoDataFrame (geo.data.regions.load_regions)

    @classmethod
    def from_tables(
        cls, vocabularies: pd.DataFrame, resolver: RegionResolver, regions: Any = None
    ) -> References:
        """Build from ``vocabularies.csv`` (as :func:`geo.data.records.load_vocabularies` reads
        it), a region resolver and optionally the detailed region geometry."""
        # Cells of vocabularies.csv are text (the row tuple's fields are typed as any cell).
        values: dict[Any, set[Any]] = {}
        labels: dict[Any, dict[str, Any]] = {}
        for row in vocabularies.itertuples(index=False):
            values.setdefault(row.vocabulary, set()).add(row.value)
            folded = labels.setdefault(row.vocabulary, {})
            for text in (row.label_en, row.label_ru, row.value):  # the value wins a clash
                if isinstance(text, str):
                    folded[normalise_name(text)] = row.value
        return cls({k: frozenset(v) for k, v in values.items()}, labels, resolver, regions)

    @classmethod
    def load(cls) -> References:
        """From the shipped tables: vocabularies, regions and region aliases."""
        detailed = load_regions("detailed")
        resolver = RegionResolver.from_tables(detailed, records.load_region_aliases())
        return cls.from_tables(records.load_vocabularies(), resolver, detailed)

    def indicator_headers(self) -> dict[str, str]:
        """Folded regional-indicator names and labels → indicator (for wide tables)."""
        folded = {normalise_name(i): i for i in records.REGIONAL_INDICATORS}
        folded.update(self.labels.get("regional_indicator", {}))
        return folded


# --------------------------------------------------------------------------- parsed files


@dataclass(frozen=True)
class SourceRow:
    """One row of an imported file, normalised, keyed by schema column.

    ``cells`` holds text (``str``), numbers (``float``) or ``None`` for missing cells;
    ``markers`` the missing marker of each missing cell; ``where`` the file's header for
    each column (what messages name). ``row`` is the spreadsheet row (header = 1), the
    GeoJSON feature number, or None for a form.
    """

    row: int | None
    cells: dict[str, Any]
    markers: dict[str, str]
    where: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    """A file read for import: its rows, how its columns were understood, and the
    problems found while reading. ``notices`` are English text that remembers its
    template (:class:`geo.base.errors.Message`): :func:`geo.base.errors.localised`
    translates one."""

    name: str
    kind: str
    format: str
    encoding: str | None
    columns: pd.DataFrame  # header, column, status
    rows: tuple[SourceRow, ...]
    issues: tuple[ValidationIssue, ...]
    notices: tuple[str, ...] = ()

    @property
    def provided(self) -> frozenset[str]:
        """Schema columns the file gives."""
        mapped = self.columns.loc[self.columns["status"] == "mapped", "column"]
        return frozenset(mapped)


def _say(key: str, /, **values: Any) -> Message:
    """The English sentence :data:`MESSAGES` ``[key]`` with ``values``, translatable; text
    values from the file are shortened and made visible (:func:`geo.data.records.message`)."""
    return records.message(MESSAGES[key], **values)


class _EncodingError(ValueError):
    """A file whose text encoding is not one of those read (the message says which)."""


def _looks_utf16(data: bytes) -> bool:
    """True when ``data`` reads as UTF-16 without a byte order mark: zero bytes in about
    every other position (the high bytes of ASCII separators, digits and Latin letters)
    and almost none in the others. A stray NUL in UTF-8 text is not UTF-16."""
    sample = data[:65536]
    half = len(sample) // 2
    if half < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    many, few = max(even, odd), min(even, odd)
    return many >= max(2, half // 10) and few <= half // 100


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1251; raises ``UnicodeDecodeError`` when none fits and :class:`_EncodingError`
    for UTF-16 without a byte order mark (it would read as UTF-8 full of NULs)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    if _looks_utf16(data):
        raise _EncodingError(_say("utf16"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1251"), "Windows-1251"


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number (>1) of fields;
    ties go to the one giving more fields, then to the comma."""
    sample = text.splitlines()[:50]
    best, best_fields = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            counts = {len(r) for r in csv.reader(sample, delimiter=delimiter) if any(r)}
        except csv.Error:
            continue
        if len(counts) == 1 and (fields := counts.pop()) > max(best_fields, 1):
            best, best_fields = delimiter, fields
    return best


_Raw = tuple[list[str], list[tuple[int, list[Any]]]]


def _csv_table(name: str, text: str, issues: list[ValidationIssue]) -> list[list[str]] | None:
    """The rows of a CSV text. A quote opened and never closed is reported at its row
    (read leniently it would swallow the rest of the file into one cell); other oddities
    of quoting are read as spreadsheets read them."""
    records.allow_long_fields()
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table: list[list[str]] = []
    try:
        table.extend(reader)
        return table
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            issues.append(ValidationIssue(name, len(table) + 1, None, _say("quote")))
            return None
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        issues.append(ValidationIssue(name, None, None, _say("not_csv", error=str(exc))))
        return None


def _raw_csv(name: str, data: bytes, issues: list[ValidationIssue]) -> tuple[_Raw, str] | None:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        issues.append(ValidationIssue(name, None, None, _say("not_text")))
        return None
    except _EncodingError as exc:
        issues.append(ValidationIssue(name, None, None, exc.args[0]))
        return None
    table = _csv_table(name, text, issues)
    if table is None:
        return None
    if not table:
        return ([], []), encoding
    return (table[0], list(enumerate(table[1:], start=2))), encoding


def _encoding_problem(
    name: str, data: bytes, kind: str, header: Sequence[str], refs: References
) -> ValidationIssue | None:
    """Why a Windows-1251 reading whose headers match nothing is probably the wrong
    encoding: the headers match when read as KOI8-R or DOS (CP866), else the file is not
    one of the encodings read. None when the header is plain ASCII (the encoding is not
    the problem then)."""
    if all(str(h).isascii() for h in header):
        return None
    first_line = data.split(b"\n", 1)[0]
    for codec, label in (("koi8_r", "KOI8-R"), ("cp866", "CP866 (DOS)")):
        heading = first_line.decode(codec, "replace").strip("\r\ufeff")
        fields = next(csv.reader([heading], delimiter=_delimiter(heading)), [])
        frame = _map_columns(name, kind, fields, refs, [])[0]
        if (frame["status"] == "mapped").any():
            return ValidationIssue(name, 1, None, _say("encoding_guess", guess=label))
    return ValidationIssue(name, 1, None, _say("encoding_unknown", kind=kind))


class _Formula(str):
    """An XLSX cell holding a formula whose value the file does not store (a workbook
    written by a script, never opened in a spreadsheet): the text is the formula."""


class _TooMuch(ValueError):
    """A file over one of the import's size limits (the message says which)."""


class _NoSheet(ValueError):
    """A workbook without a sheet for the kind imported (the message names its sheets)."""


def _unpacked_size(data: bytes) -> int:
    """The bytes an XLSX (a zip archive) says its parts unpack to. ``zipfile`` never reads
    more than a part declares, so this bounds what openpyxl can be made to read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _cell_value(cell: Any) -> Any:
    """A workbook cell's value: a formula as :class:`_Formula`; text as a spreadsheet shows
    it, OOXML's escapes of characters XML cannot hold (``_x0000_`` for NUL, ``_x000a_`` for
    a line break) decoded, so what they stand for is judged (a NUL is then refused)."""
    from openpyxl.utils.escape import unescape

    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return _Formula(value)
    return unescape(value) if isinstance(value, str) else value


def _sheet_spellings(kind: str) -> tuple[str, ...]:
    """The names a sheet of ``kind`` may have: the kind, and the names an XLSX export gives
    its table's sheet in every language (:func:`geo.render.exports.tables.sheet_names`)."""
    exported = export_tables.sheet_names(kind) if kind in export_tables.SHEET_NAMES else ()
    return tuple(dict.fromkeys((kind, *exported)))


@lru_cache(maxsize=16)
def _folded_sheet_names(kind: str) -> frozenset[str]:
    """:func:`_sheet_spellings` of ``kind`` folded as headers are (case, punctuation)."""
    return frozenset(_fold_header(n) for n in _sheet_spellings(kind))


def _sheet_of(kind: str, sheets: Sequence[str]) -> str:
    """The sheet of a workbook to read for ``kind``: the one named for it in any language
    (:func:`_sheet_spellings`; case and punctuation folded), else the first, unless that
    is an export's sheet of another table (the metadata of a Russian export, say): then
    the workbook has no sheet for ``kind`` and is refused with its sheets named."""
    wanted = _folded_sheet_names(kind)
    found = next((s for s in sheets if _fold_header(s) in wanted), None)
    if found is not None:
        return found
    others = frozenset().union(*map(_folded_sheet_names, export_tables.SHEET_NAMES))
    if sheets and _fold_header(sheets[0]) not in others:
        return sheets[0]
    listed = ", ".join(f"'{s}'" for s in sheets)
    raise _NoSheet(_say("no_sheet", expected=_expected_sheets(kind), sheets=listed))


def _expected_sheets(kind: str) -> str:
    """The names a sheet of ``kind`` may have, for a message."""
    return " / ".join(f"'{n}'" for n in _sheet_spellings(kind))


def _first_sheet_notice(kind: str, sheets: Sequence[str], chosen: str) -> Message | None:
    """A notice when a workbook of several sheets, none named for ``kind``, is read from
    its first sheet (the person may have meant another one)."""
    if len(sheets) < 2 or _fold_header(chosen) in _folded_sheet_names(kind):
        return None
    return _say("first_sheet", sheet=chosen, expected=_expected_sheets(kind))


def _sheet_rows(
    data: bytes, kind: str, data_only: bool, notices: list[str] | None = None
) -> list[list[Any]]:
    """The cells of the workbook's ``kind`` sheet (:func:`_sheet_of`), row by row; a
    first sheet read in place of a named one is said in ``notices``.

    The sheet's declared size is ignored (a 1 KB file may declare a million rows and 16,384
    columns): rows are read as stored, and a row beyond :data:`MAX_ROWS` data rows (the
    reader yields rows only up to the last one the sheet stores, so one is there) or a value
    beyond :data:`MAX_COLUMNS` columns stops the read at once. Without ``data_only`` a
    formula cell reads as :class:`_Formula`.
    """
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        chosen = _sheet_of(kind, book.sheetnames)
        notice = _first_sheet_notice(kind, book.sheetnames, chosen)
        if notice is not None and notices is not None:
            notices.append(notice)
        sheet = book[chosen]
        sheet.reset_dimensions()
        rows: list[list[Any]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise _TooMuch(_say("sheet_rows", row=Number(MAX_ROWS + 1), limit=Number(MAX_ROWS)))
            values = [_cell_value(cell) for cell in row]
            while values and values[-1] is None:
                values.pop()
            if len(values) > MAX_COLUMNS:
                count = Number(len(values))
                raise _TooMuch(_say("too_many_columns", count=count, limit=Number(MAX_COLUMNS)))
            rows.append(values)
        return rows
    finally:
        book.close()


def _with_cached_values(rows: list[list[Any]], data: bytes, kind: str) -> list[list[Any]]:
    """``rows`` with each formula replaced by the value the workbook stores for it (a
    formula without one stays a :class:`_Formula`)."""
    if not any(isinstance(v, _Formula) for row in rows for v in row):
        return rows
    cached = _sheet_rows(data, kind, data_only=True)
    out = []
    for r, row in enumerate(rows):
        stored = cached[r] if r < len(cached) else []
        out.append(
            [
                (stored[c] if c < len(stored) and stored[c] is not None else v)
                if isinstance(v, _Formula)
                else v
                for c, v in enumerate(row)
            ]
        )
    return out


def _raw_xlsx(
    name: str,
    data: bytes,
    kind: str,
    issues: list[ValidationIssue],
    notices: list[str] | None = None,
) -> _Raw | None:
    try:
        size = _unpacked_size(data)
        if size > MAX_UNPACKED_BYTES:
            megabytes, limit = Number(size / 2**20, 1), Number(MAX_UNPACKED_BYTES / 2**20)
            raise _TooMuch(_say("unpacked", size=megabytes, limit=limit))
        rows = _sheet_rows(data, kind, data_only=False, notices=notices)
        rows = _with_cached_values(rows, data, kind)
    except (_TooMuch, _NoSheet) as exc:
        issues.append(ValidationIssue(name, None, None, exc.args[0]))
        return None
    except Exception as exc:  # openpyxl and zipfile raise many types for a file that is not XLSX
        problem = _say("not_xlsx", error=f"{type(exc).__name__}: {exc}")
        issues.append(ValidationIssue(name, None, None, problem))
        return None
    if not rows:
        return [], []
    header = ["" if h is None else str(h) for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    return header, list(enumerate(rows[1:], start=2))


class _JsonConstant(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON file: not JSON, but Python's reader
    accepts them; kept as this marker so the cell is refused where it is."""


def _load_json(name: str, data: bytes, issues: list[ValidationIssue]) -> Any:
    """The JSON value of ``data``, or None with the reason in ``issues`` (encoding, syntax,
    nesting deeper than the reader's recursion limit)."""
    try:
        return json.loads(_decode(data)[0], parse_constant=_JsonConstant)
    except _EncodingError as exc:
        issues.append(ValidationIssue(name, None, None, exc.args[0]))
    except RecursionError:
        issues.append(ValidationIssue(name, None, None, _say("too_deep")))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, a 5,000-digit number
        issues.append(ValidationIssue(name, None, None, _say("not_geojson", error=str(exc))))
    return None


def _feature_properties(
    name: str, features: list[Any], issues: list[ValidationIssue]
) -> list[dict[str, Any]] | None:
    """The properties of every feature; None when a feature is not an object or its
    properties are neither an object nor null (each reported with its feature number)."""
    properties: list[dict[str, Any]] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            issues.append(ValidationIssue(name, number, None, _say("feature_type", number=number)))
            continue
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            problem = _say("properties_type", number=number)
            issues.append(ValidationIssue(name, number, None, problem))
            continue
        properties.append(props or {})
    return None if len(properties) < len(features) else properties


def _raw_geojson(name: str, data: bytes, kind: str, issues: list[ValidationIssue]) -> _Raw | None:
    collection = _load_json(name, data, issues)
    if collection is None:
        return None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        issues.append(ValidationIssue(name, None, None, _say("not_collection")))
        return None
    features = collection.get("features")
    if features is None:
        features = []
    if not isinstance(features, list):
        issues.append(ValidationIssue(name, None, None, _say("features_type")))
        return None
    if len(features) > MAX_ROWS:
        problem = _say("too_many_rows", row=Number(len(features)), limit=Number(MAX_ROWS))
        issues.append(ValidationIssue(name, None, None, problem))
        return None
    properties = _feature_properties(name, features, issues)
    if properties is None:
        return None
    header: dict[str, None] = {}
    for props in properties:
        header.update(dict.fromkeys(map(str, props)))
    columns = list(header)
    return columns, [(i, [p.get(c) for c in columns]) for i, p in enumerate(properties, 1)]


def _fold_header(text: str) -> str:
    return normalise_name(text.replace("\ufeff", ""))


@lru_cache(maxsize=8)
def _header_names(kind: str) -> dict[str, str]:
    """Folded headers a file of ``kind`` may use → schema column (:data:`HEADER_NAMES`),
    and the columns :data:`READ_BESIDE` reads by their own names. Cached: every file read
    asks twice (its headers, its columns); callers only read it."""
    names = {_fold_header(n): c for c, ns in HEADER_NAMES[kind].items() for n in ns}
    names.update({_fold_header(c): c for c in READ_BESIDE.get(kind, {})})
    return names


@lru_cache(maxsize=8)
def _export_labels(kind: str) -> dict[str, str]:
    """Folded header an XLSX export writes for a column of ``kind``'s table, in any
    language (:func:`geo.render.exports.tables.header_labels`) → the folded column name,
    the header the English export and the CSV write for it. Empty for a kind no export
    writes (organisations, memberships)."""
    if kind not in export_tables.TABLE_COLUMNS:
        return {}
    labels = export_tables.header_labels(kind)
    return {_fold_header(s): _fold_header(c) for c, spellings in labels.items() for s in spellings}


def _read_headers(kind: str, header: Sequence[str]) -> list[str]:
    """Each header of a file folded, an export's label (Russian, say) read as the column
    name it labels, so a translated export imports as the English one does.

    A label that is also a name :data:`HEADER_NAMES` gives another column ("Кластер": the
    cluster's name in an MNE-link export, its id in a hand-made file) is read as the
    export's when the header row holds a label only an export writes (a translated label
    no name matches), else as the name it is."""
    labels, names = _export_labels(kind), _header_names(kind)
    folded = [_fold_header(h) for h in header]
    exported = any(f in labels and f not in names and labels[f] != f for f in folded)
    return [labels[f] if f in labels and (exported or f not in names) else f for f in folded]


def _map_columns(
    name: str, kind: str, header: Sequence[str], refs: References, issues: list[ValidationIssue]
) -> tuple[pd.DataFrame, dict[int, str], dict[int, str]]:
    """Match headers to schema columns. Returns the column table and two position maps:
    schema columns and (for a wide regional table) indicator columns."""
    spec = _KINDS[kind]
    beside = READ_BESIDE.get(kind, {})
    names = _header_names(kind)
    computed = {_fold_header(c) for c in spec.computed}
    indicators = refs.indicator_headers() if kind == "regional_indicators" else {}
    table: list[tuple[str, str | None, str]] = []
    schema_at: dict[int, str] = {}
    indicator_at: dict[int, str] = {}
    first: dict[str, str] = {}
    folded_header = _read_headers(kind, header)
    region_checks: set[int] = set()
    if spec.region_column and _fold_header(spec.region_column) in folded_header:
        # An export gives both the region as published and its code: the code is checked
        # against the name row by row rather than read twice.
        codes = {_fold_header(c) for c in _REGION_CODE_HEADERS}
        region_checks = {i for i, f in enumerate(folded_header) if f in codes}
    for position, raw in enumerate(header):
        folded, heading = folded_header[position], shown(raw, LONG)
        column = names.get(folded) or indicators.get(folded)
        if position in region_checks:
            table.append((heading, None, REGION_CHECK))
        elif not folded:
            table.append((heading, None, "no header"))  # values under it are reported per row
        elif column is None and folded in computed:
            table.append((heading, None, "computed by the app: ignored"))
        elif column is None:
            issues.append(ValidationIssue(name, 1, heading, _say("unexpected_column", kind=kind)))
            table.append((heading, None, "unknown"))
        elif column in first:
            problem = _say("same_column", first=first[column], heading=heading, column=column)
            issues.append(ValidationIssue(name, 1, heading, problem))
            table.append((heading, column, "duplicate"))
        else:
            first[column] = raw
            if folded in names:
                schema_at[position] = column
                table.append((heading, column, beside.get(column, "mapped")))
            else:
                indicator_at[position] = column
                table.append((heading, "value", str(Message(WIDE_INDICATOR, indicator=column))))
    if indicator_at and {"indicator", "value"} & set(schema_at.values()):
        issues.append(ValidationIssue(name, 1, None, _say("mixed_wide")))
    return pd.DataFrame(table, columns=["header", "column", "status"]), schema_at, indicator_at


def _header_problems(name: str, header: Sequence[str]) -> list[ValidationIssue]:
    """Headers that are too long or hold control or invisible characters (a byte order
    mark aside), and a header wider than :data:`MAX_COLUMNS`."""
    issues = []
    if len(header) > MAX_COLUMNS:
        problem = _say("too_many_columns", count=Number(len(header)), limit=Number(MAX_COLUMNS))
        issues.append(ValidationIssue(name, 1, None, problem))
        return issues
    for heading in header:
        text = str(heading).replace("\ufeff", "")
        if len(text) > MAX_HEADER:
            problem = _say("header_long", length=Number(len(text)), limit=Number(MAX_HEADER))
            issues.append(ValidationIssue(name, 1, shown(text, LONG), problem))
        elif unsafe := unsafe_characters(text):
            template = records.ERROR_TEMPLATES["unsafe_characters"]
            problem = records.message(template, text=text, characters=code_points(unsafe))
            issues.append(ValidationIssue(name, 1, shown(text, LONG), problem))
    return issues


def _odd_cell(value: Any) -> Message | None:
    """Why a cell cannot be read as a value (a JSON list or object, NaN or Infinity, a
    formula without a saved value), or None."""
    if isinstance(value, list):
        return _say("list_value")
    if isinstance(value, dict):
        return _say("object_value")
    if isinstance(value, _JsonConstant):
        return _say("json_constant", text=str(value))
    if isinstance(value, _Formula):
        return _say("formula", formula=str(value))
    return None


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_GROUPED = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")


def _normalise_cell(kind: str, column: str, value: Any, refs: References) -> tuple[Any, str | None]:
    """A raw cell → (value, missing marker). Missing cells give ``(None, marker)``."""
    spec = _KINDS[kind]
    if isinstance(value, float) and math.isnan(value):
        value = None
    if value is None:
        return (None, "") if column != "notes" else ("", None)
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, int | float):
        if column in spec.numeric:  # a huge integer stays one: the validator refuses it
            return (value if isinstance(value, int) and abs(value) >= 1e15 else float(value)), None
        return _number_text(value), None
    text = str(value).replace("\u00a0", " ").strip()
    text = read_back(text)  # neutralised by our own spreadsheet-safe writing: as it was
    return _normalise_text(spec, column, text, refs)


def _normalise_text(
    spec: _Kind, column: str, text: str, refs: References
) -> tuple[Any, str | None]:
    """A text cell (stripped) → (value, missing marker), as :func:`_normalise_cell`."""
    if column == "notes":
        return text, None
    marker = _MISSING_TOKENS.get(text.casefold())
    if marker is not None:
        return None, marker
    if column in spec.numeric:
        text = text.replace("\u2212", "-")
        if _GROUPED.match(text):
            text = re.sub(r"[ \u00a0\u202f]", "", text)
        if re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(",", ".")
        return text, None
    if column in spec.vocabularies:
        labels = refs.labels.get(spec.vocabularies[column], {})
        return labels.get(normalise_name(text), text), None
    if column == "hq_country":
        return _russian_country_names().get(normalise_name(text), text), None
    if column == "region_code" and spec.region_column is None:  # an organisation's region
        return refs.resolver.resolve(text) or text, None
    return text, None


def _region_code_mismatch(code: Any, region: Any, refs: References) -> Message | None:
    """Why a region-code cell disagrees with the region-as-published cell, or None."""
    texts = [str(v).strip() if v is not None else "" for v in (code, region)]
    if any(t.casefold() in _MISSING_TOKENS for t in texts):
        return None  # a missing code or region is judged by the region column alone
    if refs.resolver.resolve(texts[0]) == refs.resolver.resolve(texts[1]):
        return None
    return _say("region_code", code=texts[0], region=texts[1])


@dataclass(frozen=True)
class _Layout:
    """Where things are in the rows of one source file (see :func:`_map_columns`)."""

    header: Sequence[str]
    schema_at: dict[int, str]  # position → schema column
    indicator_at: dict[int, str]  # position → indicator (a wide regional table)
    unnamed: list[int]  # positions without a header
    checks: list[int]  # positions of region codes checked against the region
    region_at: int | None  # position of the region as published


def _source_rows(
    name: str,
    kind: str,
    raw: _Raw,
    refs: References,
    issues: list[ValidationIssue],
    notices: list[str],
) -> tuple[pd.DataFrame, list[SourceRow]]:
    header, body = raw
    header_issues = _header_problems(name, header)
    issues.extend(header_issues)
    if len(header) > MAX_COLUMNS:
        return pd.DataFrame(columns=["header", "column", "status"]), []
    columns, schema_at, indicator_at = _map_columns(name, kind, header, refs, issues)
    layout = _Layout(
        header,
        schema_at,
        indicator_at,
        unnamed=[i for i, status in enumerate(columns["status"]) if status == "no header"],
        checks=[i for i, status in enumerate(columns["status"]) if status == REGION_CHECK],
        region_at=next((p for p, c in schema_at.items() if c == "region_as_published"), None),
    )
    rows: list[SourceRow] = []
    skipped = 0
    for number, cells in body:
        if all(c is None or str(c).strip() == "" for c in cells):
            skipped += 1
            continue
        if number > MAX_ROWS + 1:
            problem = _say("too_many_rows", row=Number(number), limit=Number(MAX_ROWS))
            issues.append(ValidationIssue(name, None, None, problem))
            break
        problems = _row_problems(name, number, cells, header)
        if problems:
            issues.extend(problems)
            continue
        cells = list(cells) + [None] * (len(header) - len(cells))
        issues.extend(_cell_problems(name, number, cells, layout, refs))
        for source in _rows_of(kind, number, cells, layout, refs):
            counted, problems = _reported_counts(name, source)
            issues.extend(problems)
            rows.append(counted)
    if skipped:
        notices.append(_say("empty_rows", count=skipped))
    return columns, rows


def _row_problems(
    name: str, number: int, cells: Sequence[Any], header: Sequence[str]
) -> list[ValidationIssue]:
    """A row that cannot be read: values beyond the header, or cells that are not values
    (:func:`_odd_cell`), each named by its column."""
    if len(cells) > len(header) and any(
        c is not None and str(c).strip() for c in cells[len(header) :]
    ):
        fields = _say("fields", fields=len(cells), header=len(header))
        return [ValidationIssue(name, number, None, fields)]
    return [
        ValidationIssue(name, number, shown(header[position], LONG), odd)
        for position, cell in enumerate(cells)
        if (odd := _odd_cell(cell)) is not None
    ]


def _cell_problems(
    name: str, number: int, cells: list[Any], layout: _Layout, refs: References
) -> list[ValidationIssue]:
    """Values under no header, and region codes that disagree with the region."""
    issues = []
    for position in layout.unnamed:
        if cells[position] is not None and str(cells[position]).strip():
            problem = _say("unnamed_value", position=position + 1)
            issues.append(ValidationIssue(name, number, None, problem))
    if layout.region_at is not None:
        region = cells[layout.region_at]
        for position in layout.checks:
            mismatch = _region_code_mismatch(cells[position], region, refs)
            if mismatch:
                issues.append(ValidationIssue(name, number, layout.header[position], mismatch))
    return issues


def _rows_of(
    kind: str, number: int, cells: list[Any], layout: _Layout, refs: References
) -> list[SourceRow]:
    """The source rows of one row of the file: itself, or one per indicator cell of a
    wide regional table (an empty cell there gives no row)."""
    base: dict[str, Any] = {}
    markers: dict[str, str] = {}
    where: dict[str, str] = {}
    for position, column in layout.schema_at.items():
        # a reported count reads as the column it stands for (a number, its markers)
        as_column = REPORTED_COUNTS.get(column, column)
        value, marker = _normalise_cell(kind, as_column, cells[position], refs)
        base[column] = value
        where[column] = layout.header[position]
        if marker is not None:
            markers[column] = marker
    if not layout.indicator_at:
        return [SourceRow(number, base, markers, where)]
    rows = []
    for position, indicator in layout.indicator_at.items():  # wide regional table → long rows
        value, marker = _normalise_cell(kind, "value", cells[position], refs)
        if value is None and marker == "":
            continue  # an empty cell in a wide table: no value for this indicator
        heading = layout.header[position]
        long_cells = {**base, "indicator": indicator, "value": value}
        long_markers = {**markers, **({"value": marker} if marker is not None else {})}
        long_where = {**where, "indicator": heading, "value": heading}
        rows.append(SourceRow(number, long_cells, long_markers, long_where))
    return rows


@lru_cache(maxsize=1)
def _basis_spellings() -> tuple[tuple[str, str], ...]:
    """Every spelling of a basis of the member counts a file may use, with the basis it
    names: the values the exports write (:data:`geo.analysis.members.BASIS`) first, then
    their labels in every language of the app (a person may type it as a page shows it)."""
    spellings = [(basis, basis) for basis in BASIS]
    for lang in SUPPORTED:
        _ = translator(lang)
        spellings += [(_(msgid), basis) for basis, msgid in BASIS.items()]
    return tuple(spellings)


@lru_cache(maxsize=1)
def _basis_names() -> dict[str, str]:
    """Folded spelling of a basis → the basis (a value wins a clash with a label)."""
    names: dict[str, str] = {}
    for spelling, basis in _basis_spellings():
        names.setdefault(normalise_name(spelling), basis)
    return names


def _basis_list() -> str:
    """The spellings of a basis a file may use, for a message."""
    return ", ".join(f"'{s}'" for s in dict.fromkeys(s for s, _ in _basis_spellings()))


def _reported_counts(name: str, row: SourceRow) -> tuple[SourceRow, list[ValidationIssue]]:
    """``row`` without the columns of :data:`READ_BESIDE`, its counts being the card's:
    where its basis (:data:`COUNT_BASIS`) is "members listed", ``participants`` and
    ``intl_members`` are the row's reported numbers (:data:`REPORTED_COUNTS`; an empty one
    is "not reported", never the count), and a count without its reported column is not
    read (the stored number stays). Without a basis the row is read as it is. A basis
    that is not one is a problem at its cell."""
    cells, markers, where = dict(row.cells), dict(row.markers), dict(row.where)
    taken = {
        column: (cells.pop(column), markers.pop(column, None), where.pop(column))
        for column in (COUNT_BASIS, *REPORTED_COUNTS)
        if column in cells
    }
    basis, _marker, header = taken.get(COUNT_BASIS, (None, None, COUNT_BASIS))
    problems: list[ValidationIssue] = []
    found = _basis_names().get(normalise_name(str(basis))) if basis is not None else None
    if basis is not None and found is None:
        problem = _say("unknown_basis", value=str(basis), allowed=_basis_list())
        problems.append(ValidationIssue(name, row.row, header, problem))
    if found == "members listed":
        for reported, column in REPORTED_COUNTS.items():
            for part in (cells, markers, where):
                part.pop(column, None)
            if reported in taken:
                cells[column], marker, where[column] = taken[reported]
                if marker is not None:
                    markers[column] = marker
    return SourceRow(row.row, cells, markers, where), problems


def _refusal(name: str, data: bytes, fmt: str | None) -> ValidationIssue | None:
    """A file refused before it is read: too large, or of an unknown type."""
    if len(data) > MAX_UPLOAD_BYTES:
        return _too_large(name, len(data))
    if fmt is None:
        return ValidationIssue(name, None, None, unknown_type())
    return None


def file_format(name: str) -> str | None:
    """The format a file name's extension says (``csv``, ``xlsx``, ``geojson``), or None."""
    return _FORMATS.get(Path(name).suffix.lower())


def unknown_type() -> Message:
    """Why a file of an unknown type is refused (the extensions that are read)."""
    return _say("unknown_type", listed=", ".join(sorted(_FORMATS)))


def _too_large(name: str, size: int) -> ValidationIssue:
    megabytes, limit = Number(size / 2**20, 1), Number(MAX_UPLOAD_BYTES / 2**20, 0)
    return ValidationIssue(name, None, None, _say("too_large", size=megabytes, limit=limit))


def _raw(
    name: str,
    data: bytes,
    kind: str,
    fmt: str,
    issues: list[ValidationIssue],
    notices: list[str] | None = None,
) -> tuple[_Raw | None, str | None]:
    """The header and rows of a file in ``fmt``, and its text encoding (CSV only)."""
    if fmt == "csv":
        decoded = _raw_csv(name, data, issues)
        return decoded if decoded else (None, None)
    if fmt == "xlsx":
        return _raw_xlsx(name, data, kind, issues, notices), None
    return _raw_geojson(name, data, kind, issues), None


def parse_bytes(name: str, data: bytes, kind: str, refs: References) -> ParsedFile:
    """Read an uploaded file of ``kind``; the format comes from the file name's extension.

    Never raises for bad content: every problem is in ``ParsedFile.issues``.
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(IMPORT_KINDS)}")
    name = shown(name, MAX_NAME)  # an upload's name is the user's text too
    issues: list[ValidationIssue] = []
    notices: list[str] = []
    empty = pd.DataFrame(columns=["header", "column", "status"])
    fmt = _FORMATS.get(Path(name).suffix.lower())
    refused = _refusal(name, data, fmt)
    if refused is not None or fmt is None:
        found = (refused,) if refused else ()
        return ParsedFile(name, kind, fmt or "unknown", None, empty, (), found)
    raw, encoding = _raw(name, data, kind, fmt, issues, notices)
    if raw is None:
        return ParsedFile(name, kind, fmt, encoding, empty, (), tuple(issues))
    if not raw[0]:
        issues.append(ValidationIssue(name, 1, None, _say("no_header")))
        return ParsedFile(name, kind, fmt, encoding, empty, (), tuple(issues))
    if fmt == "geojson" and kind == "clusters":
        notices.append(_say("geometry_ignored"))
    columns, rows = _source_rows(name, kind, raw, refs, issues, notices)
    if encoding == "Windows-1251" and not (columns["status"] == "mapped").any():
        problem = _encoding_problem(name, data, kind, raw[0], refs)
        if problem is not None and "guess" in dict(problem.values):
            issues, rows = [problem], []  # the garbled headers say nothing more
        elif problem is not None:
            issues.append(problem)
    if not rows and not issues:
        issues.append(ValidationIssue(name, None, None, _say("no_rows")))
    return ParsedFile(
        name, kind, fmt, encoding, columns, tuple(rows), tuple(issues), tuple(notices)
    )


def read_path(path: Path | str) -> tuple[str, bytes | None, ValidationIssue | None]:
    """``(name, bytes, None)`` of a file on disk, or ``(name, None, problem)`` when it
    cannot be imported: a missing or unreadable path, a folder, a device or a pipe (never
    opened for reading, so nothing blocks), a file over :data:`MAX_UPLOAD_BYTES` (with its
    real size; at most that many bytes are ever read). ``name`` is the file's name as it
    can be printed."""
    name = display_name(Path(path).name or str(path))
    try:
        return name, read_bounded(path, MAX_UPLOAD_BYTES), None
    except FileTooLarge as exc:
        return name, None, _too_large(name, exc.size)
    except FileRefused as exc:
        return name, None, ValidationIssue(name, None, None, exc.args[0])


def read_file(path: Path | str, kind: str, refs: References) -> ParsedFile:
    """:func:`parse_bytes` for a file on disk (:func:`read_path` reads it)."""
    name, data, problem = read_path(path)
    if data is None:
        empty = pd.DataFrame(columns=["header", "column", "status"])
        fmt = _FORMATS.get(Path(name).suffix.lower(), "unknown")
        return ParsedFile(name, kind, fmt, None, empty, (), (problem,) if problem else ())
    return parse_bytes(name, data, kind, refs)


def detect_kind(name: str, data: bytes, refs: References) -> str | None:
    """The kind of import file ``data`` holds, from its header (English or Russian names,
    as :func:`parse_bytes` maps them): the kind whose columns the header covers best, at
    least half of its key and required columns; None when no kind fits (for example a
    reference table such as ``vocabularies.csv``)."""
    fmt = _FORMATS.get(Path(name).suffix.lower())
    if fmt is None or _refusal(name, data, fmt) is not None:
        return None
    raw, _encoding = _raw(name, data, IMPORT_KINDS[0], fmt, [])
    if raw is None or not raw[0]:
        return None
    scores = []
    for kind in IMPORT_KINDS:
        frame = _map_columns(name, kind, raw[0], refs, [])[0]
        mapped = set(frame.loc[frame["status"] == "mapped", "column"])
        needed = set(_KINDS[kind].key) | set(_REQUIRED[kind])
        unknown = int((frame["status"] == "unknown").sum())
        scores.append((len(mapped & needed) / len(needed), -unknown, kind))
    best = max(scores)
    return best[2] if best[0] >= 0.5 else None


#: Columns a new record of each kind needs (besides its key), for :func:`detect_kind`.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "clusters": ("name_en", "region_as_published", "source_doc", "source_ref"),
    "mne_links": ("mne_name", "cluster_id", "source_doc", "source_ref"),
    "regional_indicators": ("indicator", "value", "source_doc", "source_ref"),
    "organisations": ("name_en", "org_type", "source_doc", "source_ref"),
    "memberships": ("cluster_id", "org_id", "source_doc", "source_ref"),
}


def form_file(
    kind: str, values: Mapping[str, Any], refs: References, name: str = "form"
) -> ParsedFile:
    """One record typed into a form, as a one-row file (same normalisation and checks).

    ``values`` is keyed by schema column; columns left out keep their stored values.
    """
    spec = _KINDS[kind]
    unknown = [c for c in values if c not in spec.columns]
    if unknown:
        raise ValueError(f"not {kind} columns: {', '.join(unknown)}")
    cells: dict[str, Any] = {}
    markers: dict[str, str] = {}
    for column, raw in values.items():
        value, marker = _normalise_cell(kind, column, raw, refs)
        cells[column] = value
        if marker is not None:
            markers[column] = marker
    columns = pd.DataFrame(
        [(c, c, "mapped") for c in values], columns=["header", "column", "status"]
    )
    row = SourceRow(None, cells, markers, {c: c for c in values})
    return ParsedFile(name, kind, "form", None, columns, (row,), ())


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Entry:
    """One stored record: its key, the validated values (schema column → ``float``,
    ``str`` or ``None``) and the marker of each missing value."""

    key: str
    values: dict[str, Any]
    markers: dict[str, str] = field(default_factory=dict)

    def same_as(self, other: Entry) -> bool:
        """Equal values and markers (``None`` equals ``None``, and a column a record
        stored before the column existed does not have equals ``None``)."""
        return _given(self.values) == _given(other.values) and self.markers == other.markers


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that are not ``None``."""
    return {column: value for column, value in values.items() if value is not None}


ChangeKind = Literal["added", "changed", "removed"]


@dataclass(frozen=True)
class Change:
    """One record added, changed or removed."""

    kind: str
    key: str
    change: ChangeKind
    before: Entry | None
    after: Entry | None

    def cells(self, private: bool = False) -> list[tuple[str, Any, Any]]:
        """``(column, before, after)`` for every column whose value or marker differs;
        the private columns (:data:`geo.registry.card.PRIVATE_FIELDS`) only with
        ``private`` (for someone allowed to see them)."""
        out = []
        columns = _KINDS[self.kind].columns
        for column in columns if private else card.public_columns(self.kind, columns):
            old = _shown(self.before, column) if self.before else None
            new = _shown(self.after, column) if self.after else None
            if old != new:
                out.append((column, old, new))
        return out


def _shown(entry: Entry, column: str) -> Any:
    value = entry.values.get(column)
    if value is None and column != "notes":
        return entry.markers.get(column) or "not reported"
    return value


#: The ``change`` of a record (:class:`Change`), for display.
CHANGE_NAMES: dict[str, str] = {
    "added": N_("added"),
    "changed": N_("changed"),
    "removed": N_("removed"),
}
#: The missing-value markers a changed cell may show, for display (others as they are).
MARKER_NAMES: dict[str, str] = {"not reported": N_("not reported"), "n/a": N_("n/a")}


def changes_frame(changes: Iterable[Change], lang: str | None = None) -> pd.DataFrame:
    """One row per changed cell: kind, key, change, column, before, after.

    ``before`` and ``after`` are text (a number as its shortest exact form, ``77`` for
    77.0; an empty cell ``None``): one column holds numbers and words of several columns,
    and a table of mixed types cannot become the Arrow table a page shows (Streamlit logs
    the failed conversion with a traceback and guesses). With ``lang`` the ``change`` and
    the missing-value markers (``not reported``, ``n/a``) read in that language, for a
    page; without, they are the English names the store and the command line use. Values
    from the data are never translated.
    """
    rows = [
        (c.kind, c.key, c.change, column, _cell_text(before, lang), _cell_text(after, lang))
        for c in changes
        for column, before, after in c.cells()
    ]
    frame = pd.DataFrame(
        rows, columns=["kind", "key", "change", "column", "before", "after"], dtype=object
    )
    if lang is not None:
        _ = translator(lang)
        frame["change"] = frame["change"].map(
            lambda v: _(CHANGE_NAMES[v]) if v in CHANGE_NAMES else v
        )
    return frame


def _cell_text(value: Any, lang: str | None) -> str | None:
    """A changed cell as :func:`changes_frame` shows it: text, ``None`` when empty, a
    missing-value marker in ``lang`` (when given)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        if lang is not None and value in MARKER_NAMES:
            return translator(lang)(MARKER_NAMES[value])
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def localise_columns(columns: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:attr:`ParsedFile.columns` for display in ``lang``: the ``status`` of each column
    translated (headers and schema column names stay as the file and the schema name
    them)."""
    _ = translator(lang)
    wide = re.compile(re.escape(WIDE_INDICATOR).replace(r"\{indicator\}", "(?P<indicator>.+)"))

    def status(value: Any) -> Any:
        if value in COLUMN_STATUS:
            return _(COLUMN_STATUS[value])
        found = wide.fullmatch(value) if isinstance(value, str) else None
        return Message(WIDE_INDICATOR, **found.groupdict()).localised(lang) if found else value

    out = columns.copy()
    out["status"] = out["status"].map(status)
    return out


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, and why it cannot when ``issues`` is not empty."""

    kind: str
    source: str
    changes: tuple[Change, ...]
    unchanged: int
    issues: tuple[ValidationIssue, ...]

    @property
    def ok(self) -> bool:
        return not self.issues

    def counts(self) -> dict[str, int]:
        """Records added, changed, removed and unchanged."""
        out = {"added": 0, "changed": 0, "removed": 0}
        for change in self.changes:
            out[change.change] += 1
        return {**out, "unchanged": self.unchanged}

    def report(self, lang: str | None = None) -> pd.DataFrame:
        """The validation report: file, row, column, problem (in ``lang`` when given)."""
        return issues_frame(self.issues, lang)

    def raise_for_issues(self) -> None:
        if self.issues:
            raise DataValidationError(self.issues)


def issues_frame(issues: Iterable[ValidationIssue], lang: str | None = None) -> pd.DataFrame:
    """Issues as a table (file, row, column, problem) for pages and the command line: the
    problem in ``lang`` (:meth:`ValidationIssue.localised`), English when it is None."""
    rows = [
        (i.file, i.row, i.column, i.message if lang is None else i.localised(lang)) for i in issues
    ]
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "problem"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


def indicator_key(region_code: str, indicator: str, year: Any) -> str:
    """Store key of a regional indicator value: region code, indicator, reference year
    (empty when not reported). A new year is a new record; the same year replaces."""
    if isinstance(year, float) and not math.isnan(year) and year.is_integer():
        year = int(year)
    elif isinstance(year, str) and re.fullmatch(r"\d+(\.0+)?", year):
        year = int(float(year))
    elif year is None or (isinstance(year, float) and math.isnan(year)):
        year = ""
    return f"{region_code}|{indicator}|{year}"


def _issue(source: str, row: SourceRow, column: str | None, message: str) -> ValidationIssue:
    header = row.where.get(column, column) if column else None
    return ValidationIssue(source, row.row, header, message)


def _merge(
    kind: str,
    row: SourceRow,
    stored: Entry | None,
    refs: References,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The record a row asks for: the row's cells over the stored record (columns the
    file does not have keep their stored value; an empty cell keeps a stored marker)."""
    spec = _KINDS[kind]
    values: dict[str, Any] = {}
    markers: dict[str, str] = {}
    for column in spec.columns:
        if column in row.cells:
            value = row.cells[column]
            marker = row.markers.get(column)
            if (
                value is None
                and marker == ""
                and stored is not None
                and stored.values.get(column) is None
                and column in stored.markers
            ):
                marker = stored.markers[column]
        elif stored is not None:
            value, marker = stored.values.get(column), stored.markers.get(column)
        else:
            value, marker = ("", None) if column == "notes" else (None, "not reported")
        values[column] = value
        if value is None and marker is not None:
            markers[column] = marker
    region = spec.region_column
    if (
        region
        and stored is not None
        and region in row.cells
        and isinstance(values[region], str)
        and isinstance(stored.values.get(region), str)
        and refs.resolver.resolve(values[region]) == refs.resolver.resolve(stored.values[region])
    ):
        values[region] = stored.values[region]  # same region: keep the published spelling
    return values, markers


def _row_key(kind: str, row: SourceRow, refs: References) -> str | None:
    """The store key a row addresses; None when a key cell is missing or its region is
    unknown (both are reported by the caller)."""
    cells = row.cells
    if kind != "regional_indicators":
        value = cells.get(_KINDS[kind].key[0])
        return None if value is None else str(value)
    region = cells.get("region_as_published")
    code = refs.resolver.resolve(str(region)) if region is not None else None
    if code is None:
        return None
    return indicator_key(code, str(cells.get("indicator")), cells.get("reference_year"))


def _city_reason(reason: str) -> str:
    """A reason of :func:`geo.data.joins.pick_city` as a translatable :class:`Message` when it
    is one of :data:`CITY_REASONS`, else as it is."""
    for pattern, template in CITY_REASONS:
        found = pattern.fullmatch(reason)
        if found:
            message = Message(template, **found.groupdict())
            return message if message == reason else reason
    return reason


def _unlocatable_city(values: Mapping[str, Any], before: Entry | None, refs: References) -> str:
    """Why a cluster's city cannot be placed in its region ('' when it can, when there is
    no city, or when neither city nor region changed). The map locates every cluster
    (:func:`geo.data.joins.locate_records`), so a city it cannot find is refused here."""
    city, region = values.get("city"), values.get("region_as_published")
    if refs.regions is None or not isinstance(city, str) or not isinstance(region, str):
        return ""
    columns = ("city", "region_as_published")
    if before is not None and all(before.values.get(c) == values.get(c) for c in columns):
        return ""
    code = refs.resolver.resolve(region)
    if code is None:
        return ""  # the unknown region is reported on its own column
    found, reason = pick_city(city, code, refs.regions)
    if found is not None:
        return ""
    return _say("unlocatable_city", reason=_city_reason(reason))


def plan_import(
    parsed: ParsedFile,
    state: Mapping[str, Mapping[str, Entry]],
    refs: References,
    *,
    mode: Literal["upsert", "replace"] = "upsert",
) -> ImportPlan:
    """Check every row of ``parsed`` against the stored records ``state`` (kind → key →
    entry) and work out the change.

    ``upsert`` adds new records and updates existing ones (matched by key), leaving the
    others; ``replace`` also removes every stored record of the kind that the file does
    not list. Only columns the file has are changed.
    """
    if mode not in ("upsert", "replace"):
        raise ValueError(f"unknown import mode {mode!r}; expected 'upsert' or 'replace'")
    kind, source = parsed.kind, parsed.name
    spec = _KINDS[kind]
    stored = state.get(kind, {})
    issues = list(parsed.issues)
    context: dict[str, Any] = {"vocabularies": refs.vocabularies}
    if kind in ("mne_links", "memberships"):
        context["cluster_ids"] = set(state.get("clusters", {}))
    if kind == "memberships":
        context["organisation_ids"] = set(state.get("organisations", {}))
    changes: list[Change] = []
    unchanged = 0
    seen: dict[str, int | None] = {}
    for row in parsed.rows:
        before, after, problems = _check_row(source, kind, row, stored, refs, context)
        if after is None:
            issues.extend(problems)
            continue
        key = after.key
        if key in seen:
            first = seen[key]
            problem = (
                _say("duplicate", key=key)
                if first is None
                else _say("duplicate_at", key=key, first=first)
            )
            issues.append(_issue(source, row, spec.key[0], problem))
            continue
        seen[key] = row.row
        if before is None:
            changes.append(Change(kind, key, "added", None, after))
        elif before.same_as(after):
            unchanged += 1
        else:
            changes.append(Change(kind, key, "changed", before, after))
    if mode == "replace" and not issues:
        removed = [key for key in stored if key not in seen]
        removal = plan_removal(kind, removed, state, source)
        issues.extend(removal.issues)
        changes.extend(removal.changes)
    return ImportPlan(kind, source, tuple(changes), unchanged, tuple(issues))


def plan_kinds(
    files: Sequence[ParsedFile],
    state: Mapping[str, Mapping[str, Entry]],
    refs: References,
) -> ImportPlan:
    """Several files (one per kind, e.g. a submission's clusters, organisations and
    memberships) as ONE plan: planned in the order of :data:`IMPORT_KINDS`, each against
    ``state`` with the records the earlier ones add or change, so a membership may name a
    cluster or an organisation of the same plan. Kind ``all``; every problem of every file
    is kept (all-or-nothing)."""
    now: dict[str, Mapping[str, Entry]] = dict(state)
    changes: list[Change] = []
    issues: list[ValidationIssue] = []
    unchanged = 0
    for parsed in sorted(files, key=lambda f: IMPORT_KINDS.index(f.kind)):
        plan = plan_import(parsed, now, refs)
        changes.extend(plan.changes)
        issues.extend(plan.issues)
        unchanged += plan.unchanged
        written = {c.key: c.after for c in plan.changes if c.after is not None}
        now[parsed.kind] = {**now.get(parsed.kind, {}), **written}
    source = ", ".join(dict.fromkeys(f.name for f in files))
    return ImportPlan("all", source, tuple(changes), unchanged, tuple(issues))


def _check_row(
    source: str,
    kind: str,
    row: SourceRow,
    stored: Mapping[str, Entry],
    refs: References,
    context: dict[str, Any],
) -> tuple[Entry | None, Entry | None, list[ValidationIssue]]:
    """One row checked and merged with its stored record: ``(before, after, problems)``;
    ``after`` is None when the row has problems or no key."""
    spec = _KINDS[kind]
    problems: list[ValidationIssue] = []
    region = row.cells.get(spec.region_column) if spec.region_column else None
    if (
        region is not None
        and not unsafe_characters(str(region))  # the validator names those characters
        and refs.resolver.resolve(str(region)) is None
    ):
        problems.append(
            _issue(source, row, spec.region_column, _say("unknown_region", region=region))
        )
    key = _row_key(kind, row, refs)
    before = stored.get(key) if key is not None else None
    values, markers = _merge(kind, row, before, refs)
    try:
        record = spec.model.model_validate(values, context=context)
    except ValidationError as exc:
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else None
            message = records.error_message(error, ERROR_TEMPLATES)
            if column and column not in row.cells and before is None:
                message = _say("column_needed", problem=message, column=column)
            problems.append(_issue(source, row, column, message))
        return before, None, problems
    if not problems and kind == "clusters":
        problem = _unlocatable_city(record.model_dump(), before, refs)
        if problem:
            problems.append(_issue(source, row, "city", problem))
    if problems or key is None:
        return before, None, problems
    return before, Entry(key, record.model_dump(), markers), problems


def plan_removal(
    kind: str, keys: Sequence[str], state: Mapping[str, Mapping[str, Entry]], source: str
) -> ImportPlan:
    """Removing records: refused for a cluster that MNE links or memberships still refer
    to, and for an organisation that memberships refer to (:data:`_REFERRERS`)."""
    stored = state.get(kind, {})
    issues: list[ValidationIssue] = []
    changes: list[Change] = []
    for key in keys:
        if key not in stored:
            issues.append(
                ValidationIssue(source, None, _KINDS[kind].key[0], _say("no_record", key=key))
            )
            continue
        problem = _still_referred(kind, key, state)
        if problem is not None:
            issues.append(ValidationIssue(source, None, _KINDS[kind].key[0], problem))
            continue
        changes.append(Change(kind, key, "removed", stored[key], None))
    return ImportPlan(kind, source, tuple(changes), 0, tuple(issues))


#: Which records refer to a record of a kind, by kind: (referring kind, its column, the
#: message that refuses the removal). A referred record cannot be removed.
_REFERRERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "clusters": (
        ("mne_links", "cluster_id", "linked_cluster"),
        ("memberships", "cluster_id", "linked_members"),
    ),
    "organisations": (("memberships", "org_id", "linked_members"),),
}


def _still_referred(
    kind: str, key: str, state: Mapping[str, Mapping[str, Entry]]
) -> Message | None:
    """Why record ``key`` of ``kind`` cannot be removed (records refer to it), or None."""
    for referring, column, reason in _REFERRERS.get(kind, ()):
        links = [e.key for e in state.get(referring, {}).values() if e.values.get(column) == key]
        if links:
            return _say(reason, key=key, links=", ".join(links))
    return None


def kind_columns(kind: str) -> list[str]:
    """Schema columns of ``kind`` in file order."""
    return _KINDS[kind].columns


def numeric_columns(kind: str) -> set[str]:
    """Numeric schema columns of ``kind``."""
    return _KINDS[kind].numeric


#: Kind → (id column, prefix, digits) of records that get their id from the registry
#: (``CL-0001``...): the store numbers after every id it ever held, a plan made outside a
#: store after the highest of its state (:func:`geo.registry.members.counter_ids`).
NEW_IDS: dict[str, tuple[str, str, int]] = {
    "clusters": ("id", "CL-", 4),
    "mne_links": ("link_id", "MNE-", 2),
    "organisations": ("org_id", "ORG-", 4),
    "memberships": ("membership_id", "MEM-", 4),
}


def key_columns(kind: str) -> tuple[str, ...]:
    """The columns that make the key of a ``kind`` record (``id``, ``link_id``, ...)."""
    return _KINDS[kind].key
