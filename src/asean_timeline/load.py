"""Read ``events.toml``: bytes → a TOML document, with the line of every key on demand.

The document is parsed by rtoml (or ``tomllib``); the line of each table, key and
array item comes from :mod:`asean_timeline.scanner`, which is loaded and run only
when a line is needed: for a syntax error (explained by :mod:`asean_timeline.syntax`),
or on the first use of :attr:`Document.positions` (a problem or warning to place). A
valid file without warnings never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asean_timeline.inputfile import MAX_INPUT_BYTES, InputReadError, limit_text, read_input
from asean_timeline.problems import InvalidInputError, Problem

if TYPE_CHECKING:
    from asean_timeline.scanner import Positions

_LIMIT_TEXT = limit_text(MAX_INPUT_BYTES)


@dataclass(frozen=True)
class Document:
    """A parsed ``events.toml``: its display name, its data and where keys stand.

    The key positions are scanned from the text only when first asked for (to put a
    line on a problem): a valid file without warnings never pays for the scan. The
    file is kept as its UTF-8 bytes, not as a ``str``: one emoji makes a ``str`` four
    bytes per character (324 MiB for the 75 MB 100,000-event benchmark file).
    """

    name: str
    data: dict[str, Any]
    raw: bytes = field(repr=False)

    @cached_property
    def text(self) -> str:
        """The file's text (decoded again on first use: it is known to be valid UTF-8)."""
        return self.raw.decode("utf-8")

    @cached_property
    def positions(self) -> Positions:
        """Where each table, key and array item stands (scanned on first use)."""
        from asean_timeline.scanner import scan

        return scan(self.text).positions


def read_document(path: Path, display_name: str | None = None) -> Document:
    """Read and parse ``path``; raise :class:`InvalidInputError` if it is not usable TOML."""
    name = display_name or str(path)
    try:
        raw = read_input(path)
    except InputReadError as error:
        raise _fail(name, error.message, error.hint) from None
    except IsADirectoryError:
        raise _fail(
            name,
            "this is a folder, not a file",
            f"give the path of the events.toml file itself, e.g. {path / 'events.toml'}",
        ) from None
    except FileNotFoundError:
        raise _fail(
            name,
            "no such file",
            "check the spelling of the path, or create the file (see README, 'The file format')",
        ) from None
    except PermissionError:
        raise _fail(name, "permission denied", "make the file readable") from None
    except OSError as error:
        raise _fail(name, f"cannot read the file ({error.strerror or error})") from None
    return parse_document(raw, name)


def parse_document(raw: bytes, name: str) -> Document:
    """Parse bytes as UTF-8 TOML (key positions come later, if needed); raise on bad input."""
    if len(raw) > MAX_INPUT_BYTES:
        raise _fail(
            name,
            f"the input is {len(raw):,} bytes; the limit is {_LIMIT_TEXT}",
            "split the timeline into several files",
        )
    text = _decode(raw, name)
    if not text.strip():
        what = "the file is empty" if not text else "the file holds only blank space"
        raise _fail(
            name, what, 'start it with [calendar] and title = "…", then add [[events]] (see README)'
        )
    try:
        data = _parse_toml(text)
    except RecursionError:
        from asean_timeline.scanner import MAX_NESTING, scan

        line = scan(text).too_deep or 1
        raise _fail(
            name,
            f"lists or tables are nested more than {MAX_NESTING} levels deep",
            "check the [ and { brackets on this line: each list needs one pair",
            line=line,
        ) from None
    except ValueError as error:  # tomllib's syntax error: _parse_toml has imported tomllib
        import tomllib

        if not isinstance(error, tomllib.TOMLDecodeError):
            raise
        from asean_timeline.scanner import scan
        from asean_timeline.syntax import syntax_problems

        raise InvalidInputError(syntax_problems(str(error), text, scan(text), name)) from None
    return Document(name, data, raw)


def _parse_toml(text: str) -> dict[str, Any]:
    """The document, parsed by rtoml when it is installed and accepts ``text``, else by tomllib.

    rtoml (Rust) is about five times faster than tomllib. Whatever rtoml refuses is
    parsed again by tomllib: a document only tomllib accepts is still read, and a
    broken one fails with tomllib's message, which
    :func:`asean_timeline.syntax.syntax_problems` knows how to explain. rtoml also
    accepts TOML 1.1's additions (a trailing comma or a line break in an inline
    table, ``\\e``), as newer TOML parsers do.
    """
    try:
        from rtoml import loads as rtoml_loads
    except ImportError:  # pragma: no cover - rtoml is a dependency; the fallback is tested
        return _tomllib_loads(text)
    try:
        data: dict[str, Any] = rtoml_loads(text)
    except Exception:  # any refusal, whatever rtoml calls it, goes to tomllib
        return _tomllib_loads(text)
    return data


def _tomllib_loads(text: str) -> dict[str, Any]:
    import tomllib  # imported only for what rtoml refuses: most runs never load it

    return tomllib.loads(text)


def _fail(
    name: str, message: str, hint: str | None = None, line: int | None = None
) -> InvalidInputError:
    return InvalidInputError([Problem(message, file=name, line=line, hint=hint)])


def _decode(raw: bytes, name: str) -> str:
    """The text of ``raw``, or :class:`InvalidInputError` saying how the encoding is wrong."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            name,
            "the file starts with an invisible byte-order mark (BOM)",
            'save it with the encoding "UTF-8", not "UTF-8 with BOM" (in most editors: '
            "Save As, then Encoding)",
            line=1,
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(
            name,
            "the file is saved as UTF-16 (Unicode), not UTF-8",
            'save it with the encoding "UTF-8" (in most editors: Save As, then Encoding)',
            line=1,
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        raise InvalidInputError(
            [
                Problem(
                    f"this line is not valid UTF-8 text (byte 0x{raw[error.start]:02X} in column "
                    f"{column}): the file was saved in another encoding (such as Latin-1 or "
                    "Windows-1252), or a character on this line is damaged",
                    file=name,
                    line=line,
                    hint='save the file with the encoding "UTF-8" (in most editors: Save As, '
                    "then Encoding), then check the accented letters, dashes and quotes on this "
                    "line",
                )
            ]
        ) from None
