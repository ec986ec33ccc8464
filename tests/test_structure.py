"""The library's shape, checked: wings without import circles, small modules, one way to query and to reach the network."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).parents[1] / "src" / "spacefilms"


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("spacefilms", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def test_module_level_imports_form_no_circle() -> None:
    graph = nx.DiGraph()
    known = modules()
    for name, tree in known.items():
        for node in tree.body:  # module level only: an import inside a function is deliberately lazy
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("spacefilms"):
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
                graph.add_edges_from((name, t) for t in targets if t in known and t != name)
    assert list(nx.simple_cycles(graph)) == []


def test_no_module_is_over_400_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) <= 400, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_every_query_and_request_goes_through_its_one_place() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "backends.py":
            assert ".store.query(" not in text and "Store.query(" not in text, path
        if path.name != "http.py":
            assert "urllib.request" not in text and "import httpx" not in text and "http.client" not in text, path
