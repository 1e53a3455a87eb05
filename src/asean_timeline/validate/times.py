"""An event's time of day: its zone, a daylight-saving gap or overlap, its end or duration.

:class:`TimeReader` turns ``start`` with a time (and ``end`` or ``duration``, and
``timezone``) into an aware start and end for the model's
:class:`~asean_timeline.model.Timed`: it attaches the zone, reports a time in a
daylight-saving gap as an error and one in an overlap as a warning, and keeps every time
inside the years the outputs can write in UTC. :func:`add_exact` is the time arithmetic
of a duration, which the recurrence check shares.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from asean_timeline import reference
from asean_timeline.problems import Severity
from asean_timeline.validate.constants import MAX_TIMED_YEAR, MIN_TIMED_YEAR
from asean_timeline.validate.hints import suggest_duration
from asean_timeline.validate.messages import offset_text, shown, toml_date, type_name
from asean_timeline.validate.parsing import parse_duration, too_long_duration

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from asean_timeline.validate.fields import Getter


class TimeReader:
    """Reads the start, end or duration and zone of one event that has a time of day."""

    def __init__(self, get: Getter, default_zone: str | None) -> None:
        self.get = get
        self.default_zone = default_zone

    def timed(
        self, start: datetime, end: object, duration: object
    ) -> tuple[datetime, datetime | None, str | None] | None:
        """The aware start, the aware end (if any) and the zone name; None on a problem."""
        get = self.get
        zone_name: str | None = None
        aware_start: datetime | None = None
        if start.tzinfo is None:
            if "timezone" in get.table:
                zone_name = get.zone("timezone")
            else:
                zone_name = self.default_zone
                if zone_name is None:
                    get.fail(
                        "timezone",
                        "a start time without a UTC offset needs a time zone",
                        'add timezone = "Asia/Tokyo" to this event or to [calendar], '
                        "or write the offset: start = "
                        f"{toml_date(start)}+09:00",
                        at=("start",),
                    )
            if zone_name is not None:
                aware_start = self.localise("start", start, zone_name)
        elif "timezone" in get.table:
            get.fail(
                "timezone",
                "start has a UTC offset and a timezone",
                "remove the offset (to use the zone) or the timezone",
            )
        else:
            aware_start = _fixed(start)
        if aware_start is not None and not self.time_in_range("start", aware_start):
            aware_start = None
        # end and duration are checked even when start failed: one run reports every problem.
        length = self.duration(duration) if duration is not None else None
        aware_end: datetime | None = None
        if end is not None:
            aware_end = self.timed_end(start, aware_start, end, zone_name)
            if aware_end is None:
                return None
        elif length is not None and aware_start is not None:
            try:
                aware_end = add_exact(aware_start, length)
            except OverflowError:
                get.fail(
                    "duration",
                    f"duration {shown(duration)} is too long: the event would end after the "
                    f"year {MAX_TIMED_YEAR}",
                    "check the number",
                )
                return None
            if not self.time_in_range("duration", aware_end, "the end"):
                return None
        if aware_start is None or (duration is not None and length is None):
            return None
        return aware_start, aware_end, zone_name

    def timed_end(
        self, start: datetime, aware_start: datetime | None, end: object, zone_name: str | None
    ) -> datetime | None:
        get = self.get
        if not isinstance(end, datetime):
            if isinstance(end, date):
                get.fail(
                    "end",
                    "end is a day without a time, but start has a time",
                    f"write end = {end}T{_hour_later(start.time()).isoformat()} "
                    '(the day and the time), or use duration = "PT1H"',
                )
            else:
                get.wrong_date_kind("end", end, "date and time", f"{toml_date(start)} (later)")
            return None
        if (end.tzinfo is None) != (start.tzinfo is None):
            if start.tzinfo is not None:
                offset = start.utcoffset() or timedelta(0)
                get.fail(
                    "end",
                    "end has no UTC offset, but start has one",
                    f"write end = {toml_date(end)}{offset_text(offset)}",
                )
            else:
                get.fail(
                    "end",
                    "end has a UTC offset, but start does not",
                    f"write both without an offset (end = {toml_date(end.replace(tzinfo=None))}),"
                    " or both with one",
                )
            return None
        if aware_start is None:
            return None
        aware_end = self.localise("end", end, zone_name) if zone_name else _fixed(end)
        if aware_end is None or not self.time_in_range("end", aware_end):
            return None
        if aware_end < aware_start:
            get.fail(
                "end",
                f"end ({toml_date(end)}) is before start ({toml_date(start)})",
                "swap them, or correct the day or time of end",
            )
            return None
        if aware_end == aware_start:
            get.fail(
                "end",
                "end is the same moment as start",
                "remove end for an event without a length, or make end later",
            )
            return None
        return aware_end

    def duration(self, value: object) -> timedelta | None:
        get = self.get
        if not isinstance(value, str):
            hint = (
                f'for {value} hours write duration = "PT{value}H"'
                if isinstance(value, int) and not isinstance(value, bool) and value > 0
                else 'write e.g. duration = "PT2H" (2 hours)'
            )
            get.fail(
                "duration",
                f'duration must be text such as "PT2H", not {type_name(value)}',
                hint,
            )
            return None
        text = value.strip()
        if text.startswith("-"):
            get.fail(
                "duration",
                f"duration {shown(value)} is negative",
                "give the length of the event, e.g. 'PT1H', and check start",
            )
            return None
        parsed = parse_duration(text)
        if parsed is None:
            if too_long_duration(text):
                get.fail("duration", f"duration {shown(value)} is too long", "check the number")
                return None
            guess = suggest_duration(text)
            get.fail(
                "duration",
                f"duration {shown(value)} is not an ISO 8601 duration",
                f"did you mean '{guess}'?"
                if guess
                else "write P, then days as nD, then T and hours as nH, minutes as nM: "
                "'PT2H' is 2 hours, 'PT1H30M' 1 hour 30 minutes, 'P2D' 2 days",
            )
            return None
        if parsed <= timedelta(0):
            get.fail(
                "duration",
                f"duration {shown(value)} is zero",
                "give the length of the event, e.g. 'PT1H', or remove duration",
            )
            return None
        return parsed

    def localise(self, key: str, local: datetime, zone_name: str) -> datetime | None:
        """Attach the zone; a time in a DST gap is an error, one in an overlap a warning."""
        tz = reference.zone(zone_name)
        first = local.replace(tzinfo=tz, fold=0)
        second = local.replace(tzinfo=tz, fold=1)
        try:
            round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        except OverflowError:
            return first  # at the very ends of time; time_in_range reports it
        if round_trip != local:
            gap_start, gap_end = _gap(first, second, tz)
            self.get.fail(
                key,
                f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks jump from "
                f"{gap_start:%H:%M} to {gap_end:%H:%M} that day",
                f"pick a time outside the gap, e.g. {round_trip:%H:%M} (the same moment in the "
                "new time)",
            )
            return None
        first_offset, second_offset = first.utcoffset(), second.utcoffset()
        if first_offset is not None and second_offset is not None and first_offset != second_offset:
            written = toml_date(local)
            self.get.fail(
                key,
                f"{local:%Y-%m-%d %H:%M} happens twice in {zone_name} (the clocks go back); "
                f"the first (earlier) one, at UTC{offset_text(first_offset)}, is used",
                f"to mean the second one, write {key} = {written}{offset_text(second_offset)} "
                "and remove timezone",
                Severity.WARNING,
            )
        return first

    def time_in_range(self, key: str, moment: datetime, label: str | None = None) -> bool:
        try:
            year = moment.astimezone(UTC).year
        except OverflowError:
            year = 0
        if MIN_TIMED_YEAR <= year <= MAX_TIMED_YEAR:
            return True
        from zoneinfo import ZoneInfo

        shown = moment.replace(tzinfo=None) if isinstance(moment.tzinfo, ZoneInfo) else moment
        self.get.fail(
            key,
            f"{label or key} {toml_date(shown)} is outside the years this tool supports for "
            f"times ({MIN_TIMED_YEAR:04d} to {MAX_TIMED_YEAR})",
            f"check the {'duration' if label else 'year'}",
        )
        return False


def _hour_later(moment: time) -> time:
    return (datetime.combine(date(2000, 1, 1), moment) + timedelta(hours=1)).time()


def _gap(first: datetime, second: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The local times the clocks jump from and to, around a time inside a DST gap."""
    low, high = sorted((first.astimezone(UTC), second.astimezone(UTC)))
    before = low.astimezone(tz).utcoffset() or timedelta(0)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    after = high.astimezone(tz).utcoffset() or timedelta(0)
    moment = high.replace(microsecond=0, tzinfo=None)
    return moment + before, moment + after


def _fixed(value: datetime) -> datetime:
    offset = value.utcoffset() or timedelta(0)
    return value.replace(tzinfo=timezone(offset))


def add_exact(start: datetime, duration: timedelta) -> datetime:
    """Days are calendar days (wall clock); hours, minutes, seconds are elapsed time."""
    whole_days = timedelta(days=duration.days)
    rest = duration - whole_days
    moved = start + whole_days
    return (moved.astimezone(UTC) + rest).astimezone(start.tzinfo)
