"""The timeline's recent changes, told from the history in ``revisions.json``.

Each revision an event's history still holds next to the one before it becomes an
entry: added (its first revision, or its return after a tombstone), changed,
cancelled, or removed (a tombstone). The changes feed (``changes.xml``) and the
changes page (``changes.md``) both list :func:`recent_changes`, newest first.
Nothing here reads a clock: every time is a revision's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asean_timeline.changes import ChangeKind, EventChange, event_change
from asean_timeline.model import Timeline
from asean_timeline.revisions import Revisions

#: How each kind of change is named in titles and lists.
KIND_LABELS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.CHANGED: "Changed",
    ChangeKind.CANCELLED: "Cancelled",
    ChangeKind.REMOVED: "Removed",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One change of one event: which revision, when, and what changed."""

    event_id: str
    sequence: int
    updated: datetime  # the revision's time
    created: datetime  # when the event first appeared (part of the entry's stable id)
    change: EventChange

    def tag_uri(self, uid_domain: str) -> str:
        """A stable id for this revision (RFC 4151): the same on every render."""
        return f"tag:{uid_domain},{self.created:%Y-%m-%d}:{self.event_id}/{self.sequence}"


def recent_changes(revisions: Revisions, limit: int) -> list[Entry]:
    """The ``limit`` newest changes, newest first; changes made at the same time by
    event id.

    A revision whose predecessor has left the bounded history (or that came from a
    version-1 file, which kept no records) cannot be told and is left out; a first
    revision (sequence 0) is always an addition.
    """
    candidates = []
    for event_id, revision in revisions.items():
        history = revision.history
        for index, snapshot in enumerate(history):
            if index + 1 == len(history) and snapshot.sequence != 0:
                continue
            candidates.append((snapshot.modified, event_id, snapshot.sequence, index))
    candidates.sort(key=lambda c: (-c[0].timestamp(), c[1], -c[2]))
    entries: list[Entry] = []
    for modified, event_id, sequence, index in candidates:
        if len(entries) == limit:
            break
        revision = revisions[event_id]
        history = revision.history
        before = history[index + 1].record if index + 1 < len(history) else None
        change = event_change(before, history[index].record)
        if change is not None:  # two equal records in a row (a hand-edited file)
            entries.append(Entry(event_id, sequence, modified, revision.created, change))
    return entries


def newest_revision(revisions: Revisions) -> datetime | None:
    """When the timeline last changed (the newest revision of any event or tombstone)."""
    return max((revision.modified for revision in revisions.values()), default=None)


def entry_title(entry: Entry) -> str:
    """``Changed: Title (date, sources)``: what happened, to what, in which fields."""
    change = entry.change
    title = f"{KIND_LABELS[change.kind]}: {change.title}"
    if change.kind is ChangeKind.CHANGED and change.fields:
        title += " (" + ", ".join(field.field for field in change.fields) + ")"
    return title


def event_link(timeline: Timeline, event_id: str) -> str:
    """The event on the timeline page: ``<calendar url>#<id>``, else ``index.html#<id>``."""
    page = timeline.calendar.url or "index.html"
    return f"{page.split('#', 1)[0]}#{event_id}"
