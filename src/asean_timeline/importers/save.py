"""A checked import written through the one source-file writer (:mod:`asean_timeline.sourcefile`).

Updated events are edited in place, field by field (their comments and key order stay);
added events are appended in the canonical layout; a new timeline file gets its
``[calendar]`` table first. The writer validates the text it would write and refuses if
the file changed since the import read it, so nothing half-done is ever written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asean_timeline.importers.apply import Prepared
from asean_timeline.importers.merge import Outcome
from asean_timeline.problems import OutputError


def save(prepared: Prepared, target: Path) -> bool:
    """Write the import into ``target``; whether anything was written."""
    from asean_timeline.sourcefile import REMOVE, SourceFile

    if not prepared.changed:
        return False
    if prepared.exists:
        source = SourceFile.read(target)
        if prepared.document is None or source.document.raw != prepared.document.raw:
            raise OutputError(
                f"{target} changed while the import was being checked; nothing was written. "
                "Run the import again."
            )
    else:
        source = SourceFile.new(target, prepared.calendar)
    added: list[dict[str, Any]] = []
    for change in prepared.plan.changes:
        if change.outcome is Outcome.ADDED:
            added.append(change.table)
        elif change.outcome is Outcome.UPDATED and change.previous is not None:
            before, after = change.previous, change.table
            edits: dict[str, Any] = {
                key: after.get(key, REMOVE)
                for key in dict.fromkeys([*before, *after])
                if key not in after or before.get(key) != after[key]
            }
            source.set_event_fields(change.id, edits)
    source.append_events(added)
    return bool(source.save().written)
