"""The interactive export: the map page's own map (``geo.render.maps.map_layers``) as one
standalone HTML file that opens with no network, with a header (title, filters, export
time) and a footer (sources). The popups' links to cluster profiles are left out: they
cannot work from a file."""

from __future__ import annotations

import html
from datetime import datetime

import folium
from branca.element import MacroElement
from jinja2 import Template

import geo
from geo.data import records
from geo.render import maps, views
from geo.render.cartography import weblabels
from geo.render.exports.context import (
    MISSING_NOTE,
    PROJECTION_NOTE,
    SOURCES,
    ExportContext,
    make_context,
    translated,
)
from geo.render.leaflet.elements import figure_of
from geo.render.shapes import compact_json

_PAGE_CSS = """
html, body { display: flex; flex-direction: column; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.cm-export-head { order: 0; padding: 6px 12px 4px; border-bottom: 1px solid #ddd; }
.cm-export-head h1 { font-size: 17px; margin: 0 0 2px; }
.cm-export-head p { margin: 0; color: #555; }
.folium-map { order: 1; flex: 1 1 auto; height: auto !important; min-height: 320px; }
.cm-export-foot { order: 2; padding: 4px 12px 6px; border-top: 1px solid #ddd; color: #555;
  font-size: 11px; max-height: 30vh; overflow: auto; }
.cm-export-foot ul { margin: 2px 0; padding-left: 18px; }
.cm-region-label { font: 600 11px/15px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1a1a1a; white-space: nowrap; text-align: center; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
#cm-labels-note { font-style: italic; }
"""


def _html_header(ctx: ExportContext) -> str:
    """The page's header: title, subtitle (clusters, filters, classes, time) and dataset."""
    e = html.escape
    dataset = ctx.text("dataset").format(version=ctx.dataset_version)
    return (
        '<header class="cm-export-head">'
        f"<h1>{e(ctx.title)}</h1>"
        f"<p>{e(ctx.subtitle)} · {e(dataset)}</p>"
        "</header>"
    )


def _html_footer(ctx: ExportContext) -> str:
    """The page's footer: the sources, projection, missing-value note and app version."""
    e = html.escape
    items = "".join(f"<li>{e(text)}</li>" for text in SOURCES)
    footer = ctx.text("footer").format(
        projection=translated(PROJECTION_NOTE, ctx.lang),
        missing=translated(MISSING_NOTE, ctx.lang),
        version=geo.__version__,
    )
    return (
        f'<footer class="cm-export-foot"><b>{e(ctx.text("sources"))}</b>'
        f'<ul>{items}</ul><p id="{LABELS_NOTE_ID}"></p><p>{e(footer)}</p></footer>'
    )


def _page_head(ctx: ExportContext) -> str:
    """The page's ``<title>``, description and styles (header and footer around the map)."""
    description = ctx.text("description").format(
        title=ctx.title, clusters=ctx.cluster_count_text, time=ctx.timestamp
    )
    return (
        f"<title>{html.escape(ctx.title)}</title>"
        f'<meta name="description" content="{html.escape(description)}">'
        f"<style>{_PAGE_CSS}</style>"
    )


LABELS_NOTE_ID = "cm-labels-note"
"""The footer line naming the regions left unlabelled at the current zoom."""


class RegionLabels(MacroElement):
    """The region labels of the export's map (``geo.render.cartography.weblabels``):
    placed in the browser after every zoom, without overlaps, by priority."""

    def __init__(self, labels: list[dict[str, object]], note: str) -> None:
        super().__init__()
        self._name = "RegionLabels"
        self.labels = compact_json(labels)
        self.note = compact_json(note)
        script = weblabels.script_text()
        if any(mark in script for mark in ("{{", "{%", "{#")):
            raise ValueError("weblabels.js holds Jinja syntax")
        self._template = Template(
            "{% macro script(this, kwargs) %}\n" + script
            + "({{ this._parent.get_name() }}, {{ this.labels }}, {{ this.note }}, "
            + f'"{LABELS_NOTE_ID}");\n' + "{% endmacro %}"
        )  # fmt: skip


def region_labels(rv: views.ResolvedView) -> RegionLabels:
    """The label layer of ``rv``'s regions in its language, clusters' regions first."""
    counts = rv.clusters["region_code"].value_counts().to_dict() if len(rv.clusters) else {}
    labels = weblabels.region_labels(rv.regions, rv.view.lang, counts)
    note = translated(weblabels.LABEL_TEXT["omitted"], rv.view.lang)
    return RegionLabels(labels, note)


EXPORT_GROUPING = maps.Grouping(overlaps=True)
"""The export groups overlapping cluster markers at every zoom, with their counts (clusters
at one point spread on click), whatever the page's setting."""


def export_html(
    rv: views.ResolvedView, *, now: datetime | None = None, version: str | None = None
) -> bytes:
    """The view as one standalone interactive map page (UTF-8), opening with no network.

    The map is the map page's (``geo.render.maps.map_layers``, with the same vocabulary
    labels), without profile links, always grouping overlapping markers
    (``EXPORT_GROUPING``); Leaflet is inlined as ``data:`` URLs.
    """
    ctx = make_context(rv, now, version)
    content = maps.MapContent.of_resolved(rv, records.vocabulary_labels())
    layers = maps.map_layers(content, profile_links=False, grouping=EXPORT_GROUPING)
    root = figure_of(layers.base)
    root.header.add_child(folium.Element(_page_head(ctx)))
    root.html.add_child(folium.Element(_html_header(ctx) + _html_footer(ctx)))
    layers.base.add_child(region_labels(rv))
    text = layers.html()
    text = text.replace("<html>", f'<html lang="{html.escape(rv.view.lang)}">', 1)
    return text.encode("utf-8")
