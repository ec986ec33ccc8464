"""The endpoint as a web application (ASGI, on Starlette): the query page, the SPARQL 1.1 Protocol at ``/query``,
the bundled queries as data, with every request checked for where it comes from and logged in one line.

Queries go to the engine (:mod:`spacefilms.endpoints.engine`) from the event loop, without a thread of their own: a
slow query holds a connection to the engine, never the server; how many run at once is bounded, and so is the time a
client may take to send its query.
"""

from __future__ import annotations

import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, request_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spacefilms.endpoints.engine import Engine
from spacefilms.endpoints.protocol import READ_ONLY, Limits, Refused, check_query
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import MERGE_GRAPH

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
QUERY_PATHS = ("/query", "/sparql")


def _to_stderr(line: str) -> None:
    """The request log's line in one write (``print`` makes two: the text, then the line end)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@dataclass
class Site:
    """What the application serves besides the engine's answers."""

    page: bytes  # the query page
    policy: str  # its Content-Security-Policy
    examples: bytes  # the bundled queries as sparql-examples Turtle
    names: set[str] = field(default_factory=lambda: set(LOOPBACK_NAMES))  # host names requests may carry
    log: Callable[[str], None] = _to_stderr
    routes: list[BaseRoute] = field(default_factory=list)  # the query page's own (see serving.page_routes)
    describe: Callable[[Request], Response] | None = None  # GET /query without a query: the service description


def _refusal(request: Request, refused: Refused, close: bool = False) -> Response:
    request.state.reason = refused.message
    headers = {"Connection": "close"} if close else None
    return PlainTextResponse(refused.message + "\n", status_code=refused.status, headers=headers)


def _fields(text: str) -> dict[str, list[str]]:
    """URL-encoded fields (a query string, a form) as ``urllib.parse.parse_qs`` reads them, blank values kept. An ASCII
    text with well-formed escapes is decoded by the ``unicode_escape`` codec (``%XX`` as ``\\xXX``), in C: a query of
    2 KB holds hundreds of escapes, which parse_qs decoded one by one in Python (its costliest step in the front)."""
    if text.isascii():
        fields: dict[str, list[str]] = {}
        try:
            for pair in text.split("&"):
                if pair:
                    name, _, value = pair.partition("=")
                    fields.setdefault(_unquoted(name), []).append(_unquoted(value))
        except UnicodeDecodeError:  # a % not followed by two hex digits: parse_qs keeps it as it is
            pass
        else:
            return fields
    return urllib.parse.parse_qs(text, keep_blank_values=True)


def _unquoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\x").replace("+", " ").encode("ascii")
    return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


