"""Member organisations and memberships: models, imports, the migration of MNE links
(before/after), the MNE links derived from memberships, and member counts."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from geo.analysis import indices, members as counts
from geo.base.paths import records_dir
from geo.data import records
from geo.registry import importer, members, sources, store
from geo.registry.importer import References
from tests.test_store import db, editor, parsed, refs, url  # noqa: F401 - shared fixtures

ORG_HEADER = (
    "org_id,name_en,name_ru,inn,foreign_id,org_type,size,foreign_owned,hq_country,industry,"
    "city,region_code,source_doc,source_ref,notes\n"
)
MEMBER_HEADER = (
    "membership_id,cluster_id,org_id,role,from_year,to_year,relation,presence,"
    "interplay_type,mne_link_id,source_doc,source_ref,notes\n"
)
#: Five organisations, two foreign (the loop of issue 16's "Done when").
ORGS = (
    "ORG-0101,Kazan Instruments,Казанские приборы,7707083893,,company,medium,no,,"
    ",Kazan,Республика Татарстан,registry,test,\n"
    "ORG-0102,Kazan University,Казанский университет,,,university,large,no,,,Kazan,RU-TA,"
    "registry,test,\n"
    "ORG-0103,Volga Bank,,,,financial,,no,,,Kazan,RU-TA,registry,test,\n"
    "ORG-0104,Siemens,,,HRB 6684,company,large,yes,Germany,,,,registry,test,\n"
    "ORG-0105,Haier Rus,,,,company,,с иностранным капиталом,Китай,,,,registry,test,\n"
)
MEMBERS = (
    "MEM-0101,PIC-01,ORG-0101,founder,2012,,,,,,registry,test,\n"
    "MEM-0102,PIC-01,ORG-0102,member,2013,,,,,,registry,test,\n"
    "MEM-0103,PIC-01,ORG-0103,partner,2014,2015,,,,,registry,test,\n"
    "MEM-0104,PIC-01,ORG-0104,anchor,2015,,,,,,registry,test,\n"
    "MEM-0105,PIC-01,ORG-0105,member,,,,,,,registry,test,\n"
)


# --------------------------------------------------------------------------- models


def _org(**changes: str) -> dict[str, str]:
    row = dict(zip(ORG_HEADER.strip().split(","), ORGS.splitlines()[0].split(","), strict=True))
    row["region_code"] = "RU-TA"
    return {**row, **changes}


def test_published_organisations_and_memberships_validate():
    orgs, members_ = records.load_organisations(), records.load_memberships()
    assert list(orgs["org_id"]) == [f"ORG-{i:04d}" for i in range(1, 9)]
    assert set(orgs["foreign_owned"]) == {"yes"} and set(orgs["org_type"]) == {"company"}
    assert orgs["hq_country"].isna().all()  # 003's text gives no HQ country: not invented
    assert set(members_["org_id"]) == set(orgs["org_id"])
    assert records.validate_file(records_dir() / "memberships.csv") == []


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"org_id": "X-1"}, "org_id", "ORG-NNNN"),
        ({"inn": "7707083894"}, "inn", "check digits"),
        ({"inn": "12345"}, "inn", "check digits"),
        ({"foreign_owned": "yes", "hq_country": "RU"}, "hq_country", "cannot be Russia"),
        ({"hq_country": "Atlantis"}, "hq_country", "ISO 3166-1"),
        ({"region_code": "RU-XX"}, "region_code", "ISO 3166-2"),
        ({"name_en": "", "name_ru": ""}, "name_ru", "needs a name"),
        ({"org_type": "guild"}, "org_type", "not in vocabulary"),
    ],
)
def test_organisation_model_refuses_bad_values(changes, column, words):
    vocabularies = References.load().vocabularies
    with pytest.raises(Exception) as caught:
        importer.RegistryOrganisation.model_validate(
            _org(**changes), context={"vocabularies": vocabularies}
        )
    errors = caught.value.errors()
    assert any(e["loc"][0] == column and words in records.error_message(e) for e in errors)


def test_membership_years_must_be_in_order_and_refer_to_known_records():
    row = dict(
        zip(MEMBER_HEADER.strip().split(","), MEMBERS.splitlines()[0].split(","), strict=True)
    )
    context = {"cluster_ids": {"PIC-01"}, "organisation_ids": {"ORG-0101"}}
    assert importer.RegistryMembership.model_validate(row, context=context).from_year == 2012
    bad = {**row, "from_year": "2015", "to_year": "2014", "org_id": "ORG-9999"}
    with pytest.raises(Exception) as caught:
        importer.RegistryMembership.model_validate(bad, context=context)
    found = {e["loc"][0]: records.error_message(e) for e in caught.value.errors()}
    assert "before from_year" in found["to_year"] and "organisations.csv" in found["org_id"]


# --------------------------------------------------------------------------- imports


def _import_members(db, refs, editor):  # noqa: F811 - fixtures
    result = db.import_file(editor, parsed("orgs.csv", ORG_HEADER + ORGS, "organisations", refs))
    assert result.ok, result.plan.issues
    result = db.import_file(
        editor, parsed("members.csv", MEMBER_HEADER + MEMBERS, "memberships", refs)
    )
    assert result.ok, result.plan.issues
    return result


def test_import_of_organisations_normalises_labels_regions_and_countries(db, refs, editor):  # noqa: F811
    _import_members(db, refs, editor)
    orgs = db.state()["organisations"]
    assert orgs["ORG-0101"].values["region_code"] == "RU-TA"  # a region's name → its code
    assert orgs["ORG-0105"].values["foreign_owned"] == "yes"  # by its Russian label
    assert orgs["ORG-0105"].values["hq_country"] == "China"  # the Russian name "Китай"
    assert db.head() == 3 and len(db.state()["memberships"]) == 8 + 5


def test_members_import_from_xlsx(db, refs, editor):  # noqa: F811
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (ORG_HEADER + ORGS).splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    parsed_file = importer.parse_bytes("orgs.xlsx", buffer.getvalue(), "organisations", refs)
    assert db.import_file(editor, parsed_file).ok
    assert importer.detect_kind("orgs.xlsx", buffer.getvalue(), refs) == "organisations"


def test_a_bad_member_file_changes_nothing_and_names_row_column_reason(db, refs, editor):  # noqa: F811
    before = db.state()
    text = MEMBER_HEADER + MEMBERS.replace("ORG-0105", "ORG-0999").replace("2014,2015", "2016,2015")
    result = db.import_file(editor, parsed("bad.csv", text, "memberships", refs))
    assert not result.ok and db.head() == 1 and db.state() == before
    found = {(i.row, i.column) for i in result.plan.issues}
    assert (4, "to_year") in found and (6, "org_id") in found  # org ids unknown: not imported


def test_an_organisation_or_cluster_with_members_cannot_be_removed(db, refs, editor):  # noqa: F811
    _import_members(db, refs, editor)
    for kind, key in (("organisations", "ORG-0104"), ("clusters", "PIC-01")):
        result = db.remove(editor, kind, [key])
        assert not result.ok and "membership(s) MEM-0" in result.plan.issues[0].message
    assert db.head() == 3


def test_validate_command_accepts_member_files(tmp_path, capsys):
    from geo.cli.commands import main

    path = tmp_path / "memberships.csv"
    published_orgs = MEMBERS
    for number in range(1, 6):  # the published organisations
        published_orgs = published_orgs.replace(f"ORG-010{number}", f"ORG-000{number}")
    path.write_text(MEMBER_HEADER + published_orgs, encoding="utf-8")
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    assert code == 0, out


# --------------------------------------------------------------------------- migration


def _old_store(url, refs, monkeypatch, kinds=("clusters", "mne_links", "regional_indicators")):  # noqa: F811
    """A store seeded as older code seeded it: ``kinds`` stored, MNE links as ``mne_links``
    rows (the code before member organisations: three kinds; the code before MNE links
    were a view of memberships: all five), not migrated (the constructor, not ``open``)."""
    monkeypatch.setattr(store, "_STORE_KINDS", kinds)
    monkeypatch.setattr(store, "VIEW_KINDS", ())
    old = store.Store(url, refs=refs)
    old.migrate()
    old.seed()
    monkeypatch.undo()
    return old


def _link_fields(entries) -> dict[str, tuple]:
    return {
        e.key: (dict(e.values), {c: m for c, m in e.markers.items() if m != ""}) for e in entries
    }


def _view(data) -> pd.DataFrame:
    return data.mne_links.reset_index(drop=True)


def test_migration_keeps_every_mne_link_field_by_field(url, refs, monkeypatch):  # noqa: F811
    old = _old_store(url, refs, monkeypatch)
    try:
        before = old.stored_state()
        shown_before = _view(sources.dataset_from_store(old, 1))
        assert "organisations" not in before or not before["organisations"]
        version = old.migrate_members()
        assert version == 2 and old.versions()[0].action == "migrate"
        after = old.stored_state()
        kept = {k: v for k, v in before.items() if v and k != "mne_links"}
        assert {k: after[k] for k in kept} == kept  # nothing else changed
        assert after["mne_links"] == {}  # retired: memberships are the one stored truth
        assert len(after["organisations"]) == len(after["memberships"]) == 8
        orgs = after["organisations"]
        recovered = _link_fields(  # every link recovered from memberships alone
            members.link_from_membership(m, orgs[m.values["org_id"]])
            for m in after["memberships"].values()
        )
        assert recovered == _link_fields(before["mne_links"].values())
        view = members.mne_link_entries(after)
        assert [e.key for e in view] == list(before["mne_links"])  # same links, same order
        assert _link_fields(view) == _link_fields(before["mne_links"].values())
        # nothing lost: version 1 still holds its rows, and both versions show the same links
        assert old.stored_state(1)["mne_links"] == before["mne_links"]
        pd.testing.assert_frame_equal(_view(sources.dataset_from_store(old, 2)), shown_before)
        pd.testing.assert_frame_equal(shown_before, records.load_mne_links())
        assert old.migrate_members() is None and old.head() == 2  # idempotent
    finally:
        old.dispose()


def test_opening_a_store_of_today_retires_its_link_rows(url, refs, monkeypatch):  # noqa: F811
    """A store seeded by the code before this change (five kinds: a link stored both as
    a row and as its membership) is migrated when it is opened: one version retiring the
    rows, adding nothing, showing the same links; opened again, nothing more."""
    old = _old_store(url, refs, monkeypatch, kinds=importer.IMPORT_KINDS)
    try:
        before = old.stored_state()
        assert len(before["mne_links"]) == len(before["memberships"]) == 8
        shown = _view(sources.dataset_from_store(old, 1))
    finally:
        old.dispose()
    opened = store.Store.open(url, refs=refs)
    try:
        assert opened.head() == 2 and opened.versions()[0].author == store.MIGRATION_AUTHOR
        changes = opened.changes(2)
        assert {(c.kind, c.change) for c in changes} == {("mne_links", "removed")}
        assert len(changes) == 8
        after = opened.stored_state()
        assert after["memberships"] == before["memberships"]
        assert after["organisations"] == before["organisations"]
        pd.testing.assert_frame_equal(_view(sources.dataset_from_store(opened, 2)), shown)
        assert opened.stored_state(1) == before  # the old version is kept as it was
    finally:
        opened.dispose()
    again = store.Store.open(url, refs=refs)
    try:
        assert again.head() == 2
    finally:
        again.dispose()


def test_a_new_store_stores_no_link_rows(db):  # noqa: F811
    assert db.head() == 1 and db.stored_state()["mne_links"] == {}
    assert db.state()["mne_links"] == db.links()
    assert [e.key for e in members.mne_link_entries(db.state())] == [
        f"MNE-{i:02d}" for i in range(1, 9)
    ]


def test_migration_of_a_store_gives_the_published_member_files(url, refs, monkeypatch):  # noqa: F811
    old = _old_store(url, refs, monkeypatch)
    try:
        old.migrate_members()
        for kind in ("organisations", "memberships"):
            published = (records_dir() / f"{kind}.csv").read_text(encoding="utf-8")
            assert old.export(kind) == published
        published = (records_dir() / "mne_links.csv").read_text(encoding="utf-8")
        assert old.export("mne_links") == published  # the view, exported as the file
    finally:
        old.dispose()


def test_published_links_are_the_view_of_the_published_memberships():
    """The published MNE links come from organisations.csv and memberships.csv alone:
    exactly mne_links.csv, row by row and field by field (values and missing markers)."""
    state = {
        "organisations": members.entries_of(records.load_organisations(), "org_id"),
        "memberships": members.entries_of(records.load_memberships(), "membership_id"),
    }
    view = members.mne_link_entries(state)
    shipped = members.entries_of(records.load_mne_links(), "link_id")
    assert [e.key for e in view] == list(shipped)
    assert _link_fields(view) == _link_fields(shipped.values())
    text = store.records_csv("mne_links", view)
    assert text == (records_dir() / "mne_links.csv").read_text(encoding="utf-8")
    data = sources.load_dataset()
    pd.testing.assert_frame_equal(_view(data), records.load_mne_links())


def test_the_app_reads_mne_links_derived_from_memberships(db, refs, editor):  # noqa: F811
    data = sources.dataset_from_store(db)
    expected = records.load_mne_links()
    pd.testing.assert_frame_equal(data.mne_links, expected, check_like=False)
    _import_members(db, refs, editor)
    links = sources.dataset_from_store(db).mne_links
    new = links[links["cluster_id"] == "PIC-01"].set_index("link_id")
    assert list(new.index) == ["MEM-0104", "MEM-0105"]  # the two foreign-owned members
    assert new.loc["MEM-0104", "relation"] == "anchor member"
    assert new.loc["MEM-0104", "hq_country"] == "Germany"


# --------------------------------------------------------------------------- counts


def test_counts_come_from_listed_members_and_say_so(db, refs, editor):  # noqa: F811
    _import_members(db, refs, editor)
    data = sources.dataset_from_store(db)
    clusters = data.clusters.set_index("id")
    pic01 = clusters.loc["PIC-01"]
    # 2026: MEM-0103 ended in 2015, so four current members, two of them foreign-owned
    assert (pic01["participants"], pic01["intl_members"]) == (4, 2)
    assert pic01["participants_basis"] == "members listed"
    assert pic01["intl_members_reported"] != 2 or pd.isna(pic01["intl_members_reported"])
    pic20 = clusters.loc["PIC-20"]  # only 003's MNEs: not a member list
    assert pic20["participants_basis"] == "as reported"
    assert pic20["intl_members"] == 0 and pic20["intl_members_listed"] == 5  # Ford left
    assert data.mne_links.groupby("cluster_id").size()["PIC-01"] == 2


def test_the_indices_read_the_counted_members(db, refs, editor):  # noqa: F811
    before = sources.dataset_from_store(db).clusters.set_index("id")
    _import_members(db, refs, editor)
    after = sources.dataset_from_store(db).clusters.set_index("id")
    assert before.loc["PIC-01", "intl_members"] != after.loc["PIC-01", "intl_members"] == 2
    recomputed = indices.cluster_index(after.reset_index()).frame.set_index("id")
    assert recomputed.loc["PIC-01", "intl_members"] == 2  # the index read the counted members
    assert after.loc["PIC-01", "cluster_index"] == pytest.approx(recomputed.loc["PIC-01", "index"])
    # the published index is as published: the difference shows, nothing is adjusted
    assert after.loc["PIC-01", "index_published"] == before.loc["PIC-01", "index_published"]


def test_composition_by_type_and_foreign_members_by_country():
    orgs = pd.DataFrame(
        {
            "org_id": ["A", "B", "C"],
            "org_type": ["company", "company", None],
            "foreign_owned": ["yes", "no", "yes"],
            "hq_country": ["Germany", None, None],
        }
    )
    memberships = pd.DataFrame(
        {
            "membership_id": ["1", "2", "3"],
            "cluster_id": ["X", "X", "X"],
            "org_id": ["A", "B", "C"],
            "from_year": [None, None, None],
            "to_year": [None, None, None],
            "presence": [None, None, None],
        }
    )
    kinds = counts.composition("X", orgs, memberships, 2026)
    assert kinds.values.tolist() == [["company", 2], [None, 1]]
    foreign = counts.foreign_by_country("X", orgs, memberships, 2026)
    assert sorted(foreign.values.tolist(), key=str) == [["Germany", 1], [None, 1]]


# --------------------------------------------------------------------------- the card


def _card(cluster_id: str, lang: str):
    from tests.test_app_pages import open_page

    return open_page("cluster", {"id": cluster_id, "lang": lang})


def test_the_card_shows_the_composition_in_both_languages():
    at = _card("PIC-20", "en")
    assert any(h.value == "Member organisations" for h in at.header)
    caption = next(c.value for c in at.caption if c.value.startswith("Participants:"))
    assert "international members: 0 (as reported" in caption  # 002 reports 0: kept
    subheaders = [s.value for s in at.subheader]
    assert "Members by type of organisation" in subheaders
    assert "Foreign members by headquarters country" in subheaders
    numbers = [d.value for d in at.dataframe if "Type of organisation" in d.value.columns]
    assert numbers[0].values.tolist() == [["company", 5]]  # Ford left: five current
    at = _card("PIC-20", "ru")
    assert any(h.value == "Организации-участники" for h in at.header)
    numbers = [d.value for d in at.dataframe if "Тип организации" in d.value.columns]
    assert numbers[0].values.tolist() == [["компания", 5]]


def test_a_card_without_members_says_so():
    at = _card("PIC-01", "en")
    assert any("No member organisations are listed" in i.value for i in at.info)


def test_a_submission_of_several_kinds_is_one_plan(db, refs):  # noqa: F811
    """What moderation applies: organisations and memberships naming them, in one plan."""
    files = [
        parsed("members.csv", MEMBER_HEADER + MEMBERS, "memberships", refs),
        parsed("orgs.csv", ORG_HEADER + ORGS, "organisations", refs),
    ]
    plan = importer.plan_kinds(files, db.state(), refs)
    assert plan.ok, plan.issues
    assert plan.counts()["added"] == 10 and plan.kind == "all"
    assert [c.kind for c in plan.changes] == ["organisations"] * 5 + ["memberships"] * 5
    bad = [
        files[0],
        parsed("orgs.csv", ORG_HEADER + ORGS.replace("7707083893", "1"), "organisations", refs),
    ]
    plan = importer.plan_kinds(bad, db.state(), refs)
    # the organisation with a bad INN is refused, so its membership names no organisation
    assert [(i.file, i.row, i.column) for i in plan.issues] == [
        ("orgs.csv", 2, "inn"),
        ("members.csv", 2, "org_id"),
    ]


def test_migration_of_a_store_built_by_older_code(refs, tmp_path):  # noqa: F811
    """tests/data/store_0001 (schema 0001, seeded, imported, edited, a link registered and
    removed, restored, by the code before accounts): upgraded, then its links migrated."""
    import shutil

    from tests.test_accounts import OLD_STORE

    copy = tmp_path / "old.db"
    shutil.copyfile(OLD_STORE / "store.db", copy)
    old = store.Store(f"sqlite:///{copy}", refs=refs)
    old.migrate()  # the schema only: Store.open would also migrate the links
    try:
        head, before = old.head(), old.stored_state()
        versions = [(v.id, v.created_at, v.summary) for v in old.versions()]
        shown = {v: _view(sources.dataset_from_store(old, v)) for v in range(1, head + 1)}
        assert before["mne_links"] and not before["memberships"]
        assert old.migrate_members() == head + 1
        after = old.stored_state()
        assert after["mne_links"] == {}
        orgs = after["organisations"]
        recovered = _link_fields(
            members.link_from_membership(m, orgs[m.values["org_id"]])
            for m in after["memberships"].values()
        )
        assert recovered == _link_fields(before["mne_links"].values())
        assert len(old.versions()) == head + 1 and old.migrate_members() is None
        # every version kept, each showing the links it showed before the migration
        assert [(v.id, v.created_at, v.summary) for v in old.versions()[1:]] == versions
        for version, frame in shown.items():
            pd.testing.assert_frame_equal(_view(sources.dataset_from_store(old, version)), frame)
        pd.testing.assert_frame_equal(_view(sources.dataset_from_store(old)), shown[head])
    finally:
        old.dispose()


# --------------------------------------------------------------------------- writing MNE links

LINK_HEADER = (
    "link_id,mne_name,hq_country,industry,cluster_id,relation,presence,interplay_type,"
    "source_doc,source_ref,notes\n"
)


def _no_dangling(db) -> None:  # noqa: F811
    state = db.stored_state()
    assert state["mne_links"] == {}  # the one stored truth: memberships
    for membership in state["memberships"].values():
        assert membership.values["org_id"] in state["organisations"]
        assert membership.values["cluster_id"] in state["clusters"]


def test_an_mne_link_file_writes_memberships_and_organisations(db, refs, editor):  # noqa: F811
    text = LINK_HEADER + (
        "MNE-09,Siemens,Германия,,PIC-01,member,present,,registry,file,\n"
        "MNE-01,Berlin-Chemie Menarini,,,PIC-10,co-founder,left,MNEs as founders,003,x,\n"
    )
    plan = db.preview(parsed("links.csv", text, "mne_links", refs))
    assert plan.ok, plan.issues
    result = db.import_file(editor, parsed("links.csv", text, "mne_links", refs))
    assert result.ok and result.version == 2
    assert {(c.kind, c.change) for c in db.changes(2)} == {
        ("organisations", "added"),
        ("memberships", "added"),
        ("memberships", "changed"),
    }
    state = db.stored_state()
    new = state["memberships"]["MEM-0009"]
    assert (new.values["mne_link_id"], new.values["role"], new.values["org_id"]) == (
        "MNE-09", "member", "ORG-0009",
    )  # fmt: skip
    org = state["organisations"]["ORG-0009"].values
    assert (org["name_en"], org["hq_country"], org["foreign_owned"]) == (
        "Siemens",
        "Germany",
        "yes",
    )
    assert state["memberships"]["MEM-0001"].values["presence"] == "left"
    links = db.links()
    assert links["MNE-09"].values["cluster_id"] == "PIC-01"
    assert links["MNE-01"].values["presence"] == "left"
    assert links["MNE-01"].values["source_ref"] == "x"
    clusters = sources.dataset_from_store(db).clusters.set_index("id")
    assert clusters.at["PIC-01", "mne_count"] == 1
    _no_dangling(db)
    # the view exported imports back unchanged
    again = db.preview(parsed("links.csv", db.export("mne_links"), "mne_links", refs))
    assert again.ok and again.changes == () and again.unchanged == 9


def test_a_bad_mne_link_file_names_its_row_and_column_and_writes_nothing(db, refs, editor):  # noqa: F811
    text = LINK_HEADER + (
        "MNE-09,Siemens,Germany,,PIC-01,member,present,,registry,file,\n"
        "MNE-10,Bosch,Germany,,PIC-99,member,present,,registry,file,\n"
    )
    before = db.stored_state()
    result = db.import_file(editor, parsed("links.csv", text, "mne_links", refs))
    assert not result.ok and result.version is None
    assert [(i.file, i.row, i.column) for i in result.plan.issues] == [
        ("links.csv", 3, "cluster_id")
    ]
    assert db.head() == 1 and db.stored_state() == before


def test_editing_the_membership_is_editing_the_link(db, editor):  # noqa: F811
    """The membership made from MNE-03 is the link: setting it left shows on the MNE
    view, the map's counts and the API (one truth)."""
    result = db.save_record(
        editor, "memberships", {"membership_id": "MEM-0003", "to_year": "2022", "presence": "left"}
    )
    assert result.ok, result.plan.issues
    assert db.links()["MNE-03"].values["presence"] == "left"
    assert db.links(1)["MNE-03"].values["presence"] == "present"  # as of version 1
    data = sources.dataset_from_store(db)
    assert data.mne_links.set_index("link_id").at["MNE-03", "presence"] == "left"


