"""The README's Python example runs as written and prints what it promises."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import shlex
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT

from spacefilms.namespaces import RDF

README = ROOT / "README.md"
SERVE_URL = "http://127.0.0.1:7878/query"  # where the README's blocks find `spacefilms serve`


def python_blocks() -> list[tuple[int, str]]:
    """Every ```python block of the README, with the line it starts on."""
    text = README.read_text(encoding="utf-8")
    return [
        (text[: m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"^```python\n(.*?)^```", text, re.DOTALL | re.M)
    ]


@pytest.mark.system  # starts a server itself
def test_every_python_block_runs_and_prints_what_it_promises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks run in order in one fresh folder, as a reader would paste them: the first builds the store; a
    block that asks `spacefilms serve` asks one started here on the built store."""
    from served import Served

    monkeypatch.setenv("SPACEFILMS_STORE", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    printed, server = [], None
    try:
        for line, block in python_blocks():
            if SERVE_URL in block:
                server = server or Served(tmp_path / "store")
                block = block.replace(SERVE_URL, server.endpoint)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile("\n" * (line - 1) + block, str(README), "exec"), {})
            text = out.getvalue().strip()
            printed.append(tuple(map(int, text.split())) if re.fullmatch(r"[\d ]+", text) else ast.literal_eval(text))
    finally:
        if server:
            server.stop()
    performers, network_labels, (films, directed) = printed  # one answer per block: a new block needs its assertion
    from spacefilms.core.backends import LocalBackend

    store = LocalBackend(tmp_path / "store")
    assert films == len(store.select("SELECT ?film WHERE { ?film a schema:Movie }")) >= 20
    assert directed == len(store.select("SELECT DISTINCT ?f ?d WHERE { ?f schema:director ?d }")) >= 10
    assert {"Yulia Peresild", "Oleg Novitsky"} <= set(performers) and performers == sorted(performers)
    assert (tmp_path / "store").is_symlink()
    drawn = (tmp_path / "film-world.svg").read_text(encoding="utf-8")
    assert drawn.startswith("<?xml") and "Klim Shipenko" in drawn
    assert {"The Challenge", "Klim Shipenko"} <= set(network_labels)


def test_the_command_table_names_every_command() -> None:
    from spacefilms.cli import COMMANDS

    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("## Queries", 1)[0]
    named = set(re.findall(r"`spacefilms (\w+)", table)) | set(re.findall(r"/ `(\w+)`", table))
    assert named == set(COMMANDS)


def test_the_sources_section_shows_what_stats_prints(cli) -> None:
    result = cli("stats", "--sources")
    assert result.exit_code == 0, result.output
    printed = result.stdout[result.stdout.index("Sources by kind") :].rstrip("\n")
    section = README.read_text(encoding="utf-8").split("$ spacefilms stats --sources\n…\n", 1)[1].split("```", 1)[0]
    assert section.rstrip("\n") == printed


def test_the_build_sample_is_what_a_build_prints(cli, tmp_path: Path) -> None:
    result = cli("build", store=tmp_path / "store")
    assert result.exit_code == 0, result.output
    sample = README.read_text(encoding="utf-8").split("$ spacefilms build\n", 1)[1].split("```", 1)[0].splitlines()
    printed = result.stdout.splitlines()
    assert (
        re.sub(r"Built \S+ ", "Built STORE ", sample[0]).split(" in ")[0]
        == re.sub(r"Built \S+ ", "Built STORE ", printed[0]).split(" in ")[0]
    )
    assert sample[1:3] == printed[1:3]  # triples, facts, quads, sources
    assert sample[3].startswith("Built at: ") and printed[3].startswith("Built at: ")
    shown = [line for line in sample[4:] if line.strip() != "…"]
    assert shown == printed[4 : 4 + len(shown)]  # the first classes and their counts


def test_the_query_table_lists_every_bundled_query() -> None:
    from spacefilms.core.library import list_queries

    table = README.read_text(encoding="utf-8").split("## Queries", 1)[1].split("```", 1)[0]
    assert set(re.findall(r"^\| `([\w-]+)` \|", table, re.MULTILINE)) == {q.name for q in list_queries()}


