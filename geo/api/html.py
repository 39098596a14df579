"""HTML pages of the API for a browser: plain tables and links, no script, nothing
fetched from elsewhere (the API works offline). Every text from the data or the request
is escaped here; callers pass raw text. The pages' own words are English msgids
(:data:`TEXT`), shown in the request's language."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from geo.api.lang import LANG_PARAM, Translate
from geo.base.catalogue import N_

TEXT: dict[str, str] = {
    "site": N_("Cluster Map of Russia: OGC API - Features"),
    "links": N_("Links to other documents"),
    "none": N_("No features."),
    "name": N_("Name"),
    "value": N_("Value"),
    "page": N_(
        "Features {first} to {last} of {matched} matching; registry version {version} ({dataset})."
    ),
    "empty_page": N_("No features on this page; {matched} matching; registry version {version}."),
    "offline": N_(
        "This page fetches nothing from other sites; the JSON and CSV links give "
        "the same data to programs."
    ),
}
"""The pages' own words."""

STYLE = (
    "body{font-family:sans-serif;margin:1.5em;max-width:90em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
    "text-align:left;vertical-align:top}small{color:#555}"
)


def with_lang(href: str, lang: str | None) -> str:
    """``href`` carrying ``lang=`` when the page was asked for in a language, so a
    reader following links stays in it."""
    if lang is None or f"{LANG_PARAM}=" in href:
        return href
    return href + ("&" if "?" in href else "?") + f"{LANG_PARAM}={lang}"


def html_page(
    title: str,
    body: str,
    links: Sequence[Mapping[str, str]],
    _: Translate,
    lang: str,
    keep_lang: str | None = None,
) -> str:
    """A page: ``title`` (raw text), ``body`` (already HTML), its links listed; in
    ``lang``, links carrying ``keep_lang``."""
    e = html.escape
    nav = "".join(
        f'<li><a href="{e(with_lang(link["href"], keep_lang))}">'
        f"{e(link.get('title', link['rel']))}</a> "
        f"<small>({e(link['rel'])}, {e(link.get('type', ''))})</small></li>"
        for link in links
    )
    return (
        f"<!doctype html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
        f"<title>{e(title)} - {e(_(TEXT['site']))}</title><style>{STYLE}</style></head>"
        f"<body><p><small>{e(_(TEXT['site']))}</small></p><h1>{e(title)}</h1>{body}"
        + (f"<h2>{e(_(TEXT['links']))}</h2><ul>{nav}</ul>" if nav else "")
        + f"<p><small>{e(_(TEXT['offline']))}</small></p></body></html>"
    )


def _cell(value: Any, missing: str) -> str:
    """A table cell's text: ``missing`` for a missing value, JSON for nested values."""
    if value is None:
        return missing
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def html_table(
    rows: Sequence[Mapping[str, Any]],
    _: Translate,
    link_column: str | None = None,
    base: str = "",
    keep_lang: str | None = None,
    missing: str = "",
) -> str:
    """Rows as an escaped table; ``link_column`` values link to ``base/value``; a missing
    value reads ``missing``."""
    if not rows:
        return f"<p>{html.escape(_(TEXT['none']))}</p>"
    e = html.escape
    columns = list(rows[0])
    head = "".join(f"<th>{e(str(c))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            text = _cell(row[column], missing)
            if column == link_column and text:
                href = with_lang(f"{base}/{quote(text, safe='')}", keep_lang)
                cells.append(f'<td><a href="{e(href)}">{e(text)}</a></td>')
            else:
                cells.append(f"<td>{e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def html_properties(mapping: Mapping[str, Any], _: Translate, missing: str = "") -> str:
    """A mapping as a two-column name/value table (a missing value reads ``missing``)."""
    name, value = _(TEXT["name"]), _(TEXT["value"])
    return html_table([{name: k, value: v} for k, v in mapping.items()], _, missing=missing)