def test_the_link_form_changes_the_membership_or_its_organisation(db, editor):  # noqa: F811
    # a relation changed: the membership's relation and role
    assert db.save_record(editor, "mne_links", {"link_id": "MNE-03", "relation": "member"}).ok
    membership = db.stored_state()["memberships"]["MEM-0003"].values
    assert (membership["relation"], membership["role"]) == ("member", "member")
    # a name changed, the organisation naming no one else: changed in place
    assert db.save_record(editor, "mne_links", {"link_id": "MNE-03", "industry": "Pharma"}).ok
    state = db.stored_state()
    assert state["memberships"]["MEM-0003"].values["org_id"] == "ORG-0003"
    assert state["organisations"]["ORG-0003"].values["industry"] == "Pharma"
    # the name of another stored company: that organisation, the old one kept
    assert db.save_record(editor, "mne_links", {"link_id": "MNE-01", "mne_name": "Stada"}).ok
    state = db.stored_state()
    assert state["memberships"]["MEM-0001"].values["org_id"] == "ORG-0002"
    assert "ORG-0001" in state["organisations"]
    assert db.links()["MNE-01"].values["mne_name"] == "Stada"
    _no_dangling(db)


def test_removing_a_link_removes_its_membership_not_its_organisation(db, editor):  # noqa: F811
    result = db.remove(editor, "mne_links", ["MNE-03"])
    assert result.ok and result.version == 2
    assert [(c.kind, c.key, c.change) for c in db.changes(2)] == [
        ("memberships", "MEM-0003", "removed")
    ]
    assert "MNE-03" not in db.links() and "MNE-03" in db.links(1)
    assert "ORG-0003" in db.stored_state()["organisations"]
    _no_dangling(db)
    refused = db.remove(editor, "mne_links", ["MNE-03"])  # already gone: said, nothing written
    assert not refused.ok and db.head() == 2


