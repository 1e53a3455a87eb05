"""A checked import written through the one source-file writer (:mod:`asean_timeline.sourcefile`).

Updated events are edited in place, field by field, in the file they are in (their
comments and key order stay); added events are appended to the target file in the
canonical layout; a new timeline file starts with its ``[calendar]`` table. The writer
validates each file it would write with the whole timeline around it and refuses if the
file changed since the import read it.

Every file is checked before any is written, so a problem writes nothing. A timeline over
several files is written one file at a time: each is atomic, and each file's edits are
valid with the others old or new (updates and additions touch different events).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from asean_timeline.importers.apply import Prepared
from asean_timeline.importers.merge import Change, Outcome

if TYPE_CHECKING:
    from collections.abc import Sequence

    from asean_timeline.load import Document
    from asean_timeline.problems import Problem
    from asean_timeline.sourcefile import Checker, SourceFile


def save(prepared: Prepared) -> list[Path]:
    """Write the import; the files written."""
    from asean_timeline.includes import checker_for
    from asean_timeline.layout import table_text
    from asean_timeline.sourcefile import SourceFile

    if not prepared.changed:
        return []
    target = prepared.target
    sources = prepared.sources
    edited: dict[Path, SourceFile] = {}
    if sources is None:
        text = table_text("calendar", prepared.calendar, "[calendar]")
        edited[target] = SourceFile.new(target, text)
    else:
        documents = dict(zip(sources.paths, sources.documents, strict=True))
        for path, document in documents.items():
            if path == target or any(
                prepared.homes.get(c.id) == path
                for c in prepared.plan.changes
                if c.outcome is Outcome.UPDATED
            ):
                edited[path] = SourceFile.of(path, document)
    for change in prepared.plan.changes:
        if change.outcome is Outcome.UPDATED:
            edited[prepared.homes[change.id]].set_event_fields(change.id, _edits(change))
    for change in prepared.plan.changes:
        if change.outcome is Outcome.ADDED:
            edited[target].append_event(change.table)
    checks = {
        path: checker_for(sources, path)
        if sources is not None and sources.patterns
        else _checked_or_alone(prepared)
        for path in edited
    }
    if len(edited) > 1:  # check every file before writing any: a problem leaves them all
        for path, source in edited.items():
            source.save(checks[path], dry_run=True)
    written = []
    for path, source in edited.items():
        if source.save(checks[path]).written:
            written.append(path)
    return written


def _checked_or_alone(prepared: Prepared) -> Checker:
    """The writer's check of a one-file timeline: a file that parses back to exactly the
    data :func:`~asean_timeline.importers.apply.prepare` validated has no error (it was
    refused otherwise) and is not validated twice; anything else is validated whole."""
    from asean_timeline.sourcefile import check_alone

    def check(document: Document) -> Sequence[Problem]:
        if prepared.checked_data is not None and document.data == prepared.checked_data:
            return ()
        return check_alone(document)

    return check


def _edits(change: Change) -> dict[str, Any]:
    """The fields to set (or remove) to turn the event's table into the imported one."""
    from asean_timeline.sourcefile import REMOVE

    before, after = change.previous or {}, change.table
    return {
        key: after.get(key, REMOVE)
        for key in dict.fromkeys([*before, *after])
        if key not in after or before.get(key) != after[key]
    }
