"""Diagrams: the network each preset builds, every output format written and well-formed, no overlapping labels,
honest timelines, graceful degradation on big graphs, and clear errors that leave no file behind."""

from __future__ import annotations

import json
import os
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pydot
import pyoxigraph as ox
import pytest
from matplotlib.font_manager import FontProperties, findfont, get_font
from PIL import Image
from synthetic import generate

from spacefilms.core.backends import LocalBackend
from spacefilms.diagrams.dates import parse_date
from spacefilms.diagrams.drawing import render
from spacefilms.diagrams.labels import FONT
from spacefilms.diagrams.network import build_network, load_graph_data, query_triples
from spacefilms.diagrams.presets import PRESETS
from spacefilms.diagrams.requests import Request, make_diagram
from spacefilms.diagrams.selection import select
from spacefilms.diagrams.timeline import milestones, render_timeline
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import SCHEMA, SF, SFR

pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated - use:DeprecationWarning")  # pydot's parser, not ours
DATA = Path(__file__).parent / "data" / "diagrams"
FILM, RIVAL = str(SFR["the-challenge"]), str(SFR["cruise-liman-space-film"])


def r(slug: str) -> str:
    return str(SFR[slug])


@pytest.fixture(scope="module")
def store(built_store: Path) -> LocalBackend:
    return LocalBackend(built_store)


@pytest.fixture(scope="module")
def data(store):
    return load_graph_data(store)


@pytest.fixture(scope="module")
def net(data):
    return build_network(data)


def edges(net: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(s, d["predicate"], o) for s, o, d in net.edges(data=True)}


# ---------------------------------------------------------------- RDF to network


def test_every_node_is_typed_and_labelled_and_every_edge_sourced(net) -> None:
    assert net.number_of_nodes() > 100
    for node, attrs in net.nodes(data=True):
        assert attrs["label"] and attrs["kind"] != "role" and attrs["types"], node
    for s, o, attrs in net.edges(data=True):
        assert attrs["sources"] and attrs["label"] and attrs["relation"].count(":") == 1, (s, o)
    assert net.nodes[FILM]["kind"] == "film" and net.nodes[r("roscosmos")]["kind"] == "agency"
    assert net.nodes[r("yulia-peresild")]["label_ru"] == "Юлия Пересильд"


def test_works_of_every_class_are_drawn_as_works(net) -> None:
    """Issue 25: series and videos were drawn grey, as "other"; every work is a star, whatever its class."""
    works = {
        cls: [n for n, d in net.nodes(data=True) if cls in d["types"]]
        for cls in ("schema:Movie", "schema:TVSeries", "schema:VideoObject", "schema:CreativeWork", "sf:SpaceFilmProject")
    }
    assert all(len(works[cls]) >= 1 for cls in ("schema:Movie", "schema:TVSeries", "schema:VideoObject")), works
    drawn = {(net.nodes[n]["kind"], net.nodes[n]["kind_label"]) for found in works.values() for n in found}
    assert drawn == {("film", "work or film project")}


def test_cast_roles_and_flight_assignments_become_qualified_edges(net) -> None:
    assert not [n for n in net if "/the-challenge-role-" in n or "/assignment-" in n]
    cast = net.edges[FILM, r("yulia-peresild"), str(SCHEMA.actor)]
    assert "Zhenya" in cast["role"]
    crew = net.edges[r("soyuz-ms-18"), r("oleg-novitsky"), str(SF.crewMember)]
    assert crew["role"] == "commander" and len(crew["sources"]) >= 2


def test_labels_fall_back_to_the_local_name(data) -> None:
    assert data.label(r("not-in-the-graph")) == "not-in-the-graph"
    assert data.label(FILM, "ru") == "Вызов"


