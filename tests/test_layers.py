"""The package's layers, kept: imports point one way, and each outside world has one door.

docs/architecture.md describes the layers.  Every import counts, the lazy ones inside functions
and the ones only type checkers read included, since each is a dependency a reader must follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ledger_tool"
# Lower first; a unit may import its own modules and any unit of a lower rank, never a sibling.
RANK = {
    "exceptions": 0,
    "markdown": 1,
    "model": 2,
    "config": 2,
    "gitdirs": 2,
    "workspace": 3,
    "bound": 3,
    "files": 4,
    "lifecycle": 5,
    "merge": 5,
    "figures": 5,
    "gitlink": 5,
    "checks": 6,
    "ingest": 6,
    "agents": 6,
    "cli": 7,
    "__main__": 8,
}
# Each outside world enters through one place.
DOORS = {
    "click": ("cli",),
    "git": ("gitlink/",),  # gitpython
    "jinja2": ("files/templates.py",),
    "mcp": ("agents/server.py",),
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts == ("__init__",):
            continue
        yield parts[0], path


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _unit(dotted: str) -> str | None:
    """The unit of ledger_tool an import reaches (None for the package itself, or elsewhere)."""
    parts = dotted.split(".")
    if parts[0] != "ledger_tool" or len(parts) < 2 or parts[1] in ("__version__", "packaged"):
        return None
    return parts[1]


# Known breaks of the layering, each listed so that no new one comes in unseen: none is left.
KNOWN: set[str] = set()


def _known(found: str) -> bool:
    where, _, what = found.partition(" imports ")
    return any(k == f"{where.split(':')[0]} imports {what}"[: len(k)] for k in KNOWN)


def test_every_unit_has_a_rank() -> None:
    assert {unit for unit, _ in _modules()} <= RANK.keys()


def test_imports_point_one_way() -> None:
    wrong = []
    for unit, path in _modules():
        for line, dotted in _imports(path):
            target = _unit(dotted)
            if target is None or target == unit:
                continue
            if RANK[target] >= RANK[unit]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {dotted}")
    assert [w for w in wrong if not _known(w)] == []


@pytest.mark.parametrize("world", DOORS)
def test_each_outside_world_has_one_door(world: str) -> None:
    found = []
    for _, path in _modules():
        shown = path.relative_to(PACKAGE).as_posix()
        if shown.startswith(DOORS[world]):
            continue
        for line, dotted in _imports(path):
            if dotted == world or dotted.startswith(world + "."):
                found.append(f"{shown}:{line} imports {dotted}")
    assert [f for f in found if not _known(f)] == []


def test_no_import_cycles_inside_a_unit() -> None:
    graph: dict[str, set[str]] = {}
    for _, path in _modules():
        name = ".".join(("ledger_tool", *path.relative_to(PACKAGE).with_suffix("").parts))
        graph[name.removesuffix(".__init__")] = set()
        for _, dotted in _imports(path):
            graph[name.removesuffix(".__init__")].add(dotted)
    modules = set(graph)
    edges = {
        name: {m for m in modules for d in deps if d == m or d.startswith(m + ".")} - {name}
        for name, deps in graph.items()
    }
    edges = {
        name: {m for m in deps if not name.startswith(m + ".")} for name, deps in edges.items()
    }

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in edges[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in trail:
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for name in sorted(modules) if (c := cycle_from(name))]
    assert cycles == []


def test_only_the_cli_prints_and_reads_the_clock() -> None:
    found = []
    for unit, path in _modules():
        if unit in ("cli", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func)
            if called in ("print", "datetime.now", "time.time", "date.today", "datetime.today"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} calls {called}")
    assert found == []
