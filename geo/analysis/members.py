"""Counts of a cluster's members from its memberships, and the composition of its members.

A cluster **lists its members** when it has at least one membership entered as such (one
without ``mne_link_id``): the memberships transcribed from 003's MNE links name only the
MNEs a slide shows, never a cluster's whole membership, so they alone must not replace
the reported number of participants. For a cluster that lists its members,
``participants`` and ``intl_members`` are the counts of its current memberships (and of
those of foreign-owned organisations) at the view's year; otherwise they are the
reported numbers. ``participants_basis`` says which (:data:`BASIS`), the reported numbers
stay in ``participants_reported`` / ``intl_members_reported`` and the counts from the
memberships in ``participants_listed`` / ``intl_members_listed``, so a page can show both
and a difference is shown, never hidden. The indices read ``participants`` and
``intl_members`` (:mod:`geo.analysis.indices`): the same numbers as the card.

A membership is **current** in a year when it began in or before it (or its start is not
reported), did not end before it, and its organisation did not leave the cluster
(``presence`` = ``left``).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pycountry

from geo.base.i18n import N_, VocabularyLabels, not_reported, translator

__all__ = [
    "BASIS",
    "apply_member_counts",
    "Composition",
    "composition",
    "composition_of",
    "country_label",
    "current_memberships",
    "foreign_by_country",
]

#: ``participants_basis``: counted from the listed members, or as reported.
BASIS: dict[str, str] = {
    "members listed": N_("members listed"),
    "as reported": N_("as reported"),
}

_MEMBER_COLUMNS = ["membership_id", "cluster_id", "org_id", "from_year", "to_year", "presence"]


def current_memberships(memberships: pd.DataFrame, year: int) -> pd.DataFrame:
    """The memberships current in ``year`` (see the module docstring)."""
    if memberships.empty:
        return memberships
    began = memberships["from_year"].isna() | (memberships["from_year"] <= year)
    not_ended = memberships["to_year"].isna() | (memberships["to_year"] >= year)
    stayed = memberships["presence"].astype(object).ne("left")
    return memberships[began & not_ended & stayed]


def _listed_counts(
    organisations: pd.DataFrame, memberships: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Per cluster id: current members, current foreign-owned members, and whether the
    cluster lists its members."""
    columns = ["participants_listed", "intl_members_listed", "lists_members"]
    if memberships.empty:
        return pd.DataFrame(columns=columns, dtype=object)
    foreign = set(organisations.loc[organisations["foreign_owned"] == "yes", "org_id"])
    current = current_memberships(memberships, year)
    participants = current.groupby("cluster_id")["org_id"].nunique()
    is_foreign = current["org_id"].isin(foreign)
    intl = current[is_foreign].groupby("cluster_id")["org_id"].nunique()
    entered = memberships["mne_link_id"].isna()
    lists = memberships[entered].groupby("cluster_id").size() > 0
    ids = memberships["cluster_id"].drop_duplicates()
    frame = pd.DataFrame(index=pd.Index(ids, name="cluster_id"))
    frame["participants_listed"] = participants.reindex(frame.index).fillna(0).astype(float)
    frame["intl_members_listed"] = intl.reindex(frame.index).fillna(0).astype(float)
    frame["lists_members"] = lists.reindex(frame.index).eq(True)
    return frame


def apply_member_counts(
    clusters: pd.DataFrame,
    organisations: pd.DataFrame | None,
    memberships: pd.DataFrame | None,
    year: int,
) -> pd.DataFrame:
    """``clusters`` (with ``id``, ``participants``, ``intl_members``) with the counts of the
    module docstring: ``participants`` and ``intl_members`` from the memberships where the
    cluster lists its members, the reported and listed numbers beside them, and
    ``participants_basis``. ``clusters`` is not modified.

    >>> clusters = pd.DataFrame({"id": ["A", "B"], "participants": [40.0, 10.0],
    ...                          "intl_members": [2.0, 1.0]})
    >>> orgs = pd.DataFrame({"org_id": ["O1", "O2"], "foreign_owned": ["yes", "no"]})
    >>> members = pd.DataFrame({"membership_id": ["M1", "M2", "M3"],
    ...     "cluster_id": ["A", "A", "B"], "org_id": ["O1", "O2", "O1"],
    ...     "from_year": [None, None, None], "to_year": [None, None, None],
    ...     "presence": [None, None, "present"], "mne_link_id": [None, None, "MNE-01"]})
    >>> out = apply_member_counts(clusters, orgs, members, 2026)
    >>> out[["id", "participants", "intl_members", "participants_basis"]].values.tolist()
    [['A', 2.0, 1.0, 'members listed'], ['B', 10.0, 1.0, 'as reported']]
    """
    out = clusters.copy()
    out["participants_reported"] = out["participants"]
    out["intl_members_reported"] = out["intl_members"]
    members = memberships if memberships is not None else pd.DataFrame(columns=_MEMBER_COLUMNS)
    orgs = organisations if organisations is not None else pd.DataFrame(columns=["org_id"])
    counts = _listed_counts(orgs, members, year)
    ids = out["id"]
    out["participants_listed"] = ids.map(counts["participants_listed"]).astype(float)
    out["intl_members_listed"] = ids.map(counts["intl_members_listed"]).astype(float)
    listed = ids.map(counts["lists_members"]).eq(True)  # not in the counts: not listed
    out.loc[listed, "participants"] = out.loc[listed, "participants_listed"]
    out.loc[listed, "intl_members"] = out.loc[listed, "intl_members_listed"]
    out["participants_basis"] = listed.map({True: "members listed", False: "as reported"})
    return out


