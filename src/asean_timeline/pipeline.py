"""The one-way pipeline: file → document → validated timeline → output bytes.

Everything here returns values or raises :class:`InvalidInputError`; only the
CLI prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from asean_timeline import revisions as revisions_module
from asean_timeline.exporters import EXPORTERS
from asean_timeline.load import read_document
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity
from asean_timeline.revisions import STATE_FILENAME, Revision, StateError
from asean_timeline.validate import Checked, validate


def check(path: Path) -> Checked:
    """Read and validate ``path``; file and syntax problems raise InvalidInputError."""
    return validate(read_document(path))


def load_timeline(path: Path, *, strict: bool = False) -> tuple[Timeline, tuple[Problem, ...]]:
    """The validated timeline and its warnings; raise with every problem if it is invalid.

    With ``strict``, warnings count as errors.
    """
    checked = check(path)
    failing = checked.problems if strict else checked.errors
    if failing or checked.timeline is None:
        raise InvalidInputError(list(checked.problems))
    return checked.timeline, checked.warnings


def read_revisions(path: Path) -> dict[str, Revision]:
    """Revisions from a previous render, or none if ``path`` does not exist."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}  # a first render; an unusable folder is reported when writing
    except OSError as error:
        raise _state_problem(path, error.strerror or str(error)) from None
    try:
        return revisions_module.loads(raw)
    except StateError as error:
        raise _state_problem(path, f"not a revisions file ({error})") from None


def _state_problem(path: Path, message: str) -> InvalidInputError:
    return InvalidInputError(
        [
            Problem(
                message,
                file=str(path),
                hint="restore it from git, or delete it to restart every event at SEQUENCE 0",
                severity=Severity.ERROR,
            )
        ]
    )


def build_outputs(
    timeline: Timeline,
    previous: dict[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = tuple(EXPORTERS),
) -> dict[str, bytes]:
    """File name → bytes for each format, plus ``revisions.json``. Pure: no I/O."""
    current = revisions_module.update(timeline, previous, revision_time)
    files = {
        EXPORTERS[name].filename: EXPORTERS[name].render(timeline, current) for name in formats
    }
    files[STATE_FILENAME] = revisions_module.dumps(current)
    return files
