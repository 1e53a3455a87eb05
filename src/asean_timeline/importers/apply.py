"""An import, checked whole: read every file, plan the changes, validate the timeline they
make together, and say what would be written.

Nothing here writes: :func:`prepare` returns the new document data and the plan, or raises
:class:`InvalidInputError` with every problem of every file (each named by the file and
line or row it came from), so the command writes all of it or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asean_timeline.importers import read_file
from asean_timeline.importers.base import Batch, Origin, Report
from asean_timeline.importers.merge import Change, Outcome, Plan, plan
from asean_timeline.load import Document
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity

if TYPE_CHECKING:
    from asean_timeline.includes import Sources


@dataclass(slots=True)
class Prepared:
    """A checked import: the plan, the timeline it makes, and the warnings of its events."""

    plan: Plan
    #: The timeline as it will be after the import (validated).
    timeline: Timeline
    #: The file new events go into; whether it exists (else the import creates it).
    target: Path
    exists: bool
    #: The ``[calendar]`` table of a new file.
    calendar: dict[str, Any]
    warnings: list[Problem]
    #: The timeline's files as read (None for a new file): the writer edits these.
    sources: Sources | None
    #: The file each existing event is in (a timeline may include several files).
    homes: dict[str, Path] = field(default_factory=dict)
    #: What the files say of their calendar that an existing timeline kept as it was.
    kept_calendar: dict[str, str] = field(default_factory=dict)
    #: The target's data as validated here, when the timeline is that one file: the writer
    #: need not validate a file that parses back to exactly this again.
    checked_data: dict[str, Any] | None = None

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
    """Plan the import of ``batches`` into ``target`` (with the files it includes) and
    validate the timeline that results; :class:`InvalidInputError` with every problem."""
    from asean_timeline.includes import check_sources, read_sources, sources_of

    exists = target.exists()
    sources = read_sources(target) if exists else None
    before = None
    homes: dict[str, Path] = {}
    existing: list[dict[str, Any]] = []
    if sources is not None:
        before, problems = check_sources(sources)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors or before is None:
            raise InvalidInputError(errors)
        for path, document in zip(sources.paths, sources.documents, strict=True):
            for table in _events_of(document):
                homes[str(table.get("id"))] = path
                existing.append(table)
    calendar = _new_calendar(target, batches) if not exists else {}
    uid_domain = before.calendar.uid_domain if before is not None else calendar.get("uid_domain")
    result = plan(existing, batches, uid_domain)
    changes = {change.id: change for change in result.changes}
    would_be = _would_be(target, sources, calendar, changes, homes)
    main = would_be.pop(target.resolve())
    after, problems = check_sources(sources_of(main, target, would_be))
    origins = {change.id: change.origin for change in result.changes}
    errors = [_at_origin(p, origins) for p in problems if p.severity is Severity.ERROR]
    if not exists:
        errors = [_for_a_new_file(p, target) for p in errors]
    if errors or after is None:
        raise InvalidInputError(errors)
    if before is not None:
        _settle_unchanged(result, before, after)
    imported = {change.id for change in result.changes if change.outcome is not Outcome.UNCHANGED}
    warnings = [
        _at_origin(p, origins)
        for p in problems
        if p.severity is Severity.WARNING and p.event_id in imported
    ]
    kept: dict[str, str] = {}
    if before is not None:
        title = next((b.calendar["title"] for b in batches if b.calendar.get("title")), None)
        if title and title != before.calendar.title:
            kept["title"] = title
    single = sources is None or not sources.patterns
    checked = main.data if single else None
    return Prepared(
        result, after, target, exists, calendar, warnings, sources, homes, kept, checked
    )


def _events_of(document: Document) -> list[dict[str, Any]]:
    events = document.data.get("events", [])
    return (
        [table for table in events if isinstance(table, dict)] if isinstance(events, list) else []
    )


def _would_be(
    target: Path,
    sources: Sources | None,
    calendar: dict[str, Any],
    changes: dict[str, Change],
    homes: dict[str, Path],
) -> dict[Path, Document]:
    """Each file of the timeline as the import would leave it (by resolved path): updated
    events in the file they are in, added ones at the end of ``target``."""
    files = (
        dict(zip(sources.paths, sources.documents, strict=True))
        if sources is not None
        else {target: Document(str(target), {"calendar": calendar}, b"")}
    )
    result: dict[Path, Document] = {}
    for path, document in files.items():
        data = dict(document.data)
        events = _events_of(document)
        if any(str(table.get("id")) in changes for table in events):
            data["events"] = [
                changes[str(t.get("id"))].table if str(t.get("id")) in changes else t
                for t in events
            ]
        if path == target or path.resolve() == target.resolve():
            added = [c.table for c in changes.values() if c.outcome is Outcome.ADDED]
            if added:
                data["events"] = [*data.get("events", []), *added]
        result[path.resolve()] = (
            document if data == document.data else Document(document.name, data, b"")
        )
    return result


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


def _settle_unchanged(result: Plan, old: Timeline, new: Timeline) -> None:
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
