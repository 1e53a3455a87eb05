"""The import readers: what each client's export becomes, and how bad input is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from asean_timeline.importers import FORMATS, guess_format, read_file
from asean_timeline.importers.base import Batch
from asean_timeline.importers.merge import Outcome, plan
from asean_timeline.problems import InvalidInputError

DATA = Path(__file__).parent / "data" / "import"
GOLDEN = Path(__file__).parent / "golden"


def _by_title(batch: Batch) -> dict[str, dict[str, object]]:
    return {str(event.table["title"]): event.table for event in batch.events}


def _problem_text(error: pytest.ExceptionInfo[InvalidInputError]) -> str:
    return "\n".join(f"{p.location}: {p.message} | {p.hint}" for p in error.value.problems)


def test_google_export_maps_every_kind_of_event() -> None:
    """Google: HTML descriptions become text, X-WR-TIMEZONE places floating times, UTC
    stays UTC, categories become tags, and an override becomes an exdate plus its event."""
    batch = read_file(DATA / "google.ics")
    assert batch.problems == []
    events = _by_title(batch)
    summit = events["43rd ASEAN Summit"]
    assert (summit["start"], summit["end"]) == (date(2023, 9, 5), date(2023, 9, 7))
    assert summit["location"] == "Jakarta Convention Center, Jakarta, Indonesia"
    assert summit["description"] == (
        "43rd ASEAN Summit in Jakarta.\n\nAgenda: asean.org <https://asean.org/summit> & side "
        "meetings"
    )
    briefing = events["Desk briefing"]
    assert briefing["timezone"] == "Asia/Jakarta"
    assert briefing["rrule"] == "FREQ=WEEKLY;WKST=MO;COUNT=4;BYDAY=WE"
    assert briefing["exdates"] == [datetime(2023, 9, 13, 9, 30), datetime(2023, 9, 20, 9, 30)]
    moved = next(e for e in batch.events if e.table["title"] == "Desk briefing (moved)")
    assert moved.uid == "7c1e0b2d9f8a@google.com;RECURRENCE-ID=20230913T093000"
    call = events["Call with Tokyo bureau"]
    assert call["start"] == datetime(2023, 10, 12, 2, 0, tzinfo=UTC)
    assert call["tags"] == ["maritime-security", "japan"]
    assert call["status"] == "tentative"
    assert call["url"] == "https://example.org/notes/tokyo-call"
    floating = events["Floating reminder"]
    assert (floating["start"], floating["timezone"]) == (datetime(2023, 10, 20, 9), "Asia/Jakarta")
    assert batch.calendar["timezone"] == "Asia/Jakarta"


def test_google_drops_are_counted_and_endless_series_skipped() -> None:
    """Alarms, attendees, the organizer and X- properties are named; an endless RRULE is
    skipped with the reason and the line."""
    batch = read_file(DATA / "google.ics")
    assert batch.dropped["alarms (VALARM)"] == 1
    assert batch.dropped["attendees (ATTENDEE)"] == 1
    assert batch.dropped["organizers (ORGANIZER)"] == 1
    assert batch.dropped["X-GOOGLE-CONFERENCE (a client's own property)"] == 1
    [skip] = batch.skipped
    assert skip.what == "event 'Newsletter day'"
    assert "without end" in skip.reason
    assert str(skip.origin).endswith("google.ics:76")


def test_outlook_windows_zones_all_day_flag_and_custom_zone() -> None:
    """Outlook: quoted Windows zone names map to IANA (CLDR's table, shipped by icalendar),
    X-MICROSOFT-CDO-ALLDAYEVENT midnights become days, an unnamed custom zone becomes the
    same instant at a fixed offset, LANGUAGE parameters do not get in the way."""
    batch = read_file(DATA / "outlook.ics")
    assert batch.problems == []
    events = _by_title(batch)
    summit = events["Japan–ASEAN Commemorative Summit"]
    assert summit["start"] == datetime(2023, 12, 17, 10, 0)
    assert summit["end"] == datetime(2023, 12, 17, 12, 30)
    assert summit["timezone"] == "Asia/Tokyo"
    assert summit["location"] == "Hotel Okura, Tokyo"
    assert summit["description"] == "Leaders adopt the joint vision statement.\n\nSecond paragraph."
    assert events["Commemorative summit week"]["end"] == date(2023, 12, 18)
    assert events["Berlin holiday"]["date"] == date(2024, 1, 15)
    delhi = events["Delhi call"]
    assert delhi["start"] == datetime(2024, 1, 20, 4, 30, tzinfo=UTC)
    assert delhi["status"] == "cancelled"
    assert batch.dropped["X-MICROSOFT-CDO-BUSYSTATUS (a client's own property)"] == 2
    assert batch.dropped["language tags of texts (LANGUAGE=)"] == 3


def test_apple_duration_and_multiline_location() -> None:
    """Apple: DURATION of all-day events makes a range; a location's line break is a space."""
    events = _by_title(read_file(DATA / "apple.ics"))
    assert events["Weekend in Chiang Mai"]["start"] == date(2023, 12, 9)
    assert events["Weekend in Chiang Mai"]["end"] == date(2023, 12, 10)
    assert events["Bangkok visit"]["url"] == "https://example.org/visit"
    meeting = events["Meeting at the Foreign Ministry"]
    assert meeting["location"] == "Ministry of Foreign Affairs Sri Ayudhya Road, Bangkok"
    assert meeting["timezone"] == "Asia/Bangkok"


def test_our_own_events_ics_reads_back_at_its_precision() -> None:
    """Our markers come back: year, month and day-in-window dates, status prefixes, the
    description's facts, and ids from our UIDs."""
    batch = read_file(GOLDEN / "full" / "events.ics")
    assert batch.skipped == []
    assert batch.problems == []
    events = {str(e.table["id"]): e.table for e in batch.events}
    assert events["year-only"]["date"] == "2009"
    assert events["year-only"]["title"] == "Something in 2009"
    assert events["month-only"]["date"] == "2023-04"
    assert events["window"]["between"] == [date(2023, 12, 16), date(2023, 12, 18)]
    assert events["window"]["countries"] == ["JP", "VN"]
    assert events["leap-day"]["title"] == "Leap day meeting"
    assert events["leap-day"]["status"] == "tentative"
    assert events["cancelled-visit"]["title"] == "Cancelled visit"
    offset = events["offset-time"]["start"]
    assert offset == datetime(2023, 12, 18, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    assert events["month-only"]["sources"] == [
        {
            "title": "April report",
            "publisher": "Example Wire",
            "url": "https://example.org/a?x=1&y=2",
            "published": "2023-05",
            "archived": "https://archive.example/a?x=1&y=2",
        }
    ]
    assert events["non-ascii"]["sources"][0]["quote"].startswith("首脳は")
    assert events["non-ascii"]["sources"][0]["archived_on"] == date(2023, 12, 18)
    assert batch.calendar["uid_domain"] == "tour.example.org"
    assert all(event.uid is None for event in batch.events)


def test_a_title_that_only_looks_like_ours_is_kept() -> None:
    """'(sometime in 2009)' on a day that is not 1 January is part of the title."""
    text = _calendar(
        "DTSTART;VALUE=DATE:20090305",
        "SUMMARY:Talks (sometime in 2009)",
        "STATUS:CONFIRMED",
    )
    [event] = _read_text(text).events
    assert event.table["title"] == "Talks (sometime in 2009)"
    assert event.table["date"] == date(2009, 3, 5)


def _calendar(*lines: str, uid: str = "x@example.org") -> str:
    body = "\r\n".join(lines)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20240101T000000Z\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _read_text(text: str, name: str = "test.ics", tmp: Path | None = None) -> Batch:
    from asean_timeline.importers import ics

    return ics.read(text.encode(), name)


def test_truncated_calendar_is_refused_with_the_line() -> None:
    """A file cut short names the component it ends inside and where that began."""
    text = (DATA / "google.ics").read_text()
    cut = text[: text.index("SUMMARY:Desk briefing")]
    with pytest.raises(InvalidInputError) as error:
        _read_text(cut, "cut.ics")
    message = _problem_text(error)
    assert "cut.ics:" in message
    assert "ends inside VEVENT (begun on line 39)" in message


def test_spliced_calendar_names_the_mismatched_end() -> None:
    """END:VCALENDAR inside a VEVENT is refused at its line."""
    text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\n"
    with pytest.raises(InvalidInputError) as error:
        _read_text(text, "bad.ics")
    assert "bad.ics:4: END:VCALENDAR here closes VEVENT (begun on line 2)" in _problem_text(error)


def test_garbage_line_is_refused_with_its_line() -> None:
    """A line that is not a content line is named by its line number."""
    text = _calendar("DTSTART;VALUE=DATE:20240101", "this is not a property", "SUMMARY:x")
    [problem] = _read_text(text, "garbage.ics").problems
    assert problem.location == "garbage.ics:8"
    assert problem.message.startswith("a line of this event cannot be read")


def test_impossible_date_and_unknown_zone_are_problems_at_the_event() -> None:
    """Every bad event is reported (file and line), not only the first."""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20230230\r\nSUMMARY:Bad day\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=Mars/Olympus:20230101T100000\r\nSUMMARY:Mars\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    batch = _read_text(text, "two.ics")
    shown = [(p.location, p.field, p.message) for p in batch.problems]
    assert shown[0][:2] == ("two.ics:6", "DTSTART")
    assert "20230230" in shown[0][2]
    assert shown[1][:2] == ("two.ics:11", "DTSTART")
    assert "unknown time zone 'Mars/Olympus'" in shown[1][2]


def test_non_utf8_file_is_refused_clearly(tmp_path: Path) -> None:
    """A Windows-1252 file is named with its line and how to save it as UTF-8."""
    path = tmp_path / "latin.csv"
    path.write_bytes("title,start,precision\r\nCaf\xe9 talks,2023-01-01,day\r\n".encode("cp1252"))
    with pytest.raises(InvalidInputError) as error:
        read_file(path)
    assert "latin.csv:2: this line is not UTF-8 text (byte 0xE9)" in _problem_text(error)


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    """UTF-16 (what Excel calls 'Unicode text') is refused with the fix."""
    path = tmp_path / "u16.csv"
    path.write_bytes("title,start,precision\r\n".encode("utf-16"))
    with pytest.raises(InvalidInputError) as error:
        read_file(path, "csv")
    assert "UTF-16" in _problem_text(error)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    """A file over 100 MiB is refused by its size (a sparse file: nothing is read)."""
    path = tmp_path / "huge.ics"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024 + 1)
    with pytest.raises(InvalidInputError) as error:
        read_file(path)
    assert "the limit is 104,857,600 (100 MiB)" in _problem_text(error)


def test_format_is_guessed_from_content() -> None:
    """Each format is recognised by its first bytes, whatever the file's name."""
    assert guess_format((DATA / "google.ics").read_bytes()) == "ics"
    assert guess_format((DATA / "timelinejs.csv").read_bytes()) == "timelinejs"
    assert guess_format("\ufeffid,title,precision,start\r\n".encode()) == "csv"
    assert guess_format(b"hello") is None
    assert FORMATS == ("ics", "csv", "timelinejs")


def test_timelinejs_rows_keep_their_precision() -> None:
    """Year-only and month-only rows stay a year and a month; the title row fills the
    calendar; eras span their days; HTML becomes text; Group becomes a tag; media a link
    and a source."""
    batch = read_file(DATA / "timelinejs.csv")
    assert batch.problems == []
    assert batch.calendar == {
        "title": "Fifty years of Japan–ASEAN ties",
        "description": "A newsroom timeline of dialogue since 1973.",
    }
    events = _by_title(batch)
    assert events["Mekong–Japan framework"]["date"] == "2009"
    fukuda = events["Fukuda Doctrine"]
    assert fukuda["date"] == "1977-08"
    assert fukuda["description"] == (
        "Prime Minister Fukuda sets out heart-to-heart relations.\n\nSecond paragraph & more."
    )
    assert fukuda["tags"] == ["diplomacy"]
    assert fukuda["url"] == "https://example.org/fukuda"
    assert fukuda["sources"] == [
        {
            "title": "Fukuda in Manila",
            "publisher": "Kyodo News",
            "url": "https://example.org/fukuda",
        }
    ]
    era = events["Informal dialogue years"]
    assert (era["start"], era["end"], era["tags"]) == (
        date(1973, 1, 1),
        date(2012, 12, 31),
        ["era"],
    )
    summit = events["Commemorative Summit"]
    assert (summit["start"], summit["end"]) == (
        datetime(2023, 12, 17, 10),
        datetime(2023, 12, 17, 12, 30),
    )
    assert batch.dropped["Media that is not a web address (an embed code or text)"] == 1
    assert batch.dropped["Display Date (our outputs write each date at its precision)"] == 2


def test_timelinejs_problems_name_row_and_column(tmp_path: Path) -> None:
    """A bad month and an impossible day are named by row and column, all in one run."""
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Year,Month,Day,Headline\r\n2023,13,,Bad month\r\n2023,2,30,Bad day\r\n,,,No year\r\n",
        encoding="utf-8-sig",
    )
    batch = read_file(path)
    assert [(p.location, p.message) for p in batch.problems] == [
        (f"{path}:2", "column 'Month': '13' is not a month (1 to 12)"),
        (f"{path}:3", "column 'Day': 30 is not a real day: February 2023 has 28 days"),
        (f"{path}:4", "column 'Year': is empty"),
    ]


