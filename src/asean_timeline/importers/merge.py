"""Imported events → ids, and a plan of what changes in the timeline they join.

Ids are stable, so importing the same file twice changes nothing the second time and an
updated export updates its events instead of adding them again:

1. An id the source names (a CSV ``id`` column, our own UID ``<id>@<uid_domain>``) is used.
2. Another calendar's UID is looked up in the timeline's ``uid`` fields; an event seen
   before keeps its id.
3. A new event's id is a slug of its title and first day
   (``japan-asean-summit-2023-12-17``); when that is taken, ``-2``, ``-3``, … in the order
   of (slug, UID, title), which does not depend on the order of the file.
4. Events with neither (TimelineJS rows) are known by that slug: the first row with a
   given slug is ``slug``, the second ``slug-2``, …, skipping ids that belong to an event
   with a ``uid``; an existing event with that id is updated.

An update replaces the keys the source speaks for (:attr:`ImportedEvent.owned`) and keeps
the others, so sources or countries added by hand survive a re-import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from asean_timeline.importers.base import Batch, ImportedEvent, Origin, Skip
from asean_timeline.importers.text import tag_of
from asean_timeline.validate import EVENT_KEYS, ID_PATTERN, MAX_LENGTH

#: The order of an event table's keys as the importer writes them.
KEY_ORDER = (*EVENT_KEYS, "uid")
_RANK = {key: rank for rank, key in enumerate(KEY_ORDER)}


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(slots=True)
class Change:
    """What happens to one event: its id, its table as it will be, and where it came from."""

    outcome: Outcome
    id: str
    table: dict[str, Any]
    origin: Origin
    previous: dict[str, Any] | None = None


@dataclass(slots=True)
class Plan:
    """Every change an import makes, and what it leaves out."""

    changes: list[Change] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for change in self.changes if change.outcome is outcome)


def ordered(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` with its keys in the file format's order (unknown keys last, as they were)."""
    return dict(sorted(table.items(), key=lambda item: _RANK.get(item[0], len(_RANK))))


def slug_id(imported: ImportedEvent) -> str:
    """``<title slug>-<first day>``, cut to fit the id length limit."""
    day = imported.first_day.isoformat() if imported.first_day else ""
    value = imported.table.get("date")
    if isinstance(value, str):  # a year or a month: the id says no more than the date
        day = value
    title = tag_of(str(imported.table.get("title", ""))) or "event"
    room = MAX_LENGTH["id"] - len(day) - 4  # "-" before the day, and "-NN" for collisions
    base = title[:room].strip("-")
    return f"{base}-{day}" if day else base


def plan(
    existing: list[dict[str, Any]],
    batches: list[Batch],
    uid_domain: str | None,
) -> Plan:
    """The changes that importing ``batches`` makes to the event tables ``existing``."""
    result = Plan()
    by_id = {str(table.get("id")): table for table in existing}
    by_uid = {str(table["uid"]): str(table.get("id")) for table in existing if "uid" in table}
    assigned: dict[str, ImportedEvent] = {}
    keyed_by_slug: list[ImportedEvent] = []
    new_with_uid: list[ImportedEvent] = []

    def claim(event_id: str, imported: ImportedEvent) -> None:
        first = assigned.get(event_id)
        if first is not None:
            result.skipped.append(
                Skip(
                    imported.origin,
                    f"event {event_id!r}",
                    f"the same event is also at {first.origin}; the first one is imported",
                )
            )
            return
        assigned[event_id] = imported

    for batch in batches:
        result.skipped.extend(batch.skipped)
        result.dropped.update(batch.dropped)
        for imported in batch.events:
            given = imported.table.get("id")
            uid = imported.uid
            if isinstance(given, str) and given:
                claim(given, imported)
            elif uid is not None and uid in by_uid:
                claim(by_uid[uid], imported)
            elif uid is not None and _own_uid(uid, uid_domain):
                imported.uid = None
                claim(uid.rpartition("@")[0], imported)
            elif uid is not None:
                new_with_uid.append(imported)
            else:
                keyed_by_slug.append(imported)

    uid_owned = {str(table.get("id")) for table in existing if "uid" in table}
    # Rows known only by their slug take the first id of the series not already used in
    # this import or owned by another calendar's event (an existing one is updated).
    blocked = uid_owned | set(assigned)
    for imported in sorted(keyed_by_slug, key=lambda e: (slug_id(e), str(e.table.get("title")))):
        candidate = _first_free(slug_id(imported), blocked)
        blocked.add(candidate)
        claim(candidate, imported)
    taken = set(by_id) | set(assigned)
    for imported in sorted(new_with_uid, key=lambda e: (slug_id(e), e.uid or "")):
        candidate = _first_free(slug_id(imported), taken)
        taken.add(candidate)
        claim(candidate, imported)

    for event_id, imported in assigned.items():
        result.changes.append(_change(event_id, imported, by_id.get(event_id)))
    return result


def _own_uid(uid: str, uid_domain: str | None) -> bool:
    local, at, domain = uid.rpartition("@")
    return bool(at) and domain == uid_domain and ID_PATTERN.fullmatch(local) is not None


def _first_free(base: str, taken: set[str]) -> str:
    """The first of ``base``, ``base-2``, ``base-3``, … not in ``taken``."""
    number = 1
    while True:
        candidate = base if number == 1 else f"{base}-{number}"
        if candidate not in taken:
            return candidate
        number += 1


def _change(event_id: str, imported: ImportedEvent, previous: dict[str, Any] | None) -> Change:
    table = {key: value for key, value in imported.table.items() if key != "id"}
    if imported.uid is not None:
        table["uid"] = imported.uid
    if previous is None:
        return Change(Outcome.ADDED, event_id, ordered({"id": event_id, **table}), imported.origin)
    kept = {
        key: value
        for key, value in previous.items()
        if key not in imported.owned and key not in table and key != "uid"
    }
    if "uid" in previous and imported.uid is None:
        kept["uid"] = previous["uid"]
    merged = ordered({**kept, **table, "id": event_id})
    outcome = Outcome.UNCHANGED if merged == previous else Outcome.UPDATED
    return Change(outcome, event_id, merged, imported.origin, previous)
