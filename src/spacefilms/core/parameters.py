"""Parameters bound into query text: a VALUES block at the start of the WHERE group, never edited into the query."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from spacefilms.core.sparql import TOKENS
from spacefilms.errors import SpacefilmsError

Value = ox.NamedNode | ox.BlankNode | ox.Literal


def inline_bindings(text: str, bindings: Mapping[str, Value]) -> str:
    """Put ``bindings`` (one value per variable) in a VALUES block at the start of the query's WHERE group."""
    return inline_values(text, list(bindings), [tuple(bindings.values())]) if bindings else text


def inline_values(text: str, variables: Sequence[str], rows: Sequence[Sequence[Value]]) -> str:
    """Put a VALUES block of ``rows`` at the start of the query's WHERE group.

    A query file states its parameters' defaults the same way (a VALUES block opening the WHERE group), so that it
    runs as written anywhere; a block there over the same variables is replaced, not joined. The same mechanism
    serves the local store and remote endpoints. Values are written in pyoxigraph's N-Triples form (valid SPARQL:
    IRIs checked when made, literals escaped); nothing else of the query's text is edited, so a value cannot change its shape.
    """
    names = " ".join(f"?{name}" for name in variables)
    terms = " ".join("(" + " ".join(map(str, row)) + ")" for row in rows)
    block = f" VALUES ({names}) {{ {terms} }} "
    depth, kind, after_where = 0, None, False
    for match in TOKENS.finditer(text):
        token = match.lastgroup
        if token == "kind" and kind is None:
            kind = match.group().upper()
        elif token == "where" and depth == 0:
            after_where = True
        elif token == "open":
            if depth == 0 and (after_where or kind in ("SELECT", "ASK")):
                rest = text[match.end() :]
                default = _DEFAULTS.match(rest)
                if default and set(_NAME.findall(default["names"])) == set(variables):
                    rest = rest[default.end() :]
                return text[: match.end()] + block + rest
            depth += 1
        elif token == "close":
            depth -= 1
    raise SpacefilmsError("cannot find the WHERE group of the query to bind its parameters")


# A VALUES block of defaults at the start of a WHERE group: one variable or a parenthesised list, IRIs/literals.
_DEFAULTS = re.compile(r"(?:\s|#[^\n\r]*)*VALUES\s*(?P<names>\?\w+|\((?:\s*\?\w+)+\s*\))\s*\{[^{}]*\}", re.IGNORECASE)
_NAME = re.compile(r"\?(\w+)")
