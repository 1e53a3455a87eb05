"""The canonical plain-data form of an event: JSON-ready, format-neutral.

The JSON Feed's ``_asean_timeline`` object is this record, and an event's
revision fingerprint is a hash of it, so "the event changed" means exactly
"something a reader of any output could see changed".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, assert_never

from asean_timeline.model import (
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Source,
    Timed,
    When,
    Year,
)


def when_record(when: When) -> dict[str, Any]:
    """Start, end, precision and zone of a date shape, as ISO 8601 strings."""
    match when:
        case Year(year=year):
            return {"precision": when.precision.value, "start": f"{year:04d}", "end": None}
        case Month(year=year, month=month):
            value = f"{year:04d}-{month:02d}"
            return {"precision": when.precision.value, "start": value, "end": None}
        case Day(day=day):
            return {"precision": when.precision.value, "start": day.isoformat(), "end": None}
        case DayRange(start=start, end=end) | DayInWindow(earliest=start, latest=end):
            return {
                "precision": when.precision.value,
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        case Timed(start=start, end=end, zone=zone):
            return {
                "precision": when.precision.value,
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "timezone": zone,
            }
    assert_never(when)


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def event_record(event: Event) -> dict[str, Any]:
    """Everything an output can show of ``event``, in a fixed key order."""
    record: dict[str, Any] = {"id": event.id, "title": event.title}
    record.update(when_record(event.when))
    record["recurrence"] = (
        {
            "rrule": event.recurrence.rule,
            "exdates": [_iso(d) for d in event.recurrence.exdates],
        }
        if event.recurrence
        else None
    )
    record["status"] = event.status.value
    record["location"] = event.location or None
    record["countries"] = list(event.countries)
    record["tags"] = list(event.tags)
    record["description"] = event.description or None
    record["url"] = event.url
    record["sources"] = [source_record(source) for source in event.sources]
    return record


def source_record(source: Source) -> dict[str, Any]:
    """A source's keys; the provenance keys (``accessed`` … ``quote``) only when given,
    so a source without them keeps the record (and the fingerprint) it always had."""
    record: dict[str, Any] = {
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "published": source.published,
    }
    provenance = {
        "accessed": source.accessed.isoformat() if source.accessed else None,
        "archived": source.archived,
        "archived_on": source.archived_on.isoformat() if source.archived_on else None,
        "language": source.language,
        "quote": source.quote,
    }
    record.update((key, value) for key, value in provenance.items() if value is not None)
    return record
