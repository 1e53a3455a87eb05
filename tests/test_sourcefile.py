"""The one source-file writer: edits keep everything else, are checked, atomic and safe."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asean_timeline.blocks import split_tables
from asean_timeline.load import parse_document
from asean_timeline.problems import InvalidInputError
from asean_timeline.sourcefile import REMOVE, SourceChangedError, SourceFile, SourceFileError
from tests.test_fmt import documents

ROOT = Path(__file__).resolve().parent.parent

TIMELINE = """\
# The desk's timeline.
[calendar]
title = "Test"   # the name
uid_domain = "test.example.org"

# first event
[[events]]
id = "first"   # stable
# why this title
title = "First"
date = 2023-12-17
sources = [{ publisher = "Kyodo News", published = "2023-12" }]

[[events]]
id = "second"
title = "Second"
date = "2023-04"
description = \"\"\"A text with
[[events]]
inside it.\"\"\"

[[events.sources]]
publisher = "Kyodo"  # the wire
"""


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    path = tmp_path / "events.toml"
    path.write_text(TIMELINE, encoding="utf-8")
    path.chmod(0o640)
    return path


def test_append_writes_the_canonical_table_at_the_end_and_keeps_the_rest(timeline: Path) -> None:
    """Appending leaves every byte before it alone and adds one blank line and the table."""
    source = SourceFile.read(timeline)
    written = source.append_event(
        {"title": "Third", "id": "third", "date": dt.date(2024, 1, 2), "countries": ["JP"]}
    )
    result = source.save()
    assert result.written
    text = timeline.read_text(encoding="utf-8")
    assert text == TIMELINE + "\n" + written
    assert (
        written
        == '[[events]]\nid = "third"\ntitle = "Third"\ndate = 2024-01-02\ncountries = ["JP"]\n'
    )


def test_set_fields_edits_only_that_event_and_keeps_comments(timeline: Path) -> None:
    """A changed field keeps its place and comment; a new one goes to its canonical place."""
    source = SourceFile.read(timeline)
    source.set_event_fields("first", {"title": "First, renamed", "location": "Tokyo"})
    source.save()
    text = timeline.read_text(encoding="utf-8")
    expected = TIMELINE.replace(
        'title = "First"\ndate = 2023-12-17\n',
        'title = "First, renamed"\ndate = 2023-12-17\nlocation = "Tokyo"\n',
    )
    assert text == expected


def test_set_fields_past_a_fake_header_inside_a_string(timeline: Path) -> None:
    """A header line inside a multi-line string does not confuse where events are."""
    source = SourceFile.read(timeline)
    source.set_event_fields(
        "second", {"status": "tentative", "date": REMOVE, "start": dt.date(2023, 4, 5)}
    )
    source.save()
    data = tomllib.loads(timeline.read_text(encoding="utf-8"))
    assert data["events"][1]["status"] == "tentative"
    assert data["events"][1]["start"] == dt.date(2023, 4, 5)
    assert "date" not in data["events"][1]
    assert data["events"][0]["title"] == "First"


def test_set_source_fields_inline_and_as_table(timeline: Path) -> None:
    """A source's field is set in an inline table and in a [[events.sources]] table."""
    source = SourceFile.read(timeline)
    source.set_source_fields("first", 0, {"url": "https://example.org/a"})
    source.set_source_fields("second", 0, {"url": "https://example.org/b"})
    source.save()
    text = timeline.read_text(encoding="utf-8")
    assert (
        'sources = [{ publisher = "Kyodo News", published = "2023-12", '
        'url = "https://example.org/a" }]\n' in text
    )
    assert 'publisher = "Kyodo"  # the wire\nurl = "https://example.org/b"\n' in text


def test_nothing_is_written_when_the_result_is_invalid(timeline: Path) -> None:
    """An edit that would not validate raises every problem with file:line; the file stays."""
    before = timeline.stat()
    source = SourceFile.read(timeline)
    source.set_event_fields("first", {"countries": ["Japan"], "status": "maybe"})
    with pytest.raises(InvalidInputError) as raised:
        source.save()
    problems = raised.value.problems
    assert {p.field for p in problems} == {"countries", "status"}
    assert all(p.file == str(timeline) and p.line for p in problems)
    assert timeline.read_text(encoding="utf-8") == TIMELINE
    assert timeline.stat().st_mtime_ns == before.st_mtime_ns


def test_refuses_when_the_file_changed_after_it_was_read(timeline: Path) -> None:
    """Someone else's save between read and save is never overwritten."""
    source = SourceFile.read(timeline)
    source.set_event_fields("first", {"title": "Mine"})
    timeline.write_text(TIMELINE.replace("Second", "Theirs"), encoding="utf-8")
    with pytest.raises(SourceChangedError):
        source.save()
    assert "Theirs" in timeline.read_text(encoding="utf-8")


def test_an_unchanged_result_is_not_written(timeline: Path) -> None:
    """Setting a field to the text it already has does not touch the file."""
    os.utime(timeline, ns=(1_000_000_000, 1_000_000_000))
    source = SourceFile.read(timeline)
    source.set_event_fields("first", {"title": "First"})
    assert source.save().written is False
    assert timeline.stat().st_mtime_ns == 1_000_000_000


