"""What ``clustermap`` loads to start a command: only what the command needs.

Each command runs in a fresh interpreter and reports the modules it imported. These are
not timing assertions (speed is measured by ``benchmarks/bench_cli.py``); they keep the
heavy libraries (the map, export and classification machinery, the database layer) off
the start-up of the commands that do not use them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.cli import data as cli_data
from geo.registry import sources

PROBE = """
import contextlib, io, json, sys
from geo.cli.commands import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        status = main(sys.argv[1:])
    except SystemExit as exit:
        status = exit.code
print(json.dumps({"status": status, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""

MAP_AND_EXPORTS = {"matplotlib", "folium", "branca", "mapclassify", "scipy", "sklearn", "streamlit"}
GEOMETRY = {"geopandas", "shapely", "pyogrio", "pyproj"}
DATABASE = {"sqlalchemy", "alembic"}


def imported_by(*argv: str) -> set[str]:
    """The top-level packages ``clustermap ARGV`` imports (it must succeed)."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0
    return set(report["modules"])


def test_help_imports_no_library_of_any_command():
    loaded = imported_by("--help")
    heavy = MAP_AND_EXPORTS | GEOMETRY | DATABASE | {"pandas", "numpy", "pydantic", "babel"}
    assert loaded & heavy == set()


@pytest.mark.parametrize("resolution", ["web", "detailed"])
def test_regions_reads_attributes_without_geometry_or_database(resolution):
    loaded = imported_by("regions", "--resolution", resolution)
    assert "pandas" in loaded  # the table itself
    assert loaded & (MAP_AND_EXPORTS | GEOMETRY | DATABASE | {"pydantic"}) == set()


@pytest.mark.parametrize("command", ["clusters", "scenarios", "indices", "joins"])
def test_listings_import_no_map_or_export_machinery(command):
    assert imported_by(command, "--source", "published") & MAP_AND_EXPORTS == set()


def test_clusters_from_a_store_at_head_do_not_load_alembic():
    imported_by("clusters")  # creates and seeds the test session's store if needed
    loaded = imported_by("clusters")
    assert "sqlalchemy" in loaded
    assert loaded & (MAP_AND_EXPORTS | {"alembic"}) == set()


def test_the_parsers_source_choices_are_the_registrys_sources():
    assert cli_data.SOURCE_CHOICES == sources.SOURCES
