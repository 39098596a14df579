"""Member organisations and MNE links: turning one into the other.

An MNE link of 003 (``mne_links``: an MNE named in relation to a cluster) is the
membership of a foreign-owned organisation. This module turns links into organisations
and memberships (:func:`plan_members_from_links`: the published transcription
``organisations.csv`` / ``memberships.csv`` and the data migration of existing stores,
``clustermap store migrate-members``, both use it) and back
(:func:`link_from_membership`). Memberships are the one stored truth: the MNE links the
pages, exports and the API read are a view of them (:func:`mne_link_entries`, one link per
membership of a foreign-owned organisation), and an MNE link file, form or removal is
written as the memberships and organisations it changes (:func:`plan_link_writes`).
``mne_links`` rows are read only where a store stored them before its migration.

How 003's ``relation`` becomes a ``role`` is the table :data:`RELATION_ROLES` (documented
in ``data/records/TRANSCRIPTION.md``). The link's own wording stays in the membership
(``relation``, ``presence``, ``interplay_type``, ``mne_link_id``, sources and notes), so a
link is recoverable field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from geo.registry import importer
from geo.registry.importer import (
    Change,
    ChangeKind,
    Entry,
    ImportPlan,
    ParsedFile,
    References,
    SourceRow,
)

__all__ = [
    "RELATION_ROLES",
    "entries_of",
    "link_from_membership",
    "ROLE_RELATIONS",
    "link_owners",
    "merged",
    "mne_link_entries",
    "plan_link_writes",
    "plan_members_from_links",
    "view_state",
]

#: 003's relation of an MNE to a cluster → the membership role (None: not reported).
#: ``member or partner``: the slide says either, so the role is not reported; ``project
#: partner`` (a party to a joint cluster project) is a partner of the cluster.
RELATION_ROLES: dict[str | None, str | None] = {
    "co-founder": "founder",
    "anchor member": "anchor",
    "member": "member",
    "partner": "partner",
    "project partner": "partner",
    "member or partner": None,
    None: None,
}

#: A role → the relation a derived MNE link shows when the membership records none (a
#: membership entered as such rather than transcribed from a link).
ROLE_RELATIONS: dict[str, str] = {
    "founder": "co-founder",
    "anchor": "anchor member",
    "member": "member",
    "partner": "partner",
}

#: The note of an organisation made from an MNE link (``{link}``: the link's id).
ORGANISATION_NOTE = (
    "From MNE link {link} (name as transcribed there). org_type company: 003 names it an MNE, "
    "a multinational enterprise. foreign_owned yes: 003 counts MNEs as the foreign members "
    'of Russian clusters, against domestic companies (slide "Domestic companies and MNEs '
    'in Russian clusters"). HQ country, industry, size, INN, city and region: not in '
    "003's text."
)

_NOT_REPORTED = "not reported"


def _cell(entry: Entry, column: str) -> Any:
    """A stored value as a file cell: the value, or its missing marker."""
    value = entry.values.get(column)
    if value is None and column != "notes":
        return entry.markers.get(column) or _NOT_REPORTED
    return value


def _number(prefix: str, keys: Iterable[str]) -> int:
    """The highest number of the ``prefix``-numbered ``keys`` (0 when there is none)."""
    numbers = [int(k[len(prefix) :]) for k in keys if k[len(prefix) :].isdigit()]
    return max(numbers, default=0)


def _organisation_row(link: Entry, org_id: str) -> dict[str, Any]:
    """The organisation an MNE link names (foreign-owned; a company: an MNE is an
    enterprise); what the link does not say is not reported."""
    return {
        "org_id": org_id,
        "name_en": link.values["mne_name"],
        "name_ru": _NOT_REPORTED,
        "inn": _NOT_REPORTED,
        "foreign_id": _NOT_REPORTED,
        "org_type": "company",
        "size": _NOT_REPORTED,
        "foreign_owned": "yes",
        "hq_country": _cell(link, "hq_country"),
        "industry": _cell(link, "industry"),
        "city": _NOT_REPORTED,
        "region_code": _NOT_REPORTED,
        "source_doc": link.values["source_doc"],
        "source_ref": link.values["source_ref"],
        "notes": ORGANISATION_NOTE.format(link=link.key),
    }


def _membership_row(link: Entry, org_id: str, membership_id: str) -> dict[str, Any]:
    """The membership an MNE link records: its relation mapped to a role, every field of
    the link kept."""
    role = RELATION_ROLES.get(link.values.get("relation"))
    return {
        "membership_id": membership_id,
        "cluster_id": link.values["cluster_id"],
        "org_id": org_id,
        "role": role or _NOT_REPORTED,
        "from_year": _NOT_REPORTED,
        "to_year": _NOT_REPORTED,
        "relation": _cell(link, "relation"),
        "presence": _cell(link, "presence"),
        "interplay_type": _cell(link, "interplay_type"),
        "mne_link_id": link.key,
        "source_doc": link.values["source_doc"],
        "source_ref": link.values["source_ref"],
        "notes": link.values.get("notes") or "",
    }


def _as_file(kind: str, rows: list[dict[str, Any]], refs: References) -> ParsedFile:
    """Rows keyed by schema column (at least one) as one parsed file, each row
    normalised like a form's."""
    forms = [importer.form_file(kind, row, refs) for row in rows]
    numbered = tuple(
        SourceRow(i + 2, f.rows[0].cells, f.rows[0].markers, f.rows[0].where)
        for i, f in enumerate(forms)
    )
    return ParsedFile("mne_links", kind, "form", None, forms[0].columns, numbered, ())