def test_a_new_link_is_numbered_after_every_link_ever_held(db, editor):  # noqa: F811
    assert db.next_id("mne_links") == "MNE-09"
    assert db.remove(editor, "mne_links", ["MNE-08"]).ok
    link = {"mne_name": "Bosch", "cluster_id": "PIC-01", "source_doc": "registry",
            "source_ref": "form"}  # fmt: skip
    result = db.register_mne_link(editor, link)
    assert result.ok and "MNE-09" in db.links()
    assert db.version(3).summary.startswith("registration of mne_links MNE-09")
    assert db.next_id("mne_links") == "MNE-10"


def test_the_migrate_members_command_says_what_it_did(tmp_path, refs, monkeypatch, capsys):  # noqa: F811
    from geo.cli.commands import main

    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_store(old_url, refs, monkeypatch).dispose()
    monkeypatch.setenv(store.ENV_DATABASE_URL, old_url)
    assert main(["store", "migrate-members"]) == 0
    assert capsys.readouterr().out.startswith("version 2: 16 ")  # 8 organisations, 8 memberships
    assert main(["store", "migrate-members"]) == 0
    assert "nothing to migrate" in capsys.readouterr().out


# --------------------------------------------------------------------------- export → import

#: A registered cluster that reports 120 participants, 7 of them international, and lists
#: two members (one foreign-owned); PIC-01 (as published: participants not reported,
#: 0 international members) lists the five of MEMBERS.
REPORTING_CLUSTER = (
    "id,name_en,region_as_published,participants,intl_members,source_doc,source_ref\n"
    "CL-0100,Kazan test cluster,RU-TA,120,7,registry,test file\n"
)
REPORTING_MEMBERS = (
    "MEM-0106,CL-0100,ORG-0101,member,,,,,,,registry,test,\n"
    "MEM-0107,CL-0100,ORG-0104,member,,,,,,,registry,test,\n"
)


