"""One pass over a whole document: top-level keys, ``[calendar]``, events and their sources.

:class:`Validator` reports unknown top-level keys, builds the calendar's details, checks
each event (id, text fields, sources, then its date and recurrence through the other
modules of this package) and duplicate ids, and the sub-calendars through
:mod:`~asean_timeline.validate.calendars`; only a document without errors becomes a
:class:`~asean_timeline.model.Timeline`, returned with every problem in line order as
:class:`Checked`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from asean_timeline.model import CalendarInfo, Event, Status, Timeline
from asean_timeline.problems import Problem, Severity
from asean_timeline.validate.calendars import subcalendars
from asean_timeline.validate.constants import (
    CALENDAR_KEYS,
    DEFAULT_CHANGES_LIMIT,
    DOMAIN_PATTERN,
    EVENT_KEYS,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    MAX_CHANGES_LIMIT,
    MAX_DOMAIN_LENGTH,
    MAX_EVENTS,
    MAX_LANGUAGE_LENGTH,
    MAX_LENGTH,
)
from asean_timeline.validate.dates import WhenParser
from asean_timeline.validate.fields import Getter
from asean_timeline.validate.hints import closest, slugify, suggest_duration
from asean_timeline.validate.messages import shown, type_name
from asean_timeline.validate.parsing import parse_duration, too_long_duration
from asean_timeline.validate.recurrence import RecurrenceChecker
from asean_timeline.validate.reporting import Reporter
from asean_timeline.validate.sources import event_sources

if TYPE_CHECKING:
    from asean_timeline.load import Document


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


class Validator:
    """One pass over one document; its problems go to ``reporter`` as checks fail."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.reporter = Reporter(document)
        self.report = self.reporter.report

    @property
    def problems(self) -> list[Problem]:
        return self.reporter.problems

    # -- the document --------------------------------------------------------

    def run(self) -> Checked:
        data = self.doc.data
        misspelt: dict[str, str] = {}
        for key in data:
            if key in ("calendar", "events", "calendars"):
                continue
            meant = closest(key, ("calendar", "events"))
            if meant is not None:
                misspelt[meant] = key
                brackets = "[calendar]" if meant == "calendar" else "[[events]]"
                hint = f"did you mean {meant!r}? (write {brackets})"
            elif key in CALENDAR_KEYS:
                hint = f"{key} belongs to the calendar: move this line below [calendar]"
            elif key in EVENT_KEYS:
                hint = f"{key} belongs to an event: move this line below an [[events]] line"
            else:
                hint = "the file holds a [calendar] table and [[events]] tables only; remove it"
            self.report(f"unknown top-level key {shown(key)}", hint=hint, at=(key,), field=key)
        calendar = self.calendar(data.get("calendar"), misspelt)
        events = self.events(data.get("events"), calendar, misspelt)
        named = subcalendars(self.reporter, data.get("calendars"))
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
                self.report(
                    "missing [calendar] table",
                    hint='add [calendar] with at least title = "…" at the top (see README)',
                    line=1,
                )
            return None
        if not isinstance(table, dict):
            brackets = isinstance(table, list)
            self.report(
                f"calendar must be a table, not {type_name(table)}",
                hint="write [calendar] (one pair of brackets) on a line of its own, "
                'then title = "…" and the other calendar keys below it'
                if brackets
                else "[calendar] is a table: write [calendar] on a line of its own, then "
                'title = "…" below it',
                at=("calendar",),
                field="calendar",
            )
            return None
        get = Getter(self.reporter, table, ("calendar",))
        get.unknown_keys(CALENDAR_KEYS, "in [calendar]")
        title = get.text("title", required=True)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        zone_name = get.zone("timezone")
        url = get.url("url")
        uid_domain = get.string("uid_domain", example='"example.org"')
        if uid_domain is not None and (
            not DOMAIN_PATTERN.fullmatch(uid_domain) or len(uid_domain) > MAX_DOMAIN_LENGTH
        ):
            get.fail(
                "uid_domain",
                f"uid_domain {shown(uid_domain)} is not a domain name",
                "use lowercase letters, digits, dots and hyphens, e.g. 'example.org' "
                f"(at most {MAX_DOMAIN_LENGTH} characters)",
            )
            uid_domain = None
        if uid_domain is None and url is not None:
            uid_domain = urlsplit(url).hostname
        language = get.string("language", example='"en"') or "en"
        if not LANGUAGE_PATTERN.fullmatch(language) or len(language) > MAX_LANGUAGE_LENGTH:
            get.fail(
                "language",
                f"language {shown(language)} is not a BCP 47 language tag",
                "write a short code such as 'en' (English), 'ja' (Japanese) or 'en-GB'",
            )
        refresh = timedelta(hours=12)
        refresh_text = get.string("refresh_interval", example='"PT12H"')
        if refresh_text is not None:
            parsed = parse_duration(refresh_text)
            if parsed is None and too_long_duration(refresh_text):
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {shown(refresh_text)} is too long",
                    "write e.g. 'PT12H' (12 hours) or 'P1D' (1 day)",
                )
            elif parsed is None:
                guess = suggest_duration(refresh_text)
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {shown(refresh_text)} is not an ISO 8601 duration",
                    (f"did you mean '{guess}'? " if guess else "")
                    + "write e.g. 'PT12H' (12 hours) or 'P1D' (1 day)",
                )
            elif parsed < timedelta(hours=1):
                get.fail(
                    "refresh_interval",
                    f"refresh_interval {shown(refresh_text)} is shorter than an hour",
                    "calendar apps refresh at most about hourly: write 'PT1H' or more, "
                    "e.g. 'PT12H'",
                )
            else:
                refresh = parsed
        changes_limit = self.changes_limit(get)
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
            changes_limit=changes_limit,
        )

    def changes_limit(self, get: Getter) -> int:
        value = get.value("changes_limit")
        if value is None:
            return DEFAULT_CHANGES_LIMIT
        if isinstance(value, bool) or not isinstance(value, int):
            get.fail(
                "changes_limit",
                f"changes_limit must be a whole number, not {type_name(value)}",
                f"write e.g. changes_limit = {DEFAULT_CHANGES_LIMIT} (no quotes)",
            )
        elif not 1 <= value <= MAX_CHANGES_LIMIT:
            get.fail(
                "changes_limit",
                f"changes_limit {value} is outside 1 to {MAX_CHANGES_LIMIT:,}",
                f"write a number of changes to list, e.g. {DEFAULT_CHANGES_LIMIT}",
            )
        else:
            return value
        return DEFAULT_CHANGES_LIMIT

    def events(
        self, tables: object, calendar: CalendarInfo | None, misspelt: dict[str, str]
    ) -> list[Event]:
        if tables is None:
            if "events" not in misspelt:
                self.report(
                    "no events",
                    hint="add at least one [[events]] table (see README)",
                    severity=Severity.WARNING,
                )
            return []
        if not isinstance(tables, list):
            table = isinstance(tables, dict)
            self.report(
                f"events must be a list of tables, not {type_name(tables)}",
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
                    f"each event must be a table, not {type_name(table)} ({shown(table)})",
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
                        f" (the same as {shown(first_id)} but for case)"
                        if first_id != event_id
                        else ""
                    )
                    self.report(
                        f"duplicate id {shown(event_id)}{same}: the event on line {first_line} "
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
        get = Getter(self.reporter, table, ("events", index), event_id=event_id, number=index + 1)
        get.unknown_keys(EVENT_KEYS, "")
        problems = self.reporter.problems
        before = len(problems)

        title = get.text("title", required=True)
        valid_id = get.string("id", required=True, example='"summit-2023"')
        if valid_id is not None:
            self.check_id(get, valid_id, title)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        location = get.text("location", limit=MAX_LENGTH["location"])
        get.text("uid", limit=MAX_LENGTH["uid"])  # only the importer reads it
        url = get.url("url")
        status = get.choice("status", Status, default=Status.CONFIRMED)
        countries = get.countries("countries")
        tags = get.tags("tags")
        sources = event_sources(self.reporter, get, index)
        dates = WhenParser(get, default_zone).read()
        when = dates.when
        recurrence = RecurrenceChecker(get, dates).check()
        if not sources and "sources" not in table:
            get.fail(
                "sources",
                "the event has no source",
                'add sources = [{ publisher = "…", title = "…", url = "https://…" }]',
                Severity.WARNING,
            )
        failed = any(p.severity is Severity.ERROR for p in problems[before:])
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

    def check_id(self, get: Getter, event_id: str, title: str | None) -> None:
        limit = MAX_LENGTH["id"]
        if len(event_id) <= limit and ID_PATTERN.fullmatch(event_id):
            return
        suggestion = slugify(event_id)[:limit].strip("-") or slugify(title or "")[:limit]
        example = f"e.g. {suggestion.strip('-')!r}" if suggestion else "e.g. 'summit-2023'"
        if len(event_id) > limit:
            get.fail(
                "id",
                f"id is {len(event_id)} characters; the limit is {limit}",
                f"shorten it, {example}",
            )
        else:
            get.fail(
                "id",
                f"id {event_id!r} is not URL-safe",
                f"use only lowercase letters, digits and hyphens (no spaces), {example}",
            )