async def _body(request: Request, limit: int, seconds: float) -> bytes:
    """The request body, refused when larger than ``limit`` bytes or slower than ``seconds`` to arrive."""
    try:
        declared = int(request.headers.get("content-length") or 0)
    except ValueError:
        declared = -1
    if declared < 0 or declared > limit:
        raise Refused(413, f"request body too large (at most {limit} bytes)")
    chunks, size = [], 0
    try:
        with anyio.fail_after(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Refused(413, f"request body too large (at most {limit} bytes)")
                chunks.append(chunk)
    except TimeoutError:
        raise Refused(408, f"the request was not sent within {seconds:g} s") from None
    return b"".join(chunks)


def make_app(engine: Engine, limits: Limits, site: Site, pages: ASGIApp | None = None) -> ASGIApp:
    """The endpoint's ASGI application over a running ``engine`` (which bounds the queries running at once);
    ``pages`` (the website) is mounted at ``/site/``."""

    async def query_params(request: Request) -> dict[str, list[str]]:
        params = _fields(request.url.query)
        if request.method != "POST":
            return params
        body = await _body(
            request, 3 * limits.max_query_bytes + 4096, limits.request_s
        )  # room for URL-encoding (%XX) and other fields
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            for key, values in _fields(body.decode("utf-8", "replace")).items():
                params.setdefault(key, []).extend(values)
        elif content_type == "application/sparql-query":
            params["query"] = [body.decode("utf-8", "replace")]
        elif content_type == "application/sparql-update":
            raise Refused(400, READ_ONLY)
        else:
            raise Refused(415, "send the query as application/sparql-query or application/x-www-form-urlencoded (query=...)")
        return params

    async def query(request: Request) -> Response:
        try:
            params = await query_params(request)
            if request.method == "GET" and not params and site.describe is not None:
                return await anyio.to_thread.run_sync(site.describe, request)
            if "update" in params:
                raise Refused(400, READ_ONLY)
            texts = params.get("query", [])
            if len(texts) != 1 or not texts[0].strip():
                raise Refused(400, "give exactly one query: ?query=... (SPARQL 1.1 Protocol)")
            if len(texts[0].encode()) > limits.max_query_bytes:
                raise Refused(413, f"query too long (at most {limits.max_query_bytes} bytes)")
            text = check_query(texts[0])
            dataset = {k: params[k] for k in ("default-graph-uri", "named-graph-uri") if k in params}
            if dataset == {"default-graph-uri": [MERGE_GRAPH]}:
                dataset = {}  # the engine's default graph is the merge already, beside every named graph
            payload, media, cached = await engine.run(text, dataset, request.headers.get("accept"))
        except Refused as refused:
            return _refusal(request, refused, close=refused.status in (408, 413))
        except SpacefilmsError as exc:
            return _refusal(request, Refused(503, str(exc)))
        if cached:
            request.state.reason = "answered from the cache"
        return Response(payload, media_type=media, headers={"Vary": "Accept"})

    async def page(request: Request) -> Response:
        return Response(site.page, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": site.policy})

    async def examples(request: Request) -> Response:  # the bundled queries as data (sib-swiss/sparql-examples)
        return Response(site.examples, media_type="text/turtle; charset=utf-8")

    async def update(request: Request) -> Response:
        return _refusal(request, Refused(400, READ_ONLY))

    async def elsewhere(request: Request, exc: Exception) -> Response:
        return _refusal(request, Refused(404, f"nothing at {request.url.path}; the SPARQL endpoint is {QUERY_PATHS[0]}"))

    routes = [
        Route("/", page),
        Route("/.well-known/sparql-examples", examples),
        *(Route(path, query, methods=["GET", "POST"]) for path in QUERY_PATHS),
        Route("/update", update, methods=["GET", "POST"]),
        *site.routes,
    ]
    if pages is not None:
        routes += [Route("/site", lambda request: RedirectResponse("/site/", 308)), Mount("/site", app=pages)]
    app = Starlette(routes=routes, exception_handlers={404: elsewhere, 405: elsewhere})
    direct = request_response(query)

    async def queries_first(scope: Scope, receive: Receive, send: Send) -> None:
        """Queries straight to their handler: Starlette's router and middleware cost a tenth of the front's time."""
        if scope["type"] == "http" and scope["path"] in QUERY_PATHS and scope["method"] in ("GET", "POST"):
            return await direct(scope, receive, send)
        await app(scope, receive, send)

    return _Logged(_Guarded(queries_first, site), site)


def _foreign(scope: Scope, names: set[str]) -> str | None:
    """Why a request comes from where it should not: a Host or an Origin naming another site (a page elsewhere posting
    to us, or DNS rebinding: a foreign name that resolves to this address). ``Origin: null`` (a file:// page, a
    sandboxed frame) names no site of ours: it is refused too."""
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
    host = headers.get("host", "").lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name not in names:
        return f"Host {host or '(none)'} is not this endpoint's name (give it with --public-name)"
    origin = headers.get("origin")
    if origin is not None:
        origin_host = (urllib.parse.urlsplit(origin).hostname or "").lower()
        if origin_host not in names and f"[{origin_host}]" not in names:
            return f"requests from pages of {origin} are refused"
    return None


class _Guarded:
    """Refuse (403) requests for another host name or from another site's pages, before anything else runs."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app, self.site = app, site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (why := _foreign(scope, self.site.names)) is not None:
            scope.setdefault("state", {})["reason"] = why
            response = PlainTextResponse(why + "\n", status_code=403, headers={"Connection": "close"})
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


class _Logged:
    """One line per request: client, method, path, status, size, time, and the reason of a refusal."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app, self.site = app, site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status, size = time.monotonic(), 0, 0

        async def counted(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-content-type-options", b"nosniff"))
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            took = (time.monotonic() - started) * 1000
            client = (scope.get("client") or ("-",))[0]
            reason = scope.get("state", {}).get("reason", "")
            line = f"{client} {scope['method']} {scope['path']} {status} {size:,} B {took:.0f} ms"
            self.site.log(line + (f" — {reason}" if reason else ""))
