"""Export the whole store (ontology included) to a standard RDF file, atomically."""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from spacefilms.core.backends import Backend, LocalBackend
from spacefilms.core.formats import EXPORT, formats, suffixes
from spacefilms.core.layout import has_merged_default_graph, manifest, published_quads
from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.namespaces import MANIFEST_GRAPH, MERGE_GRAPH, PREFIXES
from spacefilms.store.description import count, write_void

FORMATS = {name: f.rdf for name, f in formats(EXPORT).items() if f.rdf}
SUFFIXES = suffixes(EXPORT)  # what each file name ending means; .json is JSON-LD


def format_for(output: str | Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` when given (it must agree with the file name's ending, when that names one),
    else the one the ending names. A Turtle file never receives TriG."""
    named = SUFFIXES.get(Path(output).suffix.lower())
    if fmt is not None and fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt is not None and named is not None and named != fmt:
        raise SpacefilmsError(
            f"the name ends in {Path(output).suffix} ({named}) but --format {fmt} was asked: make them agree", str(output)
        )
    chosen = fmt or named
    if chosen is None:
        raise SpacefilmsError(
            f"cannot tell the format from the name; end it in {', '.join(SUFFIXES)} or give --format", str(output)
        )
    return chosen


def export(source: ox.Store | Backend, fmt: str, output: str | Path) -> Path:
    """Write the graph ``source`` holds (a store, or what a backend reads) to ``output`` in ``fmt`` (ttl, nt, trig,
    nq, jsonld).

    Dataset formats (trig, nq, jsonld) write one and the same dataset, the published layout (see
    :mod:`spacefilms.core.layout`): each fact in its source's named graph, their merge as the named graph
    ``…/graph/all`` and in the default graph, and the manifest; triple formats (ttl, nt) write the merge alone. The
    VoID description of the graph goes beside it, naming it as its dump (``graph.void.ttl`` for ``graph.trig``: see
    :mod:`spacefilms.store.description`).
    """
    backend = LocalBackend(source) if isinstance(source, ox.Store) else source
    if fmt not in FORMATS:
        raise SpacefilmsError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

    def write(out) -> None:
        if fmt == "nq" and isinstance(backend, LocalBackend) and _built(backend.store):
            _write_nquads(backend.store, out)
        elif fmt == "jsonld":
            out.write(_json_ld(published_quads(backend.quads(), default_graph=True)))
        elif rdf_format.supports_datasets:
            ox.serialize(published_quads(backend.quads(), default_graph=True), out, rdf_format, prefixes=prefixes)
        else:
            triples = backend.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {backend.graph_filter()} }}")
            ox.serialize(triples, out, rdf_format, prefixes=prefixes)

    # The description's counts are read while the data is written: both are scans Oxigraph runs without the GIL
    # (the counts were 17 s of a 45 s export at 1M triples, one after the other).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spacefilms-void") as pool:
        counting = pool.submit(count, backend)
        path = write_atomically(output, write)
        write_void(backend, path, counting.result())
    return path


def _built(store: ox.Store) -> bool:
    """Whether ``store`` is laid out as a build leaves it: no derived graph (merge, manifest) among its named graphs."""
    return not any(store.contains_named_graph(ox.NamedNode(graph)) for graph in (MERGE_GRAPH, MANIFEST_GRAPH))


def _write_nquads(store: ox.Store, out: BinaryIO) -> None:
    """The published layout of a built ``store`` in N-Quads, written by Oxigraph (no Python object per quad): the
    store's own dump (the named graphs, and the merge where the build stored it in the default graph), the graphs'
    triples again as the default graph where it did not (no triple repeats there, so they are the merge), the merge
    again under the name :data:`MERGE_GRAPH`, and the manifest. Blank nodes keep their labels across these, so they
    stay the same nodes."""
    merged = has_merged_default_graph(store)
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    store.dump(out, ox.RdfFormat.N_QUADS)
    with tempfile.TemporaryFile() as merge:
        for graph in [ox.DefaultGraph()] if merged else graphs:  # graph by graph: no set of every triple in memory
            store.dump(merge, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        merge.seek(0)
        if not merged:
            while chunk := merge.read(1 << 20):
                out.write(chunk)
            merge.seek(0)
        # An N-Triples line ends in " .\n" and nowhere else (a literal's line breaks are escaped): the graph name
        # goes before it.
        named = f" <{MERGE_GRAPH}> .\n".encode()
        while lines := merge.readlines(1 << 20):
            out.write(b"".join(line[:-3] + named for line in lines))
    ox.serialize(manifest([*(g.value for g in graphs), MERGE_GRAPH]), out, ox.RdfFormat.N_QUADS)


def _json_ld(quads: list[ox.Quad]) -> bytes:
    """JSON-LD with an ``@context`` of the project prefixes (compact IRIs such as ``schema:director``), one
    ``@graph`` per source and the default graph's nodes at the top: rdflib's JSON-LD writer, as pyoxigraph's writes
    expanded JSON-LD only. rdflib nests blank nodes recursively: a chain deeper than Python's stack is an error."""
    from rdflib import Dataset

    from spacefilms.core.results import rdflib_terms

    term, dataset = rdflib_terms(), Dataset()
    for quad in quads:
        triple = (term(quad.subject), term(quad.predicate), term(quad.object))
        dataset.add(triple if isinstance(quad.graph_name, ox.DefaultGraph) else (*triple, term(quad.graph_name)))
    try:
        document = json.loads(dataset.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True))
    except RecursionError:
        raise SpacefilmsError(
            "blank nodes nested too deep for the JSON-LD writer; export to TriG or N-Quads (same dataset)"
        ) from None
    # rdflib writes the default graph as a graph object without @id, which readers take for a blank-named graph:
    # its nodes go to the top level, where JSON-LD keeps the default graph.
    nodes = document.get("@graph", [])
    document["@graph"] = [n for n in nodes if n.keys() != {"@graph"}] + [
        m for n in nodes if n.keys() == {"@graph"} for m in n["@graph"]
    ]
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
