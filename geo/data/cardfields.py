"""Checks of the values of the full cluster card (issue 16): INN, web addresses, e-mail,
phone, founding year, dates and the per-field sources.

Pure functions of one value each, raising pydantic errors whose type is a key of
:data:`ERROR_TEMPLATES` (English msgids with the values as context, translated where they
are shown, as :data:`geo.data.records.ERROR_TEMPLATES`). The registry's cluster model
(:class:`geo.registry.importer.RegistryCluster`) uses them as field validators.

Why here and not in a library: the INN check digits are those of the Federal Tax
Service's order (ФНС, приказ от 29.06.2012 № ММВ-7-6/435@ and its predecessors), which no
package we ship implements; the e-mail and phone rules are deliberately plain (a shape
check, not deliverability), so no network or new dependency is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError
from stdnum.ru import inn as stdnum_inn

from geo.base.errors import Number as Figure
from geo.base.i18n import N_

__all__ = [
    "ERROR_TEMPLATES",
    "FOUNDED_MIN",
    "SourceNote",
    "check_date",
    "check_email",
    "check_founded",
    "check_inn",
    "check_phone",
    "check_specialisations",
    "check_url",
    "format_sources",
    "inn_valid",
    "parse_sources",
    "read_sources",
]

#: The earliest founding year accepted (the oldest cluster initiatives of the Cluster Map
#: date from the 2000s; a year before 1900 is a typo).
FOUNDED_MIN = 1900

#: Most characters of a web address and of an e-mail address (RFC 5321: 254).
MAX_URL = 2_000
MAX_EMAIL = 254

#: Digits a phone number may have (E.164: at most 15; a Russian number has 11).
PHONE_DIGITS = (7, 15)

ERROR_TEMPLATES: dict[str, str] = {
    "inn": N_(
        "'{value}' is not an INN: 10 digits (an organisation) or 12 digits (an individual "
        "entrepreneur), with no spaces or other characters"
    ),
    "inn_check": N_("'{value}' is not a valid INN: its check digit is wrong (a typing mistake?)"),
    "url": N_(
        "'{value}' is not a web address: give a full http:// or https:// address "
        "with a host name (such as https://example.ru)"
    ),
    "email": N_("'{value}' is not an e-mail address of the form name@example.ru"),
    "phone": N_(
        "'{value}' is not a phone number: digits, spaces, brackets and dashes, optionally "
        "starting with +, and 7 to 15 digits (such as +7 495 123-45-67)"
    ),
    "founded": N_("'{value}' is not a founding year between {low} and {high}"),
    "date": N_(
        "'{value}' is not a date: write YYYY-MM-DD (or YYYY-MM, or YYYY when the source "
        "gives only the year), not later than today"
    ),
    "specialisations": N_(
        "'{value}' is not a list of specialisations separated by ';' (an empty or repeated item)"
    ),
    "source_line": N_(
        "line {line} of the field sources, '{value}', is not 'field | source | date'"
    ),
    "source_field": N_(
        "line {line} of the field sources names '{value}', which is not a field of the "
        "card ({listed})"
    ),
    "source_twice": N_("line {line} of the field sources names '{value}' a second time"),
}


def _invalid(kind: str, /, **values: Any) -> PydanticCustomError:
    """A card validation error of type ``kind`` (:data:`ERROR_TEMPLATES`)."""
    return PydanticCustomError(kind, ERROR_TEMPLATES[kind], values)


# --------------------------------------------------------------------------- INN


def inn_valid(inn: str) -> bool:
    """Whether ``inn`` is a Russian taxpayer number with correct check digits: 10 digits
    (organisations; the 10th is the check digit) or 12 (individuals; the 11th and 12th),
    as python-stdnum checks it (``stdnum.ru.inn``: the same check as member organisations',
    :func:`geo.data.records._inn`).

    >>> inn_valid("7707083893"), inn_valid("7707083894"), inn_valid("500100732259")
    (True, False, True)
    """
    return bool(re.fullmatch(r"\d{10}|\d{12}", inn)) and bool(stdnum_inn.is_valid(inn))


def check_inn(value: str | None) -> str | None:
    """An INN as stored (refused when malformed or its check digits are wrong). A number
    read from a spreadsheet comes as ``7707083893.0`` and is read as its digits."""
    if value is None:
        return None
    text = value[:-2] if re.fullmatch(r"\d+\.0", value) else value
    if not re.fullmatch(r"\d{10}|\d{12}", text):
        raise _invalid("inn", value=value)
    if not inn_valid(text):
        raise _invalid("inn_check", value=value)
    return text


# --------------------------------------------------------------------------- web, e-mail, phone

_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}", re.IGNORECASE)


def check_url(value: str | None) -> str | None:
    """An http(s) web address with a host name (letters, digits, hyphens and dots, or an
    internationalised name such as ``кластер.рф``); no user name or password in it, no
    spaces, at most :data:`MAX_URL` characters. Other schemes (``javascript:``,
    ``file:``, ``data:``) are refused: the card makes the address a link."""
    if value is None:
        return None
    if len(value) > MAX_URL or any(c.isspace() for c in value):
        raise _invalid("url", value=value)
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port_ok = parts.port is None or parts.port > 0
    except (ValueError, UnicodeError):
        raise _invalid("url", value=value) from None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        raise _invalid("url", value=value)
    if not port_ok or not _HOST.fullmatch(host):
        raise _invalid("url", value=value)
    return value


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9а-яёА-ЯЁ-]{1,63}\.)+[A-Za-zа-яёА-ЯЁ0-9-]{2,63}"
)


def check_email(value: str | None) -> str | None:
    """An e-mail address of the usual shape ``local@domain.tld`` (the dot-atom of RFC
    5322 on the left, a domain with a dot on the right, Cyrillic domains allowed), at most
    :data:`MAX_EMAIL` characters. A shape check only: no mail is sent."""
    if value is None:
        return None
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        raise _invalid("email", value=value)
    return value


_PHONE = re.compile(r"\+?[0-9 ()\-.]+")


def check_phone(value: str | None) -> str | None:
    """A phone number as people write it: digits, spaces, brackets, dashes and dots, an
    optional leading ``+``, with 7 to 15 digits (E.164's maximum)."""
    if value is None:
        return None
    digits = sum(c.isdigit() for c in value)
    low, high = PHONE_DIGITS
    if not _PHONE.fullmatch(value) or not low <= digits <= high:
        raise _invalid("phone", value=value)
    return value


# --------------------------------------------------------------------------- years and dates


def _today() -> date:
    return datetime.now(UTC).date()


def check_founded(value: float | None) -> float | None:
    """A founding year: a whole number from :data:`FOUNDED_MIN` to this year."""
    if value is None:
        return None
    high = _today().year
    if not float(value).is_integer() or not FOUNDED_MIN <= value <= high:
        raise _invalid("founded", value=f"{value:g}", low=str(FOUNDED_MIN), high=str(high))
    return value


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def check_date(value: str | None) -> str | None:
    """A date as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (sources often give only the
    year), a real calendar date not later than today; a spreadsheet's date cell
    (``2024-05-01 00:00:00``) is read as its day."""
    if value is None:
        return None
    text = value[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", value) else value
    found = _DATE.fullmatch(text)
    if found is None:
        raise _invalid("date", value=value)
    year, month, day = (int(g) if g else 1 for g in found.groups())
    try:
        when = date(year, month, day)
    except ValueError:
        raise _invalid("date", value=value) from None
    if when > _today() or year < FOUNDED_MIN:
        raise _invalid("date", value=value)
    return text


def check_specialisations(value: str | None) -> str | None:
    """Several specialisations in one cell, separated by ``;``: no empty item, none twice
    (case ignored). Stored as written."""
    if value is None:
        return None
    items = [part.strip().casefold() for part in value.split(";")]
    if any(not item for item in items) or len(set(items)) != len(items):
        raise _invalid("specialisations", value=value)
    return value


# --------------------------------------------------------------------------- field sources


class SourceNote(tuple[str, str, str]):
    """One line of the field sources: ``(field, source, date)``."""

    __slots__ = ()

    @property
    def field(self) -> str:
        return self[0]

    @property
    def source(self) -> str:
        return self[1]

    @property
    def date(self) -> str:
        return self[2]


def parse_sources(value: str, fields: Iterable[str]) -> list[SourceNote]:
    """The per-field sources of a card, one line per field: ``field | source | date``
    (``founded_year | Ministry register of industrial clusters | 2024-05-01``). ``field``
    is one of ``fields``, named once; ``source`` is not empty and holds no ``|``;
    ``date`` as :func:`check_date`. Empty lines are skipped. Raises the pydantic error
    of the first bad line (its number counts from 1)."""
    allowed = list(fields)
    notes: list[SourceNote] = []
    seen: set[str] = set()
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise _invalid("source_line", line=Figure(number), value=line)
        name, source, when = parts
        if name not in allowed:
            raise _invalid(
                "source_field", line=Figure(number), value=name, listed=", ".join(allowed)
            )
        if name in seen:
            raise _invalid("source_twice", line=Figure(number), value=name)
        try:
            when = check_date(when) or when
        except PydanticCustomError:
            raise _invalid("source_line", line=Figure(number), value=line) from None
        seen.add(name)
        notes.append(SourceNote((name, source, when)))
    return notes


def format_sources(notes: Iterable[SourceNote]) -> str:
    """The stored text of per-field sources: one ``field | source | date`` line each.

    >>> format_sources([SourceNote(("website", "site of the cluster", "2025"))])
    'website | site of the cluster | 2025'
    """
    return "\n".join(" | ".join(note) for note in notes)


def read_sources(value: Any) -> dict[str, tuple[str, str]]:
    """Stored per-field sources (validated on the way in) as ``{field: (source, date)}``;
    anything else (missing, a malformed line) reads as no source, so a display never
    fails on them.

    >>> read_sources("website | site of the cluster | 2025")
    {'website': ('site of the cluster', '2025')}
    """
    if not isinstance(value, str):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for line in value.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 3 and all(parts):
            out.setdefault(parts[0], (parts[1], parts[2]))
    return out
