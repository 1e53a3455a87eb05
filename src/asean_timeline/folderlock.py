"""One render at a time per output folder: a ``flock`` beside it that names its holder."""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from asean_timeline.problems import OutputError

_LOCK_SUFFIX = ".asean-timeline-lock"
#: The output folders (resolved) whose lock this process holds, see :func:`holding`.
_held: set[Path] = set()


class OutputBusyError(OutputError):
    """Another render is writing the same output folder."""


def output_folder(out_dir: Path) -> Path:
    """``out_dir`` as it is written: absolute, every symbolic link resolved (``""`` is ``.``).

    An ``--out`` that is a link to a folder is written where the link points, and
    the link stays.
    """
    return Path(os.path.realpath(out_dir))


@contextmanager
def holding(out_dir: Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold the output folder's lock; yield the folder (see :func:`output_folder`).

    One render at a time writes a folder: the lock is ``flock`` on a file beside
    it (``.dist.asean-timeline-lock``, inside it where nothing may be created
    beside), holding the holder's process id, and removed when released. A
    second render waits up to ``wait`` seconds, then raises
    :class:`OutputBusyError` naming the holder. Holding it again in the same
    process is a no-op. Where ``fcntl`` is missing (Windows) nothing is locked.
    """
    folder = output_folder(out_dir)
    if folder in _held:
        yield folder
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield folder
        return
    descriptor, lock_path = _acquire(fcntl, folder, wait)
    _held.add(folder)
    try:
        yield folder
    finally:
        _held.discard(folder)
        with contextlib.suppress(OSError):
            lock_path.unlink()  # before the lock goes: a waiter then finds no stale file
        os.close(descriptor)


def _acquire(fcntl: Any, folder: Path, wait: float) -> tuple[int, Path]:
    """Open and ``flock`` the folder's lock file; the descriptor and the file's path."""
    lock_path = folder.parent / f".{folder.name}{_LOCK_SUFFIX}"
    deadline = time.monotonic() + wait
    # The holder writes its pid just after it takes the lock: a render that finds the
    # lock in that moment looks again, briefly, so that it can name the other process.
    naming_deadline = time.monotonic() + max(wait, 1.0)
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    while True:
        try:
            descriptor = os.open(lock_path, flags, 0o644)
        except FileNotFoundError:  # a first render into a new folder: make it
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OutputError(f"cannot create {folder}: {error.strerror}") from None
            if not folder.parent.is_dir():
                raise OutputError(f"cannot create {folder}") from None
            continue
        except PermissionError:  # nothing may be created beside the folder: lock inside it
            inside = folder / _LOCK_SUFFIX
            if lock_path == inside:
                raise OutputError(f"cannot write {lock_path}: permission denied") from None
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OutputError(f"cannot create {folder}: {error.strerror}") from None
            lock_path = inside
            continue
        except OSError as error:
            raise OutputError(f"cannot write {lock_path}: {error.strerror}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 32).decode("ascii", "replace").strip()
            os.close(descriptor)
            now = time.monotonic()
            if now < deadline or (not holder.isdigit() and now < naming_deadline):
                time.sleep(0.05)
                continue
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise OutputBusyError(
                f"{folder} is being written by another asean-timeline render ({who})",
                f"wait for it to finish and run this again (or stop {who})",
            ) from None
        except OSError as error:  # a file system without flock (some network ones)
            if error.errno not in (errno.ENOLCK, errno.ENOTSUP, errno.EINVAL):
                os.close(descriptor)
                raise OutputError(f"cannot lock {lock_path}: {error.strerror}") from None
            return descriptor, lock_path  # renders there are not serialised
        try:
            current = lock_path.stat()
        except FileNotFoundError:
            current = None
        try:
            opened = os.fstat(descriptor)
            if current is None or (current.st_dev, current.st_ino) != (
                opened.st_dev,
                opened.st_ino,
            ):
                os.close(descriptor)  # its holder removed it as we opened it: take the new one
                continue
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        except OSError as error:
            os.close(descriptor)
            raise OutputError(f"cannot write {lock_path}: {error.strerror}") from None
        return descriptor, lock_path
