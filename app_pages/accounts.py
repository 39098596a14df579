"""Accounts: pending requests to accept or reject (moderators and admins), the list of
accounts, and for admins roles, disabling, unlocking and new passwords; moderators and
admins also set the clusters a submitter manages.

Every action is a method of :class:`geo.registry.accounts.Accounts`, which checks the
signed-in principal itself (:data:`geo.registry.auth.PERMISSIONS`): this page only
chooses what to offer. Names and contact details from requests are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base.i18n import N_
from geo.registry import auth, forms
from geo.registry.accounts import AccountError, AccountInfo, Accounts, accounts_frame
from geo.registry.store import default_url
from ui.dataset import open_store
from ui.lang import current_lang, page_text
from ui.signin import accounts, has_right, refusals_shown, sign_in_box

TEXT: dict[str, str] = {
    "title": N_("Accounts"),
    "intro": N_(
        "Moderators accept account requests and assign clusters to submitters; admins "
        "also set roles, disable accounts, lift lockouts and set new passwords."
    ),
    "viewer": N_("Sign in as a moderator or an admin (sidebar) to manage accounts."),
    "pending": N_("Account requests"),
    "no_pending": N_("No requests are waiting."),
    "request": N_("**{name}** ({display_name}, {email}, {organisation}); clusters: {clusters}"),
    "accept": N_("Accept"),
    "reject": N_("Reject"),
    "all": N_("All accounts"),
    "account": N_("Account"),
    "clusters": N_("Clusters managed"),
    "save_clusters": N_("Save the clusters"),
    "roles": N_("Roles"),
    "save_roles": N_("Save the roles"),
    "disable": N_("Disable"),
    "enable": N_("Enable"),
    "unlock": N_("Unlock"),
    "new_password": N_("New password"),
    "reset": N_("Set the new password"),
    "done": N_("Done: {name}."),
}
HEADERS: dict[str, str] = {
    "name": N_("User name"),
    "display_name": N_("Name"),
    "email": N_("E-mail"),
    "organisation": N_("Organisation"),
    "status": N_("Status"),
    "roles": N_("Roles"),
    "manages": N_("Clusters managed"),
    "failures": N_("Failed sign-ins"),
    "locked": N_("Locked"),
}

t = partial(page_text, TEXT)


def act(name: str, action: Callable[[], None]) -> None:
    """Run an account action; say it is done, or why it was refused, then redraw."""
    try:
        action()
    except AccountError as exc:
        st.error(exc.localised(current_lang()))
        return
    st.session_state["accounts_done"] = name
    st.rerun()


def pending_section(found: Accounts, me: auth.Principal, infos: list[AccountInfo]) -> None:
    """Pending requests with Accept and Reject."""
    st.header(t("pending"))
    waiting = [a for a in infos if a.status == "pending"]
    if not waiting:
        st.caption(t("no_pending"))
    for a in waiting:
        fields = (a.display_name, a.email, a.organisation, ", ".join(a.manages) or "-")
        literal = [profiles.md_literal(v, "-") for v in (a.name, *fields)]
        keys = ("name", "display_name", "email", "organisation", "clusters")
        st.markdown(t("request", **dict(zip(keys, literal, strict=True))))
        left, right = st.columns(2)
        if left.button(t("accept"), key=f"accept_{a.name}"):
            act(a.name, lambda a=a: found.accept(me, a.name))
        if right.button(t("reject"), key=f"reject_{a.name}"):
            act(a.name, lambda a=a: found.reject(me, a.name))


def account_section(found: Accounts, me: auth.Principal, info: AccountInfo) -> None:
    """Clusters (moderators, admins); roles, status, lockout, password (admins)."""
    labels = forms.cluster_labels(open_store(default_url()).state(), current_lang())
    labels.pop(forms.NEW)
    options = sorted(set(labels) | set(info.manages))
    with st.form(f"clusters_{info.name}"):
        chosen = st.multiselect(
            t("clusters"),
            options,
            default=list(info.manages),
            format_func=lambda c: labels.get(c, c),
            key=f"account_clusters_{info.name}",
        )
        if st.form_submit_button(t("save_clusters")):
            act(info.name, lambda: found.set_clusters(me, info.name, chosen))
    if not auth.can(me, "accounts.set_roles"):
        return
    role_names = {role: page_text(auth.ROLE_LABELS, role) for role in auth.ROLES}
    with st.form(f"roles_{info.name}"):
        roles = st.multiselect(
            t("roles"),
            auth.ROLES,
            default=list(info.roles),
            format_func=role_names.__getitem__,  # labels fixed at drawing time
            key=f"account_roles_{info.name}",
        )
        if st.form_submit_button(t("save_roles")):
            act(info.name, lambda: found.set_roles(me, info.name, roles))
    buttons = st.columns(3)
    if info.status == "disabled":
        if buttons[0].button(t("enable"), key=f"account_enable_{info.name}"):
            act(info.name, lambda: found.enable(me, info.name))
    elif buttons[0].button(t("disable"), key=f"account_disable_{info.name}"):
        act(info.name, lambda: found.disable(me, info.name))
    if buttons[1].button(
        t("unlock"), key=f"account_unlock_{info.name}", disabled=not info.failures
    ):
        act(info.name, lambda: found.unlock(me, info.name))
    with st.form(f"password_{info.name}"):
        password = st.text_input(
            t("new_password"), type="password", key=f"account_password_{info.name}"
        )
        if st.form_submit_button(t("reset")):
            act(info.name, lambda: found.reset_password(me, info.name, password))


def main() -> None:
    """The page."""
    st.title(t("title"))
    st.caption(t("intro"))
    me = sign_in_box()
    if me is None:
        st.info(t("viewer"))
        st.stop()
    if not has_right(me, "accounts.view"):
        st.stop()
    if st.session_state.get("accounts_done"):
        st.success(t("done", name=profiles.md_literal(st.session_state.pop("accounts_done"))))
    found = accounts()
    with refusals_shown():
        infos = found.listing(me)
        pending_section(found, me, infos)
        st.header(t("all"))
        column_config = {c: page_text(HEADERS, c) for c in HEADERS}
        st.dataframe(accounts_frame(infos, current_lang()), hide_index=True,
                     column_config=column_config)  # fmt: skip
        active = {a.name: a for a in infos if a.status != "pending"}
        if active:
            name = st.selectbox(t("account"), list(active), key="account_pick")
            account_section(found, me, active[name])


main()
