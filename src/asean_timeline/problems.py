"""Problems found in a user's input, and the one exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors stop a render, warnings do not (unless --strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    message: str
    file: str
    line: int | None = None
    column: int | None = None
    event_id: str | None = None
    field: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    #: The event's place in the file (1 = first), named when it has no usable id.
    event_number: int | None = None

    @property
    def location(self) -> str:
        """``file:line[:column]``, as editors and terminals link it."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class InvalidInputError(Exception):
    """Raised with every problem found, so the caller can report them all at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = problems


#: What to do about an :class:`OutputError`, unless it says otherwise.
OUTPUT_FOLDER_HINT = "check the --out folder exists and is writable"


class OutputError(Exception):
    """An output cannot be written; the message says which path and why, the hint what to do.

    Both are kept in ``args``, so the error survives pickling (worker processes send it).
    """

    def __init__(self, message: str, hint: str = OUTPUT_FOLDER_HINT) -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message
