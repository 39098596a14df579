"""Submissions: cluster managers propose, moderators review, an approved proposal becomes
one registry version; every step in an audit log.

A *submission* is a new cluster, or a change to a cluster its submitter manages, stored
as a proposal (table ``submissions``, migration ``0003``), never as a registry change.
Its payload is kind → rows, as a form sends them: ``{"clusters": [row],
"organisations": [...], "memberships": [...]}``; each row maps schema columns to text.
The kinds allowed are the registry's (:data:`geo.registry.importer.IMPORT_KINDS`) but
:data:`EXCLUDED_KINDS`, so a new kind of record plugs in without code here; its rows are
checked by the importer's model of that kind, like an import. In rows of another kind,
``cluster_id`` may be :data:`NEW_CLUSTER` (the cluster being proposed: its id is given at
approval); a row with a ``cluster_id`` must belong to the submission's cluster, before and
after. Rows of a kind whose ids the store gives (:data:`STORE_KEYED`: organisations,
memberships, MNE links) leave the id out or give a placeholder (``new-1``...); at plan
time (the submit preview and the approval) each new row gets a store id, distinct within
the plan, and a membership naming a new organisation by its placeholder gets that id.
Organisations have no cluster: a submission changes an existing one only when every
cluster it is a member of is the submission's or one its submitter manages (adding a
membership of an existing organisation, by its ``org_id``, changes no organisation).
A change may also remove records of its cluster: the payload's :data:`REMOVED` rows
(``{"kind": "memberships", "key": "MEM-0003"}``, kinds of :data:`REMOVABLE`) are planned
as the store's removals (:func:`geo.registry.importer.plan_removal`), only for records of
the submission's cluster (a membership leaves; its organisation stays). A payload without
them removes nothing: a stored record it does not mention is kept.

Workflow (statuses of :data:`STATUSES`)::

    submit ─▶ submitted ─▶ approved (a new version) | rejected (reason) | withdrawn
                  ▲   │
         resubmit │   ▼ send back (questions)
                sent_back ─▶ withdrawn

Who may: :data:`geo.registry.auth.PERMISSIONS` (``propose_cluster``; ``propose_change``,
scoped for submitters to the clusters they manage; ``review``; ``audit.view``), checked
here through :meth:`geo.registry.accounts.Accounts.authorise` at every step, which
re-reads the account. Nobody reviews (approves, rejects, sends back) their own
submission; only its submitter resubmits or withdraws it. The payload is validated at
submit and again at approval, against the registry as it is then (it may have changed):
an approval whose payload no longer fits writes nothing and says why. Approving writes
the payload as ONE version (:meth:`geo.registry.store.Store.write_plan`, action
``approve``, author the approver, summary naming submitter and approver), records that
version on the submission, makes the submitter a manager of a new cluster and logs the
step, all in one transaction.

The audit log (``submission_log``) has one row per step: when, who, from which session
(the ``sessions.id`` digest of the sign-in; empty for the command line), what, and the
reason or questions. Admins read it and export it as CSV, formula-safe.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.base.errors import Message, ValidationIssue, render
from geo.base.i18n import N_, translator
from geo.registry import card, importer
from geo.registry.auth import NotAuthorised, Principal
from geo.registry.importer import Change, Entry, ImportPlan, ParsedFile, SourceRow
from geo.registry.store import LABELS, State, Store
from geo.render.exports.formulas import neutralise

__all__ = [
    "EXCLUDED_KINDS",
    "MODERATOR_ONLY",
    "NEW_CLUSTER",
    "STATUSES",
    "Comparison",
    "FieldDiff",
    "Outcome",
    "Submission",
    "SubmissionError",
    "Submissions",
    "plan_payload",
]

STATUSES: tuple[str, ...] = ("submitted", "sent_back", "approved", "rejected", "withdrawn")
STATUS_LABELS: dict[str, str] = {
    "submitted": N_("submitted"),
    "sent_back": N_("sent back"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
}
ACTION_LABELS: dict[str, str] = {
    "submit": N_("submitted"),
    "resubmit": N_("resubmitted"),
    "send_back": N_("sent back"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "withdraw": N_("withdrawn"),
}
#: Placeholder ``cluster_id`` in member rows of a proposed new cluster.
NEW_CLUSTER = "new"
#: Kinds of records a submission may not carry (statistics are not a cluster's claim).
EXCLUDED_KINDS: frozenset[str] = frozenset({"regional_indicators"})
#: Cluster fields only a moderator sets (the observatory's assessment): never in a
#: submission (:data:`geo.registry.card.MODERATOR_FIELDS`: the level and its assessment).
MODERATOR_ONLY: tuple[str, ...] = card.MODERATOR_FIELDS["clusters"]
#: Most rows of one kind in a submission, and most characters of one cell.
MAX_ROWS = 500
MAX_CELL = 10_000
#: Most characters of the key of a record a submission removes.
MAX_KEY = 80
#: The payload's entry of the records a change removes: rows ``{"kind", "key"}``.
REMOVED = "removed"

PROBLEMS: dict[str, str] = {
    "shape": N_(
        "a submission holds exactly one cluster row, and lists of rows of other kinds "
        "(each row maps column names to text)"
    ),
    "kind": N_("records of kind {kind!r} cannot be submitted; expected one of {kinds}"),
    "column": N_("{kind} has no column {column!r}"),
    "moderator_only": N_("{column} is set by a moderator: it cannot be submitted"),
    "id_given": N_("a new cluster gets its id at approval; leave {column} out"),
    "other_id": N_("this submission changes cluster {cluster}, not {other}"),
    "too_many": N_("too many rows of {kind} (at most {count})"),
    "too_long": N_("a value of {column} is too long (at most {count} characters)"),
    "unknown": N_("there is no submission {id}"),
    "status": N_("submission {id} is {status}: it cannot be {action} now"),
    "own": N_("nobody reviews their own submission ({id} was submitted by {name})"),
    "not_owner": N_("submission {id} was submitted by someone else"),
    "reason": N_("give the reason for the rejection"),
    "questions": N_("write the questions for the submitter"),
    "removal_shape": N_(
        "each row of {entry} names the kind and the key of a record to remove, nothing else"
    ),
    "removal_kind": N_("records of kind {kind!r} cannot be removed by a submission; only {kinds}"),
    "removal_new": N_("a new cluster has nothing to remove"),
}
#: Problems of a payload against the registry (issues of the plan).
ISSUES: dict[str, str] = {
    "no_cluster": N_("there is no cluster {cluster} in the registry"),
    "other_cluster": N_("{kind} {key} belongs to cluster {other}, not to {cluster}"),
    "nothing": N_("the submission changes nothing: it equals the registry"),
    "unknown_id": N_(
        "{kind}, row {row}: there is no {column} {value!r} in the registry; a new record "
        "gets its id at approval (leave {column} empty or give a placeholder such as new-1)"
    ),
    "twice": N_("{kind}, row {row}: the placeholder {value!r} of {column} is used twice"),
    "placeholder": N_(
        "{kind}, row {row}: {column} {value!r} is no placeholder of a new row of {target} "
        "in this submission"
    ),
    "shared_org": N_(
        "organisation {key} is also a member of {others}: a submission cannot change it "
        "(add a membership of it to your cluster without changing the organisation, or "
        "ask a moderator)"
    ),
    "unattached_org": N_(
        "organisation {key} is a member of no cluster: a submission can change it only "
        "when it also makes it a member of its cluster (or ask a moderator)"
    ),
    "removed_and_changed": N_(
        "{kind} {key} is both changed and removed by this submission: keep one of the two"
    ),
}


class SubmissionError(ValueError):
    """A submission step refused for its input or the submission's state (nothing was
    changed). ``str()`` is English; :meth:`localised` gives it in another language."""

    def __init__(self, key: str, **values: Any) -> None:
        self.template, self.values = PROBLEMS[key], values
        super().__init__(render(self.template, values))

    def localised(self, lang: str) -> str:
        """The sentence in ``lang``."""
        return render(self.template, self.values, lang)


_metadata = sa.MetaData()
_submissions = sa.Table(
    "submissions",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("cluster_id", sa.String(40), nullable=True),
    sa.Column("submitter", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("reviewer", sa.String(200), nullable=True),
    sa.Column("base_version", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("changed_at", sa.Float, nullable=False),
)
_log = sa.Table(
    "submission_log",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("session", sa.String(64), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
TABLES: tuple[str, ...] = tuple(_metadata.tables)
"""The tables this module keeps (tests that empty a database drop them too)."""

Payload = dict[str, list[dict[str, str]]]
AUDIT_COLUMNS = ["at", "submission", "actor", "session", "action", "detail"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Submission:
    """One submission as stored."""

    id: int
    kind: str
    cluster_id: str | None
    submitter: str
    payload: Payload
    status: str
    message: str
    reviewer: str | None
    base_version: int
    version: int | None
    created_at: float
    changed_at: float

    @property
    def name(self) -> str:
        """The proposed cluster's English (else Russian) name, for lists."""
        row = self.payload["clusters"][0]
        return row.get("name_en") or row.get("name_ru") or self.cluster_id or ""


