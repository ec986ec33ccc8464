"""Check loaded data: SHACL shapes, that every curated fact has a declared source, a label and a type, and that
source and link IRIs are http(s)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from spacefilms.core.backends import LocalBackend
from spacefilms.core.results import rdflib_terms
from spacefilms.namespaces import (
    FOAF,
    OWL,
    RDF,
    SCHEMA,
    SF,
    SOURCES_GRAPH,
    WIKIDATA_GRAPH_BASE,
    compact,
    curated_graph_filter,
    sparql_prologue,
)
from spacefilms.store import source_policy
from spacefilms.store.loading import LoadedData, Locator
from spacefilms.store.shapes import compile_shapes, violations
from spacefilms.store.source_policy import CopyDomain
from spacefilms.templating import is_web_link


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: where, about what, and what."""

    where: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.focus}: {self.message}"


def _curated(quad: ox.Quad) -> bool:
    """Whether the shapes check ``quad``: they describe curated records; a Wikidata enrichment graph's values follow
    Wikidata's model."""
    return not _is_wikidata(quad.graph_name)


def _is_wikidata(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.startswith(WIKIDATA_GRAPH_BASE)


def _in_memory_copy(data: LoadedData) -> Graph:
    """An rdflib memory graph of the curated triples: pyshacl is ~1000x faster on it than on the store."""
    graph, from_ox = Graph(), rdflib_terms()
    for quad in filter(_curated, data.store):
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return graph


def shacl_problems(data: LoadedData, shapes: Path, locator: Locator) -> list[Problem]:
    """Check ``data`` against the SHACL ``shapes``: with SPARQL over its store when the shapes compile
    (see :mod:`spacefilms.store.shapes`), else with pyshacl over an rdflib copy."""
    checks = compile_shapes(shapes)
    if checks is None:
        return _pyshacl_problems(data, shapes, locator)
    store = data.store
    if any(map(_is_wikidata, store.named_graphs())):
        # The curated quads in a store of their own: naming the hundreds of curated graphs as the default graph made
        # the engine read each pattern graph by graph (over two minutes for the bundled graph with an enrichment).
        store = ox.Store()
        store.bulk_extend(filter(_curated, data.store))
    problems, from_ox = set(), rdflib_terms()
    backend = LocalBackend(store, use_default_graph_as_union=True)
    for focus, message, value in violations(backend, checks, workers=os.cpu_count() or 1):
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


# The provenance rules, one SPARQL query for all (over the union of all graphs), each row a broken rule: ?check
# indexes _PROVENANCE_MESSAGES, ?focus is the graph or resource at fault, ?type the offending type if any.
# Graph rules: every named graph of curated facts (not the ontology, sources or build record) is a declared sf:Source; a Wikidata enrichment graph is not a
# curated source, it must say which item it was derived from, when it was fetched and from which endpoint
# (spacefilms.wikidata.enrichment writes these about the graph, inside it).
# Resource rules, for every project resource (sfr:…) a fact mentions: a type the ontology defines and an English
# label. Relation nodes (cast roles, flight assignments) are exempt from the label rule: they are named by what they link.
_PROVENANCE = """
SELECT DISTINCT ?check ?focus ?type WHERE {
  {
    GRAPH ?focus { }
    %(curated)s
    FILTER NOT EXISTS { GRAPH <%(sources)s> { ?focus a sf:Source } }
    BIND (0 AS ?check)
  } UNION {
    GRAPH ?focus { }
    FILTER (STRSTARTS(STR(?focus), "%(wikidata)s"))
    FILTER NOT EXISTS {
      GRAPH ?focus { ?focus prov:wasDerivedFrom ?item ; prov:generatedAtTime ?t ; <http://purl.org/dc/terms/source> ?endpoint }
      FILTER (STRSTARTS(STR(?item), STR(wd:)) && DATATYPE(?t) = xsd:dateTime && isIRI(?endpoint))
    }
    BIND (1 AS ?check)
  } UNION {
    { SELECT DISTINCT ?focus WHERE { { ?focus ?p ?o } UNION { ?x ?p ?focus } FILTER (isIRI(?focus) && STRSTARTS(STR(?focus), STR(sfr:))) } }
    OPTIONAL { ?focus a ?type FILTER NOT EXISTS { ?type a owl:Class } FILTER NOT EXISTS { ?type a sf:MilestoneType } }
    BIND (EXISTS { ?focus a ?any } AS ?typed)
    BIND (EXISTS { ?focus rdfs:label ?label . FILTER (LANGMATCHES(LANG(?label), "en")) }
          || EXISTS { ?focus a ?relation . VALUES ?relation { sf:CastRole sf:FlightAssignment } } AS ?labelled)
    VALUES ?check { 2 3 4 }
    FILTER ((?check = 2 && !?typed) || (?check = 3 && BOUND(?type)) || (?check = 4 && !?labelled))
  }
}"""
_PROVENANCE_MESSAGES = (
    "source graph is not declared: add <{focus}> a sf:Source ; rdfs:label … in GRAPH <" + SOURCES_GRAPH + ">",
    "Wikidata graph without provenance: it needs prov:wasDerivedFrom <item>, prov:generatedAtTime and dcterms:source <endpoint>",
    "has no rdf:type",
    "has a type the ontology does not define: {type}",
    "has no English rdfs:label",
)
_BAD_TYPE = 3  # the rule whose rows name the offending ?type


def provenance_query() -> str:
    """The provenance rules as one SPARQL query, to run with the union of all graphs as the default graph.
    Also run by benchmarks/bench_scale.py on rdflib's engine, so both sides do the same checks."""
    params = {"sources": SOURCES_GRAPH, "curated": curated_graph_filter("?focus"), "wikidata": WIKIDATA_GRAPH_BASE}
    return sparql_prologue() + _PROVENANCE % params


def provenance_problems(data: LoadedData, locator: Locator) -> list[Problem]:
    """Every curated fact must sit in a named graph that is a declared sf:Source;
    every resource it mentions needs a type the ontology defines and an English label."""
    problems = [
        Problem(
            str(path),
            "default graph",
            f"{count} triple(s) outside any source graph: wrap them in GRAPH <source-url> {{ }}",
        )
        for path, count in data.default_graph_files.items()
    ]
    found = set()
    for row in LocalBackend(data.store, use_default_graph_as_union=True).select(provenance_query()):
        check = int(row["check"].value)
        found.add((check, row["focus"].value, row["type"].value if check == _BAD_TYPE else ""))
    for check, focus, type_ in sorted(found):
        message = _PROVENANCE_MESSAGES[check].format(focus=focus, type=type_)
        problems.append(Problem(locator.locate(focus) or "graph", f"<{focus}>", message))
    return problems


_LINKS = [ox.NamedNode(str(p)) for p in (FOAF.isPrimaryTopicOf, SCHEMA.url, SCHEMA.sameAs, OWL.sameAs)]


def link_problems(data: LoadedData, locator: Locator) -> list[Problem]:
    """Source and link IRIs that are not http(s): the diagram and the website link to them (a ``javascript:`` one
    would run when clicked), so they must pass :func:`spacefilms.templating.is_web_link`. Source IRIs are every
    sf:Source and every named graph (the graphs of curated facts are their sources' IRIs; the others are the project's)."""
    store = data.store
    declared = store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SF.Source)), ox.NamedNode(SOURCES_GRAPH)
    )
    iris = {q.subject for q in declared} | set(store.named_graphs())
    iris |= {q.object for link in _LINKS for q in store.quads_for_pattern(None, link, None)}
    bad = sorted(i.value for i in iris if isinstance(i, ox.NamedNode) and not is_web_link(i.value))
    return [Problem(locator.locate(iri) or "graph", f"<{iri}>", "a source/link IRI must be http(s)") for iri in bad]


