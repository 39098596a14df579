"""What the registry, the cluster and region profiles and the comparison page show.

Plain functions over a :class:`geo.analysis.dataset.Dataset`:
no Streamlit here, so the pages only render what these return and the command line or a
test can call the same code.

The Cluster Map of Russia groups a cluster's profile into five blocks (general data,
cluster priorities, management, members, partners and projects; papers 001/002 and the
presentation 003). :func:`cluster_profile` fills those blocks as far as the records have
them; every field the records do not have reads ``"not reported"`` (never a guess, never
0). Ranks are taken within the unit's comparison group as the papers compute the index:
a cluster among the clusters of its industry group, a region among the 19 regions of the
regional table.

Everything is built in one interface language (``lang``, English by default; issue 9):
labels, notes and the "not reported" texts are English msgids marked with ``N_`` and
translated through the gettext catalogues (``geo.base.i18n``); names come from the data's own
``name_ru``/``name_en`` columns, vocabulary values from ``vocabularies.csv`` and federal
districts from their official Russian names, so no data value is ever translated here.
Numbers shown as text follow the language (``1 177,5`` in Russian). Tables keep fixed
English column names and blocks and fields keep their English title/label as ``key``, so
code finds them in any language; pages show the headers through :data:`COLUMN_LABELS`.

Text from the data is returned as plain text. :func:`md_literal` makes such text safe to
place in Markdown (every ASCII punctuation character is backslash-escaped), so a cluster
called ``<script>…`` or ``**x**`` is shown literally.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geo.analysis import indices, members
from geo.analysis.dataset import Dataset
from geo.analysis.ranks import Rank, rank_of, rank_text
from geo.base import i18n
from geo.base.i18n import N_
from geo.base.missing import is_missing
from geo.base.shown import shown
from geo.data.cardfields import read_sources
from geo.data.regions import FEDERAL_DISTRICT_NAMES_RU

NOT_REPORTED = i18n.NOT_REPORTED
"""What a user sees where the records do not give a value (an English msgid: every
function that shows it takes ``lang`` and translates it)."""

NOT_ASSESSED = N_("not assessed")

NONE_NAMED = N_("none named in the sources")
"""For MNE lists: the records hold only the MNEs the presentation (003) names, so an empty
list means "not named", not "no MNE"."""

CLUSTER_URL = "/cluster?id={id}"
REGION_URL = "/region?code={code}"

MAX_COMPARED = 4
MIN_COMPARED = 2

MEMBER_RELATIONS: tuple[str, ...] = ("co-founder", "anchor member", "member")
PARTNER_RELATIONS: tuple[str, ...] = ("partner", "project partner")
EITHER_RELATION = "member or partner"

NONE = N_("none")
YES, NO = N_("yes"), N_("no")
LEFT_SUFFIX = N_(" (left)")
SOURCE_TEXT = N_("{doc}: {ref}")

REGION_TYPES: dict[str, str] = {
    "oblast": N_("oblast"),
    "republic": N_("republic"),
    "krai": N_("krai"),
    "autonomous okrug": N_("autonomous okrug"),
    "federal city": N_("federal city"),
    "autonomous oblast": N_("autonomous oblast"),
}
"""The region types of the outlines (``type``), as interface words (not data names)."""


class UnknownUnitError(LookupError):
    """A cluster id or region code that is not in the data; the message names it."""


# --- text -------------------------------------------------------------------------------------


def text(value: Any, missing: str = NOT_REPORTED, lang: str = "en") -> str:
    """A value as display text; ``missing`` (an English msgid, translated into ``lang``)
    where the records have none. The data's own text is never translated."""
    if not is_missing(value):
        return str(value).strip()
    return i18n.translator(lang)(missing) if missing else ""


def number(
    value: Any, decimals: int | None = None, missing: str = NOT_REPORTED, lang: str = "en"
) -> str:
    """A number as display text: as printed (``g``) or with ``decimals``; ``missing`` if none.

    In Russian the same digits are shown with a decimal comma and thin-space thousands
    (``geo.base.i18n.format_number``).

    >>> number(72.4), number(1.42977, 2), number(float("nan")), number(1177.5, lang="ru")
    ('72.4', '1.43', 'not reported', '1\u202f177,5')
    """
    if is_missing(value):
        return text(None, missing, lang)
    value = float(value)
    if decimals is None:
        printed = f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    else:
        printed = f"{value:.{decimals}f}"
    if lang == "en":
        return printed
    if "e" in printed:  # a tiny value ``g`` prints in exponent form
        return i18n.format_number(value, lang, 6)
    shown = len(printed.partition(".")[2])
    return i18n.format_number(float(printed), lang, shown)


def whole(value: Any, missing: str = NOT_REPORTED, lang: str = "en") -> str:
    """A count as display text (``3``; ``1 234`` in Russian), ``missing`` if none."""
    if is_missing(value):
        return text(None, missing, lang)
    count = int(float(value))
    return str(count) if lang == "en" else i18n.format_int(count, lang)


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


def cluster_display_name(row: Mapping[Any, Any], lang: str = "en") -> str:
    """The name in ``lang``, else in the other language, else the id (P003-05 has only a
    Russian name, most pilot clusters only an English one): names come from the data."""
    order = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    for key in (*order, "id"):
        if not is_missing(row.get(key)):
            return str(row[key]).strip()
    return i18n.translator(lang)(UNNAMED)


