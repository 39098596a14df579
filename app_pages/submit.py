"""Submit a cluster: a submitter proposes a new cluster, or a change to a cluster they
manage, with the card's form (without the moderator-only fields) and its member list. It
is stored as a submission for a moderator to review (:mod:`geo.registry.submissions`), never as a
registry change; geo checks who may propose what.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.base.i18n import N_
from geo.registry import auth, forms, member_list, submissions
from geo.registry.store import Store, default_url
from ui import submission_widgets as widgets
from ui.dataset import open_store
from ui.lang import current_lang, page_text
from ui.signin import has_right, sign_in_box

TEXT: dict[str, str] = {
    "title": N_("Submit a cluster"),
    "intro": N_(
        "Propose a new cluster, or a change to a cluster you manage. A moderator reviews "
        "it; it appears on the map once approved. The development level is set by "
        "moderators, not here."
    ),
    "viewer": N_("Sign in (sidebar) to submit a cluster; no account? Request one."),
    "pick": N_("What do you propose?"),
    "new": N_("A new cluster"),
    "send": N_("Send for review"),
}

t = partial(page_text, TEXT)


def choices(store: Store, me: auth.Principal) -> dict[str, str]:
    """ "A new cluster", then the clusters ``me`` may propose changes to."""
    labels = forms.cluster_labels(store.state(), current_lang())
    labels.pop(forms.NEW)
    mine = {c: label for c, label in labels.items() if auth.can(me, "propose_change", c)}
    return {forms.NEW: t("new"), **mine}


def main() -> None:
    """The page."""
    st.title(t("title"))
    st.caption(t("intro"))
    me = sign_in_box()
    if me is None:
        st.info(t("viewer"))
        st.stop()
    if not has_right(me, "propose_cluster"):
        st.stop()
    widgets.show_flash()
    store = open_store(default_url())
    options = choices(store, me)
    picked = st.selectbox(t("pick"), list(options), format_func=options.get, key="submit_pick")
    cluster_id = None if picked == forms.NEW else picked
    state = store.state()
    initial = forms.initial_cluster(state, cluster_id)
    members = member_list.rows_of(state, cluster_id)
    entered = widgets.cluster_form(store, initial, f"submit_{picked}", t("send"), members)
    if entered is None:
        return
    payload = widgets.payload_of(entered.fields, initial, cluster_id)
    payload, listed = widgets.with_members(payload, entered, store, cluster_id)
    if not widgets.removals_confirmed(listed, entered):
        return
    found = submissions.Submissions(store)
    result: list[submissions.Outcome] = []
    if not widgets.step(lambda: result.append(found.submit(me, payload, cluster_id))) or not result:
        return
    if result[0].ok:
        widgets.flash(widgets.t("sent", id=result[0].submission))
    widgets.show_outcome(result[0], "", listed)


main()