def _unmigrated(state: Mapping[str, Mapping[str, Entry]]) -> list[Entry]:
    """MNE links no membership was made from yet."""
    done = {e.values.get("mne_link_id") for e in state.get("memberships", {}).values()}
    return [e for key, e in state.get("mne_links", {}).items() if key not in done]


def plan_members_from_links(
    state: Mapping[str, Mapping[str, Entry]], refs: References
) -> ImportPlan:
    """Organisations and memberships for every MNE link of ``state`` that has no
    membership yet (one plan of both kinds; empty when every link has one, so running it
    twice changes nothing). An organisation already stored under the link's name (English
    name, foreign-owned, same HQ country) is reused; else a new ``ORG-NNNN`` is numbered
    after the highest stored. Validated by the importer's models like any import."""
    links = _unmigrated(state)
    organisations = dict(state.get("organisations", {}))
    new_id = counter_ids(state)
    org_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    known: dict[tuple[Any, Any], str] = {
        (e.values.get("name_en"), e.values.get("hq_country")): e.key
        for e in organisations.values()
        if e.values.get("foreign_owned") == "yes"
    }
    for link in links:
        name = (link.values["mne_name"], link.values.get("hq_country"))
        if name not in known:
            known[name] = new_id("organisations")
            org_rows.append(_organisation_row(link, known[name]))
        member_rows.append(_membership_row(link, known[name], new_id("memberships")))
    files = [
        _as_file(kind, rows, refs)
        for kind, rows in (("organisations", org_rows), ("memberships", member_rows))
        if rows
    ]
    plan = importer.plan_kinds(files, state, refs)
    return ImportPlan("all", "mne_links", plan.changes, 0, plan.issues)


def link_owners(state: Mapping[str, Mapping[str, Entry]]) -> dict[str, Entry]:
    """Each MNE link id of ``state`` → the membership that stands for it: every membership
    of a foreign-owned organisation, under its ``mne_link_id`` (made from a link) or its
    own id (entered as a membership)."""
    organisations = state.get("organisations", {})
    out: dict[str, Entry] = {}
    for membership in state.get("memberships", {}).values():
        org = organisations.get(str(membership.values.get("org_id")))
        if org is not None and org.values.get("foreign_owned") == "yes":
            out[str(membership.values.get("mne_link_id") or membership.key)] = membership
    return out


def mne_link_entries(state: Mapping[str, Mapping[str, Entry]]) -> list[Entry]:
    """The MNE links of ``state``, a view of its memberships: one link per membership of a
    foreign-owned organisation (:func:`link_from_membership`: its id is the link's it was
    made from, else the membership's), so a cluster's foreign members show as MNE presence
    on the map, in the tables and in the API. Memberships are the one stored truth; the
    only other links are ``mne_links`` rows stored before they were (versions of a store
    older than its "MNE links as memberships" migration, or a read-only store not yet
    migrated), listed first as they were stored, each only while no membership stands for
    it."""
    organisations = state.get("organisations", {})
    owners = link_owners(state)
    out = [e for key, e in state.get("mne_links", {}).items() if key not in owners]
    for membership in owners.values():
        org = organisations[str(membership.values.get("org_id"))]
        out.append(link_from_membership(membership, org))
    return out


def view_state(state: Mapping[str, Mapping[str, Entry]]) -> dict[str, dict[str, Entry]]:
    """``state`` with its ``mne_links`` as :func:`mne_link_entries` gives them (what an
    MNE link file or form is planned against)."""
    out = {kind: dict(entries) for kind, entries in state.items()}
    out["mne_links"] = {e.key: e for e in mne_link_entries(state)}
    return out


