"""Our .ics read back by independent parsers, the way subscribers' clients read it.

Three parsers are used: ``icalendar`` and ``ical`` (Python, each resolving a
TZID through the IANA database by name) and Mozilla's ical.js (Thunderbird's,
which knows no zones but those in the file, so it checks our VTIMEZONEs).
``icalendar`` is also run a second time with every TZID resolved through the
file's own VTIMEZONE, so the Python side checks those too.

Each parser's view is normalised to plain strings per UID, so a failure is a
readable dict diff:

* timed values are the UTC instant, ``2023-12-17T01:00:00Z``;
* all-day values are dates, ``2023-12-17``, with DTEND exclusive;
* ``end`` is the end a client computes: DTEND, or (RFC 5545 §3.6.1) the start
  itself for a timed event without one;
* ``occurrences`` are the recurrence set's starts, EXDATEs removed (a
  non-recurring event has one: its start).

What the model expects comes from the model, not from the file: the UID and
summary functions the exporter uses, and the date mapping documented in
``asean_timeline.exporters.ics``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
import pytest
from dateutil.rrule import rrulestr
from ical.calendar_stream import IcsCalendarStream

from asean_timeline.exporters.ics import description, uid
from asean_timeline.model import Month, Timed, Timeline, Year
from asean_timeline.pipeline import build_outputs, load_timeline
from asean_timeline.recurrence import occurrences
from asean_timeline.wording import calendar_summary

TESTS = Path(__file__).parent
INTEROP = TESTS / "interop"
PARSE_ICS = INTEROP / "parse_ics.mjs"
ICAL_JS = INTEROP / "node_modules" / "ical.js" / "package.json"
CALENDARS = {
    "events.toml": TESTS.parent / "events.toml",
    "full.toml": TESTS / "data" / "full.toml",
}
RENDERED_AT = datetime(2024, 1, 1, tzinfo=UTC)
#: Occurrences compared per event (every event in our test data has fewer).
MAX_OCCURRENCES = 100
#: RFC 5545 §3.1: a physical line is at most 75 octets, CRLF excluded.
MAX_LINE_OCTETS = 75
#: Node runs in a zone no event uses (UTC+13:45 in December), so a time that
#: ical.js read as floating, i.e. in the host's zone, could not pass unseen.
NODE_TZ = "Pacific/Chatham"

Record = dict[str, Any]
View = dict[str, Record]


@dataclass(frozen=True, repr=False)
class Rendered:
    """One input file rendered in-process, with its .ics also written to disk for node."""

    name: str
    timeline: Timeline
    ics: bytes
    path: Path

    def __repr__(self) -> str:  # keeps the whole calendar out of failure reports
        return f"Rendered({self.name!r})"


def render(source: Path, directory: Path) -> Rendered:
    timeline, _warnings = load_timeline(source)
    ics = build_outputs(timeline, {}, RENDERED_AT)["events.ics"]
    path = directory / f"{source.stem}.ics"
    path.write_bytes(ics)
    return Rendered(source.name, timeline, ics, path)


@pytest.fixture(scope="module", params=sorted(CALENDARS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(CALENDARS[request.param], tmp_path_factory.mktemp("ics"))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(CALENDARS["full.toml"], tmp_path_factory.mktemp("ics"))


# --- normalisation -----------------------------------------------------------


def point(value: date | datetime) -> str:
    """A start or end as compared: a UTC instant for times, the date for all-day values."""
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value} where a zone was expected"
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def record(summary: str, start: date | datetime, end: date | datetime | None) -> Record:
    return {
        "summary": summary,
        "start": point(start),
        "end": point(start if end is None else end),
        "all_day": not isinstance(start, datetime),
    }


def by_uid(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Pairs keyed by UID; a repeated UID fails here rather than hiding in the dict."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        assert key not in result, f"UID {key} appears twice"
        result[key] = value
    return result


# --- what the model says -----------------------------------------------------


def model_events(timeline: Timeline) -> View:
    """The mapping of exporters/ics.py's docstring, from the model alone."""

    def pairs() -> Iterator[tuple[str, Record]]:
        domain = timeline.calendar.uid_domain
        for event in timeline.events:
            when = event.when
            start: date | datetime
            end: date | datetime | None
            if isinstance(when, Timed):
                start, end = when.start, when.end
            else:
                start = when.first_day
                last = start if isinstance(when, Year | Month) else when.last_day
                end = last + timedelta(days=1)
            yield uid(event, domain), record(calendar_summary(event), start, end)

    return by_uid(pairs())


