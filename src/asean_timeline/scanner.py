"""Where each key of a TOML text stands, and what ``tomllib``'s syntax errors mean.

``tomllib`` gives values but no positions, so a small scanner walks the text as
TOML does and records the line of every table, key and array item by its path
(``("events", 2, "sources", 1, "url")``). It understands every shape TOML
allows (``[[events]]``, ``[[events.sources]]``, inline tables, arrays and
strings over several lines, dotted keys); a message for something it could not
place falls back to the nearest enclosing line, never to a wrong one.
:mod:`asean_timeline.load` imports this module only when a line is needed: for a
syntax error, or to place a problem or warning.

The scanner also finds what ``tomllib`` reports badly: keys and tables written
twice (with both lines), and where an unclosed string or list was opened.
``tomllib``'s own errors are then explained in words a non-programmer can act on.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from asean_timeline.load import MAX_NESTING, TomlPath, date_mistake
from asean_timeline.problems import Problem

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[A-Za-z0-9_.:+-]+")
_DATE_THEN_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:")
_DATE_LIKE = re.compile(r"(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ]([0-9:.]*))?")
_VALID_ESCAPE = set('btnfr"\\uU')
_SYNTAX_HINT = (
    'text goes in double quotes ("…"), dates are written 2023-12-17, lists [ …, … ]; '
    "see https://toml.io"
)


@dataclass
class Positions:
    """Where each table, key and array item of one document stands (filled by the scanner)."""

    #: The first line (1-based) on which each path was defined.
    lines: dict[TomlPath, int] = field(default_factory=dict)
    #: The path of the first key or table defined on each line.
    by_line: dict[int, TomlPath] = field(default_factory=dict)
    #: Each event's id as written, by the event's index (for messages about the text).
    ids: dict[int, str] = field(default_factory=dict)

    def line(self, *path: str | int) -> int | None:
        """Line of ``path``, or of its nearest enclosing table, key or item."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None

    def exact(self, *path: str | int) -> int | None:
        """Line of ``path`` itself, or None if it is not written in the file."""
        return self.lines.get(path)

    def about_line(self, line: int) -> tuple[str | None, int | None, str | None]:
        """The event (id, number from 1) and the field of the key defined on ``line``."""
        path = self.by_line.get(line)
        if path is None:
            return None, None, None
        if len(path) >= 2 and path[0] == "events" and isinstance(path[1], int):
            key = path[2] if len(path) > 2 and isinstance(path[2], str) else None
            return self.ids.get(path[1]), path[1] + 1, key
        if len(path) >= 2 and path[0] == "calendar" and isinstance(path[1], str):
            return None, None, path[1]
        return None, None, None


class _StopError(Exception):
    """The scanner met text it cannot follow; tomllib will say what is wrong."""


@dataclass(frozen=True)
class _Twice:
    """A key or table written twice (``kind`` is "key", "table" or "array")."""

    kind: str
    path: TomlPath
    line: int
    column: int
    first_line: int


@dataclass
class _Scan:
    positions: Positions = field(default_factory=Positions)
    twice: list[_Twice] = field(default_factory=list)
    #: (what, line, column) of a string, list or inline table the scanner saw left open.
    unclosed: tuple[str, int, int] | None = None
    #: Line of an inline table ({ … }) that goes on past the end of its line.
    inline_broken: int | None = None
    #: Line on which nesting went deeper than MAX_NESTING.
    too_deep: int | None = None


