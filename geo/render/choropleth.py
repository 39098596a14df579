"""Region colours and tooltips of the choropleth: what the dynamic layer paints on the
base map's shapes (``geo/render/leaflet/style.js`` applies them in the browser)."""

from __future__ import annotations

import html

import pandas as pd

from geo.analysis.measures import format_value, measure_label
from geo.analysis.ranks import all_ranks, rank_text
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.classify import Classification
from geo.render.shapes import region_label_html

REGION_TEXT: dict[str, str] = {"rank": N_(" (rank {rank})")}
"""The texts of the region tooltips."""


def region_styles(
    values: pd.Series,
    classification: Classification,
    regions: pd.DataFrame,
    measure_key: str,
    lang: str = "en",
    labels: i18n.VocabularyLabels | None = None,
) -> dict[str, list[str | None]]:
    """Per region code: ``[fill colour or None (no data), tooltip HTML]``.

    The tooltip names the region (both names, the one of ``lang`` first) and gives the
    value and its rank among the regions with data, in ``lang``.
    """
    label = html.escape(measure_label(measure_key, lang, labels))
    rank_template = i18n.translator(lang)(REGION_TEXT["rank"])
    ranked_regions = all_ranks(values)
    value_of = values.to_dict()
    class_of = classification.classes.to_dict()
    out: dict[str, list[str | None]] = {}
    for code, name_en, name_ru in zip(
        regions["code"].tolist(), regions["name_en"].tolist(), regions["name_ru"].tolist(),
        strict=True,
    ):  # fmt: skip
        text = html.escape(format_value(value_of.get(code, float("nan")), measure_key, lang))
        rank = ranked_regions.get(str(code))
        ranked = html.escape(rank_template.format(rank=rank_text(rank, lang))) if rank else ""
        tip = f"{region_label_html(name_en, name_ru, lang)}<br>{label}: {text}{ranked}"
        c = int(class_of.get(code, -1))
        out[str(code)] = [classification.colours[c] if c >= 0 else None, tip]
    return out
