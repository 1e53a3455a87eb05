"""An event's date keys (``date``, ``start`` with ``end`` or ``duration``, ``between``) → its When.

:class:`_WhenParser` reads them into one of the model's date shapes (a year, a month, a
day, a range of days, a day in a window, or a timed event), attaching the time zone and
reporting a time in a daylight-saving gap as an error and one in an overlap as a warning;
with the time arithmetic it needs, including :func:`_add_exact` for durations.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from asean_timeline import reference
from asean_timeline.load import date_mistake
from asean_timeline.model import Day, DayInWindow, DayRange, Timed, When, Year
from asean_timeline.problems import Severity
from asean_timeline.validate.constants import (
    MAX_TIMED_YEAR,
    MAX_YEAR,
    MIN_TIMED_YEAR,
    MIN_YEAR,
    PARTIAL_DATE,
)
from asean_timeline.validate.fields import _Getter
from asean_timeline.validate.hints import _suggest_date, _suggest_duration
from asean_timeline.validate.messages import _offset_text, _shown, _toml_date, _type_name
from asean_timeline.validate.parsing import _date_text, _partial_date, _too_long, parse_duration

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_FORMS = (
    'date = 2023-12-17 (a day), date = "2023-04" (a month), date = "2009" (a year), '
    "start = … with end = … (days or times) or between = [first, last] (an unknown day)"
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:/|,|–|—|\s-\s|\.\.|\bto\b)\s*")


class _WhenParser:
    """Reads the date keys of one event into one of the model's date shapes."""

    def __init__(self, get: _Getter, default_zone: str | None) -> None:
        self.get = get
        self.default_zone = default_zone

    def parse(self) -> When | None:
        table = self.get.table
        given = [key for key in ("date", "start", "between") if key in table]
        if not given:
            if "end" in table:
                self.get.fail("end", "end without start", "add start = … (the first day or time)")
            elif not {"date", "start", "between"} & set(self.get.misspelt):
                self.get.fail("date", "the event has no date", f"give one of: {_FORMS}", at=())
            return None
        if len(given) > 1:
            self.get.fail(
                given[1],
                f"{' and '.join(given)} cannot be combined",
                "keep exactly one of date, start (with end or duration) and between",
            )
            return None
        form = given[0]
        for key in ("end", "duration"):
            if key in table and form != "start":
                self.get.fail(
                    key,
                    f"{key} goes with start, not with {form}",
                    f"write start = … instead of {form} = …, or remove {key}",
                )
                return None
        if "timezone" in table and not (form == "start" and isinstance(table["start"], datetime)):
            self.get.fail(
                "timezone",
                "timezone is only for events with a time of day",
                "give start a time (start = 2023-12-17T10:00:00) or remove timezone",
            )
            return None
        if form == "date":
            return self.date(table["date"])
        if form == "between":
            return self.between(table["between"])
        return self.start(table["start"], table.get("end"), table.get("duration"))

    # -- helpers --

    def day_in_range(self, key: str, day: date) -> bool:
        if MIN_YEAR <= day.year <= MAX_YEAR:
            return True
        self.get.fail(
            key,
            f"{key} {day.isoformat()} is outside the years this tool supports "
            f"({MIN_YEAR:04d} to {MAX_YEAR})",
            "check the year",
        )
        return False

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
            f"{label or key} {_toml_date(shown)} is outside the years this tool supports for "
            f"times ({MIN_TIMED_YEAR:04d} to {MAX_TIMED_YEAR})",
            f"check the {'duration' if label else 'year'}",
        )
        return False

    def wrong_kind(self, key: str, value: object, want: str, example: str) -> None:
        """``key`` is not the date or date-time wanted: say what it is and what to write."""
        spelt = _date_text(value)
        if spelt is not None:
            self.get.fail(
                key,
                f"{key} is text in quotes, not a {want}",
                f"remove the quotes: {key} = {_toml_date(spelt)}",
            )
        elif isinstance(value, time):
            self.get.fail(
                key,
                f"{key} is a time of day ({value.isoformat()}) without a day",
                f"write the day, T, then the time: {key} = 2023-12-17T{value.isoformat()}",
            )
        elif isinstance(value, str) and _partial_date(value.strip()) is not None:
            self.get.fail(
                key,
                f"{key} {_shown(value)} is a month or a year, but {key} needs a {want}",
                f'for an event known only to the month or year, write date = "{value.strip()}"',
            )
        elif isinstance(value, str) and _suggest_date(value):
            self.get.fail(
                key,
                f"{key} {_shown(value)} is not written as a date",
                f"did you mean {key} = {_suggest_date(value)}?",
            )
        else:
            self.get.fail(
                key,
                f"{key} must be a {want}, not {_type_name(value)} ({_shown(value)})",
                f"write {key} = {example}",
            )

    # -- the forms --

    def date(self, value: object) -> When | None:
        get = self.get
        if isinstance(value, datetime):
            get.fail(
                "date",
                f"date {_toml_date(value)} has a time of day",
                f"for a timed event write start = {_toml_date(value)} instead of date; "
                f"for the whole day, drop the time: date = {value.date().isoformat()}",
            )
            return None
        if isinstance(value, date):
            return Day(value) if self.day_in_range("date", value) else None
        if isinstance(value, bool):
            get.fail("date", "date must be a date, not true/false", f"write one of: {_FORMS}")
            return None
        if isinstance(value, int):
            if MIN_YEAR <= value <= MAX_YEAR:
                return Year(value)
            guess = _suggest_date(str(value)) if len(str(value)) == 8 else None
            get.fail(
                "date",
                f"date {value} is a number, not a date"
                if guess
                else f"date {value} is not a year from {MIN_YEAR} to {MAX_YEAR}",
                f"write date = {guess}" if guess else 'for a year, write date = "2009"',
            )
            return None
        if isinstance(value, float):
            found = re.fullmatch(r"(\d{4})\.(\d{1,2})", str(value))
            month_text = f'"{found.group(1)}-{int(found.group(2)):02d}"' if found else '"2023-12"'
            get.fail(
                "date",
                f"date {_shown(value)} is a number, not a date",
                f"for a month write date = {month_text} (in quotes); for a day, date = 2023-12-17",
            )
            return None
        if isinstance(value, time):
            get.fail(
                "date",
                f"date is a time of day ({value.isoformat()}) without a day",
                f"for a timed event write start = 2023-12-17T{value.isoformat()} "
                "(the day, T, then the time)",
            )
            return None
        if isinstance(value, list):
            get.fail(
                "date",
                "date must be one date, not a list",
                "for one unknown day between two dates write between = [first, last]; "
                "for several days, start = … and end = …",
            )
            return None
        if not isinstance(value, str):
            get.fail("date", f"date must be a date, not {_type_name(value)}", f"write {_FORMS}")
            return None
        text = value.strip()
        if not text:
            get.fail("date", "date is empty", f"write one of: {_FORMS}")
            return None
        parsed = _partial_date(text)
        if parsed is not None:
            return parsed
        found = PARTIAL_DATE.match(text)
        if found:
            year, month, day = (int(g) if g else None for g in found.groups())
            assert year is not None
            why = date_mistake(year, month or 1, day)
            if why is None:
                get.fail(
                    "date",
                    f"{value!r} is outside the years this tool supports ({MIN_YEAR:04d} to "
                    f"{MAX_YEAR})",
                    "check the year",
                )
                return None
            what = "year" if year == 0 else "month" if not 1 <= (month or 1) <= 12 else "day"
            get.fail("date", f"{value!r} is not a real date: {why}", f"check the {what}")
            return None
        spelt = _date_text(text)
        if isinstance(spelt, datetime):
            get.fail(
                "date",
                f"date {_shown(value)} has a time of day",
                f"for a timed event write start = {_toml_date(spelt)} (without quotes)",
            )
            return None
        guess = _suggest_date(text)
        if guess is not None:
            get.fail(
                "date", f"date {_shown(value)} is not written as a date", f"write date = {guess}"
            )
            return None
        get.fail("date", f"date {_shown(value)} is not a date", f"write one of: {_FORMS}")
        return None

    def between(self, value: object) -> When | None:
        get = self.get
        example = "between = [2023-12-16, 2023-12-18]"
        if not isinstance(value, list):
            parts = _RANGE_SEPARATOR.split(value.strip()) if isinstance(value, str) else []
            spelt_days = [_date_text(part) for part in parts]
            if len(spelt_days) == 2 and all(type(d) is date for d in spelt_days):
                example = f"between = [{spelt_days[0]}, {spelt_days[1]}]"
            get.fail(
                "between",
                f"between must be a list of two dates, not {_type_name(value)}",
                f"write {example}: the first and last day the event may have been on",
            )
            return None
        if len(value) != 2:
            get.fail(
                "between",
                f"between has {len(value)} date{'s' * (len(value) != 1)}; it needs exactly "
                "two: the first and last day the event may have been on",
                f"write {example}",
            )
            return None
        days: list[date] = []
        for position, item in enumerate(value):
            if isinstance(item, date) and not isinstance(item, datetime):
                if not self.day_in_range("between", item):
                    return None
                days.append(item)
                continue
            spelt = _date_text(item)
            if isinstance(spelt, date) and not isinstance(spelt, datetime):
                get.fail(
                    "between",
                    "the dates in between are text in quotes",
                    "remove the quotes: between = ["
                    + ", ".join(str(_date_text(v) or v) for v in value)
                    + "]",
                )
            elif isinstance(item, datetime):
                get.fail(
                    "between",
                    "between takes days, not times",
                    f"write between = [{_date_days(value)}]; for a known time use start = …",
                )
            else:
                get.fail(
                    "between",
                    f"between must hold two dates; item {position + 1} is "
                    f"{_type_name(item)} ({_shown(item)})",
                    f"write {example}",
                )
            return None
        earliest, latest = days
        if latest < earliest:
            get.fail(
                "between",
                f"between ends ({latest}) before it starts ({earliest})",
                f"swap them: between = [{latest}, {earliest}]",
            )
            return None
        if latest == earliest:
            get.fail(
                "between", "between is a single day", f"the day is known: write date = {earliest}"
            )
            return None
        return DayInWindow(earliest, latest)

    def start(self, start: object, end: object, duration: object) -> When | None:
        get = self.get
        if end is not None and duration is not None:
            get.fail("duration", "give end or duration, not both", "remove one of them")
            return None
        if isinstance(start, datetime):
            return self.timed(start, end, duration)
        if not isinstance(start, date):
            self.wrong_kind(
                "start", start, "date or a date and time", "2023-12-16 or 2023-12-17T10:00:00"
            )
            return None
        if not self.day_in_range("start", start):
            return None
        if duration is not None:
            get.fail(
                "duration",
                "duration needs a start time; start is a whole day",
                "for whole days give end = the last day (e.g. end = "
                f"{start + timedelta(days=1)}), or give start a time",
            )
            return None
        if end is None:
            return Day(start)
        if isinstance(end, datetime):
            get.fail(
                "end",
                "end has a time of day but start does not",
                f"write end = {end.date()} (whole days, inclusive), or give start a time too",
            )
            return None
        if not isinstance(end, date):
            self.wrong_kind("end", end, "date", "2023-12-18 (the last day, inclusive)")
            return None
        if not self.day_in_range("end", end):
            return None
        if end < start:
            get.fail(
                "end",
                f"end ({end}) is before start ({start})",
                "swap them, or correct the day (end is the last day, inclusive)",
            )
            return None
        return Day(start) if end == start else DayRange(start, end)

    def timed(self, start: datetime, end: object, duration: object) -> When | None:
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
                        f"{_toml_date(start)}+09:00",
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
                aware_end = _add_exact(aware_start, length)
            except OverflowError:
                get.fail(
                    "duration",
                    f"duration {_shown(duration)} is too long: the event would end after the "
                    f"year {MAX_TIMED_YEAR}",
                    "check the number",
                )
                return None
            if not self.time_in_range("duration", aware_end, "the end"):
                return None
        if aware_start is None or (duration is not None and length is None):
            return None
        return Timed(aware_start, aware_end, zone_name)

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
                self.wrong_kind("end", end, "date and time", f"{_toml_date(start)} (later)")
            return None
        if (end.tzinfo is None) != (start.tzinfo is None):
            if start.tzinfo is not None:
                offset = start.utcoffset() or timedelta(0)
                get.fail(
                    "end",
                    "end has no UTC offset, but start has one",
                    f"write end = {_toml_date(end)}{_offset_text(offset)}",
                )
            else:
                get.fail(
                    "end",
                    "end has a UTC offset, but start does not",
                    f"write both without an offset (end = {_toml_date(end.replace(tzinfo=None))}),"
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
                f"end ({_toml_date(end)}) is before start ({_toml_date(start)})",
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
                f'duration must be text such as "PT2H", not {_type_name(value)}',
                hint,
            )
            return None
        text = value.strip()
        if text.startswith("-"):
            get.fail(
                "duration",
                f"duration {_shown(value)} is negative",
                "give the length of the event, e.g. 'PT1H', and check start",
            )
            return None
        parsed = parse_duration(text)
        if parsed is None:
            if _too_long(text):
                get.fail("duration", f"duration {_shown(value)} is too long", "check the number")
                return None
            guess = _suggest_duration(text)
            get.fail(
                "duration",
                f"duration {_shown(value)} is not an ISO 8601 duration",
                f"did you mean '{guess}'?"
                if guess
                else "write P, then days as nD, then T and hours as nH, minutes as nM: "
                "'PT2H' is 2 hours, 'PT1H30M' 1 hour 30 minutes, 'P2D' 2 days",
            )
            return None
        if parsed <= timedelta(0):
            get.fail(
                "duration",
                f"duration {_shown(value)} is zero",
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
            written = _toml_date(local)
            self.get.fail(
                key,
                f"{local:%Y-%m-%d %H:%M} happens twice in {zone_name} (the clocks go back); "
                f"the first (earlier) one, at UTC{_offset_text(first_offset)}, is used",
                f"to mean the second one, write {key} = {written}{_offset_text(second_offset)} "
                "and remove timezone",
                Severity.WARNING,
            )
        return first


def _hour_later(moment: time) -> time:
    return (datetime.combine(date(2000, 1, 1), moment) + timedelta(hours=1)).time()


def _date_days(values: list[Any]) -> str:
    return ", ".join(v.date().isoformat() if isinstance(v, datetime) else str(v) for v in values)


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


def _add_exact(start: datetime, duration: timedelta) -> datetime:
    """Days are calendar days (wall clock); hours, minutes, seconds are elapsed time."""
    whole_days = timedelta(days=duration.days)
    rest = duration - whole_days
    moved = start + whole_days
    return (moved.astimezone(UTC) + rest).astimezone(start.tzinfo)
