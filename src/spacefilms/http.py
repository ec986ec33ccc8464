"""The one way spacefilms reaches the network: every outgoing request (remote SPARQL queries, Wikidata, push)
goes through :class:`Transport`, built on httpx.

What it guarantees: a descriptive User-Agent with the operator's contact (``$SPACEFILMS_CONTACT``); one overall
deadline per request covering the connection, the answer's head and its body (every socket operation waits at most
what is left of it, so a server that drips its head or body one byte at a time is cut off); a cap on the size of an
answer; bounded retries of what is worth retrying (429/503 honouring ``Retry-After``, 500/502/504, network errors);
credentials never sent on to another origin after a redirect (httpx drops them); and one readable error line,
with the start of the server's answer, for everything else.
"""

from __future__ import annotations

import os
import re
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpcore
import httpx

from spacefilms import __version__
from spacefilms.errors import SpacefilmsError, excerpt

CONTACT_ENV = "SPACEFILMS_CONTACT"
PROJECT_URL = "https://github.com/spacefilms/spacefilms"
MAX_BYTES = 256 * 1024 * 1024  # the largest answer read: a bigger one is an error, not a swapped-out machine
T = TypeVar("T")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# When the request this thread is sending must be complete (time.monotonic()); None outside a request.
_DEADLINE: ContextVar[float | None] = ContextVar("spacefilms_http_deadline", default=None)


def user_agent() -> str:
    """``spacefilms/<version> (<contact>; <project>)``: Wikimedia asks for a way to reach the operator, set with
    ``$SPACEFILMS_CONTACT`` (an e-mail address or a page); the project's page otherwise."""
    contact = os.environ.get(CONTACT_ENV, "").strip()
    parts = [contact] if contact else []
    return f"spacefilms/{__version__} ({'; '.join([*parts, PROJECT_URL])}) httpx/{httpx.__version__}"


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@dataclass
class Response:
    """A whole answer: status, headers and body (read within the deadline and the size cap)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class HttpError(SpacefilmsError):
    """The server answered with an error status; ``response`` is what it said."""

    def __init__(self, response: Response, url: str) -> None:
        self.response = response
        detail = excerpt(response.body)
        super().__init__(f"HTTP {response.status}" + (f": {detail}" if detail else ""), url)

    @property
    def retryable(self) -> bool:
        # A 429 without Retry-After is not throttling to wait out (QLever answers a cancelled query so).
        if self.response.status == 429:
            return self.response.headers.get("retry-after") is not None
        return self.response.status in RETRY_STATUS

    @property
    def wait(self) -> float | None:
        return retry_after(self.response.headers.get("retry-after"))


class NetworkError(SpacefilmsError):
    """No usable answer: the host is unreachable, the connection broke, or the deadline passed."""


class DeadlinePassed(NetworkError):
    """No complete answer before the deadline."""


class TooLarge(NetworkError):
    """The answer was larger than the cap: it was not read."""


class Retry(SpacefilmsError):
    """Raised by a caller's check of an answer to ask for another attempt (``wait`` seconds, if the server said)."""

    def __init__(self, message: str, where: str | None = None, wait: float | None = None) -> None:
        super().__init__(message, where)
        self.wait = wait


def _left(timeout: float | None, passed: type[httpcore.TimeoutException]) -> float | None:
    """What a socket operation may wait: its own timeout, but never past the request's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise passed("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the deadline of the request using it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _BoundedStream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _BoundedBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, each wrapped in a :class:`_BoundedStream`."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable | None = None
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _BoundedTransport(httpx.HTTPTransport):
    """httpx's transport over :class:`_BoundedBackend`. httpx's timeouts bound each socket operation alone; this
    bounds their sum. (httpx has no parameter for the network backend: its pool is replaced by an equal one.)"""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_BoundedBackend(),
        )


@dataclass
class Transport:
    """Outgoing HTTP with a deadline, a size cap, retries and one error style. Share one per command."""

    timeout: float = 60.0
    max_bytes: int = MAX_BYTES
    retries: int = 0
    backoff: float = 2.0
    max_wait: float = 300.0
    credentials: tuple[str, str] | None = None  # (user, password), sent to the request's own origin only
    auth_scheme: str = "basic"  # basic (sent with every request: not every store asks first) or digest
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # requests actually sent, retries included

    def __post_init__(self) -> None:
        auth = None
        if self.credentials is not None:
            auth = (httpx.DigestAuth if self.auth_scheme == "digest" else httpx.BasicAuth)(*self.credentials)
        self._client = httpx.Client(
            headers={"User-Agent": user_agent(), **self.headers},
            auth=auth,
            follow_redirects=True,
            max_redirects=5,
            trust_env=False,
            transport=_BoundedTransport(),
        )

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str | list[str]] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """One request, read whole before the deadline; raise :class:`HttpError` for a status of 400 or more,
        :class:`NetworkError` when no answer came."""
        self.requests += 1
        token = _DEADLINE.set(time.monotonic() + self.timeout)
        try:
            with self._client.stream(
                method, url, params=params, data=data, content=content, headers=headers, timeout=self.timeout
            ) as answer:
                chunks, size = [], 0
                for chunk in answer.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge(f"answer larger than {self.max_bytes:,} bytes: not read", url)
                    chunks.append(chunk)
                response = Response(str(answer.url), answer.status_code, answer.headers, b"".join(chunks))
        except httpx.TimeoutException:
            raise DeadlinePassed(f"no complete answer within the {self.timeout:g}s timeout", url) from None
        except httpx.TooManyRedirects:
            raise NetworkError("too many redirects", url) from None
        except (httpx.HTTPError, OSError) as exc:
            raise NetworkError(f"request failed: {_reason(exc)}", url) from None
        finally:
            _DEADLINE.reset(token)
        if response.status >= 400:
            raise HttpError(response, url)
        return response

    def request(
        self,
        method: str,
        url: str,
        check: Callable[[Response], T],
        final: Callable[[HttpError], SpacefilmsError | None] = lambda _: None,
        **kwargs,
    ) -> T:
        """:meth:`send` with up to ``retries`` more attempts for what is worth retrying; ``check`` reads the answer
        and may raise :class:`Retry` when it came back wrong (e.g. cut-off JSON). Returns what ``check`` returns.
        ``final`` may turn an HTTP error into one that is not retried (e.g. a query the server timed out on)."""
        for attempt in range(self.retries + 1):
            try:
                return check(self.send(method, url, **kwargs))
            except (HttpError, NetworkError, Retry) as problem:
                if isinstance(problem, HttpError) and (stop := final(problem)) is not None:
                    raise stop from None
                retryable = problem.retryable if isinstance(problem, HttpError) else True
                if not retryable or attempt == self.retries:
                    if attempt and retryable:
                        raise SpacefilmsError(f"giving up after {attempt + 1} attempt(s): {problem.message}", url) from None
                    raise
                wait = getattr(problem, "wait", None)
                wait = self.backoff * 2**attempt if wait is None else wait
                if wait > self.max_wait:
                    raise SpacefilmsError(
                        f"{problem.message}; the server asks to wait {wait:.0f}s, more than the {self.max_wait:.0f}s allowed", url
                    ) from None
                self.sleep(wait)
        raise AssertionError("unreachable")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
