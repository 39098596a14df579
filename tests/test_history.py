"""geo.registry.history and the store's reads behind it (``Store.version_at``,
``Store.cluster_rows``): changes between two versions, a cluster's timeline, and a
dataset "as of" a past version, whose exports say that version (issue 17).

Store tests run against SQLite and, when ``CLUSTERMAP_TEST_POSTGRES_URL`` is set, against
PostgreSQL (the fixtures of ``test_store``). Version times are set in the database after
the writes, so no test sleeps.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from geo.data import records
from geo.registry import history, sources, store
from geo.registry.importer import Change, Entry
from geo.render import views
from geo.render.exports import formats
from tests.test_store import db, editor, refs, url  # noqa: F401 - fixtures

DAY1, DAY2, DAY3, DAY4 = (
    datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
    datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
)
EVIL = '=HYPERLINK("http://example.invalid","x")'


def set_times(opened: store.Store, times: dict[int, datetime]) -> None:
    """Stamp versions with chosen times (what the store writes is now())."""
    with opened.engine.begin() as conn:
        for version, moment in times.items():
            conn.execute(
                store._versions.update()
                .where(store._versions.c.id == version)
                .values(created_at=moment)
            )


@pytest.fixture
def lived(db, editor):  # noqa: F811 - the fixtures imported above
    """A store with a history: v2 edits PIC-10 and moves MNE-01 to PIC-11, v3 ends MNE-02
    and registers a cluster with a formula for a name, v4 removes PIC-03."""
    r = db.save_record(
        editor, "clusters", {"id": "PIC-10", "participants": "77", "status": "leading"}
    )
    assert r.version == 2
    assert (
        db.save_record(editor, "mne_links", {"link_id": "MNE-01", "cluster_id": "PIC-11"}).version
        == 3
    )
    assert db.remove(editor, "mne_links", ["MNE-02"]).version == 4
    new = db.register_cluster(
        editor,
        {"name_en": EVIL, "city": "Kazan", "region_as_published": "Republic of Tatarstan",
         "industry_group": "Nuclear industries", "source_doc": "registry", "source_ref": "t"},
    )  # fmt: skip
    assert new.version == 5
    assert db.remove(editor, "clusters", ["PIC-03"]).version == 6
    set_times(
        db,
        {1: DAY1, 2: DAY2, 3: DAY2 + timedelta(hours=1), 4: DAY3, 5: DAY3, 6: DAY4},
    )
    return db


# --------------------------------------------------------------------------- the store's reads


def test_the_stores_version_at_reads_the_dates_the_url_names(lived):
    from geo.render import urlstate

    at = lived.version_at
    for day, expected in (
        ("2026-01-10", 1),
        ("2026-03-01", 3),
        ("2026-03-05", 5),
        ("2027-01-01", 6),
    ):
        assert at(urlstate.parse_moment(day)).id == expected, day
    with pytest.raises(KeyError, match="first version"):
        at(urlstate.parse_moment("2026-01-09"))


def test_cluster_rows_hold_the_cluster_and_every_link_that_named_it(lived):
    stored = lived.cluster_rows("PIC-10")
    assert {(r.kind, r.key) for r in stored} == {  # links are memberships
        ("clusters", "PIC-10"),
        ("memberships", "MEM-0001"),
        ("memberships", "MEM-0002"),
        ("organisations", "ORG-0001"),
        ("organisations", "ORG-0002"),
    }
    rows = history.link_rows(stored)
    assert {(r.kind, r.key) for r in rows} == {
        ("clusters", "PIC-10"),
        ("mne_links", "MNE-01"),
        ("mne_links", "MNE-02"),
    }
    assert [(r.valid_from, r.valid_to) for r in rows if r.key == "MNE-02"] == [(1, 4)]
    assert [r.valid_from for r in rows] == sorted(r.valid_from for r in rows)
    moved = [r for r in rows if r.key == "MNE-01"]
    assert [(r.valid_from, r.valid_to, r.entry.values["cluster_id"]) for r in moved] == [
        (1, 3, "PIC-10"),
        (3, None, "PIC-11"),
    ]
    assert lived.cluster_rows("NO-SUCH") == []


# --------------------------------------------------------------------------- between versions


def entry(key: str, **values) -> Entry:
    return Entry(key, {"id": key, **values}, {})


def test_diff_states_finds_added_changed_and_removed_records():
    before = {"clusters": {"A": entry("A", name_en="a"), "B": entry("B", name_en="b")}}
    after = {
        "clusters": {"B": entry("B", name_en="b2"), "C": entry("C", name_en="c")},
        "mne_links": {},
    }
    changes = history.diff_states(before, after)
    assert [(c.kind, c.key, c.change) for c in changes] == [
        ("clusters", "B", "changed"),
        ("clusters", "C", "added"),
        ("clusters", "A", "removed"),
    ]
    assert history.diff_states(after, after) == ()
    # A marker alone is a change (not reported → n/a).
    marked = {"clusters": {"B": Entry("B", {"id": "B", "city": None}, {"city": "n/a"})}}
    plain = {"clusters": {"B": Entry("B", {"id": "B", "city": None}, {"city": "not reported"})}}
    [change] = history.diff_states(plain, marked)
    assert change.cells() == [("city", "not reported", "n/a")]


def test_changes_between_two_versions_by_kind_and_field(lived):
    span = history.changes_between(lived, 1, 6)
    assert (span.old.id, span.new.id) == (1, 6)
    counts = history.counts(span.changes)
    assert counts[("clusters", "added")] == 1
    assert counts[("clusters", "removed")] == 1
    assert counts[("clusters", "changed")] == 1
    assert counts[("mne_links", "removed")] == 1  # ended
    assert counts[("mne_links", "changed")] == 1
    assert counts[("regional_indicators", "changed")] == 0
    changed = history.section_table(span.changes, "clusters", "changed")
    assert changed[["key", "field", "before", "after"]].values.tolist() == [
        ["PIC-10", "status", "pilot innovative", "leading"],
        ["PIC-10", "participants", "not reported", "77"],
    ]
    removed = history.section_table(span.changes, "clusters", "removed")
    assert removed["key"].tolist() == ["PIC-03"] and removed["name"].iloc[0]
    ended = history.section_table(span.changes, "mne_links", "removed")
    assert ended.values.tolist() == [["MNE-02", "Stada → PIC-10"]]
    # The net difference: a record changed twice and back is no change.
    assert history.changes_between(lived, 3, 3).changes == ()
    backwards = history.changes_between(lived, 6, 1)
    assert history.counts(backwards.changes)[("clusters", "added")] == 1  # PIC-03 again


def test_changes_in_russian_translate_change_names_and_markers(lived):
    span = history.changes_between(lived, 1, 2)
    table = history.changes_table(span.changes, "ru")
    assert set(table["change"]) == {"изменена"}
    assert "нет данных" in set(table["before"])
    assert "not reported" not in set(table["before"])
    # Field names and vocabulary values read in Russian too.
    vocab = records.vocabulary_labels()
    shown = history.changes_table(span.changes, "ru", vocab)
    status = shown[shown["field"] == "Статус"]
    assert status[["before", "after"]].values.tolist() == [
        [vocab.term("status", "pilot innovative", "ru"), vocab.term("status", "leading", "ru")]
    ]
    assert vocab.term("status", "leading", "ru") != "leading"  # a Russian label exists
    assert set(shown["field"]) == {"Статус", "Участники"}


def test_changes_csv_is_formula_safe_and_names_both_versions(lived):
    span = history.changes_between(lived, 4, 5)
    raw = history.changes_csv(span)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and all(r["from_version"] == "4" and r["to_version"] == "5" for r in rows)
    [added] = [r for r in rows if r["change"] == "added"]
    assert added["kind"] == "clusters" and added["name"] == "'" + EVIL
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


# --------------------------------------------------------------------------- one cluster's life


def test_record_events_read_additions_changes_and_removals():
    a1, a2 = entry("A", name_en="a"), entry("A", name_en="a2")
    rows = [
        store.RecordRow("clusters", "A", 1, 3, a1),
        store.RecordRow("clusters", "A", 3, 5, a2),  # changed at 3, removed at 5
        store.RecordRow("clusters", "A", 7, None, a2),  # restored at 7: added again
    ]
    events = [(v, c.change) for v, c in history.record_events(rows)]
    assert events == [(1, "added"), (3, "changed"), (5, "removed"), (7, "added")]


def test_cluster_timeline_lists_every_version_that_touched_the_cluster(lived):
    frame = history.cluster_timeline(lived, "PIC-10")
    assert list(frame.columns) == list(history.TIMELINE_COLUMNS)
    assert frame["version"].tolist() == sorted(frame["version"], reverse=True)
    assert set(frame["version"]) == {1, 2, 3, 4}  # not 5 or 6: another cluster
    edit = frame[frame["version"] == 2]
    assert edit[["author", "action", "record", "change"]].drop_duplicates().values.tolist() == [
        ["alice", "edit", "cluster", "changed"]
    ]
    assert edit[["field", "before", "after"]].values.tolist() == [
        ["Status", "pilot innovative", "leading"],
        ["Participants", "not reported", "77"],
    ]
    moved = frame[frame["version"] == 3]
    assert moved[["record", "field", "before", "after"]].values.tolist() == [
        ["MNE link MNE-01 (Berlin-Chemie Menarini)", "Cluster ID", "PIC-10", "PIC-11"]
    ]
    ended = frame[frame["version"] == 4]
    assert ended[["record", "change"]].values.tolist() == [["MNE link MNE-02 (Stada)", "removed"]]
    assert frame[frame["version"] == 2]["created_at"].iloc[0] == "2026-03-01 09:00 UTC"
    # The link now in PIC-11 shows there from its move on.
    other = history.cluster_timeline(lived, "PIC-11")
    assert 3 in set(other["version"])


def test_a_removed_cluster_timeline_ends_with_its_removal_in_russian(lived):
    frame = history.cluster_timeline(lived, "PIC-03", "ru")
    assert frame.iloc[0][["version", "action", "change"]].tolist() == [6, "удаление", "удалена"]
    assert frame.iloc[-1][["version", "record", "change"]].tolist() == [1, "кластер", "добавлена"]
    assert history.cluster_timeline(lived, "NO-SUCH").empty


def test_a_membership_edit_shows_as_its_link_in_the_timeline(db, editor):  # noqa: F811
    """MNE links are memberships: setting MEM-0003 (MNE-03, PIC-20) left is an MNE link
    change in the cluster's timeline and in the Changes page, and not before its version."""
    changed = {"membership_id": "MEM-0003", "to_year": "2022", "presence": "left"}
    assert db.save_record(editor, "memberships", changed).version == 2
    frame = history.cluster_timeline(db, "PIC-20")
    edit = frame[frame["version"] == 2]
    assert edit[["record", "field", "before", "after"]].values.tolist() == [
        ["MNE link MNE-03 (Daimler)", "Presence", "present", "left"]
    ]
    span = history.changes_between(db, 1, 2)
    counts = history.counts(span.changes)
    assert counts[("mne_links", "changed")] == 1 and counts[("memberships", "changed")] == 1
    assert db.links(1)["MNE-03"].values["presence"] == "present"  # as of version 1


