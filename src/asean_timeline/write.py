"""Writing outputs atomically; unchanged files untouched, foreign files kept."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import itertools
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from asean_timeline.folderlock import holding
from asean_timeline.problems import OutputError


def stale_files(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Names of the files in ``files`` whose content on disk differs (or is missing)."""
    return _stale(lambda: files.items(), out_dir)


def write_files(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write the files that changed; return their names.

    Each file is first written in full to a temporary file in the same folder
    and then renamed over the old one, so a reader (or a crash) sees either the
    old file or the new one, never a mix. All temporary files are written
    before the first rename.
    """
    from tempfile import mkstemp  # export's path only: render stages a folder instead

    changed = stale_files(out_dir, files)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create {out_dir}: {error.strerror}") from None
    staged: list[tuple[str, Path]] = []
    try:
        for name in changed:
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary_name = mkstemp(prefix=f".{target.name}.", dir=target.parent)
            temporary = Path(temporary_name)
            staged.append((name, temporary))
            with os.fdopen(handle, "wb") as stream:
                stream.write(files[name])
                stream.flush()
                os.fsync(stream.fileno())
            temporary.chmod(0o644)
        for name, staged_path in staged:
            staged_path.replace(out_dir / name)
    except OSError as error:
        for _, staged_path in staged:
            staged_path.unlink(missing_ok=True)
        where = error.filename or out_dir
        raise OutputError(f"cannot write {where}: {error.strerror}") from None
    return changed


def write_file(path: Path, content: bytes) -> None:
    """Write one file (``export -o``, ``schema -o``) atomically; errors name that file."""
    try:
        write_files(path.parent, {path.name: content})
    except OutputError as error:
        reason = error.message.rsplit(": ", 1)[-1]
        raise OutputError(
            f"cannot write {path}: {reason}",
            f"check that the folder of the -o file ({path.parent}) exists and is writable",
        ) from None


def remove_files(out_dir: Path, names: list[str]) -> list[str]:
    """Delete the named files if they exist; return the names of those deleted."""
    removed = []
    for name in names:
        refuse_links(out_dir, name)
        try:
            (out_dir / name).unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise OutputError(f"cannot remove {out_dir / name}: {error.strerror}") from None
        removed.append(name)
    return removed


_STAGING_SUFFIX = ".asean-timeline-staging"
#: Makes output files one at a time: (path in the output folder, bytes) pairs.
Producer = Callable[[], Iterable[tuple[str, bytes]]]


def publish_tree(
    out_dir: Path, files: Mapping[str, bytes], obsolete: list[str], *, wait: float = 0.0
) -> tuple[list[str], list[str]]:
    """:func:`publish` for files already in memory."""
    return publish(out_dir, [lambda: files.items()], obsolete, wait=wait)


def publish(
    out_dir: Path,
    producers: Sequence[Producer],
    obsolete: list[str],
    *,
    costs: Sequence[float] | None = None,
    processes: int = 1,
    wait: float = 0.0,
) -> tuple[list[str], list[str]]:
    """Bring ``out_dir`` to its new state all at once; return (written, removed) names.

    The folder's lock is held throughout (see :func:`holding`; ``wait`` is how
    long to wait for another render). The new state is built in a staging
    folder beside ``out_dir``: every file already there is hard-linked in (so
    files render did not create stay, with their content), then each produced
    file that differs from the one on disk is written there as soon as it is
    made (so no more than one output need be in memory), obsolete ones are left
    out. With ``processes`` > 1 the
    producers run in that many processes (see :mod:`workers`; ``costs`` share
    them out). Then the two folders are exchanged in one atomic step (Linux
    ``renameat2``), so a reader or a crash sees the whole old folder or the
    whole new one. Where the exchange is not available (another system, a
    mount point, a folder holding the working directory), each written file is
    renamed into place from a staging folder inside ``out_dir`` instead (each
    file is then whole, but the set may mix old and new after a crash).
    Nothing is written when nothing changed. A symbolic link on the path of a
    file to write or remove is refused (:class:`OutputError`), never followed.
    """
    with holding(out_dir, wait) as folder:
        return _publish(folder, producers, obsolete, costs, processes)


def _publish(
    out_dir: Path,
    producers: Sequence[Producer],
    obsolete: list[str],
    costs: Sequence[float] | None,
    processes: int,
) -> tuple[list[str], list[str]]:
    from asean_timeline import workers

    for name in obsolete:
        refuse_links(out_dir, name)
    removed = [name for name in obsolete if _is_regular(out_dir / name)]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise OutputError(
                f"{out_dir} is read-only",
                "make it writable (chmod u+w), or render into another --out folder",
            )
        _remove_leftover_staging(out_dir)
        staging, beside = None, _may_exchange(out_dir)
        if beside:
            try:
                staging = _staging_folder(out_dir.parent, out_dir.name)
            except OSError:  # a folder we may write in but not beside: replace file by file
                beside = False
        if staging is None:
            staging = _staging_folder(out_dir, "")
    except OSError as error:
        raise OutputError(f"cannot write {error.filename or out_dir}: {error.strerror}") from None
    try:
        if beside:
            _mirror(out_dir, staging, skip=set(removed))
        stagers = [partial(_stage, producer, out_dir, staging) for producer in producers]
        shares = workers.run(stagers, costs or [1.0] * len(stagers), processes)
        changed = [name for names in shares for name in names]
        if not changed and not removed:
            return [], []
        _flush(staging, changed)
        if beside:
            staging.chmod(out_dir.stat().st_mode & 0o7777)
        if not (beside and _exchange(staging, out_dir)):
            if beside:  # refused (EBUSY: a bind mount), and renames across mounts fail too
                staging = _restage_inside(out_dir, staging, changed)
            for name in changed:
                (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).replace(out_dir / name)
            removed = remove_files(out_dir, removed)
    except OSError as error:
        raise OutputError(f"cannot write {error.filename or out_dir}: {error.strerror}") from None
    finally:
        # The staging folder, or after the exchange the old dist/, goes in every case
        # (an exception from an exporter included): out_dir is the old or the new one.
        _remove_tree(staging)
    return changed, removed


def _restage_inside(out_dir: Path, staging: Path, names: list[str]) -> Path:
    """Copy the staged files into a staging folder inside ``out_dir``; remove the old one."""
    inside = _staging_folder(out_dir, "")
    try:
        for name in names:
            (inside / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / name, inside / name)
            (inside / name).chmod(0o644)
        _flush(inside, names)
    except BaseException:
        _remove_tree(inside)
        raise
    finally:
        _remove_tree(staging)
    return inside


def refuse_links(out_dir: Path, name: str) -> None:
    """Raise :class:`OutputError` if ``out_dir / name``, or a folder on the way, is a link."""
    path = out_dir
    for part in Path(name).parts:
        path = path / part
        try:
            is_link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:  # missing (or unreadable): nothing below it exists either
            return
        if is_link:
            raise OutputError(
                f"{path} is a symbolic link (to {path.readlink()}); render writes only inside "
                f"{out_dir} and never through a link",
                "replace the link with a real folder or file (or remove it), then render again",
            )


def _may_exchange(out_dir: Path) -> bool:
    """Whether the whole folder may be exchanged: on Linux, not a mount point nor the cwd.

    A mount point cannot be renamed (EBUSY). A shell whose working directory is
    in the folder would be left in the old, deleted one.
    """
    if sys.platform != "linux" or os.path.ismount(out_dir):
        return False
    try:
        here = Path.cwd().resolve()
    except OSError:  # the working directory was deleted
        return True
    return not (here == out_dir or out_dir in here.parents)


def _remove_tree(folder: Path) -> None:
    """Delete ``folder`` and all in it, making its folders writable first (a copied mode)."""
    for parent, _, _ in os.walk(folder):
        with contextlib.suppress(OSError):
            Path(parent).chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def find_stale(
    out_dir: Path,
    producers: Sequence[Producer],
    *,
    costs: Sequence[float] | None = None,
    processes: int = 1,
) -> list[str]:
    """Names of the produced files whose content on disk differs (or is missing); no writes."""
    from asean_timeline import workers

    checkers = [partial(_stale, producer, out_dir) for producer in producers]
    shares = workers.run(checkers, costs or [1.0] * len(checkers), processes)
    return [name for names in shares for name in names]


def _stale(producer: Producer, out_dir: Path) -> list[str]:
    return [name for name, content in producer() if not _on_disk(out_dir / name, content)]


def _stage(producer: Producer, out_dir: Path, staging: Path) -> list[str]:
    """Write each produced file that differs from ``out_dir``'s into ``staging``."""
    written = []
    for name, content in producer():
        refuse_links(out_dir, name)
        if _on_disk(out_dir / name, content):
            continue
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a link to the old file: never write through it
        target.write_bytes(content)  # made durable all at once by _flush (before publishing)
        target.chmod(0o644)
        written.append(name)
    return written


