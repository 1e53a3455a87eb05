"""An import, checked whole: read every file, plan the changes, validate the timeline they
make together, and say what would be written.

Nothing here writes: :func:`prepare` returns the new document data and the plan, or raises
:class:`InvalidInputError` with every problem of every file (each named by the file and
line or row it came from), so the command writes all of it or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asean_timeline.importers import read_file
from asean_timeline.importers.base import Batch, Origin, Report
from asean_timeline.importers.merge import Outcome, Plan, plan
from asean_timeline.load import Document, parse_document, read_document
from asean_timeline.problems import InvalidInputError, Problem, Severity


@dataclass(slots=True)
class Prepared:
    """A checked import: the plan, the document it makes, and the warnings of its events."""

    plan: Plan
    #: The target's whole data after the import (``[calendar]``, events, calendars).
    data: dict[str, Any]
    #: Whether the target file exists (else the import creates it, with ``calendar``).
    exists: bool
    #: The ``[calendar]`` table of a new file.
    calendar: dict[str, Any]
    warnings: list[Problem]
    #: The target as read (None for a new file): the writer checks it is unchanged.
    document: Document | None
    #: What the files say of their calendar that an existing timeline kept as it was.
    kept_calendar: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(change.outcome is not Outcome.UNCHANGED for change in self.plan.changes)


def read_all(
    files: list[Path], format_name: str | None, report: Report | None = None
) -> list[Batch]:
    """Every file read; every problem of every file raised together. ``report`` is told
    which file is being read, and how far a long one is."""
    batches: list[Batch] = []
    problems: list[Problem] = []
    for number, path in enumerate(files):
        if report is not None:
            report(f"reading {path}", number, len(files))
        try:
            batch = read_file(path, format_name, report)
        except InvalidInputError as error:
            problems.extend(error.problems)
            continue
        problems.extend(batch.problems)
        batches.append(batch)
    if problems:
        raise InvalidInputError(problems)
    return batches


def prepare(target: Path, batches: list[Batch]) -> Prepared:
    """Plan the import of ``batches`` into ``target`` and validate the result."""
    from asean_timeline.validate import validate

    exists = target.exists()
    document = read_document(target) if exists else None
    before = validate(document) if document is not None else None
    if before is not None and (before.errors or before.timeline is None):
        raise InvalidInputError(list(before.errors))
    data: dict[str, Any] = dict(document.data) if document is not None else {}
    calendar = _new_calendar(target, batches) if not exists else {}
    if not exists:
        data["calendar"] = calendar
    existing: list[dict[str, Any]] = list(data.get("events", []))
    uid_domain = (
        before.timeline.calendar.uid_domain
        if before is not None and before.timeline is not None
        else calendar.get("uid_domain")
    )
    result = plan(existing, batches, uid_domain)
    changes = {change.id: change for change in result.changes}
    events = [changes[t["id"]].table if t.get("id") in changes else t for t in existing]
    events += [change.table for change in result.changes if change.outcome is Outcome.ADDED]
    data["events"] = events
    after = validate(Document(str(target), data, b""))
    origins = {change.id: change.origin for change in result.changes}
    errors = [_at_origin(p, origins) for p in after.errors]
    if not exists:
        errors = [_for_a_new_file(p, target) for p in errors]
    if errors or after.timeline is None:
        raise InvalidInputError(errors)
    if before is not None and before.timeline is not None:
        _settle_unchanged(result, before.timeline, after.timeline)
        data["events"] = [
            changes[t["id"]].table if t.get("id") in changes else t for t in existing
        ] + [change.table for change in result.changes if change.outcome is Outcome.ADDED]
    imported = {change.id for change in result.changes if change.outcome is not Outcome.UNCHANGED}
    warnings = [
        _at_origin(p, origins)
        for p in after.warnings
        if p.severity is Severity.WARNING and p.event_id in imported
    ]
    kept: dict[str, str] = {}
    if before is not None and before.timeline is not None:
        title = next((b.calendar["title"] for b in batches if b.calendar.get("title")), None)
        if title and title != before.timeline.calendar.title:
            kept["title"] = title
    return Prepared(result, data, exists, calendar, warnings, document, kept)


def _at_origin(problem: Problem, origins: dict[str, Origin]) -> Problem:
    """A problem of an imported event, placed at the file and line it was read from."""
    origin = origins.get(problem.event_id or "")
    if origin is None:
        return problem
    from dataclasses import replace

    return replace(problem, file=origin.file, line=origin.line, column=None)


def _for_a_new_file(problem: Problem, target: Path) -> Problem:
    """A time with no zone, imported into a file that does not exist yet: the default zone
    can only come from a ``[calendar]`` table written first."""
    if problem.field != "timezone" or "needs a time zone" not in problem.message:
        return problem
    from dataclasses import replace

    return replace(
        problem,
        hint=f'the file has no time zone for it: create {target} with [calendar] title = "…" '
        'and timezone = "Asia/Tokyo" (your zone), then import again',
    )


def _settle_unchanged(result: Plan, old: Any, new: Any) -> None:
    """An update that changes nothing any output shows (``duration`` written as ``end``, the
    default zone written out) is no update: the event is left as it is in the file."""
    from asean_timeline.records import event_record

    old_events = {event.id: event for event in old.events}
    new_events = {event.id: event for event in new.events}
    for change in result.changes:
        if change.outcome is not Outcome.UPDATED or change.previous is None:
            continue
        previous, current = old_events.get(change.id), new_events.get(change.id)
        if previous is None or current is None:
            continue
        if event_record(previous) == event_record(current) and _same_uid(change):
            change.outcome = Outcome.UNCHANGED
            change.table = change.previous


def _same_uid(change: Any) -> bool:
    return bool(change.previous.get("uid") == change.table.get("uid"))


def _new_calendar(target: Path, batches: list[Batch]) -> dict[str, Any]:
    """``[calendar]`` for a timeline the import creates: from the first file that names one."""
    calendar: dict[str, Any] = {}
    for batch in batches:
        for key, value in batch.calendar.items():
            calendar.setdefault(key, value)
    if not calendar.get("title"):
        calendar["title"] = target.stem.replace("-", " ").replace("_", " ").strip() or "Timeline"
    order = ("title", "description", "timezone", "url", "uid_domain", "refresh_interval")
    return {key: calendar[key] for key in order if calendar.get(key)}


def parse_written(text: str, name: str) -> Document:
    """The written file parsed again (the writer's own check uses the same validator)."""
    return parse_document(text.encode(), name)
