"""What changed between two versions of a timeline, field by field, in words.

Everything is computed from canonical records (:func:`asean_timeline.records.event_record`),
so a change here is exactly a change some output would show, and the same code
describes the difference between two files (``asean-timeline diff``) and between two
revisions kept in ``revisions.json`` (the changes feed). Reordering events, moving them
between files or reformatting the TOML changes no record and so is no change.

Words are built by :func:`words`, which takes the function that makes user text safe
for the output (identity for a terminal, the Markdown escape for a pull-request
comment): text from ``events.toml`` never becomes markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from asean_timeline.model import (
    CalendarInfo,
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Precision,
    SubCalendar,
    Timed,
    Timeline,
    When,
    Year,
)
from asean_timeline.records import event_record
from asean_timeline.timefmt import iso_duration
from asean_timeline.wording import when_phrase

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

EventRecord = Mapping[str, Any]


class ChangeKind(StrEnum):
    """What happened to an event (or a named calendar) between two versions."""

    ADDED = "added"
    CHANGED = "changed"
    CANCELLED = "cancelled"  # changed, and its status became "cancelled"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's change. ``before``/``after`` are plain words (None: the field was
    empty); a list field lists what it gained and lost in ``added``/``removed``."""

    field: str
    before: str | None = None
    after: str | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: Long text (a description) is summarised ("edited") rather than quoted in words.
    summarised: bool = False
    #: False for values that are our own words or validated codes (dates, statuses,
    #: country codes, tags, rules), which :func:`words` leaves as they are.
    user_text: bool = True


@dataclass(frozen=True, slots=True)
class EventChange:
    """An added, changed, cancelled or removed event, with its records on either side."""

    kind: ChangeKind
    id: str
    title: str  # the newer title (the old one for a removed event)
    when: str  # the newer date in words, at the event's precision
    fields: tuple[FieldChange, ...]
    before: EventRecord | None
    after: EventRecord | None


@dataclass(frozen=True, slots=True)
class CalendarChange:
    """An added, changed or removed ``[[calendars]]`` entry."""

    kind: ChangeKind
    id: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class TimelineDiff:
    """Every difference between two timelines: [calendar], [[calendars]] and events."""

    calendar: tuple[FieldChange, ...]
    calendars: tuple[CalendarChange, ...]
    events: tuple[EventChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.calendar or self.calendars or self.events)

    def count(self, kind: ChangeKind) -> int:
        """How many events had this kind of change."""
        return sum(1 for change in self.events if change.kind is kind)


# -- words --------------------------------------------------------------------


def _plain(text: str) -> str:
    return text


def words(change: FieldChange, quote: Callable[[str], str] = _plain) -> str:
    """``date: 16 December 2023 → 17 December 2023``, ``sources: + Kyodo News``.

    ``quote`` makes each piece of user text safe for the output it goes to.
    """
    if not change.user_text:
        quote = _plain
    if change.added or change.removed:
        parts = [f"+ {quote(item)}" for item in change.added]
        parts += [f"− {quote(item)}" for item in change.removed]
        return f"{change.field}: " + "; ".join(parts)
    if change.summarised:
        verb = "added" if change.before is None else "removed" if change.after is None else "edited"
        return f"{change.field}: {verb}"
    before = "none" if change.before is None else quote(change.before)
    after = "none" if change.after is None else quote(change.after)
    return f"{change.field}: {before} → {after}"


def when_from_record(record: EventRecord) -> When:
    """The date shape of a canonical record (the inverse of ``records.when_record``)."""
    precision = Precision(record["precision"])
    start: str = record["start"]
    end: str | None = record["end"]
    match precision:
        case Precision.YEAR:
            return Year(int(start))
        case Precision.MONTH:
            return Month(int(start[:4]), int(start[5:7]))
        case Precision.DAY:
            return Day(date.fromisoformat(start))
        case Precision.DAY_RANGE:
            return DayRange(date.fromisoformat(start), date.fromisoformat(end or start))
        case Precision.DAY_IN_WINDOW:
            return DayInWindow(date.fromisoformat(start), date.fromisoformat(end or start))
        case Precision.TIME:
            zone_name: str | None = record.get("timezone")
            zone = None
            if zone_name:  # imported only for a timed event in a zone (start-up time)
                from zoneinfo import ZoneInfo

                zone = ZoneInfo(zone_name)
            first = _local(datetime.fromisoformat(start), zone)
            last = _local(datetime.fromisoformat(end), zone) if end else None
            return Timed(first, last, zone_name)
    raise AssertionError(precision)  # pragma: no cover - exhaustive


