"""The library's shape, checked: wings without import circles, each rule in its one module, one way to query and to
reach the network."""

from __future__ import annotations

import ast

import networkx as nx
from conftest import ROOT

PACKAGE = ROOT / "src" / "spacefilms"


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("spacefilms", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


# The layers, bottom up: a module may import its own layer and those below, never one above (lazy imports count:
# an import inside a function is still a dependency). Shared helpers beside the core sit with it at the bottom.
LAYERS = [
    {"", "errors", "namespaces", "workspace", "files", "threads", "http", "templating", "core"},
    {"store"},
    {"diagrams", "wikidata"},
    {"site"},
    {"endpoints"},
    {"api"},
    {"cli", "__main__"},
]
# rdflib at the edges only: core.results (rdflib terms for users who ask), store.export (its JSON-LD writer),
# store.validation (pyshacl).
MAX_RDFLIB_MODULES = 3
RANK = {wing: rank for rank, wings in enumerate(LAYERS) for wing in wings}


def imports() -> list[tuple[str, str]]:
    """Every (importer, imported module) pair within the package, lazy imports and ``TYPE_CHECKING`` ones included."""
    found = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("spacefilms"):
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
                found += [(name, target) for target in targets]
            elif isinstance(node, ast.Import):
                found += [(name, alias.name) for alias in node.names if alias.name.startswith("spacefilms")]
    return found


def wing(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_imports_form_no_circle_lazy_ones_included() -> None:
    known = modules()
    # the package's __init__ imports only for type checkers (its public names load on first use): not an edge
    graph = nx.DiGraph((a, b) for a, b in imports() if b in known and a not in (b, "spacefilms"))
    assert list(nx.simple_cycles(graph)) == []


def test_no_wing_imports_a_wing_above_it() -> None:
    upward = sorted({(a, b) for a, b in imports() if wing(b) in RANK and RANK[wing(b)] > RANK[wing(a)] and a != "spacefilms"})
    assert upward == [], upward


def test_every_module_belongs_to_a_layer() -> None:
    assert {wing(name) for name in modules()} <= set(RANK)


def test_rdflib_stays_at_the_edges() -> None:
    """One term model inside (pyoxigraph's): rdflib only where users ask for rdflib terms or rdflib's parsers."""
    users = sorted(
        name
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("rdflib", "pyshacl"))
        or (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "rdflib" for a in node.names))
    )
    assert len(set(users)) <= MAX_RDFLIB_MODULES, sorted(set(users))


# Each rule in one module: the library that carries it is imported there alone.
ONE_HOME = {
    "jinja2": "templating.py",  # one template environment: autoescape and the CSP hashes decided once
    "difflib": "core/naming.py",  # one "did you mean"
    "SPARQLWrapper": None,  # the documented client of `serve` for users, never used inside the package
}


def test_each_rule_is_imported_in_its_one_home() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        for library, home in ONE_HOME.items():
            if library in names:
                assert path.relative_to(PACKAGE).as_posix() == home, f"{library} imported in {path}"


def test_every_query_and_request_goes_through_its_one_place() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "backends.py":
            assert ".store.query(" not in text and "Store.query(" not in text, path
        if path.name != "http.py":
            assert "urllib.request" not in text and "import httpx" not in text and "http.client" not in text, path
