"""Rows as engines agree on them: the same value written another way compares equal, anything else does not.

Numbers compare by value (Virtuoso answers ``"1.0"^^xsd:decimal`` as ``1``), ``xsd:string`` as a plain literal,
language tags in lower case, durations by their length in seconds (Virtuoso stores ``PT37M`` as ``2220.0``), blank
nodes as one, and the sources a ``GROUP_CONCAT`` lists in any order (SPARQL leaves it to the engine)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pyoxigraph as ox

from spacefilms.namespaces import XSD
from spacefilms.querying.results import Solutions

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
    if datatype != str(XSD.string):
        return ("typed", term.value, datatype)
    if term.value.count("://") > 1:  # a GROUP_CONCAT of sources, in the engine's order
        return ("concatenated", tuple(sorted(filter(None, re.split(r"[\s|()]+", term.value)))))
    return ("text", term.value, "")


def rows(answer: Solutions) -> tuple[list[str], Counter]:
    return answer.variables, Counter(tuple(normal(term) for term in row) for row in answer.rows)
