"""The forms of the edit and import pages as data: the fields of a cluster (by block of the
Cluster Map of Russia profile) and of an MNE link with their labels, the values a form starts
from, what an editor changed, the choices of a vocabulary field, the names of the kinds of
records and import modes, and the pages' texts.

The pages (``app_pages/edit.py``, ``app_pages/import_data.py``) draw the widgets; every write goes
through :mod:`geo.registry.store`, which checks the editor itself. :data:`EDIT_TEXT` and
:data:`IMPORT_TEXT` hold the pages' words (English msgids, translated with :func:`text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import card, importer
from geo.registry.store import State

NEW = "__new__"
"""The picker's choice "register a new cluster"."""

EDIT_TEXT: dict[str, str] = {
    "title": N_("Register and edit clusters"),
    "intro": N_(
        "Changes are saved as new versions of the registry; the history on the "
        "Import and history page shows who changed what, and can restore any version."
    ),
    "viewer": N_("Viewing only: sign in as an editor (sidebar) to register or edit clusters."),
    "pick": N_("Cluster"),
    "new": N_("Register a new cluster"),
    "save_new": N_("Register the cluster"),
    "save": N_("Save changes"),
    "links": N_("MNE links of this cluster"),
    "no_links": N_("No MNE links are recorded for this cluster."),
    "add_link": N_("Add an MNE link"),
    "save_link": N_("Add the link"),
    "remove_link": N_("Remove an MNE link"),
    "remove_link_button": N_("Remove the link"),
    "remove_cluster": N_("Remove this cluster"),
    "remove_cluster_button": N_("Remove the cluster"),
    "remove_confirm": N_("I want to remove {key}"),
    "link_id": N_("Link"),
    "missing_hint": N_(
        "Leave empty, or write n/a or not reported, when the source does not give it."
    ),
}
"""Every user-facing text of the edit page."""

CLUSTER_BLOCKS: dict[str, dict[str, str]] = {
    N_("General data"): {
        "name_en": N_("Name (English)"),
        "name_ru": N_("Name (Russian)"),
        "city": N_("City"),
        "region_as_published": N_("Region (code or any known name)"),
        "status": N_("Status"),
        "status_document": N_("Document of the status (e.g. an entry of a ministry's register)"),
        "founded_year": N_("Founding year"),
        "website": N_("Web site"),
        "description_ru": N_("Description (Russian)"),
        "description_en": N_("Description (English)"),
        "employees": N_("Employees"),
        "revenue_bln_rub": N_("Revenue, bln rub."),
    },
    N_("Cluster priorities"): {
        "industry_group": N_("Industry group (comparison group of the index)"),
        "specialisation": N_("Specialisations (separated by ;)"),
    },
    N_("Management"): {
        "org_level": N_("Organisation development level"),
        "org_level_assessed_by": N_("Level assessed by"),
        "org_level_assessed_at": N_("Level assessed on (YYYY-MM-DD)"),
        "org_level_basis": N_("Basis of the assessment"),
        "manager_name": N_("Cluster management organisation"),
        "manager_inn": N_("INN of the management organisation"),
        "manager_website": N_("Web site of the management organisation"),
        "contact_person": N_("Contact person"),
        "contact_email": N_("Contact e-mail"),
        "contact_phone": N_("Contact phone"),
    },
    N_("Members"): {
        "participants": N_("Participants"),
        "intl_members": N_("International members"),
    },
    N_("Partners and projects"): {"joint_rd_bln_rub": N_("Joint international R&D, bln rub.")},
    N_("Internationalisation indicators"): {
        "export_bln_rub": N_("Export, bln rub."),
        "publications": N_("Publications"),
        "index_published": N_("Published index"),
    },
    N_("Sources"): {
        "source_doc": N_("Source document(s): 001, 002, 003 or registry"),
        "source_ref": N_("Where in the source"),
        "field_sources": N_("Source and date of each field"),
        "notes": N_("Notes"),
    },
}
"""Form fields per block of the Cluster Map of Russia profile
(:data:`geo.analysis.profiles.BLOCK_TITLES`), with the label shown. The
internationalisation indicators of the papers follow."""

LINK_FIELDS: dict[str, str] = {
    "mne_name": N_("MNE"),
    "hq_country": N_("Headquarters country (ISO name or code, English or Russian)"),
    "industry": N_("Industry"),
    "relation": N_("Relation to the cluster"),
    "presence": N_("Presence"),
    "interplay_type": N_("Type of interplay"),
    "source_doc": N_("Source document(s): 001, 002, 003 or registry"),
    "source_ref": N_("Where in the source"),
    "notes": N_("Notes"),
}
"""The fields of an MNE link, with the label shown."""

VOCABULARY_OF: dict[str, str] = {
    "status": "status",
    "industry_group": "industry_group",
    "org_level": "org_level",
    "relation": "relation",
    "presence": "presence",
    "interplay_type": "interplay_type",
}
"""The vocabulary (``vocabularies.csv``) a field's value comes from: a choice, not text."""

