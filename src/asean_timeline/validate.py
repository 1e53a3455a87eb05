"""Document → :class:`~asean_timeline.model.Timeline`, collecting every problem.

Each check appends a :class:`Problem` and carries on, so one run reports all
that is wrong with the file, in line order. Only a document with no errors
becomes a model. Every message names what is wrong in words a non-programmer
can act on, and its hint says what to write instead (with the value they meant
when it can be guessed).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from itertools import islice
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from asean_timeline import reference
from asean_timeline.load import Document, TomlPath, date_mistake
from asean_timeline.model import (
    CalendarInfo,
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Recurrence,
    Source,
    Status,
    Timed,
    Timeline,
    When,
    Year,
)
from asean_timeline.problems import Problem, Severity
from asean_timeline.recurrence import normalise_rule
from asean_timeline.validate_calendars import subcalendars

CALENDAR_KEYS = (
    "title",
    "description",
    "timezone",
    "url",
    "uid_domain",
    "language",
    "refresh_interval",
)
EVENT_KEYS = (
    "id",
    "title",
    "date",
    "start",
    "end",
    "duration",
    "between",
    "timezone",
    "rrule",
    "exdates",
    "location",
    "countries",
    "tags",
    "description",
    "status",
    "sources",
    "url",
)
SOURCE_KEYS = ("title", "publisher", "url", "published")

#: Field length limits in characters (see README, "Limits").
MAX_LENGTH = {"id": 100, "title": 200, "location": 200, "description": 5000, "tag": 50, "url": 2000}
MAX_EVENTS = 200_000
#: A recurring event has at most this many occurrences (see README, "Limits").
MAX_OCCURRENCES = 10_000
#: Dates must fall in these years; timed events one year further in, so that every
#: output can convert them to UTC and describe their zone a year either side.
MIN_YEAR, MAX_YEAR = 1, 9998
MIN_TIMED_YEAR, MAX_TIMED_YEAR = 2, 9997
MAX_DOMAIN_LENGTH = 253
MAX_LANGUAGE_LENGTH = 35

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
TAG_PATTERN = ID_PATTERN
DOMAIN_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
DURATION_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

RRULE_PARTS = (
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")

_FORMS = (
    'date = 2023-12-17 (a day), date = "2023-04" (a month), date = "2009" (a year), '
    "start = … with end = … (days or times) or between = [first, last] (an unknown day)"
)
_RRULE_EXAMPLE = "'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31;COUNT=5'"
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DURATION_UNITS = {
    **dict.fromkeys(("w", "week", "weeks"), "W"),
    **dict.fromkeys(("d", "day", "days"), "D"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "H"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "M"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "S"),
}
_RANGE_SEPARATOR = re.compile(r"\s*(?:/|,|–|—|\s-\s|\.\.|\bto\b)\s*")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}

#: Two-letter codes people write that ISO 3166-1 spells otherwise.
_CODE_ALIASES = {"UK": "GB", "EL": "GR"}
#: Three-letter (alpha-3) codes of the region this tool is for, and its usual partners.
_ALPHA_3 = {
    "AUS": "AU",
    "BRN": "BN",
    "CAN": "CA",
    "CHN": "CN",
    "DEU": "DE",
    "FRA": "FR",
    "GBR": "GB",
    "HKG": "HK",
    "IDN": "ID",
    "IND": "IN",
    "JPN": "JP",
    "KHM": "KH",
    "KOR": "KR",
    "LAO": "LA",
    "MMR": "MM",
    "MYS": "MY",
    "NZL": "NZ",
    "PHL": "PH",
    "PNG": "PG",
    "PRK": "KP",
    "RUS": "RU",
    "SGP": "SG",
    "THA": "TH",
    "TLS": "TL",
    "TWN": "TW",
    "USA": "US",
    "VNM": "VN",
}
#: Country names people write that differ from the zone database's short names.
_NAME_ALIASES = {
    "america": "US",
    "usa": "US",
    "unitedstatesofamerica": "US",
    "unitedkingdom": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "southkorea": "KR",
    "korea": "KR",
    "republicofkorea": "KR",
    "northkorea": "KP",
    "vietnam": "VN",
    "timorleste": "TL",
    "laopdr": "LA",
    "bruneidarussalam": "BN",
    "czechrepublic": "CZ",
}
#: Zone abbreviations people write for the zones of this region.
_ZONE_ABBREVIATIONS = {
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "ICT": "Asia/Bangkok",
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
    "MYT": "Asia/Kuala_Lumpur",
    "PHT": "Asia/Manila",
    "PHST": "Asia/Manila",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "CEST": "Europe/Berlin",
    "BST": "Europe/London",
}


@dataclass(frozen=True)
class Checked:
    """The result of validation: a timeline when there are no errors, and every problem."""

    timeline: Timeline | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def validate(document: Document) -> Checked:
    """Check ``document`` and build the timeline; every problem is returned, none raised."""
    return _Validator(document).run()


def slugify(text: str) -> str:
    """A lowercase ASCII slug: the suggestion offered for a bad id or tag."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def parse_duration(text: str) -> timedelta | None:
    """An ISO 8601 duration such as ``PT2H30M`` or ``P1D``; ``None`` if malformed or huge."""
    found = DURATION_PATTERN.match(text)
    if not found or text in ("P", "PT") or text.endswith("T"):
        return None
    parts = {name: int(value or 0) for name, value in found.groupdict().items()}
    try:
        return timedelta(**parts)
    except OverflowError:
        return None


