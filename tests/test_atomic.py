"""Writes are atomic: a render killed at any moment leaves only whole files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asean_timeline.write import OutputError, write_files


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
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.5])
def test_killed_render_leaves_old_or_new_files(tmp_path: Path, delay: float) -> None:
    """SIGKILL mid-render: each file is entirely the old or entirely the new version."""
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
    assert _render(source, expected_new).wait() == 0
    new = _snapshot(expected_new)

    process = _render(source, out)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = _snapshot(out)
    assert (out / "notes.txt").read_text() == "mine"
    for name, content in after.items():
        if name == "notes.txt":
            continue
        assert content in (old[name], new[name]), f"{name} is neither the old nor the new file"


def test_failed_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    """When a rename fails, the staged temporary files are removed."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "b.txt").mkdir()  # a folder where a file should go makes the rename fail
    with pytest.raises(OutputError, match="cannot write"):
        write_files(out, {"a.txt": b"a", "b.txt": b"b"})
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
