"""The package's import structure: no cycles, no private name used across modules.

Every import in ``src/`` counts, lazy ones inside functions and ``TYPE_CHECKING`` ones
included: a cycle that only type checking sees still ties the modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "asean_timeline"
NAME = PACKAGE.name


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str]]:
    """(module imported, name imported or "") for each import of the package in ``path``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names if alias.name in modules]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != NAME:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    found.append((submodule, ""))
                else:
                    found.append((target, alias.name))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _ in _imports(name, path, modules):
            if target != name and target in modules:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _is_registry(group: list[str]) -> bool:
    """A package whose ``__init__`` imports its own modules, which import it back for a
    shared name (a registry of exporters): the one kind of loop that is not a tangle."""
    head = min(group, key=len)
    return all(member == head or member.startswith(head + ".") for member in group)


def test_the_package_has_no_import_cycle() -> None:
    """No group of modules in src/ imports itself round in a circle."""
    cycles = [" -> ".join(group) for group in _cycles(_graph()) if not _is_registry(group)]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check itself sees a cycle of three and ignores a registry package."""
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]
    assert _is_registry(["p", "p.ics", "p.html"])
    assert not _is_registry(["p.load", "p.scanner"])


def test_no_underscore_name_is_imported_from_another_module() -> None:
    """A name starting with one underscore is private to its module: no other module of
    src/ imports it (dunder names such as __version__ are public)."""
    modules = _modules()
    private = [
        f"{name} imports {imported} from {target}"
        for name, path in modules.items()
        for target, imported in _imports(name, path, modules)
        if imported.startswith("_") and not imported.startswith("__") and target != name
    ]
    assert private == []
