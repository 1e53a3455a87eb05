"""Progress of long work on a terminal: counts, what is being done, time left.

Silent unless standard error is a terminal and ``CI`` is unset, so logs and
pipes never see carriage returns. Used by the CLI only (the library reports
progress through callbacks and never prints).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

#: Redraw at most this often (seconds): a terminal is slower than a fast loop.
_INTERVAL = 0.1


class Progress:
    """One line on standard error, redrawn in place: ``what: done/total, about Ns left``."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None) -> None:
        self.what = what
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.drawn = 0.0

    def update(self, done: int, what: str | None = None) -> None:
        """Show ``done`` of ``total`` (and a new description, if given)."""
        if what is not None:
            self.what = what
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.drawn < _INTERVAL and done < self.total:
            return
        self.drawn = now
        line = f"{self.what}: {done}/{self.total}"
        if 0 < done < self.total:
            left = (now - self.started) / done * (self.total - done)
            line += f", about {left:.0f}s left"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()

    def close(self) -> None:
        """Clear the line, so what the command prints next starts clean."""
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
