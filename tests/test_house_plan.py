"""The house plan of `kg` (README, "Module map"), checked on the code itself: rooms by job that import downward only,
no import circles (imports inside functions counted), small modules, small signatures, one namespace table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "kg"
MODULES = sorted(PACKAGE.rglob("*.py"))

# What each room may import of ours besides itself and the leaf modules at the top of kg/ (errors, namespaces,
# project, eras), which import no room. Lower rooms never import higher ones.
MAY_IMPORT = {
    "rdf": set(),
    "reference": {"rdf"},
    "validation": {"rdf", "reference"},
    "build": {"rdf", "reference", "validation"},
    "query": {"rdf", "reference", "build"},
    "remote": {"rdf", "build", "query"},
    "intake": {"rdf", "reference", "validation", "build", "query"},
    "publish": {"rdf", "reference", "build", "query"},
    "serve": {"rdf", "reference", "build", "query", "publish"},
    "cli": {"rdf", "reference", "build", "validation", "query", "remote", "intake", "publish", "serve"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


NAMES = {module_name(p): p for p in MODULES}


def imports_of(path: Path) -> list[tuple[str, int, list[str]]]:
    """(module imported, line, names imported from it) for every import in the file, inside functions too."""
    here = module_name(path)
    package = here if is_package(path) else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, []) for alias in node.names if alias.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kg":
                continue
            names = [alias.name for alias in node.names]
            # `from . import locations` imports a module, not a name of the package.
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in NAMES]
            found += [(m, node.lineno, []) for m in submodules]
            rest = [n for n in names if f"{target}.{n}" not in NAMES]
            if rest or not submodules:
                found.append((target, node.lineno, rest))
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in NAMES}
    for name, path in NAMES.items():
        for target, _, _ in imports_of(path):
            if target in NAMES and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
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
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def room(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else None


def test_no_import_circles_static_or_inside_functions():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_rooms_import_downward_only():
    wrong = []
    for name, targets in graph().items():
        here = room(name)
        for target in targets:
            there = room(target)
            if here is None and name not in ("kg.__main__",) and there is not None:
                wrong.append(f"{name} (a leaf at the top) imports {target}")
            elif here is not None and there is not None and there != here and there not in MAY_IMPORT[here]:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_every_room_says_what_it_holds():
    for package in sorted(p for p in PACKAGE.rglob("__init__.py")):
        docstring = ast.get_docstring(ast.parse(package.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 60, f"{package.relative_to(ROOT)} has no docstring saying what lives there"


def test_few_modules_at_the_top_and_none_over_400_lines():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 8, top
    long = {str(p.relative_to(ROOT)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_no_function_takes_more_than_six_parameters():
    wide = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs if x.arg not in ("self", "cls")]
                if len(names) > 6:
                    wide.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({len(names)})")
    assert wide == []


def test_no_private_name_is_imported_from_another_module():
    private = [f"{path.relative_to(ROOT)}:{line} {n} from {target}"
               for path in MODULES for target, line, names in imports_of(path) for n in names
               if n.startswith("_") and not n.startswith("__")]
    assert private == []


def _strings(tree: ast.AST):
    """String constants that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


@pytest.mark.parametrize("folder", ["kg", "bench"])
def test_the_projects_namespace_is_written_once(folder):
    from kg.namespaces import BASE_IRI

    written = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in sorted((ROOT / folder).rglob("*.py"))
               for node in _strings(ast.parse(path.read_text(encoding="utf-8"))) if BASE_IRI in node.value]
    assert [w.rpartition(":")[0] for w in written] == (["kg/namespaces.py"] if folder == "kg" else []), written