class _Scanner:
    """Walks a TOML text as the grammar does, recording the line of every path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]
        self.scan = _Scan()
        self.current: TomlPath = ()
        self.arrays: dict[TomlPath, int] = {}  # [[array]] tables: how many so far
        self.tables: dict[TomlPath, int] = {}  # [table] headers: their line
        self.values: dict[TomlPath, int] = {}  # keys given a value: their line

    def run(self) -> _Scan:
        with contextlib.suppress(_StopError, IndexError):
            self.document()  # on a stop, positions so far stay; tomllib reports the problem
        return self.scan

    # -- positions --

    def line_of(self, pos: int) -> int:
        return bisect_right(self.newlines, pos - 1) + 1

    def column_of(self, pos: int) -> int:
        line = self.line_of(pos)
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        return pos - start + 1

    def record(self, path: TomlPath, pos: int) -> None:
        line = self.line_of(pos)
        self.scan.positions.lines.setdefault(path, line)
        self.scan.positions.by_line.setdefault(line, path)

    # -- characters --

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.peek() and self.peek() in " \t":
            self.pos += 1

    def skip_blank(self) -> None:
        """Spaces, line breaks and comments."""
        while True:
            char = self.peek()
            if char and char in " \t\n\r":
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def end_of_statement(self) -> None:
        self.skip_spaces()
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end
        if self.peek() == "\r":
            self.pos += 1
        if self.peek() not in ("\n", ""):
            raise _StopError
        self.pos += 1

    # -- the grammar --

    def document(self) -> None:
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                self.header()
            else:
                self.key_value(self.current)
            self.end_of_statement()

    def header(self) -> None:
        start = self.pos
        is_array = self.peek(1) == "["
        self.pos += 2 if is_array else 1
        self.skip_spaces()
        parts = self.key()
        self.skip_spaces()
        closing = "]]" if is_array else "]"
        if not self.text.startswith(closing, self.pos):
            raise _StopError
        self.pos += len(closing)
        line, column = self.line_of(start), self.column_of(start)
        if is_array:
            array = (*self.resolve(parts[:-1]), parts[-1])
            if array in self.tables:
                first = self.tables[array]
                self.scan.twice.append(_Twice("array-after-table", array, line, column, first))
            elif array in self.values:
                first = self.values[array]
                self.scan.twice.append(_Twice("array-after-value", array, line, column, first))
            count = self.arrays.get(array, 0)
            self.arrays[array] = count + 1
            self.record(array, start)
            path: TomlPath = (*array, count)
        else:
            path = (*self.resolve(parts[:-1]), parts[-1])
            if path in self.tables:
                self.scan.twice.append(_Twice("table", path, line, column, self.tables[path]))
            elif path in self.arrays:
                first = self.scan.positions.lines.get(path, line)
                self.scan.twice.append(_Twice("table-after-array", path, line, column, first))
            elif path in self.values:
                first = self.values[path]
                self.scan.twice.append(_Twice("table-after-value", path, line, column, first))
            self.tables.setdefault(path, line)
        self.record(path, start)
        self.current = path

    def resolve(self, parts: list[str]) -> TomlPath:
        """The path of dotted table name ``parts``, through the last item of each [[array]]."""
        path: TomlPath = ()
        for part in parts:
            path = (*path, part)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_spaces()
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                found = _BARE_KEY.match(self.text, self.pos)
                if not found:
                    raise _StopError
                parts.append(found.group())
                self.pos = found.end()
            self.skip_spaces()
            if self.peek() != ".":
                return parts
            self.pos += 1

    def key_value(self, table: TomlPath) -> None:
        start = self.pos
        parts = self.key()
        self.skip_spaces()
        if self.peek() != "=":
            raise _StopError
        self.pos += 1
        self.skip_spaces()
        path = (*table, *parts)
        for end in range(len(table) + 1, len(path) + 1):
            self.record(path[:end], start)
        if path in self.values:
            line, column = self.line_of(start), self.column_of(start)
            self.scan.twice.append(_Twice("key", path, line, column, self.values[path]))
        else:
            self.values[path] = self.line_of(start)
        value = self.value(path, depth=1)
        if (
            isinstance(value, str)
            and len(path) == 3
            and path[0] == "events"
            and isinstance(path[1], int)
            and path[2] == "id"
        ):
            self.scan.positions.ids.setdefault(path[1], value)

    def value(self, path: TomlPath, depth: int) -> str | None:
        """Skip one value; return it if it is a one-line string (for event ids)."""
        if depth > MAX_NESTING:
            self.scan.too_deep = self.line_of(self.pos)
            raise _StopError
        char = self.peek()
        if char == '"':
            if self.text.startswith('"""', self.pos):
                self.multiline_string('"""')
                return None
            return self.basic_string()
        if char == "'":
            if self.text.startswith("'''", self.pos):
                self.multiline_string("'''")
                return None
            return self.literal_string()
        if char == "[":
            self.array(path, depth)
        elif char == "{":
            self.inline_table(path, depth)
        else:
            found = _SCALAR.match(self.text, self.pos)
            if not found:
                raise _StopError
            self.pos = found.end()
            if (
                _DATE_THEN_TIME.match(self.text, found.start())
                and found.end() - found.start() == 10
            ):
                found = _SCALAR.match(self.text, self.pos + 1)
                self.pos = found.end() if found else self.pos
        return None

    def open(self, what: str, start: int) -> _StopError:
        self.scan.unclosed = (what, self.line_of(start), self.column_of(start))
        return _StopError()

    def basic_string(self) -> str:
        start = self.pos
        chars: list[str] = []
        self.pos += 1
        while True:
            char = self.peek()
            if char in ("", "\n"):
                raise self.open("string", start)
            self.pos += 1
            if char == '"':
                return "".join(chars)
            if char == "\\":
                chars.append(self.peek())
                self.pos += 1
            else:
                chars.append(char)

    def literal_string(self) -> str:
        start = self.pos
        end = self.text.find("'", start + 1)
        newline = self.text.find("\n", start + 1)
        if end < 0 or 0 <= newline < end:
            raise self.open("literal", start)
        self.pos = end + 1
        return self.text[start + 1 : end]

    def multiline_string(self, quotes: str) -> None:
        start = self.pos
        self.pos += 3
        while True:
            if self.pos >= len(self.text):
                raise self.open(quotes, start)
            if quotes == '"""' and self.peek() == "\\":
                self.pos += 2
                continue
            if self.text.startswith(quotes, self.pos):
                self.pos += 3
                for _ in range(2):  # up to two quotes may end the text itself
                    if self.peek() == quotes[0]:
                        self.pos += 1
                return
            self.pos += 1

    def array(self, path: TomlPath, depth: int) -> None:
        start = self.pos
        self.pos += 1
        index = 0
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return
            if not self.peek():
                raise self.open("array", start)
            item = (*path, index)
            self.record(item, self.pos)
            self.value(item, depth + 1)
            index += 1
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "]":
                self.pos += 1
                return
            else:
                raise self.open("array", start)

    def inline_table(self, path: TomlPath, depth: int) -> None:
        start = self.pos
        self.pos += 1
        while True:
            self.skip_spaces()
            char = self.peek()
            if char in ("\n", "\r", "#"):
                self.scan.inline_broken = self.line_of(start)
                raise _StopError
            if char == "}":
                self.pos += 1
                return
            if not char:
                raise self.open("inline table", start)
            self.key_value(path)
            self.skip_spaces()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "}":
                self.pos += 1
                return
            elif self.peek() in ("\n", "\r", "#"):
                self.scan.inline_broken = self.line_of(start)
                raise _StopError
            else:
                raise self.open("inline table", start)


