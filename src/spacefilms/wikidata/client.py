"""A polite SPARQL client for Wikidata (or any endpoint holding Wikidata's RDF), with a replayable response cache.

Polite as Wikimedia asks (through the project's one transport, :mod:`spacefilms.http`): a descriptive User-Agent, one
request at a time, GET for short queries (cacheable) and
POST for long ones, a timeout, and bounded retries that honour ``Retry-After`` on 429/503. Every answer can be
recorded in a :class:`ResponseCache`; with ``offline=True`` answers come only from it and nothing is sent.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from spacefilms.core.results import Solutions, Term, parse_results
from spacefilms.errors import SpacefilmsError, excerpt
from spacefilms.files import write_atomically
from spacefilms.http import CONTACT_ENV, HttpError, Response, Retry, Transport

WDQS = "https://query.wikidata.org/sparql"
ENTITY = "http://www.wikidata.org/entity/"
ENWIKI = "https://en.wikipedia.org/"

# Wikidata's RDF model (https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format); standard SPARQL 1.1 only.
WIKIDATA_PREFIXES = {
    "wd": ENTITY,
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "psv": "http://www.wikidata.org/prop/statement/value/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "wikibase": "http://wikiba.se/ontology#",
    "schema": "http://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
_QID = re.compile(r"Q[1-9][0-9]*")
# Above this many characters of query text the request is a POST (not cacheable by the endpoint, but no URL limit).
POST_OVER = 1500
# WDQS stops a query after 60 s; waiting a little longer lets its own timeout error arrive instead of ours.
DEFAULT_TIMEOUT = 70.0
# How WDQS says it timed out: a 500 whose body, or a 200 whose cut-off JSON, carries this exception's name.
_SERVER_TIMEOUT = b"java.util.concurrent.TimeoutException"


class QueryTimeout(SpacefilmsError):
    """The endpoint gave up on the query (its own deadline): not worth sending again as it is; split the batch."""


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in WIKIDATA_PREFIXES.items())


def item_iri(qid: str) -> str:
    return ENTITY + qid


def qid_of(iri: str) -> str | None:
    """``Q42`` for ``http://www.wikidata.org/entity/Q42``; None for anything else."""
    local = iri[len(ENTITY) :] if iri.startswith(ENTITY) else ""
    return local if _QID.fullmatch(local) else None


def values_block(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ " + " ".join(f"<{iri}>" for iri in iris) + " }"


def chunks(items: list, size: int) -> list[list]:
    if size < 1:
        raise SpacefilmsError(f"batch size must be at least 1, got {size}")
    return [items[i : i + size] for i in range(0, len(items), size)]


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


Row = dict[str, Term | None]


@dataclass
class Answer:
    """The rows of one SELECT answer (pyoxigraph terms by variable, as every SPARQL answer the library reads), with
    where and when they were fetched."""

    rows: list[Row]
    endpoint: str
    fetched_at: str
    key: str = ""

    def value(self, row: Row, name: str) -> str | None:
        """The text of a cell (an IRI, a literal's lexical form); None when unbound."""
        cell = row.get(name)
        return cell.value if cell is not None else None


def read_answer(body: bytes, where: str) -> Solutions:
    """A Wikidata answer read by the library's one parser of SPARQL results, its invalid IRIs kept for the mapping to
    count and skip (see :func:`~spacefilms.core.results.parse_results`); anything but rows is an error."""
    answer = parse_results(body, where, keep_invalid_iris=True)
    if not isinstance(answer, Solutions):
        raise SpacefilmsError("a yes/no answer to a SELECT query", where)
    return answer


