"""The canonical TOML text of values and tables: one layout for ``add``, ``fmt`` and edits.

Keys come in the order of the README's example (:data:`KEY_ORDER`, per kind of
table; keys the format does not know follow in their own order), full dates and
times are TOML dates (``date = 2023-12-17``, not ``"2023-12-17"``), arrays that fit
on a line are written inline and longer ones one item a line, and text that does
not fit on a line is a multi-line string wrapped at spaces with TOML's line-ending
backslash, which the parser removes: the value is never changed by the layout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from asean_timeline.validate.constants import CALENDAR_KEYS, SUBCALENDAR_KEYS

#: Lines are wrapped to at most this many characters where the value allows it.
LINE_WIDTH = 96

#: The order keys are written in, by kind of table (see README, "The file format"). Events
#: and sources are written in the README example's order, which differs from the validator's
#: tables (whose order the error hints and the JSON Schema show); a test keeps the key sets equal.
KEY_ORDER: Mapping[str, tuple[str, ...]] = {
    "calendar": CALENDAR_KEYS,
    "events": (
        "id",
        "title",
        "date",
        "start",
        "end",
        "duration",
        "between",
        "timezone",
        "rrule",
        "exdates",
        "location",
        "countries",
        "tags",
        "description",
        "status",
        "url",
        "sources",
        "uid",  # written by import; last, as it is for the importer's use only
    ),
    "calendars": SUBCALENDAR_KEYS,
    "sources": (
        "publisher",
        "title",
        "url",
        "published",
        "accessed",
        "archived",
        "archived_on",
        "language",
        "quote",
    ),
}

#: Keys whose text, when longer than a line, is written as a wrapped multi-line string
#: (a title or a place stays on one line, however long).
LONG_TEXT_KEYS = frozenset({"description"})

#: Keys whose text holds a full date or time the format also accepts as a TOML date.
DATE_KEYS = frozenset({"date"})

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
#: In a multi-line string, tabs and quotes stay (runs of three quotes are handled apart).
_NEEDS_ESCAPE_MULTILINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\\]")
_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def ordered_keys(kind: str, keys: Iterable[str]) -> list[str]:
    """``keys`` in the canonical order of a ``kind`` table; unknown keys last, as given."""
    order = KEY_ORDER.get(kind, ())
    rank = {key: index for index, key in enumerate(order)}
    given = list(keys)
    return sorted(given, key=lambda key: (rank.get(key, len(order)), given.index(key)))


def canonical_value(key: str, value: object) -> object:
    """``value`` as the layout writes it: a full date given as text becomes a TOML date."""
    if key in DATE_KEYS and isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # not a real date: the validator says so; keep the text
            return value
    return value


def key_text(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    return key if _BARE_KEY.fullmatch(key) else basic_string(key)


def basic_string(text: str) -> str:
    """``text`` as a one-line TOML basic string."""
    if _NEEDS_ESCAPE.search(text) is None:  # the common case, without a call per character
        return f'"{text}"'
    return '"' + _NEEDS_ESCAPE.sub(_escaped, text) + '"'


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def scalar_text(value: object) -> str:
    """A string, number, boolean, date or time as TOML text (one line)."""
    match value:
        case bool():
            return "true" if value else "false"
        case str():
            return basic_string(value)
        case int():
            return str(value)
        case float():
            if math.isnan(value):
                return "nan"
            if math.isinf(value):
                return "inf" if value > 0 else "-inf"
            return repr(value)
        case datetime():
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        case date() | time():
            return value.isoformat()
        case _:
            raise TypeError(f"not a TOML scalar: {value!r}")


def inline_text(value: object, kind: str = "") -> str:
    """Any value on one line: arrays as ``[a, b]``, tables as ``{ k = v }``."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        keys = ordered_keys(kind, value)
        return "{ " + ", ".join(f"{key_text(k)} = {inline_text(value[k], k)}" for k in keys) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inline_text(item, kind) for item in value) + "]"
    return scalar_text(value)


