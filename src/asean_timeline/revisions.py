"""Per-event revision history, so edits reach calendar subscribers and feed readers.

iCalendar clients notice an edited event by a higher SEQUENCE and a newer
LAST-MODIFIED. Users should not keep those by hand, so ``render`` keeps them in
``revisions.json`` beside the outputs: for each event id, a fingerprint of the
event's content, its sequence number, when it was first and last seen to
change, and the canonical record of its last :data:`HISTORY_LIMIT` revisions
(so the changes feed can tell what changed without git). An event whose
fingerprint is unchanged keeps its numbers, so an unchanged input renders
byte-identical outputs.

A removed event leaves a tombstone: one more revision whose record is ``None``.
Tombstones are kept for :data:`TOMBSTONE_DAYS` days of revision time and dropped
by the first render that makes a new revision after that; a render that changes
nothing drops nothing, so its output stays byte-identical.

No clock is read. The time given to a new revision is passed in by the caller
(``SOURCE_DATE_EPOCH`` or the input file's modification time, see the CLI), and
is always later than the event's previous revision.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson

from asean_timeline.model import Event, Timeline
from asean_timeline.records import event_record
from asean_timeline.timefmt import utc_stamp

STATE_FILENAME = "revisions.json"
_FORMAT_VERSION = 2
#: Files of these formats load; version 1 (before the history) loads with no history.
_READABLE_FORMATS = (1, 2)
#: How many revisions of each event keep their record (the newest included).
HISTORY_LIMIT = 5
#: How long a removed event's tombstone is kept, in days of revision time.
TOMBSTONE_DAYS = 90
#: Revision times lie in this range (so a second can always be added, and every output
#: can write them).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9997, 12, 31, 23, 59, 59, tzinfo=UTC)
#: iCalendar's SEQUENCE is an INTEGER: a signed 32-bit number (RFC 5545, 3.3.8).
MAX_SEQUENCE = 2**31 - 1
_ABOUT = "Kept by `asean-timeline render`; commit it with the outputs, do not edit it."

EventRecord = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One revision of an event: its number, when it was made, and what the event was
    then (its canonical record; ``None`` when the event was removed)."""

    sequence: int
    modified: datetime
    record: EventRecord | None


@dataclass(frozen=True, slots=True)
class Revision:
    """The revision of one event: what it looked like, how often and when it changed."""

    fingerprint: str
    sequence: int
    created: datetime
    modified: datetime
    #: The last revisions, newest first (at most HISTORY_LIMIT); empty when read from a
    #: version-1 file, until the next render.
    history: tuple[Snapshot, ...] = ()

    @property
    def removed(self) -> bool:
        """Whether this is a removed event's tombstone."""
        return bool(self.history) and self.history[0].record is None


Revisions = Mapping[str, Revision]


class StateError(ValueError):
    """``revisions.json`` exists but cannot be read."""


def fingerprint(record: EventRecord) -> str:
    """A SHA-256 of an event's canonical record (stable across Python versions)."""
    canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def update(
    timeline: Timeline,
    previous: Revisions,
    revision_time: datetime,
    record_of: Callable[[Event], dict[str, Any]] = event_record,
) -> dict[str, Revision]:
    """The revisions after this render: new events start at 0, changed ones go up by
    one, removed ones become tombstones (and an event that comes back goes on from its
    tombstone's number).

    ``revision_time`` is truncated to whole seconds (iCalendar's resolution) and used
    for new revisions only; when there is one, tombstones older than
    :data:`TOMBSTONE_DAYS` days before it are dropped. ``record_of`` gives an event's
    canonical record (a render passes the one its presentation built).
    """
    now = revision_time.astimezone(UTC).replace(microsecond=0)
    result: dict[str, Revision] = {}
    revised = False
    for event in timeline.events:
        record = record_of(event)
        digest = fingerprint(record)
        old = previous.get(event.id)
        if old is None:
            result[event.id] = Revision(digest, 0, now, now, (Snapshot(0, now, record),))
            revised = True
        elif old.fingerprint == digest and not old.removed:
            result[event.id] = old if old.history else _with_record(old, record)
        else:
            result[event.id] = _next(old, digest, now, record)
            revised = True
    for event_id, old in previous.items():
        if event_id not in result and not old.removed:
            result[event_id] = _next(old, old.fingerprint, now, None)
            revised = True
        elif event_id not in result:
            result[event_id] = old
    if revised:
        oldest = now - timedelta(days=TOMBSTONE_DAYS)
        result = {
            event_id: revision
            for event_id, revision in result.items()
            if not (revision.removed and revision.modified < oldest)
        }
    return result


def live(revisions: Revisions) -> Iterator[tuple[str, Revision]]:
    """The revisions of events that exist (no tombstones)."""
    return ((key, value) for key, value in revisions.items() if not value.removed)


def _with_record(old: Revision, record: EventRecord) -> Revision:
    """A revision read from a version-1 file, given the record it was made from."""
    return replace(old, history=(Snapshot(old.sequence, old.modified, record),))


def _next(old: Revision, digest: str, now: datetime, record: EventRecord | None) -> Revision:
    sequence = min(old.sequence + 1, MAX_SEQUENCE)
    modified = max(now, old.modified + timedelta(seconds=1))
    history = (Snapshot(sequence, modified, record), *old.history)[:HISTORY_LIMIT]
    return Revision(digest, sequence, old.created, modified, history)


