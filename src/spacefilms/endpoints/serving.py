"""``spacefilms serve``: a read-only SPARQL 1.1 Protocol endpoint and an offline query page over the built store.

An ASGI application (:mod:`spacefilms.endpoints.app`, on Starlette) served by uvicorn listens on the public address;
its query engine is an ``oxigraph serve-read-only`` process on a loopback port (:mod:`spacefilms.endpoints.engine`).
The engine parses and runs every query; the front refuses updates and ``SERVICE`` before it, asks for a format it
can check, reads the answer under a time and a size limit, checks it parses, and only then answers in the format the
client negotiated. It bounds connections (in all, per client, and the time to send a request), refuses requests for
other host names or from other sites' pages, serves its own page (nothing loaded from elsewhere), and follows the
store link: after ``spacefilms build`` the next query starts an engine on the new store.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import signal
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from spacefilms import __version__
from spacefilms.core.examples import SCHEMA as EXAMPLES_SCHEMA
from spacefilms.core.examples import SH
from spacefilms.endpoints.protocol import Limits
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import PREFIXES, QUERIES_GRAPH, RDFS
from spacefilms.site.paths import RESOURCE_BASE, is_resource, resource_page
from spacefilms.templating import csp_hash, environment, is_web_link, own_code

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_CONNECTIONS = 256
MAX_CONNECTIONS_PER_CLIENT = 128
CACHE_BYTES = 64_000_000


@dataclass(frozen=True)
class Listening:
    """Where the endpoint answers."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host if ':' not in self.host else f'[{self.host}]'}:{self.port}/"


@dataclass(frozen=True)
class Vendored:
    """YASGUI as the package holds it (``static/yasgui/``, refreshed by ``make yasgui``): its script, served from the
    endpoint under a name that changes with its content, and its style, which the page holds."""

    script: bytes
    style: Markup

    @property
    def inserted_styles(self) -> list[str]:
        """The stylesheets the script inserts as ``<style>`` elements: the table's column resizer adds its rules, and
        while a column is dragged its cursor. Read from the script, so that the page's CSP allows them by their hashes
        (nothing else inline) and stays in step when ``make yasgui`` brings another version."""
        text = self.script.decode("utf-8")
        return [*_INSERTED_STYLE.findall(text), *(f"*{{cursor:{cursor}!important}}" for cursor in _DRAG_CURSOR.findall(text))]

    @property
    def integrity(self) -> str:
        """The script's hash: its subresource integrity, and the CSP source that allows it and nothing else."""
        return csp_hash(self.script.decode("utf-8"))

    @property
    def script_path(self) -> str:
        return f"assets/yasgui-{hashlib.sha256(self.script).hexdigest()[:16]}.min.js"


_INSERTED_STYLE = re.compile(r"createStyle\(\w+,`([^`$]*)`\)")
_DRAG_CURSOR = re.compile(r"dragCursor:`([^`$]*)`")


@cache
def yasgui() -> Vendored:
    folder = resources.files("spacefilms").joinpath("static", "yasgui")
    return Vendored(folder.joinpath("yasgui.min.js").read_bytes(), Markup(folder.joinpath("yasgui.min.css").read_text("utf-8")))


