"""Enrich linked entities from Wikidata: fetch the properties users ask about, batched, and map them onto our
ontology in one named graph per Wikidata item, each with its provenance (item, endpoint, fetch time).

Curated graphs are never touched: the enrichment lives in graphs under ``WIKIDATA_GRAPH_BASE``, is written to
``enrichment.trig`` next to the store, and replaces the previous enrichment only once a whole run succeeded.
What is fetched is in :mod:`~spacefilms.wikidata.fields`, how in :mod:`~spacefilms.wikidata.fetching`, how it is
mapped in :mod:`~spacefilms.wikidata.mapping`.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.layout import named_quads, open_ox
from spacefilms.errors import SpacefilmsError
from spacefilms.files import staged_files, swap_in
from spacefilms.namespaces import BUILD_GRAPH, PREFIXES, WIKIDATA_GRAPH_BASE
from spacefilms.store.loading import LoadedData, Locator
from spacefilms.store.ondisk import replace_store
from spacefilms.store.validation import provenance_problems
from spacefilms.wikidata.client import ENTITY, Answer, WikidataClient, chunks, item_iri, qid_of
from spacefilms.wikidata.fetching import Fetched, best_ranked, read_labels, read_statements, statements_query
from spacefilms.wikidata.fields import FIELDS, WDT
from spacefilms.wikidata.linking import Link
from spacefilms.wikidata.mapping import Enrichment, EnrichReport, Mapper, wanted_items
from spacefilms.wikidata.queries import query_text
from spacefilms.workspace import ENRICHMENT_FILE, wikidata_dir

MANIFEST_FILE = "manifest.json"
Progress = Callable[[int, int], None]


def enrich(links: list[Link], client: WikidataClient, batch_size: int = 50, progress: Progress | None = None) -> Enrichment:
    """Fetch and map the Wikidata facts of every linked entity of a kind we enrich.

    Requests: one per batch of ``batch_size`` items per kind, then one per batch of items the values point to.
    """
    linked = sorted((link for link in links if link.linked and link.kind in FIELDS), key=lambda x: (x.kind, x.qid))
    report = EnrichReport(client.endpoint, batch_size, client.offline, items=len(linked))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for link in linked:
        by_kind[link.kind].append(link.qid)
    plan = [(kind, batch) for kind, qids in sorted(by_kind.items()) for batch in chunks(sorted(set(qids)), batch_size)]
    fetched = Fetched()
    times = []

    def ask(build: Callable[[list[str]], str], qids: list[str], expect: bool, total: int) -> list[Answer]:
        """One batch (split in halves where the endpoint times out on it)."""
        answers = client.select_split(build, [item_iri(q) for q in qids], expect)
        times.extend(answer.fetched_at for answer in answers)
        if progress:
            progress(len(times), total)
        return answers

    for kind, batch in plan:
        for answer in ask(lambda iris, kind=kind: statements_query(kind, [qid_of(i) for i in iris]), batch, True, len(plan)):
            read_statements(answer, fetched)
    statements = best_ranked(fetched.statements)
    wanted = wanted_items(statements, {link.qid for link in links if link.linked})
    report.label_items = len(wanted)
    label_batches = chunks(wanted, batch_size)
    for batch in label_batches:
        for answer in ask(lambda iris: query_text("labels", "item", iris), batch, False, len(plan) + len(label_batches)):
            read_labels(answer, fetched)
    asked = {link.qid for link in linked}
    report.not_found = sorted(asked - fetched.present)
    report.enriched = len(asked & fetched.present)
    mapper = Mapper(links, fetched, report)
    for statement in sorted(statements, key=lambda s: (s.qid, s.pid, s.iri)):
        mapper.map(statement)
    quads = mapper.finish(client.endpoint)
    report.requests, report.answers = client.requests, client.answers
    report.responses = list(dict.fromkeys(client.keys))
    report.fetched_at = max(times, default="")
    return Enrichment(quads, report)


def _is_enrichment(quad: ox.Quad) -> bool:
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(WIKIDATA_GRAPH_BASE)


def apply(enrichment: Enrichment, store: str | Path | None = None) -> Path:
    """Check the new enrichment against the store, and swap the store to the curated graph plus the new enrichment;
    then put the enrichment and its manifest next to the store. Both files are written before the store is swapped
    and moved into place only after it, so a failure anywhere (a full disk) leaves all three as they were."""
    stored = list(named_quads(open_ox(store)))
    _refuse_losses({q.graph_name.value for q in stored if _is_enrichment(q)}, enrichment.report)
    current = [q for q in stored if not _is_enrichment(q)]
    build_graph = ox.NamedNode(BUILD_GRAPH)
    checked = [q for q in current if q.graph_name != build_graph] + enrichment.quads
    problems = provenance_problems(LoadedData.of(checked), Locator([]))
    if problems:
        from spacefilms.store.build import ValidationFailed  # imported here: build imports this module

        raise ValidationFailed(problems)
    folder = wikidata_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ENRICHMENT_FILE
    manifest = json.dumps(_manifest(enrichment.report), ensure_ascii=False, indent=1).encode()
    files = {
        target: lambda out: ox.serialize(enrichment.quads, out, ox.RdfFormat.TRIG, prefixes=_prefixes()),
        folder / MANIFEST_FILE: lambda out: out.write(manifest),
    }
    with staged_files(files):
        replace_store(current + enrichment.quads, store)
    return target


def _refuse_losses(graphs: set[str], report: EnrichReport) -> None:
    """Refuse a run that would drop the facts of items enriched before because the endpoint's answers, this time,
    said nothing about them: an endpoint answering about other items (or a broken mirror) must not empty the store."""
    lost = sorted(qid for qid in report.not_found if WIKIDATA_GRAPH_BASE + qid in graphs)
    if lost:
        raise SpacefilmsError(
            f"the endpoint's answers say nothing about {len(lost)} item(s) enriched before (e.g. wd:{lost[0]}): "
            "refusing to drop their facts; check the endpoint, or run `spacefilms link` again if they were deleted",
            report.endpoint,
        )


def _prefixes() -> dict[str, str]:
    return {**PREFIXES, "wd": ENTITY, "wdt": WDT, "dcterms": "http://purl.org/dc/terms/"}


def _manifest(report: EnrichReport) -> dict:
    """What a snapshot says about itself: which endpoint answered, when, and with which recorded responses."""
    return {
        "endpoint": report.endpoint,
        "fetched_at": report.fetched_at,
        "offline_replay": report.offline,
        "batch_size": report.batch_size,
        "requests": report.requests,
        "answers": report.answers,
        "items": report.items,
        "enriched": report.enriched,
        "label_items": report.label_items,
        "not_found": report.not_found,
        "graphs": report.graphs,
        "facts": report.facts,
        "unmapped": dict(sorted(report.unmapped.items())),
        "unknown_values": report.unknown_values,
        "invalid_iris": report.invalid_iris,
        "unlabelled": report.unlabelled,
        "responses": report.responses,
    }


def save_snapshot(store: str | Path | None, target: Path) -> Path:
    """Copy this store's enrichment, its manifest and the recorded responses behind it to ``target`` (e.g.
    ``graph/wikidata-snapshot``), replacing what was there only once the copy is complete."""
    source = wikidata_dir(store)
    try:
        manifest = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SpacefilmsError("no enrichment to ship here: run `spacefilms enrich` first", str(source)) from None
    target = Path(target)
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "responses").mkdir(parents=True)
    shutil.copy2(source / ENRICHMENT_FILE, staging / ENRICHMENT_FILE)
    shutil.copy2(source / MANIFEST_FILE, staging / MANIFEST_FILE)
    for key in manifest["responses"]:
        shutil.copy2(source / "responses" / f"{key}.json", staging / "responses" / f"{key}.json")
    swap_in(staging, target)  # the snapshot's name never names nothing
    shutil.rmtree(staging, ignore_errors=True)  # the previous snapshot, if there was one
    return target
