"""The TimelineJS spreadsheet template (downloaded as CSV) → event tables.

Columns: ``Year, Month, Day, Time, End Year, End Month, End Day, End Time, Display Date,
Headline, Text, Media, Media Credit, Media Caption, Media Thumbnail, Type, Group,
Background``. The mapping (see README, "Importing: TimelineJS"):

- a row with only a ``Year`` is a year event (``date = "2009"``), with a ``Month`` a month
  event, with a ``Day`` a day, with a ``Time`` a time in the timeline's default zone;
  an ``End …`` makes a range of days (from the first day of the start to the last day of
  the end) or, with both times, a timed span;
- ``Headline`` → ``title``, ``Text`` (HTML) → ``description`` as plain text, ``Group`` → a tag;
- ``Media`` (a web address) → ``url``; ``Media Credit`` and ``Media Caption`` → a source
  (publisher, title) with that address;
- ``Type = title`` → the calendar's title and description; ``Type = era`` → an event
  over the era's days, tagged ``era``;
- ``Display Date``, ``Media Thumbnail`` and ``Background`` are presentation only: counted
  as dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from asean_timeline.importers.base import DATE_KEYS, Batch, ImportedEvent, Report, Skip
from asean_timeline.importers.merge import ordered
from asean_timeline.importers.spreadsheet import CellValueError, Row, cell_problem, header_of, rows
from asean_timeline.importers.text import one_line, plain_text, tag_of
from asean_timeline.model import MONTHS, Month, date_mistake
from asean_timeline.validate import MAX_LENGTH, MAX_YEAR, MIN_YEAR

NAME = "timelinejs"
COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
_REQUIRED = ("Year", "Headline")
_PRESENTATION = {
    "Display Date": "Display Date (our outputs write each date at its precision)",
    "Media Thumbnail": "Media Thumbnail (no place in events.toml)",
    "Background": "Background (no place in events.toml)",
}
OWNED = frozenset({"title", "description", "url", "tags", "sources"}) | DATE_KEYS
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp][Mm])?$")


def sniff(head: str) -> bool:
    """Whether the file starts with the TimelineJS template's header row."""
    header = {cell.lower() for cell in header_of(head)}
    return {"year", "headline"} <= header


def read(raw: bytes, name: str, report: Report | None = None) -> Batch:
    """Every row of the sheet: events, and the title row as the calendar's title."""
    header, data = rows(raw, name, _REQUIRED, COLUMNS)
    batch = Batch(name, format=NAME)
    for column in header:
        if column and column not in COLUMNS:
            batch.dropped[f"column {column!r} (not a TimelineJS column)"] += 1
    for row in data:
        kind = row.get("Type").lower()
        for column, label in _PRESENTATION.items():
            if row.get(column):
                batch.dropped[label] += 1
        if kind == "title":
            if row.get("Headline"):
                batch.calendar.setdefault("title", one_line(row.get("Headline")))
            if row.get("Text"):
                batch.calendar.setdefault("description", plain_text(row.get("Text")))
            continue
        if kind not in ("", "era"):
            batch.dropped[f"Type {kind!r} (read as an event)"] += 1
        imported = _event(batch, row, era=kind == "era")
        if imported is not None:
            batch.events.append(imported)
    return batch


def _event(batch: Batch, row: Row, *, era: bool) -> ImportedEvent | None:
    title = one_line(row.get("Headline"))
    description = plain_text(row.get("Text"))
    if not title:
        title = description.split("\n", 1)[0][: MAX_LENGTH["title"]].strip()
    if not title:
        batch.skipped.append(Skip(row.origin, "a row", "it has neither a Headline nor a Text"))
        return None
    before = len(batch.problems)
    start = _point(batch, row, "")
    end = _point(batch, row, "End ") if row.get("End Year") else None
    if len(batch.problems) > before or start is None:
        return None
    keys = _date_keys(batch, start, end)
    table: dict[str, Any] = {"title": title, **keys}
    if description:
        table["description"] = description
    tags = [tag for tag in (tag_of(row.get("Group")), "era" if era else "") if tag]
    if tags:
        table["tags"] = list(dict.fromkeys(tags))
    media = row.get("Media")
    if media.startswith(("http://", "https://")) and " " not in media:
        table["url"] = media
        credit, caption = one_line(row.get("Media Credit")), one_line(row.get("Media Caption"))
        if credit or caption:
            source = {"title": caption, "publisher": credit, "url": media}
            table["sources"] = [{key: value for key, value in source.items() if value}]
    elif media:
        batch.dropped["Media that is not a web address (an embed code or text)"] += 1
    first = keys.get("date", keys.get("start"))
    first_day = first if isinstance(first, date) and not isinstance(first, datetime) else None
    if isinstance(first, datetime):
        first_day = first.date()
    return ImportedEvent(ordered(table), row.origin, OWNED, first_day=first_day)


