"""A timeline over several files: ``[calendar] include = ["events/*.toml"]``.

The main file holds ``[calendar]`` (and may hold events); ``include`` lists paths or
globs relative to the main file's folder (``**`` reaches into sub-folders). Each
pattern's files are taken in sorted order, patterns in the order given, a file once.
An included file holds ``[[events]]`` and ``[[calendars]]`` only, and includes nothing
itself, so the only cycle is a pattern that matches the main file.

Each file is validated by :func:`asean_timeline.validate.validate` with the main
file's ``[calendar]`` (so a timed event without ``timezone`` takes the calendar's),
and every problem names the file and line it is in; what spans files (an id used in
two of them, the number of events) is checked here. The result is one
:class:`~asean_timeline.model.Timeline`, the same whichever file an event is in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from asean_timeline.load import Document, read_document
from asean_timeline.model import Timeline
from asean_timeline.problems import InvalidInputError, Problem, Severity

INCLUDE_KEY = "include"
_GLOB = re.compile(r"[*?[]")
#: The tables an included file may hold.
INCLUDED_TABLES = ("events", "calendars")


@dataclass(frozen=True)
class Sources:
    """The documents of one timeline: the main file's, then the included ones in order."""

    main: Document
    main_path: Path
    included: tuple[tuple[Path, Document], ...] = ()
    #: Problems found while reading the include list and the included files.
    problems: tuple[Problem, ...] = ()
    #: The main file's include list as written.
    patterns: tuple[object, ...] = ()

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every document of the timeline, the main file's first."""
        return (self.main, *(document for _, document in self.included))

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file of the timeline, the main file first."""
        return (self.main_path, *(path for path, _ in self.included))


@dataclass(frozen=True)
class Loaded:
    """A validated timeline, its warnings, and the files it was read from."""

    timeline: Timeline
    warnings: tuple[Problem, ...]
    paths: tuple[Path, ...]
    #: The main file's include list (for :func:`source_paths`).
    patterns: tuple[object, ...] = ()


def read_sources(path: Path, display_name: str | None = None) -> Sources:
    """Read the main file and every file it includes (raise only if the main file is unusable).

    Problems with the include list or an included file are collected in
    :attr:`Sources.problems`.
    """
    return sources_of(read_document(path, display_name), path)


def sources_of(
    main: Document, main_path: Path, replaced: dict[Path, Document] | None = None
) -> Sources:
    """The sources of the main ``main`` document; ``replaced`` gives documents to use
    instead of reading some files (a writer checking what it is about to save)."""
    patterns = _patterns(main)
    if patterns is None:
        return Sources(main, main_path)
    problems: list[Problem] = []

    def fail(index: int, message: str, hint: str) -> None:
        line = main.positions.line("calendar", INCLUDE_KEY, index)
        problems.append(Problem(message, file=main.name, line=line, field=INCLUDE_KEY, hint=hint))

    files = _resolve(main_path, patterns, fail)
    included: list[tuple[Path, Document]] = []
    base = Path(main.name).parent
    folder = Path(os.path.normpath(main_path.resolve().parent))
    for file in files:
        name = os.path.normpath(base / os.path.relpath(file, folder))
        document = (replaced or {}).get(file.resolve())
        try:
            if document is None:
                document = read_document(file, name)
        except InvalidInputError as error:
            problems.extend(error.problems)
            continue
        problems.extend(_foreign_tables(document))
        included.append((file, document))
    return Sources(main, main_path, tuple(included), tuple(problems), tuple(patterns))


def load_sources(path: Path, *, strict: bool = False) -> Loaded:
    """Read and validate the timeline of ``path`` and every file it includes.

    Raise :class:`InvalidInputError` with every problem of every file if any is
    invalid; with ``strict``, warnings count as errors.
    """
    sources, timeline, warnings = validated_sources(path, strict=strict)
    return Loaded(timeline, warnings, sources.paths, sources.patterns)


def validated_sources(
    path: Path, *, strict: bool = False
) -> tuple[Sources, Timeline, tuple[Problem, ...]]:
    """:func:`load_sources` that also gives the files as read (for commands that edit
    them or read their text): the sources, the timeline and its warnings."""
    sources = read_sources(path)
    timeline, problems = check_sources(sources)
    failing = problems if strict else [p for p in problems if p.severity is Severity.ERROR]
    if failing or timeline is None:
        raise InvalidInputError(list(problems))
    return sources, timeline, tuple(problems)


def check_sources(sources: Sources) -> tuple[Timeline | None, list[Problem]]:
    """Validate every document of ``sources``: the timeline if there is no error, and every
    problem (the main file's first, then each included file's, each in line order)."""
    from asean_timeline.validate import validate

    if sources.patterns and "events" not in sources.main.data:
        # The events are in the other files: "no events" is said of all of them, below.
        checked = validate(replace(sources.main, data={**sources.main.data, "events": []}))
    else:
        checked = validate(sources.main)
    problems = list(checked.problems)
    if not sources.patterns:
        return checked.timeline, problems
    problems.extend(sources.problems)
    calendar = sources.main.data.get("calendar")
    if not isinstance(calendar, dict):  # reported in the main file; the events still get checked
        calendar = {"title": "-"}
    parts = [checked.timeline]
    for _, document in sources.included:
        alone = validate(_with_calendar(document, calendar))
        # Problems of [calendar] itself are reported once, from the main file: here
        # they have no line, as the included file has no [calendar].
        problems.extend(p for p in alone.problems if p.line is not None or p.event_id)
        parts.append(alone.timeline)
    problems.extend(_across_files(sources))
    # (Not said when a file could not be read: its events may be there.)
    if not sources.problems and not any(_tables(d, "events") for d in sources.documents):
        problems.append(
            Problem(
                "no events in this file or the files it includes",
                file=sources.main.name,
                hint="add at least one [[events]] table (see README)",
                severity=Severity.WARNING,
            )
        )
    if any(p.severity is Severity.ERROR for p in problems) or None in parts:
        return None, problems
    timelines = [part for part in parts if part is not None]
    events = sorted((e for t in timelines for e in t.events), key=lambda e: e.sort_key)
    named = tuple(c for t in timelines for c in t.subcalendars)
    return Timeline(timelines[0].calendar, tuple(events), named), problems


def source_paths(main_path: Path, patterns: Sequence[object]) -> list[Path]:
    """The files of a timeline as they are on disk now: the main file, then what
    ``patterns`` (its include list, as last read) match. For watching; no problems."""
    return [main_path, *_resolve(main_path, patterns, lambda *_: None)]


# -- the include list ------------------------------------------------------------


_Fail = Callable[[int, str, str], None]


def _patterns(main: Document) -> list[Any] | None:
    calendar = main.data.get("calendar")
    if not isinstance(calendar, dict) or INCLUDE_KEY not in calendar:
        return None
    value = calendar[INCLUDE_KEY]
    return value if isinstance(value, list) else [value]


def _resolve(main_path: Path, patterns: Sequence[object], fail: _Fail) -> list[Path]:
    """The included files (as paths from the main file's folder), each problem to ``fail``."""
    folder = main_path.resolve().parent
    root = _repository(folder)
    main_file = main_path.resolve()
    found: dict[Path, Path] = {}  # resolved -> as written from the folder

    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern.strip():
            fail(
                index,
                f"include must be a list of paths or globs, not {pattern!r}",
                'write include = ["events/*.toml"] (paths relative to this file)',
            )
            continue
        if Path(pattern).is_absolute():
            fail(
                index,
                f"include {pattern!r} is an absolute path",
                "write paths relative to the folder of this file, e.g. 'events/*.toml'",
            )
            continue
        magic = _GLOB.search(pattern) is not None
        if magic:
            # As a shell does, a glob does not match hidden files (editors' lock files).
            matches = sorted(
                str(match.relative_to(folder))
                for match in folder.glob(pattern)
                if not match.name.startswith(".") or Path(pattern).name.startswith(".")
            )
            if not matches:
                fail(
                    index,
                    f"include {pattern!r} matches no file",
                    "check the pattern (globs are relative to this file's folder; ** reaches "
                    "sub-folders), or remove it",
                )
        else:
            matches = [pattern]
        for relative in matches:
            candidate = Path(os.path.normpath(folder / relative))
            if not candidate.exists():
                fail(
                    index,
                    f"included file {pattern!r} does not exist",
                    "check the spelling, or create the file",
                )
                continue
            if candidate.is_dir():
                continue
            resolved = candidate.resolve()
            if not resolved.is_relative_to(root):
                fail(
                    index,
                    f"include {pattern!r} reaches {resolved}, outside the repository folder {root}",
                    "keep included files inside the repository",
                )
            elif resolved == main_file:
                fail(
                    index,
                    f"include {pattern!r} {'matches' if magic else 'is'} this file itself: a "
                    "file cannot include itself (an include cycle)",
                    "narrow the pattern, e.g. 'events/*.toml'" if magic else "remove it",
                )
            else:
                found.setdefault(resolved, candidate)
    return list(found.values())


def _repository(folder: Path) -> Path:
    """The repository folder: the nearest folder up from ``folder`` with a .git, else ``folder``."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _foreign_tables(document: Document) -> list[Problem]:
    """An included file's tables other than [[events]] and [[calendars]]."""
    problems = []
    for key in document.data:
        if key in INCLUDED_TABLES:
            continue
        if key == "calendar":
            message = "an included file cannot hold [calendar] (nor include other files)"
            hint = "keep [calendar] in the main file; this file holds [[events]] and [[calendars]]"
        else:
            message = f"unknown top-level key {key!r} in an included file"
            hint = "an included file holds [[events]] and [[calendars]] tables only; remove it"
        problems.append(
            Problem(
                message, file=document.name, line=document.positions.line(key), field=key, hint=hint
            )
        )
    return problems


def _with_calendar(document: Document, calendar: dict[str, Any]) -> Document:
    """An included document as the validator sees it: its tables under the main calendar."""
    data = {key: document.data[key] for key in INCLUDED_TABLES if key in document.data}
    return replace(document, data={**data, "calendar": calendar})


# -- across files ----------------------------------------------------------------


def _across_files(sources: Sources) -> list[Problem]:
    """Ids used in two files, and too many events in all."""
    from asean_timeline.validate import MAX_EVENTS

    documents = sources.documents
    problems: list[Problem] = []
    total = sum(len(_tables(document, "events")) for document in documents)
    if total > MAX_EVENTS:
        problems.append(
            Problem(
                f"the timeline has {total:,} events in all its files; the limit is {MAX_EVENTS:,}",
                file=sources.main.name,
                field="include",
                hint="split it into several timelines",
            )
        )
    for kind, what, noun in (("events", "id", "event"), ("calendars", "calendar id", "calendar")):
        first: dict[str, tuple[Document, int]] = {}
        for document in documents:
            mine: set[str] = set()
            for index, table in enumerate(_tables(document, kind)):
                value = table.get("id") if isinstance(table, dict) else None
                if not isinstance(value, str) or not value.strip():
                    continue
                folded = value.casefold()
                if folded in first and folded not in mine:
                    other, other_index = first[folded]
                    where = f"{other.name}:{other.positions.line(kind, other_index, 'id')}"
                    problems.append(
                        Problem(
                            f"duplicate {what} {value!r}: the {noun} at {where} has it too",
                            file=document.name,
                            line=document.positions.line(kind, index, "id"),
                            event_id=value if kind == "events" else None,
                            field="id",
                            hint="ids must be unique in all the files of a timeline: rename one",
                            event_number=index + 1 if kind == "events" else None,
                        )
                    )
                elif folded not in first:
                    first[folded] = (document, index)
                mine.add(folded)
    return problems


def _tables(document: Document, kind: str) -> Sequence[object]:
    value = document.data.get(kind)
    return value if isinstance(value, list) else ()


def checker_for(sources: Sources, edited: Path) -> Callable[[Document], list[Problem]]:
    """A check for :meth:`asean_timeline.sourcefile.SourceFile.save` of the file ``edited``:
    the whole timeline of ``sources`` is validated with the would-be document of ``edited``
    in its place (the other files are not read again)."""
    resolved = edited.resolve()
    known = {path.resolve(): document for path, document in sources.included}

    def check(document: Document) -> list[Problem]:
        if resolved == sources.main_path.resolve():
            new = sources_of(document, sources.main_path, known)
        elif resolved in known:
            new = sources_of(sources.main, sources.main_path, {**known, resolved: document})
        else:
            return [
                Problem(
                    f"{document.name} is not one of the files of the timeline {sources.main.name}",
                    file=document.name,
                    hint=f"add a path or glob that matches it to include in {sources.main.name}",
                )
            ]
        return check_sources(new)[1]

    return check


def load_timeline(path: Path, *, strict: bool = False) -> tuple[Timeline, tuple[Problem, ...]]:
    """Read and validate the timeline of ``path`` (with its includes): it and its warnings."""
    loaded = load_sources(path, strict=strict)
    return loaded.timeline, loaded.warnings
