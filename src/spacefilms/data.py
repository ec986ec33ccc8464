"""Where the bundled data (graph/, ontologies/, queries/) lives: in the wheel or in the checkout."""

from __future__ import annotations

from pathlib import Path

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


def curated_files(graph_dir: Path | None = None) -> list[Path]:
    """Every curated fact file, in a stable order."""
    root = graph_dir or data_dir("graph")
    return sorted(p for p in root.rglob("*") if p.suffix in {".trig", ".ttl", ".nq"} and p.is_file())