def _flush(staging: Path, names: list[str]) -> None:
    """Make the files written into ``staging`` durable before they are published.

    On Linux one ``syncfs`` flushes the whole file system at once, far cheaper than
    an ``fsync`` per file (24 files for the shipped timeline, 49 at 10,000 events);
    elsewhere each file is synced.
    """
    if sys.platform == "linux":
        try:
            syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        except (OSError, AttributeError):
            syncfs = None
        if syncfs is not None:
            descriptor = os.open(staging, os.O_RDONLY)
            try:
                if syncfs(descriptor) == 0:
                    return
            finally:
                os.close(descriptor)
    for name in names:
        descriptor = os.open(staging / name, os.O_RDWR)  # Windows syncs writable handles only
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _on_disk(path: Path, content: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``content`` (its size checked first).

    A link, a device or a pipe never is (so nothing is read through one).
    """
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _mirror(source: Path, target: Path, skip: set[str]) -> None:
    """Recreate ``source``'s tree in ``target`` with hard links (copies where linking fails)."""
    for folder, subfolders, names in os.walk(source):
        relative = Path(folder).relative_to(source)
        for sub in subfolders:
            if (Path(folder) / sub).is_symlink():  # os.walk does not descend into these
                (target / relative / sub).symlink_to((Path(folder) / sub).readlink())
            else:
                (target / relative / sub).mkdir(exist_ok=True)
        for name in names:
            rel = (relative / name).as_posix()
            if rel in skip:
                continue
            origin = Path(folder) / name
            if origin.is_symlink():
                (target / rel).symlink_to(origin.readlink())
                continue
            try:
                os.link(origin, target / rel)
            except OSError:
                if not _is_regular(origin):  # a pipe or device: copying it would read it
                    raise
                shutil.copy2(origin, target / rel)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    error = _rename_exchange(renameat2, first, second)
    if error == 0:
        return True
    # EBUSY: one of them is a mount point the check before missed (a bind mount).
    if error in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP, errno.EBUSY):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _rename_exchange(renameat2: Any, first: Path, second: Path) -> int:
    """Call ``renameat2(RENAME_EXCHANGE)``; 0 or the errno (tests replace this to fail)."""
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return 0 if result == 0 else int(ctypes.get_errno())