#: A start or end as the sheet gives it: year, month, day and time, any but the year absent.
_Point = tuple[int, int | None, int | None, time | None]


def _point(batch: Batch, row: Row, prefix: str) -> _Point | None:
    def number(column: str, low: int, high: int, hint: str) -> int | None:
        text = row.get(prefix + column)
        if not text:
            return None
        if column == "Month" and not text.isdigit():
            names = [
                n for n, month in enumerate(MONTHS, 1) if month.lower().startswith(text.lower())
            ]
            if len(text) >= 3 and len(names) == 1:
                return names[0]
        try:
            value = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            cell_problem(
                batch, row, prefix + column, CellValueError(f"{text!r} is {hint}", _HINTS[column])
            )
            return None
        return value

    year = number(
        "Year", MIN_YEAR, MAX_YEAR, f"not a year this tool supports ({MIN_YEAR} to {MAX_YEAR})"
    )
    month = number("Month", 1, 12, "not a month (1 to 12)")
    day = number("Day", 1, 31, "not a day of the month (1 to 31)")
    moment = _time(batch, row, prefix + "Time")
    if year is None:
        if not row.get(prefix + "Year"):
            cell_problem(batch, row, prefix + "Year", CellValueError("is empty", _HINTS["Year"]))
        return None
    if day is not None and month is None:
        cell_problem(
            batch, row, prefix + "Day", CellValueError("a day needs a month", "fill in Month")
        )
        return None
    if day is not None and month is not None:
        mistake = date_mistake(year, month, day)
        if mistake:
            cell_problem(
                batch,
                row,
                prefix + "Day",
                CellValueError(f"{day} is not a real day: {mistake}", "check the day"),
            )
            return None
    if moment is not None and day is None:
        cell_problem(
            batch, row, prefix + "Time", CellValueError("a time needs a day", "fill in Day")
        )
        return None
    return year, month, day, moment


_HINTS = {
    "Year": "write the year as a number, e.g. 2023",
    "Month": "write the month as a number, 1 to 12",
    "Day": "write the day as a number, 1 to 31",
}


def _time(batch: Batch, row: Row, column: str) -> time | None:
    text = row.get(column)
    if not text:
        return None
    found = _TIME.match(text)
    hour = int(found.group(1)) if found else 99
    if found and found.group(4):
        hour = hour % 12 + (12 if found.group(4).lower() == "pm" else 0)
    minute, second = (int(found.group(n) or 0) for n in (2, 3)) if found else (0, 0)
    if found is None or hour > 23 or minute > 59 or second > 59:
        cell_problem(
            batch,
            row,
            column,
            CellValueError(f"{text!r} is not a time", "write e.g. 14:30 or 2:30 PM"),
        )
        return None
    return time(hour, minute, second)


def _first(point: _Point) -> date:
    year, month, day, _ = point
    return date(year, month or 1, day or 1)


def _last(point: _Point) -> date:
    year, month, day, _ = point
    if day is not None and month is not None:
        return date(year, month, day)
    if month is not None:
        return Month(year, month).last_day
    return date(year, 12, 31)


def _date_keys(batch: Batch, start: _Point, end: _Point | None) -> dict[str, Any]:
    year, month, day, moment = start
    if end is None:
        if moment is not None:
            return {"start": datetime.combine(_first(start), moment)}
        if day is not None:
            return {"date": _first(start)}
        return {"date": f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"}
    if end[:3] == start[:3] and end[3] is None and moment is None:
        return _date_keys(batch, start, None)
    if moment is not None and end[3] is not None:
        begin = datetime.combine(_first(start), moment)
        stop = datetime.combine(_first(end), end[3])
        return {"start": begin, "end": stop} if stop > begin else {"start": begin}
    if moment is not None:
        batch.dropped["Time of a row whose End has no time (read as whole days)"] += 1
    first, last = _first(start), max(_last(end), _first(start))
    if last == first:
        return {"date": first}
    return {"start": first, "end": last - timedelta(0)}
