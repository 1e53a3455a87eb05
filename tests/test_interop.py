"""Our .ics read back by independent parsers, the way subscribers' clients read it.

Five parsers are used: ``icalendar`` and ``ical`` (Python, each resolving a
TZID through the IANA database by name); ``vobject`` (Python, Radicale's,
which builds its zones from the file's VTIMEZONEs with dateutil); Mozilla's
ical.js (Thunderbird's, through node); and libical (Evolution's C library,
through GObject introspection and the system Python). ical.js, vobject and
libical know no zones but those in the file here, so they check our
VTIMEZONEs. ``icalendar`` is also run a second time with every TZID resolved
through the file's own VTIMEZONE, so the Python side checks those too.

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
``asean_timeline.exporters.ics``. For tests/data/zones.toml the instants
also come from zoneinfo directly, read from the TOML without the model.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
import vobject.icalendar
from dateutil.rrule import rrulestr
from ical.calendar_stream import IcsCalendarStream

from asean_timeline import reference
from asean_timeline.model import Month, Timed, Timeline, Year
from asean_timeline.pipeline import build_outputs, load_timeline
from asean_timeline.present import present, uid
from asean_timeline.recurrence import occurrences
from asean_timeline.wording import calendar_summary

TESTS = Path(__file__).parent
INTEROP = TESTS / "interop"
PARSE_ICS = INTEROP / "parse_ics.mjs"
PARSE_LIBICAL = INTEROP / "parse_libical.py"
ICAL_JS = INTEROP / "node_modules" / "ical.js" / "package.json"
#: libical's GObject bindings (Debian's python3-gi, gir1.2-ical-3.0) are for this Python only.
SYSTEM_PYTHON = Path("/usr/bin/python3")
CALENDARS = {
    "events.toml": TESTS.parent / "events.toml",
    "full.toml": TESTS / "data" / "full.toml",
}
ZONES = TESTS / "data" / "zones.toml"
HISTORY = TESTS / "data" / "zone_history.toml"
RENDERED_AT = datetime(2024, 1, 1, tzinfo=UTC)
#: Occurrences compared per event (every event in our test data has fewer).
MAX_OCCURRENCES = 100
#: RFC 5545 §3.1: a physical line is at most 75 octets, CRLF excluded.
MAX_LINE_OCTETS = 75
#: Node and libical run in a zone no event uses (UTC+13:45 in December), so a
#: time that either read as floating, i.e. in the host's zone, could not pass unseen.
NODE_TZ = "Pacific/Chatham"

Record = dict[str, Any]
View = dict[str, Record]
Starts = dict[str, list[str]]


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


@pytest.fixture(scope="module")
def zones(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(ZONES, tmp_path_factory.mktemp("ics"))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(HISTORY, tmp_path_factory.mktemp("ics"))


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


def expand(
    rule: str, start: date | datetime, excluded: set[date | datetime], limit: int
) -> list[str]:
    """Starts of ``rule`` from ``start`` (dates stay dates), less ``excluded``, by dateutil."""
    timed = isinstance(start, datetime)
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
    found: list[str] = []
    for each in rrulestr(rule, dtstart=dtstart):
        value = each if timed else each.date()
        if value not in excluded:
            found.append(point(value))
        if len(found) >= limit:
            break
    return found


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


def model_occurrences(timeline: Timeline) -> Starts:
    domain = timeline.calendar.uid_domain
    return by_uid(
        (uid(event, domain), [point(o) for o in occurrences(event, MAX_OCCURRENCES)])
        for event in timeline.events
    )


# --- what zoneinfo says --------------------------------------------------------


def zoneinfo_instants(source: Path) -> View:
    """Start, end and occurrences of each event of a zones file, in UTC, by zoneinfo alone.

    Read from the TOML without the model (every event there names its zone and
    ends its rule with COUNT), with the pinned tzdata the VTIMEZONEs come from.
    """
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    domain = document["calendar"]["uid_domain"]

    def pairs() -> Iterator[tuple[str, Record]]:
        for table in document["events"]:
            zone = reference.zone(table["timezone"])
            start = table["start"].replace(tzinfo=zone)
            if "rrule" in table:
                excluded = {d.replace(tzinfo=zone) for d in table.get("exdates", [])}
                starts = expand(table["rrule"], start, excluded, MAX_OCCURRENCES)
            else:
                starts = [point(start)]
            end = table["end"].replace(tzinfo=zone)
            yield f"{table['id']}@{domain}", instants(point(start), point(end), starts)

    return by_uid(pairs())


def instants(start: str, end: str, starts: list[str]) -> Record:
    return {"start": start, "end": end, "occurrences": starts}


# --- icalendar ---------------------------------------------------------------


def icalendar_placer(
    calendar: icalendar.Calendar, *, embedded_zones: bool
) -> Callable[[date | datetime, Any], date | datetime]:
    """Places a value read with its property's parameters, in our VTIMEZONE if asked."""
    zones: dict[str, tzinfo] = {}
    if embedded_zones:
        zones = {vtz.tz_name: vtz.to_tz(lookup_tzid=False) for vtz in calendar.walk("VTIMEZONE")}

    def place(value: date | datetime, params: Any) -> date | datetime:
        tzid = params.get("TZID")
        if embedded_zones and tzid is not None:
            assert isinstance(value, datetime), f"TZID={tzid} on a date"
            return value.replace(tzinfo=zones[tzid])
        return value

    return place


