"""Load on ``spacefilms serve`` beside the raw engine: throughput and latency, this checkout against a raw
``oxigraph serve-read-only`` on the same store and against a baseline revision, in one run.

    .venv/bin/python benchmarks/bench_serve.py                                  # the bundled graph, 20/50/100 clients
    .venv/bin/python benchmarks/bench_serve.py --triples 100k --clients 50 --seconds 20 --rounds 3
    .venv/bin/python benchmarks/bench_serve.py --baseline faac07a --baseline-options '--no-site --cache-mb 0'
    .venv/bin/python benchmarks/bench_serve.py --store PATH --sides raw,uncached --baseline ''

The sides serve the same built store (the bundled graph built into a temporary folder; with ``--triples`` a synthetic
graph from ``tests/synthetic.py``, kept in ``--workdir`` between runs; or ``--store``): the raw engine (the
``oxigraph`` command of the installed package, with the default graph our engine gets: the stored merge, else the
union of all graphs), this checkout without (``--cache-mb 0``) and with its answer cache, and the baseline revision
(checked out with ``git worktree``, run with the same Python and packages; ``--baseline ''`` leaves it out). All of
them run at once, idle but for the one under load: each round loads every side in turn, in an order that rotates
from round to round, so that a machine shared with other work weighs on every side alike. Each client sends every
bundled query as written (parameters at their defaults) one after another over one kept-alive connection, for
``--seconds``; the load generator is one asyncio process (httpx, a client per connection). Prints a markdown table: answered queries per
second, p50 and p99 latency, failures (medians over the rounds; throughput and p99 with their range), and throughput
and p99 as multiples of the raw engine's and of the baseline's (medians of each round's ratio, and their range), then
what the failures were. At 1M synthetic triples
several bundled queries run past the 30 s limit or the 10 MB answer cap: the load measures the engine alone, not the
front. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from spacefilms.core.layout import has_merged_default_graph, open_ox
from spacefilms.core.library import list_queries
from spacefilms.core.parameters import inline_bindings
from spacefilms.endpoints.oxigraph_server import OxigraphServer, free_port
from spacefilms.store.build import build
from spacefilms.workspace import store_path

ROOT = Path(__file__).resolve().parents[1]
SIDES = ("raw", "baseline", "uncached", "cached")
TITLES = {"raw": "raw oxigraph", "uncached": "this checkout, --cache-mb 0", "cached": "this checkout, cache"}


@dataclass
class Load:
    clients: int
    answered: int
    failed: int
    seconds: float
    latencies: list[float]
    errors: Counter[str] = field(default_factory=Counter)  # what the failures were: a status, an exception

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


@contextmanager
def serving(source: Path, store: Path, *options: str) -> Iterator[str]:
    """``spacefilms serve`` from the source tree ``source`` (its ``src``), on a free port; yields the endpoint URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = [sys.executable, "-m", "spacefilms", "--store", str(store), "serve", "--port", str(port), "--timeout", "30"]
    process = subprocess.Popen([*command, *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    banner = process.stdout.readline()
    if not banner.startswith("Serving"):
        process.kill()
        raise SystemExit(f"serve from {source} did not start: {banner}")
    try:
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def raw_engine(store: Path) -> Iterator[str]:
    """``oxigraph serve-read-only`` on the store the link ``store`` points to, with our engine's default graph."""
    built = open_ox(store)
    union = not has_merged_default_graph(built)
    del built
    with OxigraphServer(store_path(store).resolve(), read_only=True, union_default_graph=union) as server:
        yield server.query_endpoint


@contextmanager
def checked_out(revision: str, folder: Path) -> Iterator[Path]:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), revision], check=True, capture_output=True
    )
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


async def _client(http: httpx.AsyncClient, url: str, queries: list[str], start: int, until: float, load: Load) -> None:
    turn = start
    while time.monotonic() < until:
        began = time.monotonic()
        try:
            response = await http.post(
                url, data={"query": queries[turn % len(queries)]}, headers={"Accept": "application/sparql-results+json"}
            )
            error = "" if response.status_code == 200 else f"HTTP {response.status_code}: {response.text.strip()[:80]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:100]
        if not error:
            load.answered += 1
            load.latencies.append(time.monotonic() - began)
        else:
            load.failed += 1
            load.errors[error] += 1
        turn += 1