@dataclass(frozen=True)
class Outcome:
    """What a submit, resubmit or approval did: the submission, the checked plan (its
    issues when the payload does not fit), and the version an approval wrote."""

    submission: int | None
    plan: ImportPlan
    version: int | None = None

    @property
    def ok(self) -> bool:
        """True when the payload fitted the registry (so the step was done)."""
        return self.plan.ok


@dataclass(frozen=True)
class FieldDiff:
    """One field of a submission beside the registry: the record, the column, the value
    now (``""`` for a new record) and the value proposed (``""`` for a removed record),
    whether they differ, and what happens to the record (``added``, ``changed`` or
    ``removed``: :data:`geo.registry.importer.CHANGE_NAMES`)."""

    kind: str
    key: str
    column: str
    current: str
    proposed: str
    changed: bool
    change: str = "changed"


@dataclass(frozen=True)
class Comparison:
    """A submission field by field, and the plan of applying it now (its issues say why
    it no longer fits)."""

    fields: tuple[FieldDiff, ...]
    plan: ImportPlan


# --------------------------------------------------------------------------- the payload


def checked_payload(payload: object, kind: str, cluster_id: str | None) -> Payload:
    """``payload`` checked for shape (:class:`SubmissionError` naming what is wrong) and
    normalised: kind → rows of column → text (numbers as their text, None as "")."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("clusters"), list):
        raise SubmissionError("shape")
    allowed = [k for k in importer.IMPORT_KINDS if k not in EXCLUDED_KINDS]
    out: Payload = {}
    for name, rows in payload.items():
        if name == REMOVED:
            out.update({REMOVED: removals} if (removals := _checked_removals(rows, kind)) else {})
            continue
        if name not in allowed:
            raise SubmissionError("kind", kind=str(name)[:40], kinds=", ".join(allowed))
        if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise SubmissionError("shape")
        if len(rows) > MAX_ROWS:
            raise SubmissionError("too_many", kind=name, count=MAX_ROWS)
        out[name] = [_checked_row(name, row) for row in rows]
    if len(out["clusters"]) != 1:
        raise SubmissionError("shape")
    _check_cluster_row(out["clusters"][0], kind, cluster_id)
    return out


def _checked_removals(rows: object, kind: str) -> list[dict[str, str]]:
    """The :data:`REMOVED` rows: a list of ``{"kind", "key"}`` of a :data:`REMOVABLE`
    kind, in a change only (a new cluster has nothing stored to remove)."""
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise SubmissionError("shape")
    if len(rows) > MAX_ROWS:
        raise SubmissionError("too_many", kind=REMOVED, count=MAX_ROWS)
    if rows and kind == "new":
        raise SubmissionError("removal_new")
    out = []
    for row in rows:
        if set(row) != {"kind", "key"} or not all(isinstance(v, str) for v in row.values()):
            raise SubmissionError("removal_shape", entry=REMOVED)
        if row["kind"] not in REMOVABLE:
            raise SubmissionError("removal_kind", kind=row["kind"][:40], kinds=", ".join(REMOVABLE))
        if len(row["key"]) > MAX_KEY:
            raise SubmissionError("too_long", column="key", count=MAX_KEY)
        out.append({"kind": row["kind"], "key": row["key"]})
    return out


def _checked_row(kind: str, row: Mapping[Any, Any]) -> dict[str, str]:
    """One row: known columns, text cells of bounded length."""
    columns = importer.kind_columns(kind)
    out: dict[str, str] = {}
    for column, value in row.items():
        if column not in columns:
            raise SubmissionError("column", kind=kind, column=str(column)[:80])
        if kind == "clusters" and column in MODERATOR_ONLY:
            raise SubmissionError("moderator_only", column=column)
        if value is not None and not isinstance(value, str | int | float):
            raise SubmissionError("shape")
        text = "" if value is None else str(value)
        if len(text) > MAX_CELL:
            raise SubmissionError("too_long", column=column, count=MAX_CELL)
        out[column] = text
    return out


def _check_cluster_row(row: Mapping[str, str], kind: str, cluster_id: str | None) -> None:
    """A new cluster names no id; a change names none or its own."""
    given = row.get("id", "")
    if kind == "new" and given:
        raise SubmissionError("id_given", column="id")
    if kind == "change" and given and given != cluster_id:
        raise SubmissionError("other_id", cluster=cluster_id, other=given[:40])


def _rows_file(kind: str, rows: Sequence[Mapping[str, Any]], refs: Any, source: str) -> ParsedFile:
    """Rows typed into a form as one file of ``kind`` (numbered from 1)."""
    parsed_rows: list[SourceRow] = []
    columns: dict[str, None] = {}
    for number, values in enumerate(rows, 1):
        row = importer.form_file(kind, values, refs, name=source).rows[0]
        parsed_rows.append(replace(row, row=number))
        columns.update(dict.fromkeys(values))
    frame = pd.DataFrame(
        [(c, c, "mapped") for c in columns], columns=["header", "column", "status"]
    )
    return ParsedFile(source, kind, "form", None, frame, tuple(parsed_rows), ())


#: Kinds whose ids the store gives: a new row of one leaves its key out or gives a
#: placeholder (:data:`PLACEHOLDER` and a tag, e.g. ``new-1``), and gets a store id at plan
#: time (submit preview and approval).
STORE_KEYED: tuple[str, ...] = ("mne_links", "organisations", "memberships")
#: Columns that refer to a new record of another kind by its placeholder: (kind,
#: column) → the kind referred to.
REFERENCES: dict[tuple[str, str], str] = {("memberships", "org_id"): "organisations"}
#: Start of a placeholder id of a new record (``new-1``, ``new-2``...).
PLACEHOLDER = "new-"


def _organisation_names(state: State, membership: Entry) -> dict[str, str]:
    """The names of a membership's organisation (``name_en``, ``name_ru``: those given)."""
    org = state.get("organisations", {}).get(str(membership.values.get("org_id")))
    names = {c: org.values.get(c) for c in ("name_en", "name_ru")} if org else {}
    return {column: str(name) for column, name in names.items() if name}


