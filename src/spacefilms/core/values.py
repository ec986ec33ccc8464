"""Rules about values that several wings apply: which of an entity's labels people read, how an amount of money
reads, how a date's lexical form splits into its parts. One place, so the site, the diagrams and the Wikidata
conflicts cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# The lexical form of an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime: year, month, day, hours and minutes,
# seconds (with their fraction), time zone; each part after the year optional in that order.
DATE_PARTS = re.compile(
    r"^(?P<y>-?\d{4,})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?P<clock>\d{2}:\d{2})(?P<seconds>:\d{2}(?:\.\d+)?)?)?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?$"
)

# After the language asked for: English, then a label with no language tag.
FALLBACK_LANGUAGES = ("en", "")


def pick_label(names: Mapping[str, str], lang: str = "en", fallbacks: Iterable[str] = FALLBACK_LANGUAGES) -> str:
    """The first non-empty label of ``names`` (language tag to text) in ``lang``, else in each of ``fallbacks`` in
    turn; ``""`` when there is none."""
    return next((text for text in (names.get(tag) for tag in (lang, *fallbacks)) if text), "")


def format_number(text: str) -> str:
    """``905000000`` as ``905,000,000``; a number that is not one, as written."""
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer() and abs(number) < 1e18:
        return f"{int(number):,}"
    return f"{number:,.6g}" if abs(number) >= 1000 else text


def format_money(amount: str, currency: str) -> str:
    """``905,000,000 RUB (905 million)``."""
    shown = format_number(amount)
    try:
        number = float(amount)
    except ValueError:
        return f"{amount} {currency}".strip()
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(number) >= size:
            return f"{shown} {currency} ({number / size:g} {word})".strip()
    return f"{shown} {currency}".strip()