def model_occurrences(timeline: Timeline) -> dict[str, list[str]]:
    domain = timeline.calendar.uid_domain
    return by_uid(
        (uid(event, domain), [point(o) for o in occurrences(event, MAX_OCCURRENCES)])
        for event in timeline.events
    )


# --- icalendar ---------------------------------------------------------------


def icalendar_events(ics: bytes, *, embedded_zones: bool = False) -> View:
    """icalendar's view; with ``embedded_zones``, TZIDs resolve through our VTIMEZONEs only."""
    calendar = icalendar.Calendar.from_ical(ics)
    zones: dict[str, tzinfo] = {}
    if embedded_zones:
        zones = {vtz.tz_name: vtz.to_tz(lookup_tzid=False) for vtz in calendar.walk("VTIMEZONE")}

    def placed(vevent: icalendar.Event, name: str) -> date | datetime:
        value = vevent[name].dt
        tzid = vevent[name].params.get("TZID")
        if embedded_zones and tzid is not None:
            return value.replace(tzinfo=zones[tzid])
        return value

    def pairs() -> Iterator[tuple[str, Record]]:
        for vevent in calendar.walk("VEVENT"):
            start = placed(vevent, "DTSTART")
            end = placed(vevent, "DTEND") if "DTEND" in vevent else vevent.end
            yield str(vevent["UID"]), record(str(vevent["SUMMARY"]), start, end)

    return by_uid(pairs())


def icalendar_occurrences(ics: bytes) -> dict[str, list[str]]:
    """The file's DTSTART, RRULE and EXDATE as icalendar reads them, expanded with dateutil."""

    def starts(vevent: icalendar.Event) -> list[str]:
        start = vevent.start
        if "RRULE" not in vevent:
            return [point(start)]
        timed = isinstance(start, datetime)
        exdates = vevent.get("EXDATE", [])
        excluded = {
            value.dt
            for exdate in (exdates if isinstance(exdates, list) else [exdates])
            for value in exdate.dts
        }
        dtstart = start if timed else datetime.combine(start, time())
        found: list[str] = []
        for each in rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=dtstart):
            value = each if timed else each.date()
            if value not in excluded:
                found.append(point(value))
            if len(found) >= MAX_OCCURRENCES:
                break
        return found

    calendar = icalendar.Calendar.from_ical(ics)
    return by_uid((str(v["UID"]), starts(v)) for v in calendar.walk("VEVENT"))


# --- ical (allenporter) ------------------------------------------------------


def ical_events(ics: bytes) -> View:
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    return by_uid(
        (event.uid, record(event.summary, event.start, event.end)) for event in calendar.events
    )


def ical_occurrences(ics: bytes) -> dict[str, list[str]]:
    """Starts from ical's timeline, which expands RRULE and drops EXDATEs."""
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    found: dict[str, list[str]] = {event.uid: [] for event in calendar.events}
    for event in calendar.timeline_tz(UTC):
        if len(found[event.uid]) < MAX_OCCURRENCES:
            found[event.uid].append(point(event.start))
    return found


# --- ical.js (through node) --------------------------------------------------


