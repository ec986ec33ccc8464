"""``spacefilms serve``: the SPARQL 1.1 Protocol endpoint (through SPARQLWrapper), its limits and refusals,
its offline page in headless Chromium, a clean Ctrl-C, and a rebuilt store picked up while serving."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser import Chromium
from conftest import MINI
from rdflib import Graph
from served import SPACEFILMS, Served, alive, post
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from spacefilms.core.library import get_query, list_queries
from spacefilms.endpoints.protocol import FEDERATED, Refused, check_query, negotiate
from spacefilms.endpoints.serving import yasgui
from spacefilms.store.build import build
from spacefilms.templating import csp_hash, own_code

TIMEOUT_S = 2
MAX_RESULT_BYTES = 300_000
FILMS = "PREFIX schema: <http://schema.org/> SELECT DISTINCT ?film WHERE { ?film a schema:Movie } ORDER BY ?film"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows: never finishes


@pytest.fixture(scope="module")
def served(built_store: Path) -> Iterator[Served]:
    server = Served(built_store, "--timeout", str(TIMEOUT_S), "--max-result-bytes", str(MAX_RESULT_BYTES))
    yield server
    server.stop()


def sparql(served: Served, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(served.endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(20)
    return client


def test_listens_on_loopback_by_default(served: Served) -> None:
    assert served.banner.startswith(f"Serving http://127.0.0.1:{served.port}/ ")


def test_select_in_json_xml_and_csv(served: Served, local) -> None:
    expected = local.run(FILMS).values("film")
    assert "https://w3id.org/spacefilms/resource/the-challenge" in expected
    as_json = sparql(served, FILMS, JSON).queryAndConvert()
    assert [b["film"]["value"] for b in as_json["results"]["bindings"]] == expected
    as_xml = sparql(served, FILMS, XML).queryAndConvert()
    assert [uri.firstChild.data for uri in as_xml.getElementsByTagName("uri")] == expected
    as_csv = sparql(served, FILMS, CSV).queryAndConvert().decode().splitlines()
    assert as_csv == ["film", *expected]


def test_ask_and_construct(served: Served, local) -> None:
    yes = sparql(served, "ASK { <https://w3id.org/spacefilms/resource/the-challenge> a <http://schema.org/Movie> }")
    assert yes.queryAndConvert()["boolean"] is True
    no = sparql(served, "ASK { <https://w3id.org/spacefilms/resource/the-challenge> a <http://schema.org/Person> }")
    assert no.queryAndConvert()["boolean"] is False
    construct = "CONSTRUCT { ?f a <http://schema.org/Movie> } WHERE { ?f a <http://schema.org/Movie> }"
    turtle = sparql(served, construct, TURTLE).queryAndConvert()
    graph = Graph().parse(data=turtle.decode(), format="turtle")
    assert set(graph.subjects()) == {f for (f,) in local.run(FILMS).to_rdflib()}


def test_content_negotiation(served: Served) -> None:
    status, kind, body = post(served, {"query": FILMS}, "text/tab-separated-values")
    assert (status, kind) == (200, "text/tab-separated-values; charset=utf-8")
    assert body.splitlines()[0] == "?film" and "<https://w3id.org/spacefilms/resource/the-challenge>" in body
    construct = "CONSTRUCT WHERE { <https://w3id.org/spacefilms/resource/the-challenge> a ?c }"
    status, kind, body = post(served, {"query": construct}, "application/n-triples, text/turtle;q=0.5")
    assert (status, kind) == (200, "application/n-triples")
    assert "<https://w3id.org/spacefilms/resource/the-challenge> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in body
    status, _, body = post(served, {"query": FILMS}, "image/png")
    assert status == 406 and "available: application/sparql-results+json" in body


def test_updates_are_refused(served: Served) -> None:
    insert = "INSERT DATA { <urn:x-test:a> <urn:x-test:b> <urn:x-test:c> }"
    client = sparql(served, insert)
    client.setMethod("POST")
    with pytest.raises(QueryBadFormed, match="read-only: SPARQL Update is refused"):
        client.query()
    assert post(served, {"query": insert})[:3:2] == (400, "this endpoint is read-only: SPARQL Update is refused\n")
    request = urllib.request.Request(
        served.url + "update", data=insert.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    assert sparql(served, "ASK { <urn:x-test:a> ?p ?o }").queryAndConvert()["boolean"] is False


@pytest.fixture()
def other_host() -> Iterator[list[str]]:
    """Another SPARQL endpoint on loopback that records every request it gets."""
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            calls.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

        do_POST = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    calls.append(f"http://127.0.0.1:{server.server_address[1]}/sparql")
    yield calls
    server.shutdown()
    server.server_close()


def test_service_to_another_host_is_refused(served: Served, other_host: list[str]) -> None:
    remote = other_host.pop()
    for query in (
        f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SELECT ?s WHERE {{ SERVICE SILENT <{remote}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND (<{remote}> AS ?where) SERVICE ?where {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{remote}> {{ ?s ?p ?o }} }} }}",
        f"SELECT ?x WHERE {{ #\r SERVICE <{remote}> {{ ?x ?q ?r }} }}",  # a comment ended by a bare CR
        f"SELECT ?x WHERE {{ #\r\n SERVICE <{remote}> {{ ?x ?q ?r }} }}",
        f"SELECT ?x WHERE {{ sErViCe <{remote}> {{ ?x ?q ?r }} }}",
        f"SELECT ?x WHERE {{ \\u0053ERVICE <{remote}> {{ ?x ?q ?r }} }}",  # a codepoint escape
        f"SELECT ?x WHERE {{ \u017fERVICE <{remote}> {{ ?x ?q ?r }} }}",  # long s: upper-cases to S
        f"SELECT ?x WHERE {{ SERV\u0131CE <{remote}> {{ ?x ?q ?r }} }}",  # dotless i: upper-cases to I
        f"SELECT ?x WHERE {{ \uff33ERVICE <{remote}> {{ ?x ?q ?r }} }}",  # fullwidth S
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',  # even in a string: no parse, no doubt
    ):
        status, _, body = post(served, {"query": query})
        assert (status, body) == (400, FEDERATED + "\n"), query
    assert other_host == []  # the other host was never asked


def test_check_query_sees_what_the_engine_would_run() -> None:
    # \u0022 is a quote before parsing (SPARQL 1.1, 19.2): what follows is code, not the rest of a string.
    hidden = 'SELECT * WHERE { ?s ?p "a\\u0022 . SERV\\u0049CE <http://example.org/sparql> { ?s ?p ?o } } #" }'
    with pytest.raises(Refused, match="federated queries are refused"):
        check_query(hidden)
    assert check_query('SELECT ?s WHERE { ?s ?p "caf\\u00E9" }') == 'SELECT ?s WHERE { ?s ?p "café" }'
    assert check_query("ASK {}\r\n# x\rSELECT") == "ASK {}\n# x\nSELECT"  # one line end, as the engine reads them
    with pytest.raises(Refused, match="read-only"):
        check_query("PREFIX a: <urn:a#> BASE <urn:b> DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(Refused, match="not a character"):
        check_query('ASK { ?s ?p "\\uD800" }')
    assert negotiate("ASK", "text/csv;q=0.2, application/sparql-results+xml").media_type == "application/sparql-results+xml"


def test_a_query_past_the_time_limit_is_stopped(served: Served) -> None:
    # No wall-clock assertion: the 503 says the limit stopped it, and post() gives up (failing the test) if it hangs.
    status, _, body = post(served, {"query": SLOW})
    assert (status, body) == (503, f"query stopped: it ran past the time limit of {TIMEOUT_S} s\n")
    assert post(served, {"query": "ASK {}"})[0] == 200  # and the endpoint still answers


def test_a_result_past_the_size_limit_is_refused(served: Served) -> None:
    status, _, body = post(served, {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert (status, body) == (
        400,
        f"result too large: more than {MAX_RESULT_BYTES} bytes; add a LIMIT or ask for fewer columns\n",
    )
    assert post(served, {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10"})[0] == 200


def test_syntax_errors_say_where(served: Served) -> None:
    status, _, body = post(served, {"query": "SELECT ?s WHERE { ?s ?p }"})
    assert status == 400 and body.startswith("SPARQL syntax error at line 1, column")


EDITOR = "document.querySelector('.yasqe .CodeMirror').CodeMirror"  # YASQE is a CodeMirror editor
STATE = "['done', 'error'].find(s => s === document.getElementById('yasgui').dataset.state)"


def open_page(browser: Chromium, url: str) -> None:
    browser.open(url)
    browser.wait_for("document.getElementById('examples').dataset.state === 'done'")


def run_on_page(browser: Chromium, query: str | None = None) -> tuple[str, str]:
    """Run the editor's query (``query`` typed in first): the state it ends in, and what YASR shows."""
    if query is not None:
        browser.js(f"{EDITOR}.setValue({json.dumps(query)})")
    browser.js("document.getElementById('yasgui').dataset.state = 'idle'; document.querySelector('.yasqe_queryButton').click()")
    state = browser.wait_for(STATE)
    return str(state), str(browser.js("document.querySelector('.yasr').innerText"))