def test_the_markdown_sample_is_what_the_query_prints(cli) -> None:
    sample = (
        README.read_text(encoding="utf-8").split("$ spacefilms query flight-crews --format markdown\n", 1)[1].split("```", 1)[0]
    )
    assert cli("query", "flight-crews", "--format", "markdown").stdout == sample


def test_the_data_model_picture_has_the_key_edges() -> None:
    """The picture of the README (make images) is drawn from ontologies/ and shows the paths a question follows."""
    from spacefilms.diagrams.drawing import figure
    from spacefilms.diagrams.model_picture import FACT, IN_GRAPH, PICTURED, model_diagram, model_network
    from spacefilms.namespaces import RDFS, SCHEMA, SF

    net = model_network(PICTURED)
    value = next(n for n in net.successors(str(SF.CastRole)) if net.nodes[n]["label"] == "value")
    key_edges = {
        (str(SCHEMA.Movie), str(RDFS.subClassOf), str(SCHEMA.CreativeWork)),  # a film is a work
        (str(SCHEMA.CreativeWork), str(SF.hasCastRole), str(SF.CastRole)),  # film -> cast role
        (str(SF.CastRole), str(SF.performer), str(SCHEMA.Person)),  # -> performer
        (str(SF.CastRole), str(SF.character), value),  # -> character
        (str(SCHEMA.Person), str(SF.flewUpOn), str(SF.Spaceflight)),
        (str(SCHEMA.Person), str(SF.cameBackOn), str(SF.Spaceflight)),
        (str(SCHEMA.CreativeWork), str(SCHEMA.recordedAt), str(SF.Spaceflight)),  # work -> recorded during -> flight
        (str(SCHEMA.CreativeWork), str(SF.workKind), str(SF.WorkKind)),
        (FACT, IN_GRAPH, str(SF.Source)),  # fact -> named graph = source page
        (str(SF.Source), str(SF.sourceKind), str(SF.SourceKind)),  # -> kind
    }
    assert key_edges <= {(a, key, b) for a, b, key in net.edges(keys=True)}
    assert net.nodes[str(SCHEMA.Person)]["label"] == "schema:Person"
    assert set(model_network().edges(keys=True)) >= set(net.edges(keys=True))  # a part of the whole vocabulary
    drawn = {text.get_text() for axes in figure(model_diagram(net))[0].axes for text in axes.texts}
    named = {net.edges[a, b, key]["label"] for a, key, b in key_edges}  # each key relation named on its line
    assert all(any(name in text for text in drawn) for name in named), named - drawn
    assert "docs/images/data-model.png" in README.read_text(encoding="utf-8")
    assert (README.parent / "docs" / "images" / "data-model.png").stat().st_size > 50_000


def section(title: str) -> str:
    """The README's ``## title`` section, up to the next one."""
    return README.read_text(encoding="utf-8").split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_contents_list_every_section() -> None:
    text = README.read_text(encoding="utf-8")
    listed = re.findall(r"^- \[([^]]+)\]\(#([\w-]+)\)", section("Contents"), re.MULTILINE)
    headings = [h for h in re.findall(r"^## (.+)$", text, re.MULTILINE) if h != "Contents"]
    assert [name for name, _ in listed] == headings
    assert [anchor for _, anchor in listed] == [re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings]


def test_the_prefix_table_is_what_prefixes_prints(cli) -> None:
    shown = section("The data model").split("$ spacefilms prefixes\n", 1)[1].split("```", 1)[0]
    assert shown == cli("prefixes").stdout


