"""Region names for map labels: the name in the view's language, its conventional short
form, and the same broken over two or three lines.

The short forms are names, like the regions' names in ``data/regions`` (``name_en``,
``name_ru``), not interface text: each language has its own, derived from its own full
name (Russian ``обл.``, English ``Obl.``), so they are not translations for the gettext
catalogue.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

SHORT_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "Saint Petersburg": "St Petersburg",
        "Autonomous Republic of Crimea": "Crimea",
        "Khanty-Mansi Autonomous Okrug": "Khanty-Mansi AO",
        "Yamalo-Nenets Autonomous Okrug": "Yamalo-Nenets AO",
        "Republic of North Ossetia-Alania": "North Ossetia",
        "Kabardino-Balkar Republic": "Kabardino-Balkaria",
        "Karachay-Cherkess Republic": "Karachay-Cherkessia",
        "Chechen Republic": "Chechnya",
        "Chuvash Republic": "Chuvashia",
        "Udmurt Republic": "Udmurtia",
        "Sakha Republic": "Sakha (Yakutia)",
        "Jewish Autonomous Oblast": "Jewish AO",
        "Altai Republic": "Altai Rep.",
    },
    "ru": {
        "Санкт-Петербург": "С.-Петербург",
        "Автономная Республика Крым": "Крым",
        "Ханты-Мансийский автономный округ — Югра": "ХМАО — Югра",
        "Ямало-Ненецкий автономный округ": "ЯНАО",
        "Республика Северная Осетия — Алания": "Сев. Осетия",
        "Кабардино-Балкарская Республика": "Кабардино-Балкария",
        "Карачаево-Черкесская Республика": "Карачаево-Черкесия",
        "Чеченская Республика": "Чечня",
        "Чувашская Республика — Чувашия": "Чувашия",
        "Удмуртская Республика": "Удмуртия",
        "Республика Саха (Якутия)": "Якутия",
        "Еврейская автономная область": "ЕАО",
        "Кемеровская область — Кузбасс": "Кемеровская обл.",
        "Республика Алтай": "Респ. Алтай",
    },
}
"""Conventional short names where the rules of :func:`short_name` would not give them."""

SHORTENING_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        (r"^Republic of ", ""),
        (r" Republic$", ""),
        (r" Autonomous Okrug$", " AO"),
        (r" Oblast$", " Obl."),
        (r" Krai$", " Kr."),
    ),
    "ru": (
        (r" — .*$", ""),
        (r"^Республика ", ""),
        (r" автономный округ$", " АО"),
        (r" область$", " обл."),
        (r" край$", " кр."),
    ),
}
"""Regular-expression rules shortening a name, applied in order (type words
abbreviated or dropped)."""


def region_name(row: Mapping[str, Any], lang: str) -> str:
    """The region's name in ``lang`` (``name_ru`` in Russian when it has one, else
    ``name_en``)."""
    if lang == "ru" and str(row.get("name_ru") or "").strip():
        return str(row["name_ru"])
    return str(row["name_en"])


def short_name(name: str, lang: str) -> str:
    """A shorter form of a region's name: a conventional one (:data:`SHORT_NAMES`), else
    the type word abbreviated or dropped.

    >>> short_name("Republic of Tatarstan", "en"), short_name("Тверская область", "ru")
    ('Tatarstan', 'Тверская обл.')
    """
    table = SHORT_NAMES.get(lang, SHORT_NAMES["en"])
    if name in table:
        return table[name]
    out = name
    for pattern, repl in SHORTENING_RULES.get(lang, SHORTENING_RULES["en"]):
        out = re.sub(pattern, repl, out)
    return out.strip() or name


def _split(tokens: list[str], cuts: tuple[int, ...]) -> list[str]:
    """The lines of ``tokens`` broken at the token indices ``cuts`` (a space is dropped,
    a hyphen stays at the end of its line)."""
    parts, start = [], 0
    for b in cuts:
        hyphen = tokens[b].endswith("-") and not tokens[b].isspace()
        parts.append("".join(tokens[start : b + 1 if hyphen else b]).strip())
        start = b + 1
    parts.append("".join(tokens[start:]).strip())
    return parts


def wrapped(text: str, max_lines: int = 2) -> list[str]:
    """Ways to write ``text`` on 2 (up to ``max_lines``) lines, breaking at spaces or
    after hyphens, the most balanced of each line count first.

    >>> wrapped("Moscow Oblast"), wrapped("Yamalo-Nenets Autonomous Okrug", 3)[-1]
    (['Moscow\\nOblast'], 'Yamalo-Nenets\\nAutonomous\\nOkrug')
    """
    tokens = re.findall(r"[^\s-]+-?|\s+", text)
    breaks = [i for i, tok in enumerate(tokens) if tok.isspace() or tok.endswith("-")]
    options: list[str] = []
    for lines in range(2, max_lines + 1):
        splits = (_split(tokens, cuts) for cuts in itertools.combinations(breaks, lines - 1))
        candidates = [parts for parts in splits if all(parts)]
        if candidates:
            best = min(candidates, key=lambda parts: max(len(p) for p in parts))
            options.append("\n".join(best))
    return options


def label_variants(name: str, lang: str) -> tuple[str, ...]:
    """The texts tried for a region's label, best first: the full name, the full name on
    two (three for long names) lines, the short name, the short name on two lines.

    >>> label_variants("Moscow Oblast", "en")
    ('Moscow Oblast', 'Moscow\\nOblast', 'Moscow Obl.', 'Moscow\\nObl.')
    """
    short = short_name(name, lang)
    out = [name, *wrapped(name, 3 if len(name) > 24 else 2), short, *wrapped(short, 2)]
    return tuple(dict.fromkeys(out))
