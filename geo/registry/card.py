"""Who may see and who may set which fields of the cluster card (issue 16), as two tables.

:data:`PRIVATE_FIELDS`
    Personal contact data (the contact person of the organisation that manages a cluster,
    their e-mail and phone). They are stored with the record and imported like any
    field, but every public output is built without them: the store's frames (hence the
    :class:`~geo.analysis.dataset.Dataset` of the app, the exports, the OGC API and the
    command line), its CSV downloads and display tables (registry and history
    downloads) and the cell-by-cell changes (history, changes between versions, a
    cluster's timeline, an import's preview) all take their columns from
    :func:`public_columns`. Only :meth:`geo.registry.store.Store.contacts` returns them,
    to a principal allowed :data:`VIEW_CONTACTS` (submitters, moderators, admins).

:data:`MODERATOR_FIELDS`
    The cluster's development level is the observatory's assessment, not the cluster's
    claim: the level, who assessed it, when and on what basis may be set only by a
    principal allowed :data:`ASSESS` (moderators, admins). The store checks every change
    it writes (:func:`assessed_fields`); a submission workflow checks a submitter's
    proposal with the same function before storing it.

A new private or moderator-only field is one entry in its table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from geo.base import i18n
from geo.base.i18n import N_

__all__ = [
    "ASSESS",
    "MODERATOR_FIELDS",
    "PRIVATE_FIELDS",
    "VIEW_CONTACTS",
    "CONTACT_TEXT",
    "assessed_fields",
    "contacts_frame",
    "private_values",
    "public_columns",
    "public_values",
]

#: The permission (:data:`geo.registry.auth.PERMISSIONS`) to read private fields.
VIEW_CONTACTS = "contacts.view"

#: The permission to set moderator-only fields.
ASSESS = "assess"

PRIVATE_FIELDS: dict[str, frozenset[str]] = {
    "clusters": frozenset({"contact_person", "contact_email", "contact_phone"}),
}
"""Kind → its columns holding personal data, never in a public output."""

MODERATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "clusters": (
        "org_level",
        "org_level_assessed_by",
        "org_level_assessed_at",
        "org_level_basis",
    ),
}
"""Kind → its columns only a moderator or an admin may set (the development level and
its assessment)."""


def public_columns(kind: str, columns: Iterable[str]) -> list[str]:
    """``columns`` of ``kind`` without its private ones, in their order.

    >>> public_columns("clusters", ["id", "contact_email", "website"])
    ['id', 'website']
    """
    private = PRIVATE_FIELDS.get(kind, frozenset())
    return [column for column in columns if column not in private]


def public_values(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's values without its private fields."""
    private = PRIVATE_FIELDS.get(kind, frozenset())
    return {column: value for column, value in values.items() if column not in private}


def private_values(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's private fields only (each present, ``None`` when not reported), in a
    fixed order."""
    return {column: values.get(column) for column in sorted(PRIVATE_FIELDS.get(kind, ()))}


def assessed_fields(
    kind: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[str]:
    """The moderator-only fields a change sets: those whose value differs between
    ``before`` and ``after`` (a new record: ``before`` is None, each field given). A
    removal (``after`` None) sets none.

    >>> assessed_fields("clusters", {"org_level": None}, {"org_level": "high"})
    ['org_level']
    >>> assessed_fields("clusters", None, {"name_en": "X", "org_level": None})
    []
    """
    if after is None:
        return []
    old = before or {}
    return [
        column for column in MODERATOR_FIELDS.get(kind, ()) if after.get(column) != old.get(column)
    ]


CONTACT_TEXT: dict[str, str] = {
    "title": N_("Contacts of the management organisation"),
    "contact_person": N_("Contact person"),
    "contact_email": N_("Contact e-mail"),
    "contact_phone": N_("Contact phone"),
    "private": N_(
        "Personal data: shown to you because you are signed in; never in exports, the "
        "API or downloads."
    ),
}
"""The words of the contacts section of the cluster page (English msgids)."""


def contacts_frame(values: Mapping[str, Any], lang: str = "en") -> pd.DataFrame:
    """The private fields :meth:`geo.registry.store.Store.contacts` returned, as a
    Field/Value table in ``lang`` (a missing value reads "not reported")."""
    _ = i18n.translator(lang)
    rows = [
        (_(CONTACT_TEXT[column]), i18n.not_reported(lang) if value is None else str(value))
        for column, value in values.items()
        if column in CONTACT_TEXT
    ]
    return pd.DataFrame(rows, columns=["Field", "Value"])
