"""The web addresses of a validated timeline, each with where it is written, and edits to them.

``sources check`` and ``sources archive`` work on the documents as written (the main
file and the files it includes), after validation has said the timeline is sound, so
each address keeps its ``file:line``, event id and source number. What they change
comes back as :class:`SourceEdit` values (plain data), which :func:`apply_edits`
hands to the one source-file writer, :mod:`asean_timeline.sourcefile`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from asean_timeline.includes import Sources
    from asean_timeline.load import Document
    from asean_timeline.sourcefile import SaveResult


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One address in the file: an event's ``url`` or one of its sources' ``url``."""

    url: str
    file: str
    line: int | None
    event_id: str
    #: The source's place in the event's ``sources`` (0 = first); None for the event's url.
    source_index: int | None
    #: The source's other keys as written (``accessed``, ``published``, ``archived``...).
    source: dict[str, Any] | None = None

    @property
    def field(self) -> str:
        """``url`` or ``sources[0].url``: the key this address is written in."""
        return "url" if self.source_index is None else f"sources[{self.source_index}].url"

    @property
    def location(self) -> str:
        """``file:line``."""
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """Set ``field`` of an event (source_index None) or of one of its sources."""

    #: The file's name as problems show it (:attr:`LinkTarget.file`).
    file: str
    event_id: str
    source_index: int | None
    field: str
    value: str | date

    @property
    def shown_value(self) -> str:
        """The value as text: ISO for a day."""
        return self.value.isoformat() if isinstance(self.value, date) else self.value


def load_targets(path: Path) -> tuple[list[LinkTarget], Sources]:
    """Validate the timeline of ``path`` (with its includes) and list its addresses.

    Addresses come in file order, the main file's first. Raise
    :class:`InvalidInputError` with every problem if the timeline is invalid: links
    are checked only in a timeline that would render.
    """
    from asean_timeline.includes import validated_sources

    sources = validated_sources(path)[0]
    targets = [target for document in sources.documents for target in collect_targets(document)]
    return targets, sources


def collect_targets(document: Document) -> list[LinkTarget]:
    """Every event and source address of a (valid) document, in file order."""
    targets: list[LinkTarget] = []
    events = document.data.get("events", [])
    if not isinstance(events, list):
        return targets
    positions = document.positions
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        event_id = str(event.get("id", f"#{index + 1}"))
        url = event.get("url")
        if isinstance(url, str):
            line = positions.line("events", index, "url")
            targets.append(LinkTarget(url, document.name, line, event_id, None))
        sources = event.get("sources", [])
        for number, source in enumerate(sources if isinstance(sources, list) else []):
            if isinstance(source, dict) and isinstance(source.get("url"), str):
                line = positions.line("events", index, "sources", number, "url")
                targets.append(
                    LinkTarget(source["url"], document.name, line, event_id, number, dict(source))
                )
    return targets


def apply_edits(
    sources: Sources, edits: Sequence[SourceEdit], *, dry_run: bool = False
) -> list[SaveResult]:
    """Make ``edits`` through the source-file writer, one save per file edited.

    Each file is checked as part of the whole timeline before it is written, and is
    not written if it changed since it was read (see :mod:`asean_timeline.sourcefile`,
    whose errors are raised as they come). With ``dry_run`` every check is made and
    nothing is written.
    """
    from asean_timeline.includes import checker_for
    from asean_timeline.sourcefile import SourceFile

    by_name = {
        document.name: (path, document)
        for path, document in zip(sources.paths, sources.documents, strict=True)
    }
    # One change per table: every field of a source is set in one step.
    grouped: dict[str, dict[tuple[str, int | None], dict[str, str | date]]] = {}
    for edit in edits:
        table = grouped.setdefault(edit.file, {}).setdefault((edit.event_id, edit.source_index), {})
        table[edit.field] = edit.value
    results = []
    for name, tables in grouped.items():
        path, document = by_name[name]
        source_file = SourceFile.of(path, document)
        for (event_id, source_index), changes in tables.items():
            if source_index is None:
                source_file.set_event_fields(event_id, changes)
            else:
                source_file.set_source_fields(event_id, source_index, changes)
        results.append(source_file.save(checker_for(sources, path), dry_run=dry_run))
    return results
