"""The text of an ``.ics`` file before it is parsed: is it whole, and where is each VEVENT?

``icalendar`` keeps no line numbers, so this scan gives them: the line each VEVENT begins
on (the n-th VEVENT parsed is the n-th found here), the line of a property inside one,
and each RRULE exactly as written (``icalendar`` reorders its parts). It also refuses a
truncated or spliced file, naming the line where it goes wrong, before parsing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from asean_timeline.problems import InvalidInputError, Problem

_STRUCTURE = re.compile(r"^(BEGIN|END):([A-Za-z0-9-]+)[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
#: The line icalendar quotes in its messages (``… 'the line': Invalid content line``).
QUOTED_LINE = re.compile(r"'([^'\r\n]{3,})'")
_RRULE_LINE = re.compile(r"^RRULE(?:;[^:\r\n]*)?:(.*(?:\r?\n[ \t].*)*)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the VEVENTs of a calendar's text are."""

    text: str
    #: The line (from 1) and the offset of each VEVENT's BEGIN, in file order.
    event_lines: list[int]
    event_starts: list[int]
    #: Each VEVENT's RRULE as written (unfolded), by VEVENT number.
    rrules: dict[int, str]

    def line_in_event(self, index: int, needle: str) -> int:
        """The line of the first line of VEVENT ``index`` that starts with ``needle``
        (case-insensitive); the VEVENT's first line if none does."""
        start, line = self.event_starts[index], self.event_lines[index]
        end = self.text.find("END:VEVENT", start)
        pattern = re.compile(rf"^{re.escape(needle)}", re.MULTILINE | re.IGNORECASE)
        found = pattern.search(self.text, start, end if end >= 0 else len(self.text))
        return line if found is None else line + self.text.count("\n", start, found.start())


def scan(text: str, name: str) -> Layout:
    """The layout of ``text``; :class:`InvalidInputError` if its components do not nest."""
    stack: list[tuple[str, int]] = []
    event_lines: list[int] = []
    event_starts: list[int] = []
    line, position = 1, 0
    for found in _STRUCTURE.finditer(text):
        line += text.count("\n", position, found.start())
        position = found.start()
        kind, component = found.group(1).upper(), found.group(2).upper()
        if kind == "BEGIN":
            if component == "VEVENT" and len(stack) == 1:
                event_lines.append(line)
                event_starts.append(position)
            stack.append((component, line))
        elif not stack or stack[-1][0] != component:
            opened = f"{stack[-1][0]} (begun on line {stack[-1][1]})" if stack else "nothing"
            raise _fail(
                name,
                line,
                f"END:{component} here closes {opened}: the file is damaged",
                "export the calendar again",
            )
        else:
            stack.pop()
    if stack:
        component, begun = stack[-1]
        raise _fail(
            name,
            line + text.count("\n", position),
            f"the file ends inside {component} (begun on line {begun}): it is cut short "
            "(an interrupted download or copy?)",
            "export or download the calendar again",
        )
    if not event_lines and "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise _fail(name, 1, "this is not an iCalendar file", "give a .ics file")
    rrules: dict[int, str] = {}
    for found in _RRULE_LINE.finditer(text):
        index = bisect_right(event_starts, found.start()) - 1
        if index >= 0:
            rrules[index] = re.sub(r"\r?\n[ \t]", "", found.group(1)).strip()
    return Layout(text, event_lines, event_starts, rrules)


def parse_problem(error: ValueError, text: str, name: str) -> Problem:
    """icalendar's refusal of the whole file, on the line it quotes when it quotes one."""
    message = str(error)
    line = None
    quoted = QUOTED_LINE.search(message)
    if quoted:
        at = text.find(quoted.group(1))
        if at >= 0:
            line = text.count("\n", 0, at) + 1
    return Problem(
        f"the file is not a valid iCalendar file: {message}",
        file=name,
        line=line,
        hint="export the calendar again; if it was edited by hand, check this line",
    )


def _fail(name: str, line: int, message: str, hint: str) -> InvalidInputError:
    return InvalidInputError([Problem(message, file=name, line=line, hint=hint)])
