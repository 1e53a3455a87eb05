"""The validated timeline: immutable, typed, and free of any output format.

An event's date is one of six shapes (:data:`When`), each kept at the precision the
sources support; none of the outputs guesses a day that the input did not give. Every
shape answers the same questions as properties: ``precision``, ``first_day`` and
``last_day`` (the days it may cover), ``first_start`` (the start time of a timed event,
the first day otherwise), ``can_recur`` (whether an ``rrule`` may repeat it) and
``sort_rank`` (coarser dates sort first on the same day). Code that needs more than those
``match``es on the shape and ends with ``case _: assert_never(when)``, so that a new shape
makes ``mypy --strict`` name every match that does not handle it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

#: English month names, as every output writes them.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


#: How many changes the changes feed lists when ``[calendar] changes_limit`` is not set.
DEFAULT_CHANGES_LIMIT = 50


def month_name(month: int) -> str:
    """``April`` for 4."""
    return MONTHS[month - 1]


def date_mistake(year: int, month: int, day: int | None = None) -> str | None:
    """Why ``year-month[-day]`` is not a real date, in words; None if it is one."""
    if year == 0:
        return "there is no year 0 (the year before 1 AD is 1 BC)"
    if not 1 <= month <= 12:
        return f"there is no month {month:02d} (months are 01 to 12)"
    if day is None:
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if day == 0:
        return "there is no day 00 (days start at 01)"
    if day > days:
        if month == 2 and day == 29:
            return f"{year} is not a leap year, so February has 28 days"
        return f"{month_name(month)} {year} has {days} days"
    return None


class Precision(StrEnum):
    """How precisely an event's date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    DAY_RANGE = "day-range"
    DAY_IN_WINDOW = "day-in-window"
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Year:
    """Only the year is known (``date = "2009"``)."""

    year: int
    precision = Precision.YEAR
    can_recur = False
    sort_rank = 0

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    @property
    def first_start(self) -> date:
        return self.first_day


@dataclass(frozen=True, slots=True)
class Month:
    """Only the month is known (``date = "2023-04"``)."""

    year: int
    month: int
    precision = Precision.MONTH
    can_recur = False
    sort_rank = 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def first_start(self) -> date:
        return self.first_day


@dataclass(frozen=True, slots=True)
class Day:
    """One whole day (``date = 2023-12-17``)."""

    day: date
    precision = Precision.DAY
    can_recur = True
    sort_rank = 3

    @property
    def first_day(self) -> date:
        return self.day

    @property
    def last_day(self) -> date:
        return self.day

    @property
    def first_start(self) -> date:
        return self.day


@dataclass(frozen=True, slots=True)
class DayRange:
    """Several whole days, both ends inclusive (``start``/``end`` dates)."""

    start: date
    end: date
    precision = Precision.DAY_RANGE
    can_recur = True
    sort_rank = 3

    @property
    def first_day(self) -> date:
        return self.start

    @property
    def last_day(self) -> date:
        return self.end

    @property
    def first_start(self) -> date:
        return self.start


@dataclass(frozen=True, slots=True)
class DayInWindow:
    """One day, not known which, inside an inclusive window (``between``)."""

    earliest: date
    latest: date
    precision = Precision.DAY_IN_WINDOW
    can_recur = False
    sort_rank = 2

    @property
    def first_day(self) -> date:
        return self.earliest

    @property
    def last_day(self) -> date:
        return self.latest

    @property
    def first_start(self) -> date:
        return self.earliest


@dataclass(frozen=True, slots=True)
class Timed:
    """A moment or span on the clock.

    ``start`` and ``end`` are aware datetimes. ``zone`` is the IANA name when the
    event was given in a zone; ``None`` means a fixed UTC offset was written.
    """

    start: datetime
    end: datetime | None
    zone: str | None
    precision = Precision.TIME
    can_recur = True
    sort_rank = 4

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end or self.start).date()

    @property
    def first_start(self) -> datetime:
        return self.start


When = Year | Month | Day | DayRange | DayInWindow | Timed


