"""Rules about values that several wings apply: which of an entity's labels people read, how an amount of money
reads. One place, so the site, the diagrams and the Wikidata conflicts cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
