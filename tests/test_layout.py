"""The shape of the ``geo`` package, read from its source with ``ast`` (nothing is imported).

``geo`` is split into stages, each a subpackage, in this order::

    base < data < analysis < render < registry < api < cli

Rules checked here, each failure naming the offending ``file:line``:

* **Stages.** A module imports only from its own stage or an earlier one. The stage of a
  module is the first subpackage under ``geo`` (so ``geo/registry/migrations/**`` is
  ``registry``); ``geo/__init__.py`` counts as ``base`` and ``geo/__main__.py`` as ``cli``.
  Imports under ``if TYPE_CHECKING:`` count too.
* **No cycles.** No cycle in the graph "module A imports module B" over geo modules (every
  import counts, wherever it is written).
* **No function-level import of a geo module**, with one exception: the command line may
  defer loading the code a command runs, for start-up speed. Precisely, an import written
  inside a function is allowed when

  - the file is under ``geo/cli/``, and
  - the function is defined at module level (not nested, not a method), and
  - every module it imports is of an earlier stage than ``cli`` (never ``geo.cli``: the
    command modules themselves are imported at the top of ``geo/cli/commands.py``).

* **No Streamlit** (``streamlit``, ``streamlit_folium``, …) imported anywhere in ``geo``,
  at any level: the pages are the only Streamlit code.
* **Function size.** No function in ``geo`` is longer than :data:`MAX_FUNCTION_LINES`
  lines (``def`` to last line, docstring included). ruff's ``PLR0915`` counts statements,
  which misses long functions made of a few big literals or calls (a 144-line function
  had fewer than 50 statements); lines are what a reader has to hold.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"

STAGES = ("base", "data", "analysis", "render", "registry", "api", "cli")
"""The stages, earliest first."""

MAX_FUNCTION_LINES = 60

LONG_FUNCTIONS_ALLOWED: dict[str, set[str]] = {}
"""Functions over the limit that this test tolerates for now, by folder prefix."""


def _tolerated(rel: str, name: str) -> bool:
    return any(
        rel.startswith(prefix) and name in names for prefix, names in LONG_FUNCTIONS_ALLOWED.items()
    )


@dataclass(frozen=True)
class Import:
    """One import statement's target: a geo module (or the ``streamlit`` family)."""

    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a package's name for its ``__init__``)
    path: str  # the importing file, relative to the project root
    line: int
    in_function: str | None  # the enclosing function's name, None at module level
    nested: bool  # the enclosing function is nested in a function or a class

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def geo_files() -> list[Path]:
    return sorted(GEO.rglob("*.py"))


@functools.cache
def known_modules() -> frozenset[str]:
    return frozenset(module_name(p) for p in geo_files())


def stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"  # geo/__init__.py: the package itself
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def _resolve(node: ast.ImportFrom, source: str, is_package: bool) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = source.split(".")
    if not is_package:
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _targets(node: ast.Import | ast.ImportFrom, source: str, is_package: bool) -> list[str]:
    """The modules an import statement loads, each as precisely as the source says:
    ``from geo.data import regions`` gives ``geo.data.regions`` when that is a module."""
    modules = known_modules()
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _resolve(node, source, is_package)
    found = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
    names_only = [a for a in node.names if f"{base}.{a.name}" not in modules]
    return found + ([base] if names_only or not found else [])


def imports_of(path: Path) -> list[Import]:
    source = module_name(path)
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None, nested: bool, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _targets(child, source, path.name == "__init__.py"):
                    found.append(Import(source, target, rel, child.lineno, function, nested))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = getattr(child, "name", "<lambda>")
                inner = function is not None or in_class
                visit(child, function or name, nested or inner, in_class)
            elif isinstance(child, ast.ClassDef):
                visit(child, function, nested, True)
            else:
                visit(child, function, nested, in_class)

    visit(tree, None, False, False)
    return found


def all_imports() -> list[Import]:
    return [imp for path in geo_files() for imp in imports_of(path)]


def geo_imports() -> list[Import]:
    modules = known_modules()
    return [imp for imp in all_imports() if imp.target in modules]


def _lazy_import_allowed(imp: Import) -> bool:
    """The command line's exception to "no function-level import" (see the module doc)."""
    return (
        imp.path.startswith("geo/cli/")
        and not imp.nested
        and STAGES.index(stage(imp.target)) < STAGES.index("cli")
    )


def test_every_geo_module_is_in_a_stage():
    unknown = sorted(
        m for m in known_modules() if m != "geo" and stage(m) not in STAGES and m != "geo.__main__"
    )
    assert unknown == [], f"modules outside the stages {STAGES}: {unknown}"


def test_no_module_imports_from_a_later_stage():
    bad = [
        f"{imp.where}: {imp.source} ({stage(imp.source)}) imports {imp.target} "
        f"({stage(imp.target)})"
        for imp in geo_imports()
        if STAGES.index(stage(imp.target)) > STAGES.index(stage(imp.source))
    ]
    assert bad == [], "imports from a later stage:\n" + "\n".join(bad)


def test_no_function_level_import_of_a_geo_module():
    bad = [
        f"{imp.where}: {imp.target} imported inside {imp.in_function}()"
        for imp in geo_imports()
        if imp.in_function is not None and not _lazy_import_allowed(imp)
    ]
    assert bad == [], "function-level imports of geo modules:\n" + "\n".join(bad)


def test_no_streamlit_in_geo():
    bad = [
        f"{imp.where}: imports {imp.target}"
        for imp in all_imports()
        if imp.target.split(".")[0].startswith("streamlit")
    ]
    assert bad == [], "Streamlit imported in geo:\n" + "\n".join(bad)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, as ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_one_and_only_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_between_geo_modules():
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for imp in geo_imports():
        if imp.target != imp.source:
            edges.setdefault(imp.source, set()).add(imp.target)
            where.setdefault((imp.source, imp.target), imp.where)
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle:\n" + "\n".join(
        f"{where[(a, b)]}: {a} imports {b}" for a, b in zip(cycle, cycle[1:], strict=False)
    )


def long_functions() -> list[tuple[str, str, int, int]]:
    """``(file, function, line, length)`` of every function over the limit."""
    found = []
    for path in geo_files():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append((rel, node.name, node.lineno, length))
    return found


def test_no_function_over_the_line_limit():
    bad = [
        f"{rel}:{line}: {name}() is {length} lines (limit {MAX_FUNCTION_LINES})"
        for rel, name, line, length in long_functions()
        if not _tolerated(rel, name)
    ]
    assert bad == [], "functions too long:\n" + "\n".join(bad)
