"""The website's pictures, drawn by the project's diagram code as SVG: the film's world, the race timeline and the
timeline of the works filmed in space for the home page, and a focus diagram (the entity and what lies one step away) for the best-connected entities.

Drawing is the slow part of a site (a fraction of a second per picture), so focus diagrams are drawn for at most
``max_focus`` entities, the best-connected ones; every other page says where its diagram would come from.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.diagrams.drawing import DPI, RC, figure
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.network import Degrees, GraphData, build_network, load_graph_data
from spacefilms.diagrams.presets import RACE, custom_diagram, get_preset
from spacefilms.diagrams.selection import select
from spacefilms.diagrams.timeline import WORKS_TITLE, Event, milestones, timeline_figure, works_figure, works_in_space
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import ONTOLOGY_GRAPH, SCHEMA, SF
from spacefilms.site.index import LABEL, TYPE
from spacefilms.site.paths import resource_stem

MAX_FOCUS = 20
FOCUS_NODES = 40
# A hub's focus diagram would show 40 of its thousands of neighbours after reading them all (on a big graph, most of
# it): entities with more links than this get none, and the note says so.
MAX_FOCUS_LINKS = 1000
TIMELINE_LANES = 6


@dataclass
class Picture:
    path: str  # relative to the site's root
    alt: str
    note: str = ""


@dataclass
class Pictures:
    home: list[Picture] = field(default_factory=list)
    works: Picture | None = None  # the timeline of the works filmed in space
    focus: dict[str, Picture] = field(default_factory=dict)  # entity IRI -> its focus diagram
    candidates: int = 0  # entities that could have a focus diagram
    hubs: int = 0  # entities left without one: more than MAX_FOCUS_LINKS links

    @property
    def focus_note(self) -> str:
        if self.candidates <= len(self.focus):
            return ""
        note = f"Focus diagrams are drawn for the {len(self.focus):,} best-connected of {self.candidates:,} entities."
        return note + (f" Those with more than {MAX_FOCUS_LINKS:,} links ({self.hubs:,}) have none." if self.hubs else "")


def _svg(fig, path: Path, title: str) -> None:
    """Save a figure as SVG. Unlike ``spacefilms diagram``, no check for overlapping labels: that draws every
    picture a second time (half the cost), and the layouts are the ones the diagram tests already check."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        fig.savefig(out, format="svg", dpi=DPI, metadata={"Date": None, "Title": title})


def _draw(diagram: Diagram, path: Path) -> None:
    with matplotlib.rc_context(RC):
        fig, _ = figure(diagram)
        _svg(fig, path, diagram.title)


def _names(data: GraphData, iris: list[str], limit: int = 12) -> str:
    names = sorted(data.label(i) for i in iris)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def _events(events: list[Event], limit: int | None = 30) -> str:
    """The picture's rows in words, in date order, for its text alternative."""
    return "; ".join(f"{e.label}, {e.dates_text}" for e in sorted(events, key=lambda e: e.first)[:limit])


