"""Building the store: counts, validation errors with file and line, and nothing lost on failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DATA, MINI, PREFIX_LINES
from synthetic import BASE as SYNTHETIC
from synthetic import generate

from spacefilms.core.backends import LocalBackend
from spacefilms.core.layout import named_quads, open_ox
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import BUILD_GRAPH, PREFIXES, QUERIES_GRAPH, RDFS, SCHEMA, SF, SFR, SOURCES_GRAPH
from spacefilms.store.build import ValidationFailed, build, load_and_validate
from spacefilms.store.stats import graph_stats


def test_bundled_build_counts(built_store: Path) -> None:
    stats = graph_stats(LocalBackend(built_store))
    assert stats.curated_triples > 1000
    assert stats.sources >= 30
    assert stats.entity_count(str(SCHEMA.Person)) >= 25
    assert stats.entity_count(str(SF.Spaceflight)) >= 2
    assert stats.entity_count(str(SF.SpaceFilmProject)) >= 6  # the two racing projects and the announced ones
    assert stats.built_at is not None


@pytest.mark.parametrize("repeated", [False, True])
def test_curated_facts_are_counted_once_whether_or_not_a_triple_repeats(repeated: bool) -> None:
    """Without a repeated triple the count skips its DISTINCT pass; with one, a fact two pages state counts once."""
    film, name = ox.NamedNode(f"{SFR}film"), ox.NamedNode(str(RDFS.label))
    pages = [ox.NamedNode(f"https://example.org/{n}") for n in range(2)]
    store = ox.Store()
    store.extend(ox.Quad(film, name, ox.Literal(f"title {n}"), page) for n, page in enumerate(pages))
    store.add(ox.Quad(film, name, ox.Literal("title 0" if repeated else "title 2"), pages[1]))
    store.add(ox.Quad(film, name, ox.Literal("not curated"), ox.NamedNode(SOURCES_GRAPH)))
    stats = graph_stats(LocalBackend(store))
    assert (stats.quads, stats.triples, stats.curated_triples) == ((4, 3, 2) if repeated else (4, 4, 3))


def test_cli_build_prints_summary(cli, tmp_path: Path) -> None:
    result = cli("build", "--graph-dir", str(MINI), store=tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert "Triples:" in result.stdout
    assert "film" in result.stdout and "person" in result.stdout
    assert (tmp_path / "store").is_symlink()


def _add_file(graph: Path, name: str, *body: str) -> Path:
    """Write a curated file with the project prefixes; body line n lands on line len(PREFIX_LINES) + n."""
    path = graph / name
    path.write_text("\n".join([*PREFIX_LINES, *body]) + "\n")
    return path


def _copy_mini(tmp_path: Path) -> Path:
    graph = tmp_path / "graph"
    shutil.copytree(MINI, graph)
    return graph


def _store_fingerprint(store: Path) -> tuple[str, int]:
    return os.readlink(store), len(open_ox(store))


def test_malformed_turtle_names_file_and_line_and_keeps_store(cli, tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph = _copy_mini(tmp_path)
    assert cli("build", "--graph-dir", str(graph), store=store).exit_code == 0
    before = _store_fingerprint(store)
    bad = graph / "broken.trig"
    bad.write_text(
        '@prefix sfr: <https://w3id.org/spacefilms/resource/> .\n<https://example.org/s> {\n  sfr:x sfr:y "open string .\n}\n'
    )
    result = cli("build", "--graph-dir", str(graph), store=store)
    assert result.exit_code == 1
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1
    assert f"{bad}:3:" in error_lines[0]
    assert _store_fingerprint(store) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("store")) == ["store", Path(before[0]).name]


def test_shacl_violation_is_reported_with_location_and_keeps_store(cli, tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph = _copy_mini(tmp_path)
    assert cli("build", "--graph-dir", str(graph), store=store).exit_code == 0
    before = _store_fingerprint(store)
    invalid = _add_file(
        graph,
        "invalid.trig",
        "<https://example.org/test-source> {",
        '  sfr:bad-film a schema:Movie ; rdfs:label "Bad"@en ; schema:director sfr:not-a-person .',
        '  sfr:not-a-person a schema:Organization ; rdfs:label "Some company"@en .',
        "}",
    )
    result = cli("build", "--graph-dir", str(graph), store=store)
    assert result.exit_code == 1
    assert f"{invalid}:{len(PREFIX_LINES) + 2}: <https://w3id.org/spacefilms/resource/bad-film>" in result.stderr
    assert "schema:director must be a schema:Person" in result.stderr
    assert _store_fingerprint(store) == before


def test_store_path_that_is_a_real_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "keep.txt").write_text("mine")
    with pytest.raises(SpacefilmsError, match="not a spacefilms store link"):
        build(MINI, tmp_path / "store")
    assert (tmp_path / "store" / "keep.txt").read_text() == "mine"


def test_validate_command_reports_ok(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK:")


def test_store_holds_exactly_the_validated_quads(tmp_path: Path) -> None:
    """The on-disk store is written from the files while the in-memory copy is validated: both must agree."""
    build(MINI, tmp_path / "store")
    records = (ox.NamedNode(BUILD_GRAPH), ox.NamedNode(QUERIES_GRAPH))  # written by the build, not read from files
    stored = {q for q in open_ox(tmp_path / "store") if q.graph_name not in records}
    assert stored == set(load_and_validate(MINI).store)
    assert len(list(open_ox(tmp_path / "store").quads_for_pattern(None, None, None, ox.NamedNode(BUILD_GRAPH)))) == 2


def test_a_source_or_link_iri_that_is_not_http_is_refused(cli, tmp_path: Path) -> None:
    """Pages link to sources and to other sites: a ``javascript:`` IRI there would run when clicked."""
    store, graph = tmp_path / "store", _copy_mini(tmp_path)
    assert cli("build", "--graph-dir", str(graph), store=store).exit_code == 0
    before = _store_fingerprint(store), sorted(p.name for p in tmp_path.iterdir())
    hostile = _add_file(
        graph,
        "hostile.trig",
        f"<{SOURCES_GRAPH}> {{",
        '  <javascript:alert(1)> a sf:Source ; rdfs:label "a script"@en ; sf:sourceKind sf:NewsSource .',
        "}",
        "<https://example.org/test-source> {",
        "  sfr:test-film schema:url <JavaScript:alert(2)> .",
        "}",
        "<javascript:alert(1)> {",
        '  sfr:test-film rdfs:comment "stated by a script" .',
        "}",
    )
    expected = [
        f"error: {hostile}:{len(PREFIX_LINES) + n}: <{iri}>: a source/link IRI must be http(s)"
        for n, iri in ((2, "javascript:alert(1)"), (5, "JavaScript:alert(2)"))
    ]
    for command in ("validate", "build"):
        result = cli(command, "--graph-dir", str(graph), store=store)
        assert result.exit_code == 1, command
        errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error:"))
        assert len(errors) == 2 and all(line.startswith(e) for line, e in zip(errors, sorted(expected))), errors
        assert (_store_fingerprint(store), sorted(p.name for p in tmp_path.iterdir())) == before


def _write_synthetic(tmp_path: Path, drop_labels_of: str | None = None) -> Path:
    graph = tmp_path / "graph"
    graph.mkdir()
    quads = [q for q in generate(3000) if not (q.subject.value == drop_labels_of and q.predicate.value == str(RDFS.label))]
    (graph / "synthetic.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return graph


def test_synthetic_benchmark_graph_passes_the_build_checks(tmp_path: Path) -> None:
    """The benchmark's synthetic graph is a valid spacefilms graph, so benchmarks time real validation work."""
    report = build(_write_synthetic(tmp_path), tmp_path / "store")
    assert report.stats.entity_count(str(SCHEMA.Person)) == 108
    assert report.stats.entity_count(str(SF.SpaceFilmProject)) == 54


