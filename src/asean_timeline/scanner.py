"""Where each key of a TOML text stands, and what the scanner saw wrong on the way.

``tomllib`` gives values but no positions, so a small scanner walks the text as
TOML does and records the line of every table, key and array item by its path
(``("events", 2, "sources", 1, "url")``). It understands every shape TOML
allows (``[[events]]``, ``[[events.sources]]``, inline tables, arrays and
strings over several lines, dotted keys); a message for something it could not
place falls back to the nearest enclosing line, never to a wrong one.
:mod:`asean_timeline.load` imports this module only when a line is needed: for a
syntax error, or to place a problem or warning.

The scanner also finds what ``tomllib`` reports badly: keys and tables written
twice (with both lines), where an unclosed string or list was opened, and nesting
deeper than :data:`MAX_NESTING`; :mod:`asean_timeline.syntax` explains ``tomllib``'s
errors with them.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field

#: Lists and tables nested deeper than this are refused (TOML parsers recurse).
MAX_NESTING = 100

#: A key, table or array item, from the document's root: ``("events", 0, "title")``.
TomlPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[A-Za-z0-9_.:+-]+")
#: A one-line basic string's text after its opening quote, and its closing quote: the
#: scanner walks a 10,000-event file whenever a problem needs a line, so strings are
#: matched whole rather than a character at a time.
_BASIC_STRING = re.compile(r'((?:[^"\\\n]|\\[\s\S])*+)"')
_ESCAPED = re.compile(r"\\([\s\S])")
#: What can end a multi-line basic string, or hide its end (an escape).
_MULTILINE_BASIC_STOP = re.compile(r'\\|"""')
_NEWLINE = re.compile("\n")
_SPACES = re.compile(r"[ \t]*")  # matches anywhere, if only the empty string
_BLANK = re.compile(r"[ \t\n\r]*")
_DATE_THEN_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:")


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
class Twice:
    """A key or table written twice (``kind`` is "key", "table" or "array")."""

    kind: str
    path: TomlPath
    line: int
    column: int
    first_line: int


@dataclass
class Scan:
    positions: Positions = field(default_factory=Positions)
    twice: list[Twice] = field(default_factory=list)
    #: (what, line, column) of a string, list or inline table the scanner saw left open.
    unclosed: tuple[str, int, int] | None = None
    #: Line of an inline table ({ … }) that goes on past the end of its line.
    inline_broken: int | None = None
    #: Line on which nesting went deeper than MAX_NESTING.
    too_deep: int | None = None


class Scanner:
    """Walks a TOML text as the grammar does, recording the line of every path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [found.start() for found in _NEWLINE.finditer(text)]
        self.scan = Scan()
        self.current: TomlPath = ()
        self.arrays: dict[TomlPath, int] = {}  # [[array]] tables: how many so far
        self.tables: dict[TomlPath, int] = {}  # [table] headers: their line
        self.values: dict[TomlPath, int] = {}  # keys given a value: their line

    def run(self) -> Scan:
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
        self.pos = _SPACES.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def skip_blank(self) -> None:
        """Spaces, line breaks and comments."""
        while True:
            self.pos = _BLANK.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.peek() == "#":
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
                self.scan.twice.append(Twice("array-after-table", array, line, column, first))
            elif array in self.values:
                first = self.values[array]
                self.scan.twice.append(Twice("array-after-value", array, line, column, first))
            count = self.arrays.get(array, 0)
            self.arrays[array] = count + 1
            self.record(array, start)
            path: TomlPath = (*array, count)
        else:
            path = (*self.resolve(parts[:-1]), parts[-1])
            if path in self.tables:
                self.scan.twice.append(Twice("table", path, line, column, self.tables[path]))
            elif path in self.arrays:
                first = self.scan.positions.lines.get(path, line)
                self.scan.twice.append(Twice("table-after-array", path, line, column, first))
            elif path in self.values:
                first = self.values[path]
                self.scan.twice.append(Twice("table-after-value", path, line, column, first))
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

    def key_value(self, table: TomlPath, depth: int = 0) -> None:
        """One ``key = value``; ``depth`` is how deep inside lists and inline tables it is."""
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
            self.scan.twice.append(Twice("key", path, line, column, self.values[path]))
        else:
            self.values[path] = self.line_of(start)
        value = self.value(path, depth + 1)
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
        """The text of the one-line basic string at ``pos``, each escape replaced by the
        character after its backslash (enough to name a quoted key)."""
        found = _BASIC_STRING.match(self.text, self.pos + 1)
        if found is None:
            raise self.open("string", self.pos)
        self.pos = found.end()
        return _ESCAPED.sub(r"\1", found.group(1))

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
        position = start + 3
        while True:
            if quotes == '"""':
                found = _MULTILINE_BASIC_STOP.search(self.text, position)
                if found is not None and found.group() == "\\":
                    position = found.start() + 2  # an escaped character cannot end it
                    continue
                end = found.start() if found is not None else -1
            else:
                end = self.text.find(quotes, position)
            if end < 0:
                self.pos = len(self.text)
                raise self.open(quotes, start)
            self.pos = end + 3
            for _ in range(2):  # up to two quotes may end the text itself
                if self.peek() == quotes[0]:
                    self.pos += 1
            return

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
            self.key_value(path, depth)
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


def scan(text: str) -> Scan:
    """Scan ``text``: the positions of its keys and what the scanner found wrong."""
    return Scanner(text).run()
