"""Suggesting a known name for a mistyped one: the one "did you mean" rule for queries, presets, entities, relations,
entity types and layouts, so every message has the same shape and the same idea of "close"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's similarity ratio at or above which a known name is offered (0.6 is difflib's own default); names that
# contain the typed text are offered when none is that close ("crew" finds "flight-crews").
CUTOFF = 0.6
SHOWN = 3
# What to do when no entity is close to the name typed: every entity message ends so.
FIND_ENTITIES = "`spacefilms query entity-search -p text=…` finds entities"


def close_names(name: str, names: Iterable[str]) -> list[str]:
    """Up to three of ``names`` close to ``name``, closest first, compared casefolded."""
    known = {n.casefold(): n for n in names}
    wanted = name.strip().casefold()
    close = difflib.get_close_matches(wanted, list(known), n=SHOWN, cutoff=CUTOFF)
    if not close and wanted:
        close = [n for n in known if wanted in n][:SHOWN]
    return [known[n] for n in close]


def did_you_mean(name: str, names: Iterable[str], otherwise: str = "") -> str:
    """The tail of an "unknown …" message: ``; did you mean a, b?``, or ``; otherwise`` when nothing is close."""
    close = close_names(name, names)
    if close:
        return f"; did you mean {', '.join(close)}?"
    return f"; {otherwise}" if otherwise else ""