def _store_listing_members(db, refs, editor):  # noqa: F811 - fixtures
    """The store of the round trip: CL-0100 and PIC-01 list members and report other counts."""
    assert db.import_file(editor, parsed("new.csv", REPORTING_CLUSTER, "clusters", refs)).ok
    _import_members(db, refs, editor)
    more = parsed("more.csv", MEMBER_HEADER + REPORTING_MEMBERS, "memberships", refs)
    assert db.import_file(editor, more).ok
    shown = sources.dataset_from_store(db).clusters.set_index("id")
    for key, counted, reported in (("CL-0100", (2, 1), (120, 7)), ("PIC-01", (4, 2), (None, 0))):
        row = shown.loc[key]
        assert row["participants_basis"] == "members listed"
        assert (row["participants"], row["intl_members"]) == counted  # what the export shows
        as_reported = (row["participants_reported"], row["intl_members_reported"])
        assert [None if pd.isna(v) else v for v in as_reported] == list(reported)


def _card_counts(db) -> dict[str, tuple]:  # noqa: F811 - fixtures
    """Each stored cluster's reported counts and their markers."""
    return {
        key: tuple(e.values[c] for c in ("participants", "intl_members"))
        + tuple(e.markers.get(c) for c in ("participants", "intl_members"))
        for key, e in db.state()["clusters"].items()
    }


