"""The hostile-input suite: a corpus of bad files, paths, output targets, options and URL
values fed to every entry point (``tests/support/hostile_corpus.py`` lists the cases and
their expected answers; ``tests/support/hostile_harness.py`` drives each entry point and
judges the answer; ``docs/HOSTILE.md`` is the table of cases).

Every test asserts the common rules (no traceback, exit status 2 for a refusal on the
command line, the store unchanged, nothing left behind, bounded messages) and the case's
own expected answer. The quick tier runs the issue's own cases at every entry point and
every case against the library; the rest (bombs, /dev/zero, FIFOs, the full URL matrix,
the odd-but-valid files at every entry point) are marked ``slow``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support import hostile_corpus as corpus, hostile_harness as harness
from tests.support.hostile_fixtures import mounts, reference, sandbox, template, warm

pytestmark = pytest.mark.usefixtures("warm")
__all__ = ["mounts", "reference", "sandbox", "template", "warm"]  # fixtures, used by name

SLOW = pytest.mark.slow


#: Cases run by default at every entry point (besides the library, which runs them all):
#: the issue's own, and one valid file per odd-but-valid family. The rest are --runslow.
CORE = {"ok_utf8", "ok_cp1251_semicolon_ru", "ok_utf16le_bom_tab", "ok_xlsx", "ok_geojson",
        "ok_formula_neutralised_read_back", "csv_single_line_10mb", "xlsx_truncated"}  # fmt: skip


def _params(cases, entry=None):
    out = []
    for case in cases:
        if entry is not None and entry not in case.entries:
            continue
        slow = getattr(case, "slow", False) or (
            entry not in (None, corpus.LIBRARY) and case.source != "issue" and case.id not in CORE
        )
        marks = [SLOW] if slow else []
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


def _finish(case_id: str, entry: str, problems: list[str], obs: harness.Observation,
            expected: str) -> None:  # fmt: skip
    """Fail with every broken rule, what was expected and what happened."""
    assert not problems, (
        f"{case_id} at {entry}: "
        + "; ".join(problems)
        + f"  [expected: {expected}; observed: {obs.summary()}]"
    )


# --------------------------------------------------------------------------- files: library


@pytest.mark.parametrize("case", _params(corpus.FILE_CASES, corpus.LIBRARY))
def test_library(case, reference, sandbox):
    refs, state = reference
    data = case.make()
    if case.isolate:
        obs = harness.library_in_child(case.name, data, case.kind, sandbox[1])
    else:
        obs = harness.run_library(case.name, data, case.kind, refs, state)
    problems = harness.check_no_crash(obs)
    if not problems:
        problems += harness.check_expect(case.expect, obs, case.name)
        if not case.expect.accepted and not obs.exception:
            problems += harness.check_russian(obs)
    _finish(case.id, corpus.LIBRARY, problems, obs, case.expect.summary())


# --------------------------------------------------------------------------- files: command line


def _cli_file(case, sandbox, entry: str) -> None:
    root, url = sandbox
    path = root / "input" / case.name
    path.write_bytes(case.make())
    if entry == corpus.CLI_VALIDATE:
        argv = ["validate", str(path)]
    elif entry == corpus.CLI_DRY_RUN:
        argv = ["import", case.kind, str(path), "--dry-run", "--format", "json"]
    else:
        argv = ["import", case.kind, str(path), "--user", "alice", "--format", "json"]
    _cli_run(case, entry, argv, path.name, case.expect, sandbox)


def _cli_run(case, entry, argv, file_name, expect, sandbox) -> None:
    root, url = sandbox
    before_store = harness.store_fingerprint(url)
    before_in = harness.folder_listing(root / "input")
    before_cwd = harness.folder_listing(root / "cwd")
    isolate = getattr(case, "isolate", False)
    obs = harness.run_cli(argv, db_url=url, cwd=root / "cwd", isolate=isolate, entry=entry)
    if entry == corpus.CLI_VALIDATE:  # the import's rules: the same answer as --dry-run
        obs.messages = harness.validate_messages(obs.stderr)
        obs.accepted = obs.code == 0
    else:
        obs.messages = harness.report_messages(obs.stdout)
        obs.accepted = obs.code == 0
        if entry == corpus.CLI_DRY_RUN and obs.code == 0:
            obs.values = harness.dry_run_values(obs.stdout)
    changed = expect.accepted and entry == corpus.CLI_IMPORT
    if changed and obs.code == 0:
        obs.values = harness.new_record_values(url, before_store)
    problems = harness.check_no_crash(obs)
    problems += harness.check_cli_code(obs, expect.accepted)
    if not problems or problems == [f"exit status {obs.code}, expected 2"]:
        problems += harness.check_expect(expect, obs, file_name)
    problems += harness.check_store(before_store, harness.store_fingerprint(url), changed=changed)
    problems += harness.check_left_behind(before_in, harness.folder_listing(root / "input"))
    problems += harness.check_left_behind(before_cwd, harness.folder_listing(root / "cwd"))
    shown = expect.summary() + (" (exit 0)" if expect.accepted else " (exit 2)")
    _finish(case.id, entry, problems, obs, shown)


@pytest.mark.parametrize("case", _params(corpus.FILE_CASES, corpus.CLI_VALIDATE))
def test_cli_validate(case, sandbox):
    _cli_file(case, sandbox, corpus.CLI_VALIDATE)


@pytest.mark.parametrize("case", _params(corpus.FILE_CASES, corpus.CLI_DRY_RUN))
def test_cli_dry_run(case, sandbox):
    _cli_file(case, sandbox, corpus.CLI_DRY_RUN)


@pytest.mark.parametrize("case", _params(corpus.FILE_CASES, corpus.CLI_IMPORT))
def test_cli_import(case, sandbox):
    _cli_file(case, sandbox, corpus.CLI_IMPORT)


# --------------------------------------------------------------------------- paths


PATH_PARAMS = [
    pytest.param(
        case,
        entry,
        id=f"{case.id}-{entry}",
        marks=[SLOW] if case.slow or case.source != "issue" and entry != corpus.CLI_DRY_RUN else [],
    )
    for case in corpus.PATH_CASES
    for entry in case.entries
]


@pytest.mark.parametrize(("case", "entry"), PATH_PARAMS)
def test_path(case, entry, sandbox):
    root, _url = sandbox
    arg = case.make(root / "input")
    if entry == corpus.CLI_VALIDATE:
        argv = ["validate", arg]
    elif entry == corpus.CLI_DRY_RUN:
        argv = ["import", "clusters", arg, "--dry-run", "--format", "json"]
    else:
        argv = ["import", "clusters", arg, "--user", "alice", "--format", "json"]
    _cli_run(case, entry, argv, os.path.basename(arg) or arg, case.expect, sandbox)


# --------------------------------------------------------------------------- export targets


def _kind_of(path: Path) -> str | None:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode):
        return "chardev"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "dir" if stat.S_ISDIR(mode) else "file"


def _target_leftovers(case, watched: list[Path], before: dict[str, dict[str, str]]) -> list[str]:
    """Nothing new in the watched folders but the export itself (when it is accepted)."""
    problems: list[str] = []
    for w in watched:
        after = harness.folder_listing(w)
        allowed = set()
        if case.expect.accepted:
            allowed = {p for p in after if p not in before[str(w)]}  # the export itself
            if case.written and case.written not in after:
                problems.append(f"{case.written} was not written")
        problems += harness.check_left_behind(before[str(w)], after, allowed)
    return problems


@pytest.mark.parametrize("case", _params(corpus.TARGET_CASES))
def test_export_target(case, sandbox, mounts):
    root, url = sandbox
    full, readonly = mounts
    if case.needs == "full" and full is None or case.needs == "readonly" and readonly is None:
        pytest.skip("needs root to mount a tmpfs")
    cwd = root / "cwd"
    box = corpus.Sandbox(cwd, full, readonly)
    target = case.make(box)
    target_path = Path(target) if os.path.isabs(target) else cwd / target
    watched = [cwd] + [
        m for m in (full, readonly) if m is not None and str(target).startswith(str(m))
    ]
    before = {str(w): harness.folder_listing(w) for w in watched}
    argv = ["export", "--format", case.fmt, "--territory", "RU-TA",
            "--exported-at", "2025-01-01T00:00:00Z", "-o", target]  # fmt: skip
    obs = harness.run_cli(argv, db_url=url, cwd=cwd, entry="cli_export")
    problems = harness.check_no_crash(obs)
    wrote_stdout = obs.code == 0 and len(obs.stdout) > 100
    if case.stdout_ok and wrote_stdout:
        pass  # writing the export to standard output is an acceptable answer
    else:
        problems += harness.check_cli_code(obs, case.expect.accepted)
        if not case.expect.accepted and obs.code != 0:
            problems += harness.check_expect(case.expect, obs, None)
    if case.keep and _kind_of(target_path) != case.keep:
        problems.append(f"the {case.keep} at -o was replaced by a {_kind_of(target_path)}")
    problems += _target_leftovers(case, watched, before)
    if case.id == "out_dash" and (cwd / "-").exists():
        problems.append("created a file named '-'")
    expected = case.expect.summary() + (" or the export on stdout" if case.stdout_ok else "")
    if case.keep:
        expected += f"; the {case.keep} is left as it is"
    _finish(case.id, "cli_export", problems, obs, expected)


# --------------------------------------------------------------------------- command options


@pytest.mark.parametrize("case", _params(corpus.OPTION_CASES))
def test_option(case, sandbox):
    root, url = sandbox
    (root / "input" / "ok.csv").write_bytes(corpus.cluster_csv())
    argv = [a.replace("{folder}", str(root / "input")) for a in case.argv]
    before_store = harness.store_fingerprint(url)
    before_in = harness.folder_listing(root / "input")
    obs = harness.run_cli(argv, db_url=url, cwd=root / "cwd", stdin=case.stdin, env=case.env,
                          entry="cli_option")  # fmt: skip
    problems = harness.check_no_crash(obs)
    problems += harness.check_cli_code(obs, case.expect.accepted, case.code)
    if obs.code not in (0, None) or not problems:
        obs.messages = [line for line in obs.stderr.splitlines() if line.strip()]
        problems += harness.check_expect(case.expect, obs, None)
    if obs.code == 0 and not case.expect.accepted:
        problems.append("ran as if the value were fine")
    problems += harness.check_store(before_store, harness.store_fingerprint(url), changed=False)
    problems += harness.check_left_behind(before_in, harness.folder_listing(root / "input"))
    problems += harness.check_left_behind({}, harness.folder_listing(root / "cwd"))
    _finish(case.id, "cli_option", problems, obs, case.expect.summary() + f" (exit {case.code})")


# --------------------------------------------------------------------------- upload (AppTest)


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize("case", _params(corpus.FILE_CASES, corpus.UPLOAD))
def test_upload(case, role, sandbox, monkeypatch):
    """The Import page as a viewer who is not signed in, and as a signed-in editor (who
    sees the same refusal, and for a valid file the import button, not pressed here)."""
    root, url = sandbox
    monkeypatch.setenv("CLUSTERMAP_DATABASE_URL", url)
    for key, value in harness.editors_env().items():
        monkeypatch.setenv(key, value)
    before = harness.store_fingerprint(url)
    data = case.make()
    signed_in = role == "editor"
    if case.isolate:
        obs = harness.upload_in_child(case.name, data, case.kind, signed_in)
    else:
        obs = harness.run_upload(case.name, data, case.kind, signed_in=signed_in)
    problems = harness.check_no_crash(obs)
    if not problems:
        problems += harness.check_expect(case.expect, obs, case.name)
    problems += harness.check_store(before, harness.store_fingerprint(url), changed=False)
    _finish(f"{case.id} as {role}", corpus.UPLOAD, problems, obs, case.expect.summary())


# --------------------------------------------------------------------------- URL parameters

PAGES = tuple(corpus.page_keys())


def _url_params():
    keys = corpus.page_keys()
    out = []
    for case in corpus.URL_CASES:
        if case.query is None:  # one value for every key a page reads
            pages = [p for p in PAGES if keys[p]]
        elif set(case.query) & set(corpus.COMMON_KEYS):
            pages = ["(entry)"]  # read by streamlit_app.py, which switch_page skips
        elif "unit" in case.query:
            pages = ["compare"]
        else:
            pages = list(PAGES)
        for page in pages:
            fast = page in ("(entry)", "map")
            marks = [] if fast and not case.slow else [SLOW]
            out.append(pytest.param(case, page, id=f"{case.id}-{page}", marks=marks))
    return out


def _needle(value) -> str:
    """What of a hostile value a message must show: its last value (the one a page
    reads), up to the first control character, at most 12 characters."""
    last = value[-1] if isinstance(value, list) else value
    printable = harness.CONTROL.split(last)
    core = max(printable, key=len) if printable else ""
    return core[:12]


@pytest.mark.parametrize(("case", "page"), _url_params())
def test_url(case, page, sandbox, monkeypatch):
    root, url = sandbox
    monkeypatch.setenv("CLUSTERMAP_DATABASE_URL", url)
    keys = corpus.page_keys()
    if case.query is not None:
        query = dict(case.query)
        if "lang" not in query:
            query["lang"] = "en"
        checked = [k for k in query if k in corpus.COMMON_KEYS or k in keys.get(page, ())]
    else:
        query = {"lang": "en", **{k: case.value for k in keys[page]}}
        checked = [k for k in keys[page] if k not in corpus.FREE_KEYS]
    obs = harness.run_url(
        "map" if page == "(entry)" else page, query, through_entry=page == "(entry)"
    )
    problems = harness.check_no_crash(obs)
    if not obs.exception and not obs.extra.get("titles"):
        problems.append("the page shows no title")
    shown = obs.extra.get("alerts", [])
    everything = obs.texts
    values = [v for v in query.values()]
    flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
    for text in everything:
        bad = [c for c in harness.CONTROL.findall(text) if any(c in v for v in flat)]
        if bad:
            problems.append(f"shows a raw control character U+{ord(bad[0]):04X} from the URL")
            break
    longest = max((len(t) for t in shown), default=0)
    if longest > 2000:
        problems.append(f"a message of {longest:,} characters (echoes the URL)")
    if case.name_it and checked and not obs.exception:
        if case.query is not None:
            needles = list(case.named)
        else:
            needles = [_needle(query[k]) for k in checked]
        alerts_text = "\n".join(shown).replace("\\", "")
        missing = [n for n in needles if n and n not in alerts_text]
        if missing:
            problems.append(
                f"no message names the ignored value '{harness._short(missing[0], 20)}'"
            )
    obs.extra["note"] = f"{len(shown)} message(s)" + (
        f": {harness._short(shown[0], 100)}" if shown else ""
    )
    expected = (
        "page runs, no traceback; ignored values named (escaped, shortened)"
        if case.name_it
        else "page runs, no traceback; unknown keys ignored silently"
    )
    _finish(f"{case.id}@{page}", "url", problems, obs, expected)


# ------------------------------------------------------------- downloads (formula injection)


@pytest.fixture(scope="module")
def formula_store(template, tmp_path_factory):
    """A store whose clusters CL-0001... are named with the formulas of corpus.FORMULAS
    (imported as an editor: names are data and the importer accepts them)."""
    from geo.registry import importer
    from geo.registry.store import Store

    url = harness.copy_store(template, tmp_path_factory.mktemp("formula"))
    store = Store(url)
    editor = harness.editor()
    parsed = importer.parse_bytes("formulas.csv", corpus.formula_csv(), "clusters", store.refs)
    result = store.import_file(editor, parsed)
    assert result.ok and result.version == 2, result.plan.issues
    store.dispose()
    return url


def _download(target: str, url: str, tmp_path) -> tuple[bytes | None, str]:
    """The bytes a person downloads from ``target`` (corpus.DOWNLOADS) and their format."""
    from geo.registry.sources import dataset_from_store
    from geo.registry.store import Store
    from geo.render import views
    from geo.render.exports import formats

    if target == "cli_history_records":
        obs = harness.run_cli(["history", "--records", "clusters"], db_url=url, cwd=tmp_path)
        return obs.stdout.encode(), "csv"
    if target in ("export_csv_zip", "export_xlsx"):
        fmt = "csv" if target == "export_csv_zip" else "xlsx"
        data = dataset_from_store(Store(url))
        _name, payload, _mime = formats.export_view(data, views.View(), fmt)
        return payload, "zip" if fmt == "csv" else "xlsx"
    from streamlit.testing.v1 import AppTest

    spy = harness.DownloadSpy()
    with spy.active():
        at = AppTest.from_file(harness.APP, default_timeout=harness.TIMEOUT)
        at.query_params["lang"] = "en"
        page = "import_data" if target == "history_download" else "registry"
        at.run()  # st.navigation knows the import page (URL path /import) after a run
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    wanted = "clusters_v2.csv" if target == "history_download" else "cluster_registry.csv"
    found = [data for name, _mime, data in spy.files if name == wanted]
    return (found[-1] if found else None), "csv"


@pytest.mark.parametrize("target", list(corpus.DOWNLOADS))
def test_download_neutralises_formulas(target, formula_store, tmp_path, monkeypatch, reference):
    from geo.registry import importer

    monkeypatch.setenv("CLUSTERMAP_DATABASE_URL", formula_store)
    data, fmt = _download(target, formula_store, tmp_path)
    obs = harness.Observation("download")
    problems: list[str] = []
    if data is None:
        problems.append("no download found")
    elif fmt == "xlsx":
        found = harness.xlsx_formula_cells(data)
        if found:
            problems.append(f"{len(found)} formula cell(s) in the workbook")
        obs.extra["note"] = f"{len(found)} formula cells"
    else:
        cells = harness.zip_csv_cells(data) if fmt == "zip" else harness.csv_cells(data)
        bad = harness.dangerous_cells(cells)
        raw = [f for f in corpus.FORMULAS if any(f in row for row in cells)]
        if bad:
            problems.append(f"{len(bad)} cell(s) a spreadsheet runs, e.g. {bad[0]!r}")
        obs.extra["note"] = (
            f"cells starting =,+,-,@ unescaped: {len(bad)} ({', '.join(map(repr, raw[:3]))})"
        )
        if target in ("cli_history_records", "history_download") and not bad:
            # neutralised cells must read back as the stored text: importing the download
            # changes nothing
            refs, _state = reference
            from geo.registry.store import Store

            store = Store(formula_store)
            parsed = importer.parse_bytes("download.csv", data, "clusters", refs)
            plan = importer.plan_import(parsed, store.state(), refs)
            if plan.changes or plan.issues:
                problems.append(f"re-importing the download changes {len(plan.changes)} record(s)")
    expected = "every formula cell neutralised ('=…) and read back unchanged on import"
    _finish(f"formulas@{target}", "download", problems, obs, expected)
