"""A :class:`~asean_timeline.changes.TimelineDiff` as text for people, Markdown or JSON.

Pure: each function returns the whole report as a string; the ``diff`` command prints
it. The Markdown is meant to be posted as a pull-request comment, so every piece of
text from ``events.toml`` goes through the Markdown exporter's escape. The JSON
schema is documented in the README ("Reviewing changes: diff").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

from asean_timeline.changes import ChangeKind, EventChange, FieldChange, TimelineDiff, words

FORMATS = ("human", "markdown", "json")
#: Version of the JSON document (its ``format`` key); raised on incompatible changes.
JSON_FORMAT = 1
_ORDER = (ChangeKind.ADDED, ChangeKind.CHANGED, ChangeKind.CANCELLED, ChangeKind.REMOVED)
_HEADINGS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.CHANGED: "Changed",
    ChangeKind.CANCELLED: "Cancelled",
    ChangeKind.REMOVED: "Removed",
}
_MARKS = {ChangeKind.ADDED: "+", ChangeKind.CHANGED: "~", ChangeKind.CANCELLED: "×"}


def summary(diff: TimelineDiff) -> str:
    """``2 added, 1 changed, 1 removed`` (only the kinds that occur), or ``no changes``."""
    parts = [f"{diff.count(kind)} {kind.value}" for kind in _ORDER if diff.count(kind)]
    if diff.calendar:
        parts.append("[calendar] changed")
    if diff.calendars:
        count = len(diff.calendars)
        parts.append(f"{count} named calendar{'s' * (count != 1)} changed")
    return ", ".join(parts) or "no changes"


def _grouped(diff: TimelineDiff) -> Iterator[tuple[ChangeKind, list[EventChange]]]:
    """The event changes by kind, in report order; kinds without a change are left out."""
    for kind in _ORDER:
        changes = [change for change in diff.events if change.kind is kind]
        if changes:
            yield kind, changes


def human(diff: TimelineDiff, old: str, new: str) -> str:
    """The report for a terminal."""
    return "\n".join(_human_lines(diff, old, new)) + "\n"


def _human_lines(diff: TimelineDiff, old: str, new: str) -> Iterator[str]:
    yield f"{old} → {new}: {summary(diff)}"
    if diff.calendar:
        yield ""
        yield "[calendar]"
        for field in diff.calendar:
            yield f"  {words(field)}"
    if diff.calendars:
        yield ""
        yield "[[calendars]]"
        for calendar in diff.calendars:
            yield f"  {calendar.kind.value} {calendar.id}"
            for field in calendar.fields:
                yield f"      {words(field)}"
    for kind, changes in _grouped(diff):
        yield ""
        yield f"{_HEADINGS[kind]} ({len(changes)})"
        for change in changes:
            yield f"  {_MARKS.get(kind, '−')} {change.when}  {change.title} ({change.id})"
            for field in change.fields:
                yield f"      {words(field)}"


def markdown(diff: TimelineDiff, old: str, new: str) -> str:
    """The report as GitHub-flavoured Markdown, ready for a pull-request comment."""
    return "\n".join(_markdown_lines(diff, old, new)) + "\n"


def _markdown_lines(diff: TimelineDiff, old: str, new: str) -> Iterator[str]:
    # The Markdown exporter's escape; imported here, as the other reports do not need it.
    from asean_timeline.exporters.mdtext import escape

    yield f"### Timeline changes: {escape(summary(diff))}"
    yield ""
    yield f"Comparing {escape(old)} with {escape(new)}."
    if diff.calendar:
        yield ""
        yield "#### \\[calendar\\]"
        yield ""
        for field in diff.calendar:
            yield f"- {words(field, escape)}"
    if diff.calendars:
        yield ""
        yield "#### Named calendars"
        yield ""
        for calendar in diff.calendars:
            yield f"- {calendar.kind.value} `{calendar.id}`"
            for field in calendar.fields:
                yield f"  - {words(field, escape)}"
    for kind, changes in _grouped(diff):
        yield ""
        yield f"#### {_HEADINGS[kind]} ({len(changes)})"
        yield ""
        for change in changes:
            yield from _markdown_event(change, escape)


def _markdown_event(change: EventChange, quote: Callable[[str], str]) -> Iterator[str]:
    # Event ids are validated slugs, safe in a code span; dates are our own words.
    yield f"- **{change.when}** — {quote(change.title)} (`{change.id}`)"
    for field in change.fields:
        yield f"  - {words(field, quote)}"


def as_json(diff: TimelineDiff, old: str, new: str) -> str:
    """The report as one JSON document (schema in the README)."""
    document = {
        "format": JSON_FORMAT,
        "old": old,
        "new": new,
        "summary": {kind.value: diff.count(kind) for kind in _ORDER},
        "calendar": [_field(change) for change in diff.calendar],
        "calendars": [
            {
                "kind": calendar.kind.value,
                "id": calendar.id,
                "fields": [_field(change) for change in calendar.fields],
            }
            for calendar in diff.calendars
        ],
        "events": [_event(change) for change in diff.events],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def _field(change: FieldChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "before": change.before,
        "after": change.after,
        "added": list(change.added),
        "removed": list(change.removed),
        "words": words(change),
    }


def _event(change: EventChange) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "id": change.id,
        "title": change.title,
        "when": change.when,
        "fields": [_field(field) for field in change.fields],
        "before": change.before,
        "after": change.after,
    }


RENDERERS: dict[str, Callable[[TimelineDiff, str, str], str]] = {
    "human": human,
    "markdown": markdown,
    "json": as_json,
}
