"""Our own ``events.csv`` → event tables: what ``export --format csv`` writes reads back whole.

Columns (any order, matched by name): ``id, title, precision, start, end, timezone,
status, location, countries, tags, url, sources, description, rrule, exdates``; only
``title`` and ``start`` are required. ``precision`` may be left empty: it is then taken
from the shape of ``start`` (``2009``, ``2023-04``, a date, a date-time) and ``end``. A
time with a ``timezone`` is kept as the wall-clock time in that zone, otherwise at its
UTC offset. A leading ``'`` that our export put before ``= + - @`` is removed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from asean_timeline.exporters.csv import COLUMNS  # the format this reads back
from asean_timeline.importers.base import Batch, ImportedEvent, Report
from asean_timeline.importers.merge import ordered
from asean_timeline.importers.spreadsheet import (
    CellValueError,
    Row,
    cell_problem,
    header_of,
    parse_date,
    parse_datetime,
    rows,
    split_list,
)
from asean_timeline.validate import PARTIAL_DATE, SOURCE_KEYS

NAME = "csv"
_REQUIRED = ("title", "start")
#: Which event keys each column speaks for (an update replaces exactly those).
_OWNS = {
    "precision": ("date", "start", "end", "duration", "between", "timezone"),
    "start": ("date", "start", "end", "duration", "between", "timezone"),
}
_PRECISIONS = ("year", "month", "day", "day-range", "day-in-window", "time")


def sniff(head: str) -> bool:
    """Whether the file starts with the header row of ``events.csv``."""
    header = [cell.lower() for cell in header_of(head)]
    return "title" in header and "precision" in header and "start" in header


def read(raw: bytes, name: str, report: Report | None = None) -> Batch:
    """Every row of ``raw`` as an event table."""
    header, data = rows(raw, name, _REQUIRED, COLUMNS)
    batch = Batch(name, format=NAME)
    for column in header:
        if column not in COLUMNS and column:
            batch.dropped[f"column {column!r} (not a column of events.csv)"] += 1
    owned: set[str] = set()
    for column in header:
        owned.update(_OWNS.get(column, (column,) if column in COLUMNS else ()))
    owned.discard("id")
    frozen = frozenset(owned)
    for row in data:
        imported = _event(batch, row, frozen)
        if imported is not None:
            batch.events.append(imported)
    return batch


def _event(batch: Batch, row: Row, owned: frozenset[str]) -> ImportedEvent | None:
    table: dict[str, Any] = {}
    before = len(batch.problems)
    if row.get("id"):
        table["id"] = row.get("id")
    table["title"] = row.get("title")
    try:
        table.update(_date_keys(row))
    except _ColumnError as problem:
        cell_problem(batch, row, problem.column, problem.problem)
    for column in ("status", "location", "url", "rrule"):
        if row.get(column):
            table[column] = row.get(column)
    if table.get("status") == "confirmed":
        del table["status"]
    description = row.get("description", strip=False).replace("\r\n", "\n")
    if description.strip():
        table["description"] = description
    for column in ("countries", "tags"):
        values = split_list(row.get(column))
        if values:
            table[column] = values
    try:
        sources = _sources(row.get("sources"))
    except CellValueError as problem:
        cell_problem(batch, row, "sources", problem)
        sources = []
    if sources:
        table["sources"] = sources
    if row.get("exdates"):
        try:
            table["exdates"] = [_exdate(text, table) for text in split_list(row.get("exdates"))]
        except CellValueError as problem:
            cell_problem(batch, row, "exdates", problem)
    if len(batch.problems) > before:
        return None
    return ImportedEvent(ordered(table), row.origin, owned, first_day=_first_day(table))


class _ColumnError(Exception):
    def __init__(self, column: str, problem: CellValueError) -> None:
        self.column = column
        self.problem = problem


def _date_keys(row: Row) -> dict[str, Any]:
    """``precision``, ``start``, ``end`` and ``timezone`` → the file format's date keys."""
    precision = row.get("precision").lower()
    start, end, zone = row.get("start"), row.get("end"), row.get("timezone")
    if not start:
        raise _ColumnError(
            "start", CellValueError("is empty", "give the date, e.g. 2023-12-17, 2023-04 or 2009")
        )
    if precision and precision not in _PRECISIONS:
        raise _ColumnError(
            "precision",
            CellValueError(
                f"{precision!r} is not a precision", f"write one of: {', '.join(_PRECISIONS)}"
            ),
        )
    if not precision:
        precision = _guess_precision(start, end)
    column = "start"
    try:
        if precision in ("year", "month"):
            if not PARTIAL_DATE.fullmatch(start) or start.count("-") != (precision == "month"):
                raise CellValueError(
                    f"{start!r} is not a {precision}",
                    "write a year as 2009 and a month as 2023-04",
                )
            if precision == "month":
                parse_date(f"{start}-01")
            return {"date": start}
        if precision == "time":
            moment = parse_datetime(start)
            column = "end"
            stop = parse_datetime(end) if end else None
            return _timed(moment, stop, zone)
        first = parse_date(start)
        column = "end"
        last = parse_date(end) if end else None
        if precision == "day" or last is None or last == first:
            return {"date": first}
        if precision == "day-in-window":
            return {"between": [first, last]}
        return {"start": first, "end": last}
    except CellValueError as problem:
        raise _ColumnError(column, problem) from None


