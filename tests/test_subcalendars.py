"""Sub-calendars per country and tag, export filters, and retiring obsolete files."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from asean_timeline.cli import cli
from asean_timeline.model import CalendarInfo, Query, Status, Timeline
from asean_timeline.pipeline import SUBCALENDAR_PATH, load_timeline
from asean_timeline.selection import EventIndex, select
from tests.conftest import FULL, SHIPPED, render_files


def _events(ics: bytes) -> dict[str, tuple[str, str]]:
    """UID → (SEQUENCE, SUMMARY) of each VEVENT."""
    calendar = icalendar.Calendar.from_ical(ics)
    return {
        str(e["UID"]): (str(e.get("SEQUENCE")), str(e["SUMMARY"])) for e in calendar.walk("VEVENT")
    }


def test_a_calendar_per_country_and_per_tag() -> None:
    """Every country and tag in use gets a calendar with exactly its events."""
    files = render_files(SHIPPED)
    malaysia = _events(files["calendars/countries/MY.ics"])
    assert [summary for _, summary in malaysia.values()] == [
        "Kishida and Anwar agree on OSA equipment for Malaysia"
    ]
    maritime = _events(files["calendars/tags/maritime-security.ics"])
    assert len(maritime) == 2
    paths = [name for name in files if name.startswith("calendars/")]
    assert len(paths) == 1 + 6 + 10  # 1 named calendar, 6 countries, 10 tags
    assert all(SUBCALENDAR_PATH.match(name) for name in paths)


def test_subcalendars_share_uids_and_sequences_with_the_main_calendar() -> None:
    """An event reads the same (UID, SEQUENCE, SUMMARY) in every calendar it is in."""
    files = render_files(SHIPPED)
    main = _events(files["events.ics"])
    for name, content in files.items():
        if name.startswith("calendars/"):
            for uid, value in _events(content).items():
                assert main[uid] == value, name


def test_subcalendars_have_their_own_name_and_address() -> None:
    """Each sub-calendar names itself and points SOURCE at its own URL."""
    ics = render_files(SHIPPED)["calendars/countries/MY.ics"].decode()
    assert "\r\nX-WR-CALNAME:Japan–ASEAN security ties: Malaysia\r\n" in ics
    assert "\r\nNAME:Japan–ASEAN security ties: Malaysia\r\n" in ics
    unfolded = ics.replace("\r\n ", "")
    assert (
        "SOURCE;VALUE=URI:https://example.org/asean-timeline/calendars/countries/MY.ics" in unfolded
    )


def test_subscription_page_lists_every_calendar_with_webcal_links() -> None:
    """dist/README.md links every calendar, by https and webcal."""
    page = render_files(SHIPPED)["README.md"].decode()
    assert "`webcal://example.org/asean-timeline/events.ics`" in page
    assert "`webcal://example.org/asean-timeline/calendars/countries/MY.ics`" in page
    for client in ("Google Calendar", "Apple Calendar", "Outlook", "Thunderbird"):
        assert f"## {client}" in page
    assert "every 12 hours" in page


def test_obsolete_subcalendar_is_removed_but_foreign_files_stay(project: Path) -> None:
    """When the last 'budget' event goes, calendars/tags/budget.ics goes; other files stay."""
    runner = CliRunner()
    assert runner.invoke(cli, ["render"]).exit_code == 0
    budget = project / "dist" / "calendars" / "tags" / "budget.ics"
    mine = project / "dist" / "calendars" / "tags" / "mine.ics"
    mine.write_text("not render's")
    assert budget.is_file()
    text = (project / "events.toml").read_text(encoding="utf-8")
    (project / "events.toml").write_text(text.replace('tags = ["osa", "budget"]', 'tags = ["osa"]'))
    check = runner.invoke(cli, ["render", "--check"])
    assert check.exit_code == 1
    assert "budget.ics is obsolete" in check.output
    result = runner.invoke(cli, ["render"])
    assert result.exit_code == 0, result.output
    assert not budget.exists()
    assert mine.read_text() == "not render's"
    assert runner.invoke(cli, ["render", "--check"]).exit_code == 0


def test_a_doctored_state_file_cannot_make_render_delete_other_files(project: Path) -> None:
    """Only paths of the shape render writes under calendars/ are ever removed."""
    runner = CliRunner()
    runner.invoke(cli, ["render"], catch_exceptions=False)
    state_path = project / "dist" / "revisions.json"
    state = json.loads(state_path.read_text())
    state["files"] += ["../events.toml", "timeline.md.bak", "calendars/../../x.ics"]
    state_path.write_text(json.dumps(state))
    (project / "dist" / "timeline.md.bak").write_text("keep")
    assert runner.invoke(cli, ["render"]).exit_code == 0
    assert (project / "events.toml").is_file()
    assert (project / "dist" / "timeline.md.bak").read_text() == "keep"


def test_no_subcalendars_option(project: Path) -> None:
    """--no-subcalendars writes only the outputs, the widget and revisions.json."""
    result = CliRunner().invoke(cli, ["render", "--no-subcalendars"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "dist").iterdir()) == [
        "changes.md",
        "changes.xml",
        "embed.js",
        "events.csv",
        "events.ics",
        "feed.json",
        "index.html",
        "revisions.json",
        "timeline.md",
    ]


def test_export_filters_apply_to_every_format(project: Path) -> None:
    """export --country and --tag keep the events that match both."""
    runner = CliRunner()
    feed = runner.invoke(cli, ["export", "--format", "json", "--country", "JP", "--tag", "osa"])
    assert feed.exit_code == 0, feed.output
    ids = [item["_asean_timeline"]["id"] for item in json.loads(feed.stdout)["items"]]
    assert ids == [
        "japan-launches-official-security-assistance",
        "kishida-anwar-talks-2023-12-16",
        "osa-first-budget-fiscal-year-ends-2024-03",
    ]
    markdown = runner.invoke(cli, ["export", "--format", "md", "--country", "MY"])
    assert len(re.findall(r"^- \*\*", markdown.stdout, flags=re.M)) == 1
    dated = runner.invoke(
        cli, ["export", "--format", "ics", "--from", "2023-12-17", "--until", "2023-12-17"]
    )
    assert len(_events(dated.stdout_bytes)) == 5  # the summit, the meetings, three windows


def test_tags_that_would_escape_the_folder_are_rejected(tmp_path: Path) -> None:
    """A tag like '../x' never becomes a path: validation refuses it."""
    path = tmp_path / "events.toml"
    path.write_text(
        '[calendar]\ntitle = "T"\n[[events]]\nid = "a"\ntitle = "A"\ndate = 2023-12-17\n'
        'tags = ["../x"]\nsources = [{ publisher = "P" }]\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "tag '../x' is not a lowercase slug" in result.output


def test_named_calendar_holds_the_events_its_query_selects() -> None:
    """[[calendars]] security-cooperation holds every event with any of its tags."""
    from asean_timeline.pipeline import load_timeline

    timeline, _ = load_timeline(SHIPPED)
    wanted = {"osa", "maritime-security", "defense-cooperation"}
    expected = {e.id for e in timeline.events if wanted & set(e.tags)}
    ics = render_files(SHIPPED)["calendars/security-cooperation.ics"]
    uids = {uid.split("@", 1)[0] for uid in _events(ics)}
    assert uids == expected
    assert len(uids) == 7
    assert b"X-WR-CALNAME:Japan\xe2\x80\x93ASEAN security cooperation\r\n" in ics


NAMED = """[calendar]
title = "T"

