"""What a diagram shows: a network plus how to lay it out and title it; the named presets users ask for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from spacefilms.core.naming import did_you_mean
from spacefilms.diagrams.layout import LAYOUTS
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.network import GraphData
from spacefilms.diagrams.selection import select, top_by_degree
from spacefilms.diagrams.styles import EdgeStyle
from spacefilms.diagrams.wording import say
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import SCHEMA, SF, SFR


@dataclass(frozen=True)
class Preset:
    """A named picture: which relations around which entities, laid out how."""

    name: str
    description: str
    title: Callable[[GraphData, str], str]  # the title in a language, from the graph's labels
    relations: tuple[str, ...]
    centres: tuple[str, ...] = ()
    layout: str = "hubs"
    edge_styles: tuple[tuple[str, EdgeStyle], ...] = ()
    parallel: str = "merge"
    roles_in_labels: bool = False
    # Entities that are the object of one of these relations anywhere in the graph are drawn with the people of theirs
    # who head one or took part in a work, and nothing else (one with no such person is not drawn): the works'
    # organisations, not every astronaut's employer.
    around_objects_of: tuple[str, ...] = ()

    def network(self, net: nx.MultiDiGraph, data: GraphData) -> nx.MultiDiGraph:
        """The preset's part of ``net``: its relations, and only what touches its centres (when it has some)."""
        part = select(net, data, relations=self.relations)
        if self.around_objects_of:
            wanted = {str(p) for p in self.around_objects_of}
            hubs = {o for _, o, d in net.edges(data=True) if d.get("predicate") in wanted and o in part}
            undirected, whole = part.to_undirected(as_view=True), net.to_undirected(as_view=True)
            heads = {s for s, _, d in part.edges(data=True) if d.get("predicate") == str(SF.headOf)}

            def kept(n: str) -> bool:  # one who heads one of them or took part in a work (cast, crew)
                return n in heads or any(net.nodes[m].get("kind") == "film" for m in whole[n])

            people = {n for h in hubs for n in undirected[h] if kept(n)}
            drawn = {h for h in hubs if any(n in people for n in undirected[h])}
            return nx.MultiDiGraph(part.subgraph(drawn | people))
        if not self.centres:
            return part
        missing = [c for c in self.centres if c not in part]
        if missing:
            raise SpacefilmsError(f"this graph has no {', '.join(missing)}", f"preset {self.name}")
        keep = set(self.centres).union(*(part.to_undirected(as_view=True)[c] for c in self.centres))
        return nx.MultiDiGraph(part.subgraph(keep))

    def diagram(self, net: nx.MultiDiGraph, data: GraphData, date: str, max_nodes: int) -> Diagram:
        part = top_by_degree(self.network(net, data), max_nodes, keep=self.centres)
        return Diagram(
            part,
            self.title(data, net.graph.get("lang", "en")),
            date,
            layout=self.layout,
            centres=list(self.centres),
            left={n for n, d in part.nodes(data=True) if d["kind"] == "person"} if self.layout == "bipartite" else set(),
            relation_order=[str(p) for p in self.relations],
            edge_styles={str(p): s for p, s in self.edge_styles},
            parallel=self.parallel,
            roles_in_labels=self.roles_in_labels,
            source_labels=data.source_labels,
        )