@dataclass(frozen=True)
class Removable:
    """A kind of record a change submission may remove (:data:`REMOVED` rows): the column
    that ties a record to its cluster (only the submission's cluster's records may be
    removed), and the names the comparison shows beside a removed record."""

    scope: str
    names: Callable[[State, Entry], dict[str, str]]


#: The kinds a submission may remove. A membership leaves its cluster; its organisation
#: stays (other clusters may list it).
REMOVABLE: dict[str, Removable] = {"memberships": Removable("cluster_id", _organisation_names)}


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is a placeholder id of a new record of a submission."""
    return text.startswith(PLACEHOLDER) and len(text) > len(PLACEHOLDER)


@dataclass
class _Keys:
    """Store ids given to the new rows of one plan: placeholder → id by kind, and the
    issues found on the way (rows numbered from 1, as the form and the plan number them)."""

    state: State
    cluster: str
    new_id: Callable[[str], str]
    source: str
    given: dict[str, dict[str, str]]
    issues: list[ValidationIssue]

    def issue(self, kind: str, row: int, column: str, key: str, **values: Any) -> None:
        message = Message(ISSUES[key], kind=kind, row=row, column=column, **values)
        self.issues.append(ValidationIssue(_file(self.source, kind), row, column, message))

    def own_key(self, kind: str, number: int, values: dict[str, str]) -> None:
        """The row's own id: a store id for a new row (none or a placeholder), kept for an
        existing record; an id the registry does not have is refused (the store gives
        ids of new records)."""
        column = importer.key_columns(kind)[0]
        key = values.get(column, "")
        if key and not is_placeholder(key):
            if key not in self.state.get(kind, {}):
                self.issue(kind, number, column, "unknown_id", value=key)
            return
        values[column] = self.new_id(kind)
        if not key:
            return
        placeholders = self.given.setdefault(kind, {})
        if key in placeholders:
            self.issue(kind, number, column, "twice", value=key)
        else:
            placeholders[key] = values[column]

    def references(self, kind: str, number: int, values: dict[str, str]) -> None:
        """Placeholders in the row's reference columns replaced by the ids given."""
        for (of, column), target in REFERENCES.items():
            value = values.get(column, "")
            if of != kind or not is_placeholder(value):
                continue
            if value in self.given.get(target, {}):
                values[column] = self.given[target][value]
            else:
                self.issue(kind, number, column, "placeholder", value=value, target=target)