async def _connected(url: str, queries: list[str], start: int, until: float, load: Load) -> None:
    """One client on its own connection: httpx's pool looks through all its connections for each request, and one pool
    of 50 cost the load generator 3-5 ms of CPU a query (as much as the front), on the cores the sides run on."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        await _client(http, url, queries, start, until, load)


async def _load(url: str, queries: list[str], clients: int, seconds: float) -> Load:
    load = Load(clients, 0, 0, seconds, [])
    until = time.monotonic() + seconds
    await asyncio.gather(*(_connected(url, queries, n, until, load) for n in range(clients)))
    return load


def measure(url: str, queries: list[str], clients: int, seconds: float) -> Load:
    return asyncio.run(_load(url, queries, clients, seconds))


def synthetic_store(triples: str, workdir: Path) -> Path:
    """A store of the synthetic graph of ``triples`` (bench_scale's data), built once and kept in ``workdir``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import parse_size, synthetic_dataset

    data = synthetic_dataset(parse_size(triples), workdir)
    store = data.folder / "serve-store"
    if not store.exists():
        build(data.graph_dir, store)
    return store


def _spread(values: list[float], form: str, unit: str = "") -> str:
    """The median of the rounds' values, and their range when there are several (the machine may be shared)."""
    if not values:
        return "-"
    median, low, high = (format(value, form) + unit for value in (statistics.median(values), min(values), max(values)))
    return median if len(values) == 1 else f"{median} ({low}–{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="20,50,100", help="comma-separated client counts [20,50,100]")
    parser.add_argument("--seconds", type=float, default=15.0, help="load time per side, client count and round [15]")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over every side, in rotating order [2]")
    parser.add_argument("--baseline", default="00d23ba", help="git revision to compare with ('' for none) [00d23ba]")
    parser.add_argument(
        "--baseline-options", default="", help="serve options of the baseline, e.g. '--no-site --cache-mb 0' (if it knows them)"
    )
    parser.add_argument("--sides", default=",".join(SIDES), help=f"which sides to run [{','.join(SIDES)}]")
    parser.add_argument("--store", type=Path, help="a built store to serve (default: the bundled graph, built now)")
    parser.add_argument("--triples", help="serve a synthetic graph of this size instead (e.g. 100k, 1M)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "spacefilms-bench")
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",")]
    sides = [side for side in args.sides.split(",") if side != "baseline" or args.baseline]
    queries = [inline_bindings(q.text, q.bind({})) for q in list_queries()]
    titles = {**TITLES, "baseline": f"baseline {args.baseline} {args.baseline_options}".strip()}
    results: dict[str, dict[int, list[Load]]] = {side: {n: [] for n in clients} for side in sides}
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder, ExitStack() as running:
        store = args.store or (synthetic_store(args.triples, args.workdir) if args.triples else None)
        store = store or build(store=Path(folder) / "store").store
        urls = {}
        for side in sides:
            if side == "raw":
                urls[side] = running.enter_context(raw_engine(store))
            elif side == "baseline":
                source = running.enter_context(checked_out(args.baseline, Path(folder) / "baseline"))
                urls[side] = running.enter_context(serving(source, store, *shlex.split(args.baseline_options)))
            else:
                options = ("--no-site", "--cache-mb", "0") if side == "uncached" else ("--no-site",)
                urls[side] = running.enter_context(serving(ROOT, store, *options))
            measure(urls[side], queries, 2, 2.0)  # warm up: every query once or more
        for round_ in range(args.rounds):
            order = sides[round_ % len(sides) :] + sides[: round_ % len(sides)]
            for n in clients:
                for side in order:
                    results[side][n].append(measure(urls[side], queries, n, args.seconds))
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {len(queries)} bundled "
        f"queries; {args.rounds} rounds of {args.seconds:g} s per side and client count"
    )
    print(f"Command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}\n")
    references = [side for side in ("raw", "baseline") if side in sides]
    heads = "".join(f" q/s vs {titles[ref]} | p99 vs {titles[ref]} |" for ref in references)
    print("| clients | side | q/s | p50 ms | p99 ms | failed |" + heads)
    print("|---:|---|---:|---:|---:|---:|" + "---:|---:|" * len(references))
    for n in clients:
        for side in sides:
            loads = results[side][n]
            cells = [
                _spread([load.rate for load in loads], ".1f"),
                f"{statistics.median(load.percentile(50) for load in loads):.0f}",
                _spread([load.percentile(99) for load in loads], ".0f"),
                f"{statistics.median(load.failed for load in loads):.0f}",
            ]
            for ref in references:
                pairs = list(zip(loads, results[ref][n]))
                cells.append(_spread([new.rate / old.rate for new, old in pairs if old.rate], ".2f", "x"))
                cells.append(
                    _spread([new.percentile(99) / old.percentile(99) for new, old in pairs if old.latencies], ".2f", "x")
                )
            print(f"| {n} | {titles[side]} | " + " | ".join(cells) + " |")
    failures = [(n, side, sum((load.errors for load in results[side][n]), Counter())) for n in clients for side in sides]
    for n, side, errors in failures:
        for error, count in errors.most_common(3):
            print(f"\n{titles[side]}, {n} clients, all rounds: {count} x {error}", end="")
    print()


if __name__ == "__main__":
    main()