def test_repeated_facts_are_merged_once_in_the_default_graph(built_store: Path) -> None:
    """Sources agree, so triples repeat across graphs: the default graph holds each once, and queries read it."""
    from spacefilms.core.backends import LocalBackend
    from spacefilms.core.layout import has_merged_default_graph, query_options

    store = open_ox(built_store)
    assert has_merged_default_graph(store) and query_options(store) == {}
    merged = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == {q.triple for q in named_quads(store)}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?m a sf:Milestone ; sf:milestoneOf ?p }"
    milestones = {(q.subject, q.object) for q in store.quads_for_pattern(None, ox.NamedNode(str(SF.milestoneOf)), None, None)}
    assert int(LocalBackend(built_store).run(count).rows[0][0].value) == len(milestones)
    assert int(next(iter(store.query(count, use_default_graph_as_union=True, prefixes=PREFIXES)))[0].value) > len(milestones)


def test_a_graph_without_repeated_facts_stores_no_merge(tmp_path: Path) -> None:
    from spacefilms.core.layout import has_merged_default_graph, query_options

    build(_write_synthetic(tmp_path), tmp_path / "store")
    store = open_ox(tmp_path / "store")
    assert not has_merged_default_graph(store) and query_options(store) == {"use_default_graph_as_union": True}


