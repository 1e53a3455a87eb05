"""The one writer of source files (``events.toml`` and the files it includes).

Every command that edits a source file (``add``, ``fmt``, ``import``, ``sources --fix``)
goes through :class:`SourceFile`: read it, make edits as plain data, then
:meth:`SourceFile.save`. What the writer promises:

* **Nothing else changes.** An edit touches only the table it is about; every other
  byte, comments and blank lines included, stays. Within an edited event the user's
  key order and comments stay (the table is edited with ``tomlkit``, a round-trip
  parser); a new key goes after the key that precedes it in the canonical order.
* **Cheap on big files.** Only the edited event's block is parsed by ``tomlkit`` (about
  a millisecond an event); the blocks are found by :mod:`asean_timeline.blocks`, and an
  appended event is written as text in the canonical layout of :mod:`~asean_timeline.layout`.
* **Nothing invalid is written.** The resulting text is parsed and validated first;
  its problems are raised as :class:`InvalidInputError` (with ``file:line`` in the new
  text) and the file is left as it was.
* **Nothing is overwritten unseen.** If the file's bytes changed since it was read,
  :class:`SourceChangedError` is raised and nothing is written.
* **Atomic, and only when needed.** A result byte-for-byte equal to the file is not
  written; otherwise the text goes to a temporary file in the same folder, is flushed
  to disk, given the file's permissions and renamed over it.

A command edits a timeline's file like this (``checker_for`` validates the whole
timeline, the files it includes too, with the would-be text of this one)::

    sources = read_sources(main)                  # asean_timeline.includes
    source = SourceFile.of(path, document)        # a (path, document) of sources
    source.set_event_fields("kishida-anwar-talks-2023-12-16", {"status": "cancelled"})
    source.set_source_fields("kishida-anwar-talks-2023-12-16", 0, {"url": REMOVE})
    source.append_event({"id": "…", "title": "…", "date": date(2024, 1, 2)})
    source.save(checker_for(sources, path))       # or save(..., dry_run=True)

A file of its own (one without includes) can use ``SourceFile.read(path)`` and
``save()``. Problems are raised as :class:`InvalidInputError`; a file that cannot be
written, or changed meanwhile, as :class:`SourceFileError` (an ``OutputError``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asean_timeline.blocks import Block, split_tables
from asean_timeline.layout import canonical_value, event_text, inline_text, ordered_keys
from asean_timeline.load import Document, parse_document, read_document
from asean_timeline.problems import InvalidInputError, OutputError, Problem, Severity
from asean_timeline.tomledit import (
    REMOVE,
    apply_changes,
    crlf_as_lf,
    item_of,
    plain_copy,
    set_key,
)

__all__ = [
    "REMOVE",
    "Checker",
    "SaveResult",
    "SourceChangedError",
    "SourceFile",
    "SourceFileError",
    "check_alone",
]


#: Checks a would-be document; returns its problems (errors stop the save).
Checker = Callable[[Document], Sequence[Problem]]


class SourceFileError(OutputError):
    """A source file cannot be written; the message says why, the hint what to do."""


class SourceChangedError(SourceFileError):
    """The file changed on disk after it was read; nothing was written."""


@dataclass(frozen=True)
class SaveResult:
    """What :meth:`SourceFile.save` did: whether it wrote, and the result's warnings."""

    path: Path
    written: bool
    warnings: tuple[Problem, ...] = ()


def check_alone(document: Document) -> Sequence[Problem]:
    """The problems of ``document`` validated on its own (a timeline in one file)."""
    from asean_timeline.validate import validate

    return validate(document).problems