class Status(StrEnum):
    """Whether the event is on (RFC 5545 STATUS values for VEVENT)."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from. At least one of ``title`` and ``publisher`` is set."""

    title: str | None
    publisher: str | None
    url: str | None
    published: str | None  # ISO date or month, as written
    #: When the source was read.
    accessed: date | None = None
    #: A saved copy (e.g. in the Wayback Machine), and the day it was saved.
    archived: str | None = None
    archived_on: date | None = None
    #: The source's language, a BCP 47 tag.
    language: str | None = None
    #: A short excerpt of the source that supports the date.
    quote: str | None = None

    @property
    def label(self) -> str:
        """``Publisher: Title``, or whichever of the two exists."""
        return ": ".join(part for part in (self.publisher, self.title) if part)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """An RFC 5545 RRULE (normalised, without the ``RRULE:`` prefix) and its exceptions."""

    rule: str
    exdates: tuple[date | datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """One dated event of the timeline."""

    id: str
    title: str
    when: When
    description: str = ""
    location: str = ""
    countries: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    status: Status = Status.CONFIRMED
    sources: tuple[Source, ...] = ()
    url: str | None = None
    recurrence: Recurrence | None = None

    @property
    def sort_key(self) -> tuple[date, int, float, date, str]:
        """Chronological order: by first day; on the same day, coarser dates first
        (a year before a month before a day), timed events by their instant; the
        id breaks remaining ties so the order never depends on the file's order."""
        when = self.when
        first = when.first_start
        instant = first.timestamp() if isinstance(first, datetime) else 0.0
        return (when.first_day, when.sort_rank, instant, when.last_day, self.id)


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """The ``[calendar]`` table."""

    title: str
    description: str = ""
    timezone: str | None = None
    url: str | None = None
    uid_domain: str = "asean-timeline"
    language: str = "en"
    refresh_interval: timedelta = timedelta(hours=12)
    #: How many changes changes.xml and changes.md list, newest first.
    changes_limit: int = DEFAULT_CHANGES_LIMIT

    def published_url(self, filename: str) -> str | None:
        """Where ``filename`` of dist/ is published: ``url`` is taken as its folder."""
        return None if self.url is None else f"{self.url.rstrip('/')}/{filename}"


@dataclass(frozen=True, slots=True)
class Query:
    """Which events to keep. Empty criteria match everything.

    ``*_any`` match when the event has at least one of the values, ``*_all``
    when it has every one. ``start``/``end`` keep events whose dates overlap
    the inclusive range (an uncertain date overlaps if any possible day does).
    """

    tags_any: frozenset[str] = frozenset()
    tags_all: frozenset[str] = frozenset()
    countries_any: frozenset[str] = frozenset()
    countries_all: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    start: date | None = None
    end: date | None = None

    def matches(self, event: Event) -> bool:
        """Whether ``event`` satisfies every criterion."""
        return (
            (not self.tags_any or not self.tags_any.isdisjoint(event.tags))
            and self.tags_all.issubset(event.tags)
            and (not self.countries_any or not self.countries_any.isdisjoint(event.countries))
            and self.countries_all.issubset(event.countries)
            and (not self.statuses or event.status in self.statuses)
            and (self.start is None or event.when.last_day >= self.start)
            and (self.end is None or event.when.first_day <= self.end)
        )

    @property
    def is_empty(self) -> bool:
        return self == Query()


@dataclass(frozen=True, slots=True)
class SubCalendar:
    """A named selection of the timeline, published as its own files."""

    path: str  # relative to the output folder, without extension: "calendars/tags/osa"
    title: str
    description: str
    query: Query


@dataclass(frozen=True, slots=True)
class Timeline:
    """A whole validated ``events.toml``; ``events`` are in chronological order."""

    calendar: CalendarInfo
    events: tuple[Event, ...]
    #: Named sub-calendars defined in the file ([[calendars]]).
    subcalendars: tuple[SubCalendar, ...] = ()

    def event(self, event_id: str) -> Event:
        """The event with this id (KeyError if none)."""
        for event in self.events:
            if event.id == event_id:
                return event
        raise KeyError(event_id)
