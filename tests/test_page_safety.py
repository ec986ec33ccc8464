"""Hostile data in the pages the project writes: labels and titles that try to end a script, open a comment, inject an
element or fill a placeholder, and ``javascript:`` IRIs as sources and links. Each page is opened in headless
Chromium with ``window.alert`` hooked: nothing runs, the page renders, the data reads back unchanged."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from browser import Chromium

from spacefilms.core.backends import LocalBackend
from spacefilms.endpoints.protocol import Limits
from spacefilms.endpoints.serving import render_page, yasgui
from spacefilms.namespaces import SOURCES_GRAPH as SOURCES
from spacefilms.site import build_site
from spacefilms.site.paths import source_page
from spacefilms.templating import is_web_link, script_json

EVIL = '__DATA__ __TITLE__ @@CONFIG@@ </script><!--<script "><img src=x onerror=alert(1)> \u2028line\u2029para end'
SFR, SCHEMA, SF = "https://w3id.org/spacefilms/resource/", "http://schema.org/", "https://w3id.org/spacefilms/ontology#"
RDF_TYPE, LABEL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label"
NEWS, SCRIPT_SOURCE, SCRIPT_LINK = "https://example.org/news?a=1&b=2", "javascript:alert(1)", "JavaScript:alert(2)"
# Record alerts instead of opening a dialog (which would block the page): installed before any script of the page runs.
HOOK = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk that was never through ``build`` (as an endpoint's data may be): a person with a hostile name
    whose facts a ``javascript:`` source states, in a film a plain news page states."""
    n, lit = ox.NamedNode, ox.Literal
    evil, film, news, script = n(f"{SFR}evil"), n(f"{SFR}film"), n(NEWS), n(SCRIPT_SOURCE)
    quads = [
        *(
            ox.Quad(source, predicate, value, n(SOURCES))
            for source, name in ((news, "News"), (script, EVIL))
            for predicate, value in (
                (n(RDF_TYPE), n(f"{SF}Source")),
                (n(LABEL), lit(name, language="en")),
                (n(f"{SF}sourceKind"), n(f"{SF}NewsSource")),
            )
        ),
        ox.Quad(evil, n(RDF_TYPE), n(f"{SCHEMA}Person"), script),
        ox.Quad(evil, n(LABEL), lit(EVIL, language="en"), script),
        ox.Quad(evil, n(f"{SCHEMA}description"), lit(EVIL), script),
        ox.Quad(evil, n(f"{SCHEMA}url"), n(SCRIPT_LINK), script),
        ox.Quad(
            evil, n(f"{SCHEMA}sameAs"), lit("javascript:alert(3)", datatype=n("http://www.w3.org/2001/XMLSchema#anyURI")), script
        ),
        ox.Quad(film, n(RDF_TYPE), n(f"{SCHEMA}Movie"), news),
        ox.Quad(film, n(LABEL), lit("Film", language="en"), news),
        ox.Quad(film, n(f"{SCHEMA}actor"), evil, news),
    ]
    location = tmp_path_factory.mktemp("hostile") / "store"
    store = ox.Store(str(location))
    store.extend(quads)
    store.flush()
    del store
    return location


@pytest.fixture()
def hooked(chromium: Chromium) -> Iterator[Chromium]:
    """The browser with ``window.alert`` recorded on every page; afterwards the hook is gone and no event of these
    pages is left for the next test that reads the browser's events."""
    script = chromium.call("Page.addScriptToEvaluateOnNewDocument", session=True, source=HOOK)["identifier"]
    yield chromium
    chromium.call("Page.removeScriptToEvaluateOnNewDocument", session=True, identifier=script)
    chromium.call("Page.navigate", session=True, url="about:blank")
    chromium.wait_for("location.href === 'about:blank' && document.readyState === 'complete'")
    chromium.events.clear()


