"""The on-disk Oxigraph store and its atomic replacement.

The store's path is a symlink to a version folder ``<name>-p<pid>-<time>-<random>``; a build writes a new version
(holding it while it does) and swaps the link. Readers hold the version they opened
(:func:`spacefilms.files.hold_shared`, taken by :func:`spacefilms.core.layout.open_ox`), and a build removes every
other version only when no process holds it: one still read stays until a later build finds it free.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.backends import LocalBackend
from spacefilms.errors import SpacefilmsError
from spacefilms.files import holding, remove_unheld
from spacefilms.store.stats import quad_count, triple_count
from spacefilms.workspace import store_path


def add_merge(store: ox.Store, repeated: bool | None = None) -> None:
    """Put the merge of all named graphs of ``store`` (each triple once, the same blank nodes) in its default graph
    if some triple is stated in more than one graph (``repeated``, counted here unless the caller knows); otherwise
    the union already counts each triple once and nothing is added.

    The named graphs' quads stream into Oxigraph's bulk loader as default-graph quads (the store keeps each triple
    once): no list of them in memory (a million took a GB), the blank nodes stay the same (a bulk load of a dump
    would rename them); at a million triples 28 s, 460 MB on disk, against 43 s and 910 MB for one SPARQL ``INSERT``."""
    if repeated is None:
        repeated = triple_count(LocalBackend(store)) < quad_count(store)
    if not repeated:
        return
    named = (quad for graph in store.named_graphs() for quad in store.quads_for_pattern(None, None, None, graph))
    store.bulk_extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in named)


def _remove(directory: Path, attempts: int = 50) -> None:
    """Delete a store directory; a store still open may write a last file (a RocksDB compaction) while it goes."""
    for _ in range(attempts):
        shutil.rmtree(directory, ignore_errors=True)
        if not directory.exists():
            return
        time.sleep(0.1)


def _remove_old_versions(link: Path) -> None:
    """Remove the version folders of ``link`` other than the one it points to, except those a build or a reader
    holds. Only names of exactly the form this module gives them are touched."""
    current = link.resolve() if link.is_symlink() else None
    versions = re.compile(re.escape(f"{link.name}-p") + r"[0-9]+-[0-9]{8}T[0-9]{6}-[a-z0-9_]+")
    try:
        found = [entry for entry in link.parent.iterdir() if versions.fullmatch(entry.name) and entry != current]
    except OSError:
        return
    for entry in found:
        remove_unheld(entry)


@contextmanager
def staged_store(path: str | Path | None = None) -> Iterator[ox.Store]:
    """A new, empty on-disk store to fill in the ``with`` block; swapped in atomically when the block ends without
    error, deleted (leaving the old store in use) when it raises.

    The store path is a symlink to a versioned directory; the link is replaced with ``os.replace`` only once the
    new store is complete and closed. The block must drop its own references to the store before it ends: only then
    does the last reference, held here, close it, and a reader never opens files the writer is still compacting
    (seen: a read right after a build failed on a deleted ``.sst`` file).
    """
    link = store_path(path)
    if link.exists() and not link.is_symlink():
        raise SpacefilmsError("exists and is not a spacefilms store link; remove it or pick another --store", str(link))
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpacefilmsError(f"cannot create the store's folder: {exc.strerror or exc}", str(link.parent)) from None
    # What a killed build left and superseded versions (no build writing them, no reader left) go first; then a fresh
    # directory named by this process, so that two replacements in the same second never write into one store.
    _remove_old_versions(link)
    with ExitStack() as held:
        try:
            target = Path(
                tempfile.mkdtemp(prefix=f"{link.name}-p{os.getpid()}-{time.strftime('%Y%m%dT%H%M%S')}-", dir=link.parent)
            )
            held.enter_context(holding(target))  # until it is swapped in: no other build takes it for an old version
        except OSError as exc:
            raise SpacefilmsError(f"cannot write a store here: {exc.strerror or exc}", str(link.parent)) from None
        try:
            try:
                store = ox.Store(str(target))
            except OSError as exc:
                raise SpacefilmsError(f"cannot create the store: {exc}", str(target)) from None
            yield store
            store.flush()
            del store
        except (KeyboardInterrupt, SystemExit):
            # Interrupted: a thread may still be writing into it (its new files fail once the folder is gone). Half a
            # second at most, to stop at once; anything left is removed by the next run.
            _remove(target, attempts=5)
            raise
        except BaseException:
            _remove(target)
            raise
        previous = link.resolve() if link.is_symlink() else None
        temp_link = link.parent / f".{link.name}.link-{os.getpid()}"
        temp_link.unlink(missing_ok=True)
        temp_link.symlink_to(target.name)
        os.replace(temp_link, link)
    if previous is not None and previous != target.resolve():
        remove_unheld(previous)  # else a reader still has it: a later build removes it


def replace_store(quads: Iterable[ox.Quad], path: str | Path | None = None) -> Path:
    """Write the named-graph ``quads`` to a new store, with their merge in the default graph when some triple
    repeats (see :func:`add_merge`), and swap it in atomically (see :func:`staged_store`). Quads in the
    default graph are left out: the merge is derived again."""
    from spacefilms.threads import in_background

    def fill(store: ox.Store) -> None:
        store.bulk_extend(quad for quad in quads if not isinstance(quad.graph_name, ox.DefaultGraph))
        add_merge(store)

    with staged_store(path) as store:
        in_background(fill, store)  # Ctrl-C stops it at once
        del store  # the store closes before it is swapped in (see staged_store)
    return store_path(path)
