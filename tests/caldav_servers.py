"""Real CalDAV servers for the tests: Radicale and Xandikos, run as subprocesses.

Each listens on 127.0.0.1 on a free port (found by binding port 0: Radicale
refuses port 0 itself), stores its data in a temporary folder, and is waited
for until it answers HTTP. :meth:`DavServer.stop` kills it; :meth:`start`
brings it back on the same port with the same data (a server that died
mid-sync, restarted).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import niquests

READY_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DavServer:
    """A CalDAV server process; calendars are made under ``home`` (a path ending with /)."""

    name: str
    argv: list[str]
    port: int
    home: str
    log: Path
    auth: tuple[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process and wait until it answers HTTP (or fail with its log)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                niquests.request("OPTIONS", self.origin + "/", timeout=1)
                return
            except niquests.exceptions.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {READY_TIMEOUT}s")

    def stop(self) -> None:
        """Kill the process (as a crash would) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def new_calendar(self, display_name: str | None = None) -> str:
        """A fresh, empty calendar collection (named, if given); its URL (ending with /)."""
        url = f"{self.origin}{self.home}{uuid.uuid4().hex[:12]}/"
        body = None
        if display_name is not None:
            body = (
                '<?xml version="1.0" encoding="utf-8"?><c:mkcalendar xmlns:d="DAV:"'
                ' xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>'
                f"<d:displayname>{display_name}</d:displayname></d:prop></d:set></c:mkcalendar>"
            )
        response = niquests.request("MKCALENDAR", url, data=body, auth=self.auth, timeout=10)
        assert response.status_code == 201, (response.status_code, response.text)
        return url


def radicale(root: Path, htpasswd: Path | None = None) -> DavServer:
    """Radicale on a free port, storing under ``root`` (with an htpasswd file: logins)."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        "",  # no system or user configuration file
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(root / "collections"),
        "--logging-level",
        "warning",
    ]
    if htpasswd is None:
        argv += ["--auth-type", "none"]
        # Any login is accepted; making calendars with one creates its home, /tests/.
        home, auth = "/tests/", ("tests", "any")
    else:
        user, password = htpasswd.read_text().strip().split(":", 1)
        argv += [
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(htpasswd),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",  # Radicale slows failed logins down by default
        ]
        home, auth = f"/{user}/", (user, password)
    return DavServer("Radicale", argv, port, home, root / "radicale.log", auth)


def xandikos(root: Path) -> DavServer:
    """Xandikos on a free port, storing under ``root``."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "xandikos",
        "serve",
        "--directory",
        str(root / "data"),
        "--defaults",
        "--listen-address",
        "127.0.0.1",
        "--port",
        str(port),
        "--state-dir",
        str(root / "state"),
    ]
    return DavServer("Xandikos", argv, port, "/user/calendars/", root / "xandikos.log")
