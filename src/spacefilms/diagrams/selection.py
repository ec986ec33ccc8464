"""Choosing part of a network: relations and types by the names people use, a focus and its neighbourhood, the
best-connected entities when there are too many to draw."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from spacefilms.core.naming import did_you_mean
from spacefilms.diagrams.network import GraphData, local_name
from spacefilms.diagrams.wording import say
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import compact as curie
from spacefilms.namespaces import expand


def _matches(text: str, *names: str) -> bool:
    wanted = text.strip().casefold()
    return any(wanted == name.casefold() for name in names if name)


def resolve_relations(net: nx.MultiDiGraph, data: GraphData, names: Iterable[str]) -> set[str]:
    """Predicate IRIs for relation names given as CURIE, IRI, local name or English label."""
    present = {d["predicate"] for *_, d in net.edges(data=True)}
    chosen = set()
    for name in map(str, names):
        found = {p for p in present if p == expand(name) or _matches(name, curie(p), local_name(p), data.label(p))}
        if not found:
            known = sorted(curie(p) for p in present)
            hint = did_you_mean(name, known, f"relations here: {', '.join(known)}")
            raise SpacefilmsError(f"unknown relation {name!r}{hint}", "--relation")
        chosen |= found
    return chosen


def resolve_kinds(net: nx.MultiDiGraph, data: GraphData, names: Iterable[str]) -> set[str]:
    """Entities of the kinds or classes given as style key (``person``), legend name, CURIE (``schema:Person``),
    class name or class label (``organisation`` takes space agencies too: they are organisations)."""
    chosen = set()
    for name in names:
        found = {
            n
            for n, d in net.nodes(data=True)
            if _matches(
                name,
                d["kind"],
                d["kind_label"],
                *d["types"],
                *(t.split(":")[-1] for t in d["types"]),
                *(data.label(expand(t)) for t in d["types"]),
            )
        }
        if not found:
            kinds = sorted({d["kind"] for _, d in net.nodes(data=True)})
            hint = did_you_mean(name, kinds, f"types here: {', '.join(kinds)}")
            raise SpacefilmsError(f"unknown entity type {name!r}{hint}", "--type")
        chosen |= found
    return chosen


def select(
    net: nx.MultiDiGraph,
    data: GraphData,
    focus: str | None = None,
    depth: int = 1,
    relations: Iterable[str] = (),
    kinds: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Part of ``net``: only ``relations`` (then only the entities they link), only entities of ``kinds`` (those
    left with no relation among the chosen ones are dropped, and the graph's ``note`` says how many), then what lies
    within ``depth`` steps of ``focus`` (either direction). The focus is always kept."""
    relations, kinds = list(relations), list(kinds)
    center = data.resolve_entity(focus) if focus else None
    if center is not None and center not in net:
        raise SpacefilmsError(f"entity {focus!r} is not part of this diagram's network", "--focus")
    if depth < 0:
        raise SpacefilmsError(f"depth must be 0 or more, got {depth}", "--depth")
    part = net
    if relations:
        wanted = resolve_relations(net, data, relations)
        part = nx.MultiDiGraph(**net.graph)
        part.add_edges_from((s, o, k, d) for s, o, k, d in net.edges(keys=True, data=True) if d["predicate"] in wanted)
        part.add_nodes_from([center] if center else [])
        nx.set_node_attributes(part, {n: net.nodes[n] for n in part})
    if kinds:
        keep = resolve_kinds(part, data, kinds) | ({center} if center else set())
        part = nx.MultiDiGraph(part.subgraph(keep))
        alone = [n for n in part if part.degree(n) == 0 and n != center]
        if alone and len(alone) < part.number_of_nodes():
            part.remove_nodes_from(alone)
            part.graph["note"] = say("{count} unrelated entities left out", net.graph.get("lang", "en"), count=f"{len(alone):,}")
    if center is not None:
        reach = nx.single_source_shortest_path_length(part.to_undirected(as_view=True), center, cutoff=depth)
        part = part.subgraph(reach)
    return nx.MultiDiGraph(part)


def top_by_degree(net: nx.MultiDiGraph, max_nodes: int, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """At most ``max_nodes`` nodes: the kept ones, then the best connected; the graph's ``note`` says so."""
    if net.number_of_nodes() <= max_nodes:
        return net
    kept = [n for n in keep if n in net]
    ranked = sorted(net.nodes, key=lambda n: (-net.degree(n), n))
    chosen = list(dict.fromkeys(kept + ranked))[:max_nodes]
    small = nx.MultiDiGraph(net.subgraph(chosen))
    # a node whose every neighbour was left out would stand alone, linked to nothing drawn
    small.remove_nodes_from([n for n in list(small) if small.degree(n) == 0 and n not in kept and net.degree(n) > 0])
    chosen = list(small)
    shown = say(
        "showing the {chosen} best-connected of {total} entities",
        net.graph.get("lang", "en"),
        chosen=f"{len(chosen):,}",
        total=f"{net.number_of_nodes():,}",
    )
    small.graph["note"] = "; ".join(filter(None, [net.graph.get("note"), shown]))  # what was left out before stays said
    return small
