"""The bundled queries as data, the way sib-swiss/sparql-examples publishes them: each ``.rq`` file's header becomes
a SHACL ``sh:SPARQLExecutable`` (``sh:select``/``sh:ask``/``sh:construct`` with the query text, ``rdfs:label`` its
title, ``rdfs:comment`` its description, ``schema:target`` the endpoint, ``schema:keywords``, ``sh:prefixes`` the
declarations of the prefixes it may use, and one ``sh:Parameter`` per parameter with its datatype and default). As in
sparql-examples, schema.org is ``https://schema.org/`` here (the graph's facts use ``http://schema.org/``). The build stores them in their own graph; ``serve``
publishes them at ``/.well-known/sparql-examples``."""

from __future__ import annotations

import pyoxigraph as ox

from spacefilms.core import sparql
from spacefilms.core.library import NamedQuery, list_queries
from spacefilms.namespaces import OWL, PREFIXES, QUERIES_GRAPH, RDF, RDFS, XSD

SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"  # sparql-examples' spelling of schema.org
QUERY_BASE = "https://w3id.org/spacefilms/query/"
ENDPOINT = "https://w3id.org/spacefilms/sparql"
_KINDS = {"SELECT": "SPARQLSelectExecutable", "ASK": "SPARQLAskExecutable", "CONSTRUCT": "SPARQLConstructExecutable"}
_TYPES = {"iri": None, "string": XSD.string, "date": XSD.date, "dateTime": XSD.dateTime, "integer": XSD.integer}
_TYPES |= {"decimal": XSD.decimal, "lang": XSD.language}


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def query_kind(query: NamedQuery) -> str:
    """SELECT, ASK or CONSTRUCT, as the query's text says."""
    return sparql.form(query.text, query.where)


def example_quads(queries: list[NamedQuery] | None = None) -> list[ox.Quad]:
    """The executables of ``queries`` (default: the bundled ones), in the queries graph."""
    graph = _n(QUERIES_GRAPH)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: object, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, _n(p), o, graph))

    declarations = _n(QUERY_BASE + "prefixes")  # one node declaring every predeclared prefix, as SHACL-SPARQL does
    add(declarations, RDF.type, _n(OWL.Ontology))
    for prefix, namespace in sorted(PREFIXES.items()):
        declaration = ox.BlankNode()
        add(declarations, SH + "declare", declaration)
        add(declaration, SH + "prefix", ox.Literal(prefix))
        add(declaration, SH + "namespace", ox.Literal(namespace, datatype=_n(XSD.anyURI)))
    for query in queries if queries is not None else list_queries():
        node, kind = _n(QUERY_BASE + query.name), _KINDS.get(query_kind(query), "SPARQLExecutable")
        add(node, RDF.type, _n(SH + "SPARQLExecutable"))
        add(node, RDF.type, _n(SH + kind))
        add(node, SH + kind.removeprefix("SPARQL").removesuffix("Executable").lower(), ox.Literal(query.text))
        add(node, RDFS.label, ox.Literal(query.title, language="en"))
        add(node, RDFS.comment, ox.Literal(query.description, language="en"))
        add(node, SCHEMA + "target", _n(ENDPOINT))
        add(node, SCHEMA + "identifier", ox.Literal(query.name))
        add(node, SH + "prefixes", declarations)
        for word in query.name.split("-"):
            add(node, SCHEMA + "keywords", ox.Literal(word))
        for param in query.parameters:
            parameter = ox.BlankNode()
            add(node, SH + "parameter", parameter)
            add(parameter, RDF.type, _n(SH + "Parameter"))
            add(parameter, SH + "path", _n(QUERY_BASE + query.name + "#" + param.name))
            add(parameter, SCHEMA + "name", ox.Literal(param.name))
            add(parameter, RDFS.comment, ox.Literal(param.description, language="en"))
            if _TYPES.get(param.type) is not None:
                add(parameter, SH + "datatype", _n(_TYPES[param.type]))
            else:
                add(parameter, SH + "nodeKind", _n(SH + "IRI"))
            if param.default is not None:
                add(parameter, SH + "defaultValue", ox.Literal(param.default))
    return quads


def examples_turtle(queries: list[NamedQuery] | None = None) -> bytes:
    """The executables as Turtle (what ``/.well-known/sparql-examples`` answers)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in example_quads(queries)]
    prefixes = {"sh": SH, "rdfs": str(RDFS), "schema": SCHEMA, "xsd": str(XSD), "owl": str(OWL), "spq": QUERY_BASE}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
