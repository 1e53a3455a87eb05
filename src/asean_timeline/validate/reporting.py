"""Where the checks of one document put what they find: a list of problems, each on its line.

Every check (of the document, a table, an event's dates, its recurrence) reports through
one :class:`Reporter`, which places the problem on the line of the key it is about and
keeps them all, so one run says everything that is wrong with the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asean_timeline.problems import Problem, Severity

if TYPE_CHECKING:
    from asean_timeline.load import Document
    from asean_timeline.scanner import TomlPath


class Reporter:
    """The problems found in one document so far; ``problems`` grows as checks fail."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.problems: list[Problem] = []

    def report(
        self,
        message: str,
        *,
        hint: str | None = None,
        at: TomlPath = (),
        line: int | None = None,
        event_id: str | None = None,
        event_number: int | None = None,
        field: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Add a problem on the line of ``at`` (a path in the document), or on ``line``."""
        self.problems.append(
            Problem(
                message,
                file=self.doc.name,
                line=self.doc.positions.line(*at) if at else line,
                event_id=event_id,
                field=field,
                hint=hint,
                severity=severity,
                event_number=event_number,
            )
        )

    @property
    def failed(self) -> bool:
        """Whether any problem so far is an error."""
        return any(p.severity is Severity.ERROR for p in self.problems)
