"""Build the store: load the ontology and curated facts, validate them, swap in the new store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from spacefilms import data as bundled
from spacefilms.errors import SpacefilmsError
from spacefilms.loading import LoadedData, load
from spacefilms.namespaces import BUILD_GRAPH, PROV, RDF, XSD
from spacefilms.stats import GraphStats, graph_stats
from spacefilms.store import open_ox, replace_store
from spacefilms.validation import Problem, validate

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build produced."""

    store: Path
    stats: GraphStats
    files: int
    seconds: float
    enrichment: Path | None = None  # the Wikidata enrichment included, if any


def load_and_validate(
    graph_dir: Path | None = None, progress: Progress | None = None, enrichment: Path | None = None
) -> LoadedData:
    """Parse the ontology and the curated files (plus a Wikidata enrichment file, if given) and check them;
    raise on the first bad file or any problem."""
    files = bundled.curated_files(graph_dir)
    if not files:
        raise SpacefilmsError("no .trig/.ttl files found", str(graph_dir or bundled.data_dir("graph")))
    data = load(
        bundled.ontology_files(),
        files + ([enrichment] if enrichment else []),
        progress=(lambda p: progress(f"parsed {p}")) if progress else None,
    )
    if progress:
        progress("validating (provenance and SHACL)")
    problems = validate(data, bundled.shapes_file())
    if problems:
        raise ValidationFailed(problems)
    return data


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


def build(graph_dir: Path | None = None, store: Path | None = None, progress: Progress | None = None) -> BuildReport:
    """Load, validate and store the graph, with this store's Wikidata enrichment (else the shipped snapshot)
    when there is one. On any error the previous store stays in place."""
    started = time.perf_counter()
    enrichment = bundled.enrichment_to_load(store, graph_dir)
    data = load_and_validate(graph_dir, progress, enrichment)
    if progress:
        progress(f"writing {len(data.quads)} quads to the store")
    link = replace_store(data.quads + _build_metadata(datetime.now(timezone.utc)), store)
    stats = graph_stats(open_ox(link))
    return BuildReport(link, stats, len(data.files), time.perf_counter() - started, enrichment)
