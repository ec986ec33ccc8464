"""Load on ``spacefilms serve``: throughput and latency at 20/50/100 clients, this checkout beside a baseline revision.

    .venv/bin/python benchmarks/bench_serve.py                       # baseline: the http.server front (00d23ba)
    .venv/bin/python benchmarks/bench_serve.py --clients 20,50,100 --seconds 20 --baseline 00d23ba

The baseline and this checkout (without and with its answer cache; no website) serve the same built store (the bundled graph, built into a temporary folder) from their own source tree
(the baseline is checked out with ``git worktree`` and run with the same Python and packages). Each client sends the
bundled queries (parameters at their defaults) one after another over one kept-alive connection, for ``--seconds``;
the load generator is one asyncio process (httpx). Prints a markdown table: answered queries per second, p50 and p99
latency, failures, and each side's throughput as a multiple of the baseline's. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from spacefilms.core.library import list_queries
from spacefilms.core.parameters import inline_bindings
from spacefilms.endpoints.oxigraph_server import free_port
from spacefilms.store.build import build

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Load:
    clients: int
    answered: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


@contextmanager
def serving(source: Path, store: Path, *options: str):
    """``spacefilms serve`` from the source tree ``source`` (its ``src``), on a free port; yields the endpoint URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = [
        sys.executable,
        "-m",
        "spacefilms",
        "--store",
        str(store),
        "serve",
        "--port",
        str(port),
        "--timeout",
        "30",
        *options,
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    banner = process.stdout.readline()
    if not banner.startswith("Serving"):
        process.kill()
        raise SystemExit(f"serve from {source} did not start: {banner}")
    try:
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _client(http: httpx.AsyncClient, url: str, queries: list[str], start: int, until: float, load: Load) -> None:
    turn = start
    while time.monotonic() < until:
        began = time.monotonic()
        try:
            response = await http.post(
                url, data={"query": queries[turn % len(queries)]}, headers={"Accept": "application/sparql-results+json"}
            )
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok:
            load.answered += 1
            load.latencies.append(time.monotonic() - began)
        else:
            load.failed += 1
        turn += 1


async def _load(url: str, queries: list[str], clients: int, seconds: float) -> Load:
    load = Load(clients, 0, 0, seconds, [])
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(_client(http, url, queries, n, until, load) for n in range(clients)))
    return load


def measure(url: str, queries: list[str], clients: list[int], seconds: float) -> list[Load]:
    asyncio.run(_load(url, queries, 2, 2.0))  # warm up: every query once or more
    return [asyncio.run(_load(url, queries, n, seconds)) for n in clients]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="20,50,100", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=15.0, help="load time per client count")
    parser.add_argument("--baseline", default="00d23ba", help="git revision to compare with")
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",")]
    queries = [inline_bindings(q.text, q.bind({})) for q in list_queries()]
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        store = build(store=Path(folder) / "store").store
        baseline = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline], check=True, capture_output=True
        )
        try:
            results = {}
            sides = (
                ("baseline", baseline, ()),
                ("this checkout", ROOT, ("--no-site", "--cache-mb", "0")),
                ("this checkout, cache", ROOT, ("--no-site",)),
            )
            for name, source, options in sides:
                with serving(source, store, *options) as url:
                    results[name] = measure(url, queries, clients, args.seconds)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
            shutil.rmtree(baseline, ignore_errors=True)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {len(queries)} bundled queries"
    )
    print(f"Command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])} (baseline {args.baseline})\n")
    print("| clients | side | q/s | p50 ms | p99 ms | failed | q/s vs baseline |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, old in enumerate(results["baseline"]):
        for name, loads in results.items():
            new = loads[n]
            ratio = f"{new.rate / old.rate:.1f}x" if old.rate else "-"
            print(
                f"| {new.clients} | {name} | {new.rate:.1f} | {new.percentile(50):.0f} | {new.percentile(99):.0f} "
                f"| {new.failed} | {ratio} |"
            )


if __name__ == "__main__":
    main()
