"""IRIs of the vocabularies and graphs spacefilms uses, as plain strings (no term model: pyoxigraph's is made from
them where a term is needed, rdflib's only at the public edge)."""

from __future__ import annotations


class Namespace:
    """An IRI prefix whose attributes are the IRIs in it, as plain ``str``: ``SF.Film``, ``SFR["outer-space"]``;
    ``str(SF)`` or ``f"{SF}"`` is the prefix itself. Not a ``str`` subclass, so that no term is hidden by a string
    method (``DCTERMS.title``, ``SCHEMA.description`` would be ``str.title``…)."""

    __slots__ = ("_iri",)

    def __init__(self, iri: str) -> None:
        self._iri = iri

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):  # copy, pickle and friends ask for protocol names: not terms
            raise AttributeError(name)
        return self._iri + name

    def __getitem__(self, name: str) -> str:
        return self._iri + name

    def __str__(self) -> str:
        return self._iri

    def __repr__(self) -> str:
        return f"Namespace({self._iri!r})"


SF = Namespace("https://w3id.org/spacefilms/ontology#")
SFR = Namespace("https://w3id.org/spacefilms/resource/")
SCHEMA = Namespace("http://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# The ontology's own IRI: every built graph declares it an owl:Ontology (its marker).
ONTOLOGY = "https://w3id.org/spacefilms/ontology"
GRAPH_BASE = "https://w3id.org/spacefilms/graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
SOURCES_GRAPH = GRAPH_BASE + "sources"
BUILD_GRAPH = GRAPH_BASE + "build"
# The bundled queries as data (sparql-examples style): see spacefilms.core.examples.
QUERIES_GRAPH = GRAPH_BASE + "queries"
# Facts fetched from Wikidata: one graph per item, not curated sources (see spacefilms.wikidata.enrichment).
WIKIDATA_GRAPH_BASE = GRAPH_BASE + "wikidata/"
# The published layout (export, push): the merge of all graphs (each triple once), which a remote query reads as
# its default graph, and the manifest listing every published graph (see spacefilms.core.layout).
MERGE_GRAPH = GRAPH_BASE + "all"
MANIFEST_GRAPH = GRAPH_BASE + "manifest"

# Graphs that hold no facts of a source: the vocabulary, the description of the sources, the build record, the
# queries, the merge and the manifest.
INFRASTRUCTURE_GRAPHS = (ONTOLOGY_GRAPH, SOURCES_GRAPH, BUILD_GRAPH, QUERIES_GRAPH, MERGE_GRAPH, MANIFEST_GRAPH)


def is_fact_graph(iri: str) -> bool:
    """A graph of facts: a curated source's, or a Wikidata item's (not the vocabulary, sources or build record)."""
    return bool(iri) and iri not in INFRASTRUCTURE_GRAPHS


def curated_graph_filter(variable: str = "?g") -> str:
    """A SPARQL FILTER on ``variable``: a curated source's graph (a graph of facts not fetched from Wikidata)."""
    names = ", ".join(f"<{iri}>" for iri in INFRASTRUCTURE_GRAPHS)
    return f'FILTER ({variable} NOT IN ({names}) && !STRSTARTS(STR({variable}), "{WIKIDATA_GRAPH_BASE}"))'


def layout_graph_filter(variable: str = "?g") -> str:
    """A SPARQL FILTER keeping the graphs of the published layout but the derived ones: the infrastructure graphs,
    the Wikidata graphs and every declared source (read from the default graph, the merge). What an endpoint that
    shows other named graphs too (Virtuoso's system graphs, another project's data) must be read through."""
    kept = ", ".join(f"<{iri}>" for iri in (ONTOLOGY_GRAPH, SOURCES_GRAPH, BUILD_GRAPH, QUERIES_GRAPH))
    return (
        f'FILTER ({variable} IN ({kept}) || STRSTARTS(STR({variable}), "{WIKIDATA_GRAPH_BASE}") '
        f"|| EXISTS {{ {variable} a <{SF.Source}> }})"
    )


# The one prefix table: predeclared in every query (bundled, --sparql, --file), used to shorten IRIs in answers and
# written into exports. `spacefilms prefixes` prints it. Two prefixes for one namespace (dcterms, dct) both expand;
# the shorter one is written (see _LONGEST_FIRST), as the RDF writers choose it too.
PREFIXES: dict[str, str] = {
    "sf": str(SF),
    "sfr": str(SFR),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "dct": str(DCTERMS),
    "wd": str(WD),
    "wdt": str(WDT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prologue() -> str:
    """PREFIX declarations for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def compact(iri: str) -> str:
    """``sfr:the-challenge`` for a project IRI (the longest matching namespace wins, then the shortest prefix:
    ``dct:`` rather than ``dcterms:``); the IRI itself otherwise."""
    for prefix, ns in _LONGEST_FIRST:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(text: str) -> str:
    """The IRI of ``prefix:local`` (project prefixes), of ``<iri>``, or ``text`` itself when it is already one."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), len(kv[0])))
