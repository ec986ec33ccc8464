"""The synthetic graph pushed to real stores, and every bundled query there against the local store.

    apt-get install -y virtuoso-opensource        # once, as root (or `make engines`)
    .venv/bin/python benchmarks/bench_engines.py --size 1M

Builds the synthetic graph of the given size (reused between runs), starts an Oxigraph server and a private Virtuoso
on 127.0.0.1 (each in a temporary folder, stopped at the end), pushes the graph with `spacefilms push` (Oxigraph:
one dataset PUT to ``/store?no_transaction``, its bulk loader; Virtuoso: a Graph Store PUT per graph, one at a time
and ``--jobs`` at once, each on a fresh server, and its own bulk loader over the N-Quads export), then runs every bundled query (bound to synthetic entities)
on each and on the local store, best of three: time, ratio to local, one HTTP round trip (`ASK {}`) for scale, and
whether the rows are the same. Writes its tables into RESULTS.md between its markers (`--no-write` to print only).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_scale import DEFAULT_WORKDIR, bundled_queries, command_line, machine, parse_size, replace_section, synthetic_dataset
from engines.compare import rows
from virtuoso_server import VirtuosoServer, virtuoso_missing

from spacefilms.core.backends import Backend, LocalBackend, RemoteBackend
from spacefilms.core.layout import open_ox
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.pushing import Endpoint, push
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import MERGE_GRAPH
from spacefilms.store.build import build
from spacefilms.store.export import export


def best(backend: Backend, text: str, repeat: int = 3) -> tuple[float, tuple[list[str], Counter] | str]:
    """Best time of ``repeat`` runs, and the rows (as the engines tests compare them) or the error."""
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            answer = backend.select(text)
        except SpacefilmsError as exc:
            return time.perf_counter() - started, f"error: {exc.message[:80]}"
        times.append(time.perf_counter() - started)
        if times[-1] > 5:
            break
    return min(times), rows(answer, text)


def round_trip(backend: RemoteBackend) -> float:
    return best(backend, "SELECT * WHERE { } LIMIT 1", 5)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1M", help="synthetic triples (10k, 100k, 1M)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds a remote query may take")
    parser.add_argument(
        "--virtuoso-jobs", type=lambda text: [int(n) for n in text.split(",")], default=[1, 4], help="PUTs at once, e.g. 1,4"
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    size = parse_size(args.size)
    data = synthetic_dataset(size, args.workdir)
    work = Path(tempfile.mkdtemp(prefix="spacefilms-engines-"))
    lines: list[str] = []
    servers: list = []  # stopped at the end, also when the run fails
    try:
        started = time.perf_counter()
        store = build(data.graph_dir, work / "local").store
        lines.append(f"Synthetic graph {args.size}: built in {time.perf_counter() - started:.0f} s.")
        local = LocalBackend(store)
        plan = bundled_queries(True)
        engines: dict[str, tuple[RemoteBackend, float]] = {}
        pushes = [
            "| store | protocol | quads sent | graphs | requests | push time | quads/s |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        oxigraph = OxigraphServer(work / "oxigraph", union_default_graph=False).start()
        servers.append(oxigraph)
        # Oxigraph's bulk loader (?no_transaction): a dataset PUT clears the store before loading anyway
        dataset = Endpoint(f"{oxigraph.store_endpoint}?no_transaction", "dataset", oxigraph.query_endpoint, timeout=1800)
        report = push(open_ox(store), dataset)
        pushes.append(row("Oxigraph server", "dataset (`/store?no_transaction`)", report))
        engines["Oxigraph"] = (RemoteBackend(oxigraph.query_endpoint, timeout=args.query_timeout), 0.0)
        if virtuoso_missing() is None:
            # Each way in on a fresh Virtuoso, side by side: Graph Store PUTs one at a time (the baseline, as before
            # --jobs), several at once, and the bulk loader over the export; queries go to the last PUT one.
            for jobs in args.virtuoso_jobs:
                if servers[-1] is not oxigraph:
                    servers.pop().stop()
                virtuoso = VirtuosoServer(work / f"virtuoso-{jobs}", buffers=340000, max_rows=10_000_000).start()
                servers.append(virtuoso)
                target = Endpoint(
                    virtuoso.graph_store_endpoint, "gsp", virtuoso.query_endpoint, "dba", "dba", "digest", timeout=1800
                )
                report = push(open_ox(store), target, jobs=jobs)
                pushes.append(row(f"Virtuoso ({virtuoso.version()})", f"gsp, `--jobs {jobs}`", report))
            engines["Virtuoso"] = (RemoteBackend(virtuoso.query_endpoint, timeout=args.query_timeout), 0.0)
            with VirtuosoServer(work / "virtuoso-bulk", buffers=340000, max_rows=10_000_000) as bulk:
                started = time.perf_counter()
                nquads = export(open_ox(store), "nq", bulk.folder / "graph.nq")
                exported = time.perf_counter() - started
                bulk.bulk_load(nquads, MERGE_GRAPH)
                loaded = time.perf_counter() - started - exported
                quads = sum(1 for _ in nquads.open("rb"))
                pushes.append(
                    f"| Virtuoso | bulk loader (`export` {exported:.0f} s + `ld_dir`, `rdf_loader_run` {loaded:.0f} s) "
                    f"| {quads:,} | – | – | {exported + loaded:.1f} s | {quads / (exported + loaded):,.0f} |"
                )
        engines = {name: (backend, round_trip(backend)) for name, (backend, _) in engines.items()}
        header = "| query | local | " + " | ".join(f"{n} | ratio | same rows" for n in engines) + " |"
        table = [header, "|---|---:|" + "---:|---:|---|" * len(engines)]
        for name, text, _ in plan:
            here, rows_here = best(local, text)
            cells = [f"`{name}`", f"{here * 1000:.0f} ms"]
            for backend, trip in engines.values():
                there, rows_there = best(backend, text)
                within = there <= 3 * here + trip
                cells += [
                    f"{there * 1000:.0f} ms" + ("" if within else " ✗"),
                    f"{there / here:.1f}x" if here else "–",
                    "yes" if rows_there == rows_here else ("error" if isinstance(rows_there, str) else "no"),
                ]
            table.append("| " + " | ".join(cells) + " |")
        trips = ", ".join(f"{n} {t * 1000:.1f} ms" for n, (_, t) in engines.items())
        body = "\n".join(
            [
                "## Same answers on every store (`bench_engines.py`)",
                "",
                f"Machine: {machine()}",
                f"Command: `{command_line()}`",
                "",
                *lines,
                "",
                *pushes,
                "",
                f"One HTTP round trip (`SELECT * WHERE {{}} LIMIT 1`): {trips}. ✗: slower than 3x local plus one round trip.",
                "",
                *table,
            ]
        )
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(body)
    if not args.no_write:
        replace_section("bench-engines", body)


def row(store: str, protocol: str, report) -> str:
    rate = report.statements / report.seconds if report.seconds else 0
    return f"| {store} | {protocol} | {report.statements:,} | {len(report.graphs):,} | {report.requests:,} | {report.seconds:.1f} s | {rate:,.0f} |"


if __name__ == "__main__":
    main()