def test_the_write_is_atomic_and_keeps_the_mode(timeline: Path) -> None:
    """The file is replaced whole (new inode), keeps its permissions, leaves no temporary."""
    inode = timeline.stat().st_ino
    source = SourceFile.read(timeline)
    source.set_event_fields("second", {"title": "Second, renamed"})
    source.save()
    assert stat.S_IMODE(timeline.stat().st_mode) == 0o640
    assert timeline.stat().st_ino != inode
    assert sorted(p.name for p in timeline.parent.iterdir()) == ["events.toml"]


def test_unknown_event_id_is_a_key_error(timeline: Path) -> None:
    """Editing an id the file does not hold says so."""
    source = SourceFile.read(timeline)
    with pytest.raises(KeyError, match="nope"):
        source.set_event_fields("nope", {"title": "x"})


def test_shipped_events_toml_edit_changes_one_line(tmp_path: Path) -> None:
    """Retitling one event of the shipped file changes exactly that line."""
    path = tmp_path / "events.toml"
    original = (ROOT / "events.toml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    source = SourceFile.read(path)
    event_id = source.event_ids[3]
    source.set_event_fields(event_id, {"title": "Renamed"})
    source.save()
    old_lines = original.splitlines()
    new_lines = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1] == 'title = "Renamed"'


def test_events_in_an_inline_array_are_refused_clearly(tmp_path: Path) -> None:
    """A file whose events are one inline array cannot be edited by event; it says so."""
    path = tmp_path / "events.toml"
    path.write_text(
        'events = [{ id = "a", title = "A", date = 2023-12-17 }]\n\n'
        '[calendar]\ntitle = "T"\nuid_domain = "t.org"\n',
        encoding="utf-8",
    )
    source = SourceFile.read(path)
    with pytest.raises(SourceFileError, match="not written as \\[\\[events\\]\\] tables"):
        source.set_event_fields("a", {"title": "B"})


@settings(max_examples=80, deadline=None)
@given(documents(unique_ids=True), st.data())
def test_an_edit_changes_only_its_own_event(text: str, data: st.DataObject) -> None:
    """On generated documents with comments: setting a field of one event leaves every byte
    outside that event's table alone, and the event parses with the new value."""
    before = tomllib.loads(text)
    events = before.get("events", [])
    ids = [event["id"] for event in events]
    index = data.draw(st.integers(0, len(events) - 1))
    title = data.draw(st.text(max_size=150))
    document = parse_document(text.encode("utf-8"), "test.toml")
    source = SourceFile(Path("test.toml"), document, Path(__file__).stat())
    block = next(b for b in split_tables(text, document) if b.kind == "events" and b.index == index)
    source.set_event_fields(ids[index], {"title": title})
    after = source.text
    assert after.startswith(text[: block.header])
    tail = text[block.end :]
    assert after.endswith(tail)
    data_after = tomllib.loads(after)
    expected = [dict(event) for event in events]
    expected[index]["title"] = title
    assert data_after["events"] == expected
    assert data_after.get("calendar") == before.get("calendar")


def test_many_edits_accumulate_in_any_order(timeline: Path) -> None:
    """Edits to several events (twice to one, one to an appended event) all land."""
    source = SourceFile.read(timeline)
    source.set_event_fields("second", {"title": "Second, once"})
    source.append_event({"id": "third", "title": "Third", "date": "2024"})
    source.set_event_fields("first", {"location": "Tokyo"})
    source.set_event_fields("second", {"status": "tentative"})
    source.set_event_fields("third", {"countries": ["JP"]})
    source.set_event_fields("third", {"status": "maybe"})
    with pytest.raises(InvalidInputError):  # not a status: nothing is written; fix and save
        source.save()
    source.set_event_fields("third", {"status": "cancelled"})
    source.save()
    events = tomllib.loads(timeline.read_text(encoding="utf-8"))["events"]
    assert [e.get("title") for e in events] == ["First", "Second, once", "Third"]
    assert events[0]["location"] == "Tokyo"
    assert events[1]["status"] == "tentative"
    assert events[2] == {
        "id": "third",
        "title": "Third",
        "date": "2024",
        "countries": ["JP"],
        "status": "cancelled",
    }


def test_a_crlf_file_stays_crlf(timeline: Path) -> None:
    """In a file whose lines end in CRLF, edited and appended lines end in CRLF too."""
    timeline.write_bytes(TIMELINE.replace("\n", "\r\n").encode("utf-8"))
    source = SourceFile.read(timeline)
    source.set_event_fields("first", {"description": "Two\nparagraphs, " + "long " * 30})
    source.append_event({"id": "third", "title": "Third", "date": "2024"})
    source.save()
    raw = timeline.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    events = tomllib.loads(raw.decode("utf-8"))["events"]
    assert events[0]["description"].startswith("Two\nparagraphs, long long")
    assert events[2]["id"] == "third"