UNNAMED = N_("unnamed cluster")


@dataclass(frozen=True)
class Words:
    """How values read in one interface language: the catalogue for interface words,
    the data's own Russian/English columns and ``vocabularies.csv`` for data values.

    English (the default) reproduces the records' values as stored.
    """

    lang: str = "en"
    vocab: i18n.VocabularyLabels | None = None

    def _(self, message: str) -> str:
        """``message`` (an English msgid) in this language."""
        return i18n.translator(self.lang)(message)

    def word(self, table: Mapping[str, str], key: str) -> str:
        """The msgid ``table[key]`` in this language (a helper rather than
        ``_(table["key"])``, whose literal key the extractor would take for a msgid)."""
        return self._(table[key])

    def text(self, value: Any, missing: str = NOT_REPORTED) -> str:
        """:func:`text` in this language."""
        return text(value, missing, self.lang)

    def number(self, value: Any, decimals: int | None = None, missing: str = NOT_REPORTED) -> str:
        """:func:`number` in this language."""
        return number(value, decimals, missing, self.lang)

    def whole(self, value: Any, missing: str = NOT_REPORTED) -> str:
        """:func:`whole` in this language."""
        return whole(value, missing, self.lang)

    def term(self, vocabulary: str, value: Any) -> str:
        """A vocabulary value (status, industry group, relation, ...) for a table cell:
        as stored in English, its Russian label from ``vocabularies.csv`` in Russian."""
        if is_missing(value):
            return self._(NOT_REPORTED)
        if self.lang == "en" or self.vocab is None:
            return str(value).strip()
        return self.vocab.term(vocabulary, str(value).strip(), self.lang)

    def terms(self, vocabulary: str, values: pd.Series) -> pd.Series:
        """:meth:`term` for a column."""
        return values.map(lambda v: self.term(vocabulary, v)).astype(object)

    def district(self, value: Any) -> str:
        """A federal district: its official Russian name in Russian (``geo.data.regions``)."""
        if is_missing(value) or self.lang == "en":
            return self.text(value)
        return FEDERAL_DISTRICT_NAMES_RU.get(str(value), str(value))

    def region_type(self, value: Any) -> str:
        """A region type (``oblast``, ``krai``, ...) as an interface word."""
        if is_missing(value):
            return self._(NOT_REPORTED)
        return (
            self._(REGION_TYPES.get(str(value), str(value)))
            if str(value) in REGION_TYPES
            else str(value)
        )

    def scenario(self, value: Any) -> str:
        """A scenario value as a cell: the value itself in English, its name in Russian."""
        if is_missing(value):
            return self._(NOT_ASSESSED)
        if self.lang == "en" or str(value) not in i18n.SCENARIO_NAMES:
            return str(value)
        return i18n.scenario_name(str(value), self.lang)

    def rank(self, rank: Rank | None, missing: str = NOT_ASSESSED) -> str:
        """:func:`geo.analysis.ranks.rank_text` in this language."""
        return rank_text(rank, self.lang, missing)

    def source(self, doc: Any, ref: Any) -> str:
        """``"001: Table 5"``: the document and where in it."""
        return self._(SOURCE_TEXT).format(doc=self.text(doc), ref=self.text(ref))


def cluster_url(cluster_id: str) -> str:
    """The relative URL of a cluster's profile page."""
    from urllib.parse import quote

    return CLUSTER_URL.format(id=quote(str(cluster_id), safe=""))


def region_url(code: str) -> str:
    """The relative URL of a region's profile page."""
    from urllib.parse import quote

    return REGION_URL.format(code=quote(str(code), safe=""))


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One labelled fact of a profile, already as display text; ``key`` is the English
    label whatever the language, so code can find a field in any language."""

    label: str
    value: str
    key: str = ""
    source: str = ""  # the field's own source and date (the card's field_sources), if any


@dataclass(frozen=True)
class Block:
    """A titled group of facts (a block of the Cluster Map profile); ``key`` is the
    English title whatever the language."""

    title: str
    fields: tuple[Field, ...]
    note: str = ""
    key: str = ""

    def as_frame(self) -> pd.DataFrame:
        """The block as a two-column table (plain text cells), with a third, "Source
        and date", when a field of the block has its own source."""
        frame = pd.DataFrame(
            {"Field": [f.label for f in self.fields], "Value": [f.value for f in self.fields]}
        )
        if any(f.source for f in self.fields):
            frame["Source and date"] = [f.source for f in self.fields]
        return frame

    def value(self, label: str) -> str:
        """The value of the field called ``label`` (shown label or English key;
        ``KeyError`` if there is none)."""
        for f in self.fields:
            if label in (f.label, f.key):
                return f.value
        raise KeyError(label)


def _block(
    w: Words,
    title: str,
    fields: Iterable[tuple[str, str]],
    note: str = "",
    sources: Mapping[str, str] | None = None,
) -> Block:
    """A block in ``w``'s language from English msgids (title, labels, note); a field
    whose English label is in ``sources`` (:func:`field_sources`) shows its source."""
    sources = sources or {}
    return Block(
        w._(title),
        tuple(Field(w._(label), value, label, sources.get(label, "")) for label, value in fields),
        w._(note) if note else "",
        title,
    )