def test_select_by_focus_depth_relation_and_type(net, data) -> None:
    around = select(net, data, "sfr:yulia-peresild", 1)
    assert {FILM, r("soyuz-ms-19"), r("soyuz-ms-18")} <= set(around) and r("tom-cruise") not in around
    assert set(select(net, data, "Yulia Peresild", 0)) == {r("yulia-peresild")}
    directors = select(net, data, relations=["schema:director"])
    assert {d["relation"] for *_, d in directors.edges(data=True)} == {"schema:director"}
    assert (RIVAL, str(SCHEMA.director), r("doug-liman")) in edges(directors)
    people = select(net, data, kinds=["person", "schema:Organization"])
    assert {d["kind"] for _, d in people.nodes(data=True)} == {"person", "organisation", "agency"}


def test_select_by_sparql_construct_and_select(store, data) -> None:
    construct = build_network(data, query_triples(store, (DATA / "directors.rq").read_text()))
    assert (FILM, str(SCHEMA.director), r("klim-shipenko")) in edges(construct)
    assert {d["relation"] for *_, d in construct.edges(data=True)} == {"schema:director"}
    assert all(d["sources"] for *_, d in construct.edges(data=True))
    rows = query_triples(store, "SELECT ?s ?p ?o WHERE { ?s sf:headOf ?o BIND (sf:headOf AS ?p) }")
    assert (r("dmitry-rogozin"), str(SF.headOf), r("roscosmos")) in rows
    with pytest.raises(SpacefilmsError, match=r"must bind \?s \?p \?o"):
        query_triples(store, "SELECT ?s WHERE { ?s a schema:Movie }")
    with pytest.raises(SpacefilmsError, match="SPARQL syntax error"):
        query_triples(store, "CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }")


# ---------------------------------------------------------------- presets


def preset_net(name: str, net, data) -> nx.MultiDiGraph:
    return PRESETS[name].network(net, data)


def test_film_world_preset(net, data) -> None:
    world = preset_net("film-world", net, data)
    assert {FILM, r("klim-shipenko"), r("yulia-peresild"), r("roscosmos"), r("central-partnership")} <= set(world)
    assert r("tom-cruise") not in world and r("soyuz-ms-19") not in world
    found = edges(world)
    assert {
        (FILM, str(SCHEMA.director), r("klim-shipenko")),
        (FILM, str(SF.screenwriter), r("klim-shipenko")),
        (FILM, str(SCHEMA.actor), r("yulia-peresild")),
        (FILM, str(SCHEMA.producer), r("konstantin-ernst")),
        (FILM, str(SCHEMA.productionCompany), r("roscosmos")),
        (FILM, str(SF.partnerOrganisation), r("roscosmos")),
        (FILM, str(SF.distributor), r("central-partnership")),
    } <= found
    assert all(FILM in (s, o) for s, _, o in found)


def test_race_preset(net, data) -> None:
    race = preset_net("race", net, data)
    found = edges(race)
    assert (FILM, str(SF.competedWith), RIVAL) in found
    assert {(RIVAL, str(SCHEMA.actor), r("tom-cruise")), (RIVAL, str(SCHEMA.director), r("doug-liman"))} <= found
    assert {(RIVAL, str(SF.plannedPartner), r("spacex")), (FILM, str(SCHEMA.director), r("klim-shipenko"))} <= found
    shared = set(race.to_undirected()[FILM]) & set(race.to_undirected()[RIVAL])
    assert r("iss") in shared
    # the rival was never shot: the station is where it was to be filmed, drawn as planned
    assert (RIVAL, str(SF.plannedFilmingLocation), r("iss")) in found and (RIVAL, str(SF.filmingLocation), r("iss")) not in found
    assert dict(PRESETS["race"].edge_styles)[SF.plannedPartner].legend == "planned partner"
    assert all(FILM in (s, o) or RIVAL in (s, o) for s, _, o in found)


def test_works_in_space_preset_shows_every_work_filmed_in_space(net, data, local) -> None:
    from spacefilms.core.library import get_query

    works = preset_net("works-in-space", net, data)
    filmed = set(local.run(get_query("precedents").text).values("work"))
    assert filmed <= set(works) and len(filmed) >= 30
    assert (r("return-from-orbit"), str(SF.cameraOperatorInSpace), r("vladimir-lyakhov")) in edges(works)
    assert r("cruise-liman-space-film") not in works  # planned only


