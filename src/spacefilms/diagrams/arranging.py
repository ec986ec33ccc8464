"""A diagram laid out for drawing: label texts and sizes measured, the layout applied, the lines between nodes
chosen (one per relation style, curved where they would overlap), labels pushed apart."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from spacefilms.diagrams.labels import Box, label_box, separate, text_size, wrap
from spacefilms.diagrams.layout import HEADING_PT, HUB_PT, LABEL_PT, Placement, Sizes, bipartite, hubs_layout, radial, spring
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.styles import DEFAULT_EDGE, EdgeStyle, node_style


@dataclass
class Line:
    """One line to draw between two nodes (``a`` is the hub when it is curved), standing for ``predicates``."""

    a: str
    b: str
    style: EdgeStyle
    predicates: list[str]
    text: str
    curved: bool
    offset: float


@dataclass
class Arranged:
    """A diagram laid out: each node's label text and size, the sizes, the placement, the lines to draw."""

    texts: dict[str, str]
    points: dict[str, float]
    sizes: Sizes
    placement: Placement
    lines: list[Line] = field(default_factory=list)

    def label_box(self, node: str) -> Box:
        x, y = self.placement.pos[node]
        w, h = self.sizes.label[node]
        box = label_box(self.placement.anchor[node], self.sizes.marker[node] / 2 + self.sizes.gap, w, h)
        return Box(x + box.x0, y + box.y0, x + box.x1, y + box.y1)


def relations_between(diagram: Diagram, a: str, b: str) -> list[str]:
    """Predicates linking ``a`` and ``b`` either way that are drawn, in the diagram's relation order."""
    net = diagram.net
    found = {d["predicate"] for u, v in ((a, b), (b, a)) for d in net.get_edge_data(u, v, default={}).values()}
    visible = [p for p in found if not diagram.edge_styles.get(p, DEFAULT_EDGE).hidden]
    order = {p: i for i, p in enumerate(diagram.relation_order)}
    return sorted(visible, key=lambda p: (order.get(p, len(order)), p))


def roles_of(diagram: Diagram, node: str) -> str:
    """The roles a person holds on the drawn edges (a character, a flight role, the period of a headship): written
    under the person, whose roles they are, not under the film, flight or organisation at the other end."""
    net = diagram.net
    if net.nodes[node].get("kind") != "person":
        return ""
    roles = sorted(
        {d["role"] for *_, d in list(net.in_edges(node, data=True)) + list(net.out_edges(node, data=True)) if d["role"]}
    )
    return wrap(" / ".join(roles), 30, 2) if roles else ""


def arrange(diagram: Diagram) -> Arranged:
    """Label texts, their sizes, and a placement in which no two labels overlap."""
    net = diagram.net
    hubs = set(diagram.centres)
    texts, points = {}, {}
    for node, attrs in net.nodes(data=True):
        if node in hubs:
            texts[node], points[node] = wrap(attrs["label"], 22, 3), HUB_PT
        else:
            extra = roles_of(diagram, node) if diagram.roles_in_labels else ""
            texts[node] = wrap(attrs["label"], 26, 2) + (f"\n{extra}" if extra else "")
            points[node] = LABEL_PT
    sizes = Sizes(
        {n: text_size(texts[n], points[n], "bold" if n in hubs else "normal") for n in net},
        {n: node_style(net.nodes[n]["kind"]).size * (1.7 if n in hubs else 1.0) / 72 for n in net},
        heading=HEADING_PT * 1.9 / 72,
    )
    if diagram.layout == "hubs":
        order = {p: i for i, p in enumerate(diagram.relation_order)}
        names = relation_labels(net)

        def group_of(node: str, hub: str) -> tuple[int, str]:
            found = relations_between(diagram, node, hub)
            rank = order.get(found[0], len(order)) if found else len(order)
            return rank, " · ".join(names[p] for p in found)

        placement = hubs_layout(net, sizes, diagram.centres, group_of)
    elif diagram.layout == "radial":
        placement = radial(net, sizes, diagram.centres[0])
    elif diagram.layout == "bipartite":
        order = {p: i for i, p in enumerate(diagram.relation_order)}

        def priority(node: str) -> int:
            edges = [*net.in_edges(node, data=True), *net.out_edges(node, data=True)]
            return min((order.get(d["predicate"], len(order)) for *_, d in edges), default=len(order))

        placement = bipartite(net, sizes, diagram.left, priority)
    else:
        placement = spring(net, sizes)
    arranged = Arranged(texts, points, sizes, placement, _lines(diagram, placement))
    if not placement.fixed:
        _push_apart(arranged)
    return arranged


def _lines(diagram: Diagram, placement: Placement) -> list[Line]:
    """Per pair of linked nodes: one line per distinct style ("merge"), per relation ("each"), or only the first."""
    out = []
    hubs = set(placement.hubs)
    names = relation_labels(diagram.net)
    for a, b in sorted({tuple(sorted((u, v))) for u, v in diagram.net.edges() if u != v}):
        if b in hubs and a not in hubs:
            a, b = b, a
        groups: list[tuple[EdgeStyle, list[str]]] = []
        for p in relations_between(diagram, a, b):
            style = diagram.edge_styles.get(p, DEFAULT_EDGE)
            same = next((g for g in groups if g[0] == style), None) if diagram.parallel != "each" else None
            if same:
                same[1].append(p)
            else:
                groups.append((style, [p]))
        groups = groups[:1] if diagram.parallel == "first" else groups
        curved = a in hubs and b not in hubs and b in placement.curved
        for i, (style, predicates) in enumerate(groups):
            text = " · ".join(dict.fromkeys(names[p] for p in predicates))
            out.append(Line(a, b, style, predicates, text, curved, (i - (len(groups) - 1) / 2) * 0.05))
    return out


def relation_labels(net: nx.MultiDiGraph) -> dict[str, str]:
    return {d["predicate"]: d["label"] for *_, d in net.edges(data=True)}


def _push_apart(arranged: Arranged) -> None:
    placement, sizes = arranged.placement, arranged.sizes
    nodes = list(placement.pos)
    if len(nodes) < 2:
        return
    boxes = []
    for n in nodes:
        r = sizes.marker[n] / 2
        w, h = sizes.label[n]
        label = label_box(placement.anchor[n], r + sizes.gap, w, h)
        boxes.append(Box(min(-r, label.x0), min(-r, label.y0), max(r, label.x1), max(r, label.y1)))
    pinned = np.array([n in placement.hubs for n in nodes])
    moved = separate(np.array([placement.pos[n] for n in nodes]), boxes, pinned)
    placement.pos = {n: (float(x), float(y)) for n, (x, y) in zip(nodes, moved)}