def test_the_migration_of_an_old_store_is_no_link_change(url, refs, monkeypatch):  # noqa: F811
    """A store whose links were ``mne_links`` rows: after Store.open migrated them, the
    timeline and the Changes page show no link change at the migration, and version 1
    still shows the links."""
    from tests.test_members import _old_store

    _old_store(url, refs, monkeypatch).dispose()
    opened = store.Store.open(url, refs=refs)
    try:
        assert opened.head() == 2 and opened.version(2).action == "migrate"
        frame = history.cluster_timeline(opened, "PIC-10")
        assert set(frame["version"]) == {1}
        counts = history.counts(history.changes_between(opened, 1, 2).changes)
        assert not any(n for (kind, _), n in counts.items() if kind == "mne_links")
        assert counts[("memberships", "added")] == 8
        assert list(opened.links(1)) == list(opened.links(2))
    finally:
        opened.dispose()


# --------------------------------------------------------------------------- a dataset as of


def test_a_past_version_dataset_and_its_exports_say_that_version(lived):
    old = sources.dataset_from_store(lived, 1)
    new = sources.dataset_from_store(lived)
    assert old.version.startswith("registry v1 (2026-01-10T09:00:00")
    assert new.version.startswith("registry v6 (2026-04-01T08:00:00")
    assert "PIC-03" in set(old.clusters["id"]) and "PIC-03" not in set(new.clusters["id"])
    assert len(new.clusters) == len(old.clusters)  # one registered, one removed
    rv = views.resolve_view(old, views.View())
    assert rv.dataset_version == old.version
    _name, body, _mime = formats.export_view(old, views.View(), "geojson")
    assert json.loads(body)["metadata"]["dataset version"].startswith("registry v1 (")


def test_changes_between_refuses_a_version_the_store_lacks(lived):
    with pytest.raises(KeyError, match="no version 9"):
        history.changes_between(lived, 1, 9)


def test_a_change_of_another_kind_is_not_in_a_cluster_timeline():
    link = Change("mne_links", "L", "changed", Entry("L", {"cluster_id": "X"}), None)
    assert not history._names_cluster(link, "Y") and history._names_cluster(link, "X")