def test_flights_preset_matches_the_flight_crews_query(net, data, local) -> None:
    from spacefilms.core.library import get_query

    flights = preset_net("flights", net, data)
    labels = {n: d["label"] for n, d in flights.nodes(data=True)}
    drawn = {
        (labels[o], labels[s], "up" if p == str(SF.flewUpOn) else "back")
        for s, p, o in edges(flights)
        if p in (str(SF.flewUpOn), str(SF.cameBackOn))
    }
    result = local.run(get_query("flight-crews").text)
    shown = {"Soyuz MS-18", "Soyuz MS-19"}  # the preset's centres: the film's flights
    assert drawn == {(str(f), str(p), str(d)) for f, p, _, d, *_ in result.to_rdflib() if str(f) in shown}
    assert {r("iss"), r("baikonur-cosmodrome"), r("soyuz-2-1a")} <= set(flights)
    assert {d["kind"] for _, d in flights.nodes(data=True)} == {"spaceflight", "person", "station", "place", "vehicle"}


def test_organisations_preset(net, data) -> None:
    orgs = preset_net("organisations", net, data)
    found = edges(orgs)
    assert {
        (r("dmitry-rogozin"), str(SF.headOf), r("roscosmos")),
        (r("konstantin-ernst"), str(SF.headOf), r("channel-one-russia")),
    } <= found
    assert (r("christina-koch"), str(SCHEMA.affiliation), r("nasa")) in found  # she filmed Space Explorers
    assert r("mark-vande-hei") not in orgs  # a member on record who headed nothing and is in no work
    assert all(orgs.degree(n) > 0 for n in orgs)  # an organisation with none of those people is not drawn alone
    assert {p for _, p, _ in found} == {str(SF.headOf), str(SCHEMA.affiliation)}
    assert {d["kind"] for _, d in orgs.nodes(data=True)} == {"person", "organisation", "agency"}


# ---------------------------------------------------------------- static images


@pytest.mark.parametrize("name", [*PRESETS, "full"])
def test_every_preset_and_the_full_graph_render_without_overlapping_labels(name, store, data, tmp_path) -> None:
    request = Request(preset=None if name == "full" else name)
    result = render(make_diagram(request, store, data, "svg"), tmp_path / f"{name}.svg")
    assert result.overlaps == []
    # A preset fits a wide page; the full graph's 150 best-connected entities a poster (26.1 in wide with today's data).
    widest = 30 if name == "full" else 22
    assert result.nodes >= 10 and result.width <= widest and result.height <= 22
    svg = ET.parse(tmp_path / f"{name}.svg").getroot()
    texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert any(text.startswith("Data as of ") for text in texts)
    if name == "film-world":
        assert {"The Challenge", "Klim Shipenko", "Yulia Peresild", "Roscosmos", "cast member", "producer"} <= texts


def test_png_and_pdf_are_written_readable_by_others(cli, tmp_path) -> None:
    png, pdf = tmp_path / "world.png", tmp_path / "world.pdf"
    assert cli("diagram", "film-world", "-o", str(png)).exit_code == 0
    assert cli("diagram", "organisations", "-o", str(pdf)).exit_code == 0
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 1500 and image.size[1] > 1000
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    umask = os.umask(0)
    os.umask(umask)
    assert png.stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of the temporary file


