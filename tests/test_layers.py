"""The package's shape holds: each module imports only from its own layer or below, and no
modules import each other in a circle (lazy imports inside functions count: they hide a circle,
they do not remove it; imports only for type checking do not run, so they do not count).

Layers, lowest first: core; storage and reports; service; ui, commands and the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cspm

ROOT = Path(cspm.__file__).parent
RANK = {"core": 0, "storage": 1, "reports": 1, "service": 2, "ui": 3, "commands": 3, "cli": 3}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement except those under `if TYPE_CHECKING:`."""
    out: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_package = path.name == "__init__.py"
        deps: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = name.split(".")
                    keep = len(base) - node.level + (1 if is_package else 0)
                    prefix = ".".join(base[:keep])
                    module = f"{prefix}.{node.module}" if node.module else prefix
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module
                    for a in node.names
                ]
            for target in targets:
                while target not in mods and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in mods and target != name and target.startswith("cspm"):
                    deps.add(target)
        graph[name] = deps
    return graph


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "cspm"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = [
        f"{module} -> {dep}"
        for module, deps in _graph().items()
        for dep in deps
        if _layer(module) in RANK
        and _layer(dep) in RANK
        and RANK[_layer(dep)] > RANK[_layer(module)]
    ]
    assert upward == []


def test_no_import_circles() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def strongly_connected(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongly_connected(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in graph:
        if module not in index:
            strongly_connected(module)
    assert circles == []


def test_every_module_stays_small() -> None:
    """A module past 400 lines usually holds two ideas."""
    big = {
        str(path.relative_to(ROOT.parent)): n
        for path in ROOT.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert big == {}
