"""events.csv, read back with Python's csv module (an independent RFC 4180 reader)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from asean_timeline.cli import cli
from asean_timeline.exporters import get
from asean_timeline.exporters.csv import COLUMNS
from asean_timeline.model import Day, Event, Source, Timeline
from asean_timeline.pipeline import load_timeline
from asean_timeline.present import RenderContext
from asean_timeline.records import event_record
from asean_timeline.revisions import update
from tests.conftest import FIXED_TIME, FULL, SHIPPED, render_files

BOM = b"\xef\xbb\xbf"
INPUTS = pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])


def _rows(data: bytes) -> list[dict[str, str]]:
    """The file as Excel would take it: the BOM says UTF-8; then RFC 4180 records."""
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")  # strict: any invalid byte fails
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def _unguarded(cell: str) -> str:
    """The cell without the formula guard the exporter adds (as the importer removes it)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _render(timeline: Timeline) -> bytes:
    context = RenderContext(timeline, update(timeline, {}, FIXED_TIME))
    return dict(get("csv").render(context))["events.csv"]


@INPUTS
def test_every_row_is_the_events_canonical_record(path: Path) -> None:
    """One row per event, in order; each cell is the canonical record's value."""
    timeline, _ = load_timeline(path)
    rows = _rows(render_files(path)["events.csv"])
    assert [row["id"] for row in rows] == [event.id for event in timeline.events]
    for row, event in zip(rows, timeline.events, strict=True):
        record = event_record(event)
        recurrence = record["recurrence"] or {}
        expected = {
            "id": record["id"],
            "title": record["title"],
            "precision": record["precision"],
            "start": record["start"],
            "end": record["end"] or "",
            "timezone": record.get("timezone") or "",
            "status": record["status"],
            "location": record["location"] or "",
            "countries": ", ".join(record["countries"]),
            "tags": ", ".join(record["tags"]),
            "url": record["url"] or "",
            "description": record["description"] or "",
            "rrule": recurrence.get("rrule", ""),
            "exdates": ", ".join(recurrence.get("exdates", [])),
        }
        assert {key: _unguarded(row[key]) for key in expected} == expected
        sources = json.loads(row["sources"]) if row["sources"] else []
        assert sources == [
            {key: value for key, value in source.items() if value is not None}
            for source in record["sources"]
        ]


@INPUTS
def test_records_end_in_crlf_and_the_file_is_utf8_with_a_bom(path: Path) -> None:
    """Every record ends in CRLF (line breaks inside quoted descriptions are the text's own)."""
    data = render_files(path)["events.csv"]
    assert data.startswith(BOM)
    assert not data.startswith(BOM * 2)
    assert data.endswith(b"\r\n")
    timeline, _ = load_timeline(path)
    assert data.count(b"\r\n") == len(timeline.events) + 1  # header + rows; no CR in the text


def test_cells_that_would_be_formulas_get_a_leading_quote() -> None:
    """=, +, -, @, tab and CR at the start of a cell are neutralised with a leading '."""
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    events = tuple(
        Event(
            id=f"e{number}",
            title=text,
            when=Day(FIXED_TIME.date()),
            description=text,
            location=text,
            sources=(Source(title=text, publisher=None, url=None, published=None),),
        )
        for number, text in enumerate(hostile)
    )
    timeline = Timeline(load_timeline(SHIPPED)[0].calendar, events)
    rows = _rows(_render(timeline))
    for row, text in zip(rows, hostile, strict=True):
        for column in ("title", "description", "location"):
            assert row[column] == "'" + text
        assert json.loads(row["sources"]) == [{"title": text}]  # JSON starts with [


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(str.strip))
def test_any_text_reads_back_exactly(text: str) -> None:
    """Commas, quotes, line breaks, any Unicode: the csv module reads back the same text."""
    event = Event(id="e", title=text, when=Day(FIXED_TIME.date()), description=text)
    timeline = Timeline(load_timeline(SHIPPED)[0].calendar, (event,))
    (row,) = _rows(_render(timeline))
    assert _unguarded(row["title"]) == text
    assert _unguarded(row["description"]) == text


FILTERS = [
    ["--country", "JP"],
    ["--country", "vn", "--country", "PH"],
    ["--tag", "summit"],
    ["--status", "confirmed"],
    ["--from", "2023-12-01"],
    ["--until", "2023-06-30"],
    ["--from", "2015-01-01", "--until", "2023-12-31", "--tag", "security", "--country", "PH"],
]


@pytest.mark.parametrize("arguments", FILTERS, ids=[" ".join(f) for f in FILTERS])
def test_export_csv_keeps_exactly_what_each_filter_keeps(
    project: Path, arguments: list[str]
) -> None:
    """export --format csv with any filter has the rows of the events export --format json
    keeps (the same selection), in the same order."""
    runner = CliRunner()
    as_csv = runner.invoke(cli, ["export", "--format", "csv", *arguments])
    as_json = runner.invoke(cli, ["export", "--format", "json", *arguments])
    assert as_csv.exit_code == 0, as_csv.output
    ids = [item["_asean_timeline"]["id"] for item in json.loads(as_json.stdout_bytes)["items"]]
    assert [row["id"] for row in _rows(as_csv.stdout_bytes)] == ids


def test_export_csv_of_nothing_is_a_header() -> None:
    """A selection without events gives the header row alone."""
    timeline = Timeline(load_timeline(SHIPPED)[0].calendar, ())
    assert _render(timeline) == BOM + (",".join(COLUMNS) + "\r\n").encode()
