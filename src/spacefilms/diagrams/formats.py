"""Networks for other tools: GraphML (yEd, Cytoscape, networkx), GEXF (Gephi, with colours and positions), DOT (Graphviz)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from spacefilms.diagrams.arranging import arrange
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.styles import node_style
from spacefilms.files import write_atomically

DOT_SHAPES = {
    "*": "star",
    "o": "ellipse",
    "s": "box",
    "h": "hexagon",
    "^": "triangle",
    "v": "invtriangle",
    "p": "pentagon",
    "D": "diamond",
    "X": "octagon",
    "P": "house",
    "d": "note",
    "8": "doubleoctagon",
    ".": "point",
}


def flat_network(diagram: Diagram, positions: bool = False) -> nx.MultiDiGraph:
    """A copy of the diagram's network whose attributes are plain strings (what GraphML and GEXF can hold)."""
    net = diagram.net
    flat = nx.MultiDiGraph(title=diagram.title, date=diagram.date, note=diagram.note)
    pos = arrange(diagram).placement.pos if positions else {}
    for node, d in net.nodes(data=True):
        style = node_style(d["kind"])
        attrs = {
            "iri": node,
            "label": d["label"],
            "label_en": d["label_en"],
            "label_ru": d["label_ru"],
            "kind": d["kind"],
            "kind_label": d["kind_label"],
            "types": " ".join(d["types"]),
            "description": d["description"],
            "facts": "\n".join(f"{p}: {v}" for p, v, _ in d["facts"]),
            "sources": " ".join(d["sources"]),
            "color": style.color,
        }
        if node in pos:
            x, y = pos[node]
            r, g, b = (int(style.color[i : i + 2], 16) for i in (1, 3, 5))
            attrs["viz"] = {
                "color": {"r": r, "g": g, "b": b, "a": 1.0},
                "position": {"x": x * 72, "y": y * 72, "z": 0.0},
                "size": style.size,
            }
        flat.add_node(node, **attrs)
    for s, o, key, d in net.edges(keys=True, data=True):
        flat.add_edge(
            s,
            o,
            key=key,
            predicate=d["predicate"],
            relation=d["relation"],
            label=d["label"],
            role=d["role"],
            sources=" ".join(d["sources"]),
        )
    return flat


def export_network(diagram: Diagram, output: str | Path, fmt: str) -> Path:
    """Write the diagram's network as GraphML, GEXF or DOT to ``output``, atomically."""
    if fmt == "graphml":
        return write_atomically(output, lambda out: nx.write_graphml(flat_network(diagram), out, named_key_ids=True))
    if fmt == "gexf":
        return write_atomically(output, lambda out: nx.write_gexf(flat_network(diagram, positions=True), out))
    text = to_dot(diagram)
    return write_atomically(output, lambda out: out.write(text.encode("utf-8")))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(diagram: Diagram) -> str:
    """The network in the DOT language: shapes and colours by entity type, relations as edge labels."""
    net = diagram.net
    lines = [
        f"digraph {_quote(diagram.title)} {{",
        f'  graph [label={_quote(diagram.title + " · data as of " + diagram.date)}, labelloc=t, fontname="DejaVu Sans", '
        "overlap=false, splines=true];",
        '  node [fontname="DejaVu Sans", fontsize=10, style=filled, penwidth=0.5];',
        '  edge [fontname="DejaVu Sans", fontsize=8, color="#8A8A8A", fontcolor="#444444"];',
    ]
    for node, d in net.nodes(data=True):
        style = node_style(d["kind"])
        lines.append(
            f"  {_quote(node)} [label={_quote(d['label'])}, shape={DOT_SHAPES.get(style.marker, 'ellipse')}, "
            f"fillcolor={_quote(style.color)}, tooltip={_quote(d['kind_label'])}];"
        )
    for s, o, d in net.edges(data=True):
        label = d["label"] + (f": {d['role']}" if d["role"] else "")
        lines.append(f"  {_quote(s)} -> {_quote(o)} [label={_quote(label)}, tooltip={_quote(' '.join(d['sources']))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
