"""Where nodes go, in inches, and on which side of each node its label sits.

Layouts: ``spring`` (force-directed, any graph), ``radial`` (rings around a focus), ``hubs`` (one or two central
entities with their neighbours in labelled columns: a film's world, two rival projects side by side, two flights and
their crews), ``bipartite`` (people in one column, organisations in the other).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from spacefilms.diagrams.styles import KINDS

LAYOUTS = ("spring", "radial", "hubs", "bipartite")


@dataclass
class Sizes:
    """What a layout must know about the labels: each node's label box and marker, in inches."""

    label: dict[str, tuple[float, float]]
    marker: dict[str, float]
    gap: float = 0.06
    heading: float = 0.24  # height of a group heading row

    def width(self, node: str) -> float:
        return self.label[node][0]

    def height(self, node: str) -> float:
        """The height of ``node``'s row in a column."""
        return max(self.label[node][1], self.marker[node]) + 0.05

    @property
    def row(self) -> float:
        return max([self.height(v) for v in self.label] + [0.2])


@dataclass
class Heading:
    x: float
    y: float
    text: str
    ha: str


@dataclass
class Placement:
    """A layout's answer: positions (inches), label sides, group headings, hubs, and which edges to draw curved."""

    pos: dict[str, tuple[float, float]]
    anchor: dict[str, str]
    headings: list[Heading] = field(default_factory=list)
    hubs: list[str] = field(default_factory=list)
    curved: set[str] = field(default_factory=set)  # nodes whose edges to a hub are drawn as curves
    fixed: bool = False  # constructed so that nothing overlaps: no need to push labels apart