def test_russian_labels_render_with_real_glyphs(cli, net, tmp_path) -> None:
    font = get_font(findfont(FontProperties(family=FONT)))
    charmap = font.get_charmap()
    labels = "".join(d["label_ru"] + d["label"] for _, d in net.nodes(data=True))
    assert not [c for c in set(labels) if c.strip() and ord(c) not in charmap]
    output = tmp_path / "world-ru.svg"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font"
        result = cli("diagram", "film-world", "--lang", "ru", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert "Юлия Пересильд" in output.read_text(encoding="utf-8")


def test_the_data_date_is_the_newest_source_or_the_given_date(cli, data, local, tmp_path) -> None:
    """Not the day of the build: the publication date of the newest dated page the facts come from."""
    built, given = tmp_path / "built.svg", tmp_path / "given.svg"
    assert cli("diagram", "organisations", "-o", str(built)).exit_code == 0
    assert cli("diagram", "organisations", "--date", "1 May 2024", "-o", str(given)).exit_code == 0
    dates = local.select("SELECT ?d WHERE { GRAPH <https://w3id.org/spacefilms/graph/sources> { ?s schema:datePublished ?d } }")
    newest = max(row[0].value[:10] for row in dates.rows)
    assert newest < data.built_at[:10] and f"Data as of {newest}" in built.read_text()
    assert "Data as of 1 May 2024" in given.read_text()


@pytest.mark.parametrize(
    ("name", "iri"),
    [("klim shipenko", "sfr:klim-shipenko"), ("KLIM  SHIPENKO", "sfr:klim-shipenko"), ("вызов", "sfr:the-challenge")],
)
def test_a_query_and_a_diagram_find_an_entity_by_one_name_rule(cli, tmp_path, name, iri) -> None:
    """Issue 25: `query -p entity=…` took only the exact name that `diagram --focus` took in any case: one rule now
    (case folded, spaces collapsed, accents kept: spacefilms.core.names)."""
    by_name = cli("query", "facts-about", "-p", f"entity={name}", "--format", "tsv")
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stdout == cli("query", "facts-about", "-p", f"entity={iri}", "--format", "tsv").stdout
    named, by_iri = tmp_path / "named.graphml", tmp_path / "iri.graphml"
    assert cli("diagram", "--focus", name, "-o", str(named)).exit_code == 0
    assert cli("diagram", "--focus", iri, "-o", str(by_iri)).exit_code == 0
    assert set(nx.read_graphml(named)) == set(nx.read_graphml(by_iri))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("apollo 11", "several entities are named 'apollo 11': sfr:apollo-11, sfr:apollo-11-2019-film; give one's IRI"),
        ("thomas pesquet, l'envoye spatial", 'no entity is named "thomas pesquet, l\'envoye spatial"'),  # é is not e
    ],
)
def test_a_query_and_a_diagram_refuse_the_same_names(cli, tmp_path, name, said) -> None:
    query = cli("query", "facts-about", "-p", f"entity={name}")
    focus = cli("diagram", "--focus", name, "-o", str(tmp_path / "x.svg"))
    assert query.exit_code == focus.exit_code == 1 and said in query.stderr
    assert said in focus.stderr or "unknown entity" in focus.stderr
    assert not (tmp_path / "x.svg").exists()


