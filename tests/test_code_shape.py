"""The code's shape: imports run one way, no file over 500 lines, no function over 80.

Measured over ``src/`` with ``ast``, so the numbers are the code's, not a linter's setting.
The import graph holds every ``import`` and ``from ... import`` of the package, those inside
functions included (a lazy import that closes a cycle is still a cycle); ``make lint`` runs
this file too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "munro_data"
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80

# Functions another branch of issue 26 is shortening (the charts' shared settings move into one
# plotly template there). Each entry must still be too long: once it is not, remove it here.


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def function_lengths(root: Path) -> dict[str, int]:
    """``file:Class.function`` -> lines from ``def`` to its last line, for every function."""
    lengths: dict[str, int] = {}

    def walk(node: ast.AST, file: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                lengths[f"{file}:{name}"] = child.end_lineno - child.lineno + 1
                walk(child, file, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, file, prefix + child.name + ".")
            else:
                walk(child, file, prefix)

    for path in python_files(root):
        walk(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(root).as_posix(), "")
    return lengths


def file_lengths(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in python_files(root)
    }


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root`` by dotted name (a package by its own name)."""
    modules = {}
    for path in python_files(root / package):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    """module -> {module it imports: line of the first such import}, inside ``package`` only.

    ``from X import name`` is an import of the module ``X.name`` when there is one, else of
    ``X``; relative imports are resolved against the importing module's package.
    """
    modules = module_files(root, package)
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                if target in modules and target != name:
                    graph[name].setdefault(target, node.lineno)
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through each group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components.
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, set(group), group[0]) for group in groups]


def _cycle_in(graph: dict[str, dict[str, int]], group: set[str], start: str) -> list[str]:
    """A shortest path from ``start`` back to itself within ``group`` (breadth first)."""
    paths = {target: [start, target] for target in graph[start] if target in group}
    while start not in paths:
        paths = {
            target: path + [target]
            for node, path in sorted(paths.items())
            for target in graph[node]
            if target in group and target not in path[1:]
        } | {k: v for k, v in paths.items() if k == start}
    return paths[start]


def describe(graph: dict[str, dict[str, int]], cycle: list[str], root: Path) -> str:
    """``a (a.py:12) -> b (b.py:3) -> a``: each step with the line that imports the next."""
    files = module_files(root, cycle[0].split(".")[0])
    steps = []
    for node, target in zip(cycle, cycle[1:], strict=False):
        shown = files[node].relative_to(root).as_posix()
        steps.append(f"{node} ({shown}:{graph[node][target]})")
    return " -> ".join(steps + [cycle[-1]])


def test_no_import_cycle_in_the_package() -> None:
    graph = import_graph(SRC, PACKAGE)
    assert len(graph) > 30 and sum(map(len, graph.values())) > 50  # It did read the package.
    cycles = [describe(graph, cycle, SRC) for cycle in import_cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


# The validator's layers, lowest first: a module imports only from layers below its own, and
# from outside the subpackage only where the data lives (``_package``) and ``provenance``.
VALIDATION_LAYERS = [
    {"problems", "limits", "patterns"},
    {"descriptor_terms"},
    {"descriptor"},
    {"records"},
    {"cells"},
    {"tables"},
    {"cross_table", "codebook", "meaning"},
    {"package"},
    {""},  # The subpackage's __init__, which names the public surface.
]
VALIDATION_MAY_USE = {"munro_data._package", "munro_data.provenance"}


def test_the_validation_layers_import_only_downwards() -> None:
    graph = import_graph(SRC, PACKAGE)
    prefix = "munro_data.validation"
    layer = {
        f"{prefix}.{name}".rstrip("."): level
        for level, names in enumerate(VALIDATION_LAYERS)
        for name in names
    }
    inside = {m for m in graph if m == prefix or m.startswith(prefix + ".")}
    assert inside == set(layer), "each module of validation/ has its place in VALIDATION_LAYERS"
    wrong = [
        f"{module} imports {target} ({module_files(SRC, PACKAGE)[module].name}:{line})"
        for module in sorted(inside)
        for target, line in sorted(graph[module].items())
        if (target in layer and layer[target] >= layer[module])
        or (target not in layer and target not in VALIDATION_MAY_USE)
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_cycle_check_finds_a_cycle_through_a_lazy_relative_import(tmp_path: Path) -> None:
    """A fake package whose modules close a cycle inside a function, three levels apart."""
    pkg = tmp_path / "fake"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import run\n")
    (pkg / "a.py").write_text("from .sub import b\n\nrun = b.go\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("import fake.sub.c\n\ngo = None\n")
    (pkg / "sub" / "c.py").write_text("def later():\n    from .. import a\n\n    return a\n")
    (pkg / "d.py").write_text("from . import a\n")  # Imports into the cycle, not part of it.
    graph = import_graph(tmp_path, "fake")
    assert graph["fake.sub.c"] == {"fake.a": 2}
    cycles = import_cycles(graph)
    assert cycles == [["fake.a", "fake.sub.b", "fake.sub.c", "fake.a"]]
    assert describe(graph, cycles[0], tmp_path) == (
        "fake.a (fake/a.py:1) -> fake.sub.b (fake/sub/b.py:1) -> fake.sub.c (fake/sub/c.py:2) "
        "-> fake.a"
    )
    (pkg / "sub" / "c.py").write_text("def later():\n    return None\n")
    assert import_cycles(import_graph(tmp_path, "fake")) == []


def test_no_file_over_500_lines() -> None:
    lengths = file_lengths(SRC)
    too_long = {f: n for f, n in lengths.items() if n > MAX_FILE_LINES}
    assert not too_long, "\n".join(
        f"{f}: {n} lines (at most {MAX_FILE_LINES})" for f, n in sorted(too_long.items())
    )


def test_no_function_over_80_lines() -> None:
    lengths = function_lengths(SRC)
    assert len(lengths) > 300  # It did read the package.
    too_long = {f: n for f, n in lengths.items() if n > MAX_FUNCTION_LINES}
    assert not too_long, "\n".join(
        f"{f}: {n} lines (at most {MAX_FUNCTION_LINES})" for f, n in sorted(too_long.items())
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    return 1\n", {"m.py:f": 2}),
        ("class C:\n    def g(self):\n        def h():\n            pass\n", {"m.py:C.g": 3}),
    ],
)
def test_function_lengths_are_measured_from_def_to_the_last_line(
    source: str, expected: dict, tmp_path: Path
) -> None:
    (tmp_path / "m.py").write_text(source)
    lengths = function_lengths(tmp_path)
    assert {k: v for k, v in lengths.items() if k in expected} == expected
