"""The words a diagram or timeline prints around the data — titles, subtitles, legends, headings, kinds, dates — in
the language asked for.

The translations are data: ``wording.tsv`` beside this module (English key, Russian), read once. A term of the
ontology (a relation heading, a milestone type, a kind of work) takes its own ``rdfs:label`` in the language first,
then the table's translation of its English label; any string the table lacks stays English, so a missing
translation shows as English, never as a blank.
"""

from __future__ import annotations

import calendar
from functools import cache
from pathlib import Path

from spacefilms.core.values import DATE_PARTS

LANGUAGES = ("en", "ru")
_TABLE = Path(__file__).with_name("wording.tsv")


@cache
def _table() -> dict[str, dict[str, str]]:
    """English key -> {language: translation}, from the TSV (its first non-comment line names the languages)."""
    rows = [line.split("\t") for line in _TABLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header, *entries = rows
    return {row[0]: {lang: text for lang, text in zip(header[1:], row[1:]) if text} for row in entries}


def say(text: str, lang: str = "en", **values: object) -> str:
    """``text`` (an English string of the table) in ``lang``, its ``{name}`` fields filled from ``values``."""
    template = _table().get(text, {}).get(lang, text) if lang != "en" else text
    return template.format(**values) if values else template


def translated(english: str, lang: str, own: str | None = None) -> str:
    """A term's name in ``lang``: its ``own`` label in that language when it has one, else the table's translation of
    its ``english`` label."""
    return own if own and lang != "en" else say(english, lang)


def short_month(number: int, lang: str) -> str:
    """The short month name a timeline row writes (Oct, окт.)."""
    return say(calendar.month_abbr[number], lang)


def data_date(text: str, lang: str) -> str:
    """The data's date as the "Data as of" line writes it: a day (``2025-06-12``) in the language's own form
    (``12 июня 2025 г.``); any other text (a date the user gave) as it is."""
    found = DATE_PARTS.match(text)
    if not found or not found["d"] or found["clock"] or found["tz"] or lang == "en":
        return text
    year, mm, dd = found["y"], found["m"], found["d"]
    long_month = say(calendar.month_name[int(mm)], lang)
    return say("{year}-{mm}-{dd}", lang, year=year, mm=mm, dd=dd, day=int(dd), month_long=long_month)


def subtitle(date: str, lang: str, counts: str, note: str = "") -> str:
    """The line under a title: the data's date, the graph's name, what is drawn (``counts``), a ``note``."""
    parts = (say("Data as of {date}", lang, date=data_date(date, lang)), say("spacefilms knowledge graph", lang), counts, note)
    return " · ".join(part for part in parts if part)