#: The card's columns and the English label of the profile field that shows each (for
#: the per-field sources of ``field_sources``).
CARD_LABELS: dict[str, str] = {
    "name_en": N_("Name (English)"),
    "name_ru": N_("Name (Russian)"),
    "city": N_("City"),
    "region_as_published": N_("Region as published"),
    "status": N_("Status"),
    "status_document": N_("Document of the status"),
    "founded_year": N_("Founding year"),
    "website": N_("Web site"),
    "description_en": N_("Description (English)"),
    "description_ru": N_("Description (Russian)"),
    "employees": N_("Employees"),
    "revenue_bln_rub": N_("Revenue, bln rub."),
    "export_bln_rub": N_("Export, bln rub."),
    "industry_group": N_("Industry group (comparison group of the index)"),
    "specialisation": N_("Specialisations"),
    "org_level": N_("Organisation development level"),
    "manager_name": N_("Cluster management organisation"),
    "manager_inn": N_("INN of the management organisation"),
    "manager_website": N_("Web site of the management organisation"),
    "participants": N_("Participants"),
    "intl_members": N_("International members"),
    "joint_rd_bln_rub": N_("Joint international R&D, bln rub."),
}


def field_sources(row: Mapping[Any, Any], lang: str = "en") -> dict[str, str]:
    """The card's own source of each field that has one, keyed by the field's English
    label: ``"Register of industrial clusters, 2024-05-01"``."""
    notes = read_sources(row.get("field_sources"))
    template = i18n.translator(lang)(FIELD_SOURCE)
    return {
        CARD_LABELS[name]: template.format(source=source, date=date)
        for name, (source, date) in notes.items()
        if name in CARD_LABELS
    }


FIELD_SOURCE = N_("{source}, {date}")


def _region_row(regions: pd.DataFrame, code: Any) -> Mapping[str, Any] | None:
    if is_missing(code):
        return None
    match = regions.loc[regions["code"] == code]
    return None if match.empty else match.iloc[0].to_dict()


def region_label(regions: pd.DataFrame, code: Any, lang: str = "en") -> str:
    """``"Republic of Tatarstan (RU-TA)"`` (named in ``lang`` from the data), or
    "not reported" when there is no region."""
    row = _region_row(regions, code)
    if row is None:
        return text(code, lang=lang)
    return f"{i18n.localised_name(row, lang)} ({row['code']})"


def _mne_names(links: pd.DataFrame, relations: Iterable[str] | None, w: Words) -> list[str]:
    chosen = links if relations is None else links.loc[links["relation"].isin(list(relations))]
    names = []
    for row in chosen.to_dict("records"):
        name = w.text(row["mne_name"])
        if row.get("presence") == "left":
            name += w._(LEFT_SUFFIX)
        names.append(name)
    return names


def _joined(names: Sequence[str], w: Words, empty: str = NONE_NAMED) -> str:
    return "; ".join(names) if names else w._(empty)


def _specialisations(value: Any, lang: str = "en") -> str:
    parts = [] if is_missing(value) else [p.strip() for p in str(value).split(";") if p.strip()]
    return "; ".join(parts) if parts else text(None, lang=lang)


# --- cluster index within the comparison group ------------------------------------------------


def cluster_index_frame(clusters: pd.DataFrame) -> pd.DataFrame:
    """Equation 1 for every assessed cluster (those with indicators), with components and
    group maxima, keyed by cluster ``id`` (``geo.analysis.indices.cluster_index`` as a frame)."""
    return indices.cluster_index(clusters).frame.set_index("id")


