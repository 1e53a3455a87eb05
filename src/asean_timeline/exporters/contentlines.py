"""RFC 5545 content lines: TEXT escaping and folding at 75 octets.

Written by hand rather than through ``icalendar`` objects: it is a few lines,
its output is fully under our control (property order, folding points), and
the tests parse everything it writes back with several independent parsers.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    encoded_length = len(line.encode("utf-8"))
    if encoded_length <= _FOLD_AT:
        return line + "\r\n"
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    limit = _FOLD_AT
    for char in line:
        size = len(char.encode("utf-8"))
        if used + size > limit:
            pieces.append("".join(current))
            current, used, limit = [], 0, _FOLD_AT - 1
        current.append(char)
        used += size
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def content_line(name: str, value: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """``NAME;PARAM=value:VALUE`` folded; ``value`` must already be escaped for its type."""
    head = name + "".join(f";{key}={param}" for key, param in params)
    return fold(f"{head}:{value}")
