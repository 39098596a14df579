"""The registry store, run against SQLite and against a real PostgreSQL server.

PostgreSQL comes from ``CLUSTERMAP_TEST_POSTGRES_URL`` (``.ci/run`` starts one); without
it those tests are skipped, unless ``CLUSTERMAP_REQUIRE_POSTGRES=1`` makes that a failure.
Every test starts from an empty database, migrated and seeded.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from geo.analysis.dataset import cluster_listing
from geo.base.tables import render_table
from geo.registry import accounts, auth, importer, sources, store, submissions
from geo.registry.importer import References

PG_ENV = "CLUSTERMAP_TEST_POSTGRES_URL"
REQUIRE_PG = os.environ.get("CLUSTERMAP_REQUIRE_POSTGRES") == "1"
TABLES = (
    "records", "versions", "store_head", "alembic_version", *accounts.TABLES,
    *submissions.TABLES,
)  # fmt: skip


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


@pytest.fixture(scope="module")
def editor() -> auth.Editor:
    credentials = {"alice": auth.hash_password("correct horse", iterations=1000)}
    signed_in = auth.authenticate("alice", "correct horse", credentials)
    assert signed_in is not None
    return signed_in


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in TABLES:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    pg = os.environ.get(PG_ENV)
    if not pg:
        if REQUIRE_PG:
            pytest.fail(f"{PG_ENV} is not set but CLUSTERMAP_REQUIRE_POSTGRES=1")
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    _empty_postgres(pg)
    return pg


@pytest.fixture
def db(url, refs) -> store.Store:
    opened = store.Store.open(url, refs=refs)
    yield opened
    opened.dispose()


def parsed(name: str, text: str, kind: str, refs: References, encoding: str = "utf-8"):
    return importer.parse_bytes(name, text.encode(encoding), kind, refs)


CLUSTER_HEADER = (
    "id,name_en,name_ru,city,region_as_published,industry_group,specialisation,status,"
    "org_level,participants,intl_members,export_bln_rub,publications,joint_rd_bln_rub,"
    "index_published,source_doc,source_ref,notes\n"
)
NEW_CLUSTER = (
    "CL-0100,Kazan test cluster,Тестовый кластер,Kazan,RU-TA,n/a,testing,n/a,n/a,12,"
    "n/a,n/a,n/a,n/a,n/a,registry,test file,\n"
)


# --------------------------------------------------------------------------- location


def test_default_url_is_a_file_in_the_state_directory_not_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv(store.ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv(store.ENV_STATE_DIR, str(tmp_path / "state"))
    assert store.default_url() == f"sqlite:///{tmp_path / 'state' / 'clustermap.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, "postgresql+psycopg://u@h/db")
    assert store.default_url() == "postgresql+psycopg://u@h/db"


# --------------------------------------------------------------------------- seed


def test_seed_is_version_1_and_gives_the_published_dataset(db, data):
    assert db.head() == 1
    info = db.version(1)
    assert (info.author, info.action) == (store.SEED_AUTHOR, "seed")
    from_store = sources.dataset_from_store(db)
    shipped = data
    pd.testing.assert_frame_equal(pd.DataFrame(from_store.clusters), pd.DataFrame(shipped.clusters))
    pd.testing.assert_frame_equal(from_store.mne_links, shipped.mne_links)
    pd.testing.assert_frame_equal(from_store.indicators, shipped.indicators)


def test_opening_again_neither_migrates_twice_nor_reseeds(db, url, refs):
    again = store.Store.open(url, refs=refs)
    assert again.head() == 1 and len(again.versions()) == 1
    again.dispose()


def test_workers_opening_a_new_store_at_once_migrate_and_seed_it_once(url, refs):
    """Four workers open the same empty database at the same moment."""
    barrier = threading.Barrier(4)
    heads: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            opened = store.Store.open(url, refs=refs)
            heads.append(opened.head())
            opened.dispose()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert heads == [1, 1, 1, 1]
    check = store.Store(url, refs=refs)
    assert [v.id for v in check.versions()] == [1]
    assert len(check.state()["clusters"]) == 30
    check.dispose()


def test_table_shows_markers_for_missing_values(db):
    table = db.table("mne_links").set_index("link_id")
    assert table.at["MNE-01", "hq_country"] == "not reported"
    assert table.at["MNE-01", "mne_name"] == "Berlin-Chemie Menarini"
    assert len(table) == len(db.links()) == 8


@pytest.mark.parametrize("kind", importer.IMPORT_KINDS)
def test_export_imports_back_unchanged(db, refs, kind):
    plan = db.preview(parsed(f"{kind}.csv", db.export(kind), kind, refs))
    assert plan.ok and plan.changes == ()
    assert plan.unchanged == len(db.links() if kind == "mne_links" else db.state()[kind])


def test_cluster_listing_of_the_command_line_imports_back_unchanged(db, refs):
    listing = render_table(
        cluster_listing(sources.dataset_from_store(db).clusters, counts=True), "csv"
    )
    plan = db.preview(parsed("clusters.csv", listing, "clusters", refs))
    assert plan.ok, plan.issues
    assert plan.changes == () and plan.unchanged == 30


def test_the_maps_csv_export_imports_back_unchanged(db, refs):
    """The zip of geo.render.exports (clusters, MNE links, the region table with indicators)."""
    import zipfile

    from geo.render import views
    from geo.render.exports import formats

    _, payload, _ = formats.export_view(sources.dataset_from_store(db), views.View(), "csv")
    archive = zipfile.ZipFile(io.BytesIO(payload))
    # The view's export holds clusters, MNE links and regions (not the member lists).
    for kind in ("clusters", "mne_links", "regional_indicators"):
        plan = db.preview(
            importer.parse_bytes(f"{kind}.csv", archive.read(f"{kind}.csv"), kind, refs)
        )
        assert plan.ok, plan.issues
        stored = db.links() if kind == "mne_links" else db.state()[kind]
        assert plan.changes == () and plan.unchanged == len(stored)
    clusters = archive.read("clusters.csv").decode("utf-8-sig")
    moved = clusters.replace(",RU-MOS,", ",RU-TA,", 1)
    assert moved != clusters
    plan = db.preview(parsed("clusters.csv", moved, "clusters", refs))
    assert [(i.column, "is not the region of" in i.message) for i in plan.issues] == [
        ("region_code", True)
    ]


# --------------------------------------------------------------------------- imports


def test_good_import_adds_one_version_with_who_and_what(db, refs, editor):
    result = db.import_file(
        editor, parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs)
    )
    assert result.ok and result.version == 2 and db.head() == 2
    info = db.version(2)
    assert (info.author, info.action, info.source) == ("alice", "import", "new.csv")
    assert "1 added" in info.summary
    changes = db.changes(2)
    assert [(c.kind, c.key, c.change) for c in changes] == [("clusters", "CL-0100", "added")]
    cluster = db.state()["clusters"]["CL-0100"]
    assert cluster.values["name_ru"] == "Тестовый кластер"
    assert cluster.values["participants"] == 12.0
    assert cluster.markers["intl_members"] == "n/a"
    located = sources.dataset_from_store(db).clusters.set_index("id").loc["CL-0100"]
    assert located["region_code"] == "RU-TA" and located["location_basis"]
    history = db.history()
    assert list(history["version"]) == [2, 1]
    assert (
        history.loc[0, "added"] == 1
        and history.loc[1, "added"]
        == len(db.state(1)["clusters"]) + 95 + 8 + 8  # + organisations, memberships (MNE links)
    )


def test_changed_cell_is_reported_before_and_after(db, refs, editor):
    frame = pd.read_csv(io.StringIO(db.export("clusters")), dtype=str, keep_default_na=False)
    frame.loc[frame["id"] == "PIC-01", "participants"] = "77"
    result = db.import_file(editor, parsed("edit.csv", frame.to_csv(index=False), "clusters", refs))
    assert result.version == 2
    cells = db.changes_frame(2)
    assert cells[["key", "change", "column", "after"]].values.tolist() == [
        ["PIC-01", "changed", "participants", "77"]
    ]


BAD_FILES = {
    "clusters": (
        CLUSTER_HEADER
        + NEW_CLUSTER
        + "CL-0101,Bad,,Kazan,Atlantis,n/a,x,n/a,n/a,1x2,n/a,n/a,n/a,n/a,n/a,registry,t,\n",
        [(3, "region_as_published", "Atlantis"), (3, "participants", "1x2")],
    ),
    "mne_links": (
        "link_id,mne_name,hq_country,industry,cluster_id,relation,presence,interplay_type,"
        "source_doc,source_ref,notes\n"
        "L-900,Acme,Germany,chemicals,PIC-01,member,present,n/a,registry,t,\n"
        "L-901,Acme,Germany,chemicals,NOPE-1,member,present,n/a,registry,t,\n"
        "L-902,Acme,Narnia,chemicals,PIC-01,member,gone,n/a,registry,t,\n",
        [(3, "cluster_id", "NOPE-1"), (4, "hq_country", "Narnia"), (4, "presence", "gone")],
    ),
    "regional_indicators": (
        "region_as_published,indicator,value,unit,reference_year,source_doc,source_ref,"
        "original_source,notes\n"
        'RU-TA,fdi_per_capita,"12,5",USD,2013,registry,t,Rosstat,\n'
        "RU-TA,happiness,3,USD,2013,registry,t,Rosstat,\n",
        [(3, "indicator", "happiness")],
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_changes_nothing_and_names_row_column_reason(db, refs, editor, kind):
    text, expected = BAD_FILES[kind]
    before = db.state()
    result = db.import_file(editor, parsed(f"bad_{kind}.csv", text, kind, refs))
    assert not result.ok and result.version is None
    assert db.head() == 1 and db.state() == before
    found = [(i.row, i.column, i.message) for i in result.plan.issues]
    for row, column, word in expected:
        assert any(r == row and c == column and word in m for r, c, m in found), found
    assert all(i.file == f"bad_{kind}.csv" for i in result.plan.issues)


def test_replace_import_removes_what_the_file_does_not_list(db, refs, editor):
    text = "\n".join(db.export("mne_links").splitlines()[:3]) + "\n"  # header + 2 links
    result = db.import_file(editor, parsed("links.csv", text, "mne_links", refs), mode="replace")
    assert result.version == 2
    assert list(db.links()) == ["MNE-01", "MNE-02"]
    # the links are memberships: the six others' memberships removed, their organisations kept
    assert result.plan.counts()["removed"] == len(db.links(1)) - 2
    assert {c.kind for c in result.plan.changes} == {"memberships"}
    assert len(db.state()["memberships"]) == 2 and len(db.state()["organisations"]) == 8


def test_a_new_indicator_year_is_a_new_record_and_the_dataset_uses_the_latest(db, refs, editor):
    text = (
        "регион;показатель;значение;год;источник;ссылка на источник;первоисточник\n"
        "Республика Татарстан;fdi_per_capita;1 234,5;2013;registry;Rosstat 2014;Rosstat\n"
    )
    result = db.import_file(editor, parsed("ind.csv", text, "regional_indicators", refs, "cp1251"))
    assert result.ok, result.plan.issues
    assert [c.change for c in db.changes(2)] == ["added"]
    assert len(db.state()["regional_indicators"]) == 96
    wide = sources.dataset_from_store(db).indicators.set_index("region_code")
    assert wide.loc["RU-TA", "fdi_per_capita"] == 1234.5
    assert (
        sources.dataset_from_store(db, version=1)
        .indicators.set_index("region_code")
        .loc["RU-TA", "fdi_per_capita"]
        != 1234.5
    )


# --------------------------------------------------------------------------- history


def test_restore_brings_back_the_earlier_data_exactly_as_a_new_version(db, refs, editor):
    original = db.state(1)
    db.import_file(editor, parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs))
    links = "\n".join(db.export("mne_links").splitlines()[:2]) + "\n"
    db.import_file(editor, parsed("links.csv", links, "mne_links", refs), mode="replace")
    assert db.head() == 3 and db.state() != original
    result = db.restore(editor, 1)
    assert result.version == 4
    assert db.state() == original
    assert db.export("clusters") == db.export("clusters", version=1)
    info = db.version(4)
    assert (info.action, info.restored_from) == ("restore", 1)
    assert db.state(3) != original  # history kept: version 3 still shows what it had
    kinds = {(c.kind, c.change) for c in db.changes(4)}
    assert kinds == {("clusters", "removed"), ("memberships", "added")}
    assert db.links() == db.links(1)
    listed = list(db.state()["clusters"])
    assert listed == list(original["clusters"])  # restored records keep their place


def test_restore_of_a_version_that_does_not_exist_changes_nothing(db, editor):
    with pytest.raises(KeyError, match="no version 9"):
        db.restore(editor, 9)
    assert db.head() == 1


def test_edit_register_and_remove(db, editor):
    first = db.register_cluster(
        editor,
        {
            "name_en": "<script>alert(1)</script>",
            "city": "Tomsk",
            "region_as_published": "Tomsk region",
            "source_doc": "registry",
            "source_ref": "form",
        },
    )
    assert first.ok and first.version == 2
    second = db.register_cluster(
        editor,
        {
            "name_en": "Two",
            "region_as_published": "RU-NVS",
            "source_doc": "registry",
            "source_ref": "f",
        },
    )
    assert [c.key for c in second.plan.changes] == ["CL-0002"]
    assert db.state()["clusters"]["CL-0001"].values["name_en"] == "<script>alert(1)</script>"
    edit = db.save_record(editor, "clusters", {"id": "CL-0002", "participants": "15"})
    assert edit.version == 4 and db.state()["clusters"]["CL-0002"].values["participants"] == 15.0
    assert db.state()["clusters"]["CL-0002"].values["name_en"] == "Two"  # untouched columns kept
    refused = db.remove(editor, "clusters", ["PIC-01"]) if _links_to(db, "PIC-01") else None
    if refused is not None:
        assert refused.version is None and "refer to it" in refused.plan.issues[0].message
    removed = db.remove(editor, "clusters", ["CL-0001"])
    assert removed.version == 5 and "CL-0001" not in db.state()["clusters"]
    third = db.register_cluster(
        editor,
        {
            "name_en": "Three",
            "region_as_published": "RU-TA",
            "source_doc": "registry",
            "source_ref": "f",
        },
    )
    assert [c.key for c in third.plan.changes] == ["CL-0003"]  # a removed id is not reused


def test_a_new_mne_link_gets_the_next_id_under_the_lock(db, editor):
    result = db.register_mne_link(
        editor,
        {
            "mne_name": "Siemens",
            "hq_country": "Германия",
            "cluster_id": "PIC-01",
            "relation": "member",
            "presence": "present",
            "source_doc": "registry",
            "source_ref": "form",
        },
    )
    assert result.ok, result.plan.issues
    link = db.links()["MNE-09"]
    assert link.values["hq_country"] == "Germany" and link.values["cluster_id"] == "PIC-01"
    assert db.version(2).summary.startswith("registration of mne_links MNE-09")
    assert sources.dataset_from_store(db).clusters.set_index("id").at["PIC-01", "mne_count"] == 1


def _links_to(db, cluster_id: str) -> bool:
    return any(e.values["cluster_id"] == cluster_id for e in db.links().values())


def test_an_invalid_form_changes_nothing(db, editor):
    result = db.save_record(editor, "clusters", {"id": "PIC-01", "status": "famous"})
    assert result.version is None and db.head() == 1
    assert result.plan.issues[0].column == "status"
    lost = db.register_cluster(
        editor,
        {
            "name_en": "Lost",
            "city": "Xyzgrad",
            "region_as_published": "RU-TA",
            "source_doc": "registry",
            "source_ref": "f",
        },
    )
    assert lost.version is None and lost.plan.issues[0].column == "city"
    assert db.head() == 1 and len(sources.dataset_from_store(db).clusters) == 30


# --------------------------------------------------------------------------- who may write


def test_a_viewer_cannot_write_not_even_with_a_crafted_principal(db, refs):
    forged = auth.Editor("mallory", time.time(), b"\0" * 32)
    file = parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs)
    for principal in (None, "alice", forged):
        with pytest.raises(auth.NotAuthorised):
            db.import_file(principal, file)  # type: ignore[arg-type]
        with pytest.raises(auth.NotAuthorised):
            db.restore(principal, 1)  # type: ignore[arg-type]
        with pytest.raises(auth.NotAuthorised):
            db.save_record(principal, "clusters", {"id": "PIC-01", "participants": "1"})  # type: ignore[arg-type]
        with pytest.raises(auth.NotAuthorised):
            db.remove(principal, "mne_links", list(db.links())[:1])  # type: ignore[arg-type]
        with pytest.raises(auth.NotAuthorised):
            db.register_cluster(principal, {"name_en": "x"})  # type: ignore[arg-type]
    assert db.head() == 1 and len(db.versions()) == 1


# --------------------------------------------------------------------------- concurrency


def test_concurrent_imports_are_applied_one_after_the_other(db, url, refs, editor):
    """Eight threads, each with its own store object (own connections), import at once;
    every file adds one cluster and changes the same cell of PIC-02."""
    count = 8
    frame = pd.read_csv(io.StringIO(db.export("clusters")), dtype=str, keep_default_na=False)
    barrier = threading.Barrier(count)
    results: list[store.WriteResult] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        worker = store.Store(url, refs=refs)
        try:
            edit = frame.copy()
            edit.loc[edit["id"] == "PIC-02", "participants"] = str(100 + n)
            row = NEW_CLUSTER.replace("CL-0100", f"CL-{200 + n:04d}")
            file = parsed(f"f{n}.csv", edit.to_csv(index=False) + row, "clusters", refs)
            barrier.wait()
            results.append(worker.import_file(editor, file))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            worker.dispose()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(r.version for r in results) == list(range(2, 2 + count))
    assert [v.id for v in db.versions()] == list(range(1 + count, 0, -1))
    clusters = db.state()["clusters"]
    assert all(f"CL-{200 + n:04d}" in clusters for n in range(count))
    # Each version changed PIC-02 from what the version before it had: no update was lost.
    for version in range(3, 2 + count):
        change = {c.key: c for c in db.changes(version)}["PIC-02"]
        assert change.before == db.state(version - 1)["clusters"]["PIC-02"]
    with db.engine.connect() as conn:
        duplicated = conn.execute(
            sa.text(
                "SELECT kind, key FROM records WHERE valid_to IS NULL "
                "GROUP BY kind, key HAVING COUNT(*) > 1"
            )
        ).all()
    assert duplicated == []  # one current row per record


# --------------------------------------------------------------------------- escaping


def test_a_script_name_from_the_store_is_escaped_in_popups_and_html_exports(db, editor):
    """End to end: stored text reaches the map popup and the HTML export escaped."""
    from geo.render import markers, views
    from geo.render.exports import formats

    payload = "<script>alert(1)</script>"
    result = db.register_cluster(
        editor,
        {
            "name_en": payload,
            "region_as_published": "RU-TA",
            "city": "Kazan",
            "source_doc": "registry",
            "source_ref": payload,
        },
    )
    assert result.ok, result.plan.issues
    data = sources.dataset_from_store(db)
    row = data.clusters.set_index("id").loc["CL-0001"].to_dict() | {"id": "CL-0001"}
    names = dict(zip(data.regions["code"], data.regions["name_en"], strict=True))
    popup = markers.popup_html(row, names)
    assert "&lt;script&gt;" in popup and "<script>alert" not in popup
    _, html, _ = formats.export_view(data, views.View("RU-TA"), "html")
    text = html.decode("utf-8")
    assert "alert(1)" in text and "<script>alert(1)" not in text


# --------------------------------------------------------------------------- command line


def run_cli(*argv: str) -> int:
    """``clustermap`` with only the store's subcommands (geo.cli wires the same ones)."""
    import argparse

    from geo.cli import store as cli_store

    parser = argparse.ArgumentParser(prog="clustermap")
    cli_store.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setenv(auth.ENV_EDITORS, f"bob:{auth.hash_password('pw', iterations=1000)}")
    monkeypatch.setenv("CLUSTERMAP_PASSWORD", "pw")
    monkeypatch.delenv("CLUSTERMAP_USER", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    return url


def test_cli_import_history_restore(cli_env, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(CLUSTER_HEADER + NEW_CLUSTER.replace(",12,", ",1x,"), encoding="utf-8")
    assert run_cli("import", "clusters", str(bad), "--user", "bob", "--format", "csv") == 2
    out = capsys.readouterr()
    assert "bad.csv,2,participants,'1x' is not a number" in out.out
    good = tmp_path / "good.csv"
    good.write_bytes((CLUSTER_HEADER + NEW_CLUSTER).encode("cp1251"))
    assert run_cli("import", "clusters", str(good)) == 3  # no user: refused
    assert "needs an editor" in capsys.readouterr().err
    assert run_cli("import", "clusters", str(good), "--user", "bob", "--dry-run") == 0
    assert "nothing written" in capsys.readouterr().out
    db = store.Store(cli_env)
    assert db.head() == 1
    assert run_cli("import", "clusters", str(good), "--user", "bob") == 0
    assert "version 2: 1 added" in capsys.readouterr().out
    assert run_cli("history", "--format", "csv") == 0
    history = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(history["version"]) == [2, 1] and history.loc[0, "author"] == "bob"
    assert run_cli("history", "1", "--records", "clusters") == 0
    assert capsys.readouterr().out == db.export("clusters", 1)
    assert run_cli("restore", "1", "--user", "bob") == 0
    assert db.state() == db.state(1) and db.head() == 3


def test_cli_import_problems_in_the_shells_language(cli_env, tmp_path, capsys, monkeypatch):
    """``clustermap`` in a Russian shell explains a refused import in Russian; the
    report's columns and the file, row and column it names stay as they are."""
    from geo.cli import commands as cli

    monkeypatch.setenv("CLUSTERMAP_LANG", "ru")
    bad = tmp_path / "bad.csv"
    bad.write_text(CLUSTER_HEADER + NEW_CLUSTER.replace(",12,", ",1x,"), encoding="utf-8")
    assert cli.main(["import", "clusters", str(bad), "--user", "bob", "--format", "csv"]) == 2
    out = capsys.readouterr()
    assert "ничего не импортировано: ошибок — 1" in out.err
    assert out.out.splitlines()[0] == "file,row,column,problem"
    assert "bad.csv,2,participants,«1x» — не число" in out.out
    assert store.Store(cli_env).head() == 1  # nothing written


def test_cli_hash_password_reads_stdin_when_not_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("pa55word\n"))
    assert run_cli("hash-password", "--user", "carol") == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("carol:pbkdf2_sha256$")
    assert auth.verify_password("pa55word", auth.parse_editors(line)["carol"])


def test_history_and_changes_for_display_in_russian(db, refs, editor):
    result = db.import_file(
        editor, parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs)
    )
    assert result.version == 2
    history = db.history()
    assert history.loc[0, "summary"] == (
        "import of clusters from new.csv (upsert): 1 added, 0 changed, 0 removed"
    )
    shown = store.localise_history(history, "ru")
    assert shown.loc[0, "summary"] == (
        "импорт записей «Кластеры» из new.csv (добавление и обновление): "
        "добавлено: 1, изменено: 0, удалено: 0"
    )
    assert shown.loc[0, "action"] == "импорт" and shown.loc[1, "action"] == "опубликованные данные"
    assert shown.loc[1, "summary"].startswith("опубликованные записи документов 001–003: добавлено")
    assert store.localise_history(history, "en").equals(history)  # stored English as it is
    assert db.history().equals(history)  # the store's own frame is unchanged
    assert set(db.changes_frame(2, "ru")["change"]) == {"добавлена"}
    table, shown = db.table("clusters", 2), db.table("clusters", 2, "ru")
    row = table.index[table["id"] == "CL-0100"][0]
    assert (table.loc[row, "intl_members"], shown.loc[row, "intl_members"]) == ("n/a", "н/д")
    assert shown.loc[row, "name_ru"] == "Тестовый кластер"  # data as stored
    assert db.table("clusters", 2, "en").equals(table)
    assert set(db.changes_frame(2)["change"]) == {"added"}


