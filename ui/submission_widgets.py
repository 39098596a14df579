"""Widgets the submission pages share (Submit a cluster, My clusters, Moderation): the
cluster form of a submission, a list of submissions, the field-by-field comparison and
the outcome of a step. The workflow and its checks are
:mod:`geo.registry.submissions`; these only draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import forms, importer, member_list, submissions
from geo.registry.store import Store
from ui.card_field import card_field
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.signin import refusals_shown
from ui.store_tables import show_table

TEXT: dict[str, str] = {
    "sent": N_("Submission {id} sent: a moderator will review it."),
    "invalid": N_("Not sent: {count} problem(s). Correct them and send again."),
    "done": N_("Done: submission {id} is {status}."),
    "approved": N_("Submission {id} approved: version {version} of the registry."),
    "no_longer": N_(
        "Not approved: the submission no longer fits the registry ({count} problem(s))."
    ),
    "none": N_("No submissions."),
    "changed_only": N_("Only the changed fields"),
    "members": N_("Member organisations"),
    "members_help": N_(
        "One row per member organisation: add rows with +. Leave the organisation id empty "
        "for a new organisation; give the id of one in the registry (ORG-…) to add it as a "
        'member without changing it. To record that a member left, set its "Member until '
        '(year)" rather than deleting its row: deleting the row of a member removes it from '
        "the cluster (you are asked to confirm; the organisation stays in the registry)."
    ),
    "confirm_removal": N_("Remove the members whose rows I deleted"),
    "still_removed": N_(
        "Members this submission removes: clear one to keep it in the cluster"
    ),
    "removes": N_(
        "Not sent yet: this submission removes {count} member(s) from the cluster: {names}. "
        "Their organisations stay in the registry. To record that a member left, set its "
        '"Member until (year)" instead and keep its row. To remove them, tick "Remove the '
        'members whose rows I deleted" and send again.'
    ),
}
HEADERS: dict[str, str] = {
    "id": N_("Submission"),
    "cluster": N_("Cluster"),
    "submitter": N_("Submitter"),
    "status": N_("Status"),
    "message": N_("Reason or questions"),
    "version": N_("Version"),
    "changed_at": N_("Last change"),
    "kind": N_("Kind of records"),
    "key": N_("Record"),
    "column": N_("Field"),
    "current": N_("In the registry"),
    "proposed": N_("Proposed"),
    "changed": N_("Changed"),
    "at": N_("When (UTC)"),
    "submission": N_("Submission"),
    "actor": N_("Who"),
    "session": N_("Session"),
    "action": N_("Action"),
    "detail": N_("Reason or questions"),
    "change": N_("Change"),
}

t = partial(page_text, TEXT)


def _config(frame: pd.DataFrame) -> dict[str, str]:
    _ = translator()
    return {c: _(HEADERS[c]) for c in frame.columns if c in HEADERS}


@dataclass(frozen=True)
class Entered:
    """What a submission's form sent: the cluster's fields, the member list's rows, the
    stored memberships the list started from (``offered``: those shown, and those a
    sent-back submission removes: only they may be removed), whether the removal of
    deleted rows was confirmed, and the form's key."""

    fields: dict[str, str]
    members: list[dict[str, object]]
    offered: frozenset[str] = frozenset()
    confirmed: bool = False
    prefix: str = ""


def cluster_form(
    store: Store,
    initial: Mapping[str, str],
    prefix: str,
    button: str,
    members: Sequence[Mapping[str, str]] = (),
    removed: Sequence[Mapping[str, str]] = (),
) -> Entered | None:
    """The submission's cluster form starting from ``initial``, with the member list
    starting from ``members`` (``removed``: the stored members a sent-back submission
    removes, left out of the list and offered to keep, :func:`kept_back`); what was
    entered when ``button`` is pressed, else None."""
    with st.form(prefix):
        entered: dict[str, str] = {}
        for block, fields in forms.cluster_blocks(assessor=False).items():
            st.subheader(translator()(block))
            for column, label in fields.items():
                start = initial.get(column, "")
                key = f"{prefix}_{column}"
                entered[column] = card_field(column, label, start, store, key, submissions.MAX_CELL)
        rows = [*member_editor(members, f"{prefix}_members"), *kept_back(removed, prefix)]
        confirmed = st.checkbox(t("confirm_removal"), key=f"{prefix}_confirm_removal")
        sent = st.form_submit_button(button)
    offered = [*members, *removed]
    shown = frozenset(str(m.get("membership_id") or "") for m in offered) - {""}
    return Entered(entered, rows, shown, confirmed, prefix) if sent else None


