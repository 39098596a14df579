"""The export panel: one download button per format for a regional view (issue 5).

Not a page of its own: the map page and the region panel call
:func:`render_export_panel` with the dataset they show and the ``geo.render.views.View`` of
their state, e.g. on the map page::

    from geo.render import views
    from ui.export_panel import render_export_panel

    render_export_panel(data, view.for_territory("RU"), choose_territory=True)
    # region panel: view.for_territory(code)

The buttons are those of the export table (``geo.render.exports.formats``, which the command
line reads too), by group. A file is made only on demand: each format first shows a
"Prepare" button; its click makes the file with ``formats.export_view`` (the function
``clustermap export`` calls) and keeps the bytes in the session's state, and a download
button for those bytes takes its place. Showing the panel costs nothing but resolving the
view. The panel is a fragment (``st.fragment``): a click, the territory or the page layout
reruns the panel only, never the page, so the map keeps its state; a download does not
rerun anything (``on_click="ignore"``). A page-layout selector
(``geo.render.cartography.layouts.LAYOUTS``: screen, the fast default, or A4/A3 portrait or
landscape at 300 dpi) applies to the static maps (PNG, SVG, PDF).

Why not ``st.download_button(data=callable)`` (Streamlit's deferred download, used here
before): Streamlit 1.67 stores the file made on the click without tying it to the session
(``MediaFileManager.execute_deferred``), and the end of ANY session's script run
(``remove_orphaned_files``) marks such a file on its first pass and deletes it on the next,
so with many sessions the file was gone before a slow browser fetched it ("canceled" at 30
sessions, benchmarks/load.py). Bytes given to ``st.download_button(data=bytes)`` are mapped
to the session that drew the button until that session's next full run, which draws them
again while the view is unchanged (the session state keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass
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
from geo.render.exports.formats import ExportFormat
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
    "prepare": N_("Prepare {format}"),
    "prepare_help": N_("Makes the file for this view; a download button then takes its place."),
    "making": N_("Making the {format} file…"),
    "failed": N_("The {format} file could not be made: {reason}"),
}
"""Every text of the panel (English msgids in one place, translated by :func:`t`); the
formats' own texts (button, help, group heading) are in ``geo.render.exports.formats``."""


def t(key: str, table: dict[str, Any] = LABELS, **values: object) -> str:
    """The text ``table[key]`` in the interface language, ``values`` filled in (a helper:
    ``_(LABELS["key"])`` would give the extractor the key for a msgid)."""
    message = translator()(table[key])
    return message.format(**values) if values else message


FILES_KEY = "export_panel_files"
"""Session-state key of the files the session's panels made: panel key → format key →
:class:`PreparedFile`."""


@dataclass(frozen=True)
class PreparedFile:
    """A file made by a "Prepare" click, kept in the session until its view changes:
    ``made_for`` (dataset version, view, page layout), the file's ``name``, ``data`` and
    ``mime``."""

    made_for: tuple[object, ...]
    name: str
    data: bytes
    mime: str


def make_file(
    data: Dataset,
    view: views.View,
    fmt: str,
    now: datetime | None = None,
    layout: str | None = None,
) -> tuple[str, bytes, str]:
    """The file of format ``fmt`` for ``view``: ``(name, bytes, MIME)`` of
    ``geo.render.exports.formats.export_view``, the command line's function (``layout`` for
    the static maps only)."""
    return formats.export_view(data, view, fmt, now, layout)


def made_for(data: Dataset, view: views.View, layout: str | None) -> tuple[object, ...]:
    """What a file is made for: the dataset (its version, else the object), the view and
    the page layout. A file made for another is not offered (and dropped)."""
    return (data.version or id(data), view, layout)


def panel_files(key: str) -> dict[str, PreparedFile]:
    """The files the panel ``key`` made in this session, by format (a live dict of the
    session state)."""
    every: dict[str, dict[str, PreparedFile]] = st.session_state.setdefault(FILES_KEY, {})
    return every.setdefault(key, {})


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
    """Draw the export panel for ``view``: per format a "Prepare" button, or the download
    button of the file it made.

    ``data`` is the dataset the page shows (``ui.dataset.dataset()``); ``key`` prefixes
    the widget keys and names the panel's files in the session (give each panel on a page
    its own); ``choose_territory`` adds a territory selector starting at
    ``view.territory``. A territory that does not exist is reported with ``st.error`` and
    no button is drawn. The panel is a fragment: its own widgets rerun it alone.
    """
    _export_fragment(data, view, key, choose_territory)


@st.fragment
def _export_fragment(data: Dataset, view: views.View, key: str, choose_territory: bool) -> None:
    """The panel's body (see :func:`render_export_panel`), rerun on its own by its widgets
    so that a click never reruns the page (the map keeps its state)."""
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
    files = panel_files(key)
    for group, entries in formats.by_group():
        st.markdown(f"**{_(formats.GROUPS[group])}**")
        columns = st.columns(len(entries))
        for column, entry in zip(columns, entries, strict=True):
            # The default page is not passed: the file is the one made without a layout.
            chosen = layout if entry.layouts and layout != DEFAULT_LAYOUT else None
            with column:
                _format_button(data, view, entry, chosen, files, key)
    st.caption(t("note"))


def _format_button(
    data: Dataset,
    view: views.View,
    entry: ExportFormat,
    layout: str | None,
    files: dict[str, PreparedFile],
    key: str,
) -> None:
    """The download button of ``entry``'s file if one was made for this view, else its
    "Prepare" button: a click makes the file (a spinner in the button's place), keeps it
    in ``files`` and draws the download button in the same run. A file made for another
    view, dataset or layout is dropped, so the session keeps only what it can download."""
    _ = translator()
    label = _(entry.label)
    file = files.get(entry.key)
    if file is not None and file.made_for != made_for(data, view, layout):
        del files[entry.key]
        file = None
    slot = st.empty()
    if file is None:
        prepare = slot.button(
            t("prepare", format=label),
            key=f"{key}_{entry.key}_prepare",
            help=f"{_(entry.help)} {t('prepare_help')}",
            icon=":material/build:",
            width="stretch",
        )
        if not prepare:
            return
        try:
            with slot, st.spinner(t("making", format=label)):
                name, content, mime = make_file(data, view, entry.key, layout=layout)
        except ValueError as err:
            slot.error(t("failed", format=label, reason=err))
            return
        file = files[entry.key] = PreparedFile(made_for(data, view, layout), name, content, mime)
    slot.download_button(
        label,
        data=file.data,
        file_name=file.name,
        mime=file.mime,
        key=f"{key}_{entry.key}",
        help=_(entry.help),
        on_click="ignore",
        icon=":material/download:",
        type="primary",
        width="stretch",
    )
