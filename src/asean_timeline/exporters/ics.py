"""Timeline → iCalendar (RFC 5545 with the RFC 7986 calendar properties).

How each precision becomes a calendar entry (see README, "How dates appear in
calendars"): a day or a range of days is an all-day event (DTEND exclusive);
a month or a year is an all-day event on its first day; an unknown day inside
a window is an all-day event spanning the window. The summary of the last three
says how much is unknown ("… (sometime in April 2023)"). Timed events carry
TZID and a VTIMEZONE, or UTC when a fixed offset was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from asean_timeline import reference
from asean_timeline.exporters.contentlines import content_line, escape_text
from asean_timeline.model import Event, Month, Status, Timed, Timeline, Year
from asean_timeline.recurrence import last_start as last_start_of
from asean_timeline.reference import UTC_ZONES, countries
from asean_timeline.revisions import Revision, Revisions
from asean_timeline.wording import calendar_summary, when_phrase

FILENAME = "events.ics"
MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//asean-timeline//asean-timeline//EN"


def render(
    timeline: Timeline,
    revisions: Revisions,
    path: str = FILENAME,
    blocks: dict[str, bytes] | None = None,
) -> bytes:
    """The whole calendar as RFC 5545 bytes (UTF-8, CRLF line ends).

    ``blocks`` caches each event's encoded VEVENT by id, for callers that render
    the same events into several calendars (the text does not depend on which).
    """
    cache = {} if blocks is None else blocks
    info = timeline.calendar
    parts = [_lines_text(_header_lines(timeline, path)).encode()]
    stamps: dict[datetime, str] = {}
    for event in timeline.events:
        block = cache.get(event.id)
        if block is None:
            block = _vevent(event, revisions[event.id], info.uid_domain, stamps).encode()
            cache[event.id] = block
        parts.append(block)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def event_calendars(timeline: Timeline, revisions: Revisions) -> dict[str, bytes]:
    """Each event alone as a VCALENDAR, by UID: what a CalDAV server stores per event.

    The VEVENT and the VTIMEZONE it uses are byte-identical to the ones
    :func:`render` writes for ``timeline``. The header keeps VERSION, PRODID and
    CALSCALE only: RFC 4791 §4.1 forbids METHOD in a calendar collection, and
    the calendar's name and refresh interval belong to the collection.
    """
    domain = timeline.calendar.uid_domain
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n"
    zones: dict[str, str] = {}
    for name, first_year, last_year in _zones_needed(timeline):
        from asean_timeline.vtimezone import vtimezone_lines  # only for timed events

        zones[name] = _lines_text(
            (prop, (), value) for prop, value in vtimezone_lines(name, first_year, last_year)
        )
    stamps: dict[datetime, str] = {}
    calendars = {}
    for event in timeline.events:
        zone = event.when.zone if isinstance(event.when, Timed) else None
        text = head + zones.get(zone or "", "")
        text += _vevent(event, revisions[event.id], domain, stamps) + "END:VCALENDAR\r\n"
        calendars[uid(event, domain)] = text.encode()
    return calendars


def _lines_text(lines: Iterable[Line]) -> str:
    return "".join([content_line(name, value, params) for name, params, value in lines])


Line = tuple[str, tuple[tuple[str, str], ...], str]


def _header_lines(timeline: Timeline, filename: str) -> Iterator[Line]:
    info = timeline.calendar
    yield "BEGIN", (), "VCALENDAR"
    yield "VERSION", (), "2.0"
    yield "PRODID", (), PRODID
    yield "CALSCALE", (), "GREGORIAN"
    yield "METHOD", (), "PUBLISH"
    yield "NAME", (), escape_text(info.title)
    yield "X-WR-CALNAME", (), escape_text(info.title)
    if info.description:
        yield "DESCRIPTION", (), escape_text(info.description)
        yield "X-WR-CALDESC", (), escape_text(info.description)
    if info.timezone:
        yield "X-WR-TIMEZONE", (), info.timezone
    if info.url:
        yield "URL", (("VALUE", "URI"),), info.url
        yield "SOURCE", (("VALUE", "URI"),), str(info.published_url(filename))
    refresh = _duration(info.refresh_interval)
    yield "REFRESH-INTERVAL", (("VALUE", "DURATION"),), refresh
    yield "X-PUBLISHED-TTL", (), refresh
    zones = _zones_needed(timeline)
    if zones:
        from asean_timeline.vtimezone import vtimezone_lines  # only for timed events
    for name, first_year, last_year in zones:
        for prop, value in vtimezone_lines(name, first_year, last_year):
            yield prop, (), value


def _zones_needed(timeline: Timeline) -> list[tuple[str, int, int]]:
    """Each zone used by a timed event, with the years its occurrences span."""
    spans: dict[str, tuple[int, int]] = {}
    for event in timeline.events:
        when = event.when
        if not isinstance(when, Timed) or when.zone is None or when.zone in UTC_ZONES:
            continue
        last_start = last_start_of(event)
        last_year = (last_start + (when.end - when.start)).year if when.end else last_start.year
        first_year = when.start.year
        if when.zone in spans:
            known = spans[when.zone]
            first_year, last_year = min(known[0], first_year), max(known[1], last_year)
        spans[when.zone] = (first_year, last_year)
    return [(name, first - 1, last + 1) for name, (first, last) in sorted(spans.items())]


def uid(event: Event, domain: str) -> str:
    """The event's UID: its id at the calendar's domain, stable across edits and reorders."""
    return f"{event.id}@{domain}"


def _vevent(event: Event, revision: Revision, domain: str, stamps: dict[datetime, str]) -> str:
    """One VEVENT's content lines. ``stamps`` caches UTC stamps: most events share them."""
    modified = stamps.get(revision.modified) or stamps.setdefault(
        revision.modified, _utc(revision.modified)
    )
    created = stamps.get(revision.created) or stamps.setdefault(
        revision.created, _utc(revision.created)
    )
    # Lines that are short ASCII by construction are written as they are; the others
    # (anything with text from events.toml) go through content_line, which folds.
    lines = [
        "BEGIN:VEVENT\r\n",
        content_line("UID", uid(event, domain)),
        f"DTSTAMP:{modified}\r\n",
        f"CREATED:{created}\r\n",
        f"LAST-MODIFIED:{modified}\r\n",
        f"SEQUENCE:{revision.sequence}\r\n",
    ]
    lines += [content_line(name, value, params) for name, params, value in _time_lines(event)]
    lines.append(content_line("SUMMARY", escape_text(calendar_summary(event))))
    lines.append(content_line("DESCRIPTION", escape_text(description(event))))
    if event.location:
        lines.append(content_line("LOCATION", escape_text(event.location)))
    if event.tags:
        lines.append(content_line("CATEGORIES", ",".join([escape_text(t) for t in event.tags])))
    link = event.url or next((s.url for s in event.sources if s.url), None)
    if link:
        lines.append(content_line("URL", link, (("VALUE", "URI"),)))
    lines.append(f"STATUS:{event.status.value.upper()}\r\n")
    # Reference events should never make a subscriber look busy.
    lines.append("TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n")
    return "".join(lines)


