"""Rows of a CSV file (RFC 4180) with their line numbers, and cell parsing that names the
row and column of every problem (``sheet.csv:14: column 'Month'``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Our CSV export puts a ' before a cell that starts with one of these (formula injection).
from asean_timeline.exporters.csv import FORMULA_STARTS
from asean_timeline.importers.base import Batch, Origin
from asean_timeline.importers.text import decode
from asean_timeline.model import date_mistake
from asean_timeline.problems import InvalidInputError, Problem


class CellValueError(ValueError):
    """A cell that cannot be read: the message says why, the hint what to write."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its cells by header name, and the line it starts on."""

    cells: dict[str, str]
    origin: Origin

    def get(self, column: str, *, strip: bool = True) -> str:
        """The cell (trimmed unless not ``strip``) without the formula guard ``'`` our CSV
        export puts before ``= + - @``, TAB or CR; empty if the row has no such cell."""
        value = self.cells.get(column) or ""
        if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_STARTS:
            value = value[1:]
        return value.strip() if strip else value


def header_of(text: str) -> list[str]:
    """The first row's cells (for sniffing a format)."""
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff").split("\n", 1)[0])), [])
    return [cell.strip() for cell in first]


def rows(
    raw: bytes, name: str, required: tuple[str, ...], canonical: tuple[str, ...] = ()
) -> tuple[list[str], Iterator[Row]]:
    """The header and the data rows of ``raw``; refuse a file without the ``required`` columns.

    Header names are matched without regard to case or surrounding spaces, and given as
    the spelling of ``canonical`` (or ``required``) when they match one.
    """
    text = decode(raw, name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInputError([Problem("the file is empty", name, hint=_HEADER_HINT)]) from None
    except csv.Error as error:
        raise InvalidInputError([Problem(f"row 1 cannot be read: {error}", name, line=1)]) from None
    spelling = {column.lower(): column for column in (*canonical, *required)}
    header = [spelling.get(cell.strip().lower(), cell.strip()) for cell in header]
    missing = [column for column in required if column not in header]
    if missing:
        raise InvalidInputError(
            [
                Problem(
                    f"the header row has no column {', '.join(map(repr, missing))}"
                    + (f" (it has {', '.join(map(repr, header[:8]))})" if any(header) else ""),
                    name,
                    line=1,
                    hint=_HEADER_HINT,
                )
            ]
        )
    return header, _data_rows(reader, header, name)


_HEADER_HINT = (
    "the first row must name the columns; see README, 'Importing', for each format's columns"
)


def _data_rows(reader: Any, header: list[str], name: str) -> Iterator[Row]:
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInputError(
                [
                    Problem(
                        f"this row cannot be read as CSV: {error}",
                        name,
                        line=line,
                        hint="check the quotes on this row: a cell with a quote inside must "
                        'double it ("")',
                    )
                ]
            ) from None
        origin = Origin(name, line)
        if not any(cell.strip() for cell in cells):
            continue
        yield Row(dict(zip(header, cells, strict=False)), origin)


def cell_problem(batch: Batch, row: Row, column: str, problem: CellValueError) -> None:
    batch.fail(f"column {column!r}: {problem}", row.origin, hint=problem.hint)


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> date:
    """An ISO date ``YYYY-MM-DD``, with the reason in words when it is not a real one."""
    found = _DATE.match(text)
    if found is None:
        raise CellValueError(
            f"{text!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2023-12-17"
        )
    year, month, day = (int(part) for part in found.groups())
    mistake = date_mistake(year, month, day)
    if mistake:
        raise CellValueError(f"{text!r} is not a real date: {mistake}", "check the day and month")
    return date(year, month, day)


def parse_datetime(text: str) -> datetime:
    """An ISO date-time (``2023-12-17T10:00:00+09:00``; a space for ``T`` is accepted)."""
    parse_date(text[:10])
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise CellValueError(
            f"{text!r} is not a date and time",
            "write e.g. 2023-12-17T10:00:00+09:00 (ISO 8601, with the UTC offset)",
        ) from None


def split_list(text: str) -> list[str]:
    """``JP, MY`` → ``["JP", "MY"]`` (commas with or without spaces)."""
    return [part.strip() for part in text.split(",") if part.strip()]