def scan(text: str) -> _Scan:
    """Scan ``text``: the positions of its keys and what the scanner found wrong."""
    return _Scanner(text).run()


# -- explaining tomllib's errors ------------------------------------------------------------


def syntax_problems(error: str, text: str, scan: _Scan, name: str) -> list[Problem]:
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


def _twice_problem(twice: _Twice, positions: Positions, name: str) -> Problem:
    event_id: str | None = None
    number: int | None = None
    key = None
    path = twice.path
    in_event = len(path) >= 2 and path[0] == "events" and isinstance(path[1], int)
    if in_event and isinstance(path[1], int):
        event_id = positions.ids.get(path[1])
        number = path[1] + 1
    last = path[-1] if path else ""
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
        table = ".".join(str(p) for p in twice.path if isinstance(p, str))
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

    def __init__(self, text: str, scan: _Scan, line: int | None, column: int | None) -> None:
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
            written = found.group().strip()
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
        key = self.line_text.split("=", 1)[0].strip() if "=" in self.line_text else ""
        rest = self.rest().split("#", 1)[0].strip()
        if not rest:
            return self.here(
                f"{key or 'this key'} has no value after =",
                f'write a value after =, e.g. {key or "title"} = "…"',
            )
        if rest.startswith(","):
            return self.here("a list has an empty item (two commas in a row)", "delete a comma")
        word = re.split(r"[,\]}]", rest, maxsplit=1)[0].strip()
        if word[:1] in ("“", "”", "‘", "’"):
            plain = word.strip("“”‘’")
            return self.here(
                f"{word} uses curly quotes; TOML needs straight double quotes",
                f'write "{plain}" (type the quotes in a plain-text editor, or turn off '
                '"smart quotes")',
            )
        if word[:1].isalpha():
            return self.here(
                f"the text {word} must be in double quotes",
                f'write "{word}"' + (f' (e.g. {key} = "{word}")' if rest == word else ""),
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