CARD_FIELD_LABELS: dict[str, str] = {
    column: label for fields in CLUSTER_BLOCKS.values() for column, label in fields.items()
}
"""Every cluster field's form label by column (English msgids)."""

LONG_FIELDS: frozenset[str] = frozenset(
    {"notes", "description_ru", "description_en", "org_level_basis", "field_sources"}
)
"""Fields typed in a text area (several lines)."""

FIELD_HINTS: dict[str, str] = {
    "manager_inn": N_("10 digits (an organisation) or 12 (an individual entrepreneur)."),
    "website": N_("A full address starting with https:// or http://."),
    "manager_website": N_("A full address starting with https:// or http://."),
    "contact_person": N_("Private: shown only to signed-in users, never exported."),
    "contact_email": N_("Private: shown only to signed-in users, never exported."),
    "contact_phone": N_("Private: shown only to signed-in users, never exported."),
    "org_level": N_(
        "The observatory's assessment (moderators only). When it changes, who assessed "
        "it and when default to you and today."
    ),
    "org_level_basis": N_(
        "What the assessment rests on (documents, a visit, the Cluster Map's criteria); "
        "no scoring method is implied."
    ),
    "field_sources": N_(
        "One line per field: field | source | date, e.g. "
        "founded_year | Register of industrial clusters | 2024-05-01. The date may be "
        "YYYY-MM-DD, YYYY-MM or YYYY."
    ),
}
"""Help shown under a field (English msgids); other fields get the missing-value hint."""

MODERATOR_ONLY: frozenset[str] = frozenset(card.MODERATOR_FIELDS["clusters"])
"""The cluster fields only a moderator or an admin may set
(:data:`geo.registry.card.MODERATOR_FIELDS`): a form for a submitter leaves them out
(:func:`cluster_blocks`)."""

NEW_DEFAULTS: dict[str, str] = {"source_doc": importer.REGISTRY_SOURCE}
"""Prefilled values of a new record: what an editor enters is registry data."""

IMPORT_TEXT: dict[str, str] = {
    "title": N_("Import and history"),
    "intro": N_(
        "Import records from CSV (UTF-8, UTF-8 with BOM or Windows-1251; comma, "
        "semicolon or tab), XLSX or GeoJSON. Column headers may be English or Russian; the "
        "schema is in data/README-import.md. A file with any problem changes nothing."
    ),
    "tab_import": N_("Import"),
    "tab_history": N_("History"),
    "kind": N_("Kind of records"),
    "mode": N_("Mode"),
    "file": N_("File"),
    "read_as": N_("Read as {format}{encoding}; {rows} row(s)."),
    "columns": N_("How the columns were read"),
    "problems": N_("{count} problem(s): nothing will be imported. Fix them and upload again."),
    "valid": N_(
        "Valid: {added} to add, {changed} to change, {removed} to remove, {unchanged} unchanged."
    ),
    "nothing": N_("The store already holds exactly this data: nothing to import."),
    "changes": N_("What the import changes (cell by cell)"),
    "import_button": N_("Import as a new version"),
    "sign_in_to_import": N_("Sign in as an editor (sidebar) to import this file."),
    "versions": N_("Versions, newest first"),
    "version": N_("Version"),
    "version_changes": N_("What version {version} changed"),
    "version_data": N_("The data of version {version}"),
    "download": N_("Download {kind} of version {version} (CSV)"),
    "restore": N_("Restore version {version} (adds a new version equal to it)"),
    "restore_done": N_("Version {version} restored as version {new}."),
    "restore_nothing": N_("The latest version already equals version {version}."),
    "sign_in_to_restore": N_("Sign in as an editor (sidebar) to restore a version."),
    "latest": N_("This is the latest version."),
}
"""Every user-facing text of the import page."""
KIND_LABELS: dict[str, str] = {
    "clusters": N_("Clusters"),
    "mne_links": N_("MNE links"),
    "regional_indicators": N_("Regional indicators"),
    "organisations": N_("Organisations"),
    "memberships": N_("Memberships"),
}
MODE_LABELS: dict[str, str] = {
    "upsert": N_("Add and update (records not in the file stay)"),
    "replace": N_("Replace (records of this kind not in the file are removed)"),
}
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "geojson", "json"]


