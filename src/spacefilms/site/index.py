"""What the website reads of the graph: compact indexes held for the whole build, and everything else looked up in
the store when a page needs it.

Held in memory, one entry per entity or source, never one per fact: the project resources with facts and their
classes, the sources' descriptions (title, kind, publisher …) and how many facts each states, the vocabulary's labels.
Looked up per page, by pattern in the store's indexes (a few, from a small cache): an entity's facts and what points
at it, names, blank nodes, a source's facts. So a graph of a million triples is never copied into Python whole, and
no page scans it: one pass over the quads at the start builds the indexes. A local store is read where it lies; the
answers of an endpoint are copied once (one query) into a store in memory, which keeps them far more compactly than
Python objects would.
"""

from __future__ import annotations

import sys
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.backends import Backend, LocalBackend
from spacefilms.core.values import pick_label
from spacefilms.diagrams.styles import kind_of, node_style
from spacefilms.namespaces import (
    ONTOLOGY_GRAPH,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SF,
    SKOS,
    SOURCES_GRAPH,
    WIKIDATA_GRAPH_BASE,
    is_fact_graph,
)
from spacefilms.site.paths import is_resource
from spacefilms.store.stats import built_at

TYPE, LABEL, ALT_LABEL = str(RDF.type), str(RDFS.label), str(SKOS.altLabel)
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Fact = tuple[str, Term, str]  # (predicate, object, graph) about a subject
NAME_CACHE = 1 << 16  # names and blank nodes looked up again and again (the same people, places and flights)
ENTITY_CACHE = 1 << 12  # entities read whole: a page and its neighbours (milestones of a work, say)


@dataclass
class Source:
    """A source page (the name of a graph of facts) as the sources graph describes it, and how many facts it states."""

    iri: str
    label: str = ""
    label_lang: str = ""  # the language of its title, when not English
    kind: str = ""  # the IRI of its sf:SourceKind ("" when undeclared: a Wikidata item's graph, say)
    publisher: str = ""
    date: str = ""
    language: str = ""
    derived_from: list[str] = field(default_factory=list)
    facts: int = 0

    @property
    def name(self) -> str:
        return self.label or self.publisher or self.iri


@dataclass
class Entity:
    """A project resource with facts: what it states (``out``) and what points at it (``incoming``)."""

    iri: str
    types: frozenset[str]
    out: list[Fact]
    incoming: list[tuple[str, str, str]]  # (subject, predicate, graph)


class _Cache(OrderedDict):
    """The ``size`` most recently used answers of ``read``."""

    def __init__(self, read: Callable, size: int) -> None:
        super().__init__()
        self.read, self.size = read, size

    def __missing__(self, key: object) -> object:
        value = self[key] = self.read(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class SiteData:
    """The indexes (see the module docstring) and the lookups pages make in the store."""

    def __init__(self, backend: LocalBackend, built: str | None) -> None:
        self.backend = backend  # what the pages and pictures read: the store, or the endpoint's quads copied
        self.store = backend.store
        self.built_at = built
        self.quads = 0
        self.entities: dict[str, frozenset[str]] = {}  # project resource -> its classes
        self.sources: dict[str, Source] = {}
        self.vocabulary: dict[str, dict[str, str]] = {}  # ontology labels: iri -> lang -> first label
        self.cache: dict = {}  # what pages ask again and again (a source's reference, by page depth)
        self._names = _Cache(self._read_names, NAME_CACHE)
        self._blanks = _Cache(self._read_blank, NAME_CACHE)
        self._entities = _Cache(self._read_entity, ENTITY_CACHE)
        self._descriptions = _Cache(self._read_description, NAME_CACHE)

    # ---------------------------------------------------------------- lookups in the store

    def facts(self, subject: ox.NamedNode | ox.BlankNode | None = None, predicate: str | None = None) -> list[ox.Quad]:
        """The quads of the graphs of facts (sources' and Wikidata items') matching the pattern."""
        found = self.store.quads_for_pattern(subject, ox.NamedNode(predicate) if predicate else None, None, None)
        return [q for q in found if isinstance(q.graph_name, ox.NamedNode) and is_fact_graph(q.graph_name.value)]

    def entity(self, iri: str) -> Entity:
        """The facts about a project resource (grouped by source, so each source's come together in its data files)
        and the facts of other resources that point at it."""
        return self._entities[iri]

    def _read_entity(self, iri: str) -> Entity:
        node = ox.NamedNode(iri)
        out = sorted(((q.predicate.value, q.object, q.graph_name.value) for q in self.facts(node)), key=lambda f: f[2])
        incoming = [
            (q.subject.value, q.predicate.value, q.graph_name.value)
            for q in self.store.quads_for_pattern(None, None, node, None)
            if isinstance(q.subject, ox.NamedNode)
            and is_resource(q.subject.value)
            and isinstance(q.graph_name, ox.NamedNode)
            and is_fact_graph(q.graph_name.value)
        ]
        return Entity(iri, self.entities.get(iri, frozenset()), out, incoming)

    def names(self, iri: str) -> dict[str, str]:
        """The entity's labels in the graphs of facts, the first one per language (``{}`` when it has none)."""
        return self._names[iri]

    def _read_names(self, iri: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for quad in self.facts(ox.NamedNode(iri), LABEL):
            if isinstance(quad.object, ox.Literal):
                found.setdefault(quad.object.language or "", quad.object.value)
        return found

    def blank(self, node: ox.BlankNode) -> list[Fact]:
        """The facts of a blank node (an amount of money, a range)."""
        return self._blanks[node]

    def _read_blank(self, node: ox.BlankNode) -> list[Fact]:
        return [(q.predicate.value, q.object, q.graph_name.value) for q in self.facts(node)]

    def source_facts(self, iri: str) -> Iterator[ox.Quad]:
        """What the source ``iri`` states: the quads of its graph (none for a graph that holds no facts)."""
        return self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)) if is_fact_graph(iri) else iter(())

    def source_description(self, iri: str) -> list[ox.Quad]:
        """The source's quads in the sources graph (the same for every entity it speaks of)."""
        return self._descriptions[iri]

    def _read_description(self, iri: str) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, ox.NamedNode(SOURCES_GRAPH)))

    # ---------------------------------------------------------------- names

    def label(self, iri: str, lang: str = "en") -> str:
        """The name people read: the label in ``lang``, else English, else any, else the IRI's last part."""
        for names in (self.names(iri), self.vocabulary.get(iri)):
            if names:
                found = pick_label(names, lang) or next(iter(names.values()))
                if found:
                    return found
        tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return tail or iri

    def label_lang(self, iri: str) -> str:
        """The language of :meth:`label` (``""`` for English or untagged), for a ``lang`` attribute."""
        names = self.names(iri)
        if names.get("en") or names.get("") or not names:
            return ""
        return next(lang for lang, text in names.items() if text == self.label(iri))

    def kind_label(self, iri: str) -> str:
        """What the entity is, in words: the label of its first class (``person``, ``cast role``)."""
        types = sorted(self.entities.get(iri, ()))
        return self.term_label(types[0]) if types else ""

    def kind(self, iri: str) -> str:
        """What the entity is, as the diagrams' legend names it (``film``, ``person``); a role, which the diagrams
        fold into an edge, or an entity of no class: :meth:`kind_label`."""
        types = self.entities.get(iri, frozenset())
        kind = kind_of(types)
        return node_style(kind).label if types and kind != "role" else self.kind_label(iri)

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