def value_text(key: str, value: object, indent: str = "") -> str:
    """The text after ``key = `` for a key of a table: wrapped when it does not fit a line.

    ``key`` also names the kind of the tables inside an array (``sources``).
    """
    value = canonical_value(key, value)
    lead = len(indent) + len(key_text(key)) + 3
    one_line = inline_text(value, key)
    if isinstance(value, str):
        too_long = lead + len(one_line) > LINE_WIDTH and key in LONG_TEXT_KEYS
        if "\n" in value or (too_long and " " in value.strip()):
            return multiline_string(value, lead)
        return one_line
    if isinstance(value, list | tuple) and value and lead + len(one_line) > LINE_WIDTH:
        items = "".join(f"{indent}  {inline_text(item, key)},\n" for item in value)
        return f"[\n{items}{indent}]"
    return one_line


def multiline_string(text: str, lead: int = 0) -> str:
    """``text`` as a ``\"\"\"`` string whose lines fit :data:`LINE_WIDTH` where spaces allow.

    Long lines are broken after a space with a line-ending backslash, which TOML
    removes together with the line break (the next line starts with a non-space, so
    nothing else is removed). ``lead`` is the width of what precedes the opening quotes.
    """
    # Quotes just before the closing ones would merge with them: they are escaped.
    trailing = len(text) - len(text.rstrip('"'))
    text = text[: len(text) - trailing]
    out: list[str] = []
    width = LINE_WIDTH - lead - 3
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        tail = 3 if number == len(lines) else 0  # the closing quotes
        pieces = _wrap(line, width, tail)
        out.append("\\\n".join(_escape_multiline(piece) for piece in pieces))
        width = LINE_WIDTH
    body = "\n".join(out)
    if body.startswith("\n"):
        body = "\n" + body  # a line break right after the opening quotes is not part of it
    return '"""' + body + '\\"' * trailing + '"""'


def _escape_multiline(piece: str) -> str:
    """A piece of text for a ``\"\"\"`` string: every third quote in a row is escaped."""
    if _NEEDS_ESCAPE_MULTILINE.search(piece) is not None:
        piece = _NEEDS_ESCAPE_MULTILINE.sub(_escaped, piece)
    return piece.replace('"""', '""\\"') if '"""' in piece else piece


def _wrap(line: str, width: int, tail: int = 0) -> list[str]:
    """``line`` cut after spaces into pieces of at most ``width - 2`` where possible.

    The last piece has room for ``tail`` more characters (what follows it on its line).
    Each piece but the last ends with a space and each but the first starts with a
    non-space, so joining them with a line-ending backslash gives ``line`` back.
    """
    pieces: list[str] = []
    start = 0
    limit = width - 2  # room for " \"
    while len(line) - start + tail > limit + 2:
        cut = -1
        for index in range(min(start + limit, len(line) - 1), start, -1):
            if line[index - 1] == " " and line[index] != " ":
                cut = index
                break
        if cut < 0:
            cut = next(
                (
                    index
                    for index in range(start + limit + 1, len(line))
                    if line[index - 1] == " " and line[index] != " "
                ),
                -1,
            )
            if cut < 0:
                break
        pieces.append(line[start:cut])
        start = cut
        limit = LINE_WIDTH - 2
    pieces.append(line[start:])
    return pieces


def table_text(kind: str, table: Mapping[str, Any], header: str | None = None) -> str:
    """A whole ``[[kind]]`` (or ``header``) table in the canonical layout, ending in a newline."""
    lines = [header or f"[[{kind}]]"]
    for key in ordered_keys(kind, table):
        lines.append(f"{key_text(key)} = {value_text(key, table[key])}")
    return "\n".join(lines) + "\n"


def event_text(event: Mapping[str, Any]) -> str:
    """One ``[[events]]`` table in the canonical layout."""
    return table_text("events", event)


def join_tables(tables: Sequence[str]) -> str:
    """Tables separated by one blank line."""
    return "\n".join(tables)
