"""How each kind of entity and relation looks in every diagram (static, interactive, exported)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacefilms.namespaces import SCHEMA, SF


@dataclass(frozen=True)
class NodeStyle:
    """The look of one kind of entity: legend name, fill colour, matplotlib marker, marker size in points."""

    kind: str
    label: str
    color: str
    marker: str
    size: float = 10.0


# Every work (film, series, video, project, any creative work) is drawn alike: what it is made of matters less here
# than that it is a work (``sf:workKind`` says which kind).
_WORK = NodeStyle("film", "work or film project", "#E69F00", "*", 16.0)
# Most specific class first: an entity takes the style of the first class it has.
# Colours: Okabe-Ito and Tol palettes (distinguishable with the common colour-vision deficiencies).
KINDS: list[tuple[str, NodeStyle]] = [
    (str(SF.SpaceFilmProject), _WORK),
    (str(SCHEMA.Movie), _WORK),
    (str(SCHEMA.TVSeries), _WORK),
    (str(SCHEMA.VideoObject), _WORK),
    (str(SF.SpaceAgency), NodeStyle("agency", "space agency", "#CC79A7", "h", 11.0)),
    (str(SCHEMA.Organization), NodeStyle("organisation", "organisation", "#009E73", "s", 9.0)),
    (str(SCHEMA.Person), NodeStyle("person", "person", "#0072B2", "o", 9.0)),
    (str(SF.Spaceflight), NodeStyle("spaceflight", "crewed spaceflight", "#D55E00", "^", 12.0)),
    (str(SF.Expedition), NodeStyle("expedition", "station expedition", "#AA7A00", "v", 10.0)),
    (str(SF.SpaceStation), NodeStyle("station", "space station", "#56B4E9", "p", 12.0)),
    (str(SF.LaunchSite), NodeStyle("place", "place", "#8C564B", "D", 8.0)),
    (str(SF.LaunchVehicle), NodeStyle("vehicle", "launch vehicle", "#882255", "X", 10.0)),
    (str(SCHEMA.Country), NodeStyle("country", "country", "#6F6F6F", "P", 10.0)),
    (str(SCHEMA.Place), NodeStyle("place", "place", "#8C564B", "D", 8.0)),
    (str(SF.Milestone), NodeStyle("milestone", "milestone", "#999933", "d", 9.0)),
    (str(SF.Achievement), NodeStyle("achievement", "achievement (a 'first')", "#332288", "8", 10.0)),
    (str(SF.Source), NodeStyle("source", "source page", "#44AA99", "H", 10.0)),  # a creative work, but not one drawn
    (str(SCHEMA.CreativeWork), _WORK),  # any other work: after the classes a work may also have (a milestone is none)
    (str(SF.CastRole), NodeStyle("role", "cast role or flight assignment", "#AAAAAA", ".", 8.0)),
    (str(SF.FlightAssignment), NodeStyle("role", "cast role or flight assignment", "#AAAAAA", ".", 8.0)),
    (str(SF.Headship), NodeStyle("role", "cast role or flight assignment", "#AAAAAA", ".", 8.0)),
]
OTHER = NodeStyle("other", "other", "#BBBBBB", "o", 7.0)
STYLES: dict[str, NodeStyle] = {style.kind: style for _, style in reversed(KINDS)} | {OTHER.kind: OTHER}


def kind_of(classes: set[str] | frozenset[str]) -> str:
    """The style key of an entity with these rdf:types."""
    return next((style.kind for iri, style in KINDS if iri in classes), OTHER.kind)


def node_style(kind: str) -> NodeStyle:
    return STYLES.get(kind, OTHER)


@dataclass(frozen=True)
class EdgeStyle:
    """The look of one relation: colour, line style, width; ``legend`` names it in the legend when set."""

    color: str = "#8A8A8A"
    linestyle: str = "-"
    width: float = 0.9
    legend: str = ""
    hidden: bool = False  # kept in the network (e.g. for its role), not drawn


DEFAULT_EDGE = EdgeStyle()


@cache
def marker_svg_path(marker: str) -> str:
    """The matplotlib marker outline as an SVG path of unit size (used by the interactive diagram)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    path = style.get_path().transformed(style.get_transform())
    parts = []
    for vertices, code in path.iter_segments(simplify=False, curves=False):
        x, y = vertices[-2:]
        command = {1: "M", 2: "L", 79: "Z"}.get(int(code), "L")
        parts.append("Z" if command == "Z" else f"{command}{x:.3f},{-y:.3f}")
    return "".join(parts)