# ---------------------------------------------------------------- what the build refuses, and how it says so


def _at(name: str, line: int) -> str:
    """Where a problem lies: line ``line`` of the body of a file written by :func:`_add_file`."""
    return f"{name}:{len(PREFIX_LINES) + line}"


def _declared(source: str, kind: str, fact: str) -> list[str]:
    """A file's body: ``source`` declared a source of ``kind``, and its graph stating ``fact``."""
    sources = f'  <{source}> a sf:Source ; rdfs:label "a page"@en ; sf:sourceKind {kind} .'
    return [f"<{SOURCES_GRAPH}> {{", sources, "}", f"<{source}> {{", f"  {fact}", "}"]


def _refused(
    case: str, files: dict[str, list[str]], *problems: tuple[str, str, str], base: Callable[[Path], Path] = _copy_mini
) -> object:
    """A case: ``files`` added to the graph folder ``base`` makes (from the mini graph unless given), and every problem
    the build must name, as (where in that folder, focus, the message's beginning)."""
    return pytest.param(base, files, problems, id=case)


_DEEP = {"chain": "[ schema:about " * 10_000 + "<https://example.org/x>" + " ]" * 10_000, "list": "(" + " 1" * 10_000 + " )"}
_SYNTHETIC_PERSON = f"{SYNTHETIC}person/3"
_UNSOURCED = ["<https://example.org/undeclared> {", '  sfr:test-film rdfs:comment "no source declared" .', "}"]
_UNLABELLED = [
    "<https://example.org/test-source> {",
    "  sfr:test-film schema:actor sfr:nameless .",
    "  sfr:nameless a schema:Person .",
    "  sfr:test-film schema:producer sfr:typeless .",
    "}",
]
NAMELESS, TYPELESS, FILM = (f"<{SFR[name]}>" for name in ("nameless", "typeless", "test-film"))
NO_LABEL = ("has no English rdfs:label", "needs an English rdfs:label (@en)", "needs one rdfs:label per language")
REFUSED = [
    _refused(
        "fact-in-an-undeclared-graph",
        {"unsourced.trig": _UNSOURCED},
        (_at("unsourced.trig", 1), "<https://example.org/undeclared>", "source graph is not declared"),
    ),
    _refused(
        "triples-outside-any-source-graph",
        {"loose.ttl": ['sfr:test-film rdfs:comment "loose" .']},
        ("loose.ttl", "default graph", "1 triple(s) outside any source graph"),
    ),
    _refused(
        "unlabelled-and-untyped-resources",
        {"unlabelled.trig": _UNLABELLED},
        *((_at("unlabelled.trig", 3), NAMELESS, message) for message in NO_LABEL),
        (_at("unlabelled.trig", 4), TYPELESS, "has no rdf:type"),
        (_at("unlabelled.trig", 4), TYPELESS, "has no English rdfs:label"),
        ("facts.trig:13", FILM, "schema:producer must be a schema:Person"),
    ),
    _refused(
        "an-untyped-resource",
        {"typeless.trig": ["<https://example.org/test-source> {", "  sfr:test-film schema:producer sfr:typeless .", "}"]},
        (_at("typeless.trig", 2), TYPELESS, "has no rdf:type"),
        (_at("typeless.trig", 2), TYPELESS, "has no English rdfs:label"),
        ("facts.trig:13", FILM, "schema:producer must be a schema:Person"),
    ),
    _refused(
        "synthetic-entity-without-label",
        {},
        *(("synthetic.nq:2505", f"<{_SYNTHETIC_PERSON}>", message) for message in NO_LABEL),
        base=lambda tmp_path: _write_synthetic(tmp_path, drop_labels_of=_SYNTHETIC_PERSON),
    ),
    _refused(
        "fact-only-on-a-secondary-copy",
        {
            "copy.trig": _declared(
                "https://mirror.example/wiki/Film", "sf:SecondaryCopy", 'sfr:test-film rdfs:comment "only a mirror says so" .'
            )
        },
        (
            _at("copy.trig", 5),
            "<https://mirror.example/wiki/Film>",
            'fact sfr:test-film rdfs:comment "only a mirror says so" rests only on secondary copies',
        ),
    ),
    _refused(  # a listed domain is a copy whatever it says
        "listed-copy-domain-passed-as-news",
        {
            "farm.trig": _declared(
                "https://juksun.com/movie/test/", "sf:NewsSource", 'sfr:test-film schema:duration "PT95M"^^xsd:duration .'
            )
        },
        ("facts.trig:13", "<https://juksun.com/movie/test/>", "fact sfr:test-film schema:duration"),
        (_at("farm.trig", 2), "<https://juksun.com/movie/test/>", "on a listed copy domain (SEO template"),
    ),
    _refused(
        "source-without-kind",
        {
            "kindless.trig": [
                f"<{SOURCES_GRAPH}> {{",
                '  <https://news.example/a> a sf:Source ; rdfs:label "a page"@en .',
                "}",
                "<https://news.example/a> {",
                '  sfr:test-film rdfs:comment "a comment" .',
                "}",
            ]
        },
        (_at("kindless.trig", 2), "<https://news.example/a>", "a source needs exactly one sf:sourceKind"),
    ),
    *(  # writers and readers of RDF recurse over nested blank nodes (JSON-LD, rdflib): refused where written
        _refused(
            f"blank-nodes-nested-too-deep-{shape}",
            {
                "deep.trig": [
                    f'<{SOURCES_GRAPH}> {{ <https://example.org/deep-page> a sf:Source ; rdfs:label "A deep page"@en ; '
                    "sf:sourceKind sf:NewsSource . }",
                    f'<https://example.org/deep-page> {{ sfr:deep-work a schema:Movie ; rdfs:label "Deep"@en ; schema:about {deep} . }}',
                ]
            },
            (
                _at("deep.trig", 2),
                f"<{SFR['deep-work']}>",
                "blank nodes nested more than 64 deep (a list or chain of nodes): write them as IRIs",
            ),
        )
        for shape, deep in _DEEP.items()
    ),
]


