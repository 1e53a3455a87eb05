"""A real HTTP server on a loopback address for the link-check tests, run in a thread.

Each path is answered by a *behaviour*: a function given the request handler that
writes whatever bytes it likes (a status, a redirect, an answer dripped a byte at a
time, endless headers or body). The server records every request and how many were
in flight at once, overall and per server, so tests can see retries and limits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[["Handler"], None]


@dataclass
class Seen:
    """One request as the server saw it."""

    method: str
    path: str
    user_agent: str
    at: float
    #: The client's port: one per connection.
    client_port: int


@dataclass
class Flight:
    """Requests in flight now and at most, shared by the servers of one test."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    now: int = 0
    peak: int = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LinkServer

    def handle(self) -> None:
        # A client that hangs up mid-request (as the checker does on purpose) is normal here.
        try:
            super().handle()
        except ConnectionError:
            self.close_connection = True

    def do_HEAD(self) -> None:
        self.dispatch()

    def do_GET(self) -> None:
        self.dispatch()

    def dispatch(self) -> None:
        server = self.server
        path = self.path.split("?", 1)[0]
        with server.lock:
            server.seen.append(
                Seen(
                    self.command,
                    self.path,
                    self.headers.get("User-Agent", ""),
                    time.monotonic(),
                    self.client_address[1],
                )
            )
            server.in_flight += 1
            server.peak = max(server.peak, server.in_flight)
        with server.flight.lock:
            server.flight.now += 1
            server.flight.peak = max(server.flight.peak, server.flight.now)
        try:
            server.routes.get(path, status(404))(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with server.lock:
                server.in_flight -= 1
            with server.flight.lock:
                server.flight.now -= 1

    def answer(self, code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read :attr:`LinkServer.seen` instead."""


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", flight: Flight | None = None) -> None:
        super().__init__((host, 0), Handler)
        self.routes: dict[str, Behaviour] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.flight = flight or Flight()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        with self.lock:
            return [seen for seen in self.seen if seen.path.split("?", 1)[0] == path]


@contextmanager
def running(host: str = "127.0.0.1", flight: Flight | None = None) -> Iterator[LinkServer]:
    """A server on ``host`` (port 0: a free one), stopped when the block ends.

    Linux answers on all of 127.0.0.0/8; where another loopback address than
    127.0.0.1 cannot be bound (macOS by default), the test is skipped.
    """
    try:
        server = LinkServer(host, flight)
    except OSError as error:
        import pytest

        pytest.skip(f"cannot listen on {host}: {error}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# Behaviours ---------------------------------------------------------------------------


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    return lambda handler: handler.answer(code, headers)


def redirect(code: int, location: str) -> Behaviour:
    return status(code, {"Location": location})


def slow(seconds: float, code: int = 200) -> Behaviour:
    def behave(handler: Handler) -> None:
        time.sleep(seconds)
        handler.answer(code)

    return behave


def head_refused(code: int = 405) -> Behaviour:
    def behave(handler: Handler) -> None:
        handler.answer(code if handler.command == "HEAD" else 200)

    return behave


def first_then(count: int, first: Behaviour, then: Behaviour) -> Behaviour:
    """``first`` for the first ``count`` requests, ``then`` after."""
    served = [0]
    lock = threading.Lock()

    def behave(handler: Handler) -> None:
        with lock:
            served[0] += 1
            number = served[0]
        (first if number <= count else then)(handler)

    return behave


def drip(interval: float = 0.1, limit: float = 10.0) -> Behaviour:
    """A status line, then a header one byte per ``interval``, never finished."""

    def behave(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        handler.wfile.flush()
        end = time.monotonic() + limit
        while time.monotonic() < end:
            time.sleep(interval)
            handler.wfile.write(b"a")
            handler.wfile.flush()
        handler.close_connection = True

    return behave


def huge_headers(size: int = 4 * 1024 * 1024) -> Behaviour:
    """An answer whose headers never fit any sensible limit."""

    def behave(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        chunk = b"X-Big: " + b"a" * 1000 + b"\r\n"
        for _ in range(size // len(chunk)):
            handler.wfile.write(chunk)
        handler.close_connection = True

    return behave


def endless_body(limit: float = 10.0) -> Behaviour:
    """HEAD refused; GET answers 200 and streams a body that never ends."""

    def behave(handler: Handler) -> None:
        if handler.command == "HEAD":
            handler.answer(405)
            return
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
        end = time.monotonic() + limit
        while time.monotonic() < end:
            handler.wfile.write(b"x" * 65536)
        handler.close_connection = True

    return behave


def raw(data: bytes) -> Behaviour:
    """Exactly ``data`` as the answer, then the connection closed."""

    def behave(handler: Handler) -> None:
        handler.wfile.write(data)
        handler.close_connection = True

    return behave


def json_answer(body: bytes) -> Behaviour:
    return lambda handler: handler.answer(200, {"Content-Type": "application/json"}, body)
