"""Rows as engines agree on them: the same value written another way compares equal, anything else does not.

Numbers compare by value (Virtuoso answers ``"1.0"^^xsd:decimal`` as ``1``), ``xsd:string`` as a plain literal,
language tags in lower case, times whatever trailing zeros their seconds have, durations by their length in seconds (Virtuoso stores ``PT37M`` as ``2220.0``), blank
nodes as one, and the items of a ``GROUP_CONCAT`` column in any order (SPARQL leaves their order to the engine)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pyoxigraph as ox

from spacefilms.core.results import Solutions
from spacefilms.namespaces import XSD

_NUMBERS = {
    str(XSD[name])
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
    ]
}
_DURATION = re.compile(r"(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?")


def _seconds(text: str) -> Decimal | str:
    if re.fullmatch(r"-?[\d.]+", text):
        return Decimal(text).normalize()
    match = _DURATION.fullmatch(text)
    if not match or "Y" in text:
        return text
    sign, days, hours, minutes, seconds = match.groups()
    total = (int(days or 0) * 24 + int(hours or 0)) * 3600 + int(minutes or 0) * 60 + Decimal(seconds or 0)
    return (-total if sign else total).normalize()


def normal(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> tuple | None:
    """A term as engines agree on it (see the module's notes)."""
    if term is None or isinstance(term, ox.BlankNode):
        return None if term is None else ("blank",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if term.language:
        return ("text", term.value, term.language.lower())
    datatype = term.datatype.value
    if datatype in _NUMBERS:
        return ("number", Decimal(term.value).normalize())
    if datatype == str(XSD.duration):
        return ("duration", _seconds(term.value))
    if datatype == str(XSD.dateTime):  # 09.8 and 09.800 seconds are one time (Virtuoso writes three decimals)
        return ("typed", re.sub(r"(\.\d*?)0+(?=Z|[+-]\d\d:\d\d|$)", r"\1", term.value).replace(".Z", "Z"), datatype)
    if datatype != str(XSD.string):
        return ("typed", term.value, datatype)
    return ("text", term.value, "")


_CONCATENATION = re.compile(  # the concatenated expression may nest calls two deep: LCASE(STR(?role))
    r'GROUP_CONCAT\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', re.I
)


_WITH_LIST = re.compile(r"(.*?) \((\S+:\S+(?: \S+:\S+)*)\)")  # a value and its sources: IRIs in brackets


def concatenated(text: str) -> dict[str, str]:
    """The columns a query makes with ``GROUP_CONCAT``, and each one's separator."""
    return {column: separator for separator, column in _CONCATENATION.findall(text)}


def _items(term: ox.Literal | None, separator: str) -> tuple:
    """No items alike whether the engine writes them "" (Oxigraph, Jena) or leaves the column unbound (Virtuoso)."""
    return ("items", () if term is None else in_order(term.value, separator))


def in_order(value: str, separator: str) -> tuple[str, ...]:
    """The items of one ``GROUP_CONCAT`` value, each in a fixed order (an item's own bracketed list too)."""
    items = value.split(separator) if separator.strip() else value.split()
    return tuple(sorted(filter(None, map(_item, items))))


def _item(text: str) -> str:
    """An item; one that is a value and a list of its own in brackets (its sources) has that list in any order too."""
    text = text.strip()
    if (match := _WITH_LIST.fullmatch(text)) is None:
        return text
    return f"{match[1]} ({' '.join(sorted(match[2].split()))})"


def rows(answer: Solutions, text: str) -> tuple[list[str], Counter]:
    """The answer's columns, and its rows as engines agree on them; ``text`` is the query (its GROUP_CONCATs)."""
    lists = concatenated(text)
    separators = [lists.get(column) for column in answer.variables]
    return answer.variables, Counter(
        tuple(normal(term) if separator is None else _items(term, separator) for term, separator in zip(row, separators))
        for row in answer.rows
    )