def _clusters_export(db, fmt: str, lang: str = "en") -> tuple[str, bytes]:  # noqa: F811
    """The clusters table of the map's export of the whole registry (as `clustermap export`),
    made in ``lang`` (a Russian workbook's sheets and headers are Russian)."""
    import zipfile

    from geo.render import views
    from geo.render.exports import formats

    view = views.View(lang=lang)
    _, payload, _ = formats.export_view(sources.dataset_from_store(db), view, fmt)
    if fmt == "xlsx":
        return "clusters.xlsx", payload
    return "clusters.csv", zipfile.ZipFile(io.BytesIO(payload)).read("clusters.csv")


def _fresh_store(url, refs, tmp_path) -> store.Store:  # noqa: F811 - fixtures
    """A new store, seeded from the published data (PostgreSQL: the test database emptied)."""
    from tests.test_store import _empty_postgres

    if url.startswith("sqlite"):
        return store.Store.open(f"sqlite:///{tmp_path / 'fresh.db'}", refs=refs)
    _empty_postgres(url)
    return store.Store.open(url, refs=refs)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_back_keeps_the_reported_member_counts(
    db,  # noqa: F811 - fixtures
    url,  # noqa: F811
    refs,  # noqa: F811
    editor,  # noqa: F811
    tmp_path,
    fmt,
    lang,
):
    _store_listing_members(db, refs, editor)
    original, head = _card_counts(db), db.head()
    name, payload = _clusters_export(db, fmt, lang)
    # the same export into the same store changes nothing
    result = db.import_file(editor, importer.parse_bytes(name, payload, "clusters", refs))
    assert result.ok, result.plan.issues
    assert result.plan.changes == () and result.plan.unchanged == 31
    assert db.head() == head and _card_counts(db) == original
    registered = db.state()["clusters"]["CL-0100"]
    db.dispose()
    # into a fresh store (the published data): the card's numbers, not the listed counts
    fresh = _fresh_store(url, refs, tmp_path)
    try:
        before = _card_counts(fresh)
        result = fresh.import_file(editor, importer.parse_bytes(name, payload, "clusters", refs))
        assert result.ok, result.plan.issues
        assert [(c.key, c.change) for c in result.plan.changes] == [("CL-0100", "added")]
        assert _card_counts(fresh) == original
        # the same values (a missing cell's marker is the export's "not reported")
        assert fresh.state()["clusters"]["CL-0100"].values == registered.values
        published = (None, 0.0, "not reported", None)
        assert _card_counts(fresh)["PIC-01"] == before["PIC-01"] == published
        assert _card_counts(fresh)["CL-0100"][:2] == (120.0, 7.0)
    finally:
        fresh.dispose()


