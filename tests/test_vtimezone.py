"""VTIMEZONEs: a zone's regular rule as yearly RRULEs, dated observances for irregular history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.rrule import rrulestr

from asean_timeline import reference
from asean_timeline.vtimezone import transitions, vtimezone_lines


def _observances(name: str, first: int, last: int) -> list[dict[str, str]]:
    """Each STANDARD/DAYLIGHT component as a dict of its properties (and its kind)."""
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for prop, value in vtimezone_lines(name, first, last):
        if prop == "BEGIN" and value in ("STANDARD", "DAYLIGHT"):
            current = {"KIND": value}
        elif prop == "END" and current is not None:
            found.append(current)
            current = None
        elif current is not None:
            current[prop] = value
    return found


def _offset(text: str) -> timedelta:
    sign = -1 if text[0] == "-" else 1
    hours, minutes, seconds = int(text[1:3]), int(text[3:5]), int(text[5:7] or 0)
    return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _onsets(name: str, first: int, last: int) -> set[tuple[datetime, timedelta]]:
    """Every (UTC onset, offset after) the VTIMEZONE gives within the span, expanded."""
    span_end = datetime(last + 1, 1, 1)
    onsets = set()
    for observance in _observances(name, first, last):
        start = datetime.strptime(observance["DTSTART"], "%Y%m%dT%H%M%S")
        before, after = _offset(observance["TZOFFSETFROM"]), _offset(observance["TZOFFSETTO"])
        if "RRULE" in observance:
            rule = observance["RRULE"]
            if "UNTIL" not in rule:
                rule += f";UNTIL={span_end:%Y%m%dT%H%M%S}"
            else:  # dateutil compares a floating start with a naive UNTIL
                rule = rule.replace("Z", "")
            starts = list(rrulestr(rule, dtstart=start))
        else:
            starts = [datetime.strptime(observance["RDATE"], "%Y%m%dT%H%M%S")]
            assert observance["RDATE"] == observance["DTSTART"]
        for local in starts:
            onsets.add(((local - before).replace(tzinfo=UTC), after))
    return onsets


def test_a_regular_zone_is_two_yearly_rules_without_end() -> None:
    """Europe/Berlin 2024–2033: the initial offset, then last Sunday of March and of October."""
    observances = _observances("Europe/Berlin", 2024, 2033)
    assert [(o["KIND"], o.get("RRULE")) for o in observances] == [
        ("STANDARD", None),
        ("DAYLIGHT", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
        ("STANDARD", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
    ]
    assert observances[1]["DTSTART"] == "20240331T020000"
    assert observances[2]["DTSTART"] == "20241027T030000"


def test_a_calendar_of_one_year_still_gets_the_rule() -> None:
    """One year of New York: the rule (seen continuing the next year), not two dates."""
    observances = _observances("America/New_York", 2024, 2024)
    assert [o.get("RRULE") for o in observances[1:]] == [
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    ]


def test_a_rule_that_stopped_ends_with_until_between_its_last_change_and_the_next() -> None:
    """New York 2005–2010: the pre-2007 rule ends with UNTIL; the 2007 rule has none."""
    observances = _observances("America/New_York", 2005, 2010)
    rules = [o["RRULE"] for o in observances if "RRULE" in o]
    assert rules == [
        "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z",
        "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    ]


def test_irregular_history_is_written_as_dates() -> None:
    """Asia/Tehran's changes follow the Persian calendar: no weekday rule, only dates."""
    observances = _observances("Asia/Tehran", 2019, 2022)
    assert observances
    assert all("RRULE" not in o and o["RDATE"] == o["DTSTART"] for o in observances)


def test_a_zone_without_changes_is_one_observance() -> None:
    """Asia/Tokyo: one STANDARD, dated, at the span's start."""
    assert _observances("Asia/Tokyo", 2023, 2030) == [
        {
            "KIND": "STANDARD",
            "DTSTART": "20230101T090000",
            "RDATE": "20230101T090000",
            "TZOFFSETFROM": "+0900",
            "TZOFFSETTO": "+0900",
            "TZNAME": "JST",
        }
    ]


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Europe/Berlin", 1990, 2030),
        ("America/New_York", 1980, 2030),
        ("Australia/Sydney", 2000, 2030),
        ("Australia/Lord_Howe", 2005, 2012),
        ("Africa/Casablanca", 2008, 2030),
        ("America/Santiago", 1995, 2025),
        ("Asia/Jerusalem", 2000, 2025),
        ("Europe/Moscow", 2005, 2016),
        ("America/Sao_Paulo", 2010, 2022),
        ("Pacific/Apia", 2009, 2022),
        ("Asia/Tehran", 2015, 2024),
        ("Europe/Dublin", 1995, 2030),
    ],
)
def test_the_observances_expand_to_exactly_the_zones_changes(
    name: str, first: int, last: int
) -> None:
    """Expanded (RRULEs to the span's end), the observances give each change of zoneinfo's in
    the span, at its instant and offset, and no other."""
    zone = reference.zone(name)
    expected = {(change.at, change.after) for change in transitions(zone, first, last)}
    begin = datetime(first, 1, 1, tzinfo=UTC)
    initial = begin.astimezone(zone).utcoffset()
    assert initial is not None
    span_end = datetime(last + 1, 1, 1, tzinfo=UTC)
    onsets = {(at, after) for at, after in _onsets(name, first, last) if at < span_end}
    assert onsets == expected | {(begin, initial)}
