"""iCalendar (``.ics``) → event tables, read with ``icalendar``.

Reads what Google Calendar, Outlook, Apple Calendar and our own ``events.ics`` export
(see README, "Importing"). Each VEVENT becomes one table; a ``RECURRENCE-ID`` override
becomes an ``exdate`` of its series plus an event of its own. What the file format has
no place for (alarms, attendees, the organizer, ``X-`` properties, …) is counted by kind
in :attr:`Batch.dropped`, never lost silently.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from asean_timeline.importers.base import DATE_KEYS, Batch, ImportedEvent, Origin, Report, Skip
from asean_timeline.importers.icslayout import QUOTED_LINE, Layout, parse_problem, scan
from asean_timeline.importers.icstimes import (
    Moment,
    TimeValueError,
    date_keys,
    exdate_value,
    iana_name,
    moment,
)
from asean_timeline.importers.own import (
    OWN_PRODID,
    own_description,
    shift_to_written_offset,
    strip_status,
    timed_when,
    uncertain_date,
)
from asean_timeline.importers.own import (
    date_keys as uncertain_keys,
)
from asean_timeline.importers.text import decode, one_line, plain_text, tags_of
from asean_timeline.model import Day, DayRange, When
from asean_timeline.problems import InvalidInputError
from asean_timeline.timefmt import iso_duration
from asean_timeline.validate import FREQUENCIES, ID_PATTERN

NAME = "ics"
#: Keys an iCalendar event speaks for: a re-import replaces them, keeps the others.
OWNED = frozenset({"title", "location", "description", "tags", "url", "status", "rrule"}) | {
    "exdates",
    *DATE_KEYS,
}
#: Properties the file format has a place for, or that only say how to read the others.
_MAPPED = frozenset(
    {
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "DESCRIPTION",
        "LOCATION",
        "CATEGORIES",
        "URL",
        "STATUS",
        "RRULE",
        "EXDATE",
        "RECURRENCE-ID",
        "X-MICROSOFT-CDO-ALLDAYEVENT",
        "X-ALT-DESC",  # the HTML twin of DESCRIPTION (Outlook): DESCRIPTION is kept
    }
)
#: Properties asean-timeline writes itself (from revisions.json, or always TRANSPARENT).
_REGENERATED = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP"})
_KINDS = {
    "VALARM": "alarms (VALARM)",
    "ATTENDEE": "attendees (ATTENDEE)",
    "ORGANIZER": "organizers (ORGANIZER)",
    "RDATE": "extra dates (RDATE): only RRULE repetitions are kept",
}
_OWN_UID = re.compile(r"^(?P<id>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)@(?P<domain>[^@\s]+)$")


def sniff(head: str) -> bool:
    """Whether the text starting a file is an iCalendar stream."""
    return head.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:VCALENDAR")


def read(raw: bytes, name: str, report: Report | None = None) -> Batch:
    """Every event of the calendar file ``raw`` (named ``name`` in problems)."""
    text = decode(raw, name)
    layout = scan(text, name)
    from icalendar import Calendar

    if report is not None:
        report(f"parsing {name}", 0, len(layout.event_lines))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as error:
        raise InvalidInputError([parse_problem(error, text, name)]) from None
    batch = Batch(name, format=NAME)
    reader = _Reader(batch, layout, report)
    for calendar in calendars:
        reader.calendar(calendar)
    reader.attach_overrides()
    return batch


class _Reader:
    """Maps the components of one file into ``batch``."""

    def __init__(self, batch: Batch, layout: Layout, report: Report | None = None) -> None:
        self.batch = batch
        self.report = report
        self.layout = layout
        self.index = -1  # VEVENT number in the file
        self.locations: dict[str, str] = {}
        self.floating_zone: str | None = None
        self.own = False
        #: Series by UID, and the overrides (RECURRENCE-ID) waiting for theirs.
        self.series: dict[str, tuple[ImportedEvent, Moment]] = {}
        self.overrides: list[tuple[str, Any, ImportedEvent]] = []

    def calendar(self, calendar: Any) -> None:
        batch = self.batch
        self.own = str(calendar.get("PRODID", "")) == OWN_PRODID
        for key, prop in (("title", "NAME"), ("title", "X-WR-CALNAME")):
            if prop in calendar and "title" not in batch.calendar:
                batch.calendar[key] = one_line(str(calendar[prop]))
        for prop in ("DESCRIPTION", "X-WR-CALDESC"):
            if prop in calendar and "description" not in batch.calendar:
                batch.calendar["description"] = plain_text(str(calendar[prop]))
        if self.own and "URL" in calendar:
            batch.calendar["url"] = str(calendar["URL"])
        refresh = getattr(calendar.get("REFRESH-INTERVAL"), "dt", None)
        if self.own and isinstance(refresh, timedelta) and refresh > timedelta(0):
            batch.calendar["refresh_interval"] = iso_duration(refresh)
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE" and "X-LIC-LOCATION" in component:
                self.locations[str(component["TZID"])] = str(component["X-LIC-LOCATION"])
        wr_zone = calendar.get("X-WR-TIMEZONE")
        self.floating_zone = iana_name(str(wr_zone), self.locations) if wr_zone else None
        if self.floating_zone:
            batch.calendar["timezone"] = self.floating_zone
        for component in calendar.subcomponents:
            if component.name == "VEVENT":
                self.index += 1
                self.event(component)
                if self.report is not None and self.index % 256 == 0:
                    total = len(self.layout.event_lines)
                    self.report(f"reading {batch.name}", self.index, total)
            elif component.name != "VTIMEZONE":
                batch.dropped[f"{component.name.lower()} components ({component.name})"] += 1

    def origin(self) -> Origin:
        lines = self.layout.event_lines
        return Origin(self.batch.name, lines[self.index] if self.index < len(lines) else None)

    def line_of(self, needle: str) -> Origin:
        """Where ``needle`` (a property name, or a quoted line) first stands in this VEVENT."""
        origin = self.origin()
        if origin.line is None:
            return origin
        return Origin(origin.file, self.layout.line_in_event(self.index, needle))

    def event(self, component: Any) -> None:
        origin = self.origin()
        batch = self.batch
        before = len(batch.problems)
        for prop, message in getattr(component, "errors", ()):
            if prop is None:
                quoted = QUOTED_LINE.search(message)
                where = self.line_of(quoted.group(1)) if quoted else origin
                batch.fail(
                    f"a line of this event cannot be read: {message}",
                    where,
                    hint="export the calendar again; if it was edited by hand, fix this line",
                )
                continue
            batch.fail(
                f"{prop} cannot be read: {message}",
                self.line_of(prop),
                column=prop,
                hint=f"check the event's {prop} in the calendar app, or export it again",
            )
        if len(batch.problems) > before:
            return
        # A plain dict: icalendar's case-insensitive lookups cost more than the mapping.
        props = dict(component)
        self.note_dropped(component, props)
        uid = str(props.get("UID", "")).strip() or None
        summary = one_line(str(props.get("SUMMARY", "")), html=not self.own)
        what = f"event {summary!r}" if summary else f"event {uid or '(no title)'}"
        if "DTSTART" not in props:
            batch.skipped.append(Skip(origin, what, "it has no start (DTSTART)"))
            return
        if not summary:
            batch.skipped.append(Skip(origin, what, "it has no title (SUMMARY)"))
            return
        try:
            imported, start = self.table(props, summary, origin)
        except TimeValueError as problem:
            where = self.line_of(problem.prop)
            batch.fail(str(problem), where, column=problem.prop, hint=problem.hint)
            return
        if imported is None:
            return
        imported.uid = uid
        self.identify(imported, uid)
        recurrence_id = props.get("RECURRENCE-ID")
        if recurrence_id is not None and uid is not None:
            self.overrides.append((uid, recurrence_id, imported))
            return
        if uid is not None and "rrule" in imported.table:
            self.series.setdefault(uid, (imported, start))
        batch.events.append(imported)

    def identify(self, imported: ImportedEvent, uid: str | None) -> None:
        """Our own UIDs (``<id>@<uid_domain>``) give the id back; others are kept as ``uid``."""
        found = _OWN_UID.match(uid or "") if self.own else None
        if found and ID_PATTERN.fullmatch(found.group("id")):
            imported.table = {"id": found.group("id"), **imported.table}
            imported.uid = None
            self.batch.calendar.setdefault("uid_domain", found.group("domain"))

    def note_dropped(self, component: Any, props: dict[str, Any]) -> None:
        dropped = self.batch.dropped
        for sub in component.subcomponents:
            dropped[_KINDS.get(sub.name, f"{sub.name} components")] += 1
        for key in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            params = getattr(props.get(key), "params", None)
            if params and "LANGUAGE" in params:
                dropped["language tags of texts (LANGUAGE=)"] += 1
                break
        for key in props:
            if key in _MAPPED or key in _REGENERATED:
                continue
            if key in _KINDS:
                dropped[_KINDS[key]] += 1
            elif key.startswith("X-"):
                dropped[f"{key} (a client's own property)"] += 1
            else:
                dropped[f"{key} (no place in events.toml)"] += 1

    def table(
        self, props: dict[str, Any], summary: str, origin: Origin
    ) -> tuple[ImportedEvent | None, Moment]:
        """The event's table, and its start as read (for exdates of its overrides)."""
        status = str(props.get("STATUS", "")).strip().lower() or None
        if status not in (None, "confirmed", "tentative", "cancelled"):
            self.batch.dropped[f"STATUS:{status.upper()} (read as confirmed)"] += 1
            status = None
        title = strip_status(summary, status)
        start = moment("DTSTART", props["DTSTART"], self.locations, self.floating_zone)
        end = (
            moment("DTEND", props["DTEND"], self.locations, self.floating_zone)
            if "DTEND" in props
            else None
        )
        duration = _duration(props.get("DURATION"))
        all_day = str(props.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE"
        keys = date_keys(start, end, duration, all_day)
        when: When | None = None
        if "date" in keys and isinstance(keys["date"], date):
            when = Day(keys["date"])
        elif "end" in keys and not isinstance(keys["start"], datetime):
            when = DayRange(keys["start"], keys["end"])
        if when is not None and "RRULE" not in props:
            first, last = when.first_day, when.last_day
            uncertain = uncertain_date(title, first, last)
            if uncertain is not None:
                title, when = uncertain
                keys = uncertain_keys(when)
        table: dict[str, Any] = {"title": title, **keys}
        owned = set(OWNED)
        self.recurrence(props, table, start, origin, summary)
        if "rrule" not in table and "RRULE" in props:
            return None, start
        location = one_line(str(props.get("LOCATION", "")), html=not self.own)
        if location:
            table["location"] = location
        description = str(props.get("DESCRIPTION", "")).replace("\r\n", "\n")
        if self.own and start.fixed:
            shift_to_written_offset(keys, table, description)
        own = (
            own_description(description, when or timed_when(keys), ours=self.own)
            if description
            else None
        )
        if own is not None:
            description = own.description
            if own.countries:
                table["countries"] = own.countries
            if own.sources:
                table["sources"] = own.sources
            owned |= {"countries", "sources"}
        tags = tags_of(_categories(props.get("CATEGORIES")))
        if tags:
            table["tags"] = tags
        description = plain_text(description, html=not self.own)
        if description:
            table["description"] = description
        if status and status != "confirmed":
            table["status"] = status
        url = str(props.get("URL", "")).strip()
        if url.startswith(("http://", "https://")):
            # Our exporter writes the first source's link when the event has none of its own.
            first_link = (
                next((s["url"] for s in own.sources if s.get("url")), None) if own else None
            )
            if first_link != url:
                table["url"] = url
        elif url:
            self.batch.dropped["URL that is not a web address (http or https)"] += 1
        return ImportedEvent(table, origin, frozenset(owned), first_day=_first_day(keys)), start

    def recurrence(
        self,
        props: dict[str, Any],
        table: dict[str, Any],
        start: Moment,
        origin: Origin,
        summary: str,
    ) -> None:
        if "RRULE" not in props:
            return
        rule = self.layout.rrules.get(self.index) or props["RRULE"].to_ical().decode()
        if isinstance(props["RRULE"], list):
            reason = "it has several RRULEs; events.toml takes one"
        else:
            parts = dict(part.partition("=")[::2] for part in rule.upper().split(";"))
            reason = ""
            if parts.get("FREQ") not in FREQUENCIES:
                frequency = parts.get("FREQ", "?").lower()
                reason = f"it repeats {frequency}; events.toml repeats at most daily"
            elif "COUNT" not in parts and "UNTIL" not in parts:
                reason = (
                    "it repeats without end; events.toml needs COUNT or UNTIL "
                    "(set an end date for the series in the calendar app)"
                )
        if reason:
            self.batch.skipped.append(Skip(origin, f"event {summary!r}", reason))
            return
        table["rrule"] = rule
        exdates: list[date | datetime] = []
        raw = props.get("EXDATE")
        for group in raw if isinstance(raw, list) else [raw] if raw is not None else []:
            for value in group.dts:
                exdates.append(exdate_value(value, start, self.locations))
        if exdates:
            table["exdates"] = sorted(set(exdates), key=str)

    def attach_overrides(self) -> None:
        """Each RECURRENCE-ID override: an exdate on its series, and an event of its own."""
        for uid, recurrence_id, imported in self.overrides:
            found = self.series.get(uid)
            if found is not None:
                series, start = found
                try:
                    excluded = exdate_value(recurrence_id, start, self.locations)
                except TimeValueError as problem:
                    self.batch.fail(str(problem), imported.origin, column="RECURRENCE-ID")
                    continue
                exdates = series.table.setdefault("exdates", [])
                if excluded not in exdates:
                    exdates.append(excluded)
                    exdates.sort(key=str)
                imported.table.pop("id", None)
            imported.uid = f"{uid};RECURRENCE-ID={recurrence_id.to_ical().decode()}"
            self.batch.events.append(imported)


def _duration(value: Any) -> timedelta | None:
    if value is None:
        return None
    span = getattr(value, "dt", None)
    if not isinstance(span, timedelta):
        raise TimeValueError("DURATION", "DURATION is not a duration", "write e.g. PT1H or P2D")
    return span


def _categories(value: Any) -> list[str]:
    labels: list[str] = []
    for prop in value if isinstance(value, list) else [value] if value is not None else []:
        labels.extend(str(cat) for cat in getattr(prop, "cats", [prop]))
    return labels


def _first_day(keys: dict[str, Any]) -> date | None:
    value = keys.get("date", keys.get("start", (keys.get("between") or [None])[0]))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date(int(value[:4]), int(value[5:7] or 1) if len(value) > 4 else 1, 1)
    return None
