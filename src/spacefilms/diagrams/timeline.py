"""The dated milestones of the projects on one time axis: one row per milestone, one lane per project; and the works
filmed in space on one axis (``works_in_space``): one row per work, one lane per kind of work.

A milestone's ``schema:startDate`` may be an xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime (see
:mod:`spacefilms.diagrams.dates`), and several sources may give different dates. Nothing is picked silently: every
distinct date gets its own marker (joined by a line, with how many sources give each), and a year or month is drawn as
a bar over the period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from spacefilms.diagrams.dates import DateValue, distinct_dates
from spacefilms.diagrams.drawing import DPI, RC, STATIC_FORMATS, SUBTITLE_PT, TITLE_PT, Rendered, text_overlaps
from spacefilms.diagrams.labels import fit, text_size
from spacefilms.diagrams.network import GraphData
from spacefilms.diagrams.presets import RACE
from spacefilms.diagrams.wording import say, subtitle
from spacefilms.errors import SpacefilmsError
from spacefilms.files import atomic_output, check_writable
from spacefilms.namespaces import SCHEMA, SF

TITLE = "The race to film in space: dated milestones"
WORKS_TITLE = "Filming in space: each work at the date it was filmed in space (else its release)"
TYPE_MARKERS = {
    "Announcement": "o",
    "CrewSelection": "s",
    "TrainingStart": "D",
    "Launch": "^",
    "FilmingInSpace": "*",
    "Landing": "v",
    "Premiere": "p",
    "Release": "h",
    "StatusUpdate": "X",
}
LANE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C564B", "#332288"]
ROW_PT, LANE_PT = 9.5, 12.5
MILESTONES_COUNTED, WORKS_COUNTED = "{events} milestones of {lanes} projects", "{events} works of {lanes} kinds"


@dataclass
class Event:
    """One milestone with every distinct date the sources give for it."""

    iri: str
    label: str
    project: str
    kind: str  # the milestone type's local name, e.g. Launch
    kind_label: str
    dates: list[DateValue] = field(default_factory=list)

    @property
    def first(self) -> datetime:
        return min(d.start for d in self.dates)

    @property
    def dates_text(self) -> str:
        """Each distinct date once; when sources differ, how many give each (times on the same day only as times)."""
        return self.dates_in("en")

    def dates_in(self, lang: str) -> str:
        """:attr:`dates_text` in ``lang``."""
        if len(self.dates) == 1:
            return self.dates[0].written(lang)
        parts, day = [], None
        for d in self.dates:
            shown = d.written(lang)
            if d.precision == "time" and day == shown.rsplit(" ", 2)[0]:
                shown = shown.split(" ", 3)[3]
            day = shown.rsplit(" ", 2)[0] if d.precision == "time" else day
            count = "({count} source)" if len(d.sources) == 1 else "({count} sources)"
            parts.append(f"{shown} {say(count, lang, count=len(d.sources))}")
        return " / ".join(parts)


def milestones(data: GraphData, projects: list[str] | None = None, lang: str = "en") -> dict[str, list[Event]]:
    """Events per project IRI (all space film projects with milestones when ``projects`` is None), in date order,
    labelled in ``lang``."""
    start_date, kind_of = str(SCHEMA.startDate), str(SF.milestoneType)
    of = str(SF.milestoneOf)
    owners: dict[str, str] = {s: o for (s, p, o) in data.relations if p == of}
    wanted = projects or [p for p, kinds in data.types.items() if str(SF.SpaceFilmProject) in kinds]
    found: dict[str, list[Event]] = {p: [] for p in wanted}
    type_names = {data.label(str(SF[k])): k for k in TYPE_MARKERS}
    for milestone, project in owners.items():
        if project not in found:
            continue
        facts = data.facts.get(milestone, {})
        by_text: dict[str, set[str]] = {}
        for (p, value, _), sources in facts.items():
            if p == start_date:
                by_text.setdefault(value, set()).update(sources)
        if not by_text:
            continue
        kind_label = next((v for (p, v, _) in facts if p == kind_of), "")
        kind = type_names.get(kind_label, "")
        found[project].append(
            Event(
                milestone,
                _without_project(data.label(milestone, lang), data.label(project, lang)),
                project,
                kind,
                data.term(str(SF[kind]), lang) if kind else kind_label,
                distinct_dates(by_text),
            )
        )
    for events in found.values():
        events.sort(key=lambda e: (e.first, e.label))
    if projects:
        empty = [p for p, events in found.items() if not events]
        if empty:
            raise SpacefilmsError(f"no dated milestones for {', '.join(data.label(p) for p in empty)}", "--project")
        return found
    # The two projects of the race first (what the timeline's title names), then the most milestones, the earliest,
    # the IRI: an order that does not depend on the order the store hands the quads over in.
    race = {project: rank for rank, project in enumerate(RACE)}
    return dict(
        sorted(
            ((p, events) for p, events in found.items() if events),
            key=lambda kv: (race.get(kv[0], len(race)), -len(kv[1]), kv[1][0].first, kv[0]),
        )
    )


def main_kind(kinds: Iterable[str], sizes: Mapping[str, int]) -> str:
    """The kind a work with several kinds is listed under: the one the fewest works share (so an IMAX documentary is a
    giant-screen film, not one more documentary), ties by name. ``sizes`` counts the works of each kind."""
    return min(kinds, key=lambda kind: (sizes[kind], kind))


def works_in_space(data: GraphData, lang: str = "en") -> dict[str, list[Event]]:
    """Every work with a kind of work (``sf:workKind``), but announced projects (never filmed) and archival
    compilations (footage shot for the mission, not for the work), as one event at the dates of its filming in space
    (its ``sf:FilmingInSpace`` milestones), else at its release dates: lanes keyed by kind label (see
    :func:`main_kind`), in the order of their first work. A work with no such date is left out. Lanes keep the
    English kind as key (:func:`lane_headings` names them); the rows are written in ``lang``."""
    of, kind_of, start = str(SF.milestoneOf), str(SF.milestoneType), str(SCHEMA.startDate)
    filming = data.label(str(SF.FilmingInSpace))
    filmed: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for milestone, _, work in (r for r in data.relations if r[1] == of):
        facts = data.facts.get(milestone, {})
        if any(p == kind_of and v == filming for (p, v, _) in facts):
            for (p, value, _), sources in facts.items():
                if p == start:
                    filmed[work].setdefault(value, set()).update(sources)
    kinds = {work: {v for (p, v, _) in facts if p == str(SF.workKind)} for work, facts in data.facts.items()}
    kinds = {work: found for work, found in kinds.items() if found}
    sizes = Counter(kind for found in kinds.values() for kind in found)
    never_filmed = {data.label(str(SF.AnnouncedProject)), data.label(str(SF.ArchivalCompilation))}
    lanes: dict[str, list[Event]] = defaultdict(list)
    for work, found in kinds.items():
        released = {v: s for (p, v, _), s in data.facts[work].items() if p == str(SCHEMA.datePublished)}
        by_text = filmed.get(work) or released
        if found & never_filmed or not by_text:
            continue
        lane = main_kind(found, sizes)
        also = sorted(found - {lane})
        also_text = say(" (also {kinds})", lang, kinds=", ".join(data.term_named(k, lang) for k in also)) if also else ""
        kind, kind_label = (
            ("FilmingInSpace", data.term(str(SF.FilmingInSpace), lang))
            if work in filmed
            else ("Release", say("released (no date of filming in space)", lang))
        )
        dates = distinct_dates(by_text)
        lanes[lane].append(Event(work, data.label(work, lang) + also_text, lane, kind, kind_label, dates))
    for events in lanes.values():
        events.sort(key=lambda e: (e.first, e.label))
    return dict(sorted(lanes.items(), key=lambda kv: (kv[1][0].first, kv[0])))


def _without_project(label: str, project: str) -> str:
    """ "The Challenge: film crew begins training" reads "Film crew begins training" in The Challenge's lane."""
    for sep in (": ", " "):
        if label.startswith(project + sep) and len(label) > len(project) + 12:
            rest = label[len(project) + len(sep) :]
            return rest[0].upper() + rest[1:]
    return label