@pytest.mark.parametrize(("base", "files", "problems"), REFUSED)
def test_bad_data_is_refused_with_every_problem_named_and_the_store_kept(
    tmp_path: Path, base: Callable[[Path], Path], files: dict[str, list[str]], problems: tuple[tuple[str, str, str], ...]
) -> None:
    store = tmp_path / "store"
    build(MINI, store)
    before = _store_fingerprint(store), sorted(p.name for p in tmp_path.iterdir())
    graph = base(tmp_path)
    for name, body in files.items():
        _add_file(graph, name, *body)
    with pytest.raises(ValidationFailed) as failure:
        build(graph, store)
    found = sorted((p.where, p.focus, p.message) for p in failure.value.problems)
    expected = sorted((str(graph / where), focus, start) for where, focus, start in problems)
    assert [(where, focus) for where, focus, _ in found] == [(where, focus) for where, focus, _ in expected], found
    assert all(message.startswith(start) for (*_, message), (*_, start) in zip(found, expected)), found
    assert (_store_fingerprint(store), sorted(p.name for p in tmp_path.iterdir() if p.name != "graph")) == before


# ---------------------------------------------------------------- the source policy


def test_a_fact_also_on_a_citable_page_may_be_restated_by_a_copy(tmp_path: Path) -> None:
    graph = _copy_mini(tmp_path)
    fact = "sfr:test-film schema:director sfr:test-director ."
    _add_file(graph, "copy.trig", *_declared("https://mirror.example/wiki/Film", "sf:SecondaryCopy", fact))
    assert build(graph, tmp_path / "store").files == 2