def _staging_folder(parent: Path, name: str) -> Path:
    """A new, empty, private folder in ``parent`` (tempfile's mkdtemp, without loading it)."""
    for attempt in itertools.count():
        folder = parent / f".{name}.{os.getpid()}-{attempt}{_STAGING_SUFFIX}"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # left by a killed render of the same pid, or in use
            continue
        return folder
    raise AssertionError("unreachable")  # pragma: no cover - count() never ends


def _remove_leftover_staging(out_dir: Path) -> None:
    """Remove the staging folders of renders that died (the caller holds the lock).

    A staging folder is named after its render's process id; it is removed only
    when that process no longer exists (or is this one: an earlier process that
    had the same id), so a render that is alive (paused, say, or of an older
    version that took no lock) keeps its folder.
    """
    for pattern, parent in ((f".{out_dir.name}.*", out_dir.parent), (".*", out_dir)):
        for leftover in parent.glob(pattern + _STAGING_SUFFIX):
            if leftover.is_dir() and not leftover.is_symlink() and _owner_dead(leftover.name):
                _remove_tree(leftover)


def _owner_dead(staging_name: str) -> bool:
    """Whether the process that made the staging folder ``staging_name`` has ended."""
    owner = staging_name.removesuffix(_STAGING_SUFFIX).rsplit(".", 1)[-1].split("-")[0]
    if not owner.isdigit():
        return False
    pid = int(owner)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, under another user
        return False
    return False
