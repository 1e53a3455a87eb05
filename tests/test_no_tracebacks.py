"""Odd states and odd environments end with a clear message and exit 1, never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from tests.conftest import SHIPPED

_ENV = {"SOURCE_DATE_EPOCH": "1704067200"}
_TITLE = "Commemorative Summit in Tokyo"
_COMMAND = (sys.executable, "-m", "asean_timeline")


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, Path]:
    """events.toml rendered once into dist/: (events.toml, dist/)."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["render", str(source), "--out", str(out)], env=_ENV)
    assert result.exit_code == 0, result.output
    return source, out


def _edit_first_revision(out: Path, key: str, value: object) -> None:
    path = out / "revisions.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(document["events"]))
    document["events"][first][key] = value
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "modified",
            "9999-12-31T23:59:59Z",
            "modified 9999-12-31T23:59:59Z is outside 1970 to 9997",
        ),
        ("created", "1969-12-31T23:59:59Z", "created 1969-12-31T23:59:59Z is outside 1970 to 9997"),
        ("sequence", 10**22, "sequence 1e+22 is not a whole number from 0"),  # orjson: a float
        ("sequence", -7, "sequence -7 is not a whole number from 0 to 2,147,483,647"),
        ("sequence", 1.5, "sequence 1.5 is not a whole number"),
        ("sequence", True, "sequence True is not a whole number"),
    ],
)
def test_an_impossible_revision_is_refused_by_render_and_export(
    rendered: tuple[Path, Path], key: str, value: object, message: str
) -> None:
    """revisions.json with an out-of-range time or sequence: exit 1 naming it, in both commands."""
    source, out = rendered
    _edit_first_revision(out, key, value)
    # Edit the event too, so render would bump its revision (where the overflow happened).
    source.write_text(source.read_text(encoding="utf-8").replace(_TITLE, "Summit (edited)"))
    revisions = str(out / "revisions.json")
    for command in (
        ["render", str(source), "--out", str(out)],
        ["export", "--format", "ics", str(source), "--revisions", revisions],
    ):
        result = CliRunner().invoke(cli, command, env=_ENV)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert "revisions.json: error:" in result.output
        assert isinstance(result.exception, SystemExit)  # no other exception escaped


def test_the_largest_sequence_stays_within_icalendar_integer(rendered: tuple[Path, Path]) -> None:
    """An edited event at SEQUENCE 2^31-1 stays there: iCalendar's INTEGER cannot go higher."""
    source, out = rendered
    document = json.loads((out / "revisions.json").read_text(encoding="utf-8"))
    for item in document["events"].values():
        item["sequence"] = 2**31 - 1
    (out / "revisions.json").write_text(json.dumps(document), encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace(_TITLE, "Summit (edited)"))
    result = CliRunner().invoke(cli, ["render", str(source), "--out", str(out)], env=_ENV)
    assert result.exit_code == 0, result.output
    sequences = set(re.findall(rb"SEQUENCE:(-?\d+)", (out / "events.ics").read_bytes()))
    assert sequences == {b"2147483647"}


@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        ("not-a-number", "'not-a-number' is not a whole number of seconds"),
        ("-5", "'-5' is not a whole number of seconds"),
        ("1e9", "'1e9' is not a whole number of seconds"),
        ("9" * 30, "is outside the years 1970 to 9997"),
        ("253402300800", "is outside the years 1970 to 9997"),  # 10000-01-01
    ],
)
@pytest.mark.parametrize("command", ["render", "export"])
def test_a_bad_source_date_epoch_is_an_error(
    tmp_path: Path, epoch: str, message: str, command: str
) -> None:
    """SOURCE_DATE_EPOCH huge or not a number: exit 1 naming it, not an OverflowError."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    arguments = (
        ["render", str(source), "--out", str(tmp_path / "dist")]
        if command == "render"
        else ["export", "--format", "ics", str(source)]
    )
    result = CliRunner().invoke(cli, arguments, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 1, result.output
    assert "SOURCE_DATE_EPOCH: error:" in result.output
    assert message in result.output
    assert "git log -1 --format=%ct" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_blank_source_date_epoch_counts_as_unset(tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH="" falls back to the file's modification time."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    os.utime(source, (1704067200, 1704067200))
    result = CliRunner().invoke(
        cli,
        ["export", "--format", "ics", str(source), "--revisions", str(tmp_path / "none.json")],
        env={"SOURCE_DATE_EPOCH": ""},
    )
    assert result.exit_code == 0, result.output
    assert b"DTSTAMP:20240101T000000Z" in result.stdout_bytes


def _run(arguments: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "asean_timeline", *arguments],
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **_ENV},
        **options,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("arguments", [["export", "--format", "ics", str(SHIPPED)], ["schema"]])
def test_export_and_schema_to_a_full_disk_fail(arguments: list[str]) -> None:
    """> /dev/full: exit 1 and a message saying standard output could not be written."""
    with Path("/dev/full").open("w") as full:
        done = _run(arguments, stdout=full)
    assert done.returncode == 1
    assert "cannot write to standard output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


@pytest.mark.parametrize("arguments", [["export", "--format", "ics", str(SHIPPED)], ["schema"]])
def test_export_and_schema_to_a_closed_stdout_fail(arguments: list[str]) -> None:
    """>&- (no standard output at all): exit 1 saying it is closed (was exit 0, nothing written)."""
    done = subprocess.run(
        [sys.executable, "-m", "asean_timeline", *arguments],
        stdout=None,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **_ENV},
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert "standard output is closed" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("arguments", [["export", "--format", "md", str(SHIPPED)], ["schema"]])
def test_an_unwritable_o_file_is_named(tmp_path: Path, arguments: list[str]) -> None:
    """-o into a missing folder names the -o file and its folder, not the --out folder."""
    target = tmp_path / "missing" / "sub" / "file.out"
    tmp_path.joinpath("missing").write_bytes(b"a file, so nothing can be made below it")
    result = CliRunner().invoke(cli, [*arguments, "-o", str(target)], env=_ENV)
    assert result.exit_code == 1
    assert f"error: cannot write {target}:" in result.output
    assert "--out" not in result.output
    assert f"fix: check that the folder of the -o file ({target.parent})" in result.output


# -- serve ---------------------------------------------------------------------


def _serve(source: Path, out: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*_COMMAND, "serve", str(source), "--out", str(out), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **_ENV},
    )


def test_serve_on_a_taken_port_says_so(tmp_path: Path) -> None:
    """The port is in use: exit 1 and a fix naming --port, before anything is rendered."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(source, tmp_path / "dist", port)
        _, error = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in error
    assert "choose another --port" in error
    assert "Traceback" not in error
    assert not (tmp_path / "dist").exists()


