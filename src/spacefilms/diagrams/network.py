"""From RDF to a networkx graph: entities become typed, labelled nodes and relations typed edges with their sources.

The conversion, in one place:

* a node is an entity: an IRI with an ``rdf:type`` in a curated (source) graph; its attributes are ``label`` (in the
  chosen language, else English, else the IRI's local name), ``label_en``, ``label_ru``, ``kind`` (the style key of
  its most specific class, see :mod:`spacefilms.diagrams.styles`), ``types`` (class CURIEs), ``description`` and ``facts``
  (every literal or non-entity value, with the sources stating it);
* an edge is a triple between two entities, keyed by its predicate, with ``relation`` (CURIE), ``label`` (the
  predicate's label in the chosen language), ``sources`` (every source graph that states it) and ``role``;
* the two n-ary relations are folded into qualified edges: a ``sf:CastRole`` becomes a ``schema:actor`` edge from
  the film to the performer with the character as ``role``, a ``sf:FlightAssignment`` becomes an ``sf:crewMember``
  edge from the flight to the person with the flight role as ``role``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

import networkx as nx
import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.names import name_key, the_one_named
from spacefilms.core.naming import FIND_ENTITIES, did_you_mean
from spacefilms.core.results import Solutions
from spacefilms.core.values import format_money, pick_label
from spacefilms.diagrams.styles import kind_of, node_style
from spacefilms.diagrams.wording import say, translated
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import ONTOLOGY_GRAPH, RDF, RDFS, SCHEMA, SF, SFR, SOURCES_GRAPH, expand, is_fact_graph
from spacefilms.namespaces import compact as curie
from spacefilms.store.stats import built_at

Triple = tuple[str, str, str]
_TYPE, _LABEL = str(RDF.type), str(RDFS.label)
# (class, how to reach end A, how to reach end B, predicate of the folded A -> B edge, predicate giving its role)
_N_ARY = [
    (str(SF.CastRole), ("in", str(SF.hasCastRole)), ("out", str(SF.performer)), str(SCHEMA.actor), str(SF.character)),
    (
        str(SF.FlightAssignment),
        ("out", str(SF.assignedFlight)),
        ("out", str(SF.assignee)),
        str(SF.crewMember),
        str(SF.flightRole),
    ),
    # a dated headship: the person's "head of" edge, its role the period ("2018-05-24 – 2022-07-15", "since 1999")
    (
        str(SF.Headship),
        ("out", str(SF.heldBy)),
        ("out", str(SF.headshipOf)),
        str(SF.headOf),
        (str(SCHEMA.startDate), str(SCHEMA.endDate)),
    ),
    # another post the person held in an organisation: the edge's role is the post's title
    (str(SF.PositionHeld), ("out", str(SF.heldBy)), ("out", str(SF.positionIn)), str(SF.positionIn), str(SCHEMA.roleName)),
]


def local_name(iri: str) -> str:
    tail = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return unquote(tail) or iri


@dataclass
class GraphData:
    """The curated facts of a store, indexed for building networks (one pass over the quads)."""

    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    relations: dict[Triple, set[str]] = field(default_factory=lambda: defaultdict(set))
    facts: dict[str, dict[tuple[str, str, str], set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    source_labels: dict[str, str] = field(default_factory=dict)
    built_at: str | None = None
    newest_source: str | None = None  # the publication date of the newest dated source page

    @property
    def date(self) -> str:
        """The data's date: the day the newest dated source page was published (what the facts are as of), else the
        day the store was built."""
        return self.newest_source or (self.built_at[:10] if self.built_at else "unknown date")

    def label(self, iri: str, lang: str = "en") -> str:
        return pick_label(self.labels.get(iri, {}), lang) or local_name(iri)

    def term(self, iri: str, lang: str = "en") -> str:
        """The name of an ontology term (a relation, a class, a milestone type) in ``lang``: see :mod:`wording`."""
        return translated(self.label(iri), lang, self.labels.get(iri, {}).get(lang))

    def term_named(self, english: str, lang: str = "en") -> str:
        """The name in ``lang`` of the ontology term whose English label is ``english`` (a kind of work, as facts
        hold it)."""
        entities = str(SFR)
        own = (
            names.get(lang) for iri, names in self.labels.items() if names.get("en") == english and not iri.startswith(entities)
        )
        return translated(english, lang, next((name for name in own if name), None))

    def kind(self, iri: str) -> str:
        return kind_of(self.types.get(iri, set()))

    def resolve_entity(self, text: str, option: str = "--focus") -> str:
        """An entity IRI from ``sfr:x``, ``<iri>``, a full IRI or a name (by the rule of :mod:`spacefilms.core.names`,
        as a query's entity parameter); otherwise an error naming the ``option`` the text came in."""
        iri = expand(text.strip())
        if iri in self.types:
            return iri
        key = name_key(text)
        by_label = [e for e in self.types if key in {name_key(v) for v in self.labels.get(e, {}).values()}]
        if by_label:
            return the_one_named(text.strip(), by_label, option)
        hint = did_you_mean(curie(iri), map(curie, self.types), FIND_ENTITIES)
        raise SpacefilmsError(f"unknown entity {text!r}{hint}", option)


def load_graph_data(backend: Backend, around: tuple[str, int] | None = None, quads: Iterable[ox.Quad] | None = None) -> GraphData:
    """Index the curated quads the ``backend`` reads: labels, types, entity-to-entity relations, other facts, source labels.

    With ``around=(entity IRI, depth)`` only the entities within ``depth`` steps are read whole (plus the types and
    names of those one step further): a focus diagram on a big store then reads a small part of it. With ``quads``,
    only those (the part of a big store a caller's pictures need).
    """
    data = GraphData(built_at=built_at(backend))
    published = backend.quads(None, ox.NamedNode(str(SCHEMA.datePublished)), None, ox.NamedNode(SOURCES_GRAPH))
    data.newest_source = max((q.object.value[:10] for q in published if isinstance(q.object, ox.Literal)), default=None)
    part = around is not None or quads is not None  # then only the sources of the facts read are named
    if around is not None:
        quads = _neighbourhood_quads(backend, *around)
    elif quads is None:
        quads = backend.quads(None, None, None, None)
    blank: dict[str, list[tuple[str, ox.Literal | ox.NamedNode | ox.BlankNode]]] = defaultdict(list)
    literal_like: list[tuple[str, str, ox.NamedNode | ox.BlankNode, str]] = []
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if p == _LABEL and isinstance(o, ox.Literal):
            if graph == SOURCES_GRAPH:
                data.source_labels[s.value] = o.value
            else:
                data.labels[s.value].setdefault(o.language or "", o.value)
        if not is_fact_graph(graph):
            continue
        if isinstance(s, ox.BlankNode):
            blank[s.value].append((p, o))
        elif p == _TYPE:
            data.types[s.value].add(o.value)
        elif isinstance(o, ox.Literal):
            data.facts[s.value][(p, o.value, o.language or "")].add(graph)
        else:
            literal_like.append((s.value, p, o, graph))
    for s, p, o, graph in literal_like:
        if isinstance(o, ox.NamedNode) and o.value in data.types:
            data.relations[(s, p, o.value)].add(graph)
            continue
        if isinstance(o, ox.BlankNode) and o.value not in blank:
            blank[o.value] = [(q.predicate.value, q.object) for q in backend.quads(o, None, None, None)]
        value = _describe_blank(blank.get(o.value, [])) if isinstance(o, ox.BlankNode) else data.label(o.value)
        if isinstance(o, ox.NamedNode) and value == local_name(o.value):
            value = o.value
        data.facts[s][(p, value, "")].add(graph)
    if part:
        graphs = {g for facts in data.facts.values() for sources in facts.values() for g in sources}
        for g in graphs | {g for sources in data.relations.values() for g in sources}:
            for quad in backend.quads(ox.NamedNode(g), ox.NamedNode(_LABEL), None, ox.NamedNode(SOURCES_GRAPH)):
                data.source_labels[g] = quad.object.value
    return data


def _is_entity(backend: Backend, node: ox.NamedNode) -> bool:
    """Typed in a source graph (not a class, a milestone type or a source page)."""
    return any(
        isinstance(q.graph_name, ox.NamedNode) and is_fact_graph(q.graph_name.value)
        for q in backend.quads(node, ox.NamedNode(_TYPE), None, None)
    )


def _neighbours(backend: Backend, node: ox.NamedNode) -> set[ox.NamedNode]:
    out = {q.object for q in backend.quads(node, None, None, None) if isinstance(q.object, ox.NamedNode)}
    out |= {q.subject for q in backend.quads(None, None, node, None) if isinstance(q.subject, ox.NamedNode)}
    return {n for n in out if n != node and _is_entity(backend, n)}


def _neighbourhood_quads(backend: Backend, focus: str, depth: int) -> Iterable[ox.Quad]:
    """Every quad about the entities within ``depth`` steps of ``focus`` (cast roles and flight assignments are passed
    through, as the network folds them), the type and label quads of the next ring, the ontology's labels."""
    n_ary = {ox.NamedNode(cls) for cls, *_ in _N_ARY}
    seen, frontier, rings = {ox.NamedNode(focus)}, {ox.NamedNode(focus)}, []
    for _ in range(depth + 1):
        ring: set[ox.NamedNode] = set()
        for node in frontier:
            ring |= _neighbours(backend, node) - seen
        through = {n for n in ring if any(q.object in n_ary for q in backend.quads(n, ox.NamedNode(_TYPE), None, None))}
        for node in through:
            ring |= _neighbours(backend, node) - seen
        seen |= ring
        rings.append(ring | through)
        frontier = ring
    whole = {ox.NamedNode(focus)}.union(*rings[:-1])
    for node in whole:
        yield from backend.quads_about(node)
    for node in rings[-1] - whole:
        yield from backend.quads(node, ox.NamedNode(_TYPE), None, None)
        yield from backend.quads(node, ox.NamedNode(_LABEL), None, None)
    yield from backend.quads(None, ox.NamedNode(_LABEL), None, ox.NamedNode(ONTOLOGY_GRAPH))


def find_entity(backend: Backend, text: str) -> str | None:
    """The entity ``text`` names as a CURIE or IRI, if the store has it typed in a source graph."""
    iri = expand(text.strip())
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    return iri if _is_entity(backend, node) else None


def _describe_blank(props: list[tuple[str, object]]) -> str:
    """A monetary amount (the only blank nodes the data allows) as ``1,155,000,000 RUB (1.155 billion) (approximately)``."""
    values = {p: o.value for p, o in props if isinstance(o, ox.Literal)}
    amount = values.get(str(SCHEMA.value))
    text = format_money(amount, values.get(str(SCHEMA.currency), "")) if amount else ""
    note = values.get(str(SCHEMA.description))
    return f"{text} ({note})" if note else text or "(blank node)"


def _fold_n_ary(data: GraphData, triples: dict[Triple, set[str]], lang: str) -> dict[Triple, tuple[set[str], list[str]]]:
    """Replace cast roles and flight assignments by qualified edges (see the module docstring)."""
    out: dict[Triple, tuple[set[str], list[str]]] = {t: (set(src), []) for t, src in triples.items()}
    by_node: dict[str, list[Triple]] = defaultdict(list)
    for s, p, o in triples:
        by_node[s].append((s, p, o))
        by_node[o].append((s, p, o))

    def end(node: str, how: tuple[str, str]) -> Triple | None:
        direction, predicate = how
        return next((t for t in by_node[node] if t[1] == predicate and t[0 if direction == "out" else 2] == node), None)

    for cls, how_a, how_b, folded, qualifier in _N_ARY:
        for node in [n for n in by_node if cls in data.types.get(n, ())]:
            link_a, link_b = end(node, how_a), end(node, how_b)
            if link_a is None or link_b is None:
                continue
            a = link_a[2] if how_a[0] == "out" else link_a[0]
            b = link_b[2] if how_b[0] == "out" else link_b[0]
            sources, roles = out.setdefault((a, folded, b), (set(), []))
            sources |= out.pop(link_a, (set(), []))[0] | out.pop(link_b, (set(), []))[0]
            roles.extend(
                _period(data, node, qualifier, lang) if isinstance(qualifier, tuple) else _values(data, node, qualifier, lang)
            )
            for t in by_node[node]:  # every other triple of the folded node (the index: not a scan of all edges per node)
                out.pop(t, None)
    return out


def _period(data: GraphData, iri: str, bounds: tuple[str, str], lang: str) -> list[str]:
    """A headship's period from its most precise start and end dates: ``2018-05-24 – 2022-07-15`` or ``since 1999``."""
    start, end = (max(_values(data, iri, predicate, ""), key=len, default="") for predicate in bounds)
    if not start:
        return []
    return [f"{start} – {end}" if end else say("since {start}", lang, start=start)]


def _values(data: GraphData, iri: str, predicate: str, lang: str) -> list[str]:
    found = [(language, value) for (p, value, language) in data.facts.get(iri, {}) if p == predicate]
    preferred = [v for language, v in found if language == lang] or [v for language, v in found if language in ("en", "")]
    return sorted(set(preferred))


def build_network(data: GraphData, triples: Iterable[Triple] | None = None, lang: str = "en") -> nx.MultiDiGraph:
    """The network of ``triples`` (default: every relation between entities, and every entity).

    Triples not stated by any source (e.g. made up by a CONSTRUCT query) become edges without sources.
    """
    chosen = dict(data.relations) if triples is None else {t: set(data.relations.get(t, ())) for t in triples}
    net = nx.MultiDiGraph(built_at=data.built_at, lang=lang)
    if triples is None:
        for entity in data.types:
            if data.kind(entity) != "role":
                _add_node(net, data, entity, lang)
    for (s, p, o), (sources, roles) in _fold_n_ary(data, chosen, lang).items():
        for node in (s, o):
            if node not in net:
                _add_node(net, data, node, lang)
        net.add_edge(
            s,
            o,
            key=p,
            predicate=p,
            relation=curie(p),
            label=data.term(p, lang),
            sources=sorted(sources),
            role=" / ".join(roles),
        )
    return net


class Degrees:
    """Each node's degree in :func:`build_network`'s network of the whole store (its edges, cast roles, flight
    assignments and headships folded as :func:`_fold_n_ary` folds them), counted one node at a time from the store's
    indexes: what ranks entities on a big store, in memory that does not grow with it (an index of every link held
    1.1 GB at a million triples)."""

    def __init__(self, backend: Backend, known: Mapping[str, Collection[str]] | None = None) -> None:
        """``known``: the classes of nodes the caller holds already (the site's index of project resources); the
        others are read from the store."""
        self.backend = backend
        self._known = known or {}
        self._read = lru_cache(1 << 16)(self._read_classes)
        self._folded = lru_cache(1 << 16)(self._read_fold)

    def __call__(self, iri: str) -> int:
        """The degree of the node ``iri``: its distinct relations out and in (a loop counts twice)."""
        if self._fold(iri):
            return 0  # a folded node's links are one edge between its ends
        out: set = set()
        into: set = set()
        links = [(o, (p, o), out) for p, o in self._out(iri)] + [(s, (s, p), into) for s, p in self._in(iri)]
        for near, link, side in links:  # each neighbour once, whichever way the link points
            folded = self._fold(near)
            if folded:
                self._add_folded(iri, folded, out, into)
            else:
                side.add(link)
        return len(out) + len(into)

    @staticmethod
    def _add_folded(iri: str, edge: Triple, out: set, into: set) -> None:
        a, p, b = edge
        if a == iri:
            out.add((p, b))
        if b == iri:
            into.add((a, p))

    def _classes(self, iri: str) -> Collection[str]:
        found = self._known.get(iri)
        return self._read(iri) if found is None else found

    def _read_classes(self, iri: str) -> frozenset[str]:
        """The node's classes in the graphs of facts (none: not a node of the network)."""
        found = self.backend.quads(ox.NamedNode(iri), ox.NamedNode(_TYPE), None, None)
        return frozenset(q.object.value for q in found if is_fact_graph(q.graph_name.value))

    def _out(self, iri: str) -> list[tuple[str, str]]:
        """The relations from ``iri`` to nodes: (predicate, node), each once."""
        found = {
            (q.predicate.value, q.object.value)
            for q in self.backend.quads(ox.NamedNode(iri))
            if isinstance(q.object, ox.NamedNode) and q.predicate.value != _TYPE and is_fact_graph(q.graph_name.value)
        }
        return sorted(o for o in found if self._classes(o[1]))

    def _in(self, iri: str) -> list[tuple[str, str]]:
        """The relations to ``iri`` (a node: it has a class) from any IRI: (subject, predicate), each once."""
        if not self._classes(iri):
            return []
        found = {
            (q.subject.value, q.predicate.value)
            for q in self.backend.quads(None, None, ox.NamedNode(iri))
            if isinstance(q.subject, ox.NamedNode) and q.predicate.value != _TYPE and is_fact_graph(q.graph_name.value)
        }
        return sorted(found)

    def _fold(self, iri: str) -> Triple | None:
        """The edge a cast role, flight assignment or headship folds into (None for one missing an end, kept as a
        node, and for any other node)."""
        classes = self._classes(iri)
        return self._folded(iri) if any(cls in classes for cls, *_ in _N_ARY) else None

    def _read_fold(self, iri: str) -> Triple | None:
        classes = self._classes(iri)
        how_a, how_b, folded = next((a, b, f) for cls, a, b, f, _ in _N_ARY if cls in classes)
        a, b = self._end(iri, how_a), self._end(iri, how_b)
        return (a, folded, b) if a and b else None

    def _end(self, iri: str, how: tuple[str, str]) -> str:
        direction, predicate = how
        links = self._out(iri) if direction == "out" else [(p, s) for s, p in self._in(iri)]
        return next((node for p, node in links if p == predicate), "")


def _add_node(net: nx.MultiDiGraph, data: GraphData, iri: str, lang: str) -> None:
    facts = data.facts.get(iri, {})
    kind = data.kind(iri)
    net.add_node(
        iri,
        label=data.label(iri, lang),
        label_en=data.label(iri, "en"),
        label_ru=data.labels.get(iri, {}).get("ru", ""),
        kind=kind,
        kind_label=say(node_style(kind).label, lang),
        types=sorted(curie(t) for t in data.types.get(iri, ())),
        description=next(iter(_values(data, iri, str(SCHEMA.description), lang)), ""),
        facts=[
            (data.term(p, lang), value + (f" @{language}" if language else ""), sorted(sources))
            for (p, value, language), sources in sorted(facts.items())
        ],
        sources=sorted({s for sources in facts.values() for s in sources}),
    )


# ---------------------------------------------------------------- from a SPARQL query


def query_triples(backend: Backend, text: str) -> list[Triple]:
    """Triples between IRIs from a CONSTRUCT, or from a SELECT binding ?s ?p ?o (project prefixes predeclared)."""
    try:
        result = backend.answer(text)
    except SpacefilmsError as exc:
        raise SpacefilmsError(exc.message, "--sparql") from None
    if isinstance(result, bool):
        raise SpacefilmsError("an ASK query has no triples; use CONSTRUCT or SELECT ?s ?p ?o", "--sparql")
    if isinstance(result, Solutions):
        names = result.variables
        if not {"s", "p", "o"} <= set(names):
            raise SpacefilmsError(f"a SELECT must bind ?s ?p ?o (it binds {', '.join('?' + n for n in names)})", "--sparql")
        rows = ((row["s"], row["p"], row["o"]) for row in result)
    else:
        rows = ((t.subject, t.predicate, t.object) for t in result)
    skip = {_TYPE, _LABEL}
    return sorted(
        {
            (s.value, p.value, o.value)
            for s, p, o in rows
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and isinstance(o, ox.NamedNode) and p.value not in skip
        }
    )
