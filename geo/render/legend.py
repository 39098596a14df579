"""The map's legend as plain HTML: the measure's classes (with "no data") and the marker
encoding (scenario colours, the MNE ring and, when markers are grouped, the group symbol).

Drawn by the base map's legend control (``geo/render/leaflet/regions.js``), filled by the
dynamic layer (``style.js``). No branca colormap: that would pull d3 from a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from geo.analysis.measures import measure, measure_label
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.classify import SCHEMES, Classification, class_labels
from geo.render.markers import MARKER_STYLE
from geo.render.palette import SCENARIO_COLOURS, SCENARIO_LABELS


def _dot_svg(fill: str, mne: bool) -> str:
    """A sample marker as the map draws it (``MARKER_STYLE``), as inline SVG."""
    style = MARKER_STYLE["mne" if mne else "plain"]
    r = style["radius"]
    stroke, width = style["color"], style["weight"]
    return (
        f'<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="{r}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"/></svg>'
    )


LEGEND_TEXT: dict[str, str] = {
    "no_data": N_("No data"),
    "classes": N_("{scheme}, {k} classes"),
    "one_class": N_("{scheme}, 1 class"),
    "empty": N_("no region has data"),
    "in_brackets": N_("regions in brackets"),
    "clusters": N_("Clusters:"),
    "mne": N_("dark ring: MNE links"),
    "no_mne": N_("no ring: none"),
    "group": N_("group: pie = scenarios, dark arc = share with MNE links, number = clusters"),
}
"""Every text of the legend (English literals in one place)."""


def _group_svg() -> str:
    """The legend's sample group symbol: a two-scenario pie, a dark arc over a third of
    the ring (a third of the group has MNE links) and the number of clusters."""
    a, b = SCENARIO_COLOURS["lonely"], SCENARIO_COLOURS["potential"]
    ring = MARKER_STYLE["mne"]["color"]
    return (
        '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">'
        f'<path d="M10,10L10,3A7,7 0 0 1 10,17Z" fill="{a}"/>'
        f'<path d="M10,10L10,17A7,7 0 0 1 10,3Z" fill="{b}"/>'
        '<circle cx="10" cy="10" r="8.5" fill="none" stroke="#ffffff" stroke-width="3"/>'
        f'<circle cx="10" cy="10" r="8.5" fill="none" stroke="{ring}" stroke-width="3" '
        'stroke-dasharray="17.8 53.4" transform="rotate(-90 10 10)"/>'
        '<circle cx="10" cy="10" r="4.2" fill="#ffffff"/>'
        '<text x="10" y="10" dy="0.35em" text-anchor="middle" font-size="7" '
        'font-weight="600" fill="#111111">9</text></svg>'
    )


def _class_items(classification: Classification, decimals: int, lang: str) -> str:
    """One legend item per class with its number of regions, then hatched "no data"."""
    e = html.escape
    no_data = i18n.translator(lang)(LEGEND_TEXT["no_data"])
    classes = []
    for colour, label, n in zip(
        classification.colours,
        class_labels(classification, decimals, lang),
        classification.counts(),
        strict=True,
    ):
        classes.append(
            f'<span class="cm-i"><span class="cm-sw" style="background:{colour}"></span>'
            f'{e(label)}<span class="cm-n">({n})</span></span>'
        )
    classes.append(
        f'<span class="cm-i"><span class="cm-sw cm-nodata"></span>{e(no_data)}'
        f'<span class="cm-n">({classification.no_data})</span></span>'
    )
    return "".join(classes)


def _how_classified(classification: Classification, lang: str) -> str:
    """E.g. "Natural breaks (Jenks), 5 classes", or "no region has data"."""
    _ = i18n.translator(lang)
    if not classification.k:
        return _(LEGEND_TEXT["empty"])
    template = LEGEND_TEXT["classes"] if classification.k != 1 else LEGEND_TEXT["one_class"]
    return _(template).format(scheme=_(SCHEMES[classification.scheme]), k=classification.k)


def _marker_items(scenario_counts: Mapping[str, int] | None, grouped: bool, lang: str) -> str:
    """The marker encoding: one item per scenario colour (with its number of clusters when
    ``scenario_counts`` is given), the MNE ring, and the group symbol when ``grouped``."""
    e = html.escape
    _ = i18n.translator(lang)
    markers = [f'<span class="cm-h">{e(_(LEGEND_TEXT["clusters"]))}</span>']
    for scenario, colour in SCENARIO_COLOURS.items():
        if scenario in i18n.SCENARIO_DESCRIPTIONS:
            title, label = i18n.scenario_label(scenario, lang), i18n.scenario_name(scenario, lang)
        else:
            title = SCENARIO_LABELS.get(scenario, scenario)
            label = title.split(":")[0]
        n = ""
        if scenario_counts is not None:
            count = i18n.format_int(scenario_counts.get(scenario, 0), lang)
            n = f'<span class="cm-n">({e(count)})</span>'
        markers.append(
            f'<span class="cm-i" title="{e(title)}">{_dot_svg(colour, False)}{e(label)}{n}</span>'
        )
    grey = SCENARIO_COLOURS["not assessed"]
    markers.append(f'<span class="cm-i">{_dot_svg(grey, True)}{e(_(LEGEND_TEXT["mne"]))}</span>')
    markers.append(
        f'<span class="cm-i">{_dot_svg(grey, False)}{e(_(LEGEND_TEXT["no_mne"]))}</span>'
    )
    if grouped:
        markers.append(
            f'<span class="cm-i cm-gi">{_group_svg()}{e(_(LEGEND_TEXT["group"]))}</span>'
        )
    return "".join(markers)


def legend_html(
    measure_key: str,
    classification: Classification,
    scenario_counts: Mapping[str, int] | None = None,
    grouped: bool = False,
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> str:
    """The legend as plain HTML, a low strip along the bottom of the map.

    First the measure and its classification, then one item per class with the number of
    regions in it and "no data" (hatched); then the markers: colour = scenario (with the
    number of clusters shown) and dark ring = MNE links, and, when markers are ``grouped``
    (many clusters), the group symbol. It is a ``<details>`` element, so a reader can fold
    it down to its title line. Texts, names and numbers are in ``lang`` (``labels``: the
    vocabularies, for the Russian labels of published indicators).
    """
    e = html.escape
    m = measure(measure_key)
    in_brackets = i18n.translator(lang)(LEGEND_TEXT["in_brackets"])
    return (
        f'<details open><summary><span class="cm-h">{e(measure_label(m.key, lang, labels))}</span> '
        f'<span class="cm-n">{e(_how_classified(classification, lang))}; {e(in_brackets)}</span>'
        "</summary>"
        f'<div class="cm-items">{_class_items(classification, m.decimals, lang)}</div>'
        f'<div class="cm-items">{_marker_items(scenario_counts, grouped, lang)}</div></details>'
    )
