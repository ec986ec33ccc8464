"""Enrich linked entities from Wikidata: fetch the properties users ask about, batched, and map them onto our
ontology in one named graph per Wikidata item, each with its provenance (item, endpoint, fetch time).

Curated graphs are never touched: the enrichment lives in graphs under ``WIKIDATA_GRAPH_BASE``, is written to
``enrichment.trig`` next to the store, and replaces the previous enrichment only once a whole run succeeded.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from spacefilms import workspace as bundled
from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import BUILD_GRAPH, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SF, SFR, WIKIDATA_GRAPH_BASE, XSD
from spacefilms.store.loading import LoadedData, Locator
from spacefilms.store.ondisk import named_quads, open_ox, replace_store
from spacefilms.store.validation import provenance_problems
from spacefilms.wikidata.client import (
    ENTITY,
    WIKIDATA_PREFIXES,
    Answer,
    WikidataClient,
    chunks,
    item_iri,
    prologue,
    qid_of,
    values_block,
)
from spacefilms.wikidata.linking import Link
from spacefilms.workspace import ENRICHMENT_FILE, wikidata_dir

DCTERMS_SOURCE = "http://purl.org/dc/terms/source"
MANIFEST_FILE = "manifest.json"
WDT = WIKIDATA_PREFIXES["wdt"]
PQ = WIKIDATA_PREFIXES["pq"]
PREFERRED = "http://wikiba.se/ontology#PreferredRank"

# IDs used here beyond graph/wikidata-ids.tsv, each seen with this meaning in stored public sources:
# P291 "place of publication" and P498 "ISO 4217 code" (the 2018 property dump in hiropppe/neo4j-js-ng2,
# src/app/service/wikidata.service.ts, which the tsv cites for other properties; several film queries qualify
# P577 with pq:P291; a query reads a currency's code with wdt:P498), and the time units below (several unit
# tables: Q11574 "s", Q7727 "min", Q25235 "h", Q573 "d"/86400 s).
TIME_UNITS = {"Q11574": 1, "Q7727": 60, "Q25235": 3600, "Q573": 86400}
CURRENCY_CODE = "P498"


@dataclass(frozen=True)
class Field:
    """One Wikidata property to fetch for a kind of entity, how to read its value, and where to put it.

    The predicate is our ontology's ``owl:equivalentProperty`` of ``wdt:<pid>`` when it declares one
    (ontologies/*.ttl); otherwise ``fallback`` (a schema.org term, or Wikidata's own property when we have none).
    """

    pid: str
    kind: str  # item | time | duration | money | string | iri
    fallback: str
    qualifier: str | None = None


def _wdt(pid: str) -> str:
    return WDT + pid


FIELDS: dict[str, list[Field]] = {
    "film": [
        Field("P57", "item", str(SCHEMA.director)),
        Field("P161", "item", str(SCHEMA.actor), qualifier="P453"),  # cast member, with the character role
        Field("P162", "item", str(SCHEMA.producer)),
        Field("P272", "item", str(SCHEMA.productionCompany)),
        Field("P750", "item", str(SF.distributor)),
        Field("P58", "item", str(SF.screenwriter)),
        Field("P344", "item", str(SF.directorOfPhotography)),
        Field("P577", "time", str(SCHEMA.datePublished), qualifier="P291"),  # with the place of publication
        Field("P915", "item", str(SF.filmingLocation)),
        Field("P2047", "duration", str(SCHEMA.duration)),
        Field("P495", "item", str(SCHEMA.countryOfOrigin)),
        Field("P364", "item", _wdt("P364")),  # an item, not our BCP 47 code: kept as Wikidata's property
        Field("P2130", "money", str(SF.budget)),
        Field("P2142", "money", str(SF.boxOffice)),
        Field("P345", "string", _wdt("P345")),  # IMDb ID
    ],
    "person": [
        Field("P569", "time", str(SCHEMA.birthDate)),
        Field("P19", "item", str(SCHEMA.birthPlace)),
        Field("P27", "item", str(SCHEMA.nationality)),
        Field("P106", "item", str(SCHEMA.hasOccupation)),
        Field("P166", "item", str(SCHEMA.award)),
        Field("P450", "item", _wdt("P450")),  # astronaut mission (our flewUpOn/cameBackOn say which way)
        Field("P2873", "duration", _wdt("P2873")),  # time in space
        Field("P18", "iri", str(SCHEMA.image)),
    ],
    "organisation": [
        Field("P159", "item", str(SCHEMA.location)),  # headquarters
        Field("P571", "time", str(SCHEMA.foundingDate)),
        Field("P112", "item", str(SCHEMA.founder)),
        Field("P488", "item", _wdt("P488")),  # chairperson
        Field("P169", "item", _wdt("P169")),  # chief executive officer
        Field("P856", "iri", str(SCHEMA.url)),
    ],
    # The launch site (P448) is left out until its ID is verified against a stored source (see spacefilms.ttl).
    "spaceflight": [
        Field("P619", "time", str(SF.launchTime)),
        Field("P620", "time", str(SF.landingTime)),
        Field("P375", "item", str(SF.launchVehicle)),
        Field("P1029", "item", str(SF.crewMember)),
    ],
}

Progress = Callable[[int, int], None]


def ontology_mapping() -> dict[str, str]:
    """Wikidata property IRI (wdt:/pq:) -> our predicate, from the ontology's ``owl:equivalentProperty``."""
    mapping = {}
    for path in bundled.ontology_files():
        for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            target = triple.object
            equivalent = triple.predicate.value == str(OWL.equivalentProperty) and isinstance(target, ox.NamedNode)
            if equivalent and target.value.startswith((WDT, PQ)):
                mapping[target.value] = triple.subject.value
    return mapping


def predicates(mapping: dict[str, str] | None = None) -> dict[str, str]:
    """pid -> the predicate its values are written with."""
    mapping = ontology_mapping() if mapping is None else mapping
    return {f.pid: mapping.get(_wdt(f.pid), f.fallback) for fs in FIELDS.values() for f in fs}


# ---------------------------------------------------------------- queries


def statements_query(kind: str, qids: list[str]) -> str:
    """All non-deprecated statements of this kind's properties for a batch of items, with the details of
    time/quantity values and the wanted qualifiers, plus one row per existing item (``?present``)."""
    items = values_block("item", [item_iri(q) for q in qids])
    props = " ".join(f'("{f.pid}" p:{f.pid} ps:{f.pid} psv:{f.pid})' for f in FIELDS[kind])
    qualifiers = sorted({f.qualifier for f in FIELDS[kind] if f.qualifier})
    qualifier_part = (
        f"    OPTIONAL {{ VALUES ?qualifier {{ {' '.join(f'pq:{q}' for q in qualifiers)} }} ?statement ?qualifier ?qvalue }}\n"
        if qualifiers
        else ""
    )
    return prologue() + (
        "SELECT ?item ?pid ?statement ?rank ?value ?node ?precision ?amount ?unit ?qualifier ?qvalue ?present WHERE {\n"
        "  {\n"
        f"    {items}\n"
        f"    VALUES (?pid ?claim ?simple ?full) {{ {props} }}\n"
        "    ?item ?claim ?statement .\n"
        "    ?statement ?simple ?value ; wikibase:rank ?rank .\n"
        "    FILTER (?rank != wikibase:DeprecatedRank)\n"
        "    OPTIONAL { ?statement ?full ?node .\n"
        "      OPTIONAL { ?node wikibase:timePrecision ?precision }\n"
        "      OPTIONAL { ?node wikibase:quantityAmount ?amount }\n"
        "      OPTIONAL { ?node wikibase:quantityUnit ?unit } }\n"
        f"{qualifier_part}"
        "  } UNION {\n"
        f"    SELECT ?item (SAMPLE(?anyLabel) AS ?present) WHERE {{ {items} ?item rdfs:label ?anyLabel }} GROUP BY ?item\n"
        "  }\n"
        "}"
    )


def labels_query(qids: list[str]) -> str:
    """English and Russian labels (and the ISO 4217 code of currencies) of the items values point to."""
    return prologue() + (
        "SELECT ?item ?label ?code WHERE {\n"
        f"  {values_block('item', [item_iri(q) for q in qids])}\n"
        '  { ?item rdfs:label ?label FILTER (LANG(?label) IN ("en", "ru")) }\n'
        f"  UNION {{ ?item wdt:{CURRENCY_CODE} ?code }}\n"
        "}"
    )


# ---------------------------------------------------------------- fetching


@dataclass
class Statement:
    """One Wikidata statement as fetched: its value, value details and qualifier values."""

    iri: str
    qid: str
    pid: str
    rank: str
    value: dict
    node: str | None
    precision: int | None
    amount: str | None
    unit: str | None
    fetched_at: str
    qualifiers: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Fetched:
    statements: list[Statement] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))  # QID -> lang -> label
    codes: dict[str, str] = field(default_factory=dict)  # currency QID -> ISO 4217 code
    label_times: dict[str, str] = field(default_factory=dict)


def _statements(answer: Answer, fetched: Fetched) -> None:
    by_iri: dict[str, Statement] = {}
    for row in answer.rows:
        item = qid_of(answer.value(row, "item") or "")
        if item and answer.value(row, "present") is not None:
            fetched.present.add(item)
        iri = answer.value(row, "statement")
        if not item or iri is None:
            continue
        statement = by_iri.get(iri)
        if statement is None:
            precision = answer.value(row, "precision")
            statement = by_iri[iri] = Statement(
                iri,
                item,
                answer.value(row, "pid"),
                answer.value(row, "rank") or "",
                row["value"],
                answer.value(row, "node"),
                int(precision) if precision else None,
                answer.value(row, "amount"),
                answer.value(row, "unit"),
                answer.fetched_at,
            )
        qualifier, qvalue = answer.value(row, "qualifier"), row.get("qvalue")
        if qualifier and qvalue and qvalue not in statement.qualifiers[qualifier[len(PQ) :]]:
            statement.qualifiers[qualifier[len(PQ) :]].append(qvalue)
    fetched.statements.extend(by_iri.values())


def _labels(answer: Answer, fetched: Fetched) -> None:
    for row in answer.rows:
        item = qid_of(answer.value(row, "item") or "")
        if item is None:
            continue
        fetched.label_times[item] = answer.fetched_at
        label = row.get("label")
        if label and label.get("xml:lang") in ("en", "ru"):
            fetched.labels[item].setdefault(label["xml:lang"], label["value"])
        if answer.value(row, "code"):
            fetched.codes[item] = answer.value(row, "code")


def best_ranked(statements: list[Statement]) -> list[Statement]:
    """Wikidata's 'truthy' choice: where an item has preferred statements for a property, only those."""
    preferred = {(s.qid, s.pid) for s in statements if s.rank == PREFERRED}
    return [s for s in statements if s.rank == PREFERRED or (s.qid, s.pid) not in preferred]


# ---------------------------------------------------------------- value conversion

_DATETIME = re.compile(r"^(?P<y>[+-]?\d{4,})-(?P<m>\d\d)-(?P<d>\d\d)T(?P<time>\d\d:\d\d:\d\d)")


def time_literal(value: str, precision: int | None) -> ox.Literal | None:
    """A Wikidata time at its precision: dateTime (hour or finer), date (day), gYearMonth (month), gYear (year).
    Coarser precisions (decade, century…) and a missing precision give None: never invent a day."""
    match = _DATETIME.match(value)
    if not match or precision is None or precision < 9:
        return None
    year = match["y"].lstrip("+")
    if precision >= 12:
        return ox.Literal(f"{year}-{match['m']}-{match['d']}T{match['time']}Z", datatype=ox.NamedNode(str(XSD.dateTime)))
    if precision == 11:
        return ox.Literal(f"{year}-{match['m']}-{match['d']}", datatype=ox.NamedNode(str(XSD.date)))
    if precision == 10:
        return ox.Literal(f"{year}-{match['m']}", datatype=ox.NamedNode(str(XSD.gYearMonth)))
    return ox.Literal(year, datatype=ox.NamedNode(str(XSD.gYear)))


def duration_literal(amount: str | None, unit: str | None) -> ox.Literal | None:
    """A time quantity in a known unit as an xsd:duration such as ``PT124M`` or ``P999D``."""
    factor = TIME_UNITS.get(qid_of(unit or "") or "")
    try:
        seconds = Decimal(amount) * factor if amount and factor else None
    except InvalidOperation:
        return None
    if seconds is None or seconds < 0:
        return None
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    clock = "".join(f"{n.normalize():f}{u}" for n, u in ((hours, "H"), (minutes, "M"), (rest, "S")) if n)
    text = "P" + (f"{days.normalize():f}D" if days else "") + (f"T{clock}" if clock or not days else "")
    return ox.Literal(text if text != "PT" else "PT0S", datatype=ox.NamedNode(str(XSD.duration)))


def _decimal(amount: str | None) -> ox.Literal | None:
    try:
        value = Decimal(amount or "")
    except InvalidOperation:
        return None
    return ox.Literal(format(value.normalize(), "f"), datatype=ox.NamedNode(str(XSD.decimal)))


# ---------------------------------------------------------------- mapping


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
    unmapped: Counter = field(default_factory=Counter)
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

    def provenance(self, endpoint: str) -> list[ox.Quad]:
        out = []
        for qid in self.quads:
            graph = ox.NamedNode(WIKIDATA_GRAPH_BASE + qid)
            stamp = ox.Literal(self.times[qid], datatype=ox.NamedNode(str(XSD.dateTime)))
            out += [
                ox.Quad(graph, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Entity)), graph),
                ox.Quad(graph, ox.NamedNode(str(PROV.wasDerivedFrom)), ox.NamedNode(item_iri(qid)), graph),
                ox.Quad(graph, ox.NamedNode(str(PROV.generatedAtTime)), stamp, graph),
                ox.Quad(graph, ox.NamedNode(DCTERMS_SOURCE), ox.NamedNode(endpoint), graph),
            ]
        return out


class _Mapper:
    """Turn fetched statements into our terms: linked items become our entities, others keep their Wikidata IRI."""

    def __init__(self, links: list[Link], fetched: Fetched, report: EnrichReport) -> None:
        mapping = ontology_mapping()
        self.predicate = predicates(mapping)
        self.character = mapping.get(PQ + "P453", str(SF.character))
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
        link = self.entity.get(qid)
        return link.label if link and lang == "en" else self.fetched.labels.get(qid, {}).get(lang, "")

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
        if kind == "item":
            qid = qid_of(raw["value"]) if raw["type"] == "uri" else None
            return self.node(qid) if qid else None  # "unknown value" (a blank node) is not a fact to map
        if kind == "time":
            return time_literal(raw["value"], s.precision)
        if kind == "duration":
            return duration_literal(s.amount, s.unit)
        if kind == "money":
            return self.money(s)
        if kind == "iri":
            return ox.NamedNode(raw["value"]) if raw["type"] == "uri" else None
        return ox.Literal(raw["value"])

    def money(self, s: Statement) -> ox.NamedNode | None:
        """An amount with a currency that has an ISO 4217 code, as a schema:MonetaryAmount named by Wikidata's
        own IRI for that quantity value."""
        code = self.fetched.codes.get(qid_of(s.unit or "") or "")
        amount = _decimal(s.amount)
        if not (code and amount and s.node):
            return None
        for predicate, obj in (
            (str(RDF.type), ox.NamedNode(str(SCHEMA.MonetaryAmount))),
            (str(SCHEMA.value), amount),
            (str(SCHEMA.currency), ox.Literal(code)),
        ):
            self.graphs.add(s.qid, s.node, predicate, obj, s.fetched_at)
        return ox.NamedNode(s.node)

    def cast_role(self, s: Statement, film: str, performer: ox.NamedNode) -> None:
        """A character-role qualifier becomes a sf:CastRole, named like curated ones so the two line up."""
        characters = [q for q in (qid_of(c["value"]) for c in s.qualifiers.get("P453", []) if c["type"] == "uri") if q]
        names = [(self.label(c, lang), lang) for c in characters for lang in ("en", "ru")]
        names = [(text, lang) for text, lang in names if text]
        if not names:
            self.report.unmapped["P453"] += len(characters)
            return
        role = f"{film}-role-{_slug(performer.value)}"
        add = self.graphs.add
        add(s.qid, film, str(SF.hasCastRole), ox.NamedNode(role), s.fetched_at)
        add(s.qid, role, str(RDF.type), ox.NamedNode(str(SF.CastRole)), s.fetched_at)
        add(s.qid, role, str(SF.performer), performer, s.fetched_at)
        for text, lang in names:
            add(s.qid, role, self.character, ox.Literal(text, language=lang), s.fetched_at)

    def releases(self, s: Statement, film: str, date: ox.Literal) -> None:
        """Each place-of-publication qualifier makes a release milestone at that place and date."""
        for place in s.qualifiers.get("P291", []):
            qid = qid_of(place["value"]) if place["type"] == "uri" else None
            if qid is None:
                continue
            where = self.node(qid)
            milestone = f"{SFR}milestone-wikidata-{_slug(film)}-release-{_slug(where.value)}-{date.value}"
            for predicate, obj in (
                (str(RDF.type), ox.NamedNode(str(SF.Milestone))),
                (str(SF.milestoneOf), ox.NamedNode(film)),
                (str(SF.milestoneType), ox.NamedNode(str(SF.Release))),
                (str(SCHEMA.startDate), date),
                (str(SCHEMA.location), where),
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
                self.graphs.add(qid, item_iri(qid), str(RDFS.label), literal, self.fetched.label_times[qid])
        for qid, milestone, place, when in self.release_labels:
            film = self.entity[qid].label
            text = f"{film}: release in {self.label(place) or 'wd:' + place} (Wikidata)"
            self.graphs.add(qid, milestone, str(RDFS.label), ox.Literal(text, language="en"), when)
        facts = [q for quads in self.graphs.quads.values() for q in quads]
        self.report.graphs, self.report.facts = len(self.graphs.quads), len(facts)
        return sorted(facts + self.graphs.provenance(endpoint), key=_sort_key)


def _slug(iri: str) -> str:
    """The local name of our entity, or the lower-case QID of a Wikidata item."""
    return iri[len(str(SFR)) :] if iri.startswith(str(SFR)) else (qid_of(iri) or iri).lower()


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _wanted_items(statements: list[Statement], linked: set[str]) -> list[str]:
    """Items whose labels (or currency code) the mapping needs: values, qualifier values and units."""
    wanted = set()
    for s in statements:
        for cell in [s.value, *(v for vs in s.qualifiers.values() for v in vs)]:
            if cell["type"] == "uri" and qid_of(cell["value"]):
                wanted.add(qid_of(cell["value"]))
        if s.unit and qid_of(s.unit):
            wanted.add(qid_of(s.unit))
    return sorted(wanted - linked)


def enrich(links: list[Link], client: WikidataClient, batch_size: int = 50, progress: Progress | None = None) -> Enrichment:
    """Fetch and map the Wikidata facts of every linked entity of a kind we enrich.

    Requests: one per batch of ``batch_size`` items per kind, then one per batch of items the values point to.
    """
    linked = sorted((link for link in links if link.linked and link.kind in FIELDS), key=lambda x: (x.kind, x.qid))
    report = EnrichReport(client.endpoint, batch_size, client.offline, items=len(linked))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for link in linked:
        by_kind[link.kind].append(link.qid)
    plan = [(kind, batch) for kind, qids in sorted(by_kind.items()) for batch in chunks(sorted(set(qids)), batch_size)]
    fetched = Fetched()
    times = []

    def ask(query: str, expect: list[str], total: int) -> Answer:
        answer = client.select(query, expect=expect)
        times.append(answer.fetched_at)
        if progress:
            progress(len(times), total)
        return answer

    for kind, batch in plan:
        _statements(ask(statements_query(kind, batch), [item_iri(q) for q in batch], len(plan)), fetched)
    statements = best_ranked(fetched.statements)
    wanted = _wanted_items(statements, {link.qid for link in links if link.linked})
    report.label_items = len(wanted)
    label_batches = chunks(wanted, batch_size)
    for batch in label_batches:
        _labels(ask(labels_query(batch), [], len(plan) + len(label_batches)), fetched)
    asked = {link.qid for link in linked}
    report.not_found = sorted(asked - fetched.present)
    report.enriched = len(asked & fetched.present)
    mapper = _Mapper(links, fetched, report)
    for statement in sorted(statements, key=lambda s: (s.qid, s.pid, s.iri)):
        mapper.map(statement)
    quads = mapper.finish(client.endpoint)
    report.requests, report.answers = client.requests, client.answers
    report.responses = list(dict.fromkeys(client.keys))
    report.fetched_at = max(times, default="")
    return Enrichment(quads, report)


# ---------------------------------------------------------------- applying and shipping


def _is_enrichment(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(WIKIDATA_GRAPH_BASE)


def apply(enrichment: Enrichment, store: str | Path | None = None) -> Path:
    """Check the new enrichment against the store, write it next to the store, and swap the store to the curated
    graph plus the new enrichment. Until this point nothing on disk changed; a failure here keeps the old store."""
    current = [q for q in named_quads(open_ox(store)) if not _is_enrichment(q)]
    build_graph = ox.NamedNode(BUILD_GRAPH)
    checked = [q for q in current if q.graph_name != build_graph] + enrichment.quads
    problems = provenance_problems(LoadedData.of(checked), Locator([]))
    if problems:
        from spacefilms.store.build import ValidationFailed  # imported here: build imports this module

        raise ValidationFailed(problems)
    folder = wikidata_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ENRICHMENT_FILE
    write_atomically(target, lambda out: ox.serialize(enrichment.quads, out, ox.RdfFormat.TRIG, prefixes=_prefixes()))
    manifest = json.dumps(_manifest(enrichment.report), ensure_ascii=False, indent=1).encode()
    write_atomically(folder / MANIFEST_FILE, lambda out: out.write(manifest))
    replace_store(current + enrichment.quads, store)
    return target


def _prefixes() -> dict[str, str]:
    return {**PREFIXES, "wd": ENTITY, "wdt": WDT, "dcterms": "http://purl.org/dc/terms/"}


def _manifest(report: EnrichReport) -> dict:
    """What a snapshot says about itself: which endpoint answered, when, and with which recorded responses."""
    return {
        "endpoint": report.endpoint,
        "fetched_at": report.fetched_at,
        "offline_replay": report.offline,
        "batch_size": report.batch_size,
        "requests": report.requests,
        "answers": report.answers,
        "items": report.items,
        "enriched": report.enriched,
        "label_items": report.label_items,
        "not_found": report.not_found,
        "graphs": report.graphs,
        "facts": report.facts,
        "unmapped": dict(sorted(report.unmapped.items())),
        "unlabelled": report.unlabelled,
        "responses": report.responses,
    }


def save_snapshot(store: str | Path | None, target: Path) -> Path:
    """Copy this store's enrichment, its manifest and the recorded responses behind it to ``target`` (e.g.
    ``graph/wikidata-snapshot``), replacing what was there only once the copy is complete."""
    source = wikidata_dir(store)
    try:
        manifest = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SpacefilmsError("no enrichment to ship here: run `spacefilms enrich` first", str(source)) from None
    target = Path(target)
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "responses").mkdir(parents=True)
    shutil.copy2(source / ENRICHMENT_FILE, staging / ENRICHMENT_FILE)
    shutil.copy2(source / MANIFEST_FILE, staging / MANIFEST_FILE)
    for key in manifest["responses"]:
        shutil.copy2(source / "responses" / f"{key}.json", staging / "responses" / f"{key}.json")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target