def column(browser: Chromium, name: str) -> list[str]:
    """The cells of a result column, as the table shows them (top to bottom)."""
    return browser.js(
        f"""(() => {{ const heads = [...document.querySelectorAll('.yasr thead th')].map(th => th.textContent.trim());
        const at = heads.indexOf({json.dumps(name)});
        return [...document.querySelectorAll('.yasr tbody tr')].map(tr => tr.children[at].textContent.trim()); }})()"""
    )


def follow(browser: Chromium, text: str) -> None:
    """Click the result link showing ``text``: twice where YASR cut the cell short (the first click shows it whole)."""
    browser.js(
        f"""(() => {{ const a = [...document.querySelectorAll('.yasr td a')].find(a => a.textContent === {json.dumps(text)});
        if (a.closest('.expandable') && !a.closest('.expanded')) a.click();
        a.click(); }})()"""
    )


def test_the_page_runs_queries_offline(served: Served, chromium: Chromium, local) -> None:
    open_page(chromium, served.url)
    names = chromium.js("[...document.querySelectorAll('nav button')].map(b => b.dataset.name)")
    assert names == [q.name for q in list_queries()]  # as the queries graph publishes them
    # Pick the bundled "cast" example and run it as it is shown.
    chromium.js("document.querySelector('nav button[data-name=\"cast\"]').click()")
    assert "SELECT" in str(chromium.js(f"{EDITOR}.getValue()"))
    state, shown = run_on_page(chromium)
    rows = len(local.run(get_query("cast").text, get_query("cast").bind({})).rows)  # a row per performer and role name
    assert state == "done" and re.search(rf"\b{rows} results", shown) and rows > 5
    performers = column(chromium, "performer")
    assert "sfr:yulia-peresild" in performers and '"Yulia Peresild"@en' in column(chromium, "performerLabel")
    # The results sort: by a column, one way then the other.
    chromium.js("[...document.querySelectorAll('.yasr thead th')].find(th => th.textContent.trim() === 'performer').click()")
    assert column(chromium, "performer") == sorted(performers)
    chromium.js("[...document.querySelectorAll('.yasr thead th')].find(th => th.textContent.trim() === 'performer').click()")
    assert column(chromium, "performer") == sorted(performers, reverse=True)
    # Entities link to their page (through /entity), sources to their pages; the query is in the page's address.
    links = chromium.js("[...document.querySelectorAll('.yasr td a')].map(a => a.getAttribute('href'))")
    assert "entity?iri=https%3A%2F%2Fw3id.org%2Fspacefilms%2Fresource%2Fyulia-peresild" in links
    assert any(h.startswith("https://tass.com/") for h in links)
    assert str(chromium.js("location.hash")).startswith("#query=")
    state, shown = run_on_page(chromium, "ASK { ?film a <http://schema.org/Movie> }")
    assert state == "done" and shown.splitlines()[-1] == "True"
    assert chromium.problems() == []
    state, shown = run_on_page(chromium, "DELETE WHERE { ?s ?p ?o }")
    assert state == "error" and "this endpoint is read-only: SPARQL Update is refused" in shown
    assert chromium.problems() == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    # A permalink opens with its query and runs it.
    open_page(chromium, served.url + "#query=" + urllib.parse.quote("ASK { ?x a <http://schema.org/Person> }"))
    assert "schema.org/Person" in str(chromium.js(f"{EDITOR}.getValue()"))
    assert chromium.wait_for(STATE) == "done"
    assert str(chromium.js("document.querySelector('.yasr').innerText")).splitlines()[-1] == "True"
    # Without the website, an entity's link opens the page with a query describing it.
    chromium.js("document.querySelector('nav button[data-name=\"cast\"]').click()")
    run_on_page(chromium)
    follow(chromium, "sfr:yulia-peresild")
    described = "DESCRIBE <https://w3id.org/spacefilms/resource/yulia-peresild>"
    chromium.wait_for(f"location.pathname === '/' && {EDITOR}.getValue() === {json.dumps(described)}")
    assert chromium.wait_for(STATE) == "done" and "Пересильд" in str(chromium.js("document.querySelector('.yasr').innerText"))
    # Everything the page loaded came from the endpoint itself, and nothing went wrong on the way.
    assert chromium.requested() and all(url.startswith(served.url) for url in chromium.requested())
    assert chromium.problems() == []


