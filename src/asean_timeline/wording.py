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
from asean_timeline.timefmt import machine_value, utc_offset

#: A piece of a date phrase: the words, and the machine-readable value they stand
#: for (``"2023-04"``, ``"2023-12-17"``, ``"2023-12-17T10:00+09:00"``) or None for
#: words between the dated parts (``"–"``, ``" (exact day unknown)"``).
Piece = tuple[str | None, str]


def day_phrase(day: date) -> str:
    """``17 December 2023``."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def days_phrase(first: date, last: date) -> str:
    """``16–18 December 2023``, ``30 November – 2 December 2023`` or across years."""
    return "".join(words for _, words in _days_pieces(first, last))


def _days_pieces(first: date, last: date) -> tuple[Piece, ...]:
    """:func:`days_phrase` cut where the first day ends and the last begins."""
    if first == last:
        return ((first.isoformat(), day_phrase(first)),)
    if (first.year, first.month) == (last.year, last.month):
        head = str(first.day)
        separator = "–"
    elif first.year == last.year:
        head, separator = f"{first.day} {month_name(first.month)}", " – "
    else:
        head, separator = day_phrase(first), " – "
    tail = (
        day_phrase(last)
        if separator == " – "
        else f"{last.day} {month_name(last.month)} {last.year}"
    )
    return ((first.isoformat(), head), (None, separator), (last.isoformat(), tail))


def zone_label(moment: datetime) -> str:
    """``JST``, or ``UTC+09:00`` where the zone has no letters for it."""
    name = moment.tzname() or ""
    if name and name[0].isalpha() and name not in ("UTC",):
        return name
    offset = moment.utcoffset() or timedelta(0)
    return "UTC" + utc_offset(offset) if offset else "UTC"


def time_phrase(start: datetime, end: datetime | None) -> str:
    """``17 December 2023, 10:00 JST`` or ``…, 10:00–12:00 JST``."""
    return "".join(words for _, words in _time_pieces(start, end))


def _time_pieces(start: datetime, end: datetime | None) -> tuple[Piece, ...]:
    head = f"{day_phrase(start.date())}, {start:%H:%M}"
    start_zone = zone_label(start)  # asked once: a zone's name and offset are looked up
    if end is None:
        return ((machine_value(start), f"{head} {start_zone}"),)
    end_zone = zone_label(end)
    if end.date() == start.date() and end_zone == start_zone:
        return (
            (machine_value(start), head),
            (None, "–"),
            (machine_value(end), f"{end:%H:%M} {start_zone}"),
        )
    return (
        (machine_value(start), f"{head} {start_zone}"),
        (None, " – "),
        (machine_value(end), f"{day_phrase(end.date())}, {end:%H:%M} {end_zone}"),
    )


def when_pieces(when: When) -> tuple[Piece, ...]:
    """The event's date at exactly its precision, cut into its dated parts.

    The words joined are :func:`when_phrase`; each dated part carries the value a
    machine reads (a year ``"2009"``, a month ``"2023-04"``, a day, a time with offset).
    """
    match when:
        case Year(year=year):
            return ((f"{year:04d}", str(year)),)
        case Month(year=year, month=month):
            return ((f"{year:04d}-{month:02d}", f"{month_name(month)} {year}"),)
        case Day(day=day):
            return ((day.isoformat(), day_phrase(day)),)
        case DayRange(start=start, end=end):
            return _days_pieces(start, end)
        case DayInWindow(earliest=earliest, latest=latest):
            return (*_days_pieces(earliest, latest), (None, " (exact day unknown)"))
        case Timed(start=start, end=end):
            return _time_pieces(start, end)
        case _:
            assert_never(when)


def when_phrase(when: When) -> str:
    """The event's date at exactly its precision, as a reader would write it."""
    return "".join(words for _, words in when_pieces(when))


def uncertainty_note(when: When) -> str | None:
    """A calendar shows an exact day; this says how much of it is not known, if any."""
    match when:
        case Year(year=year):
            return f"sometime in {year}"
        case Month(year=year, month=month):
            return f"sometime in {month_name(month)} {year}"
        case DayInWindow(earliest=earliest, latest=latest):
            return f"one day of {days_phrase(earliest, latest)}"
        case Day() | DayRange() | Timed():
            return None
        case _:
            assert_never(when)


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