def test_csv_without_its_header_is_refused(tmp_path: Path) -> None:
    """A sheet whose first row is data names the columns it lacks."""
    path = tmp_path / "noheader.csv"
    path.write_text("summit,Summit,day,2023-12-17\r\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_file(path, "csv")
    assert "noheader.csv:1: the header row has no column 'title', 'start'" in _problem_text(error)


def test_events_csv_cells_are_read_back(tmp_path: Path) -> None:
    """Every column of events.csv, with the formula guard removed and zones applied."""
    path = tmp_path / "events.csv"
    path.write_bytes(
        (
            "\ufeffid,title,precision,start,end,timezone,status,location,countries,tags,url,"
            "sources,description,rrule,exdates\r\n"
            "call,'=Call,time,2024-03-01T09:00:00-05:00,2024-03-01T10:00:00-05:00,"
            'America/New_York,tentative,,"JP, MY","a, b",,'
            '"[{""publisher"":""Kyodo"",""published"":""2024-01-15""}]",'
            '"Two\r\nlines",FREQ=WEEKLY;COUNT=3,2024-03-08T09:00:00-05:00\r\n'
            "m,Month,month,2023-04,,,confirmed,,,,,,,,\r\n"
        ).encode()
    )
    batch = read_file(path)
    assert batch.problems == []
    call, month = (event.table for event in batch.events)
    assert call == {
        "id": "call",
        "title": "=Call",
        "start": datetime(2024, 3, 1, 9),
        "end": datetime(2024, 3, 1, 10),
        "timezone": "America/New_York",
        "rrule": "FREQ=WEEKLY;COUNT=3",
        "exdates": [datetime(2024, 3, 8, 9)],
        "countries": ["JP", "MY"],
        "tags": ["a", "b"],
        "description": "Two\nlines",
        "status": "tentative",
        "sources": [{"publisher": "Kyodo", "published": date(2024, 1, 15)}],
    }
    assert month == {"id": "m", "title": "Month", "date": "2023-04"}


def test_events_csv_bad_cells_name_row_and_column(tmp_path: Path) -> None:
    """Bad dates, precisions and JSON are named by row and column."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,title,precision,start,end,sources\r\n"
        "a,A,day,2023-02-30,,\r\n"
        "b,B,weekly,2023-02-01,,\r\n"
        "c,C,day,2023-02-01,,[{oops\r\n",
        encoding="utf-8",
    )
    batch = read_file(path, "csv")
    assert [(p.line, p.message.split(":")[0]) for p in batch.problems] == [
        (2, "column 'start'"),
        (3, "column 'precision'"),
        (4, "column 'sources'"),
    ]
    assert "February 2023 has 28 days" in batch.problems[0].message


def test_ids_from_uids_are_stable_and_collisions_deterministic() -> None:
    """Foreign UIDs give slug ids; two events with the same title and day get -2 in UID
    order whatever the file order; a UID seen before keeps its event's id."""

    def batch_of(order: list[str]) -> Batch:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Example//Test//EN"]
        for uid in order:
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "DTSTART;VALUE=DATE:20231217",
                "SUMMARY:Summit",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
        return _read_text("\r\n".join(lines) + "\r\n")

    first = plan([], [batch_of(["b@x", "a@x"])], None)
    second = plan([], [batch_of(["a@x", "b@x"])], None)
    ids = {c.table["uid"]: c.id for c in first.changes}
    assert ids == {"a@x": "summit-2023-12-17", "b@x": "summit-2023-12-17-2"}
    assert ids == {c.table["uid"]: c.id for c in second.changes}
    existing = [change.table for change in first.changes]
    again = plan(existing, [batch_of(["b@x", "a@x"])], None)
    assert {c.outcome for c in again.changes} == {Outcome.UNCHANGED}


def test_update_keeps_keys_the_source_does_not_speak_for() -> None:
    """A re-import replaces the calendar's fields and keeps sources added by hand."""
    [imported] = _read_text(
        _calendar("DTSTART;VALUE=DATE:20231217", "SUMMARY:Summit (renamed)")
    ).events
    existing = [
        {
            "id": "summit",
            "title": "Summit",
            "date": date(2023, 12, 16),
            "location": "Tokyo",
            "sources": [{"publisher": "Kyodo"}],
            "uid": "x@example.org",
        }
    ]
    [change] = plan(existing, [Batch("t", events=[imported])], None).changes
    assert change.outcome is Outcome.UPDATED
    assert change.table == {
        "id": "summit",
        "title": "Summit (renamed)",
        "date": date(2023, 12, 17),
        "sources": [{"publisher": "Kyodo"}],
        "uid": "x@example.org",
    }


def test_icalendar_is_loaded_only_to_read_a_calendar(tmp_path: Path) -> None:
    """Reading a spreadsheet does not import icalendar; reading a calendar does."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from asean_timeline.importers import read_file; "
        "read_file(Path(sys.argv[1])); print('icalendar' in sys.modules)"
    )
    loaded = [
        subprocess.run(
            [sys.executable, "-c", code, str(DATA / name)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for name in ("timelinejs.csv", "apple.ics")
    ]
    assert loaded == ["False", "True"]
