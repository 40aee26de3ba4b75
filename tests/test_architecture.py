"""The house rules of newswatch's code, read from its import graph so they keep holding.

* No import cycle between modules (imports under ``if TYPE_CHECKING:`` are
  for type checkers only and do not count).
* No module over 600 lines, except generated ones.
* ``rules`` imports nothing else of newswatch; ``formats`` and ``schedule``
  know nothing of Scrapy; ``config`` imports only ``rules``, ``schedule``,
  ``errors`` and ``formats`` (for search URLs); ``storage`` knows nothing of Scrapy or Apprise; only
  ``notifier`` imports apprise.
* ``cli`` is option parsing and rendering over the Python API: it imports only
  ``app``, ``config``, ``errors``, ``browse``, ``demo`` and ``watch`` of newswatch.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newswatch"
GENERATED = {"newswatch.rules._ftschars"}
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(newswatch modules, top-level outside packages) that module ``name`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    is_package = path.name == "__init__.py"
    inside, outside = set(), set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.split(".")[0] == "newswatch" else outside).add(
                    alias.name if alias.name.split(".")[0] == "newswatch" else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if (node.module or "").split(".")[0] != "newswatch":
                    outside.add((node.module or "").split(".")[0])
                    continue
                base = node.module
            else:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                inside.add(candidate if candidate in modules else base)
    inside = {m for m in inside if m in modules and m != name}
    return inside, outside


def _graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = _modules()
    inside, outside = {}, {}
    for name, path in modules.items():
        inside[name], outside[name] = _imports(name, path, modules)
    return inside, outside


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_import_cycles_between_modules():
    inside, _ = _graph()
    # A package's __init__ re-exporting its own modules is its door, not a cycle.
    graph = {m: {d for d in deps if not (d.startswith(m + ".") and m == _room(m))} for m, deps in inside.items()}
    graph = {m: {d for d in deps if not (m.startswith(d + ".") and d == _room(d))} for m, deps in graph.items()}
    assert _cycles(graph) == []


def test_no_module_is_over_600_lines_except_generated_ones():
    long = {name: n for name, path in _modules().items()
            if name not in GENERATED and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


@pytest.mark.parametrize("room, allowed", [
    ("newswatch.rules", set()),
    ("newswatch.schedule", set()),
    ("newswatch.errors", set()),
    ("newswatch.formats", {"newswatch.rules", "newswatch.schedule", "newswatch.errors"}),
    # config builds a search source's URL with formats.search (formats' door loads nothing else).
    ("newswatch.config", {"newswatch.rules", "newswatch.schedule", "newswatch.errors", "newswatch.formats"}),
    ("newswatch.cli", {"newswatch.app", "newswatch.config", "newswatch.errors", "newswatch.browse",
                       "newswatch.demo", "newswatch.watch"}),
])
def test_each_room_imports_only_what_it_may(room, allowed):
    inside, _ = _graph()
    used = {_room(d) for m, deps in inside.items() if m == room or m.startswith(room + ".") for d in deps}
    assert used - {room} <= allowed


@pytest.mark.parametrize("room, forbidden", [
    ("newswatch.formats", {"scrapy", "twisted", "apprise"}),
    ("newswatch.schedule", {"scrapy", "twisted", "apprise"}),
    ("newswatch.storage", {"scrapy", "twisted", "apprise"}),
    ("newswatch.rules", {"scrapy", "twisted", "apprise", "sqlite_utils"}),
])
def test_pure_rooms_know_nothing_of_the_frameworks(room, forbidden):
    _, outside = _graph()
    used = set().union(*(libs for m, libs in outside.items() if m == room or m.startswith(room + ".")))
    assert used & forbidden == set()


def test_only_the_notifier_imports_apprise():
    _, outside = _graph()
    assert {m for m, libs in outside.items() if "apprise" in libs and not m.startswith("newswatch.notifier")} == set()
