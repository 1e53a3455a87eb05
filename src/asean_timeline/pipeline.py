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

from asean_timeline.exporters import NAMES
from asean_timeline.includes import load_sources as load_sources  # re-exported: read + validate
from asean_timeline.includes import load_timeline as load_timeline  # (with the included files)
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity

if TYPE_CHECKING:
    from asean_timeline.exporters import Format
    from asean_timeline.present import RenderContext
    from asean_timeline.revisions import Revision, State

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


def plan_outputs(
    timeline: Timeline,
    previous: Mapping[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = NAMES,
    *,
    subcalendars: bool = True,
) -> list[OutputGroup]:
    """Every output of a render, as groups of files still to be made. Pure: no I/O.

    That is each format in ``formats`` (a group each); with ``subcalendars``, a
    calendar per named query, country and tag under ``calendars/`` and the
    subscription page ``README.md``; and always ``revisions.json``, which lists
    them all. The sub-calendars join the group of the calendar format when it
    is chosen, so each VEVENT is formatted once.

    The values the outputs share (the presentation of each event, the catalogue
    of sub-calendars) are built here, before any group is made: worker
    processes forked afterwards find them in memory.
    """
    from asean_timeline import revisions as revisions_module
    from asean_timeline.exporters import CALENDAR, STATE_COST, SUBCALENDARS_COST, get, of_kind
    from asean_timeline.present import Presentation, RenderContext
    from asean_timeline.revisions import STATE_FILENAME

    presentation = Presentation(timeline)
    # Every output but revisions.json reads every event's presentation: built here, once,
    # rather than once in each worker process after the fork.
    current = revisions_module.update(
        timeline, previous, revision_time, lambda event: presentation.of(event).record
    )
    context = RenderContext(timeline, current, presentation)
    count = max(len(timeline.events), 1)
    chosen = [get(name) for name in formats]
    groups = []
    for output in chosen:
        groups.append(
            OutputGroup(output.paths, output.cost * count, partial(output.render, context))
        )
    if subcalendars:
        context.catalogue  # noqa: B018 - selected once, here, before any fork
        (calendar_format,) = of_kind(CALENDAR)
        calendars = _subcalendar_group(context, calendar_format, SUBCALENDARS_COST * count)
        host = next((i for i, chose in enumerate(chosen) if chose == calendar_format), None)
        if host is None:
            groups.append(calendars)
        else:  # one group, one process: the sub-calendars reuse its VEVENTs
            groups[host] = _joined(groups[host], calendars)
    listed = sorted(path for group in groups for path in group.paths)
    groups.append(
        OutputGroup(
            (STATE_FILENAME,),
            STATE_COST * count,
            lambda: iter([(STATE_FILENAME, revisions_module.dumps(current, listed))]),
        )
    )
    return groups


def build_outputs(
    timeline: Timeline,
    previous: Mapping[str, Revision],
    revision_time: datetime,
    formats: Iterable[str] = NAMES,
    *,
    subcalendars: bool = True,
) -> dict[str, bytes]:
    """Path in the output folder → bytes, for every output of :func:`plan_outputs`."""
    groups = plan_outputs(timeline, previous, revision_time, formats, subcalendars=subcalendars)
    return {path: data for group in groups for path, data in group.make()}


def _joined(first: OutputGroup, second: OutputGroup) -> OutputGroup:
    def make() -> Iterator[tuple[str, bytes]]:
        yield from first.make()
        yield from second.make()

    return OutputGroup(first.paths + second.paths, first.cost + second.cost, make)


def _subcalendar_group(context: RenderContext, calendar_format: Format, cost: float) -> OutputGroup:
    """The catalogue's calendars under calendars/, made by the calendar format's module,
    then the subscription page README.md."""
    from asean_timeline.exporters import subscribe

    calendar = calendar_format.load().calendar
    listed = context.catalogue.calendars
    paths = (*(calendar.path for calendar in listed), subscribe.FILENAME)

    def make() -> Iterator[tuple[str, bytes]]:
        for selected in listed:
            yield selected.path, calendar(context.selected(selected.timeline), selected.path)
        yield subscribe.FILENAME, subscribe.render(context)

    return OutputGroup(paths, cost, make)


def obsolete_files(previous: State, files: Collection[str]) -> list[str]:
    """Sub-calendars an earlier render wrote that this one no longer produces.

    Only paths of the shape render itself writes under ``calendars/`` qualify,
    so a hand-edited revisions.json can never make render delete anything else.
    """
    return sorted(
        name for name in previous.files if name not in files and SUBCALENDAR_PATH.match(name)
    )
