"""Property-based tests: generated documents never crash validate or render."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from jsonschema import Draft202012Validator, FormatChecker

from asean_timeline import revisions
from asean_timeline.exporters import jsonfeed
from asean_timeline.load import parse_document
from asean_timeline.pipeline import build_outputs
from asean_timeline.present import RenderContext, uid
from asean_timeline.problems import InvalidInputError
from asean_timeline.validate import EVENT_KEYS, validate
from tests.conftest import DATA

FIXED = datetime(2024, 1, 1, tzinfo=UTC)
FEED_SCHEMA = Draft202012Validator(
    json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8")),
    format_checker=FormatChecker(),
)

scalars = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-5, max_value=10_000),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2060, 1, 1)),
    st.booleans(),
    st.sampled_from(["2023", "2023-04", "2023-02-30", "Asia/Tokyo", "Europe/Berlin", "JP", "x y"]),
)
keys = st.sampled_from([*EVENT_KEYS, "bogus"])
values = st.one_of(
    scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3)
)
events = st.dictionaries(keys, values, max_size=8)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # TOML has no surrogate-pair escapes
    if isinstance(value, datetime | date | int):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise AssertionError(value)


def _document(tables: list[dict[str, object]]) -> str:
    lines = ['[calendar]\ntitle = "T"\ntimezone = "Asia/Tokyo"\n']
    for table in tables:
        lines.append("[[events]]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
        lines.append("")
    return "\n".join(lines)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(events, max_size=4))
def test_any_document_validates_or_reports_problems(tables: list[dict[str, object]]) -> None:
    """Validation never raises anything but InvalidInputError, and renders what it accepts."""
    text = _document(tables)
    try:
        document = parse_document(text.encode(), "events.toml")
    except InvalidInputError as error:
        problems = error.problems  # syntax-level problems: reported, never a crash
        assert problems
        return
    checked = validate(document)
    assert all(p.message for p in checked.problems)
    if checked.timeline is None:
        assert checked.errors
        return
    files = build_outputs(checked.timeline, {}, FIXED)
    parsed = icalendar.Calendar.from_ical(files["events.ics"])
    uids = sorted(str(e["UID"]) for e in parsed.walk("VEVENT"))
    domain = checked.timeline.calendar.uid_domain
    assert uids == sorted(uid(e, domain) for e in checked.timeline.events)
    ical_events = IcsCalendarStream.calendar_from_ics(files["events.ics"].decode()).events
    assert sorted(e.uid or "" for e in ical_events) == uids
    feed = json.loads(files["feed.json"])
    assert len(feed["items"]) == len(checked.timeline.events)
    # The feed is written item by item: the same bytes as serialising it whole.
    current = revisions.update(checked.timeline, {}, FIXED)
    whole = jsonfeed.feed(RenderContext(checked.timeline, current))
    assert files["feed.json"] == orjson.dumps(
        whole, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )
    assert not list(FEED_SCHEMA.iter_errors(feed))
    entries = re.findall(r"^- \*\*", files["timeline.md"].decode(), flags=re.M)
    assert len(entries) == len(checked.timeline.events)


day_events = st.builds(
    lambda day, length, title: {
        "title": title,
        "start": day,
        "end": day + timedelta(days=length),
    },
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=0, max_value=40),
    st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and t.isprintable()),
)
timed_events = st.builds(
    lambda day, at, minutes, zone, title: {
        "title": title,
        "start": datetime.combine(day, at),
        "duration": f"PT{minutes}M",
        "timezone": zone,
    },
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
    st.times(),
    st.integers(min_value=1, max_value=3000),
    st.sampled_from(["Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]),
    st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and t.isprintable()),
)


@settings(deadline=None)
@given(st.lists(st.one_of(day_events, timed_events), min_size=1, max_size=5))
def test_valid_events_round_trip_through_icalendar(tables: list[dict[str, object]]) -> None:
    """Valid generated events come back from icalendar with our start and end."""
    for number, table in enumerate(tables):
        table["id"] = f"e{number}"
        table["sources"] = [{"publisher": "P"}]
        start = table["start"]
        if isinstance(start, datetime):
            table["start"] = start.replace(second=0, microsecond=0)
    text = _document(tables)
    checked = validate(parse_document(text.encode(), "events.toml"))
    if checked.timeline is None:  # e.g. a generated local time inside a DST gap
        assert any("does not exist" in p.message for p in checked.errors)
        return
    files = build_outputs(checked.timeline, {}, FIXED)
    parsed = {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(files["events.ics"]).walk("VEVENT")
    }
    for event in checked.timeline.events:
        component = parsed[uid(event, checked.timeline.calendar.uid_domain)]
        start = component.decoded("DTSTART")
        end = component.decoded("DTEND")
        when = event.when
        if isinstance(start, datetime):
            # Instants, not ==: Python never calls an ambiguous local time (PEP 495)
            # equal to a time in another zone, even at the same instant.
            assert start.timestamp() == when.start.timestamp()  # type: ignore[union-attr]
            assert end.timestamp() == when.end.timestamp()  # type: ignore[union-attr]
        else:
            assert start == when.first_day
            assert end == when.last_day + timedelta(days=1)
        assert str(component["SUMMARY"]) == event.title.strip()


def test_ci_runs_2000_examples_per_property() -> None:
    """Under CI=true every property test gets at least 2,000 examples."""
    import os

    if os.environ.get("CI"):
        assert settings.default.max_examples >= 2000
    else:
        assert settings.get_profile("ci").max_examples >= 2000