def kept_back(removed: Sequence[Mapping[str, str]], prefix: str) -> list[dict[str, object]]:
    """The members a sent-back submission removes, listed by name and all chosen: a
    member the person clears is kept, its stored row back in the member list as it is
    stored, so nothing is sent for it. None when the submission removes no member."""
    if not removed:
        return []
    lang = current_lang()
    names = {str(r["membership_id"]): member_list.row_name(r, lang) for r in removed}
    chosen = st.multiselect(
        t("still_removed"), options=list(names), default=list(names),
        format_func=names.__getitem__, key=f"{prefix}_still_removed",
    )  # fmt: skip
    return [dict(r) for r in removed if str(r["membership_id"]) not in chosen]


def member_editor(rows: Sequence[Mapping[str, str]], key: str) -> list[dict[str, object]]:
    """The member list as an editable table (rows added and deleted by the user), choices
    of the vocabulary columns in the interface language; the rows as typed."""
    _, lang, terms = translator(), current_lang(), vocabulary_labels()
    st.subheader(_(TEXT["members"]))
    st.caption(_(TEXT["members_help"]))
    config: dict[str, object] = {
        c: st.column_config.TextColumn(_(label), max_chars=submissions.MAX_CELL)
        for c, label in member_list.LABELS.items()
    }
    for column, vocabulary in member_list.VOCABULARIES.items():
        options = [v for (name, v) in terms.english if name == vocabulary]
        config[column] = st.column_config.SelectboxColumn(
            _(member_list.LABELS[column]), options=options,
            format_func=partial(terms.label, vocabulary, lang=lang),
        )  # fmt: skip
    frame = pd.DataFrame(list(rows), columns=list(member_list.COLUMNS), dtype=object)
    edited = st.data_editor(
        frame, num_rows="dynamic", hide_index=True, column_config=config, key=key,
        column_order=[c for c in member_list.COLUMNS if c != "membership_id"],
    )  # fmt: skip
    return list(edited.to_dict("records"))


def payload_of(
    entered: Mapping[str, str], initial: Mapping[str, str], cluster_id: str | None
) -> dict[str, list[dict[str, str]]]:
    """The payload of a form: a new cluster's filled fields, or a change's changed ones."""
    if cluster_id is None:
        return {"clusters": [forms.filled(entered)]}
    return {"clusters": [forms.changed(entered, {c: initial.get(c, "") for c in entered})]}


def with_members(
    payload: Mapping[str, list[dict[str, str]]],
    entered: Entered,
    store: Store,
    cluster_id: str | None,
) -> tuple[dict[str, list[dict[str, str]]], member_list.MemberPayload]:
    """``payload`` with the member list's rows (and removals) in place of any it had,
    compared with the cluster's stored members the form offered (only what changed is
    sent for those; those whose rows are gone are removed)."""
    state = store.state()
    stored = member_list.registry_rows(state, cluster_id)
    baseline = [r for r in stored if r["membership_id"] in entered.offered]
    members = member_list.member_payload(
        entered.members, baseline, state, cluster_id or submissions.NEW_CLUSTER
    )
    replaced = ("organisations", "memberships", submissions.REMOVED)
    kept = {k: v for k, v in payload.items() if k not in replaced}
    return {**kept, **members.kinds()}, members


def removals_confirmed(members: member_list.MemberPayload, entered: Entered) -> bool:
    """Whether a submission may go as to the members it removes: it removes none, or the
    same ones were named at an earlier press and their removal is confirmed. Otherwise
    the members are named (by name, in the interface language) with how to keep them,
    and nothing is sent."""
    key = f"{entered.prefix}_removals_named"
    gone = sorted(r["membership_id"] for r in members.removed)
    if not gone:
        st.session_state.pop(key, None)
        return True
    if entered.confirmed and st.session_state.get(key) == gone:
        return True
    st.session_state[key] = gone
    names = "; ".join(members.removed_names(current_lang()))
    st.warning(t("removes", count=len(gone), names=literal(names)))
    return False


