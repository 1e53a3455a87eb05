"""`asean-timeline serve`: live preview with correct types and last-good-output fallback."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SHIPPED


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running `serve --port 0` on a copy of events.toml: (base URL, events.toml path)."""
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
    try:
        base = ""
        deadline = time.monotonic() + 20
        while not base and time.monotonic() < deadline:
            line = process.stderr.readline()
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            base = found.group(1) if found else ""
        assert base, "serve did not start"
        yield base, source
    finally:
        process.terminate()
        process.wait(timeout=10)
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
