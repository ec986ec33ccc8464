"""``spacefilms push``: copy the built graph into an external triple store, in the published layout (see
:mod:`spacefilms.core.layout`: every named graph under its own name, their merge as ``…/graph/all``, a manifest),
replacing the previous version. Three ways in, whichever the store speaks:

* SPARQL 1.1 Update (``update``): the quads go in batches of inserts into fresh staging graphs, their triple counts
  are checked, and one request of ``MOVE``s puts every graph in place (and drops the graphs of the previous push that
  are gone). Until that last request the store is untouched; the swap is atomic where the store runs one update
  request atomically (Oxigraph does). Blank nodes stay whole: every statement that shares a blank node travels in the
  same request, and a batch with blank nodes is sent as ``INSERT { … } WHERE { }`` (same meaning; Virtuoso refuses
  blank nodes in ``INSERT DATA``).
* Graph Store Protocol, one ``PUT`` per graph (``gsp``), resumable: see :mod:`spacefilms.endpoints.graph_store`.
* One ``PUT`` of the whole dataset as N-Quads (``dataset``): Oxigraph's ``/store``, Fuseki's dataset endpoint; the
  merge also goes into the store's default graph, which remote reads then use as the local store's.

Every graph name goes into update text or a URL, so each is checked as an IRI first.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.layout import named_quads, published_quads
from spacefilms.core.library import to_term
from spacefilms.endpoints.graph_store import by_graph, push_dataset, push_per_graph
from spacefilms.endpoints.remote_store import AUTH_SCHEMES, PROTOCOLS, Endpoint, Progress, PushReport, Remote, check_sizes
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import GRAPH_BASE, MANIFEST_GRAPH, MERGE_GRAPH

__all__ = ["AUTH_SCHEMES", "MANIFEST_GRAPH", "MERGE_GRAPH", "PROTOCOLS", "Endpoint", "PushReport", "Remote", "push"]

STAGING_BASE = GRAPH_BASE + "staging/"


def _blank_nodes(statement: ox.Quad) -> list[ox.BlankNode]:
    return [term for term in (statement.subject, statement.object) if isinstance(term, ox.BlankNode)]


def batches(statements: Sequence[ox.Quad], size: int) -> list[list[ox.Quad]]:
    """Split ``statements`` into batches of about ``size``; statements linked by blank nodes stay together."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for statement in statements:
        nodes = _blank_nodes(statement)
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    groups: dict[object, list[ox.Quad]] = {}
    for index, statement in enumerate(statements):
        nodes = _blank_nodes(statement)
        groups.setdefault(root(nodes[0]) if nodes else index, []).append(statement)
    out: list[list[ox.Quad]] = [[]]
    for group in groups.values():
        if out[-1] and len(out[-1]) + len(group) > size:
            out.append([])
        out[-1].extend(group)
    return [batch for batch in out if batch]


def _ntriples(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _insert(batch: list[ox.Quad], graph_of: Callable[[ox.Quad], str]) -> str:
    """One update adding ``batch``: ``INSERT DATA``, or ``INSERT … WHERE {}`` when it has blank nodes."""
    graphs: dict[str, list[ox.Triple]] = {}
    for statement in batch:
        graphs.setdefault(graph_of(statement), []).append(statement.triple)
    blocks = "".join(f"GRAPH <{graph}> {{\n{_ntriples(triples)}}}\n" for graph, triples in graphs.items())
    if any(_blank_nodes(statement) for statement in batch):
        return f"INSERT {{\n{blocks}}} WHERE {{ }}"
    return f"INSERT DATA {{\n{blocks}}}"


def push(
    store: ox.Store,
    endpoint: Endpoint,
    batch_size: int = 5000,
    progress: Progress | None = None,
    journal: Path | None = None,
    jobs: int = 4,
) -> PushReport:
    """Copy ``store`` to ``endpoint`` in the published layout, replacing the previous version (as atomically as the
    protocol allows, see the module's notes). Graph Store Protocol only: ``journal`` lets a re-run skip the graphs a
    failed push already sent; ``jobs`` PUTs go at once."""
    started = time.perf_counter()
    # the merge in the default graph too where the whole dataset is replaced: read there as in the built store
    quads = published_quads(named_quads(store), default_graph=endpoint.protocol == "dataset")
    graphs = by_graph(quads)
    for graph in graphs:
        to_term(graph, "iri", "graph name")  # it goes into update text or a URL
    remote = Remote(endpoint)
    say = progress or (lambda message: None)
    if endpoint.protocol == "gsp":
        report = push_per_graph(graphs, remote, say, journal, jobs)
    elif endpoint.protocol == "dataset":
        report = push_dataset(quads, graphs, remote, say)
    else:
        _drop_leftovers(remote, say)
        report = _push_update(quads, graphs, remote, batch_size, say)
    report.seconds = time.perf_counter() - started
    return report


def _drop_leftovers(remote: Remote, say: Progress) -> None:
    """Drop staging graphs that an interrupted push left behind (pushes to one store must not overlap)."""
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ }} FILTER (STRSTARTS(STR(?g), "{STAGING_BASE}")) }}'
    leftovers = [row["g"] for row in remote.select(query)]
    if leftovers:
        say(f"dropping {len(leftovers)} staging graph(s) left by an interrupted push")
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))


def _failed(exc: SpacefilmsError) -> SpacefilmsError:
    message = f"push failed, the store keeps its previous version: {exc.message}"
    if "SQ200" in exc.message:  # Virtuoso 7's update compiler on some typed literals, e.g. xsd:duration
        message += " (Virtuoso's SPARQL Update cannot take these literals: push with --protocol gsp)"
    return SpacefilmsError(message, exc.where)


def _push_update(
    quads: Sequence[ox.Quad], graphs: dict[str, list[ox.Triple]], remote: Remote, batch_size: int, say: Progress
) -> PushReport:
    sizes = {graph: len(triples) for graph, triples in graphs.items()}
    names = list(sizes)
    staging_base = f"{STAGING_BASE}{uuid.uuid4()}/"
    staging = {name: f"{staging_base}{i}" for i, name in enumerate(names)}
    chunks = batches(quads, batch_size)
    try:
        stale = sorted(remote.manifest_members() - set(names))
        for number, chunk in enumerate(chunks, 1):
            remote.update(_insert(chunk, lambda q: staging[q.graph_name.value]))
            say(f"batch {number}/{len(chunks)}: {len(chunk)} quads into staging graphs")
        check_sizes(remote, {staging[n]: sizes[n] for n in names}, "staging graphs")
        say(f"swapping {len(names)} graphs in one request" + (f", dropping {len(stale)} that are gone" if stale else ""))
        operations = [f"MOVE <{staging[n]}> TO <{n}>" for n in names] + [f"DROP SILENT GRAPH <{g}>" for g in stale]
        remote.update(" ;\n".join(operations))
    except SpacefilmsError as exc:
        with contextlib.suppress(SpacefilmsError):
            remote.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()))
        raise _failed(exc) from None
    check_sizes(remote, sizes, "after the swap")
    return PushReport(names, len(quads), len(chunks), stale)
