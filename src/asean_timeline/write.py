"""Writing outputs atomically; unchanged files untouched, foreign files kept."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from asean_timeline.problems import OutputError


def stale_files(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Names of the files in ``files`` whose content on disk differs (or is missing)."""
    stale = []
    for name, content in files.items():
        path = out_dir / name
        try:
            if path.read_bytes() == content:
                continue
        except OSError:
            pass
        stale.append(name)
    return stale


def write_files(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write the files that changed; return their names.

    Each file is first written in full to a temporary file in the same folder
    and then renamed over the old one, so a reader (or a crash) sees either the
    old file or the new one, never a mix. All temporary files are written
    before the first rename.
    """
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
            handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
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


def remove_files(out_dir: Path, names: list[str]) -> list[str]:
    """Delete the named files if they exist; return the names of those deleted."""
    removed = []
    for name in names:
        try:
            (out_dir / name).unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise OutputError(f"cannot remove {out_dir / name}: {error.strerror}") from None
        removed.append(name)
    return removed


_STAGING_SUFFIX = ".asean-timeline-staging"


def publish_tree(
    out_dir: Path, files: Mapping[str, bytes], obsolete: list[str]
) -> tuple[list[str], list[str]]:
    """Bring ``out_dir`` to its new state all at once; return (written, removed) names.

    The new state is built in a staging folder beside ``out_dir``: every file
    already there is hard-linked in (so files render did not create stay, with
    their content), changed files are written, obsolete ones left out. Then
    the two folders are exchanged in one atomic step (Linux ``renameat2``), so
    a reader or a crash sees the whole old folder or the whole new one. Where
    the exchange is not available, each file is renamed into place instead
    (each file is then whole, but the set may mix old and new after a crash).
    """
    changed = stale_files(out_dir, files)
    removed = [name for name in obsolete if (out_dir / name).is_file()]
    if not changed and not removed:
        return [], []
    if not out_dir.is_dir():
        return write_files(out_dir, files), []
    _remove_leftover_staging(out_dir)
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=_STAGING_SUFFIX, dir=out_dir.parent)
        )
    except OSError:
        return write_files(out_dir, files), remove_files(out_dir, removed)
    try:
        _mirror(out_dir, staging, skip=set(removed))
        for name in changed:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # a link to the old file: never write through it
            with target.open("wb") as stream:
                stream.write(files[name])
                stream.flush()
                os.fsync(stream.fileno())
            target.chmod(0o644)
        staging.chmod(out_dir.stat().st_mode & 0o7777)
        exchanged = _exchange(staging, out_dir)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        where = error.filename or out_dir
        raise OutputError(f"cannot write {where}: {error.strerror}") from None
    if not exchanged:
        shutil.rmtree(staging, ignore_errors=True)
        return write_files(out_dir, files), remove_files(out_dir, removed)
    shutil.rmtree(staging, ignore_errors=True)  # now the old folder
    return changed, removed


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
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _remove_leftover_staging(out_dir: Path) -> None:
    """Staging folders of a render that was killed are removed by the next one."""
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*{_STAGING_SUFFIX}"):
        shutil.rmtree(leftover, ignore_errors=True)
