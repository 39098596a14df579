"""The public columns of a cluster (``geo.analysis.cluster_columns``): one table for the OGC
API and the exports, holding every public field of the registry's card and the member
counts, and no personal contact data."""

from __future__ import annotations

import pandas as pd

from geo.analysis import cluster_columns as cc, members
from geo.api import specs
from geo.registry import card, importer
from geo.render.exports import metadata, tables

REGISTRY_PUBLIC = card.public_columns("clusters", importer.kind_columns("clusters"))

LEFT_OUT_OF_THE_API = {"region_as_published", "notes"}
"""Registry columns the API does not carry, by choice (the declared region is given as
``region_code`` with its names; notes are the editors')."""


def test_the_api_and_the_exports_read_the_one_table():
    assert cc.columns_for(cc.API) == specs.CLUSTER_PROPERTIES
    assert cc.columns_for(cc.EXPORT) == tables.CLUSTER_COLUMNS
    shared = [c for c in cc.columns_for(cc.API) if c in set(cc.columns_for(cc.EXPORT))]
    assert shared == [c for c in cc.columns_for(cc.EXPORT) if c in set(cc.columns_for(cc.API))]
    names = [c.name for c in cc.CLUSTER_COLUMNS]
    assert len(names) == len(set(names))


def test_every_public_card_field_is_published_and_no_contact_is():
    exported, served = set(cc.columns_for(cc.EXPORT)), set(cc.columns_for(cc.API))
    assert set(REGISTRY_PUBLIC) - exported == set()
    assert set(REGISTRY_PUBLIC) - served == LEFT_OUT_OF_THE_API
    private = card.PRIVATE_FIELDS["clusters"]
    assert private <= set(importer.kind_columns("clusters"))  # the control: they exist
    assert not private & {c.name for c in cc.CLUSTER_COLUMNS}


def test_the_member_counts_are_published_with_their_basis():
    clusters = pd.DataFrame({"id": ["A"], "participants": [3.0], "intl_members": [1.0]})
    counted = members.apply_member_counts(clusters, None, None, 2026)
    added = set(counted.columns) - set(clusters.columns)
    assert added == {
        "participants_basis",
        "participants_reported",
        "participants_listed",
        "intl_members_reported",
        "intl_members_listed",
    }
    for output in (cc.API, cc.EXPORT):
        assert added | {"participants", "intl_members", "mne_count"} <= set(cc.columns_for(output))


def test_kinds_decide_not_reported_and_whole_numbers():
    assert "website" in cc.text_columns(cc.EXPORT)
    assert "participants_basis" in cc.text_columns(cc.EXPORT)
    assert "notes" not in cc.text_columns(cc.EXPORT)  # no note is no missing fact
    assert "id" not in cc.text_columns(cc.EXPORT)
    whole = cc.whole_number_columns()
    assert {"founded_year", "employees", "participants_listed", "mne_count"} <= set(whole)
    assert "revenue_bln_rub" not in whole
    assert set(whole) <= set(tables.WHOLE_NUMBERS) & set(specs.WHOLE_NUMBER_PROPERTIES)


def test_every_card_and_member_column_is_described_in_the_metadata():
    described = cc.column_descriptions(cc.EXPORT)
    assert set(cc.CARD_COLUMNS) | set(cc.MEMBER_COLUMNS) == set(described)
    assert list(described) == [c for c in cc.columns_for(cc.EXPORT) if c in described]
    for lang in ("en", "ru"):
        rows = dict(metadata._column_rows(lang))
        assert len(rows) == len(described) + 1
    russian = dict(metadata._column_rows("ru"))
    english = dict(metadata._column_rows("en"))
    assert english["column revenue_bln_rub"].startswith("Revenue")
    assert russian["column revenue_bln_rub"] != english["column revenue_bln_rub"]
    assert metadata.metadata_field("column revenue_bln_rub", "ru") == "столбец revenue_bln_rub"
