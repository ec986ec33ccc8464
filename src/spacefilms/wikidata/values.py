"""Wikidata values as RDF literals at their stated precision: times, durations, decimal amounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from spacefilms.namespaces import XSD
from spacefilms.wikidata.client import qid_of
from spacefilms.wikidata.fields import TIME_UNITS

_DATETIME = re.compile(r"^(?P<y>[+-]?\d{4,})-(?P<m>\d\d)-(?P<d>\d\d)T(?P<time>\d\d:\d\d:\d\d)")


def time_literal(value: str, precision: int | None) -> ox.Literal | None:
    """A Wikidata time at its precision: dateTime (hour or finer), date (day), gYearMonth (month), gYear (year).
    Coarser precisions (decade, century…) and a missing precision give None: never invent a day."""
    match = _DATETIME.match(value)
    if not match or precision is None or precision < 9:
        return None
    year = match["y"].lstrip("+")
    if precision >= 12:
        return ox.Literal(f"{year}-{match['m']}-{match['d']}T{match['time']}Z", datatype=ox.NamedNode(XSD.dateTime))
    if precision == 11:
        return ox.Literal(f"{year}-{match['m']}-{match['d']}", datatype=ox.NamedNode(XSD.date))
    if precision == 10:
        return ox.Literal(f"{year}-{match['m']}", datatype=ox.NamedNode(XSD.gYearMonth))
    return ox.Literal(year, datatype=ox.NamedNode(XSD.gYear))


def duration_literal(amount: str | None, unit: str | None) -> ox.Literal | None:
    """A time quantity in a known unit as an xsd:duration such as ``PT124M`` or ``P999D``."""
    factor = TIME_UNITS.get(qid_of(unit or "") or "")
    try:
        seconds = Decimal(amount) * factor if amount and factor else None
    except InvalidOperation:
        return None
    if seconds is None or not seconds.is_finite() or seconds < 0:  # "NaN", "Infinity": answers are not trusted
        return None
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    clock = "".join(f"{n.normalize():f}{u}" for n, u in ((hours, "H"), (minutes, "M"), (rest, "S")) if n)
    text = "P" + (f"{days.normalize():f}D" if days else "") + (f"T{clock}" if clock or not days else "")
    return ox.Literal(text if text != "PT" else "PT0S", datatype=ox.NamedNode(XSD.duration))


def decimal_literal(amount: str | None) -> ox.Literal | None:
    try:
        value = Decimal(amount or "")
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return ox.Literal(format(value.normalize(), "f"), datatype=ox.NamedNode(XSD.decimal))