def _guess_precision(start: str, end: str) -> str:
    if "T" in start or " " in start:
        return "time"
    if len(start) == 4:
        return "year"
    if len(start) == 7:
        return "month"
    return "day-range" if end else "day"


def _timed(start: datetime, end: datetime | None, zone: str) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if zone and start.tzinfo is not None:
        from asean_timeline.reference import zone as zone_info

        try:
            tz = zone_info(zone)
        except KeyError:
            raise _ColumnError(
                "timezone",
                CellValueError(
                    f"unknown time zone {zone!r}", "write an IANA name such as Asia/Tokyo"
                ),
            ) from None
        keys["start"] = start.astimezone(tz).replace(tzinfo=None)
        if end is not None:
            keys["end"] = (end.astimezone(tz) if end.tzinfo else end).replace(tzinfo=None)
        keys["timezone"] = zone
        return keys
    keys["start"] = start
    if end is not None:
        keys["end"] = end
    if zone:
        keys["timezone"] = zone
    return keys


def _sources(text: str) -> list[dict[str, Any]]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError as error:
        raise CellValueError(
            f"is not a JSON list of sources ({error.args[0].split(':')[0]})",
            'write e.g. [{"publisher":"Kyodo News","url":"https://…"}]',
        ) from None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise CellValueError(
            "must be a JSON list of objects", 'write e.g. [{"publisher":"Kyodo News"}]'
        )
    sources = []
    for item in value:
        source = {key: item[key] for key in SOURCE_KEYS if item.get(key) not in (None, "")}
        extra = set(item) - set(SOURCE_KEYS)
        if extra:
            raise CellValueError(
                f"a source has the key {sorted(extra)[0]!r}",
                f"sources take only {', '.join(SOURCE_KEYS)}",
            )
        published = source.get("published")
        if isinstance(published, str) and len(published) == 10:
            source["published"] = parse_date(published)
        sources.append(source)
    return sources


def _exdate(text: str, table: dict[str, Any]) -> date | datetime:
    """One exdate, of the same kind as the start (a wall-clock time in the event's zone)."""
    start = table.get("start", table.get("date"))
    if not isinstance(start, datetime):
        return parse_date(text)
    moment = parse_datetime(text)
    if start.tzinfo is None and moment.tzinfo is not None and "timezone" in table:
        from asean_timeline.reference import zone

        return moment.astimezone(zone(table["timezone"])).replace(tzinfo=None)
    return moment


def _first_day(table: dict[str, Any]) -> date | None:
    value = table.get("date", table.get("start", (table.get("between") or [None])[0]))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
