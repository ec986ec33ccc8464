"""Synthetic, film-shaped graphs of any size (same ontology, same source pattern) for benchmarks.

Every entity is marked as synthetic (IRIs under ``sfr:synthetic/``, so the build's checks of project resources
apply to them; sources under ``https://example.org/synthetic/source/``); nothing here is a fact.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import pyoxigraph as ox

from spacefilms.namespaces import RDF, RDFS, SCHEMA, SF, SFR, SOURCES_GRAPH, XSD

BASE = f"{SFR}synthetic/"
SOURCE_BASE = "https://example.org/synthetic/source/"
TRIPLES_PER_FILM = 55  # average, used to turn a triple budget into a number of films


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _label(text: str, lang: str = "en") -> ox.Literal:
    return ox.Literal(text, language=lang)


def _source(src: ox.NamedNode, title: str) -> Iterator[ox.Quad]:
    """Declare a synthetic source page in the sources graph."""
    sources = _n(SOURCES_GRAPH)
    yield ox.Quad(src, _n(str(RDF.type)), _n(str(SF.Source)), sources)
    yield ox.Quad(src, _n(str(SF.sourceKind)), _n(str(SF.NewsSource)), sources)
    yield ox.Quad(src, _n(str(RDFS.label)), _label(title), sources)


def _typed(node: ox.NamedNode, cls: str, title: str, src: ox.NamedNode) -> Iterator[ox.Quad]:
    yield ox.Quad(node, _n(str(RDF.type)), _n(str(cls)), src)
    yield ox.Quad(node, _n(str(RDFS.label)), _label(title), src)


def generate(triples: int, seed: int = 7) -> Iterator[ox.Quad]:
    """Yield about ``triples`` quads describing synthetic films, people, organisations and flights."""
    rng = random.Random(seed)
    films = max(1, triples // TRIPLES_PER_FILM)
    people = max(10, films * 2)
    orgs = max(5, films // 10)
    flights = max(2, films // 5)
    a, label = _n(str(RDF.type)), _n(str(RDFS.label))
    xsd_date = _n(str(XSD.date))
    person = [_n(f"{BASE}person/{i}") for i in range(people)]
    org = [_n(f"{BASE}organisation/{i}") for i in range(orgs)]
    flight = [_n(f"{BASE}flight/{i}") for i in range(flights)]
    station = _n(f"{BASE}station/0")
    for i in range(films):
        src = _n(f"{SOURCE_BASE}{i}")
        yield from _source(src, f"Synthetic source {i}")
        film = _n(f"{BASE}film/{i}")
        facts = [
            (film, a, _n(str(SCHEMA.Movie))),
            (film, a, _n(str(SF.SpaceFilmProject))),
            (film, label, _label(f"Synthetic film {i}")),
            (film, label, _label(f"Синтетический фильм {i}", "ru")),
            (film, _n(str(SCHEMA.director)), rng.choice(person)),
            (film, _n(str(SCHEMA.productionCompany)), rng.choice(org)),
            (film, _n(str(SCHEMA.productionCompany)), rng.choice(org)),
            (film, _n(str(SF.filmingLocation)), station),
        ]
        for k in range(4):
            actor = rng.choice(person)
            role = _n(f"{BASE}film/{i}/role/{k}")
            facts += [
                (film, _n(str(SCHEMA.actor)), actor),
                (film, _n(str(SF.hasCastRole)), role),
                (role, a, _n(str(SF.CastRole))),
                (role, _n(str(SF.performer)), actor),
                (role, _n(str(SF.character)), _label(f"Character {i}.{k}")),
            ]
        start = date(1980, 1, 1) + timedelta(days=rng.randrange(16000))
        for k, kind in enumerate(("Announcement", "Launch", "Premiere")):
            milestone = _n(f"{BASE}film/{i}/milestone/{k}")
            facts += [
                (milestone, a, _n(str(SF.Milestone))),
                (milestone, label, _label(f"{kind} of synthetic film {i}")),
                (milestone, _n(str(SF.milestoneOf)), film),
                (milestone, _n(str(SF.milestoneType)), _n(str(SF[kind]))),
                (
                    milestone,
                    _n(str(SCHEMA.startDate)),
                    ox.Literal((start + timedelta(days=200 * k)).isoformat(), datatype=xsd_date),
                ),
            ]
        for s, p, o in facts:
            yield ox.Quad(s, p, o, src)
    for i, node in enumerate(person):
        src = _n(f"{SOURCE_BASE}person/{i}")
        yield from _source(src, f"Synthetic person source {i}")
        yield from _typed(node, SCHEMA.Person, f"Synthetic person {i}", src)
        if rng.random() < 0.2:
            yield ox.Quad(node, _n(str(SF.flewUpOn)), rng.choice(flight), src)
    for i, node in enumerate(org):
        src = _n(f"{SOURCE_BASE}organisation/{i}")
        yield from _source(src, f"Synthetic organisation source {i}")
        yield from _typed(node, SCHEMA.Organization, f"Synthetic organisation {i}", src)
    src = _n(f"{SOURCE_BASE}flights")
    yield from _source(src, "Synthetic flight source")
    yield from _typed(station, SF.SpaceStation, "Synthetic station", src)
    for i, node in enumerate(flight):
        yield from _typed(node, SF.Spaceflight, f"Synthetic flight {i}", src)
        yield ox.Quad(node, _n(str(SF.destination)), station, src)
        yield ox.Quad(node, _n(str(SF.crewMember)), rng.choice(person), src)