def _local(moment: datetime, zone: ZoneInfo | None) -> datetime:
    return moment.astimezone(zone) if zone is not None else moment


def date_words(record: EventRecord) -> str:
    """The record's date as a reader would write it, at its precision."""
    return when_phrase(when_from_record(record))


def source_label(source: Mapping[str, Any]) -> str:
    """``Publisher: Title`` (as every output labels a source), or its address."""
    label = ": ".join(part for part in (source.get("publisher"), source.get("title")) if part)
    return label or str(source.get("url") or "a source")


# -- events -------------------------------------------------------------------

_DATE_KEYS = ("precision", "start", "end", "timezone")


def field_changes(before: EventRecord, after: EventRecord) -> tuple[FieldChange, ...]:
    """How ``after`` differs from ``before``, one :class:`FieldChange` per field, in the
    order outputs show them. Equal records give ``()``."""
    if before == after:
        return ()
    found: list[FieldChange] = []
    if before["title"] != after["title"]:
        found.append(FieldChange("title", before["title"], after["title"]))
    if any(before.get(key) != after.get(key) for key in _DATE_KEYS):
        old, new = date_words(before), date_words(after)
        if old == new:  # the same words, different values (a zone, an offset): say which
            old, new = _date_values(before), _date_values(after)
        found.append(FieldChange("date", old, new, user_text=False))
    if before["recurrence"] != after["recurrence"]:
        found.extend(_recurrence_changes(before["recurrence"], after["recurrence"]))
    if before["status"] != after["status"]:
        found.append(FieldChange("status", before["status"], after["status"], user_text=False))
    if before["location"] != after["location"]:
        found.append(FieldChange("location", before["location"], after["location"]))
    for key in ("countries", "tags"):  # validated codes and slugs
        if before[key] != after[key]:
            found.append(_list_change(key, before[key], after[key], user_text=False))
    if before["description"] != after["description"]:
        found.append(
            FieldChange("description", before["description"], after["description"], summarised=True)
        )
    if before["url"] != after["url"]:
        found.append(FieldChange("link", before["url"], after["url"]))
    if before["sources"] != after["sources"]:
        found.append(_sources_change(before["sources"], after["sources"]))
    return tuple(found)


def _date_values(record: EventRecord) -> str:
    values = [record["start"]] + ([record["end"]] if record.get("end") else [])
    zone = record.get("timezone")
    return " – ".join(values) + (f" ({zone})" if zone else "")


def _recurrence_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[FieldChange]:
    old_rule = before["rrule"] if before else None
    new_rule = after["rrule"] if after else None
    found = []
    if old_rule != new_rule:
        found.append(FieldChange("repeats", old_rule, new_rule, user_text=False))
    old_ex = before["exdates"] if before else []
    new_ex = after["exdates"] if after else []
    if old_ex != new_ex:
        found.append(_list_change("exceptions", old_ex, new_ex, user_text=False))
    return found


def _list_change(
    label: str, before: Sequence[str], after: Sequence[str], *, user_text: bool
) -> FieldChange:
    added = tuple(item for item in after if item not in before)
    removed = tuple(item for item in before if item not in after)
    if not added and not removed:  # the same items in another order
        return FieldChange(label, ", ".join(before), ", ".join(after), user_text=user_text)
    return FieldChange(label, added=added, removed=removed, user_text=user_text)


