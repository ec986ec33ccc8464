"""One entry point for diagrams: choose what to show (a preset, a focus, relations, types, a query) and write it in
the format the output's suffix asks for: PNG/SVG/PDF (static), HTML (interactive), GraphML/GEXF/DOT (other tools)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from spacefilms.core.backends import Backend
from spacefilms.core.formats import DIAGRAM, formats, names, suffixes
from spacefilms.diagrams.labels import MAX_TITLE, clip
from spacefilms.diagrams.model import Diagram
from spacefilms.diagrams.network import GraphData, build_network, find_entity, load_graph_data, query_triples
from spacefilms.diagrams.presets import custom_diagram, get_preset
from spacefilms.diagrams.selection import select
from spacefilms.diagrams.wording import LANGUAGES, say
from spacefilms.errors import SpacefilmsError
from spacefilms.files import check_writable

STATIC, INTERACTIVE = names(DIAGRAM, "static"), names(DIAGRAM, "interactive")
FORMATS = names(DIAGRAM)
MAX_NODES = {"static": 150, "interactive": 400, "export": 1_000_000}
# A bipartite picture is one column of people beside one of organisations: past about 70 entities a static page
# grows taller than it is printable (an interactive one scrolls), so the best-connected 70 are drawn and the note says so.
PAGE_NODES = {"bipartite": 70}


def _limit(request: Request, fmt: str, layout: str | None) -> int:
    """How many entities the picture may hold: the request's own number, else what its format and layout allow."""
    if request.max_nodes:
        return request.max_nodes
    kind = family(fmt)
    limit = MAX_NODES[kind]
    return min(limit, PAGE_NODES.get(layout or "", limit)) if kind == "static" else limit


def output_format(output: str | Path) -> str:
    """The format named by the output's suffix (``.gv`` is DOT, ``.htm`` HTML); a clear error for any other."""
    fmt = suffixes(DIAGRAM).get(Path(output).suffix.lower())
    if fmt is None:
        raise SpacefilmsError(
            f"cannot tell the format from {Path(output).name!r}; end the name in one of .{', .'.join(FORMATS)}", str(output)
        )
    return fmt


def family(fmt: str) -> str:
    return formats(DIAGRAM)[fmt].family


@dataclass
class Request:
    """What to draw. A preset, or a selection: the whole graph, or a SPARQL query's triples, narrowed by the rest."""

    preset: str | None = None
    focus: str | None = None
    depth: int = 1
    relations: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sparql: str | None = None
    layout: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str = "en"
    max_nodes: int | None = None
    edge_labels: bool | None = None


def make_diagram(request: Request, backend: Backend, data: GraphData, fmt: str) -> Diagram:
    """The diagram ``request`` describes, from the graph ``backend`` reads and its index ``data``, for ``fmt``."""
    if request.lang not in LANGUAGES:
        raise SpacefilmsError(f"labels come in {' or '.join(LANGUAGES)}, not {request.lang!r}", "--lang")
    date = clip(request.date or data.date, MAX_TITLE)
    if request.preset:
        if request.focus or request.relations or request.kinds or request.sparql:
            raise SpacefilmsError("a preset chooses its own entities; drop --focus, --relation, --type and --sparql", "preset")
        preset = get_preset(request.preset)
        limit = _limit(request, fmt, preset.layout)
        diagram = preset.diagram(build_network(data, lang=request.lang), data, date, limit)
        if request.title:
            diagram.title = request.title
    else:
        triples = query_triples(backend, request.sparql) if request.sparql else None
        net = build_network(data, triples, lang=request.lang)
        if request.sparql and net.number_of_nodes() == 0:
            raise SpacefilmsError("the query returned no triples between IRIs", "--sparql")
        part = select(net, data, request.focus, request.depth, request.relations, request.kinds)
        title = request.title or _default_title(request, data)
        limit = _limit(request, fmt, request.layout)
        diagram = custom_diagram(part, data, title, date, request.focus, request.depth, request.layout, limit)
    diagram.title = clip(diagram.title, MAX_TITLE)  # a huge one (a 10,000-character focus label) is not laid out
    if request.edge_labels is not None:
        diagram.edge_labels = request.edge_labels
    return diagram


def _default_title(request: Request, data: GraphData) -> str:
    if request.focus:
        centre = data.label(data.resolve_entity(request.focus), request.lang)
        steps = "{centre} and what lies within one step" if request.depth == 1 else "{centre} and what lies within {depth} steps"
        return say(steps, request.lang, centre=centre, depth=request.depth)
    base = f"SPARQL: {_shorten(request.sparql)}" if request.sparql else say("The spacefilms knowledge graph", request.lang)
    chosen = [*request.relations, *request.kinds]
    return f"{base}: {', '.join(chosen)}" if chosen else base


def _shorten(query: str, width: int = 70) -> str:
    """A query on one line, without its PREFIX lines, cut to ``width`` characters: a title that says what was asked."""
    body = " ".join(line for line in query.splitlines() if not line.strip().upper().startswith("PREFIX"))
    text = " ".join(body.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def write(diagram: Diagram, output: str | Path, fmt: str):
    """Write ``diagram`` to ``output`` in ``fmt``; returns what the renderer reports (or the path)."""
    if fmt in STATIC:
        from spacefilms.diagrams.drawing import render

        return render(diagram, output, fmt)
    if fmt in INTERACTIVE:
        from spacefilms.diagrams.interactive import write_html

        return write_html(diagram, output)
    from spacefilms.diagrams.formats import export_network

    return export_network(diagram, output, fmt)


def diagram_to_file(request: Request, output: str | Path, backend: Backend):
    """Everything at once: check the output (name, folder) and the preset, read the graph, make the diagram, write it."""
    fmt = output_format(output)
    check_writable(output)
    if request.preset:
        get_preset(request.preset)  # an unknown preset is refused before the graph is read
    return write(make_diagram(request, backend, load_for(request, backend), fmt), output, fmt)


def network_for(request: Request, backend: Backend) -> nx.MultiDiGraph:
    """The network a request selects, undrawn (every entity it keeps: no cap as in a picture), for networkx users."""
    return make_diagram(request, backend, load_for(request, backend), "graphml").net


def load_for(request: Request, backend: Backend) -> GraphData:
    """The part of the graph the request needs: around the focus when that is all it draws, else everything."""
    focus = find_entity(backend, request.focus) if request.focus and not (request.preset or request.sparql) else None
    return load_graph_data(backend, around=(focus, request.depth)) if focus else load_graph_data(backend)
