"""Recent changes → ``changes.md``: the changes feed as a page to read on GitHub.

The same entries as ``changes.xml`` (:func:`asean_timeline.changelog.recent_changes`),
grouped by the day of the revision (UTC), newest first. Every string from
``events.toml`` goes through the Markdown exporter's escape.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from itertools import groupby

from asean_timeline.changelog import KIND_LABELS, event_link, recent_changes
from asean_timeline.changes import words
from asean_timeline.exporters import get, utf8_lines
from asean_timeline.exporters.mdtext import escape, link
from asean_timeline.model import Timeline
from asean_timeline.present import RenderContext
from asean_timeline.revisions import Revisions
from asean_timeline.wording import day_phrase

FILENAME = get("changes-md").filename
FEED_FILENAME = get("atom").filename


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``changes.md``: UTF-8, LF line ends, one trailing newline; links are relative,
    or to the calendar's url."""
    page = utf8_lines(_lines(context.timeline, context.revisions)).rstrip(b"\n") + b"\n"
    yield FILENAME, page


def _lines(timeline: Timeline, revisions: Revisions) -> Iterator[str]:
    info = timeline.calendar
    entries = recent_changes(revisions, info.changes_limit)
    yield f"# {escape(info.title)}: changes"
    yield ""
    yield (
        f"The last {info.changes_limit} changes to the timeline, newest first. "
        f"Follow them in a feed reader: [Atom feed]({FEED_FILENAME})."
    )
    yield ""
    if not entries:
        yield "No changes yet."
        return
    for day, on_day in groupby(entries, key=lambda entry: entry.updated.astimezone(UTC).date()):
        yield f"## {day_phrase(day)}"
        yield ""
        for entry in on_day:
            change = entry.change
            target = event_link(timeline, entry.event_id)
            yield (
                f"- **{KIND_LABELS[change.kind]}**: {link(change.title, target)} "
                f"— {change.when}"  # our own words and digits, as in timeline.md
            )
            for field in change.fields:
                yield f"  - {words(field, escape)}"
        yield ""
