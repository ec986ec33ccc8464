"""spacefilms: a sourced knowledge graph of films made in space.

The library is importable on its own; the ``spacefilms`` command is a thin layer over it.
"""

from spacefilms.errors import SpacefilmsError
from spacefilms.store.build import BuildReport, build
from spacefilms.store.export import export
from spacefilms.store.ondisk import open_dataset
from spacefilms.store.stats import GraphStats, graph_stats

__version__ = "0.1.0"

__all__ = [
    "BuildReport",
    "GraphStats",
    "SpacefilmsError",
    "__version__",
    "build",
    "export",
    "graph_stats",
    "open_dataset",
]