def _sources_change(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> FieldChange:
    added = [source for source in after if source not in before]
    removed = [source for source in before if source not in after]
    if not added and not removed:  # the same sources in another order
        return FieldChange(
            "sources", ", ".join(map(source_label, before)), ", ".join(map(source_label, after))
        )
    edited_labels = {source_label(s) for s in added} & {source_label(s) for s in removed}
    gained = tuple(
        source_label(s) + (" (edited)" if source_label(s) in edited_labels else "") for s in added
    )
    lost = tuple(source_label(s) for s in removed if source_label(s) not in edited_labels)
    return FieldChange("sources", added=gained, removed=lost)


def event_change(before: EventRecord | None, after: EventRecord | None) -> EventChange | None:
    """The change from one record of an event to the next (None for either side: the
    event did not exist); None when nothing changed."""
    if before is None and after is None:
        return None
    shown = after if after is not None else before
    assert shown is not None
    fields: tuple[FieldChange, ...] = ()
    if before is None:
        kind = ChangeKind.ADDED
    elif after is None:
        kind = ChangeKind.REMOVED
    else:
        fields = field_changes(before, after)
        if not fields:
            return None
        cancelled = after["status"] == "cancelled" and before["status"] != "cancelled"
        kind = ChangeKind.CANCELLED if cancelled else ChangeKind.CHANGED
    return EventChange(kind, shown["id"], shown["title"], date_words(shown), fields, before, after)


def event_changes(before: Iterable[Event], after: Iterable[Event]) -> tuple[EventChange, ...]:
    """Every added, changed, cancelled and removed event between two sets of events.

    Changes come in the newer version's (chronological) order, then removed events in
    the older version's. Records are built only for events that differ: two equal
    events have equal records, unless a time or exception at a fixed UTC offset was
    written with another offset for the same instant (equal as datetimes, but another
    ISO value), which :func:`_same` also compares.
    """
    old = {event.id: event for event in before}
    found = []
    seen = set()
    for event in after:
        seen.add(event.id)
        previous = old.get(event.id)
        if previous is not None and _same(previous, event):
            continue
        change = event_change(
            None if previous is None else event_record(previous), event_record(event)
        )
        if change is not None:
            found.append(change)
    for event_id, event in old.items():
        if event_id not in seen:
            change = event_change(event_record(event), None)
            assert change is not None
            found.append(change)
    return tuple(found)


def _same(before: Event, after: Event) -> bool:
    """Whether two events have the same canonical record (without building them)."""
    return before == after and _offsets(before) == _offsets(after)


def _offsets(event: Event) -> tuple[timedelta | None, ...]:
    """The UTC offsets of every moment of ``event`` (datetimes compare by instant only)."""
    moments: list[object] = []
    if isinstance(event.when, Timed):
        moments += [event.when.start, event.when.end]
    if event.recurrence is not None:
        moments += event.recurrence.exdates
    return tuple(m.utcoffset() if isinstance(m, datetime) else None for m in moments)


# -- the calendar and named calendars -------------------------------------------


def calendar_record(info: CalendarInfo) -> dict[str, str | None]:
    """The ``[calendar]`` table's values as words, in the file's key order."""
    return {
        "title": info.title,
        "description": info.description or None,
        "timezone": info.timezone,
        "url": info.url,
        "uid_domain": info.uid_domain,
        "language": info.language,
        "refresh_interval": iso_duration(info.refresh_interval),
        "changes_limit": str(info.changes_limit),
    }


def subcalendar_record(calendar: SubCalendar) -> dict[str, str | None]:
    """A ``[[calendars]]`` entry as words: its title, description and each criterion."""
    query = calendar.query
    return {
        "title": calendar.title,
        "description": calendar.description or None,
        "tags_any": _joined(query.tags_any),
        "tags_all": _joined(query.tags_all),
        "countries_any": _joined(query.countries_any),
        "countries_all": _joined(query.countries_all),
        "statuses": _joined(status.value for status in query.statuses),
        "from": query.start.isoformat() if query.start else None,
        "until": query.end.isoformat() if query.end else None,
    }


def _joined(values: Iterable[str]) -> str | None:
    return ", ".join(sorted(values)) or None


def _record_changes(
    before: Mapping[str, str | None], after: Mapping[str, str | None]
) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(key, before.get(key), value, summarised=key == "description")
        for key, value in after.items()
        if before.get(key) != value
    )


def calendar_changes(before: Timeline, after: Timeline) -> tuple[FieldChange, ...]:
    """What changed in ``[calendar]``."""
    return _record_changes(calendar_record(before.calendar), calendar_record(after.calendar))


def subcalendar_changes(before: Timeline, after: Timeline) -> tuple[CalendarChange, ...]:
    """Added, changed and removed ``[[calendars]]`` entries, by id."""
    old = {_calendar_id(c): subcalendar_record(c) for c in before.subcalendars}
    new = {_calendar_id(c): subcalendar_record(c) for c in after.subcalendars}
    found = []
    for calendar_id, record in new.items():
        if calendar_id not in old:
            found.append(CalendarChange(ChangeKind.ADDED, calendar_id, ()))
        elif fields := _record_changes(old[calendar_id], record):
            found.append(CalendarChange(ChangeKind.CHANGED, calendar_id, fields))
    found += [
        CalendarChange(ChangeKind.REMOVED, calendar_id, ()) for calendar_id in old.keys() - new
    ]
    return tuple(sorted(found, key=lambda change: change.id))


def _calendar_id(calendar: SubCalendar) -> str:
    return calendar.path.rsplit("/", 1)[-1]


def compare(before: Timeline, after: Timeline) -> TimelineDiff:
    """Every difference between two timelines, as a reader of the outputs would see it."""
    return TimelineDiff(
        calendar_changes(before, after),
        subcalendar_changes(before, after),
        event_changes(before.events, after.events),
    )