def text(texts: Mapping[str, str], key: str, lang: str = "en", **values: object) -> str:
    """``texts[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(texts[key])
    return message.format(**values) if values else message


def kind_labels(lang: str = "en") -> dict[str, str]:
    """The names of the kinds of records in ``lang``."""
    _ = i18n.translator(lang)
    return {kind: _(label) for kind, label in KIND_LABELS.items()}


def mode_labels(lang: str = "en") -> dict[str, str]:
    """The descriptions of the import modes in ``lang``."""
    _ = i18n.translator(lang)
    return {mode: _(label) for mode, label in MODE_LABELS.items()}


def read_as(parsed: importer.ParsedFile, lang: str = "en") -> str:
    """How a file was read: "Read as CSV, cp1251; 2 row(s)."."""
    encoding = f", {parsed.encoding}" if parsed.encoding else ""
    return text(
        IMPORT_TEXT,
        "read_as",
        lang,
        format=parsed.format.upper(),
        encoding=encoding,
        rows=len(parsed.rows),
    )


# --- the edit page ----------------------------------------------------------------------------


def shown(value: Any) -> str:
    """A stored value as a form shows it ('' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def initial_cluster(state: State, cluster_id: str | None) -> dict[str, str]:
    """What the cluster form starts from: the stored values of ``cluster_id``, or the
    defaults of a new record (``None`` or an id not in ``state``)."""
    stored = state["clusters"].get(cluster_id) if cluster_id else None
    return {
        column: shown(stored.values.get(column)) if stored else NEW_DEFAULTS.get(column, "")
        for fields in CLUSTER_BLOCKS.values()
        for column in fields
    }


def cluster_blocks(assessor: bool) -> dict[str, dict[str, str]]:
    """:data:`CLUSTER_BLOCKS` for a form: whole for someone who may assess the level
    (moderators, admins), without :data:`MODERATOR_ONLY` for anyone else (a submitter's
    proposal); a block left empty is left out."""
    if assessor:
        return {block: dict(fields) for block, fields in CLUSTER_BLOCKS.items()}
    out = {}
    for block, fields in CLUSTER_BLOCKS.items():
        kept = {c: label for c, label in fields.items() if c not in MODERATOR_ONLY}
        if kept:
            out[block] = kept
    return out


def with_assessment(
    sent: Mapping[str, str], initial: Mapping[str, str], assessor: str, today: date
) -> dict[str, str]:
    """The fields a form sends, with the assessment of a changed development level: when
    ``org_level`` changes to a level and the editor did not change who assessed it or
    when, ``assessor`` and ``today``; when it is cleared, the assessment is cleared too
    (an assessment without a level is refused). ``sent`` is :func:`changed` or
    :func:`filled`; ``initial`` what the form started from."""
    if "org_level" not in sent:
        return dict(sent)
    out = dict(sent)
    if sent["org_level"] == "":
        for column in importer.ASSESSMENT_FIELDS:
            if initial.get(column, ""):
                out[column] = ""
        return out
    out.setdefault("org_level_assessed_by", assessor)
    out.setdefault("org_level_assessed_at", today.isoformat())
    return out


def filled(entered: Mapping[str, str]) -> dict[str, str]:
    """The fields of a new record the editor filled in (empty ones are left out)."""
    return {c: v for c, v in entered.items() if v != ""}


def changed(entered: Mapping[str, str], initial: Mapping[str, str]) -> dict[str, str]:
    """Only the fields the editor changed: an edit sends nothing else."""
    return {c: v for c, v in entered.items() if v != initial[c]}


def choices(column: str, current: str, refs: importer.References) -> list[str] | None:
    """The options of a vocabulary field ('' first for "not reported", then the
    vocabulary's values, then ``current`` if it is none of them), or None for a text field."""
    vocabulary = VOCABULARY_OF.get(column)
    if not vocabulary:
        return None
    options = ["", *sorted(refs.vocabularies.get(vocabulary, ()))]
    if current not in options:
        options.append(current)
    return options


def cluster_labels(state: State, lang: str = "en") -> dict[str, str]:
    """``id: name`` of every cluster for the picker, after "register a new cluster" (plain
    text: options are not Markdown)."""
    labels = {NEW: text(EDIT_TEXT, "new", lang)}
    for key, entry in state["clusters"].items():
        labels[key] = f"{key}: {i18n.localised_name(entry.values, lang)}"
    return labels


def links_of(state: State, cluster_id: str) -> dict[str, str]:
    """The MNE links of a cluster: ``link_id: "link_id: MNE name"``."""
    return {
        e.key: f"{e.key}: {e.values['mne_name']}"
        for e in state["mne_links"].values()
        if e.values["cluster_id"] == cluster_id
    }


def link_table(state: State, cluster_id: str, lang: str = "en") -> pd.DataFrame:
    """The MNE links of a cluster as a table in ``lang`` (missing values read "not
    reported"); empty when it has none."""
    links = [e for e in state["mne_links"].values() if e.values["cluster_id"] == cluster_id]
    if not links:
        return pd.DataFrame()
    _ = i18n.translator(lang)
    frame = pd.DataFrame([e.values for e in links])[["link_id", *LINK_FIELDS]]
    headers = {"link_id": text(EDIT_TEXT, "link_id", lang)}
    headers |= {c: _(label) for c, label in LINK_FIELDS.items()}
    frame = frame.astype(object).where(frame.notna(), i18n.not_reported(lang))
    return frame.rename(columns=headers)
