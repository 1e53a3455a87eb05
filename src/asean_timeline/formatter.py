"""``fmt``'s canonical layout of a whole source file, with every comment kept.

Each top-level table is laid out by :mod:`asean_timeline.layout` (keys in the
README's order, dates as TOML dates, short arrays inline, long text wrapped) and
the tables are separated by one blank line. A table without a ``#`` is written
from the parsed document alone; only a table with comments is parsed by
``tomlkit``, so that each comment can move with the key it belongs to: the comment
lines right above a key and the comment at the end of its line go where the key
goes. A value with comments inside it (an array over several lines) is kept as
written. The text before the first table is kept as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from asean_timeline.blocks import Block, split_tables, sub_tables_start
from asean_timeline.layout import (
    canonical_value,
    inline_text,
    key_text,
    ordered_keys,
    value_text,
)
from asean_timeline.load import Document

#: The kinds of table the layout knows; any other table is kept as written.
_LAID_OUT = frozenset({"calendar", "events", "calendars"})


def format_document(document: Document) -> str:
    """The canonical text of ``document`` (raise :class:`ValueError` if it cannot be split)."""
    document = with_lf(document)
    text = document.text
    blocks = split_tables(text, document)
    pieces: list[str] = []
    for block in blocks:
        piece = _format_block(text, block, document.data)
        if piece.strip():
            pieces.append(piece.rstrip("\n") + "\n")
    return "\n".join(pieces)


def with_lf(document: Document) -> Document:
    """``document`` with LF line ends: the layout's (a CRLF file is written with LF)."""
    if "\r\n" not in document.text:
        return document
    from asean_timeline.load import parse_document

    return parse_document(document.text.replace("\r\n", "\n").encode("utf-8"), document.name)


def canonical_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """What ``data`` parses as once formatted (full dates given as text become dates)."""
    result: dict[str, Any] = dict(data)
    for kind in ("events", "calendars"):
        tables = data.get(kind)
        if isinstance(tables, list):
            result[kind] = [
                {key: canonical_value(key, value) for key, value in table.items()}
                if isinstance(table, dict)
                else table
                for table in tables
            ]
    return result


def _format_block(text: str, block: Block, data: Mapping[str, Any]) -> str:
    whole = text[block.start : block.end]
    if block.kind not in _LAID_OUT:
        return whole
    leading = text[block.start : block.header]
    body = text[block.header : block.end]
    header_end = body.find("\n")
    header_line = body if header_end < 0 else body[:header_end]
    header = f"[[{block.kind}]]" if block.kind != "calendar" else "[calendar]"
    comment = header_line.find("#", header_line.find("]"))  # after the key's first "]"
    if comment >= 0:
        header += " " + header_line[comment:].strip()
    table = _table_data(block, data)
    if table is None:
        return whole
    if "#" not in body:
        return leading + header + "\n" + _plain_body(block.kind, table, table)
    return leading + header + "\n" + _commented_body(block.kind, body, table)


def _table_data(block: Block, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    value = data.get(block.kind)
    if block.kind == "calendar":
        return value if isinstance(value, dict) else None
    if (
        isinstance(value, list)
        and block.index < len(value)
        and isinstance(value[block.index], dict)
    ):
        found: Mapping[str, Any] = value[block.index]
        return found
    return None


def _plain_body(kind: str, table: Mapping[str, Any], keys: Iterable[str]) -> str:
    return "".join(
        f"{key_text(key)} = {value_text(key, table[key])}\n" for key in ordered_keys(kind, keys)
    )


def _commented_body(kind: str, body: str, table: Mapping[str, Any]) -> str:
    """The keys of one table, each with the comments above it and at the end of its line.

    The simple keys are read by tomlkit; sub-tables (``[[events.sources]]``) come after
    them: with comments they are kept as written, else written from ``table``.
    """
    import tomlkit
    from tomlkit.items import Comment, Whitespace

    split = sub_tables_start(body)
    simple, sub_tables = body[:split], body[split:]
    parsed = tomlkit.parse(simple)
    keys = parsed[kind][0] if kind != "calendar" else parsed[kind]
    entries: dict[str, str] = {}
    pending: list[str] = []
    blank = separated = False  # a blank line since the last key; one before the comments
    for key, item in keys.value.body:
        if key is None:
            if isinstance(item, Whitespace):
                blank = blank or "\n" in item.as_string()
                continue
            if not pending:
                separated = blank
            if isinstance(item, Comment):
                pending.append(item.as_string().strip())
            else:  # pragma: no cover - no other kinds here
                pending.append(item.as_string().rstrip("\n"))
            continue
        blank = False
        name = key.key
        kept_value = _has_comments(name, item)  # a comment inside: kept as written
        value = item.as_string().strip() if kept_value else value_text(name, item.unwrap())
        line = f"{key_text(name)} = {value}"
        trivia = getattr(item, "trivia", None)
        if trivia is not None and trivia.comment:
            line += (trivia.comment_ws or " ") + trivia.comment
        entries[name] = "".join(f"{comment}\n" for comment in pending) + line + "\n"
        pending = []
    kept = "#" in sub_tables
    if not kept:
        for name in table:
            if name not in entries:
                entries[name] = f"{key_text(name)} = {value_text(name, table[name])}\n"
    out = "".join(entries[name] for name in ordered_keys(kind, entries))
    # Comments after the last key stay apart from it if they were (a section's heading).
    out += "\n" * (bool(pending) and separated) + "".join(f"{c}\n" for c in pending)
    if kept:
        out += "\n" + sub_tables.strip("\n") + "\n"
    return out


def _has_comments(key: str, item: Any) -> bool:
    """Whether the text of ``item`` holds a comment (more ``#`` than its value's text)."""
    written: str = item.as_string()
    if "#" not in written:
        return False
    canonical = inline_text(canonical_value(key, item.unwrap()), key)
    return written.count("#") > canonical.count("#")


def formatted(document: Document) -> str:
    """The canonical text of ``document``, checked to parse as the same data.

    Raise :class:`ValueError` if the layout would change what the file means (a bug,
    or a file the layout cannot follow); nothing should then be written.
    """
    from asean_timeline.load import parse_document

    text = format_document(document)
    if text != document.text:
        again = parse_document(text.encode("utf-8"), document.name)
        if again.data != canonical_data(with_lf(document).data):
            raise ValueError(f"{document.name}: the layout would change what the file says")
    return text
