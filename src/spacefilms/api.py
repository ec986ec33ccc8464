"""The public face of the library: a :class:`Graph` (a built store or a SPARQL endpoint holding the graph) with one
method per thing people do with it, as sqlite-utils has ``Database`` and pyoxigraph ``Store``. Every command of the
``spacefilms`` CLI is one call on it.

>>> import spacefilms
>>> graph = spacefilms.build()                                       # doctest: +SKIP
>>> graph.query("cast", film="sfr:the-challenge").values("performerLabel")  # doctest: +SKIP
>>> graph.diagram("film-world.svg", "film-world")                     # doctest: +SKIP

The wings it calls (store, diagrams, site, endpoints) are imported by each method when it runs, so
``import spacefilms`` stays fast and a script that only queries never loads matplotlib.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from spacefilms.namespaces import MERGE_GRAPH

if TYPE_CHECKING:
    import networkx as nx

    from spacefilms.core.backends import Backend
    from spacefilms.core.library import NamedQuery
    from spacefilms.core.results import QueryResult
    from spacefilms.diagrams.drawing import Rendered
    from spacefilms.endpoints.pushing import Endpoint, PushReport
    from spacefilms.site.builder import SiteReport
    from spacefilms.store.build import BuildReport
    from spacefilms.store.stats import GraphStats

Progress = Callable[[str], None]
_SPARQL_TEXT = re.compile(r"[\s{]")  # a query name has neither; SPARQL text always has one
_ENDPOINT = re.compile(r"https?://", re.IGNORECASE)
# The entities a name is the label of: every project resource with that label, in any language.


class Graph:
    """The spacefilms graph as one store or endpoint reads it.

    ``Graph.open()`` reads the built store of the workspace; ``Graph.open("path/to/store")`` another store;
    ``Graph.open("http://host/query")`` any SPARQL 1.1 endpoint holding the published graph."""

    def __init__(self, backend: Backend, report: BuildReport | None = None) -> None:
        self.backend = backend
        self.report = report  # what the build that made this store printed, when it was just built

    @classmethod
    def open(cls, location: str | Path | None = None, *, timeout: float = 60.0, default_graph: str | None = MERGE_GRAPH) -> Graph:
        """The graph at ``location``: an ``http(s)://`` SPARQL endpoint (read with ``default_graph`` as its default
        graph), else a store folder (None: the workspace's store)."""
        from spacefilms.core.backends import open_backend

        if isinstance(location, str) and _ENDPOINT.match(location):
            return cls(open_backend(endpoint=location, timeout=timeout, default_graph=default_graph))
        return cls(open_backend(store=location))

    @property
    def name(self) -> str:
        """Where the graph is read from: the store's folder or the endpoint's URL."""
        return self.backend.name

    def __repr__(self) -> str:
        return f"Graph({self.name!r})"

    # ------------------------------------------------------------------ queries
    def named_query(self, query: str | Path | NamedQuery) -> NamedQuery:
        """A bundled query by name, a ``.rq`` file (a :class:`~pathlib.Path`), or SPARQL text (the project prefixes
        predeclared; told from a name by its spaces and braces), checked for syntax with errors pointing at the
        user's own line."""
        from spacefilms.core.library import NamedQuery, get_query

        if isinstance(query, NamedQuery):
            named = query
        elif isinstance(query, Path):
            named = NamedQuery.from_file(query)
        else:
            named = NamedQuery.from_text("sparql", query) if _SPARQL_TEXT.search(query) else get_query(query)
        named.check_syntax()
        return named

    def query(self, query: str | Path | NamedQuery, /, **params: str) -> QueryResult:
        """The answer to ``query`` (see :meth:`named_query`) with its parameters bound from ``params``
        (``film="sfr:the-challenge"``, or the entity's exact name: ``film="The Challenge"``): values are bound, never
        pasted into the text. The answer holds pyoxigraph terms; ``.values(column)`` gives plain strings,
        ``.to_rdflib()`` rdflib rows and ``.graph()`` (CONSTRUCT) an rdflib ``Graph``."""
        named = self.named_query(query)
        return self.backend.run(named.text, named.bind(params, self.entity_named))

    def entity_named(self, name: str) -> str:
        """The IRI of the one entity whose label (in any language) is ``name``, case aside (the rule of
        :mod:`spacefilms.core.names`, which ``diagram --focus`` follows too); an error naming the candidates when there
        are several, and how to search when there is none."""
        from spacefilms.core.names import entity_named

        return entity_named(self.backend, name)

    def facts_about(self, entity: str) -> QueryResult:
        """Every fact of ``entity`` (``sfr:…``, an IRI) with the pages that state it: what to cite."""
        return self.query("facts-about", entity=entity)

    def stats(self) -> GraphStats:
        """Triple, source and entity counts."""
        from spacefilms.store.stats import graph_stats

        return graph_stats(self.backend)

    # ------------------------------------------------------------------ pictures
    def network(
        self,
        preset: str | None = None,
        *,
        focus: str | None = None,
        depth: int = 1,
        relations: Iterable[str] = (),
        kinds: Iterable[str] = (),
    ) -> nx.MultiDiGraph:
        """The graph as a networkx ``MultiDiGraph``: a diagram preset's part of it, or the part around ``focus``
        (``depth`` steps), only ``relations`` and ``kinds`` of entity. Nodes carry labels and types, edges their
        sources."""
        from spacefilms.diagrams.requests import Request, network_for

        return network_for(Request(preset, focus, depth, list(relations), list(kinds)), self.backend)

    def diagram(self, output: str | Path, preset: str | None = None, **options: object) -> Rendered | Path:
        """Draw a diagram into ``output``, its format from the suffix (png, svg, pdf, html, graphml, gexf, dot):
        a ``preset`` or a selection (``focus``, ``depth``, ``relations``, ``kinds``, ``sparql``, ``layout``,
        ``title``, ``date``, ``lang``, ``max_nodes``, ``edge_labels``)."""
        from spacefilms.diagrams.requests import Request, diagram_to_file

        return diagram_to_file(Request(preset, **options), output, self.backend)  # type: ignore[arg-type]

    def timeline(
        self,
        output: str | Path,
        projects: Iterable[str] = (),
        title: str | None = None,
        date: str | None = None,
        works: bool = False,
        lang: str = "en",
    ) -> Rendered:
        """Draw the dated milestones of ``projects`` (default: every project) on one time axis into ``output``; with
        ``works``, every work filmed in space instead, one lane per kind of work."""
        from spacefilms.diagrams.network import load_graph_data
        from spacefilms.diagrams.timeline import TITLE, WORKS_TITLE, image_format, render_timeline

        image_format(output)  # a wrong name or folder is refused before the graph is read
        data = load_graph_data(self.backend)
        chosen = [data.resolve_entity(p, "--project") for p in projects] or None
        default = WORKS_TITLE if works else TITLE
        return render_timeline(data, output, title or default, date or data.date, chosen, works, lang)

    # ------------------------------------------------------------------ publishing
    def export(self, output: str | Path, fmt: str | None = None) -> Path:
        """Write the whole graph, ontology included, to one RDF file (``fmt`` from the suffix unless given)."""
        from spacefilms.store.export import export, format_for

        return export(self.backend, format_for(output, fmt), output)

    def site(self, output: str | Path, max_diagrams: int = 20, progress: Progress | None = None) -> SiteReport:
        """Write the static website of the graph into the folder ``output``."""
        from spacefilms.site.builder import build_site

        return build_site(self.backend, output, progress=progress, max_diagrams=max_diagrams)

    def push(
        self,
        endpoint: Endpoint,
        batch_size: int = 5000,
        progress: Progress | None = None,
        journal: Path | None = None,
        jobs: int = 4,
    ) -> PushReport:
        """Load this (local) graph into another triple store in the published layout, replacing its previous copy."""
        from spacefilms.core.backends import LocalBackend
        from spacefilms.endpoints.pushing import push
        from spacefilms.errors import SpacefilmsError

        if not isinstance(self.backend, LocalBackend):
            raise SpacefilmsError("only a built store can be pushed; open the store, not an endpoint", self.name)
        return push(self.backend.store, endpoint, batch_size, progress, journal, jobs)


def build(graph_dir: str | Path | None = None, store: str | Path | None = None, progress: Progress | None = None) -> Graph:
    """Build the store from the curated files (validated first; a failed build changes nothing) and open it.
    ``graph_dir`` defaults to the bundled ``graph/``, ``store`` to the workspace's store."""
    from spacefilms.core.backends import LocalBackend
    from spacefilms.store.build import build as build_store

    report = build_store(Path(graph_dir) if graph_dir else None, Path(store) if store else None, progress=progress)
    return Graph(LocalBackend(report.store), report)


def open(location: str | Path | None = None, *, timeout: float = 60.0, default_graph: str | None = MERGE_GRAPH) -> Graph:
    """The graph at ``location`` (see :meth:`Graph.open`): a store folder, an endpoint URL, or the workspace's store."""
    return Graph.open(location, timeout=timeout, default_graph=default_graph)