[[calendars]]
id = "{id}"
title = "Named"
{criteria}

[[events]]
id = "a"
title = "A"
date = 2023-12-17
countries = ["MY"]
tags = ["summit"]
status = "tentative"
sources = [{{ publisher = "P" }}]

[[events]]
id = "b"
title = "B"
date = 2024-01-05
countries = ["JP", "MY"]
sources = [{{ publisher = "P" }}]
"""


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("", ["a", "b"]),
        ('countries_all = ["JP", "MY"]', ["b"]),
        ('tags_all = ["summit"]', ["a"]),
        ('statuses = ["confirmed"]', ["b"]),
        ("from = 2024-01-01", ["b"]),
        ('until = 2023-12-31\ncountries_any = ["MY"]', ["a"]),
    ],
)
def test_named_calendar_criteria(tmp_path: Path, criteria: str, expected: list[str]) -> None:
    """Each criterion narrows the selection; different criteria must all match."""
    path = tmp_path / "events.toml"
    path.write_text(NAMED.format(id="named", criteria=criteria))
    uids = sorted(u.split("@")[0] for u in _events(render_files(path)["calendars/named.ics"]))
    assert uids == expected


@pytest.mark.parametrize(
    ("calendar_id", "criteria", "message"),
    [
        ("../escape", "", "id '../escape' cannot be a file name"),
        ("Named", "", "id 'Named' cannot be a file name"),
        ("named", 'statuses = ["done"]', "unknown status 'done'"),
        ("named", 'countries_any = ["Malaysia"]', "unknown country code 'Malaysia'"),
        ("named", "from = 2024-01-02\nuntil = 2024-01-01", "is before from"),
        ("named", 'colour = "red"', "unknown key 'colour'"),
    ],
)
def test_named_calendar_mistakes_are_reported(
    tmp_path: Path, calendar_id: str, criteria: str, message: str
) -> None:
    """A bad [[calendars]] table is a located error, and nothing is written."""
    path = tmp_path / "events.toml"
    path.write_text(NAMED.format(id=calendar_id, criteria=criteria))
    result = CliRunner().invoke(cli, ["render", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.output
    assert f"{path}:" in result.output
    assert not (tmp_path / "out").exists()


_FULL_EVENTS = load_timeline(FULL)[0].events
_TAGS = ["osa", "summit", "maritime", "no-such-tag"]
_CODES = ["JP", "MY", "PH", "ZZ"]


@st.composite
def _tagged_timeline(draw: st.DrawFn) -> Timeline:
    """The full sample's events, each given a few of a small set of tags and countries."""
    events = tuple(
        replace(
            event,
            tags=tuple(draw(st.lists(st.sampled_from(_TAGS[:3]), max_size=3))),
            countries=tuple(draw(st.lists(st.sampled_from(_CODES[:3]), max_size=3))),
        )
        for event in _FULL_EVENTS
    )
    return Timeline(CalendarInfo("T"), events)


