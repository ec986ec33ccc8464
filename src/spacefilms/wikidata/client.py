"""A polite SPARQL client for Wikidata (or any endpoint holding Wikidata's RDF), with a replayable response cache.

Polite as Wikimedia asks: a descriptive User-Agent, one request at a time, GET for short queries (cacheable) and
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
from email.utils import parsedate_to_datetime
from pathlib import Path

from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically
from spacefilms.querying.backends import USER_AGENT

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


@dataclass
class Answer:
    """The bindings of one SELECT answer, with where and when they were fetched."""

    rows: list[dict[str, dict]]
    endpoint: str
    fetched_at: str
    key: str = ""

    def value(self, row: dict[str, dict], name: str) -> str | None:
        cell = row.get(name)
        return cell["value"] if cell else None


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
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SpacefilmsError(f"unreadable recorded answer: {exc}", str(self.path(key))) from None
        return Answer(record["response"]["results"]["bindings"], record["endpoint"], record["fetched_at"], key)

    def put(self, query: str, response: dict, answer: Answer) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {"endpoint": answer.endpoint, "fetched_at": answer.fetched_at, "query": query, "response": response}
        text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True).encode()
        write_atomically(self.path(answer.key), lambda out: out.write(text))


class _Retry(Exception):
    """A failure worth another attempt; ``wait`` is what the server asked for (Retry-After), if anything."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


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
class WikidataClient:
    """Ask SELECT queries one at a time, politely, with bounded retries; record and replay the answers.

    ``requests`` counts HTTP requests actually sent (retries included); ``answers`` counts queries answered
    (from the network or, offline, from the cache); ``keys`` lists the cache keys of those answers.
    """

    endpoint: str = WDQS
    cache: ResponseCache | None = None
    offline: bool = False
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 2.0
    max_wait: float = 300.0
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    answers: int = 0
    keys: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.offline and self.cache is None:
            raise SpacefilmsError("offline mode needs a response cache to replay")

    def select(self, query: str, expect: Iterable[str] = ()) -> Answer:
        """The answer to ``query``. ``expect`` lists item IRIs known to exist: an empty answer for them is an
        error (Wikidata has answered 200 with nothing to clients it rejects), retried like any other failure."""
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
        else:
            with self._lock:  # one request at a time, even if a caller shares the client between threads
                response = self._fetch(query, expected)
            answer = Answer(response["results"]["bindings"], self.endpoint, now_utc(), key)
            if self.cache is not None:
                self.cache.put(query, response, answer)
        self.answers += 1
        self.keys.append(key)
        return answer

    def _fetch(self, query: str, expected: list[str]) -> dict:
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._send(query)
                if expected and not response["results"]["bindings"]:
                    raise _Retry(
                        f"empty answer for {len(expected)} item(s) known to exist "
                        "(the endpoint may be rejecting this client, e.g. for its User-Agent)"
                    )
                return response
            except _Retry as problem:
                if attempt == attempts:
                    raise SpacefilmsError(f"giving up after {attempts} attempt(s): {problem}", self.endpoint) from None
                wait = problem.wait if problem.wait is not None else self.backoff * 2 ** (attempt - 1)
                if wait > self.max_wait:
                    raise SpacefilmsError(
                        f"{problem}; the server asks to wait {wait:.0f}s, more than the {self.max_wait:.0f}s allowed",
                        self.endpoint,
                    ) from None
                self.sleep(wait)
        raise AssertionError("unreachable")

    def _send(self, query: str) -> dict:
        """One HTTP request; raise :class:`_Retry` for failures worth retrying, SpacefilmsError for the rest."""
        from http.client import HTTPException
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

        client = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        client.setMethod(POST if len(query) > POST_OVER else GET)
        client.setReturnFormat(JSON)
        client.setOnlyConneg(True)  # ask for JSON by the Accept header alone: no endpoint-specific format parameters
        client.setQuery(query)
        client.timeout = self.timeout  # setTimeout() truncates to whole seconds; urllib takes a float
        self.requests += 1
        try:
            raw = client.query().response.read()
        except HTTPError as exc:
            if exc.code in (429, 503):
                raise _Retry(f"HTTP {exc.code} (busy)", retry_after(exc.headers.get("Retry-After"))) from None
            if exc.code in (502, 504):
                raise _Retry(f"HTTP {exc.code}") from None
            hint = " (Wikimedia refuses clients without a descriptive User-Agent)" if exc.code == 403 else ""
            raise SpacefilmsError(f"endpoint answered HTTP {exc.code}{hint}", self.endpoint) from None
        except EndPointInternalError:
            raise _Retry("HTTP 500 (server error)") from None
        except SPARQLWrapperException as exc:
            message = str(exc).strip().splitlines()[0]
            raise SpacefilmsError(f"endpoint rejected the query: {message}", self.endpoint) from None
        except (TimeoutError, HTTPException) as exc:
            raise _Retry(_describe(exc, self.timeout)) from None
        except (URLError, OSError) as exc:
            raise _Retry(_describe(getattr(exc, "reason", exc), self.timeout)) from None
        try:
            response = json.loads(raw)
            response["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise _Retry(f"truncated or invalid JSON answer ({len(raw)} bytes)") from None
        return response


def _describe(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"no answer within the {timeout:g}s timeout"
    return f"request failed: {str(reason).strip() or type(reason).__name__}"
