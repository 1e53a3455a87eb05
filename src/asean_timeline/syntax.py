"""What ``tomllib``'s syntax errors mean, in words a non-programmer can act on.

``tomllib`` stops at the first error, with a terse message and a position.
:func:`syntax_problems` turns it, and what the :mod:`~asean_timeline.scanner` found on
its way through the text (keys and tables written twice, where an unclosed string or list
was opened), into problems that say what is wrong on which line and how to fix it.
:mod:`asean_timeline.load` imports this module only for a file that is not valid TOML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asean_timeline.model import date_mistake
from asean_timeline.problems import Problem, excerpt
from asean_timeline.scanner import Positions, Scan, Twice

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)")
_DATE_LIKE = re.compile(r"(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ]([0-9:.]*))?")
_VALID_ESCAPE = set('btnfr"\\uU')
_SYNTAX_HINT = (
    'text goes in double quotes ("…"), dates are written 2023-12-17, lists [ …, … ]; '
    "see https://toml.io"
)


def syntax_problems(error: str, text: str, scan: Scan, name: str) -> list[Problem]:
    """Every problem the scanner and tomllib found, explained, in line order."""
    found = _TOML_POSITION.search(error)
    detail = _TOML_POSITION.sub("", error).strip()
    line = int(found.group(1)) if found and found.group(1) else None
    column = int(found.group(2)) if found and found.group(2) else None
    positions = scan.positions
    problems = [_twice_problem(twice, positions, name) for twice in scan.twice]
    redefinition = detail.startswith(
        ("Cannot overwrite", "Cannot declare", "Cannot mutate", "Duplicate")
    )
    # tomllib stops at the first key or table written twice, which the scanner has found.
    if not (redefinition and scan.twice):
        explained = _Explainer(text, scan, line, column).explain(detail)
        event_id, number, key = positions.about_line(explained.line or 0)
        problems.append(
            Problem(
                explained.message,
                file=name,
                line=explained.line,
                column=explained.column,
                event_id=event_id,
                field=key,
                hint=explained.hint,
                event_number=number,
            )
        )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _twice_problem(twice: Twice, positions: Positions, name: str) -> Problem:
    event_id: str | None = None
    number: int | None = None
    key = None
    path = twice.path
    in_event = len(path) >= 2 and path[0] == "events" and isinstance(path[1], int)
    if in_event and isinstance(path[1], int):
        event_id = positions.ids.get(path[1])
        number = path[1] + 1
    last = excerpt(str(path[-1])) if path else ""
    if twice.kind == "key":
        key = ".".join(str(p) for p in path if isinstance(p, str)).removeprefix("events.")
        key = key.removeprefix("calendar.")
        where = (
            "in this source"
            if in_event and len(path) > 4 and path[2] == "sources"
            else "in this event"
            if in_event
            else "in [calendar]"
            if path[0] == "calendar"
            else "in the same table"
        )
        message = f"{last!s} is given twice {where} (first on line {twice.first_line})"
        hint = f"keep one of the two {last!s} lines and delete the other"
    else:
        table = excerpt(".".join(str(p) for p in twice.path if isinstance(p, str)))
        first = twice.first_line
        if twice.kind == "table":
            message = f"the table [{table}] is written twice (first on line {first})"
            hint = f"merge the two into one [{table}]: move the keys of the second one up"
        elif twice.kind == "table-after-array":
            message = (
                f"[{table}] (one pair of brackets) clashes with the [[{table}]] on line {first}"
            )
            hint = f"write [[{table}]] (two pairs of brackets) every time"
        elif twice.kind == "array-after-table":
            message = f"[[{table}]] clashes with the table [{table}] on line {first}"
            hint = f"write [[{table}]] (two pairs of brackets) every time"
        else:
            header = f"[[{table}]]" if twice.kind == "array-after-value" else f"[{table}]"
            message = f"{header} clashes with {table} = … on line {first}"
            hint = f"write {table} either as a value on line {first} or as tables, not both"
    return Problem(
        message,
        file=name,
        line=twice.line,
        event_id=event_id,
        field=key or None,
        hint=hint,
        event_number=number,
    )


@dataclass(frozen=True)
class _Explained:
    message: str
    hint: str
    line: int | None
    column: int | None


class _Explainer:
    """Turns one tomllib error into plain words and a fix, looking at the text it is about."""

    def __init__(self, text: str, scan: Scan, line: int | None, column: int | None) -> None:
        self.text = text
        self.scan = scan
        self.lines = text.split("\n")
        if line is None:  # "at end of document": the last line with anything on it
            line = max((i for i, t in enumerate(self.lines, 1) if t.strip()), default=1)
            column = None
        self.line = line
        self.column = column
        self.line_text = self.lines[line - 1].rstrip("\r") if line <= len(self.lines) else ""

    def here(self, message: str, hint: str) -> _Explained:
        return _Explained(message, hint, self.line, self.column)

    def explain(self, detail: str) -> _Explained:
        bad_date = self.bad_date()
        if bad_date is not None:
            return bad_date
        if detail.startswith(("Unterminated string", 'Expected "\'"', "Expected '\"'")):
            return self.unclosed_string()
        if detail.startswith(("Illegal character", "Found invalid character")):
            return self.illegal_character()
        if detail.startswith("Unclosed array"):
            return self.unclosed("array")
        if detail.startswith("Unclosed inline table"):
            return self.unclosed("inline table")
        if self.scan.inline_broken is not None and (
            detail.startswith("Invalid initial character for a key part")
            or detail.startswith("Unclosed inline table")
            or self.line == self.scan.inline_broken
        ):
            return _Explained(
                "an inline table { … } must be written on one line",
                "put the whole { … } on one line, or write each source as its own "
                "[[events.sources]] table (see README)",
                self.scan.inline_broken,
                None,
            )
        header = self.line_text.split("#", 1)[0].strip()
        if header.startswith("[") and "]" not in header:
            detail = "Expected ']' at the end of a table declaration"
        if detail.startswith("Expected ']' at the end of a table declaration"):
            return self.here(
                "the table name is not closed with ]",
                "write the header on a line of its own, e.g. [calendar]",
            )
        if detail.startswith("Expected ']]' at the end of an array declaration"):
            return self.here(
                "[[…]] needs two closing brackets", "write [[events]] with two ] at the end"
            )
        if detail.startswith("Invalid value"):
            return self.invalid_value()
        if detail.startswith("Unescaped '\\'"):
            return self.bad_escape()
        if detail.startswith(("Invalid hex value", "Escaped character is not a Unicode")):
            return self.here(
                "a \\u escape in this text is not a valid character code",
                "write \\u with exactly four hex digits (\\u00E9 for é), or type the character",
            )
        if detail.startswith("Expected '=' after a key"):
            return self.here(
                "a key must be followed by =",
                'write key = value, e.g. title = "Summit"; a key name has no spaces',
            )
        if detail.startswith("Expected newline or end of document after a statement"):
            return self.after_value()
        if detail.startswith("Invalid initial character for a key part"):
            rest = self.rest()
            if rest.startswith("}"):
                return self.here(
                    "a comma before } is not allowed in an inline table",
                    "delete the last comma inside { … }",
                )
            return self.here(
                "a key name was expected here",
                "key names are made of letters, digits, - and _; check for a stray character "
                "or a missing = on this line",
            )
        if detail.startswith(("Cannot overwrite", "Cannot declare", "Cannot mutate")):
            return self.here(
                "this key or table is already defined above",
                "each key may appear once per table, and each [table] once in the file; "
                "delete or rename one of them",
            )
        return self.here(f"this is not valid TOML ({detail})", _SYNTAX_HINT)

    def rest(self) -> str:
        return self.line_text[self.column - 1 :] if self.column else ""

    def bad_date(self) -> _Explained | None:
        """A date or time literal that is not a real one (TOML rejects it as syntax)."""
        if self.column is None:
            return None
        for found in _DATE_LIKE.finditer(self.line_text):
            if not found.start() <= self.column - 1 <= found.end():
                continue
            year, month, day = (int(found.group(i)) for i in (1, 2, 3))
            written = excerpt(found.group().strip())
            why = date_mistake(year, month, day)
            if why is None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", written[:10]):
                return self.here(
                    f"{written} is not written as TOML needs: four digits for the year and two "
                    "each for the month and day",
                    f"write {year:04d}-{month:02d}-{day:02d}",
                )
            if why is not None:
                return self.here(
                    f"{written} is not a real date: {why}",
                    "correct it; dates are written YYYY-MM-DD, e.g. 2023-12-17",
                )
            time_text = found.group(4)
            if time_text is not None and not re.fullmatch(
                r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?", time_text
            ):
                return self.here(
                    f"{written} is not a valid date and time",
                    "write it as 2023-12-17T10:00:00 (hours 00 to 23, with minutes and seconds)",
                )
        return None

    def unclosed_string(self) -> _Explained:
        unclosed = self.scan.unclosed
        if unclosed is not None and unclosed[0] in ('"""', "'''"):
            quotes, line, column = unclosed
            return _Explained(
                f"the text that starts here with {quotes} is never closed",
                f"end it with {quotes}; until then, everything to the end of the file is "
                "read as part of this text",
                line,
                column,
            )
        if unclosed is not None:
            return _Explained(
                "this text has no closing quote",
                "end the text with the same quote it starts with, on the same line",
                unclosed[1],
                unclosed[2],
            )
        return self.here("a text is not closed", "end the text with the same quote it starts with")

    def illegal_character(self) -> _Explained:
        index = (self.column or 1) - 1
        if index >= len(self.line_text):  # the end of the line, inside a string
            return self.here(
                "this text has no closing quote",
                'end the text with " on the same line; for text over several lines, use '
                'triple quotes: """…"""',
            )
        char = self.line_text[index]
        if char == "\r":
            return self.here(
                "a lone carriage return (CR) character is not a line break TOML accepts",
                "save the file with Unix (LF) or Windows (CRLF) line endings",
            )
        return self.here(
            f"the invisible control character U+{ord(char):04X} is not allowed here",
            'delete it (it often comes from copying and pasting); in a "…" text, write \\t '
            "for a tab and \\n for a line break",
        )

    def unclosed(self, what: str) -> _Explained:
        unclosed = self.scan.unclosed
        line, column = (unclosed[1], unclosed[2]) if unclosed else (self.line, self.column)
        if what == "array":
            return _Explained(
                "the list that starts here with [ is not closed",
                "end it with ] after the last item, and put a comma between items",
                line,
                column,
            )
        return _Explained(
            "the inline table that starts here with { is not closed",
            "end it with } on the same line, and put a comma between its keys",
            line,
            column,
        )

    def invalid_value(self) -> _Explained:
        key = excerpt(self.line_text.split("=", 1)[0].strip()) if "=" in self.line_text else ""
        rest = self.rest().split("#", 1)[0].strip()
        if not rest:
            return self.here(
                f"{key or 'this key'} has no value after =",
                f'write a value after =, e.g. {key or "title"} = "…"',
            )
        if rest.startswith(","):
            return self.here("a list has an empty item (two commas in a row)", "delete a comma")
        whole_word = re.split(r"[,\]}]", rest, maxsplit=1)[0].strip()
        word = excerpt(whole_word)
        if word[:1] in ("“", "”", "‘", "’"):
            plain = excerpt(whole_word.strip("“”‘’"))
            return self.here(
                f"{word} uses curly quotes; TOML needs straight double quotes",
                f'write "{plain}" (type the quotes in a plain-text editor, or turn off '
                '"smart quotes")',
            )
        if word[:1].isalpha():
            return self.here(
                f"the text {word} must be in double quotes",
                f'write "{word}"' + (f' (e.g. {key} = "{word}")' if rest == whole_word else ""),
            )
        return self.here("this is not a value TOML understands", _SYNTAX_HINT)

    def bad_escape(self) -> _Explained:
        escape = ""
        for found in re.finditer(r"\\(.)", self.line_text):
            if found.group(1) not in _VALID_ESCAPE:
                escape = found.group()
                break
        return self.here(
            f'a backslash in "…" text starts a special character such as \\n (line break); '
            f"{escape or 'this one'} is not one",
            "write \\\\ for each backslash, or put the text in single quotes ('…'), where "
            "backslashes are plain characters",
        )

    def after_value(self) -> _Explained:
        if self.rest().startswith("\r"):
            return self.here(
                "a lone carriage return (CR) character is not a line break TOML accepts",
                "save the file with Unix (LF) or Windows (CRLF) line endings",
            )
        rest = self.rest().strip()
        return self.here(
            f"unexpected {rest[:40]!r} after the value"
            if rest
            else "unexpected text after the value",
            "write one key = value per line; text with spaces or symbols goes in double quotes",
        )
