"""Parse an .ics file with libical (Evolution's C library) and print each VEVENT as JSON.

    /usr/bin/python3 parse_libical.py FILE [MAX_OCCURRENCES]

    [{uid, summary, start, end, allDay, occurrences: [...]}, ...]

The output has the shape of parse_ics.mjs's: timed values are UTC instants
(``2023-12-17T01:00:00Z``), all-day values are dates (``2023-12-17``), ``end``
is what libical computes (``icalcomponent_get_dtend``: DTEND, or DTSTART plus
DURATION, or its RFC 5545 default), and ``occurrences`` are the first
MAX_OCCURRENCES (default 100) starts of libical's recurrence iterator
(``ICalGLib.RecurIterator``), less those libical itself excludes through
EXDATE (``icalproperty_recurrence_is_excluded``).

libical is reached through GObject introspection (Debian's gir1.2-ical-3.0 and
python3-gi), which binds to the system Python, not to the project's venv: the
interop tests run this script with /usr/bin/python3 and only the standard
library besides ``gi``.

A TZID is resolved only through the file's own VTIMEZONEs. libical itself falls
back to its built-in zone database (TZID ``/freeassociation.sourceforge.net/…``)
when the file lacks one, and to a floating time when that fails too; both would
hide a broken VTIMEZONE, so either is an error here: every timed value must
carry exactly the zone it was written with (UTC for ``Z`` values), or the
script exits non-zero and names the value it could not place. So does any
parse error libical records (as X-LIC-ERROR properties).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402  (needs require_version first)

UTC = ICalGLib.Timezone.get_utc_timezone()
VEVENT = ICalGLib.ComponentKind.VEVENT_COMPONENT


class ParseError(Exception):
    """Something libical could not parse, or could not place in the zone it was written with."""


def tzid_of(prop: ICalGLib.Property | None) -> str | None:
    """The TZID parameter of ``prop`` (None when it has none)."""
    if prop is None:
        return None
    param = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
    return None if param is None else param.get_tzid()


def placed(time: ICalGLib.Time, what: str, tzid: str | None) -> str:
    """A date as ``YYYY-MM-DD``; a date-time as its UTC instant, if it is in ``tzid``'s zone."""
    if time is None or time.is_null_time():
        raise ParseError(f"{what}: libical gives no time")
    if time.is_date():
        return f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}"
    wanted = tzid or "UTC"
    zone = time.get_timezone()
    got = "floating" if zone is None else zone.get_tzid()
    if got != wanted:
        raise ParseError(
            f"{what}: {time.as_ical_string()} should be in {wanted}, libical has {got} "
            "(a TZID without its VTIMEZONE in the file)"
        )
    utc = time.convert_to_zone(UTC)
    return (
        f"{utc.get_year():04d}-{utc.get_month():02d}-{utc.get_day():02d}"
        f"T{utc.get_hour():02d}:{utc.get_minute():02d}:{utc.get_second():02d}Z"
    )


def check_zones(calendar: ICalGLib.Component, event: ICalGLib.Component, label: str) -> None:
    """Every TZID the event uses names a VTIMEZONE of the file."""
    prop = event.get_first_property(ICalGLib.PropertyKind.ANY_PROPERTY)
    while prop is not None:
        tzid = tzid_of(prop)
        if tzid is not None and calendar.get_timezone(tzid) is None:
            name = prop.get_property_name()
            raise ParseError(f"{label} {name}: TZID={tzid} has no VTIMEZONE in the file")
        prop = event.get_next_property(ICalGLib.PropertyKind.ANY_PROPERTY)


def occurrences(event: ICalGLib.Component, label: str, tzid: str | None, limit: int) -> list[str]:
    """The starts libical's RecurIterator yields, EXDATEs removed; DTSTART alone if no RRULE."""
    start = event.get_dtstart()
    rrule = event.get_first_property(ICalGLib.PropertyKind.RRULE_PROPERTY)
    if rrule is None:
        return [placed(start, f"{label} DTSTART", tzid)]
    if event.get_next_property(ICalGLib.PropertyKind.RRULE_PROPERTY) is not None:
        raise ParseError(f"{label}: more than one RRULE")
    found: list[str] = []
    iterator = ICalGLib.RecurIterator.new(rrule.get_rrule(), start)
    while len(found) < limit:
        following = iterator.next()
        if following is None or following.is_null_time():
            break
        if not ICalGLib.Property.recurrence_is_excluded(event, start, following):
            found.append(placed(following, f"{label} occurrence", tzid))
    return found


def parse_errors(component: ICalGLib.Component) -> Iterator[str]:
    """The X-LIC-ERROR properties libical put in place of what it could not parse."""
    # Before the loop: get_uid() restarts the component's one property iterator.
    uid = component.get_uid() if component.isa() == VEVENT else None
    where = f"{ICalGLib.Component.kind_to_string(component.isa())} {uid or ''}".strip()
    error = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while error is not None:
        yield f"  {where}: {error.get_xlicerror()}"
        error = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child is not None:
        yield from parse_errors(child)
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)


def parse(text: str, limit: int) -> list[dict[str, object]]:
    calendar = ICalGLib.Component.new_from_string(text)
    if calendar is None or calendar.isa() != ICalGLib.ComponentKind.VCALENDAR_COMPONENT:
        raise ParseError("libical did not read a VCALENDAR")
    errors = list(parse_errors(calendar))
    if errors:
        raise ParseError("libical records parse errors:\n" + "\n".join(errors))
    events: list[dict[str, object]] = []
    event = calendar.get_first_component(VEVENT)
    while event is not None:
        label = event.get_uid()
        check_zones(calendar, event, label)
        start_tzid = tzid_of(event.get_first_property(ICalGLib.PropertyKind.DTSTART_PROPERTY))
        dtend = event.get_first_property(ICalGLib.PropertyKind.DTEND_PROPERTY)
        end_tzid = start_tzid if dtend is None else tzid_of(dtend)
        start = event.get_dtstart()
        events.append(
            {
                "uid": label,
                "summary": event.get_summary(),
                "start": placed(start, f"{label} DTSTART", start_tzid),
                # libical computes the end when DTEND is absent (DURATION, or the RFC default).
                "end": placed(event.get_dtend(), f"{label} DTEND", end_tzid),
                "allDay": bool(start.is_date()),
                "occurrences": occurrences(event, label, start_tzid, limit),
            }
        )
        event = calendar.get_next_component(VEVENT)
    return events


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        sys.stderr.write("usage: python3 parse_libical.py FILE [MAX_OCCURRENCES]\n")
        return 2
    limit = int(argv[2]) if len(argv) == 3 else 100
    text = Path(argv[1]).read_bytes().decode("utf-8")
    try:
        events = parse(text, limit)
    except ParseError as error:
        sys.stderr.write(f"parse_libical.py: {error}\n")
        return 1
    sys.stdout.write(json.dumps(events, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
