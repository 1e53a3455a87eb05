"""Read ``events.toml``: bytes → a TOML document plus the line of every key.

``tomllib`` gives values but no positions, so a small line scanner records where
each table header and key stands. It understands the shapes people write by hand
(``[calendar]``, ``[[events]]``, ``key = value``, ``[[events.sources]]``); for
anything else (an inline array of event tables, say) messages fall back to the
nearest enclosing line, never to a wrong one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asean_timeline.problems import InvalidInputError, Problem

#: Inputs larger than this are refused before parsing (see README, "Limits").
MAX_INPUT_BYTES = 10 * 1024 * 1024

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]\s][^\]]*?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|=)""")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class Positions:
    """Line numbers (1-based) of the tables and keys of one document (filled by the scanner)."""

    calendar_header: int | None = None
    calendar_keys: dict[str, int] = field(default_factory=dict)
    top_keys: dict[str, int] = field(default_factory=dict)
    event_headers: list[int] = field(default_factory=list)
    event_keys: list[dict[str, int]] = field(default_factory=list)

    def of_calendar(self, key: str | None = None) -> int | None:
        """Line of ``[calendar]`` or of one of its keys."""
        if key is not None and key in self.calendar_keys:
            return self.calendar_keys[key]
        return self.calendar_header or self.top_keys.get("calendar")

    def of_event(self, index: int, key: str | None = None) -> int | None:
        """Line of the ``index``-th ``[[events]]`` table or of one of its keys."""
        if index < len(self.event_keys):
            if key is not None and key in self.event_keys[index]:
                return self.event_keys[index][key]
            return self.event_headers[index]
        return self.top_keys.get("events")


@dataclass(frozen=True)
class Document:
    """A parsed ``events.toml``: its display name, its data and where keys stand."""

    name: str
    data: dict[str, Any]
    positions: Positions


def read_document(path: Path, display_name: str | None = None) -> Document:
    """Read and parse ``path``; raise :class:`InvalidInputError` if it is not usable TOML."""
    name = display_name or str(path)
    try:
        if path.is_dir():
            raise _fail(name, f"{name} is a folder, not a file", "name an events.toml file")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise _fail(
                name,
                f"the file is {size:,} bytes; the limit is {MAX_INPUT_BYTES:,}",
                "split the timeline into several files",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(
            name, "no such file", "create it (see README) or pass the path of your events.toml"
        ) from None
    except PermissionError:
        raise _fail(name, "permission denied", "make the file readable") from None
    return parse_document(raw, name)


def parse_document(raw: bytes, name: str) -> Document:
    """Parse bytes as UTF-8 TOML and scan key positions; raise :class:`InvalidInputError`."""
    if len(raw) > MAX_INPUT_BYTES:
        raise _fail(name, f"the input is {len(raw):,} bytes; the limit is {MAX_INPUT_BYTES:,}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            name, "the file starts with a byte-order mark", "save it as UTF-8 without BOM", line=1
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _fail(
            name,
            f"invalid UTF-8 (byte 0x{raw[error.start]:02x})",
            "save the file as UTF-8",
            line=line,
        ) from None
    if not text.strip():
        raise _fail(name, "the file is empty", "add a [calendar] table and [[events]] (see README)")
    positions, duplicates = _scan(text)
    if duplicates:
        raise InvalidInputError(
            [
                Problem(
                    f"duplicate key {key!r} in the same table",
                    file=name,
                    line=line,
                    hint=f"delete one of the two {key!r} lines (the first is on line {first})",
                )
                for key, line, first in duplicates
            ]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        error_line = int(found.group(1)) if found else None
        column = int(found.group(2)) if found else None
        if found is None and "end of document" in message:
            error_line = len(text.splitlines())  # e.g. a string left open to the end
            message = message.replace("(at end of document)", "(at the end of the file)")
        detail = _TOML_POSITION.sub("", message).strip()
        raise InvalidInputError(
            [
                Problem(
                    f"TOML syntax error: {detail}",
                    file=name,
                    line=error_line,
                    column=column,
                    hint="check quotes, brackets and commas on this line (https://toml.io)",
                )
            ]
        ) from None
    return Document(name, data, positions)


def _fail(
    name: str, message: str, hint: str | None = None, line: int | None = None
) -> InvalidInputError:
    return InvalidInputError([Problem(message, file=name, line=line, hint=hint)])


def _scan(text: str) -> tuple[Positions, list[tuple[str, int, int]]]:
    """Find table headers and keys line by line; also report keys written twice."""
    positions = Positions()
    current: dict[str, int] = positions.top_keys
    duplicates: list[tuple[str, int, int]] = []
    in_multiline: str | None = None
    depth = 0  # bracket depth of a value that spans lines (arrays, inline tables)
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if depth == 0:
            header = _HEADER.match(line)
            if header:
                brackets, table = header.groups()
                table = table.strip()
                if brackets == "[[" and table == "events":
                    positions.event_headers.append(number)
                    positions.event_keys.append({})
                    current = positions.event_keys[-1]
                elif table == "calendar":
                    positions.calendar_header = number
                    current = positions.calendar_keys
                elif table.startswith("events.") and positions.event_keys:
                    # [[events.sources]]: point messages about sources at the first one.
                    positions.event_keys[-1].setdefault(table.split(".", 1)[1], number)
                    current = {}
                else:
                    current = {}
                continue
            key = _KEY.match(line)
            if key:
                name = key.group(1).strip("\"'")
                if name in current and "." not in line.split("=", 1)[0]:
                    duplicates.append((name, number, current[name]))
                else:
                    current.setdefault(name, number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
        depth = max(0, depth + _bracket_balance(line))
    return positions, duplicates


def _bracket_balance(line: str) -> int:
    """Net count of opening brackets outside strings and comments on one line."""
    balance = 0
    quote: str | None = None
    escaped = False
    for char in line:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            balance += 1
        elif char in "]}":
            balance -= 1
    # A header line like [[events]] balances to zero, so it never opens a value.
    return balance
