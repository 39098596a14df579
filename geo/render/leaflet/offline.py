"""What the map page loads: Leaflet itself as ``data:`` URLs, the map's own script and style
files of this package, and the check that nothing else would be fetched.

Offline: Leaflet 1.9.4 comes from the ``django-js-lib-leaflet`` package as ``data:`` URLs
that replace folium's CDN defaults (no jQuery, Bootstrap or icon fonts are needed).
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

LEAFLET_VERSION = "1.9.4"
_LEAFLET_PACKAGE = "js_lib_leaflet"


@dataclass(frozen=True)
class LeafletAssets:
    """Leaflet's script and stylesheet as ``data:`` URLs (no request leaves the page)."""

    js: str
    css: str


def _data_url(mime: str, text: str) -> str:
    """``text`` as a base64 ``data:`` URL of type ``mime``."""
    return f"data:{mime};base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"


def leaflet_assets() -> LeafletAssets:
    """Leaflet 1.9.4 from the ``django-js-lib-leaflet`` package, as ``data:`` URLs.

    The source-map comment is dropped (it would point at a file next to a data: URL) and
    the stylesheet's ``images/`` references (default marker icons, layers control, which
    this map does not use) are removed so nothing can ask for them.
    """
    root = resources.files(_LEAFLET_PACKAGE) / "static" / _LEAFLET_PACKAGE
    js = (root / "leaflet.js").read_text(encoding="utf-8")
    if f"Leaflet {LEAFLET_VERSION}" not in js[:200]:
        raise RuntimeError(f"django-js-lib-leaflet does not ship Leaflet {LEAFLET_VERSION}")
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    css = (root / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/[^)]*\)", "none", css)
    return LeafletAssets(_data_url("text/javascript", js), _data_url("text/css", css))


@functools.cache
def package_text(name: str) -> str:
    """The text of this package's file ``name`` (``regions.js``, ``map.css``...), without
    its leading ``/** ... */`` header, which documents the file and is not sent to the
    browser. Read once per process."""
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    if text.startswith("/**"):
        text = text[text.index("*/\n") + 3 :]
    return text


# --- offline check ----------------------------------------------------------------------------

_URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.IGNORECASE)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_local_url(url: str) -> bool:
    """True for ``data:`` URLs, fragments, relative paths and localhost; False for any
    other host (a CDN, a tile server...)."""
    url = url.strip()
    if not url or url.startswith(("#", "data:", "blob:", "about:", "javascript:")):
        return True
    parts = urlsplit(url)
    if parts.scheme in {"http", "https", "ws", "wss", "ftp"} or url.startswith("//"):
        return (parts.hostname or "") in _LOCAL_HOSTS
    return not parts.netloc


def external_urls(texts: Iterable[str]) -> list[str]:
    """Every ``src=``/``href=``/CSS ``url()`` in ``texts`` that would leave the machine.

    Texts that are themselves URLs (e.g. ``js_links``) are checked as such.
    """
    found: list[str] = []
    for text in texts:
        if text.startswith("data:"):
            continue
        candidates = _URL_ATTR.findall(text) + _CSS_URL.findall(text)
        if not candidates and re.match(r"^[a-z]+://|^//", text.strip()):
            candidates = [text.strip()]
        found.extend(u for u in candidates if not is_local_url(u))
    return found
