"""The web addresses of a validated timeline, each with where it is written, and edits to them.

``sources check`` and ``sources archive`` work on the document as written (so each
address keeps its ``file:line``, event id and source number), after validation has
said the document is sound. What they would change comes back as
:class:`SourceEdit` values: plain data for the source-file writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asean_timeline.problems import InvalidInputError

if TYPE_CHECKING:
    from pathlib import Path

    from asean_timeline.load import Document


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
    """Set ``field`` of an event's ``url`` (source_index None) or of one of its sources."""

    file: str
    event_id: str
    source_index: int | None
    field: str
    value: str


def load_targets(path: Path) -> tuple[list[LinkTarget], Document]:
    """Validate ``path`` and list its addresses in file order.

    Raise :class:`InvalidInputError` with every problem if the file is invalid:
    links are checked only in a timeline that would render.
    """
    from asean_timeline.load import read_document
    from asean_timeline.validate import validate

    document = read_document(path)
    checked = validate(document)
    if checked.errors or checked.timeline is None:
        raise InvalidInputError(list(checked.problems))
    return collect_targets(document), document


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