def draw_pictures(
    backend: Backend,
    site: Path,
    entities: Mapping[str, Collection[str]],
    max_focus: int = MAX_FOCUS,
    progress: Callable[[str], None] = lambda _: None,
) -> Pictures:
    """Draw the home page's pictures and up to ``max_focus`` focus diagrams of the best-connected of ``entities``
    (the project resources, with their classes) into ``site/images/``. Each picture reads only its part of the store (the film's
    neighbourhood, the milestones and works, an entity's neighbourhood), and the ranking reads one entity's links at a
    time: no copy of the whole graph, nor of its links, is made."""
    pictures = Pictures()
    images = site / "images"
    images.mkdir(parents=True, exist_ok=True)
    try:
        data = load_graph_data(backend, around=(RACE[0], 1))  # the film-world picture: the film and its neighbours
        diagram = get_preset("film-world").diagram(build_network(data), data, data.date, 150)
        _draw(diagram, images / "film-world.svg")
        people = [n for n in diagram.net if n not in diagram.centres]
        pictures.home.append(
            Picture("images/film-world.svg", f"{diagram.title}. Shown: {_names(data, people, 40)}.", diagram.note)
        )
    except SpacefilmsError as exc:  # a graph without the film (a synthetic one): no picture of its world
        progress(f"no film-world picture: {exc}")
    data = load_graph_data(backend, quads=_dated_quads(backend))
    lanes = milestones(data)
    if lanes:
        chosen = list(lanes)[:TIMELINE_LANES]
        title = "The race to film in space: dated milestones"
        with matplotlib.rc_context(RC):
            fig, _ = timeline_figure(data, {p: lanes[p] for p in chosen}, title, data.date)
            _svg(fig, images / "timeline.svg", title)
        events = [e for p in chosen for e in lanes[p]]
        alt = f"{title}, one lane per project ({_names(data, chosen)}): " + _events(events)
        note = (
            f"showing the {len(chosen)} projects with the most milestones of {len(lanes):,}" if len(lanes) > len(chosen) else ""
        )
        pictures.home.append(Picture("images/timeline.svg", alt, note))
    works = works_in_space(data)
    if works:
        with matplotlib.rc_context(RC):
            fig, _ = works_figure(data, works, WORKS_TITLE, data.date)
            _svg(fig, images / "works-timeline.svg", WORKS_TITLE)
        alt = f"{WORKS_TITLE}, one lane per kind of work ({', '.join(works)}): " + _events(
            [e for lane in works.values() for e in lane], None
        )
        pictures.works = Picture("images/works-timeline.svg", alt)
    ranked = _best_connected(backend, entities, max_focus, pictures)
    for number, iri in enumerate(ranked, 1):
        data = load_graph_data(backend, around=(iri, 1))
        part = select(build_network(data), data, iri, 1)
        title = f"{data.label(iri)} and what lies one step away"
        diagram = custom_diagram(part, data, title, data.date, iri, 1, None, FOCUS_NODES)
        path = "images/" + resource_stem(iri) + ".svg"
        _draw(diagram, site / path)
        around = [n for n in diagram.net if n != iri]
        alt = f"Diagram: {data.label(iri)} linked to {_names(data, around)}."
        pictures.focus[iri] = Picture(path, alt, diagram.note)
        if number % 5 == 0 or number == len(ranked):
            progress(f"drew {number} of {len(ranked)} focus diagrams")
    return pictures


_DATED = {TYPE, LABEL, *(str(p) for p in (SF.milestoneOf, SF.milestoneType, SF.workKind, SCHEMA.startDate, SCHEMA.datePublished))}


def _dated_quads(backend: Backend) -> Iterator[ox.Quad]:
    """What the timelines read: the types, names, kinds and dates of every film project, milestone and work of a
    stated kind, and the vocabulary's names."""
    read: set[ox.NamedNode] = set()
    for found in (
        backend.quads(None, ox.NamedNode(TYPE), ox.NamedNode(str(SF.SpaceFilmProject))),
        backend.quads(None, ox.NamedNode(str(SF.milestoneOf))),
        backend.quads(None, ox.NamedNode(str(SF.workKind))),
    ):
        for quad in found:
            if isinstance(quad.subject, ox.NamedNode) and quad.subject not in read:
                read.add(quad.subject)
                yield from (q for q in backend.quads(quad.subject) if q.predicate.value in _DATED)
    yield from backend.quads(None, ox.NamedNode(LABEL), None, ox.NamedNode(ONTOLOGY_GRAPH))


def _best_connected(backend: Backend, entities: Mapping[str, Collection[str]], limit: int, pictures: Pictures) -> list[str]:
    """The ``limit`` entities with the most links (of at most :data:`MAX_FOCUS_LINKS`; the IRI's order among equals),
    most first; counts the candidates (entities with a link) and the hubs (more links than that) into ``pictures``."""
    degree = Degrees(backend, entities)

    def drawable() -> Iterator[tuple[int, str]]:
        for iri in entities:
            links = degree(iri)
            pictures.candidates += links > 0
            pictures.hubs += links > MAX_FOCUS_LINKS
            if 0 < links <= MAX_FOCUS_LINKS:
                yield -links, iri

    return [iri for _, iri in heapq.nsmallest(limit, drawable())]