def test_the_page_forbids_anything_from_elsewhere(served: Served) -> None:
    with urllib.request.urlopen(served.url, timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'self'"
    for kind in ("script-src", "style-src"):  # nothing inline or loaded but what the hashes allow: no 'unsafe-…', no 'self'
        assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", source) for source in directives[kind].split()), directives[kind]
    assert "http://" not in page.split("<script", 1)[0] and re.findall(r'src="([^"]*)"', page) == [yasgui().script_path]
    with urllib.request.urlopen(served.url + yasgui().script_path, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert csp_hash(response.read().decode()) == yasgui().integrity  # the very script the policy allows
    assert f"script-src '{csp_hash(own_code('endpoint').script)}' '{yasgui().integrity}';" in policy


@pytest.mark.system  # starts a server itself
def test_ctrl_c_stops_server_and_engine(built_store: Path) -> None:
    server = Served(built_store)
    engines = server.engine_pids()
    assert len(engines) == 1 and "oxigraph" in Path(f"/proc/{engines[0]}/cmdline").read_text()
    assert server.interrupt() == (0, "Stopped.\n")
    assert not Path(f"/proc/{engines[0]}").exists() or "Z" in Path(f"/proc/{engines[0]}/stat").read_text().split()[2]
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url, timeout=2)


@pytest.mark.system  # starts a server itself
def test_a_rebuilt_store_is_served_without_restart(tmp_path: Path) -> None:
    store = build(MINI, tmp_path / "store").store
    server = Served(store)
    try:
        count = "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a <http://schema.org/Movie> }"
        assert sparql(server, count).queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "1"
        build(store=store)  # the bundled graph, swapped in behind the same link
        assert int(sparql(server, count).queryAndConvert()["results"]["bindings"][0]["n"]["value"]) > 1
    finally:
        server.stop()


@pytest.mark.system  # starts a server itself
def test_serve_without_a_store_is_one_clear_error(tmp_path: Path) -> None:
    result = subprocess.run([SPACEFILMS, "--store", str(tmp_path / "none"), "serve"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'none'}: no built store here: run `spacefilms build` first"


def test_sparqlwrapper_sees_refusals_as_errors(served: Served) -> None:
    client = sparql(served, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(SPARQLWrapperException, match="federated queries are refused"):
        client.query()


def test_every_request_is_logged_in_one_line(served: Served) -> None:
    def refused(line: str) -> bool:
        return line.startswith("127.0.0.1 POST /query 400 ") and line.endswith(
            "— this endpoint is read-only: SPARQL Update is refused"
        )

    post(served, {"query": "ASK { ?s ?p ?o }"})
    post(served, {"update": "DROP ALL"})
    lines = served.log_lines_once(lambda lines: any(map(refused, lines)))
    assert any(re.fullmatch(r"127\.0\.0\.1 POST /query 200 [\d,]+ B \d+ ms", line) for line in lines), lines[-5:]
    assert any(map(refused, lines))


def test_the_queries_are_published_as_sparql_examples(served: Served) -> None:
    from rdflib import Graph, URIRef

    with urllib.request.urlopen(served.url + ".well-known/sparql-examples", timeout=20) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        graph = Graph().parse(data=response.read().decode(), format="turtle")
    executables = set(
        graph.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://www.w3.org/ns/shacl#SPARQLExecutable")
        )
    )
    assert {str(e).rsplit("/", 1)[1] for e in executables} == {q.name for q in list_queries()}


def test_the_engine_is_started_again_when_it_dies(served: Served) -> None:
    (engine,) = served.engine_pids()
    os.kill(engine, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while alive(engine) and time.monotonic() < deadline:
        time.sleep(0.05)  # until every thread of it has ended: a request sent before may be the one answered 5xx
    status, _, body = post(served, {"query": "ASK { ?s ?p ?o } # not in the answer cache"})
    assert (status, json.loads(body)["boolean"]) == (200, True)  # the next request is served by a new engine
    assert served.engine_pids() and served.engine_pids() != [engine]


def test_a_query_past_its_time_does_not_keep_running(served: Served) -> None:
    before = served.engine_pids()
    status, _, _ = post(served, {"query": SLOW})
    assert status == 503
    assert not any(alive(pid) for pid in before)
    assert post(served, {"query": "ASK { ?s ?p ?o }"})[0] == 200


def test_requests_for_another_host_or_from_another_site_are_refused(served: Served) -> None:
    def ask(headers: dict[str, str]) -> int:
        request = urllib.request.Request(served.endpoint + "?query=ASK%7B%7D", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert ask({}) == 200 and ask({"Host": f"localhost:{served.port}"}) == 200
    assert ask({"Host": "rebound.example"}) == 403  # DNS rebinding: a foreign name pointing at 127.0.0.1
    assert ask({"Origin": "http://evil.example"}) == 403  # a page elsewhere posting to us
    assert ask({"Origin": f"http://127.0.0.1:{served.port}"}) == 200


@pytest.mark.system  # starts a server itself
def test_a_public_address_must_be_named(built_store: Path) -> None:
    result = subprocess.run(
        [SPACEFILMS, "--store", str(built_store), "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "--public-name" in result.stderr and "Traceback" not in result.stderr


def test_the_interactive_diagram_reads_well_in_a_browser(chromium: Chromium, cli, tmp_path: Path) -> None:
    page = tmp_path / "race.html"
    assert cli("diagram", "race", "-o", str(page)).exit_code == 0
    chromium.call("Page.navigate", session=True, url=page.as_uri())
    chromium.wait_for("document.readyState === 'complete' && document.querySelectorAll('#nodes .node').length")
    assert "competed with" in str(chromium.js("document.getElementById('legend').textContent"))
    fits = """(() => { const i = document.getElementById('search'), c = document.createElement('canvas').getContext('2d');
      const s = getComputedStyle(i); c.font = s.fontSize + ' ' + s.fontFamily;
      return c.measureText(i.placeholder).width <= i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); })()"""
    assert chromium.js(fits) is True  # the whole placeholder shows
    chromium.js("const s = document.getElementById('search'); s.value = 'Peresild'; s.dispatchEvent(new Event('input'))")
    last = "(() => { const g = document.querySelector('#nodes').lastElementChild; return [g.classList.contains('match'), g.textContent, getComputedStyle(g).opacity]; })()"
    matched, text, opacity = chromium.js(last)
    assert matched and "Peresild" in text and opacity == "1"  # drawn on top, not dimmed
    # A node's panel lists its relations too, each with its pages, not only the facts written as text.
    chromium.js("showPanel(nodePanel(DATA.nodes.find(n => n.id.endsWith('/cruise-liman-space-film'))))")
    panel = str(chromium.js("document.getElementById('panel').textContent"))
    assert "Relations" in panel and "planned partner" in panel and "SpaceX" in panel and "Tom Cruise" in panel
    assert chromium.js("[...document.querySelectorAll('#panel li a')].every(a => a.href.startsWith('http'))") is True
    errors = [e for e in chromium.events if e.get("method") == "Runtime.exceptionThrown"]
    assert errors == []


def test_the_editor_declares_the_project_prefixes(served: Served, chromium: Chromium, local) -> None:
    open_page(chromium, served.url)
    chromium.js(f"{EDITOR}.setValue('SELECT ?film WHERE {{ ?film a ')")
    for piece in ("schema:", "Movie . ?film sf:", "filmingLocation ?place }"):  # typed piece by piece, as a person types
        chromium.js(f"{{ const cm = {EDITOR}; cm.setCursor(cm.lineCount(), 0); cm.replaceSelection({json.dumps(piece)}); }}")
        chromium.wait_for(f"{EDITOR}.getValue().includes({json.dumps(piece)})")
    text = str(chromium.wait_for(f"(v => v.includes('PREFIX sf:') && v)({EDITOR}.getValue())"))
    # sf: is this project's (YASQE's own list gives it to another vocabulary), each declared once
    assert text.count("PREFIX schema: <http://schema.org/>") == 1
    assert text.count("PREFIX sf: <https://w3id.org/spacefilms/ontology#>") == 1
    state, shown = run_on_page(chromium)
    films = len(local.select("SELECT ?film WHERE { ?film a schema:Movie . ?film sf:filmingLocation ?place }"))
    assert state == "done" and f"{films} results" in shown and films >= 5
    assert chromium.problems() == []


def wait_for_site(server: Served, marker_stamp: str | None = None) -> None:
    """Until ``/site/`` answers (the first build runs in the background), or the site's stamp differs from ``marker_stamp``."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(server.url + "site/.spacefilms-site", timeout=30) as response:
                if marker_stamp is None or json.loads(response.read())["built_at"] != marker_stamp:
                    return
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and "being built" in exc.read().decode()
        time.sleep(0.2)
    raise AssertionError(f"the website was not served: {server.log()[-2000:]}")


def test_serve_also_serves_the_website_and_follows_a_rebuild(tmp_path: Path, chromium: Chromium) -> None:
    store = build(MINI, tmp_path / "store").store
    server = Served(store, site=True)
    try:
        assert "website http://127.0.0.1:" in server.banner
        wait_for_site(server)
        with urllib.request.urlopen(server.url + "site/", timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/html")
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            home = response.read().decode()
        page = re.search(r'href="(resource/[^"]+\.html)"', home).group(1)
        with urllib.request.urlopen(server.url + "site/" + page.replace(".html", ".ttl"), timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert "@prefix" in response.read().decode()
        with urllib.request.urlopen(server.url + "site/void.ttl", timeout=30) as response:  # the graph's VoID description
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert "void:triples" in response.read().decode()
        with urllib.request.urlopen(server.url + "site/.spacefilms-site", timeout=30) as response:
            first = json.loads(response.read())["built_at"]
        build(store=store)  # the bundled graph, swapped in behind the same link: the site follows
        wait_for_site(server, first)
        with urllib.request.urlopen(server.url + "site/resource/yulia-peresild.html", timeout=30) as response:
            assert "Пересильд" in response.read().decode()
        with urllib.request.urlopen(server.url, timeout=30) as response:
            assert 'href="site/"' in response.read().decode()  # the query page links to it
        # An entity in a query's results links to its page on the website.
        open_page(chromium, server.url)
        chromium.js("document.querySelector('nav button[data-name=\"cast\"]').click()")
        assert run_on_page(chromium)[0] == "done"
        follow(chromium, "sfr:yulia-peresild")
        chromium.wait_for("location.pathname === '/site/resource/yulia-peresild.html' && document.readyState === 'complete'")
        assert "Peresild" in str(chromium.js("document.title"))
    finally:
        server.stop()
    assert (tmp_path / "site" / ".spacefilms-site").is_file()  # beside the store
