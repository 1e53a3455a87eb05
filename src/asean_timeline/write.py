"""Writing outputs: every file atomically, unchanged files untouched."""

from __future__ import annotations

import os
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
