"""One truth (issue 15): every command reads the registry store by default, so a cluster
imported on the command line is listed by ``clustermap clusters`` and exported with its
region at once; ``--source published`` reads the shipped files; each says what it read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import commands as cli
from geo.registry import auth, store
from tests.test_store import CLUSTER_HEADER as HEADER  # the clusters file header

NEW = (
    "CL-0777,One truth test cluster,Кластер одной правды,Kazan,RU-TA,n/a,testing,n/a,n/a,12,"
    "n/a,n/a,n/a,n/a,n/a,registry,test file,\n"
)


@pytest.fixture
def shell(tmp_path, monkeypatch) -> Path:
    """A shell with its own SQLite store and one editor (bob), in an empty folder."""
    monkeypatch.setenv(store.ENV_DATABASE_URL, f"sqlite:///{tmp_path / 'truth.db'}")
    monkeypatch.setenv(auth.ENV_EDITORS, f"bob:{auth.hash_password('pw', iterations=1000)}")
    monkeypatch.setenv("CLUSTERMAP_PASSWORD", "pw")
    monkeypatch.setenv("CLUSTERMAP_LANG", "en")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def listed_ids(capsys, *argv: str) -> tuple[list[str], str]:
    """The ids ``clustermap clusters`` prints, and what it said on standard error."""
    assert cli.main(["clusters", *argv]) == 0
    out = capsys.readouterr()
    return list(pd.read_csv(io.StringIO(out.out))["id"]), out.err


def exported_ids(capsys, folder: Path) -> list[str]:
    """The cluster ids in the CSV export of Tatarstan (from the store, the default)."""
    target = folder / "ta.zip"
    assert cli.main(["export", "--territory", "RU-TA", "--format", "csv", "-o", str(target)]) == 0
    assert "registry store" in capsys.readouterr().err
    with zipfile.ZipFile(target) as archive:
        name = next(n for n in archive.namelist() if "cluster" in n and n.endswith(".csv"))
        table = pd.read_csv(archive.open(name), comment="#")
    return list(table["id"])


def test_an_imported_cluster_is_listed_and_exported_at_once(shell, capsys) -> None:
    before, said = listed_ids(capsys)
    assert "CL-0777" not in before and "registry store, version 1" in said
    new = shell / "new.csv"
    new.write_text(HEADER + NEW, encoding="utf-8")
    assert cli.main(["import", "clusters", str(new), "--user", "bob"]) == 0
    capsys.readouterr()
    after, said = listed_ids(capsys)
    assert set(after) == set(before) | {"CL-0777"}
    assert "registry store, version 2" in said
    assert "CL-0777" in exported_ids(capsys, shell)


def test_published_source_and_earlier_versions_do_not_show_it(shell, capsys) -> None:
    new = shell / "new.csv"
    new.write_text(HEADER + NEW, encoding="utf-8")
    assert cli.main(["import", "clusters", str(new), "--user", "bob"]) == 0
    capsys.readouterr()
    published, said = listed_ids(capsys, "--source", "published")
    assert "CL-0777" not in published and "published files as shipped" in said
    first, said = listed_ids(capsys, "--version", "1")
    assert "CL-0777" not in first and first == published
    assert "version 1" in said