def link_from_membership(membership: Entry, org: Entry) -> Entry:
    """The MNE link a membership of a foreign-owned organisation stands for: its id is
    the link's it was made from (``mne_link_id``) or the membership's own."""
    m, o = membership.values, org.values
    relation, presence = m.get("relation"), m.get("presence")
    if m.get("mne_link_id") is None:  # entered as a membership: its link reads from it
        role = m.get("role")
        relation = relation or (ROLE_RELATIONS.get(str(role)) if role is not None else None)
        presence = presence or ("left" if m.get("to_year") is not None else "present")
    values = {
        "link_id": m.get("mne_link_id") or membership.key,
        "mne_name": o.get("name_en") or o.get("name_ru"),
        "hq_country": o.get("hq_country"),
        "industry": o.get("industry"),
        "cluster_id": m.get("cluster_id"),
        "relation": relation,
        "presence": presence,
        "interplay_type": m.get("interplay_type"),
        "source_doc": m.get("source_doc"),
        "source_ref": m.get("source_ref"),
        "notes": m.get("notes") or "",
    }
    markers = _link_markers(values, membership, org)
    return Entry(str(values["link_id"]), values, markers)


def _link_markers(values: Mapping[str, Any], membership: Entry, org: Entry) -> dict[str, str]:
    """The missing markers of a derived link: the organisation's for its name, country and
    industry, the membership's for the rest, ``not reported`` otherwise."""
    from_org = {"hq_country", "industry"}
    markers: dict[str, str] = {}
    for column, value in values.items():
        if value is None and column != "notes":
            source = org if column in from_org else membership
            markers[column] = source.markers.get(column) or _NOT_REPORTED
    return markers


def entries_of(frame: pd.DataFrame, key: str) -> dict[str, Entry]:
    """A records frame (as :func:`geo.data.records.read_table` returns it) as stored
    entries keyed by column ``key``: missing values ``None`` with their markers
    (``attrs["missing_markers"]``), no note an empty string."""
    markers: dict[str, dict[int, str]] = frame.attrs.get("missing_markers", {})
    out: dict[str, Entry] = {}
    for position, row in enumerate(frame.to_dict("records")):
        values = {str(c): (None if c != "notes" and pd.isna(v) else v) for c, v in row.items()}
        found = {c: m[position] for c, m in markers.items() if position in m}
        for column, value in values.items():
            if value is None and column not in found:
                found[column] = "not reported"
        out[str(values[key])] = Entry(str(values[key]), values, found)
    return out


# --------------------------------------------------------------------------- writing links

#: The membership columns an MNE link's column is written to (the rest go to its
#: organisation: :data:`_ORG_COLUMNS`).
_MEMBER_COLUMNS: tuple[str, ...] = (
    "cluster_id",
    "relation",
    "presence",
    "interplay_type",
    "source_doc",
    "source_ref",
    "notes",
)

#: An MNE link's column → the organisation's column it is written to.
_ORG_COLUMNS: dict[str, str] = {
    "mne_name": "name_en",
    "hq_country": "hq_country",
    "industry": "industry",
}

NewId = Callable[[str], str]


def counter_ids(state: Mapping[str, Mapping[str, Entry]]) -> NewId:
    """New ids (:data:`geo.registry.importer.NEW_IDS`: ``ORG-NNNN``, ``MEM-NNNN``...)
    numbered after the highest of ``state``: for planning outside a store; the store
    numbers after every id it ever held."""
    issued: dict[str, int] = {}

    def new_id(kind: str) -> str:
        _, prefix, width = importer.NEW_IDS[kind]
        if kind not in issued:  # the state's highest, read once per kind
            issued[kind] = _number(prefix, state.get(kind, {}))
        issued[kind] += 1
        return f"{prefix}{issued[kind]:0{width}d}"

    return new_id


def _missing(cell: Any) -> bool:
    """Whether a cell as :func:`_cell` gives it is a missing marker."""
    return cell is None or (isinstance(cell, str) and cell in importer.MARKER_NAMES)


def _changed(change: Change, column: str) -> bool:
    """Whether ``change`` (of an MNE link) sets ``column``: an added link sets every
    column, a changed link those whose value or marker differ."""
    if change.before is None or change.after is None:
        return True
    before, after = change.before, change.after
    return before.values.get(column) != after.values.get(column) or (
        before.markers.get(column) != after.markers.get(column)
    )


