"""Document → :class:`~asean_timeline.model.Timeline`, collecting every problem.

Each check appends a :class:`Problem` and carries on, so one run reports all
that is wrong with the file. Only a document with no errors becomes a model.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr

from asean_timeline import reference
from asean_timeline.load import Document
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

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
TAG_PATTERN = ID_PATTERN
DOMAIN_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
DURATION_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


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
    """An ISO 8601 duration such as ``PT2H30M`` or ``P1D``; ``None`` if malformed."""
    found = DURATION_PATTERN.match(text)
    if not found or text in ("P", "PT") or text.endswith("T"):
        return None
    parts = {name: int(value or 0) for name, value in found.groupdict().items()}
    return timedelta(**parts)


def _did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    matches = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    return f"did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""


def _type_name(value: object) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
        date: "a date",
        time: "a time",
    }
    if isinstance(value, datetime):
        return "a date-time"
    return names.get(type(value), type(value).__name__)


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
        index: int | None = None,
        event_id: str | None = None,
        field: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        positions = self.doc.positions
        if index is None:
            line = positions.of_calendar(field) if field else None
        else:
            line = positions.of_event(index, field)
        self.problems.append(
            Problem(
                message,
                file=self.doc.name,
                line=line,
                event_id=event_id,
                field=field,
                hint=hint,
                severity=severity,
            )
        )

    # -- the document --------------------------------------------------------

    def run(self) -> Checked:
        data = self.doc.data
        for key in data:
            if key not in ("calendar", "events"):
                hint = _did_you_mean(key, ("calendar", "events")) or (
                    "the file has a [calendar] table and [[events]] tables only"
                )
                self.problems.append(
                    Problem(
                        f"unknown top-level key {key!r}",
                        file=self.doc.name,
                        line=self.doc.positions.top_keys.get(key),
                        field=key,
                        hint=hint,
                    )
                )
        calendar = self.calendar(data.get("calendar"))
        events = self.events(data.get("events"), calendar)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        timeline = None
        if not errors and calendar is not None:
            timeline = Timeline(calendar, tuple(sorted(events, key=lambda e: e.sort_key)))
        return Checked(timeline, tuple(self.problems))

    def calendar(self, table: object) -> CalendarInfo | None:
        if table is None:
            self.problems.append(
                Problem(
                    "missing [calendar] table",
                    file=self.doc.name,
                    line=1,
                    hint='add [calendar] with at least title = "…" (see README)',
                )
            )
            return None
        if not isinstance(table, dict):
            self.report(f"[calendar] must be a table, not {_type_name(table)}", field=None)
            return None
        self.unknown_keys(table, CALENDAR_KEYS, "[calendar]", index=None, event_id=None)
        get = _Getter(self, table, index=None, event_id=None)
        title = get.text("title", required=True)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        zone_name = get.zone("timezone")
        url = get.url("url")
        uid_domain = get.string("uid_domain")
        if uid_domain is not None and not DOMAIN_PATTERN.match(uid_domain):
            self.report(
                f"uid_domain {uid_domain!r} is not a domain name",
                hint="use lowercase letters, digits, dots and hyphens, e.g. 'example.org'",
                field="uid_domain",
            )
            uid_domain = None
        if uid_domain is None and url is not None:
            uid_domain = urlsplit(url).hostname
        language = get.string("language") or "en"
        if not LANGUAGE_PATTERN.match(language):
            self.report(
                f"language {language!r} is not a BCP 47 language tag",
                hint="for example 'en' or 'en-GB'",
                field="language",
            )
        refresh = timedelta(hours=12)
        refresh_text = get.string("refresh_interval")
        if refresh_text is not None:
            parsed = parse_duration(refresh_text)
            if parsed is None or parsed < timedelta(hours=1):
                self.report(
                    f"refresh_interval {refresh_text!r} is not an ISO 8601 duration of an hour "
                    "or more",
                    hint="for example 'PT12H' or 'P1D'",
                    field="refresh_interval",
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

    def events(self, tables: object, calendar: CalendarInfo | None) -> list[Event]:
        if tables is None:
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
            self.problems.append(
                Problem(
                    f"'events' must be an array of tables ([[events]]), not {_type_name(tables)}",
                    file=self.doc.name,
                    line=self.doc.positions.top_keys.get("events"),
                    hint="write each event as its own [[events]] table",
                )
            )
            return []
        if len(tables) > MAX_EVENTS:
            self.problems.append(
                Problem(
                    f"{len(tables):,} events; the limit is {MAX_EVENTS:,}",
                    file=self.doc.name,
                    hint="split the timeline into several files",
                )
            )
            return []
        default_zone = calendar.timezone if calendar else None
        seen: dict[str, int] = {}
        events: list[Event] = []
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                self.report(
                    f"event #{index + 1} must be a table, not {_type_name(table)}",
                    index=index,
                )
                continue
            event = self.event(index, table, default_zone)
            event_id = table.get("id")
            if isinstance(event_id, str):
                folded = event_id.casefold()
                if folded in seen:
                    first_line = self.doc.positions.of_event(seen[folded], "id")
                    first_id = tables[seen[folded]].get("id")
                    same = " (they differ only by case)" if first_id != event_id else ""
                    self.report(
                        f"duplicate id {event_id!r}{same}",
                        hint=f"ids become calendar UIDs and must be unique; rename one "
                        f"(the first is on line {first_line})",
                        index=index,
                        event_id=event_id,
                        field="id",
                    )
                else:
                    seen[folded] = index
            if event is not None:
                events.append(event)
        return events

    def unknown_keys(
        self,
        table: dict[str, Any],
        allowed: tuple[str, ...],
        where: str,
        *,
        index: int | None,
        event_id: str | None,
    ) -> None:
        for key in table:
            if key not in allowed:
                suggestion = _did_you_mean(key, allowed)
                self.report(
                    f"unknown key {key!r} in {where}",
                    hint=suggestion or f"allowed keys: {', '.join(allowed)}",
                    index=index,
                    event_id=event_id,
                    field=key,
                )

    # -- one event -------------------------------------------------------------

    def event(self, index: int, table: dict[str, Any], default_zone: str | None) -> Event | None:
        raw_id = table.get("id")
        event_id = raw_id if isinstance(raw_id, str) and raw_id else None
        label = f"event {event_id!r}" if event_id else f"event #{index + 1}"
        self.unknown_keys(table, EVENT_KEYS, label, index=index, event_id=event_id)
        get = _Getter(self, table, index=index, event_id=event_id)
        before = len(self.problems)

        valid_id = get.string("id", required=True)
        if valid_id is not None and (
            not ID_PATTERN.match(valid_id) or len(valid_id) > MAX_LENGTH["id"]
        ):
            suggestion = slugify(valid_id)[: MAX_LENGTH["id"]].strip("-")
            get.fail(
                "id",
                f"id {valid_id!r} is not URL-safe",
                f"use lowercase letters, digits and hyphens (at most {MAX_LENGTH['id']}), "
                + (f"e.g. {suggestion!r}" if suggestion else "e.g. 'summit-2023'"),
            )
        title = get.text("title", required=True)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        location = get.text("location", limit=MAX_LENGTH["location"])
        url = get.url("url")
        status = get.choice("status", Status, default=Status.CONFIRMED)
        countries = get.countries("countries")
        tags = get.tags("tags")
        sources = self.sources(get, label)
        when = _WhenParser(get, default_zone).parse()
        recurrence = self.recurrence(get, when)
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

    def sources(self, get: _Getter, label: str) -> tuple[Source, ...]:
        raw = get.value("sources")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            get.fail(
                "sources",
                f"sources must be a list of tables, not {_type_name(raw)}",
                'write sources = [{ publisher = "…", url = "https://…" }]',
            )
            return ()
        sources: list[Source] = []
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                get.fail(
                    "sources",
                    f"source #{number} must be a table, not {_type_name(item)}",
                    'write { publisher = "…", url = "https://…" }',
                )
                continue
            for key in item:
                if key not in SOURCE_KEYS:
                    get.fail(
                        "sources",
                        f"unknown key {key!r} in source #{number}",
                        _did_you_mean(key, SOURCE_KEYS) or f"allowed: {', '.join(SOURCE_KEYS)}",
                    )
            sub = _Getter(self, item, get.index, get.event_id, "sources")
            title = sub.text("title")
            publisher = sub.text("publisher")
            url = sub.url("url")
            published = sub.partial_date("published")
            if title is None and publisher is None:
                get.fail(
                    "sources",
                    f"source #{number} has neither a title nor a publisher",
                    'add publisher = "…" or title = "…"',
                )
                continue
            sources.append(Source(title, publisher, url, published))
        return tuple(sources)

    def recurrence(self, get: _Getter, when: When | None) -> Recurrence | None:
        rule = get.string("rrule")
        exdates = get.value("exdates")
        if rule is None:
            if exdates is not None:
                get.fail("exdates", "exdates without an rrule", "add an rrule or remove exdates")
            return None
        if when is None:
            return None
        if not isinstance(when, Day | DayRange | Timed):
            get.fail(
                "rrule",
                f"an event dated at {when.precision.value} precision cannot recur",
                "recurrence needs an exact day or time: give date = YYYY-MM-DD or a start time",
            )
            return None
        timed_start = when.start if isinstance(when, Timed) else None
        dtstart = timed_start or datetime.combine(when.first_day, time())
        try:
            rule = normalise_rule(rule, timed_start=timed_start)
            parsed = rrulestr(rule, dtstart=dtstart)
        except (ValueError, TypeError) as error:
            get.fail(
                "rrule",
                f"malformed rrule {rule!r}: {error}",
                "write an RFC 5545 rule such as 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31;COUNT=5'",
            )
            return None
        if "COUNT=" not in rule and "UNTIL=" not in rule:
            get.fail(
                "rrule",
                "the rrule never ends",
                "add COUNT=n or UNTIL=YYYYMMDD so every output can list the occurrences",
            )
            return None
        if parsed.after(dtstart - timedelta(seconds=1), inc=True) is None:
            get.fail(
                "rrule",
                "the rrule produces no occurrence",
                "check UNTIL (it must not be before the start) and the BY… parts",
            )
            return None
        parsed_exdates: list[date | datetime] = []
        if exdates is not None:
            if not isinstance(exdates, list):
                get.fail("exdates", f"exdates must be a list, not {_type_name(exdates)}")
            else:
                for item in exdates:
                    if isinstance(when, Timed):
                        if not isinstance(item, datetime) or item.tzinfo is not None:
                            get.fail(
                                "exdates",
                                f"exdate {item!r} must be a local date-time like the start",
                                "write e.g. 2024-03-31T10:00:00",
                            )
                            continue
                        parsed_exdates.append(item.replace(tzinfo=when.start.tzinfo))
                    else:
                        if isinstance(item, datetime) or not isinstance(item, date):
                            get.fail(
                                "exdates",
                                f"exdate {item!r} must be a date like the event's",
                                "write e.g. 2024-03-31",
                            )
                            continue
                        parsed_exdates.append(item)
        return Recurrence(rule, tuple(sorted(parsed_exdates, key=str)))


class _Getter:
    """Typed access to one table's keys; each failed check is reported, not raised."""

    def __init__(
        self,
        validator: _Validator,
        table: dict[str, Any],
        index: int | None,
        event_id: str | None,
        field_prefix: str | None = None,
    ) -> None:
        self.validator = validator
        self.table = table
        self.index = index
        self.event_id = event_id
        self.prefix = field_prefix

    def fail(
        self, field: str, message: str, hint: str | None = None, severity: Severity = Severity.ERROR
    ) -> None:
        self.validator.report(
            message,
            hint=hint,
            index=self.index,
            event_id=self.event_id,
            field=self.prefix or field,
            severity=severity,
        )

    def value(self, key: str) -> Any:
        return self.table.get(key)

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.fail(key, f"missing required field {key!r}", f'add {key} = "…"')
            return None
        if not isinstance(value, str):
            self.fail(key, f"{key} must be a string, not {_type_name(value)}", f'write {key} = "…"')
            return None
        if required and not value.strip():
            self.fail(key, f"{key} is empty", f"give {key} a value")
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
            self.fail(key, f"{key} is {len(value)} characters; the limit is {limit}", "shorten it")
            return None
        allowed = "\n\t" if multiline else ""
        bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]
        if bad:
            self.fail(
                key,
                f"{key} contains the control character U+{ord(bad[0]):04X}",
                "remove it" + ("" if multiline else "; line breaks belong in description only"),
            )
            return None
        return value

    def url(self, key: str) -> str | None:
        value = self.string(key)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value.strip():
            self.fail(
                key,
                f"{key} {value!r} is not an http(s) URL",
                "write a full address starting with https://",
            )
            return None
        if len(value) > MAX_LENGTH["url"] or any(unicodedata.category(c) == "Cc" for c in value):
            self.fail(key, f"{key} is too long or contains control characters", "shorten it")
            return None
        return value.strip()

    def choice(self, key: str, kind: type[Status], default: Status) -> Status:
        value = self.string(key)
        if value is None:
            return default
        try:
            return kind(value.lower())
        except ValueError:
            options = [m.value for m in kind]
            self.fail(
                key,
                f"{key} {value!r} is not one of {', '.join(options)}",
                _did_you_mean(value.lower(), options) or f"use one of {', '.join(options)}",
            )
            return default

    def string_list(self, key: str) -> list[str]:
        value = self.table.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{key} must be a list of strings", f'write {key} = ["…", "…"]')
            return []
        return value

    def countries(self, key: str) -> tuple[str, ...]:
        known = reference.countries()
        by_name = {name.casefold(): code for code, name in known.items()}
        codes: list[str] = []
        for code in self.string_list(key):
            if code in known:
                if code not in codes:
                    codes.append(code)
                continue
            guess = by_name.get(code.casefold()) or (code.upper() if code.upper() in known else "")
            hint = f"did you mean {guess!r}?" if guess else _did_you_mean(code.upper(), known)
            self.fail(
                key,
                f"unknown country code {code!r}",
                (hint + " " if hint else "") + "use ISO 3166-1 alpha-2 codes such as 'JP' or 'MY'",
            )
        return tuple(codes)

    def tags(self, key: str) -> tuple[str, ...]:
        tags: list[str] = []
        for tag in self.string_list(key):
            if not TAG_PATTERN.match(tag) or len(tag) > MAX_LENGTH["tag"]:
                suggestion = slugify(tag)
                self.fail(
                    key,
                    f"tag {tag!r} is not a lowercase slug",
                    "use lowercase letters, digits and hyphens"
                    + (f", e.g. {suggestion!r}" if suggestion else ""),
                )
            elif tag not in tags:
                tags.append(tag)
        return tuple(tags)

    def zone(self, key: str) -> str | None:
        name = self.string(key)
        if name is None:
            return None
        if name in reference.zone_names():
            return name
        lower = {z.lower(): z for z in reference.zone_names()}
        suggestion = (
            f"did you mean {lower[name.lower()]!r}?"
            if name.lower() in lower
            else _did_you_mean(name, reference.zone_names())
        )
        self.fail(
            key,
            f"unknown time zone {name!r}",
            (suggestion + " " if suggestion else "") + "use an IANA name such as 'Asia/Tokyo'",
        )
        return None

    def partial_date(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str) and _partial_date(value) is not None:
            return value
        self.fail(key, f"{key} must be a date, 'YYYY-MM' or 'YYYY'", "write e.g. 2023-12-18")
        return None


