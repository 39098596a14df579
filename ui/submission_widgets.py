"""Widgets the submission pages share (Submit a cluster, My clusters, Moderation): the
cluster form of a submission, a list of submissions, the field-by-field comparison and
the outcome of a step. The workflow and its checks are
:mod:`geo.registry.submissions`; these only draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import forms, importer, submissions
from geo.registry.store import Store
from ui.card_field import card_field
from ui.lang import current_lang, page_text, translator
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
}

t = partial(page_text, TEXT)


def _config(frame: pd.DataFrame) -> dict[str, str]:
    _ = translator()
    return {c: _(HEADERS[c]) for c in frame.columns if c in HEADERS}


def cluster_form(
    store: Store, initial: Mapping[str, str], prefix: str, button: str
) -> dict[str, str] | None:
    """The submission's cluster form starting from ``initial``; the fields entered when
    ``button`` is pressed, else None."""
    with st.form(prefix):
        entered: dict[str, str] = {}
        for block, fields in forms.cluster_blocks(assessor=False).items():
            st.subheader(translator()(block))
            for column, label in fields.items():
                start = initial.get(column, "")
                key = f"{prefix}_{column}"
                entered[column] = card_field(column, label, start, store, key, submissions.MAX_CELL)
        sent = st.form_submit_button(button)
    return entered if sent else None


def payload_of(
    entered: Mapping[str, str], initial: Mapping[str, str], cluster_id: str | None
) -> dict[str, list[dict[str, str]]]:
    """The payload of a form: a new cluster's filled fields, or a change's changed ones."""
    if cluster_id is None:
        return {"clusters": [forms.filled(entered)]}
    return {"clusters": [forms.changed(entered, {c: initial.get(c, "") for c in entered})]}


def show_outcome(outcome: submissions.Outcome, success: str) -> None:
    """``success`` when the step was done, else the problems as a table."""
    if outcome.ok:
        st.success(success)
        return
    st.error(t("invalid", count=len(outcome.plan.issues)))
    show_table(outcome.plan.report(current_lang()))


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
    frame = pd.DataFrame(
        [
            {
                "kind": f.kind, "key": f.key, "column": labels.get(f.column, f.column),
                "current": _marker(f.current, lang), "proposed": _marker(f.proposed, lang),
                "changed": f.changed,
            }
            for f in comparison.fields
        ],
        columns=["kind", "key", "column", "current", "proposed", "changed"],
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
