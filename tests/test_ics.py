"""iCalendar specifics that the golden files show but do not explain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import FIXED_TIME

HEAD = """[calendar]
title = "T"
timezone = "Europe/Berlin"

[[events]]
id = "e"
title = "E"
sources = [{ publisher = "P" }]
"""


def _ics(write_toml: Callable[[str], Path], body: str) -> str:
    timeline, _ = load_timeline(write_toml(HEAD + body))
    return build_outputs(timeline, {}, FIXED_TIME)["events.ics"].decode().replace("\r\n ", "")


def test_ambiguous_local_time_is_written_in_utc(write_toml: Callable[[str], Path]) -> None:
    """02:30 on the night the clocks go back is written as its first instant, in UTC."""
    ics = _ics(write_toml, "start = 2024-10-27T02:30:00\nend = 2024-10-27T05:00:00")
    assert "DTSTART:20241027T003000Z\r\n" in ics
    assert "DTEND;TZID=Europe/Berlin:20241027T050000\r\n" in ics


def test_unambiguous_local_time_keeps_its_zone(write_toml: Callable[[str], Path]) -> None:
    """An ordinary local time is written with TZID and a matching VTIMEZONE."""
    ics = _ics(write_toml, "start = 2024-07-01T09:00:00")
    assert "DTSTART;TZID=Europe/Berlin:20240701T090000\r\n" in ics
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n" in ics
    assert "TZOFFSETTO:+0200\r\n" in ics


def test_month_and_year_sit_on_their_first_day(write_toml: Callable[[str], Path]) -> None:
    """A month-precision event is one all-day entry on the 1st, saying the month."""
    ics = _ics(write_toml, 'date = "2023-04"')
    assert "DTSTART;VALUE=DATE:20230401\r\nDTEND;VALUE=DATE:20230402\r\n" in ics
    assert "SUMMARY:E (sometime in April 2023)\r\n" in ics


def test_window_spans_the_window(write_toml: Callable[[str], Path]) -> None:
    """An unknown day in a window is an all-day entry across the window, exclusive end."""
    ics = _ics(write_toml, "between = [2023-12-30, 2024-01-02]")
    assert "DTSTART;VALUE=DATE:20231230\r\nDTEND;VALUE=DATE:20240103\r\n" in ics
    assert "SUMMARY:E (one day of 30 December 2023 – 2 January 2024)\r\n" in ics


def test_title_cannot_inject_a_property(write_toml: Callable[[str], Path]) -> None:
    """Line breaks and iCalendar syntax in text stay inside one escaped property."""
    body = (
        'date = 2023-12-17\ndescription = "x\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\nUID:evil"\n'
        'location = "a;b,c\\\\d"'
    )
    ics = _ics(write_toml, body)
    assert ics.split("\r\n").count("BEGIN:VEVENT") == 1
    assert "\r\nUID:evil" not in ics
    assert "LOCATION:a\\;b\\,c\\\\d\r\n" in ics