class _LinkWriter:
    """The organisations and memberships an MNE link plan writes (see
    :func:`plan_link_writes`), gathered row by row."""

    def __init__(self, state: Mapping[str, Mapping[str, Entry]], new_id: NewId) -> None:
        self.state = state
        self.new_id = new_id
        self.owners = link_owners(state)
        self.files: list[dict[str, Any]] = []  # (kind, row) pairs as dicts
        self.removals: list[Change] = []
        organisations = state.get("organisations", {})
        self.known: dict[tuple[Any, Any], str] = {
            (e.values.get("name_en"), e.values.get("hq_country")): e.key
            for e in organisations.values()
            if e.values.get("foreign_owned") == "yes"
        }

    def _members_of(self, org_id: str) -> int:
        memberships = self.state.get("memberships", {}).values()
        return sum(1 for m in memberships if m.values.get("org_id") == org_id)

    def organisation(self, change: Change, owner: Entry | None) -> str:
        """The organisation the link names: its membership's when the link does not
        change the company; else one stored under the same English name and HQ country
        (its industry set to the link's when the link sets it), the membership's own
        changed in place when nothing else is a member through it, or a new one."""
        link = change.after
        assert link is not None
        org_id = str(owner.values["org_id"]) if owner is not None else None
        touched = [c for c in _ORG_COLUMNS if _changed(change, c)]
        if org_id is not None and not touched:
            return org_id
        name = (link.values["mne_name"], link.values.get("hq_country"))
        row_of = {_ORG_COLUMNS[c]: _cell(link, c) for c in touched}
        found = self.known.get(name)
        if found is None and org_id is not None and self._members_of(org_id) == 1:
            found = org_id
        if found is None:
            found = self.new_id("organisations")
            self.files.append({"kind": "organisations", **_organisation_row(link, found)})
            self.known[name] = found
            return found
        if found != org_id:  # another company's record: only what the link reports
            row_of = {k: v for k, v in row_of.items() if not _missing(v)}
        self.files.append({"kind": "organisations", "org_id": found, **row_of})
        self.known[name] = found
        return found

    def link(self, change: Change, legacy: Mapping[str, Entry]) -> None:
        """One change of an MNE link as the changes of its membership (and organisation);
        a link still stored as an ``mne_links`` row is removed from there."""
        if change.key in legacy:
            self.removals.append(
                Change("mne_links", change.key, "removed", legacy[change.key], None)
            )
        owner = self.owners.get(change.key)
        link = change.after
        if link is None:
            if owner is not None:
                self.removals.append(Change("memberships", owner.key, "removed", owner, None))
            return
        if owner is None:  # a new link, or one stored only as a row so far
            change = Change(change.kind, change.key, "added", None, link)
        org_id = self.organisation(change, owner)
        if owner is None:
            member_id = self.new_id("memberships")
            self.files.append({"kind": "memberships", **_membership_row(link, org_id, member_id)})
            return
        row: dict[str, Any] = {"membership_id": owner.key}
        if org_id != owner.values.get("org_id"):
            row["org_id"] = org_id
        for column in (c for c in _MEMBER_COLUMNS if _changed(change, c)):
            row[column] = _cell(link, column)
        if "relation" in row:
            row["role"] = RELATION_ROLES.get(link.values.get("relation")) or _NOT_REPORTED
        if len(row) > 1:
            self.files.append({"kind": "memberships", **row})


def plan_link_writes(
    link_plan: ImportPlan,
    state: Mapping[str, Mapping[str, Entry]],
    refs: References,
    new_id: NewId | None = None,
) -> ImportPlan:
    """An MNE link plan (a file, a form or a removal planned against :func:`view_state`,
    its problems naming the file's rows and columns) as what it writes: organisations and
    memberships, MNE links being a view of them. An added link becomes a membership
    (and an organisation, one already stored under the same name and HQ country reused),
    as :func:`plan_members_from_links` makes them; a changed link changes only the fields
    it changes, on its membership or its organisation; a removed link removes its
    membership (the organisation stays: a record of its own, which other memberships or
    a later import may name). A link still stored as an ``mne_links`` row (an old store)
    leaves that row for its membership. A plan with problems is returned as it is.
    ``new_id`` numbers new records (default: after the highest of ``state``)."""
    if not link_plan.ok or not link_plan.changes:
        return link_plan
    writer = _LinkWriter(state, new_id or counter_ids(state))
    legacy = state.get("mne_links", {})
    for change in link_plan.changes:
        writer.link(change, legacy)
    forms = []
    for row in writer.files:
        kind = row.pop("kind")
        forms.append(importer.form_file(kind, row, refs, name=link_plan.source))
    plan = importer.plan_kinds(forms, state, refs)
    changes = merged([*plan.changes, *writer.removals])
    return ImportPlan("mne_links", link_plan.source, changes, link_plan.unchanged, plan.issues)


def merged(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Changes with one per record: two of the same record (an organisation two links
    change) become one, from the first's before to the last's after."""
    out: dict[tuple[str, str], Change] = {}
    for change in changes:
        first = out.get((change.kind, change.key))
        if first is None:
            out[(change.kind, change.key)] = change
            continue
        what: ChangeKind = "added" if first.before is None else "changed"
        out[(change.kind, change.key)] = Change(
            change.kind, change.key, what, first.before, change.after
        )
    return tuple(out.values())
