"""The one rule for values that differ only in precision: ``2021-10`` and ``2021-10-05``, ``08:55:02Z`` and
``08:55:02.442Z`` are the same value written more or less precisely, not a disagreement between their sources; so are
``11:16:00Z`` and ``11:16:38Z``, as a time to the minute (a page's "11:16 UTC") can only be stored with ``:00`` seconds. Where
values are shown, such a pair is one value at its best precision, with the sources of both (``source-disagreements.rq``
states the same rule in SPARQL, which cannot import it)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$")
_WHOLE_MINUTE = re.compile(r"(T\d\d:\d\d):00$")


def _bare(text: str) -> str:
    """The value without its time zone mark, and a time of whole minutes without its ``:00`` seconds."""
    return _WHOLE_MINUTE.sub(r"\1", _ZONE.sub("", text))


def same_but_precision(a: str, b: str) -> bool:
    """Whether one date or time is the other written less precisely (time zone marks aside)."""
    short, long = sorted((_bare(a), _bare(b)), key=len)
    return long.startswith(short) and (len(long) == len(short) or long[len(short)] in "-T:.")


def folded(values: Iterable[str]) -> dict[str, str]:
    """Each value mapped to the value it is shown as: itself, or the one more precise value it is a less precise
    writing of (when several more precise values fit, e.g. a month and two days in it, it stays itself)."""
    texts = sorted(set(values), key=len)

    def finer(text: str) -> list[str]:
        return [other for other in texts if len(_bare(other)) > len(_bare(text)) and same_but_precision(text, other)]

    into = {}
    for text in texts:
        most = [other for other in finer(text) if not finer(other)]  # the most precise writings it fits
        into[text] = most[0] if len(most) == 1 else text
    return into
