"""``spacefilms site``: the static website of the built graph — a page per entity and source, links that resolve,
nothing asked of another host, disagreements side by side, hostile labels escaped, atomic rebuilds, and the pages
in headless Chromium (no console errors, no CSP violations, search in Latin and Cyrillic)."""

from __future__ import annotations

import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from browser import Chromium
from conftest import ROOT

import spacefilms.site.builder as builder
from spacefilms.core.backends import LocalBackend, RemoteBackend
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import SOURCES_GRAPH as SOURCES
from spacefilms.site import build_site
from spacefilms.site.output import MARKER
from spacefilms.site.paths import resource_page, source_page

SFR = "https://w3id.org/spacefilms/resource/"
EVIL = "<script>alert(1)</script> \"double\" 'single' </script><!--"


@pytest.fixture(scope="module")
def site(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website of the bundled graph, built once for this module (a few focus diagrams: drawing is the slow part)."""
    output = tmp_path_factory.mktemp("site") / "site"
    report = build_site(LocalBackend(built_store), output, max_diagrams=3)
    assert report.pages > 300 and report.bytes > 0 and report.diagrams == 3
    return output


class Links(HTMLParser):
    """Every href and src of a page, with its tag, and the text of its inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.inline_styles = 0
        self._in_script: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.links += [(tag, name, value or "") for name, value in attrs if name in ("href", "src")]
        self.inline_styles += "style" in found or tag == "style"
        if tag == "script":
            self._in_script = found

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def fact_graph_entities(local: LocalBackend) -> set[str]:
    rows = local.select(
        f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{SFR}"))
        FILTER (?g NOT IN (<{SOURCES}>, <https://w3id.org/spacefilms/graph/ontology>, <https://w3id.org/spacefilms/graph/queries>,
                           <https://w3id.org/spacefilms/graph/build>)) }}"""
    )
    return {s.value for (s,) in rows.rows}


def test_every_entity_and_source_has_a_page(site: Path, local: LocalBackend) -> None:
    entities = fact_graph_entities(local)
    assert len(entities) > 100 and f"{SFR}yulia-peresild" in entities
    for iri in entities:
        page = site / resource_page(iri)
        assert page.is_file(), iri
        for suffix in ("ttl", "trig", "jsonld"):
            assert page.with_suffix(f".{suffix}").is_file(), (iri, suffix)
    sources = {s.value for (s,) in local.select(f"SELECT ?s WHERE {{ GRAPH <{SOURCES}> {{ ?s a sf:Source }} }}").rows}
    assert len(sources) > 100
    assert all((site / source_page(iri)).is_file() for iri in sources)
    assert (site / "index.html").is_file() and (site / "queries.html").is_file() and (site / MARKER).is_file()


def test_every_internal_link_resolves_and_nothing_comes_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for page in pages:
        links = parse(page)
        assert links.inline_styles == 0, page  # the CSP allows no inline style
        for tag, name, value in links.links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                # another host: only a link a reader follows (a source page, Wikipedia, Wikidata), never a resource loaded
                assert (tag, name) == ("a", "href") and parts.scheme in ("http", "https"), (page, tag, value)
                continue
            if not parts.path:
                continue  # a link within the page
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page.relative_to(site), value)
            assert site.resolve() in target.parents, (page, value)  # never outside the site
            checked += 1
        for attrs, text in links.scripts:
            assert attrs.get("type") == "application/ld+json", page  # the only inline script: data, never run
            json.loads(text)
    assert checked > 10_000
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    assert "http" not in (site / "assets" / "search.js").read_text(encoding="utf-8")
    home = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    assert "default-src 'none'" in home and "script-src 'self'" in home


def test_disagreeing_sources_are_shown_side_by_side(site: Path, local: LocalBackend) -> None:
    stated = local.select(f"SELECT ?v ?g WHERE {{ GRAPH ?g {{ <{SFR}soyuz-ms-18> sf:landingTime ?v }} }}")
    by_value: dict[str, set[str]] = {}
    for value, graph in stated.rows:
        by_value.setdefault(value.value, set()).add(graph.value)
    assert {"2021-10-17T04:35:00Z", "2021-10-17T04:36:00Z"} <= set(by_value)
    text = (site / resource_page(f"{SFR}soyuz-ms-18")).read_text(encoding="utf-8")
    block = text.split('<section class="disagreements"', 1)[1].split("</section>", 1)[0]
    options = block.split('<div class="option">')[1:]
    assert len(options) == len(by_value)
    for value, graphs in by_value.items():
        (option,) = [o for o in options if f'datetime="{value}"' in o]
        shown = set(re.findall(r'class="out" href="([^"]+)"', option))
        assert shown == {g.replace("&", "&amp;") for g in graphs}, value
    assert "04:35:00 UTC" in block and "04:36:00 UTC" in block


def test_linked_data_beside_each_page(site: Path) -> None:
    page = site / resource_page(f"{SFR}yulia-peresild")
    text = page.read_text(encoding="utf-8")
    for suffix, media in (("ttl", "text/turtle"), ("trig", "application/trig"), ("jsonld", "application/ld+json")):
        assert f'<link rel="alternate" type="{media}" href="yulia-peresild.{suffix}">' in text
    quads = list(ox.parse(path=page.with_suffix(".trig"), format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads if q.subject.value == f"{SFR}yulia-peresild"}
    assert len(graphs) > 3 and SOURCES not in graphs  # the facts keep their sources ...
    described = {q.subject.value for q in quads if q.graph_name.value == SOURCES}
    assert graphs <= described  # ... and the sources are described
    assert list(ox.parse(path=page.with_suffix(".jsonld"), format=ox.RdfFormat.JSON_LD))
    triples = list(ox.parse(path=page.with_suffix(".ttl"), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len({(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value != SOURCES})
    assert '<p class="ru-name" lang="ru">Юлия Пересильд</p>' in text
    (embedded,) = [json.loads(text) for attrs, text in parse(page).scripts]
    assert embedded["@id"] == f"{SFR}yulia-peresild" and embedded["@type"] == "Person" and embedded["name"] == "Yulia Peresild"


# ---------------------------------------------------------------- a tiny graph of our own


def tiny_store(label: str = EVIL) -> LocalBackend:
    """Two entities (one with a hostile name) stated by one source, in memory."""
    n, lit = ox.NamedNode, ox.Literal
    src, sources = n("https://example.org/evil?a=1&b='x'"), n(SOURCES)
    evil, other = n(f"{SFR}evil"), n(f"{SFR}other")
    rdfs, schema = "http://www.w3.org/2000/01/rdf-schema#", "http://schema.org/"
    kind = n("https://w3id.org/spacefilms/ontology#NewsSource")
    quads = [
        ox.Quad(
            src, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n("https://w3id.org/spacefilms/ontology#Source"), sources
        ),
        ox.Quad(src, n(rdfs + "label"), lit(label, language="en"), sources),
        ox.Quad(src, n("https://w3id.org/spacefilms/ontology#sourceKind"), kind, sources),
        ox.Quad(evil, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(schema + "Person"), src),
        ox.Quad(evil, n(rdfs + "label"), lit(label, language="en"), src),
        ox.Quad(evil, n(rdfs + "label"), lit(label + " ru", language="ru"), src),
        ox.Quad(evil, n(schema + "description"), lit(label), src),
        ox.Quad(other, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(schema + "Movie"), src),
        ox.Quad(other, n(rdfs + "label"), lit("Other film", language="en"), src),
        ox.Quad(other, n(schema + "actor"), evil, src),
    ]
    store = ox.Store()
    store.extend(quads)
    return LocalBackend(store)


def test_hostile_labels_are_escaped(tmp_path: Path) -> None:
    output = tmp_path / "site"
    build_site(tiny_store(), output, max_diagrams=2)
    pages = [output / resource_page(f"{SFR}evil"), output / resource_page(f"{SFR}other"), output / "index.html"]
    pages.append(output / source_page("https://example.org/evil?a=1&b='x'"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<!--" not in text, page
        assert text.count("</script>") == text.count("<script"), page  # no script closed early by a label
        links = parse(page)
        assert all(
            attrs.get("src", "").endswith("search.js") or attrs.get("type") == "application/ld+json" for attrs, _ in links.scripts
        )
    evil = pages[0].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;double&#34; &#39;single&#39;" in evil
    (embedded,) = [json.loads(text) for _, text in parse(pages[0]).scripts]
    assert embedded["name"] == EVIL  # the JSON-LD still says exactly what the graph says
    assert 'href="https://example.org/evil?a=1&amp;b=&#39;x&#39;"' in evil


def test_a_query_whose_default_entity_is_absent_is_not_run_and_its_page_says_so(tmp_path: Path) -> None:
    """A graph without the defaults' entity answers nothing, and on a big store can take minutes to say so."""
    from spacefilms.core.library import get_query
    from spacefilms.site.library import answer_queries

    tiny = tiny_store()
    (_, said), (_, counted) = answer_queries(tiny, [get_query("cast"), get_query("class-counts")])
    assert said == "its default film = sfr:the-challenge is not in this graph, so it was not run"
    assert counted.variables == ["class", "classLabel", "entities"]  # a query without an entity runs
    output = tmp_path / "site"
    build_site(tiny, output, max_diagrams=0)
    page = html.unescape((output / "query" / "cast.html").read_text(encoding="utf-8"))
    assert "The query could not run here: its default film = sfr:the-challenge is not in this graph" in page


def test_a_hub_gets_no_focus_diagram_and_its_page_says_why(tmp_path: Path) -> None:
    """A focus diagram of an entity with more than MAX_FOCUS_LINKS links would read its whole neighbourhood (on a big
    graph, most of it) to show 40 nodes: the next best-connected get the diagrams, and the note says so."""
    from spacefilms.site.pictures import MAX_FOCUS_LINKS

    n = ox.NamedNode
    src, hub = n("https://example.org/films"), n(f"{SFR}station")
    kind, place = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n("http://schema.org/Place")
    films = [n(f"{SFR}film-{i}") for i in range(MAX_FOCUS_LINKS + 1)]
    store = ox.Store()
    store.extend([ox.Quad(hub, kind, place, src)] + [ox.Quad(f, n(f"{SFR}filmedAt"), hub, src) for f in films])
    store.extend(ox.Quad(f, kind, n("http://schema.org/Movie"), src) for f in films)
    output = tmp_path / "site"
    report = build_site(LocalBackend(store), output, max_diagrams=1)
    assert report.diagrams == 1 and not (output / "images" / "resource" / "station.svg").exists()
    assert (output / "images" / "resource" / "film-0.svg").exists()  # the best-connected after the hub
    page = (output / resource_page(hub.value)).read_text(encoding="utf-8")
    assert f"Those with more than {MAX_FOCUS_LINKS:,} links (1) have none." in page


def test_a_failed_rebuild_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "site"
    build_site(tiny_store("First"), output, max_diagrams=0)
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    page = output / resource_page(f"{SFR}evil")
    assert "First" in page.read_text(encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(builder, "_source_pages", broken)
    with pytest.raises(RuntimeError, match="injected"):
        build_site(tiny_store("Second"), output, max_diagrams=0)
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert "First" in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folder left
    monkeypatch.undo()
    build_site(tiny_store("Second"), output, max_diagrams=0)
    assert "Second" in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_refuses_what_is_not_a_site(tmp_path: Path, cli) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    for name, reason in (("file", "is not a folder"), ("full", "not a spacefilms site")):
        with pytest.raises(SpacefilmsError, match=reason):
            build_site(tiny_store(), tmp_path / name)
        result = cli("site", "-o", str(tmp_path / name))
        assert result.exit_code == 1 and result.stderr.startswith("error: ") and reason in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    build_site(tiny_store(), tmp_path / "empty", max_diagrams=0)
    assert (tmp_path / "empty" / MARKER).is_file()


# ---------------------------------------------------------------- in a browser


def search(browser: Chromium, text: str) -> list[str]:
    browser.js(
        f"(() => {{ const s = document.getElementById('search'); s.focus(); s.value = {json.dumps(text)};"
        " s.dispatchEvent(new Event('input')); })()"
    )
    browser.wait_for("document.getElementById('search-status').textContent !== ''")
    return browser.js("[...document.querySelectorAll('#search-results li a')].map(a => a.getAttribute('href'))")


def test_pages_render_without_errors_and_search_finds_entities(site: Path, chromium: Chromium) -> None:
    tass = next(iri for iri in ("https://tass.com/science/1350499",) if (site / source_page(iri)).is_file())
    pages = [
        "index.html",
        resource_page(f"{SFR}yulia-peresild"),
        resource_page(f"{SFR}soyuz-ms-19"),
        source_page(tass),
        "queries.html",
    ]
    for page in pages:
        url = (site / page).as_uri()
        chromium.open(url)
        assert chromium.js("document.querySelector('h1').textContent.length > 0")
        time.sleep(0.2)  # let late console messages (a CSP report) arrive
        assert chromium.problems() == [], page
        assert all(u.startswith("file://") or u.startswith("data:") for u in chromium.requested()), page
        assert chromium.js("[...document.images].every(i => i.complete && i.naturalWidth > 0)"), page
    chromium.open((site / "index.html").as_uri())
    assert search(chromium, "peresild")[0] == resource_page(f"{SFR}yulia-peresild")
    assert search(chromium, "Пересильд")[0] == resource_page(f"{SFR}yulia-peresild")
    assert search(chromium, "PERÉSILD")[0] == resource_page(f"{SFR}yulia-peresild")  # case and accents do not matter
    assert search(chromium, "soyuz ms-18")[0] == resource_page(f"{SFR}soyuz-ms-18")
    assert search(chromium, "soyuz ms-19")[0] == resource_page(f"{SFR}soyuz-ms-19")
    assert search(chromium, "shkaplerov")[0] == resource_page(f"{SFR}anton-shkaplerov")
    # a name the graph has only in Cyrillic, found by a Latin query through transliteration
    assert resource_page(f"{SFR}assignment-soyuz-ms-18-mark-vande-hei") in search(chromium, "vande khay, bortinzhener")
    # keyboard: down to the second match, Enter opens it
    listed = search(chromium, "soyuz ms")
    for key in ("ArrowDown", "ArrowDown", "Enter"):
        chromium.js(
            f"document.getElementById('search').dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}', bubbles: true}}))"
        )
    second = found_second = chromium.wait_for("location.href.includes('/resource/') && location.pathname")
    assert str(second).endswith(listed[1]) and found_second  # the second match, as listed
    assert chromium.problems() == []


# ---------------------------------------------------------------- values and paths


def test_values_read_as_people_write_them() -> None:
    from spacefilms.site.values import format_date, format_duration, format_money

    assert format_date("2021-10-05") == "5 October 2021"
    assert format_date("2021-10") == "October 2021" and format_date("1984") == "1984"
    assert format_date("2021-10-17T04:35:00Z") == "17 October 2021, 04:35:00 UTC"
    assert format_date("2021-10-05T08:55:02.442Z") == "5 October 2021, 08:55:02.442 UTC"
    assert format_date("not a date") == "not a date"
    assert format_duration("PT165M") == "165 min (2 h 45 min)" and format_duration("PT2H") == "120 min (2 h)"
    assert format_duration("PT20M") == "20 min" and format_duration("P1Y") == "P1Y"
    assert format_money("905000000", "RUB") == "905,000,000 RUB (905 million)"
    assert format_money("1155000000", "RUB") == "1,155,000,000 RUB (1.155 billion)"


def test_every_resource_gets_a_safe_path_of_its_own() -> None:
    from spacefilms.site.paths import resource_page, root_of

    assert resource_page(f"{SFR}yulia-peresild") == "resource/yulia-peresild.html"
    assert resource_page(f"{SFR}headship/dmitry-rogozin-roscosmos") == "resource/headship/dmitry-rogozin-roscosmos.html"
    assert root_of("resource/headship/x.html") == "../../"
    odd = [f"{SFR}{name}" for name in ("../../etc/passwd", "a b", "a_b", "a%20b", "Пересильд", "x.html", ".hidden")]
    paths = [resource_page(iri) for iri in odd]
    assert len(set(paths)) == len(paths)  # no two resources share a file
    for path in paths:
        assert path.startswith("resource/") and ".." not in path.split("/") and " " not in path, path
        assert all(part and not part.startswith(".") for part in path.split("/")), path
    assert source_page("https://tass.com/science/1350499").startswith("source/tass-com-science-1350499-")


# ---------------------------------------------------------------- works filmed in space


def section(text: str, start: str) -> str:
    """The HTML from ``start`` to the end of its section."""
    return text.split(start, 1)[1].split("</section>", 1)[0]


def rows(html_text: str) -> dict[str, str]:
    """Each table row's text, by the page its first link goes to (relative to the site's root)."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html_text, re.S):
        link = re.search(r'<a href="(?:\.\./)*([^"]+)"', row)
        if link:
            assert link[1] not in found, link[1]  # each work once
            found[link[1]] = html.unescape(re.sub(r"<[^>]+>", "", row))
    return found


def test_the_home_page_lists_every_work_precedents_finds(site: Path, local: LocalBackend) -> None:
    from spacefilms.core.library import get_query

    home = (site / "index.html").read_text(encoding="utf-8")
    works = section(home, '<section id="works"')
    filmed, announced = works.split("Announced, never filmed", 1)
    listed, apart = rows(filmed), rows(announced)
    result = local.run(get_query("precedents").text)
    assert len(result.rows) >= 30
    for work, _, _, where, when, *_ in result.to_rdflib():
        row = listed[resource_page(str(work))]
        assert all(place in row for place in str(where).split(", ")), (work, row)  # each station and flight named
        assert when is None or str(when)[:4] in row, (work, row)
    kinds = local.select(
        "SELECT DISTINCT ?w WHERE { ?w sf:workKind ?k FILTER NOT EXISTS { ?w sf:workKind sf:AnnouncedProject } }"
    )
    assert set(listed) == {resource_page(w.value) for (w,) in kinds.rows}  # and every other work with a kind
    planned = local.select("SELECT ?w WHERE { ?w sf:workKind sf:AnnouncedProject }")
    assert set(apart) == {resource_page(w.value) for (w,) in planned.rows} and len(apart) >= 4
    assert "18 June 2001" in apart[resource_page(f"{SFR}destination-mir")]  # its latest dated status, of four
    assert re.search(r"<h3>Giant-screen film <span class=\"note\">\(\d+\)</span></h3>", works)
    assert 'src="images/works-timeline.svg"' in works and (site / "images" / "works-timeline.svg").is_file()
    videos = rows((site / "class" / "videoobject.html").read_text(encoding="utf-8"))
    assert resource_page(f"{SFR}space-oddity-hadfield") in videos and "music video" in "".join(videos.values())
    assert resource_page(f"{SFR}one-strange-rock") in rows((site / "class" / "tvseries.html").read_text(encoding="utf-8"))


def test_a_work_page_shows_where_when_and_by_whom_it_was_filmed_with_sources(site: Path, local: LocalBackend) -> None:
    work = f"{SFR}return-from-orbit"
    text = (site / resource_page(work)).read_text(encoding="utf-8")
    filming = section(text, '<section aria-labelledby="filming-h">')
    stated = local.select(
        f"""SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{work}> ?p ?o }}
            VALUES ?p {{ schema:recordedAt sf:filmingLocation sf:cameraOperatorInSpace }} }}"""
    )
    by_value: dict[str, set[str]] = {}
    for _, obj, graph in stated.rows:
        by_value.setdefault(obj.value, set()).add(graph.value)
    assert {f"{SFR}soyuz-t-9", f"{SFR}salyut-7", f"{SFR}vladimir-lyakhov"} <= set(by_value)
    for obj, graphs in by_value.items():
        (row,) = [r for r in filming.split("<tr>")[1:] if f'href="../{resource_page(obj)}"' in r]
        assert set(re.findall(r'class="out" href="([^"]+)"', row)) == graphs, obj
    assert "filmed during" in filming and "Soyuz T-9" in filming
    challenge = section((site / resource_page(f"{SFR}the-challenge")).read_text(encoding="utf-8"), 'aria-labelledby="filming-h"')
    assert 'datetime="2021-10-05"' in challenge and 'datetime="2021-10"' in challenge  # every date a source gives
    assert '<h2 id="filming-h">Filmed in space</h2>' in text
    planned = (site / resource_page(f"{SFR}destination-mir")).read_text(encoding="utf-8")
    assert '<h2 id="filming-h">Planned filming in space</h2>' in planned and "sf:plannedFilmingLocation" in planned


def test_the_timeline_of_works_draws_one_marker_row_per_work(local: LocalBackend, cli, tmp_path: Path) -> None:
    from spacefilms.core.precision import folded
    from spacefilms.diagrams.network import load_graph_data
    from spacefilms.diagrams.timeline import works_figure, works_in_space

    dated = local.select(
        """SELECT ?w ?filmed ?released WHERE { ?w sf:workKind ?k
             FILTER NOT EXISTS { ?w sf:workKind ?x FILTER (?x IN (sf:AnnouncedProject, sf:ArchivalCompilation)) }
             OPTIONAL { ?m sf:milestoneOf ?w ; sf:milestoneType sf:FilmingInSpace ; schema:startDate ?filmed }
             OPTIONAL { ?w schema:datePublished ?released } }"""
    )
    filmed: dict[str, set[str]] = {}
    released: dict[str, set[str]] = {}
    for work, when, published in dated.rows:
        if when is not None:
            filmed.setdefault(work.value, set()).add(when.value)
        if published is not None:
            released.setdefault(work.value, set()).add(published.value)
    data = load_graph_data(local)
    lanes = works_in_space(data)
    events = [e for lane in lanes.values() for e in lane]
    assert {e.iri for e in events} == set(filmed) | set(released) and len(events) == len({e.iri for e in events})
    for event in events:  # every date the pages give, those differing only in precision as one, at its best
        given = filmed.get(event.iri, released.get(event.iri))
        assert {d.text for d in event.dates} == set(folded(given).values()), event.iri
    fig, drawn = works_figure(data, lanes, "Works", "2026-01-01")
    markers: dict[float, list[str]] = {}
    for line in fig.axes[0].lines:
        if line.get_marker() not in (None, "None", "") and len(line.get_xdata()) == 1:
            markers.setdefault(float(line.get_ydata()[0]), []).append(line.get_marker())
    assert drawn == len(events) == len(markers)  # a row of markers per work
    for event, y in zip(events, sorted(markers, reverse=True)):
        exact = sum(d.precision in ("day", "time") for d in event.dates)
        assert markers[y] == ["*" if event.iri in filmed else "h"] * max(exact, 1), event.label  # a marker per date
    assert min(e.first for e in events).year == 1982 and len(filmed) >= 25  # 28 works have a dated filming in space
    output = tmp_path / "works.svg"
    result = cli("timeline", "--works", "-o", str(output))
    assert result.exit_code == 0 and "overlap" not in result.stderr, result.stderr
    assert f"{len(events)} items" in result.stdout and "Space Oddity" in output.read_text(encoding="utf-8")
    both = cli("timeline", "--works", "--project", "sfr:the-challenge", "-o", str(tmp_path / "x.svg"))
    assert both.exit_code == 2 and "--works or --project" in both.stderr and not (tmp_path / "x.svg").exists()


def test_each_description_shows_its_sources_and_differing_ones_disagree(site: Path, local: LocalBackend) -> None:
    from spacefilms.site.entities import amounts

    film = f"{SFR}the-challenge"
    stated = local.select(f"SELECT ?d ?g WHERE {{ GRAPH ?g {{ <{film}> schema:description ?d }} }}")
    by_text: dict[str, set[str]] = {}
    for text, graph in stated.rows:
        by_text.setdefault(text.value, set()).add(graph.value)
    assert len(by_text) >= 5  # several pages describe the film, each shown with its own
    page = (site / resource_page(film)).read_text(encoding="utf-8")
    head = page.split('<header class="entity-head">', 1)[1].split("</header>", 1)[0]
    blocks = head.split('<div class="described">')[1:]
    assert len(blocks) == len(by_text)
    shown = {}
    for block in blocks:
        text = html.unescape(re.search(r'<p class="description"[^>]*>(.*?)(?: <a class="flag"|</p>)', block, re.S)[1])
        shown[text] = {html.unescape(u) for u in re.findall(r'class="out" href="([^"]+)"', block)}
    assert shown == by_text  # each paragraph with exactly the pages stating it
    assert "https://en.wikipedia.org/wiki/The_Challenge_(2023_film)" in blocks[0]  # its own encyclopedia article first
    differing = section(page, '<section class="disagreements"').split("lengths of time in days", 1)[1]
    assert "11 days, 22 hours and 13 minutes" in differing and "spent 12 days" in differing
    assert "30 hours of material in orbit" not in differing  # agrees with every other length it states
    flagged = [b for b in blocks if 'class="flag"' in b]
    assert len(flagged) == 2 and all("12 days" in b or "11 days" in b for b in flagged)
    assert amounts("11 days, 22 hours and 13 minutes (35–40 minutes)") == {"day": [(17173, 17173)], "minute": [(35, 40)]}
    assert amounts("12 days, then 2 weeks") == {"day": [(17280, 17280)], "week": [(20160, 20160)]}


def test_the_readme_example_of_a_work_is_valid(tmp_path: Path) -> None:
    import shutil

    from spacefilms.store.build import load_and_validate

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(
        r"```trig\n(.*?)```", readme.split("## Adding a work filmed in space", 1)[1].split("\n## ", 1)[0], re.S
    )
    works = ROOT / "graph" / "works" / "fiction.trig"
    prefixes = "".join(line + "\n" for line in works.read_text(encoding="utf-8").splitlines() if line.startswith("@prefix"))
    graph = shutil.copytree(ROOT / "graph", tmp_path / "graph")
    (graph / "works" / "example.trig").write_text(prefixes + example, encoding="utf-8")
    data = load_and_validate(graph)
    assert graph / "works" / "example.trig" in data.files
    (graph / "works" / "example.trig").write_text(
        prefixes + example.replace("sf:MusicVideo", "sfr:chris-hadfield"), encoding="utf-8"
    )
    with pytest.raises(SpacefilmsError, match=r"space-oddity-hadfield>: sf:workKind must be .*chris-hadfield"):
        load_and_validate(graph)  # the example is checked: a kind of work must be one


def test_two_stores_in_one_folder_never_share_a_website(tmp_path: Path) -> None:
    from spacefilms.workspace import site_path

    assert site_path(tmp_path / "store") == tmp_path / "site"  # the workspace's store, as the README says
    assert site_path(tmp_path / "store.2024") == tmp_path / "store.2024-site"
    assert len({site_path(tmp_path / name) for name in ("store", "other", "store.2024")}) == 3


def test_the_site_from_an_endpoint_matches_the_site_from_the_store(
    site: Path, exported_server: OxigraphServer, tmp_path: Path
) -> None:
    """An endpoint's answers are copied once into a store in memory and read like a local store: the same pages,
    saying the same facts with the same sources (blank nodes, such as amounts of money, included)."""
    output = tmp_path / "site"
    build_site(RemoteBackend(exported_server.query_endpoint, timeout=60), output, max_diagrams=0)

    def pages(folder: Path) -> set[str]:
        return {str(p.relative_to(folder)) for part in ("resource", "source", "class") for p in (folder / part).rglob("*.html")}

    def facts(page: Path) -> str:
        text = page.read_text(encoding="utf-8")
        return text[text.index('<section aria-labelledby="facts-h">') :]

    assert len(pages(output)) > 300 and pages(output) == pages(site)
    for iri in ("yulia-peresild", "the-challenge"):
        assert facts(output / resource_page(SFR + iri)) == facts(site / resource_page(SFR + iri)), iri
    assert (output / "search-index.js").read_bytes() == (site / "search-index.js").read_bytes()


def test_the_focus_ranking_counts_each_entitys_links_as_the_diagrams_draw_them(local: LocalBackend) -> None:
    """The best-connected entities are ranked one entity at a time from the store's indexes (an index of every link
    held 1.1 GB at a million triples): each count is the entity's degree in the network the diagrams draw, cast roles,
    flight assignments and headships folded into one edge between their ends (and then no node of their own)."""
    from spacefilms.diagrams.network import Degrees, build_network, load_graph_data
    from spacefilms.namespaces import RDF, SF

    data = load_graph_data(local)
    net = build_network(data)
    folded = [n for n, types in data.types.items() if types & {str(SF.CastRole), str(SF.FlightAssignment), str(SF.Headship)}]
    degree = Degrees(local)
    assert folded and all(degree(n) == 0 for n in folded)
    drawn = dict(net.degree())
    assert {n: degree(n) for n in drawn} == drawn
    assert max(drawn.values()) > 50 and str(RDF.type) not in drawn
