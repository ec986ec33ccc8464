"""spacefilms: a sourced knowledge graph of films made in space.

The library is importable on its own; the ``spacefilms`` command is a thin layer over it. The names below are
loaded on first use, so importing the package (or asking the command for help) stays fast.

Wings: :mod:`spacefilms.store` (build, validation, export), :mod:`spacefilms.querying` (query library, backends,
formatting), :mod:`spacefilms.diagrams`, :mod:`spacefilms.wikidata`, :mod:`spacefilms.endpoints` (serve, push);
beside them :mod:`spacefilms.workspace` (paths), :mod:`spacefilms.http` (the network), :mod:`spacefilms.namespaces`.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "BuildReport": "spacefilms.store.build",
    "build": "spacefilms.store.build",
    "export": "spacefilms.store.export",
    "GraphStats": "spacefilms.store.stats",
    "graph_stats": "spacefilms.store.stats",
    "open_dataset": "spacefilms.store.ondisk",
    "open_backend": "spacefilms.querying.backends",
    "LocalBackend": "spacefilms.querying.backends",
    "RemoteBackend": "spacefilms.querying.backends",
    "get_query": "spacefilms.querying.library",
    "SpacefilmsError": "spacefilms.errors",
}

__all__ = [*sorted(_LAZY), "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'spacefilms' has no attribute {name!r}")
