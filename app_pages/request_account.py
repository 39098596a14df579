"""Request an account: anyone may ask to become a submitter (a cluster's manager, who will
propose new clusters and changes to the clusters they manage). The request waits as
*pending*, unable to sign in, until a moderator or an admin accepts it on the Accounts
page. Checks and storage are :meth:`geo.registry.accounts.Accounts.request`'s; one request
per browser session.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.base.i18n import N_
from geo.registry import forms
from geo.registry.accounts import MIN_PASSWORD, AccountError
from geo.registry.store import default_url
from ui.dataset import open_store
from ui.lang import current_lang, page_text

SENT_KEY = "account_request_sent"

TEXT: dict[str, str] = {
    "title": N_("Request an account"),
    "intro": N_(
        "Cluster managers can ask for a submitter account: submitters propose new clusters "
        "and changes to the clusters they manage, which moderators review. A moderator or "
        "an admin accepts the request; until then the account cannot sign in."
    ),
    "user": N_("User name (Latin letters, digits, . _ @ -)"),
    "display_name": N_("Your name"),
    "email": N_("E-mail"),
    "organisation": N_("Organisation"),
    "clusters": N_("Clusters you manage (optional)"),
    "password": N_("Password (at least {count} characters)"),
    "repeat": N_("Repeat the password"),
    "send": N_("Send the request"),
    "mismatch": N_("The passwords differ."),
    "sent": N_("Request sent. A moderator will review it; you can sign in once it is accepted."),
}

t = partial(page_text, TEXT)


def request_form() -> None:
    """The form, and the request when it is sent."""
    lang = current_lang()
    labels = forms.cluster_labels(open_store(default_url()).state(), lang)
    labels.pop(forms.NEW)
    with st.form("request_account"):
        name = st.text_input(t("user"), key="request_name", max_chars=64)
        display_name = st.text_input(t("display_name"), key="request_display_name", max_chars=200)
        email = st.text_input(t("email"), key="request_email", max_chars=254)
        organisation = st.text_input(t("organisation"), key="request_organisation", max_chars=200)
        clusters = st.multiselect(
            t("clusters"), list(labels), format_func=labels.get, key="request_clusters"
        )
        password = st.text_input(
            t("password", count=MIN_PASSWORD), type="password", key="request_password"
        )
        repeat = st.text_input(t("repeat"), type="password", key="request_repeat")
        sent = st.form_submit_button(t("send"))
    if not sent:
        return
    if password != repeat:
        st.error(t("mismatch"))
        return
    try:
        open_store(default_url()).accounts.request(
            name.strip(),
            password,
            display_name=display_name,
            email=email.strip(),
            organisation=organisation,
            clusters=clusters,
        )
    except AccountError as exc:
        st.error(exc.localised(lang))
        return
    st.session_state[SENT_KEY] = True
    st.rerun()


st.title(t("title"))
st.caption(t("intro"))
if st.session_state.get(SENT_KEY):
    st.success(t("sent"))
else:
    request_form()