def test_the_copy_domain_list_is_well_formed_and_used(tmp_path: Path) -> None:
    from spacefilms.store.source_policy import read_copy_domains
    from spacefilms.workspace import copy_domains_file

    domains = read_copy_domains(copy_domains_file())
    assert len(domains) > 50 and all(d.reason for d in domains)
    bad = tmp_path / "domains.tsv"
    bad.write_text("domain\twhat\treason\nhttps://x.example/\tmirror\n", encoding="utf-8")
    with pytest.raises(SpacefilmsError, match=r"domains.tsv:2"):
        read_copy_domains(bad)


def test_what_killed_runs_left_is_cleaned_by_the_next(tmp_path: Path) -> None:
    import subprocess
    import sys

    graph, store = _copy_mini(tmp_path), tmp_path / "store"
    build(graph, store)
    current = os.readlink(store)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    half = tmp_path / f"store-p{dead}-20260101T000000-abc"  # a build killed half-way
    half.mkdir()
    (half / "000001.sst").write_bytes(b"x" * 1000)
    stale = tmp_path / f".export.ttl.spacefilms-tmp-{dead}-xyz12345"  # an export killed half-way
    stale.write_bytes(b"partial")
    build(graph, store)
    assert not half.exists() and (tmp_path / os.readlink(store)).is_dir() and os.readlink(store) != current
    from spacefilms.files import write_atomically

    write_atomically(tmp_path / "export.ttl", lambda out: out.write(b"# whole\n"))
    assert not stale.exists() and (tmp_path / "export.ttl").read_bytes() == b"# whole\n"


def test_outputs_are_regular_files_or_links_to_them(tmp_path: Path) -> None:
    from spacefilms.files import write_atomically

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(SpacefilmsError, match="not a regular file"):
        write_atomically(fifo, lambda out: out.write(b"x"))
    assert fifo.exists() and not fifo.is_file()
    real, link = tmp_path / "real.ttl", tmp_path / "link.ttl"
    real.write_bytes(b"old")
    link.symlink_to(real)
    write_atomically(link, lambda out: out.write(b"new"))
    assert link.is_symlink() and real.read_bytes() == b"new"  # the link is followed, not replaced
    with pytest.raises(SpacefilmsError, match="not a regular file"):
        write_atomically("/dev/null", lambda out: out.write(b"x"))


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph folder whose build takes seconds: long enough to be stopped inside it."""
    folder = tmp_path_factory.mktemp("big")
    ox.serialize(generate(300_000), folder / "synthetic.nq", ox.RdfFormat.N_QUADS)
    return folder


@pytest.mark.parametrize(("signal_name", "status"), [("SIGINT", 1), ("SIGTERM", 143)])
def test_a_build_stopped_by_a_signal_stops_midway_and_leaves_the_previous_store(
    tmp_path: Path, big_graph: Path, signal_name: str, status: int
) -> None:
    import signal
    import subprocess
    import sys

    store = tmp_path / "store"
    build(DATA / "mini", store)
    previous = os.readlink(store)
    spacefilms = str(Path(sys.executable).parent / "spacefilms")
    process = subprocess.Popen(
        [spacefilms, "--store", str(store), "build", "--graph-dir", str(big_graph)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it: a suite started in the background (`make stress &`) passes SIGINT on
        # ignored, and Python then never turns it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for line in process.stderr:  # the build has begun: seconds of parsing, loading and checking lie ahead
        if "parsed" in line:
            break
    process.send_signal(getattr(signal, signal_name))
    out, _ = process.communicate(timeout=120)
    assert process.returncode == status and "Built" not in out  # stopped, not finished
    assert os.readlink(store) == previous and sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", previous])
    assert LocalBackend(store).select("SELECT ?f WHERE { ?f a <http://schema.org/Movie> }").rows  # still answers