def test_focus_diagram_from_the_cli(cli, tmp_path) -> None:
    output = tmp_path / "yulia.svg"
    result = cli("diagram", "--focus", "sfr:yulia-peresild", "--depth", "2", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    text = output.read_text()
    assert "Yulia Peresild and what lies within 2 steps" in text and "Soyuz MS-19" in text


def test_query_file_diagram_from_the_cli(cli, tmp_path, local) -> None:
    output = tmp_path / "directors.dot"
    assert cli("diagram", "--query-file", str(DATA / "directors.rq"), "-o", str(output)).exit_code == 0
    graph = pydot.graph_from_dot_file(str(output))[0]
    directed = local.run("SELECT DISTINCT ?film ?person WHERE { ?film schema:director ?person }").rows
    assert len(graph.get_edges()) == len(directed) >= 6 and all(e.get_label() == '"director"' for e in graph.get_edges())


# ---------------------------------------------------------------- interactive and exports


def test_html_is_self_contained_and_holds_the_network(cli, tmp_path) -> None:
    output = tmp_path / "race.html"
    assert cli("diagram", "race", "-o", str(output)).exit_code == 0
    page = output.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    payload = json.loads(block.group(1))
    labels = {n["label"] for n in payload["nodes"]}
    assert {"The Challenge", "Tom Cruise", "Doug Liman", "International Space Station"} <= labels
    assert any(rel["relation"] == "sf:competedWith" and rel["sources"] for line in payload["lines"] for rel in line["relations"])
    assert all(n["facts"] for n in payload["nodes"])
    rest = page.replace(block.group(0), "")
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc\s*=|@import|url\(", rest, re.I)
    assert set(re.findall(r"https?://[^\s\"'<>)`]+", rest)) <= {"http://www.w3.org/2000/svg"}
    for feature in ("wheel", "pointermove", "search", "showTip", "pointerenter"):
        assert feature in rest


_NODE_AND_TIP = """(() => {
  const box = document.querySelectorAll('#nodes .node path')[%d].getBoundingClientRect();
  const x = box.x + box.width / 2, y = box.y + box.height / 2;
  const hit = document.elementFromPoint(x, y), node = hit && hit.closest('.node');
  return {x, y, hoverable: node === document.querySelectorAll('#nodes .node')[%d]};
})()"""
_TIP = "(() => { const t = document.getElementById('tip'), r = t.getBoundingClientRect(); " + (
    "return getComputedStyle(t).display === 'block' && [r.left, r.top, r.right, r.bottom]; })()"
)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (800, 500)])
def test_the_interactive_tooltip_sits_beside_the_hovered_node_inside_the_window(cli, chromium, tmp_path, width, height) -> None:
    """Issue 25: the tip sat over the middle of the picture (a hub's facts ran out of the window)."""
    output = tmp_path / "race.html"
    assert cli("diagram", "race", "-o", str(output)).exit_code == 0
    chromium.call(
        "Emulation.setDeviceMetricsOverride", session=True, width=width, height=height, deviceScaleFactor=1, mobile=False
    )
    try:
        chromium.open(output.as_uri())
        hovered = 0
        for i in range(chromium.js("document.querySelectorAll('#nodes .node').length")):
            node = chromium.js(_NODE_AND_TIP % (i, i))
            if not node["hoverable"]:  # under the legend or another node: the pointer cannot reach it there
                continue
            chromium.call("Input.dispatchMouseEvent", session=True, type="mouseMoved", x=node["x"], y=node["y"])
            left, top, right, bottom = chromium.wait_for(_TIP)
            assert min(left, top) >= 0 and right <= width and bottom <= height, (i, node, (left, top, right, bottom))
            beside = min(abs(left - node["x"]), abs(node["x"] - right))
            assert 4 <= beside <= 30 and top <= node["y"] <= bottom, (i, node, (left, top, right, bottom))  # next to it
            assert not left < node["x"] < right  # never under the pointer
            chromium.call("Input.dispatchMouseEvent", session=True, type="mouseMoved", x=width - 1, y=1)
            hovered += 1
        assert hovered >= 30
        assert chromium.problems() == []
    finally:
        chromium.call("Emulation.clearDeviceMetricsOverride", session=True)


def test_a_russian_interactive_page_speaks_russian_around_the_data(cli, chromium, tmp_path) -> None:
    """Issue 25: `--lang ru` left the page's own words English (search, Fit, Relations, the tip's hint)."""
    output = tmp_path / "race.html"
    assert cli("diagram", "race", "--lang", "ru", "-o", str(output)).exit_code == 0
    chromium.open(output.as_uri())
    assert chromium.js("document.documentElement.lang") == "ru"
    assert chromium.js("document.getElementById('search').placeholder") == "Поиск сущностей (Enter — перейти)"
    assert chromium.js("document.getElementById('fit').textContent") == "Всё"
    chromium.js("document.querySelector('#nodes .node').dispatchEvent(new PointerEvent('pointerenter'))")
    assert "щёлкните, чтобы увидеть все факты и их источники" in chromium.js("document.getElementById('tip').textContent")
    tip = chromium.js("document.getElementById('tip').textContent")
    assert not re.search(r"\(\d+ sources?\)", tip) and re.search(r"источников: \d+", tip)
    chromium.js(
        "const s = document.getElementById('search'); s.value = 'Вызов'; s.dispatchEvent(new Event('input'));"
        "s.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))"
    )
    panel = chromium.js("document.getElementById('panel').innerHTML")
    assert "<h3>Связи</h3>" in panel and 'title="Закрыть"' in panel
    assert chromium.problems() == []


