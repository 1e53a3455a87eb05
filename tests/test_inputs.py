"""Inputs that are not regular files: devices, pipes, FIFOs are read through one bounded reader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from asean_timeline.inputfile import InputReadError, read_input
from tests.conftest import SHIPPED

_ENV = {"SOURCE_DATE_EPOCH": "1704067200"}


def test_validate_dev_zero_is_refused_at_the_limit() -> None:
    """validate /dev/zero: exit 1 once 100 MiB came, no MemoryError."""
    result = CliRunner().invoke(cli, ["validate", "/dev/zero"])
    assert result.exit_code == 1
    assert "more than 104,857,600 bytes came from this pipe or device" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash for <(...)")
def test_validate_of_a_never_ending_pipe_stops_at_the_limit() -> None:
    """validate <(yes): exit 1 with the limit in the message, no traceback, in bounded time."""
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m asean_timeline validate <(yes)"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "the limit is 104,857,600 (100 MiB)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash for <(...)")
def test_validate_reads_a_timeline_from_a_pipe() -> None:
    """validate <(cat events.toml) reads the whole pipe and validates it."""
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m asean_timeline validate <(cat {SHIPPED})"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stderr


def test_revisions_json_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    """dist/revisions.json -> /dev/zero: render exits 1 naming the file, reads at most the limit."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "revisions.json").symlink_to("/dev/zero")
    for command in (["render", str(source), "--out", str(out)], ["export", "--format", "ics"]):
        if command[0] == "export":
            command += [str(source), "--revisions", str(out / "revisions.json")]
        result = CliRunner().invoke(cli, command, env=_ENV)
        assert result.exit_code == 1, result.output
        assert "more than 104,857,600 bytes came from this pipe or device" in result.output
        assert "delete it to restart every event" in result.output
    assert (out / "revisions.json").is_symlink()


def test_a_fifo_without_a_writer_gives_up_after_the_wait(tmp_path: Path) -> None:
    """Opening a named pipe nobody writes to does not block; reading gives up after ``wait``."""
    fifo = tmp_path / "events.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputReadError, match=r"nothing arrived from this pipe .* for 0\.3 s"):
        read_input(fifo, wait=0.3)


def test_a_fifo_whose_writer_comes_later_is_read_whole(tmp_path: Path) -> None:
    """A writer that opens the pipe after the reader is waited for; all its bytes are read."""
    fifo = tmp_path / "events.toml"
    os.mkfifo(fifo)
    payload = SHIPPED.read_bytes()

    def writer() -> None:
        time.sleep(0.2)
        with fifo.open("wb") as stream:
            for start in range(0, len(payload), 1000):
                stream.write(payload[start : start + 1000])
                stream.flush()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert read_input(fifo, wait=20) == payload
    finally:
        thread.join(timeout=20)


def test_a_regular_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    """The size of a regular file is checked first: a sparse 200 MiB file is not read."""
    big = tmp_path / "events.toml"
    with big.open("wb") as stream:
        stream.truncate(200 * 1024 * 1024)
    with pytest.raises(InputReadError, match=r"the file is 209,715,200 bytes; the limit is"):
        read_input(big)
    assert read_input(big, limit=300 * 1024 * 1024)[:4] == b"\0\0\0\0"


def test_limits_apply_to_pipes_exactly(tmp_path: Path) -> None:
    """A pipe that gives exactly the limit is read; one byte more is refused."""
    for size, fits in ((4096, True), (4097, False)):
        read_end, write_end = os.pipe()
        os.write(write_end, b"x" * size)
        os.close(write_end)
        path = Path(f"/dev/fd/{read_end}")
        try:
            if fits:
                assert read_input(path, limit=4096) == b"x" * size
            else:
                with pytest.raises(InputReadError, match="more than 4,096 bytes"):
                    read_input(path, limit=4096)
        finally:
            os.close(read_end)


def test_a_folder_is_still_explained(tmp_path: Path) -> None:
    """validate of a folder says so and suggests the events.toml inside."""
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "this is a folder, not a file" in result.output