def nothing_ran(chromium: Chromium, origin: str = "file://") -> None:
    assert chromium.js("window.__alerts") == []
    assert not [e for e in chromium.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert chromium.js("document.querySelectorAll('img').length") == 0  # no element made of a label
    assert all(url.startswith(origin) for url in chromium.requested())  # no src=x fetched


@pytest.mark.parametrize("title", [[], ["--title", EVIL]], ids=["focus-label-as-title", "given-title"])
def test_hostile_labels_neither_run_nor_break_the_interactive_diagram(
    cli, hooked: Chromium, hostile_store, tmp_path, title: list[str]
) -> None:
    page = tmp_path / "evil.html"
    result = cli("diagram", "--focus", f"{SFR}evil", "--depth", "1", *title, "-o", str(page), store=hostile_store)
    assert result.exit_code == 0, result.output
    hooked.open(page.as_uri())
    hooked.wait_for("document.querySelectorAll('#nodes .node').length === 2")  # the graph rendered: the page's script ran
    nothing_ran(hooked)
    assert hooked.problems() == []  # no exception, no CSP violation
    policy = hooked.js("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy and "unsafe-inline" not in policy
    # The data, the title and the names on the canvas read back exactly as the graph has them.
    data = hooked.js("JSON.parse(document.getElementById('data').textContent)")
    assert EVIL in {node["label"] for node in data["nodes"]}
    assert {source[0]: source[2] for source in data["sources"]} == {NEWS: True, SCRIPT_SOURCE: False}
    assert EVIL in hooked.js("document.querySelector('h1').textContent") and EVIL in hooked.js("document.title")
    assert any(
        EVIL.split()[0] in text for text in hooked.js("[...document.querySelectorAll('#nodes text')].map(t => t.textContent)")
    )
    # The details of the person and of the line: the label as text; a link to the news page, none to the script.
    hooked.js("showPanel(nodePanel(DATA.nodes.find(n => n.id.endsWith('/evil'))))")
    assert EVIL in hooked.js("document.getElementById('panel').textContent")
    # its facts' only source is the script: no link; its relation's page is linked, the only link in the panel
    assert hooked.js("[...document.querySelectorAll('#panel a')].map(a => a.href)") == [NEWS]
    hooked.js("showPanel(lineInfo(DATA.lines[0], true))")
    assert hooked.js("[...document.querySelectorAll('#panel a')].map(a => a.href)") == [NEWS]
    nothing_ran(hooked)


def test_hostile_config_neither_runs_nor_breaks_the_query_page(hooked: Chromium, tmp_path) -> None:
    body, policy = render_page(Limits(), endpoint_path=EVIL)
    assert "unsafe-inline" not in policy and "script-src 'sha256-" in policy
    (tmp_path / "query.html").write_bytes(body)
    (tmp_path / yasgui().script_path).parent.mkdir()
    (tmp_path / yasgui().script_path).write_bytes(yasgui().script)  # beside the page, as the endpoint serves it
    # over HTTP: a browser checks the script's integrity only for a CORS-enabled load
    files = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=files.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{files.server_address[1]}/"
        hooked.open(origin + "query.html")
        # the page's script ran: YASGUI's editor is there, and the examples were asked of the (hostile) endpoint
        hooked.wait_for(
            "document.querySelector('.yasqe .CodeMirror') && document.getElementById('examples').dataset.state === 'error'"
        )
        nothing_ran(hooked, origin)
    finally:
        files.shutdown()
        files.server_close()
    assert hooked.js("JSON.parse(document.getElementById('config').textContent).endpoint") == EVIL


def test_the_website_links_only_to_http_pages(hostile_store, tmp_path) -> None:
    output = tmp_path / "site"
    build_site(LocalBackend(hostile_store), output, max_diagrams=0)
    hrefs = Hrefs()
    for page in output.rglob("*.html"):
        hrefs.feed(page.read_text(encoding="utf-8"))
    assert NEWS in hrefs.found  # external links are still made ...
    assert {urlsplit(href).scheme for href in hrefs.found} <= {"", "http", "https"}  # ... but to http(s) pages only
    script_page = (output / source_page(SCRIPT_SOURCE)).read_text(encoding="utf-8")
    assert SCRIPT_SOURCE in script_page  # the source's IRI is still shown, as text


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found |= {value or "" for name, value in attrs if name == "href"}


def test_the_one_link_test() -> None:
    assert all(is_web_link(iri) for iri in ("https://example.org/a?b=1", "HTTP://EXAMPLE.ORG/", "http://x"))
    refused = ("javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "//example.org", "https://", "https://a b", "http:/x")
    assert not any(is_web_link(iri) for iri in refused)


def test_json_in_a_page_cannot_end_its_script() -> None:
    text = script_json({"a": EVIL})
    assert not any(c in text for c in "<>&\u2028\u2029") and json.loads(text) == {"a": EVIL}