def icalendar_events(ics: bytes, *, embedded_zones: bool = False) -> View:
    """icalendar's view; with ``embedded_zones``, TZIDs resolve through our VTIMEZONEs only."""
    calendar = icalendar.Calendar.from_ical(ics)
    place = icalendar_placer(calendar, embedded_zones=embedded_zones)

    def placed(vevent: icalendar.Event, name: str) -> date | datetime:
        return place(vevent[name].dt, vevent[name].params)

    def pairs() -> Iterator[tuple[str, Record]]:
        for vevent in calendar.walk("VEVENT"):
            start = placed(vevent, "DTSTART")
            end = placed(vevent, "DTEND") if "DTEND" in vevent else vevent.end
            yield str(vevent["UID"]), record(str(vevent["SUMMARY"]), start, end)

    return by_uid(pairs())


def icalendar_occurrences(ics: bytes, *, embedded_zones: bool = False) -> Starts:
    """The file's DTSTART, RRULE and EXDATE as icalendar reads them, expanded with dateutil."""
    calendar = icalendar.Calendar.from_ical(ics)
    place = icalendar_placer(calendar, embedded_zones=embedded_zones)

    def starts(vevent: icalendar.Event) -> list[str]:
        start = place(vevent["DTSTART"].dt, vevent["DTSTART"].params)
        if "RRULE" not in vevent:
            return [point(start)]
        exdates = vevent.get("EXDATE", [])
        excluded = {
            place(value.dt, exdate.params)
            for exdate in (exdates if isinstance(exdates, list) else [exdates])
            for value in exdate.dts
        }
        return expand(vevent["RRULE"].to_ical().decode(), start, excluded, MAX_OCCURRENCES)

    return by_uid((str(v["UID"]), starts(v)) for v in calendar.walk("VEVENT"))


# --- ical (allenporter) ------------------------------------------------------


def ical_events(ics: bytes) -> View:
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    return by_uid(
        (event.uid, record(event.summary, event.start, event.end)) for event in calendar.events
    )


def ical_occurrences(ics: bytes) -> Starts:
    """Starts from ical's timeline, which expands RRULE and drops EXDATEs."""
    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    found: Starts = {event.uid: [] for event in calendar.events}
    for event in calendar.timeline_tz(UTC):
        if len(found[event.uid]) < MAX_OCCURRENCES:
            found[event.uid].append(point(event.start))
    return found


# --- vobject -------------------------------------------------------------------


@contextlib.contextmanager
def fresh_vobject_zones() -> Iterator[dict[str, tzinfo]]:
    """vobject's TZID registry, emptied as in a new process, and restored afterwards.

    vobject keeps one registry per process, in which the first zone registered
    for a TZID wins: a VTIMEZONE read from an earlier calendar (or a pytz zone
    guessed by name) would otherwise stand in for this file's.
    """
    registry: dict[str, tzinfo] = vars(vobject.icalendar)["__tzidMap"]
    saved = dict(registry)
    registry.clear()
    registry["UTC"] = saved["UTC"]
    try:
        yield registry
    finally:
        registry.clear()
        registry.update(saved)


