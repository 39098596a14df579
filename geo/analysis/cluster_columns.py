"""The public columns of a cluster, as one table read by the OGC API (``geo.api``) and the
exports' data tables (``geo.render.exports``): one truth for what a reader gets.

Each :class:`ClusterColumn` names a column of the app's cluster frame (the
:class:`~geo.analysis.dataset.Dataset`'s ``clusters`` plus the columns the outputs add:
region names, federal district, MNE presence), how it is written (text, a number, a
whole number), which outputs carry it and, for the columns of the full cluster card
(issue 16) and the member counts, what it holds and where it comes from (the exports'
metadata and the API's schema say so). The table is an allow-list: a column added to the
registry is published only once it is named here, and personal contact data
(:data:`geo.registry.card.PRIVATE_FIELDS`) never is (tests/test_privacy.py; the cluster
frame does not hold it in the first place).

A new public column is one entry of :data:`CLUSTER_COLUMNS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo.base.i18n import N_

__all__ = [
    "API",
    "CARD_COLUMNS",
    "CARD_SOURCE",
    "CLUSTER_COLUMNS",
    "EXPORT",
    "MEMBER_COLUMNS",
    "ClusterColumn",
    "column_descriptions",
    "columns_for",
    "text_columns",
    "whole_number_columns",
]

Output = Literal["api", "export"]
API: Output = "api"
EXPORT: Output = "export"
BOTH: frozenset[Output] = frozenset({API, EXPORT})

Kind = Literal["text", "note", "number", "whole", "flag"]


@dataclass(frozen=True)
class ClusterColumn:
    """One public column: ``name``, ``kind`` (text: a missing value is "not reported" in
    the exports; note: text whose absence is no missing fact, written empty; number or
    whole number: a missing one is an empty cell, null in JSON; flag: true/false), the
    ``outputs`` that carry it and, for the card and member columns, ``description``
    (English msgid: what it is and its source)."""

    name: str
    kind: Kind
    outputs: frozenset[Output] = BOTH
    description: str = ""


CARD_SOURCE = N_(
    "The card's fields (founded_year ... manager_website, field_sources) come from the "
    "registry: entered by its editors or approved from a cluster manager's submission, "
    "each with its own source and date in field_sources. The published documents 001-003 "
    "report none of them for any cluster: they read 'not reported' (empty for numbers)."
)
"""Where every column of the card comes from (the exports' metadata says it once)."""

CARD_DESCRIPTIONS: dict[str, str] = {
    "founded_year": N_("Founding year of the cluster"),
    "website": N_("Web site of the cluster"),
    "description_ru": N_("Description of the cluster in Russian"),
    "description_en": N_("Description of the cluster in English"),
    "employees": N_("Employees of the cluster's members"),
    "revenue_bln_rub": N_("Revenue of the cluster's members, bln rub."),
    "status_document": N_("Document of the status (e.g. an entry of a ministry's register)"),
    "org_level_assessed_by": N_("Who assessed the organisation development level"),
    "org_level_assessed_at": N_("When the development level was assessed (YYYY-MM-DD)"),
    "org_level_basis": N_("Basis of the development level's assessment"),
    "manager_name": N_("Specialised organisation that manages the cluster"),
    "manager_inn": N_("INN of the management organisation"),
    "manager_website": N_("Web site of the management organisation"),
    "field_sources": N_(
        "Source and date of each card field, one 'field | source | date' line per field"
    ),
}
"""The columns of the full cluster card (issue 16) a reader gets, with what each holds.
The contact person, e-mail and phone are not here: they are personal data."""

MEMBER_DESCRIPTIONS: dict[str, str] = {
    "participants": N_(
        "Participants: counted from the cluster's listed member organisations where it "
        "lists them, else as reported (001/003); participants_basis says which"
    ),
    "participants_basis": N_(
        "'members listed' (counted from the memberships) or 'as reported' (the number the "
        "source gives)"
    ),
    "participants_reported": N_("Participants as the source reports them (001/003)"),
    "participants_listed": N_(
        "Participants counted from the listed memberships current in the version's year"
    ),
    "intl_members": N_(
        "International members: foreign-owned members counted from the memberships where "
        "the cluster lists its members, else as reported; participants_basis says which"
    ),
    "intl_members_reported": N_("International members as the source reports them"),
    "intl_members_listed": N_(
        "Foreign-owned organisations among the listed memberships current in the version's year"
    ),
    "mne_count": N_("MNE links of the cluster (003), counted in the registry"),
}
"""The member-count columns (:mod:`geo.analysis.members`), with what each holds."""

CARD_COLUMNS: tuple[str, ...] = tuple(CARD_DESCRIPTIONS)
MEMBER_COLUMNS: tuple[str, ...] = tuple(MEMBER_DESCRIPTIONS)


def _card(name: str, kind: Kind = "text") -> ClusterColumn:
    """A column of the card, described from :data:`CARD_DESCRIPTIONS`."""
    return ClusterColumn(name, kind, BOTH, CARD_DESCRIPTIONS[name])


def _member(name: str, kind: Kind = "whole") -> ClusterColumn:
    """A member-count column, described from :data:`MEMBER_DESCRIPTIONS`."""
    return ClusterColumn(name, kind, BOTH, MEMBER_DESCRIPTIONS[name])


_ONLY_API = frozenset({API})
_ONLY_EXPORT = frozenset({EXPORT})

CLUSTER_COLUMNS: tuple[ClusterColumn, ...] = (
    ClusterColumn("id", "text"),
    ClusterColumn("name_en", "text"),
    ClusterColumn("name_ru", "text"),
    ClusterColumn("city", "text"),
    ClusterColumn("region_code", "text"),
    ClusterColumn("region_name_en", "text"),
    ClusterColumn("region_name_ru", "text"),
    ClusterColumn("federal_district", "text"),
    ClusterColumn("region_as_published", "text", _ONLY_EXPORT),
    _card("founded_year", "whole"),
    _card("website"),
    _card("description_ru"),
    _card("description_en"),
    ClusterColumn("industry_group", "text"),
    ClusterColumn("specialisation", "text"),
    ClusterColumn("specialisations", "text", _ONLY_API),
    ClusterColumn("status", "text"),
    _card("status_document"),
    ClusterColumn("org_level", "text"),
    _card("org_level_assessed_by"),
    _card("org_level_assessed_at"),
    _card("org_level_basis"),
    _card("manager_name"),
    _card("manager_inn"),
    _card("manager_website"),
    _member("participants"),
    _member("participants_basis", "text"),
    _member("participants_reported"),
    _member("participants_listed"),
    _member("intl_members"),
    _member("intl_members_reported"),
    _member("intl_members_listed"),
    _card("employees", "whole"),
    _card("revenue_bln_rub", "number"),
    ClusterColumn("export_bln_rub", "number"),
    ClusterColumn("publications", "whole"),
    ClusterColumn("joint_rd_bln_rub", "number"),
    ClusterColumn("index_published", "number"),
    ClusterColumn("cluster_index", "number"),
    ClusterColumn("region_index", "number"),
    ClusterColumn("scenario", "note"),
    _member("mne_count"),
    ClusterColumn("mne_presence", "text", _ONLY_API),
    ClusterColumn("lat", "number", _ONLY_EXPORT),
    ClusterColumn("lon", "number", _ONLY_EXPORT),
    ClusterColumn("location_basis", "text"),
    ClusterColumn("located_region_code", "text", _ONLY_EXPORT),
    ClusterColumn("region_mismatch", "flag", _ONLY_EXPORT),
    ClusterColumn("source_doc", "note"),
    ClusterColumn("source_ref", "note"),
    _card("field_sources"),
    ClusterColumn("notes", "note", _ONLY_EXPORT),
    ClusterColumn("synthetic", "flag", _ONLY_API),
)
"""Every public column of a cluster, in the order the outputs write them. The API leaves
out what only a file reader needs (the region as the source wrote it, the point as
columns: GeoJSON has the geometry, the located region and the editors' notes); the
API adds ``specialisations``, the specialisations as a list (``geo.api.specs.CLUSTER_JSON``);
the exports leave out the MNE presence (``mne_count`` says it) and the synthetic flag (the
metadata marks a synthetic export as a whole)."""


def columns_for(output: Output) -> tuple[str, ...]:
    """The names of the columns ``output`` carries, in order.

    >>> columns_for("api")[:3], "notes" in columns_for("api"), "notes" in columns_for("export")
    (('id', 'name_en', 'name_ru'), False, True)
    """
    return tuple(c.name for c in CLUSTER_COLUMNS if output in c.outputs)


def text_columns(output: Output) -> tuple[str, ...]:
    """The text columns of ``output`` but the id (a missing one is "not reported")."""
    return tuple(
        c.name
        for c in CLUSTER_COLUMNS
        if output in c.outputs and c.kind == "text" and c.name != "id"
    )


def whole_number_columns() -> tuple[str, ...]:
    """The columns holding whole numbers (written without a decimal point)."""
    return tuple(c.name for c in CLUSTER_COLUMNS if c.kind == "whole")


def column_descriptions(output: Output) -> dict[str, str]:
    """Column → its description (English msgid), for the described columns ``output``
    carries (the card's and the member counts), in order."""
    return {c.name: c.description for c in CLUSTER_COLUMNS if c.description and output in c.outputs}
