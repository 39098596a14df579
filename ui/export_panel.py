"""The export panel: one download button per format for a regional view (issue 5).

Not a page of its own: the map page and the region panel call
:func:`render_export_panel` with the dataset they show and the ``geo.render.views.View`` of
their state, e.g. on the map page::

    from geo.render import views
    from ui.export_panel import render_export_panel

    render_export_panel(data, view.for_territory("RU"), choose_territory=True)
    # region panel: view.for_territory(code)

The buttons are those of the export table (``geo.render.exports.formats``, which the command
line reads too), by group; the files are made by ``formats.export_view``, the function
``clustermap export`` calls, and only when a button is clicked (Streamlit runs the callable
in its own thread), so showing the panel costs nothing but resolving the view. A click does
not rerun the page (``on_click="ignore"``): the map keeps its state. A page-layout selector
(``geo.render.cartography.layouts.LAYOUTS``: screen, the fast default, or A4/A3 portrait or
landscape at 300 dpi) applies to the static maps (PNG, SVG, PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st

from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_
from geo.data import regions
from geo.render import views
from geo.render.cartography.layouts import DEFAULT_LAYOUT, LAYOUTS
from geo.render.exports import context, formats
from ui.lang import current_lang, translator

LABELS: dict[str, Any] = {
    "territory": N_("Territory"),
    "territory_help": N_(
        "All of Russia, a federal district or a region: the export is fit "
        "to it and holds its regions, clusters, MNE links and indicators."
    ),
    "country": N_("Russia (all regions)"),
    "district": N_("{name} Federal District"),
    "summary": "{title} · {clusters} · {filters}",
    "layout": N_("Page of PNG, SVG and PDF"),
    "layout_help": N_(
        "Screen (1650 × 1050 px) is the quickest to make; A4 and A3 are print pages at "
        "300 dpi with more room for region labels. Every page has labels, a scale bar and, for "
        "the whole country, insets of Moscow, St Petersburg and Central Russia."
    ),
    "note": N_(
        "Files state their filters, measure, classes, dataset version, export time and "
        "sources. HTML opens offline in any browser; CSV comes as a zip of three tables."
    ),
}
"""Every text of the panel (English msgids in one place, translated by :func:`t`); the
formats' own texts (button, help, group heading) are in ``geo.render.exports.formats``."""


def t(key: str, table: dict[str, Any] = LABELS, **values: object) -> str:
    """The text ``table[key]`` in the interface language, ``values`` filled in (a helper:
    ``_(LABELS["key"])`` would give the extractor the key for a msgid)."""
    message = translator()(table[key])
    return message.format(**values) if values else message


def export_callable(
    data: Dataset,
    view: views.View,
    fmt: str,
    now: datetime | None = None,
    layout: str | None = None,
) -> Callable[[], bytes]:
    """A no-argument function that makes the file (what ``st.download_button`` calls on
    a click): ``geo.render.exports.formats.export_view``, the command line's function
    (``layout`` for the static maps only)."""

    def make() -> bytes:
        return formats.export_view(data, view, fmt, now, layout)[1]

    return make


def _choose_layout(key: str) -> str:
    """The page-layout selector of the static maps; the layout chosen."""
    _ = translator()
    choices = list(LAYOUTS)
    return str(
        st.selectbox(
            t("layout"),
            choices,
            index=choices.index(DEFAULT_LAYOUT),
            format_func=lambda k: _(LAYOUTS[k].label),
            key=f"{key}_layout",
            help=t("layout_help"),
        )
    )


def territory_label(code: str, names: dict[str, str], lang: str = "en") -> str:
    """How a territory is offered: "Russia (all regions)", "Volga Federal District",
    "Tatarstan (RU-TA)"; in Russian a federal district takes its official name."""
    if code == views.COUNTRY:
        return i18n.translator(lang)(LABELS["country"])
    if code in names:
        return f"{names[code]} ({code})"
    if lang == "ru" and code in regions.FEDERAL_DISTRICT_NAMES_RU:
        return regions.FEDERAL_DISTRICT_NAMES_RU[code]
    return i18n.translator(lang)(LABELS["district"]).format(name=code)


def _choose_territory(data: Dataset, view: views.View, key: str) -> views.View:
    """The territory selector: ``view`` for the territory chosen (its own if valid)."""
    lang = current_lang()
    choices = views.territory_choices(data.regions)
    names = dict(
        zip(
            data.regions["code"].astype(str),
            i18n.localised_names(data.regions, lang),
            strict=True,
        )
    )
    try:
        current = views.resolve_territory(data.regions, view.territory).code
    except ValueError:
        current = views.COUNTRY
    chosen = st.selectbox(
        t("territory"),
        choices,
        index=choices.index(current),
        format_func=lambda c: territory_label(c, names, lang),
        key=f"{key}_territory",
        help=t("territory_help"),
    )
    return views.View(chosen, view.filters, view.measure, view.scheme, view.k, view.lang)


def render_export_panel(
    data: Dataset,
    view: views.View,
    *,
    key: str = "export",
    choose_territory: bool = False,
) -> None:
    """Draw the export buttons (one ``st.download_button`` per format) for ``view``.

    ``data`` is the dataset the page shows (``ui.dataset.dataset()``); ``key`` prefixes
    the widget keys (give each panel on a page its own); ``choose_territory`` adds a
    territory selector starting at ``view.territory``. A territory that does not exist is
    reported with ``st.error`` and no button is drawn.
    """
    if choose_territory:
        view = _choose_territory(data, view, key)
    try:
        rv = views.resolve_view(data, view)
    except ValueError as err:
        st.error(str(err))
        return
    ctx = context.make_context(rv)
    st.caption(
        LABELS["summary"].format(
            title=ctx.title,
            clusters=ctx.cluster_count_text,
            filters=context.filters_text(rv, rv.view.lang),
        )
    )
    _ = translator()
    layout = _choose_layout(key)
    for group, entries in formats.by_group():
        st.markdown(f"**{_(formats.GROUPS[group])}**")
        columns = st.columns(len(entries))
        for column, entry in zip(columns, entries, strict=True):
            # The default page is not passed: the file is the one made without a layout.
            chosen = layout if entry.layouts and layout != DEFAULT_LAYOUT else None
            make = (
                export_callable(data, view, entry.key, layout=chosen)
                if chosen
                else export_callable(data, view, entry.key)
            )
            column.download_button(
                _(entry.label),
                data=make,
                file_name=formats.export_filename(ctx, entry.key, chosen),
                mime=entry.mime,
                key=f"{key}_{entry.key}",
                help=_(entry.help),
                on_click="ignore",
                icon=":material/download:",
                use_container_width=True,
            )
    st.caption(t("note"))
