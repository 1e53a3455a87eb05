"""VTIMEZONE components computed from the IANA database.

For the years a calendar needs, every UTC-offset transition of the zone is
found and written as its own STANDARD or DAYLIGHT component, after one that
gives the offset in force at the start (each with an RDATE equal to its
DTSTART). Explicit transitions mean no client has to extrapolate a rule:
every parser that reads RFC 5545 gets the same offsets for every event we
emit (recurrences are finite, so their span is known).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from asean_timeline import reference
from asean_timeline.timefmt import utc_offset

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo  # zones come from reference.zone(), when one is used

UTC_ZONES = reference.UTC_ZONES  # written in UTC, with no VTIMEZONE


@dataclass(frozen=True, slots=True)
class Transition:
    """The zone's offset changes at ``at`` (UTC) from ``before`` to ``after``."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str
    is_dst: bool


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every offset or abbreviation change from 1 Jan ``first_year`` to 31 Dec ``last_year``.

    Found year by year (each year cached), so calendars whose spans overlap, such as
    the sub-calendars, share the work. The days stepped through are the same as for
    the whole span at once: every year starts at midnight UTC on 1 January.
    """
    found: list[Transition] = []
    for year in range(first_year, last_year + 1):
        found.extend(_year_transitions(zone, year))
    return found


@cache
def _year_transitions(zone: ZoneInfo, year: int) -> tuple[Transition, ...]:
    """The changes of one calendar year (UTC), found by stepping a day at a time."""
    found: list[Transition] = []
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)
    cursor = start
    state = _state(zone, cursor)
    while cursor < end:
        following = min(cursor + step, end)
        next_state = _state(zone, following)
        if state != next_state:
            found.append(_locate(zone, cursor, following))
        cursor, state = following, next_state
    return tuple(found)


def _state(zone: ZoneInfo, moment: datetime) -> tuple[timedelta | None, str | None]:
    local = moment.astimezone(zone)
    return local.utcoffset(), local.tzname()


def _locate(zone: ZoneInfo, low: datetime, high: datetime) -> Transition:
    """Binary search to the second at which the zone's state changes."""
    before = _state(zone, low)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _state(zone, middle) == before:
            low = middle
        else:
            high = middle
    local = high.astimezone(zone)
    return Transition(
        at=high,
        before=before[0] or timedelta(0),
        after=local.utcoffset() or timedelta(0),
        name=local.tzname() or "",
        is_dst=bool(local.dst()),
    )


@cache
def vtimezone_lines(name: str, first_year: int, last_year: int) -> tuple[tuple[str, str], ...]:
    """(property, value) pairs of a VTIMEZONE covering ``first_year``..``last_year``."""
    return tuple(_vtimezone_lines(name, first_year, last_year))


def _vtimezone_lines(name: str, first_year: int, last_year: int) -> Iterator[tuple[str, str]]:
    zone = reference.zone(name)
    begin = datetime(first_year, 1, 1, tzinfo=UTC)
    initial = begin.astimezone(zone)
    offset = initial.utcoffset() or timedelta(0)
    yield "BEGIN", "VTIMEZONE"
    yield "TZID", name
    yield "X-LIC-LOCATION", name
    kind = "DAYLIGHT" if initial.dst() else "STANDARD"
    yield from _component(kind, begin + offset, offset, offset, initial.tzname() or "")
    for change in transitions(zone, first_year, last_year):
        kind = "DAYLIGHT" if change.is_dst else "STANDARD"
        yield from _component(
            kind, (change.at + change.before), change.before, change.after, change.name
        )
    yield "END", "VTIMEZONE"


def _component(
    kind: str, local_start: datetime, before: timedelta, after: timedelta, name: str
) -> Iterator[tuple[str, str]]:
    start = (
        f"{local_start.year:04d}{local_start.month:02d}{local_start.day:02d}"
        f"T{local_start.hour:02d}{local_start.minute:02d}{local_start.second:02d}"
    )
    yield "BEGIN", kind
    yield "DTSTART", start
    # RDATE repeats DTSTART: some parsers (e.g. PyPI's ical) apply an observance
    # only through RRULE or RDATE and would otherwise ignore a one-off transition.
    yield "RDATE", start
    yield "TZOFFSETFROM", utc_offset(before, basic=True)
    yield "TZOFFSETTO", utc_offset(after, basic=True)
    if name and name[0].isalpha():
        yield "TZNAME", name
    yield "END", kind
