"""SEQUENCE and LAST-MODIFIED follow edits, with no bookkeeping by the user."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asean_timeline import revisions
from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import FIXED_TIME, SHIPPED

LATER = FIXED_TIME + timedelta(days=30)


def _render(
    path: Path, previous: dict[str, revisions.Revision], when: datetime
) -> dict[str, bytes]:
    timeline, _ = load_timeline(path)
    return build_outputs(timeline, previous, when)


def _vevents(ics: bytes) -> dict[str, str]:
    """UID → the unfolded text of its VEVENT."""
    text = ics.decode().replace("\r\n ", "")
    blocks = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, flags=re.S)
    return {re.search(r"^UID:(.*)$", b, flags=re.M).group(1).strip(): b for b in blocks}  # type: ignore[union-attr]


def _prop(block: str, name: str) -> str:
    found = re.search(rf"^{name}[:;](.*)\r$", block, flags=re.M)
    assert found, name
    return found.group(1)


def _renders(tmp_path: Path, edit: str, replacement: str) -> tuple[dict[str, str], dict[str, str]]:
    """Render the shipped file, apply one edit, render again from the first state."""
    path = tmp_path / "events.toml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    first = _render(path, {}, FIXED_TIME)
    text = path.read_text(encoding="utf-8")
    assert edit in text
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    second = _render(path, revisions.loads(first["revisions.json"]), LATER)
    return _vevents(first["events.ics"]), _vevents(second["events.ics"])


SUMMIT = "japan-asean-commemorative-summit-2023@japan-asean.asean-timeline.example.org"


def test_unchanged_input_keeps_every_byte(tmp_path: Path) -> None:
    """Re-rendering from the saved revisions at a later time changes nothing."""
    first = _render(SHIPPED, {}, FIXED_TIME)
    again = _render(SHIPPED, revisions.loads(first["revisions.json"]), LATER)
    assert again == first


def test_new_events_start_at_sequence_zero() -> None:
    """A first render gives every event SEQUENCE 0 and the revision time."""
    for block in _vevents(_render(SHIPPED, {}, FIXED_TIME)["events.ics"]).values():
        assert _prop(block, "SEQUENCE") == "0"
        assert _prop(block, "LAST-MODIFIED") == "20240101T000000Z"
        assert _prop(block, "DTSTAMP") == "20240101T000000Z"


def test_editing_a_title_bumps_only_that_event(tmp_path: Path) -> None:
    """The edited event gets SEQUENCE 1 and a new LAST-MODIFIED; others keep their bytes."""
    before, after = _renders(
        tmp_path,
        'title = "Japan–ASEAN Commemorative Summit in Tokyo"',
        'title = "Japan–ASEAN Commemorative Summit"',
    )
    assert _prop(after[SUMMIT], "SEQUENCE") == "1"
    assert _prop(after[SUMMIT], "LAST-MODIFIED") == "20240131T000000Z"
    assert _prop(after[SUMMIT], "CREATED") == "20240101T000000Z"
    assert {uid: b for uid, b in after.items() if uid != SUMMIT} == {
        uid: b for uid, b in before.items() if uid != SUMMIT
    }


def test_editing_a_date_bumps_the_sequence(tmp_path: Path) -> None:
    """Moving an event's date is an edit subscribers must see."""
    _, after = _renders(tmp_path, "date = 2023-12-17", "date = 2023-12-18")
    assert _prop(after[SUMMIT], "SEQUENCE") == "1"
    assert _prop(after[SUMMIT], "DTSTART") == "VALUE=DATE:20231218"


def test_cancelling_keeps_the_event_with_status_cancelled(tmp_path: Path) -> None:
    """A cancelled event stays in the feed, marked CANCELLED, with a higher SEQUENCE."""
    _, after = _renders(
        tmp_path,
        'title = "Japan–ASEAN Commemorative Summit in Tokyo"',
        'title = "Japan–ASEAN Commemorative Summit in Tokyo"\nstatus = "cancelled"',
    )
    assert _prop(after[SUMMIT], "STATUS") == "CANCELLED"
    assert _prop(after[SUMMIT], "SEQUENCE") == "1"


def test_reordering_events_changes_nothing(tmp_path: Path) -> None:
    """Events are identified by id, so moving them around in the file is not an edit."""
    text = SHIPPED.read_text(encoding="utf-8")
    head, *events = text.split("[[events]]")
    reordered = tmp_path / "events.toml"
    reordered.write_text(head + "[[events]]" + "[[events]]".join(reversed(events)) + "\n")
    first = _render(SHIPPED, {}, FIXED_TIME)
    assert _render(reordered, revisions.loads(first["revisions.json"]), LATER) == first


def test_an_edit_is_always_later_than_the_last(tmp_path: Path) -> None:
    """Even if the revision time goes backwards, LAST-MODIFIED moves forward."""
    path = tmp_path / "events.toml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    first = _render(path, {}, FIXED_TIME)
    path.write_text(path.read_text().replace("date = 2023-12-17", "date = 2023-12-18"))
    earlier = FIXED_TIME - timedelta(days=365)
    second = _render(path, revisions.loads(first["revisions.json"]), earlier)
    assert _prop(_vevents(second["events.ics"])[SUMMIT], "LAST-MODIFIED") == "20240101T000001Z"


def test_revisions_round_trip() -> None:
    """dumps and loads are inverses."""
    state = {"a": revisions.Revision("sha256:00", 3, FIXED_TIME, datetime(2025, 5, 5, tzinfo=UTC))}
    assert revisions.loads(revisions.dumps(state)) == state


NEW_EVENT = """
[[events]]
id = "added-later"
title = "An event added later"
date = 2024-06-01
sources = [{ publisher = "Kyodo News" }]
"""


def test_adding_an_event_changes_no_other_event(tmp_path: Path) -> None:
    """A new event appears at SEQUENCE 0; every existing VEVENT keeps its bytes."""
    before, after = _renders(tmp_path, "[[events]]", NEW_EVENT.strip() + "\n\n[[events]]")
    added = "added-later@japan-asean.asean-timeline.example.org"
    assert _prop(after[added], "SEQUENCE") == "0"
    assert {uid: b for uid, b in after.items() if uid != added} == before


def test_removing_an_event_removes_only_that_event(tmp_path: Path) -> None:
    """Deleting an event's table drops it from the calendar and leaves the rest as they were."""
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index('[[events]]\nid = "japan-asean-commemorative-summit-2023"')
    end = text.index("[[events]]", start + 1)
    before, after = _renders(tmp_path, text[start:end], "")
    assert SUMMIT in before
    assert SUMMIT not in after
    assert after == {uid: b for uid, b in before.items() if uid != SUMMIT}