# -- wording helpers -----------------------------------------------------------------------


def _did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    matches = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    return f"did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""


def _type_name(value: object) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
        date: "a date",
        time: "a time of day",
    }
    if isinstance(value, datetime):
        return "a date and time"
    return names.get(type(value), type(value).__name__)


def _shown(value: object, limit: int = 60) -> str:
    """``value`` as written in the file (strings in quotes), shortened for a message."""
    text = _written(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _written(value: object, budget: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:budget])
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | dict):
        parts: list[str] = []
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if sum(len(part) + 2 for part in parts) > budget:
                parts.append("…")
                break
            shown = _written(item, budget)
            parts.append(f"{key} = {shown}" if isinstance(value, dict) else shown)
        if isinstance(value, dict):
            return "{ " + ", ".join(parts) + " }"
        return "[" + ", ".join(parts) + "]"
    return str(value)


def _date_text(value: object) -> date | datetime | None:
    """The date or date-time that a string in quotes spells, if it spells one exactly."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?", text):
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None


def _toml_date(value: date | datetime) -> str:
    """How a date or date-time is written in TOML (without quotes)."""
    if isinstance(value, datetime):
        text = value.replace(tzinfo=None).isoformat(timespec="seconds")
        offset = value.utcoffset()
        return text + (_offset_text(offset) if offset is not None else "")
    return value.isoformat()


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def _suggest_date(text: str) -> str | None:
    """The TOML for a day or month written another way ("17 Dec 2023" → 2023-12-17)."""
    text = text.strip()
    found = re.fullmatch(r"(\d{4})[/. ](\d{1,2})[/. ](\d{1,2})|(\d{4})(\d{2})(\d{2})", text)
    if found:
        y, m, d = (int(g) for g in (found.groups()[:3] if found.group(1) else found.groups()[3:]))
        return date(y, m, d).isoformat() if date_mistake(y, m, d) is None else None
    found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if found:
        first, second, y = (int(g) for g in found.groups())
        if first > 12 >= second and date_mistake(y, second, first) is None:
            return date(y, second, first).isoformat()
        if second > 12 >= first and date_mistake(y, first, second) is None:
            return date(y, first, second).isoformat()
        return None
    found = re.fullmatch(r"(\d{4})[/.](\d{1,2})", text)
    if found and 1 <= int(found.group(2)) <= 12:
        return f'"{found.group(1)}-{int(found.group(2)):02d}"'
    words = re.findall(r"[A-Za-z]+\.?|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    months = [m for w in words if not w.isdigit() for m in [_month_number(w)] if m]
    others = [w for w in words if not w.isdigit() and not _month_number(w)]
    others = [w for w in others if w.lower() not in ("st", "nd", "rd", "th", "of")]
    if len(months) != 1 or others:
        return None
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if 1 <= n <= 31]
    if len(years) != 1:
        return None
    if len(numbers) == 1:
        return f'"{years[0]}-{months[0]:02d}"'
    if len(numbers) == 2 and len(days) == 1 and not date_mistake(years[0], months[0], days[0]):
        return date(years[0], months[0], days[0]).isoformat()
    return None


def _too_long(text: str) -> bool:
    """Whether ``text`` is an ISO 8601 duration too long to compute with."""
    return parse_duration(text) is None and parse_duration(re.sub(r"\d+", "0", text)) is not None


def _suggest_duration(text: str) -> str | None:
    """The ISO 8601 duration for one written another way ("2 hours" → PT2H)."""
    cleaned = text.strip().lower()
    if parse_duration(cleaned.upper()):
        return cleaned.upper()
    if re.fullmatch(r"\d+[hm]", cleaned):
        return f"PT{cleaned.upper()}"
    found = re.fullmatch(r"(\d+):(\d{2})", cleaned)
    if found:
        hours, minutes = int(found.group(1)), int(found.group(2))
        return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    tokens = re.findall(r"(\d+)\s*([a-z]+)", cleaned)
    if not tokens or re.sub(r"\d+\s*[a-z]+|\band\b|[,\s]", "", cleaned):
        return None
    found_units: dict[str, int] = {}
    for number, word in tokens:
        unit = _DURATION_UNITS.get(word)
        if unit is None or unit in found_units:
            return None
        found_units[unit] = int(number)
    days = "".join(f"{found_units[u]}{u}" for u in "WD" if u in found_units)
    times = "".join(f"{found_units[u]}{u}" for u in "HMS" if u in found_units)
    suggestion = "P" + days + (f"T{times}" if times else "")
    return suggestion if parse_duration(suggestion) else None


def _partial_date(text: str) -> Year | Month | Day | None:
    found = PARTIAL_DATE.match(text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    if date_mistake(year, month or 1, day) is not None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if day is not None and month is not None:
        return Day(date(year, month, day))
    if month is not None:
        return Month(year, month)
    return Year(year)


@cache
def _country_names() -> dict[str, str]:
    """Normalised country name (and each part of names like "Korea (South)") → code."""
    names: dict[str, str] = dict(_NAME_ALIASES)
    for code, name in reference.countries().items():
        main, _, aside = name.partition(" (")
        aside = aside.rstrip(")")
        for variant in (name, main, aside, f"{aside} {main}" if aside else ""):
            key = _letters(variant)
            if key and len(key) > 2:
                names.setdefault(key, code)
    return names


def _letters(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())


class _Validator:
    """One pass over one document; ``problems`` grows as checks fail."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.problems: list[Problem] = []

    # -- reporting -----------------------------------------------------------

    def report(
        self,
        message: str,
        *,
        hint: str | None = None,
        at: TomlPath = (),
        event_id: str | None = None,
        event_number: int | None = None,
        field: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            Problem(
                message,
                file=self.doc.name,
                line=self.doc.positions.line(*at) if at else None,
                event_id=event_id,
                field=field,
                hint=hint,
                severity=severity,
                event_number=event_number,
            )
        )

    # -- the document --------------------------------------------------------

    def run(self) -> Checked:
        data = self.doc.data
        misspelt: dict[str, str] = {}
        for key in data:
            if key in ("calendar", "events", "calendars"):
                continue
            suggestion = _did_you_mean(key, ("calendar", "events"))
            if suggestion:
                misspelt[difflib.get_close_matches(key, ("calendar", "events"), 1)[0]] = key
                brackets = "[calendar]" if "calendar" in suggestion else "[[events]]"
                hint = f"{suggestion} (write {brackets})"
            elif key in CALENDAR_KEYS:
                hint = f"{key} belongs to the calendar: move this line below [calendar]"
            elif key in EVENT_KEYS:
                hint = f"{key} belongs to an event: move this line below an [[events]] line"
            else:
                hint = "the file holds a [calendar] table and [[events]] tables only; remove it"
            self.report(f"unknown top-level key {key!r}", hint=hint, at=(key,), field=key)
        calendar = self.calendar(data.get("calendar"), misspelt)
        events = self.events(data.get("events"), calendar, misspelt)
        named = subcalendars(self, data.get("calendars"))
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        timeline = None
        if not errors and calendar is not None:
            ordered_events = tuple(sorted(events, key=lambda e: e.sort_key))
            timeline = Timeline(calendar, ordered_events, named)
        ordered = sorted(self.problems, key=lambda p: (p.line is None, p.line or 0))
        return Checked(timeline, tuple(ordered))

    def calendar(self, table: object, misspelt: dict[str, str]) -> CalendarInfo | None:
        if table is None:
            if "calendar" not in misspelt:
                self.problems.append(
                    Problem(
                        "missing [calendar] table",
                        file=self.doc.name,
                        line=1,
                        hint='add [calendar] with at least title = "…" at the top (see README)',
                    )
                )
            return None
        if not isinstance(table, dict):
            brackets = isinstance(table, list)
            self.report(
                f"calendar must be a table, not {_type_name(table)}",
                hint="write [calendar] (one pair of brackets) on a line of its own, "
                'then title = "…" and the other calendar keys below it'
                if brackets
                else "[calendar] is a table: write [calendar] on a line of its own, then "
                'title = "…" below it',
                at=("calendar",),
                field="calendar",
            )
            return None
        get = _Getter(self, table, ("calendar",))
        get.unknown_keys(CALENDAR_KEYS, "in [calendar]")
        title = get.text("title", required=True)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        zone_name = get.zone("timezone")
        url = get.url("url")
        uid_domain = get.string("uid_domain", example='"example.org"')
        if uid_domain is not None and (
            not DOMAIN_PATTERN.match(uid_domain) or len(uid_domain) > MAX_DOMAIN_LENGTH
        ):
            get.fail(
                "uid_domain",
                f"uid_domain {_shown(uid_domain)} is not a domain name",
                "use lowercase letters, digits, dots and hyphens, e.g. 'example.org' "
                f"(at most {MAX_DOMAIN_LENGTH} characters)",
            )
            uid_domain = None
        if uid_domain is None and url is not None:
            uid_domain = urlsplit(url).hostname
        language = get.string("language", example='"en"') or "en"
        if not LANGUAGE_PATTERN.match(language) or len(language) > MAX_LANGUAGE_LENGTH:
            get.fail(
                "language",
                f"language {_shown(language)} is not a BCP 47 language tag",
                "write a short code such as 'en' (English), 'ja' (Japanese) or 'en-GB'",
            )
        refresh = timedelta(hours=12)
        refresh_text = get.string("refresh_interval", example='"PT12H"')
        if refresh_text is not None:
            parsed = parse_duration(refresh_text)
            if parsed is None and _too_long(refresh_text):
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {_shown(refresh_text)} is too long",
                    "write e.g. 'PT12H' (12 hours) or 'P1D' (1 day)",
                )
            elif parsed is None:
                guess = _suggest_duration(refresh_text)
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {_shown(refresh_text)} is not an ISO 8601 duration",
                    (f"did you mean '{guess}'? " if guess else "")
                    + "write e.g. 'PT12H' (12 hours) or 'P1D' (1 day)",
                )
            elif parsed < timedelta(hours=1):
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {_shown(refresh_text)} is shorter than an hour",
                    "calendar apps refresh at most about hourly: write 'PT1H' or more, "
                    "e.g. 'PT12H'",
                )
            else:
                refresh = parsed
        if title is None:
            return None
        return CalendarInfo(
            title=title,
            description=description or "",
            timezone=zone_name,
            url=url,
            uid_domain=uid_domain or "asean-timeline",
            language=language,
            refresh_interval=refresh,
        )

    def events(
        self, tables: object, calendar: CalendarInfo | None, misspelt: dict[str, str]
    ) -> list[Event]:
        if tables is None:
            if "events" not in misspelt:
                self.problems.append(
                    Problem(
                        "no events",
                        file=self.doc.name,
                        hint="add at least one [[events]] table (see README)",
                        severity=Severity.WARNING,
                    )
                )
            return []
        if not isinstance(tables, list):
            table = isinstance(tables, dict)
            self.report(
                f"events must be a list of tables, not {_type_name(tables)}",
                hint="start each event with [[events]] (two pairs of brackets)"
                if table
                else "start each event with its own [[events]] line, then id, title and date "
                "below it",
                at=("events",),
                field="events",
            )
            return []
        if len(tables) > MAX_EVENTS:
            self.report(
                f"{len(tables):,} events; the limit is {MAX_EVENTS:,}",
                hint="split the timeline into several files",
                at=("events",),
            )
            return []
        default_zone = calendar.timezone if calendar else None
        seen: dict[str, int] = {}
        events: list[Event] = []
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                self.report(
                    f"each event must be a table, not {_type_name(table)} ({_shown(table)})",
                    hint="write each event as [[events]] followed by id = …, title = … and "
                    "date = … on lines of their own",
                    at=("events", index),
                    event_number=index + 1,
                )
                continue
            event = self.event(index, table, default_zone)
            event_id = table.get("id")
            if isinstance(event_id, str) and event_id.strip():
                folded = event_id.casefold()
                if folded in seen:
                    first_line = self.doc.positions.line("events", seen[folded], "id")
                    first_id = tables[seen[folded]].get("id")
                    same = (
                        f" (the same as {first_id!r} but for case)" if first_id != event_id else ""
                    )
                    self.report(
                        f"duplicate id {event_id!r}{same}: the event on line {first_line} "
                        "has it too",
                        hint="ids become calendar UIDs and must be unique: rename one of the two",
                        at=("events", index, "id"),
                        event_id=event_id,
                        event_number=index + 1,
                        field="id",
                    )
                else:
                    seen[folded] = index
            if event is not None:
                events.append(event)
        return events

    # -- one event -------------------------------------------------------------

    def event(self, index: int, table: dict[str, Any], default_zone: str | None) -> Event | None:
        raw_id = table.get("id")
        event_id = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
        get = _Getter(self, table, ("events", index), event_id=event_id, number=index + 1)
        get.unknown_keys(EVENT_KEYS, "")
        before = len(self.problems)

        title = get.text("title", required=True)
        valid_id = get.string("id", required=True, example='"summit-2023"')
        if valid_id is not None:
            self.check_id(get, valid_id, title)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        location = get.text("location", limit=MAX_LENGTH["location"])
        url = get.url("url")
        status = get.choice("status", Status, default=Status.CONFIRMED)
        countries = get.countries("countries")
        tags = get.tags("tags")
        sources = self.sources(get, index)
        when = _WhenParser(get, default_zone).parse()
        recurrence = _RecurrenceChecker(get, when).check()
        if not sources and "sources" not in table:
            get.fail(
                "sources",
                "the event has no source",
                'add sources = [{ publisher = "…", title = "…", url = "https://…" }]',
                Severity.WARNING,
            )
        failed = any(p.severity is Severity.ERROR for p in self.problems[before:])
        if failed or valid_id is None or title is None or when is None:
            return None
        return Event(
            id=valid_id,
            title=title,
            when=when,
            description=description or "",
            location=location or "",
            countries=countries,
            tags=tags,
            status=status,
            sources=sources,
            url=url,
            recurrence=recurrence,
        )

    def check_id(self, get: _Getter, event_id: str, title: str | None) -> None:
        limit = MAX_LENGTH["id"]
        suggestion = slugify(event_id)[:limit].strip("-") or slugify(title or "")[:limit]
        example = f"e.g. {suggestion.strip('-')!r}" if suggestion else "e.g. 'summit-2023'"
        if len(event_id) > limit:
            get.fail(
                "id",
                f"id is {len(event_id)} characters; the limit is {limit}",
                f"shorten it, {example}",
            )
        elif not ID_PATTERN.match(event_id):
            get.fail(
                "id",
                f"id {event_id!r} is not URL-safe",
                f"use only lowercase letters, digits and hyphens (no spaces), {example}",
            )

    def sources(self, get: _Getter, index: int) -> tuple[Source, ...]:
        raw = get.value("sources")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            if isinstance(raw, dict):
                hint = "put the source in brackets: sources = [{ … }] (a list, even of one)"
            elif isinstance(raw, str):
                hint = f"write sources = [{{ publisher = {raw!r} }}] (a list of tables)".replace(
                    "'", '"'
                )
            else:
                hint = 'write sources = [{ publisher = "…", url = "https://…" }]'
            get.fail("sources", f"sources must be a list of tables, not {_type_name(raw)}", hint)
            return ()
        sources: list[Source] = []
        for number, item in enumerate(raw, start=1):
            where: TomlPath = ("events", index, "sources", number - 1)
            if not isinstance(item, dict):
                hint = (
                    f'write {{ publisher = "{item}" }} instead'
                    if isinstance(item, str) and '"' not in item
                    else 'write { publisher = "…", url = "https://…" }'
                )
                get.fail(
                    "sources",
                    f"source #{number} must be a table {{ … }}, not {_type_name(item)}",
                    hint,
                    at=where[2:],
                )
                continue
            sub = _Getter(
                self,
                item,
                where,
                event_id=get.event_id,
                number=get.number,
                field="sources",
                prefix=f"source #{number}: ",
            )
            sub.unknown_keys(SOURCE_KEYS, "")
            title = sub.text("title")
            publisher = sub.text("publisher")
            url = sub.url("url")
            published = sub.partial_date("published")
            if title is None and publisher is None:
                if "title" not in item and "publisher" not in item and not sub.misspelt:
                    sub.fail(
                        "sources",
                        "the source has neither a title nor a publisher",
                        'add publisher = "…" or title = "…"',
                        at=(),
                    )
                continue
            sources.append(Source(title, publisher, url, published))
        return tuple(sources)


