"""Validation: every problem, located, explained, with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from asean_timeline.load import parse_document
from asean_timeline.model import Day, DayInWindow, DayRange, Month, Timed, Year
from asean_timeline.problems import InvalidInputError, Problem, Severity
from asean_timeline.report import human
from asean_timeline.validate import Checked, validate

HEAD = """[calendar]
title = "Test"
timezone = "Asia/Tokyo"

[[events]]
id = "ev"
title = "Event"
sources = [{ publisher = "Kyodo News" }]
"""
#: The first line of the event body appended to HEAD.
BODY_LINE = 9


def check(body: str, head: str = HEAD) -> Checked:
    return validate(parse_document((head + body).encode(), "events.toml"))


def messages(body: str, head: str = HEAD) -> list[str]:
    return [human(p) for p in check(body, head).problems]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('date = "2009"', Year(2009)),
        ("date = 2009", Year(2009)),
        ('date = "2023-04"', Month(2023, 4)),
        ("date = 2023-12-17", Day(__import__("datetime").date(2023, 12, 17))),
        ('date = "2024-02-29"', Day(__import__("datetime").date(2024, 2, 29))),
    ],
)
def test_date_forms(body: str, expected: object) -> None:
    """Each written form becomes the date shape of its precision."""
    timeline = check(body).timeline
    assert timeline is not None
    assert timeline.events[0].when == expected


def test_day_range_and_window() -> None:
    """start/end dates are an inclusive range; between is an unknown day in a window."""
    ranged = check("start = 2023-12-16\nend = 2023-12-18").timeline
    window = check("between = [2023-12-16, 2023-12-18]").timeline
    assert ranged is not None
    assert window is not None
    assert isinstance(ranged.events[0].when, DayRange)
    assert isinstance(window.events[0].when, DayInWindow)


def test_timed_event_uses_the_calendar_zone_and_duration() -> None:
    """A local start takes [calendar].timezone; a duration becomes the end."""
    timeline = check('start = 2023-12-17T10:00:00\nduration = "PT2H30M"').timeline
    assert timeline is not None
    when = timeline.events[0].when
    assert isinstance(when, Timed)
    assert when.zone == "Asia/Tokyo"
    assert when.start.isoformat() == "2023-12-17T10:00:00+09:00"
    assert when.end is not None
    assert when.end.isoformat() == "2023-12-17T12:30:00+09:00"


def test_offset_datetime_is_a_fixed_offset() -> None:
    """An offset date-time keeps its offset and no zone."""
    timeline = check("start = 2023-12-18T08:00:00+07:00").timeline
    assert timeline is not None
    when = timeline.events[0].when
    assert isinstance(when, Timed)
    assert when.zone is None
    assert when.start.utcoffset() is not None
    assert when.start.isoformat() == "2023-12-18T08:00:00+07:00"


L = BODY_LINE


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'date = "2023-02-30"',
            f"events.toml:{L}: error: event 'ev', field 'date': '2023-02-30' is not a real date: "
            "February 2023 has 28 days\n  fix: check the day",
        ),
        ('date = "2023-13"', f"events.toml:{L}: error: event 'ev', field 'date': '2023-13' is"),
        (
            'date = "17 Dec 2023"',
            "field 'date': date '17 Dec 2023' is not written as a date\n"
            "  fix: write date = 2023-12-17",
        ),
        ('date = "someday"', "field 'date': date 'someday' is not a date"),
        ("date = 2023-12-17T10:00:00", "field 'date': date 2023-12-17T10:00:00 has a time of day"),
        (
            "start = 2023-12-18\nend = 2023-12-16",
            f"events.toml:{L + 1}: error: event 'ev', field 'end': end (2023-12-16) is before "
            "start (2023-12-18)\n  fix: swap them",
        ),
        ("between = [2023-12-18, 2023-12-16]", "field 'between': between ends (2023-12-16)"),
        ("between = [2023-12-16, 2023-12-16]", "between is a single day"),
        ('between = ["x"]', "between has 1 date; it needs exactly two"),
        ('between = ["x", "y"]', "between must hold two dates; item 1 is text ('x')"),
        ("date = 2023-12-17\nstart = 2023-12-17", "date and start cannot be combined"),
        ("end = 2023-12-17", "field 'end': end without start"),
        ("", "field 'date': the event has no date"),
        (
            "start = 2023-12-17T10:00:00\nend = 2023-12-17T09:00:00",
            "field 'end': end (2023-12-17T09:00:00) is before start (2023-12-17T10:00:00)",
        ),
        (
            'start = 2023-12-17T10:00:00\nduration = "PT0S"',
            "field 'duration': duration 'PT0S' is zero",
        ),
        ('start = 2023-12-17T10:00:00\nduration = "2 hours"', "is not an ISO 8601 duration"),
        (
            'start = 2023-12-17T10:00:00\ntimezone = "Asia/Tokio"',
            f"events.toml:{L + 1}: error: event 'ev', field 'timezone': unknown time zone "
            "'Asia/Tokio'\n  fix: did you mean 'Asia/Tokyo'?",
        ),
        (
            'start = 2024-03-31T02:30:00\ntimezone = "Europe/Berlin"',
            "field 'start': 2024-03-31 02:30 does not exist in Europe/Berlin",
        ),
        ('date = 2023-12-17\ntimezone = "Asia/Tokyo"', "timezone is only for events with a time"),
        (
            'date = 2023-12-17\ncountries = ["Japan"]',
            "field 'countries': unknown country code 'Japan'\n  fix: did you mean 'JP'?",
        ),
        ('date = 2023-12-17\ncountries = ["UK"]', "unknown country code 'UK'"),
        (
            'date = 2023-12-17\ncountries = "JP"',
            "countries must be a list in brackets, not a single text\n"
            '  fix: put it in brackets: countries = ["JP"]',
        ),
        ('date = 2023-12-17\ntags = ["Maritime Security"]', "e.g. 'maritime-security'"),
        ('date = 2023-12-17\nstatus = "canceled"', "did you mean 'cancelled'?"),
        ('date = 2023-12-17\nurl = "javascript:alert(1)"', "is not an http(s) URL"),
        ('date = 2023-12-17\nurl = "ftp://example.org/x"', "is not an http(s) URL"),
        ('date = 2023-12-17\nlocaton = "Tokyo"', "unknown key 'locaton'"),
        ("date = 2023-12-17\nlocation = 5", "location must be text in quotes, not a whole number"),
        ('date = "2023-04"\nrrule = "FREQ=YEARLY;COUNT=3"', "at month precision cannot recur"),
        (
            'between = [2023-12-16, 2023-12-18]\nrrule = "FREQ=YEARLY;COUNT=3"',
            "at day-in-window precision cannot recur",
        ),
        ('date = 2023-12-17\nrrule = "FREQ=SOMETIMES"', "FREQ=SOMETIMES is not a frequency"),
        ('date = 2023-12-17\nrrule = "FREQ=YEARLY"', "the rrule never ends"),
        ('date = 2023-12-17\nrrule = "FREQ=YEARLY;UNTIL=20200101"', "produces no occurrence"),
        ("date = 2023-12-17\nexdates = [2024-12-17]", "exdates without an rrule"),
        (
            'date = 2023-12-17\ndescription = "bad \\u0007 bell"',
            "control character (U+0007) at character 5",
        ),
    ],
)
def test_problem_messages(body: str, expected: str) -> None:
    """Each mistake gets a message naming the line, event, field, problem and fix."""
    found = messages(body)
    assert any(expected in m for m in found), found


def test_problem_messages_from_load_errors() -> None:
    """Duplicate keys are caught before parsing, with the line of each."""
    with pytest.raises(InvalidInputError) as caught:
        parse_document((HEAD + 'date = 2023-12-17\ntitle = "x"').encode(), "events.toml")
    (problem,) = caught.value.problems
    assert problem.line == 10
    assert problem.event_id == "ev"
    assert problem.field == "title"
    assert problem.message == "title is given twice in this event (first on line 7)"
    assert problem.hint == "keep one of the two title lines and delete the other"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "events.toml: error: the file is empty"),
        (b"\xef\xbb\xbf[calendar]", "events.toml:1: error: the file starts with an invisible byte"),
        (
            b'[calendar]\ntitle = "\xff"',
            "events.toml:2: error: this line is not valid UTF-8 text (byte 0xFF in column 10)",
        ),
        (
            b'[calendar]\ntitle = "open',
            "events.toml:2:9: error: field 'title': this text has no closing quote",
        ),
        (
            b"[calendar]\ntitle = 'x' y",
            "events.toml:2:13: error: field 'title': unexpected 'y' after the value",
        ),
        (
            b"[calendar]\nx = 2023-13-01",
            "events.toml:2:9: error: field 'x': 2023-13-01 is not a real date: "
            "there is no month 13",
        ),
    ],
)
def test_unreadable_files(raw: bytes, expected: str) -> None:
    """Broken bytes or TOML are reported with their line (and column when known)."""
    with pytest.raises(InvalidInputError) as caught:
        parse_document(raw, "events.toml")
    assert any(human(p).startswith(expected) for p in caught.value.problems), [
        human(p) for p in caught.value.problems
    ]


def test_source_needs_a_title_or_publisher() -> None:
    """A source with only a URL cannot be cited, so it is an error."""
    head = HEAD.replace('sources = [{ publisher = "Kyodo News" }]\n', "")
    found = messages('date = 2023-12-17\nsources = [{ url = "https://x.org" }]', head)
    expected = "source #1: the source has neither a title nor a publisher"
    assert any(expected in m for m in found), found


def test_every_problem_is_reported_in_one_run() -> None:
    """Problems in several events and the calendar all come back together."""
    text = """[calendar]