def test_graphml_gexf_and_dot_are_well_formed(cli, tmp_path, net, data) -> None:
    outputs = {fmt: tmp_path / f"world.{fmt}" for fmt in ("graphml", "gexf", "dot")}
    for output in outputs.values():
        result = cli("diagram", "film-world", "-o", str(output))
        assert result.exit_code == 0, result.stderr
    expected = preset_net("film-world", net, data)
    graphml = nx.read_graphml(outputs["graphml"], force_multigraph=True)
    assert set(graphml) == set(expected) and graphml.number_of_edges() == expected.number_of_edges()
    assert graphml.nodes[FILM]["label"] == "The Challenge" and graphml.nodes[FILM]["kind"] == "film"
    gexf = nx.read_gexf(outputs["gexf"])
    assert gexf.number_of_nodes() == expected.number_of_nodes()
    assert "viz:position" in outputs["gexf"].read_text() and "viz:color" in outputs["gexf"].read_text()
    dot = pydot.graph_from_dot_file(str(outputs["dot"]))[0]
    assert len(dot.get_edges()) == expected.number_of_edges()
    assert {n.get_name().strip('"') for n in dot.get_nodes()} - {"node", "edge", "graph"} == set(expected)


# ---------------------------------------------------------------- timeline


def test_dates_of_every_precision_parse() -> None:
    assert parse_date("1984").precision == "year" and parse_date("1984").end.year == 1985
    month = parse_date("2021-10")
    assert (month.precision, month.shown, month.end.day) == ("month", "Oct 2021", 1)
    assert parse_date("2023-04-12").shown == "12 Apr 2023"
    assert parse_date("2021-10-05T11:55:02.4+03:00").start.hour == 8
    with pytest.raises(SpacefilmsError):
        parse_date("soon")


def test_timeline_keeps_every_date_the_sources_give(data, tmp_path) -> None:
    lanes = milestones(data)
    assert list(lanes)[:2] == [FILM, RIVAL]
    selection = next(e for e in lanes[FILM] if e.iri == r("milestone-challenge-crew-selection"))
    assert [d.text for d in selection.dates] == ["2021-05-13"]
    assert selection.dates_text == "13 May 2021" and len(selection.dates[0].sources) == 2  # one date, two sources agree
    filming = next(e for e in lanes[FILM] if e.iri == r("milestone-challenge-filming-in-space"))
    # pages say "October 2021" and "5 October 2021": one date at its best precision, with the pages of both (issue 22)
    assert [(d.text, d.precision) for d in filming.dates] == [("2021-10-05", "day")] and filming.dates_text == "5 Oct 2021"
    assert len(filming.dates[0].sources) >= 2
    result = render_timeline(data, tmp_path / "timeline.svg", "Timeline", "2026-01-01")
    assert result.overlaps == [] and result.nodes == sum(len(v) for v in lanes.values())
    text = (tmp_path / "timeline.svg").read_text()
    assert "Prime and backup film crews selected" in text and "Tom Cruise–Doug Liman space film" in text


def test_timeline_cli_and_project_choice(cli, tmp_path) -> None:
    output = tmp_path / "rival.png"
    result = cli("timeline", "--project", "sfr:cruise-liman-space-film", "-o", str(output))
    assert result.exit_code == 0, result.stderr
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- big graphs


def test_big_graphs_keep_the_best_connected_entities_with_a_note(tmp_path) -> None:
    memory = ox.Store()
    memory.extend(generate(12_000))
    synthetic = LocalBackend(memory, use_default_graph_as_union=True)
    data = load_graph_data(synthetic)
    diagram = make_diagram(Request(max_nodes=60), synthetic, data, "svg")
    assert diagram.net.number_of_nodes() == 60
    assert re.fullmatch(r"showing the 60 best-connected of [\d,]+ entities", diagram.note)
    result = render(diagram, tmp_path / "big.svg")
    assert result.overlaps == [] and "best-connected of" in (tmp_path / "big.svg").read_text()


