"""The dates of a timeline: what a source gives (an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime, read from
its lexical form) as a period, written as a reader writes it, and the distinct dates of several sources."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from spacefilms.core.precision import folded
from spacefilms.core.values import DATE_PARTS
from spacefilms.diagrams.wording import short_month
from spacefilms.errors import SpacefilmsError


@dataclass(frozen=True)
class DateValue:
    """One date a source gives: its text, precision (year, month, day, time), the period it covers, the sources."""

    text: str
    precision: str
    start: datetime
    end: datetime
    sources: tuple[str, ...]

    @property
    def shown(self) -> str:
        """The date as a reader writes it: 1984, Oct 2021, 5 Oct 2021, 5 Oct 2021 08:55:02 UTC."""
        return self.written("en")

    def written(self, lang: str) -> str:
        """:attr:`shown` in ``lang`` (5 окт. 2021)."""
        month = short_month(self.start.month, lang) if self.precision != "year" else ""
        if self.precision == "year":
            return str(self.start.year)
        if self.precision == "month":
            return f"{month} {self.start.year}"
        day = f"{self.start.day} {month} {self.start.year}"
        if self.precision == "day":
            return day
        clock = self.text.split("T", 1)[1].rstrip("Z").split("+")[0]
        return f"{day} {clock} UTC" if self.start.utcoffset() == timedelta(0) or "Z" in self.text else f"{day} {self.text[10:]}"


def parse_date(text: str, sources: tuple[str, ...] = ()) -> DateValue:
    """A ``DateValue`` from the lexical form of an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime."""
    match = DATE_PARTS.match(text.strip())
    if not match:
        raise SpacefilmsError(f"not a date, month or year: {text!r}")
    year, month, day = int(match["y"]), int(match["m"] or 1), int(match["d"] or 1)
    if match["clock"]:
        clock = re.sub(r"\.(\d+)", lambda m: "." + (m[1] + "000000")[:6], text.strip().replace("Z", "+00:00"))
        start = datetime.fromisoformat(clock)  # fractions padded to 6 digits: Python 3.10 reads no other length
        start = start.astimezone(timezone.utc) if start.tzinfo else start.replace(tzinfo=timezone.utc)
        return DateValue(text, "time", start, start, sources)
    start = datetime(year, month, day, tzinfo=timezone.utc)
    if match["d"]:
        return DateValue(text, "day", start, start, sources)
    if match["m"]:
        last = calendar.monthrange(year, month)[1]
        return DateValue(text, "month", start, start + timedelta(days=last), sources)
    return DateValue(text, "year", start, datetime(year + 1, 1, 1, tzinfo=timezone.utc), sources)


def distinct_dates(by_text: dict[str, set[str]]) -> list[DateValue]:
    """The dates the sources give (text -> pages), in order: a date that only differs in precision from another is one
    date at its best precision, with the pages of both (see :mod:`spacefilms.core.precision`)."""
    shown_as, merged = folded(by_text), {}
    for text, sources in by_text.items():
        merged.setdefault(shown_as[text], set()).update(sources)
    return sorted((parse_date(t, tuple(sorted(s))) for t, s in merged.items()), key=lambda d: (d.start, d.text))