def _members_of(
    cluster_id: str, organisations: pd.DataFrame, memberships: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The current memberships of one cluster joined to their organisations."""
    if memberships.empty:
        return pd.DataFrame(columns=["org_id", "org_type", "foreign_owned", "hq_country"])
    mine = current_memberships(memberships[memberships["cluster_id"] == cluster_id], year)
    return mine.merge(organisations, on="org_id", how="left").drop_duplicates("org_id")


def composition(
    cluster_id: str, organisations: pd.DataFrame, memberships: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Current members of a cluster by organisation type: ``org_type`` (``None`` when not
    reported), ``members``; largest first."""
    members = _members_of(cluster_id, organisations, memberships, year)
    types = members["org_type"].astype(object).where(members["org_type"].notna(), None)
    counts = types.value_counts(dropna=False).rename("members")
    frame = _none_for_missing(counts.rename_axis("org_type").reset_index(), "org_type")
    return frame.sort_values(["members"], ascending=False, kind="stable").reset_index(drop=True)


def foreign_by_country(
    cluster_id: str, organisations: pd.DataFrame, memberships: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Current foreign-owned members of a cluster by headquarters country:
    ``hq_country`` (``None`` when not reported), ``members``; largest first."""
    members = _members_of(cluster_id, organisations, memberships, year)
    foreign = members[members["foreign_owned"] == "yes"]
    countries = foreign["hq_country"].astype(object).where(foreign["hq_country"].notna(), None)
    counts = countries.value_counts(dropna=False).rename("members")
    frame = _none_for_missing(counts.rename_axis("hq_country").reset_index(), "hq_country")
    return frame.sort_values(["members"], ascending=False, kind="stable").reset_index(drop=True)


def _none_for_missing(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``column`` as objects with ``None`` (not NaN) where the value is not reported."""
    frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


@lru_cache(maxsize=1)
def _russian_countries() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"], fallback=True)


def country_label(name: str | None, lang: str) -> str:
    """A country's ISO name in ``lang`` (pycountry's translations); "not reported" when
    missing; a name pycountry does not know reads as itself."""
    if name is None:
        return not_reported(lang)
    if lang != "ru":
        return name
    try:
        country = pycountry.countries.lookup(name)
    except LookupError:
        return name
    return _russian_countries().gettext(country.name)


#: Words of the composition (English msgids).
COMPOSITION_TEXT: dict[str, str] = {
    "type": N_("Type of organisation"),
    "country": N_("Headquarters country"),
    "members": N_("Members"),
}


@dataclass(frozen=True)
class Composition:
    """The composition of one cluster's current members, labelled in one language:
    ``types`` and ``countries`` (columns ``label``, ``members``), the counts on the card
    (``participants``, ``intl_members``, ``basis``) and the year counted at."""

    types: pd.DataFrame
    countries: pd.DataFrame
    participants: float | None
    intl_members: float | None
    basis: str
    year: int


def _labelled(frame: pd.DataFrame, column: str, label) -> pd.DataFrame:
    out = pd.DataFrame({"label": [label(v) for v in frame[column]]})
    out["members"] = frame["members"].astype(int).to_numpy()
    return out


def composition_of(data, cluster_id: str, lang: str, labels: VocabularyLabels) -> Composition:
    """The :class:`Composition` of cluster ``cluster_id`` of ``data`` (a
    :class:`geo.analysis.dataset.Dataset`) in ``lang``: member types by their vocabulary
    label, foreign members by country, at the dataset's year of counting."""
    orgs, memberships, year = data.organisations, data.memberships, data.members_year
    types = composition(cluster_id, orgs, memberships, year)
    countries = foreign_by_country(cluster_id, orgs, memberships, year)
    row = data.clusters.loc[data.clusters["id"] == cluster_id]

    def value(column: str) -> float | None:
        found = row[column].iloc[0] if len(row) and column in row else None
        return None if found is None or pd.isna(found) else float(found)

    basis = str(row["participants_basis"].iloc[0]) if len(row) else "as reported"
    return Composition(
        _labelled(types, "org_type", lambda v: labels.label("org_type", v, lang)),
        _labelled(countries, "hq_country", lambda v: country_label(v, lang)),
        value("participants"),
        value("intl_members"),
        translator(lang)(BASIS.get(basis, basis)),
        year,
    )
