"""The ``clustermap`` command line, run as a user runs it."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

import pandas as pd
import pytest

from geo.analysis.dataset import CLUSTER_COLUMNS
from geo.base.paths import records_dir
from geo.cli import commands as cli
from geo.cli.commands import main
from geo.cli.data import REGION_COLUMNS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_regions_csv(capsys):
    status, out, _ = run(capsys, "regions", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == REGION_COLUMNS
    assert len(table) == 85
    moscow = table.set_index("code").loc["RU-MOW"]
    assert (moscow["name_en"], moscow["name_ru"], moscow["type"]) == (
        "Moscow",
        "Москва",
        "federal city",
    )


def test_clusters_csv(capsys):
    status, out, _ = run(capsys, "clusters", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    # a file one may import back: the member counts as the exports write them
    counts = ["participants", "participants_basis", "participants_reported",
              "participants_listed", "intl_members", "intl_members_reported",
              "intl_members_listed"]  # fmt: skip
    at = CLUSTER_COLUMNS.index("participants")
    assert list(table.columns) == [*CLUSTER_COLUMNS[:at], *counts, *CLUSTER_COLUMNS[at + 1 :]]
    assert len(table) == 30
    assert set(table["participants_basis"]) <= {"as reported", "members listed"}
    kamsk = table.set_index("id").loc["PIC-20"]
    assert kamsk["region_code"] == "RU-TA"
    assert kamsk["mne_count"] == 6
    assert kamsk["org_level"] == "not reported"  # never invented
    _, terminal, _ = run(capsys, "clusters", "--format", "md")
    assert "participants" in terminal and "participants_basis" not in terminal  # kept short


def test_validate_good_and_bad_files(capsys, tmp_path):
    shipped = records_dir() / "clusters.csv"
    status, out, _ = run(capsys, "validate", str(shipped))
    assert status == 0 and "ok" in out
    good = shipped.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "clusters.csv"
    bad.write_text("\n".join([good[0], good[1].replace(",1.2,", ",1.2x,")]) + "\n")
    status, _, err = run(capsys, "validate", str(bad))
    assert status == 2  # a refusal, as a refused import
    assert "clusters.csv, row 2, column 'export_bln_rub'" in err
    assert "1.2x" in err


def test_indices_and_scenarios(capsys):
    status, out, _ = run(capsys, "indices", "--table", "clusters", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert set(table.loc[table["flag"], "id"]) == {"PIC-08", "PIC-14"}
    assert {"recomputed", "published", "difference", "flag"} <= set(table.columns)
    status, out, _ = run(capsys, "scenarios", "--format", "md")
    assert status == 0 and "| supported |" in out


def test_bad_weights_are_a_clear_error(capsys):
    status, _, err = run(capsys, "indices", "--weights", "nonsense=1")
    assert status == 2
    assert "unknown indicator 'nonsense'" in err


@pytest.mark.slow  # a cold start of the command line in a new interpreter
@pytest.mark.parametrize("argv", [["-m", "geo", "regions"]])
def test_python_dash_m_geo(argv):
    done = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.startswith("code,name_en,name_ru")


# --- language (issue 9) -------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each option's help text, by its first option string or destination."""
    return {(a.option_strings or [a.dest])[0]: a.help for a in parser._actions if a.help}


def test_every_help_text_is_translated() -> None:
    """Each command's description and each option's help differ between English and
    Russian (a forgotten ``_()`` leaves the English text in the Russian help), and the
    command and option names are the same (scripts use them)."""
    en, ru = cli.build_parser("en"), cli.build_parser("ru")
    assert _helps(en).keys() == _helps(ru).keys()
    english_commands, russian_commands = _subparsers(en), _subparsers(ru)
    assert english_commands.keys() == russian_commands.keys()
    untranslated = []
    for name, english in english_commands.items():
        russian = russian_commands[name]
        assert _helps(english).keys() == _helps(russian).keys(), name
        for option, text in _helps(english).items():
            if _helps(russian)[option] == text:
                untranslated.append(f"{name} {option}: {text}")
    assert untranslated == []


def test_help_in_russian_and_english() -> None:
    english = cli.build_parser("en").format_help()
    assert english.startswith("usage: clustermap")
    assert "list the regions" in english and "show this help message and exit" in english
    assert not any("а" <= ch <= "я" for ch in english.lower())
    russian = cli.build_parser("ru").format_help()
    assert russian.startswith("использование: clustermap")
    assert "список регионов" in russian and "показать эту справку и выйти" in russian
    export = cli.build_parser("ru")._subparsers._group_actions[0].choices["export"]
    assert "фильтры (повторите параметр" in export.format_help()


def test_language_comes_from_the_environment(monkeypatch, capsys) -> None:
    monkeypatch.setenv("CLUSTERMAP_LANG", "ru")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["export", "--format", "png"])
    assert exit_info.value.code == 2
    assert "clustermap export: ошибка:" in capsys.readouterr().err
    monkeypatch.setenv("CLUSTERMAP_LANG", "en")
    with pytest.raises(SystemExit):
        cli.main(["export", "--format", "png"])
    assert "clustermap export: error:" in capsys.readouterr().err


def test_a_message_of_a_command_in_russian(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("CLUSTERMAP_LANG", "ru")
    missing = tmp_path / "no-such-folder" / "map.png"
    status = cli.main(["export", "--format", "png", "-o", str(missing)])
    assert status == 2
    assert "clustermap: ошибка: не удаётся записать «" in capsys.readouterr().err
    assert not missing.parent.exists()
