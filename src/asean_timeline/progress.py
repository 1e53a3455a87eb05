"""Progress of long work on a terminal: counts, what is being done, time left.

Silent unless standard error is a terminal and ``CI`` is unset, so logs and pipes
never fill with it. One line, redrawn in place; :meth:`Progress.done` clears it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """``checking links 120/2000, ~40 s left``, redrawn at most ten times a second."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None) -> None:
        self.what = what
        self.total = total
        self.count = 0
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = self._stream.isatty() and not os.environ.get("CI")
        self._started = time.monotonic()
        self._drawn = 0.0

    def advance(self, step: int = 1) -> None:
        """Count ``step`` more done, and redraw if it is time to."""
        self.count += step
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn < 0.1 and self.count < self.total:
            return
        self._drawn = now
        text = f"{self.what} {self.count}/{self.total}"
        elapsed = now - self._started
        if 0 < self.count < self.total and elapsed > 1:
            left = elapsed / self.count * (self.total - self.count)
            text += f", ~{left:.0f} s left"
        self._stream.write(f"\r\x1b[K{text}")
        self._stream.flush()

    def done(self) -> None:
        """Clear the line."""
        if self.enabled:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