def run_parse_ics(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run parse_ics.mjs; fails (never skips) if node or ical.js is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; scripts/test installs Node.js for the interop tests")
    if not ICAL_JS.is_file():
        pytest.fail(f"{ICAL_JS} is missing; run `npm ci` in {INTEROP} (scripts/test does)")
    return subprocess.run(
        [node, str(PARSE_ICS), str(path), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "TZ": NODE_TZ},
        timeout=60,
        check=False,
    )


@functools.cache
def icaljs_output(path: Path) -> str:
    """parse_ics.mjs's JSON for ``path`` (one node run per calendar)."""
    result = run_parse_ics(path, str(MAX_OCCURRENCES))
    if result.returncode != 0:
        pytest.fail(f"parse_ics.mjs failed on {path.name}:\n{result.stderr}")
    return result.stdout


def from_js(value: str) -> date | datetime:
    """Undo parse_ics.mjs's JSON: ``YYYY-MM-DD`` or an ISO instant ending in ``Z``."""
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def icaljs_events(path: Path) -> View:
    parsed = json.loads(icaljs_output(path))
    views = by_uid(
        (e["uid"], record(e["summary"], from_js(e["start"]), from_js(e["end"]))) for e in parsed
    )
    for event in parsed:
        assert views[event["uid"]]["all_day"] == event["allDay"], event["uid"]
    return views


def icaljs_occurrences(path: Path) -> dict[str, list[str]]:
    parsed = json.loads(icaljs_output(path))
    return by_uid((e["uid"], [point(from_js(o)) for o in e["occurrences"]]) for e in parsed)


# --- the file as bytes -------------------------------------------------------


def physical_lines(ics: bytes) -> list[bytes]:
    assert ics.endswith(b"\r\n"), "the calendar does not end with CRLF"
    return ics[: -len(b"\r\n")].split(b"\r\n")


def test_every_line_ends_with_crlf_and_fits_75_octets(rendered: Rendered) -> None:
    """Every physical line ends with CRLF (no bare CR or LF) and is at most 75 octets."""
    lines = physical_lines(rendered.ics)
    stray = [(n, line) for n, line in enumerate(lines, 1) if b"\r" in line or b"\n" in line]
    too_long = [(n, len(line)) for n, line in enumerate(lines, 1) if len(line) > MAX_LINE_OCTETS]
    assert stray == []
    assert too_long == []


def test_folding_never_splits_a_utf8_character(rendered: Rendered) -> None:
    """Each physical line is valid UTF-8 on its own, so no fold falls inside a character."""
    broken = []
    for number, line in enumerate(physical_lines(rendered.ics), 1):
        try:
            line.decode("utf-8", errors="strict")
        except UnicodeDecodeError as error:
            broken.append((number, line, str(error)))
    assert broken == []


def test_icalendar_rereads_text_exactly(rendered: Rendered) -> None:
    """icalendar unfolds and unescapes SUMMARY, DESCRIPTION and LOCATION to the model's text."""
    domain = rendered.timeline.calendar.uid_domain
    expected = {
        uid(event, domain): {
            "SUMMARY": calendar_summary(event),
            "DESCRIPTION": description(event),
            "LOCATION": event.location or None,
        }
        for event in rendered.timeline.events
    }
    calendar = icalendar.Calendar.from_ical(rendered.ics)
    actual = {
        str(vevent["UID"]): {
            name: str(vevent[name]) if name in vevent else None
            for name in ("SUMMARY", "DESCRIPTION", "LOCATION")
        }
        for vevent in calendar.walk("VEVENT")
    }
    assert actual == expected


def test_full_calendar_exercises_every_case(full: Rendered) -> None:
    """full.toml still covers what these tests rely on it for, so none of them passes vacuously."""
    events = full.timeline.events
    timed = [e.when for e in events if isinstance(e.when, Timed)]
    zones = {when.zone for when in timed}
    assert {"Asia/Tokyo", "Europe/Berlin", "America/New_York", None} <= zones
    assert any(w.end is not None and w.start.utcoffset() != w.end.utcoffset() for w in timed)
    recurring = [e for e in events if e.recurrence is not None and e.recurrence.exdates]
    assert {isinstance(e.when, Timed) for e in recurring} == {True, False}
    assert any(not calendar_summary(e).isascii() for e in events)
    folded = [line for line in physical_lines(full.ics) if line.startswith(b" ")]
    assert any(not line.isascii() for line in folded)


# --- every parser against the model ------------------------------------------


def test_icalendar_reads_what_the_model_says(rendered: Rendered) -> None:
    """icalendar (TZIDs looked up in IANA by name) gives the model's summary, start and end."""
    assert icalendar_events(rendered.ics) == model_events(rendered.timeline)


def test_icalendar_through_our_vtimezones_reads_what_the_model_says(rendered: Rendered) -> None:
    """With TZIDs resolved only through our VTIMEZONEs, icalendar gets the model's instants."""
    view = icalendar_events(rendered.ics, embedded_zones=True)
    assert view == model_events(rendered.timeline)


def test_ical_reads_what_the_model_says(rendered: Rendered) -> None:
    """ical gives each UID the model's summary, start and end."""
    assert ical_events(rendered.ics) == model_events(rendered.timeline)


@pytest.mark.node
def test_icaljs_reads_what_the_model_says(rendered: Rendered) -> None:
    """ical.js (Thunderbird) gives each UID the model's summary, start and end."""
    assert icaljs_events(rendered.path) == model_events(rendered.timeline)


@pytest.mark.node
def test_all_parsers_agree_with_each_other(rendered: Rendered) -> None:
    """icalendar (both ways), ical and ical.js see identical events, field by field."""
    views = {
        "icalendar+vtimezone": icalendar_events(rendered.ics, embedded_zones=True),
        "ical": ical_events(rendered.ics),
        "ical.js": icaljs_events(rendered.path),
    }
    reference = icalendar_events(rendered.ics)
    for name, view in views.items():
        assert view == reference, f"{name} disagrees with icalendar"


# --- recurrence --------------------------------------------------------------


def test_icalendar_rrule_and_exdate_expand_to_the_models_occurrences(rendered: Rendered) -> None:
    """The file's RRULE and EXDATE, as icalendar reads them, expand to the model's starts."""
    assert icalendar_occurrences(rendered.ics) == model_occurrences(rendered.timeline)


def test_ical_timeline_gives_the_models_occurrences(rendered: Rendered) -> None:
    """ical's timeline lists exactly recurrence.occurrences() for every event."""
    assert ical_occurrences(rendered.ics) == model_occurrences(rendered.timeline)


@pytest.mark.node
def test_icaljs_iterator_gives_the_models_occurrences(rendered: Rendered) -> None:
    """ical.js's event.iterator() yields exactly recurrence.occurrences() for every event."""
    assert icaljs_occurrences(rendered.path) == model_occurrences(rendered.timeline)


# --- the ical.js harness itself ----------------------------------------------


@pytest.mark.node
def test_parse_ics_refuses_a_tzid_it_cannot_resolve(full: Rendered, tmp_path: Path) -> None:
    """parse_ics.mjs fails on a TZID without its VTIMEZONE instead of reading it as floating."""
    text = full.ics.decode("utf-8")
    start = text.index("BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\n")
    end = text.index("END:VTIMEZONE\r\n", start) + len("END:VTIMEZONE\r\n")
    path = tmp_path / "no-tokyo.ics"
    path.write_bytes((text[:start] + text[end:]).encode("utf-8"))
    result = run_parse_ics(path)
    assert result.returncode != 0
    assert "timed-tokyo@tour.example.org" in result.stderr
    assert "floating" in result.stderr


# --- regressions ---------------------------------------------------------------

LONG_RECURRENCE = """
[calendar]
title = "A daily call for five years"
timezone = "Europe/Berlin"

[[events]]
id = "daily-call"
title = "Daily call"
start = 2024-01-01T09:00:00
rrule = "FREQ=DAILY;COUNT=1800"
sources = [{ publisher = "Example Wire" }]
"""


@pytest.mark.node
def test_icaljs_places_every_occurrence_of_a_long_recurrence(tmp_path: Path) -> None:
    """Occurrences after the 1000th still find their offset in our VTIMEZONE (ical.js)."""
    source = tmp_path / "long.toml"
    source.write_text(LONG_RECURRENCE, encoding="utf-8")
    calendar = render(source, tmp_path)
    (event,) = calendar.timeline.events
    expected = [point(o) for o in occurrences(event, limit=2000)]
    result = run_parse_ics(calendar.path, "2000")
    assert result.returncode == 0, result.stderr
    (parsed,) = json.loads(result.stdout)
    actual = [point(from_js(o)) for o in parsed["occurrences"]]
    assert len(actual) == len(expected) == 1800
    wrong = [(a, e) for a, e in zip(actual, expected, strict=True) if a != e]
    assert wrong == []
