"""The bundled named queries: their metadata headers, and safe binding of their parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from spacefilms.core import sparql
from spacefilms.core.naming import did_you_mean
from spacefilms.core.parameters import Value
from spacefilms.errors import SpacefilmsError
from spacefilms.namespaces import XSD, expand
from spacefilms.workspace import data_dir

_HEADER = re.compile(r"^#\s*(title|description|param|example|returns):\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)\)\s*(=\s*(?P<default>\S+))?\s*(?:[-—:]\s*(?P<doc>.*))?$")

PARAM_TYPES = ("iri", "string", "date", "dateTime", "integer", "decimal", "lang")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: the SPARQL variable it binds, its type, default and meaning."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass
class NamedQuery:
    """One ``queries/NAME.rq`` file with its comment header."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    description: str = ""
    example: str = ""
    parameters: list[Parameter] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> NamedQuery:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SpacefilmsError(f"not UTF-8 text (byte {exc.start}): a query file must be UTF-8", str(path)) from None
        except OSError as exc:
            raise SpacefilmsError(f"cannot read the query: {exc.strerror or exc}", str(path)) from None
        return cls.from_text(path.stem, text, path)

    @classmethod
    def from_text(cls, name: str, text: str, path: Path | None = None) -> NamedQuery:
        query = cls(name=name, text=text, path=path)
        for line in text.splitlines():
            match = _HEADER.match(line.strip())
            if not match:
                continue
            key, value = match.groups()
            if key == "param":
                query.parameters.append(_parse_param(value, query.where))
            elif key in ("description", "title", "example"):
                setattr(query, key, (getattr(query, key) + " " + value).strip())
        return query

    @property
    def where(self) -> str:
        return str(self.path) if self.path else self.name

    def check_syntax(self) -> str:
        """The query's form (SELECT, ASK or CONSTRUCT); a :class:`SpacefilmsError` naming the query, line and column
        on a syntax error (see :func:`spacefilms.core.sparql.form`)."""
        return sparql.form(self.text, self.where)

    def bind(self, values: dict[str, str], named: Callable[[str], str] | None = None) -> dict[str, Value]:
        """Turn raw ``name=value`` strings (plus defaults) into typed RDF terms; an entity parameter given by its
        name rather than its IRI (no ``:`` in it) is looked up with ``named`` (name -> IRI), when given.

        Values never enter the query text: they are bound to variables, so they cannot change its shape.
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SpacefilmsError(
                f"unknown parameter {unknown[0]!r}; this query takes: {', '.join(known) or 'no parameters'}", self.where
            )
        bound: dict[str, Value] = {}
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is None:
                raise SpacefilmsError(f"missing parameter {param.name!r} ({param.type}): {param.description}", self.where)
            if param.type == "iri" and named is not None and ":" not in raw:
                raw = named(raw)
            bound[param.name] = to_term(raw, param.type, param.name)
        return bound


def _parse_param(spec: str, where: str) -> Parameter:
    match = _PARAM.match(spec.strip())
    if not match or match["type"] not in PARAM_TYPES:
        raise SpacefilmsError(f"bad '# param:' header {spec!r}; write 'name (type) = default — meaning'", where)
    return Parameter(match["name"], match["type"], match["default"], (match["doc"] or "").strip())


def to_term(raw: str, kind: str, name: str = "value") -> ox.NamedNode | ox.Literal:
    """Validate ``raw`` as a ``kind`` and return the RDF term; reject anything else with a clear error."""
    if kind == "iri":
        try:
            return ox.NamedNode(expand(raw))  # Oxigraph's IRI parser (RFC 3987) is the check
        except ValueError:
            raise SpacefilmsError(
                f"parameter {name!r}: {raw!r} is not a valid IRI or prefixed name (e.g. sfr:the-challenge)"
            ) from None
    if kind == "string":
        return ox.Literal(raw)
    if kind == "lang":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", raw):
            raise SpacefilmsError(f"parameter {name!r}: {raw!r} is not a language tag such as en or ru")
        return ox.Literal(raw.lower())
    patterns = {
        "date": (r"-?\d{4,}-\d{2}-\d{2}", XSD.date),
        "dateTime": (r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", XSD.dateTime),
        "integer": (r"[+-]?\d+", XSD.integer),
        "decimal": (r"[+-]?(\d+(\.\d*)?|\.\d+)", XSD.decimal),
    }
    pattern, datatype = patterns[kind]
    if not re.fullmatch(pattern, raw.strip()):
        raise SpacefilmsError(f"parameter {name!r}: {raw!r} is not a valid {kind}")
    return ox.Literal(raw.strip(), datatype=ox.NamedNode(datatype))


def queries_dir() -> Path:
    return data_dir("queries")


def list_queries(directory: Path | None = None) -> list[NamedQuery]:
    """All bundled queries, sorted by name."""
    return [NamedQuery.from_file(p) for p in sorted((directory or queries_dir()).glob("*.rq"))]


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    """The query called ``name``; an unknown name suggests the closest ones. A name is a name, not a path."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise SpacefilmsError(f"{name!r} is not a query name (letters, digits, - and _); use --file for a file of your own")
    path = (directory or queries_dir()) / f"{name}.rq"
    if path.is_file():
        return NamedQuery.from_file(path)
    names = [q.name for q in list_queries(directory)]
    raise SpacefilmsError(f"unknown query {name!r}{did_you_mean(name, names, '`spacefilms queries` lists them')}")
