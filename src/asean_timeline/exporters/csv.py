"""Timeline → ``events.csv``: one row per event, for spreadsheets and data tools.

RFC 4180: a header row, then one record per event in chronological order,
fields separated by commas, quoted where they hold a comma, a quote or a line
break (quotes doubled), every record ended by CRLF. UTF-8 with a byte-order
mark, which is how Excel recognises UTF-8 when the file is opened by double
click; LibreOffice, pandas (``encoding="utf-8-sig"``) and Python's ``csv``
module read it too.

``precision``, ``start``, ``end`` and ``timezone`` are the canonical record's
values (``2009``, ``2023-04``, ISO dates, ISO date-times with their offset), so
a row says exactly what the source said. Lists are joined by ``", "``;
``sources`` is a compact JSON array of objects with the file format's source
keys. A cell that would start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading ``'``, so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import orjson

from asean_timeline.exporters import get
from asean_timeline.present import RenderContext
from asean_timeline.validate.constants import SOURCE_KEYS  # the order of the sources cell

FILENAME = get("csv").filename
#: The columns of events.csv, in order (the importer reads the same).
COLUMNS = (
    "id",
    "title",
    "precision",
    "start",
    "end",
    "timezone",
    "status",
    "location",
    "countries",
    "tags",
    "url",
    "sources",
    "description",
    "rrule",
    "exdates",
)
#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``events.csv``: the header and one row per event, as UTF-8 with a BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(context.of(event).record) for event in context.timeline.events)
    yield FILENAME, buffer.getvalue().encode("utf-8-sig")


def _row(record: dict[str, Any]) -> list[str]:
    recurrence = record["recurrence"] or {}
    sources = [
        {key: source[key] for key in SOURCE_KEYS if source.get(key) is not None}
        for source in record["sources"]
    ]
    cells = [
        record["id"],
        record["title"],
        record["precision"],
        record["start"],
        record["end"],
        record.get("timezone"),
        record["status"],
        record["location"],
        ", ".join(record["countries"]),
        ", ".join(record["tags"]),
        record["url"],
        orjson.dumps(sources).decode() if sources else None,
        record["description"],
        recurrence.get("rrule"),
        ", ".join(recurrence.get("exdates", ())),
    ]
    # Each cell: empty for none, and never a formula (inline: 15 cells per event).
    starts = FORMULA_STARTS
    return [
        ("'" + value if value.startswith(starts) else value) if value else "" for value in cells
    ]
