"""An interactive diagram in one self-contained HTML file: inline SVG and script, no network access at all (its
Content-Security-Policy allows its own script and style, nothing else). The page is the template
``spacefilms/templates/diagram.html`` with ``diagram.js`` and ``diagram.css``.

Pan (drag the background), zoom (wheel, +/−), drag nodes, search by name, hover for an entity's facts or a
relation's sources, click to pin the details (with links to the source pages).
"""

from __future__ import annotations

from pathlib import Path

from spacefilms.diagrams.arranging import arrange
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.styles import marker_svg_path, node_style
from spacefilms.diagrams.wording import say
from spacefilms.files import write_atomically
from spacefilms.templating import environment, is_web_link, own_code

PX = 72  # pixels per inch of the layout


# The page's own words (its controls and headings), in the diagram's language: see diagrams/wording.tsv.
PAGE_WORDS = (
    "Search entities (Enter to go)",
    "Zoom in",
    "Zoom out",
    "Show everything",
    "Fit",
    "Relations",
    "Close",
    "click for all facts and their sources",
    "{count} source",
    "{count} sources",
    "no source (derived by the query)",
)


def diagram_data(diagram: Diagram) -> dict:
    """Everything the page needs: nodes with positions and facts, lines with their sources, the legend."""
    arranged = arrange(diagram)
    net, placement = diagram.net, arranged.placement
    sources: dict[str, int] = {}
    labels: list[list[str]] = []

    def source_ids(urls: list[str]) -> list[int]:
        for url in urls:
            if url not in sources:
                sources[url] = len(labels)
                labels.append([url, diagram.source_labels.get(url, ""), is_web_link(url)])
        return [sources[u] for u in urls]

    index = {n: i for i, n in enumerate(net)}
    nodes = []
    for node, attrs in net.nodes(data=True):
        style = node_style(attrs["kind"])
        x, y = placement.pos[node]
        nodes.append(
            {
                "id": node,
                "label": attrs["label"],
                "ru": attrs["label_ru"],
                "lines": arranged.texts[node].split("\n"),
                "kind": attrs["kind"],
                "kindLabel": attrs["kind_label"],
                "types": attrs["types"],
                "description": attrs["description"],
                "facts": [[p, v, source_ids(s)] for p, v, s in attrs["facts"]],
                "x": round(x * PX, 1),
                "y": round(-y * PX, 1),
                "r": round(style.size * (1.7 if node in placement.hubs else 1.0) / 2, 1),
                "anchor": placement.anchor[node],
                "hub": node in placement.hubs,
            }
        )
    lines = []
    for line in arranged.lines:
        found = {
            d["predicate"]: d
            for u, v in ((line.a, line.b), (line.b, line.a))
            for d in net.get_edge_data(u, v, default={}).values()
        }
        relations = [
            {
                "label": found[p]["label"],
                "relation": found[p]["relation"],
                "role": found[p]["role"],
                "sources": source_ids(found[p]["sources"]),
            }
            for p in line.predicates
        ]
        lines.append(
            {
                "a": index[line.a],
                "b": index[line.b],
                "curved": line.curved,
                "offset": round(line.offset * PX, 1),
                "color": line.style.color,
                "dash": _dash(line.style.linestyle),
                "width": line.style.width,
                "text": line.text,
                "relations": relations,
            }
        )
    kinds = {d["kind"] for _, d in net.nodes(data=True)}
    legend = [
        {
            "label": say(node_style(k).label, diagram.lang),
            "color": node_style(k).color,
            "shape": marker_svg_path(node_style(k).marker),
        }
        for k in sorted(kinds)
    ]
    # the relations drawn in their own style (e.g. "competed with"), as the static legend lists them
    relations_legend: dict[str, dict] = {}
    for line in arranged.lines:
        style = line.style
        if style.legend and style.legend not in relations_legend:
            relations_legend[style.legend] = {
                "label": say(style.legend, diagram.lang),
                "color": style.color,
                "dash": _dash(style.linestyle),
                "width": style.width,
            }
    shapes = {k: marker_svg_path(node_style(k).marker) for k in kinds}
    headings = [{"x": round(h.x * PX, 1), "y": round(-h.y * PX, 1), "text": h.text, "anchor": h.ha} for h in placement.headings]
    return {
        "nodes": nodes,
        "lines": lines,
        "headings": headings,
        "sources": labels,
        "legend": legend,
        "relations": list(relations_legend.values()),
        "shapes": shapes,
        "words": {text: say(text, diagram.lang) for text in PAGE_WORDS},
    }


def _dash(linestyle) -> str:
    if isinstance(linestyle, tuple):
        return " ".join(str(v * 2) for v in linestyle[1])
    return {"--": "6 3", ":": "2 3", "-.": "6 3 2 3"}.get(linestyle, "")


def write_html(diagram: Diagram, output: str | Path) -> Path:
    """Write the interactive page for ``diagram`` to ``output`` atomically."""
    page = (
        environment()
        .get_template("diagram.html")
        .render(
            title=diagram.title,
            subtitle=diagram.subtitle,
            lang=diagram.lang,
            data=diagram_data(diagram),
            code=own_code("diagram"),
        )
    )
    return write_atomically(output, lambda out: out.write(page.encode("utf-8")))
