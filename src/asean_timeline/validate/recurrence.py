"""Checks of an event's ``rrule`` and ``exdates`` against its date.

:class:`RecurrenceChecker` checks the structure of the rule (:func:`_rule_problem`), that
it ends, stays within the supported years and makes at most the allowed number of
occurrences, and that every exdate is of the start's kind and is one of the occurrences;
it gives the model's :class:`~asean_timeline.model.Recurrence`, with the rule normalised.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import TYPE_CHECKING, assert_never

from asean_timeline.model import (
    Day,
    DayInWindow,
    DayRange,
    Month,
    Recurrence,
    Timed,
    Year,
    date_mistake,
)
from asean_timeline.problems import excerpt
from asean_timeline.recurrence import normalise_rule
from asean_timeline.validate.constants import (
    FREQUENCIES,
    MAX_OCCURRENCES,
    MAX_TIMED_YEAR,
    MAX_YEAR,
    MIN_TIMED_YEAR,
    MIN_YEAR,
    RRULE_PARTS,
)
from asean_timeline.validate.hints import did_you_mean
from asean_timeline.validate.messages import as_written, offset_text, shown, toml_date, type_name
from asean_timeline.validate.parsing import spelt_date
from asean_timeline.validate.times import add_exact

if TYPE_CHECKING:
    from dateutil.rrule import rrule

    from asean_timeline.scanner import TomlPath
    from asean_timeline.validate.dates import DateKeys
    from asean_timeline.validate.fields import Getter

_RRULE_EXAMPLE = "'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31;COUNT=5'"


class RecurrenceChecker:
    """Checks ``rrule`` and ``exdates`` against the event's date.

    The rule and each exdate are checked even when the event's date is wrong,
    so one run reports every problem; occurrences are only known with a date.
    """

    def __init__(self, get: Getter, dates: DateKeys) -> None:
        self.get = get
        self.dates = dates
        self.when = dates.when
        #: The first start as written (naive unless written with an offset), for hints;
        #: whether occurrences have a time, and whether it is written with a UTC offset.
        #: Set by check() for an event that recurs (most do not: they never need them).
        self.first: datetime | None = None
        self.timed = self.with_offset = False

    def check(self) -> Recurrence | None:
        get = self.get
        rule = get.string("rrule", example='"FREQ=YEARLY;COUNT=5"')
        exdates = get.value("exdates")
        if rule is None:
            if exdates is not None and "rrule" not in get.table:
                get.fail(
                    "exdates",
                    "exdates without an rrule",
                    "exdates are exceptions to a repeating event: add an rrule or remove exdates",
                )
            return None
        self.first, self.timed, self.with_offset = self.dates.start_as_written
        when = self.when
        if when is not None and not when.can_recur:
            get.fail(
                "rrule",
                f"an event dated at {when.precision.value} precision cannot recur",
                "recurrence needs an exact day or time: give date = YYYY-MM-DD or a start time",
            )
            return None
        problem = _rule_problem(rule)
        if problem is not None:
            get.fail("rrule", problem[0], problem[1])
        if problem is not None or when is None:
            self.exdates(exdates, None)
            return None
        from dateutil.rrule import rrule, rrulestr  # only for events that recur (start-up time)

        first = when.first_start
        timed_start = first if isinstance(first, datetime) else None
        dtstart = timed_start or datetime.combine(first, time())
        try:
            normalised = normalise_rule(rule, timed_start=timed_start)
            parsed = rrulestr(normalised, dtstart=dtstart)
        except (ValueError, TypeError, OverflowError) as error:
            get.fail(
                "rrule",
                f"the rrule {shown(rule)} is not valid: {excerpt(str(error), 100)}",
                f"write an RFC 5545 rule such as {_RRULE_EXAMPLE}",
            )
            parsed = None
        if not isinstance(parsed, rrule):
            self.exdates(exdates, None)
            return None
        starts = self.occurrences(parsed)
        exdates_found = self.exdates(exdates, starts)
        if starts is None or exdates_found is None:
            return None
        return Recurrence(normalised, tuple(sorted(exdates_found, key=str)))

    def past_the_end(self, year: int) -> None:
        self.get.fail(
            "rrule",
            f"the rrule runs past the year {year}",
            "end it earlier with COUNT=n or UNTIL=YYYYMMDD",
        )

    def occurrences(self, parsed: rrule) -> list[datetime] | None:
        get = self.get
        when = self.when
        try:
            starts = list(islice(parsed, MAX_OCCURRENCES + 1))
        except (ValueError, OverflowError):
            starts = None
        if starts is None or (starts and not MIN_YEAR <= starts[-1].year <= MAX_YEAR):
            self.past_the_end(MAX_YEAR)
            return None
        if not starts:
            get.fail(
                "rrule",
                "the rrule produces no occurrence",
                "check UNTIL (it must not be before the start) and the BY… parts",
            )
            return None
        if len(starts) > MAX_OCCURRENCES:
            get.fail(
                "rrule",
                f"the rrule makes more than {MAX_OCCURRENCES:,} occurrences",
                "end it earlier with COUNT=n or UNTIL=YYYYMMDD",
            )
            return None
        match when:
            case DayRange(start=first_day, end=last_day):
                try:
                    last_occurrence_day = starts[-1].date() + (last_day - first_day)
                except OverflowError:
                    last_occurrence_day = date.max
                if last_occurrence_day.year > MAX_YEAR:
                    self.past_the_end(MAX_YEAR)
                    return None
            case Timed(start=start, end=end):
                length = (end - start) if end else timedelta(0)
                try:
                    last_end: datetime | None = add_exact(starts[-1], length).astimezone(UTC)
                except OverflowError:
                    last_end = None
                if last_end is None or not MIN_TIMED_YEAR <= last_end.year <= MAX_TIMED_YEAR:
                    self.past_the_end(MAX_TIMED_YEAR)
                    return None
            case Day() | Year() | Month() | DayInWindow() | None:
                pass  # one day long (or cannot recur): the last start is checked above
            case _:
                assert_never(when)
        return starts

    def exdates(
        self, exdates: object, starts: list[datetime] | None
    ) -> list[date | datetime] | None:
        """The exdates as occurrence values; None when one is wrong (reported)."""
        get = self.get
        if exdates is None:
            return []
        first = self.first
        if first is None:
            return None  # no usable date: the date's own problem is reported
        example = toml_date(first if self.timed else first.date())
        if not isinstance(exdates, list):
            get.fail(
                "exdates",
                f"exdates must be a list, not {type_name(exdates)}",
                f"put the dates in brackets: exdates = [{as_written(exdates, 60)}]"
                if isinstance(exdates, date)
                else f"write exdates = [{example}]",
            )
            return None
        occurring = {s if self.timed else s.date() for s in starts or ()}
        zone = starts[0].tzinfo if starts else None
        found: list[date | datetime] = []
        ok = True
        for position, item in enumerate(exdates):
            at: TomlPath = ("exdates", position)
            value = self.exdate(item, first, at)
            if value is None:
                ok = False
                continue
            if starts is None:
                continue
            if isinstance(value, datetime):
                value = value.astimezone(zone) if self.with_offset else value.replace(tzinfo=zone)
            if value not in occurring:
                get.fail(
                    "exdates",
                    f"exdate {toml_date(value if self.with_offset else item)} is not one of "
                    "the rule's occurrences, so it skips nothing",
                    f"check the day{' and the time' if self.timed else ''}; the first "
                    f"occurrence is {example}",
                    at=at,
                )
                ok = False
                continue
            found.append(value)
        return found if ok and starts is not None else None

    def exdate(self, item: object, first: datetime, at: TomlPath) -> date | datetime | None:
        """One exdate of the right kind (date, local or offset date-time), or None (reported)."""
        get = self.get
        if self.timed:
            if isinstance(item, datetime) and (item.tzinfo is not None) == self.with_offset:
                return item
            like = (
                toml_date(item.replace(tzinfo=None))
                if isinstance(item, datetime)
                else f"{item}T{first.time().isoformat()}"
                if isinstance(item, date)
                else toml_date(first.replace(tzinfo=None))
            )
            if self.with_offset:
                like += offset_text(first.utcoffset() or timedelta(0))
            kind = "date and time with a UTC offset" if self.with_offset else "local date and time"
            get.fail(
                "exdates",
                f"exdate {shown(item)} must be a {kind}, like the start",
                f"write {like} (the start time on the day to skip)",
                at=at,
            )
            return None
        if isinstance(item, date) and not isinstance(item, datetime):
            return item
        spelt = spelt_date(item)
        if isinstance(item, datetime):
            hint = f"write {item.date()} (the event is all-day)"
            message = f"exdate {toml_date(item)} has a time, but the event is all-day"
        elif spelt is not None:
            hint = f"remove the quotes: {toml_date(spelt)}"
            message = f"exdate {shown(item)} is text in quotes, not a date"
        else:
            hint = f"write e.g. exdates = [{first.date()}]"
            message = f"exdate {shown(item)} must be a date"
        get.fail("exdates", message, hint, at=at)
        return None


def _is_number(text: str) -> bool:
    """Whether ``text`` is written in the digits 0 to 9 only (as RFC 5545 writes numbers)."""
    return text.isascii() and text.isdigit()


def _rule_problem(rule: str) -> tuple[str, str] | None:
    """What is wrong with the structure of an RRULE (message, hint), or None."""
    text = rule.strip()
    if not text:
        return "rrule is empty", f"write a rule such as {_RRULE_EXAMPLE}, or remove rrule"
    upper = text.upper()
    if any(char in text for char in "\r\n") or "DTSTART" in upper or "EXDATE" in upper:
        return (
            "rrule must hold only the rule itself (FREQ=…;…), on one line",
            "the first day comes from date or start, and exceptions go in exdates",
        )
    parts: dict[str, str] = {}
    for part in upper.removeprefix("RRULE:").split(";"):
        name, equals, value = part.strip().partition("=")
        if not part.strip():
            return "the rrule has an empty part (;; or a ; at the end)", "remove the extra ;"
        if not equals:
            return (
                f"{shown(part.strip())} in the rrule is not of the form NAME=VALUE",
                "write parts such as FREQ=YEARLY and COUNT=5 separated by ;, "
                f"e.g. {_RRULE_EXAMPLE}",
            )
        if name not in RRULE_PARTS:
            guess = did_you_mean(name, RRULE_PARTS)
            return (
                f"unknown rrule part {shown(name)}",
                guess or f"the parts are {', '.join(RRULE_PARTS)}",
            )
        if name in parts:
            return f"{excerpt(name)} is given twice in the rrule", f"keep one {excerpt(name)}"
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        return "the rrule has no FREQ", "start it with FREQ=YEARLY, MONTHLY, WEEKLY or DAILY"
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        return (
            f"FREQ={excerpt(freq)} is not supported: events repeat at most daily",
            "use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY",
        )
    if freq not in FREQUENCIES:
        guess = did_you_mean(freq, FREQUENCIES)
        return (
            f"FREQ={excerpt(freq)} is not a frequency",
            guess or "use YEARLY, MONTHLY, WEEKLY or DAILY",
        )
    if "COUNT" in parts and "UNTIL" in parts:
        return "the rrule has both COUNT and UNTIL", "keep one of them (RFC 5545 allows one)"
    count = parts.get("COUNT")
    if count is not None:
        if not _is_number(count) or not count.strip("0"):
            return (
                f"COUNT={excerpt(count)} is not a number of times",
                "write COUNT=n with n 1 or more",
            )
        digits = count.lstrip("0")
        if len(digits) > len(str(MAX_OCCURRENCES)) or int(digits) > MAX_OCCURRENCES:
            return (
                f"COUNT={excerpt(count)} is more than {MAX_OCCURRENCES:,} occurrences",
                f"write COUNT={MAX_OCCURRENCES} or less",
            )
    interval = parts.get("INTERVAL")
    if interval is not None and (not _is_number(interval) or not interval.strip("0")):
        return (
            f"INTERVAL={excerpt(interval)} is not a whole number of 1 or more",
            "write e.g. INTERVAL=2 for every other time",
        )
    until = parts.get("UNTIL")
    if until is not None:
        found = re.fullmatch(
            r"(\d{4})(\d{2})(\d{2})(T([01]\d|2[0-3])[0-5]\d[0-5]\dZ?)?", until, re.ASCII
        )
        if not found:
            return (
                f"UNTIL={excerpt(until)} is not a date",
                "write UNTIL=YYYYMMDD (e.g. UNTIL=20301231) or UNTIL=YYYYMMDDTHHMMSSZ",
            )
        why = date_mistake(*(int(found.group(i)) for i in (1, 2, 3)))
        if why is not None:
            return f"UNTIL={excerpt(until)} is not a real date: {why}", "correct the date in UNTIL"
    if count is None and until is None:
        return (
            "the rrule never ends",
            "add ;COUNT=n (n times) or ;UNTIL=YYYYMMDD (until a day) so every output can list "
            "the occurrences",
        )
    return None
