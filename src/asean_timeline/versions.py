"""Versions of a timeline to compare: a file as it is now, or as it was at a git revision.

A :class:`Version` reads the bytes of a path as that version holds it; the timeline is
then parsed and validated from those bytes exactly as ``validate`` reads a file (nothing
is written to disk). Problems in an old revision name it: ``HEAD~1:events.toml:12``.
When timelines can include other files, each included path is read through the same
version, so every file comes from the same revision.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from asean_timeline.inputfile import MAX_INPUT_BYTES
from asean_timeline.load import parse_document
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem

if TYPE_CHECKING:
    from asean_timeline.problems import Problem as ProblemType
    from asean_timeline.validate import Checked

#: git gets this long to answer before the diff gives up (a huge or remote repository).
GIT_TIMEOUT_SECONDS = 60


@dataclass(frozen=True, slots=True)
class WorkingTree:
    """The files as they are on disk."""

    def label(self, path: Path) -> str:
        return str(path)

    def load(self, path: Path) -> tuple[Timeline, tuple[ProblemType, ...]]:
        from asean_timeline.includes import load_timeline

        return load_timeline(path)


@dataclass(frozen=True, slots=True)
class GitRevision:
    """The files as committed at ``revision`` (anything ``git rev-parse`` accepts)."""

    revision: str

    def label(self, path: Path) -> str:
        return f"{self.revision}:{path}"

    def read(self, path: Path) -> bytes:
        """The bytes of ``path`` at this revision; raise :class:`InvalidInputError` if
        git is missing, the folder is not a repository, or the file is not there."""
        # "REV:./name" is relative to the folder git runs in, wherever the repository root is.
        raw = self._git(path, "show", f"{self.revision}:./{path.name}")
        if len(raw) > MAX_INPUT_BYTES:
            raise _fail(self.label(path), f"the file is larger than {MAX_INPUT_BYTES:,} bytes")
        return raw

    def load(self, path: Path) -> tuple[Timeline, tuple[ProblemType, ...]]:
        """The timeline in ``path`` at this revision, validated.

        A timeline that includes other files (``[calendar] include``) is loaded from a
        temporary copy of every ``.toml`` file of its folder at this revision, so each
        included file comes from the same revision; problems name ``REV:path``.
        """
        from asean_timeline.validate import validate

        document = parse_document(self.read(path), self.label(path))
        calendar = document.data.get("calendar")
        if not (isinstance(calendar, dict) and "include" in calendar):
            return _checked(validate(document))
        import tempfile

        from asean_timeline.includes import load_timeline

        with tempfile.TemporaryDirectory(prefix="asean-timeline-") as folder:
            self.copy_folder(path, Path(folder))
            copy = Path(folder) / path.name
            try:
                return load_timeline(copy)
            except InvalidInputError as error:
                base = "" if str(path.parent) == "." else f"{path.parent}/"
                prefix = f"{self.revision}:{base}"
                problems = [
                    replace(p, file=_relabel(p.file, folder, prefix)) for p in error.problems
                ]
                raise InvalidInputError(problems) from None

    def copy_folder(self, path: Path, into: Path) -> list[str]:
        """Write every ``.toml`` file of ``path``'s folder (and below), as at this
        revision, into ``into`` under the same relative names; return the names."""
        listing = self._git(path, "ls-tree", "-r", "-z", "--name-only", self.revision)
        names = [n for n in listing.decode("utf-8").split("\0") if n.endswith(".toml")]
        request = "".join(f"{self.revision}:./{name}\n" for name in names).encode("utf-8")
        answer = self._git(path, "cat-file", "--batch", stdin=request)
        offset = 0
        for name in names:
            header_end = answer.index(b"\n", offset)
            size = int(answer[offset:header_end].split()[2])
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(answer[header_end + 1 : header_end + 1 + size])
            offset = header_end + 1 + size + 1  # the content, then a newline
        return names

    def _git(self, path: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
        """Run git in ``path``'s folder; its output, or :class:`InvalidInputError`."""
        name = self.label(path)
        if self.revision.startswith("-"):  # git would read it as an option
            raise _fail(name, f"{self.revision!r} is not a revision", "write e.g. HEAD~1 or main")
        command = ["git", "-C", str(path.parent), *arguments]
        try:
            done = subprocess.run(
                command, input=stdin, capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False
            )
        except FileNotFoundError:
            raise _fail(name, "git is not installed", "install git, or compare two files") from None
        except subprocess.TimeoutExpired:
            raise _fail(name, f"git did not answer within {GIT_TIMEOUT_SECONDS} s") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            if detail and _NOT_IN_REVISION.search(detail[-1]):
                message = f"the file does not exist at revision {self.revision!r}"
                hint = "check the path (relative to where you run diff) and the revision"
                raise NotAtRevisionError([Problem(message, file=name, hint=hint)])
            raise _fail(
                name,
                f"cannot read the file at revision {self.revision!r}"
                + (f" ({detail[-1]})" if detail else ""),
                "check the revision (e.g. HEAD~1, main, origin/main) and that the file "
                "was committed there; in CI fetch the history (actions/checkout "
                "with fetch-depth: 0)",
            )
        return done.stdout


class NotAtRevisionError(InvalidInputError):
    """The revision exists but does not hold the file (the change being compared adds it)."""


#: How git says a revision lacks a path (`git show REV:path`).
_NOT_IN_REVISION = re.compile(r"does not exist in|exists on disk, but not in")


def load_pair(
    old: tuple[Version, Path], new: tuple[Version, Path]
) -> tuple[tuple[Timeline, str], tuple[Timeline, str]]:
    """Both versions' timelines with their labels (``HEAD~1:events.toml``).

    A file that does not exist at the old revision (the change adds it) is compared as
    a timeline with the new one's calendar and no events, labelled ``(no file)``.
    """
    (old_version, old_path), (new_version, new_path) = old, new
    old_label, new_label = old_version.label(old_path), new_version.label(new_path)
    try:
        before, _ = old_version.load(old_path)
    except NotAtRevisionError:
        after, _ = new_version.load(new_path)
        return (Timeline(after.calendar, ()), f"{old_label} (no file)"), (after, new_label)
    after, _ = new_version.load(new_path)
    return (before, old_label), (after, new_label)


def _relabel(file: str, folder: str, prefix: str) -> str:
    """A problem's file in the temporary copy, named as it is at the revision."""
    root = folder.rstrip("/") + "/"
    return prefix + file[len(root) :] if file.startswith(root) else file


Version = WorkingTree | GitRevision


def _checked(checked: Checked) -> tuple[Timeline, tuple[ProblemType, ...]]:
    if checked.errors or checked.timeline is None:
        raise InvalidInputError(list(checked.problems))
    return checked.timeline, checked.warnings


def parse_revisions(spec: str) -> tuple[Version, Version]:
    """``A..B`` → (A, B); ``A`` → (A, the working tree). As in git, an empty side of
    ``..`` means ``HEAD``."""
    old, dots, new = spec.partition("..")
    if not dots:
        return GitRevision(spec), WorkingTree()
    return GitRevision(old or "HEAD"), GitRevision(new or "HEAD")


def _fail(name: str, message: str, hint: str | None = None) -> InvalidInputError:
    return InvalidInputError([Problem(message, file=name, hint=hint)])
