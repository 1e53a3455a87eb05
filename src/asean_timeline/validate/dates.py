"""An event's date keys (``date``, ``start`` with ``end`` or ``duration``, ``between``) → its When.

:class:`WhenParser` reads them into one of the model's date shapes (a year, a month, a
day, a range of days, a day in a window, or a timed event: the time of day, its zone and
its end are read by :class:`~asean_timeline.validate.times.TimeReader`). What it read is
returned as :class:`DateKeys`, which the recurrence check takes as it is: the shape, or,
when the date is wrong, what kind of start was written.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, assert_never

from asean_timeline.model import (
    Day,
    DayInWindow,
    DayRange,
    Month,
    Timed,
    When,
    Year,
    date_mistake,
)
from asean_timeline.validate.constants import MAX_YEAR, MIN_YEAR, PARTIAL_DATE
from asean_timeline.validate.hints import suggest_date
from asean_timeline.validate.messages import shown, toml_date, type_name
from asean_timeline.validate.parsing import parse_partial_date, spelt_date
from asean_timeline.validate.times import TimeReader

if TYPE_CHECKING:
    from asean_timeline.validate.fields import Getter

_FORMS = (
    'date = 2023-12-17 (a day), date = "2023-04" (a month), date = "2009" (a year), '
    "start = … with end = … (days or times) or between = [first, last] (an unknown day)"
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:/|,|–|—|\s-\s|\.\.|\bto\b)\s*")


class DateKeys(NamedTuple):
    """What an event's date keys gave: its date shape, or ``None`` if they are wrong.

    :attr:`start_as_written` is what the recurrence check needs even when the date is
    wrong (so that one run reports every problem); it is worked out only when asked for:
    most events do not recur.
    """

    when: When | None
    #: The value of ``start`` (or else ``date``) as the file gives it.
    written: object

    @property
    def start_as_written(self) -> tuple[datetime | None, bool, bool]:
        """The first start as written (naive unless written with a UTC offset; ``None``
        when no day can be read), whether it has a time of day, and whether an offset."""
        when, written = self.when, self.written
        match when:
            case Timed(start=start, zone=zone):
                return (start if zone is None else start.replace(tzinfo=None)), True, zone is None
            case Day() | DayRange():
                return datetime.combine(when.first_day, time()), False, False
            case Year() | Month() | DayInWindow():
                return None, False, False
            case None if isinstance(written, datetime):
                return written, True, written.tzinfo is not None
            case None if isinstance(written, date):
                return datetime.combine(written, time()), False, False
            case None:
                return None, False, False
            case _:
                assert_never(when)


class WhenParser:
    """Reads the date keys of one event into one of the model's date shapes."""

    def __init__(self, get: Getter, default_zone: str | None) -> None:
        self.get = get
        self.default_zone = default_zone

    def read(self) -> DateKeys:
        """The event's date shape (each problem reported) and its start as written."""
        table = self.get.table
        return DateKeys(self.parse(), table.get("start", table.get("date")))

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

    # -- the forms --

    def date(self, value: object) -> When | None:
        get = self.get
        if isinstance(value, datetime):
            get.fail(
                "date",
                f"date {toml_date(value)} has a time of day",
                f"for a timed event write start = {toml_date(value)} instead of date; "
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
            guess = suggest_date(str(value)) if len(str(value)) == 8 else None
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
                f"date {shown(value)} is a number, not a date",
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
            get.fail("date", f"date must be a date, not {type_name(value)}", f"write {_FORMS}")
            return None
        text = value.strip()
        if not text:
            get.fail("date", "date is empty", f"write one of: {_FORMS}")
            return None
        parsed = parse_partial_date(text)
        if parsed is not None:
            return parsed
        found = PARTIAL_DATE.fullmatch(text)
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
        spelt = spelt_date(text)
        if isinstance(spelt, datetime):
            get.fail(
                "date",
                f"date {shown(value)} has a time of day",
                f"for a timed event write start = {toml_date(spelt)} (without quotes)",
            )
            return None
        guess = suggest_date(text)
        if guess is not None:
            get.fail(
                "date", f"date {shown(value)} is not written as a date", f"write date = {guess}"
            )
            return None
        get.fail("date", f"date {shown(value)} is not a date", f"write one of: {_FORMS}")
        return None

    def between(self, value: object) -> When | None:
        get = self.get
        example = "between = [2023-12-16, 2023-12-18]"
        if not isinstance(value, list):
            parts = _RANGE_SEPARATOR.split(value.strip()) if isinstance(value, str) else []
            spelt_days = [spelt_date(part) for part in parts]
            if len(spelt_days) == 2 and all(type(d) is date for d in spelt_days):
                example = f"between = [{spelt_days[0]}, {spelt_days[1]}]"
            get.fail(
                "between",
                f"between must be a list of two dates, not {type_name(value)}",
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
            spelt = spelt_date(item)
            if isinstance(spelt, date) and not isinstance(spelt, datetime):
                get.fail(
                    "between",
                    "the dates in between are text in quotes",
                    "remove the quotes: between = ["
                    + ", ".join(str(spelt_date(v) or v) for v in value)
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
                    f"{type_name(item)} ({shown(item)})",
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
            self.get.wrong_date_kind(
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
            self.get.wrong_date_kind("end", end, "date", "2023-12-18 (the last day, inclusive)")
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
        found = TimeReader(self.get, self.default_zone).timed(start, end, duration)
        return None if found is None else Timed(*found)


def _date_days(values: list[Any]) -> str:
    return ", ".join(v.date().isoformat() if isinstance(v, datetime) else str(v) for v in values)