def vobject_calendar(ics: bytes) -> Any:
    """The calendar as vobject reads it; fails unless every zone is one of the file's VTIMEZONEs.

    vobject looks a TZID without a VTIMEZONE up in pytz by name, or leaves the
    time floating: either would hide a broken VTIMEZONE of ours.
    """
    with fresh_vobject_zones() as registry:
        calendar = vobject.readOne(ics.decode("utf-8"))
        own = {id(registry[v.tzid.value]) for v in calendar.contents.get("vtimezone", [])}
    own.add(id(registry["UTC"]))  # "…Z" values
    for vevent in calendar.contents.get("vevent", []):
        for name in ("dtstart", "dtend", "exdate"):
            for line in vevent.contents.get(name, []):
                values = line.value if isinstance(line.value, list) else [line.value]
                for value in values:
                    if isinstance(value, datetime):
                        assert value.tzinfo is not None, f"{vevent.uid.value} {name}: floating"
                        where = f"{vevent.uid.value} {name}: {value!r}"
                        assert id(value.tzinfo) in own, f"{where} is in no VTIMEZONE of the file"
    return calendar


def vobject_events(ics: bytes) -> View:
    def pairs() -> Iterator[tuple[str, Record]]:
        for vevent in vobject_calendar(ics).contents["vevent"]:
            end = vevent.dtend.value if "dtend" in vevent.contents else None
            yield vevent.uid.value, record(vevent.summary.value, vevent.dtstart.value, end)

    return by_uid(pairs())


def vobject_occurrences(ics: bytes) -> Starts:
    """Starts from vobject's rruleset (RRULE, RDATE, EXDATE) with DTSTART kept as RFC 5545 says."""

    def starts(vevent: Any) -> list[str]:
        start = vevent.dtstart.value
        if "rrule" not in vevent.contents:
            return [point(start)]
        found: list[str] = []
        # addRDate: DTSTART is the first instance even where the rule does not match it.
        for each in vevent.getrruleset(addRDate=True):
            found.append(point(each if isinstance(start, datetime) else each.date()))
            if len(found) >= MAX_OCCURRENCES:
                break
        return found

    calendar = vobject_calendar(ics)
    return by_uid((v.uid.value, starts(v)) for v in calendar.contents["vevent"])


