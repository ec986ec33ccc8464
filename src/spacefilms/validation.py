"""Check loaded data: SHACL shapes, and that every curated fact has a declared source, a label and a type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from oxrdflib._converter import from_ox
from rdflib import Graph

from spacefilms.loading import LoadedData, Locator
from spacefilms.namespaces import ONTOLOGY_GRAPH, SOURCES_GRAPH, WIKIDATA_GRAPH_BASE, sparql_prologue
from spacefilms.shapes import compile_shapes, violations


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: where, about what, and what."""

    where: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.focus}: {self.message}"


def _in_memory_copy(data: LoadedData) -> Graph:
    """An rdflib memory graph of all triples: pyshacl is ~1000x faster on it than on the store.

    Wikidata enrichment graphs stay out: the shapes describe curated records, fetched values follow Wikidata's model."""
    graph = Graph()
    for quad in data.quads:
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(WIKIDATA_GRAPH_BASE):
            continue
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return graph


def shacl_problems(data: LoadedData, shapes: Path, locator: Locator, store: ox.Store | None = None) -> list[Problem]:
    """Check ``data`` against the SHACL ``shapes``: with SPARQL over ``store`` (a store of ``data``) when the shapes
    compile (see :mod:`spacefilms.shapes`), else with pyshacl over an in-memory copy."""
    checks = compile_shapes(shapes)
    if checks is None:
        return _pyshacl_problems(data, shapes, locator)
    store = data_store(data) if store is None else store
    graphs = list(store.named_graphs())
    if any(g.value.startswith(WIKIDATA_GRAPH_BASE) for g in graphs if isinstance(g, ox.NamedNode)):
        curated = [ox.DefaultGraph(), *(g for g in graphs if not g.value.startswith(WIKIDATA_GRAPH_BASE))]
        options: dict = {"default_graph": curated}
    else:
        options = {"use_default_graph_as_union": True}
    problems = set()
    for focus, message, value in violations(store, checks, **options):
        text = message + (f" (value {from_ox(value).n3()})" if value is not None else "")
        problems.add(Problem(locator.locate(focus.value) or "graph", from_ox(focus).n3(), text))
    return sorted(problems, key=lambda p: (p.where, p.focus, p.message))


def _pyshacl_problems(data: LoadedData, shapes: Path, locator: Locator) -> list[Problem]:
    """Validate an in-memory copy of ``data`` against the SHACL ``shapes`` with pyshacl."""
    from pyshacl import validate  # imported here: it takes a second to import

    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, report, _ = validate(_in_memory_copy(data), shacl_graph=shapes_graph, inference="none")
    if conforms:
        return []
    sh = "http://www.w3.org/ns/shacl#"
    rows = report.query(
        f"""SELECT ?focus ?path ?message ?value WHERE {{
              ?r a <{sh}ValidationResult> ; <{sh}focusNode> ?focus .
              OPTIONAL {{ ?r <{sh}resultPath> ?path }}
              OPTIONAL {{ ?r <{sh}resultMessage> ?message }}
              OPTIONAL {{ ?r <{sh}value> ?value }} }}"""
    )
    problems = set()
    for focus, _path, message, value in rows:
        text = str(message) if message else "violates a shape"
        if value is not None:
            text += f" (value {value.n3()})"
        problems.add(Problem(locator.locate(str(focus)) or "graph", focus.n3(), text))
    return sorted(problems, key=lambda p: (p.where, p.focus, p.message))


def data_store(data: LoadedData) -> ox.Store:
    """An in-memory store of every quad in ``data``, for the SPARQL checks."""
    store = ox.Store()
    store.bulk_extend(data.quads)
    return store


_UNDECLARED_SOURCES = """
SELECT DISTINCT ?g WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER (?g NOT IN (<%(sources)s>, <%(ontology)s>) && !STRSTARTS(STR(?g), "%(wikidata)s"))
  FILTER NOT EXISTS { GRAPH <%(sources)s> { ?g a sf:Source } }
}"""