@settings(deadline=None, max_examples=300)
@given(
    timeline=_tagged_timeline(),
    tags_any=st.frozensets(st.sampled_from(_TAGS), max_size=3),
    tags_all=st.frozensets(st.sampled_from(_TAGS), max_size=2),
    countries_any=st.frozensets(st.sampled_from(_CODES), max_size=3),
    countries_all=st.frozensets(st.sampled_from(_CODES), max_size=2),
    statuses=st.frozensets(st.sampled_from(list(Status)), max_size=2),
)
def test_the_event_index_selects_what_checking_every_event_selects(
    timeline: Timeline,
    tags_any: frozenset[str],
    tags_all: frozenset[str],
    countries_any: frozenset[str],
    countries_all: frozenset[str],
    statuses: frozenset[Status],
) -> None:
    """Selecting through EventIndex (as render does for sub-calendars) changes nothing."""
    query = Query(tags_any, tags_all, countries_any, countries_all, statuses)
    expected = tuple(event for event in timeline.events if query.matches(event))
    assert select(timeline, query).events == expected
    assert select(timeline, query, index=EventIndex(timeline)).events == expected
    tags, codes = set(tags_any), set(countries_any)
    assert expected == tuple(
        event
        for event in timeline.events
        if (not tags or tags & set(event.tags))
        and tags_all <= set(event.tags)
        and (not codes or codes & set(event.countries))
        and countries_all <= set(event.countries)
        and (not statuses or event.status in statuses)
    )