# ---------------------------------------------------------------- drawing


def image_format(output: str | Path) -> str:
    """The image format ``output``'s suffix names, its folder checked writable: refused before the graph is read."""
    fmt = Path(output).suffix.lstrip(".").lower()
    if fmt not in STATIC_FORMATS:
        raise SpacefilmsError(f"unknown image format {fmt!r}; use one of {', '.join(STATIC_FORMATS)}", str(output))
    check_writable(output)
    return fmt


def render_timeline(
    data: GraphData,
    output: str | Path,
    title: str,
    date_text: str,
    projects: list[str] | None = None,
    works: bool = False,
    lang: str = "en",
) -> Rendered:
    """Draw the timeline of ``projects`` (or with ``works``, of the works filmed in space) to ``output`` (PNG, SVG or
    PDF by suffix), atomically, its words in ``lang`` (a title the table knows, such as :data:`TITLE`, translated)."""
    path = Path(output)
    fmt = image_format(path)
    title = say(title, lang)
    lanes = works_in_space(data, lang) if works else milestones(data, projects, lang)
    if not lanes:
        raise SpacefilmsError(f"no dated {'works filmed in space' if works else 'milestones'} in the graph")
    with matplotlib.rc_context(RC):
        fig, rows = (works_figure if works else timeline_figure)(data, lanes, title, date_text, lang=lang)
        overlaps = text_overlaps(fig)
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt] | {"Title": title}
        with atomic_output(path) as out:
            fig.savefig(out, format=fmt, dpi=DPI, metadata=metadata)
    width, height = fig.get_size_inches()
    return Rendered(path, float(width), float(height), rows, 0, 0, overlaps)