def render_page(limits: Limits, endpoint_path: str = "/query") -> tuple[bytes, str]:
    """The query page (YASGUI, the bundled queries as its examples) and its Content-Security-Policy: scripts and
    styles by the hashes of their very text, connections to this endpoint only. YASGUI needs no 'unsafe-eval'; it
    sets styles from script (CodeMirror sizing its panes, DataTables its columns), which the CSP does not restrict."""
    vendored, code = yasgui(), own_code("endpoint")
    examples = f"""PREFIX sh: <{SH}> PREFIX rdfs: <{RDFS}> PREFIX schema: <{EXAMPLES_SCHEMA}>
SELECT ?name ?title ?description ?text WHERE {{ GRAPH <{QUERIES_GRAPH}> {{
  ?query a sh:SPARQLExecutable ; schema:identifier ?name ; rdfs:label ?title .
  {{ ?query sh:select ?text }} UNION {{ ?query sh:ask ?text }} UNION {{ ?query sh:construct ?text }}
  OPTIONAL {{ ?query rdfs:comment ?description }}
}} }} ORDER BY ?name"""
    config = {
        "endpoint": endpoint_path,
        "timeout_s": limits.timeout_s,
        "max_result_bytes": limits.max_result_bytes,
        "version": __version__,
        "prefixes": PREFIXES,
        "resources": RESOURCE_BASE,
        "examples_query": examples,
    }
    page = environment().get_template("endpoint.html").render(config=config, code=code, yasgui=vendored)
    styles = " ".join(f"'{csp_hash(style)}'" for style in (code.style, vendored.style, *vendored.inserted_styles))
    policy = (
        f"default-src 'none'; script-src '{csp_hash(code.script)}' '{vendored.integrity}'; style-src {styles}; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return page.encode("utf-8"), policy


def page_routes(website: bool) -> list[Route]:
    """The query page's own resources: YASGUI's script, and ``/entity?iri=…``, where a result's entity links to: its
    page on the website (served at ``/site/``), or without the website a query describing it."""
    vendored = yasgui()

    async def script(request: Request) -> Response:
        return Response(
            vendored.script, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=31536000, immutable"}
        )

    async def entity(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        if not is_resource(iri) or not is_web_link(iri):
            request.state.reason = f"not an entity of the graph: {iri!r}"
            return PlainTextResponse(request.state.reason + "\n", status_code=404)
        if website:
            return RedirectResponse("/site/" + resource_page(iri), 303)
        return RedirectResponse("/#" + urllib.parse.urlencode({"query": f"DESCRIBE <{iri}>"}, quote_via=urllib.parse.quote), 303)

    return [Route("/" + vendored.script_path, script), Route("/entity", entity)]


def _listen(host: str, port: int) -> socket.socket:
    name = host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it an answer's head and body wait on the client's delayed ACK (40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((name, port))
    except OSError as exc:
        sock.close()
        raise SpacefilmsError(f"cannot listen: {exc.strerror or exc}", f"{host}:{port}") from None
    return sock


@contextlib.contextmanager
def _stopped_by_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Ctrl-C and SIGTERM ask the server to stop (cleanly, the engine with it) instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(sig, lambda signum, frame: stop()) for sig in signals]
    try:
        yield
    finally:
        for sig, handler in zip(signals, previous):
            signal.signal(sig, handler)


def serve(
    store: str | Path | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    limits: Limits | None = None,
    ready: Callable[[Listening], None] | None = None,
    public_names: tuple[str, ...] = (),
    max_connections: int = MAX_CONNECTIONS,
    per_client: int = MAX_CONNECTIONS_PER_CLIENT,
    website: bool = True,
    cache_bytes: int = CACHE_BYTES,
) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the engine and close the socket. On an address other than loopback
    the endpoint is public: ``public_names`` must say under which host names it is reached. With ``website`` the
    graph's website (``spacefilms site``) is served at ``/site/``, built beside the store when missing or stale.
    Answers of repeated queries are kept up to ``cache_bytes`` (0: none)."""
    import uvicorn

    from spacefilms.core.examples import examples_turtle
    from spacefilms.endpoints.app import LOOPBACK_NAMES, Site, make_app
    from spacefilms.endpoints.connections import guarded_protocol
    from spacefilms.endpoints.description import Describer
    from spacefilms.endpoints.engine import Engine
    from spacefilms.endpoints.pages import SiteKeeper, site_app

    limits = limits or Limits()
    if host not in LOOPBACK_NAMES and not public_names:
        raise SpacefilmsError(
            f"listening on {host} makes the endpoint reachable from the network: say so with --public-name NAME "
            "(the host name clients use; repeatable), and put a TLS proxy in front of it",
            "--host",
        )

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if ready and not self.should_exit:
                ready(listening)

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield  # serve's own handlers are in place from its start

    server: Server | None = None
    stopping = threading.Event()

    def stop() -> None:
        stopping.set()
        if server is not None:
            server.force_exit = server.should_exit  # a second Ctrl-C does not wait for running queries
            server.should_exit = True

    # From the first instant: a signal during the start (the engine, the site build) stops serve as cleanly as later.
    with _stopped_by_signals(stop), contextlib.ExitStack() as cleanup:
        engine = Engine(store, limits, cache_bytes)
        cleanup.callback(engine.stop)
        engine.start()  # fail early (no store, no oxigraph) before opening the port
        sock = _listen(host, port)
        cleanup.callback(sock.close)
        page, policy = render_page(limits)
        site = Site(
            page,
            policy,
            examples_turtle(),
            names=set(LOOPBACK_NAMES) | {name.lower() for name in public_names},
            routes=page_routes(website),
            describe=Describer(store),
        )
        pages = None
        if website and not stopping.is_set():
            keeper = SiteKeeper(store, site.log)
            cleanup.callback(keeper.stop)
            keeper.refresh()  # a missing or stale site starts building now, in the background
            pages = site_app(keeper)
        config = uvicorn.Config(
            make_app(engine, limits, site, pages),
            http=guarded_protocol(max_connections, per_client, limits.request_s),
            ws="none",
            lifespan="off",
            access_log=False,
            log_level="warning",
            server_header=False,
            backlog=1024,
            timeout_keep_alive=max(1, int(limits.request_s)),
            timeout_graceful_shutdown=1,
        )
        listening = Listening(host, sock.getsockname()[1])
        server = Server(config)
        if not stopping.is_set():
            server.run(sockets=[sock])