def _file(source: str, kind: str) -> str:
    """The name a plan gives the rows of ``kind`` of a submission (its member rows named
    by kind, so an issue says which table its row is in)."""
    return source if kind == "clusters" else f"{source}: {kind}"


def _with_keys(kind: str, rows: Sequence[Mapping[str, str]], keys: _Keys) -> list[dict[str, str]]:
    """Rows of a member kind with :data:`NEW_CLUSTER` replaced by the cluster's id, store
    ids for new rows of a :data:`STORE_KEYED` kind, and placeholders in reference columns
    replaced by the ids their rows got."""
    out = []
    for number, row in enumerate(rows, 1):
        values = dict(row)
        if values.get("cluster_id") == NEW_CLUSTER:
            values["cluster_id"] = keys.cluster
        if kind in STORE_KEYED:
            keys.own_key(kind, number, values)
        keys.references(kind, number, values)
        out.append(values)
    return out


def plan_payload(
    payload: Payload,
    state: State,
    refs: Any,
    *,
    cluster_id: str | None,
    new_id: Callable[[str], str],
    source: str,
    manages: frozenset[str] = frozenset(),
) -> ImportPlan:
    """What applying ``payload`` to ``state`` would do, every kind in one plan (kind
    ``all``), with every issue: the importer's checks of each kind (later kinds see the
    cluster and the organisations as proposed), the cluster of a change must exist, member
    rows must belong to the submission's cluster, an existing organisation is changed only
    when every cluster it is a member of is the submission's or one of ``manages`` (the
    clusters the submitter manages), new rows get store ids (placeholders replaced), and a
    submission must change something."""
    cluster = cluster_id or new_id("clusters")
    issues: list[ValidationIssue] = []
    if cluster_id is not None and cluster_id not in state.get("clusters", {}):
        issues.append(
            ValidationIssue(source, None, "id", Message(ISSUES["no_cluster"], cluster=cluster))
        )
    keys = _Keys(state, cluster, new_id, source, {}, issues)
    allowed = frozenset({cluster, *manages})
    joining = frozenset(str(r.get("org_id", "")) for r in payload.get("memberships", []))
    changes: list[Change] = []
    unchanged = 0
    current = {kind: dict(entries) for kind, entries in state.items()}
    for kind in (k for k in importer.IMPORT_KINDS if k in payload):
        rows = [{**payload[kind][0], "id": cluster}] if kind == "clusters" else payload[kind]
        rows, file = _with_keys(kind, rows, keys), _file(source, kind)
        plan = importer.plan_import(_rows_file(kind, rows, refs, file), current, refs)
        issues += [*plan.issues, *_scope_issues(plan.changes, cluster, source)]
        issues += _organisation_issues(plan.changes, rows, state, allowed, file, joining)
        changes += plan.changes
        unchanged += plan.unchanged
        current.setdefault(kind, {}).update({c.key: c.after for c in plan.changes if c.after})
    removals = _removals(payload.get(REMOVED, []), state, cluster, source)
    issues += [*removals.issues, *_removal_conflicts(removals.changes, changes, source)]
    changes += removals.changes
    if not issues and not changes:
        issues.append(ValidationIssue(source, None, None, Message(ISSUES["nothing"])))
    return ImportPlan("all", source, tuple(changes), unchanged, tuple(issues))


