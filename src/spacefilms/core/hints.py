"""Why an answer is empty, in one line: an empty answer must not read as "nothing to report" when the cause is an
unknown entity, a graph with no Wikidata enrichment yet, or an endpoint that holds no spacefilms graph."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from spacefilms.core.backends import Backend, RemoteBackend
from spacefilms.core.naming import FIND_ENTITIES, did_you_mean
from spacefilms.core.parameters import Value
from spacefilms.core.sparql import names_graphs
from spacefilms.namespaces import MANIFEST_GRAPH, MERGE_GRAPH, ONTOLOGY, SFR, WIKIDATA_GRAPH_BASE, compact


def endpoint_hint(backend: Backend, reads_graphs: bool = False) -> str | None:
    """For a remote endpoint: whether its default graph (as this backend asks for it) is empty or lacks the
    spacefilms graph, or whether a query that ``reads_graphs`` finds no manifest to name them by."""
    if not isinstance(backend, RemoteBackend):
        return None
    own = backend.mode() == "own"
    where = "the endpoint's own default graph" if own else f"<{backend.default_graph}> (default-graph-uri)"
    fix = (
        "push the graph with `spacefilms push` (or load `spacefilms export --format nq`, which carries the merge graph "
        f"<{MERGE_GRAPH}>)" + ("" if own else ", or ask the endpoint's own default graph with --default-graph ''")
    )
    if not backend.answer("ASK { ?s ?p ?o }"):
        return f"the endpoint's default graph is empty: read from {where}; {fix} ({backend.endpoint})"
    if not backend.answer(f"ASK {{ <{ONTOLOGY}> a owl:Ontology }}"):
        return f"the endpoint's default graph, {where}, does not hold the spacefilms graph (no <{ONTOLOGY}>); {fix} ({backend.endpoint})"
    if backend.mode() == "listed" and reads_graphs and not backend.named_graphs():
        return (
            f"the endpoint has no manifest graph <{MANIFEST_GRAPH}>, so no source graph is named to the query; "
            f"push the graph with `spacefilms push` or load the export ({backend.endpoint})"
        )
    return None


def unknown_entities(backend: Backend, bindings: Mapping[str, Value]) -> list[str]:
    """One line per IRI parameter naming a project resource the graph does not mention, with close names."""
    lines = []
    for name, value in bindings.items():
        if not (isinstance(value, ox.NamedNode) and value.value.startswith(str(SFR))):
            continue
        if backend.answer(f"ASK {{ {{ {value} ?p ?o }} UNION {{ ?s ?p {value} }} }}"):
            continue
        known = [compact(row[0].value) for row in backend.select(_ENTITIES).rows]
        hint = did_you_mean(compact(value.value), known, FIND_ENTITIES)
        lines.append(f"no such entity {compact(value.value)} (parameter {name!r}){hint}")
    return lines


def no_enrichment(backend: Backend) -> str | None:
    """When the graph holds no Wikidata enrichment: comparing with Wikidata then says nothing."""
    if backend.answer(f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{WIKIDATA_GRAPH_BASE}")) }}'):
        return None
    return "no Wikidata facts in this graph yet, so nothing to compare: run `spacefilms link` and `spacefilms enrich` first"


_ENTITIES = f'SELECT DISTINCT ?e WHERE {{ ?e a ?type FILTER (STRSTARTS(STR(?e), "{SFR}")) }}'


def why_empty(backend: Backend, bindings: Mapping[str, Value], text: str) -> list[str]:
    """The reasons the answer to the query ``text`` came back empty, if any can be told cheaply."""
    endpoint = endpoint_hint(backend, names_graphs(text))
    if endpoint:
        return [endpoint]
    wikidata = no_enrichment(backend) if WIKIDATA_GRAPH_BASE in text else None
    return unknown_entities(backend, bindings) + ([wikidata] if wikidata else [])