# ---------------------------------------------------------------- bad options


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "sfr:nobody-at-all"], "error: --focus: unknown entity 'sfr:nobody-at-all'"),
        (["no-such-preset"], "error: unknown preset 'no-such-preset'"),
        (["film-wrld"], "did you mean film-world?"),
        (["--relation", "sf:nonsense"], "error: --relation: unknown relation 'sf:nonsense'"),
        (["--type", "dragon"], "error: --type: unknown entity type 'dragon'"),
        (["--type", "Persn"], "error: --type: unknown entity type 'Persn'; did you mean person?"),
        (["FILM-WRLD"], "error: unknown preset 'FILM-WRLD'; did you mean film-world?"),
        (["--sparql", "CONSTRUCT WHERE {"], "error: --sparql: SPARQL syntax error"),
        (["race", "--focus", "sfr:tom-cruise"], "a preset chooses its own entities"),
        (["--layout", "radial"], "error: --layout: the radial layout needs --focus"),
    ],
)
def test_bad_options_fail_clearly_and_write_nothing(cli, tmp_path, args, message) -> None:
    output = tmp_path / "out.png"
    result = cli("diagram", *args, "-o", str(output))
    assert result.exit_code == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_or_unknown_outputs_leave_no_partial_file(cli, tmp_path) -> None:
    existing = tmp_path / "keep.png"
    existing.write_bytes(b"previous picture")
    for target in (existing / "x.png", tmp_path / "missing-dir" / "x.svg", tmp_path / "x.jpeg"):
        result = cli("diagram", "film-world", "-o", str(target))
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1].startswith(f"error: {target}: "), result.stderr  # after the progress line
    result = cli("timeline", "-o", str(tmp_path / "missing-dir" / "t.svg"))
    assert result.exit_code == 1 and "no such folder" in result.stderr  # said before the graph is read
    assert existing.read_bytes() == b"previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


def test_the_organisations_preset_dates_each_headship(store, data, tmp_path) -> None:
    from spacefilms.diagrams.arranging import roles_of

    diagram = make_diagram(Request(preset="organisations"), store, data, "svg")
    # the period under the person (his State Duma committee made no work: not drawn)
    assert roles_of(diagram, r("dmitry-rogozin")) == "2018-05-24 – 2022-07-15"
    assert roles_of(diagram, r("konstantin-ernst")) == "since 1999"
    assert roles_of(diagram, r("roscosmos")) == ""  # not under the organisation
    result = render(diagram, tmp_path / "organisations.svg")
    assert result.overlaps == [] and "2018-05-24 – 2022-07-15" in (tmp_path / "organisations.svg").read_text(encoding="utf-8")


def test_a_post_held_in_an_organisation_is_one_edge_titled_by_the_post(store, data) -> None:
    """Yury Borisov's article: "Senator from Arkhangelsk Oblast" in the Federation Council, since 19 May 2025 (a
    sf:PositionHeld): drawn as one edge from him to the council, titled by the post, not as a node of its own (a post
    the page places in no organisation stays a node, between its holder and who came before and after)."""
    diagram = make_diagram(Request(focus="sfr:yury-borisov"), store, data, "svg")
    edges = diagram.net.get_edge_data(r("yury-borisov"), r("federation-council")) or {}
    assert [d["role"] for d in edges.values()] == ["Senator from Arkhangelsk Oblast"]
    assert r("position/yury-borisov-senator-from-arkhangelsk-oblast") not in diagram.net
    assert r("position/yury-borisov-special-presidential-envoy-on-international-cooperation-in-space") in diagram.net