def test_a_russian_workbook_imports_back_unchanged(db, refs, editor):  # noqa: F811
    """Every sheet of the map's Russian XLSX export (translated sheet names and headers)
    previews as no change; its clusters sheet imported adds no version."""
    from geo.render import views
    from geo.render.exports import formats

    _store_listing_members(db, refs, editor)
    view = views.View(lang="ru")
    _, payload, _ = formats.export_view(sources.dataset_from_store(db), view, "xlsx")
    for kind in ("clusters", "mne_links", "regional_indicators"):
        plan = db.preview(importer.parse_bytes("экспорт.xlsx", payload, kind, refs))
        assert plan.ok, plan.issues
        stored = db.links() if kind == "mne_links" else db.state()[kind]
        assert plan.changes == () and plan.unchanged == len(stored) > 0


def test_the_command_lines_cluster_listing_imports_back_with_the_card_counts(
    db,  # noqa: F811 - fixtures
    url,  # noqa: F811
    refs,  # noqa: F811
    editor,  # noqa: F811
    monkeypatch,
    capsys,
):
    """`clustermap clusters --format csv` gives the basis and the card's numbers beside
    the listed counts, as the app's export does: imported back it changes nothing (it
    used to store CL-0100's 2 listed participants over the 120 it reports)."""
    from geo.cli.commands import main

    _store_listing_members(db, refs, editor)
    original, head = _card_counts(db), db.head()
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    assert main(["clusters", "--format", "csv"]) == 0
    listing = capsys.readouterr().out
    row = pd.read_csv(io.StringIO(listing), dtype=str).set_index("id").loc["CL-0100"]
    assert (float(row["participants"]), row["participants_basis"]) == (2, "members listed")
    assert float(row["participants_reported"]) == 120
    result = db.import_file(editor, parsed("clusters.csv", listing, "clusters", refs))
    assert result.ok, result.plan.issues
    assert result.plan.changes == () and result.plan.unchanged == 31
    assert db.head() == head and _card_counts(db) == original


