"""Live preview: serve the output folder on 127.0.0.1 and re-render on change.

The server only ever reads the output folder. A watcher thread re-renders when
the input's modification time or size changes; if the new input is invalid,
the last good output keeps being served and every HTML page gets a banner with
the problems (escaped), until the input is fixed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import stat
import sys
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asean_timeline.exporters import media_types

#: Media types by extension, for the files no format declares (sub-calendars,
#: README.md, revisions.json, anything a user keeps in the folder).
MEDIA_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
#: Each file an output format declares, with the media type it declares for it.
NAMED_MEDIA_TYPES = media_types()


#: Seconds a connection may stay silent before it is closed.
IDLE_TIMEOUT = 10.0
#: Connections the kernel may queue before they are accepted (capped by the system).
LISTEN_BACKLOG = 1024
#: The banner's look: a ``<style>`` element the page's CSP is extended to allow (by hash).
BANNER_STYLE = (
    ".asean-timeline-problems{background:#7a0000;color:#fff;padding:1em;"
    "font:16px/1.4 system-ui,sans-serif}"
)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


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
            f"<style>{BANNER_STYLE}</style>"
            '<div class="asean-timeline-problems" role="alert">'
            "<strong>events.toml has problems; showing the last good render.</strong>"
            f"<ul>{items}</ul></div>"
        ).encode()


def with_banner(page: bytes, banner: bytes) -> bytes:
    """``page`` with ``banner`` after ``<body>``, its style allowed by the page's own CSP."""
    body = page.replace(b"<body>", b"<body>" + banner, 1)
    if banner not in body:
        body = banner + body
    allowed = f"style-src {_csp_hash(BANNER_STYLE)} ".encode()
    return body.replace(b"style-src ", allowed, 1) if b"style-src " in body else body


class _Handler(SimpleHTTPRequestHandler):
    """Serves regular files inside the folder to requests for this server's own address.

    Refused: another ``Host`` (DNS rebinding), a path that is not UTF-8 or holds
    control characters (400), hidden names (the staging folder, the lock), links
    leading out of the folder, anything but regular files, and folders without
    ``index.html`` (404, never a listing).
    """

    preview: Preview
    timeout = IDLE_TIMEOUT  # per connection: a silent client is dropped

    def __init__(self, *args: Any, preview: Preview, root: str, **kwargs: Any) -> None:
        self.preview = preview
        self.root = root
        super().__init__(*args, directory=root, **kwargs)

    def guess_type(self, path: str | Any) -> str:
        name = Path(str(path)).name
        if name in NAMED_MEDIA_TYPES:
            return NAMED_MEDIA_TYPES[name]
        return MEDIA_TYPES.get(Path(name).suffix, super().guess_type(path))

    def send_head(self) -> Any:
        allowed: frozenset[str] = getattr(self.server, "allowed_hosts", frozenset())
        if self.headers.get("Host", "").lower() not in allowed:
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Host not served here")
            return None
        raw_path = urllib.parse.urlsplit(self.path).path
        try:
            # http.server decoded the request line as Latin-1: back to its bytes, then UTF-8.
            path = urllib.parse.unquote_to_bytes(raw_path.encode("latin-1")).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            self.send_error(HTTPStatus.BAD_REQUEST, "The path is not UTF-8")
            return None
        if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in path):
            self.send_error(HTTPStatus.BAD_REQUEST, "The path holds control characters")
            return None
        parts = [part for part in path.split("/") if part]
        if any(part.startswith(".") for part in parts):  # .., the staging folder, the lock
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        target = Path(self.root).joinpath(*parts)
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urllib.parse.quote(path + "/"))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = target / "index.html"
        elif path.endswith("/"):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        body = self._read_inside(target)
        if body is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        banner = self.preview.banner()
        if banner and target.suffix == ".html":
            body = with_banner(body, banner)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        return io.BytesIO(body)

    def _read_inside(self, target: Path) -> bytes | None:
        """The bytes of ``target`` if it is a regular file inside the folder (links resolved)."""
        real = os.path.realpath(target)
        if os.path.commonpath([real, self.root]) != self.root:
            return None
        try:
            with Path(real).open("rb") as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    return None
                return stream.read()
        except OSError:
            return None

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """Never a listing."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged; the CLI reports renders and problems."""


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, a deep listen queue, and no tracebacks for vanished clients."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        handler: Callable[..., _Handler],
        on_error: Callable[[str], None],
    ) -> None:
        super().__init__(address, handler)
        self.on_error = on_error
        port = self.server_address[1]
        hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if port == 80:
            hosts |= {"127.0.0.1", "localhost"}
        self.allowed_hosts = frozenset(hosts)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the client went away (a closed tab, a cancelled download)
        self.on_error(f"a request failed: {error!r}")


def make_server(
    out_dir: Path,
    port: int,
    preview: Preview,
    on_error: Callable[[str], None] = lambda message: None,
) -> PreviewServer:
    """A server for ``out_dir`` on 127.0.0.1 (``port`` 0 picks a free one).

    ``OSError`` when the port cannot be had (taken, or not permitted).
    """
    root = os.path.realpath(out_dir)
    handler = partial(_Handler, preview=preview, root=root)
    return PreviewServer(("127.0.0.1", port), handler, on_error)


Signature = tuple[tuple[str, int, int] | tuple[str], ...]


def signature(sources: Sequence[Path]) -> Signature:
    """What :func:`watch` compares: each file's modification time and size, or its absence."""
    state: list[tuple[str, int, int] | tuple[str]] = []
    for source in sources:
        try:
            status = source.stat()
        except OSError:
            state.append((str(source),))
            continue
        state.append((str(source), status.st_mtime_ns, status.st_size))
    return tuple(state)


def watch(
    sources: Callable[[], Sequence[Path]],
    rerender: Callable[[], bool],
    stop: threading.Event,
    interval: float = 0.3,
    since: Signature | None = None,
) -> None:
    """Call ``rerender`` whenever one of the files ``sources()`` lists changes, appears or
    goes, until ``stop`` is set. ``sources`` is asked again each time, so a new file that
    an include glob matches is noticed; ``since`` is the state to compare with first
    (taken by the caller before the thread starts, so no early save is missed).

    When ``rerender`` returns False (the output folder was busy) it is called
    again on the next round, changed or not.
    """
    last = signature(sources()) if since is None else since
    while not stop.wait(interval):
        current = signature(sources())
        if current != last and rerender():
            last = current
