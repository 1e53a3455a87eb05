"""Expanding an event's RRULE into occurrences with ``python-dateutil``.

``dateutil.rrule`` is imported by the functions that expand rules, so validating a
timeline without recurring events never loads it (start-up time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from asean_timeline.model import Event

#: Outputs that list occurrences list at most this many.
MAX_LISTED = 1000


def occurrences(event: Event, limit: int = MAX_LISTED) -> list[date | datetime]:
    """Starts of the event's occurrences (dates for all-day events), without EXDATEs.

    A non-recurring event has exactly one occurrence: its own start.
    """
    first = event.when.first_start
    if event.recurrence is None:
        return [first]
    from dateutil.rrule import rrulestr

    dtstart = first if isinstance(first, datetime) else datetime.combine(first, time())
    rule = rrulestr(event.recurrence.rule, dtstart=dtstart)
    excluded = set(event.recurrence.exdates)
    found: list[date | datetime] = []
    for start in rule:
        value: date | datetime = start if isinstance(first, datetime) else start.date()
        if value not in excluded:
            found.append(value)
        if len(found) >= limit:
            break
    return found


def last_start(event: Event) -> date | datetime:
    """The start of the event's last occurrence, however many there are (rules are finite)."""
    first = event.when.first_start
    if event.recurrence is None:
        return first
    from dateutil.rrule import rrulestr

    dtstart = first if isinstance(first, datetime) else datetime.combine(first, time())
    last = dtstart
    for last in rrulestr(event.recurrence.rule, dtstart=dtstart):  # noqa: B007 - want the last
        pass
    return last if isinstance(first, datetime) else last.date()


def normalise_rule(rule: str, *, timed_start: datetime | None) -> str:
    """Upper-case the rule and write UNTIL as RFC 5545 wants it for this DTSTART.

    All-day events take ``UNTIL=YYYYMMDD``; timed events in a zone take UTC
    (``UNTIL=…Z``), a bare date meaning the end of that day at the event's zone.
    Raises ValueError for an UNTIL that is not a date or date-time.
    """
    parts: list[str] = []
    for part in rule.strip().removeprefix("RRULE:").upper().split(";"):
        name, _, value = part.partition("=")
        if name == "UNTIL":
            value = _normalise_until(value, timed_start)
        parts.append(f"{name}={value}" if _ else name)
    return ";".join(parts)


def _normalise_until(value: str, timed_start: datetime | None) -> str:
    digits = value.rstrip("Z")
    if len(digits) == 8 and digits.isdigit():
        day = datetime.strptime(digits, "%Y%m%d")
        if timed_start is None:
            return digits
        local_end = day.replace(hour=23, minute=59, second=59, tzinfo=timed_start.tzinfo)
        return local_end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    moment = datetime.strptime(digits, "%Y%m%dT%H%M%S")
    if timed_start is None:
        return moment.strftime("%Y%m%d")
    if value.endswith("Z"):
        return value
    aware = moment.replace(tzinfo=timed_start.tzinfo)
    return aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
