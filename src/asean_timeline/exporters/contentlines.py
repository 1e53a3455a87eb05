"""RFC 5545 content lines: TEXT escaping and folding at 75 octets.

Written by hand rather than through ``icalendar`` objects: it is a few lines,
its output is fully under our control (property order, folding points), and
the tests parse everything it writes back with several independent parsers.
"""

from __future__ import annotations

from collections.abc import Sequence

_FOLD_AT = 75  # octets per physical line, CRLF excluded (RFC 5545 §3.1)


def escape_text(value: str) -> str:
    r"""Escape a TEXT value (§3.3.11): backslash, semicolon, comma and newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one logical line into CRLF-joined physical lines of at most 75 octets.

    Breaks fall between characters, never inside a UTF-8 sequence; each
    continuation line starts with one space, which counts toward its 75 octets.
    """
    if len(line) <= _FOLD_AT and line.isascii():
        return line + "\r\n"
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line + "\r\n"
    pieces: list[bytes] = []
    start, limit = 0, _FOLD_AT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # never cut before a continuation byte
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, _FOLD_AT - 1
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8") + "\r\n"


def content_line(name: str, value: str, params: Sequence[tuple[str, str]] = ()) -> str:
    """``NAME;PARAM=value:VALUE`` folded; ``value`` must already be escaped for its type."""
    if params:
        name += "".join([f";{key}={param}" for key, param in params])
    line = f"{name}:{value}"
    if len(line) <= _FOLD_AT and line.isascii():  # most lines: nothing to fold
        return line + "\r\n"
    return fold(line)