def test_a_type_selection_drops_unrelated_entities_and_says_so(store, data) -> None:
    diagram = make_diagram(Request(kinds=["film", "organisation"]), store, data, "svg")
    assert all(diagram.net.degree(n) > 0 for n in diagram.net)
    # both cuts are said: the unrelated entities dropped, then the cap on what a picture holds
    assert re.fullmatch(r"[\d,]+ unrelated entities left out; showing the [\d,]+ best-connected of [\d,]+ entities", diagram.note)
    assert diagram.title == "The spacefilms knowledge graph: film, organisation"


def test_a_static_bipartite_picture_stays_a_page_tall_and_says_what_it_left_out(store, data) -> None:
    """The organisations' people outgrew a printable page (24 in): a static picture draws the best-connected 70 and
    says so; an interactive one, which scrolls, keeps them all."""
    from spacefilms.diagrams.requests import PAGE_NODES

    static = make_diagram(Request(preset="organisations"), store, data, "svg")
    interactive = make_diagram(Request(preset="organisations"), store, data, "html")
    total = interactive.net.number_of_nodes()
    assert total > PAGE_NODES["bipartite"] >= static.net.number_of_nodes()
    assert static.note.endswith(f"best-connected of {total} entities") and "best-connected" not in interactive.note


def test_the_best_connected_part_leaves_no_node_alone(net, data) -> None:
    """People and organisations are more than a picture holds: of the best-connected, none is drawn linked to
    nothing because its neighbours were left out."""
    from spacefilms.diagrams.selection import top_by_degree

    part = select(net, data, kinds=["person", "organisation"])
    small = top_by_degree(part, 150)
    assert part.number_of_nodes() > 150 >= small.number_of_nodes()
    assert all(small.degree(n) > 0 for n in small)
    shown = f"showing the {small.number_of_nodes()} best-connected of {part.number_of_nodes()} entities"
    assert small.graph["note"] == f"{part.graph['note']}; {shown}"  # the selection's own note is kept


def test_a_sparql_diagram_is_titled_by_its_query(store, data) -> None:
    query = "PREFIX x: <http://example.org/>\nSELECT ?s ?p ?o WHERE { ?s sf:headOf ?o BIND (sf:headOf AS ?p) }"
    diagram = make_diagram(Request(sparql=query), store, data, "svg")
    assert diagram.title == "SPARQL: SELECT ?s ?p ?o WHERE { ?s sf:headOf ?o BIND (sf:headOf AS ?p) }"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["diagram", "film-world", "-o", "{missing}/x.png"], "no such folder"),
        (["diagram", "no-such-preset", "-o", "{tmp}/x.png"], "unknown preset 'no-such-preset'"),
        (["diagram", "film-world", "-o", "{tmp}/x.gif"], "cannot tell the format"),
        (["timeline", "-o", "{missing}/x.png"], "no such folder"),
        (["timeline", "-o", "{tmp}/x.gif"], "unknown image format 'gif'"),
    ],
)
def test_a_wrong_output_or_preset_is_refused_before_the_graph_is_read(cli, tmp_path, args, said) -> None:
    """The graph is asked of a dead endpoint: only a check made before reading it can give this answer."""
    filled = [a.format(missing=tmp_path / "missing", tmp=tmp_path) for a in args]
    result = cli(*filled, "--endpoint", "http://127.0.0.1:9/query", "--timeout", "5")
    assert result.exit_code == 1 and said in result.stderr.splitlines()[-1], result.output
    assert list(tmp_path.iterdir()) == []


def test_dates_differing_only_in_precision_are_one_date_at_its_best(data) -> None:
    """The launch: 08:55:02 (Simple English Wikipedia) and 08:55:02.442 (RussianSpaceWeb) are one time, not a
    disagreement; 04:35 and 04:36 for the landing are two, each with its own pages."""
    lanes = milestones(data)
    launch = next(e for e in lanes[FILM] if e.kind == "Launch")
    assert [d.text for d in launch.dates] == ["2021-10-05T08:55:02.442Z"] and " / " not in launch.dates_text
    landing = next(e for e in lanes[FILM] if e.kind == "Landing")
    assert [d.text[:16] for d in landing.dates] == ["2021-10-17T04:35", "2021-10-17T04:36"]