def _removals(
    rows: Sequence[Mapping[str, str]], state: State, cluster: str, source: str
) -> ImportPlan:
    """The :data:`REMOVED` rows as the store's removals of stored records
    (:func:`geo.registry.importer.plan_removal`; a key stored no more is an issue), each
    refused when its record is not the submission's cluster's (issues name the row and
    its ``key``, the cell the submission gave)."""
    file = _file(source, REMOVED)
    changes: list[Change] = []
    issues: list[ValidationIssue] = []
    for number, row in enumerate(rows, 1):
        kind, key = row["kind"], row["key"]
        if any(c.kind == kind and c.key == key for c in changes):
            continue  # listed twice: removed once
        plan = importer.plan_removal(kind, [key], state, file)
        issues += [replace(i, row=number, column="key") for i in plan.issues]
        for change in plan.changes:
            assert change.before is not None  # a removal's record is stored
            other = change.before.values.get(REMOVABLE[kind].scope)
            if other == cluster:
                changes.append(change)
                continue
            message = Message(
                ISSUES["other_cluster"], kind=kind, key=key, other=other, cluster=cluster
            )
            issues.append(ValidationIssue(file, number, "key", message))
    return ImportPlan("all", file, tuple(changes), 0, tuple(issues))


def _removal_conflicts(
    removals: Sequence[Change], changes: Sequence[Change], source: str
) -> list[ValidationIssue]:
    """Records both removed and changed by one submission (it must say which it means)."""
    changed = {(c.kind, c.key) for c in changes}
    return [
        ValidationIssue(
            _file(source, REMOVED),
            None,
            "key",
            Message(ISSUES["removed_and_changed"], kind=c.kind, key=c.key),
        )
        for c in removals
        if (c.kind, c.key) in changed
    ]


def member_clusters(state: State, org_id: str) -> set[str]:
    """The clusters ``org_id`` is a member of in ``state`` (any membership stored)."""
    memberships = state.get("memberships", {}).values()
    return {str(m.values["cluster_id"]) for m in memberships if m.values["org_id"] == org_id}


def _organisation_issues(
    changes: Sequence[Change],
    rows: Sequence[Mapping[str, str]],
    state: State,
    allowed: frozenset[str],
    source: str,
    joining: frozenset[str] = frozenset(),
) -> list[ValidationIssue]:
    """Changes to existing organisations that are members of a cluster outside
    ``allowed`` (a submitter renaming an MNE that other clusters list), or of no cluster
    at all unless the submission makes them a member of its cluster (``joining``: the
    organisations its membership rows name; an organisation a cluster no longer lists is
    nobody's to change): refused, the row named. Adding a membership of such an
    organisation changes no organisation row."""
    numbers = {row.get("org_id", ""): n for n, row in enumerate(rows, 1)}
    out = []
    for change in changes:
        if change.kind != "organisations" or change.before is None:
            continue
        clusters = member_clusters(state, change.key)
        others = sorted(clusters - allowed)
        if others:
            message = Message(ISSUES["shared_org"], key=change.key, others=", ".join(others))
        elif not clusters and change.key not in joining:
            message = Message(ISSUES["unattached_org"], key=change.key)
        else:
            continue
        out.append(ValidationIssue(source, numbers.get(change.key), "org_id", message))
    return out


def _scope_issues(changes: Sequence[Change], cluster: str, source: str) -> list[ValidationIssue]:
    """Member rows that name (or take over a record of) another cluster."""
    out = []
    for change in changes:
        if change.kind == "clusters":
            continue
        for entry in (change.before, change.after):
            other = entry.values.get("cluster_id", cluster) if entry else cluster
            if other != cluster:
                message = Message(
                    ISSUES["other_cluster"], kind=change.kind, key=change.key, other=other,
                    cluster=cluster,
                )  # fmt: skip
                out.append(ValidationIssue(source, None, "cluster_id", message))
                break
    return out


# --------------------------------------------------------------------------- comparison


