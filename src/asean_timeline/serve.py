"""Live preview: serve the output folder on 127.0.0.1 and re-render on change.

The server only ever reads the output folder. A watcher thread re-renders when
the input's modification time or size changes; if the new input is invalid,
the last good output keeps being served and every HTML page gets a banner with
the problems (escaped), until the input is fixed.
"""

from __future__ import annotations

import html
import io
import threading
from collections.abc import Callable, Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MEDIA_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
#: Files whose type is more specific than their extension's.
NAMED_MEDIA_TYPES = {"feed.json": "application/feed+json"}


class Preview:
    """Shared state between the watcher and the request handlers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.problems: list[str] = []

    def set_problems(self, problems: list[str]) -> None:
        with self.lock:
            self.problems = list(problems)

    def banner(self) -> bytes:
        with self.lock:
            if not self.problems:
                return b""
            items = "".join(f"<li>{html.escape(p)}</li>" for p in self.problems)
        return (
            '<div role="alert" style="background:#7a0000;color:#fff;padding:1em;'
            'font:16px/1.4 system-ui,sans-serif">'
            "<strong>events.toml has problems; showing the last good render.</strong>"
            f"<ul>{items}</ul></div>"
        ).encode()


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def guess_type(self, path: str | Any) -> str:
        name = Path(str(path)).name
        if name in NAMED_MEDIA_TYPES:
            return NAMED_MEDIA_TYPES[name]
        return MEDIA_TYPES.get(Path(name).suffix, super().guess_type(path))

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        banner = self.preview.banner()
        if not banner or path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = path.read_bytes().replace(b"<body>", b"<body>" + banner, 1)
        if banner not in body:
            body = banner + body
        self.send_response(200)
        self.send_header("Content-Type", MEDIA_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged; the CLI reports renders and problems."""


def make_server(out_dir: Path, port: int, preview: Preview) -> ThreadingHTTPServer:
    """A server for ``out_dir`` on 127.0.0.1 (``port`` 0 picks a free one)."""
    handler = partial(_Handler, directory=str(out_dir), preview=preview)
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


Signature = tuple[tuple[str, int, int] | tuple[str], ...]


def signature(sources: Sequence[Path]) -> Signature:
    """What :func:`watch` compares: each file's modification time and size, or its absence."""
    state: list[tuple[str, int, int] | tuple[str]] = []
    for source in sources:
        try:
            stat = source.stat()
        except OSError:
            state.append((str(source),))
            continue
        state.append((str(source), stat.st_mtime_ns, stat.st_size))
    return tuple(state)


def watch(
    sources: Callable[[], Sequence[Path]],
    rerender: Callable[[], None],
    stop: threading.Event,
    interval: float = 0.3,
    since: Signature | None = None,
) -> None:
    """Call ``rerender`` whenever one of the files ``sources()`` lists changes, appears or
    goes, until ``stop`` is set. ``sources`` is asked again each time, so a new file that
    an include glob matches is noticed; ``since`` is the state to compare with first
    (taken by the caller before the thread starts, so no early save is missed)."""
    last = signature(sources()) if since is None else since
    while not stop.wait(interval):
        current = signature(sources())
        if current != last:
            last = current
            rerender()
