"""A user's value as a message shows it: short, and with nothing invisible.

Messages name what a person typed, uploaded or put in a URL ("unknown territory 'XYZ'").
Such a value may be 10,000 characters long, or hold characters that cannot be seen or that
change what is seen: a NUL, an escape, a right-to-left override that reverses the rest of
the sentence, a zero-width space that makes ``RU-TA`` and ``RU-\u200bTA`` look alike.
:func:`shown` is the one way a value goes into a message: such characters are written as
``<U+XXXX>`` and a long value is cut with ``…``. :func:`unsafe_characters` finds them, for
the validators that refuse to store them (``geo.data.records``).

No pandas, no Streamlit: the command line, the pages and the validators all use it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["SHORT", "LONG", "shown", "unsafe_characters", "code_points", "is_unsafe"]

SHORT = 40
"""Characters of a value shown in a page's warning about its URL (enough to recognise it)."""

LONG = 80
"""Characters of a value shown in a validation problem (a cell, a header, a file name)."""

#: Unicode categories never shown raw and never stored: controls (C0, DEL, C1), format
#: characters (bidirectional marks, overrides and isolates, zero-width spaces and joiners,
#: the byte order mark, soft hyphens), surrogates, and the line and paragraph separators.
UNSAFE_CATEGORIES: frozenset[str] = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_unsafe(char: str, allowed: str = "") -> bool:
    """True for a character :data:`UNSAFE_CATEGORIES` holds and ``allowed`` does not.

    >>> is_unsafe("\\u202e"), is_unsafe("\\n"), is_unsafe("\\n", allowed="\\n"), is_unsafe("я")
    (True, True, False, False)
    """
    return char not in allowed and unicodedata.category(char) in UNSAFE_CATEGORIES


def unsafe_characters(text: str, allowed: str = "") -> list[str]:
    """The distinct unsafe characters of ``text`` in order of appearance (``allowed``, e.g.
    tab and line breaks in a note, excepted).

    >>> unsafe_characters("a\\x00b\\u200bc\\x00")
    ['\\x00', '\\u200b']
    """
    found: dict[str, None] = {}
    for char in text:
        if char not in found and is_unsafe(char, allowed):
            found[char] = None
    return list(found)


MAX_NAMED = 5
"""Characters :func:`code_points` names; more are counted (a message stays short)."""


def code_points(chars: list[str]) -> str:
    """``U+0000, U+202E``: characters by their code points (how a message names them), the
    first :data:`MAX_NAMED` of them and ``…`` when there are more.

    >>> code_points(["\\x00", "\\u202e"])
    'U+0000, U+202E'
    >>> code_points([chr(c) for c in range(1, 9)])
    'U+0001, U+0002, U+0003, U+0004, U+0005, …'
    """
    named = [f"U+{ord(c):04X}" for c in chars[:MAX_NAMED]]
    return ", ".join(named + (["…"] if len(chars) > MAX_NAMED else []))


def shown(value: object, limit: int = SHORT) -> str:
    """``value`` as a message shows it: unsafe characters as ``<U+XXXX>``, cut after
    ``limit`` characters of the original with ``…``.

    >>> shown("RU-\\u200bTA"), shown("x" * 50, 10), shown("abc")
    ('RU-<U+200B>TA', 'xxxxxxxxxx…', 'abc')
    """
    text = str(value)
    cut = len(text) > limit
    kept = text[:limit]
    out = "".join(f"<U+{ord(c):04X}>" if is_unsafe(c) else c for c in kept)
    return out + "…" if cut else out
