"""The query library page: each bundled query with its title, description, parameters and SPARQL text, its answer
on the graph the site is built from (entities linked to their pages), and how to run it yourself."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from spacefilms.core.backends import Backend
from spacefilms.core.library import NamedQuery, Parameter, list_queries
from spacefilms.core.parameters import inline_bindings
from spacefilms.core.results import Solutions
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import expand
from spacefilms.site.index import SiteData, Term
from spacefilms.site.paths import query_page, source_page
from spacefilms.site.values import Shown, show
from spacefilms.templating import is_web_link

MAX_ROWS = 200
SERVE_URL = "http://127.0.0.1:7878/query"  # what `spacefilms serve` answers at by default


@dataclass
class QueryPage:
    name: str
    path: str
    title: str
    description: str
    example: str
    parameters: list[Parameter]
    text: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[list[Shown]]] = field(default_factory=list)  # each cell: its values (a list of sources: several)
    total: int = 0
    boolean: bool | None = None
    error: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.rq"

    @property
    def command(self) -> str:
        params = " ".join(f"-p {p.name}={p.default}" for p in self.parameters if p.default)
        return f"spacefilms query {self.name}" + (f"  # or: spacefilms query {self.name} {params}" if params else "")

    @property
    def curl(self) -> str:
        return f"curl -s {SERVE_URL} -H 'Accept: text/csv' --data-urlencode query@{self.file}"


@dataclass
class Head:
    """The first :data:`MAX_ROWS` rows of an answer and how many it has: what its page shows. Only this is kept of
    each answer, so the answers of a big graph (tens of thousands of rows each) are not held while the pages are
    written."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    total: int
    triples: bool = False  # a CONSTRUCT's triples, as (subject, predicate, object)

    @classmethod
    def of(cls, answer: Solutions | list[ox.Triple]) -> Head:
        if isinstance(answer, list):
            rows = [(t.subject, t.predicate, t.object) for t in answer[:MAX_ROWS]]
            return cls(["subject", "predicate", "object"], rows, len(answer), triples=True)
        return cls(list(answer.variables), answer.rows[:MAX_ROWS], len(answer.rows))


Outcome = Head | bool | str  # a query's answer, or why it has none (said on its page)


def answer_queries(backend: Backend, queries: list[NamedQuery] | None = None) -> list[tuple[NamedQuery, Outcome]]:
    """Every bundled query's answer with its default parameters, cut to what its page shows (the store only, no page:
    so it can run in a thread beside the pages, Oxigraph evaluating without the GIL). A query whose default entity is
    not in the graph is not run: it would answer nothing, and a graph without the entity can take minutes to say so."""
    answers: list[tuple[NamedQuery, Outcome]] = []
    for query in queries if queries is not None else list_queries():
        absent = [p for p in query.parameters if p.type == "iri" and p.default and not _present(backend, p.default)]
        if absent:
            names = ", ".join(f"{p.name} = {p.default}" for p in absent)
            answers.append((query, f"its default {names} is not in this graph, so it was not run"))
            continue
        try:
            answer = backend.answer(_bound(query))
            answers.append((query, answer if isinstance(answer, bool) else Head.of(answer)))
        except SpacefilmsError as exc:
            answers.append((query, str(exc)))
    return answers


def _present(backend: Backend, curie: str) -> bool:
    """Whether the graph states anything about the entity ``curie`` names."""
    return next(iter(backend.quads(ox.NamedNode(expand(curie)))), None) is not None


def query_pages(data: SiteData, answers: list[tuple[NamedQuery, Outcome]]) -> list[QueryPage]:
    """The pages of the queries' answers (:func:`answer_queries`), entities linked to their pages."""
    pages = []
    for query, answer in answers:
        path = query_page(query.name)
        page = QueryPage(query.name, path, query.title, query.description, query.example, query.parameters, query.text)
        if isinstance(answer, str):
            page.error = answer
        elif isinstance(answer, bool):
            page.boolean = answer
        else:
            page.columns, page.total = answer.variables, answer.total
            if answer.triples:  # each term shown as it is: no list of source URLs to split
                page.rows = [[[show(data, term, "../")] for term in row] for row in answer.rows]
            else:
                page.rows = [[cell(data, v) for v in row] for row in answer.rows]
        pages.append(page)
    return pages


def cell(data: SiteData, term: Term | None) -> list[Shown]:
    """One cell of an answer: its value, or, for a list of source URLs (``GROUP_CONCAT`` of ``?source``), one link each,
    to the source's page in this site."""
    if term is None:
        return []
    words = term.value.split() if isinstance(term, ox.Literal) else []
    if words and all(is_web_link(w) for w in words):
        return [_source_link(data, w) for w in words]
    return [show(data, term, "../")]


def _source_link(data: SiteData, url: str) -> Shown:
    if url in data.sources:
        return Shown(data.sources[url].name, href="../" + source_page(url), exact=url)
    return Shown(url, href=url, external=True)


def _bound(query: NamedQuery) -> str:
    return inline_bindings(query.text, query.bind({}))