title = ""
timezone = "Mars/Olympus"

[[events]]
id = "Bad Id"
title = "One"
date = "2023-02-30"

[[events]]
id = "two"
date = 2023-12-17
countries = ["XX"]

[[events]]
id = "two"
title = "Three"
date = 2023-12-17
"""
    problems = validate(parse_document(text.encode(), "events.toml")).problems
    summary = sorted((p.line, p.field) for p in problems if p.severity is Severity.ERROR)
    assert summary == [
        (2, "title"),
        (3, "timezone"),
        (6, "id"),
        (8, "date"),
        (10, "title"),
        (13, "countries"),
        (16, "id"),
    ]


def test_ids_differing_only_by_case_are_duplicates() -> None:
    """Two ids equal but for case are reported (calendar apps may merge them)."""
    text = HEAD + 'date = 2023-12-17\n\n[[events]]\nid = "EV"\ntitle = "x"\ndate = 2023-12-17\n'
    found = [human(p) for p in validate(parse_document(text.encode(), "e.toml")).problems]
    assert any("id 'EV' is not URL-safe" in m for m in found), found


def test_ambiguous_local_time_is_a_warning_resolved_to_the_first() -> None:
    """A time the clocks pass twice is accepted with a warning and means the earlier one."""
    checked = check('start = 2023-10-29T02:30:00\ntimezone = "Europe/Berlin"')
    assert checked.timeline is not None
    when = checked.timeline.events[0].when
    assert isinstance(when, Timed)
    assert when.start.utcoffset() is not None
    assert when.start.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    (warning,) = checked.warnings
    assert "happens twice" in warning.message


def test_missing_calendar_table() -> None:
    """A file without [calendar] says so on line 1."""
    problems = validate(parse_document(b'[[events]]\nid = "a"', "e.toml")).problems
    assert (
        Problem(
            "missing [calendar] table",
            file="e.toml",
            line=1,
            hint='add [calendar] with at least title = "…" at the top (see README)',
        )
        in problems
    )


def test_shipped_timeline_is_valid_without_warnings(tmp_path: Path) -> None:
    """The events.toml we ship passes --strict."""
    from tests.conftest import SHIPPED

    checked = validate(parse_document(SHIPPED.read_bytes(), "events.toml"))
    assert checked.problems == ()


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidirectional_overrides_are_refused(char: str) -> None:
    """A right-to-left override in a title never reaches an output: it is an error."""
    found = messages(f'date = 2023-12-17\nlocation = "abc{char}def"')
    assert any(
        f"field 'location': location contains a bidirectional control character "
        f"(U+{ord(char):04X}) at character 4" in m
        for m in found
    ), found


def test_right_to_left_text_is_welcome() -> None:
    """Arabic and Hebrew text (with ordinary marks) validates."""
    checked = check('date = 2023-12-17\nlocation = "القاهرة \u200f שלום"')
    assert checked.timeline is not None


def test_the_recurrence_check_takes_what_the_date_reader_read() -> None:
    """The rrule and exdates are checked against the date reader's DateKeys, not against
    the table: here the table has no start at all, and the exdate is still judged against
    the timed start with an offset that the reader says was written."""
    from datetime import datetime, timedelta, timezone

    from asean_timeline.validate.dates import DateKeys
    from asean_timeline.validate.fields import Getter
    from asean_timeline.validate.recurrence import RecurrenceChecker
    from asean_timeline.validate.reporting import Reporter

    document = parse_document(
        b'[calendar]\ntitle = "T"\n[[events]]\nid = "e"\n'
        b'rrule = "FREQ=DAILY;COUNT=2"\nexdates = [2023-12-18]\n',
        "events.toml",
    )
    reporter = Reporter(document)
    get = Getter(reporter, document.data["events"][0], ("events", 0))
    written = datetime(2023, 12, 17, 10, 0, tzinfo=timezone(timedelta(hours=9)))
    assert RecurrenceChecker(get, DateKeys(None, written)).check() is None
    assert [(p.line, p.message, p.hint) for p in reporter.problems] == [
        (
            6,
            "exdate 2023-12-18 must be a date and time with a UTC offset, like the start",
            "write 2023-12-18T10:00:00+09:00 (the start time on the day to skip)",
        )
    ]
