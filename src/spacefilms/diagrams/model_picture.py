"""The data model as a picture, drawn by the diagram code from the vocabulary in ``ontologies/`` (``make images``
writes ``docs/images/data-model.png``): what a reader needs to write a query of their own.

The vocabulary, not the data, is read: the picture shows what the terms say whatever the store holds.

* a node is a class, named as a query names it (``schema:Person``; ``label_en``: "person"), styled as its entities are;
* an edge is a property with a domain and a range: ``rdfs:domain``/``rdfs:range``, or, for a reused schema.org term
  the mappings describe without redefining it, ``schema:domainIncludes``/``schema:rangeIncludes``; a datatype property
  (``sf:character``, ``sf:launchTime`` …) ends at a node for its values beside its class;
* ``rdfs:subClassOf`` links a class to a drawn superclass, dashed, bringing it in if no relation did (a film is a
  creative work);
* one edge comes from the layout, not the vocabulary: every fact sits in the named graph of its source page.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from spacefilms.diagrams.drawing import Rendered, render
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.styles import EdgeStyle, kind_of
from spacefilms.namespaces import ONTOLOGY, OWL, RDF, RDFS, SCHEMA, SF, compact
from spacefilms.workspace import ontology_files

TITLE = "The spacefilms data model: the main classes and the relations between them"
# What the picture shows: the relations behind the README's questions (a film's cast and the characters played,
# the flights up and back, where and on which flight a work was filmed and its kind, the milestones, rival and
# partners of a project, the kind of each source); all of them would crowd out the names on the lines. The whole
# vocabulary is model_network() with no choice of relations (or ontologies/ itself).
PICTURED = (
    SF.hasCastRole,
    SF.performer,
    SF.character,
    SF.flewUpOn,
    SF.cameBackOn,
    SF.destination,
    SCHEMA.recordedAt,
    SF.filmingLocation,
    SF.workKind,
    SF.milestoneOf,
    SF.milestoneType,
    SF.competedWith,
    SF.partnerOrganisation,
    SF.sourceKind,
)
VALUE = "value"  # what a datatype property without a range ends at
FACT = "any fact"  # the node standing for every triple of a source graph
IN_GRAPH = "GRAPH ?source"  # the key of the edge from a fact to its source: a named graph, not a property
_SUBCLASS = str(RDFS.subClassOf)
_DOMAINS = (str(RDFS.domain), str(SCHEMA.domainIncludes))
_RANGES = (str(RDFS.range), str(SCHEMA.rangeIncludes))
EDGE_STYLES = {
    _SUBCLASS: EdgeStyle("#8A8A8A", (0, (3, 2)), 1.0, "is a kind of (rdfs:subClassOf)"),
    IN_GRAPH: EdgeStyle("#B2182B", "-", 2.2, "stated in the named graph of its source page"),
}


def _index(files: Iterable[Path]) -> dict[str, dict[str, list[str]]]:
    """subject -> predicate -> objects (IRIs, and literals as their text) of the Turtle ``files``."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in files:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(triple.subject, ox.NamedNode):
                obj = triple.object
                if isinstance(obj, ox.Literal) and obj.language not in (None, "en"):
                    continue
                found[triple.subject.value][triple.predicate.value].append(obj.value)
    return found


def model_network(relations: Iterable[str] | None = None, files: Iterable[Path] | None = None) -> nx.MultiDiGraph:
    """The classes of the vocabulary in ``files`` (default: the bundled ontology and mappings) and the ``relations``
    between them (default: every property with a domain and a range), as the diagram code draws a network: nodes
    with ``label`` and ``kind``, edges keyed by predicate."""
    terms = _index(ontology_files() if files is None else files)
    chosen = None if relations is None else {str(r) for r in relations}
    net = nx.MultiDiGraph(version=next(iter(terms[ONTOLOGY][str(OWL.versionInfo)]), ""))

    def add_class(iri: str) -> None:
        if iri not in net:
            label = next(iter(terms[iri][str(RDFS.label)]), "")
            kinds = {iri, *terms[iri][_SUBCLASS]}
            net.add_node(iri, label=compact(iri), label_en=label, kind=kind_of(kinds))

    def add_edge(a: str, b: str, key: str, label: str) -> None:
        net.add_edge(a, b, key=key, predicate=key, relation=key if key == IN_GRAPH else compact(key), label=label, role="")

    for prop, said in sorted(terms.items()):
        if chosen is not None and prop not in chosen:
            continue
        ranges = [r for p in _RANGES for r in said[p]]
        literal = str(OWL.DatatypeProperty) in said[str(RDF.type)]
        for domain in (d for p in _DOMAINS for d in said[p]):
            add_class(domain)
            for value in ranges or ([VALUE] if literal else []):
                # a literal value gets a node of its own beside each class, shared by that class's properties
                target = f"{domain} {value}" if literal else value
                if literal:
                    net.add_node(target, label=compact(value), kind="other")
                add_class(target)
                add_edge(domain, target, prop, compact(prop))
    linked = set(net)
    for cls, said in sorted(terms.items()):
        for parent in said[_SUBCLASS]:
            if parent in linked:
                add_class(cls)
                add_edge(cls, parent, _SUBCLASS, "is a")
    net.add_node(FACT, label="any fact (a triple)", kind="other")
    add_edge(FACT, str(SF.Source), IN_GRAPH, "in GRAPH ?source")
    return net


def model_diagram(net: nx.MultiDiGraph) -> Diagram:
    """The network laid out by force (no class is the centre of the model), each relation named on its line."""
    return Diagram(net, TITLE, f"ontology version {net.graph['version']}", edge_styles=EDGE_STYLES, edge_labels=True)


def draw_model(output: str | Path) -> Rendered:
    """Draw the main classes and relations of the bundled vocabulary into ``output`` (.png, .svg or .pdf)."""
    return render(model_diagram(model_network(PICTURED)), output)


if __name__ == "__main__":  # `make images`: python -m spacefilms.diagrams.model_picture docs/images/data-model.png
    drawn = draw_model(sys.argv[1])
    print(f"Wrote {drawn.path} ({drawn.width:.1f} × {drawn.height:.1f} in, {drawn.nodes} classes)")