def show_outcome(
    outcome: submissions.Outcome,
    success: str,
    members: member_list.MemberPayload | None = None,
) -> None:
    """``success`` when the step was done, else the problems as a table (problems of the
    member list naming the form's rows)."""
    if outcome.ok:
        st.success(success)
        return
    st.error(t("invalid", count=len(outcome.plan.issues)))
    issues = outcome.plan.issues
    if members is not None:
        source = outcome.plan.source
        issues = tuple(member_list.form_issues(issues, members, source))
    show_table(importer.issues_frame(issues, current_lang()))


def step(run: Callable[[], object]) -> bool:
    """Run a submission step; say why when it is refused (in the user's language)."""
    with refusals_shown():
        try:
            run()
        except submissions.SubmissionError as exc:
            st.error(exc.localised(current_lang()))
            return False
        return True
    return False


def submissions_frame(found: Sequence[submissions.Submission], lang: str) -> pd.DataFrame:
    """Submissions as a table (statuses in ``lang``, texts as stored)."""
    rows = [
        {
            "id": s.id,
            "cluster": f"{s.cluster_id or '—'}: {s.name}",
            "submitter": s.submitter,
            "status": submissions.status_label(s.status, lang),
            "message": s.message,
            "version": s.version,
            "changed_at": submissions.stamp(s.changed_at),
        }
        for s in found
    ]
    return pd.DataFrame(rows, columns=list(HEADERS)[:7]).astype({"version": "Int64"})


def show_submissions(found: Sequence[submissions.Submission]) -> None:
    """A table of submissions, or a note that there are none."""
    if not found:
        st.caption(t("none"))
        return
    frame = submissions_frame(found, current_lang())
    st.dataframe(frame, hide_index=True, column_config=_config(frame))


def show_comparison(comparison: submissions.Comparison, key: str) -> None:
    """The comparison field by field (optionally only the changed fields), and why the
    submission no longer fits when it does not."""
    lang = current_lang()
    _ = translator()
    labels = {
        c: _(label) for fields in forms.CLUSTER_BLOCKS.values() for c, label in fields.items()
    }
    labels = {**{c: _(label) for c, label in member_list.LABELS.items()}, **labels}
    kinds = forms.kind_labels(lang)
    changes = {name: _(text) for name, text in importer.CHANGE_NAMES.items()}
    frame = pd.DataFrame(
        [
            {
                "kind": kinds.get(f.kind, f.kind), "key": f.key,
                "column": labels.get(f.column, f.column),
                "current": _marker(f.current, lang), "proposed": _marker(f.proposed, lang),
                "changed": f.changed, "change": changes.get(f.change, f.change),
            }
            for f in comparison.fields
        ],
        columns=["kind", "key", "change", "column", "current", "proposed", "changed"],
    )  # fmt: skip
    if st.toggle(t("changed_only"), value=True, key=f"changed_only_{key}"):
        frame = frame[frame["changed"]]
    st.dataframe(frame, hide_index=True, column_config=_config(frame))
    if not comparison.plan.ok:
        st.warning(t("no_longer", count=len(comparison.plan.issues)))
        show_table(comparison.plan.report(lang))


def _marker(text: str, lang: str) -> str:
    """A missing-value marker in ``lang`` (other text as it is)."""
    names = importer.MARKER_NAMES
    return i18n.translator(lang)(names[text]) if text in names else text


def show_audit(rows: pd.DataFrame) -> None:
    """The audit log (actions in the interface language)."""
    frame = rows.copy()
    lang = current_lang()
    frame["action"] = frame["action"].map(lambda a: submissions.action_label(a, lang))
    frame["session"] = frame["session"].str[:12]
    st.dataframe(frame, hide_index=True, column_config=_config(frame))


def literal(text: str) -> str:
    """Text from data or from a person as Markdown shows it literally."""
    return profiles.md_literal(text, "-")


FLASH_KEY = "submission_flash"


def flash(text: str) -> None:
    """Say ``text`` after the page is drawn again (the lists then show the new state)."""
    st.session_state[FLASH_KEY] = text
    st.rerun()


def show_flash() -> None:
    """The message of the step done before this run, if any."""
    text = st.session_state.pop(FLASH_KEY, None)
    if text:
        st.success(text)


def done(status: str, number: int) -> str:
    """ "Done: submission N is <status>." in the interface language."""
    return t("done", id=number, status=submissions.status_label(status, current_lang()))
