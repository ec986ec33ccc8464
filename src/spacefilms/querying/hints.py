"""Why an answer is empty, in one line: an empty answer must not read as "nothing to report" when the cause is an
unknown entity, a graph with no Wikidata enrichment yet, or an endpoint that holds no spacefilms graph."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from rdflib import URIRef

from spacefilms.namespaces import SFR, WIKIDATA_GRAPH_BASE, compact
from spacefilms.querying.backends import Backend, RemoteBackend
from spacefilms.querying.parameters import Value

_ONTOLOGY = "https://w3id.org/spacefilms/ontology"


def endpoint_hint(backend: Backend) -> str | None:
    """For a remote endpoint: whether its default graph is empty or lacks the spacefilms graph."""
    if not isinstance(backend, RemoteBackend):
        return None
    if not backend.answer("ASK { ?s ?p ?o }"):
        return (
            f"the endpoint's default graph is empty: load the export so that its default graph is the union of the "
            f"named graphs (Oxigraph: --union-default-graph) or the merge ({backend.endpoint})"
        )
    if not backend.answer(f"ASK {{ <{_ONTOLOGY}> a owl:Ontology }}"):
        return f"the endpoint's default graph does not hold the spacefilms graph (no <{_ONTOLOGY}>) ({backend.endpoint})"
    return None


def unknown_entities(backend: Backend, bindings: Mapping[str, Value]) -> list[str]:
    """One line per IRI parameter naming a project resource the graph does not mention, with close names."""
    lines = []
    for name, value in bindings.items():
        if not (isinstance(value, URIRef) and str(value).startswith(str(SFR))):
            continue
        if backend.answer(f"ASK {{ {{ <{value}> ?p ?o }} UNION {{ ?s ?p <{value}> }} }}"):
            continue
        known = [compact(str(row[0].value)) for row in backend.select(_ENTITIES).rows]
        close = difflib.get_close_matches(compact(str(value)), known, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `spacefilms query entity-search -p text=…` finds entities"
        lines.append(f"no such entity {compact(str(value))} (parameter {name!r}){hint}")
    return lines


def no_enrichment(backend: Backend) -> str | None:
    """When the graph holds no Wikidata enrichment: comparing with Wikidata then says nothing."""
    if backend.answer(f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{WIKIDATA_GRAPH_BASE}")) }}'):
        return None
    return "no Wikidata facts in this graph yet, so nothing to compare: run `spacefilms link` and `spacefilms enrich` first"


_ENTITIES = f'SELECT DISTINCT ?e WHERE {{ ?e a ?type FILTER (STRSTARTS(STR(?e), "{SFR}")) }}'


def why_empty(backend: Backend, bindings: Mapping[str, Value]) -> list[str]:
    """The reasons an answer came back empty, if any can be told cheaply."""
    endpoint = endpoint_hint(backend)
    return [endpoint] if endpoint else unknown_entities(backend, bindings)
