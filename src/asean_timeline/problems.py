"""Problems found in a user's input, and the one exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: A value quoted in a message is cut to this many characters (see :func:`excerpt`).
EXCERPT_LENGTH = 60
#: An event id is shown whole up to the longest id the file may hold.
MAX_ID_SHOWN = 100


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """``text`` whole if it is at most ``limit`` characters, else its start marked with "…".

    Every message that quotes what the user wrote quotes it through this: a value of
    50 MB on one line is shown as its first few words, not printed back whole.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


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

    def __post_init__(self) -> None:
        # An id or key as written may be any length: a problem names it by its start.
        if self.event_id is not None and len(self.event_id) > MAX_ID_SHOWN:
            object.__setattr__(self, "event_id", excerpt(self.event_id, MAX_ID_SHOWN))
        if self.field is not None and len(self.field) > EXCERPT_LENGTH:
            object.__setattr__(self, "field", excerpt(self.field))

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
