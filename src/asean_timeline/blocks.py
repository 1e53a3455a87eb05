"""Where each top-level table of a TOML text starts and ends, found without parsing it.

An edit of one event should not pay for a round-trip parse of ten thousand, so the
writer cuts the text into blocks at the header lines (``[calendar]``, ``[[events]]``,
``[[calendars]]``) and parses only the block it changes. Header lines are found by
a regular expression; one inside a multi-line string would be mistaken for a table,
so the count of blocks is checked against the parsed document and, when they
disagree, the header lines come from the scanner that follows the TOML grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asean_timeline.load import Document

_HEADER = re.compile(
    r"^[ \t]*(\[\[?)[ \t]*((?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')"
    r"(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*'))*)[ \t]*\]\]?"
    r"[ \t]*(?:#[^\n]*)?\r?$",
    re.MULTILINE,
)
_KEY_PART = re.compile(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)")
_COMMENT_LINE = re.compile(r"[ \t]*#[^\n]*\n?")


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level table of a text, with the comment lines right above its header.

    ``kind`` is the table's key (``"events"``), or ``""`` for the text before the
    first table; ``index`` counts the tables of that kind (0, 1, …). ``start`` is where
    its leading comments begin, ``header`` where its header line begins, ``end`` where
    the next block starts (or the text ends): offsets in characters.
    """

    kind: str
    index: int
    start: int
    header: int
    end: int


def split_tables(text: str, document: Document | None = None) -> list[Block]:
    """The blocks of ``text``; when ``document`` (its parse) is given, the split is checked.

    Raise :class:`ValueError` if the blocks do not match ``document`` even by the scanner
    (a table written in a form the writer does not edit, such as ``events = [{ … }]``).
    """
    headers = [(match.start(), _top_key(match.group(2))) for match in _HEADER.finditer(text)]
    blocks = _blocks(text, headers)
    if document is None or _matches(blocks, document.data):
        return blocks
    blocks = _blocks(text, _scanned_headers(text, document))
    if not _matches(blocks, document.data):
        raise ValueError("the tables of the file could not be told apart")
    return blocks


def _top_key(key: str) -> tuple[str, bool]:
    """The first part of a header's key, and whether the header has only that part."""
    parts = [
        next(group for group in match.groups() if group is not None)
        for match in _KEY_PART.finditer(key)
    ]
    return parts[0], len(parts) == 1


def _blocks(text: str, headers: list[tuple[int, tuple[str, bool]]]) -> list[Block]:
    starts: list[tuple[int, int, str]] = []  # (start, header, kind)
    current = ""
    for offset, (kind, top_level) in headers:
        if not top_level and kind == current:
            continue  # [[events.sources]] and the like belong to the table above
        starts.append(
            (_leading_comments(text, offset, starts[-1][1] if starts else 0), offset, kind)
        )
        current = kind
    blocks: list[Block] = []
    counts: dict[str, int] = {}
    first = starts[0][0] if starts else len(text)
    if first > 0:
        blocks.append(Block("", 0, 0, 0, first))
    for number, (start, header, kind) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(text)
        index = counts.get(kind, 0)
        counts[kind] = index + 1
        blocks.append(Block(kind, index, start, header, end))
    return blocks


def _leading_comments(text: str, header: int, floor: int) -> int:
    """Where the run of comment lines right above ``header`` begins (no blank line between)."""
    start = header
    while start > floor:
        line_start = text.rfind("\n", floor, start - 1) + 1
        if line_start < floor:
            line_start = floor
        if not _COMMENT_LINE.fullmatch(text, line_start, start):
            break
        start = line_start
    return start


def _matches(blocks: list[Block], data: Mapping[str, Any]) -> bool:
    """Whether the blocks hold one ``[[events]]`` per event and one ``[[calendars]]`` each."""
    for kind in ("events", "calendars"):
        value = data.get(kind)
        expected = len(value) if isinstance(value, list) else 0
        if sum(1 for block in blocks if block.kind == kind) != expected:
            return False
    return sum(1 for block in blocks if block.kind == "calendar") <= 1


def _scanned_headers(text: str, document: Document) -> list[tuple[int, tuple[str, bool]]]:
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    headers: list[tuple[int, tuple[str, bool]]] = []
    for path, line in document.positions.lines.items():
        is_header = (len(path) == 1 and path[0] == "calendar") or (
            len(path) == 2 and path[0] in ("events", "calendars") and isinstance(path[1], int)
        )
        offset = line_starts[line - 1]
        if is_header and text.startswith(
            "[",
            offset
            + len(text[offset : offset + 200])
            - len(text[offset : offset + 200].lstrip(" \t")),
        ):
            headers.append((offset, (str(path[0]), True)))
    return sorted(headers)


def sub_tables_start(block_text: str) -> int:
    """Where the first sub-table header (``[[events.sources]]``) of a block's text begins.

    ``block_text`` starts with the block's own header line; ``len(block_text)`` when the
    block has no sub-table.
    """
    first_line_end = block_text.find("\n") + 1
    if first_line_end == 0:
        return len(block_text)
    match = _HEADER.search(block_text, first_line_end)
    return match.start() if match else len(block_text)
