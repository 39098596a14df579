"""Moderation: the queue of submissions, each compared field by field with the registry
as it is now, approved (one new registry version), rejected with a reason or sent back
with questions; and, for admins, the audit log of every step, downloadable as CSV.
Every step is :mod:`geo.registry.submissions`', which checks the role and refuses a
review of one's own submission.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.base.i18n import N_
from geo.registry import auth, submissions
from geo.registry.store import default_url
from ui import submission_widgets as widgets
from ui.dataset import open_store
from ui.lang import page_text
from ui.signin import has_right, refusals_shown, sign_in_box

TEXT: dict[str, str] = {
    "title": N_("Moderation"),
    "intro": N_(
        "Submissions of cluster managers: compare each with the registry, then approve it "
        "(it becomes a new version of the registry), reject it with a reason, or send it "
        "back with questions. Nobody reviews their own submission."
    ),
    "viewer": N_("Sign in as a moderator or an admin (sidebar) to review submissions."),
    "queue": N_("Waiting for review"),
    "pick": N_("Submission"),
    "by": N_("Submitted by {name}"),
    "approve": N_("Approve"),
    "reason": N_("Reason for the rejection"),
    "reject": N_("Reject"),
    "questions": N_("Questions for the submitter"),
    "send_back": N_("Send back"),
    "all": N_("All submissions"),
    "audit": N_("Audit log"),
    "download": N_("Download the audit log (CSV)"),
}

t = partial(page_text, TEXT)


def approve(found: submissions.Submissions, me: auth.Principal, number: int) -> None:
    """Approve, and say what came of it."""
    result: list[submissions.Outcome] = []
    if not widgets.step(lambda: result.append(found.approve(me, number))) or not result:
        return
    if result[0].ok:
        widgets.flash(widgets.t("approved", id=number, version=result[0].version))
    widgets.show_outcome(result[0], "")


def decide(
    found: submissions.Submissions, me: auth.Principal, item: submissions.Submission
) -> None:
    """The comparison and the three decisions on one submission."""
    st.caption(t("by", name=widgets.literal(item.submitter)))
    with refusals_shown():
        widgets.show_comparison(found.compare(me, item.id), str(item.id))
    if st.button(t("approve"), key=f"approve_{item.id}", type="primary"):
        approve(found, me, item.id)
    left, right = st.columns(2)
    with left.form(f"reject_{item.id}"):
        reason = st.text_area(t("reason"), key=f"reason_{item.id}", max_chars=5000)
        rejected = st.form_submit_button(t("reject"))
    if rejected and widgets.step(lambda: found.reject(me, item.id, reason)):
        widgets.flash(widgets.done("rejected", item.id))
    with right.form(f"send_back_{item.id}"):
        questions = st.text_area(t("questions"), key=f"questions_{item.id}", max_chars=5000)
        sent_back = st.form_submit_button(t("send_back"))
    if sent_back and widgets.step(lambda: found.send_back(me, item.id, questions)):
        widgets.flash(widgets.done("sent_back", item.id))


def audit_section(found: submissions.Submissions, me: auth.Principal) -> None:
    """The audit log and its CSV (admins)."""
    st.header(t("audit"))
    with refusals_shown():
        widgets.show_audit(found.audit(me))
        st.download_button(
            t("download"), found.audit_csv(me), file_name="submission-audit-log.csv",
            mime="text/csv", key="audit_download",
        )  # fmt: skip


def main() -> None:
    """The page."""
    st.title(t("title"))
    st.caption(t("intro"))
    me = sign_in_box()
    if me is None:
        st.info(t("viewer"))
        st.stop()
    if not has_right(me, "review"):
        st.stop()
    widgets.show_flash()
    found = submissions.Submissions(open_store(default_url()))
    with refusals_shown():
        queue = found.queue(me)
        st.header(t("queue"))
        widgets.show_submissions(queue)
        if queue:
            by_id = {s.id: s for s in queue}
            picked = st.selectbox(t("pick"), list(by_id), key="moderation_pick",
                                  format_func=lambda n: f"{n}: {by_id[n].name}")  # fmt: skip
            decide(found, me, by_id[picked])
        st.header(t("all"))
        widgets.show_submissions(found.reviewed(me))
    if auth.can(me, "audit.view"):
        audit_section(found, me)


main()