def test_a_summary_of_another_wording_is_shown_as_stored():
    assert store.summary_text("an old summary: 1 added", "ru") == "an old summary: 1 added"
    assert store.summary_text("edit of clusters PIC-01: 0 added, 1 changed, 0 removed", "ru") == (
        "правка записей «Кластеры»: PIC-01: добавлено: 0, изменено: 1, удалено: 0"
    )


# --------------------------------------------------------------------------- as of a moment


def test_version_at_a_moment_is_the_latest_created_at_or_before_it(db, refs, editor):
    db.import_file(editor, parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs))
    first, second = db.version(1), db.version(2)
    assert db.version_at(first.created_at) == first  # at the very instant: that version
    between = first.created_at + (second.created_at - first.created_at) / 2
    assert db.version_at(between) == first
    assert db.version_at(second.created_at) == second
    assert db.version_at(second.created_at + pd.Timedelta(days=3650)) == second
    naive_utc = second.created_at.replace(tzinfo=None)  # a naive moment is UTC
    assert db.version_at(naive_utc) == second
    moscow = second.created_at.astimezone(dt.timezone(dt.timedelta(hours=3)))
    assert db.version_at(moscow) == second  # the same instant in another offset
    with pytest.raises(KeyError, match="first version is of"):
        db.version_at(first.created_at - pd.Timedelta(seconds=1))


