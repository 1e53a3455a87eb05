"""The one-way pipeline: file → document → validated timeline → output bytes.

Everything here returns values or raises :class:`InvalidInputError`; only the
CLI prints or exits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from asean_timeline.exporters import FORMATS
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity
from asean_timeline.validate import load_timeline as load_timeline  # re-exported: read + validate

if TYPE_CHECKING:
    from asean_timeline.revisions import Revision, Revisions, State

# Revisions (orjson, hashlib), the exporters and selection are imported by the functions
# that use them, so `validate` loads only what validation needs (start-up time).

#: The files render may delete when they become obsolete (see :func:`obsolete_files`).
SUBCALENDAR_PATH = re.compile(r"^calendars/(?:countries/[A-Z]{2}|tags/[a-z0-9-]+|[a-z0-9-]+)\.ics$")


def read_state(path: Path) -> State:
    """What the previous render left (revisions, files), or nothing if ``path`` is absent."""
    from asean_timeline.inputfile import InputReadError, read_input
    from asean_timeline.revisions import State, StateError, loads_state

    try:
        raw = read_input(path)  # bounded: a link to /dev/zero is refused, not read forever
    except (FileNotFoundError, NotADirectoryError):
        return State({})  # a first render; an unusable folder is reported when writing
    except InputReadError as error:
        raise _state_problem(path, error.message) from None
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


@dataclass(frozen=True)
class OutputGroup:
    """Some of render's output files, made together because they share work.

    ``make`` is pure: it returns (path, bytes) pairs one file at a time, so a
    caller can write each file and let it go before the next is made. ``cost``
    is the group's rough share of the work, for sharing groups between processes.
    """

    paths: tuple[str, ...]
    cost: float
    make: Callable[[], Iterator[tuple[str, bytes]]]


# Relative cost per event of each group, measured with benchmarks/profile.py at 10,000
# events; only their proportions matter (see workers.share).
_COSTS = {"ics": 2.9, "md": 3.3, "json": 3.1, "html": 3.7, "subcalendars": 3.0, "state": 0.6}


def plan_outputs(
    timeline: Timeline,
    previous: Mapping[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = FORMATS,
    *,
    subcalendars: bool = True,
) -> list[OutputGroup]:
    """Every output of a render, as groups of files still to be made. Pure: no I/O.

    That is each format in ``formats``; with ``subcalendars``, a calendar per
    named query, country and tag under ``calendars/`` and the subscription page
    ``README.md``; and always ``revisions.json``, which lists them all. The
    calendars share one group, so each VEVENT is formatted once.
    """
    from asean_timeline import revisions as revisions_module
    from asean_timeline.exporters import exporter
    from asean_timeline.revisions import STATE_FILENAME

    current = revisions_module.update(timeline, previous, revision_time)
    count = max(len(timeline.events), 1)
    formats = tuple(formats)
    groups = []
    calendars = _calendar_group(timeline, current, "ics" in formats, subcalendars)
    if calendars is not None:
        groups.append(calendars)
    for name in formats:
        if name == "ics":
            continue
        output = exporter(name)
        paths: tuple[str, ...] = (output.filename,)
        if name == "html":
            from asean_timeline.exporters import html

            paths += (html.EMBED_FILENAME,)  # the widget the page's snippet loads
        groups.append(
            OutputGroup(
                paths, _COSTS[name] * count, partial(_make_format, name, timeline, current, paths)
            )
        )
    listed = sorted(path for group in groups for path in group.paths)
    groups.append(
        OutputGroup(
            (STATE_FILENAME,),
            _COSTS["state"] * count,
            lambda: iter([(STATE_FILENAME, revisions_module.dumps(current, listed))]),
        )
    )
    return groups


def build_outputs(
    timeline: Timeline,
    previous: Mapping[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = FORMATS,
    *,
    subcalendars: bool = True,
) -> dict[str, bytes]:
    """Path in the output folder → bytes, for every output of :func:`plan_outputs`."""
    groups = plan_outputs(timeline, previous, revision_time, formats, subcalendars=subcalendars)
    return {path: data for group in groups for path, data in group.make()}


def _make_format(
    name: str, timeline: Timeline, current: Revisions, paths: tuple[str, ...]
) -> Iterator[tuple[str, bytes]]:
    from asean_timeline.exporters import exporter

    output = exporter(name)
    yield output.filename, output.render(timeline, current, output.filename)
    if name == "html":
        from asean_timeline.exporters import html

        yield paths[1], html.embed_js()


def _calendar_group(
    timeline: Timeline, current: Revisions, main: bool, subcalendars: bool
) -> OutputGroup | None:
    """events.ics and the sub-calendars with their subscription page, in one group."""
    from asean_timeline.exporters import ics, subscribe
    from asean_timeline.selection import all_subcalendars

    if not main and not subcalendars:
        return None
    chosen = all_subcalendars(timeline) if subcalendars else []
    paths = ([ics.FILENAME] if main else []) + [f"{c.path}.ics" for c in chosen]
    if subcalendars:
        paths.append(subscribe.FILENAME)
    cost = (_COSTS["ics"] if main else 0) + (_COSTS["subcalendars"] if subcalendars else 0)

    def make() -> Iterator[tuple[str, bytes]]:
        from asean_timeline.selection import EventIndex, sub_timeline

        blocks: dict[str, bytes] = {}  # each VEVENT is formatted once, whatever it is in
        if main:
            yield ics.FILENAME, ics.render(timeline, current, ics.FILENAME, blocks)
        if not subcalendars:
            return
        listed = [subscribe.Listed(ics.FILENAME, "All events", len(timeline.events))]
        index = EventIndex(timeline)
        for calendar in chosen:
            selected = sub_timeline(timeline, calendar, index)
            path = f"{calendar.path}.ics"
            yield path, ics.render(selected, current, path, blocks)
            listed.append(subscribe.Listed(path, calendar.title, len(selected.events)))
        yield subscribe.FILENAME, subscribe.render(timeline, listed)

    return OutputGroup(tuple(paths), cost * max(len(timeline.events), 1), make)


def obsolete_files(previous: State, files: Collection[str]) -> list[str]:
    """Sub-calendars an earlier render wrote that this one no longer produces.

    Only paths of the shape render itself writes under ``calendars/`` qualify,
    so a hand-edited revisions.json can never make render delete anything else.
    """
    return sorted(
        name for name in previous.files if name not in files and SUBCALENDAR_PATH.match(name)
    )
