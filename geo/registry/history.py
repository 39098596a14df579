"""What changed in the registry: between any two versions, and in one cluster's life.

The store keeps every version (:mod:`geo.registry.store`); this module reads that history
for people (issue 17):

* :func:`changes_between`: the net difference between the data of two versions, record by
  record (added, removed, changed) and, for changed records, field by field (old → new);
  the Changes page shows it by kind (clusters added, removed, changed; MNE links added,
  ended, changed; regional indicators) and :func:`changes_csv` writes it, formula-safe;
* :func:`cluster_timeline`: every version in which one cluster, or an MNE link while it
  named that cluster, was added, changed or removed, with who did it, when, and which
  fields changed.

Tables keep English column names (code and tests find them by name; pages translate the
headers, :data:`HEADERS`); cells hold values as stored, with the change names and the
missing-value markers in the page's language when one is given. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.base.i18n import N_, VocabularyLabels, translator
from geo.registry import members
from geo.registry.forms import CARD_FIELD_LABELS, VOCABULARY_OF
from geo.registry.importer import CHANGE_NAMES, IMPORT_KINDS, MARKER_NAMES, Change, Entry
from geo.registry.store import ACTION_NAMES, RecordRow, State, Store, VersionInfo
from geo.render.exports.formulas import neutralise_frame
from geo.render.exports.tables import HEADERS as FIELD_HEADERS

__all__ = [
    "CHANGES_TEXT",
    "FIELD_COLUMNS",
    "HEADERS",
    "SECTIONS",
    "TIMELINE_COLUMNS",
    "TIMELINE_TEXT",
    "Span",
    "changes_between",
    "changes_csv",
    "changes_table",
    "cluster_timeline",
    "counts",
    "diff_states",
    "record_events",
    "section_table",
]

#: The Changes page's words (English msgids, translated where shown).
CHANGES_TEXT: dict[str, str] = {
    "title": N_("Changes"),
    "intro": N_(
        "What changed in the registry between two versions: clusters added, removed and "
        "changed field by field (old → new), MNE links added, ended and changed, regional "
        "indicators, and the member organisations and memberships (an MNE link is the "
        "membership of a foreign-owned organisation: a change to one shows under both). "
        "Each version is a moment: pick two, or put versions or dates (YYYY-MM-DD) in the "
        "address as ?from=…&to=…."
    ),
    "from": N_("From (older)"),
    "to": N_("To (newer)"),
    "version_label": N_("version {version} · {time} · {action}"),
    "same": N_("Both sides are version {version}: nothing to compare."),
    "swapped": N_("“From” was the newer version: the two were swapped."),
    "span": N_(
        "From version {old} ({old_time}, {old_author}) to version {new} ({new_time}, {new_author})."
    ),
    "nothing": N_("The two versions hold the same data."),
    "none": N_("None."),
    "download": N_("Download the changes (CSV)"),
    "synthetic": N_(
        "A synthetic registry has no versions: the changes are those of the registry store."
    ),
    "no_store": N_("The registry store could not be opened, so there is no history to compare."),
    "ignored": N_("Ignored in the URL: {problems}."),
}

#: The sections of the Changes page: (kind, change) → heading.
SECTIONS: dict[tuple[str, str], str] = {
    ("clusters", "added"): N_("Clusters added"),
    ("clusters", "removed"): N_("Clusters removed"),
    ("clusters", "changed"): N_("Clusters changed, field by field"),
    ("mne_links", "added"): N_("MNE links added"),
    ("mne_links", "removed"): N_("MNE links ended"),
    ("mne_links", "changed"): N_("MNE links changed, field by field"),
    ("regional_indicators", "added"): N_("Regional indicators added"),
    ("regional_indicators", "removed"): N_("Regional indicators removed"),
    ("regional_indicators", "changed"): N_("Regional indicators changed"),
    ("organisations", "added"): N_("Member organisations added"),
    ("organisations", "removed"): N_("Member organisations removed"),
    ("organisations", "changed"): N_("Member organisations changed, field by field"),
    ("memberships", "added"): N_("Memberships added"),
    ("memberships", "removed"): N_("Memberships removed"),
    ("memberships", "changed"): N_("Memberships changed, field by field"),
}

#: The cluster profile's timeline words.
TIMELINE_TEXT: dict[str, str] = {
    "title": N_("Timeline"),
    "intro": N_(
        "Every version of the registry in which this cluster or one of its MNE links was "
        "added, changed or removed (newest first), with the fields that changed."
    ),
    "shown": N_("The page shows version {version}; later versions are listed too."),
    "empty": N_("No stored history for this cluster."),
    "synthetic": N_("A synthetic registry has no history."),
    "cluster": N_("cluster"),
    "link": N_("MNE link {key} ({name})"),
    "not_at_version": N_(
        "Cluster {id} is not in the registry as of version {version}; its timeline follows."
    ),
}

#: Headers of the tables of this module (English msgids; the frames keep the names).
HEADERS: dict[str, str] = {
    "kind": N_("Kind of records"),
    "key": N_("Record"),
    "name": N_("Name"),
    "change": N_("Change"),
    "field": N_("Field"),
    "before": N_("Before"),
    "after": N_("After"),
    "version": N_("Version"),
    "created_at": N_("Created at"),
    "action": N_("Action"),
    "author": N_("Author"),
    "record": N_("Record"),
}

FIELD_COLUMNS: tuple[str, ...] = ("kind", "key", "name", "change", "field", "before", "after")
"""The columns of :func:`changes_table` (and of the CSV)."""

TIMELINE_COLUMNS: tuple[str, ...] = (
    "version",
    "created_at",
    "action",
    "author",
    "record",
    "change",
    "field",
    "before",
    "after",
)
"""The columns of :func:`cluster_timeline`."""


@dataclass(frozen=True)
class Span:
    """Two versions compared, ``old`` before ``new``, and the records that differ."""

    old: VersionInfo
    new: VersionInfo
    changes: tuple[Change, ...]


# --------------------------------------------------------------------------- between versions


def diff_states(before: State, after: State) -> tuple[Change, ...]:
    """The records that differ between two states (kind → key → entry): added, changed
    (values or markers) and removed, by kind in import order, each kind in the order of
    ``after`` then the removed ones in the order of ``before``."""
    out: list[Change] = []
    for kind in IMPORT_KINDS:
        old, new = before.get(kind, {}), after.get(kind, {})
        for key, entry in new.items():
            if key not in old:
                out.append(Change(kind, key, "added", None, entry))
            elif not old[key].same_as(entry):
                out.append(Change(kind, key, "changed", old[key], entry))
        out += [Change(kind, key, "removed", e, None) for key, e in old.items() if key not in new]
    return tuple(out)


def changes_between(store: Store, old: int, new: int) -> Span:
    """What the data of version ``new`` has that ``old``'s had not (``old`` may be the
    later one: the difference is then read backwards). ``KeyError`` for a version the
    store does not have."""
    changes = diff_states(store.state(old), store.state(new))
    return Span(store.version(old), store.version(new), changes)


def counts(changes: Iterable[Change]) -> dict[tuple[str, str], int]:
    """How many records of each :data:`SECTIONS` key changed (zero included)."""
    out = dict.fromkeys(SECTIONS, 0)
    for change in changes:
        out[(change.kind, change.change)] = out.get((change.kind, change.change), 0) + 1
    return out


def record_name(kind: str, entry: Entry | None, lang: str = "en") -> str:
    """What a person calls a record: a cluster's name (Russian when there is one and
    ``lang`` is Russian), an MNE link's company and cluster, an indicator's region and
    name (the key is shown beside it)."""
    if entry is None:
        return ""
    values = entry.values
    if kind == "clusters":
        russian = values.get("name_ru") if lang == "ru" else None
        return str(russian or values.get("name_en") or "")
    if kind == "mne_links":
        return f"{values.get('mne_name') or ''} → {values.get('cluster_id') or ''}"
    if kind == "organisations":
        russian = values.get("name_ru") if lang == "ru" else None
        return str(russian or values.get("name_en") or values.get("name_ru") or "")
    if kind == "memberships":
        return f"{values.get('org_id') or ''} → {values.get('cluster_id') or ''}"
    year = values.get("reference_year")
    year_text = f" {int(year)}" if isinstance(year, float) else ""
    return f"{values.get('region_as_published')} · {values.get('indicator')}{year_text}"


def _cell(value: Any, lang: str | None) -> Any:
    """A changed cell for display: a missing-value marker in ``lang``, other values as
    stored (a whole number without ``.0``)."""
    if isinstance(value, str) and lang is not None and value in MARKER_NAMES:
        return translator(lang)(MARKER_NAMES[value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if value is None or isinstance(value, str) else str(value)


def _field_cells(
    column: str, old: Any, new: Any, lang: str | None, vocab: VocabularyLabels | None
) -> tuple[Any, Any, Any]:
    """A changed field as a row shows it: with ``lang``, the field's header in that
    language and a vocabulary value (a status, a relation, ...) as ``vocab`` names it
    there; without, the column name and the values as stored (the CSV's form)."""
    if lang is None:
        return column, _cell(old, None), _cell(new, None)
    headers = {**CARD_FIELD_LABELS, **FIELD_HEADERS}  # the card's fields by their form labels
    name = translator(lang)(headers[column]) if column in headers else column
    vocabulary = VOCABULARY_OF.get(column)

    def shown(value: Any) -> Any:
        if vocab is None or vocabulary is None or value is None or value in MARKER_NAMES:
            return _cell(value, lang)
        return vocab.term(vocabulary, value, lang)

    return name, shown(old), shown(new)


def _change_name(change: str, lang: str | None) -> str:
    return change if lang is None else translator(lang)(CHANGE_NAMES[change])


def changes_table(
    changes: Iterable[Change], lang: str | None = None, vocab: VocabularyLabels | None = None
) -> pd.DataFrame:
    """One row per added or removed record (no field) and per changed field of a changed
    record: :data:`FIELD_COLUMNS`. With ``lang`` the change names, the fields' names and
    the missing-value markers read in that language, and vocabulary values as ``vocab``
    names them there; without, as the store names them (the CSV's form)."""
    rows = []
    for change in changes:
        name = record_name(change.kind, change.after or change.before, lang or "en")
        head = (change.kind, change.key, name, _change_name(change.change, lang))
        if change.change != "changed":
            rows.append((*head, "", None, None))
            continue
        for column, old, new in change.cells():
            rows.append((*head, *_field_cells(column, old, new, lang, vocab)))
    return pd.DataFrame(rows, columns=list(FIELD_COLUMNS), dtype=object)


def section_table(
    changes: Iterable[Change],
    kind: str,
    change: str,
    lang: str | None = None,
    vocab: VocabularyLabels | None = None,
) -> pd.DataFrame:
    """The rows of one section of the Changes page: records added or removed (key and
    name), or the fields of changed records (key, name, field, before, after)."""
    picked = [c for c in changes if c.kind == kind and c.change == change]
    table = changes_table(picked, lang, vocab)
    if change == "changed":
        return table[["key", "name", "field", "before", "after"]]
    return table[["key", "name"]]


def changes_csv(span: Span) -> bytes:
    """The changes of ``span`` as CSV (UTF-8 with a byte-order mark so spreadsheets read
    the Cyrillic), one row per record or changed field, the two versions in every row,
    text cells that a spreadsheet would run as formulas neutralised."""
    table = changes_table(span.changes)
    table.insert(0, "to_version", span.new.id)
    table.insert(0, "from_version", span.old.id)
    safe = neutralise_frame(table)
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


# --------------------------------------------------------------------------- one cluster's life


def record_events(rows: Sequence[RecordRow]) -> list[tuple[int, Change]]:
    """The changes the stored rows of some records tell, as ``(version, change)``,
    oldest first: a row starting where another row of its record ended was a change, a
    row starting after a gap (or first) an addition, a row ending with no successor a
    removal."""
    starts = {(r.kind, r.key, r.valid_from): r for r in rows}
    ends = {(r.kind, r.key, r.valid_to): r for r in rows if r.valid_to is not None}
    events: list[tuple[int, Change]] = []
    for row in rows:
        previous = ends.get((row.kind, row.key, row.valid_from))
        if previous is None:
            events.append((row.valid_from, Change(row.kind, row.key, "added", None, row.entry)))
        else:
            change = Change(row.kind, row.key, "changed", previous.entry, row.entry)
            events.append((row.valid_from, change))
        if row.valid_to is not None and (row.kind, row.key, row.valid_to) not in starts:
            removal = Change(row.kind, row.key, "removed", row.entry, None)
            events.append((row.valid_to, removal))
    order = {kind: i for i, kind in enumerate(IMPORT_KINDS)}
    return sorted(events, key=lambda e: (e[0], order.get(e[1].kind, 99), e[1].key))


def _covering(rows: Sequence[RecordRow], version: int) -> RecordRow | None:
    """The row of ``rows`` valid at ``version``."""
    return next(
        (
            r
            for r in rows
            if r.valid_from <= version and (r.valid_to is None or version < r.valid_to)
        ),
        None,
    )


def _derived_links(rows: Sequence[RecordRow]) -> dict[str, list[RecordRow]]:
    """The MNE links memberships of foreign-owned organisations stood for, by link id:
    one row per stretch of versions in which a membership row and its organisation's row
    were both valid (:func:`geo.registry.members.link_from_membership`)."""
    orgs: dict[str, list[RecordRow]] = {}
    for row in rows:
        if row.kind == "organisations":
            orgs.setdefault(row.key, []).append(row)
    out: dict[str, list[RecordRow]] = {}
    for m in (r for r in rows if r.kind == "memberships"):
        for o in orgs.get(str(m.entry.values.get("org_id")), []):
            start = max(m.valid_from, o.valid_from)
            ends = [v for v in (m.valid_to, o.valid_to) if v is not None]
            end = min(ends) if ends else None
            if (end is not None and start >= end) or o.entry.values.get("foreign_owned") != "yes":
                continue
            link = members.link_from_membership(m.entry, o.entry)
            out.setdefault(link.key, []).append(RecordRow("mne_links", link.key, start, end, link))
    return out


def _stretches(derived: Sequence[RecordRow], stored: Sequence[RecordRow]) -> list[RecordRow]:
    """One link's rows as the view showed it version by version: the membership's link
    where one stood for it, else the stored ``mne_links`` row (an older store); equal
    neighbours joined, so the migration that turned rows into memberships is no change."""
    bounds = sorted(
        {b for r in (*derived, *stored) for b in (r.valid_from, r.valid_to) if b is not None}
    )
    out: list[RecordRow] = []
    for start, end in zip(bounds, [*bounds[1:], None], strict=True):
        row = _covering(derived, start) or _covering(stored, start)
        if row is None:
            continue
        last = out[-1] if out else None
        if last is not None and last.valid_to == start and last.entry.same_as(row.entry):
            out[-1] = RecordRow(last.kind, last.key, last.valid_from, end, last.entry)
        else:
            out.append(RecordRow(row.kind, row.key, start, end, row.entry))
    return out


def link_rows(rows: Sequence[RecordRow]) -> list[RecordRow]:
    """A cluster's rows (:meth:`geo.registry.store.Store.cluster_rows`) with its MNE
    links as the registry showed them: the cluster's own rows, then per link the rows of
    :func:`_stretches` (memberships and organisations are read, not listed), oldest
    first."""
    derived = _derived_links(rows)
    stored: dict[str, list[RecordRow]] = {}
    for row in rows:
        if row.kind == "mne_links":
            stored.setdefault(row.key, []).append(row)
    out = [r for r in rows if r.kind == "clusters"]
    for key in dict.fromkeys([*stored, *derived]):
        out += _stretches(derived.get(key, []), stored.get(key, []))
    return sorted(out, key=lambda r: r.valid_from)


def _names_cluster(change: Change, cluster_id: str) -> bool:
    """True for a change of the cluster itself, or of an MNE link that named the cluster
    before or after it."""
    if change.kind == "clusters":
        return change.key == cluster_id
    sides = (change.before, change.after)
    return any(e is not None and e.values.get("cluster_id") == cluster_id for e in sides)


def _record_text(change: Change, lang: str) -> str:
    _ = translator(lang)
    if change.kind == "clusters":
        return _(TIMELINE_TEXT["cluster"])
    name = (change.after or change.before or Entry(change.key, {})).values.get("mne_name")
    return _(TIMELINE_TEXT["link"]).format(key=change.key, name=name or "")


def cluster_timeline(
    store: Store, cluster_id: str, lang: str = "en", vocab: VocabularyLabels | None = None
) -> pd.DataFrame:
    """Every version in which ``cluster_id`` or an MNE link naming it changed, newest
    first: :data:`TIMELINE_COLUMNS`, one row per added or removed record and per changed
    field, the version's time (UTC), action, field names and values in ``lang``
    (vocabulary values as ``vocab`` names them) and author. Empty when the store has never
    held the cluster."""
    _ = translator(lang)
    infos = {info.id: info for info in store.versions()}
    rows = []
    lived = link_rows(store.cluster_rows(cluster_id))
    events = [e for e in record_events(lived) if _names_cluster(e[1], cluster_id)]
    events.sort(key=lambda e: -e[0])  # newest first; stable: the cluster before its links
    for version, change in events:
        info = infos[version]
        head = (
            version,
            info.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            _(ACTION_NAMES[info.action]) if info.action in ACTION_NAMES else info.action,
            info.author,
            _record_text(change, lang),
            _change_name(change.change, lang),
        )
        if change.change != "changed":
            rows.append((*head, "", None, None))
            continue
        for column, old, new in change.cells():
            rows.append((*head, *_field_cells(column, old, new, lang, vocab)))
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS), dtype=object)
