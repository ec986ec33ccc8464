"""``push`` over the Graph Store Protocol: one PUT per graph (``gsp``), or one PUT of the whole dataset
(``dataset``).

Per graph: every graph is PUT under its own name (each replaced as a whole by the store), the graphs of the previous
push that are gone are DELETEd, and the manifest goes last, so a push that dies half-way leaves the previous manifest
and the next push still knows what to drop. A journal beside the store lists each graph already PUT with the hash of
what was sent: a re-run after a failure skips those and goes on where it stopped; a push that completes removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from pathlib import Path

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
            f"push stopped at graph {position} <{graph}>, which keeps its previous version, as do the graphs after it and "
            f"the manifest ({again}): {exc.message}",
            exc.where,
        ) from None


def _every(total: int) -> int:
    return max(1, total // 20)  # about twenty progress lines, however many graphs


def push_per_graph(graphs: dict[str, list[ox.Triple]], remote: Remote, say: Progress, journal: Path | None) -> PushReport:
    """PUT each of ``graphs`` (the manifest last), DELETE the stale ones, check the counts."""
    previous = remote.manifest_members()
    stale = sorted(previous - set(graphs))
    done = _read_journal(journal)
    sent = skipped = triples = 0
    if done:
        say(f"resuming: {len(done)} graph(s) in the journal {journal}")
    with journal.open("a", encoding="utf-8") if journal else contextlib.nullcontext() as log:
        for number, (graph, content) in enumerate(graphs.items(), 1):
            if graph == MANIFEST_GRAPH:
                continue
            body = ox.serialize(content, format=ox.RdfFormat.N_TRIPLES) or b""
            digest = hashlib.sha256(body).hexdigest()
            if done.get(graph) == digest:
                skipped += 1
            else:
                _put(remote, graph, body, f"{number}/{len(graphs)}", journal)
                if log is not None:
                    log.write(f"{digest}\t{graph}\n")
                    log.flush()
                sent += 1
            triples += len(content)
            if number % _every(len(graphs)) == 0 or number == len(graphs) - 1:
                say(f"graphs {number}/{len(graphs)}: {triples} triples" + (f" ({skipped} already sent)" if skipped else ""))
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
    return PushReport(list(graphs), sum(map(len, graphs.values())), sent + 1, stale, skipped=skipped)


def push_dataset(quads: Sequence[ox.Quad], graphs: dict[str, list[ox.Triple]], remote: Remote, say: Progress) -> PushReport:
    """One PUT of the whole dataset ``quads`` (``graphs``: its named graphs; the merge is in the default graph too),
    replacing everything the store holds; check the counts."""
    stale = sorted(remote.manifest_members() - set(graphs))
    say(f"PUT of the dataset: {len(quads)} quads in {len(graphs)} named graphs and the default graph")
    remote.put_dataset(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    check_sizes(remote, {graph: len(content) for graph, content in graphs.items()}, "after the upload")
    return PushReport(list(graphs), len(quads), 1, stale)