def test_an_older_export_without_the_basis_is_read_as_before(db, refs, editor):  # noqa: F811
    """An export written before the basis columns existed gives participants as its only
    number: it is stored, as it always was."""
    _store_listing_members(db, refs, editor)
    frame = pd.read_csv(io.BytesIO(_clusters_export(db, "csv")[1]), dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")  # fmt: skip
    newer = [c for c in frame if c.startswith(("participants_", "intl_members_"))]
    older = frame.drop(columns=newer)
    plan = db.preview(parsed("clusters.csv", older.to_csv(index=False), "clusters", refs))
    assert plan.ok, plan.issues
    changed = {c.key: c.cells() for c in plan.changes}
    assert changed == {
        "CL-0100": [("participants", 120.0, 2.0), ("intl_members", 7.0, 1.0)],
        "PIC-01": [("participants", "not reported", 4.0), ("intl_members", 0.0, 2.0)],
    }


def test_an_export_with_an_unknown_basis_changes_nothing(db, refs, editor):  # noqa: F811
    _store_listing_members(db, refs, editor)
    before, head = db.state(), db.head()
    text = _clusters_export(db, "csv")[1].decode("utf-8-sig")
    bad = text.replace(",members listed,", ",members counted,", 1)
    assert bad != text
    result = db.import_file(editor, parsed("clusters.csv", bad, "clusters", refs))
    assert not result.ok
    (issue,) = result.plan.issues
    row = 1 + text.splitlines().index(next(r for r in text.splitlines() if "members listed" in r))
    assert (issue.file, issue.row, issue.column) == ("clusters.csv", row, "participants_basis")
    assert "'members counted'" in issue.message
    assert db.head() == head and db.state() == before
