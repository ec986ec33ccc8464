"""spacefilms: a sourced knowledge graph of films made in space.

The library is importable on its own; the ``spacefilms`` command is a thin layer over it.
"""

from spacefilms.build import BuildReport, build
from spacefilms.errors import SpacefilmsError
from spacefilms.export import export
from spacefilms.stats import GraphStats, graph_stats
from spacefilms.store import open_dataset

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
