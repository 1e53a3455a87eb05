"""The history render keeps in revisions.json: the last records, and tombstones."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import orjson

from asean_timeline import revisions
from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import DATA, FIXED_TIME, SHIPPED
from tests.test_golden import GOLDEN

#: revisions.json as render wrote it before the history (format 1), for the shipped file.
FORMAT_1 = DATA / "revisions" / "format-1.json"
SUMMIT = "japan-asean-commemorative-summit-2023"


def _render(path: Path, previous: revisions.Revisions, when: datetime) -> dict[str, bytes]:
    timeline, _ = load_timeline(path)
    return build_outputs(timeline, previous, when)


def _state(files: dict[str, bytes]) -> dict[str, revisions.Revision]:
    return revisions.loads(files["revisions.json"])


def test_a_format_1_file_still_loads_and_gains_the_records() -> None:
    """Today's golden revisions.json of format 1 loads; the next render keeps every
    number and file byte and only adds each event's current record."""
    old = revisions.loads(FORMAT_1.read_bytes())
    assert old
    assert all(not revision.history for revision in old.values())
    files = _render(SHIPPED, old, FIXED_TIME + timedelta(days=400))
    for name in ("events.ics", "feed.json", "timeline.md"):
        assert files[name] == (GOLDEN / "shipped" / name).read_bytes()
    assert files["revisions.json"] == (GOLDEN / "shipped" / "revisions.json").read_bytes()
    upgraded = _state(files)
    for event_id, revision in upgraded.items():
        (only,) = revision.history
        assert (only.sequence, only.modified) == (old[event_id].sequence, old[event_id].modified)
        assert only.record is not None
        assert only.record["id"] == event_id


def _edited(tmp_path: Path, count: int) -> tuple[Path, list[dict[str, bytes]]]:
    """The shipped file, rendered, then its summit's title edited ``count`` times, a day apart."""
    path = tmp_path / "events.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    renders = [_render(path, {}, FIXED_TIME)]
    for number in range(1, count + 1):
        path.write_text(
            text.replace(
                'title = "Japan–ASEAN Commemorative Summit in Tokyo"',
                f'title = "Commemorative Summit, take {number}"',
            ),
            encoding="utf-8",
        )
        previous = _state(renders[-1])
        renders.append(_render(path, previous, FIXED_TIME + timedelta(days=number)))
    return path, renders


def test_history_keeps_the_last_revisions_newest_first(tmp_path: Path) -> None:
    """Seven edits leave the five newest records, each with its number and time."""
    _, renders = _edited(tmp_path, 7)
    history = _state(renders[-1])[SUMMIT].history
    assert len(history) == revisions.HISTORY_LIMIT == 5
    assert [snapshot.sequence for snapshot in history] == [7, 6, 5, 4, 3]
    assert [snapshot.modified for snapshot in history] == [
        FIXED_TIME + timedelta(days=n) for n in (7, 6, 5, 4, 3)
    ]
    titles = [snapshot.record["title"] for snapshot in history if snapshot.record]
    assert titles == [f"Commemorative Summit, take {n}" for n in (7, 6, 5, 4, 3)]
    others = [r for key, r in _state(renders[-1]).items() if key != SUMMIT]
    assert all(len(revision.history) == 1 for revision in others)


def test_each_history_entry_is_one_line(tmp_path: Path) -> None:
    """Every revision's record is one compact line, so git diffs show one line per edit."""
    _, renders = _edited(tmp_path, 2)
    lines = renders[-1]["revisions.json"].decode().splitlines()
    entries = [line for line in lines if line.lstrip().startswith('{"sequence"')]
    assert len(entries) == len(_state(renders[-1])) + 2
    for line in entries:
        orjson.loads(line.rstrip(","))


def _removed(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    path = tmp_path / "events.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = _render(path, {}, FIXED_TIME)
    head, marker, rest = text.partition(f'[[events]]\nid = "{SUMMIT}"')
    assert marker
    path.write_text(head + "[[events]]" + rest.partition("[[events]]")[2], encoding="utf-8")
    second = _render(path, _state(first), FIXED_TIME + timedelta(days=1))
    return path, first, second


def test_a_removed_event_leaves_a_tombstone(tmp_path: Path) -> None:
    """A removed event leaves every output but stays in revisions.json under "removed",
    one revision later, with its last record after the removal."""
    _, first, second = _removed(tmp_path)
    assert SUMMIT.encode() in first["events.ics"]
    assert SUMMIT.encode() not in second["events.ics"]
    document = orjson.loads(second["revisions.json"])
    assert SUMMIT not in document["events"]
    tombstone = document["removed"][SUMMIT]
    assert tombstone["sequence"] == 1
    assert tombstone["modified"] == "2024-01-02T00:00:00Z"
    assert [entry["record"] is None for entry in tombstone["history"]] == [True, False]


def test_unchanged_input_keeps_the_tombstone_byte_identical(tmp_path: Path) -> None:
    """Rendering again much later without an edit changes no byte (no clock, no expiry)."""
    path, _, second = _removed(tmp_path)
    again = _render(path, _state(second), FIXED_TIME + timedelta(days=1000))
    assert again == second


def test_tombstones_expire_after_the_documented_days_of_revision_time(tmp_path: Path) -> None:
    """The first new revision 90 days or more after the removal drops the tombstone;
    one before that keeps it."""
    path, _, second = _removed(tmp_path)
    removed_at = FIXED_TIME + timedelta(days=1)
    path.write_text(path.read_text().replace("Kishida", "Prime Minister Kishida", 1))
    days = revisions.TOMBSTONE_DAYS
    kept = _state(_render(path, _state(second), removed_at + timedelta(days=days - 1)))
    assert kept[SUMMIT].removed
    gone = _state(_render(path, _state(second), removed_at + timedelta(days=days, seconds=1)))
    assert SUMMIT not in gone


def test_an_event_that_comes_back_goes_on_from_its_tombstone(tmp_path: Path) -> None:
    """Restoring a removed event gives it the next SEQUENCE, so clients see it again."""
    path, first, second = _removed(tmp_path)
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    third = _state(_render(path, _state(second), FIXED_TIME + timedelta(days=2)))
    back = third[SUMMIT]
    assert not back.removed
    assert back.sequence == 2
    assert back.created == _state(first)[SUMMIT].created
    assert [snapshot.record is None for snapshot in back.history] == [False, True, False]
