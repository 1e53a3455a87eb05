"""Document → :class:`~asean_timeline.model.Timeline`, collecting every problem.

Each check appends a :class:`Problem` and carries on, so one run reports all
that is wrong with the file, in line order. Only a document with no errors
becomes a model. Every message names what is wrong in words a non-programmer
can act on, and its hint says what to write instead (with the value they meant
when it can be guessed).

This package's public API is here: :func:`validate`, :func:`load_timeline` (read a file
and validate it), :class:`Checked`, :func:`slugify`, :func:`parse_duration` and the
format's keys, patterns and limits. Its modules, one responsibility each, share plain
(public) names among themselves; nothing outside this package imports them:
``document`` (the whole document, ``[calendar]``, events, sources), ``reporting`` (the
problems found so far, each on its line), ``fields`` (typed access to a table's keys),
``characters`` (what text and web addresses may contain), ``dates`` (an event's date
keys → its date shape), ``times`` (a time of day: zone, daylight saving, end, duration),
``recurrence`` (``rrule`` and ``exdates``, given what ``dates`` read), ``calendars``
(``[[calendars]]``), ``constants`` (keys, patterns, limits), ``parsing`` (the text forms
of dates and durations), ``messages`` (how values are shown in messages) and ``hints``
(guesses at what was meant).

Each check words its problem, and its fix, where it finds it: the hint is passed with
the message to :meth:`~asean_timeline.validate.fields.Getter.fail`, never added later.
``hints`` only holds the guessing functions those hints call ("did you mean …",
a slug, the TOML for a date written another way); they run only for a problem and
import ``difflib`` and ``unicodedata`` themselves, so validating a valid file loads
neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asean_timeline.load import Document, read_document
from asean_timeline.problems import InvalidInputError
from asean_timeline.validate.constants import (
    CALENDAR_KEYS,
    DEFAULT_CHANGES_LIMIT,
    DOMAIN_PATTERN,
    DURATION_PATTERN,
    EVENT_KEYS,
    FREQUENCIES,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    MAX_CHANGES_LIMIT,
    MAX_DOMAIN_LENGTH,
    MAX_EVENTS,
    MAX_LANGUAGE_LENGTH,
    MAX_LENGTH,
    MAX_OCCURRENCES,
    MAX_TIMED_YEAR,
    MAX_YEAR,
    MIN_TIMED_YEAR,
    MIN_YEAR,
    PARTIAL_DATE,
    RRULE_PARTS,
    SOURCE_KEYS,
    TAG_PATTERN,
)
from asean_timeline.validate.document import Checked, Validator
from asean_timeline.validate.hints import slugify
from asean_timeline.validate.parsing import parse_duration

if TYPE_CHECKING:
    from pathlib import Path

    from asean_timeline.model import Timeline
    from asean_timeline.problems import Problem

__all__ = [
    "CALENDAR_KEYS",
    "DEFAULT_CHANGES_LIMIT",
    "DOMAIN_PATTERN",
    "DURATION_PATTERN",
    "EVENT_KEYS",
    "FREQUENCIES",
    "ID_PATTERN",
    "LANGUAGE_PATTERN",
    "MAX_CHANGES_LIMIT",
    "MAX_DOMAIN_LENGTH",
    "MAX_EVENTS",
    "MAX_LANGUAGE_LENGTH",
    "MAX_LENGTH",
    "MAX_OCCURRENCES",
    "MAX_TIMED_YEAR",
    "MAX_YEAR",
    "MIN_TIMED_YEAR",
    "MIN_YEAR",
    "PARTIAL_DATE",
    "RRULE_PARTS",
    "SOURCE_KEYS",
    "TAG_PATTERN",
    "Checked",
    "load_timeline",
    "parse_duration",
    "slugify",
    "validate",
]


def validate(document: Document) -> Checked:
    """Check ``document`` and build the timeline; every problem is returned, none raised."""
    return Validator(document).run()


def load_timeline(path: Path, *, strict: bool = False) -> tuple[Timeline, tuple[Problem, ...]]:
    """Read and validate ``path``: the timeline and its warnings.

    Raise :class:`InvalidInputError` with every problem if the file is unusable or
    invalid; with ``strict``, warnings count as errors.
    """
    checked = validate(read_document(path))
    failing = checked.problems if strict else checked.errors
    if failing or checked.timeline is None:
        raise InvalidInputError(list(checked.problems))
    return checked.timeline, checked.warnings
