"""My clusters: a submitter's submissions with their status and the moderator's reason or
questions; a sent-back submission is corrected and resubmitted here, an undecided one
withdrawn. Every step is :mod:`geo.registry.submissions`', which checks that the
submission is the signed-in user's.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.base.i18n import N_
from geo.registry import auth, forms, member_list, submissions
from geo.registry.store import default_url
from ui import submission_widgets as widgets
from ui.dataset import open_store
from ui.lang import current_lang, page_text
from ui.signin import refusals_shown, sign_in_box

TEXT: dict[str, str] = {
    "title": N_("My clusters"),
    "intro": N_(
        "Your submissions and what the moderators said. Correct and resubmit one that was "
        "sent back; withdraw one that is not decided yet."
    ),
    "viewer": N_("Sign in (sidebar) to see your submissions."),
    "managed": N_("Clusters you manage: {clusters}"),
    "pick": N_("Submission"),
    "questions": N_("The moderator's questions: {text}"),
    "reason": N_("The reason for the rejection: {text}"),
    "resubmit": N_("Resubmit"),
    "withdraw": N_("Withdraw"),
}

t = partial(page_text, TEXT)


def resubmit_form(
    found: submissions.Submissions, me: auth.Principal, item: submissions.Submission
) -> None:
    """The sent-back submission's form, starting from what was submitted (its member
    list included)."""
    store = found.store
    state = store.state()
    from_registry = forms.initial_cluster(state, item.cluster_id)
    initial = {**from_registry, **item.payload["clusters"][0]}
    members = member_list.rows_of(state, item.cluster_id, item.payload)
    removed = member_list.removed_rows(state, item.cluster_id, item.payload)
    form = f"resubmit_{item.id}"
    entered = widgets.cluster_form(store, initial, form, t("resubmit"), members, removed)
    if entered is None:
        return
    payload = widgets.payload_of(entered.fields, from_registry, item.cluster_id)
    merged = {**item.payload, **payload}
    payload, listed = widgets.with_members(merged, entered, store, item.cluster_id)
    if not widgets.removals_confirmed(listed, entered):
        return
    result: list[submissions.Outcome] = []
    if not widgets.step(lambda: result.append(found.resubmit(me, item.id, payload))) or not result:
        return
    if result[0].ok:
        widgets.flash(widgets.t("sent", id=item.id))
    widgets.show_outcome(result[0], "", listed)


def detail(
    found: submissions.Submissions, me: auth.Principal, item: submissions.Submission
) -> None:
    """One submission: the moderator's words, and the steps its status allows."""
    literal = widgets.literal(item.message)
    if item.status == "sent_back":
        st.warning(t("questions", text=literal))
        resubmit_form(found, me, item)
    elif item.status == "rejected":
        st.error(t("reason", text=literal))
    undecided = item.status in ("submitted", "sent_back")
    clicked = undecided and st.button(t("withdraw"), key=f"withdraw_{item.id}")
    if clicked and widgets.step(lambda: found.withdraw(me, item.id)):
        widgets.flash(widgets.done("withdrawn", item.id))


def main() -> None:
    """The page."""
    st.title(t("title"))
    st.caption(t("intro"))
    me = sign_in_box()
    if me is None:
        st.info(t("viewer"))
        st.stop()
    widgets.show_flash()
    if me.manages:
        st.caption(t("managed", clusters=widgets.literal(", ".join(sorted(me.manages)))))
    found = submissions.Submissions(open_store(default_url()))
    with refusals_shown():
        mine = found.mine(me)
    widgets.show_submissions(mine)
    if not mine:
        return
    by_id = {s.id: s for s in mine}
    lang = current_lang()

    def label(number: int) -> str:
        item = by_id[number]
        return f"{number}: {item.name} ({submissions.status_label(item.status, lang)})"

    picked = st.selectbox(t("pick"), list(by_id), key="my_pick", format_func=label)
    detail(found, me, by_id[picked])


main()
