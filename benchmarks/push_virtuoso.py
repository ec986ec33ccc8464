"""Prove ``spacefilms push`` on a second engine: a private Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1.

    apt-get install -y virtuoso-opensource        # once, as root
    .venv/bin/python benchmarks/push_virtuoso.py

It starts Virtuoso in a temporary folder (SQL and HTTP ports on loopback only, default dba account), pushes the
built graph and a second version over the Graph Store Protocol, pushes a synthetic graph with --keep-graphs over
SPARQL Update and runs bundled queries against it, shows that a push Virtuoso rejects half-way leaves the previous
version, prints a markdown summary, and stops Virtuoso. Not part of the test suite (it takes about a minute).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_scale import DEFAULT_WORKDIR, synthetic_dataset

from spacefilms.endpoints.oxigraph_server import free_port
from spacefilms.endpoints.pushing import DEFAULT_GRAPH, Endpoint, Remote, push
from spacefilms.errors import SpacefilmsError
from spacefilms.querying.backends import LocalBackend, RemoteBackend
from spacefilms.querying.library import get_query
from spacefilms.store.build import build
from spacefilms.store.ondisk import open_ox
from spacefilms.store.stats import graph_stats

MINI = Path(__file__).resolve().parents[1] / "tests" / "data" / "mini"
INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
# Queries that only read the pushed source graphs (Virtuoso's default graph also holds its own system graphs).
QUERIES = ("source-counts", "flight-crews")


class Virtuoso:
    """virtuoso-t in the foreground over a fresh database in ``folder``, listening on loopback only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        config = INI.read_text()
        config = config.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
        config = config.replace("ServerPort               = 1111", f"ServerPort = 127.0.0.1:{self.sql_port}")
        config = config.replace("ServerPort                  = 8890", f"ServerPort = 127.0.0.1:{self.http_port}")
        (folder / "virtuoso.ini").write_text(config)
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/sparql?query=ASK%7B%7D", timeout=2).read()
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("Virtuoso did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def endpoint(self, protocol: str) -> Endpoint:
        url = f"{self.url}/sparql-auth" if protocol == "update" else f"{self.url}/sparql-graph-crud-auth"
        return Endpoint(url, protocol, f"{self.url}/sparql", user="dba", password="dba", auth="digest")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def rows(backend, name: str) -> list[tuple[str, ...]]:
    query = get_query(name)
    return sorted(
        tuple("_:b" if term is not None and term.n3().startswith("_:") else str(term) for term in row)
        for row in backend.run(query.text, query.bind({})).rows
    )


def main() -> None:
    if not shutil.which("virtuoso-t"):
        sys.exit("virtuoso-t is not installed: apt-get install -y virtuoso-opensource")
    work = Path(tempfile.mkdtemp(prefix="spacefilms-virtuoso-"))
    built = build(store=work / "built").store
    mini = build(MINI, work / "mini").store
    synthetic = synthetic_dataset(10_000, DEFAULT_WORKDIR)
    synthetic_store = build(synthetic.graph_dir, work / "synthetic").store
    (work / "db").mkdir()
    server = Virtuoso(work / "db")
    lines = []
    try:
        update = server.endpoint("update")
        kept = push(open_ox(synthetic_store), update, keep_graphs=True, batch_size=500)
        answers = [(rows(RemoteBackend(update.query_url), name), rows(LocalBackend(synthetic_store), name)) for name in QUERIES]
        same = all(remote == local and remote for remote, local in answers)
        lines.append(
            f"- SPARQL Update with --keep-graphs, into the empty store (synthetic 10k graph): {kept.statements} quads in {len(kept.graphs)} graphs "
            f"staged, counted per graph and swapped with one MOVE request in {kept.seconds:.2f} s; bundled queries "
            f"{', '.join(f'`{q}`' for q in QUERIES)} give the same rows as the local store "
            f"({' and '.join(str(len(r)) for r, _ in answers)} rows): {same}"
        )
        gsp = server.endpoint("gsp")
        count = lambda graph=DEFAULT_GRAPH: Remote(gsp).graph_sizes([graph])[graph]  # noqa: E731
        first = push(open_ox(built), gsp)
        lines.append(
            f"- Graph Store Protocol PUT of the built graph: {first.statements} triples sent, {count()} read back "
            f"(expected {graph_stats(LocalBackend(built)).triples}), {first.seconds:.2f} s"
        )
        second = push(open_ox(mini), gsp)
        lines.append(
            f"- a second version (the test fixture graph) replaced it: {count()} triples read back (sent {second.statements})"
        )

        before = count()
        sent: list[str] = []
        try:
            push(open_ox(built), update, batch_size=50, progress=sent.append)
            lines.append("- SPARQL Update push of the built graph: accepted")
        except SpacefilmsError as exc:
            lines.append(
                f"- SPARQL Update push of the built graph: {sum(m.startswith('batch') for m in sent)} batches staged, then "
                f"Virtuoso refused one ({exc.message.split(': ', 1)[1][:100]}); "
                f"<{DEFAULT_GRAPH}> still holds the previous version: {count()} triples (before: {before})"
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True).stderr.splitlines()
    print(f"Virtuoso: {next((v.strip() for v in version if 'Version' in v), 'virtuoso-opensource')}, on 127.0.0.1")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
