"""The member list of a submission's form: one row per member organisation (the
organisation and its membership of the cluster), turned into a submission's
``organisations`` and ``memberships`` rows (:func:`member_payload`), and back
(:func:`rows_of`, for a form that starts from the registry or from a submission sent
back).

A new organisation gets a placeholder id (``new-1``, ``new-2``...: its store id is given
at plan time, :mod:`geo.registry.submissions`) and its membership refers to it by that
placeholder. A row naming a stored organisation by its ``org_id`` adds a membership of it
without changing it (unless organisation fields are typed: then it is a change, which the
submission's scope rule for organisations decides). A member already stored sends only
what was changed. Deleting the row of a stored member (one the form showed) proposes the
removal of its membership (the payload's :data:`geo.registry.submissions.REMOVED` rows;
its organisation stays): the form names those members before it sends them
(:meth:`MemberPayload.removed_names`), and a member that left is better recorded by its
``to_year``. A form that shows no member list sends no removal. The form's row numbers
are kept beside the payload (:class:`MemberPayload`), so a problem of a member row names
the form's row (:func:`form_issues`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from geo.base.errors import ValidationIssue
from geo.base.i18n import N_
from geo.registry import importer
from geo.registry.forms import shown
from geo.registry.store import State
from geo.registry.submissions import REMOVED

__all__ = [
    "COLUMNS",
    "LABELS",
    "MemberPayload",
    "VOCABULARIES",
    "form_issues",
    "member_payload",
    "removed_ids",
    "rows_of",
]

#: Columns of the organisation, then of the membership, as the form shows them.
ORG_COLUMNS: tuple[str, ...] = (
    "name_ru", "name_en", "inn", "foreign_id", "org_type", "size", "foreign_owned",
    "hq_country", "city", "region_code",
)  # fmt: skip
MEMBERSHIP_COLUMNS: tuple[str, ...] = ("role", "from_year", "to_year")
KEY_COLUMNS: tuple[str, ...] = ("org_id", "membership_id")
COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, *ORG_COLUMNS, *MEMBERSHIP_COLUMNS)
#: The form's column headers (English msgids).
LABELS: dict[str, str] = {
    "org_id": N_("Organisation id (empty: new)"),
    "membership_id": N_("Membership id"),
    "name_ru": N_("Name (Russian)"),
    "name_en": N_("Name (English)"),
    "inn": N_("INN"),
    "foreign_id": N_("Foreign registration number"),
    "org_type": N_("Type"),
    "size": N_("Size"),
    "foreign_owned": N_("Foreign-owned"),
    "hq_country": N_("HQ country"),
    "city": N_("City"),
    "region_code": N_("Region"),
    "role": N_("Role in the cluster"),
    "from_year": N_("Member from (year)"),
    "to_year": N_("Member until (year)"),
}
#: Form column → the vocabulary its choices come from (``vocabularies.csv``).
VOCABULARIES: dict[str, str] = {
    "org_type": "org_type",
    "size": "org_size",
    "foreign_owned": "foreign_owned",
    "role": "member_role",
}
#: Where member rows typed in a submission come from (the registry's own source).
SOURCE: dict[str, str] = {
    "source_doc": importer.REGISTRY_SOURCE,
    "source_ref": "member list of the cluster's submission",
}

Row = dict[str, str]


@dataclass(frozen=True)
class MemberPayload:
    """The ``organisations`` and ``memberships`` rows of a member list, and for each of
    them the form's row it came from (numbered from 1); and the stored members whose rows
    were deleted (their rows as the form showed them), whose memberships it removes."""

    organisations: tuple[Row, ...]
    memberships: tuple[Row, ...]
    where: Mapping[str, tuple[int, ...]]
    removed: tuple[Row, ...] = ()

    def kinds(self) -> dict[str, list[Row]]:
        """The rows by kind, as a submission's payload holds them (empty kinds left out),
        the removals as :data:`geo.registry.submissions.REMOVED` rows."""
        gone = [{"kind": "memberships", "key": r["membership_id"]} for r in self.removed]
        out = {
            "organisations": list(self.organisations),
            "memberships": list(self.memberships),
            REMOVED: gone,
        }
        return {kind: rows for kind, rows in out.items() if rows}

    def removed_names(self, lang: str) -> list[str]:
        """The organisations of the removed memberships, by name in ``lang`` (else the
        other language's, else their id)."""
        return [row_name(r, lang) for r in self.removed]


def row_name(row: Mapping[str, str], lang: str) -> str:
    """A member row's organisation by name in ``lang``, else the other language's, else
    its id."""
    first, second = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    return row.get(first) or row.get(second) or row.get("org_id", "")


def _blank() -> Row:
    return dict.fromkeys(COLUMNS, "")


def _text(value: Any) -> str:
    """A cell of the form as text (an empty or missing cell as '')."""
    return "" if value is None or value != value else shown(value).strip()


def registry_rows(state: State, cluster_id: str | None) -> list[Row]:
    """The stored members of ``cluster_id``, one row each (none for a new cluster)."""
    organisations = state.get("organisations", {})
    out = []
    for membership in state.get("memberships", {}).values():
        if cluster_id is None or membership.values.get("cluster_id") != cluster_id:
            continue
        org = organisations.get(str(membership.values.get("org_id")))
        row = {**_blank(), "org_id": str(membership.values.get("org_id"))}
        row["membership_id"] = membership.key
        row.update({c: shown(org.values.get(c)) for c in ORG_COLUMNS} if org else {})
        row.update({c: shown(membership.values.get(c)) for c in MEMBERSHIP_COLUMNS})
        out.append(row)
    return out


def rows_of(
    state: State, cluster_id: str | None, payload: Mapping[str, Any] | None = None
) -> list[Row]:
    """What a member list starts from: the stored members of ``cluster_id``, with the
    member rows of ``payload`` (a submission sent back) applied, its new members after,
    and the members it removes left out."""
    rows = registry_rows(state, cluster_id)
    if not payload:
        return rows
    gone = removed_ids(payload)
    rows = [r for r in rows if r["membership_id"] not in gone]
    by_membership = {r["membership_id"]: r for r in rows}
    stored_orgs = state.get("organisations", {})
    for given in payload.get("memberships", []):
        row = by_membership.get(given.get("membership_id", ""))
        if row is None:
            row = {**_blank(), "org_id": given.get("org_id", "")}
            org = stored_orgs.get(row["org_id"])
            row.update({c: shown(org.values.get(c)) for c in ORG_COLUMNS} if org else {})
            rows.append(row)
        row.update({c: given[c] for c in MEMBERSHIP_COLUMNS if c in given})
    for given in payload.get("organisations", []):
        for row in rows:
            if row["org_id"] == given.get("org_id"):
                row.update({c: given[c] for c in ORG_COLUMNS if c in given})
    return rows


def removed_ids(payload: Mapping[str, Any] | None) -> set[str]:
    """The memberships ``payload`` removes (its :data:`~geo.registry.submissions.REMOVED`
    rows of kind ``memberships``)."""
    rows = (payload or {}).get(REMOVED, [])
    return {r["key"] for r in rows if r.get("kind") == "memberships"}


def removed_rows(state: State, cluster_id: str | None, payload: Mapping[str, Any]) -> list[Row]:
    """The stored members of ``cluster_id`` that ``payload`` (a submission sent back)
    removes, one row each as the member list shows a stored member: what its form offers
    to keep after all."""
    gone = removed_ids(payload)
    return [r for r in registry_rows(state, cluster_id) if r["membership_id"] in gone]


def _placeholder(used: set[str]) -> str:
    """The first ``new-N`` not in ``used`` (added to it)."""
    number = 1
    while f"new-{number}" in used:
        number += 1
    used.add(f"new-{number}")
    return f"new-{number}"


def member_payload(
    rows: Iterable[Mapping[str, Any]], baseline: Sequence[Row], state: State, cluster_ref: str
) -> MemberPayload:
    """The submission rows of the member list ``rows`` as typed (blank rows skipped):
    for a member of ``baseline`` (the stored members the form showed) its changed fields
    only, and its removal when its row is gone; for a new row a membership of
    ``cluster_ref`` and, for an organisation not stored, the organisation under a
    placeholder id."""
    typed = [{c: _text(raw.get(c)) for c in COLUMNS} for raw in rows]
    before = {r["membership_id"]: r for r in baseline if r.get("membership_id")}
    used = {r["org_id"] for r in typed}
    orgs: list[tuple[int, Row]] = []
    members: list[tuple[int, Row]] = []
    for number, row in enumerate(typed, 1):
        if not any(row.values()):
            continue
        old = before.get(row["membership_id"])
        if old is not None:
            _changed_member(number, row, old, orgs, members)
            continue
        org_id = row["org_id"] or _placeholder(used)
        given = {c: row[c] for c in ORG_COLUMNS if row[c]}
        if org_id not in state.get("organisations", {}):
            orgs.append((number, {"org_id": org_id, **given, **SOURCE}))
        elif given:
            orgs.append((number, {"org_id": org_id, **given}))
        member = {c: row[c] for c in MEMBERSHIP_COLUMNS if row[c]}
        members.append((number, {"cluster_id": cluster_ref, "org_id": org_id, **member, **SOURCE}))
    where = {
        "organisations": tuple(n for n, _ in orgs),
        "memberships": tuple(n for n, _ in members),
    }
    kept = {r["membership_id"] for r in typed}
    removed = tuple(r for r in before.values() if r["membership_id"] not in kept)
    return MemberPayload(tuple(r for _, r in orgs), tuple(r for _, r in members), where, removed)


def _changed_member(
    number: int, row: Row, old: Row, orgs: list[tuple[int, Row]], members: list[tuple[int, Row]]
) -> None:
    """A stored member's row: the organisation's and the membership's changed fields."""
    org = {c: row[c] for c in ORG_COLUMNS if row[c] != old[c]}
    member = {c: row[c] for c in MEMBERSHIP_COLUMNS if row[c] != old[c]}
    if org:
        orgs.append((number, {"org_id": old["org_id"], **org}))
    if member:
        members.append((number, {"membership_id": old["membership_id"], **member}))


def form_issues(
    issues: Iterable[ValidationIssue], members: MemberPayload, source: str
) -> list[ValidationIssue]:
    """``issues`` of a submission's plan with the member rows' numbers turned into the
    form's rows (a member row's file is ``<source>: <kind>``, its row the payload's)."""
    out = []
    for issue in issues:
        kind = issue.file.removeprefix(f"{source}: ")
        rows = members.where.get(kind)
        if rows and issue.row is not None and 0 < issue.row <= len(rows):
            issue = replace(issue, row=rows[issue.row - 1])
        out.append(issue)
    return out
