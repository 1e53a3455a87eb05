"""Other tools' calendars and spreadsheets → event tables of ``events.toml``.

One module per source format, registered in :data:`READERS`: each has ``NAME``,
``sniff(head) -> bool`` (does the start of a file look like this format?) and
``read(raw, name) -> Batch``. ``ics`` reads iCalendar with ``icalendar`` (imported only
when an ``.ics`` is read); ``csv`` reads our own ``events.csv``; ``timelinejs`` reads the
TimelineJS spreadsheet template. :mod:`~asean_timeline.importers.merge` gives the events
ids and plans what changes; :mod:`~asean_timeline.importers.apply` checks the result with
the timeline it joins.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Protocol, cast

from asean_timeline.importers.base import Batch, Report
from asean_timeline.inputfile import InputReadError, read_input
from asean_timeline.problems import InvalidInputError, Problem


class Reader(Protocol):
    """What a format module provides."""

    NAME: str

    def sniff(self, head: str) -> bool: ...

    def read(self, raw: bytes, name: str, report: Report | None = None) -> Batch: ...


#: Format name → the module that reads it (imported when used).
READERS = {
    "ics": "asean_timeline.importers.ics",
    "csv": "asean_timeline.importers.csv",
    "timelinejs": "asean_timeline.importers.timelinejs",
}
FORMATS = tuple(READERS)


def reader(name: str) -> Reader:
    """The module that reads format ``name``."""
    return cast(Reader, import_module(READERS[name]))


def guess_format(raw: bytes) -> str | None:
    """The format whose ``sniff`` recognises the start of ``raw``, if one does."""
    head = raw[:8192].decode("utf-8", "replace")
    for name in READERS:
        if reader(name).sniff(head):
            return name
    return None


def read_file(path: Path, format_name: str | None = None, report: Report | None = None) -> Batch:
    """Read one file to import; raise :class:`InvalidInputError` if it cannot be read at all.
    ``report`` is told of the progress of a long read. Files over the input limit (100 MiB)
    are refused before reading; a pipe or a device is read up to it."""
    name = str(path)
    try:
        raw = read_input(path)
    except InputReadError as error:
        hint = "split it into several files (e.g. one export per year)"
        raise InvalidInputError([Problem(error.message, name, hint=hint)]) from None
    except FileNotFoundError:
        raise InvalidInputError([Problem("no such file", name, hint="check the path")]) from None
    except IsADirectoryError:
        raise InvalidInputError(
            [Problem("this is a folder, not a file", name, hint="give the file's path")]
        ) from None
    except OSError as error:
        raise InvalidInputError(
            [Problem(f"cannot read the file ({error.strerror or error})", name)]
        ) from None
    chosen = format_name or guess_format(raw)
    if chosen is None:
        raise InvalidInputError(
            [
                Problem(
                    "cannot tell what kind of file this is",
                    name,
                    line=1,
                    hint="give --format ics, csv or timelinejs (a CSV needs its header row)",
                )
            ]
        )
    return reader(chosen).read(raw, name, report)