def _as_nobody() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*command, sys.executable, "-c", "import asean_timeline"], capture_output=True, check=False
    )
    return command if probe.returncode == 0 else None


def _low_ports_need_root() -> bool:
    try:
        limit = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    except (OSError, ValueError):
        return False
    return limit > 80


@pytest.mark.skipif(
    _as_nobody() is None or not _low_ports_need_root(),
    reason="needs an unprivileged user for whom port 80 is not permitted",
)
def test_serve_on_a_port_not_permitted_says_so(tmp_path: Path) -> None:
    """Port 80 as a user: exit 1 and a fix that mentions administrator rights."""
    prefix = _as_nobody()
    assert prefix is not None
    tmp_path.chmod(0o777)
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    source.chmod(0o644)
    done = subprocess.run(
        [*prefix, *_COMMAND, "serve", str(source), "--out", str(tmp_path / "dist"), "--port", "80"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "cannot listen on 127.0.0.1:80: Permission denied" in done.stderr
    assert "ports below 1024 need administrator rights" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[int, Path, subprocess.Popen[str]]]:
    """serve --port 0 on a copy of events.toml: (port, events.toml, the process)."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    process = _serve(source, tmp_path / "dist", 0)
    assert process.stderr is not None
    try:
        port = 0
        deadline = time.monotonic() + 30
        while not port and time.monotonic() < deadline:
            found = re.search(r"at http://127\.0\.0\.1:(\d+)/", process.stderr.readline())
            port = int(found.group(1)) if found else 0
        assert port, "serve did not start"
        yield port, source, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def _raw_request(port: int, target: bytes, host: bytes | None = None) -> bytes:
    """Send one raw GET and return the whole response."""
    host = host if host is not None else f"127.0.0.1:{port}".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (b"/%00", b"400"),
        (b"/events.ics%00.html", b"400"),
        (b"/%ff%fe", b"400"),
        (b"/caf%C3", b"400"),
        (b"/\xff", b"400"),
        (b"/%0d%0aSet-Cookie:x=1", b"400"),
    ],
)
def test_serve_answers_broken_paths_with_400_and_keeps_going(
    serving: tuple[int, Path, subprocess.Popen[str]], target: bytes, status: bytes
) -> None:
    """GET /%00 or a path that is not UTF-8: 400, and the server still serves."""
    port, _, _ = serving
    assert _raw_request(port, target).split(b"\r\n", 1)[0].split(b" ")[1] == status
    assert _raw_request(port, b"/events.ics").startswith(b"HTTP/1.0 200")


def test_the_watcher_survives_an_impossible_revisions_file(
    serving: tuple[int, Path, subprocess.Popen[str]],
) -> None:
    """A revisions.json that cannot be used is reported; once fixed, saves render again."""
    port, source, process = serving
    out = source.parent / "dist"
    good = (out / "revisions.json").read_bytes()
    _edit_first_revision(out, "modified", "9999-12-31T23:59:59Z")
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(_TITLE, "Summit (first)"), encoding="utf-8")
    deadline = time.monotonic() + 20
    while b"is outside 1970 to 9997" not in _raw_request(port, b"/index.html"):
        assert time.monotonic() < deadline, "the problem never reached the banner"
        time.sleep(0.2)
    (out / "revisions.json").write_bytes(good)
    source.write_text(text.replace(_TITLE, "Summit (second)"), encoding="utf-8")
    while b"Summit (second)" not in _raw_request(port, b"/feed.json"):
        assert time.monotonic() < deadline + 20, "the watcher stopped re-rendering"
        time.sleep(0.2)
    assert process.poll() is None
