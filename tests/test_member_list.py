"""The member list of a submission's form (geo/registry/member_list.py): typed rows to a
submission's organisations and memberships with placeholders, back to rows for a form sent
back, the form's row numbers in problems, and the whole through Submissions (SQLite)."""

from __future__ import annotations

import pytest

from geo.registry import member_list, store
from geo.registry.importer import References
from geo.registry.submissions import NEW_CLUSTER, REMOVED, Submissions
from tests.test_accounts import FAST, PW

ROWS = [
    {"name_en": "Kazan Optics", "org_type": "company", "foreign_owned": "no", "role": "founder",
     "inn": "7707083893", "from_year": 2019},
    {},  # a blank row: skipped
    {"name_en": "Jenoptik Rus", "org_type": "company", "foreign_owned": "yes",
     "hq_country": "Germany", "role": "member"},
    {"name_ru": "Казанский университет", "org_type": "university", "foreign_owned": "no",
     "role": "partner", "from_year": "2020", "to_year": None},
]  # fmt: skip


@pytest.fixture
def db(tmp_path):
    opened = store.Store.open(f"sqlite:///{tmp_path / 'store.db'}", refs=References.load())
    opened.accounts.iterations = FAST
    opened.accounts.key_dir = tmp_path
    yield opened
    opened.dispose()


def test_new_rows_become_placeholder_organisations_and_their_memberships(db):
    members = member_list.member_payload(ROWS, [], db.state(), NEW_CLUSTER)
    orgs, links = members.organisations, members.memberships
    assert [o["org_id"] for o in orgs] == ["new-1", "new-2", "new-3"]
    assert [m["org_id"] for m in links] == ["new-1", "new-2", "new-3"]
    assert {m["cluster_id"] for m in links} == {NEW_CLUSTER}
    assert links[0]["from_year"] == "2019" and "to_year" not in links[2]
    assert orgs[1]["hq_country"] == "Germany" and orgs[0]["source_doc"] == "registry"
    assert members.where == {"organisations": (1, 3, 4), "memberships": (1, 3, 4)}


def test_a_stored_member_sends_only_what_changed_and_an_existing_org_is_referred_to(db):
    state = db.state()
    baseline = member_list.rows_of(state, "PIC-20")
    assert len(baseline) == 6 and all(r["membership_id"] for r in baseline)
    edited = [dict(r) for r in baseline]
    edited[0]["from_year"] = "2015"
    edited.append({"org_id": "ORG-0001", "role": "partner"})  # a member of PIC-10 too
    members = member_list.member_payload(edited, baseline, state, "PIC-20")
    assert members.organisations == ()  # no organisation changed
    assert members.memberships[0] == {"membership_id": baseline[0]["membership_id"],
                                      "from_year": "2015"}  # fmt: skip
    assert members.memberships[1]["org_id"] == "ORG-0001"
    assert members.where["memberships"] == (1, 7)


def test_a_sent_back_payload_gives_its_rows_back(db):
    state = db.state()
    members = member_list.member_payload(ROWS, [], state, NEW_CLUSTER)
    rows = member_list.rows_of(state, None, members.kinds())
    assert [r["name_en"] for r in rows] == ["Kazan Optics", "Jenoptik Rus", ""]
    assert [r["org_id"] for r in rows] == ["new-1", "new-2", "new-3"]
    again = member_list.member_payload(rows, [], state, NEW_CLUSTER)
    assert again.kinds() == members.kinds()


def test_through_submissions_problems_name_the_forms_row(db):
    acc = db.accounts
    acc.add(acc.operator("test"), "sub", PW, ["submitter"])
    sub = acc.sign_in("sub", PW).principal
    bad = [*ROWS[:3], {**ROWS[3], "inn": "7707083894"}]  # wrong check digits, form row 4
    members = member_list.member_payload(bad, [], db.state(), NEW_CLUSTER)
    cluster = {"name_en": "Kazan optics", "region_as_published": "RU-TA",
               "source_doc": "registry", "source_ref": "t"}  # fmt: skip
    outcome = Submissions(db).submit(sub, {"clusters": [cluster], **members.kinds()})
    assert not outcome.ok
    issues = member_list.form_issues(outcome.plan.issues, members, outcome.plan.source)
    assert (4, "inn") in [(i.row, i.column) for i in issues]
    assert {i.row for i in issues} == {4}  # its membership's org_id falls with it
    good = member_list.member_payload(ROWS, [], db.state(), NEW_CLUSTER)
    assert Submissions(db).submit(sub, {"clusters": [cluster], **good.kinds()}).ok


def test_a_deleted_row_of_a_stored_member_is_its_removal(db):
    """Deleting a stored member's row removes its membership (named, in either language);
    a list that keeps every row removes nothing; a new cluster's list has nothing to
    remove; a form sent back starts without the members it removes and keeps removing
    them."""
    state = db.state()
    baseline = member_list.rows_of(state, "PIC-20")
    kept = member_list.member_payload([dict(r) for r in baseline], baseline, state, "PIC-20")
    assert kept.removed == () and REMOVED not in kept.kinds()
    edited = [dict(r) for r in baseline if r["membership_id"] != "MEM-0004"]
    members = member_list.member_payload(edited, baseline, state, "PIC-20")
    assert members.kinds() == {REMOVED: [{"kind": "memberships", "key": "MEM-0004"}]}
    assert members.removed_names("en") == members.removed_names("ru") == ["Air Liquide"]
    fresh = member_list.member_payload(ROWS, [], state, NEW_CLUSTER)
    assert fresh.removed == () and REMOVED not in fresh.kinds()
    again = member_list.rows_of(state, "PIC-20", members.kinds())
    assert "MEM-0004" not in {r["membership_id"] for r in again} and len(again) == 5
    assert member_list.removed_ids(members.kinds()) == {"MEM-0004"}
    resent = member_list.member_payload(again, baseline, state, "PIC-20")
    assert resent.kinds() == members.kinds()


def test_removed_names_follow_the_language(db):
    state = db.state()
    row = {**member_list.rows_of(state, "PIC-20")[0], "name_ru": "Даймлер"}
    members = member_list.member_payload([], [row], state, "PIC-20")
    assert (members.removed_names("ru"), members.removed_names("en")) == (["Даймлер"], ["Daimler"])
