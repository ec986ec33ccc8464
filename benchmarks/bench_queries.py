"""Query benchmark: every bundled query's latency on the built (bundled) graph and on a 1M-triple synthetic graph,
our path side by side with raw pyoxigraph and rdflib's memory store, in one run.

    .venv/bin/python benchmarks/bench_queries.py                  # bundled graph + 1M synthetic (about 25 min)
    .venv/bin/python benchmarks/bench_queries.py --size 100k      # a quicker look

The harness (worker processes, caps, report tables) is bench_scale.py's; results go into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

from bench_scale import (
    SIDES,
    add_common_options,
    bundled_dataset,
    bundled_queries,
    caps_from,
    command_line,
    compare,
    machine,
    parse_size,
    replace_section,
    size_name,
    synthetic_dataset,
    table,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=1_000_000, help="Synthetic graph size in triples [1M]")
    add_common_options(parser)
    args = parser.parse_args()
    caps = caps_from(args)
    started = time.time()
    tables: list[str] = []
    for data in (bundled_dataset(args.workdir), synthetic_dataset(args.size, args.workdir)):
        queries = bundled_queries(data.synthetic)
        steps = ["build"] + [f"query:{name}" for name, _, _ in queries]
        aggregates = {f"query:{name}" for name, _, aggregate in queries if aggregate}
        comparison = compare(data, steps, SIDES, caps, lambda message: print(message, flush=True))
        title = "built graph" if not data.synthetic else f"synthetic {size_name(args.size)}"
        tables += ["", f"### {title} ({data.triples:,} quads)", "", *table(comparison, steps, aggregates)]
    lines = [
        f"## Bundled queries: built graph and a {size_name(args.size)}-triple synthetic graph",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `.venv/bin/python {command_line()}` "
        f"({(time.time() - started) / 60:.0f} min). Machine: {machine()}.",
        "",
        f"Each query runs with its parameters bound (defaults on the built graph, synthetic entities on the synthetic one), "
        f"best of three when under 1 s; a query may take {caps['step']:.0f} s before it is stopped. spacefilms = "
        "`LocalBackend` (what `spacefilms query` runs: `Store.query` on the built store, each answer converted to rdflib "
        "terms); raw pyoxigraph = `Store.query`, every value read; "
        "rdflib memory = rdflib's SPARQL engine over a memory `Dataset` holding the same quads. The build row is there "
        "for context (bench_scale.py details it).",
        *tables,
    ]
    body = "\n".join(lines)
    if not args.no_write:
        replace_section("bench_queries", body)
    print(body)


if __name__ == "__main__":
    main()