class _Getter:
    """Typed access to one table's keys; each failed check is reported, not raised."""

    def __init__(
        self,
        validator: _Validator,
        table: dict[str, Any],
        base: TomlPath,
        *,
        event_id: str | None = None,
        number: int | None = None,
        field: str | None = None,
        prefix: str = "",
    ) -> None:
        self.validator = validator
        self.table = table
        self.base = base
        self.event_id = event_id
        self.number = number
        self.field = field
        self.prefix = prefix
        #: Known key → the unknown key that looks like a misspelling of it.
        self.misspelt: dict[str, str] = {}

    def fail(
        self,
        key: str,
        message: str,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
        *,
        at: TomlPath | None = None,
    ) -> None:
        """Report a problem with ``key``, on the line of ``at`` (default: the key's)."""
        self.validator.report(
            self.prefix + message,
            hint=hint,
            at=(*self.base, *(at if at is not None else (key,))),
            event_id=self.event_id,
            event_number=self.number,
            field=self.field or key,
            severity=severity,
        )

    def value(self, key: str) -> Any:
        return self.table.get(key)

    def unknown_keys(self, allowed: tuple[str, ...], where: str) -> None:
        in_calendar = self.base == ("calendar",)
        for key in self.table:
            if key in allowed:
                continue
            matches = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if matches and matches[0] not in self.table:
                self.misspelt[matches[0]] = key
            if matches:
                hint = f"did you mean {matches[0]!r}?"
            elif in_calendar and key == "events":
                hint = (
                    "this line is inside [calendar]; start each event with its own [[events]] "
                    "line instead"
                )
            elif in_calendar and key in EVENT_KEYS:
                hint = f"{key} belongs to an event: start the event with [[events]] above it"
            elif not in_calendar and key in CALENDAR_KEYS:
                hint = f"{key} belongs to the calendar: move this line below [calendar]"
            else:
                hint = f"remove it, or use one of: {', '.join(allowed)}"
            self.fail(key, f"unknown key {key!r}" + (f" {where}" if where else ""), hint)

    def string(self, key: str, *, required: bool = False, example: str | None = None) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required and key not in self.misspelt:
                self.fail(
                    key,
                    f"missing required field {key!r}",
                    f"add {key} = {example or chr(34) + '…' + chr(34)}",
                    at=(),
                )
            return None
        if not isinstance(value, str):
            if (
                example is None
                and isinstance(value, int | float | date | time)
                and not isinstance(value, bool)
            ):
                example = f'"{_written(value, 60)}"'
            self.fail(
                key,
                f"{key} must be text in quotes, not {_type_name(value)}",
                f"write {key} = {example or chr(34) + '…' + chr(34)}",
            )
            return None
        if required and not value.strip():
            self.fail(key, f"{key} is empty", f"write the {key} between the quotes")
            return None
        return value

    def text(
        self, key: str, *, required: bool = False, limit: int | None = None, multiline: bool = False
    ) -> str | None:
        value = self.string(key, required=required)
        if value is None:
            return None
        value = value.replace("\r\n", "\n").strip()
        limit = limit or MAX_LENGTH.get(key, MAX_LENGTH["title"])
        if len(value) > limit:
            shorter = {
                "title": "shorten it; the details belong in description",
                "description": "shorten it; link to the full text with url or sources",
            }.get(key, "shorten it")
            self.fail(key, f"{key} is {len(value):,} characters; the limit is {limit:,}", shorter)
            return None
        allowed = "\n\t" if multiline else ""
        for position, char in enumerate(value, start=1):
            if unicodedata.category(char) != "Cc" or char in allowed:
                continue
            name = _CONTROL_NAMES.get(char, "an invisible control character")
            if char == "\n":
                hint = "write it on one line; line breaks belong in description only"
            elif char in _CONTROL_NAMES:
                hint = "replace it with a space"
            else:
                hint = "delete it (it often comes from copying and pasting)"
            self.fail(
                key,
                f"{key} contains {name} (U+{ord(char):04X}) at character {position}",
                hint,
            )
            return None
        return value

    def url(self, key: str) -> str | None:
        value = self.string(key, example='"https://…"')
        if value is None:
            return None
        text = value.strip()
        if len(text) > MAX_LENGTH["url"]:
            self.fail(
                key,
                f"{key} is {len(text):,} characters; the limit is {MAX_LENGTH['url']:,}",
                "use a shorter link (e.g. without tracking parameters after ?)",
            )
            return None
        if any(char.isspace() or unicodedata.category(char) == "Cc" for char in text):
            self.fail(
                key,
                f"{key} {_shown(text)} contains a space or an invisible character",
                "remove it; inside an address, write a space as %20",
            )
            return None
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            self.fail(
                key,
                f"{key} {_shown(text)} is not a valid web address",
                "copy the address from the browser's address bar",
            )
            return None
        scheme = parts.scheme.lower()
        if not scheme or (scheme not in ("http", "https") and not parts.netloc and "." in scheme):
            self.fail(
                key,
                f"{key} {_shown(text)} does not start with https://",
                f'write {key} = "https://{text.removeprefix("//")}"',
            )
            return None
        if scheme not in ("http", "https"):
            self.fail(
                key,
                f"{key} {_shown(text)} is not an http(s) URL (it starts with {scheme}:)",
                "link to a web page: the address starts with https:// (or http://)",
            )
            return None
        if not parts.hostname:
            self.fail(
                key,
                f"{key} {_shown(text)} has no host name",
                "write the full address, e.g. https://example.org/page",
            )
            return None
        return text

    def choice(self, key: str, kind: type[Status], default: Status) -> Status:
        value = self.string(key, example='"confirmed"')
        if value is None:
            return default
        try:
            return kind(value.strip().lower())
        except ValueError:
            options = [m.value for m in kind]
            self.fail(
                key,
                f"{key} {_shown(value)} is not one of {', '.join(options)}",
                _did_you_mean(value.lower(), options) or f"use one of {', '.join(options)}",
            )
            return default

    def string_list(self, key: str, example: str) -> list[tuple[int, str]]:
        value = self.table.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            self.fail(
                key,
                f"{key} must be a list in brackets, not a single text",
                f'put it in brackets: {key} = ["{value}"]'
                if '"' not in value
                else f'write {key} = ["…", "…"]',
            )
            return []
        if not isinstance(value, list):
            self.fail(
                key,
                f"{key} must be a list of texts, not {_type_name(value)}",
                f"write {key} = {example}",
            )
            return []
        texts: list[tuple[int, str]] = []
        for position, item in enumerate(value, start=1):
            if isinstance(item, str):
                texts.append((position - 1, item))
                continue
            self.fail(
                key,
                f"item {position} of {key} is {_type_name(item)} ({_shown(item)}), not text",
                f'put it in double quotes: "{_written(item, 60)}"'
                if isinstance(item, int | float)
                else f"write {key} = {example}",
                at=(key, position - 1),
            )
        return texts

    def countries(self, key: str) -> tuple[str, ...]:
        known = reference.countries()
        codes: list[str] = []
        for position, code in self.string_list(key, '["JP", "MY"]'):
            if code in known:
                if code not in codes:
                    codes.append(code)
                continue
            self.fail(
                key,
                f"unknown country code {code!r}",
                self.country_hint(code, known),
                at=(key, position),
            )
        return tuple(codes)

    @staticmethod
    def country_hint(code: str, known: dict[str, str]) -> str:
        usage = "use two-letter ISO 3166-1 codes such as 'JP' or 'MY'"
        upper = code.strip().upper()
        guess = _CODE_ALIASES.get(upper) or _ALPHA_3.get(upper)
        if guess is None and upper in known:
            guess = upper
        if guess is not None and guess in known:
            return f"did you mean {guess!r} ({known[guess]})? {usage}"
        names = _country_names()
        letters = _letters(code)
        guess = names.get(letters)
        if guess is None and len(letters) > 3:
            close = difflib.get_close_matches(letters, list(names), n=1, cutoff=0.8)
            guess = names[close[0]] if close else None
        if guess is not None:
            return f"did you mean {guess!r}? {usage}"
        if len(upper) == 3 and upper.isalpha():
            return f"{code!r} looks like a three-letter code; {usage}"
        return f"{usage} (list: https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2)"

    def tags(self, key: str) -> tuple[str, ...]:
        tags: list[str] = []
        limit = MAX_LENGTH["tag"]
        for position, tag in self.string_list(key, '["summit", "trade"]'):
            suggestion = slugify(tag)[:limit].strip("-")
            example = f", e.g. {suggestion!r}" if suggestion else ""
            if len(tag) > limit:
                self.fail(
                    key,
                    f"tag {_shown(tag, 80)} is {len(tag)} characters; the limit is {limit}",
                    f"shorten it{example}",
                    at=(key, position),
                )
            elif not TAG_PATTERN.match(tag):
                self.fail(
                    key,
                    f"tag {tag!r} is not a lowercase slug",
                    f"use only lowercase letters, digits and hyphens{example}",
                    at=(key, position),
                )
            elif tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def zone(self, key: str) -> str | None:
        name = self.string(key, example='"Asia/Tokyo"')
        if name is None:
            return None
        zones = reference.zone_names()
        if name in zones:
            return name
        usage = "use an IANA zone name such as 'Asia/Tokyo'"
        if not name.strip():
            self.fail(key, f"{key} is empty", f"{usage}, or remove {key}")
            return None
        if re.fullmatch(r"(UTC|GMT)?\s*[+-]\d{1,2}(:?\d{2})?", name.strip().upper()):
            self.fail(
                key,
                f"{key} {name!r} is an offset, not a zone name",
                f"{usage}, or write the offset on the time itself "
                "(start = 2023-12-17T10:00:00+09:00) and remove timezone",
            )
            return None
        by_lower = {z.lower(): z for z in zones}
        by_city = {z.rsplit("/", 1)[-1].lower(): z for z in zones if "/" in z}
        wanted = name.strip().lower()
        guess = (
            by_lower.get(wanted)
            or by_city.get(wanted.replace(" ", "_"))
            or _ZONE_ABBREVIATIONS.get(name.strip().upper())
        )
        abbreviation = re.fullmatch(r"[A-Z]{2,5}", name.strip()) is not None
        if guess is not None:
            hint = f"did you mean {guess!r}?"
        else:
            guessed = "" if abbreviation else _did_you_mean(name, zones)
            hint = (guessed + " " if guessed else "") + usage
        if abbreviation:
            hint = f"{name.strip()} is an abbreviation, not a zone name; {hint}"
        self.fail(key, f"unknown time zone {_shown(name)}", hint)
        return None

    def partial_date(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            if MIN_YEAR <= value.year <= MAX_YEAR:
                return value.isoformat()
        elif isinstance(value, str) and _partial_date(value) is not None:
            return value
        guess = _suggest_date(value) if isinstance(value, str) else None
        if isinstance(value, datetime):
            guess = value.date().isoformat()
        elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= MAX_YEAR:
            guess = f'"{value}"'
        self.fail(
            key,
            f"{key} {_shown(value)} is not a date, 'YYYY-MM' or 'YYYY'",
            f"did you mean {key} = {guess}?"
            if guess
            else f'write e.g. {key} = 2023-12-18, or "2023-12" for a month',
        )
        return None


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


class _RecurrenceChecker:
    """Checks ``rrule`` and ``exdates`` against the event's date.

    The rule and each exdate are checked even when the event's date is wrong,
    so one run reports every problem; occurrences are only known with a date.
    """

    def __init__(self, get: _Getter, when: When | None) -> None:
        self.get = get
        self.when = when
        table = get.table
        written = table.get("start", table.get("date"))
        #: Whether occurrences have a time, and whether it is written with a UTC offset.
        self.timed = isinstance(when, Timed) or (when is None and isinstance(written, datetime))
        self.with_offset = (
            when.zone is None
            if isinstance(when, Timed)
            else isinstance(written, datetime) and written.tzinfo is not None
        )
        #: The first start as written (naive unless written with an offset), for hints.
        self.first: datetime | None = None
        if isinstance(when, Timed):
            self.first = when.start if self.with_offset else when.start.replace(tzinfo=None)
        elif when is not None and not isinstance(when, Year | Month | DayInWindow):
            self.first = datetime.combine(when.first_day, time())
        elif when is None and isinstance(written, datetime):
            self.first = written
        elif when is None and isinstance(written, date):
            self.first = datetime.combine(written, time())

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
        when = self.when
        if when is not None and not isinstance(when, Day | DayRange | Timed):
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
        timed_start = when.start if isinstance(when, Timed) else None
        dtstart = timed_start or datetime.combine(when.first_day, time())
        try:
            normalised = normalise_rule(rule, timed_start=timed_start)
            parsed = rrulestr(normalised, dtstart=dtstart)
        except (ValueError, TypeError, OverflowError) as error:
            get.fail(
                "rrule",
                f"the rrule {_shown(rule)} is not valid: {error}",
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
        if isinstance(when, DayRange):
            try:
                last_day = starts[-1].date() + (when.end - when.start)
            except OverflowError:
                last_day = date.max
            if last_day.year > MAX_YEAR:
                self.past_the_end(MAX_YEAR)
                return None
        if isinstance(when, Timed):
            length = (when.end - when.start) if when.end else timedelta(0)
            try:
                last_end: datetime | None = _add_exact(starts[-1], length).astimezone(UTC)
            except OverflowError:
                last_end = None
            if last_end is None or not MIN_TIMED_YEAR <= last_end.year <= MAX_TIMED_YEAR:
                self.past_the_end(MAX_TIMED_YEAR)
                return None
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
        example = _toml_date(first if self.timed else first.date())
        if not isinstance(exdates, list):
            get.fail(
                "exdates",
                f"exdates must be a list, not {_type_name(exdates)}",
                f"put the dates in brackets: exdates = [{_written(exdates, 60)}]"
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
                    f"exdate {_toml_date(value if self.with_offset else item)} is not one of "
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
                _toml_date(item.replace(tzinfo=None))
                if isinstance(item, datetime)
                else f"{item}T{first.time().isoformat()}"
                if isinstance(item, date)
                else _toml_date(first.replace(tzinfo=None))
            )
            if self.with_offset:
                like += _offset_text(first.utcoffset() or timedelta(0))
            kind = "date and time with a UTC offset" if self.with_offset else "local date and time"
            get.fail(
                "exdates",
                f"exdate {_shown(item)} must be a {kind}, like the start",
                f"write {like} (the start time on the day to skip)",
                at=at,
            )
            return None
        if isinstance(item, date) and not isinstance(item, datetime):
            return item
        spelt = _date_text(item)
        if isinstance(item, datetime):
            hint = f"write {item.date()} (the event is all-day)"
            message = f"exdate {_toml_date(item)} has a time, but the event is all-day"
        elif spelt is not None:
            hint = f"remove the quotes: {_toml_date(spelt)}"
            message = f"exdate {_shown(item)} is text in quotes, not a date"
        else:
            hint = f"write e.g. exdates = [{first.date()}]"
            message = f"exdate {_shown(item)} must be a date"
        get.fail("exdates", message, hint, at=at)
        return None


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
                f"{part.strip()!r} in the rrule is not of the form NAME=VALUE",
                "write parts such as FREQ=YEARLY and COUNT=5 separated by ;, "
                f"e.g. {_RRULE_EXAMPLE}",
            )
        if name not in RRULE_PARTS:
            guess = _did_you_mean(name, RRULE_PARTS)
            return (
                f"unknown rrule part {name!r}",
                guess or f"the parts are {', '.join(RRULE_PARTS)}",
            )
        if name in parts:
            return f"{name} is given twice in the rrule", f"keep one {name}"
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        return "the rrule has no FREQ", "start it with FREQ=YEARLY, MONTHLY, WEEKLY or DAILY"
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        return (
            f"FREQ={freq} is not supported: events repeat at most daily",
            "use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY",
        )
    if freq not in FREQUENCIES:
        guess = _did_you_mean(freq, FREQUENCIES)
        return f"FREQ={freq} is not a frequency", guess or "use YEARLY, MONTHLY, WEEKLY or DAILY"
    if "COUNT" in parts and "UNTIL" in parts:
        return "the rrule has both COUNT and UNTIL", "keep one of them (RFC 5545 allows one)"
    count = parts.get("COUNT")
    if count is not None:
        if not count.isdigit() or int(count) < 1:
            return f"COUNT={count} is not a number of times", "write COUNT=n with n 1 or more"
        if int(count) > MAX_OCCURRENCES:
            return (
                f"COUNT={count} is more than {MAX_OCCURRENCES:,} occurrences",
                f"write COUNT={MAX_OCCURRENCES} or less",
            )
    interval = parts.get("INTERVAL")
    if interval is not None and (not interval.isdigit() or int(interval) < 1):
        return (
            f"INTERVAL={interval} is not a whole number of 1 or more",
            "write e.g. INTERVAL=2 for every other time",
        )
    until = parts.get("UNTIL")
    if until is not None:
        found = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(T([01]\d|2[0-3])[0-5]\d[0-5]\dZ?)?", until)
        if not found:
            return (
                f"UNTIL={until} is not a date",
                "write UNTIL=YYYYMMDD (e.g. UNTIL=20301231) or UNTIL=YYYYMMDDTHHMMSSZ",
            )
        why = date_mistake(*(int(found.group(i)) for i in (1, 2, 3)))
        if why is not None:
            return f"UNTIL={until} is not a real date: {why}", "correct the date in UNTIL"
    if count is None and until is None:
        return (
            "the rrule never ends",
            "add ;COUNT=n (n times) or ;UNTIL=YYYYMMDD (until a day) so every output can list "
            "the occurrences",
        )
    return None


def _fixed(value: datetime) -> datetime:
    offset = value.utcoffset() or timedelta(0)
    return value.replace(tzinfo=timezone(offset))


def _add_exact(start: datetime, duration: timedelta) -> datetime:
    """Days are calendar days (wall clock); hours, minutes, seconds are elapsed time."""
    whole_days = timedelta(days=duration.days)
    rest = duration - whole_days
    moved = start + whole_days
    return (moved.astimezone(UTC) + rest).astimezone(start.tzinfo)
