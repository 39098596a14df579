"""Ranks: a unit's place among the units with a value, and how a rank reads.

One type for every rank the app shows: a region's rank for a map measure (the region
panel, the map's tooltips), a cluster's rank in its industry group and a region's rank in
the regional table (the profiles), a host region's rank on the MNE page.

Ranks are descending with ties at their best place ("min"), as league tables print them:
values 5, 3, 3 rank 1, 2, 2. Units without a value are not ranked and not counted.

Numbers in the texts are plain digits in English (``"3 of 1234"``, as the records print
counts) and grouped for the locale otherwise (``"3 из 1 234"``).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import pandas as pd

from geo.base import i18n
from geo.base.i18n import N_

NOT_ASSESSED = N_("not assessed")
"""What a missing rank reads unless the caller says otherwise."""

RANK_TEXT = N_("{rank} of {of}")
TIED_TEXT = N_("{rank} of {of} ({tied} tied)")
GROUP_TEXT = N_("{rank} of {of} ({group})")


@dataclass(frozen=True)
class Rank:
    """``position`` (1 = highest) among ``of`` units with a value; ``tied`` units (itself
    included) share that value; ``among`` names the group ranked in, when the rank is
    within one (``""``: all units with a value)."""

    position: int
    of: int
    tied: int = 1
    among: str = ""

    def __str__(self) -> str:
        """:func:`rank_text` in English: ``"2 of 5 (Chemistry)"``, ``"2 of 3 (2 tied)"``."""
        return rank_text(self)


def _numeric(values: pd.Series) -> pd.Series:
    """The values with a number, as numbers (text that is not a number counts as none)."""
    return pd.to_numeric(values, errors="coerce").dropna()


def rank_of(values: pd.Series, key: Hashable, among: str = "") -> Rank | None:
    """The rank of ``values[key]`` among the values that are numbers, with how many share
    it; ``None`` when ``key`` has no value (or is not in ``values``).

    >>> values = pd.Series({"a": 3.0, "b": 5.0, "c": 3.0, "d": float("nan")})
    >>> rank_of(values, "b"), rank_of(values, "a"), rank_of(values, "d")
    (Rank(position=1, of=3, tied=1, among=''), Rank(position=2, of=3, tied=2, among=''), None)
    """
    present = _numeric(values)
    own = present.get(key)
    if own is None:
        return None
    position = int((present > own).sum()) + 1  # the "min" method of ``Series.rank``
    return Rank(position, int(len(present)), int((present == own).sum()), among)


def all_ranks(values: pd.Series, among: str = "") -> dict[str, Rank]:
    """:func:`rank_of` for every unit with a value at once, by ``str`` of its key (one
    ranking, not one per unit: the map ranks every region on each rerun)."""
    present = _numeric(values)
    if present.empty:
        return {}
    order = present.rank(ascending=False, method="min").astype(int)
    tied = present.map(present.value_counts())
    of = int(len(present))
    return {
        str(key): Rank(int(r), of, int(t), among)
        for key, r, t in zip(present.index, order.to_numpy(), tied.to_numpy(), strict=True)
    }


def _count(n: int, lang: str) -> str:
    return str(n) if lang == "en" else i18n.format_int(n, lang)


def rank_text(rank: Rank | None, lang: str = "en", missing: str = NOT_ASSESSED) -> str:
    """A rank in ``lang`` with what qualifies it: the group it is within (``"2 of 5
    (Chemistry)"``), else how many share it (``"2 of 3 (2 tied)"``), else nothing
    (``"2 of 3"``); ``missing`` (an English msgid) translated when there is no rank."""
    _ = i18n.translator(lang)
    if rank is None:
        return _(missing)
    numbers = {"rank": _count(rank.position, lang), "of": _count(rank.of, lang)}
    if rank.among:
        return _(GROUP_TEXT).format(group=rank.among, **numbers)
    if rank.tied > 1:
        return _(TIED_TEXT).format(tied=_count(rank.tied, lang), **numbers)
    return _(RANK_TEXT).format(**numbers)


def rank_short(rank: Rank | None, lang: str = "en", missing: str = NOT_ASSESSED) -> str:
    """A rank in ``lang`` as its two numbers only (``"2 of 5"``); ``missing`` translated
    when there is no rank."""
    _ = i18n.translator(lang)
    if rank is None:
        return _(missing)
    return _(RANK_TEXT).format(rank=_count(rank.position, lang), of=_count(rank.of, lang))
