"""Renders into one --out folder never lose files: one at a time, the other stops and says why."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asean_timeline import folderlock
from asean_timeline.folderlock import OutputBusyError, holding
from asean_timeline.write import publish_tree
from tests.test_atomic import _timeline

_ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}
_COMMAND = (sys.executable, "-m", "asean_timeline")
_BUSY = re.compile(r"is being written by another asean-timeline render \(process (\d+)\)")


def _start(source: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "asean_timeline", "render", str(source), "--out", str(out)],
        env=_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, error = process.communicate(timeout=120)
    return process.returncode, error


def _foreign(out: Path) -> dict[str, bytes]:
    """Files a user put into dist/ that render does not make."""
    files = {"CNAME": b"timeline.example.org\n", "notes/keep.txt": b"mine", ".nojekyll": b""}
    for name, content in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    return files


def _all_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A 1,500-event timeline rendered once into dist/ with foreign files added: its
    source, dist/ and what dist/ must hold after any number of renders of it."""
    source = tmp_path / "events.toml"
    source.write_text(_timeline(1500, "Event"), encoding="utf-8")
    out = tmp_path / "dist"
    assert _finish(_start(source, out))[0] == 0
    _foreign(out)
    return source, out, _all_files(out)


def test_racing_renders_keep_every_file_and_leave_one_whole_render(
    rendered: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """Rounds of two renders started together: each succeeds or stops naming the other;
    afterwards dist/ holds one whole render and every file render did not create."""
    source, out, expected = rendered
    # Each round changes the input, so both renders write (and used to race).
    for round_number in range(6):
        source.write_text(_timeline(1500, f"Round {round_number}"), encoding="utf-8")
        first = _start(source, out)
        time.sleep(0.05 * round_number)  # the second lands at a different stage each round
        second = _start(source, out)
        outcomes = [_finish(first), _finish(second)]
        for process, (code, error) in zip((first, second), outcomes, strict=True):
            assert "Traceback" not in error
            if code != 0:
                assert code == 1
                holder = _BUSY.search(error)
                assert holder, error
                other = second if process is first else first
                assert int(holder.group(1)) == other.pid
        assert any(code == 0 for code, _ in outcomes)
        after = _all_files(out)
        for name in ("CNAME", "notes/keep.txt", ".nojekyll", "README.md", "embed.js"):
            assert name in after, f"round {round_number}: {name} was lost"
        assert {n: after[n] for n in ("CNAME", "notes/keep.txt")} == {
            n: expected[n] for n in ("CNAME", "notes/keep.txt")
        }
        assert set(after) == set(expected)  # one whole render: no file missing, none extra
        assert f"Round {round_number} 0".encode() in after["timeline.md"]
        assert [p.name for p in out.parent.iterdir() if "asean-timeline" in p.name] == []


def test_a_paused_render_makes_the_next_stop_naming_it_and_keeps_its_staging(
    rendered: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """A render stopped by SIGSTOP while it writes keeps the folder: another render exits 1
    naming its process and leaves its staging folder; resumed, the first completes."""
    source, out, expected = rendered
    source.write_text(_timeline(1500, "Paused"), encoding="utf-8")
    lock = out.parent / ".dist.asean-timeline-lock"
    paused = _start(source, out)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # stop it once it holds the lock and stages files
            staging = [p for p in out.parent.iterdir() if p.name.endswith("-staging")]
            if staging and lock.exists() and lock.read_text().strip() == str(paused.pid):
                break
            time.sleep(0.01)
        paused.send_signal(signal.SIGSTOP)
        staging = [p for p in out.parent.iterdir() if p.name.endswith("-staging")]
        assert staging, "the render finished before it could be paused"
        code, error = _finish(_start(source, out))
        assert code == 1
        assert f"(process {paused.pid})" in error
        assert "Traceback" not in error
        assert all(folder.exists() for folder in staging)  # its owner is alive: kept
    finally:
        paused.send_signal(signal.SIGCONT)
    code, error = _finish(paused)
    assert (code, error.count("Traceback")) == (0, 0)
    after = _all_files(out)
    assert set(after) == set(expected)
    assert after["CNAME"] == expected["CNAME"]
    assert b"Paused 0" in after["timeline.md"]
    assert [p.name for p in out.parent.iterdir() if p.name != "events.toml"] == ["dist"]


def test_staging_folders_are_removed_only_when_their_process_is_gone(tmp_path: Path) -> None:
    """A leftover staging folder of a dead process goes; one of a live process stays."""
    out = tmp_path / "dist"
    out.mkdir()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        kept = tmp_path / f".dist.{alive.pid}-0.asean-timeline-staging"
        gone = tmp_path / f".dist.{dead.pid}-0.asean-timeline-staging"
        inside_gone = out / f"..{dead.pid}-0.asean-timeline-staging"
        for folder in (kept, gone, inside_gone):
            (folder / "calendars").mkdir(parents=True)
        publish_tree(out, {"a.txt": b"a"}, [])
        assert kept.exists()
        assert not gone.exists()
        assert not inside_gone.exists()
    finally:
        alive.kill()
        alive.wait()


def test_the_lock_is_refused_while_held_and_free_after(tmp_path: Path) -> None:
    """A second holder in another process is told who holds the folder; the lock file goes."""
    out = tmp_path / "dist"
    code = (
        "import sys\nfrom pathlib import Path\nfrom asean_timeline.write import holding\n"
        f"with holding(Path({str(out)!r})):\n    print('held', flush=True)\n    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputBusyError, match=rf"\(process {holder.pid}\)") as caught:
            publish_tree(out, {"a.txt": b"a"}, [], wait=0.2)
        assert "wait for it to finish" in caught.value.hint
        assert not (out / "a.txt").exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert not (tmp_path / ".dist.asean-timeline-lock").exists()
    assert publish_tree(out, {"a.txt": b"a"}, []) == (["a.txt"], [])
    with holding(out) as folder, holding(out) as again:  # held again in-process: no deadlock
        assert folder == again == out.resolve()
    assert folderlock._held == set()


def test_serve_waits_for_a_render_holding_the_folder_then_renders(tmp_path: Path) -> None:
    """While another process holds dist/, serve's re-render waits; once free, it renders."""
    import shutil

    from tests.conftest import SHIPPED

    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    out = tmp_path / "dist"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asean_timeline",
            "serve",
            str(source),
            "--out",
            str(out),
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=_ENV,
    )
    assert process.stderr is not None
    try:
        while "serving" not in (line := process.stderr.readline()):
            assert line, "serve ended before it started serving"
        with holding(out):
            text = source.read_text(encoding="utf-8")
            source.write_text(text.replace("Commemorative Summit in Tokyo", "Held Summit"))
            time.sleep(1.5)  # several watcher rounds, all waiting for the lock
            assert b"Held Summit" not in (out / "feed.json").read_bytes()
        deadline = time.monotonic() + 30
        while b"Held Summit" not in (out / "feed.json").read_bytes():
            assert time.monotonic() < deadline, "serve did not render after the lock was freed"
            time.sleep(0.1)
    finally:
        process.terminate()
        _, error = process.communicate(timeout=10)
    assert "Traceback" not in error