class ResponseCache:
    """One JSON file per (endpoint, query): the answer, the endpoint and the fetch time."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(endpoint: str, query: str) -> str:
        return hashlib.sha256(f"{endpoint}\n{query}".encode()).hexdigest()[:40]

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, endpoint: str, query: str) -> Answer | None:
        key = self.key(endpoint, query)
        try:
            record = json.loads(self.path(key).read_text(encoding="utf-8"))
            response = json.dumps(record["response"]).encode()
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SpacefilmsError(f"unreadable recorded answer: {exc}", str(self.path(key))) from None
        rows = list(read_answer(response, str(self.path(key))))
        return Answer(rows, record["endpoint"], record["fetched_at"], key)

    def put(self, query: str, body: bytes, answer: Answer) -> None:
        """Record the answer as it came (its JSON, not its terms: a replay reads it as the network's would be)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {"endpoint": answer.endpoint, "fetched_at": answer.fetched_at, "query": query, "response": json.loads(body)}
        text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode()
        write_atomically(self.path(answer.key), lambda out: out.write(text))


@dataclass
class WikidataClient:
    """Ask SELECT queries one at a time, politely, with bounded retries; record and replay the answers.

    ``requests`` counts HTTP requests actually sent (retries included); ``answers`` counts queries answered
    (from the network or, offline, from the cache); ``keys`` lists the cache keys of those answers.
    """

    endpoint: str = WDQS
    cache: ResponseCache | None = None
    offline: bool = False
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 4
    backoff: float = 2.0
    max_wait: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    answers: int = 0
    keys: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.offline and self.cache is None:
            raise SpacefilmsError("offline mode needs a response cache to replay")
        self.transport = Transport(
            timeout=self.timeout, retries=self.retries, backoff=self.backoff, max_wait=self.max_wait, sleep=self.sleep
        )

    @property
    def requests(self) -> int:
        """HTTP requests actually sent, retries included."""
        return self.transport.requests

    def select(self, query: str, expect: Iterable[str] = (), asked: tuple[str, list[str]] | None = None) -> Answer:
        """The answer to ``query``. ``expect`` lists item IRIs known to exist: an empty answer for them is an
        error (Wikidata has answered 200 with nothing to clients it rejects), retried like any other failure.
        ``asked`` is (variable, IRIs) the query binds: an answer about anything else is wrong, retried likewise
        (and never recorded); a recorded one is refused."""
        expected = list(expect)
        key = ResponseCache.key(self.endpoint, query)
        if self.offline:
            answer = self.cache.get(self.endpoint, query) if self.cache else None
            if answer is None:
                raise SpacefilmsError(
                    f"--offline: no recorded answer for this query from {self.endpoint} "
                    "(record one by running once online with the same --endpoint and --batch-size)",
                    str(self.cache.folder if self.cache else "cache"),
                )
            if asked and (wrong := _not_asked(answer.rows, *asked)):
                raise SpacefilmsError(wrong, str(self.cache.path(key) if self.cache else self.endpoint))
        else:
            with self._lock:  # one request at a time, even if a caller shares the client between threads
                body, rows = self._fetch(query, expected, asked)
            answer = Answer(rows, self.endpoint, now_utc(), key)
            if self.cache is not None:
                self.cache.put(query, body, answer)
        self.answers += 1
        self.keys.append(key)
        return answer

    def select_split(
        self, build: Callable[[list[str]], str], items: list[str], expect: bool = False, variable: str = "item"
    ) -> list[Answer]:
        """The answers for a batch of item IRIs: ``build(items)`` is the query, binding them to ``variable``; when the
        endpoint times out on it, each half is asked on its own, down to single items. ``expect``: the items are
        known to exist. An answer about other items than those asked is refused (see :meth:`select`)."""
        try:
            return [self.select(build(items), expect=items if expect else (), asked=(variable, items))]
        except QueryTimeout as timeout:
            if len(items) == 1:
                raise SpacefilmsError(
                    f"the endpoint times out on <{items[0]}> even alone: {timeout.message}", self.endpoint
                ) from None
            half = len(items) // 2
            return self.select_split(build, items[:half], expect, variable) + self.select_split(
                build, items[half:], expect, variable
            )

    def _fetch(self, query: str, expected: list[str], asked: tuple[str, list[str]] | None) -> tuple[bytes, list[Row]]:
        """One query through the transport: GET when short (cacheable by the endpoint), POST when long; the answer
        (its body and rows) read whole as SPARQL JSON results, an empty one for items known to exist retried as a
        rejection, one about items not asked retried as a wrong answer."""

        def check(response: Response) -> tuple[bytes, list[Row]]:
            if _SERVER_TIMEOUT in response.body:
                raise QueryTimeout(f"the endpoint timed out on the query: {excerpt(response.body[-400:])}", self.endpoint)
            try:
                rows = list(read_answer(response.body, self.endpoint))
            except SpacefilmsError:
                raise Retry(
                    f"truncated or invalid JSON answer ({len(response.body)} bytes): {excerpt(response.body)}", self.endpoint
                ) from None
            if expected and not rows:
                raise Retry(
                    f"empty answer for {len(expected)} item(s) known to exist "
                    "(the endpoint may be rejecting this client, e.g. for its User-Agent)",
                    self.endpoint,
                )
            if asked and (wrong := _not_asked(rows, *asked)):
                raise Retry(wrong, self.endpoint)
            return response.body, rows

        def final(error: HttpError) -> SpacefilmsError | None:
            if _SERVER_TIMEOUT in error.response.body:
                return QueryTimeout(f"the endpoint timed out on the query (HTTP {error.response.status})", self.endpoint)
            if error.response.status == 429 and "retry-after" not in error.response.headers:
                return SpacefilmsError(
                    "HTTP 429 without Retry-After: the endpoint cancelled this query (as QLever does on a timeout or when "
                    "out of memory), not a request to wait; try a smaller --batch-size",
                    self.endpoint,
                )
            return None

        accept = {"Accept": "application/sparql-results+json"}
        form = {"query": query}
        try:
            if len(query) > POST_OVER:
                return self.transport.request("POST", self.endpoint, check, final, data=form, headers=accept)
            return self.transport.request("GET", self.endpoint, check, final, params=form, headers=accept)
        except HttpError as exc:
            if exc.response.status == 403:
                raise SpacefilmsError(
                    f"{exc.message} (Wikimedia refuses clients without a descriptive User-Agent; set {CONTACT_ENV})",
                    self.endpoint,
                ) from None
            raise


def _not_asked(rows: list[Row], variable: str, asked: list[str]) -> str | None:
    """What is wrong with an answer whose rows bind ``variable`` to something other than the ``asked`` IRIs (a
    well-formed answer to another question), or None."""
    wanted = set(asked)
    strangers = sorted({cell.value for row in rows if (cell := row.get(variable)) is not None and cell.value not in wanted})
    if not strangers:
        return None
    return f"the answer is about {len(strangers)} item(s) not asked for (e.g. <{strangers[0]}>): refusing it"
