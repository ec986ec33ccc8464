"""Static diagrams (PNG, SVG, PDF) with matplotlib's Agg backend: sized in inches so that no two labels overlap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text

from spacefilms.core.formats import DIAGRAM, formats
from spacefilms.diagrams.arranging import Arranged, arrange
from spacefilms.diagrams.labels import FONT, PAD, Box, overlapping, text_size
from spacefilms.diagrams.layout import HEADING_PT
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.styles import KINDS, node_style
from spacefilms.diagrams.wording import say
from spacefilms.errors import SpacefilmsError
from spacefilms.files import atomic_output

STATIC_FORMATS = tuple(formats(DIAGRAM, "static"))
RC = {"font.family": FONT, "svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "spacefilms"}
TITLE_PT, SUBTITLE_PT, LEGEND_PT, EDGE_PT = 17.0, 10.0, 10.0, 8.0
MARGIN = 0.35
DPI = 150


@dataclass
class Rendered:
    """What was drawn: the file, its size in inches, and counts a caller (or a test) may check."""

    path: Path
    width: float
    height: float
    nodes: int
    edges: int
    edge_labels: int
    overlaps: list[tuple[str, str]]


def render(diagram: Diagram, output: str | Path, fmt: str | None = None) -> Rendered:
    """Draw ``diagram`` to ``output`` (format from ``fmt`` or the file suffix), replacing it atomically."""
    path = Path(output)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in STATIC_FORMATS:
        raise SpacefilmsError(f"unknown image format {fmt!r}; use one of {', '.join(STATIC_FORMATS)}", str(path))
    with matplotlib.rc_context(RC):
        fig, counts = figure(diagram)
        overlaps = text_overlaps(fig)
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
        metadata["Title"] = diagram.title
        with atomic_output(path) as out:
            fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    width, height = fig.get_size_inches()
    return Rendered(path, float(width), float(height), *counts, overlaps)


def figure(diagram: Diagram) -> tuple[Figure, tuple[int, int, int]]:
    """The matplotlib figure of ``diagram`` and (nodes, edges, edge labels drawn)."""
    arranged = arrange(diagram)
    net, placement = diagram.net, arranged.placement
    lines = _edge_patches(arranged)
    taken = [_box(arranged, n) for n in net] + [_marker_box(arranged, n) for n in net] + _heading_boxes(arranged)
    edge_labels = _place_edge_labels(diagram, arranged, taken)
    content = _bounds(taken + [b for _, _, b in edge_labels])

    legend = _legend_handles(diagram)
    title_w = max(text_size(diagram.title, TITLE_PT, "bold")[0], text_size(diagram.subtitle, SUBTITLE_PT)[0])
    width = max(content.x1 - content.x0 + 2 * MARGIN, title_w + 2 * MARGIN, 6.0)  # the lines under the title fit too
    columns, legend_h = _legend_columns(legend, width - 2 * MARGIN)
    top, bottom = 0.95, legend_h + 0.25
    height = content.y1 - content.y0 + top + bottom
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    inner_w = content.x1 - content.x0
    ax = fig.add_axes(((width - inner_w) / 2 / width, bottom / height, inner_w / width, (content.y1 - content.y0) / height))
    ax.set_xlim(content.x0, content.x1)
    ax.set_ylim(content.y0, content.y1)
    ax.axis("off")

    for patch in lines:
        ax.add_patch(patch)
    for node, attrs in net.nodes(data=True):
        style = node_style(attrs["kind"])
        hub = node in placement.hubs
        x, y = placement.pos[node]
        ax.plot(
            [x],
            [y],
            marker=style.marker,
            markersize=style.size * (1.7 if hub else 1.0),
            markerfacecolor=style.color,
            markeredgecolor="#222222" if hub else "white",
            markeredgewidth=1.2 if hub else 0.8,
            linestyle="none",
            zorder=3,
        )
        box = _box(arranged, node)
        ax.text(
            (box.x0 + box.x1) / 2,
            (box.y0 + box.y1) / 2,
            arranged.texts[node],
            ha="center",
            va="center",
            multialignment={"right": "left", "left": "right"}.get(placement.anchor[node], "center"),
            fontsize=arranged.points[node],
            fontweight="bold" if hub else "normal",
            color="#111111",
            zorder=4,
            bbox={"boxstyle": f"square,pad={PAD * 72 / arranged.points[node]:.3f}", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    for heading in placement.headings:
        ax.text(
            heading.x,
            heading.y,
            heading.text,
            ha=heading.ha,
            va="center",
            fontsize=HEADING_PT,
            fontweight="bold",
            color="#555555",
        )
    for text, (x, y), _ in edge_labels:
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=EDGE_PT,
            fontstyle="italic",
            color="#444444",
            zorder=2.5,
            bbox={"boxstyle": f"square,pad={PAD * 72 / EDGE_PT:.3f}", "fc": "white", "ec": "none", "alpha": 0.9},
        )

    fig.text(MARGIN / width, 1 - 0.2 / height, diagram.title, ha="left", va="top", fontsize=TITLE_PT, fontweight="bold")
    fig.text(MARGIN / width, 1 - 0.62 / height, diagram.subtitle, ha="left", va="top", fontsize=SUBTITLE_PT, color="#555555")
    if legend:
        fig.legend(
            handles=_row_major(legend, columns),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.12 / height),
            ncol=columns,
            frameon=False,
            fontsize=LEGEND_PT,
            handlelength=2.4,
            columnspacing=1.6,
        )
    return fig, (net.number_of_nodes(), net.number_of_edges(), len(edge_labels))


# ---------------------------------------------------------------- geometry helpers


def _box(arranged: Arranged, node: str) -> Box:
    return arranged.label_box(node)


def _marker_box(arranged: Arranged, node: str) -> Box:
    x, y = arranged.placement.pos[node]
    r = arranged.sizes.marker[node] / 2
    return Box(x - r, y - r, x + r, y + r)


def _heading_boxes(arranged: Arranged) -> list[Box]:
    out = []
    for h in arranged.placement.headings:
        w, height = text_size(h.text, HEADING_PT, "bold")
        x0 = {"right": h.x - w, "center": h.x - w / 2}.get(h.ha, h.x)
        out.append(Box(x0, h.y - height / 2, x0 + w, h.y + height / 2))
    return out


def _bounds(boxes: list[Box]) -> Box:
    if not boxes:
        return Box(-1, -1, 1, 1)
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def _edge_patches(arranged: Arranged) -> list[FancyArrowPatch]:
    """Edges as paths: curves leaving a hub horizontally towards its columns, straight lines elsewhere."""
    pos = arranged.placement.pos
    return [
        FancyArrowPatch(
            path=(_curve if line.curved else _straight)(pos[line.a], pos[line.b], line.offset),
            arrowstyle="-",
            color=line.style.color,
            linestyle=line.style.linestyle,
            linewidth=line.style.width,
            alpha=0.9,
            zorder=1,
        )
        for line in arranged.lines
    ]


def _curve(start: tuple[float, float], end: tuple[float, float], offset: float) -> MplPath:
    (x0, y0), (x1, y1) = start, end
    mid = x0 + (x1 - x0) * 0.5
    vertices = [(x0, y0 + offset), (mid, y0 + offset), (mid, y1 + offset), (x1, y1 + offset)]
    return MplPath(vertices, [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4])


def _straight(start: tuple[float, float], end: tuple[float, float], offset: float) -> MplPath:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx_, ny_ = -(y1 - y0) / length * offset, (x1 - x0) / length * offset
    return MplPath([(x0 + nx_, y0 + ny_), (x1 + nx_, y1 + ny_)], [MplPath.MOVETO, MplPath.LINETO])


# where an edge label may go: (0 on the line, ±1 beside it, ±2 further off; fraction of the way along), best first
_LABEL_SPOTS = [(side, t) for side in (0, 1, -1, 2, -2) for t in (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8)]


def _place_edge_labels(diagram: Diagram, arranged: Arranged, taken: list[Box]) -> list[tuple[str, tuple[float, float], Box]]:
    """Edge labels where they help, each at the first spot that overlaps nothing: on its edge, from the middle out,
    then beside it (a short edge between two labelled nodes has no room on the line itself); others are left out."""
    placement = arranged.placement
    pairs = {(line.a, line.b) for line in arranged.lines}
    wanted = diagram.edge_labels
    if wanted is None:
        wanted = diagram.layout in ("spring", "radial") and len(pairs) <= 80
    placed: list[tuple[str, tuple[float, float], Box]] = []
    texts: dict[tuple[str, str], list[str]] = {}
    for line in arranged.lines:
        if wanted or (line.a in placement.hubs and line.b in placement.hubs):
            texts.setdefault((line.a, line.b), []).append(line.text)
    for (a, b), names in texts.items():
        text = " · ".join(names)
        w, h = text_size(text, EDGE_PT)
        (x0, y0), (x1, y1) = placement.pos[a], placement.pos[b]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        across = (-(y1 - y0) / length, (x1 - x0) / length)  # unit normal of the edge
        boxes = [(c.x0, c.y0, c.x1, c.y1) for c in [*taken, *(p[2] for p in placed)]]
        for side, t in _LABEL_SPOTS:
            reach = side * (abs(across[0]) * w + abs(across[1]) * h) / 2 * 1.15  # clear of the line, whatever its slope
            x, y = x0 + (x1 - x0) * t + across[0] * reach, y0 + (y1 - y0) * t + across[1] * reach
            box = Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if not any(len(boxes) in pair for pair in overlapping([*boxes, (box.x0, box.y0, box.x1, box.y1)])):
                placed.append((text, (x, y), box))
                break
    return placed


# ---------------------------------------------------------------- legend and checks


def _legend_handles(diagram: Diagram) -> list[Line2D]:
    kinds = {d["kind"] for _, d in diagram.net.nodes(data=True)}
    handles, seen = [], set()
    for _, style in KINDS:
        if style.kind in kinds and style.kind not in seen:
            seen.add(style.kind)
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=style.marker,
                    markersize=style.size * 0.9,
                    markerfacecolor=style.color,
                    markeredgecolor="white",
                    linestyle="none",
                    label=say(style.label, diagram.lang),
                )
            )
    if "other" in kinds:
        other = node_style("other")
        label = say(other.label, diagram.lang)
        handles.append(Line2D([], [], marker=other.marker, markerfacecolor=other.color, linestyle="none", label=label))
    drawn = {d["predicate"] for *_, d in diagram.net.edges(data=True)}
    for predicate, style in diagram.edge_styles.items():
        if style.legend and predicate in drawn and not style.hidden:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=style.color,
                    linestyle=style.linestyle,
                    linewidth=style.width,
                    label=say(style.legend, diagram.lang),
                )
            )
    return handles


def _legend_columns(handles: list[Line2D], width: float) -> tuple[int, float]:
    """How many legend columns fit in ``width`` inches, and the legend's height."""
    if not handles:
        return 1, 0.0
    entries = [text_size(h.get_label(), LEGEND_PT)[0] + 0.55 for h in handles]
    for columns in range(len(entries), 0, -1):
        rows = math.ceil(len(entries) / columns)
        widths = [max(entries[c::columns], default=0) for c in range(columns)]  # filled row by row (see _row_major)
        if sum(widths) + 0.22 * (columns - 1) + 0.3 <= width:
            return columns, rows * 0.28
    return 1, len(entries) * 0.28