def test_each_worked_question_prints_what_the_readme_shows(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ```sparql block of "Ask your own question", saved under the name its ```text block runs, prints that
    block's answer (as a terminal 160 columns wide prints it: no cell wrapped)."""
    monkeypatch.setenv("COLUMNS", "160")
    pairs = re.findall(r"```sparql\n(.*?)```\n\n```text\n(.*?)```", section("Ask your own question"), re.DOTALL)
    assert len(pairs) == 3
    for query, sample in pairs:
        runs = re.split(r"^\$ spacefilms (.*)\n", sample, flags=re.MULTILINE)[1:]
        for command, shown in zip(runs[::2], runs[1::2]):
            args = shlex.split(command)
            (tmp_path / args[args.index("--file") + 1]).write_text(query, encoding="utf-8")
            args[args.index("--file") + 1] = str(tmp_path / args[args.index("--file") + 1])
            result = cli(*args)
            assert result.exit_code == 0, result.output
            assert result.stdout == shown, command


def test_the_counts_of_a_build_are_explained(local) -> None:
    """The explanation under the build sample gives each part of the quads, as the store holds them."""
    from spacefilms.namespaces import BUILD_GRAPH, ONTOLOGY_GRAPH, QUERIES_GRAPH, SOURCES_GRAPH

    quads = {g: 0 for g in (SOURCES_GRAPH, ONTOLOGY_GRAPH, QUERIES_GRAPH, BUILD_GRAPH)}
    facts: dict[tuple, set] = {}
    for quad in local.quads(None, None, None, None):
        graph = getattr(quad.graph_name, "value", "")
        if graph in quads:
            quads[graph] += 1
        elif graph:
            facts.setdefault((quad.subject, quad.predicate, quad.object), set()).add(graph)
    pages = len({g for graphs in facts.values() for g in graphs})
    in_sources, sources, ontology, queries, build = sum(map(len, facts.values())), *quads.values()
    once = sum(1 for graphs in facts.values() if len(graphs) == 1)
    text = " ".join(section("Commands").split("The three counts of the second line", 1)[1].split("\n\n", 2)[1].split())
    total = in_sources + sources + ontology + queries + build
    assert f"**{total} quads**: every statement once per named graph that holds it — {in_sources} in the {pages} source" in text
    assert f"graphs (a fact that three pages state is three quads there), {sources} describing the sources, {ontology} of" in text
    assert f"the vocabulary, {queries} of the query library, {build} of the build record." in text
    assert f"read from `graph/`: {in_sources + sources} curated quads." in text
    assert f"**{len(facts)} curated facts**: the {in_sources} quads of the source graphs with each fact once: {once}" in text
    assert f"facts rest on one page, {len(facts) - once} on two or more." in text
    distinct = len(facts) + sources + ontology + queries + build
    assert f"**{distinct} triples**: every distinct statement" in text and f"the {len(facts)} facts plus the {sources}," in text
    assert f"Triples: {distinct} ({len(facts)} curated facts, {total} quads)" in section("Commands")


def test_the_linkable_columns_are_explained(local) -> None:
    """`withKey` - `linkable` is the entities known only by a Wikipedia article in another language."""
    only_elsewhere = local.select(
        """SELECT DISTINCT ?e WHERE { ?e foaf:isPrimaryTopicOf ?article
             FILTER NOT EXISTS { ?e foaf:isPrimaryTopicOf ?en FILTER STRSTARTS(STR(?en), "https://en.wikipedia.org/") }
             FILTER NOT EXISTS { ?e owl:sameAs ?item FILTER STRSTARTS(STR(?item), "http://www.wikidata.org/entity/") } }"""
    ).rows
    from spacefilms.core.library import get_query

    query = get_query("linkable-entities")
    table = local.run(query.text, query.bind({}))
    gap = sum(int(w) - int(n) for w, n in zip(table.values("withKey"), table.values("linkable")))
    classes = [ox.NamedNode(c) for c in table.values("class")]
    # each class row counts its own entities: an entity of two of the classes (ESA: an organisation and an agency) twice
    assert gap == sum(
        len({q.object for q in local.quads(row[0], ox.NamedNode(str(RDF.type)), None, None)} & set(classes))
        for row in only_elsewhere
    )
    text = " ".join(section("Sources").split("In the second table", 1)[1].split())
    assert f"known only by an article in another language ({len(only_elsewhere)} of them, such as Yulia Peresild" in text
    assert any(str(row[0].value).endswith("/yulia-peresild") for row in only_elsewhere)
