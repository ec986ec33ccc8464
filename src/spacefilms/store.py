"""The on-disk Oxigraph store, opened through rdflib, and its atomic replacement."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset

from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import PREFIXES

DEFAULT_STORE = Path(".spacefilms") / "store"


def store_path(path: str | Path | None = None) -> Path:
    """The store location: the argument, else ``$SPACEFILMS_STORE``, else ``.spacefilms/store``."""
    return Path(path or os.environ.get("SPACEFILMS_STORE") or DEFAULT_STORE)


def open_ox(path: str | Path | None = None) -> ox.Store:
    """Open the built store read-only with pyoxigraph."""
    location = store_path(path)
    if not location.exists():
        raise SpacefilmsError("no built store here: run `spacefilms build` first", str(location))
    try:
        return ox.Store.read_only(str(location.resolve()))
    except OSError as exc:
        raise SpacefilmsError(f"cannot open the store: {exc}", str(location)) from None


def open_dataset(path: str | Path | None = None) -> Dataset:
    """The built store as an rdflib Dataset (Oxigraph engine, default graph = union of all graphs)."""
    dataset = Dataset(store=OxigraphStore(store=open_ox(path)), default_union=True)
    for prefix, iri in PREFIXES.items():
        dataset.bind(prefix, iri)
    return dataset


@contextmanager
def staged_store(path: str | Path | None = None) -> Iterator[ox.Store]:
    """A new, empty on-disk store to fill in the ``with`` block; swapped in atomically when the block ends without
    error, deleted (leaving the old store in use) when it raises.

    The store path is a symlink to a versioned directory; the link is replaced with ``os.replace`` only once the
    new store is complete.
    """
    link = store_path(path)
    if link.exists() and not link.is_symlink():
        raise SpacefilmsError("exists and is not a spacefilms store link; remove it or pick another --store", str(link))
    link.parent.mkdir(parents=True, exist_ok=True)
    # A fresh directory every time: two replacements in the same second must not write into one store.
    target = Path(tempfile.mkdtemp(prefix=f"{link.name}-{time.strftime('%Y%m%dT%H%M%S')}-", dir=link.parent))
    try:
        store = ox.Store(str(target))
        yield store
        store.flush()
        del store
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    previous = link.resolve() if link.is_symlink() else None
    temp_link = link.parent / f".{link.name}.link-{os.getpid()}"
    temp_link.unlink(missing_ok=True)
    temp_link.symlink_to(target.name)
    os.replace(temp_link, link)
    if previous is not None and previous != target.resolve():
        shutil.rmtree(previous, ignore_errors=True)


def replace_store(quads: Iterable[ox.Quad], path: str | Path | None = None) -> Path:
    """Write ``quads`` to a new store and swap it in atomically (see :func:`staged_store`)."""
    with staged_store(path) as store:
        store.bulk_extend(quads)
    return store_path(path)
