"""Reading an input file, whatever it is: bounded in size, and in waiting on a pipe.

Every file the tool reads (``events.toml``, ``revisions.json``) comes through
:func:`read_input`. A regular file larger than the limit is refused before it is
read; anything else (a pipe, ``<(command)``, a device such as ``/dev/zero``) is
read until its end or until it has given more than the limit. Opening never
blocks (a named pipe nobody writes to is opened without waiting), and reading
from something that is not a regular file gives up when nothing arrives for
:data:`PIPE_WAIT_SECONDS`.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: Inputs larger than this are refused (see README, "Limits").
MAX_INPUT_BYTES = 100 * 1024 * 1024
#: How long a pipe or device may stay silent before reading it gives up.
PIPE_WAIT_SECONDS = 30.0
_CHUNK = 1 << 20


class InputReadError(Exception):
    """An input cannot be used as it is; ``message`` says why, ``hint`` what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


def limit_text(limit: int = MAX_INPUT_BYTES) -> str:
    """The limit in words: ``104,857,600 (100 MiB)``."""
    return f"{limit:,} ({limit >> 20} MiB)"


def read_input(path: Path, limit: int = MAX_INPUT_BYTES, wait: float = PIPE_WAIT_SECONDS) -> bytes:
    """All of ``path``'s bytes; :class:`InputReadError` if more than ``limit`` or silent too long.

    ``OSError`` (missing, not permitted, a folder: ``IsADirectoryError``) is the
    caller's to explain.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if stat.S_ISREG(status.st_mode):
            if status.st_size > limit:
                raise InputReadError(
                    f"the file is {status.st_size:,} bytes; the limit is {limit_text(limit)}",
                    "split the timeline into several files",
                )
            return _read_regular(descriptor, status.st_size, limit)
        return _read_stream(descriptor, limit, wait)
    finally:
        os.close(descriptor)


def _too_much(limit: int) -> InputReadError:
    return InputReadError(
        f"more than {limit:,} bytes came from this pipe or device; the limit is "
        f"{limit_text(limit)}",
        "give the path of a timeline file (a device or a never-ending pipe cannot be read)",
    )


def _read_regular(descriptor: int, size: int, limit: int) -> bytes:
    """Read a regular file in one request when its size is right (it may have grown)."""
    chunks: list[bytes] = []
    total = 0
    request = size + 1
    while True:
        chunk = os.read(descriptor, min(request, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputReadError(
                f"the file grew past the limit of {limit_text(limit)} while it was read",
                "split the timeline into several files",
            )
        request = _CHUNK


def _read_stream(descriptor: int, limit: int, wait: float) -> bytes:
    """Read a pipe or device until its end, waiting at most ``wait`` seconds for each chunk."""
    import select

    poller = select.poll() if hasattr(select, "poll") else None
    if poller is not None:
        poller.register(descriptor, select.POLLIN)
    else:  # pragma: no cover - Windows: no poll, so reads block
        os.set_blocking(descriptor, True)
    chunks: list[bytes] = []
    total = 0
    while True:
        # Linux reports a named pipe no writer has opened yet as not ready (rather than
        # at its end), so poll waits for a writer too.
        if poller is not None and not poller.poll(int(wait * 1000)):
            raise InputReadError(
                f"nothing arrived from this pipe or device for {wait:g} s",
                "write the timeline into the pipe (or give the path of a file)",
            )
        try:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:
            continue
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_much(limit)