def _partial_date(text: str) -> Year | Month | Day | None:
    found = PARTIAL_DATE.match(text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    try:
        if day is not None and month is not None:
            return Day(date(year, month, day))
        if month is not None:
            date(year, month, 1)
            return Month(year, month)
        date(year, 1, 1)
        return Year(year)
    except ValueError:
        return None


class _WhenParser:
    """Reads the date keys of one event into one of the model's date shapes."""

    FORMS = (
        'date = 2023-12-17 (a day), date = "2023-04" (a month), date = "2009" (a year), '
        "start/end (days or times) or between = [first, last] (an unknown day)"
    )

    def __init__(self, get: _Getter, default_zone: str | None) -> None:
        self.get = get
        self.default_zone = default_zone

    def parse(self) -> When | None:
        table = self.get.table
        given = [key for key in ("date", "start", "between") if key in table]
        if not given:
            if "end" in table:
                self.get.fail("end", "end without start", "add start = … before end")
            else:
                self.get.fail("date", "the event has no date", f"give one of: {self.FORMS}")
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
                    key, f"{key} goes with start, not with {form}", f"use start = … with {key}"
                )
                return None
        if "timezone" in table and not (form == "start" and isinstance(table["start"], datetime)):
            self.get.fail(
                "timezone",
                "timezone is only for timed events",
                "give start a time (start = 2023-12-17T10:00:00) or remove timezone",
            )
            return None
        if form == "date":
            return self.date(table["date"])
        if form == "between":
            return self.between(table["between"])
        return self.start(table["start"], table.get("end"), table.get("duration"))

    def date(self, value: object) -> When | None:
        if isinstance(value, datetime):
            self.get.fail(
                "date", "date has a time", "use start = …T…:… for timed events, or drop the time"
            )
            return None
        if isinstance(value, date):
            return Day(value)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
            return Year(value)
        if isinstance(value, str):
            parsed = _partial_date(value.strip())
            if parsed is not None:
                return parsed
            if PARTIAL_DATE.match(value.strip()):
                self.get.fail("date", f"{value!r} is not a real date", "check the month and day")
                return None
        self.get.fail("date", f"date {value!r} is not a date", f"write one of: {self.FORMS}")
        return None

    def between(self, value: object) -> When | None:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, date) and not isinstance(v, datetime) for v in value)
        ):
            self.get.fail(
                "between",
                "between must be two dates: the first and last day the event may have been on",
                "write between = [2023-12-16, 2023-12-18]",
            )
            return None
        earliest, latest = value
        if latest < earliest:
            self.get.fail(
                "between", f"between ends ({latest}) before it starts ({earliest})", "swap them"
            )
            return None
        if latest == earliest:
            self.get.fail(
                "between", "between is a single day", f"the day is known: write date = {earliest}"
            )
            return None
        return DayInWindow(earliest, latest)

    def start(self, start: object, end: object, duration: object) -> When | None:
        if end is not None and duration is not None:
            self.get.fail("duration", "give end or duration, not both", "remove one of them")
            return None
        if isinstance(start, datetime):
            return self.timed(start, end, duration)
        if isinstance(start, date):
            if duration is not None:
                self.get.fail(
                    "duration", "duration is for timed events", "for whole days, give end = a date"
                )
                return None
            if end is None:
                return Day(start)
            if isinstance(end, datetime) or not isinstance(end, date):
                self.get.fail(
                    "end",
                    f"end must be a date like start, not {_type_name(end)}",
                    "write end = YYYY-MM-DD (the last day, inclusive)",
                )
                return None
            if end < start:
                self.get.fail("end", f"end ({end}) is before start ({start})", "swap them")
                return None
            return Day(start) if end == start else DayRange(start, end)
        self.get.fail(
            "start",
            f"start must be a date or a date-time, not {_type_name(start)}",
            "write start = 2023-12-16 or start = 2023-12-17T10:00:00",
        )
        return None

    def timed(self, start: datetime, end: object, duration: object) -> When | None:
        zone_name: str | None = None
        if start.tzinfo is None:
            zone_name = self.get.zone("timezone") if "timezone" in self.get.table else None
            if zone_name is None:
                if "timezone" not in self.get.table:
                    zone_name = self.default_zone
                if zone_name is None:
                    if "timezone" not in self.get.table:
                        self.get.fail(
                            "timezone",
                            "a local start time needs a time zone",
                            'add timezone = "Asia/Tokyo" here or in [calendar], '
                            "or write an offset (2023-12-17T10:00:00+09:00)",
                        )
                    return None
            aware_start = self.localise("start", start, zone_name)
        else:
            if "timezone" in self.get.table:
                self.get.fail(
                    "timezone",
                    "start has a UTC offset and a timezone",
                    "remove the offset (to use the zone) or the timezone",
                )
                return None
            aware_start = _fixed(start)
        if aware_start is None:
            return None
        aware_end: datetime | None = None
        if end is not None:
            if not isinstance(end, datetime) or (end.tzinfo is None) != (start.tzinfo is None):
                self.get.fail(
                    "end",
                    "end must be a date-time written like start"
                    + (" (with an offset)" if start.tzinfo else " (local, no offset)"),
                    "write end = 2023-12-17T12:00:00",
                )
                return None
            aware_end = self.localise("end", end, zone_name) if zone_name else _fixed(end)
            if aware_end is None:
                return None
        elif duration is not None:
            parsed = parse_duration(duration) if isinstance(duration, str) else None
            if parsed is None:
                self.get.fail(
                    "duration",
                    f"duration {duration!r} is not an ISO 8601 duration",
                    "write e.g. 'PT2H' or 'PT1H30M'",
                )
                return None
            aware_end = _add_exact(aware_start, parsed)
        if aware_end is not None and aware_end <= aware_start:
            field = "end" if end is not None else "duration"
            self.get.fail(
                field,
                "the event ends before or when it starts",
                "make end later than start (or the duration positive)",
            )
            return None
        return Timed(aware_start, aware_end, zone_name)

    def localise(self, field: str, local: datetime, zone_name: str) -> datetime | None:
        """Attach the zone; a time in a DST gap is an error, one in an overlap a warning."""
        tz = reference.zone(zone_name)
        first = local.replace(tzinfo=tz, fold=0)
        second = local.replace(tzinfo=tz, fold=1)
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != local:
            self.get.fail(
                field,
                f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name} (the clocks skip it)",
                "pick a time outside the daylight-saving gap",
            )
            return None
        if first.utcoffset() != second.utcoffset():
            self.get.fail(
                field,
                f"{local:%Y-%m-%d %H:%M} happens twice in {zone_name} (the clocks go back); "
                "the first (earlier) one is used",
                "write an offset to choose, e.g. 2023-10-29T01:30:00+01:00",
                Severity.WARNING,
            )
        return first


def _fixed(value: datetime) -> datetime:
    offset = value.utcoffset() or timedelta(0)
    return value.replace(tzinfo=timezone(offset))


def _add_exact(start: datetime, duration: timedelta) -> datetime:
    """Days are calendar days (wall clock); hours, minutes, seconds are elapsed time."""
    whole_days = timedelta(days=duration.days)
    rest = duration - whole_days
    moved = start + whole_days
    return (moved.astimezone(UTC) + rest).astimezone(start.tzinfo)
