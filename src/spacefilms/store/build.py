"""Build the store: load the ontology and curated facts, validate them, swap in the new store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from spacefilms import workspace as bundled
from spacefilms.core.backends import LocalBackend
from spacefilms.core.examples import example_quads
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import BUILD_GRAPH, ONTOLOGY_GRAPH, PROV, RDF, XSD
from spacefilms.store.loading import LoadedData, load, load_file
from spacefilms.store.ondisk import add_merge, staged_store
from spacefilms.store.stats import GraphStats, graph_stats
from spacefilms.store.validation import Problem, validate
from spacefilms.threads import in_background
from spacefilms.workspace import store_path

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build produced."""

    store: Path
    stats: GraphStats
    files: int
    seconds: float
    enrichment: Path | None = None  # the Wikidata enrichment included, if any


def _input_files(graph_dir: Path | None, enrichment: Path | None) -> tuple[list[Path], list[Path]]:
    """The ontology files and the curated files (plus a Wikidata enrichment file, if given) a build reads."""
    files = bundled.curated_files(graph_dir)
    if not files:
        raise SpacefilmsError("no .trig/.ttl files found", str(graph_dir or bundled.data_dir("graph")))
    return bundled.ontology_files(), files + ([enrichment] if enrichment else [])


def load_and_validate(
    graph_dir: Path | None = None, progress: Progress | None = None, enrichment: Path | None = None
) -> LoadedData:
    """Parse the ontology and the curated files (plus a Wikidata enrichment file, if given) and check them;
    raise on the first bad file or any problem."""
    data = _load(*_input_files(graph_dir, enrichment), progress)
    _check(data, progress)
    return data


def _load(ontology: list[Path], curated: list[Path], progress: Progress | None) -> LoadedData:
    return load(ontology, curated, progress=(lambda p: progress(f"parsed {p}")) if progress else None)


def _check(data: LoadedData, progress: Progress | None) -> None:
    if progress:
        progress("validating (provenance and SHACL)")
    problems = validate(data, bundled.shapes_file(), bundled.copy_domains_file())
    if problems:
        raise ValidationFailed(problems)


class ValidationFailed(SpacefilmsError):
    """The data broke one or more rules; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{first.focus}: {first.message}{more}", first.where)


def _build_metadata(now: datetime) -> list[ox.Quad]:
    graph = ox.NamedNode(BUILD_GRAPH)
    stamp = ox.Literal(now.isoformat(timespec="seconds"), datatype=ox.NamedNode(str(XSD.dateTime)))
    return [
        ox.Quad(graph, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Entity)), graph),
        ox.Quad(graph, ox.NamedNode(str(PROV.generatedAtTime)), stamp, graph),
    ]


class _StoreWriter(threading.Thread):
    """Loads the input files into the new on-disk store while the main thread validates an in-memory copy:
    Oxigraph parses and writes without holding the GIL, so the two share the machine's cores."""

    def __init__(self, target: ox.Store, ontology: list[Path], curated: list[Path]) -> None:
        super().__init__(name="spacefilms-store-writer", daemon=True)  # abandoned when the build is interrupted
        self.target, self.ontology, self.curated = target, ontology, curated
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for path in self.ontology:
                load_file(self.target, path, ox.NamedNode(ONTOLOGY_GRAPH))
            for path in self.curated:
                load_file(self.target, path)
        except BaseException as exc:  # handed to the main thread
            self.error = exc


def _validated(
    ontology: list[Path], curated: list[Path], progress: Progress | None
) -> tuple[LoadedData, list[ox.Quad], GraphStats]:
    """Parse and check the files in memory; return the data, this build's metadata and the new store's counts."""
    data = _load(ontology, curated, progress)  # the same files the writer loads
    metadata = _build_metadata(datetime.now(timezone.utc)) + example_quads()
    data.store.extend(metadata)
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(graph_stats, LocalBackend(data.store))  # the quads of the new store, counted meanwhile
        _check(data, progress)
        return data, metadata, counting.result()


def build(graph_dir: Path | None = None, store: Path | None = None, progress: Progress | None = None) -> BuildReport:
    """Load, validate and store the graph, with this store's Wikidata enrichment (else the shipped snapshot)
    when there is one. On any error the previous store stays in place; Ctrl-C stops it at once (see
    :mod:`spacefilms.threads`)."""
    started = time.perf_counter()
    enrichment = bundled.enrichment_to_load(store, graph_dir)
    ontology, curated = _input_files(graph_dir, enrichment)
    with staged_store(store) as target:
        writer = _StoreWriter(target, ontology, curated)
        writer.start()
        try:
            data, metadata, stats = in_background(_validated, ontology, curated, progress)
        except Exception:
            in_background(writer.join)  # a failed check: the writer ends before its store is removed
            raise
        files = len(data.files)
        del data  # the in-memory copy goes before the merge reads the store
        in_background(writer.join)
        if writer.error is not None:
            raise writer.error
        if progress:
            progress(f"writing {stats.quads} quads to the store")
        target.extend(metadata)
        # Where sources agree a triple sits in several graphs: the store then also keeps their merge, each triple
        # once, in the default graph, which queries read (see spacefilms.core.layout.query_options).
        in_background(add_merge, target, stats.triples < stats.quads)
        del writer, target  # the store closes before it is swapped in (see staged_store)
    return BuildReport(store_path(store), stats, files, time.perf_counter() - started, enrichment)
