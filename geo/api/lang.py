"""The language of an API answer: ``?lang=ru|en``, else the ``Accept-Language`` header,
else English.

English is the default, unlike the app's Russian: most clients of the API are programs
(GDAL, QGIS, scripts) whose output should not change with a locale, as for the command
line. What is translated: the HTML pages' own words, collection titles and descriptions,
link titles and error descriptions. Never translated: property names, data values, codes
and the OGC vocabulary (``rel``, conformance classes), which programs read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from geo.base import catalogue

API_DEFAULT_LANG = "en"
"""The language when neither ``lang`` nor ``Accept-Language`` names a supported one."""

LANG_PARAM = "lang"
"""The query parameter choosing the language."""

Translate = Callable[[str], str]


def accept_language(header: str | None) -> str | None:
    """The supported language the ``Accept-Language`` header prefers most, or None.

    >>> accept_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")
    'ru'
    >>> accept_language("de, en;q=0.5, ru;q=0.7"), accept_language("de"), accept_language(None)
    ('ru', None, None)
    """
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        lang = catalogue.lang_from_locale(tag.strip())
        if lang is None:
            continue
        q = quality(params)
        if q > 0 and (best is None or (q, -position) > (best[0], best[1])):
            best = (q, -position, lang)
    return best[2] if best else None


def quality(params: str) -> float:
    """The ``q`` of one ``Accept`` or ``Accept-Language`` item's parameters (1 when
    absent, 0 when malformed)."""
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def request_lang(query: Mapping[str, str], headers: Mapping[str, str]) -> str:
    """The language of the answer to a request with ``query`` parameters and ``headers``
    (an unsupported ``lang`` is ignored here; the endpoint refuses it with a 400)."""
    chosen = query.get(LANG_PARAM)
    if chosen in catalogue.SUPPORTED:
        return str(chosen)
    return accept_language(headers.get("accept-language")) or API_DEFAULT_LANG


@functools.cache
def translator(lang: str) -> Translate:
    """``_`` for ``lang`` (one per language and process)."""
    return catalogue.translator(lang)