# A Wikidata enrichment graph is not a curated source: it must say which item it was derived from, when it was
# fetched and from which endpoint (spacefilms.enrichment writes these about the graph, inside it).
_UNTRACED_WIKIDATA = """
SELECT DISTINCT ?g WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER (STRSTARTS(STR(?g), "%(wikidata)s"))
  FILTER NOT EXISTS {
    GRAPH ?g { ?g prov:wasDerivedFrom ?item ; prov:generatedAtTime ?t ; <http://purl.org/dc/terms/source> ?endpoint }
    FILTER (STRSTARTS(STR(?item), STR(wd:)) && DATATYPE(?t) = xsd:dateTime && isIRI(?endpoint))
  }
}"""

# Each check lists the project resources (sfr:…) that break one rule. Relation nodes (cast roles, flight
# assignments) are exempt from the label rule: they are named by what they link.
_MENTIONED = """{ GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?g { ?x ?p ?s } } FILTER (isIRI(?s) && STRSTARTS(STR(?s), STR(sfr:)))"""
_RESOURCE_CHECKS = {
    "has no rdf:type": "FILTER NOT EXISTS { ?s a ?type }",
    "has a type the ontology does not define": (
        "?s a ?type . FILTER NOT EXISTS { ?type a owl:Class } FILTER NOT EXISTS { ?type a sf:MilestoneType }"
    ),
    "has no English rdfs:label": (
        'FILTER NOT EXISTS { ?s rdfs:label ?label . FILTER (LANGMATCHES(LANG(?label), "en")) }'
        " FILTER NOT EXISTS { ?s a ?relation . VALUES ?relation { sf:CastRole sf:FlightAssignment } }"
    ),
}


def provenance_problems(data: LoadedData, locator: Locator, store: ox.Store | None = None) -> list[Problem]:
    """Every curated fact must sit in a named graph that is a declared sf:Source;
    every resource it mentions needs a type the ontology defines and an English label.
    ``store`` holds ``data`` already, if given."""
    problems = [
        Problem(
            str(path),
            "default graph",
            f"{count} triple(s) outside any source graph: wrap them in GRAPH <source-url> {{ }}",
        )
        for path, count in data.default_graph_files.items()
    ]
    store = data_store(data) if store is None else store
    params = {"sources": SOURCES_GRAPH, "ontology": ONTOLOGY_GRAPH, "wikidata": WIKIDATA_GRAPH_BASE}
    graph_checks = (
        (
            _UNDECLARED_SOURCES,
            "source graph is not declared: add <{g}> a sf:Source ; rdfs:label … in GRAPH <" + SOURCES_GRAPH + ">",
        ),
        (
            _UNTRACED_WIKIDATA,
            "Wikidata graph without provenance: it needs prov:wasDerivedFrom <item>, prov:generatedAtTime and dcterms:source <endpoint>",
        ),
    )
    for query, message in graph_checks:
        for row in store.query(sparql_prologue() + query % params):
            graph = row["g"].value
            problems.append(Problem(locator.locate(graph) or "graph", f"<{graph}>", message.format(g=graph)))
    for message, check in _RESOURCE_CHECKS.items():
        query = f"SELECT DISTINCT ?s ?type WHERE {{ {_MENTIONED} {check} }}"
        for row in store.query(sparql_prologue() + query, use_default_graph_as_union=True):
            subject = row["s"].value
            detail = f"{message}: {row['type'].value}" if row["type"] is not None else message
            problems.append(Problem(locator.locate(subject) or "graph", f"<{subject}>", detail))
    return problems


def validate(data: LoadedData, shapes: Path) -> list[Problem]:
    """All problems with ``data``: provenance first, then SHACL."""
    locator = Locator(data.files)
    store = data_store(data)
    return provenance_problems(data, locator, store) + shacl_problems(data, shapes, locator, store)
