"""The one owner of paths: where the bundled data (graph/, ontologies/, queries/) lives, in the wheel or in the
checkout; where the store is (``--store``, ``$SPACEFILMS_STORE``, the checkout's ``.spacefilms/``, else the user's
data directory, so an installed tool works from any folder); and where the files written beside the store go
(Wikidata answers, the enrichment, the links file of an installed tool). Nothing is ever written into the package."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
STORE_ENV = "SPACEFILMS_STORE"
LINKS_FILE = "wikidata-links.tsv"


def checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), or None when installed from a wheel."""
    root = _PACKAGE.parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "graph").is_dir() else None


def user_data_dir() -> Path:
    """The user's data directory for spacefilms (``$XDG_DATA_HOME/spacefilms``, else ``~/.local/share/spacefilms``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "spacefilms"


def store_path(path: str | Path | None = None) -> Path:
    """The store location: the argument, else ``$SPACEFILMS_STORE``, else the checkout's ``.spacefilms/store``,
    else ``store`` in the user's data directory. Always absolute, so it does not depend on the current folder."""
    chosen = path or os.environ.get(STORE_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    root = checkout()
    return (root / ".spacefilms" if root else user_data_dir()) / "store"


def links_path(store: str | Path | None = None) -> Path:
    """The reviewable links file written by ``link`` and read by ``enrich``/``discover``: ``graph/`` of the
    checkout (to review and commit), else beside the store (an installed package is never written to)."""
    root = checkout()
    return root / "graph" / LINKS_FILE if root else store_path(store).parent / LINKS_FILE


def site_path(store: str | Path | None = None) -> Path:
    """Where ``serve`` keeps the website of the store: ``site/`` beside the workspace's store (named ``store``), else
    ``<name>-site/`` beside a store called ``<name>``, so that two stores in one folder never share one site."""
    link = store_path(store)
    return link.parent / ("site" if link.name == "store" else f"{link.name}-site")


def data_dir(kind: str) -> Path:
    """Return the bundled directory ``kind`` (``graph``, ``ontologies`` or ``queries``).

    A wheel carries them under ``spacefilms/_data``; an editable install or a checkout
    finds them at the repository root.
    """
    root = checkout()
    for candidate in (_PACKAGE / "_data" / kind, *([root / kind] if root else [])):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled directory {kind!r} not found next to {_PACKAGE}")


def ontology_files() -> list[Path]:
    """The ontology and its mappings (the shapes are not data and stay out of the store)."""
    return [data_dir("ontologies") / name for name in ("spacefilms.ttl", "mappings.ttl")]


def shapes_file() -> Path:
    return data_dir("ontologies") / "shapes.ttl"


def copy_domains_file() -> Path:
    """The source policy's list of domains whose pages are never enough on their own."""
    return data_dir("ontologies") / "copy-domains.tsv"


# A recorded Wikidata enrichment shipped with the graph (see spacefilms.wikidata.enrichment); not curated facts.
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
