"""What enrichment fetches: the Wikidata properties per kind of entity, and the predicate each is written with
(our ontology's ``owl:equivalentProperty`` of ``wdt:<pid>``, else a fallback)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from spacefilms import workspace as bundled
from spacefilms.namespaces import OWL, SCHEMA, SF
from spacefilms.wikidata.client import WIKIDATA_PREFIXES

WDT = WIKIDATA_PREFIXES["wdt"]
PQ = WIKIDATA_PREFIXES["pq"]

# IDs used here beyond graph/wikidata-ids.tsv, each seen with this meaning in stored public sources:
# P291 "place of publication" and P498 "ISO 4217 code" (the 2018 property dump in hiropppe/neo4j-js-ng2,
# src/app/service/wikidata.service.ts, which the tsv cites for other properties; several film queries qualify
# P577 with pq:P291; a query reads a currency's code with wdt:P498), and the time units below (several unit
# tables: Q11574 "s", Q7727 "min", Q25235 "h", Q573 "d"/86400 s).
TIME_UNITS = {"Q11574": 1, "Q7727": 60, "Q25235": 3600, "Q573": 86400}  # (P498 is read by queries/wikidata/labels.rq)


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
        Field("P57", "item", SCHEMA.director),
        Field("P161", "item", SCHEMA.actor, qualifier="P453"),  # cast member, with the character role
        Field("P162", "item", SCHEMA.producer),
        Field("P272", "item", SCHEMA.productionCompany),
        Field("P750", "item", SF.distributor),
        Field("P58", "item", SF.screenwriter),
        Field("P344", "item", SF.directorOfPhotography),
        Field("P577", "time", SCHEMA.datePublished, qualifier="P291"),  # with the place of publication
        Field("P915", "item", SF.filmingLocation),
        Field("P2047", "duration", SCHEMA.duration),
        Field("P495", "item", SCHEMA.countryOfOrigin),
        Field("P364", "item", _wdt("P364")),  # an item, not our BCP 47 code: kept as Wikidata's property
        Field("P2130", "money", SF.budget),
        Field("P2142", "money", SF.boxOffice),
        Field("P345", "string", _wdt("P345")),  # IMDb ID
    ],
    "person": [
        Field("P569", "time", SCHEMA.birthDate),
        Field("P19", "item", SCHEMA.birthPlace),
        Field("P27", "item", SCHEMA.nationality),
        Field("P106", "item", SCHEMA.hasOccupation),
        Field("P166", "item", SCHEMA.award),
        Field("P450", "item", _wdt("P450")),  # astronaut mission (our flewUpOn/cameBackOn say which way)
        Field("P2873", "duration", _wdt("P2873")),  # time in space
        Field("P18", "iri", SCHEMA.image),
    ],
    "organisation": [
        Field("P159", "item", SCHEMA.location),  # headquarters
        Field("P571", "time", SCHEMA.foundingDate),
        Field("P112", "item", SCHEMA.founder),
        Field("P488", "item", _wdt("P488")),  # chairperson
        Field("P169", "item", _wdt("P169")),  # chief executive officer
        Field("P856", "iri", SCHEMA.url),
    ],
    # The launch site (P448) is left out until its ID is verified against a stored source (see spacefilms.ttl).
    "spaceflight": [
        Field("P619", "time", SF.launchTime),
        Field("P620", "time", SF.landingTime),
        Field("P375", "item", SF.launchVehicle),
        Field("P1029", "item", SF.crewMember),
    ],
}


def ontology_mapping() -> dict[str, str]:
    """Wikidata property IRI (wdt:/pq:) -> our predicate, from the ontology's ``owl:equivalentProperty``."""
    mapping = {}
    for path in bundled.ontology_files():
        for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            target = triple.object
            equivalent = triple.predicate.value == OWL.equivalentProperty and isinstance(target, ox.NamedNode)
            if equivalent and target.value.startswith((WDT, PQ)):
                mapping[target.value] = triple.subject.value
    return mapping


def predicates(mapping: dict[str, str] | None = None) -> dict[str, str]:
    """pid -> the predicate its values are written with."""
    mapping = ontology_mapping() if mapping is None else mapping
    return {f.pid: mapping.get(_wdt(f.pid), f.fallback) for fs in FIELDS.values() for f in fs}
