"""spacefilms: a sourced knowledge graph of films made in space.

Three lines build the graph, ask it a question and draw it::

    import spacefilms
    graph = spacefilms.build()               # or spacefilms.open() for the built store, open("http://…/query") for an endpoint
    graph.query("cast", film="sfr:the-challenge")

:class:`Graph` (in :mod:`spacefilms.api`) has one method per command of the CLI. The names below are loaded on first
use, so importing the package (or asking the command for help) stays fast; type checkers and editors see them through
the ``TYPE_CHECKING`` imports.

At the bottom, :mod:`spacefilms.core` (the layout rule, the backends every read goes through, the query library,
results); the wings above it: :mod:`spacefilms.store` (build, validation, export), :mod:`spacefilms.diagrams`,
:mod:`spacefilms.site`, :mod:`spacefilms.wikidata`, :mod:`spacefilms.endpoints` (serve, push); beside them :mod:`spacefilms.workspace` (paths), :mod:`spacefilms.http`
(the network), :mod:`spacefilms.namespaces`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacefilms.api import Graph, build, open
    from spacefilms.core.library import NamedQuery, get_query, list_queries
    from spacefilms.core.results import QueryResult
    from spacefilms.errors import SpacefilmsError
    from spacefilms.store.build import BuildReport
    from spacefilms.store.stats import GraphStats

__version__ = "0.1.0"

_LAZY = {
    "Graph": "spacefilms.api",
    "build": "spacefilms.api",
    "open": "spacefilms.api",
    "NamedQuery": "spacefilms.core.library",
    "get_query": "spacefilms.core.library",
    "list_queries": "spacefilms.core.library",
    "QueryResult": "spacefilms.core.results",
    "BuildReport": "spacefilms.store.build",
    "GraphStats": "spacefilms.store.stats",
    "SpacefilmsError": "spacefilms.errors",
}

__all__ = [
    "BuildReport",
    "Graph",
    "GraphStats",
    "NamedQuery",
    "QueryResult",
    "SpacefilmsError",
    "__version__",
    "build",
    "get_query",
    "list_queries",
    "open",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'spacefilms' has no attribute {name!r}")