def comparison_group(clusters: pd.DataFrame, cluster_id: str, lang: str = "en") -> pd.DataFrame:
    """The clusters of ``cluster_id``'s comparison group (its industry group) that have an
    index, with recomputed and published index and both ranks; empty if it has none."""
    frame = clusters.set_index("id", drop=False)
    if cluster_id not in frame.index:
        raise UnknownUnitError(i18n.translator(lang)(UNKNOWN_CLUSTER).format(id=shown(cluster_id)))
    group = frame.at[cluster_id, "industry_group"]
    if is_missing(group):
        return pd.DataFrame(columns=["id", "name", "recomputed", "published", "rank", "rank_pub"])
    members = frame.loc[(frame["industry_group"] == group) & frame["cluster_index"].notna()]
    rec = members["cluster_index"].astype(float)
    pub = members["index_published"].astype(float)
    table = pd.DataFrame(
        {
            "id": members["id"].to_numpy(),
            "name": [cluster_display_name(r, lang) for r in members.to_dict("records")],
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
        """The block called ``title`` (shown title or English key)."""
        for b in self.blocks:
            if title in (b.title, b.key):
                return b
        raise KeyError(title)


BLOCK_TITLES: tuple[str, ...] = (
    N_("General data"),
    N_("Cluster priorities"),
    N_("Management"),
    N_("Members"),
    N_("Partners and projects"),
)
"""The five blocks of a Cluster Map of Russia profile, in its order."""


def _location_text(row: Mapping[Any, Any], lang: str = "en") -> str:
    w = Words(lang)
    basis = text(row.get("location_basis"), "")
    if is_missing(row.get("lat")) or is_missing(row.get("lon")):
        return w.word(LOCATION_TEXT, "none")
    where = w.word(LOCATION_TEXT, "where").format(
        lat=number(float(row["lat"]), 4, lang=lang),
        lon=number(float(row["lon"]) % 360, 4, lang=lang),
    )
    if basis.startswith("region"):
        return w.word(LOCATION_TEXT, "region").format(where=where)
    if basis.startswith("city"):
        return w.word(LOCATION_TEXT, "city").format(where=where)
    return where


LOCATION_TEXT: dict[str, str] = {
    "none": N_("not located: neither city nor region is reported"),
    "where": N_("{lat}° N, {lon}° E"),
    "region": N_("{where}: a point inside the region (the source does not report the city)"),
    "city": N_("{where}: the city (GeoNames)"),
}


def mne_link_table(
    links: pd.DataFrame,
    clusters: pd.DataFrame | None = None,
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> pd.DataFrame:
    """MNE links as a display table in ``lang``; missing fields read "not reported".

    The columns keep their English names (code and tests find them by name); pages label
    them with :data:`COLUMN_LABELS`.
    """
    w = Words(lang, vocab)
    out = pd.DataFrame(
        {
            "MNE": links["mne_name"].map(w.text),
            "Relation": w.terms("relation", links["relation"]),
            "Presence": w.terms("presence", links["presence"]),
            "Interplay type": w.terms("interplay_type", links["interplay_type"]),
            "HQ country": links["hq_country"].map(w.text),
            "Industry": links["industry"].map(w.text),
            "Source": [
                w.source(d, r)
                for d, r in zip(links["source_doc"], links["source_ref"], strict=True)
            ],
            "Notes": links["notes"].map(lambda v: text(v, "")),
        }
    )
    if clusters is not None:
        names = {r["id"]: cluster_display_name(r, lang) for r in clusters.to_dict("records")}
        out.insert(0, "Cluster", links["cluster_id"].map(lambda i: names.get(i, i)).to_numpy())
        out.insert(0, "Profile", links["cluster_id"].map(cluster_url).to_numpy())
    return out.reset_index(drop=True)


UNKNOWN_CLUSTER = N_("no cluster with id '{id}' in the registry")
UNKNOWN_REGION = N_("no region with code '{code}' among the {count} regions")

CLUSTER_NOTES: dict[str, str] = {
    "management": N_(
        "The development level is the observatory's assessment, set by its moderators. "
        "The contact person, e-mail and phone of the management organisation are shown "
        "to signed-in users only."
    ),
    "members": N_("MNEs are those the presentation 003 names; the records hold no other members."),
    "partners": N_(
        "Joint projects are not records of their own; the notes of the MNE links quote "
        "the projects 003 names."
    ),
}


def cluster_profile(
    data: Dataset,
    cluster_id: str,
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> ClusterProfile:
    """The profile of one cluster in ``lang`` (labels from the catalogue, names and
    vocabulary values from the data); :class:`UnknownUnitError` naming the id if there is
    none."""
    w = Words(lang, vocab)
    clusters = data.clusters
    match = clusters.loc[clusters["id"] == cluster_id]
    if match.empty:
        raise UnknownUnitError(w._(UNKNOWN_CLUSTER).format(id=shown(cluster_id)))
    row = match.iloc[0].to_dict()
    regions = data.regions
    links = data.mne_links.loc[data.mne_links["cluster_id"] == cluster_id]

    group_name = w.term("industry_group", row.get("industry_group"))
    group_table = comparison_group(clusters, cluster_id, lang)
    rec = group_table.set_index("id")["recomputed"] if len(group_table) else pd.Series()
    pub = group_table.set_index("id")["published"] if len(group_table) else pd.Series()
    scenario_value = text(row.get("scenario"), NOT_ASSESSED)
    scenario = w.scenario(row.get("scenario"))
    summary = (
        Field(w._(N_("Status")), w.term("status", row.get("status")), "Status"),
        Field(w._(N_("Industry group")), group_name, "Industry group"),
        Field(w._(N_("Scenario")), scenario, "Scenario"),
        Field(w._(N_("MNE links")), w.whole(len(links)), "MNE links"),
    )
    return ClusterProfile(
        id=str(row["id"]),
        name=cluster_display_name(row, lang),
        name_ru=w.text(row.get("name_ru")),
        region_code=None if is_missing(row.get("region_code")) else str(row["region_code"]),
        region_name=region_label(regions, row.get("region_code"), lang),
        blocks=_cluster_blocks(w, row, regions, links),
        indicators=_cluster_indicators(w, row, clusters, cluster_id),
        cluster_index=_float_or_none(row.get("cluster_index")),
        index_published=_float_or_none(row.get("index_published")),
        group=group_name,
        rank=rank_of(rec, cluster_id, group_name),
        rank_published=rank_of(pub, cluster_id, group_name),
        group_table=group_table,
        scenario=scenario,
        scenario_label=i18n.scenario_label(scenario_value, lang)
        if scenario_value in i18n.SCENARIO_DESCRIPTIONS
        else scenario,
        region_index=_float_or_none(row.get("region_index")),
        mne_links=mne_link_table(links, lang=lang, vocab=vocab),
        lat=_float_or_none(row.get("lat")),
        lon=_float_or_none(row.get("lon")),
        location=_location_text(row, lang),
        notes=text(row.get("notes"), ""),
        summary=summary,
    )


def _float_or_none(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _cluster_blocks(
    w: Words, row: Mapping[Any, Any], regions: pd.DataFrame, links: pd.DataFrame
) -> tuple[Block, ...]:
    """The five blocks of :data:`BLOCK_TITLES` for one cluster (``row``) and its links."""
    return (
        _general_block(w, row, regions),
        _block(
            w,
            N_("Cluster priorities"),
            (
                (
                    N_("Industry group (comparison group of the index)"),
                    w.term("industry_group", row.get("industry_group")),
                ),
                (N_("Specialisations"), _specialisations(row.get("specialisation"), w.lang)),
            ),
            sources=field_sources(row, w.lang),
        ),
        _management_block(w, row),
        _members_block(w, row, links),
        _partners_block(w, row, links),
    )


def _general_block(w: Words, row: Mapping[Any, Any], regions: pd.DataFrame) -> Block:
    lang = w.lang
    region = _region_row(regions, row.get("region_code"))
    return _block(
        w,
        N_("General data"),
        (
            (N_("ID"), str(row["id"])),
            (N_("Name (English)"), w.text(row.get("name_en"))),
            (N_("Name (Russian)"), w.text(row.get("name_ru"))),
            (N_("City"), w.text(row.get("city"))),
            (N_("Region as published"), w.text(row.get("region_as_published"))),
            (N_("Region"), region_label(regions, row.get("region_code"), lang)),
            (N_("Federal district"), w.district(region["federal_district"] if region else None)),
            (N_("Status"), w.term("status", row.get("status"))),
            (N_("Document of the status"), w.text(row.get("status_document"))),
            (N_("Founding year"), w.text(_year(row.get("founded_year")))),
            (N_("Web site"), w.text(row.get("website"))),
            (N_("Description (English)"), w.text(row.get("description_en"))),
            (N_("Description (Russian)"), w.text(row.get("description_ru"))),
            (N_("Employees"), w.whole(row.get("employees"))),
            (N_("Revenue, bln rub."), w.number(row.get("revenue_bln_rub"))),
            (N_("Export, bln rub."), w.number(row.get("export_bln_rub"))),
            (N_("Location on the map"), _location_text(row, lang)),
            (N_("Sources"), w.source(row.get("source_doc"), row.get("source_ref"))),
        ),
        sources=field_sources(row, lang),
    )


def _year(value: Any) -> str | None:
    """A year as text (``2015``, not ``2015.0``); None when missing."""
    return None if is_missing(value) else str(int(float(value)))


def _management_block(w: Words, row: Mapping[Any, Any]) -> Block:
    """The development level with its assessment, and the organisation that manages the
    cluster (its contact data is not in the dataset: the page shows it to those allowed)."""
    return _block(
        w,
        N_("Management"),
        (
            (N_("Organisation development level"), w.term("org_level", row.get("org_level"))),
            (N_("Level assessed by"), w.text(row.get("org_level_assessed_by"))),
            (N_("Level assessed on"), w.text(row.get("org_level_assessed_at"))),
            (N_("Basis of the assessment"), w.text(row.get("org_level_basis"))),
            (N_("Cluster management organisation"), w.text(row.get("manager_name"))),
            (N_("INN of the management organisation"), w.text(row.get("manager_inn"))),
            (
                N_("Web site of the management organisation"),
                w.text(row.get("manager_website")),
            ),
        ),
        CLUSTER_NOTES["management"],
        sources=field_sources(row, w.lang),
    )


def _members_block(w: Words, row: Mapping[Any, Any], links: pd.DataFrame) -> Block:
    return _block(
        w,
        N_("Members"),
        (
            (N_("Participants"), w.whole(row.get("participants"))),
            (N_("International members"), w.whole(row.get("intl_members"))),
            (N_("MNE members"), _joined(_mne_names(links, MEMBER_RELATIONS, w), w)),
            (
                N_("MNE members or strategic partners (003 does not say which)"),
                _joined(_mne_names(links, [EITHER_RELATION], w), w),
            ),
        ),
        CLUSTER_NOTES["members"],
    )


def _partners_block(w: Words, row: Mapping[Any, Any], links: pd.DataFrame) -> Block:
    return _block(
        w,
        N_("Partners and projects"),
        (
            (
                N_("MNE partners and project partners"),
                _joined(_mne_names(links, PARTNER_RELATIONS, w), w),
            ),
            (
                N_("MNEs whose relation is not reported"),
                _joined(_mne_names(links.loc[links["relation"].isna()], None, w), w, NONE),
            ),
            (N_("Joint international R&D, bln rub."), w.number(row.get("joint_rd_bln_rub"))),
            (N_("Joint projects"), w._(NOT_REPORTED)),
        ),
        CLUSTER_NOTES["partners"],
    )


def _cluster_indicators(
    w: Words, row: Mapping[Any, Any], clusters: pd.DataFrame, cluster_id: str
) -> pd.DataFrame:
    """The cluster's index indicators: value, its group's maximum and the component."""
    # Equation 1 compares a cluster only with its comparison group: computing the group
    # alone gives the same components and keeps a profile fast on a large registry.
    peers = clusters.loc[clusters["industry_group"] == row.get("industry_group")]
    assessed = cluster_index_frame(peers) if len(peers) else pd.DataFrame()
    has = cluster_id in assessed.index
    indicator_rows = []
    for ind in indices.CLUSTER_INDICATORS:
        indicator_rows.append(
            {
                "Indicator": _indicator_label(ind, w),
                "Value": w.number(row.get(ind.column)),
                "Group maximum": w.number(peers[ind.column].max()) if has else w._(NOT_ASSESSED),
                "Component": w.number(assessed.at[cluster_id, f"{ind.column}_component"], 3)
                if has
                else w._(NOT_ASSESSED),
            }
        )
    return pd.DataFrame(indicator_rows)


def _indicator_label(ind: indices.Indicator, w: Words) -> str:
    """An index indicator's label: ``Indicator.label`` in English, the Russian label of
    ``vocabularies.csv`` in Russian."""
    if w.lang == "en" or w.vocab is None:
        return ind.label
    return i18n.indicator_label(ind.column, w.lang, w.vocab, ind.label)


# --- region profile ---------------------------------------------------------------------------


def region_index_frame(indicators: pd.DataFrame) -> pd.DataFrame:
    """Equation 1 for the regions of the regional table, keyed by ``region_code``."""
    return indices.region_index(indicators).frame.set_index("region_code")


REGION_GROUP = N_("regions of 002 Table 6")


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
    name: str = ""
    """The name in the profile's language (the data's ``name_ru``/``name_en``)."""


def _cluster_rows(clusters: pd.DataFrame, regions: pd.DataFrame, w: Words) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Profile": clusters["id"].map(cluster_url).to_numpy(),
            "ID": clusters["id"].to_numpy(),
            "Cluster": [cluster_display_name(r, w.lang) for r in clusters.to_dict("records")],
            "City": clusters["city"].map(w.text).to_numpy(),
            "Industry group": w.terms("industry_group", clusters["industry_group"]).to_numpy(),
            "Status": w.terms("status", clusters["status"]).to_numpy(),
            "Index (recomputed)": clusters["cluster_index"].astype(float).round(2).to_numpy(),
            "Scenario": clusters["scenario"].map(w.scenario).to_numpy(),
            "MNE links": clusters["mne_count"].astype(int).to_numpy(),
            **member_columns(clusters, w),
            "Declared region": [region_label(regions, c, w.lang) for c in clusters["region_code"]],
        }
    )


def member_columns(clusters: pd.DataFrame, w: Words) -> dict[str, Any]:
    """Participants and international members (counted from the memberships where a
    cluster lists its members, else as reported) and which of the two, for the region
    profile's and the registry's tables."""
    basis = clusters.get("participants_basis", pd.Series("as reported", index=clusters.index))
    return {
        "Participants": _whole_numbers(clusters["participants"]),
        "International members": _whole_numbers(clusters["intl_members"]),
        "Members counted": basis.map(lambda b: _basis(b, w)).to_numpy(),
    }


def _whole_numbers(values: pd.Series) -> Any:
    """A count column as whole numbers (missing stays missing)."""
    return pd.to_numeric(values, errors="coerce").round().astype("Int64").to_numpy()


def _basis(value: Any, w: Words) -> str:
    """A ``participants_basis`` in the table's language."""
    return w.word(members.BASIS, str(value)) if value in members.BASIS else w.text(value)


def find_region_code(regions: pd.DataFrame, code: str) -> str | None:
    """The region code as stored, matched without regard to case (``ru-ta`` → ``RU-TA``)."""
    wanted = str(code).strip().upper()
    matches = regions.loc[regions["code"].str.upper() == wanted, "code"]
    return None if matches.empty else str(matches.iloc[0])


def region_profile(
    data: Dataset,
    code: str,
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> RegionProfile:
    """The profile of one of the 85 regions in ``lang``; :class:`UnknownUnitError` naming
    the code if there is no such region."""
    w = Words(lang, vocab)
    regions = data.regions
    stored = find_region_code(regions, code)
    if stored is None:
        raise UnknownUnitError(w._(UNKNOWN_REGION).format(code=shown(code), count=len(regions)))
    row = _region_row(regions, stored)
    assert row is not None
    general = _block(
        w,
        N_("General data"),
        (
            (N_("ISO 3166-2 code"), stored),
            (N_("Name (English)"), w.text(row.get("name_en"))),
            (N_("Name (Russian)"), w.text(row.get("name_ru"))),
            (N_("Type"), w.region_type(row.get("type"))),
            (N_("Federal district"), w.district(row.get("federal_district"))),
            (N_("Area, km² (computed from the outline)"), w.whole(row.get("area_km2"))),
            (N_("Disputed territory"), w._(YES if bool(row.get("disputed")) else NO)),
        ),
    )
    table = data.indicators.set_index("region_code")
    has = stored in table.index
    computed = region_index_frame(data.indicators)
    group = w._(REGION_GROUP)
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
        name_en=w.text(row.get("name_en")),
        name_ru=w.text(row.get("name_ru")),
        general=general,
        has_indicators=has,
        indicators=_region_indicators(w, table, computed, stored),
        fea_index=None if stored not in fea.index else float(fea[stored]),
        fea_published=None if is_missing(published.get(stored)) else float(published[stored]),
        rank=rank_of(fea, stored, group),
        rank_published=rank_of(published, stored, group),
        clusters=_cluster_rows(declared, regions, w),
        located_here_declared_elsewhere=_cluster_rows(elsewhere, regions, w),
        mne_links=mne_link_table(links, clusters, lang, vocab),
        scenario_counts={s: int(scenarios.get(s, 0)) for s in indices.SCENARIOS},
        name=i18n.localised_name(row, lang),
    )


def _region_indicators(
    w: Words, table: pd.DataFrame, computed: pd.DataFrame, stored: str
) -> pd.DataFrame:
    """The region's index indicators (``table``: the regional table by region code,
    ``computed``: its index frame): value, rank among the regions and the component."""
    has = stored in table.index
    group = w._(REGION_GROUP)
    rows = []
    for ind in indices.REGION_INDICATORS:
        values = table[ind.column] if ind.column in table else pd.Series(dtype=float)
        rows.append(
            {
                "Indicator": _indicator_label(ind, w),
                "Value": w.number(values.get(stored), 2) if has else w._(NOT_REPORTED),
                "Rank": w.rank(rank_of(values, stored, group), NOT_REPORTED),
                "Component of the index": w.number(
                    computed.at[stored, f"{ind.column}_component"], 3
                )
                if stored in computed.index
                else w._(NOT_REPORTED),
            }
        )
    return pd.DataFrame(rows)


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
    "Participants",
    "International members",
    "Members counted",
    "Index (recomputed)",
    "Index (published)",
)
"""The registry's columns: fixed English names (sorting, the CSV download); the pages show
them translated through :data:`COLUMN_LABELS`."""

COLUMN_LABELS: dict[str, str] = {
    "Profile": N_("Profile"),
    "ID": N_("ID"),
    "Name": N_("Name"),
    "Name (Russian)": N_("Name (Russian)"),
    "City": N_("City"),
    "Region": N_("Region"),
    "Region code": N_("Region code"),
    "Federal district": N_("Federal district"),
    "Industry group": N_("Industry group"),
    "Specialisation": N_("Specialisation"),
    "Status": N_("Status"),
    "Organisation level": N_("Organisation level"),
    "Scenario": N_("Scenario"),
    "MNE links": N_("MNE links"),
    "Participants": N_("Participants"),
    "International members": N_("International members"),
    "Members counted": N_("Members counted"),
    "Index (recomputed)": N_("Index (recomputed)"),
    "Index (published)": N_("Index (published)"),
    "Cluster": N_("Cluster"),
    "Declared region": N_("Declared region"),
    "MNE": N_("MNE"),
    "Relation": N_("Relation"),
    "Presence": N_("Presence"),
    "Interplay type": N_("Interplay type"),
    "HQ country": N_("HQ country"),
    "Industry": N_("Industry"),
    "Source": N_("Source"),
    "Notes": N_("Notes"),
    "Field": N_("Field"),
    "Value": N_("Value"),
    "Indicator": N_("Indicator"),
    "Group maximum": N_("Group maximum"),
    "Component": N_("Component"),
    "Rank": N_("Rank"),
    "Component of the index": N_("Component of the index"),
    "Fact": N_("Fact"),
    "Source and date": N_("Source and date"),
}
"""Display headers of the tables this module builds (keyed by their fixed column names)."""


def column_label(column: str, lang: str) -> str:
    """The header of a profile table's column in ``lang`` (the name itself if unknown)."""
    return i18n.translator(lang)(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column


def registry_table(
    clusters: pd.DataFrame,
    regions: pd.DataFrame,
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> pd.DataFrame:
    """One row per cluster for the registry (index aligned with ``clusters``), its text in
    ``lang``.

    Text cells read "not reported" where the records have no value; the indices stay
    numbers (empty where there is none) so the table sorts them as numbers.
    """
    w = Words(lang, vocab)
    names = regions.set_index("code")
    region_code = clusters["region_code"]
    region_names = i18n.localised_names(names, lang) if len(names) else names["name_en"]
    out = pd.DataFrame(
        {
            "Profile": clusters["id"].map(cluster_url),
            "ID": clusters["id"],
            "Name": [cluster_display_name(r, lang) for r in clusters.to_dict("records")],
            "Name (Russian)": clusters["name_ru"].map(w.text),
            "City": clusters["city"].map(w.text),
            "Region": region_code.map(region_names).map(w.text),
            "Region code": region_code.map(w.text),
            "Federal district": region_code.map(names["federal_district"]).map(w.district),
            "Industry group": w.terms("industry_group", clusters["industry_group"]),
            "Specialisation": clusters["specialisation"].map(lambda v: _specialisations(v, lang)),
            "Status": w.terms("status", clusters["status"]),
            "Organisation level": w.terms("org_level", clusters["org_level"]),
            "Scenario": clusters["scenario"].map(w.scenario),
            "MNE links": clusters["mne_count"].fillna(0).astype(int),
            **member_columns(clusters, w),
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

COUNT_ERROR = N_("choose {min} to {max} {kind} to compare, not {count}")
KIND_WORDS: dict[str, str] = {"clusters": N_("clusters"), "regions": N_("regions")}
NO_CLUSTER = N_("no cluster")

CLUSTER_FACTS: dict[str, str] = {
    "name": N_("Name"),
    "region": N_("Region"),
    "group": N_("Industry group (comparison group)"),
    "status": N_("Status"),
    "index": N_("Index (recomputed)"),
    "published": N_("Index (published)"),
    "rank": N_("Rank in group (recomputed)"),
    "rank_published": N_("Rank in group (published)"),
    "region_index": N_("Region index (recomputed)"),
    "scenario": N_("Scenario"),
    "mne": N_("MNE links"),
}
REGION_FACTS: dict[str, str] = {
    "name": N_("Name"),
    "district": N_("Federal district"),
    "index": N_("FEA index (recomputed)"),
    "published": N_("FEA index (published)"),
    "rank": N_("Rank (recomputed)"),
    "rank_published": N_("Rank (published)"),
    "clusters": N_("Clusters declared in the region"),
    "scenarios": N_("Scenarios of its clusters"),
    "mne": N_("MNE links of its clusters"),
}
"""The rows of the comparison tables (English msgids; translated into the table's
language)."""


def _check_count(units: Sequence[str], kind: str, lang: str = "en") -> list[str]:
    """The units without repeats; ``ValueError`` unless there are two to four."""
    units = list(dict.fromkeys(units))
    if not MIN_COMPARED <= len(units) <= MAX_COMPARED:
        _ = i18n.translator(lang)
        raise ValueError(
            _(COUNT_ERROR).format(
                min=MIN_COMPARED, max=MAX_COMPARED, kind=_(KIND_WORDS[kind]), count=len(units)
            )
        )
    return units


Facts = list[tuple[str, str]]
"""A unit's facts for a comparison: (label in the user's language, display text)."""


def _side_by_side(facts: Mapping[str, Facts], lang: str) -> pd.DataFrame:
    """Units side by side: one column per unit (headed by its key), one row per fact.
    Every unit has the same facts in the same order."""
    labels = [label for label, _ in next(iter(facts.values()))]
    columns = {key: [value for _, value in pairs] for key, pairs in facts.items()}
    return pd.DataFrame(columns, index=pd.Index(labels, name=column_label("Fact", lang)))


def _cluster_facts(p: ClusterProfile, w: Words) -> Facts:
    """What the comparison shows of one cluster."""
    facts = CLUSTER_FACTS
    return [
        (w.word(facts, "name"), p.name),
        (w.word(facts, "region"), p.region_name),
        (w.word(facts, "group"), p.group),
        (w.word(facts, "status"), p.block("General data").value("Status")),
        *((r["Indicator"], r["Value"]) for r in p.indicators.to_dict("records")),
        (w.word(facts, "index"), w.number(p.cluster_index, 2, NOT_ASSESSED)),
        (w.word(facts, "published"), w.number(p.index_published)),
        (w.word(facts, "rank"), w.rank(p.rank)),
        (w.word(facts, "rank_published"), w.rank(p.rank_published, NOT_REPORTED)),
        (w.word(facts, "region_index"), w.number(p.region_index, 2, NOT_ASSESSED)),
        (w.word(facts, "scenario"), p.scenario),
        (w.word(facts, "mne"), w.whole(len(p.mne_links))),
    ]


def _region_facts(p: RegionProfile, w: Words) -> Facts:
    """What the comparison shows of one region."""
    facts = REGION_FACTS
    scenarios = ", ".join(
        f"{w.scenario(k)} {w.whole(v)}" for k, v in p.scenario_counts.items() if v
    ) or w._(NO_CLUSTER)
    return [
        (w.word(facts, "name"), p.name if w.lang != "en" else p.name_en),
        (w.word(facts, "district"), p.general.value("Federal district")),
        *((r["Indicator"], r["Value"]) for r in p.indicators.to_dict("records")),
        (w.word(facts, "index"), w.number(p.fea_index, 2)),
        (w.word(facts, "published"), w.number(p.fea_published, 2)),
        (w.word(facts, "rank"), w.rank(p.rank, NOT_REPORTED)),
        (w.word(facts, "rank_published"), w.rank(p.rank_published, NOT_REPORTED)),
        (w.word(facts, "clusters"), w.whole(len(p.clusters))),
        (w.word(facts, "scenarios"), scenarios),
        (w.word(facts, "mne"), w.whole(len(p.mne_links))),
    ]


def compare_clusters(
    data: Dataset,
    ids: Sequence[str],
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> pd.DataFrame:
    """Two to four clusters side by side: one column per cluster (headed by its id), one
    row per fact (labelled in ``lang``); every cell is display text."""
    w = Words(lang, vocab)
    ids = _check_count(ids, "clusters", lang)
    profiles = [cluster_profile(data, cid, lang, vocab) for cid in ids]
    return _side_by_side({p.id: _cluster_facts(p, w) for p in profiles}, lang)


def compare_regions(
    data: Dataset,
    codes: Sequence[str],
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
) -> pd.DataFrame:
    """Two to four regions side by side: one column per region (headed by its code), one
    row per fact (labelled in ``lang``); every cell is display text."""
    w = Words(lang, vocab)
    codes = _check_count(codes, "regions", lang)
    profiles = [region_profile(data, code, lang, vocab) for code in codes]
    return _side_by_side({p.code: _region_facts(p, w) for p in profiles}, lang)