def _time_lines(event: Event) -> Iterator[Line]:
    when = event.when
    if isinstance(when, Timed):
        recurring = event.recurrence is not None
        yield _moment("DTSTART", when.start, when.zone, keep_zone=recurring)
        if when.end is not None:
            yield _moment("DTEND", when.end, when.zone, keep_zone=recurring)
    else:
        # The model's shapes map to whole days: see the module docstring.
        first = when.first_day
        last = first if isinstance(when, Year | Month) else when.last_day
        yield "DTSTART", (("VALUE", "DATE"),), _date(first)
        yield "DTEND", (("VALUE", "DATE"),), _date(last + timedelta(days=1))
    if event.recurrence is not None:
        yield "RRULE", (), event.recurrence.rule
        exdates = event.recurrence.exdates
        if exdates:
            if isinstance(when, Timed):
                values = [
                    _moment("EXDATE", d, when.zone) for d in exdates if isinstance(d, datetime)
                ]
                params = values[0][1]
                yield "EXDATE", params, ",".join(value for _, _, value in values)
            else:
                yield "EXDATE", (("VALUE", "DATE"),), ",".join(_date(d) for d in exdates)


def _moment(name: str, moment: datetime, zone: str | None, *, keep_zone: bool = True) -> Line:
    """A date-time property in its zone, or in UTC for fixed offsets.

    A local time the clocks pass twice is written in UTC unless ``keep_zone``
    (recurrences need the zone): clients disagree on which of the two a TZID
    time means (ical.js takes the later, RFC 5545 §3.3.5 the earlier).
    """
    if zone is None or zone in UTC_ZONES:
        return name, (), _utc(moment)
    local = moment.astimezone(reference.zone(zone))
    if not keep_zone and _is_ambiguous(local):
        return name, (), _utc(moment)
    return name, (("TZID", zone),), _local(local)


def _is_ambiguous(local: datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def description(event: Event) -> str:
    """Plain-text body: the date at its precision, the description, then the facts."""
    parts = [f"Date: {when_phrase(event.when)}"]
    if event.recurrence is not None:
        parts.append(f"Repeats: {event.recurrence.rule}")
    if event.description:
        parts.append("")
        parts.append(event.description)
        parts.append("")
    if event.location:
        parts.append(f"Where: {event.location}")
    if event.status is not Status.CONFIRMED:
        parts.append(f"Status: {event.status.value}")
    if event.countries:
        names = countries()
        parts.append("Countries: " + ", ".join(names.get(c, c) for c in event.countries))
    if event.tags:
        parts.append("Tags: " + ", ".join(event.tags))
    if event.sources:
        parts.append("Sources:")
        for source in event.sources:
            line = f"- {source.label}"
            if source.published:
                line += f" ({source.published})"
            if source.url:
                line += f" <{source.url}>"
            parts.append(line)
    return "\n".join(parts).strip()


def _utc(moment: datetime) -> str:
    return _local(moment.astimezone(UTC)) + "Z"


def _local(moment: datetime) -> str:
    # Formatted by hand: strftime("%Y") does not zero-pad years before 1000 on glibc.
    return f"{_date(moment.date())}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


def _date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    time_part = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if value
    )
    return text + ("T" + time_part if time_part else "") if (days or time_part) else "PT0S"
