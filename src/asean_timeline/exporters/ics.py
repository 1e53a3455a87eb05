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
from datetime import datetime, timedelta

from asean_timeline import reference
from asean_timeline.exporters import get
from asean_timeline.exporters.contentlines import content_line, escape_text
from asean_timeline.model import Event, Month, Timed, Timeline, Year
from asean_timeline.present import Presented, RenderContext
from asean_timeline.recurrence import last_start as last_start_of
from asean_timeline.reference import UTC_ZONES
from asean_timeline.revisions import Revision
from asean_timeline.timefmt import basic_date, basic_time, iso_duration, utc_stamp
from asean_timeline.wording import calendar_summary

FILENAME = get("ics").filename
PRODID = "-//asean-timeline//asean-timeline//EN"
#: The context's scratch keys: each event's encoded VEVENT, and the years it spans, by id.
_BLOCKS = "ics.vevents"
_SPANS = "ics.years"


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``events.ics``: the whole calendar (see :func:`calendar`)."""
    yield FILENAME, calendar(context, FILENAME)


def calendar(context: RenderContext, path: str) -> bytes:
    """The context's timeline as RFC 5545 bytes (UTF-8, CRLF line ends), to stand at ``path``.

    Each event's VEVENT is formatted once per context (and the contexts of its
    selections): its text does not depend on which calendar it is in.
    """
    timeline = context.timeline
    blocks: dict[str, bytes] = context.scratch.setdefault(_BLOCKS, {})
    known_years = context.scratch.setdefault(_SPANS, {})
    parts = [_lines_text(_header_lines(timeline, path, known_years)).encode()]
    for event in timeline.events:
        block = blocks.get(event.id)
        if block is None:
            block = _vevent(event, context.of(event), context.revisions[event.id]).encode()
            blocks[event.id] = block
        parts.append(block)
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def event_calendars(context: RenderContext) -> dict[str, bytes]:
    """Each event of the context alone as a VCALENDAR, by UID: what a CalDAV server stores.

    The VEVENT and the VTIMEZONE it uses are byte-identical to the ones
    :func:`calendar` writes for the same context. The header keeps VERSION,
    PRODID and CALSCALE only: RFC 4791 §4.1 forbids METHOD in a calendar
    collection, and the calendar's name and refresh interval belong to the collection.
    """
    timeline = context.timeline
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n"
    zones: dict[str, str] = {}
    for name, first_year, last_year in _zones_needed(
        timeline, context.scratch.setdefault(_SPANS, {})
    ):
        from asean_timeline.vtimezone import vtimezone_lines  # only for timed events

        zones[name] = _lines_text(
            (prop, (), value) for prop, value in vtimezone_lines(name, first_year, last_year)
        )
    calendars = {}
    for event in timeline.events:
        shown = context.of(event)
        zone = event.when.zone if isinstance(event.when, Timed) else None
        text = head + zones.get(zone or "", "")
        text += _vevent(event, shown, context.revisions[event.id]) + "END:VCALENDAR\r\n"
        calendars[shown.uid] = text.encode()
    return calendars


def _lines_text(lines: Iterable[Line]) -> str:
    return "".join([content_line(name, value, params) for name, params, value in lines])


Line = tuple[str, tuple[tuple[str, str], ...], str]


def _header_lines(
    timeline: Timeline, filename: str, known_years: dict[str, tuple[int, int]]
) -> Iterator[Line]:
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
    refresh = iso_duration(info.refresh_interval)
    yield "REFRESH-INTERVAL", (("VALUE", "DURATION"),), refresh
    yield "X-PUBLISHED-TTL", (), refresh
    zones = _zones_needed(timeline, known_years)
    if zones:
        from asean_timeline.vtimezone import vtimezone_lines  # only for timed events
    for name, first_year, last_year in zones:
        for prop, value in vtimezone_lines(name, first_year, last_year):
            yield prop, (), value


def _zones_needed(
    timeline: Timeline, known_years: dict[str, tuple[int, int]]
) -> list[tuple[str, int, int]]:
    """Each zone used by a timed event, with the years its occurrences span.

    ``known_years`` caches each event's span by id: a recurring event's last
    start expands its rule, and the sub-calendars ask again for the same events.
    """
    spans: dict[str, tuple[int, int]] = {}
    for event in timeline.events:
        when = event.when
        if not isinstance(when, Timed) or when.zone is None or when.zone in UTC_ZONES:
            continue
        years = known_years.get(event.id)
        if years is None:
            last_start = last_start_of(event)
            end = last_start + (when.end - when.start) if when.end else last_start
            years = known_years[event.id] = (when.start.year, end.year)
        first_year, last_year = years
        if when.zone in spans:
            known = spans[when.zone]
            first_year, last_year = min(known[0], first_year), max(known[1], last_year)
        spans[when.zone] = (first_year, last_year)
    return [(name, first - 1, last + 1) for name, (first, last) in sorted(spans.items())]


def _vevent(event: Event, shown: Presented, revision: Revision) -> str:
    """One VEVENT's content lines."""
    modified = utc_stamp(revision.modified, basic=True)
    created = utc_stamp(revision.created, basic=True)
    # Lines that are short ASCII by construction are written as they are; the others
    # (anything with text from events.toml) go through content_line, which folds.
    lines = [
        "BEGIN:VEVENT\r\n",
        content_line("UID", shown.uid),
        f"DTSTAMP:{modified}\r\n",
        f"CREATED:{created}\r\n",
        f"LAST-MODIFIED:{modified}\r\n",
        f"SEQUENCE:{revision.sequence}\r\n",
    ]
    lines += [content_line(name, value, params) for name, params, value in _time_lines(event)]
    lines.append(content_line("SUMMARY", escape_text(calendar_summary(event))))
    lines.append(content_line("DESCRIPTION", escape_text(shown.description)))
    if event.location:
        lines.append(content_line("LOCATION", escape_text(event.location)))
    if event.tags:
        lines.append(content_line("CATEGORIES", ",".join([escape_text(t) for t in event.tags])))
    if shown.link:
        lines.append(content_line("URL", shown.link, (("VALUE", "URI"),)))
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
        yield "DTSTART", (("VALUE", "DATE"),), basic_date(first)
        yield "DTEND", (("VALUE", "DATE"),), basic_date(last + timedelta(days=1))
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
                yield "EXDATE", (("VALUE", "DATE"),), ",".join(basic_date(d) for d in exdates)


def _moment(name: str, moment: datetime, zone: str | None, *, keep_zone: bool = True) -> Line:
    """A date-time property in its zone, or in UTC for fixed offsets.

    A local time the clocks pass twice is written in UTC unless ``keep_zone``
    (recurrences need the zone): clients disagree on which of the two a TZID
    time means (ical.js takes the later, RFC 5545 §3.3.5 the earlier).
    """
    if zone is None or zone in UTC_ZONES:
        return name, (), utc_stamp(moment, basic=True)
    local = moment.astimezone(reference.zone(zone))
    if not keep_zone and _is_ambiguous(local):
        return name, (), utc_stamp(moment, basic=True)
    return name, (("TZID", zone),), basic_time(local)


def _is_ambiguous(local: datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
