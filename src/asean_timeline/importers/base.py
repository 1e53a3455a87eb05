"""What a reader makes of one file: event tables in the file format's own shape, and a record
of everything it could not carry over.

A reader never prints and never raises for a user's mistake in one event: it collects a
:class:`~asean_timeline.problems.Problem` (with the file and line or row) and goes on, so one
run reports everything wrong with a file. It raises :class:`InvalidInputError` only when the
file as a whole cannot be read (not UTF-8, not a calendar, no header row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from asean_timeline.problems import Problem

#: Told of long work: what is being done, how much of it is done, and of how much.
Report = Callable[[str, int, int], None]

#: The keys of an event table that say when it happens: replaced together on an update.
DATE_KEYS = frozenset({"date", "start", "end", "duration", "between", "timezone"})


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an event came from: ``sheet.csv:14`` or ``calendar.ics:120``."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(slots=True)
class ImportedEvent:
    """One event as a table of ``events.toml`` (the file format's keys and value types).

    ``table`` has no ``id`` yet unless the source named one (a CSV ``id`` column, or one
    of our own UIDs); :mod:`asean_timeline.importers.merge` gives the others theirs.
    ``uid`` is the source calendar's UID for an event that is not ours: it is stored in
    the event's ``uid`` field, so a later import of the same calendar updates the event.
    ``owned`` lists the keys the source speaks for: an update replaces those and keeps
    every other key of the existing event (sources added by hand, say).
    """

    table: dict[str, Any]
    origin: Origin
    owned: frozenset[str]
    uid: str | None = None
    #: The first day, for an id made from the title and the date.
    first_day: date | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """An event of the source that is not imported, and why."""

    origin: Origin
    what: str
    reason: str


@dataclass(slots=True)
class Batch:
    """Everything read from one file."""

    name: str
    events: list[ImportedEvent] = field(default_factory=list)
    #: ``[calendar]`` keys the source gives (its name, description, zone): used when the
    #: import creates a new timeline file, and for TimelineJS's ``title`` row.
    calendar: dict[str, str] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: What the file format has no place for, by kind ("alarms (VALARM)") → how many.
    dropped: Counter[str] = field(default_factory=Counter)
    #: The format that read it (``ics``, ``csv``, ``timelinejs``).
    format: str = ""

    def fail(
        self,
        message: str,
        origin: Origin,
        *,
        hint: str | None = None,
        column: str | None = None,
    ) -> None:
        """Record a problem at ``origin`` (``column`` names the CSV column or the property)."""
        self.problems.append(
            Problem(message, file=origin.file, line=origin.line, field=column, hint=hint)
        )