def _undirected(net: nx.MultiDiGraph) -> nx.Graph:
    """``net`` without directions or parallel edges, its nodes and edges sorted: a layout seeded the same way then
    places them the same way whatever order sets handed them over in (Python salts string hashes per process)."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(net))
    simple.add_edges_from(sorted(tuple(sorted(edge)) for edge in net.edges()))
    return simple


def _by_label(net: nx.MultiDiGraph, nodes) -> list[str]:
    return sorted(nodes, key=lambda v: (net.nodes[v]["label"].casefold(), v))


def spring(net: nx.MultiDiGraph, sizes: Sizes, seed: int = 7) -> Placement:
    """Force-directed positions in which each node is the rectangle of its marker and label: linked entities pull
    together, rectangles push apart (hard when they overlap), a weak pull to the centre keeps the picture compact."""
    simple = _undirected(net)
    nodes = list(simple)
    anchor = dict.fromkeys(nodes, "right")
    if len(nodes) < 2:
        return Placement(dict.fromkeys(nodes, (0.0, 0.0)), anchor)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in simple.edges() if u != v], dtype=int).reshape(-1, 2)
    half = np.array([((sizes.width(v) + sizes.marker[v] + sizes.gap) / 2 + 0.06, sizes.height(v) / 2 + 0.04) for v in nodes])
    shift = np.array([(half[i, 0] - sizes.marker[v] / 2 - 0.06, 0.0) for i, v in enumerate(nodes)])
    area = float(np.sum(4 * half[:, 0] * half[:, 1])) * 2.2
    if len(nodes) < 500:  # networkx needs scipy beyond that; the rectangle forces below untangle a random start too
        raw = nx.spring_layout(simple, seed=seed, iterations=80)
        start = np.array([raw[v] for v in nodes])
    else:
        start = np.random.default_rng(seed).uniform(-1, 1, (len(nodes), 2))
    pos = start * math.sqrt(area) / 2
    pos = _relax(pos, half, shift, edges, length=0.5 + float(np.median(half[:, 0])))
    return Placement({v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos)}, anchor)


def _relax(pos: np.ndarray, half: np.ndarray, shift: np.ndarray, edges: np.ndarray, length: float) -> np.ndarray:
    """Fruchterman-Reingold on rectangles (``half`` sizes, centres at ``pos + shift``), cooling as it goes."""
    pos = pos.copy()
    n = len(pos)
    rounds = int(np.clip(60_000 / n, 120, 400))  # big pictures get fewer, costlier rounds
    eye = np.eye(n, dtype=bool)
    for step in range(rounds):
        heat = 0.25 * (1 - step / rounds) + 0.01
        centre = pos + shift
        d = centre[:, None, :] - centre[None, :, :]
        gap_x = np.abs(d[..., 0]) - (half[:, None, 0] + half[None, :, 0])
        gap_y = np.abs(d[..., 1]) - (half[:, None, 1] + half[None, :, 1])
        apart = np.hypot(np.maximum(gap_x, 0), np.maximum(gap_y, 0))
        overlap = (gap_x < 0) & (gap_y < 0) & ~eye
        dist = np.hypot(d[..., 0], d[..., 1]) + 1e-9
        unit = d / dist[..., None]
        push = np.where(eye, 0.0, 0.02 / (apart + 0.05) ** 2)
        force = (unit * push[..., None]).sum(axis=1)
        along_y = overlap & (-gap_y <= -gap_x * 1.5)
        force[:, 1] += np.where(along_y, -gap_y * np.sign(d[..., 1] + 1e-12), 0.0).sum(axis=1) * 2.0
        force[:, 0] += np.where(overlap & ~along_y, -gap_x * np.sign(d[..., 0] + 1e-12), 0.0).sum(axis=1) * 2.0
        if len(edges):
            a, b = edges[:, 0], edges[:, 1]
            vec = pos[b] - pos[a]
            norm = np.hypot(vec[:, 0], vec[:, 1]) + 1e-9
            pull = (vec / norm[:, None]) * ((norm - length) * 0.08)[:, None]
            np.add.at(force, a, pull)
            np.add.at(force, b, -pull)
        force -= (pos - pos.mean(axis=0)) * 0.02
        size = np.hypot(force[:, 0], force[:, 1])[:, None] + 1e-9
        pos += force / size * np.minimum(size, heat * 3)
    return pos


def radial(net: nx.MultiDiGraph, sizes: Sizes, focus: str) -> Placement:
    """The focus in the middle, entities one step away on the first ring, two steps on the second, and so on;
    each ring ordered by the angle of the entity linking it inward, labels pointing outward."""
    simple = _undirected(net)
    dist = nx.single_source_shortest_path_length(simple, focus)
    rings: dict[int, list[str]] = defaultdict(list)
    for node, d in sorted(dist.items(), key=lambda kv: (kv[1], net.nodes[kv[0]]["kind"], net.nodes[kv[0]]["label"])):
        rings[d].append(node)
    pos, anchor, angle = {focus: (0.0, 0.0)}, {focus: "below"}, {focus: math.pi / 2}
    radius = 0.0
    for d in sorted(k for k in rings if k > 0):
        members = rings[d]
        if d > 1:
            members.sort(key=lambda v: min(angle[u] for u in simple[v] if dist.get(u) == d - 1))
        widest_inner = max(sizes.width(v) for v in rings[d - 1]) if d > 1 else sizes.marker[focus]
        radius = max(radius + widest_inner + 0.9, len(members) * sizes.row * 1.25 / (2 * math.pi), 1.4)
        start = (
            angle[min((u for u in simple[members[0]] if dist.get(u) == d - 1), key=lambda u: angle[u])] if d > 1 else math.pi / 2
        )
        for i, v in enumerate(members):
            angle[v] = start - 2 * math.pi * i / len(members)
            pos[v] = (radius * math.cos(angle[v]), radius * math.sin(angle[v]))
            anchor[v] = "right" if math.cos(angle[v]) >= -1e-9 else "left"
    for i, v in enumerate(v for v in _by_label(net, simple) if v not in pos):  # not linked to the focus: a row underneath
        pos[v], anchor[v] = (-radius + 2.5 * (i % 6), -radius - 1.0 - sizes.row * (i // 6)), "right"
    return Placement(pos, anchor, hubs=[focus])


# ---------------------------------------------------------------- hubs: the entities around one or two centres

Group = tuple[str, list[str]]


def _stack(groups: list[Group], x: float, side: str, sizes: Sizes) -> tuple[dict, list[Heading]]:
    """Positions for a column of headed groups, centred on y = 0, with labels on ``side``."""
    rows: list[tuple[str, str, float]] = []  # (kind, heading text or node, height)
    for title, members in groups:
        if rows:
            rows.append(("gap", "", sizes.heading * 0.6))
        if title:
            rows.append(("heading", title, sizes.heading))
        rows.extend(("node", v, sizes.height(v)) for v in members)
    y = sum(h for *_, h in rows) / 2
    pos, headings = {}, []
    offset = sizes.gap + 0.05
    for kind, item, h in rows:
        centre = y - h / 2
        if kind == "node":
            pos[item] = (x, centre)
        elif kind == "heading":
            headings.append(
                Heading(x - offset if side == "left" else x + offset, centre, item, "right" if side == "left" else "left")
            )
        y -= h
    return pos, headings


def _height(groups: list[Group], sizes: Sizes) -> float:
    return sum(sizes.heading * 1.6 + sum(sizes.height(v) for v in members) for _, members in groups)


def _split(groups: list[Group], sizes: Sizes) -> tuple[list[Group], list[Group]]:
    """Groups into two columns of about the same height, keeping their order."""
    total = _height(groups, sizes)
    best = min(range(len(groups) + 1), key=lambda k: abs(_height(groups[:k], sizes) - total / 2))
    return groups[:best], groups[best:]


def hubs_layout(
    net: nx.MultiDiGraph,
    sizes: Sizes,
    centres: list[str],
    group_of: Callable[[str, str], tuple[int, str]],
) -> Placement:
    """One centre: its neighbours in headed groups, split into a column on each side.
    Two centres side by side: each one's own neighbours in a column on its outer side, shared ones in the middle
    (above the line between the centres when they are linked).

    ``group_of(node, hub)`` gives the group's rank and heading (e.g. the relations linking them).
    """
    simple = _undirected(net)
    pos: dict[str, tuple[float, float]] = {}
    anchor: dict[str, str] = {}
    headings: list[Heading] = []
    reach = 2.2 + 0.1 * max(0, len(simple) - 20) ** 0.5

    def grouped(members: list[str], hub: str) -> list[Group]:
        out: dict[tuple[int, str], list[str]] = {}
        for v in _by_label(net, members):
            out.setdefault(group_of(v, hub), []).append(v)
        return [(title, members) for (_, title), members in sorted(out.items())]

    def column(groups: list[Group], x: float, side: str) -> None:
        placed, heads = _stack(groups, x, side, sizes)
        pos.update(placed)
        anchor.update(dict.fromkeys(placed, side))
        headings.extend(heads)

    if len(centres) == 1:
        (hub,) = centres
        left, right = _split(grouped(list(simple[hub]), hub), sizes)
        column(left, -reach, "left")
        column(right, reach, "right")
        pos[hub], anchor[hub] = (0.0, 0.0), "below"
    else:
        a, b = centres[:2]
        shared = [v for v in simple[a] if v in simple[b] and v not in (a, b)]
        half = max([sizes.width(v) for v in shared] + [sizes.width(a), sizes.width(b), 1.0]) / 2 + 1.1
        column(grouped([v for v in simple[a] if v not in shared and v != b], a), -half - reach, "left")
        column(grouped([v for v in simple[b] if v not in shared and v != a], b), half + reach, "right")
        headings += _middle(net, sizes, shared, (a, b), simple.has_edge(a, b), group_of, pos, anchor)
        pos[a], pos[b] = (-half, 0.0), (half, 0.0)
        anchor[a] = anchor[b] = "below"
    sides = set(pos) - set(centres)
    rest = _by_label(net, (v for v in simple if v not in pos))
    if rest:  # not next to any centre: a column further right
        low = min(y for _, y in pos.values())
        placed, heads = _stack([("further away", rest)], max(x for x, _ in pos.values()) + 2.0, "right", sizes)
        shift = low - min(y for _, y in placed.values())
        pos.update({v: (x, y + shift) for v, (x, y) in placed.items()})
        anchor.update(dict.fromkeys(placed, "right"))
        headings += [Heading(h.x, h.y + shift, h.text, h.ha) for h in heads]
    return Placement(pos, anchor, headings, hubs=list(centres), curved=sides - set(rest), fixed=not rest)


def _middle(
    net, sizes: Sizes, shared: list[str], hubs: tuple[str, str], linked: bool, group_of, pos: dict, anchor: dict
) -> list[Heading]:
    """The entities both centres link to, in a column between them: by kind, then by how they link to each centre;
    each captioned with its relation when it is the same to both centres (e.g. "filming location")."""
    rank = {style.kind: i for i, (_, style) in enumerate(KINDS)}

    def signature(v: str) -> tuple:
        return tuple(
            sorted((i, k) for i, a in enumerate(hubs) for u, w in ((a, v), (v, a)) for k in net.get_edge_data(u, w, default={}))
        )

    shared = sorted(shared, key=lambda v: (rank.get(net.nodes[v]["kind"], 99), signature(v), net.nodes[v]["label"]))
    captions = [group_of(v, hubs[0])[1] if group_of(v, hubs[0]) == group_of(v, hubs[1]) else "" for v in shared]
    heights = [sizes.height(v) + sizes.label[v][1] + 0.2 + (sizes.heading if c else 0) for v, c in zip(shared, captions)]
    y = sum(heights) / 2 + (sizes.row * 2 if linked else 0)
    headings = []
    for v, h, caption in zip(shared, heights, captions):
        top, bottom = y, y - h
        above = (top + bottom) / 2 >= 0
        r = sizes.marker[v] / 2
        node_y = bottom + r + 0.1 if above else top - r - 0.1
        pos[v], anchor[v] = (0.0, node_y), ("above" if above else "below")
        if caption:
            reach = r + sizes.gap + sizes.label[v][1] + sizes.heading / 2
            headings.append(Heading(0.0, node_y + reach if above else node_y - reach, caption, "center"))
        y = bottom
    return headings


# ---------------------------------------------------------------- bipartite


def bipartite(net: nx.MultiDiGraph, sizes: Sizes, left: set[str], priority: Callable[[str], int] = lambda v: 0) -> Placement:
    """``left`` in one column (labels outward), the rest in the other, each right-hand entity level with the
    average of its left-hand neighbours so that few lines cross; ``priority`` orders people within an organisation."""
    simple = _undirected(net)
    rights = sorted((v for v in simple if v not in left), key=lambda v: (-simple.degree(v), net.nodes[v]["label"].casefold()))
    order = {v: i for i, v in enumerate(rights)}
    lefts = sorted(
        (v for v in simple if v in left),
        key=lambda v: (min((order[u] for u in simple[v] if u in order), default=len(order)), priority(v), net.nodes[v]["label"]),
    )
    pos, y = {}, 0.0
    for v in lefts:  # rows close together (a row has its own margin): an organisation's many members stay one page tall
        y -= sizes.height(v) / 2
        pos[v] = (0.0, y)
        y -= sizes.height(v) / 2 + 0.03
    wanted = sorted(((float(np.mean([pos[u][1] for u in simple[v] if u in pos] or [0.0])), v) for v in rights), reverse=True)
    last_y, last_h = math.inf, 0.0
    placed = []
    for target, v in wanted:
        h = sizes.height(v)
        y = min(target, last_y - (last_h + h) / 2 - 0.1)
        placed.append((y, v))
        last_y, last_h = y, h
    width = max([sizes.width(v) for v in left] + [1.0]) * 0.6 + 3.2
    pos.update({v: (width, y) for y, v in placed})
    anchor = {v: ("left" if v in left else "right") for v in simple}
    return Placement(pos, anchor, fixed=True)


# ---------------------------------------------------------------- from a diagram to positions and label texts

LABEL_PT, HUB_PT, HEADING_PT = 10.0, 13.0, 9.5
