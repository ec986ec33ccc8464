"""Load the ontology and the curated fact files into an in-memory store, with file:line on any syntax error."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core.formats import LOAD, formats, suffixes
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import ONTOLOGY_GRAPH, PREFIXES
from spacefilms.store.stats import default_graph_size

_FORMATS = {suffix: formats(LOAD)[name].rdf for suffix, name in suffixes(LOAD).items()}


@dataclass
class LoadedData:
    """An in-memory store of the quads read from files, the curated files, and which of them left triples outside
    any named graph (and how many)."""

    store: ox.Store = field(default_factory=ox.Store)
    files: list[Path] = field(default_factory=list)
    default_graph_files: dict[Path, int] = field(default_factory=dict)

    @classmethod
    def of(cls, quads: Iterable[ox.Quad]) -> LoadedData:
        """Data that did not come from files (e.g. a store's quads plus a new Wikidata enrichment)."""
        data = cls()
        data.store.bulk_extend(quads)
        return data

    def curated_quads(self) -> int:
        """How many quads are not the ontology's."""
        return len(self.store) - sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))


def load_file(store: ox.Store, path: Path, graph: ox.NamedNode | None = None) -> None:
    """Load one RDF file into ``store`` (in Oxigraph's parser, without Python objects per quad); triples of a
    Turtle file go into ``graph`` when given.

    Raises :class:`SpacefilmsError` with ``file:line:column`` on a syntax error. A UTF-8 byte order mark (editors on
    Windows write one) is read as what it is, not as text.
    """
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise SpacefilmsError(f"unsupported file type {path.suffix!r} (use .ttl, .trig or .nq)", str(path))
    try:
        with open(path, "rb") as handle:
            if handle.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
                handle.seek(0)
            store.bulk_load(input=handle, format=fmt, to_graph=graph)
    except SyntaxError as exc:
        line, col = exc.lineno or 0, exc.offset or 0
        message = re.sub(
            r"^Parser error (between|at) line \d+ (column|between columns) \d+( and (line \d+ column )?\d+)?: ", "", exc.msg
        )
        raise SpacefilmsError(message, f"{path}:{line}:{col}") from None
    except OSError as exc:
        raise SpacefilmsError(exc.strerror or str(exc), str(path)) from None


def load(ontology_files: Iterable[Path], curated_files: Iterable[Path], progress=None) -> LoadedData:
    """Read the ontology (into its own graph) and every curated file into an in-memory store."""
    data = LoadedData()
    onto_graph = ox.NamedNode(ONTOLOGY_GRAPH)
    for path in ontology_files:
        load_file(data.store, path, onto_graph)
        if progress:
            progress(path)
    for path in curated_files:
        before = default_graph_size(data.store)
        load_file(data.store, path)
        data.files.append(path)
        if loose := default_graph_size(data.store) - before:
            data.default_graph_files[path] = loose
        if progress:
            progress(path)
    return data


class Locator:
    """Find the file and line where an IRI is first written as a subject (or at all)."""

    def __init__(self, files: Iterable[Path]) -> None:
        self._files = list(files)

    @cached_property
    def _texts(self) -> dict[Path, list[str]]:
        """The files' lines, read on the first lookup: a valid graph never needs them."""
        return {path: path.read_text(encoding="utf-8-sig").splitlines() for path in self._files}

    def _forms(self, iri: str) -> list[str]:
        forms = [f"<{iri}>"]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and iri != ns:
                forms.append(f"{prefix}:{iri[len(ns) :]}")
        return forms

    def locate(self, iri: str) -> str | None:
        forms = self._forms(iri)
        fallback = None
        for path, lines in self._texts.items():
            for number, line in enumerate(lines, 1):
                for form in forms:
                    match = re.search(re.escape(form) + r"(?=[\s;,{}()\[\]]|\.?$|\.\s)", line)
                    if match is None:
                        continue
                    if not line[: match.start()].strip():
                        return f"{path}:{number}"
                    fallback = fallback or f"{path}:{number}"
        return fallback
