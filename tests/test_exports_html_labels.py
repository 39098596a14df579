"""Region labels of the HTML export in a real browser (``geo.render.cartography.weblabels``,
``weblabels.js``): after load and after zooming in, every region of the territory is
labelled or named in the page's "not labelled" line, and no two labels' boxes overlap.

The export is opened from disk (``file://``) in headless Chromium; without Chromium the
tests are skipped, unless ``CLUSTERMAP_REQUIRE_BROWSER=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from geo.analysis.dataset import Dataset
from geo.render import views
from geo.render.exports import formats

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CLUSTERMAP_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1"
NOW = datetime(2026, 1, 2, tzinfo=UTC)
STATE = """() => {
  const labels = [...document.querySelectorAll('.cm-region-label')].map(e => {
    const r = e.getBoundingClientRect();
    return {code: e.dataset.code, text: e.textContent, box: [r.left, r.top, r.right, r.bottom]};
  });
  const note = document.getElementById('cm-labels-note');
  return {labels, note: note.textContent, omitted: Number(note.dataset.omitted)};
}"""


@pytest.fixture(scope="module")
def page():
    try:
        from playwright import sync_api
    except ImportError:
        if REQUIRE:
            pytest.fail("CLUSTERMAP_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        if REQUIRE:
            pytest.fail(f"CLUSTERMAP_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        p = browser.new_page(viewport={"width": 1280, "height": 860})
        errors: list[str] = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.cm_errors = errors  # type: ignore[attr-defined]
        yield p
        browser.close()


def _open(page, data: Dataset, tmp_path: Path, territory: str, lang: str) -> None:
    _, payload, _ = formats.export_view(data, views.View(territory, lang=lang), "html", NOW)
    path = tmp_path / f"{territory}-{lang}.html"
    path.write_bytes(payload)
    page.goto(path.as_uri())
    page.wait_for_function("document.getElementById('cm-labels-note').dataset.omitted")


def _check(state: dict, regions: dict[str, str]) -> None:
    shown = {label["code"] for label in state["labels"]}
    assert shown <= set(regions)
    missing = [regions[code] for code in sorted(set(regions) - shown)]
    assert state["omitted"] == len(missing)
    for name in missing:  # every region without a label is named in the note
        assert name in state["note"]
    for a, b in itertools.combinations(state["labels"], 2):
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
        assert not (ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1), (a, b)


@pytest.mark.parametrize(("territory", "lang"), [("RU", "en"), ("Central", "ru")])
def test_html_labels_do_not_overlap_and_the_rest_are_listed(
    page, data: Dataset, tmp_path: Path, territory: str, lang: str
) -> None:
    _open(page, data, tmp_path, territory, lang)
    rv = views.resolve_view(data, views.View(territory, lang=lang))
    column = "name_ru" if lang == "ru" else "name_en"
    regions = dict(zip(rv.regions["code"], rv.regions[column], strict=True))
    first = page.evaluate(STATE)
    assert first["labels"], "no region is labelled"
    _check(first, regions)
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -300)  # zoom in: more room, more labels
    page.wait_for_timeout(1200)
    zoomed = page.evaluate(STATE)
    _check(zoomed, regions)
    if first["omitted"]:  # zooming in makes room: fewer regions are left unlabelled
        assert zoomed["omitted"] < first["omitted"]
    assert page.cm_errors == []
