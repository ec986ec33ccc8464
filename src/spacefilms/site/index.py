"""The whole graph read once for the website: every fact with the graph (source page) stating it, indexed by subject,
by object and by source; the sources' descriptions; the vocabulary's labels.

One pass over the quads (``Backend.quads()``: one query to an endpoint, a scan of a local store), never one query per
entity, so the site of a big graph costs one read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.values import pick_label
from spacefilms.namespaces import (
    BUILD_GRAPH,
    ONTOLOGY_GRAPH,
    PROV,
    QUERIES_GRAPH,
    RDF,
    RDFS,
    SCHEMA,
    SF,
    SKOS,
    SOURCES_GRAPH,
    WIKIDATA_GRAPH_BASE,
)
from spacefilms.site.paths import is_resource
from spacefilms.store.stats import built_at

TYPE, LABEL, ALT_LABEL = str(RDF.type), str(RDFS.label), str(SKOS.altLabel)
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Source:
    """A source page (the name of a graph of facts) as the sources graph describes it, with the facts it states."""

    iri: str
    label: str = ""
    label_lang: str = ""  # the language of its title, when not English
    kind: str = ""  # the IRI of its sf:SourceKind ("" when undeclared: a Wikidata item's graph, say)
    publisher: str = ""
    date: str = ""
    language: str = ""
    derived_from: list[str] = field(default_factory=list)
    facts: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]] = field(default_factory=list)
    description: list[ox.Quad] = field(default_factory=list)  # its quads in the sources graph

    @property
    def name(self) -> str:
        return self.label or self.publisher or self.iri


@dataclass
class Entity:
    """A project resource with facts: what it states (``out``) and what points at it (``incoming``)."""

    iri: str
    types: set[str] = field(default_factory=set)
    out: list[tuple[str, Term, str]] = field(default_factory=list)  # (predicate, object, graph)
    incoming: list[tuple[str, str, str]] = field(default_factory=list)  # (subject, predicate, graph)


@dataclass
class SiteData:
    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    blanks: dict[str, list[tuple[str, Term, str]]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # iri -> lang -> first label
    vocabulary: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # ontology labels
    built_at: str | None = None
    quads: int = 0
    cache: dict = field(default_factory=dict)  # what pages ask again and again (a source's reference, by page depth)

    def label(self, iri: str, lang: str = "en") -> str:
        """The name people read: the label in ``lang``, else English, else any, else the IRI's last part."""
        for names in (self.labels.get(iri), self.vocabulary.get(iri)):
            if names:
                found = pick_label(names, lang) or next(iter(names.values()))
                if found:
                    return found
        tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return tail or iri

    def label_lang(self, iri: str) -> str:
        """The language of :meth:`label` (``""`` for English or untagged), for a ``lang`` attribute."""
        names = self.labels.get(iri, {})
        if names.get("en") or names.get("") or not names:
            return ""
        return next(lang for lang, text in names.items() if text == self.label(iri))

    def kind_label(self, iri: str) -> str:
        """What the entity is, in words: the label of its first class (``person``, ``cast role``)."""
        types = sorted(self.entities[iri].types) if iri in self.entities else []
        return self.term_label(types[0]) if types else ""

    def term_label(self, iri: str) -> str:
        """A class's or a relation's English name from the vocabulary (``director``), else its last part."""
        names = self.vocabulary.get(iri, {})
        return names.get("en") or names.get("") or self.label(iri)

    def source(self, iri: str) -> Source:
        if iri not in self.sources:
            kind = "wikidata" if iri.startswith(WIKIDATA_GRAPH_BASE) else ""
            self.sources[iri] = Source(iri, label=f"Wikidata item {iri.rsplit('/', 1)[-1]}" if kind else "", kind=kind)
        return self.sources[iri]


_SOURCE_FIELDS = {
    LABEL: "label",
    str(SF.sourceKind): "kind",
    str(SCHEMA.publisher): "publisher",
    str(SCHEMA.datePublished): "date",
    str(SCHEMA.inLanguage): "language",
}
_SKIPPED = {BUILD_GRAPH, QUERIES_GRAPH}


def load_site_data(backend: Backend) -> SiteData:
    """Index every quad ``backend`` reads (see the module docstring)."""
    data = SiteData(built_at=built_at(backend))
    pointing: list[tuple[str, str, str, str]] = []
    for quad in backend.quads(None, None, None, None):
        data.quads += 1
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if graph in _SKIPPED or not graph:
            continue
        if graph == ONTOLOGY_GRAPH:
            if p == LABEL and isinstance(o, ox.Literal):
                data.vocabulary[s.value].setdefault(o.language or "", o.value)
            continue
        if graph == SOURCES_GRAPH:
            _describe_source(data, quad)
            continue
        data.source(graph).facts.append((s, quad.predicate, o))
        if isinstance(s, ox.BlankNode):
            data.blanks[s.value].append((p, o, graph))
            continue
        if p == LABEL and isinstance(o, ox.Literal):
            data.labels[s.value].setdefault(o.language or "", o.value)
        if not is_resource(s.value):
            continue
        entity = data.entities.get(s.value) or data.entities.setdefault(s.value, Entity(s.value))
        entity.out.append((p, o, graph))
        if p == TYPE:
            entity.types.add(o.value)
        elif isinstance(o, ox.NamedNode) and is_resource(o.value):
            pointing.append((o.value, s.value, p, graph))
    for target, subject, predicate, graph in pointing:
        if target in data.entities:
            data.entities[target].incoming.append((subject, predicate, graph))
    return data


def _describe_source(data: SiteData, quad: ox.Quad) -> None:
    s, p, o = quad.subject, quad.predicate.value, quad.object
    if not isinstance(s, ox.NamedNode):
        return
    source = data.source(s.value)
    source.description.append(quad)
    if p == str(PROV.wasDerivedFrom) and isinstance(o, ox.NamedNode):
        source.derived_from.append(o.value)
    elif p in _SOURCE_FIELDS:
        name = _SOURCE_FIELDS[p]
        if not getattr(source, name) or (name == "label" and isinstance(o, ox.Literal) and o.language == "en"):
            setattr(source, name, o.value)
            if name == "label" and isinstance(o, ox.Literal):
                source.label_lang = "" if o.language in ("en", "", None) else o.language
