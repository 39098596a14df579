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
from typing import Any

import pandas as pd

from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import importer
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
    },
    N_("Cluster priorities"): {
        "industry_group": N_("Industry group (comparison group of the index)"),
        "specialisation": N_("Specialisation"),
    },
    N_("Management"): {"org_level": N_("Organisation development level")},
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