def source_problems(data: LoadedData, locator: Locator, domains: list[CopyDomain]) -> list[Problem]:
    """The source policy (see :mod:`spacefilms.store.source_policy`): no fact rests only on secondary copies."""
    backend = LocalBackend(data.store, use_default_graph_as_union=True)
    problems = set()
    for check, s, p, o, graph in source_policy.violations(backend, domains):
        if check == 0:
            fact = " ".join(compact(t.value) if isinstance(t, ox.NamedNode) else str(t) for t in (s, p, o))
            message = f"fact {fact} rests only on secondary copies, e.g. <{graph}> ({source_policy.reason_for(graph, domains)})"
            problems.add(Problem(locator.locate(s.value) if isinstance(s, ox.NamedNode) else "graph", f"<{graph}>", message))
        else:
            message = (
                f"on a listed copy domain ({source_policy.reason_for(graph, domains)}): declare it sf:sourceKind sf:SecondaryCopy"
            )
            problems.add(Problem(locator.locate(graph) or "graph", f"<{graph}>", message))
    return sorted(problems, key=lambda p: (p.where, p.focus, p.message))


# How deep blank nodes may nest (a node inside a node…, an RDF list's cells): the bundled graph nests 2 deep; writers
# and readers of RDF recurse over such chains (JSON-LD, rdflib), so a chain thousands deep fails them far from here.
MAX_BLANK_DEPTH = 64


def depth_problems(data: LoadedData, locator: Locator) -> list[Problem]:
    """Blank nodes nested deeper than :data:`MAX_BLANK_DEPTH`, reported at the IRI whose value starts the chain."""
    inner: dict[ox.BlankNode, list[ox.BlankNode]] = {}
    owners: dict[ox.BlankNode, ox.NamedNode] = {}
    edges = "SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o FILTER (isBlank(?o)) }"  # the engine scans; Python sees the few
    for subject, obj in LocalBackend(data.store, use_default_graph_as_union=True).select(edges).rows:
        if isinstance(subject, ox.BlankNode):
            inner.setdefault(subject, []).append(obj)
        elif isinstance(subject, ox.NamedNode):
            owners.setdefault(obj, subject)
    problems = []
    for start, owner in owners.items():
        depth, level, seen = 1, [start], {start}
        while level and depth <= MAX_BLANK_DEPTH:  # breadth first, so a cycle or a wide tree ends too
            level = [child for node in level for child in inner.get(node, ()) if child not in seen]
            seen.update(level)
            depth += bool(level)
        if depth > MAX_BLANK_DEPTH:
            message = f"blank nodes nested more than {MAX_BLANK_DEPTH} deep (a list or chain of nodes): write them as IRIs"
            problems.append(Problem(locator.locate(owner.value) or "graph", f"<{owner.value}>", message))
    return problems


def validate(data: LoadedData, shapes: Path, copy_domains: Path | None = None) -> list[Problem]:
    """All problems with ``data``: provenance, source and link IRIs, and the source policy first, then SHACL (checked at the same time,
    in threads). ``copy_domains`` is the policy's list of copy domains (none checked when not given)."""
    locator = Locator(data.files)
    domains = source_policy.read_copy_domains(copy_domains) if copy_domains else []
    with ThreadPoolExecutor(max_workers=1) as pool:
        provenance = pool.submit(
            lambda: (
                provenance_problems(data, locator)
                + link_problems(data, locator)
                + depth_problems(data, locator)
                + source_problems(data, locator, domains)
            )
        )
        shacl = shacl_problems(data, shapes, locator)
        return provenance.result() + shacl