def test_version_at_of_an_empty_list_and_out_of_order_versions():
    t = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    assert "it is empty" in store.version_at([], t)
    hours = dt.timedelta(hours=1)
    # A clock set back between two writes: the higher version in force wins.
    assert store.version_at([(2, t - hours), (1, t - 2 * hours), (3, t + hours)], t) == 2


def test_a_read_only_store_reads_every_version_and_refuses_writes(db, url, refs, editor):
    db.import_file(editor, parsed("new.csv", CLUSTER_HEADER + NEW_CLUSTER, "clusters", refs))
    reader = store.Store(url, refs=refs, read_only=True)
    try:
        assert reader.head() == 2 and [v.id for v in reader.versions()] == [2, 1]
        assert "CL-0100" in reader.state()["clusters"]
        assert "CL-0100" not in reader.state(1)["clusters"]
        with pytest.raises(sa.exc.DBAPIError, match="read-only|readonly"):
            another = NEW_CLUSTER.replace("CL-0100", "CL-0101")
            reader.import_file(editor, parsed("x.csv", CLUSTER_HEADER + another, "clusters", refs))
        with pytest.raises(sa.exc.DBAPIError, match="read-only|readonly"):
            reader.remove(editor, "clusters", ["CL-0100"])
    finally:
        reader.dispose()
    assert db.head() == 2


