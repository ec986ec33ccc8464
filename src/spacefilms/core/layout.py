"""The one owner of the layout rule: how a built store keeps each triple once, and what is published.

A built store holds every source graph under its own name and, where sources agree (a triple stated in several
graphs), the merge of all graphs in its default graph, each triple once: queries then read the default graph;
a store without repeats is read as the union of its graphs (:func:`query_options`). Oxigraph's own union would
repeat a triple once per graph stating it and multiply the rows a query joins.

The published layout of the graph, what ``export`` (dataset formats) and ``push`` write: every named graph
under its own name (the source graphs, the ontology, sources, build and queries graphs, the Wikidata graphs), the
merge of all of them (each triple once, the same blank nodes) as the named graph :data:`MERGE_GRAPH`, and a manifest
graph listing every published graph; where the target has a default graph of its own (a dataset file, a dataset
PUT to Oxigraph or Fuseki), the merge goes there too, as in the built store.

A SPARQL 1.1 endpoint holding this layout answers the bundled queries as the local store does (see
:class:`spacefilms.core.backends.RemoteBackend`): with no dataset in the request where its own default graph is
the merge, else with ``default-graph-uri`` the merge graph and ``named-graph-uri`` the graphs of the manifest. Facts
are read once from the merge, provenance from ``GRAPH ?source``.

Which graphs are sources is asked of the data, never of a derived graph's name, so that a query file runs as written
on any of these stores: a graph is a source when it is declared one, as a page (``<g> a sf:Source`` in the sources
graph) or as a Wikidata item's graph (``<g> prov:wasDerivedFrom <item>`` in ``<g>`` itself, its own provenance). A
bundled query says so with ``FILTER (EXISTS { GRAPH <…/graph/sources> { ?source a sf:Source } } || EXISTS { GRAPH
?source { ?source prov:wasDerivedFrom [] } })`` (the small sources graph is read, as the secondary-copy filter beside
it reads it, rather than the merge); the merge, the manifest and the ontology, sources, build and queries graphs are none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.files import hold_shared
from spacefilms.namespaces import MANIFEST_GRAPH, MERGE_GRAPH, PROV, RDF
from spacefilms.workspace import store_path

_DERIVED = (MERGE_GRAPH, MANIFEST_GRAPH)


def open_ox(path: str | Path | None = None) -> ox.Store:
    """Open the built store read-only with pyoxigraph, holding its version so that no build removes it meanwhile."""
    location = store_path(path)
    if not location.exists():
        raise SpacefilmsError("no built store here: run `spacefilms build` first", str(location))
    try:
        return ox.Store.read_only(str(hold_shared(location)))
    except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB's Corruption (an empty CURRENT file, …)
        raise SpacefilmsError(f"cannot open the store: {exc}", str(location)) from None


def has_merged_default_graph(store: ox.Store) -> bool:
    """Whether the build stored the merge of all graphs (each triple once) in the default graph."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def query_options(store: ox.Store) -> dict[str, bool]:
    """How to query a built store so that every triple counts once: its default graph when it holds the merge of
    all graphs, else the union of all graphs (Oxigraph's union repeats a triple once per graph stating it, which
    multiplies the rows a query joins when sources agree)."""
    return {} if has_merged_default_graph(store) else {"use_default_graph_as_union": True}


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """The store's quads without the merged default graph (it is derived from them)."""
    return (quad for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph))


def source_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads of the named graphs, without the default graph and the derived graphs (merge, manifest)."""
    return [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in _DERIVED]


def manifest(graphs: Iterable[str]) -> list[ox.Quad]:
    """The manifest graph: ``<manifest> a prov:Collection ; prov:hadMember <graph>`` for each of ``graphs``."""
    node = ox.NamedNode(MANIFEST_GRAPH)
    member = ox.NamedNode(PROV.hadMember)
    quads = [ox.Quad(node, ox.NamedNode(RDF.type), ox.NamedNode(PROV.Collection), node)]
    return quads + [ox.Quad(node, member, ox.NamedNode(g), node) for g in graphs]


def published_quads(quads: Iterable[ox.Quad], default_graph: bool = False) -> list[ox.Quad]:
    """The published layout of ``quads`` (a store's or an endpoint's): the named graphs, their merge as
    :data:`MERGE_GRAPH` (and in the default graph too with ``default_graph``), and the manifest last. Derived graphs
    among ``quads`` are computed again."""
    named = source_quads(quads)
    triples = list(dict.fromkeys(q.triple for q in named))
    graphs = [*dict.fromkeys(q.graph_name.value for q in named), MERGE_GRAPH]
    merge = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(MERGE_GRAPH)) for t in triples]
    default = [ox.Quad(t.subject, t.predicate, t.object) for t in triples] if default_graph else []
    return default + named + merge + manifest(graphs)
