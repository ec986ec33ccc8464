"""Rules about values that several wings apply: which of an entity's labels people read. One place, so the site,
the diagrams and the Wikidata mapping cannot drift apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# After the language asked for: English, then a label with no language tag.
FALLBACK_LANGUAGES = ("en", "")


def pick_label(names: Mapping[str, str], lang: str = "en", fallbacks: Iterable[str] = FALLBACK_LANGUAGES) -> str:
    """The first non-empty label of ``names`` (language tag to text) in ``lang``, else in each of ``fallbacks`` in
    turn; ``""`` when there is none."""
    return next((text for text in (names.get(tag) for tag in (lang, *fallbacks)) if text), "")
