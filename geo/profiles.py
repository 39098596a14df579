"""What the registry, the cluster and region profiles and the comparison page show.

Plain functions over a :class:`geo.dataset.Dataset` (or anything with the same frames):
no Streamlit here, so the pages only render what these return and the command line or a
test can call the same code.

The Cluster Map of Russia groups a cluster's profile into five blocks (general data,
cluster priorities, management, members, partners and projects; papers 001/002 and the
presentation 003). :func:`cluster_profile` fills those blocks as far as the records have
them; every field the records do not have reads ``"not reported"`` (never a guess, never
0). Ranks are taken within the unit's comparison group as the papers compute the index:
a cluster among the clusters of its industry group, a region among the 19 regions of the
regional table.

Text from the data is returned as plain text. :func:`md_literal` makes such text safe to
place in Markdown (every ASCII punctuation character is backslash-escaped), so a cluster
called ``<script>…`` or ``**x**`` is shown literally.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from geo import indices
from geo.palette import SCENARIO_LABELS

NOT_REPORTED = "not reported"
"""What a user sees where the records do not give a value."""

NOT_ASSESSED = "not assessed"

NONE_NAMED = "none named in the sources"
"""For MNE lists: the records hold only the MNEs the presentation (003) names, so an empty
list means "not named", not "no MNE"."""

CLUSTER_URL = "/cluster?id={id}"
REGION_URL = "/region?code={code}"

MAX_COMPARED = 4
MIN_COMPARED = 2

MEMBER_RELATIONS: tuple[str, ...] = ("co-founder", "anchor member", "member")
PARTNER_RELATIONS: tuple[str, ...] = ("partner", "project partner")
EITHER_RELATION = "member or partner"


class ProfileData(Protocol):
    """The frames profiles are built from (``geo.dataset.Dataset`` satisfies it)."""

    regions: pd.DataFrame
    clusters: pd.DataFrame
    mne_links: pd.DataFrame
    indicators: pd.DataFrame


class UnknownUnitError(LookupError):
    """A cluster id or region code that is not in the data; the message names it."""


# --- text -------------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and blank strings: the records' missing value."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: Any, missing: str = NOT_REPORTED) -> str:
    """A value as display text; ``missing`` where the records have none."""
    return missing if is_missing(value) else str(value).strip()


def number(value: Any, decimals: int | None = None, missing: str = NOT_REPORTED) -> str:
    """A number as display text: as printed (``g``) or with ``decimals``; ``missing`` if none.

    >>> number(72.4), number(1.42977, 2), number(float("nan"))
    ('72.4', '1.43', 'not reported')
    """
    if is_missing(value):
        return missing
    value = float(value)
    if decimals is None:
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return f"{value:.{decimals}f}"


def whole(value: Any, missing: str = NOT_REPORTED) -> str:
    """A count as display text (``3``), ``missing`` if none."""
    return missing if is_missing(value) else str(int(float(value)))


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md_literal(value: Any, missing: str = NOT_REPORTED) -> str:
    """Text that Markdown (and Streamlit's extensions) shows literally.

    Every ASCII punctuation character is backslash-escaped, which CommonMark defines as the
    literal character: no emphasis, link, HTML tag, entity, LaTeX (``$``), emoji or colour
    directive (``:red[…]``) can come from data. Line breaks become spaces.

    >>> md_literal("<b>**x**</b>")
    '\\\\<b\\\\>\\\\*\\\\*x\\\\*\\\\*\\\\<\\\\/b\\\\>'
    """
    raw = text(value, missing)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(raw.split()))


def fold(value: Any) -> str:
    """Text folded for searching: Unicode-normalised, case-folded, ё read as е."""
    if is_missing(value):
        return ""
    return unicodedata.normalize("NFKC", str(value)).casefold().replace("ё", "е")


def cluster_display_name(row: Mapping[str, Any]) -> str:
    """The English name, else the Russian name, else the id (P003-05 has only a Russian one)."""
    for key in ("name_en", "name_ru", "id"):
        if not is_missing(row.get(key)):
            return str(row[key]).strip()
    return "unnamed cluster"


def cluster_url(cluster_id: str) -> str:
    """The relative URL of a cluster's profile page."""
    from urllib.parse import quote

    return CLUSTER_URL.format(id=quote(str(cluster_id), safe=""))


def region_url(code: str) -> str:
    """The relative URL of a region's profile page."""
    from urllib.parse import quote

    return REGION_URL.format(code=quote(str(code), safe=""))


# --- ranks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rank:
    """A unit's place among ``of`` units with a value (1 = highest; ties share a rank)."""

    position: int
    of: int
    among: str

    @property
    def text(self) -> str:
        """E.g. ``"2 of 5 (Chemistry and Petrochemistry)"``."""
        return f"{self.position} of {self.of} ({self.among})"


def rank_in(values: pd.Series, key: Any, among: str) -> Rank | None:
    """The rank of ``values[key]`` among the non-missing values; ``None`` if it has none.

    Descending with ties at their best place ("min"), as league tables print them.
    """
    present = pd.to_numeric(values, errors="coerce").dropna()
    if key not in present.index:
        return None
    ranks = present.rank(ascending=False, method="min")
    return Rank(int(ranks[key]), int(len(present)), among)


def rank_text(rank: Rank | None, missing: str = NOT_ASSESSED) -> str:
    """A rank as text, ``missing`` when there is none."""
    return rank.text if rank else missing


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One labelled fact of a profile, already as display text."""

    label: str
    value: str


@dataclass(frozen=True)
class Block:
    """A titled group of facts (a block of the Cluster Map profile)."""

    title: str
    fields: tuple[Field, ...]
    note: str = ""

    def as_frame(self) -> pd.DataFrame:
        """The block as a two-column table (plain text cells)."""
        return pd.DataFrame(
            {"Field": [f.label for f in self.fields], "Value": [f.value for f in self.fields]}
        )

    def value(self, label: str) -> str:
        """The value of the field called ``label`` (``KeyError`` if there is none)."""
        for f in self.fields:
            if f.label == label:
                return f.value
        raise KeyError(label)


def _region_row(regions: pd.DataFrame, code: Any) -> Mapping[str, Any] | None:
    if is_missing(code):
        return None
    match = regions.loc[regions["code"] == code]
    return None if match.empty else match.iloc[0].to_dict()


def region_label(regions: pd.DataFrame, code: Any) -> str:
    """``"Republic of Tatarstan (RU-TA)"``, or "not reported" when there is no region."""
    row = _region_row(regions, code)
    if row is None:
        return NOT_REPORTED if is_missing(code) else str(code)
    return f"{row['name_en']} ({row['code']})"


def _mne_names(links: pd.DataFrame, relations: Iterable[str] | None, suffix: str = "") -> list[str]:
    chosen = links if relations is None else links.loc[links["relation"].isin(list(relations))]
    names = []
    for row in chosen.to_dict("records"):
        name = text(row["mne_name"])
        if row.get("presence") == "left":
            name += " (left)"
        names.append(name + suffix)
    return names


def _joined(names: Sequence[str], empty: str = NONE_NAMED) -> str:
    return "; ".join(names) if names else empty


def _specialisations(value: Any) -> str:
    if is_missing(value):
        return NOT_REPORTED
    return "; ".join(p.strip() for p in str(value).split(";") if p.strip()) or NOT_REPORTED


# --- cluster index within the comparison group ------------------------------------------------


def cluster_index_frame(clusters: pd.DataFrame) -> pd.DataFrame:
    """Equation 1 for every assessed cluster (those with indicators), with components and
    group maxima, keyed by cluster ``id`` (``geo.dataset.cluster_index`` as a frame)."""
    from geo.dataset import cluster_index

    return cluster_index(clusters).frame.set_index("id")


def comparison_group(clusters: pd.DataFrame, cluster_id: str) -> pd.DataFrame:
    """The clusters of ``cluster_id``'s comparison group (its industry group) that have an
    index, with recomputed and published index and both ranks; empty if it has none."""
    frame = clusters.set_index("id", drop=False)
    if cluster_id not in frame.index:
        raise UnknownUnitError(f"no cluster with id '{cluster_id}'")
    group = frame.at[cluster_id, "industry_group"]
    if is_missing(group):
        return pd.DataFrame(columns=["id", "name", "recomputed", "published", "rank", "rank_pub"])
    members = frame.loc[(frame["industry_group"] == group) & frame["cluster_index"].notna()]
    rec = members["cluster_index"].astype(float)
    pub = members["index_published"].astype(float)
    table = pd.DataFrame(
        {
            "id": members["id"].to_numpy(),
            "name": [cluster_display_name(r) for r in members.to_dict("records")],
            "recomputed": rec.round(2).to_numpy(),
            "published": pub.to_numpy(),
            "rank": rec.rank(ascending=False, method="min").astype(int).to_numpy(),
            "rank_pub": pub.rank(ascending=False, method="min").astype("Int64").to_numpy(),
        }
    )
    return table.sort_values(["rank", "id"]).reset_index(drop=True)


# --- cluster profile --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterProfile:
    """Everything the cluster profile page shows, as display-ready values."""

    id: str
    name: str
    name_ru: str
    region_code: str | None
    region_name: str
    blocks: tuple[Block, ...]
    indicators: pd.DataFrame
    cluster_index: float | None
    index_published: float | None
    group: str
    rank: Rank | None
    rank_published: Rank | None
    group_table: pd.DataFrame
    scenario: str
    scenario_label: str
    region_index: float | None
    mne_links: pd.DataFrame
    lat: float | None
    lon: float | None
    location: str
    notes: str = ""
    summary: tuple[Field, ...] = field(default_factory=tuple)

    def block(self, title: str) -> Block:
        """The block called ``title``."""
        for b in self.blocks:
            if b.title == title:
                return b
        raise KeyError(title)


BLOCK_TITLES: tuple[str, ...] = (
    "General data",
    "Cluster priorities",
    "Management",
    "Members",
    "Partners and projects",
)
"""The five blocks of a Cluster Map of Russia profile, in its order."""


def _location_text(row: Mapping[str, Any]) -> str:
    basis = text(row.get("location_basis"), "")
    if is_missing(row.get("lat")) or is_missing(row.get("lon")):
        return "not located: neither city nor region is reported"
    where = f"{float(row['lat']):.4f}° N, {float(row['lon']) % 360:.4f}° E"
    if basis.startswith("region"):
        return f"{where}: a point inside the region (the source does not report the city)"
    if basis.startswith("city"):
        return f"{where}: the city (GeoNames)"
    return where


def mne_link_table(links: pd.DataFrame, clusters: pd.DataFrame | None = None) -> pd.DataFrame:
    """MNE links as a display table; missing fields read "not reported"."""
    out = pd.DataFrame(
        {
            "MNE": links["mne_name"].map(text),
            "Relation": links["relation"].map(text),
            "Presence": links["presence"].map(text),
            "Interplay type": links["interplay_type"].map(text),
            "HQ country": links["hq_country"].map(text),
            "Industry": links["industry"].map(text),
            "Source": [
                f"{text(d)}: {text(r)}"
                for d, r in zip(links["source_doc"], links["source_ref"], strict=True)
            ],
            "Notes": links["notes"].map(lambda v: text(v, "")),
        }
    )
    if clusters is not None:
        names = {r["id"]: cluster_display_name(r) for r in clusters.to_dict("records")}
        out.insert(0, "Cluster", links["cluster_id"].map(lambda i: names.get(i, i)).to_numpy())
        out.insert(0, "Profile", links["cluster_id"].map(cluster_url).to_numpy())
    return out.reset_index(drop=True)


def cluster_profile(data: ProfileData, cluster_id: str) -> ClusterProfile:
    """The profile of one cluster; :class:`UnknownUnitError` naming the id if there is none."""
    clusters = data.clusters
    match = clusters.loc[clusters["id"] == cluster_id]
    if match.empty:
        raise UnknownUnitError(f"no cluster with id '{cluster_id}' in the registry")
    row = match.iloc[0].to_dict()
    regions = data.regions
    region = _region_row(regions, row.get("region_code"))
    links = data.mne_links.loc[data.mne_links["cluster_id"] == cluster_id]

    general = Block(
        "General data",
        (
            Field("ID", str(row["id"])),
            Field("Name (English)", text(row.get("name_en"))),
            Field("Name (Russian)", text(row.get("name_ru"))),
            Field("City", text(row.get("city"))),
            Field("Region as published", text(row.get("region_as_published"))),
            Field("Region", region_label(regions, row.get("region_code"))),
            Field("Federal district", text(region["federal_district"]) if region else NOT_REPORTED),
            Field("Status", text(row.get("status"))),
            Field("Location on the map", _location_text(row)),
            Field("Sources", f"{text(row.get('source_doc'))}: {text(row.get('source_ref'))}"),
        ),
    )
    priorities = Block(
        "Cluster priorities",
        (
            Field(
                "Industry group (comparison group of the index)", text(row.get("industry_group"))
            ),
            Field("Specialisation", _specialisations(row.get("specialisation"))),
        ),
    )
    management = Block(
        "Management",
        (
            Field("Organisation development level", text(row.get("org_level"))),
            Field("Cluster management organisation", NOT_REPORTED),
        ),
        note="The records name no cluster management organisation for any cluster.",
    )
    members = Block(
        "Members",
        (
            Field("Participants", whole(row.get("participants"))),
            Field("International members", whole(row.get("intl_members"))),
            Field("MNE members", _joined(_mne_names(links, MEMBER_RELATIONS))),
            Field(
                "MNE members or strategic partners (003 does not say which)",
                _joined(_mne_names(links, [EITHER_RELATION])),
            ),
        ),
        note="MNEs are those the presentation 003 names; the records hold no other members.",
    )
    partners = Block(
        "Partners and projects",
        (
            Field(
                "MNE partners and project partners", _joined(_mne_names(links, PARTNER_RELATIONS))
            ),
            Field(
                "MNEs whose relation is not reported",
                _joined(_mne_names(links.loc[links["relation"].isna()], None), "none"),
            ),
            Field("Joint international R&D, bln rub.", number(row.get("joint_rd_bln_rub"))),
            Field("Joint projects", NOT_REPORTED),
        ),
        note="Joint projects are not records of their own; the notes of the MNE links quote "
        "the projects 003 names.",
    )

    assessed = cluster_index_frame(clusters)
    has = cluster_id in assessed.index
    peers = clusters.loc[clusters["industry_group"] == row.get("industry_group")]
    indicator_rows = []
    for ind in indices.CLUSTER_INDICATORS:
        indicator_rows.append(
            {
                "Indicator": ind.label,
                "Value": number(row.get(ind.column)),
                "Group maximum": number(peers[ind.column].max()) if has else NOT_ASSESSED,
                "Component": number(assessed.at[cluster_id, f"{ind.column}_component"], 3)
                if has
                else NOT_ASSESSED,
            }
        )
    group_name = text(row.get("industry_group"))
    group_table = comparison_group(clusters, cluster_id)
    rec = group_table.set_index("id")["recomputed"] if len(group_table) else pd.Series()
    pub = group_table.set_index("id")["published"] if len(group_table) else pd.Series()
    scenario = text(row.get("scenario"), NOT_ASSESSED)
    summary = (
        Field("Status", text(row.get("status"))),
        Field("Industry group", group_name),
        Field("Scenario", scenario),
        Field("MNE links", str(len(links))),
    )
    return ClusterProfile(
        id=str(row["id"]),
        name=cluster_display_name(row),
        name_ru=text(row.get("name_ru")),
        region_code=None if is_missing(row.get("region_code")) else str(row["region_code"]),
        region_name=region_label(regions, row.get("region_code")),
        blocks=(general, priorities, management, members, partners),
        indicators=pd.DataFrame(indicator_rows),
        cluster_index=None if is_missing(row.get("cluster_index")) else float(row["cluster_index"]),
        index_published=None
        if is_missing(row.get("index_published"))
        else float(row["index_published"]),
        group=group_name,
        rank=rank_in(rec, cluster_id, group_name),
        rank_published=rank_in(pub, cluster_id, group_name),
        group_table=group_table,
        scenario=scenario,
        scenario_label=SCENARIO_LABELS.get(scenario, scenario),
        region_index=None if is_missing(row.get("region_index")) else float(row["region_index"]),
        mne_links=mne_link_table(links),
        lat=None if is_missing(row.get("lat")) else float(row["lat"]),
        lon=None if is_missing(row.get("lon")) else float(row["lon"]),
        location=_location_text(row),
        notes=text(row.get("notes"), ""),
        summary=summary,
    )


# --- region profile ---------------------------------------------------------------------------


def region_index_frame(indicators: pd.DataFrame) -> pd.DataFrame:
    """Equation 1 for the regions of the regional table, keyed by ``region_code``."""
    from geo.dataset import region_index

    return region_index(indicators).frame.set_index("region_code")


REGION_GROUP = "regions of 002 Table 6"


@dataclass(frozen=True)
class RegionProfile:
    """Everything the region profile page shows, as display-ready values."""

    code: str
    name_en: str
    name_ru: str
    general: Block
    has_indicators: bool
    indicators: pd.DataFrame
    fea_index: float | None
    fea_published: float | None
    rank: Rank | None
    rank_published: Rank | None
    clusters: pd.DataFrame
    located_here_declared_elsewhere: pd.DataFrame
    mne_links: pd.DataFrame
    scenario_counts: dict[str, int]


def _cluster_rows(clusters: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Profile": clusters["id"].map(cluster_url).to_numpy(),
            "ID": clusters["id"].to_numpy(),
            "Cluster": [cluster_display_name(r) for r in clusters.to_dict("records")],
            "City": clusters["city"].map(text).to_numpy(),
            "Industry group": clusters["industry_group"].map(text).to_numpy(),
            "Status": clusters["status"].map(text).to_numpy(),
            "Index (recomputed)": clusters["cluster_index"].astype(float).round(2).to_numpy(),
            "Scenario": clusters["scenario"].map(lambda v: text(v, NOT_ASSESSED)).to_numpy(),
            "MNE links": clusters["mne_count"].astype(int).to_numpy(),
            "Declared region": [region_label(regions, c) for c in clusters["region_code"]],
        }
    )


def find_region_code(regions: pd.DataFrame, code: str) -> str | None:
    """The region code as stored, matched without regard to case (``ru-ta`` → ``RU-TA``)."""
    wanted = str(code).strip().upper()
    matches = regions.loc[regions["code"].str.upper() == wanted, "code"]
    return None if matches.empty else str(matches.iloc[0])


def region_profile(data: ProfileData, code: str) -> RegionProfile:
    """The profile of one of the 85 regions; :class:`UnknownUnitError` naming the code if
    there is no such region."""
    regions = data.regions
    stored = find_region_code(regions, code)
    if stored is None:
        raise UnknownUnitError(f"no region with code '{code}' among the {len(regions)} regions")
    row = _region_row(regions, stored)
    assert row is not None
    general = Block(
        "General data",
        (
            Field("ISO 3166-2 code", stored),
            Field("Name (English)", text(row.get("name_en"))),
            Field("Name (Russian)", text(row.get("name_ru"))),
            Field("Type", text(row.get("type"))),
            Field("Federal district", text(row.get("federal_district"))),
            Field("Area, km² (computed from the outline)", whole(row.get("area_km2"))),
            Field("Disputed territory", "yes" if bool(row.get("disputed")) else "no"),
        ),
    )
    table = data.indicators.set_index("region_code")
    has = stored in table.index
    computed = region_index_frame(data.indicators)
    rows = []
    for ind in indices.REGION_INDICATORS:
        values = table[ind.column] if ind.column in table else pd.Series(dtype=float)
        rows.append(
            {
                "Indicator": ind.label,
                "Value": number(values.get(stored), 2) if has else NOT_REPORTED,
                "Rank": rank_text(rank_in(values, stored, REGION_GROUP), NOT_REPORTED),
                "Component of the index": number(computed.at[stored, f"{ind.column}_component"], 3)
                if stored in computed.index
                else NOT_REPORTED,
            }
        )
    published = table["fea_index_published"] if "fea_index_published" in table else pd.Series()
    fea = computed["index"] if len(computed) else pd.Series(dtype=float)

    clusters = data.clusters
    declared = clusters.loc[clusters["region_code"] == stored].sort_values("id")
    elsewhere = clusters.loc[
        (clusters["located_region_code"] == stored) & (clusters["region_code"] != stored)
    ].sort_values("id")
    links = data.mne_links.loc[data.mne_links["cluster_id"].isin(declared["id"])]
    scenarios = declared["scenario"].map(lambda v: text(v, NOT_ASSESSED)).value_counts()
    return RegionProfile(
        code=stored,
        name_en=text(row.get("name_en")),
        name_ru=text(row.get("name_ru")),
        general=general,
        has_indicators=has,
        indicators=pd.DataFrame(rows),
        fea_index=None if stored not in fea.index else float(fea[stored]),
        fea_published=None if is_missing(published.get(stored)) else float(published[stored]),
        rank=rank_in(fea, stored, REGION_GROUP),
        rank_published=rank_in(published, stored, REGION_GROUP),
        clusters=_cluster_rows(declared, regions),
        located_here_declared_elsewhere=_cluster_rows(elsewhere, regions),
        mne_links=mne_link_table(links, clusters),
        scenario_counts={s: int(scenarios.get(s, 0)) for s in indices.SCENARIOS},
    )


# --- registry ---------------------------------------------------------------------------------

REGISTRY_COLUMNS: tuple[str, ...] = (
    "Profile",
    "ID",
    "Name",
    "Name (Russian)",
    "City",
    "Region",
    "Region code",
    "Federal district",
    "Industry group",
    "Specialisation",
    "Status",
    "Organisation level",
    "Scenario",
    "MNE links",
    "Index (recomputed)",
    "Index (published)",
)


def registry_table(clusters: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster for the registry (index aligned with ``clusters``).

    Text cells read "not reported" where the records have no value; the indices stay
    numbers (empty where there is none) so the table sorts them as numbers.
    """
    names = regions.set_index("code")
    region_code = clusters["region_code"]
    out = pd.DataFrame(
        {
            "Profile": clusters["id"].map(cluster_url),
            "ID": clusters["id"],
            "Name": [cluster_display_name(r) for r in clusters.to_dict("records")],
            "Name (Russian)": clusters["name_ru"].map(text),
            "City": clusters["city"].map(text),
            "Region": region_code.map(names["name_en"]).map(text),
            "Region code": region_code.map(text),
            "Federal district": region_code.map(names["federal_district"]).map(text),
            "Industry group": clusters["industry_group"].map(text),
            "Specialisation": clusters["specialisation"].map(_specialisations),
            "Status": clusters["status"].map(text),
            "Organisation level": clusters["org_level"].map(text),
            "Scenario": clusters["scenario"].map(lambda v: text(v, NOT_ASSESSED)),
            "MNE links": clusters["mne_count"].fillna(0).astype(int),
            "Index (recomputed)": clusters["cluster_index"].astype(float).round(2),
            "Index (published)": clusters["index_published"].astype(float),
        },
        index=clusters.index,
    )
    return out[list(REGISTRY_COLUMNS)]


SEARCH_COLUMNS: tuple[str, ...] = (
    "id",
    "name_en",
    "name_ru",
    "city",
    "region_as_published",
    "region_code",
    "industry_group",
    "specialisation",
)
"""Cluster columns a registry search looks in (plus the region's English/Russian name)."""


def search_mask(clusters: pd.DataFrame, regions: pd.DataFrame, query: str) -> pd.Series:
    """Which clusters match a free-text query (boolean Series indexed like ``clusters``).

    The query is split into words; a cluster matches when every word occurs in one of its
    names (English or Russian), its city, its region (as published, code, English or
    Russian name) or its specialisation and industry group. Case and ё/е do not matter.
    An empty query matches every cluster.
    """
    words = fold(query).split()
    if not words:
        return pd.Series(True, index=clusters.index)
    names = regions.set_index("code")
    parts = [clusters[c].map(fold) for c in SEARCH_COLUMNS if c in clusters]
    parts.append(clusters["region_code"].map(names["name_en"]).map(fold))
    parts.append(clusters["region_code"].map(names["name_ru"]).map(fold))
    haystack = parts[0]
    for p in parts[1:]:
        haystack = haystack + "\n" + p
    mask = pd.Series(True, index=clusters.index)
    for w in words:
        mask &= haystack.str.contains(w, regex=False)
    return mask


# --- comparison -------------------------------------------------------------------------------


def _check_count(units: Sequence[str], kind: str) -> list[str]:
    """The units without repeats; ``ValueError`` unless there are two to four."""
    units = list(dict.fromkeys(units))
    if not MIN_COMPARED <= len(units) <= MAX_COMPARED:
        raise ValueError(
            f"choose {MIN_COMPARED} to {MAX_COMPARED} {kind} to compare, not {len(units)}"
        )
    return units


def compare_clusters(data: ProfileData, ids: Sequence[str]) -> pd.DataFrame:
    """Two to four clusters side by side: one column per cluster (headed by its id), one
    row per fact; every cell is display text."""
    ids = _check_count(ids, "clusters")
    columns: dict[str, list[str]] = {}
    labels: list[str] = []
    for cid in ids:
        p = cluster_profile(data, cid)
        facts = [
            ("Name", p.name),
            ("Region", p.region_name),
            ("Industry group (comparison group)", p.group),
            ("Status", p.block("General data").value("Status")),
            *((r["Indicator"], r["Value"]) for r in p.indicators.to_dict("records")),
            ("Index (recomputed)", number(p.cluster_index, 2, NOT_ASSESSED)),
            ("Index (published)", number(p.index_published)),
            ("Rank in group (recomputed)", rank_text(p.rank)),
            ("Rank in group (published)", rank_text(p.rank_published, NOT_REPORTED)),
            ("Region index (recomputed)", number(p.region_index, 2, NOT_ASSESSED)),
            ("Scenario", p.scenario),
            ("MNE links", str(len(p.mne_links))),
        ]
        labels = [k for k, _ in facts]
        columns[p.id] = [v for _, v in facts]
    return pd.DataFrame(columns, index=pd.Index(labels, name="Fact"))


def compare_regions(data: ProfileData, codes: Sequence[str]) -> pd.DataFrame:
    """Two to four regions side by side: one column per region (headed by its code), one
    row per fact; every cell is display text."""
    codes = _check_count(codes, "regions")
    columns: dict[str, list[str]] = {}
    labels: list[str] = []
    for code in codes:
        p = region_profile(data, code)
        scen = ", ".join(f"{k} {v}" for k, v in p.scenario_counts.items() if v) or "no cluster"
        facts = [
            ("Name", p.name_en),
            ("Federal district", p.general.value("Federal district")),
            *((r["Indicator"], r["Value"]) for r in p.indicators.to_dict("records")),
            ("FEA index (recomputed)", number(p.fea_index, 2)),
            ("FEA index (published)", number(p.fea_published, 2)),
            ("Rank (recomputed)", rank_text(p.rank, NOT_REPORTED)),
            ("Rank (published)", rank_text(p.rank_published, NOT_REPORTED)),
            ("Clusters declared in the region", str(len(p.clusters))),
            ("Scenarios of its clusters", scen),
            ("MNE links of its clusters", str(len(p.mne_links))),
        ]
        labels = [k for k, _ in facts]
        columns[p.code] = [v for _, v in facts]
    return pd.DataFrame(columns, index=pd.Index(labels, name="Fact"))
