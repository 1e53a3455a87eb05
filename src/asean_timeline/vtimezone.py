"""VTIMEZONE components computed from the IANA database.

For the years a calendar needs, every UTC-offset transition of the zone is
found. After a component that gives the offset in force at the start, the
transitions that follow a yearly rule ("last Sunday of March at 02:00") are
written as one STANDARD or DAYLIGHT component each with a yearly RRULE, the
form Google, Outlook and libical write and every client reads (Emacs's
icalendar.el reads only that form as daylight saving time). Irregular history
(a one-off change, a rule that held a single year) is written as dated
components, each with an RDATE equal to its DTSTART. A rule still in force
after the span has no end; one that stopped ends with UNTIL.
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


#: A transition that recurs on the same rule in this many consecutive years (the year
#: after the calendar's span counted) is written as one yearly RRULE observance.
MIN_RULE_YEARS = 2
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(slots=True)
class _Run:
    """Transitions of consecutive years that one yearly rule describes."""

    key: tuple[bool, timedelta, timedelta, str, int, int, tuple[int, int, int]]
    ordinals: set[int]  # the BYDAY ordinals (1 to 5, or -1 for the last) all of them fit
    changes: list[Transition]

    @property
    def last_year(self) -> int:
        return _wall_clock(self.changes[-1]).year


def _wall_clock(change: Transition) -> datetime:
    """The local time at which ``change`` happens, on the clock before it (naive)."""
    return (change.at + change.before).replace(tzinfo=None)


def _rule_of(
    change: Transition,
) -> tuple[tuple[bool, timedelta, timedelta, str, int, int, tuple[int, int, int]], set[int]]:
    """What must be equal for two years' changes to share a rule, and the ordinals that fit."""
    local = _wall_clock(change)
    days_in_month = (
        (local.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    ).day
    ordinals = {(local.day - 1) // 7 + 1}
    if local.day + 7 > days_in_month:
        ordinals.add(-1)
    moment = (local.hour, local.minute, local.second)
    key = (
        change.is_dst,
        change.before,
        change.after,
        change.name,
        local.month,
        local.weekday(),
        moment,
    )
    return key, ordinals


def yearly_runs(changes: list[Transition]) -> list[_Run]:
    """Group ``changes`` (in order) into runs of consecutive years on one yearly rule.

    A rule is "the Nth (or last) weekday of a month at a local time", with the
    same offsets and name: the form of the IANA database's rules, and of the
    VTIMEZONEs Google, Outlook and libical write. A change that fits no run of
    its neighbours starts one of its own (irregular history stays one-off).
    """
    runs: list[_Run] = []
    open_runs: dict[object, _Run] = {}
    for change in changes:
        key, ordinals = _rule_of(change)
        run = open_runs.get(key)
        year = _wall_clock(change).year
        if run is not None and run.last_year == year - 1 and run.ordinals & ordinals:
            run.ordinals &= ordinals
            run.changes.append(change)
            continue
        run = _Run(key, ordinals, [change])
        runs.append(run)
        open_runs[key] = run
    return runs


@cache
def vtimezone_lines(name: str, first_year: int, last_year: int) -> tuple[tuple[str, str], ...]:
    """(property, value) pairs of a VTIMEZONE covering ``first_year``..``last_year``."""
    return tuple(_vtimezone_lines(name, first_year, last_year))


def _vtimezone_lines(name: str, first_year: int, last_year: int) -> Iterator[tuple[str, str]]:
    """The zone at ``first_year``'s start, then its changes: yearly rules, and one-off dates.

    The year after the span is looked at too, so that a rule still in force at
    the end is written without an end (as the zone's current rule), and a
    calendar of one year still gets rules rather than dates.
    """
    zone = reference.zone(name)
    begin = datetime(first_year, 1, 1, tzinfo=UTC)
    initial = begin.astimezone(zone)
    offset = initial.utcoffset() or timedelta(0)
    yield "BEGIN", "VTIMEZONE"
    yield "TZID", name
    yield "X-LIC-LOCATION", name
    kind = "DAYLIGHT" if initial.dst() else "STANDARD"
    yield from _component(kind, begin + offset, offset, offset, initial.tzname() or "")
    for run in yearly_runs(transitions(zone, first_year, last_year + 1)):
        inside = [change for change in run.changes if _wall_clock(change).year <= last_year]
        if not inside:
            continue
        first = inside[0]
        kind = "DAYLIGHT" if first.is_dst else "STANDARD"
        if len(run.changes) >= MIN_RULE_YEARS:
            last = None if run.last_year > last_year else inside[-1]
            rule = _yearly_rule(first, run.ordinals, last)
            yield from _component(
                kind, _wall_clock(first), first.before, first.after, first.name, rule
            )
            continue
        for change in inside:
            kind = "DAYLIGHT" if change.is_dst else "STANDARD"
            yield from _component(
                kind, _wall_clock(change), change.before, change.after, change.name
            )
    yield "END", "VTIMEZONE"


def _yearly_rule(first: Transition, ordinals: set[int], last: Transition | None) -> str:
    """``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`` (the last fitting ordinal preferred), with UNTIL
    at ``last`` unless the rule is still in force after the span."""
    local = _wall_clock(first)
    ordinal = -1 if -1 in ordinals else min(ordinals)
    rule = f"FREQ=YEARLY;BYMONTH={local.month};BYDAY={ordinal}{_WEEKDAYS[local.weekday()]}"
    if last is None:
        return rule
    # UNTIL is in UTC (RFC 5545 3.3.10); the later of the instant and the same wall-clock
    # time read as UTC, so that a client comparing local times to it naively keeps the
    # last change too (the next one is a year away either way).
    until = max(last.at.replace(tzinfo=None), _wall_clock(last))
    return rule + f";UNTIL={_basic(until)}Z"


def _basic(moment: datetime) -> str:
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def _component(
    kind: str,
    local_start: datetime,
    before: timedelta,
    after: timedelta,
    name: str,
    rule: str | None = None,
) -> Iterator[tuple[str, str]]:
    start = _basic(local_start)
    yield "BEGIN", kind
    yield "DTSTART", start
    if rule is not None:
        yield "RRULE", rule
    else:
        # RDATE repeats DTSTART: some parsers (e.g. PyPI's ical) apply an observance
        # only through RRULE or RDATE and would otherwise ignore a one-off transition.
        yield "RDATE", start
    yield "TZOFFSETFROM", utc_offset(before, basic=True)
    yield "TZOFFSETTO", utc_offset(after, basic=True)
    if name and name[0].isalpha():
        yield "TZNAME", name
    yield "END", kind