def reading_backend(backend: Backend) -> LocalBackend:
    """The store to read the site from: a local one where it lies, an endpoint's quads copied into memory."""
    if isinstance(backend, LocalBackend):
        return backend
    store = ox.Store()
    store.extend(backend.quads(None, None, None, None))
    return LocalBackend(store)


def load_site_data(backend: Backend) -> SiteData:
    """Build the indexes of the graph ``backend`` reads (see the module docstring) in one pass over its quads."""
    data = SiteData(reading_backend(backend), built_at(backend))
    types: dict[str, set[str]] = {}
    classes: dict[str, str] = {}  # each class IRI once, shared by every entity of it
    counts: Counter[str] = Counter()
    for quad in data.store.quads_for_pattern(None, None, None, None):
        if not isinstance(quad.graph_name, ox.NamedNode):
            continue
        data.quads += 1
        graph = quad.graph_name.value
        if graph == ONTOLOGY_GRAPH:
            if quad.predicate.value == LABEL and isinstance(quad.object, ox.Literal):
                data.vocabulary.setdefault(quad.subject.value, {}).setdefault(quad.object.language or "", quad.object.value)
        elif graph == SOURCES_GRAPH:
            _describe_source(data, quad)
        elif is_fact_graph(graph):
            counts[graph] += 1
            s = quad.subject
            if isinstance(s, ox.NamedNode) and is_resource(s.value):
                found = types.get(s.value) or types.setdefault(sys.intern(s.value), set())
                if quad.predicate.value == TYPE:
                    found.add(classes.setdefault(quad.object.value, quad.object.value))
    shared: dict[frozenset[str], frozenset[str]] = {}  # entities of the same classes share one set
    data.entities = {iri: shared.setdefault(frozenset(found), frozenset(found)) for iri, found in types.items()}
    for graph, n in counts.items():
        data.source(graph).facts = n
    return data


def _describe_source(data: SiteData, quad: ox.Quad) -> None:
    s, p, o = quad.subject, quad.predicate.value, quad.object
    if not isinstance(s, ox.NamedNode):
        return
    source = data.source(s.value)
    if p == str(PROV.wasDerivedFrom) and isinstance(o, ox.NamedNode):
        source.derived_from.append(o.value)
    elif p in _SOURCE_FIELDS:
        name = _SOURCE_FIELDS[p]
        if not getattr(source, name) or (name == "label" and isinstance(o, ox.Literal) and o.language == "en"):
            setattr(source, name, o.value)
            if name == "label" and isinstance(o, ox.Literal):
                source.label_lang = "" if o.language in ("en", "", None) else o.language