def timeline_figure(
    data: GraphData,
    lanes: dict[str, list[Event]],
    title: str,
    date_text: str,
    counted: str = MILESTONES_COUNTED,
    headings: Mapping[str, str] | None = None,
    lang: str = "en",
) -> tuple[Figure, int]:
    """The figure and its number of rows; ``counted`` counts the rows and lanes for the subtitle ("12 works of 3
    kinds"), ``headings`` name the lanes whose key is no entity (a kind of work), else a lane is headed by its
    entity's label; its words in ``lang``."""
    events = [e for lane in lanes.values() for e in lane]
    lo = min(e.first for e in events)
    hi = max(max(d.end for d in e.dates) for e in events)
    pad = (hi - lo) * 0.03 + timedelta(days=20)
    lo, hi = lo - pad, hi + pad
    width = 15.0
    plot_w = width - 0.9
    per_day = plot_w / max((hi - lo).days, 1)

    def x_of(moment: datetime) -> float:
        return (moment - lo).total_seconds() / 86400 * per_day

    # rows: a lane header, then one row per event with its text beside its markers
    rows: list[tuple[str, object, float, tuple[str, str]]] = []
    for project, lane in lanes.items():
        rows.append(("lane", project, LANE_PT * 2.0 / 72, ("", "")))
        for event in lane:
            text, side = _event_text(event, x_of, plot_w, lang)
            rows.append(("event", event, max(text_size(text, ROW_PT)[1], 0.22) + 0.06, (text, side)))
    total = sum(row[2] for row in rows)
    top_band, bottom_band = 1.3, 0.95
    height = total + top_band + bottom_band
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.45 / width, bottom_band / height, plot_w / width, total / height))
    ax.set_xlim(0, plot_w)
    ax.set_ylim(-total, 0)
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    ax.set_yticks([])
    years = range(lo.year, hi.year + 1)
    # a labelled year every `step` years, so that the labels never touch (forty years: every other one)
    step = next(n for n in (1, 2, 5, 10, 20, 50, 100) if n * per_day * 365 >= 1.3 * text_size("2000", 10.5)[0])
    ticks = [
        (x_of(datetime(y, 1, 1, tzinfo=timezone.utc)), str(y))
        for y in years
        if y % step == 0 and lo <= datetime(y, 1, 1, tzinfo=timezone.utc) <= hi
    ]
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks], fontsize=10.5)
    minor = [(y, m) for y in years for m in (4, 7, 10)] if step == 1 else [(y, 1) for y in years if y % step]  # quarters or years
    months = [x_of(datetime(y, m, 1, tzinfo=timezone.utc)) for y, m in minor]
    ax.set_xticks([m for m in months if 0 <= m <= plot_w], minor=True)
    ax.tick_params(axis="x", which="both", top=True, labeltop=True)
    for t, _ in ticks:
        ax.axvline(t, color="#DDDDDD", linewidth=0.8, zorder=0)

    y = 0.0
    color = LANE_COLORS[0]
    lane_index = -1
    for kind, item, h, (text, side) in rows:
        centre = y - h / 2
        if kind == "lane":
            lane_index += 1
            color = LANE_COLORS[lane_index % len(LANE_COLORS)]
            ax.add_patch(Rectangle((0, y - h), plot_w, h, color=color, alpha=0.08, linewidth=0, zorder=0))
            heading = (headings or {}).get(item) or data.label(item, lang)
            ax.text(0.08, centre, heading, fontsize=LANE_PT, fontweight="bold", color=color, va="center", ha="left")
        else:
            _draw_event(ax, item, centre, color, x_of, text, side)
        y -= h

    fig.text(0.45 / width, 1 - 0.2 / height, title, ha="left", va="top", fontsize=TITLE_PT, fontweight="bold")
    counts = say(counted, lang, events=len(events), lanes=len(lanes))
    fig.text(
        0.45 / width,
        1 - 0.6 / height,
        subtitle(date_text, lang, counts),
        ha="left",
        va="top",
        fontsize=SUBTITLE_PT,
        color="#555555",
    )
    fig.legend(
        handles=_legend(events, lang),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.08 / height),
        ncol=6,
        frameon=False,
        fontsize=9.5,
    )
    return fig, len(events)


