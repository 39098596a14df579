"""Layout of every page at a phone, a laptop and a wide screen: nothing runs off the side,
no table is cut to one column, no metric is cut.

For each page of ``ui.navigation.PAGES``, width (375, 1280 and 1920 px, 900 px high) and
language (Russian, whose words are longer, at every width; English at 1280 px; both at
1400 px for the cluster profile, where "Members" once showed one column) the test saves a
screenshot ``<page>-<lang>-<width>.png`` in a temporary folder (or
``CLUSTERMAP_A11Y_REPORT_DIR``; never in the repository) and fails when

* the page body scrolls sideways (``scrollingElement.scrollWidth > clientWidth``), or
  Streamlit's main scroll container does;
* a visible element's right edge is past the viewport and no ancestor clips it (an
  element inside a scroll box, e.g. a wide table that scrolls, is fine);
* a metric's value or label is cut without its full text on hover (a metric with a
  ``help`` tooltip may shorten, one without may not);
* a table shows only its first column of several.

The measured numbers are written to ``layout-<page>-<lang>-<width>.json`` next to them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support import browser_pages as bp
from tests.support.browser_pages import PAGE_PATHS, new_page, open_app_page, page_url

pytestmark = pytest.mark.browser
sync_api, app_url, browser = bp.sync_api, bp.app_url, bp.browser  # the shared fixtures

WIDTHS = (375, 1280, 1920)
HEIGHT = 900

_MEASURE_JS = """() => {
  const vw = document.documentElement.clientWidth, tol = 1;
  const se = document.scrollingElement;
  const out = {viewport: vw, doc: {scrollWidth: se.scrollWidth, clientWidth: se.clientWidth},
               scrollers: [], beyond: [], cutMetrics: [], scrollingTables: []};
  const label = e => {
    const id = e.closest('[data-testid]');
    const t = (e.innerText || e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return (id ? id.dataset.testid + ' ' : '') + e.tagName.toLowerCase() +
      (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') +
      (t ? ' "' + t + '"' : '');
  };
  for (const id of ['stMain', 'stAppViewContainer', 'stMainBlockContainer']) {
    const e = document.querySelector(`[data-testid='${id}']`);
    if (e && e.scrollWidth > e.clientWidth + tol && getComputedStyle(e).overflowX !== 'hidden') {
      out.scrollers.push({id, scrollWidth: e.scrollWidth, clientWidth: e.clientWidth});
    }
  }
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + tol) {
        return true;
      }
    }
    return false;
  };
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  const sidebarOpen = sidebar && sidebar.getAttribute('aria-expanded') === 'true';
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= vw + tol) { continue; }
    const s = getComputedStyle(e);
    if (s.visibility === 'hidden' || s.position === 'fixed') { continue; }
    if (!sidebarOpen && sidebar && sidebar.contains(e)) { continue; }
    if (clipped(e)) { continue; }
    // only the outermost offender of a subtree
    if (out.beyond.length && out.beyond[out.beyond.length - 1].el.contains(e)) { continue; }
    out.beyond.push({el: e, right: Math.round(r.right), label: label(e)});
  }
  out.beyond = out.beyond.map(b => ({right: b.right, label: b.label}));
  // A cut metric is forgiven only when hovering it shows its whole text (a title).
  const hover = (m, text) => [...m.closest("[data-testid='stMetric']").querySelectorAll(
    '[title]')].some(e => e.getAttribute('title').includes(text));
  for (const m of document.querySelectorAll("[data-testid='stMetricValue']")) {
    const inner = m.querySelector('div') || m;
    if (inner.scrollWidth > inner.clientWidth + tol) {
      const text = m.innerText.trim();
      out.cutMetrics.push({text, shown: inner.clientWidth, needs: inner.scrollWidth,
                           hover: hover(m, text)});
    }
  }
  // A metric's label is cut with an ellipsis inside a box that shrinks to what is left, so
  // its scrollWidth says nothing: measure the text in its own font instead.
  const ctx = document.createElement('canvas').getContext('2d');
  for (const m of document.querySelectorAll("[data-testid='stMetricLabel']")) {
    const box = [...m.querySelectorAll('div')].find(
      d => getComputedStyle(d).textOverflow === 'ellipsis');
    if (!box) { continue; }
    const text = box.innerText.trim(), s = getComputedStyle(box.querySelector('p') || box);
    ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const needs = Math.ceil(ctx.measureText(text).width);
    if (needs > box.clientWidth + tol) {
      out.cutMetrics.push({label: text, shown: box.clientWidth, needs, hover: hover(m, text)});
    }
  }
  for (const t of document.querySelectorAll("[data-testid='stDataFrame']")) {
    const sc = t.querySelector('.dvn-scroller');
    const grid = t.querySelector('table[aria-colcount]');
    if (sc && grid && sc.scrollWidth > sc.clientWidth + tol) {
      const heads = [...t.querySelectorAll('th, [role=columnheader]')].map(h => h.innerText.trim());
      out.scrollingTables.push({columns: +grid.getAttribute('aria-colcount'),
                                visible: heads.slice(0, 8), shown: sc.clientWidth,
                                needs: sc.scrollWidth});
    }
  }
  return out;
}"""


def measure_layout(page) -> dict:
    """What runs off the side, what scrolls, which metrics and tables are cut."""
    return page.evaluate(_MEASURE_JS)


CASES = (
    [(name, "ru", width) for name in PAGE_PATHS for width in WIDTHS]
    + [(name, "en", 1280) for name in PAGE_PATHS]
    + [("cluster", lang, 1400) for lang in ("ru", "en")]
)


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("CLUSTERMAP_A11Y_REPORT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("layout")
    path.mkdir(parents=True, exist_ok=True)
    return path


def problems_of(found: dict) -> list[str]:
    """The failures among the measurements of :func:`measure_layout`."""
    problems = []
    doc = found["doc"]
    if doc["scrollWidth"] > doc["clientWidth"] + 1:
        problems.append(f"the page scrolls sideways: {doc}")
    problems += [f"main area scrolls sideways: {s}" for s in found["scrollers"]]
    problems += [f"past the right edge ({b['right']} px): {b['label']}" for b in found["beyond"]]
    problems += [f"metric cut: {m}" for m in found["cutMetrics"] if not m.get("hover")]
    # A table may scroll sideways (the registry has 20 columns, and a cell never wraps),
    # but never show only its first column.
    for table in found["scrollingTables"]:
        if len(table["visible"]) <= 1 < table["columns"]:
            problems.append(f"table shows only its first column: {table}")
    return problems


@pytest.mark.parametrize(("name", "lang", "width"), CASES)
def test_nothing_runs_off_the_side(browser, app_url, report_dir, name, lang, width):
    page = new_page(browser, width, HEIGHT, lang)
    try:
        open_app_page(page, page_url(app_url, name, lang), is_map=name == "map")
        page.screenshot(path=str(report_dir / f"{name}-{lang}-{width}.png"))
        found = measure_layout(page)
    finally:
        page.context.close()
    (report_dir / f"layout-{name}-{lang}-{width}.json").write_text(
        json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    problems = problems_of(found)
    assert not problems, f"{name} ({lang}, {width} px):\n  " + "\n  ".join(problems)