def _entry_text(entry: Entry | None, column: str) -> str:
    """A stored value as the comparison shows it: its marker when missing."""
    if entry is None:
        return ""
    value = entry.values.get(column)
    if value is None:
        return "" if column == "notes" else entry.markers.get(column, "not reported")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def field_diffs(plan: ImportPlan, payload: Payload, state: State) -> tuple[FieldDiff, ...]:
    """Field by field: every column of the proposed cluster, and the columns each member
    row gives. From the plan when it is valid (values normalised as they would be
    stored), else from the payload's text beside the stored record."""
    out: list[FieldDiff] = []
    if plan.ok:
        for change in plan.changes:
            if change.change == "removed":
                out += _removed_fields(change.kind, change.key, state)
                continue
            for column in _given_columns(change.kind, payload):
                old = _entry_text(change.before, column) if change.before else ""
                new = _entry_text(change.after, column)
                out.append(
                    FieldDiff(change.kind, change.key, column, old, new, old != new, change.change)
                )
        return tuple(out)
    for kind, rows in payload.items():
        if kind == REMOVED:
            continue
        key_column = importer.key_columns(kind)[0]
        for row in rows:
            key = row.get(key_column, "")
            stored = state.get(kind, {}).get(key)
            what = "changed" if stored else "added"
            for column, proposed in row.items():
                old = _entry_text(stored, column)
                out.append(FieldDiff(kind, key, column, old, proposed, old != proposed, what))
    for row in payload.get(REMOVED, []):
        out += _removed_fields(row["kind"], row["key"], state)
    return tuple(out)


def _removed_fields(kind: str, key: str, state: State) -> list[FieldDiff]:
    """A record the submission removes: its stored fields (proposed empty) and the names
    :data:`REMOVABLE` shows beside it (a membership's organisation); nothing when it is
    not stored (the plan's issue says so)."""
    stored = state.get(kind, {}).get(key)
    if stored is None:
        return []
    given = [c for c in importer.kind_columns(kind) if stored.values.get(c) is not None]
    fields = {c: _entry_text(stored, c) for c in given}
    if kind in REMOVABLE:
        fields.update(REMOVABLE[kind].names(state, stored))
    return [
        FieldDiff(kind, key, column, text, "", True, "removed") for column, text in fields.items()
    ]


def _given_columns(kind: str, payload: Payload) -> list[str]:
    """The columns compared: all of a cluster's, those the rows of another kind give."""
    columns = importer.kind_columns(kind)
    if kind == "clusters":
        return columns
    given = {c for row in payload.get(kind, []) for c in row}
    return [c for c in columns if c in given]


# --------------------------------------------------------------------------- the workflow


def session_id(principal: Principal) -> str:
    """The ``sessions.id`` of a principal's sign-in (the SHA-256 of its secret, as
    :mod:`geo.registry.accounts` stores it); empty without a session."""
    if not principal.session:
        return ""
    return hashlib.sha256(principal.session.encode("ascii")).hexdigest()


def _submission(row: Any) -> Submission:
    return Submission(
        row.id, row.kind, row.cluster_id, row.submitter, dict(row.payload), row.status,
        row.message, row.reviewer, row.base_version, row.version, row.created_at,
        row.changed_at,
    )  # fmt: skip