def test_a_read_only_sqlite_store_never_creates_its_file(tmp_path, refs):
    path = tmp_path / "missing" / "store.db"
    reader = store.Store(f"sqlite:///{path}", refs=refs, read_only=True)
    with pytest.raises(sa.exc.OperationalError):
        reader.head()
    reader.dispose()
    assert not path.exists() and not path.parent.exists()


# --------------------------------------------------------------------------- start-up speed


def test_script_heads_are_the_heads_alembic_finds():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    assert store.script_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())


def test_script_heads_of_a_history_that_branches_and_merges(tmp_path):
    scripts = {
        "a.py": 'revision = "0001"\ndown_revision = None\n',
        "b.py": 'revision: str = "0002"\ndown_revision: str | None = "0001"\n',
        "c.py": "revision = '0003'\ndown_revision = '0001'\n",
    }
    for name, text in scripts.items():
        (tmp_path / name).write_text(text)
    assert store.script_heads(tmp_path) == {"0002", "0003"}
    (tmp_path / "d.py").write_text('revision = "0004"\ndown_revision = ("0002", "0003")\n')
    assert store.script_heads(tmp_path) == {"0004"}


def test_only_a_store_at_the_head_revision_skips_alembic(url, refs):
    fresh = store.Store(url, refs=refs)
    assert not fresh.at_head()  # no schema yet
    fresh.migrate()
    assert fresh.at_head()
    with fresh.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
    assert not fresh.at_head()
    fresh.dispose()


def test_opening_a_store_at_head_does_not_load_alembic(db, url):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from geo.registry import store\n"
        f"opened = store.Store.open({url!r})\n"
        "assert opened.head() == 1\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
