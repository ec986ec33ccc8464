"""Where the bundled data (graph/, ontologies/, queries/) lives: in the wheel or in the checkout; and where the
Wikidata enrichment a build includes lives (next to the store, else a snapshot shipped in graph/)."""

from __future__ import annotations

from pathlib import Path

from spacefilms.store import store_path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """Return the bundled directory ``kind`` (``graph``, ``ontologies`` or ``queries``).

    A wheel carries them under ``spacefilms/_data``; an editable install or a checkout
    finds them at the repository root.
    """
    for candidate in (_PACKAGE / "_data" / kind, _PACKAGE.parents[1] / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled directory {kind!r} not found next to {_PACKAGE}")


def ontology_files() -> list[Path]:
    """The ontology and its mappings (the shapes are not data and stay out of the store)."""
    return [data_dir("ontologies") / name for name in ("spacefilms.ttl", "mappings.ttl")]


def shapes_file() -> Path:
    return data_dir("ontologies") / "shapes.ttl"


# A recorded Wikidata enrichment shipped with the graph (see spacefilms.enrichment); not curated facts.
SNAPSHOT_DIR = "wikidata-snapshot"
ENRICHMENT_FILE = "enrichment.trig"


def curated_files(graph_dir: Path | None = None) -> list[Path]:
    """Every curated fact file, in a stable order (the Wikidata snapshot folder is not curated)."""
    root = graph_dir or data_dir("graph")
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in {".trig", ".ttl", ".nq"} and p.is_file() and SNAPSHOT_DIR not in p.relative_to(root).parts
    )


def wikidata_dir(store: str | Path | None = None) -> Path:
    """Where Wikidata answers are recorded and the enrichment is written: ``wikidata/`` next to the store."""
    return store_path(store).parent / "wikidata"


def enrichment_to_load(store: str | Path | None = None, graph_dir: Path | None = None) -> Path | None:
    """The Wikidata enrichment a build includes: this store's own, else the snapshot shipped with the graph."""
    for path in (wikidata_dir(store) / ENRICHMENT_FILE, (graph_dir or data_dir("graph")) / SNAPSHOT_DIR / ENRICHMENT_FILE):
        if path.is_file():
            return path
    return None
