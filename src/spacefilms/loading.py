"""Parse the ontology and the curated fact files into quads, with file:line on any syntax error."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import ONTOLOGY_GRAPH, PREFIXES

_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


@dataclass
class LoadedData:
    """Quads read from files, and where each curated graph and subject was written."""

    ontology: list[ox.Quad] = field(default_factory=list)
    curated: list[ox.Quad] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    default_graph_files: dict[Path, int] = field(default_factory=dict)

    @property
    def quads(self) -> list[ox.Quad]:
        return self.ontology + self.curated


def parse_file(path: Path, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file; triples of a Turtle file go into ``graph`` when given.

    Raises :class:`SpacefilmsError` with ``file:line:column`` on a syntax error.
    """
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise SpacefilmsError(f"unsupported file type {path.suffix!r} (use .ttl, .trig or .nq)", str(path))
    try:
        parsed = list(ox.parse(path=path, format=fmt))
        if graph is None:
            return parsed
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
    except SyntaxError as exc:
        line, col = exc.lineno or 0, exc.offset or 0
        message = re.sub(r"^Parser error (between|at) line \d+ column \d+( and line \d+ column \d+)?: ", "", exc.msg)
        raise SpacefilmsError(message, f"{path}:{line}:{col}") from None
    except OSError as exc:
        raise SpacefilmsError(exc.strerror or str(exc), str(path)) from None


def load(ontology_files: Iterable[Path], curated_files: Iterable[Path], progress=None) -> LoadedData:
    """Read the ontology (into its own graph) and every curated file."""
    data = LoadedData()
    onto_graph = ox.NamedNode(ONTOLOGY_GRAPH)
    for path in ontology_files:
        data.ontology.extend(parse_file(path, onto_graph))
        if progress:
            progress(path)
    for path in curated_files:
        quads = parse_file(path)
        data.files.append(path)
        loose = sum(1 for q in quads if isinstance(q.graph_name, ox.DefaultGraph))
        if loose:
            data.default_graph_files[path] = loose
        data.curated.extend(quads)
        if progress:
            progress(path)
    return data


class Locator:
    """Find the file and line where an IRI is first written as a subject (or at all)."""

    def __init__(self, files: Iterable[Path]) -> None:
        self._texts = {path: path.read_text(encoding="utf-8").splitlines() for path in files}

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
