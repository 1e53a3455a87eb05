"""How dates are written for people: one phrase per precision, shared by every output."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import assert_never

from asean_timeline.model import (
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Status,
    Timed,
    When,
    Year,
    month_name,
)


def day_phrase(day: date) -> str:
    """``17 December 2023``."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def days_phrase(first: date, last: date) -> str:
    """``16–18 December 2023``, ``30 November – 2 December 2023`` or across years."""
    if first == last:
        return day_phrase(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {month_name(first.month)} {first.year}"
    if first.year == last.year:
        return f"{first.day} {month_name(first.month)} – {day_phrase(last)}"
    return f"{day_phrase(first)} – {day_phrase(last)}"


def zone_label(moment: datetime) -> str:
    """``JST``, or ``UTC+09:00`` where the zone has no letters for it."""
    name = moment.tzname() or ""
    if name and name[0].isalpha() and name not in ("UTC",):
        return name
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def time_phrase(start: datetime, end: datetime | None) -> str:
    """``17 December 2023, 10:00 JST`` or ``…, 10:00–12:00 JST``."""
    head = f"{day_phrase(start.date())}, {start:%H:%M}"
    if end is None:
        return f"{head} {zone_label(start)}"
    if end.date() == start.date() and zone_label(end) == zone_label(start):
        return f"{head}–{end:%H:%M} {zone_label(start)}"
    return f"{head} {zone_label(start)} – {day_phrase(end.date())}, {end:%H:%M} {zone_label(end)}"


def when_phrase(when: When) -> str:
    """The event's date at exactly its precision, as a reader would write it."""
    match when:
        case Year(year=year):
            return str(year)
        case Month(year=year, month=month):
            return f"{month_name(month)} {year}"
        case Day(day=day):
            return day_phrase(day)
        case DayRange(start=start, end=end):
            return days_phrase(start, end)
        case DayInWindow(earliest=earliest, latest=latest):
            return f"{days_phrase(earliest, latest)} (exact day unknown)"
        case Timed(start=start, end=end):
            return time_phrase(start, end)
    assert_never(when)


def uncertainty_note(when: When) -> str | None:
    """A calendar shows an exact day; this says how much of it is not known, if any."""
    match when:
        case Year(year=year):
            return f"sometime in {year}"
        case Month(year=year, month=month):
            return f"sometime in {month_name(month)} {year}"
        case DayInWindow(earliest=earliest, latest=latest):
            return f"one day of {days_phrase(earliest, latest)}"
    return None


def calendar_summary(event: Event) -> str:
    """The one line a calendar grid shows: the title, its uncertainty and its status."""
    summary = event.title
    note = uncertainty_note(event.when)
    if note:
        summary += f" ({note})"
    if event.status is Status.CANCELLED:
        summary = f"Cancelled: {summary}"
    elif event.status is Status.TENTATIVE:
        summary = f"Tentative: {summary}"
    return summary


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a description: separated by lines that are empty or only spaces."""
    return [part.strip() for part in re.split(r"\n[ \t]*\n", text.strip()) if part.strip()]
