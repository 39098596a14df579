"""One set of rules, and round trips through the files a person opens in a spreadsheet.

* ``clustermap validate`` and ``clustermap import --dry-run`` give the same answer on the
  same file (before, ``validate`` refused the import's ``CL-NNNN`` ids, region codes and
  ``source_doc=registry``, which the import accepts);
* formulas are neutralised in every CSV a person may download (the store's export behind
  ``clustermap history --records`` and the History tab, the Registry page's rows), and an
  exported file imported back changes nothing: ``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``,
  ``+SUM(...)``, ``@SUM(A1)`` come back as the same text and ``-5`` stays the number -5.
"""

from __future__ import annotations

import csv
import io

import pytest

from geo.cli import commands
from geo.registry import importer
from geo.registry.store import Store
from geo.render.exports.formulas import FORMULA_PREFIXES, neutralise, safe_table
from tests.support import hostile_corpus as corpus, hostile_harness as harness

FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "@SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
)


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    """A seeded store of the test's own, as the command line's default."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).dispose()
    monkeypatch.setenv("CLUSTERMAP_DATABASE_URL", url)
    monkeypatch.setenv("CLUSTERMAP_LANG", "en")
    return url


def _answers(path, capsys) -> tuple[int, int, str, str]:
    """Exit status and output of ``validate PATH`` and ``import clusters PATH --dry-run``."""
    validated = commands.main(["validate", str(path)])
    validate_err = capsys.readouterr().err
    kind = "regional_indicators" if "indicator" in path.name else "clusters"
    dry = commands.main(["import", kind, str(path), "--dry-run", "--format", "json"])
    captured = capsys.readouterr()
    return validated, dry, validate_err, captured.out + captured.err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("new_id.csv", corpus.cluster_csv(id="CL-0042")),
        ("region_code.csv", corpus.cluster_csv(region_as_published="RU-TA")),
        ("registry_source.csv", corpus.cluster_csv(source_doc="registry")),
        ("indicator_code.csv", corpus.csv_bytes(corpus.rows("regional_indicators"))),
    ],
)
def test_validate_accepts_what_the_import_accepts(name, data, store_url, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(data)
    validated, dry, err, _out = _answers(path, capsys)
    assert (validated, dry) == (0, 0), err


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bad_region.csv", corpus.cluster_csv(region_as_published="Atlantis"), "Atlantis"),
        ("bad_source.csv", corpus.cluster_csv(source_doc="blog"), "blog"),
        ("bad_id.csv", corpus.cluster_csv(id="CL-\u200b0042"), "U+200B"),
        ("intl.csv", corpus.cluster_csv(participants="5", intl_members="9"), "participants"),
        ("huge.csv", corpus.cluster_csv(participants="1e20"), "too large"),
    ],
)
def test_validate_refuses_what_the_import_refuses(name, data, words, store_url, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(data)
    validated, dry, err, out = _answers(path, capsys)
    assert (validated, dry) == (2, 2)
    assert words in err and words in out
    assert f"{name}, row 2" in err


def test_1e20_is_a_number_that_is_too_large_not_not_a_number(store_url, tmp_path, capsys):
    path = tmp_path / "big.csv"
    path.write_bytes(corpus.cluster_csv(participants="1e20"))
    _validated, _dry, err, _out = _answers(path, capsys)
    assert "not a number" not in err and "'1e20' is too large" in err


# --------------------------------------------------------------------------- formulas


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _formula_store(url: str) -> Store:
    """The store with one cluster per formula (CL-0001..) in text columns, and the signed
    indicator (trade surplus) of one region at -5."""
    store = Store(url)
    table = [list(corpus.BASES["clusters"][0]) + ["notes", "name_ru"]]
    for number, formula in enumerate(FORMULAS, start=1):
        row = corpus.rows("clusters", id=f"CL-{number:04d}", name_en=formula)[1]
        table.append([*row, formula, FORMULAS[-number]])
    indicators = corpus.rows(
        "regional_indicators", indicator="trade_surplus_per_capita", value="-5"
    )
    for kind, data in (("clusters", table), ("regional_indicators", indicators)):
        parsed = importer.parse_bytes(f"{kind}.csv", corpus.csv_bytes(data), kind, store.refs)
        result = store.import_file(harness.editor(), parsed)
        assert result.ok, result.plan.issues
    return store


def test_the_store_export_is_formula_safe_and_imports_back_unchanged(store_url):
    """What ``clustermap history --records`` and the History tab's download write."""
    store = _formula_store(store_url)
    for kind in ("clusters", "regional_indicators"):
        text = store.export(kind)
        for row in _cells(text)[1:]:
            for cell in row:
                assert not cell.startswith(FORMULA_PREFIXES) or _is_number(cell), cell
        parsed = importer.parse_bytes(f"{kind}.csv", text.encode(), kind, store.refs)
        plan = importer.plan_import(parsed, store.state(), store.refs)
        assert plan.ok and not plan.changes, (plan.issues, plan.changes[:1])
    stored = store.state()["clusters"]
    assert {stored[f"CL-{n:04d}"].values["name_en"] for n in range(1, 6)} == set(FORMULAS)
    indicators = _cells(store.export("regional_indicators"))
    ours = [r for r in indicators if "trade_surplus_per_capita" in r and "survey" in r]
    assert [r[indicators[0].index("value")] for r in ours] == ["-5"]  # a number, as it was
    values = [e.values["value"] for e in store.state()["regional_indicators"].values()]
    assert -5 in values


def test_history_records_on_the_command_line_is_formula_safe(store_url, capsys):
    _formula_store(store_url)
    assert commands.main(["history", "--records", "clusters"]) == 0
    rows = _cells(capsys.readouterr().out)
    names = [row[rows[0].index("name_en")] for row in rows[1:]]
    assert set(FORMULAS) <= {name[1:] for name in names if name.startswith("'")}
    assert not [name for name in names if name.startswith(FORMULA_PREFIXES)]


def test_a_negative_number_stays_a_number_in_a_safe_table():
    import pandas as pd

    frame = pd.DataFrame({"name": ["=1+1", "-x", "ok"], "value": [-5, -1, 3]})
    rows = _cells(safe_table(frame, "csv"))
    assert rows[1:] == [["'=1+1", "-5"], ["'-x", "-1"], ["ok", "3"]]
    assert neutralise(-5) == -5


@pytest.mark.parametrize("text", [*FORMULAS, "'=already quoted", "plain", "-5", "- dash"])
def test_the_importer_reads_a_neutralised_cell_back(text, store_url):
    """A name written by the safe CSV (``'`` + formula) is read back as it was stored."""
    store = Store(store_url)
    written = neutralise(text)
    data = corpus.cluster_csv(id="CL-0007", name_en=str(written))
    parsed = importer.parse_bytes("back.csv", data, "clusters", store.refs)
    plan = importer.plan_import(parsed, store.state(), store.refs)
    assert plan.ok, plan.issues
    assert plan.changes[0].after.values["name_en"] == text


# --------------------------------------------------------------------------- the table in docs/


def test_docs_hostile_is_the_case_list():
    """docs/HOSTILE.md is written from the case list (``python -m tests.support.hostile_docs``)
    and names every case once."""
    from tests.support import hostile_docs

    text = hostile_docs.DOC.read_text(encoding="utf-8")
    assert text == hostile_docs.docs_table(), "run: python -m tests.support.hostile_docs"
    for case_id in corpus.all_case_ids():
        assert text.count(f"| `{case_id}` |") == 1, case_id
