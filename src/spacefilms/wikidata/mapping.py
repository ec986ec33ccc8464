"""Mapping fetched statements onto our ontology: one named graph per Wikidata item, with its provenance; linked
items become our entities, others keep their Wikidata IRI."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.results import NOT_AN_IRI
from spacefilms.core.values import pick_label
from spacefilms.namespaces import PROV, RDF, RDFS, SCHEMA, SF, SFR, WIKIDATA_GRAPH_BASE, XSD
from spacefilms.wikidata.client import item_iri, qid_of
from spacefilms.wikidata.fetching import Fetched, Statement
from spacefilms.wikidata.fields import FIELDS, PQ, ontology_mapping, predicates
from spacefilms.wikidata.linking import Link
from spacefilms.wikidata.values import decimal_literal, duration_literal, time_literal

DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
# WDQS writes an "unknown value" as a skolem IRI under this base (Blank Node Skolemization): not data to map.
GENID = "http://www.wikidata.org/.well-known/genid/"


@dataclass
class EnrichReport:
    """What a run did: requests, items, facts, and what could not be mapped."""

    endpoint: str
    batch_size: int
    offline: bool
    requests: int = 0
    answers: int = 0
    items: int = 0
    enriched: int = 0
    label_items: int = 0  # items the values point to, whose labels were asked for
    not_found: list[str] = field(default_factory=list)
    graphs: int = 0
    facts: int = 0
    unmapped: Counter = field(default_factory=Counter)  # by property, values that could not be mapped
    unknown_values: int = 0  # "unknown value" statements (genid IRIs or blank nodes), never mapped as data
    invalid_iris: int = 0  # values that are not valid IRIs, skipped
    unlabelled: list[str] = field(default_factory=list)
    fetched_at: str = ""
    responses: list[str] = field(default_factory=list)


@dataclass
class Enrichment:
    quads: list[ox.Quad]
    report: EnrichReport


class _Graphs:
    """Quads per Wikidata item graph, with the latest fetch time of the answers behind each graph."""

    def __init__(self) -> None:
        self.quads: dict[str, set[ox.Quad]] = defaultdict(set)
        self.times: dict[str, str] = {}

    def add(self, qid: str, subject: str, predicate: str, obj: ox.NamedNode | ox.Literal, when: str) -> None:
        graph = ox.NamedNode(WIKIDATA_GRAPH_BASE + qid)
        self.quads[qid].add(ox.Quad(ox.NamedNode(subject), ox.NamedNode(predicate), obj, graph))
        self.times[qid] = max(self.times.get(qid, ""), when)

    def provenance(self, endpoint: str, revisions: dict[str, tuple[str | None, str | None]]) -> list[ox.Quad]:
        """Each graph: derived from its item, when, from which endpoint; and the item's revision (schema:version)
        and last change (schema:dateModified) as the endpoint stated them, so a fact can be traced to a revision."""
        out = []
        for qid in self.quads:
            graph, item = ox.NamedNode(WIKIDATA_GRAPH_BASE + qid), ox.NamedNode(item_iri(qid))
            stamp = ox.Literal(self.times[qid], datatype=ox.NamedNode(XSD.dateTime))
            out += [
                ox.Quad(graph, ox.NamedNode(RDF.type), ox.NamedNode(PROV.Entity), graph),
                ox.Quad(graph, ox.NamedNode(PROV.wasDerivedFrom), item, graph),
                ox.Quad(graph, ox.NamedNode(PROV.generatedAtTime), stamp, graph),
                ox.Quad(graph, ox.NamedNode(DCTERMS_SOURCE), ox.NamedNode(endpoint), graph),
            ]
            version, modified = revisions.get(qid, (None, None))
            stated = ((SCHEMA.version, XSD.integer, version if version and version.isdigit() else None),
                      (SCHEMA.dateModified, XSD.dateTime, modified))  # fmt: skip
            for predicate, datatype, value in stated:
                if value:
                    out.append(
                        ox.Quad(
                            item, ox.NamedNode(str(predicate)), ox.Literal(value, datatype=ox.NamedNode(str(datatype))), graph
                        )
                    )
        return out


class Mapper:
    """Turn fetched statements into our terms: linked items become our entities, others keep their Wikidata IRI."""

    def __init__(self, links: list[Link], fetched: Fetched, report: EnrichReport) -> None:
        mapping = ontology_mapping()
        self.predicate = predicates(mapping)
        self.character = mapping.get(PQ + "P453", SF.character)
        self.entity = {link.qid: link for link in links if link.linked}
        self.fields = {f.pid: f for fs in FIELDS.values() for f in fs}
        self.fetched = fetched
        self.report = report
        self.graphs = _Graphs()
        self.targets: set[str] = set()
        self.release_labels: list[tuple[str, str, str, str]] = []

    def node(self, qid: str) -> ox.NamedNode:
        link = self.entity.get(qid)
        if link:
            return ox.NamedNode(link.entity)
        self.targets.add(qid)
        return ox.NamedNode(item_iri(qid))

    def label(self, qid: str, lang: str = "en") -> str:
        """Our label of a linked entity, else the item's label in ``lang``, else its "mul" label."""
        link = self.entity.get(qid)
        names = self.fetched.labels.get(qid, {})
        return link.label if link and lang == "en" else pick_label(names, lang, fallbacks=("mul",))

    def iri(self, value: str) -> ox.NamedNode | None:
        """A value as an IRI; None (counted) for an unknown value or a string that is not a valid IRI."""
        if value.startswith(GENID):
            self.report.unknown_values += 1
            return None
        try:
            if not value.startswith(NOT_AN_IRI):  # how the answer's reader marks an IRI RDF refuses
                return ox.NamedNode(value)
        except ValueError:
            pass
        self.report.invalid_iris += 1
        return None

    def map(self, statement: Statement) -> None:
        spec = self.fields[statement.pid]
        subject = self.entity[statement.qid].entity
        value = self.value(spec.kind, statement)
        if value is None:
            self.report.unmapped[statement.pid] += 1
            return
        self.graphs.add(statement.qid, subject, self.predicate[spec.pid], value, statement.fetched_at)
        if spec.pid == "P161":
            self.cast_role(statement, subject, value)
        elif spec.pid == "P577":
            self.releases(statement, subject, value)

    def value(self, kind: str, s: Statement) -> ox.NamedNode | ox.Literal | None:
        raw = s.value
        if isinstance(raw, ox.BlankNode) or raw.value.startswith(GENID):
            self.report.unknown_values += 1  # "unknown value": not a fact to map
            return None
        if kind == "item":
            qid = qid_of(raw.value) if isinstance(raw, ox.NamedNode) else None
            return self.node(qid) if qid else None
        if kind == "time":
            return time_literal(raw.value, s.precision)
        if kind == "duration":
            return duration_literal(s.amount, s.unit)
        if kind == "money":
            return self.money(s)
        if kind == "iri":
            return self.iri(raw.value) if isinstance(raw, ox.NamedNode) else None
        return ox.Literal(raw.value) if isinstance(raw, ox.Literal) else None

    def money(self, s: Statement) -> ox.NamedNode | None:
        """An amount with a currency that has an ISO 4217 code, as a schema:MonetaryAmount named by Wikidata's
        own IRI for that quantity value."""
        code = self.fetched.codes.get(qid_of(s.unit or "") or "")
        amount = decimal_literal(s.amount)
        node = self.iri(s.node) if s.node else None
        if not (code and amount and node):
            return None
        for predicate, obj in (
            (RDF.type, ox.NamedNode(SCHEMA.MonetaryAmount)),
            (SCHEMA.value, amount),
            (SCHEMA.currency, ox.Literal(code)),
        ):
            self.graphs.add(s.qid, node.value, predicate, obj, s.fetched_at)
        return node

    def cast_role(self, s: Statement, film: str, performer: ox.NamedNode) -> None:
        """A character-role qualifier becomes a sf:CastRole, named like curated ones so the two line up."""
        characters = [q for q in (qid_of(c.value) for c in s.qualifiers.get("P453", []) if isinstance(c, ox.NamedNode)) if q]
        names = [(self.label(c, lang), lang) for c in characters for lang in ("en", "ru")]
        names = [(text, lang) for text, lang in names if text]
        if not names:
            self.report.unmapped["P453"] += len(characters)
            return
        role = f"{film}-role-{_slug(performer.value)}"
        add = self.graphs.add
        add(s.qid, film, SF.hasCastRole, ox.NamedNode(role), s.fetched_at)
        add(s.qid, role, RDF.type, ox.NamedNode(SF.CastRole), s.fetched_at)
        add(s.qid, role, SF.performer, performer, s.fetched_at)
        for text, lang in names:
            add(s.qid, role, self.character, ox.Literal(text, language=lang), s.fetched_at)

    def releases(self, s: Statement, film: str, date: ox.Literal) -> None:
        """Each place-of-publication qualifier makes a release milestone at that place and date."""
        for place in s.qualifiers.get("P291", []):
            qid = qid_of(place.value) if isinstance(place, ox.NamedNode) else None
            if qid is None:
                continue
            where = self.node(qid)
            milestone = f"{SFR}milestone-wikidata-{_slug(film)}-release-{_slug(where.value)}-{date.value}"
            for predicate, obj in (
                (RDF.type, ox.NamedNode(SF.Milestone)),
                (SF.milestoneOf, ox.NamedNode(film)),
                (SF.milestoneType, ox.NamedNode(SF.Release)),
                (SCHEMA.startDate, date),
                (SCHEMA.location, where),
            ):
                self.graphs.add(s.qid, milestone, predicate, obj, s.fetched_at)
            self.release_labels.append((s.qid, milestone, qid, s.fetched_at))

    def finish(self, endpoint: str) -> list[ox.Quad]:
        """Add the labels of the items values point to (each in that item's graph), the release milestones'
        labels and every graph's provenance; return all quads in a stable order."""
        for qid in sorted(self.targets):
            names = self.fetched.labels.get(qid, {})
            if not names:
                self.report.unlabelled.append(qid)
            for lang, text in sorted(names.items()):
                literal = ox.Literal(text, language=lang)
                self.graphs.add(qid, item_iri(qid), RDFS.label, literal, self.fetched.label_times[qid])
        for qid, milestone, place, when in self.release_labels:
            film = self.entity[qid].label
            text = f"{film}: release in {self.label(place) or 'wd:' + place} (Wikidata)"
            self.graphs.add(qid, milestone, RDFS.label, ox.Literal(text, language="en"), when)
        facts = [q for quads in self.graphs.quads.values() for q in quads]
        self.report.graphs, self.report.facts = len(self.graphs.quads), len(facts)
        return sorted(facts + self.graphs.provenance(endpoint, self.fetched.revisions), key=_sort_key)


def _slug(iri: str) -> str:
    """The local name of our entity, or the lower-case QID of a Wikidata item."""
    return iri[len(str(SFR)) :] if iri.startswith(str(SFR)) else (qid_of(iri) or iri).lower()


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def wanted_items(statements: list[Statement], linked: set[str]) -> list[str]:
    """Items whose labels (or currency code) the mapping needs: values, qualifier values and units."""
    wanted = set()
    for s in statements:
        for cell in [s.value, *(v for vs in s.qualifiers.values() for v in vs)]:
            if isinstance(cell, ox.NamedNode) and qid_of(cell.value):
                wanted.add(qid_of(cell.value))
        if s.unit and qid_of(s.unit):
            wanted.add(qid_of(s.unit))
    return sorted(wanted - linked)
