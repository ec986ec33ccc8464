"""Values as people read them: dates and times in words, durations in hours and minutes, amounts of money with
their currency, numbers with thousands separators, entities as links to their pages. The exact lexical form is
kept (``datetime`` attribute, ``title``), so nothing is lost by formatting."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import pyoxigraph as ox

from spacefilms.core.values import DATE_PARTS, format_money, format_number
from spacefilms.namespaces import SCHEMA, XSD, compact
from spacefilms.site.index import SiteData, Term
from spacefilms.site.paths import resource_page
from spacefilms.templating import is_web_link

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_DATES = {str(XSD[t]) for t in ("date", "dateTime", "gYear", "gYearMonth", "dateTimeStamp")}
_NUMBERS = {
    str(XSD[t]) for t in ("integer", "decimal", "nonNegativeInteger", "positiveInteger", "int", "long", "double", "float")
}


@dataclass(frozen=True)
class Shown:
    """One value ready for a template: its text, where it links (a page of the site, or another site), its
    language, the machine-readable date, the exact value when the text rounds it, and a note."""

    text: str
    href: str = ""
    external: bool = False
    lang: str = ""
    datetime: str = ""
    exact: str = ""
    note: str = ""
    sort_key: str = ""


def format_date(text: str) -> str:
    """``5 October 2021``, ``October 2021``, ``2021``, ``5 October 2021, 08:55:02 UTC``; the text itself otherwise."""
    match = DATE_PARTS.match(text.strip())
    if not match:
        return text
    year, month, day, clock, seconds, zone = match.groups()
    if not month:
        return year.lstrip("0") or "0"
    if not 1 <= int(month) <= 12:
        return text
    words = f"{calendar.month_name[int(month)]} {year}"
    if not day:
        return words
    words = f"{int(day)} {words}"
    if not clock:
        return words
    zone_text = "UTC" if zone in ("Z", "+00:00") else (f"UTC{zone}" if zone else "")
    return f"{words}, {clock}{seconds or ''} {zone_text}".rstrip()


def format_duration(text: str) -> str:
    """``PT165M`` as ``165 min (2 h 45 min)``; other durations as written."""
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        return text
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = days * 1440 + hours * 60 + minutes + seconds / 60
    if seconds and total < 60:
        return f"{total:g} min"
    whole = round(total)
    if whole < 60:
        return f"{whole} min"
    h, m = divmod(whole, 60)
    return f"{whole} min ({h} h {m} min)" if m else f"{whole} min ({h} h)"


def show_literal(literal: ox.Literal) -> Shown:
    text, datatype = literal.value, literal.datatype.value if literal.datatype else ""
    if datatype in _DATES:
        return Shown(format_date(text), datetime=text, exact=text, sort_key=text)
    if datatype == str(XSD.duration):
        return Shown(format_duration(text), exact=text, sort_key=text)
    if datatype in _NUMBERS:
        shown = format_number(text)
        return Shown(shown, exact=text if shown != text else "", sort_key=text)
    if datatype == str(XSD.anyURI):
        return Shown(text, href=text if is_web_link(text) else "", external=True)
    return Shown(text, lang=literal.language or "", sort_key=text.casefold())


def show_blank(data: SiteData, node: ox.BlankNode) -> Shown:
    """A monetary amount or a range (the blank nodes the data allows) in words, its description as the note."""
    values = {p: o.value for p, o, _ in data.blank(node) if isinstance(o, ox.Literal)}
    note = values.get(str(SCHEMA.description), "")
    if str(SCHEMA.value) in values:
        amount = values[str(SCHEMA.value)]
        return Shown(format_money(amount, values.get(str(SCHEMA.currency), "")), exact=amount, note=note, sort_key=amount)
    if str(SCHEMA.minValue) in values or str(SCHEMA.maxValue) in values:
        low, high = values.get(str(SCHEMA.minValue), "?"), values.get(str(SCHEMA.maxValue), "?")
        unit = values.get(str(SCHEMA.unitText), "")
        return Shown(f"{format_number(low)}–{format_number(high)} {unit}".strip(), note=note, sort_key=low)
    parts = [f"{compact(p)} {v}" for p, v in sorted(values.items()) if p != str(SCHEMA.description)]
    return Shown("; ".join(parts) or "(no value)", note=note)


def show(data: SiteData, term: Term, root: str) -> Shown:
    """Any value of a fact, for the page whose way back to the site's root is ``root``."""
    if isinstance(term, ox.Literal):
        return show_literal(term)
    if isinstance(term, ox.BlankNode):
        return show_blank(data, term)
    iri = term.value
    if iri in data.entities:
        label = data.label(iri)
        return Shown(label, href=root + resource_page(iri), lang=data.label_lang(iri), sort_key=label.casefold())
    if iri in data.vocabulary:
        label = data.term_label(iri)
        return Shown(label, exact=compact(iri), sort_key=label.casefold())
    names = data.names(iri)
    label = names.get("en") or next(iter(names.values()), "")
    if is_web_link(iri):
        return Shown(label or iri, href=iri, external=True, exact=iri if label else "", sort_key=(label or iri).casefold())
    return Shown(label or compact(iri), exact=compact(iri), sort_key=(label or iri).casefold())
