"""The message catalogues: which languages exist, which one a run uses, and the translator.

Only the standard library's :mod:`gettext` is needed here (no pandas, no Babel), so the
command line can print its help in the user's language without loading the data stack
(``clustermap --help`` in well under a second). :mod:`geo.base.i18n` builds the locale
formatting, names and labels on top of it and re-exports these names.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

from geo.base.paths import PROJECT_ROOT

Lang = Literal["ru", "en"]


SUPPORTED: tuple[str, ...] = ("ru", "en")
"""The interface languages, the default first."""


DEFAULT_LANG: str = "ru"
"""The language when neither the URL nor the browser says otherwise (issue 9)."""


SOURCE_LANG: str = "en"
"""The language of the msgids in the code."""


DOMAIN = "messages"


LOCALES_DIR: Path = PROJECT_ROOT / "locales"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark, translate later")
    """Mark ``message`` for extraction without translating it (for constants defined at
    import time, before the user's language is known)."""
    return message


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported language, else ``ValueError`` naming it."""
    if lang not in SUPPORTED:
        raise ValueError(f"language {lang!r} is not supported (expected one of {SUPPORTED})")
    return lang


def lang_from_locale(locale: str | None) -> str | None:
    """The supported language of a browser locale tag (``"ru-RU"`` → ``"ru"``,
    ``"en_US"`` → ``"en"``), or None for a missing or unsupported one."""
    if not locale:
        return None
    primary = locale.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in SUPPORTED else None


CLI_LANG_ENV = "CLUSTERMAP_LANG"
"""Environment variable that sets the language of ``clustermap`` (``ru`` or ``en``)."""


LOCALE_ENV: tuple[str, ...] = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where a command line looks for the user's language, in gettext's order."""


def lang_from_environment(environ: Mapping[str, str]) -> str:
    """The language of the command line: ``CLUSTERMAP_LANG``, else the first locale
    variable that is set, as gettext reads them (``ru_RU.UTF-8`` → ``"ru"``), else English.

    English is the fallback here, unlike the app's Russian default: a shell with no
    locale or ``C`` is a script's or a server's, whose output should not change with it.

    >>> lang_from_environment({"LANG": "ru_RU.UTF-8"}), lang_from_environment({"LANG": "C"})
    ('ru', 'en')
    >>> lang_from_environment({"CLUSTERMAP_LANG": "en", "LANG": "ru_RU.UTF-8"})
    'en'
    """
    chosen = environ.get(CLI_LANG_ENV, "").strip()
    if chosen:
        return check_lang(chosen)
    for name in LOCALE_ENV:
        value = environ.get(name, "").strip()
        if value:  # the first one set decides (LANGUAGE may list several: "ru:en")
            return lang_from_locale(value.split(":")[0].split(".")[0]) or SOURCE_LANG
    return SOURCE_LANG


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (gettext keeps it loaded per process).

    English is the language of the msgids, so a missing English catalogue falls back to the
    msgids themselves; a missing Russian one is an installation error and raises.
    """
    check_lang(lang)
    return gettext.translation(
        DOMAIN, localedir=LOCALES_DIR, languages=[lang], fallback=lang == SOURCE_LANG
    )


def translator(lang: str) -> Callable[[str], str]:
    """``_``: the function that translates an English msgid into ``lang``."""
    return translations(lang).gettext


def catalogue_path(lang: str, suffix: Literal["po", "mo"] = "po") -> Path:
    """Where the catalogue of ``lang`` lives (``.po`` source or compiled ``.mo``)."""
    return LOCALES_DIR / check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"
