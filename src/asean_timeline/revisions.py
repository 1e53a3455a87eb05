"""Per-event revision history, so edits reach calendar subscribers.

iCalendar clients notice an edited event by a higher SEQUENCE and a newer
LAST-MODIFIED. Users should not keep those by hand, so ``render`` keeps them in
``revisions.json`` beside the outputs: for each event id, a fingerprint of the
event's content, its sequence number, and when it was first and last seen to
change. An event whose fingerprint is unchanged keeps its numbers, so an
unchanged input renders byte-identical outputs.

No clock is read. The time given to a new revision is passed in by the caller
(``SOURCE_DATE_EPOCH`` or the input file's modification time, see the CLI), and
is always later than the event's previous revision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from asean_timeline.model import Event, Timeline
from asean_timeline.records import event_record
from asean_timeline.timefmt import utc_stamp

STATE_FILENAME = "revisions.json"
_FORMAT_VERSION = 1
#: Revision times lie in this range (so a second can always be added, and every output
#: can write them).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9997, 12, 31, 23, 59, 59, tzinfo=UTC)
#: iCalendar's SEQUENCE is an INTEGER: a signed 32-bit number (RFC 5545, 3.3.8).
MAX_SEQUENCE = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Revision:
    """The revision of one event: what it looked like, how often and when it changed."""

    fingerprint: str
    sequence: int
    created: datetime
    modified: datetime


Revisions = Mapping[str, Revision]


class StateError(ValueError):
    """``revisions.json`` exists but cannot be read."""


def fingerprint(event: Event, record: Callable[[Event], dict[str, Any]] = event_record) -> str:
    """A SHA-256 of the event's canonical record (stable across Python versions).

    ``record`` gives the record (a render passes the one its presentation built).
    """
    canonical = orjson.dumps(record(event), option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def update(
    timeline: Timeline,
    previous: Revisions,
    revision_time: datetime,
    record: Callable[[Event], dict[str, Any]] = event_record,
) -> dict[str, Revision]:
    """The revisions after this render: new events start at 0, changed ones go up by one.

    Events no longer in the timeline are dropped. ``revision_time`` is truncated
    to whole seconds (iCalendar's resolution) and used for new revisions only;
    ``record`` is as for :func:`fingerprint`.
    """
    now = revision_time.astimezone(UTC).replace(microsecond=0)
    result: dict[str, Revision] = {}
    for event in timeline.events:
        digest = fingerprint(event, record)
        old = previous.get(event.id)
        if old is None:
            result[event.id] = Revision(digest, 0, now, now)
        elif old.fingerprint == digest:
            result[event.id] = old
        else:
            modified = max(now, old.modified + timedelta(seconds=1))
            sequence = min(old.sequence + 1, MAX_SEQUENCE)
            result[event.id] = Revision(digest, sequence, old.created, modified)
    return result


@dataclass(frozen=True, slots=True)
class State:
    """What a render leaves for the next one: revisions and the files it wrote."""

    revisions: dict[str, Revision]
    files: tuple[str, ...] = ()


def dumps(revisions: Revisions, files: Iterable[str] = ()) -> bytes:
    """Serialise revisions (and the output files written with them) as stable JSON."""
    document = {
        "about": "Kept by `asean-timeline render`; commit it with the outputs, do not edit it.",
        "format": _FORMAT_VERSION,
        "files": sorted(files),
        "events": {
            event_id: {
                "fingerprint": revision.fingerprint,
                "sequence": revision.sequence,
                "created": utc_stamp(revision.created),
                "modified": utc_stamp(revision.modified),
            }
            for event_id, revision in sorted(revisions.items())
        },
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def loads(raw: bytes) -> dict[str, Revision]:
    """The revisions of :func:`dumps` output; raise :class:`StateError` if it is not that."""
    return loads_state(raw).revisions


def loads_state(raw: bytes) -> State:
    """Parse :func:`dumps` output; raise :class:`StateError` if it is not that."""
    try:
        document: Any = orjson.loads(raw)
        if document.get("format") != _FORMAT_VERSION:
            raise StateError(f"unsupported format {document.get('format')!r}")
        files = tuple(str(name) for name in document.get("files", []))
        revisions = {
            str(event_id): _revision(str(event_id), item)
            for event_id, item in document["events"].items()
        }
        return State(revisions, files)
    except (orjson.JSONDecodeError, AttributeError, KeyError) as error:
        raise StateError(str(error)) from None
    except (TypeError, ValueError) as error:
        raise StateError(str(error)) from None


def _revision(event_id: str, item: Any) -> Revision:
    """One event's entry, checked: a sequence iCalendar can hold, times in range and in order."""
    sequence = item["sequence"]
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        raise StateError(
            f"event {event_id!r}: sequence {sequence!r} is not a whole number from 0 to "
            f"{MAX_SEQUENCE:,}"
        )
    created = _parse_stamp(item["created"])
    modified = _parse_stamp(item["modified"])
    for name, value in (("created", created), ("modified", modified)):
        if not EARLIEST <= value <= LATEST:
            raise StateError(
                f"event {event_id!r}: {name} {utc_stamp(value)} is outside {EARLIEST.year} to "
                f"{LATEST.year}"
            )
    if modified < created:
        raise StateError(f"event {event_id!r}: modified is before created")
    return Revision(str(item["fingerprint"]), sequence, created, modified)


def _parse_stamp(text: object) -> datetime:
    if not isinstance(text, str):
        raise StateError(f"not a timestamp: {text!r}")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
