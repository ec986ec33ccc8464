"""``push`` over the Graph Store Protocol: one PUT per graph (``gsp``), or one PUT of the whole dataset
(``dataset``).

Per graph: every graph is PUT under its own name (each replaced as a whole by the store; a few PUTs at once, which
stores take faster), the graphs of the previous push that are gone are DELETEd, and the manifest goes last, once every
other graph is in, so a push that dies half-way leaves the previous manifest and the next push still knows what to
drop. A journal beside the store lists each graph the store took with the hash of what was sent: a re-run after a
failure skips those and goes on where it stopped; a push that completes removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from spacefilms.endpoints.remote_store import Progress, PushReport, Remote, check_sizes
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import MANIFEST_GRAPH


def journal_path(folder: Path, endpoint_url: str) -> Path:
    """Where a push to ``endpoint_url`` keeps its journal: in ``folder`` (beside the store), one per endpoint."""
    return folder / f"push-journal-{hashlib.sha256(endpoint_url.encode()).hexdigest()[:16]}.tsv"


def _read_journal(journal: Path | None) -> dict[str, str]:
    if journal is None or not journal.is_file():
        return {}
    lines = (line.split("\t", 1) for line in journal.read_text(encoding="utf-8").splitlines())
    return {graph: digest for digest, graph in (parts for parts in lines if len(parts) == 2)}


def by_graph(quads: Sequence[ox.Quad]) -> dict[str, list[ox.Triple]]:
    """The triples of each named graph, in the order the graphs first appear (the default graph left out)."""
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    return graphs


def _put(remote: Remote, graph: str, body: bytes, position: str, journal: Path | None) -> None:
    try:
        remote.put_graph(graph, body)
    except SpacefilmsError as exc:
        again = "run the same push again to go on from here" if journal else "push again"
        raise SpacefilmsError(
            f"push stopped at graph {position} <{graph}>: it and the graphs not sent yet keep their previous version, "
            f"as does the manifest ({again}): {exc.message}",
            exc.where,
        ) from None


def _every(total: int) -> int:
    return max(1, total // 20)  # about twenty progress lines, however many graphs


class _Sender:
    """PUTs graphs ``jobs`` at a time (the next one serialised meanwhile, never the whole dataset in memory), writing
    each one the store has taken to the journal; on a failure or an interrupt the PUTs under way end first and no
    other starts."""

    def __init__(self, remote: Remote, jobs: int, journal: Path | None, log: TextIO | None) -> None:
        self.remote, self.jobs, self.journal, self.log = remote, jobs, journal, log
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="push")
        self.under_way: dict[Future[None], tuple[str, str]] = {}
        self.sent = 0

    def send(self, graph: str, body: bytes, digest: str, position: str) -> None:
        """Start one PUT, once one of the ``jobs`` is free."""
        while len(self.under_way) >= self.jobs:
            self._settle(FIRST_COMPLETED)
        self.under_way[self.pool.submit(_put, self.remote, graph, body, position, self.journal)] = (digest, graph)

    def _settle(self, how: str) -> None:
        finished, _ = wait(self.under_way, return_when=how)
        failure = None
        for future in finished:
            digest, graph = self.under_way.pop(future)
            if (error := future.exception()) is not None:
                failure = failure or error
            else:
                self.sent += 1
                if self.log is not None:
                    self.log.write(f"{digest}\t{graph}\n")
                    self.log.flush()
        if failure is not None:
            raise failure

    def finish(self) -> None:
        """Wait for every PUT under way; raise the first failure."""
        self._settle(ALL_COMPLETED)

    def close(self) -> None:
        """Let the PUTs under way end and journal those the store took."""
        self.pool.shutdown(wait=True)
        with contextlib.suppress(Exception):  # the first failure is already on its way
            self._settle(ALL_COMPLETED)


def push_per_graph(
    graphs: dict[str, list[ox.Triple]], remote: Remote, say: Progress, journal: Path | None, jobs: int = 4
) -> PushReport:
    """PUT each of ``graphs``, ``jobs`` at a time (the manifest last, once all others are in), DELETE the stale ones,
    check the counts."""
    previous = remote.manifest_members()
    stale = sorted(previous - set(graphs))
    done = _read_journal(journal)
    skipped = triples = 0
    if done:
        say(f"resuming: {len(done)} graph(s) in the journal {journal}")
    with journal.open("a", encoding="utf-8") if journal else contextlib.nullcontext() as log:
        sender = _Sender(remote, jobs, journal, log)
        try:
            for number, (graph, content) in enumerate(graphs.items(), 1):
                if graph == MANIFEST_GRAPH:
                    continue
                body = ox.serialize(content, format=ox.RdfFormat.N_TRIPLES) or b""
                digest = hashlib.sha256(body).hexdigest()
                if done.get(graph) == digest:
                    skipped += 1
                else:
                    sender.send(graph, body, digest, f"{number}/{len(graphs)}")
                triples += len(content)
                if number % _every(len(graphs)) == 0 or number == len(graphs) - 1:
                    say(f"graphs {number}/{len(graphs)}: {triples} triples" + (f" ({skipped} already sent)" if skipped else ""))
            sender.finish()
        finally:
            sender.close()
    for graph in stale:
        remote.delete_graph(graph)
    if stale:
        say(f"dropped {len(stale)} graph(s) of the previous push that are gone")
    remote.put_graph(MANIFEST_GRAPH, ox.serialize(graphs[MANIFEST_GRAPH], format=ox.RdfFormat.N_TRIPLES) or b"")
    try:
        check_sizes(remote, {graph: len(content) for graph, content in graphs.items()}, "after the upload")
    finally:  # done, or the store lost what the journal says was sent: the next push sends every graph
        if journal is not None:
            journal.unlink(missing_ok=True)
    return PushReport(list(graphs), sum(map(len, graphs.values())), sender.sent + 1, stale, skipped=skipped)


def push_dataset(quads: Sequence[ox.Quad], graphs: dict[str, list[ox.Triple]], remote: Remote, say: Progress) -> PushReport:
    """One PUT of the whole dataset ``quads`` (``graphs``: its named graphs; the merge is in the default graph too),
    replacing everything the store holds; check the counts."""
    stale = sorted(remote.manifest_members() - set(graphs))
    say(f"PUT of the dataset: {len(quads)} quads in {len(graphs)} named graphs and the default graph")
    remote.put_dataset(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    check_sizes(remote, {graph: len(content) for graph, content in graphs.items()}, "after the upload")
    return PushReport(list(graphs), len(quads), 1, stale)
