"""``spacefilms serve``: a read-only SPARQL 1.1 Protocol endpoint and an offline query page over the built store.

A small Python front listens on the public address and runs an ``oxigraph serve-read-only`` process on a
loopback port as its query engine. The front exists because the engine alone would run ``SERVICE`` calls to
any host, and because a timed-out or failing query there still answers ``200`` with a cut body. The front:

* parses every query with rdflib's SPARQL 1.1 parser and refuses updates and ``SERVICE`` (HTTP 400); the
  text it parsed (codepoint escapes expanded, as the standard says) is exactly the text the engine runs;
* asks the engine for a format it can check (SPARQL JSON results, N-Triples), reads it under a time limit
  and a size limit, checks it parses, and only then answers, in the format the client negotiated;
* serves its own page (``static/index.html``): plain inline script and style, nothing loaded from elsewhere;
* follows the store link: after ``spacefilms build`` the next query starts an engine on the new store.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from spacefilms import __version__
from spacefilms.endpoints.oxigraph_server import OxigraphServer
from spacefilms.endpoints.protocol import Limits, Refused, check_query, convert, negotiate
from spacefilms.errors import SpacefilmsError
from spacefilms.http import DeadlinePassed, HttpError, NetworkError, TooLarge, Transport
from spacefilms.namespaces import MERGE_GRAPH, PREFIXES
from spacefilms.querying.examples import examples_turtle
from spacefilms.querying.library import list_queries
from spacefilms.querying.parameters import inline_bindings
from spacefilms.store.ondisk import has_merged_default_graph, open_ox
from spacefilms.workspace import store_path

DEFAULT_HOST = "127.0.0.1"
_TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 28\r\nConnection: close\r\n"
    b"Retry-After: 1\r\n\r\ntoo many connections, retry\n"
)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
DEFAULT_PORT = 7878
QUERY_PATHS = ("/query", "/sparql")
_CANCELLED = b"operation has been cancelled"


class Engine:
    """The ``oxigraph serve-read-only`` process on loopback, restarted on a new store after a rebuild."""

    def __init__(self, store: str | Path | None, limits: Limits) -> None:
        self.link = store_path(store)
        self.limits = limits
        self.transport = self._transport()
        self._lock = threading.Lock()
        self._server: OxigraphServer | None = None

    def current(self) -> OxigraphServer:
        """The running engine over the store the link points to now: started again if it died (a crash, a kill)
        or was stopped after a query overran its time."""
        with self._lock:
            location = self.link.resolve()
            dead = self._server is not None and self._server.process is not None and self._server.process.poll() is not None
            if self._server is None or self._server.location != location or dead:
                built = open_ox(self.link)  # a clear error if there is no built store
                union = not has_merged_default_graph(built)  # the default graph: the stored merge, else the union
                del built
                fresh = OxigraphServer(location, read_only=True, union_default_graph=union, timeout_s=self.limits.timeout_s)
                fresh.start()
                if self._server is not None:
                    self._server.stop()
                self._server = fresh
                # Connections kept open to the old engine must not be reused: a new engine may get the same port. The
                # old pool is dropped, not closed: a request in another thread may still hold it (closing it would make
                # that request fail with an error the front does not expect, rather than the 5xx of a dead engine).
                self.transport = self._transport()
            return self._server

    def _transport(self) -> Transport:
        """How the front reaches the engine: within the query's time (plus a second) and the result's size."""
        return Transport(timeout=self.limits.timeout_s + 1.0, max_bytes=self.limits.max_result_bytes)

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None
            self.transport.close()

    def run(self, kind: str, text: str, dataset: dict[str, list[str]], fmt: ox.QueryResultsFormat | ox.RdfFormat) -> bytes:
        """Run a checked query within the limits; return the answer in ``fmt`` or raise :class:`Refused`."""
        server = self.current()
        wire = ox.RdfFormat.N_TRIPLES if kind in ("CONSTRUCT", "DESCRIBE") else ox.QueryResultsFormat.JSON
        try:
            data = self.transport.send(
                "POST", f"{server.url}/query", data={"query": text, **dataset}, headers={"Accept": wire.media_type}
            ).body
        except DeadlinePassed:
            self._stop_runaway(server)
            raise self._too_slow() from None
        except TooLarge:
            raise Refused(
                400, f"result too large: more than {self.limits.max_result_bytes} bytes; add a LIMIT or ask for fewer columns"
            ) from None
        except HttpError as error:
            message = error.response.body.decode("utf-8", "replace").strip().splitlines()
            status = error.response.status
            raise Refused(400 if status == 400 else 502, f"query failed: {message[0] if message else f'HTTP {status}'}") from None
        except NetworkError as exc:
            raise Refused(502, f"the query engine failed: {exc.message}") from None
        try:
            return convert(data, wire, fmt)
        except (SyntaxError, ValueError):
            # The engine reports a failure met while streaming by appending its message to a 200 answer.
            if _CANCELLED in data[-200:]:
                self._stop_runaway(server)
                raise self._too_slow() from None
            tail = re.split(r"[\[\]{},\n]", data[-300:].decode("utf-8", "replace"))[-1].strip()
            raise Refused(502, f"query failed: {tail or 'the engine sent a broken answer'}") from None

    def _stop_runaway(self, server: OxigraphServer) -> None:
        """A query past its time may still run inside the engine (its own timeout does not always stop it): stop that
        engine, so the work really ends; the next query starts a fresh one."""
        with self._lock:
            if self._server is server:
                server.stop()
                self._server = None

    def _too_slow(self) -> Refused:
        return Refused(503, f"query stopped: it ran past the time limit of {self.limits.timeout_s} s")


def render_page(limits: Limits, endpoint_path: str = "/query") -> tuple[bytes, str]:
    """The query page (bundled queries as examples, parameters bound to their defaults) and its CSP header."""
    examples = [
        {"name": q.name, "title": q.title, "description": q.description, "text": inline_bindings(q.text, q.bind({}))}
        for q in list_queries()
    ]
    config = {
        "endpoint": endpoint_path,
        "timeout_s": limits.timeout_s,
        "max_result_bytes": limits.max_result_bytes,
        "version": __version__,
        "prefixes": PREFIXES,
        "queries": examples,
    }
    template = resources.files("spacefilms").joinpath("static/index.html").read_text(encoding="utf-8")
    page = template.replace("@@CONFIG@@", json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))

    def hashes(tag: str) -> str:
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.DOTALL)
        return " ".join(f"'sha256-{_b64sha256(block)}'" for block in blocks)

    policy = (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return page.encode("utf-8"), policy


def _b64sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


class Front(ThreadingHTTPServer):
    """The public HTTP server: the page, and SPARQL 1.1 Protocol queries forwarded to the engine."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog (http.server's 5 overflowed at 20 clients)
    max_connections = 64  # open at once; more are answered 503 at once rather than queued without end

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_TOO_MANY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def __init__(
        self,
        address: tuple[str, int],
        engine: Engine,
        limits: Limits,
        log: Callable[[str], None] | None = None,
        public_names: tuple[str, ...] = (),
    ) -> None:
        self.engine = engine
        self.limits = limits
        # The host names requests may carry: loopback ones, and those given for a public endpoint. Anything else is
        # a browser tricked into calling us (DNS rebinding) or a cross-site form: refused.
        self.names = set(LOOPBACK_NAMES) | {name.lower() for name in public_names}
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))  # one line per request
        self.page, self.policy = render_page(limits)
        self.examples = examples_turtle()
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class _Handler(BaseHTTPRequestHandler):
    server: Front
    server_version = f"spacefilms/{__version__}"
    protocol_version = "HTTP/1.1"
    timeout = 10  # seconds a connection may stay idle or send a request this slowly: then it is closed

    def log_message(self, format: str, *args: object) -> None:  # http.server's own lines: ours are below
        pass

    def parse_request(self) -> bool:
        self._started = time.monotonic()
        return super().parse_request()

    def _foreign(self) -> str | None:
        """Why the request comes from where it should not: a Host or an Origin naming another site."""
        host = (self.headers.get("Host") or "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in self.server.names:
            return f"Host {host or '(none)'} is not this endpoint's name (give it with --public-name)"
        origin = self.headers.get("Origin")
        if origin is not None and origin != "null":
            origin_host = urllib.parse.urlsplit(origin).hostname or ""
            if origin_host.lower() not in self.server.names and f"[{origin_host}]" not in self.server.names:
                return f"requests from pages of {origin} are refused"
        return None

    def do_GET(self) -> None:
        if (why := self._foreign()) is not None:
            return self._error(Refused(403, why))
        path, _, query = self.path.partition("?")
        if path == "/":
            self._send(200, self.server.page, "text/html; charset=utf-8", {"Content-Security-Policy": self.server.policy})
        elif path == "/.well-known/sparql-examples":  # the bundled queries as data (sib-swiss/sparql-examples)
            self._send(200, self.server.examples, "text/turtle; charset=utf-8")
        elif path in QUERY_PATHS:
            self._answer(urllib.parse.parse_qs(query, keep_blank_values=True))
        elif path == "/update":
            self._error(Refused(400, "this endpoint is read-only: SPARQL Update is refused"))
        else:
            self._error(Refused(404, f"nothing at {path}; the SPARQL endpoint is {QUERY_PATHS[0]}"))

    def do_POST(self) -> None:
        if (why := self._foreign()) is not None:
            self.close_connection = True
            return self._error(Refused(403, why))
        path, _, query = self.path.partition("?")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > self.server.limits.max_query_bytes:
            self.close_connection = True
            return self._error(Refused(413, f"request body too large (at most {self.server.limits.max_query_bytes} bytes)"))
        body = self.rfile.read(length) if length else b""
        if path == "/update":
            return self._error(Refused(400, "this endpoint is read-only: SPARQL Update is refused"))
        if path not in QUERY_PATHS:
            return self._error(Refused(404, f"nothing at {path}; the SPARQL endpoint is {QUERY_PATHS[0]}"))
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif content_type == "application/sparql-update":
            return self._error(Refused(400, "this endpoint is read-only: SPARQL Update is refused"))
        else:
            return self._error(
                Refused(415, "send the query as application/sparql-query or application/x-www-form-urlencoded (query=...)")
            )
        self._answer(params)

    def _answer(self, params: dict[str, list[str]]) -> None:
        try:
            if "update" in params:
                raise Refused(400, "this endpoint is read-only: SPARQL Update is refused")
            texts = params.get("query", [])
            if len(texts) != 1 or not texts[0].strip():
                raise Refused(400, "give exactly one query: ?query=... (SPARQL 1.1 Protocol)")
            if len(texts[0].encode()) > self.server.limits.max_query_bytes:
                raise Refused(413, f"query too long (at most {self.server.limits.max_query_bytes} bytes)")
            kind, text = check_query(texts[0])
            fmt = negotiate(kind, self.headers.get("Accept"))
            dataset = {k: params[k] for k in ("default-graph-uri", "named-graph-uri") if k in params}
            if dataset == {"default-graph-uri": [MERGE_GRAPH]}:
                dataset = {}  # the engine's default graph is the merge already, beside every named graph
            payload = self.server.engine.run(kind, text, dataset, fmt)
        except Refused as refused:
            return self._error(refused)
        except SpacefilmsError as exc:
            return self._error(Refused(503, str(exc)))
        self._send(200, payload, fmt.media_type, {"Vary": "Accept"})

    def _error(self, refused: Refused) -> None:
        self._reason = refused.message
        self._send(refused.status, (refused.message + "\n").encode(), "text/plain; charset=utf-8")

    def _send(self, status: int, payload: bytes, media: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        took = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        reason = getattr(self, "_reason", "")
        self._reason = ""
        line = f"{self.client_address[0]} {self.command} {self.path.partition('?')[0]} {status} {len(payload):,} B {took:.0f} ms"
        self.server.log(line + (f" — {reason}" if reason else ""))


def serve(
    store: str | Path | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    limits: Limits | None = None,
    ready: Callable[[Front], None] | None = None,
    public_names: tuple[str, ...] = (),
) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the engine and close the socket. On an address other than loopback
    the endpoint is public: ``public_names`` must say under which host names it is reached."""
    limits = limits or Limits()
    if host not in LOOPBACK_NAMES and not public_names:
        raise SpacefilmsError(
            f"listening on {host} makes the endpoint reachable from the network: say so with --public-name NAME "
            "(the host name clients use; repeatable), and put a TLS proxy in front of it",
            "--host",
        )
    engine = Engine(store, limits)
    engine.current()  # fail early (no store, no oxigraph) before opening the port
    try:
        front = Front((host, port), engine, limits, public_names=public_names)
    except OSError as exc:
        engine.stop()
        raise SpacefilmsError(f"cannot listen: {exc.strerror or exc}", f"{host}:{port}") from None

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(sig, stop) for sig in signals] if main_thread else []
    try:
        if ready:
            ready(front)
        front.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in zip(signals, previous):
            signal.signal(sig, handler)
        front.server_close()
        engine.stop()
