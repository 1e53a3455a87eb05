"""An iCalendar VEVENT's DTSTART, DTEND and DURATION → the date keys of ``events.toml``.

All-day entries (``VALUE=DATE``, or Outlook's midnight-to-midnight times marked
``X-MICROSOFT-CDO-ALLDAYEVENT:TRUE``) become a day or a range of days (``DTEND`` is
exclusive; none means one day). Times with a ``TZID`` keep their wall-clock time and the
IANA zone: an IANA name as it is, a Windows name (``Tokyo Standard Time``) through the
Unicode CLDR table that ``icalendar`` ships, a "globally unique" ``/…/Europe/Berlin`` by
its IANA tail, or a VTIMEZONE's ``X-LIC-LOCATION``. A ``TZID`` none of those name, with a
VTIMEZONE in the file, becomes the same instant at a fixed UTC offset. UTC times keep
their offset; floating times keep their wall-clock time, in the calendar's
``X-WR-TIMEZONE`` when it names one (else the timeline's default zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from asean_timeline.reference import zone_names
from asean_timeline.timefmt import iso_duration


class TimeValueError(ValueError):
    """A date or time of the event that cannot be used: the message says why."""

    def __init__(self, prop: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.prop = prop
        self.hint = hint


@cache
def _windows_zones() -> dict[str, str]:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    return dict(WINDOWS_TO_OLSON)


def iana_name(tzid: str, locations: dict[str, str]) -> str | None:
    """The IANA zone a ``TZID`` means, or None. ``locations`` maps a VTIMEZONE's TZID to
    its ``X-LIC-LOCATION``."""
    clean = tzid.strip().strip('"').strip("/")
    names = zone_names()
    if clean in names:
        return clean
    windows = _windows_zones().get(clean)
    if windows:
        return windows
    parts = clean.split("/")
    for start in range(1, len(parts)):
        tail = "/".join(parts[start:])
        if tail in names:
            return tail
    location = locations.get(tzid) or locations.get(clean)
    if location and location in names:
        return location
    return None


@dataclass(frozen=True, slots=True)
class Moment:
    """One DTSTART/DTEND value: a day, or a time that is floating, UTC or in a zone."""

    value: date | datetime  # naive wall-clock time unless ``fixed``
    zone: str | None = None  # the IANA zone of a wall-clock time
    fixed: bool = False  # ``value`` is aware, at a UTC offset

    @property
    def is_day(self) -> bool:
        return not isinstance(self.value, datetime)

    def aware(self) -> datetime:
        """The instant (a floating time is taken as UTC: only used for comparisons)."""
        assert isinstance(self.value, datetime)
        if self.fixed:
            return self.value
        if self.zone is None:
            return self.value.replace(tzinfo=UTC)
        from asean_timeline.reference import zone

        return self.value.replace(tzinfo=zone(self.zone))

    def in_zone_of(self, other: Moment) -> Moment:
        """This moment as ``other`` writes its times (a DTEND in DTSTART's zone)."""
        if self.is_day or other.is_day or (self.zone, self.fixed) == (other.zone, other.fixed):
            return self
        if other.fixed:
            return Moment(self.aware().astimezone(UTC), fixed=True)
        if other.zone is None:
            return self
        from asean_timeline.reference import zone

        wall = self.aware().astimezone(zone(other.zone)).replace(tzinfo=None)
        return Moment(wall, other.zone)


def moment(prop: str, value: Any, locations: dict[str, str], floating_zone: str | None) -> Moment:
    """The icalendar ``vDDDTypes`` ``value`` of ``prop`` as a :class:`Moment`."""
    if isinstance(value, list):
        raise TimeValueError(prop, f"the event has {len(value)} {prop} lines", f"keep one {prop}")
    dt = value.dt
    if not isinstance(dt, datetime):
        if isinstance(dt, date):
            return Moment(dt)
        raise TimeValueError(prop, f"{prop} is not a date or a time", "give a date or a date-time")
    tzid = value.params.get("TZID")
    if tzid:
        name = iana_name(str(tzid), locations)
        if name is not None:
            return Moment(dt.replace(tzinfo=None), name)
        if dt.tzinfo is not None:  # icalendar built it from the file's VTIMEZONE
            return Moment(dt.astimezone(UTC), fixed=True)
        raise TimeValueError(
            prop,
            f"unknown time zone {str(tzid)!r}: it is neither an IANA nor a Windows zone name, "
            "and the file has no VTIMEZONE for it",
            "export the calendar again with its time zones, or set the event's zone in the "
            "calendar app (e.g. Asia/Tokyo)",
        )
    if dt.tzinfo is not None:
        offset = dt.utcoffset()
        return Moment(dt.astimezone(UTC) if offset == timedelta(0) else dt, fixed=True)
    if floating_zone is not None:
        return Moment(dt, floating_zone)
    return Moment(dt)


def is_midnight(value: date | datetime) -> bool:
    return isinstance(value, datetime) and value.time() == datetime.min.time()


def date_keys(
    start: Moment, end: Moment | None, duration: timedelta | None, all_day_flag: bool
) -> dict[str, Any]:
    """The date keys for a VEVENT's start and its DTEND (or DURATION)."""
    if all_day_flag and not start.is_day and is_midnight(start.value):
        # Outlook writes all-day events as local midnights marked X-MICROSOFT-CDO-ALLDAYEVENT.
        assert isinstance(start.value, datetime)
        end_value = end.value if end is not None else None
        if end_value is None or is_midnight(end_value):
            start = Moment(start.value.date())
            if isinstance(end_value, datetime):
                end = Moment(end_value.date())
    if start.is_day:
        first = start.value if not isinstance(start.value, datetime) else start.value.date()
        if end is not None:
            stop = end.value.date() if isinstance(end.value, datetime) else end.value
        elif duration is not None:
            stop = first + timedelta(days=max(duration.days, 1))
        else:
            stop = first + timedelta(days=1)
        last = max(first, stop - timedelta(days=1))
        if last == first:
            return {"date": first}
        return {"start": first, "end": last}
    keys: dict[str, Any] = {"start": start.value}
    if end is not None:
        if end.is_day:
            raise TimeValueError(
                "DTEND",
                "DTSTART is a time but DTEND is a date",
                "give DTEND a time as well, or make the event all-day",
            )
        end = end.in_zone_of(start)
        if end.aware() < start.aware():
            raise TimeValueError(
                "DTEND", "DTEND is before DTSTART", "check the event's end in the calendar app"
            )
        if end.value != start.value:
            keys["end"] = end.value
    elif duration is not None and duration > timedelta(0):
        keys["duration"] = iso_duration(duration)
    if start.zone is not None:
        keys["timezone"] = start.zone
    return keys


def exdate_value(value: Any, start: Moment, locations: dict[str, str]) -> date | datetime:
    """An EXDATE value in the same kind as the start (``events.toml`` wants that)."""
    found = moment("EXDATE", value, locations, start.zone if not start.fixed else None)
    if start.is_day:
        return found.value.date() if isinstance(found.value, datetime) else found.value
    if found.is_day:
        assert isinstance(start.value, datetime)
        return datetime.combine(found.value, start.value.timetz())
    return found.in_zone_of(start).value
