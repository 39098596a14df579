"""Text sizes as the renderer lays them out: every label and page block is planned from
the box its text will really take, so what is checked for overlaps is what is drawn."""

from __future__ import annotations

from typing import Any

from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure

SizeKey = tuple[float, str, tuple[tuple[str, Any], ...]]

_SIZES: dict[SizeKey, tuple[float, float]] = {}
"""Text sizes by (dpi, text, properties), shared by all maps of the process: the names,
legend entries and notes of one export are mostly those of the next (measuring is about a
millisecond a text). Cleared when it holds :data:`SIZE_CACHE_MAX` entries; a dict's item
access is atomic, so threads of a server may share it."""
SIZE_CACHE_MAX = 50_000


class TextMeter:
    """Sizes of texts in pixels of a figure, as its renderer lays them out (cached)."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.renderer: RendererBase = fig.canvas.get_renderer()  # type: ignore[attr-defined]

    def size(self, text: str, **props: Any) -> tuple[float, float]:
        """``(width, height)`` in pixels of ``text`` drawn with ``props``: a text artist's
        window extent (the box the renderer draws), cached."""
        key = (float(self.fig.dpi), text, tuple(sorted(props.items())))
        found = _SIZES.get(key)
        if found is None:
            artist = self.fig.text(0, 0, text, parse_math=False, **props)
            box = artist.get_window_extent(self.renderer)
            artist.remove()
            if len(_SIZES) >= SIZE_CACHE_MAX:
                _SIZES.clear()
            found = _SIZES[key] = (float(box.width), float(box.height))
        return found

    def _fill(self, words: list[str], width: float, **props: Any) -> list[list[str]]:
        """Words filled into lines no wider than ``width`` by the widths of single words
        (each measured once) and of a space."""
        space = self.size("n n", **props)[0] - 2 * self.size("n", **props)[0]
        lines: list[list[str]] = [[]]
        used = 0.0
        for word in words:
            w = self.size(word, **props)[0] if word else 0.0
            if lines[-1] and used + space + w > width:
                lines.append([word])
                used = w
            else:
                used = used + space + w if lines[-1] else w
                lines[-1].append(word)
        return lines

    def wrap(self, text: str, width: float, **props: Any) -> str:
        """``text`` broken at spaces into lines no wider than ``width`` pixels.

        Lines are filled from the widths of single words, then each line is measured whole
        and its last word moved down while it is too wide (kerning and spaces add up).
        """
        lines = self._fill(text.split(" "), width, **props)
        out: list[str] = []
        while lines:
            line = lines.pop(0)
            while len(line) > 1 and self.size(" ".join(line), **props)[0] > width:
                moved = line.pop()
                if lines:
                    lines[0].insert(0, moved)
                else:
                    lines.append([moved])
            out.append(" ".join(line))
        return "\n".join(out)