class Submissions:
    """The submissions of one registry store (see the module docstring). The clock is the
    accounts' (tests set it there)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.accounts = store.accounts
        self.engine = store.engine

    def _now(self) -> float:
        return self.accounts.clock()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction (IMMEDIATE on SQLite, like the store's and the accounts')."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(clustermap_write=True)
            with conn.begin():
                yield conn

    # ----------------------------------------------------------------- reading

    def _load(self, conn: Connection, submission_id: int, lock: bool = False) -> Submission:
        query = sa.select(_submissions).where(_submissions.c.id == submission_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise SubmissionError("unknown", id=submission_id)
        return _submission(row)

    def _select(self, condition: Any, newest_first: bool = True) -> list[Submission]:
        order = _submissions.c.id.desc() if newest_first else _submissions.c.id
        query = sa.select(_submissions).where(condition).order_by(order)
        with self.engine.connect() as conn:
            return [_submission(row) for row in conn.execute(query)]

    def mine(self, who: object) -> list[Submission]:
        """The signed-in user's own submissions, newest first."""
        principal = self.accounts.refresh(who)
        return self._select(_submissions.c.submitter == principal.name)

    def queue(self, who: object) -> list[Submission]:
        """Submissions waiting for review, oldest first (moderators and admins)."""
        self.accounts.authorise(who, "review")
        return self._select(_submissions.c.status == "submitted", newest_first=False)

    def reviewed(self, who: object) -> list[Submission]:
        """Every submission, newest first (moderators and admins)."""
        self.accounts.authorise(who, "review")
        return self._select(sa.true())

    def get(self, who: object, submission_id: int) -> Submission:
        """One submission, to its submitter or a moderator/admin."""
        principal = self.accounts.refresh(who)
        with self.engine.connect() as conn:
            found = self._load(conn, submission_id)
        if found.submitter != principal.name:
            self.accounts.authorise(principal, "review")
        return found

    def compare(self, who: object, submission_id: int) -> Comparison:
        """The submission field by field beside the registry as it is now."""
        found = self.get(who, submission_id)
        state = self.store.state()
        plan = self._preview(found.payload, (found.cluster_id, found.submitter), state, found.id)
        return Comparison(field_diffs(plan, found.payload, state), plan)

    def credits(self) -> dict[int, tuple[str, str]]:
        """Version → (submitted by, approved by) of every version made from a submission."""
        query = sa.select(_submissions).where(_submissions.c.version.is_not(None))
        with self.engine.connect() as conn:
            return {r.version: (r.submitter, r.reviewer or "") for r in conn.execute(query)}

    # ----------------------------------------------------------------- proposing

    def _authorise_proposal(self, who: object, cluster_id: str | None) -> Principal:
        if cluster_id is None:
            return self.accounts.authorise(who, "propose_cluster")
        return self.accounts.authorise(who, "propose_change", cluster_id)

    def _preview(
        self, payload: Payload, found: tuple[str | None, str], state: State, number: int | None
    ) -> ImportPlan:
        """The plan of ``payload`` now, with the ids new records would get now; ``found``
        is the submission's cluster (None: new) and its submitter (whose managed clusters
        bound the organisations it may change)."""
        cluster_id, submitter = found
        preview: dict[str, int] = {}

        def new_id(kind: str) -> str:
            first = self.store.next_id(kind) or ""
            prefix = first.rstrip("0123456789")
            preview[kind] = preview.get(kind, int(first[len(prefix) :]) - 1) + 1
            return f"{prefix}{preview[kind]:0{len(first) - len(prefix)}d}"

        source = f"submission {number}" if number else "submission"
        return plan_payload(
            payload, state, self.store.refs, cluster_id=cluster_id, new_id=new_id, source=source,
            manages=self.accounts.managed(submitter),
        )  # fmt: skip

    def submit(self, who: object, payload: object, cluster_id: str | None = None) -> Outcome:
        """Propose a new cluster (``cluster_id`` None) or a change to ``cluster_id``. A
        payload that does not fit the registry stores nothing (the plan says why)."""
        principal = self._authorise_proposal(who, cluster_id)
        kind = "new" if cluster_id is None else "change"
        rows = checked_payload(payload, kind, cluster_id)
        plan = self._preview(rows, (cluster_id, principal.name), self.store.state(), None)
        if not plan.ok:
            return Outcome(None, plan)
        now = self._now()
        with self._writing() as conn:
            result = conn.execute(
                _submissions.insert().values(
                    kind=kind, cluster_id=cluster_id, submitter=principal.name, payload=rows,
                    status="submitted", message="", reviewer=None,
                    base_version=self.store.head(), version=None, created_at=now,
                    changed_at=now,
                )
            )  # fmt: skip
            number = int(result.inserted_primary_key[0])  # type: ignore[index]
            self._log_step(conn, number, principal, "submit", "")
        return Outcome(number, plan)

    def resubmit(self, who: object, submission_id: int, payload: object) -> Outcome:
        """Answer a send-back: the corrected payload goes back into the queue (only its
        submitter, and only while they may still propose it)."""
        principal = self.accounts.refresh(who)
        found = self.get(principal, submission_id)
        principal = self._authorise_proposal(principal, found.cluster_id)
        self._own(principal, found)
        rows = checked_payload(payload, found.kind, found.cluster_id)
        plan = self._preview(rows, (found.cluster_id, principal.name), self.store.state(), found.id)
        if not plan.ok:
            return Outcome(found.id, plan)

        def apply(conn: Connection, current: Submission) -> dict[str, Any]:
            return {"payload": rows, "status": "submitted", "message": ""}

        self._step(principal, submission_id, "resubmit", ("sent_back",), apply, "")
        return Outcome(found.id, plan)

    def withdraw(self, who: object, submission_id: int) -> None:
        """Take a submission back (its submitter, while it is not decided)."""
        principal = self.accounts.refresh(who)
        self._own(principal, self.get(principal, submission_id))
        self._step(
            principal, submission_id, "withdraw", ("submitted", "sent_back"),
            lambda conn, current: {"status": "withdrawn"}, "",
        )  # fmt: skip

    # ----------------------------------------------------------------- reviewing

    def _reviewer(self, who: object, submission_id: int) -> tuple[Principal, Submission]:
        """The moderator or admin ``who``, and the submission, which is not theirs."""
        principal = self.accounts.authorise(who, "review")
        with self.engine.connect() as conn:
            found = self._load(conn, submission_id)
        if found.submitter == principal.name:
            raise NotAuthorised(PROBLEMS["own"], id=found.id, name=found.submitter)
        return principal, found

    def send_back(self, who: object, submission_id: int, questions: str) -> None:
        """Return a submission to its submitter with ``questions`` (required)."""
        principal, _found = self._reviewer(who, submission_id)
        if not questions.strip():
            raise SubmissionError("questions")
        update = {"status": "sent_back", "message": questions.strip(), "reviewer": principal.name}
        self._step(
            principal, submission_id, "send_back", ("submitted",),
            lambda conn, current: update, questions.strip(),
        )  # fmt: skip

    def reject(self, who: object, submission_id: int, reason: str) -> None:
        """Refuse a submission, saying why (``reason`` required)."""
        principal, _found = self._reviewer(who, submission_id)
        if not reason.strip():
            raise SubmissionError("reason")
        update = {"status": "rejected", "message": reason.strip(), "reviewer": principal.name}
        self._step(
            principal, submission_id, "reject", ("submitted",),
            lambda conn, current: update, reason.strip(),
        )  # fmt: skip

    def approve(self, who: object, submission_id: int) -> Outcome:
        """Write the submission as one new registry version, checked again against the
        registry as it is now; nothing changes when it no longer fits."""
        principal, found = self._reviewer(who, submission_id)
        if found.status != "submitted":
            raise SubmissionError("status", **self._status_values(found, "approve"))

        manages = self.accounts.managed(found.submitter)

        def plan_for(state: State, new_id: Callable[[str], str]) -> ImportPlan:
            return plan_payload(
                found.payload, state, self.store.refs, cluster_id=found.cluster_id,
                new_id=new_id, source=f"submission {found.id}", manages=manages,
            )  # fmt: skip

        def then(conn: Connection, version: int | None, plan: ImportPlan) -> None:
            self._approved(conn, principal, found.id, version, plan)

        def summary(plan: ImportPlan) -> str:
            cluster = found.cluster_id or next(c.key for c in plan.changes if c.kind == "clusters")
            return LABELS["approve"].format(
                submission=found.id, cluster=cluster, submitter=found.submitter,
                approver=principal.name,
            )  # fmt: skip

        result = self.store.write_plan(principal, "review", summary, plan_for, then)
        return Outcome(found.id, result.plan, result.version)

    def _approved(
        self,
        conn: Connection,
        principal: Principal,
        submission_id: int,
        version: int | None,
        plan: ImportPlan,
    ) -> None:
        """Inside the approval's transaction: the submission approved with its version,
        the submitter managing a new cluster, the step logged."""
        current = self._load(conn, submission_id, lock=True)
        if current.status != "submitted":
            raise SubmissionError("status", **self._status_values(current, "approve"))
        cluster = current.cluster_id or next(c.key for c in plan.changes if c.kind == "clusters")
        conn.execute(
            _submissions.update()
            .where(_submissions.c.id == submission_id)
            .values(
                status="approved", reviewer=principal.name, version=version,
                cluster_id=cluster, changed_at=self._now(), message="",
            )
        )  # fmt: skip
        if current.kind == "new":
            self.accounts.grant_cluster(conn, current.submitter, cluster)
        self._log_step(conn, submission_id, principal, "approve", f"version {version} {cluster}")

    # ----------------------------------------------------------------- steps and the log

    @staticmethod
    def _own(principal: Principal, found: Submission) -> None:
        if found.submitter != principal.name:
            raise NotAuthorised(PROBLEMS["not_owner"], id=found.id)

    @staticmethod
    def _status_values(found: Submission, action: str) -> dict[str, Any]:
        return {"id": found.id, "status": found.status, "action": ACTION_LABELS.get(action, action)}

    def _step(
        self,
        principal: Principal,
        submission_id: int,
        action: str,
        from_statuses: tuple[str, ...],
        change: Callable[[Connection, Submission], dict[str, Any]],
        detail: str,
    ) -> None:
        """One step in one transaction: the submission locked and its status checked, the
        row changed, the step logged."""
        with self._writing() as conn:
            current = self._load(conn, submission_id, lock=True)
            if current.status not in from_statuses:
                raise SubmissionError("status", **self._status_values(current, action))
            values = {**change(conn, current), "changed_at": self._now()}
            conn.execute(
                _submissions.update().where(_submissions.c.id == submission_id).values(**values)
            )
            self._log_step(conn, submission_id, principal, action, detail)

    def _log_step(
        self, conn: Connection, submission_id: int, principal: Principal, action: str, detail: str
    ) -> None:
        conn.execute(
            _log.insert().values(
                submission_id=submission_id, at=self._now(), actor=principal.name,
                session=session_id(principal), action=action, detail=detail,
            )
        )  # fmt: skip

    def audit(self, who: object) -> pd.DataFrame:
        """The audit log, oldest first: when (UTC), which submission, who, from which
        session, what, and the reason or questions (admins)."""
        self.accounts.authorise(who, "audit.view")
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_log).order_by(_log.c.id)).all()
        return pd.DataFrame(
            [(stamp(r.at), r.submission_id, r.actor, r.session, r.action, r.detail) for r in rows],
            columns=AUDIT_COLUMNS,
        )

    def audit_csv(self, who: object) -> str:
        """:meth:`audit` as CSV for a spreadsheet: every text cell formula-safe
        (:func:`geo.render.exports.formulas.neutralise`)."""
        frame = self.audit(who)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(AUDIT_COLUMNS)
        for row in frame.itertuples(index=False):
            writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
        return buffer.getvalue()


def stamp(at: float) -> str:
    """Seconds since the epoch as an ISO time in UTC."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


def status_label(status: str, lang: str) -> str:
    """A status in ``lang``."""
    return translator(lang)(STATUS_LABELS.get(status, status))


def action_label(action: str, lang: str) -> str:
    """An audit-log action in ``lang``."""
    return translator(lang)(ACTION_LABELS.get(action, action))