@dataclass(frozen=True, slots=True)
class State:
    """What a render leaves for the next one: revisions and the files it wrote."""

    revisions: dict[str, Revision]
    files: tuple[str, ...] = ()


def dumps(revisions: Revisions, files: Iterable[str] = ()) -> bytes:
    """Serialise revisions (and the output files written with them) as stable JSON.

    Live events are under ``events``, tombstones under ``removed``, each by id in
    sorted order; each revision of an event's ``history`` is one compact line, so a
    change shows in ``git diff`` as the lines it adds.
    """
    head = orjson.dumps(
        {"about": _ABOUT, "format": _FORMAT_VERSION, "files": sorted(files)},
        option=orjson.OPT_INDENT_2,
    )
    ordered = sorted(revisions.items())
    events = [(key, value) for key, value in ordered if not value.removed]
    removed = [(key, value) for key, value in ordered if value.removed]
    parts = [head[:-2], b",\n"]
    parts += _section(b"events", events)
    parts.append(b",\n")
    parts += _section(b"removed", removed)
    parts.append(b"\n}\n")
    return b"".join(parts)


def _section(name: bytes, items: list[tuple[str, Revision]]) -> list[bytes]:
    if not items:
        return [b'  "', name, b'": {}']
    entries = [_entry(key, value) for key, value in items]
    return [b'  "', name, b'": {\n', b",\n".join(entries), b"\n  }"]


def _entry(event_id: str, revision: Revision) -> bytes:
    history = b",\n".join(
        b"        "
        + orjson.dumps(
            {
                "sequence": snapshot.sequence,
                "modified": utc_stamp(snapshot.modified),
                "record": snapshot.record,
            }
        )
        for snapshot in revision.history
    )
    return b"".join(
        [
            b"    ",
            orjson.dumps(event_id),
            b': {\n      "fingerprint": ',
            orjson.dumps(revision.fingerprint),
            b',\n      "sequence": ',
            str(revision.sequence).encode(),
            b',\n      "created": "',
            utc_stamp(revision.created).encode(),
            b'",\n      "modified": "',
            utc_stamp(revision.modified).encode(),
            b'",\n      "history": [',
            b"\n" + history + b"\n      ]" if history else b"]",
            b"\n    }",
        ]
    )


def loads(raw: bytes) -> dict[str, Revision]:
    """The revisions of :func:`dumps` output; raise :class:`StateError` if it is not that."""
    return loads_state(raw).revisions


def loads_state(raw: bytes) -> State:
    """Parse :func:`dumps` output (or a version-1 file); raise :class:`StateError` if it
    is neither."""
    try:
        document: Any = orjson.loads(raw)
        if document.get("format") not in _READABLE_FORMATS:
            raise StateError(f"unsupported format {document.get('format')!r}")
        files = tuple(str(name) for name in document.get("files", []))
        revisions = {
            str(event_id): _revision(str(event_id), item)
            for section in ("events", "removed")
            for event_id, item in document.get(section, {}).items()
        }
        return State(revisions, files)
    except (orjson.JSONDecodeError, AttributeError, KeyError) as error:
        raise StateError(str(error)) from None
    except (TypeError, ValueError) as error:
        raise StateError(str(error)) from None


def _revision(event_id: str, item: Any) -> Revision:
    """One event's entry, checked: a sequence iCalendar can hold, times in range and in
    order, and a history of records of the canonical shape (or tombstones)."""
    sequence = _sequence(event_id, item["sequence"])
    created = _time(event_id, "created", item["created"])
    modified = _time(event_id, "modified", item["modified"])
    if modified < created:
        raise StateError(f"event {event_id!r}: modified is before created")
    history = tuple(
        Snapshot(
            _sequence(event_id, entry["sequence"]),
            _time(event_id, "modified", entry["modified"]),
            _record(event_id, entry["record"]),
        )
        for entry in item.get("history", ())
    )
    return Revision(str(item["fingerprint"]), sequence, created, modified, history)


#: The keys of every canonical record (records.event_record), checked on loading so that
#: a damaged history is reported as such, not met later by an exporter.
_RECORD_KEYS = frozenset(
    [
        "id",
        "title",
        "precision",
        "start",
        "end",
        "recurrence",
        "status",
        "location",
        "countries",
        "tags",
        "description",
        "url",
        "sources",
    ]
)


def _record(event_id: str, record: object) -> EventRecord | None:
    if record is None:
        return None
    if not isinstance(record, dict) or not record.keys() >= _RECORD_KEYS:
        raise StateError(f"event {event_id!r}: a revision's record is not an event record")
    return record


def _sequence(event_id: str, sequence: object) -> int:
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        raise StateError(
            f"event {event_id!r}: sequence {sequence!r} is not a whole number from 0 to "
            f"{MAX_SEQUENCE:,}"
        )
    return sequence


def _time(event_id: str, name: str, text: object) -> datetime:
    value = _parse_stamp(text)
    if not EARLIEST <= value <= LATEST:
        raise StateError(
            f"event {event_id!r}: {name} {utc_stamp(value)} is outside {EARLIEST.year} to "
            f"{LATEST.year}"
        )
    return value


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@lru_cache(maxsize=4096)  # most events share a handful of revision times
def _parse_stamp(text: object) -> datetime:
    # fromisoformat after a shape check: strptime costs ~10 µs, three times per event.
    if not isinstance(text, str) or not _STAMP.fullmatch(text):
        raise StateError(f"not a timestamp: {text!r}")
    return datetime.fromisoformat(text)