# --- ical.js (node) and libical (system Python), run as subprocesses -----------


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
def libical_problem() -> str | None:
    """Why /usr/bin/python3 cannot load libical's bindings, or None if it can."""
    probe = 'import gi; gi.require_version("ICalGLib", "3.0"); from gi.repository import ICalGLib'
    if not SYSTEM_PYTHON.is_file():
        return f"{SYSTEM_PYTHON} does not exist"
    result = subprocess.run(
        [str(SYSTEM_PYTHON), "-I", "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return None if result.returncode == 0 else result.stderr.strip().splitlines()[-1]


def run_parse_libical(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run parse_libical.py; fails (never skips) if libical's bindings are missing."""
    problem = libical_problem()
    if problem is not None:
        pytest.fail(
            f"libical is not usable from {SYSTEM_PYTHON} ({problem}); scripts/test installs "
            "Debian's gir1.2-ical-3.0 and python3-gi for the interop tests"
        )
    return subprocess.run(
        # -I: the venv's PYTHON* variables must not reach the system Python.
        [str(SYSTEM_PYTHON), "-I", str(PARSE_LIBICAL), str(path), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "TZ": NODE_TZ},
        timeout=60,
        check=False,
    )


HARNESSES = {"ical.js": run_parse_ics, "libical": run_parse_libical}


@functools.cache
def harness_output(harness: str, path: Path, limit: int = MAX_OCCURRENCES) -> str:
    """A harness's JSON for ``path`` (one run per harness, calendar and limit)."""
    result = HARNESSES[harness](path, str(limit))
    if result.returncode != 0:
        pytest.fail(f"{harness} harness failed on {path.name}:\n{result.stderr}")
    return result.stdout


def from_json(value: str) -> date | datetime:
    """Undo a harness's JSON: ``YYYY-MM-DD`` or an ISO instant ending in ``Z``."""
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def harness_events(harness: str, path: Path) -> View:
    parsed = json.loads(harness_output(harness, path))
    views = by_uid(
        (e["uid"], record(e["summary"], from_json(e["start"]), from_json(e["end"]))) for e in parsed
    )
    for event in parsed:
        assert views[event["uid"]]["all_day"] == event["allDay"], event["uid"]
    return views


def harness_occurrences(harness: str, path: Path) -> Starts:
    parsed = json.loads(harness_output(harness, path))
    return by_uid((e["uid"], [point(from_json(o)) for o in e["occurrences"]]) for e in parsed)


# --- every parser, by name -----------------------------------------------------


@dataclass(frozen=True)
class Parser:
    """How one parser's events and occurrences are read from a rendered calendar."""

    events: Callable[[Rendered], View]
    occurrences: Callable[[Rendered], Starts]
    marks: tuple[pytest.MarkDecorator, ...] = ()


PARSERS = {
    "icalendar": Parser(
        lambda r: icalendar_events(r.ics),
        lambda r: icalendar_occurrences(r.ics),
    ),
    "icalendar+vtimezone": Parser(
        lambda r: icalendar_events(r.ics, embedded_zones=True),
        lambda r: icalendar_occurrences(r.ics, embedded_zones=True),
    ),
    "ical": Parser(lambda r: ical_events(r.ics), lambda r: ical_occurrences(r.ics)),
    "vobject": Parser(lambda r: vobject_events(r.ics), lambda r: vobject_occurrences(r.ics)),
    "ical.js": Parser(
        lambda r: harness_events("ical.js", r.path),
        lambda r: harness_occurrences("ical.js", r.path),
        (pytest.mark.node,),
    ),
    "libical": Parser(
        lambda r: harness_events("libical", r.path),
        lambda r: harness_occurrences("libical", r.path),
        (pytest.mark.libical,),
    ),
}
#: Marks for a test that runs every parser.
ALL_PARSERS = (pytest.mark.node, pytest.mark.libical)


def each_parser() -> list[Any]:
    return [pytest.param(name, marks=parser.marks, id=name) for name, parser in PARSERS.items()]


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
            "DESCRIPTION": present(event, domain).description,
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


def test_vobject_reads_what_the_model_says(rendered: Rendered) -> None:
    """vobject, through our VTIMEZONEs, gives each UID the model's summary, start and end."""
    assert vobject_events(rendered.ics) == model_events(rendered.timeline)


@pytest.mark.node
def test_icaljs_reads_what_the_model_says(rendered: Rendered) -> None:
    """ical.js (Thunderbird) gives each UID the model's summary, start and end."""
    assert harness_events("ical.js", rendered.path) == model_events(rendered.timeline)


@pytest.mark.libical
def test_libical_reads_what_the_model_says(rendered: Rendered) -> None:
    """libical (Evolution) gives each UID the model's summary, start and end."""
    assert harness_events("libical", rendered.path) == model_events(rendered.timeline)


@pytest.mark.node
@pytest.mark.libical
def test_all_parsers_agree_with_each_other(rendered: Rendered) -> None:
    """All five parsers (icalendar both ways) see identical events, field by field."""
    reference_view = icalendar_events(rendered.ics)
    for name, parser in PARSERS.items():
        assert parser.events(rendered) == reference_view, f"{name} disagrees with icalendar"


# --- recurrence --------------------------------------------------------------


def test_icalendar_rrule_and_exdate_expand_to_the_models_occurrences(rendered: Rendered) -> None:
    """The file's RRULE and EXDATE, as icalendar reads them, expand to the model's starts."""
    assert icalendar_occurrences(rendered.ics) == model_occurrences(rendered.timeline)


def test_ical_timeline_gives_the_models_occurrences(rendered: Rendered) -> None:
    """ical's timeline lists exactly recurrence.occurrences() for every event."""
    assert ical_occurrences(rendered.ics) == model_occurrences(rendered.timeline)


def test_vobject_rruleset_gives_the_models_occurrences(rendered: Rendered) -> None:
    """vobject's rruleset lists exactly recurrence.occurrences() for every event."""
    assert vobject_occurrences(rendered.ics) == model_occurrences(rendered.timeline)


@pytest.mark.node
def test_icaljs_iterator_gives_the_models_occurrences(rendered: Rendered) -> None:
    """ical.js's event.iterator() yields exactly recurrence.occurrences() for every event."""
    assert harness_occurrences("ical.js", rendered.path) == model_occurrences(rendered.timeline)


@pytest.mark.libical
def test_libical_iterator_gives_the_models_occurrences(rendered: Rendered) -> None:
    """libical's RecurIterator, less its EXDATEs, yields exactly recurrence.occurrences()."""
    assert harness_occurrences("libical", rendered.path) == model_occurrences(rendered.timeline)


@pytest.mark.node
@pytest.mark.libical
def test_all_parsers_agree_on_occurrences(rendered: Rendered) -> None:
    """All five parsers (icalendar both ways) expand every event to identical starts."""
    reference_starts = icalendar_occurrences(rendered.ics)
    for name, parser in PARSERS.items():
        assert parser.occurrences(rendered) == reference_starts, f"{name} disagrees with icalendar"


# --- our VTIMEZONEs in summer and in winter --------------------------------------


def test_zones_calendar_exercises_every_case(zones: Rendered) -> None:
    """zones.toml has each zone's winter and summer offset, DST-crossing and ten-year rules."""
    offsets: dict[str, set[timedelta | None]] = {}
    years: set[int] = set()
    for event in zones.timeline.events:
        when = event.when
        assert isinstance(when, Timed)
        assert when.zone is not None
        starts = [s for s in occurrences(event, MAX_OCCURRENCES) if isinstance(s, datetime)]
        offsets.setdefault(when.zone, set()).update(s.utcoffset() for s in starts)
        years.update(s.year for s in starts)
        if event.recurrence is not None and when.zone != "Asia/Tokyo":
            assert len({s.utcoffset() for s in starts}) == 2, f"{event.id} crosses no DST change"
    assert offsets == {
        "Europe/Berlin": {timedelta(hours=1), timedelta(hours=2)},
        "America/New_York": {timedelta(hours=-5), timedelta(hours=-4)},
        "Australia/Sydney": {timedelta(hours=11), timedelta(hours=10)},
        "Asia/Tokyo": {timedelta(hours=9)},
        "Australia/Lord_Howe": {timedelta(hours=11), timedelta(hours=10, minutes=30)},
    }
    assert years == set(range(2024, 2034))
    vtimezones = icalendar.Calendar.from_ical(zones.ics).walk("VTIMEZONE")
    assert {vtz.tz_name for vtz in vtimezones} == set(offsets)


def test_zones_model_matches_zoneinfo(zones: Rendered) -> None:
    """The model's instants for zones.toml are zoneinfo's: parsers are checked against both."""
    model = model_events(zones.timeline)
    starts = model_occurrences(zones.timeline)
    view = {key: instants(e["start"], e["end"], starts[key]) for key, e in model.items()}
    assert view == zoneinfo_instants(ZONES)


@pytest.mark.parametrize("parser", each_parser())
def test_every_parser_reads_our_vtimezones_in_summer_and_winter(
    zones: Rendered, parser: str
) -> None:
    """Each parser places every start, end and occurrence of zones.toml at zoneinfo's instant."""
    events = PARSERS[parser].events(zones)
    starts = PARSERS[parser].occurrences(zones)
    view = {key: instants(e["start"], e["end"], starts[key]) for key, e in events.items()}
    assert view == zoneinfo_instants(ZONES)


def test_zone_history_mixes_yearly_rules_that_end_with_dated_changes(history: Rendered) -> None:
    """zone_history.toml's VTIMEZONEs have RRULEs with and without UNTIL, and RDATEs."""
    text = history.ics.decode("utf-8")
    assert ";UNTIL=" in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n" in text  # New York since 2007
    assert "RDATE:20200321T000000\r\n" in text  # Tehran: no weekday rule


def test_zone_history_model_matches_zoneinfo(history: Rendered) -> None:
    """The model's instants for zone_history.toml are zoneinfo's."""
    model = model_events(history.timeline)
    starts = model_occurrences(history.timeline)
    view = {key: instants(e["start"], e["end"], starts[key]) for key, e in model.items()}
    assert view == zoneinfo_instants(HISTORY)


@pytest.mark.parametrize("parser", each_parser())
def test_every_parser_reads_our_vtimezones_through_rule_changes(
    history: Rendered, parser: str
) -> None:
    """Each parser places every occurrence in zones whose rules changed at zoneinfo's instant."""
    events = PARSERS[parser].events(history)
    starts = PARSERS[parser].occurrences(history)
    view = {key: instants(e["start"], e["end"], starts[key]) for key, e in events.items()}
    assert view == zoneinfo_instants(HISTORY)


# --- the harnesses themselves ----------------------------------------------------


def without_vtimezone(rendered: Rendered, tzid: str, path: Path) -> Path:
    """A copy of the calendar at ``path`` with the VTIMEZONE of ``tzid`` taken out."""
    text = rendered.ics.decode("utf-8")
    start = text.index(f"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n")
    end = text.index("END:VTIMEZONE\r\n", start) + len("END:VTIMEZONE\r\n")
    path.write_bytes((text[:start] + text[end:]).encode("utf-8"))
    return path


@pytest.mark.node
def test_parse_ics_refuses_a_tzid_it_cannot_resolve(full: Rendered, tmp_path: Path) -> None:
    """parse_ics.mjs fails on a TZID without its VTIMEZONE instead of reading it as floating."""
    path = without_vtimezone(full, "Asia/Tokyo", tmp_path / "no-tokyo.ics")
    result = run_parse_ics(path)
    assert result.returncode != 0
    assert "timed-tokyo@tour.example.org" in result.stderr
    assert "floating" in result.stderr


@pytest.mark.libical
def test_parse_libical_refuses_a_tzid_it_cannot_resolve(full: Rendered, tmp_path: Path) -> None:
    """parse_libical.py fails on a TZID without its VTIMEZONE, not using libical's own zones."""
    path = without_vtimezone(full, "Asia/Tokyo", tmp_path / "no-tokyo.ics")
    result = run_parse_libical(path)
    assert result.returncode != 0
    assert "timed-tokyo@tour.example.org DTSTART: TZID=Asia/Tokyo" in result.stderr
    assert "no VTIMEZONE" in result.stderr


@pytest.mark.libical
def test_parse_libical_refuses_what_libical_cannot_parse(full: Rendered, tmp_path: Path) -> None:
    """parse_libical.py fails on a value libical drops as unparsable (its X-LIC-ERROR)."""
    text = full.ics.decode("utf-8")
    broken = text.replace("DTSTART;TZID=Asia/Tokyo:20231217T100000", "DTSTART;TZID=Asia/Tokyo:2023")
    assert broken != text
    path = tmp_path / "broken.ics"
    path.write_bytes(broken.encode("utf-8"))
    result = run_parse_libical(path)
    assert result.returncode != 0
    assert "VEVENT timed-tokyo@tour.example.org: Can't parse" in result.stderr


def test_vobject_reader_refuses_a_tzid_it_cannot_resolve(full: Rendered, tmp_path: Path) -> None:
    """vobject_calendar fails on a TZID without its VTIMEZONE instead of taking pytz's zone."""
    path = without_vtimezone(full, "Asia/Tokyo", tmp_path / "no-tokyo.ics")
    with pytest.raises(AssertionError, match=r"timed-tokyo@tour\.example\.org dtstart"):
        vobject_calendar(path.read_bytes())


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


@pytest.mark.parametrize(
    "harness",
    [
        pytest.param("ical.js", marks=pytest.mark.node),
        pytest.param("libical", marks=pytest.mark.libical),
    ],
)
def test_harness_places_every_occurrence_of_a_long_recurrence(tmp_path: Path, harness: str) -> None:
    """Occurrences after the 1000th still find their offset in our VTIMEZONE (ical.js, libical)."""
    source = tmp_path / "long.toml"
    source.write_text(LONG_RECURRENCE, encoding="utf-8")
    calendar = render(source, tmp_path)
    (event,) = calendar.timeline.events
    expected = [point(o) for o in occurrences(event, limit=2000)]
    result = HARNESSES[harness](calendar.path, "2000")
    assert result.returncode == 0, result.stderr
    (parsed,) = json.loads(result.stdout)
    actual = [point(from_json(o)) for o in parsed["occurrences"]]
    assert len(actual) == len(expected) == 1800
    wrong = [(a, e) for a, e in zip(actual, expected, strict=True) if a != e]
    assert wrong == []
