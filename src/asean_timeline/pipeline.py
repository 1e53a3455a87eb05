"""The one-way pipeline: file → document → validated timeline → output bytes.

Everything here returns values or raises :class:`InvalidInputError`; only the
CLI prints or exits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from asean_timeline.exporters import FORMATS
from asean_timeline.load import read_document
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity
from asean_timeline.validate import Checked, validate

if TYPE_CHECKING:
    from asean_timeline.revisions import Revision, State

# Revisions (orjson, hashlib), the exporters and selection are imported by the functions
# that use them, so `validate` loads only what validation needs (start-up time).

#: The files render may delete when they become obsolete (see :func:`obsolete_files`).
SUBCALENDAR_PATH = re.compile(r"^calendars/(?:countries/[A-Z]{2}|tags/[a-z0-9-]+|[a-z0-9-]+)\.ics$")


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


def read_state(path: Path) -> State:
    """What the previous render left (revisions, files), or nothing if ``path`` is absent."""
    from asean_timeline.revisions import State, StateError, loads_state

    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return State({})  # a first render; an unusable folder is reported when writing
    except OSError as error:
        raise _state_problem(path, error.strerror or str(error)) from None
    try:
        return loads_state(raw)
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
    previous: Mapping[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = FORMATS,
    *,
    subcalendars: bool = True,
) -> dict[str, bytes]:
    """Path in the output folder → bytes, for every output. Pure: no I/O.

    That is each format in ``formats``; with ``subcalendars``, a calendar per
    named query, country and tag under ``calendars/`` and the subscription page
    ``README.md``; and always ``revisions.json``, which lists them all.
    """
    from asean_timeline import revisions as revisions_module
    from asean_timeline.exporters import exporter, ics, subscribe
    from asean_timeline.revisions import STATE_FILENAME
    from asean_timeline.selection import EventIndex, all_subcalendars, sub_timeline

    current = revisions_module.update(timeline, previous, revision_time)
    files: dict[str, bytes] = {}
    for name in formats:
        output = exporter(name)
        files[output.filename] = output.render(timeline, current, output.filename)
    if "html" in formats:
        from asean_timeline.exporters import html

        files[html.EMBED_FILENAME] = html.embed_js()  # the widget the page's snippet loads
    if subcalendars:
        blocks: dict[str, str] = {}  # each VEVENT is formatted once, whatever it is in
        listed = [subscribe.Listed(ics.FILENAME, "All events", len(timeline.events))]
        index = EventIndex(timeline)
        for calendar in all_subcalendars(timeline):
            selected = sub_timeline(timeline, calendar, index)
            path = f"{calendar.path}.ics"
            files[path] = ics.render(selected, current, path, blocks)
            listed.append(subscribe.Listed(path, calendar.title, len(selected.events)))
        files[subscribe.FILENAME] = subscribe.render(timeline, listed)
    files[STATE_FILENAME] = revisions_module.dumps(current, files)
    return files


def obsolete_files(previous: State, files: Mapping[str, bytes]) -> list[str]:
    """Sub-calendars an earlier render wrote that this one no longer produces.

    Only paths of the shape render itself writes under ``calendars/`` qualify,
    so a hand-edited revisions.json can never make render delete anything else.
    """
    return sorted(
        name for name in previous.files if name not in files and SUBCALENDAR_PATH.match(name)
    )
