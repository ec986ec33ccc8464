"""Diagram benchmark: time to draw synthetic film-shaped graphs of about 100, 1,000 and 5,000 entities, ours side by
side with the usual networkx recipe, and how many labels overlap in each picture.

    .venv/bin/python benchmarks/bench_diagrams.py                    # 100, 1,000, 5,000 entities (a few minutes)
    .venv/bin/python benchmarks/bench_diagrams.py --sizes 100,1000   # a quick look

ours      index the store, build the network, keep the best-connected 150 entities (with a note saying so), lay
          them out with room for every label, draw a PNG; also the interactive HTML (400 entities) and GraphML
          (every entity), and a focus diagram (depth 1) that reads only the focus's neighbourhood.
baseline  the same network, ``nx.forceatlas2_layout`` (networkx's force layout; ``spring_layout`` needs scipy past
          500 nodes) and ``nx.draw_networkx`` with every label, a 16 x 9 in PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
import networkx as nx
import pyoxigraph as ox
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the synthetic graph lives with the tests

from synthetic import BASE, generate

from spacefilms.core.backends import LocalBackend
from spacefilms.diagrams.drawing import RC, text_overlaps
from spacefilms.diagrams.network import build_network, load_graph_data
from spacefilms.diagrams.requests import Request, load_for, make_diagram, write

TRIPLES_PER_ENTITY = 8.7  # synthetic.generate makes about one entity (after folding cast roles) per 8.7 triples


def synthetic_store(entities: int) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(generate(int(entities * TRIPLES_PER_ENTITY)))
    return store


def timed(step):
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def baseline(net: nx.MultiDiGraph, output: Path) -> int:
    """The usual recipe: spring layout of everything, every label drawn; returns the overlapping label pairs."""
    simple = nx.Graph(net)
    pos = nx.forceatlas2_layout(simple, seed=7)  # networkx's force layout that needs no scipy at any size
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(16, 9))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        nx.draw_networkx(simple, pos, ax=ax, node_size=40, font_size=8, labels={n: d["label"] for n, d in net.nodes(data=True)})
        fig.savefig(output, dpi=150)
        return len(text_overlaps(fig))


def run(entities: int, folder: Path) -> dict:
    store = LocalBackend(synthetic_store(entities), use_default_graph_as_union=True)
    data, t_index = timed(lambda: load_graph_data(store))
    net, t_network = timed(lambda: build_network(data))
    png, t_png = timed(lambda: write(make_diagram(Request(), store, data, "png"), folder / f"ours-{entities}.png", "png"))
    _, t_html = timed(lambda: write(make_diagram(Request(), store, data, "html"), folder / f"ours-{entities}.html", "html"))
    _, t_graphml = timed(
        lambda: write(make_diagram(Request(), store, data, "graphml"), folder / f"ours-{entities}.graphml", "graphml")
    )
    focus = Request(focus=f"{BASE}film/0")
    _, t_focus = timed(
        lambda: write(make_diagram(focus, store, load_for(focus, store), "png"), folder / f"focus-{entities}.png", "png")
    )
    overlaps, t_base = timed(lambda: baseline(net, folder / f"baseline-{entities}.png"))
    return {
        "entities": net.number_of_nodes(),
        "relations": net.number_of_edges(),
        "index": t_index + t_network,
        "png": t_png,
        "drawn": png.nodes,
        "overlaps": len(png.overlaps),
        "html": t_html,
        "graphml": t_graphml,
        "focus": t_focus,
        "baseline": t_base,
        "baseline_overlaps": overlaps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="entity counts, comma-separated [100,1000,5000]")
    parser.add_argument("--keep", type=Path, help="keep the pictures in this folder (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        print(
            "| entities | relations | index + network | ours: PNG (entities drawn) | baseline: PNG | ours / baseline "
            "| overlapping labels: ours / baseline | HTML | GraphML | focus PNG (neighbourhood only) |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            r = run(size, folder)
            print(
                f"| {r['entities']:,} | {r['relations']:,} | {r['index']:.2f} s | {r['png']:.2f} s ({r['drawn']}) "
                f"| {r['baseline']:.2f} s | {r['png'] / r['baseline']:.2f} | {r['overlaps']} / {r['baseline_overlaps']:,} "
                f"| {r['html']:.2f} s | {r['graphml']:.2f} s | {r['focus']:.2f} s |",
                flush=True,
            )


if __name__ == "__main__":
    main()
