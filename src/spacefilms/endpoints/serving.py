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
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacefilms import __version__
from spacefilms.core.library import list_queries
from spacefilms.core.parameters import inline_bindings
from spacefilms.endpoints.protocol import Limits
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import PREFIXES
from spacefilms.templating import environment, own_code

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
    code = own_code("endpoint")
    page = environment().get_template("endpoint.html").render(config=config, code=code)
    policy = (
        f"{code.policy}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return page.encode("utf-8"), policy


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
        site = Site(page, policy, examples_turtle(), names=set(LOOPBACK_NAMES) | {name.lower() for name in public_names})
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