class SourceFile:
    """One source file being edited: its text as read, and the edits made so far.

    Edits are kept apart (the new text of each edited event, the appended tables)
    and put together with the untouched text only when :attr:`text` is asked for,
    so a thousand edits of a big file do not copy it a thousand times.
    """

    def __init__(self, path: Path, document: Document, stat: os.stat_result | None) -> None:
        self.path = path
        self.document = document
        self._stat = stat  # None: the file does not exist yet (see new)
        self._digest = hashlib.sha256(document.raw).digest()
        events = document.data.get("events", [])
        # What the events must parse as after the edits; an edited event is copied first.
        self._events: list[dict[str, Any]] | None = (
            list(events) if isinstance(events, list) else None
        )
        self._copied: set[int] = set()
        self._by_id: dict[str, int] | None = None
        self._blocks: dict[int, Block] | None = None  # event index -> its block as read
        self._edited: dict[int, str] = {}  # event index -> its block's new text
        self._appended: list[str] = []
        self._whole: str | None = None  # set by replace_text
        self._text: str | None = document.text
        text = document.text
        # A file whose every line ends in CRLF gets CRLF in what is written into it too.
        self._crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")

    @classmethod
    def read(cls, path: Path, display_name: str | None = None) -> SourceFile:
        """Read ``path``; raise :class:`InvalidInputError` if it is not a readable TOML file."""
        document = read_document(path, display_name)
        return cls(path, document, path.stat())

    @classmethod
    def of(cls, path: Path, document: Document) -> SourceFile:
        """Edit ``path`` as ``document`` (already read from it); its bytes are compared on save."""
        return cls(path, document, path.stat())

    @classmethod
    def new(cls, path: Path, text: str, display_name: str | None = None) -> SourceFile:
        """A file that does not exist yet: it starts as ``text`` (its ``[calendar]`` table,
        say) plus the edits. Saving creates it, and refuses if it appeared meanwhile."""
        return cls(path, parse_document(text.encode("utf-8"), display_name or str(path)), None)

    @property
    def name(self) -> str:
        """The file's name as problems show it."""
        return self.document.name

    @property
    def event_ids(self) -> list[str]:
        """The ids of the file's events (as edited so far), in file order."""
        return [str(event.get("id")) for event in self._events or ()]

    @property
    def text(self) -> str:
        """The file's text with every edit made so far."""
        if self._text is None:
            self._text = self._assemble()
        return self._text

    # -- edits ------------------------------------------------------------------

    def append_event(self, event: Mapping[str, Any]) -> str:
        """Add ``event`` at the end of the file in the canonical layout; return its text."""
        self._writable()
        table = self._line_ends(event_text(event))
        self._appended.append(table)
        self._text = None
        if self._events is not None:
            self._events.append({key: canonical_value(key, event[key]) for key in event})
            self._copied.add(len(self._events) - 1)
            if self._by_id is not None and isinstance(event.get("id"), str):
                self._by_id.setdefault(event["id"], len(self._events) - 1)
        return table

    def set_event_fields(self, event_id: str, changes: Mapping[str, Any]) -> None:
        """Set (or, with :data:`REMOVE`, delete) top-level fields of the event ``event_id``."""
        index = self._index(event_id)

        def edit(table: Any) -> None:
            for key, value in changes.items():
                set_key(table, "events", key, value)

        self._edit_event(index, edit)
        apply_changes(self._expected(index), changes)
        new_id = changes.get("id")
        if self._by_id is not None and isinstance(new_id, str):
            self._by_id.pop(event_id, None)
            self._by_id.setdefault(new_id, index)

    def set_source_fields(
        self, event_id: str, source_index: int, changes: Mapping[str, Any]
    ) -> None:
        """Set (or delete) fields of the ``source_index``-th (from 0) source of ``event_id``."""
        index = self._index(event_id)
        sources = self._expected(index).get("sources")
        if not isinstance(sources, list) or not 0 <= source_index < len(sources):
            raise KeyError(f"event {event_id!r} has no source number {source_index + 1}")

        def edit(table: Any) -> None:
            import tomlkit

            source = table["sources"][source_index]
            if isinstance(source, tomlkit.items.InlineTable):
                merged = dict(source.unwrap())
                apply_changes(merged, changes)
                order = [key for key in source if key in merged]
                order += ordered_keys("sources", [key for key in merged if key not in order])
                text = inline_text({key: merged[key] for key in order})
                table["sources"][source_index] = item_of(text)
            else:
                for key, value in changes.items():
                    set_key(source, "sources", key, value)

        self._edit_event(index, edit)
        apply_changes(sources[source_index], changes)

    def replace_text(self, text: str) -> None:
        """Replace the whole text (``fmt``): the result is still validated on save."""
        self._whole = self._text = text
        self._events = None  # the text's meaning is checked by the caller (fmt)

    # -- saving -----------------------------------------------------------------

    def save(self, check: Checker = check_alone, *, dry_run: bool = False) -> SaveResult:
        """Write the edits; see the module's docstring for what is promised.

        ``check`` validates the would-be document (the default: as a whole timeline;
        an included file is checked with the files around it). With ``dry_run`` every
        check is made and nothing is written.
        """
        raw = self.text.encode("utf-8")
        if raw == self.document.raw and self._stat is not None:
            return SaveResult(self.path, written=False)
        document = parse_document(raw, self.name)
        problems = tuple(check(document))
        errors = [problem for problem in problems if problem.severity is Severity.ERROR]
        if errors:
            raise InvalidInputError(list(problems))
        self._check_meaning(document)
        self._check_unchanged()
        if dry_run:
            return SaveResult(self.path, written=False, warnings=problems)
        _write_atomically(self.path, raw, self._stat.st_mode if self._stat else _new_file_mode())
        return SaveResult(self.path, written=True, warnings=problems)

    # -- inside -----------------------------------------------------------------

    def _writable(self) -> None:
        if self._whole is not None:
            raise ValueError("the text was replaced as a whole; read the file again to edit it")

    def _assemble(self) -> str:
        """The text as read, with each edited event's block replaced and the tables appended."""
        original = self.document.text
        pieces: list[str] = []
        position = 0
        if self._edited:
            blocks = self._event_blocks()
            for index in sorted(self._edited, key=lambda i: blocks[i].header):
                block = blocks[index]
                pieces += [original[position : block.header], self._edited[index]]
                position = block.end
        pieces.append(original[position:])
        # One blank line between the last table and each appended one. Only the end of
        # the text so far is looked at: thousands of appends (an import) stay linear.
        newline = "\r\n" if self._crlf else "\n"
        blank = not "".join(pieces).strip()
        tail = "".join(pieces)[-4:]
        for table in self._appended:
            if not blank:
                if not tail.endswith("\n"):
                    pieces.append(newline)
                    tail = (tail + newline)[-4:]
                if not tail.endswith((newline * 2, "\n\n")):
                    pieces.append(newline)
                    tail = (tail + newline)[-4:]
            pieces.append(table)
            tail = (tail + table)[-4:]
            blank = blank and not table.strip()
        return "".join(pieces)

    def _line_ends(self, text: str) -> str:
        return text.replace("\r\n", "\n").replace("\n", "\r\n") if self._crlf else text

    def _index(self, event_id: str) -> int:
        self._writable()
        if self._events is None:
            raise KeyError("the file's events are not [[events]] tables")
        if self._by_id is None:
            self._by_id = {}
            for index, event in enumerate(self._events):
                if isinstance(event, dict) and isinstance(event.get("id"), str):
                    self._by_id.setdefault(event["id"], index)
        if event_id not in self._by_id:
            raise KeyError(f"no event with id {event_id!r} in {self.name}")
        return self._by_id[event_id]

    def _expected(self, index: int) -> dict[str, Any]:
        """The expected data of event ``index``, copied before its first edit."""
        assert self._events is not None
        if index not in self._copied:
            self._events[index] = plain_copy(self._events[index])
            self._copied.add(index)
        return self._events[index]

    def _event_blocks(self) -> dict[int, Block]:
        """The block of each event of the text as read (split once)."""
        if self._blocks is None:
            try:
                blocks = split_tables(self.document.text, self.document)
            except ValueError:
                raise SourceFileError(
                    f"{self.name}: its events are not written as [[events]] tables, so they "
                    "cannot be edited one at a time; nothing was written",
                    "write each event as an [[events]] table (see README, 'The file format')",
                ) from None
            self._blocks = {block.index: block for block in blocks if block.kind == "events"}
        return self._blocks

    def _edit_event(self, index: int, edit: Callable[[Any], None]) -> None:
        """Parse the block of event ``index`` alone with tomlkit, edit it, keep its new text."""
        import tomlkit

        if index in self._edited:
            piece = self._edited[index]
        elif index < len(self._event_blocks()):
            block = self._event_blocks()[index]
            piece = self.document.text[block.header : block.end]
        else:  # an appended event
            piece = self._appended[index - len(self._event_blocks())]
        document = tomlkit.parse(piece)
        edit(document["events"][0])
        edited = self._line_ends(tomlkit.dumps(document))
        if index < len(self._event_blocks()):
            self._edited[index] = edited
        else:
            self._appended[index - len(self._event_blocks())] = edited
        self._text = None

    def _check_meaning(self, document: Document) -> None:
        """The edits did what they say: the events are exactly the expected ones."""
        if self._events is None:
            return
        found: object = document.data.get("events", [])
        expected: object = self._events
        if self._crlf:  # a line break inside a multi-line string may now read as CRLF
            found, expected = crlf_as_lf(found), crlf_as_lf(expected)
        if found != expected:
            raise SourceFileError(
                f"{self.name}: the edit could not be made without changing other parts of "
                "the file; nothing was written",
                "please report this as a bug, with the file if you can",
            )

    def _check_unchanged(self) -> None:
        if self._stat is None:
            if os.path.lexists(self.path):
                raise SourceChangedError(
                    f"{self.name} was created by something else while this was being "
                    "prepared; nothing was written",
                    "run the command again to edit the file as it is now",
                )
            return
        try:
            now = self.path.read_bytes()
        except OSError as error:
            raise SourceChangedError(
                f"{self.name}: cannot read the file again before writing it "
                f"({error.strerror or error}); nothing was written",
                "check that the file is still there and readable",
            ) from None
        if hashlib.sha256(now).digest() != self._digest:
            raise SourceChangedError(
                f"{self.name} changed on disk while it was being edited; nothing was written",
                "run the command again to edit the file as it is now",
            )


def _new_file_mode() -> int:
    """The permissions a new file gets from the process's umask (as ``open`` would give)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` by ``data``: a temporary file beside it, synced, renamed over it."""
    target = path.resolve()  # a symbolic link stays a link; its target is replaced
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            Path(temporary).chmod(mode & 0o7777)
            os.fsync(handle.fileno())
        Path(temporary).replace(target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise SourceFileError(
                f"{path}: cannot write the file ({error.strerror or error}); it was not changed",
                "check that the file and its folder are writable",
            ) from None
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
