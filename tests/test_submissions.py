"""Submissions and moderation (geo/registry/submissions.py): the workflow, the comparison,
re-validation at approval, no self-review, scoped changes, the audit log and its CSV, and
migration 0003 on a store written by the code of main before it. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.registry import auth, store
from geo.registry.auth import NotAuthorised
from geo.registry.submissions import NEW_CLUSTER, REMOVED, SubmissionError, Submissions
from tests.support import hostile_corpus as corpus
from tests.support.old_stores import old_store_at
from tests.test_accounts import (
    PW,
    alembic_config,
    clock as clock,  # noqa: F401 - fixtures used here
    db as db,  # noqa: F401
    fingerprint,
    refs as refs,  # noqa: F401
    url as url,  # noqa: F401
)
from tests.test_members import ORG_HEADER, ORGS, _import_members
from tests.test_store import parsed

NEW = {
    "name_en": "Kazan photonics cluster",
    "name_ru": "Казанский кластер фотоники",
    "city": "Kazan",
    "region_as_published": "RU-TA",
    "source_doc": "registry",
    "source_ref": "submitted by the cluster's manager",
}
LINK = {
    "cluster_id": NEW_CLUSTER,
    "mne_name": "Siemens",
    "hq_country": "Germany",
    "presence": "present",
    "source_doc": "registry",
    "source_ref": "the cluster's list of members",
}


@pytest.fixture
def people(db):  # noqa: F811 - the fixture of tests.test_accounts
    """An admin, two moderators and two submitters (one manages PIC-01), signed in."""
    acc = db.accounts
    acc.add(acc.operator("test"), "root", PW, ["admin"])
    admin = acc.sign_in("root", PW).principal
    acc.add(admin, "mod", PW, ["moderator"])
    acc.add(admin, "mod2", PW, ["moderator"])
    acc.add(admin, "sub", PW, ["submitter"], clusters=["PIC-01"])
    acc.add(admin, "other", PW, ["submitter"], clusters=["PIC-02"])
    signed = {name: acc.sign_in(name, PW).principal for name in ("mod", "mod2", "sub", "other")}
    return {"admin": admin, **signed}


@pytest.fixture
def subs(db) -> Submissions:  # noqa: F811
    return Submissions(db)


def everything(db) -> tuple:  # noqa: F811
    return db.head(), db.state(), len(db.versions())


# --------------------------------------------------------------------------- the workflow


def test_a_new_cluster_goes_through_send_back_resubmit_and_approval(db, subs, people):  # noqa: F811
    sub, mod = people["sub"], people["mod"]
    before = everything(db)
    sent = subs.submit(sub, {"clusters": [NEW], "mne_links": [LINK]})
    assert sent.ok and sent.submission is not None
    assert everything(db) == before  # a submission is not a registry change
    assert [s.id for s in subs.queue(mod)] == [sent.submission]

    subs.send_back(mod, sent.submission, "Which year was the cluster founded?")
    mine = subs.mine(sub)[0]
    assert (mine.status, mine.message) == ("sent_back", "Which year was the cluster founded?")
    assert subs.queue(mod) == []

    corrected = {"clusters": [{**NEW, "notes": "founded 2019"}], "mne_links": [LINK]}
    assert subs.resubmit(sub, sent.submission, corrected).ok
    assert subs.mine(sub)[0].status == "submitted"

    approved = subs.approve(mod, sent.submission)
    assert approved.ok and approved.version == before[0] + 1
    # the cluster and its link (an organisation and its membership), one version
    assert approved.plan.counts()["added"] == 3
    assert {c.kind for c in approved.plan.changes} == {"clusters", "organisations", "memberships"}
    new_id = subs.mine(sub)[0].cluster_id
    state = db.state()
    assert state["clusters"][new_id].values["notes"] == "founded 2019"
    link = next(e for e in state["mne_links"].values() if e.values["mne_name"] == "Siemens")
    assert link.values["cluster_id"] == new_id
    version = db.version(approved.version)
    assert (version.author, version.action) == ("mod", "approve")
    assert "by sub, approved by mod" in version.summary
    assert subs.credits() == {approved.version: ("sub", "mod")}
    # the submitter now manages the new cluster, and may propose changes to it
    refreshed = db.accounts.refresh(sub)
    assert new_id in refreshed.manages
    assert subs.submit(refreshed, {"clusters": [{"participants": "12"}]}, new_id).ok


def test_reject_needs_a_reason_and_send_back_needs_questions(db, subs, people):  # noqa: F811
    number = subs.submit(people["sub"], {"clusters": [NEW]}).submission
    with pytest.raises(SubmissionError, match="reason"):
        subs.reject(people["mod"], number, "  ")
    with pytest.raises(SubmissionError, match="questions"):
        subs.send_back(people["mod"], number, "")
    assert subs.mine(people["sub"])[0].status == "submitted"
    subs.reject(people["mod"], number, "Not a cluster: one company")
    mine = subs.mine(people["sub"])[0]
    assert (mine.status, mine.message, mine.reviewer) == (
        "rejected", "Not a cluster: one company", "mod",
    )  # fmt: skip
    for step in (
        lambda: subs.approve(people["mod"], number),
        lambda: subs.send_back(people["mod"], number, "?"),
        lambda: subs.withdraw(people["sub"], number),
        lambda: subs.resubmit(people["sub"], number, {"clusters": [NEW]}),
    ):
        with pytest.raises(SubmissionError, match="rejected"):
            step()


def test_the_submitter_may_withdraw_and_only_the_submitter(db, subs, people):  # noqa: F811
    number = subs.submit(people["sub"], {"clusters": [NEW]}).submission
    with pytest.raises(NotAuthorised):
        subs.withdraw(people["other"], number)
    with pytest.raises(NotAuthorised):
        subs.resubmit(people["mod"], number, {"clusters": [NEW]})
    subs.withdraw(people["sub"], number)
    assert subs.mine(people["sub"])[0].status == "withdrawn"
    assert subs.queue(people["mod"]) == []


def test_nobody_reviews_their_own_submission(db, subs, people):  # noqa: F811
    before = everything(db)
    number = subs.submit(people["mod"], {"clusters": [NEW]}).submission
    for review in (subs.approve, lambda p, n: subs.reject(p, n, "no"),
                   lambda p, n: subs.send_back(p, n, "?")):  # fmt: skip
        with pytest.raises(NotAuthorised, match="own submission"):
            review(people["mod"], number)
    assert everything(db) == before
    assert subs.get(people["mod"], number).status == "submitted"
    assert subs.approve(people["mod2"], number).ok  # another moderator may


def test_a_submitter_changes_only_the_clusters_they_manage(db, subs, people):  # noqa: F811
    change = {"clusters": [{"participants": "42"}]}
    with pytest.raises(NotAuthorised):
        subs.submit(people["sub"], change, "PIC-02")
    sent = subs.submit(people["sub"], change, "PIC-01")
    assert sent.ok
    with pytest.raises(SubmissionError, match="PIC-02"):  # another id in the row
        subs.submit(people["sub"], {"clusters": [{"id": "PIC-02", "notes": "x"}]}, "PIC-01")
    # a member row of another cluster (or taking over one of its links) is refused
    link = {**LINK, "cluster_id": "PIC-02"}
    refused = subs.submit(
        people["sub"], {"clusters": [{"notes": "x"}], "mne_links": [link]}, "PIC-01"
    )
    assert not refused.ok and "belongs to cluster PIC-02" in str(refused.plan.issues)
    other_link = next(k for k, e in db.links().items() if e.values["cluster_id"] != "PIC-01")
    taken = {"link_id": other_link, "cluster_id": "PIC-01", "notes": "mine now"}
    refused = subs.submit(
        people["sub"], {"clusters": [{"notes": "x"}], "mne_links": [taken]}, "PIC-01"
    )
    assert not refused.ok
    assert [s.id for s in subs.mine(people["sub"])] == [sent.submission]


def test_the_comparison_is_field_by_field(db, subs, people):  # noqa: F811
    number = subs.submit(people["sub"], {"clusters": [{"participants": "42"}]}, "PIC-01").submission
    comparison = subs.compare(people["mod"], number)
    fields = {f.column: f for f in comparison.fields if f.kind == "clusters"}
    stored = db.state()["clusters"]["PIC-01"].values
    assert fields["participants"].proposed == "42" and fields["participants"].changed
    assert fields["name_en"].current == fields["name_en"].proposed == stored["name_en"]
    assert not fields["name_en"].changed
    assert [f.column for f in comparison.fields if f.changed] == ["participants"]
    with pytest.raises(NotAuthorised):  # another submitter may not read it
        subs.compare(people["other"], number)


def test_the_payload_is_checked_again_at_approval(db, subs, people):  # noqa: F811
    """PIC-01's MNE links are removed and the cluster too after the submission: the
    approval finds the cluster gone, writes nothing and the submission stays queued."""
    number = subs.submit(people["sub"], {"clusters": [{"participants": "42"}]}, "PIC-01").submission
    links = [k for k, e in db.links().items() if e.values["cluster_id"] == "PIC-01"]
    if links:
        assert db.remove(people["admin"], "mne_links", links).ok
    assert db.remove(people["admin"], "clusters", ["PIC-01"]).ok
    before = everything(db)
    outcome = subs.approve(people["mod"], number)
    assert not outcome.ok and outcome.version is None
    assert "there is no cluster PIC-01" in str(outcome.plan.issues)
    assert everything(db) == before
    assert subs.get(people["mod"], number).status == "submitted"
    assert not subs.compare(people["mod"], number).plan.ok


def test_bad_payloads_are_refused_and_store_nothing(db, subs, people):  # noqa: F811
    sub = people["sub"]
    for payload, problem in (
        ({}, "exactly one cluster row"),
        ({"clusters": [NEW, NEW]}, "exactly one cluster row"),
        ({"clusters": [NEW], "regional_indicators": []}, "cannot be submitted"),
        ({"clusters": [{**NEW, "org_level": "high"}]}, "set by a moderator"),
        ({"clusters": [{**NEW, "id": "CL-0009"}]}, "gets its id at approval"),
        ({"clusters": [{**NEW, "colour": "red"}]}, "no column 'colour'"),
        ({"clusters": [{**NEW, "notes": "x" * 20_000}]}, "too long"),
        ({"clusters": [{**NEW, "notes": ["x"]}]}, "exactly one cluster row"),
    ):
        with pytest.raises(SubmissionError, match=problem):
            subs.submit(sub, payload)
    invalid = subs.submit(sub, {"clusters": [{**NEW, "region_as_published": "Atlantis"}]})
    assert not invalid.ok and invalid.submission is None
    nothing = subs.submit(
        sub, {"clusters": [{"notes": db.state()["clusters"]["PIC-01"].values["notes"]}]}, "PIC-01"
    )
    assert not nothing.ok and "changes nothing" in str(nothing.plan.issues)
    assert subs.mine(sub) == []


# --------------------------------------------------------------------------- member organisations

#: Five organisations of a proposed cluster, two foreign-owned (issue 16's loop), keyed by
#: placeholders; each a member of the new cluster.
ORG_ROWS = [
    {"org_id": "new-1", "name_en": "Kazan Optics", "org_type": "company", "size": "medium",
     "foreign_owned": "no", "inn": "7707083893", "city": "Kazan", "region_code": "RU-TA"},
    {"org_id": "new-2", "name_en": "Kazan University", "org_type": "university",
     "foreign_owned": "no"},
    {"org_id": "new-3", "name_ru": "Волжский банк", "org_type": "financial", "foreign_owned": "no"},
    {"org_id": "new-4", "name_en": "Jenoptik Rus", "org_type": "company", "foreign_owned": "yes",
     "hq_country": "Germany", "foreign_id": "HRB 200"},
    {"org_id": "new-5", "name_en": "Haier Photonics", "org_type": "company",
     "foreign_owned": "yes", "hq_country": "CN"},
]  # fmt: skip
SOURCE = {"source_doc": "registry", "source_ref": "the cluster's list of members"}


def members_payload(count: int = 5, **cluster: str) -> dict:
    """A new cluster with ``count`` member organisations named by placeholders."""
    orgs = [{**row, **SOURCE} for row in ORG_ROWS[:count]]
    memberships = [
        {"cluster_id": NEW_CLUSTER, "org_id": row["org_id"], "role": "member", **SOURCE}
        for row in orgs
    ]
    return {"clusters": [{**NEW, **cluster}], "organisations": orgs, "memberships": memberships}


def test_new_members_get_store_ids_and_placeholders_are_replaced(db, subs, people):  # noqa: F811
    sub, mod = people["sub"], people["mod"]
    stored_orgs = set(db.state()["organisations"])
    sent = subs.submit(sub, members_payload())
    assert sent.ok, sent.plan.issues
    added = [c for c in sent.plan.changes if c.kind == "organisations"]
    assert len({c.key for c in added}) == 5  # distinct ids within one plan
    assert not {c.key for c in added} & stored_orgs
    assert all(c.key.startswith("ORG-") for c in added)
    # the comparison shows the member rows, with the ids they would get
    compared = subs.compare(mod, sent.submission)
    assert {f.kind for f in compared.fields} == {"clusters", "organisations", "memberships"}
    assert not any(f.proposed.startswith("new-") for f in compared.fields)

    approved = subs.approve(mod, sent.submission)
    assert approved.ok and approved.plan.counts()["added"] == 11  # 1 + 5 + 5, one version
    cluster = subs.get(sub, sent.submission).cluster_id
    state = db.state()
    mine = [m for m in state["memberships"].values() if m.values["cluster_id"] == cluster]
    assert len(mine) == 5 and len({m.key for m in mine}) == 5
    names = {state["organisations"][m.values["org_id"]].values["name_en"] for m in mine}
    assert names == {"Kazan Optics", "Kazan University", None, "Jenoptik Rus", "Haier Photonics"}
    foreign = [
        state["organisations"][m.values["org_id"]].values["hq_country"]
        for m in mine
        if state["organisations"][m.values["org_id"]].values["foreign_owned"] == "yes"
    ]
    assert len(foreign) == 2 and all(foreign)


def test_a_new_organisation_without_placeholder_gets_an_id_too(db, subs, people):  # noqa: F811
    payload = members_payload(1)
    org = dict(payload["organisations"][0])
    org.pop("org_id")
    payload["organisations"].append({**org, "name_en": "No placeholder"})
    sent = subs.submit(people["sub"], payload)
    assert sent.ok, sent.plan.issues
    assert len([c for c in sent.plan.changes if c.kind == "organisations"]) == 2


@pytest.mark.parametrize(
    ("change", "row", "column", "words"),
    [
        (lambda p: p["memberships"][1].update(org_id="new-9"), 2, "org_id", "new-9"),
        (lambda p: p["organisations"][2].update(org_id="new-1"), 3, "org_id", "used twice"),
        (lambda p: p["organisations"][0].update(org_id="ORG-9999"), 1, "org_id", "ORG-9999"),
        (lambda p: p["memberships"][0].update(membership_id="MEM-7777"), 1, "membership_id",
         "MEM-7777"),
    ],
    ids=["unknown-placeholder", "placeholder-twice", "invented-org-id", "invented-mem-id"],
)  # fmt: skip
def test_bad_placeholders_name_row_and_column_and_store_nothing(
    db, subs, people, change, row, column, words
):  # noqa: F811
    payload = members_payload(3)
    change(payload)
    before = everything(db), subs.mine(people["sub"])
    outcome = subs.submit(people["sub"], payload)
    assert not outcome.ok and outcome.submission is None
    found = [i for i in outcome.plan.issues if i.column == column and i.row == row]
    assert found and words in found[0].message, outcome.plan.issues
    assert (everything(db), subs.mine(people["sub"])) == before


def shared_org(db) -> str:  # noqa: F811
    """An organisation of the published data that is a member of PIC-20 (not PIC-01)."""
    return next(
        m.values["org_id"]
        for m in db.state()["memberships"].values()
        if m.values["cluster_id"] == "PIC-20"
    )


@pytest.mark.parametrize("role", ["sub", "mod", "admin"])
def test_nobody_changes_an_organisation_of_other_clusters_by_submission(db, subs, people, role):  # noqa: F811
    """Every role that may submit: a change to PIC-01 cannot rename an organisation that is
    a member of PIC-20 (nobody's proposal may change what other clusters list)."""
    org = shared_org(db)
    issue = _refused_rename(db, subs, people[role], org)
    assert "PIC-20" in issue.message
    assert "членом" in issue.localised("ru")


def _renaming(org: str) -> dict:
    """A change to PIC-01 that renames the organisation ``org``."""
    return {"clusters": [{"notes": "x"}], "organisations": [{"org_id": org, "name_en": "Renamed"}]}


def _refused_rename(db, subs, who, org: str):  # noqa: F811
    """``who`` submits :func:`_renaming` ``org``: refused, nothing stored; the issue of
    its ``org_id`` (which names the organisation and the row)."""
    before = everything(db)
    outcome = subs.submit(who, _renaming(org), "PIC-01")
    assert not outcome.ok and outcome.submission is None
    issue = next(i for i in outcome.plan.issues if i.column == "org_id")
    assert org in issue.message and issue.row == 1
    assert everything(db) == before
    return issue


def _unattached_org(db, people) -> str:  # noqa: F811
    """An organisation stored with no membership (imported alone; as one a cluster no
    longer lists is)."""
    orgs = parsed("orgs.csv", ORG_HEADER + ORGS, "organisations", db.refs)
    assert db.import_file(people["admin"], orgs).ok
    members = {str(m.values["org_id"]) for m in db.state()["memberships"].values()}
    return next(k for k in sorted(db.state()["organisations"]) if k not in members)


@pytest.mark.parametrize("role", ["sub", "mod", "admin"])
def test_nobody_changes_an_organisation_of_no_cluster_by_submission(db, subs, people, role):  # noqa: F811
    """An organisation no cluster lists is nobody's: a change to PIC-01 cannot rename it
    unless it also makes it a member of PIC-01."""
    org = _unattached_org(db, people)
    issue = _refused_rename(db, subs, people[role], org)
    assert "no cluster" in issue.message
    assert "ни одного кластера" in issue.localised("ru")
    membership = {"cluster_id": "PIC-01", "org_id": org, "role": "partner", **SOURCE}
    sent = subs.submit(people[role], {**_renaming(org), "memberships": [membership]}, "PIC-01")
    assert sent.ok, sent.plan.issues  # joining PIC-01 in the same submission


def test_a_membership_of_an_existing_organisation_changes_no_organisation(db, subs, people):  # noqa: F811
    org = shared_org(db)
    before = db.state()["organisations"][org]
    membership = {"cluster_id": "PIC-01", "org_id": org, "role": "partner", **SOURCE}
    sent = subs.submit(
        people["sub"], {"clusters": [{"notes": "x"}], "memberships": [membership]}, "PIC-01"
    )
    assert sent.ok, sent.plan.issues
    assert subs.approve(people["mod"], sent.submission).ok
    state = db.state()
    assert state["organisations"][org] == before
    assert any(
        m.values["org_id"] == org and m.values["cluster_id"] == "PIC-01"
        for m in state["memberships"].values()
    )


def test_the_organisation_rule_is_checked_again_at_approval(db, subs, people):  # noqa: F811
    """An organisation only PIC-01 lists may be changed by PIC-01's manager; when another
    cluster lists it before the approval, the moderator's approval writes nothing."""
    sub, other, mod = people["sub"], people["other"], people["mod"]
    payload = members_payload(1)
    payload["memberships"][0]["cluster_id"] = "PIC-01"
    payload["clusters"] = [{"notes": "members listed"}]
    first = subs.submit(sub, payload, "PIC-01")
    assert subs.approve(mod, first.submission).ok
    org = next(c.key for c in first.plan.changes if c.kind == "organisations")
    rename = {"clusters": [{"notes": "renamed"}],
              "organisations": [{"org_id": org, "name_en": "Kazan Optics JSC"}]}  # fmt: skip
    pending = subs.submit(sub, rename, "PIC-01")
    assert pending.ok, pending.plan.issues  # only PIC-01 lists it
    joined = subs.submit(
        other, {"clusters": [{"notes": "y"}], "memberships": [
            {"cluster_id": "PIC-02", "org_id": org, "role": "member", **SOURCE}]}, "PIC-02",
    )  # fmt: skip
    assert subs.approve(people["mod2"], joined.submission).ok
    before = everything(db)
    outcome = subs.approve(mod, pending.submission)
    assert not outcome.ok and "PIC-02" in str(outcome.plan.issues)
    assert everything(db) == before
    assert subs.get(mod, pending.submission).status == "submitted"


def test_a_manager_of_every_cluster_of_an_organisation_may_change_it(db, subs, people):  # noqa: F811
    org = shared_org(db)
    clusters = {m.values["cluster_id"] for m in db.state()["memberships"].values()
                if m.values["org_id"] == org}  # fmt: skip
    db.accounts.set_clusters(people["admin"], "sub", ["PIC-01", *clusters])
    sub = db.accounts.refresh(people["sub"])
    payload = {"clusters": [{"notes": "x"}],
               "organisations": [{"org_id": org, "city": "Tolyatti"}]}  # fmt: skip
    sent = subs.submit(sub, payload, "PIC-01")
    assert sent.ok, sent.plan.issues
    assert subs.approve(people["mod"], sent.submission).ok
    assert db.state()["organisations"][org].values["city"] == "Tolyatti"


# --------------------------------------------------------------------------- the audit log


def test_every_step_is_in_the_audit_log_with_its_session(db, subs, people):  # noqa: F811
    sub, mod, admin = people["sub"], people["mod"], people["admin"]
    number = subs.submit(sub, {"clusters": [NEW]}).submission
    subs.send_back(mod, number, "Where is the source?")
    subs.resubmit(sub, number, {"clusters": [{**NEW, "source_ref": "site, 2025"}]})
    subs.approve(mod, number)
    withdrawn = subs.submit(sub, {"clusters": [{**NEW, "name_en": "Second"}]}).submission
    subs.withdraw(sub, withdrawn)
    log = subs.audit(admin)
    assert list(log["action"]) == [
        "submit",
        "send_back",
        "resubmit",
        "approve",
        "submit",
        "withdraw",
    ]
    assert list(log["actor"]) == ["sub", "mod", "sub", "mod", "sub", "sub"]
    with db.engine.connect() as conn:
        sessions = set(conn.execute(sa.text("SELECT id FROM sessions")).scalars())
    assert set(log["session"]) <= sessions and len(set(log["session"])) == 2
    assert log["detail"][1] == "Where is the source?"
    for who in ("mod", "sub"):
        with pytest.raises(NotAuthorised):
            subs.audit(people[who])


def test_the_audit_csv_is_formula_safe(db, subs, people):  # noqa: F811
    number = subs.submit(people["sub"], {"clusters": [NEW]}).submission
    subs.send_back(people["mod"], number, '=HYPERLINK("http://evil","x")')
    rows = list(csv.reader(io.StringIO(subs.audit_csv(people["admin"]))))
    assert rows[0] == ["at", "submission", "actor", "session", "action", "detail"]
    assert rows[2][5] == '\'=HYPERLINK("http://evil","x")'
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_a_principal_refused_everywhere_changes_nothing(db, subs, people):  # noqa: F811
    number = subs.submit(people["sub"], {"clusters": [NEW]}).submission
    forged = auth.Principal("root", people["admin"].signed_in_at, b"\0" * 32, frozenset({"admin"}))
    for who in (None, "root", forged):
        for step in (
            lambda p: subs.submit(p, {"clusters": [NEW]}),
            lambda p: subs.approve(p, number),
            lambda p: subs.reject(p, number, "r"),
            lambda p: subs.audit(p),
            lambda p: subs.mine(p),
        ):
            with pytest.raises(NotAuthorised):
                step(who)
    assert [s.status for s in subs.mine(people["sub"])] == ["submitted"]


# --------------------------------------------------------------------------- migration 0003

OLD_STORE = Path(__file__).parent / "data" / "store_0002"
"""A store written by the code of main at schema 0002 (see its build_0002.py)."""
OLD_TABLES = (
    "versions", "records", "store_head", "accounts", "account_roles", "cluster_managers",
    "sessions", "sign_in_throttle", "account_log",
)  # fmt: skip


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table of schema 0002, in a stable order."""
    out = {}
    with engine.connect() as conn:
        for table in OLD_TABLES:
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def old_store(url: str, tmp_path: Path) -> str:
    """:data:`OLD_STORE` (schema 0002) at ``url``'s backend
    (:func:`tests.support.old_stores.old_store_at`)."""
    return old_store_at(
        url,
        tmp_path,
        OLD_STORE,
        config=alembic_config(),
        revision="0002",
        tables=OLD_TABLES,
        serials=("records", "account_log"),
    )


def test_migration_0003_keeps_every_row_and_version(url, refs, tmp_path):  # noqa: F811
    old_url = old_store(url, tmp_path)
    engine = sa.create_engine(old_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        assert "submissions" not in sa.inspect(conn).get_table_names()
    before = snapshot(engine)
    engine.dispose()
    expected = json.loads((OLD_STORE / "states.json").read_text(encoding="utf-8"))

    upgraded = store.Store(old_url, refs=refs)
    upgraded.migrate()  # the schema; Store.open would also store the MNE links as memberships
    with upgraded.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    assert snapshot(upgraded.engine) == before
    assert {str(v.id): fingerprint(upgraded.state(v.id)) for v in upgraded.versions()} == expected
    assert upgraded.migrate_members() == len(expected) + 1
    assert upgraded.links() == upgraded.links(len(expected))  # the same links, now memberships
    # the old accounts work in the new workflow
    acc = upgraded.accounts
    acc.iterations, acc.key_dir = 1000, tmp_path
    sub, mod = (acc.sign_in(name, PW).principal for name in ("sub", "mod"))
    subs = Submissions(upgraded)
    number = subs.submit(sub, {"clusters": [{"participants": "77"}]}, "PIC-02").submission
    outcome = subs.approve(mod, number)
    assert outcome.version == len(expected) + 2
    assert upgraded.state()["clusters"]["PIC-02"].values["participants"] == 77
    upgraded.dispose()


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("case", corpus.SUBMISSION_CASES, ids=lambda c: c.id)
def test_hostile_submissions(db, subs, people, case):  # noqa: F811
    """Every case of the corpus: refused with a message naming what (and the column where
    there is one) and nothing stored, or stored with its text kept as it is."""
    before = everything(db), subs.mine(people["sub"])
    try:
        outcome = subs.submit(people["sub"], case.payload, case.cluster_id)
    except SubmissionError as exc:
        assert not case.expect.accepted, f"{case.id}: refused: {exc}"
        message = str(exc)
    else:
        issues = outcome.plan.issues
        if case.expect.accepted:
            assert outcome.ok, f"{case.id}: {issues}"
            fields = {
                f.column: f.proposed for f in subs.compare(people["mod"], outcome.submission).fields
            }
            for column, value in case.expect.values.items():
                assert fields[column] == value, (case.id, column, fields[column])
            return
        assert not outcome.ok and outcome.submission is None, case.id
        message = " ".join(i.message for i in issues)
        if case.expect.column:
            assert case.expect.column in {i.column for i in issues}, (case.id, issues)
    assert len(message) < 2000, case.id
    assert any(w.lower() in message.lower() for w in case.expect.what), (case.id, message)
    assert (everything(db), subs.mine(people["sub"])) == before, case.id


# --------------------------------------------------------------------------- removals


def _pic01_members(db, people) -> None:  # noqa: F811
    """PIC-01 (managed by ``sub``) lists five members: MEM-0101..0105 (ORG-0101..0105)."""
    _import_members(db, db.refs, people["admin"])


CHANGED_0101 = {"membership_id": "MEM-0101", "to_year": "2020"}


def _removal(*keys: str, **cluster: str) -> dict:
    gone = [{"kind": "memberships", "key": key} for key in keys]
    return {"clusters": [dict(cluster)], REMOVED: gone}


def test_a_change_removes_a_membership_of_its_cluster_in_one_version(db, subs, people):  # noqa: F811
    """The removal is planned as the store's removal, listed by the comparison ("removed",
    with the organisation's name) and written by the approval as part of its one version;
    the organisation stays, and the history keeps the membership."""
    _pic01_members(db, people)
    sub, mod = people["sub"], people["mod"]
    sent = subs.submit(sub, _removal("MEM-0102", notes="Kazan University left"), "PIC-01")
    assert sent.ok, sent.plan.issues
    assert [(c.kind, c.key, c.change) for c in sent.plan.changes if c.change == "removed"] == [
        ("memberships", "MEM-0102", "removed")
    ]
    fields = [f for f in subs.compare(mod, sent.submission).fields if f.key == "MEM-0102"]
    assert {f.change for f in fields} == {"removed"} and all(f.proposed == "" for f in fields)
    assert ("org_id", "ORG-0102") in [(f.column, f.current) for f in fields]
    assert ("name_en", "Kazan University") in [(f.column, f.current) for f in fields]
    head = db.head()
    approved = subs.approve(mod, sent.submission)
    assert approved.ok and approved.version == head + 1 == db.head()  # one version
    assert approved.plan.counts() == {"added": 0, "changed": 1, "removed": 1, "unchanged": 0}
    state = db.state()
    assert "MEM-0102" not in state["memberships"] and "ORG-0102" in state["organisations"]
    assert state["clusters"]["PIC-01"].values["notes"] == "Kazan University left"
    assert "MEM-0102" in db.state(head)["memberships"]  # history keeps the old row
    others = {k for k, m in state["memberships"].items() if m.values["cluster_id"] == "PIC-01"}
    assert others == {"MEM-0101", "MEM-0103", "MEM-0104", "MEM-0105"}


def test_a_change_without_a_member_list_removes_nothing(db, subs, people):  # noqa: F811
    """A card-only change (no member rows, no removals) keeps every stored membership, and
    so does a member list that changes one member and lists no removal."""
    _pic01_members(db, people)
    sub, mod = people["sub"], people["mod"]
    before = {k for k, m in db.state()["memberships"].items() if m.values["cluster_id"] == "PIC-01"}
    card_only = subs.submit(sub, {"clusters": [{"notes": "card only"}]}, "PIC-01")
    one_member = subs.submit(
        sub, {"clusters": [{}], "memberships": [{"membership_id": "MEM-0101", "to_year": "2025"}]},
        "PIC-01",
    )  # fmt: skip
    for sent in (card_only, one_member):
        assert sent.ok and not [c for c in sent.plan.changes if c.change == "removed"]
        assert subs.approve(mod, sent.submission).ok
    after = {k for k, m in db.state()["memberships"].items() if m.values["cluster_id"] == "PIC-01"}
    assert after == before and len(after) == 5


@pytest.mark.parametrize(
    ("removed", "problem"),
    [
        ([{"kind": "organisations", "key": "ORG-0101"}], "cannot be removed by a submission"),
        ([{"kind": "memberships", "key": "MEM-0101", "cluster_id": "PIC-01"}], "nothing else"),
        ([{"kind": "memberships", "key": 101}], "nothing else"),
        ("MEM-0101", "exactly one cluster row"),
        ([{"kind": "memberships", "key": "M" * 200}], "too long"),
    ],
)
def test_bad_removals_are_refused_and_store_nothing(db, subs, people, removed, problem):  # noqa: F811
    _pic01_members(db, people)
    before = everything(db)
    with pytest.raises(SubmissionError, match=problem):
        subs.submit(people["sub"], {"clusters": [{}], REMOVED: removed}, "PIC-01")
    assert everything(db) == before and not subs.mine(people["sub"])


def test_a_new_cluster_has_nothing_to_remove(db, subs, people):  # noqa: F811
    _pic01_members(db, people)
    with pytest.raises(SubmissionError, match="nothing to remove"):
        subs.submit(people["sub"], {"clusters": [NEW], **_removal("MEM-0101")})
    assert subs.submit(people["sub"], {"clusters": [NEW], REMOVED: []}).ok  # an empty list


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (_removal("MEM-0199"), "no record"),
        (
            {**_removal("MEM-0101"), "memberships": [CHANGED_0101]},
            "both changed and removed",
        ),
    ],
)
def test_a_removal_that_does_not_fit_is_refused(db, subs, people, payload, problem):  # noqa: F811
    _pic01_members(db, people)
    sent = subs.submit(people["sub"], payload, "PIC-01")
    assert not sent.ok and problem in str([i.localised("en") for i in sent.plan.issues])
    assert not subs.mine(people["sub"])


def test_a_removal_is_checked_again_at_approval(db, subs, people):  # noqa: F811
    """The membership moved to another cluster (a moderator's direct edit) before the
    approval: the approval writes nothing and names the other cluster."""
    _pic01_members(db, people)
    sent = subs.submit(people["sub"], _removal("MEM-0103", notes="left"), "PIC-01")
    assert sent.ok, sent.plan.issues
    moved = db.save_record(people["mod2"], "memberships",
                           {"membership_id": "MEM-0103", "cluster_id": "PIC-02"})  # fmt: skip
    assert moved.ok, moved.plan.issues
    before = everything(db)
    outcome = subs.approve(people["mod"], sent.submission)
    assert not outcome.ok and "PIC-02" in str([i.localised("en") for i in outcome.plan.issues])
    assert everything(db) == before
    assert subs.get(people["mod"], sent.submission).status == "submitted"
