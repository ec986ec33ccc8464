"""The graph described from the graph itself: a VoID description of the dataset (https://www.w3.org/TR/void/) and,
for an endpoint serving it, a SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/).

Every number is counted in the store by SPARQL through a backend, with the counts ``spacefilms stats`` prints
(triples, entities by class; the sources' kinds as ``stats --sources`` reads them): the description says what is
there, never what was once written down. One generator for its three readers: ``serve`` answers it on ``GET /query``
without a query, ``export`` writes ``NAME.void.ttl`` beside the file it exports (a separate file, so that the
exported graph is the graph and nothing else), and the website carries ``void.ttl``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.library import get_query
from spacefilms.files import write_atomically
from spacefilms.namespaces import ONTOLOGY, ONTOLOGY_GRAPH, PREFIXES, RDF, RDFS, SFR, XSD
from spacefilms.store.stats import GraphStats, graph_stats

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCTERMS = "http://purl.org/dc/terms/"
DATASET = "https://w3id.org/spacefilms/dataset"  # the graph as a dataset: what VoID and the service describe
VOID_FILE = "void.ttl"
_SERIALIZE_PREFIXES = {**PREFIXES, "void": VOID, "sd": SD, "dcterms": DCTERMS}


@dataclass(frozen=True)
class Counts:
    """What the store holds, counted: the inputs of every description."""

    stats: GraphStats
    entities: int  # distinct resources (sfr:…) described: subjects of a triple
    properties: int  # distinct predicates
    graphs: list[tuple[str, int]]  # each named graph and its triples
    kinds: list[tuple[str, str, int]]  # each kind of source: its IRI, English label, and the facts its sources state
    licenses: list[str]  # the ontology's dcterms:license
    about: str  # the ontology's English rdfs:comment


def _number(backend: Backend, text: str) -> int:
    return int(backend.select(text).rows[0][0].value)


def count(backend: Backend) -> Counts:
    """Count what ``backend`` reads (a few SPARQL queries; the largest reads every quad once)."""
    where = f"GRAPH ?g {{ ?s ?p ?o }} {backend.graph_filter()}"
    graphs = backend.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {where} }} GROUP BY ?g ORDER BY ?g")
    kinds = backend.select(get_query("source-kinds").text)
    ontology = backend.select(
        f"""SELECT ?license ?about WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
          {{ <{ONTOLOGY}> <{DCTERMS}license> ?license }} UNION {{ <{ONTOLOGY}> rdfs:comment ?about FILTER (LANG(?about) = "en") }}
        }} }}"""
    )
    return Counts(
        stats=graph_stats(backend),
        entities=_number(backend, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} FILTER (STRSTARTS(STR(?s), "{SFR}")) }}'),
        properties=_number(backend, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {where} }}"),
        graphs=[(g.value, int(n.value)) for g, n in graphs.rows],
        kinds=[
            (row["kind"].value, row["kindLabel"].value if row["kindLabel"] else row["kind"].value, int(row["facts"].value))
            for row in kinds
        ],
        licenses=sorted({row["license"].value for row in ontology if row["license"] is not None}),
        about=next((row["about"].value for row in ontology if row["about"] is not None), ""),
    )


class _Triples(list):
    """Triples as they are added: ``add(subject, predicate IRI, object)``, plain Python values becoming literals."""

    def add(self, subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: object) -> None:
        if isinstance(obj, int):
            obj = ox.Literal(str(obj), datatype=ox.NamedNode(str(XSD.integer)))
        self.append(ox.Triple(subject, ox.NamedNode(predicate), obj))


def void_triples(counts: Counts, endpoint: str | None = None, dump: str | None = None) -> list[ox.Triple]:
    """The VoID description of the dataset: its size, its classes and its sources' kinds, its licence, and where it
    is queried (``endpoint``) and downloaded (``dump``) when there is such a place."""
    out, dataset = _Triples(), ox.NamedNode(DATASET)
    stats = counts.stats
    out.add(dataset, str(RDF.type), ox.NamedNode(VOID + "Dataset"))
    out.add(dataset, DCTERMS + "title", ox.Literal("spacefilms", language="en"))
    if counts.about:
        out.add(dataset, DCTERMS + "description", ox.Literal(counts.about, language="en"))
    for license_iri in counts.licenses:
        out.add(dataset, DCTERMS + "license", ox.NamedNode(license_iri))
    if stats.built_at:
        out.add(dataset, DCTERMS + "modified", ox.Literal(stats.built_at, datatype=ox.NamedNode(str(XSD.dateTime))))
    out.add(dataset, VOID + "uriSpace", ox.Literal(str(SFR)))
    out.add(dataset, VOID + "triples", stats.triples)
    out.add(dataset, VOID + "entities", counts.entities)
    out.add(dataset, VOID + "classes", len(stats.classes))
    out.add(dataset, VOID + "properties", counts.properties)
    if endpoint:
        out.add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint))
    if dump:
        out.add(dataset, VOID + "dataDump", ox.NamedNode(dump))
    for class_iri, _, entities in stats.classes:  # the curated facts' classes, as `spacefilms stats` counts them
        partition = ox.BlankNode()
        out.add(dataset, VOID + "classPartition", partition)
        out.add(partition, VOID + "class", ox.NamedNode(class_iri))
        out.add(partition, VOID + "entities", entities)
    for kind, label, facts in counts.kinds:  # the facts the sources of each kind state, as `stats --sources` counts them
        subset = ox.BlankNode()
        out.add(dataset, VOID + "subset", subset)
        out.add(subset, str(RDF.type), ox.NamedNode(VOID + "Dataset"))
        out.add(subset, DCTERMS + "type", ox.NamedNode(kind))
        out.add(subset, str(RDFS.label), ox.Literal(f"facts stated by sources of the kind {label}", language="en"))
        out.add(subset, VOID + "triples", facts)
    return out


def service_triples(counts: Counts, endpoint: str, formats: Iterable[str]) -> list[ox.Triple]:
    """The service description of an endpoint at ``endpoint`` answering in ``formats`` (IRIs of
    http://www.w3.org/ns/formats/): SPARQL 1.1 Query, a default graph that is the merge of the named graphs, each named
    graph with its size; the dataset it serves is the VoID dataset, described with it."""
    out, service, dataset = _Triples(), ox.BlankNode(), ox.NamedNode(DATASET)
    out.add(service, str(RDF.type), ox.NamedNode(SD + "Service"))
    out.add(service, SD + "endpoint", ox.NamedNode(endpoint))
    out.add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    out.add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    for fmt in formats:
        out.add(service, SD + "resultFormat", ox.NamedNode(fmt))
    out.add(service, SD + "defaultDataset", dataset)
    out.add(dataset, str(RDF.type), ox.NamedNode(SD + "Dataset"))
    default = ox.BlankNode()
    out.add(dataset, SD + "defaultGraph", default)
    out.add(default, str(RDF.type), ox.NamedNode(SD + "Graph"))
    out.add(default, VOID + "triples", counts.stats.triples)
    for name, triples in counts.graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        out.add(dataset, SD + "namedGraph", named)
        out.add(named, str(RDF.type), ox.NamedNode(SD + "NamedGraph"))
        out.add(named, SD + "name", ox.NamedNode(name))
        out.add(named, SD + "graph", graph)
        out.add(graph, str(RDF.type), ox.NamedNode(SD + "Graph"))
        out.add(graph, VOID + "triples", triples)
    return out + void_triples(counts, endpoint=endpoint)


def serialize(triples: list[ox.Triple], fmt: ox.RdfFormat, base: str | None = None) -> bytes:
    """``triples`` in ``fmt``, with the project's prefixes and VoID's, SD's and Dublin Core's where the format has
    prefixes; IRIs under ``base`` written relative to it (a dump beside its description)."""
    prefixes = _SERIALIZE_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3) else None
    first = {subject: n for n, subject in reversed(list(enumerate(t.subject for t in triples)))}
    grouped = sorted(triples, key=lambda t: first[t.subject])  # each subject's triples together: one block in Turtle
    return ox.serialize(grouped, format=fmt, prefixes=prefixes, base_iri=base) or b""


def void_turtle(backend: Backend) -> bytes:
    """The VoID description of what ``backend`` reads, in Turtle (the website's ``void.ttl``)."""
    return serialize(void_triples(count(backend)), ox.RdfFormat.TURTLE)


def void_path(dump: str | Path) -> Path:
    """Where the VoID description of an export goes: ``graph.void.ttl`` beside ``graph.trig``."""
    dump = Path(dump)
    return dump.with_name(dump.stem + ".void.ttl")


def write_void(backend: Backend, dump: str | Path, counts: Counts | None = None) -> Path:
    """Write the VoID description of the export ``dump`` beside it (atomically), naming it as its void:dataDump;
    ``counts`` when they were counted already (an export counts while it writes)."""
    target = void_path(dump)
    absolute = Path(dump).absolute()
    triples = void_triples(counts or count(backend), dump=absolute.as_uri())
    return write_atomically(
        target, lambda out: out.write(serialize(triples, ox.RdfFormat.TURTLE, base=absolute.with_name(target.name).as_uri()))
    )