def works_figure(
    data: GraphData, lanes: dict[str, list[Event]], title: str, date_text: str, lang: str = "en"
) -> tuple[Figure, int]:
    """The timeline of the works filmed in space (lanes from :func:`works_in_space`, headed by their kind)."""
    headings = {kind: data.term_named(kind, lang) for kind in lanes}
    return timeline_figure(data, lanes, title, date_text, WORKS_COUNTED, headings, lang)


def _event_text(event: Event, x_of, plot_w: float, lang: str) -> tuple[str, str]:
    """The row's text (dates, then label), wrapped to fit beside its markers, and on which side it goes."""
    left = x_of(event.first) - 0.15
    right = plot_w - x_of(max(d.end for d in event.dates)) - 0.15
    side = "right" if right >= min(left, 4.0) or right >= left else "left"
    room = max(right if side == "right" else left, 2.5)
    return fit(f"{event.dates_in(lang)} — {event.label}", room, ROW_PT), side


def _draw_event(ax, event: Event, y: float, color: str, x_of, text: str, side: str) -> None:
    xs = []
    for d in event.dates:
        x0 = x_of(d.start)
        if d.precision in ("year", "month"):
            x1 = x_of(d.end)
            ax.add_patch(Rectangle((x0, y - 0.055), x1 - x0, 0.11, color=color, alpha=0.35, linewidth=0, zorder=2))
            ax.plot([x0, x0], [y - 0.08, y + 0.08], color=color, linewidth=1.2, zorder=2)
            ax.plot([x1, x1], [y - 0.08, y + 0.08], color=color, linewidth=1.2, zorder=2)
            xs += [x0, x1]
        else:
            marker = TYPE_MARKERS.get(event.kind, "o")
            ax.plot([x0], [y], marker=marker, markersize=8.5, color=color, markeredgecolor="white", markeredgewidth=0.7, zorder=3)
            xs.append(x0)
    if len(event.dates) > 1:
        ax.plot([min(xs), max(xs)], [y, y], color=color, linewidth=1.0, zorder=1)
    if all(d.precision in ("year", "month") for d in event.dates):  # no day marker: show the type at the bar's start
        ax.plot(
            [min(xs)], [y], marker=TYPE_MARKERS.get(event.kind, "o"), markersize=7, color=color, markeredgecolor="white", zorder=3
        )
    x = max(xs) + 0.15 if side == "right" else min(xs) - 0.15
    ax.text(x, y, text, ha="left" if side == "right" else "right", va="center", fontsize=ROW_PT, color="#111111", zorder=4)


def _legend(events: list[Event], lang: str) -> list[Line2D]:
    kinds = {e.kind: e.kind_label for e in events}
    handles = [
        Line2D([], [], marker=marker, linestyle="none", color="#444444", markersize=7, label=kinds[kind])
        for kind, marker in TYPE_MARKERS.items()
        if kind in kinds
    ]
    handles.append(
        Line2D([], [], color="#444444", alpha=0.5, linewidth=6, label=say("month or year given (the whole period)", lang))
    )
    handles.append(
        Line2D([], [], color="#444444", linewidth=1, marker="o", markersize=4, label=say("sources differ: each date shown", lang))
    )
    return handles
