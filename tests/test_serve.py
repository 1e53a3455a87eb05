"""`asean-timeline serve`: live preview with correct types and last-good-output fallback."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SHIPPED


def _start_serve(tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    """`serve --port 0` on a copy of events.toml in ``tmp_path``: the process and its base URL."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asean_timeline",
            "serve",
            str(source),
            "--out",
            str(tmp_path / "dist"),
            "--port",
            "0",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    base = ""
    deadline = time.monotonic() + 20
    while not base and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break  # serve ended before it started serving
        found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        base = found.group(1) if found else ""
    if not base:
        process.kill()
        process.communicate(timeout=10)
        raise AssertionError("serve did not start")
    return process, base


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running `serve --port 0` on a copy of events.toml: (base URL, events.toml path)."""
    process, base = _start_serve(tmp_path)
    try:
        yield base, tmp_path / "events.toml"
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.headers["Content-Type"], response.read()


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_serves_outputs_with_their_media_types(served: tuple[str, Path]) -> None:
    """The calendar, feed, Markdown and CSV go out with the types clients expect."""
    base, _ = served
    assert _get(base + "events.ics")[0] == "text/calendar; charset=utf-8"
    assert _get(base + "feed.json")[0] == "application/feed+json"
    assert _get(base + "timeline.md")[0] == "text/markdown; charset=utf-8"
    assert _get(base + "calendars/countries/MY.ics")[0] == "text/calendar; charset=utf-8"
    assert _get(base + "events.csv")[0] == "text/csv; charset=utf-8"
    assert _get(base + "revisions.json")[0] == "application/json"


def test_rerenders_on_save_and_keeps_last_good_output_on_error(served: tuple[str, Path]) -> None:
    """An edit is re-rendered; a broken edit keeps the old files and reports the problem."""
    base, source = served
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Commemorative Summit in Tokyo", "Summit (edited)"))
    _wait_for(lambda: b"Summit (edited)" in _get(base + "feed.json")[1])

    source.write_text(text.replace("date = 2023-12-17", 'date = "2023-02-30"'))
    time.sleep(1.5)  # several watcher rounds
    _, feed = _get(base + "feed.json")
    assert b"Summit (edited)" in feed  # the last good render is still served
    (base_dir := source.parent / "dist" / "page.html").write_text(
        "<html><body><p>x</p></body></html>"
    )
    _, page = _get(base + "page.html")
    assert b'role="alert"' in page
    assert b"is not a real date" in page
    del base_dir


# -- a safe local server -------------------------------------------------------------


_COMMAND = (sys.executable, "-m", "asean_timeline")


def _port(base: str) -> int:
    return int(base.rstrip("/").rsplit(":", 1)[1])


def _request(port: int, target: str, host: str | None = None, method: str = "GET") -> bytes:
    """One raw HTTP/1.1 request (``host`` None: no Host header at all); the whole response."""
    header = "" if host is None else f"Host: {host}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"{method} {target} HTTP/1.1\r\n{header}\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def test_only_requests_for_its_own_address_are_answered(served: tuple[str, Path]) -> None:
    """A Host other than 127.0.0.1:PORT or localhost:PORT (DNS rebinding) gets 421."""
    port = _port(served[0])
    assert _status(_request(port, "/events.ics", f"127.0.0.1:{port}")) == 200
    assert _status(_request(port, "/events.ics", f"LOCALHOST:{port}")) == 200
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1", "127.0.0.1:1", ""):
        response = _request(port, "/index.html", host)
        assert _status(response) == 421, host
        assert b"<li>" not in response  # nothing of the page, nor of a problem banner
    assert _status(_request(port, "/events.ics", None)) == 421


def test_no_listing_no_hidden_files_and_no_links_out(served: tuple[str, Path]) -> None:
    """Folders without index.html, hidden names and links leading out of dist/ are 404."""
    base, source = served
    port = _port(base)
    out = source.parent / "dist"
    (source.parent / "secret.txt").write_text("outside")
    (out / "leak.txt").symlink_to(source.parent / "secret.txt")
    (out / "etc").symlink_to("/etc")
    (out / "alias.ics").symlink_to("events.ics")  # a link that stays inside is served
    (out / ".hidden").write_text("x")
    host = f"127.0.0.1:{port}"
    for target in ("/calendars/", "/leak.txt", "/etc/passwd", "/etc/", "/.hidden", "/../x"):
        response = _request(port, target, host)
        assert _status(response) == 404, target
        assert b"outside" not in response
        assert b"Directory listing" not in response
    assert _status(_request(port, "/calendars", host)) == 301
    assert _status(_request(port, "/alias.ics", host)) == 200
    assert _status(_request(port, "/", host)) == 200


def test_an_idle_connection_is_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects and sends nothing is disconnected after the idle timeout."""
    from asean_timeline import serve

    monkeypatch.setattr(serve._Handler, "timeout", 0.3)
    server = serve.make_server(tmp_path, 0, serve.Preview())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=30) as connection:
            assert connection.recv(1) == b""  # closed by the server, not by our 30 s timeout
    finally:
        server.shutdown()
        server.server_close()


def test_the_banner_is_styled_within_the_pages_csp(served: tuple[str, Path]) -> None:
    """The problem banner's look is a <style> whose hash the page's CSP allows; no style="."""
    base, source = served
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("date = 2023-12-17", 'date = "2023-02-30"'))
    _wait_for(lambda: b'role="alert"' in _get(base + "index.html")[1], seconds=30)
    _, page = _get(base + "index.html")
    banner = page[page.index(b"<body>") :]
    style = re.search(rb"<style>(.*?)</style>", banner)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1)).digest())
    policy = re.search(rb'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    assert b"'sha256-" + digest + b"'" in policy.group(1).split(b"style-src", 1)[1].split(b";")[0]
    alert = banner[: banner.index(b"</div>")]
    assert b"style=" not in alert


def _big_file(out: Path) -> int:
    payload = b"x" * (4 << 20)
    (out / "big.bin").write_bytes(payload)
    return len(payload)


def test_500_simultaneous_requests_are_all_answered_without_tracebacks(
    tmp_path: Path,
) -> None:
    """Loopback load test: 500 connections open at once each get the whole file; 100 clients
    that hang up mid-download leave no traceback in the terminal. Bounded by socket timeouts."""
    process, base = _start_serve(tmp_path)
    port = int(base.rsplit(":", 1)[1].rstrip("/"))
    try:
        expected = (tmp_path / "dist" / "events.ics").read_bytes()
        size = _big_file(tmp_path / "dist")
        request = f"GET /events.ics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        connections = [
            socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(500)
        ]
        try:
            for connection in connections:
                connection.sendall(request)
            bodies = []
            for connection in connections:
                chunks = []
                while chunk := connection.recv(65536):
                    chunks.append(chunk)
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.0 200"), head[:40]
                bodies.append(body)
        finally:
            for connection in connections:
                connection.close()
        assert all(body == expected for body in bodies)
        big = f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        for _ in range(100):  # hang up with a reset after the first bytes of 4 MiB
            with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.sendall(big)
                connection.recv(1024)
        response = _request(port, "/big.bin", f"127.0.0.1:{port}")
        assert len(response.partition(b"\r\n\r\n")[2]) == size  # still serving
    finally:
        process.terminate()
        _, error = process.communicate(timeout=10)
    for word in ("Traceback", "BrokenPipe", "ConnectionReset", "Exception"):
        assert word not in error
