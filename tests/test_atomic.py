"""Writes are atomic: a render killed at any moment leaves the old or the new dist/, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asean_timeline import write
from asean_timeline.write import OutputError, publish_tree, write_files


def _timeline(events: int, title: str) -> str:
    parts = ['[calendar]\ntitle = "Big"\ntimezone = "Asia/Tokyo"\n']
    for number in range(events):
        parts.append(
            f'[[events]]\nid = "e{number}"\ntitle = "{title} {number}"\n'
            f"date = 2023-{number % 12 + 1:02d}-{number % 28 + 1:02d}\n"
            'sources = [{ publisher = "P" }]\n'
        )
    return "\n".join(parts)


def _render(source: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}
    return subprocess.Popen(
        [sys.executable, "-m", "asean_timeline", "render", str(source), "--out", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.parametrize("fraction", [0.6, 0.8, 0.9, 0.95, 0.98, 1.0])
def test_killed_render_leaves_old_or_new_files(tmp_path: Path, fraction: float) -> None:
    """SIGKILL mid-render: the folder is entirely the old or entirely the new version."""
    source = tmp_path / "events.toml"
    source.write_text(_timeline(4000, "Old"), encoding="utf-8")
    out = tmp_path / "dist"
    assert _render(source, out).wait() == 0
    old = _snapshot(out)
    (out / "notes.txt").write_text("mine")  # a file render did not create

    source.write_text(_timeline(4000, "New"), encoding="utf-8")
    expected_new = tmp_path / "expected"
    (expected_new).mkdir()
    (expected_new / "revisions.json").write_bytes(old["revisions.json"])
    started = time.monotonic()
    assert _render(source, expected_new).wait() == 0
    duration = time.monotonic() - started  # the same work the killed render does
    new = _snapshot(expected_new)

    process = _render(source, out)
    time.sleep(duration * fraction)  # late fractions land while files are being written
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = _snapshot(out)
    assert after.pop("notes.txt") == b"mine"
    assert after in (old, new), "the folder mixes old and new files"


def test_failed_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    """When a rename fails, the staged temporary files are removed."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "b.txt").mkdir()  # a folder where a file should go makes the rename fail
    with pytest.raises(OutputError, match="cannot write"):
        write_files(out, {"a.txt": b"a", "b.txt": b"b"})
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_publish_swaps_the_whole_folder_and_keeps_foreign_files(tmp_path: Path) -> None:
    """The new folder replaces the old in one exchange; files render did not write stay."""
    out = tmp_path / "dist"
    (out / "calendars" / "tags").mkdir(parents=True)
    (out / "events.ics").write_bytes(b"old")
    (out / "calendars" / "tags" / "gone.ics").write_bytes(b"obsolete")
    (out / "calendars" / "mine.txt").write_bytes(b"keep me")
    before = out.stat().st_ino
    written, removed = publish_tree(
        out, {"events.ics": b"new", "calendars/tags/osa.ics": b"osa"}, ["calendars/tags/gone.ics"]
    )
    assert out.stat().st_ino != before  # a different folder now stands at dist/
    assert sorted(written) == ["calendars/tags/osa.ics", "events.ics"]
    assert removed == ["calendars/tags/gone.ics"]
    assert _snapshot(out) == {
        "events.ics": b"new",
        "calendars/tags/osa.ics": b"osa",
        "calendars/mine.txt": b"keep me",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging folder left


def test_publish_with_nothing_changed_touches_nothing(tmp_path: Path) -> None:
    """An up-to-date folder is left as it is, same inode and all."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "a.txt").write_bytes(b"a")
    before = out.stat().st_ino
    assert publish_tree(out, {"a.txt": b"a"}, []) == ([], [])
    assert out.stat().st_ino == before


def _old_dist(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    (out / "calendars" / "tags").mkdir(parents=True)
    (out / "events.ics").write_bytes(b"old")
    (out / "calendars" / "tags" / "gone.ics").write_bytes(b"obsolete")
    (out / "mine.txt").write_bytes(b"keep me")
    return out


_NEW = {"events.ics": b"new", "calendars/tags/osa.ics": b"osa"}
_AFTER = {"events.ics": b"new", "calendars/tags/osa.ics": b"osa", "mine.txt": b"keep me"}


def test_publish_without_the_exchange_replaces_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where renameat2 cannot exchange, each file is renamed into place; same result."""
    monkeypatch.setattr(write, "_exchange", lambda first, second: False)
    out = _old_dist(tmp_path)
    before = out.stat().st_ino
    written, removed = publish_tree(out, _NEW, ["calendars/tags/gone.ics"])
    assert sorted(written) == ["calendars/tags/osa.ics", "events.ics"]
    assert removed == ["calendars/tags/gone.ics"]
    assert out.stat().st_ino == before  # the same folder, its files replaced
    assert _snapshot(out) == _AFTER
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_publish_stages_inside_the_folder_when_nothing_may_be_created_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dist/ whose parent is read-only is still updated, from a staging folder inside it."""
    real = write._staging_folder

    def refuse_beside(parent: Path, name: str) -> Path:
        if parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(parent))
        return real(parent, name)

    monkeypatch.setattr(write, "_staging_folder", refuse_beside)
    out = _old_dist(tmp_path)
    written, removed = publish_tree(out, _NEW, ["calendars/tags/gone.ics"])
    assert sorted(written) == ["calendars/tags/osa.ics", "events.ics"]
    assert removed == ["calendars/tags/gone.ics"]
    assert _snapshot(out) == _AFTER
    assert sorted(p.name for p in out.iterdir()) == ["calendars", "events.ics", "mine.txt"]


def test_publish_in_two_processes_writes_what_one_does(tmp_path: Path) -> None:
    """Producers shared between processes stage the same files as in one process."""
    producers = [lambda: iter([("a.txt", b"a")]), lambda: iter([("b/c.txt", b"c")])]
    outs = []
    for processes in (1, 2):
        out = tmp_path / f"out{processes}"
        written, _ = write.publish(out, producers, [], costs=[1, 1], processes=processes)
        assert sorted(written) == ["a.txt", "b/c.txt"]
        outs.append(_snapshot(out))
    assert outs[0] == outs[1] == {"a.txt": b"a", "b/c.txt": b"c"}


def test_a_write_error_in_a_worker_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    """An OSError while a worker process writes becomes OutputError; dist/ stays as it was."""

    def failing() -> Iterator[tuple[str, bytes]]:
        raise PermissionError(13, "Permission denied", "dist/b.txt")
        yield ("b.txt", b"b")  # pragma: no cover - makes this a generator

    out = _old_dist(tmp_path)
    before = _snapshot(out)
    with pytest.raises(OutputError, match=r"cannot write dist/b\.txt: Permission denied"):
        write.publish(out, [lambda: iter([("a.txt", b"a")]), failing], [], processes=2)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_a_failing_exporter_leaves_no_staging_folder(tmp_path: Path) -> None:
    """An exception that is not a write error propagates, and nothing is left beside dist/."""

    def broken() -> Iterator[tuple[str, bytes]]:
        raise ValueError("exporter bug")
        yield ("b.txt", b"b")  # pragma: no cover - makes this a generator

    out = _old_dist(tmp_path)
    before = _snapshot(out)
    with pytest.raises(ValueError, match="exporter bug"):
        write.publish(out, [lambda: iter([("a.txt", b"a")]), broken], [], processes=2)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_without_syncfs_each_staged_file_is_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off Linux (or without syncfs) every written file is fsynced before it is published."""
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(descriptor: int) -> None:
        synced.append(descriptor)
        real_fsync(descriptor)

    monkeypatch.setattr(write.sys, "platform", "darwin")
    monkeypatch.setattr(write.os, "fsync", counting_fsync)
    out = tmp_path / "dist"
    written, _ = publish_tree(out, {"a.txt": b"a", "b/c.txt": b"c"}, [])
    assert sorted(written) == ["a.txt", "b/c.txt"]
    assert len(synced) == 2
    assert _snapshot(out) == {"a.txt": b"a", "b/c.txt": b"c"}