def _row_major(handles: list[Line2D], columns: int) -> list[Line2D]:
    """Reorder so that the legend, which matplotlib fills column by column, reads row by row."""
    rows = math.ceil(len(handles) / columns)
    return [handles[r * columns + c] for c in range(columns) for r in range(rows) if r * columns + c < len(handles)]


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts (labels, headings, title, legend, tick labels) whose drawn boxes overlap, as the renderer lays
    them out, and texts cut by the figure's edge."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts: list[Text] = [*fig.texts, *(t for legend in fig.legends for t in legend.get_texts())]
    for ax in fig.axes:
        texts += ax.texts
        if ax.axison:
            texts += [label for tick in ax.xaxis.get_major_ticks() for label in (tick.label1, tick.label2)]
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    boxes = []
    for t in texts:
        patch = t.get_bbox_patch()
        extent = patch.get_window_extent(renderer) if patch is not None else t.get_window_extent(renderer)
        boxes.append((extent.x0, extent.y0, extent.x1, extent.y1))
    width, height = fig.bbox.width, fig.bbox.height
    cut = [
        ("<edge of the figure>", t.get_text())
        for t, (x0, y0, x1, y1) in zip(texts, boxes)
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height
    ]
    return cut + [(texts[a].get_text(), texts[b].get_text()) for a, b in overlapping(boxes, tolerance=0.5)]