_FILM, _RIVAL = str(SFR["the-challenge"]), str(SFR["cruise-liman-space-film"])
RACE = (_FILM, _RIVAL)  # the race to film in space: the race preset's centres, the timeline's first lanes
_UP = EdgeStyle("#0072B2", "-", 1.6, "flew up on")
_BACK = EdgeStyle("#D55E00", (0, (4, 2)), 1.6, "came back on")
# What was only planned is drawn apart from what happened: dotted and grey, and named as planned.
_PLANNED = (
    (SF.plannedPartner, EdgeStyle("#8A8A8A", (0, (1, 2)), 1.2, "planned partner")),
    (SF.plannedFilmingLocation, EdgeStyle("#8A8A8A", (0, (1, 2)), 1.2, "planned filming location")),
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "film-world",
            "The film's world: its cast, crew and companies, grouped by what each did",
            lambda d, lang: say(
                "The world of {film} ({film_ru}): cast, crew and companies",
                lang,
                film=d.label(_FILM, lang),
                film_ru=d.labels[_FILM].get("ru", ""),
            ).replace(" ()", ""),
            (
                SCHEMA.director,
                SF.screenwriter,
                SF.directorOfPhotography,
                SCHEMA.musicBy,
                SCHEMA.producer,
                SCHEMA.actor,
                SCHEMA.editor,
                SCHEMA.productionCompany,
                SF.partnerOrganisation,
                SF.distributor,
            ),
            (_FILM,),
        ),
        Preset(
            "race",
            "The race: The Challenge and the rival project side by side, with who and what each involved",
            lambda d, lang: say(
                "The race to film in space: {film} vs the {rival}", lang, film=d.label(_FILM, lang), rival=d.label(_RIVAL, lang)
            ),
            (
                SF.competedWith,
                SCHEMA.director,
                SCHEMA.actor,
                SCHEMA.productionCompany,
                SF.distributor,
                SF.partnerOrganisation,
                SF.plannedPartner,
                SF.filmingLocation,
                SF.plannedFilmingLocation,
                SCHEMA.countryOfOrigin,
            ),
            RACE,
            edge_styles=((SF.competedWith, EdgeStyle("#B2182B", (0, (5, 3)), 2.2, "competed with")), *_PLANNED),
        ),
        Preset(
            "works-in-space",
            "Every work filmed in space: the station or flight it was filmed on, and who held the camera there",
            lambda d, lang: say("Works filmed in space: where, on which flight, by whom", lang),
            (SF.filmingLocation, SCHEMA.recordedAt, SF.cameraOperatorInSpace),
            layout="spring",
            edge_styles=(
                (SF.filmingLocation, EdgeStyle("#0072B2", "-", 1.4, "filmed at")),
                (SCHEMA.recordedAt, EdgeStyle("#009E73", "-", 1.4, "filmed during")),
                (SF.cameraOperatorInSpace, EdgeStyle("#D55E00", (0, (4, 2)), 1.4, "filmed in space by")),
            ),
        ),
        Preset(
            "flights",
            "Flights and crews: who flew up on which Soyuz, who came back on which",
            lambda d, lang: say(
                "Who flew up, who came back: {a} and {b}",
                lang,
                a=d.label(str(SFR["soyuz-ms-18"]), lang),
                b=d.label(str(SFR["soyuz-ms-19"]), lang),
            ),
            (SF.flewUpOn, SF.cameBackOn, SF.crewMember, SF.destination, SF.launchSite, SF.launchVehicle),
            (str(SFR["soyuz-ms-18"]), str(SFR["soyuz-ms-19"])),
            edge_styles=((SF.flewUpOn, _UP), (SF.cameBackOn, _BACK), (SF.crewMember, EdgeStyle(hidden=True))),
            parallel="each",
            roles_in_labels=True,
        ),
        Preset(
            "organisations",
            "Organisations and their people: who heads or belongs to the organisations that made, backed or planned a work",
            lambda d, lang: say("Organisations and their people", lang),
            (SF.headOf, SCHEMA.affiliation),
            layout="bipartite",
            edge_styles=(
                (SF.headOf, EdgeStyle("#333333", "-", 2.0, "head of")),
                (SCHEMA.affiliation, EdgeStyle("#8A8A8A", (0, (3, 2)), 1.2, "member of / affiliated with")),
            ),
            parallel="first",
            roles_in_labels=True,  # the period of each headship, as the sources date it
            around_objects_of=(SCHEMA.productionCompany, SF.partnerOrganisation, SF.plannedPartner, SF.distributor),
        ),
    )
}


def get_preset(name: str) -> Preset:
    if name in PRESETS:
        return PRESETS[name]
    hint = did_you_mean(name, PRESETS, f"presets: {', '.join(PRESETS)}")
    raise SpacefilmsError(f"unknown preset {name!r}{hint}")


def custom_diagram(
    net: nx.MultiDiGraph,
    data: GraphData,
    title: str,
    date: str,
    focus: str | None,
    depth: int,
    layout: str | None,
    max_nodes: int,
) -> Diagram:
    """A diagram of an already selected network: radial around a focus (hubs when only its neighbours), else spring."""
    centre = data.resolve_entity(focus) if focus else None
    chosen = layout or ("spring" if centre is None else ("hubs" if depth == 1 else "radial"))
    if chosen not in LAYOUTS:
        hint = did_you_mean(chosen, LAYOUTS, f"layouts: {', '.join(LAYOUTS)}")
        raise SpacefilmsError(f"unknown layout {chosen!r}{hint}", "--layout")
    if chosen in ("radial", "hubs") and centre is None:
        raise SpacefilmsError(f"the {chosen} layout needs --focus", "--layout")
    part = top_by_degree(net, max_nodes, keep=[centre] if centre else [])
    return Diagram(
        part,
        title,
        date,
        layout=chosen,
        centres=[centre] if centre else [],
        left={n for n, d in part.nodes(data=True) if d["kind"] == "person"},
        source_labels=data.source_labels,
    )
