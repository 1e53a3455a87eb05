"""Round trips: render → import the output into an empty timeline → render again."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from asean_timeline.importers.apply import prepare, read_all
from asean_timeline.load import parse_document
from asean_timeline.model import Timeline
from asean_timeline.pipeline import build_outputs
from asean_timeline.records import event_record
from asean_timeline.validate import validate
from tests.conftest import FIXED_TIME, FULL, SHIPPED, render_files
from tests.test_properties import _document


def _imported(path: Path, folder: Path) -> Timeline:
    """``path`` imported into a timeline that does not exist yet (library level)."""
    return prepare(folder / "new.toml", read_all([path], None)).timeline


def _vevents(ics: bytes) -> dict[str, tuple[Any, ...]]:
    """UID → (SUMMARY, DTSTART, DTEND, STATUS), as icalendar reads them."""
    events = {}
    for event in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
        end = event.get("DTEND")
        events[str(event["UID"])] = (
            str(event["SUMMARY"]),
            event["DTSTART"].dt,
            end.dt if end is not None else None,
            str(event["STATUS"]),
        )
    return events


@pytest.mark.parametrize("source", [SHIPPED, FULL], ids=["shipped", "full"])
def test_events_ics_round_trips_at_full_precision(source: Path, tmp_path: Path) -> None:
    """Our events.ics imported into an empty timeline renders the same events.ics, byte for
    byte: UIDs, titles, starts, ends and statuses, and every date at its precision."""
    original = render_files(source)["events.ics"]
    (tmp_path / "events.ics").write_bytes(original)
    timeline = _imported(tmp_path / "events.ics", tmp_path)
    again = build_outputs(timeline, {}, FIXED_TIME)["events.ics"]
    assert _vevents(again) == _vevents(original)
    assert again == original


@pytest.mark.parametrize("source", [SHIPPED, FULL], ids=["shipped", "full"])
def test_events_ics_round_trip_keeps_every_event_record(source: Path, tmp_path: Path) -> None:
    """Each event's canonical record (what any output shows) survives the round trip."""
    from asean_timeline.pipeline import load_timeline

    (tmp_path / "events.ics").write_bytes(render_files(source)["events.ics"])
    before, _ = load_timeline(source)
    after = _imported(tmp_path / "events.ics", tmp_path)
    assert [event_record(e) for e in after.events] == [event_record(e) for e in before.events]


titles = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60
).map(str.strip)
plain_words = st.text(alphabet="abcdefghij klmnopqrstuvwxyzäöü日本,;\\", min_size=1, max_size=30)
slugs = st.sampled_from(["summit", "maritime-security", "osa", "trade", "era"])
zones = st.sampled_from(["Asia/Tokyo", "Europe/Berlin", "America/New_York", "Asia/Jakarta"])
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def dates(draw: st.DrawFn) -> dict[str, Any]:
    """Every date form of the file format."""
    form = draw(st.sampled_from(["year", "month", "day", "range", "window", "zone", "offset"]))
    day = draw(days)
    length = timedelta(days=draw(st.integers(min_value=1, max_value=30)))
    if form == "year":
        return {"date": f"{day.year:04d}"}
    if form == "month":
        return {"date": f"{day.year:04d}-{day.month:02d}"}
    if form == "day":
        if draw(st.booleans()):  # a weekly series without its second week
            return {"date": day, "rrule": "FREQ=WEEKLY;COUNT=3", "exdates": [day + timedelta(7)]}
        return {"date": day}
    if form == "range":
        return {"start": day, "end": day + length}
    if form == "window":
        return {"between": [day, day + length]}
    at = datetime.combine(day, datetime.min.time()) + timedelta(
        minutes=draw(st.integers(min_value=8 * 60, max_value=19 * 60))
    )
    minutes = draw(st.integers(min_value=0, max_value=600))
    if form == "zone":
        table: dict[str, Any] = {"start": at, "timezone": draw(zones)}
        if draw(st.booleans()):
            table["rrule"] = "FREQ=DAILY;COUNT=4"
            table["exdates"] = [at + timedelta(days=2)]
    else:
        offset = timezone(timedelta(minutes=draw(st.sampled_from([-300, 0, 330, 420, 540]))))
        table = {"start": at.replace(tzinfo=offset)}
    if minutes:
        table["end"] = table["start"] + timedelta(minutes=minutes)
    return table


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    table: dict[str, Any] = {"title": draw(titles), **draw(dates())}
    if draw(st.booleans()):
        table["location"] = draw(plain_words).strip() or "x"
    if draw(st.booleans()):
        table["countries"] = draw(st.lists(st.sampled_from(["JP", "MY", "VN", "PH"]), unique=True))
    if draw(st.booleans()):
        table["tags"] = draw(st.lists(slugs, unique=True))
    if draw(st.booleans()):
        paragraphs = draw(st.lists(plain_words.map(str.strip).filter(bool), min_size=1, max_size=3))
        table["description"] = "\n\n".join(paragraphs)
    table["status"] = draw(st.sampled_from(["confirmed", "tentative", "cancelled"]))
    sources = []
    for number in range(draw(st.integers(min_value=0, max_value=2))):
        source: dict[str, Any] = {"publisher": f"Wire {number}"}
        if draw(st.booleans()):
            source["title"] = draw(plain_words).strip() or "t"
        if draw(st.booleans()):
            source["url"] = f"https://example.org/{number}"
        sources.append(source)
    if sources:
        table["sources"] = sources
    if draw(st.booleans()):
        table["url"] = "https://example.org/event"
    return table


@pytest.mark.parametrize("source", [SHIPPED, FULL], ids=["shipped", "full"])
def test_events_csv_round_trip_is_lossless(source: Path, tmp_path: Path) -> None:
    """export events.csv → import: every event record (every field) comes back."""
    from asean_timeline.pipeline import load_timeline

    (tmp_path / "events.csv").write_bytes(render_files(source)["events.csv"])
    before, _ = load_timeline(source)
    after = _imported(tmp_path / "events.csv", tmp_path)
    assert [event_record(e) for e in after.events] == [event_record(e) for e in before.events]


@pytest.mark.parametrize("output", ["events.ics", "events.csv"])
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=st.lists(events(), min_size=1, max_size=6))
def test_generated_timelines_round_trip(
    tmp_path_factory: pytest.TempPathFactory, output: str, tables: list[dict[str, Any]]
) -> None:
    """Any valid timeline, rendered as events.ics or events.csv and imported into an empty
    timeline, gives back every event record."""
    for number, table in enumerate(tables):
        table["id"] = f"e{number}"
    checked = validate(parse_document(_document(tables).encode(), "events.toml"))
    assume(checked.timeline is not None)
    assert checked.timeline is not None
    folder = tmp_path_factory.mktemp("round")
    (folder / output).write_bytes(build_outputs(checked.timeline, {}, FIXED_TIME)[output])
    after = _imported(folder / output, folder)
    assert [event_record(e) for e in after.events] == [
        event_record(e) for e in checked.timeline.events
    ]
