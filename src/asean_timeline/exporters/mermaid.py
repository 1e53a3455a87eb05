"""A Mermaid ``timeline`` diagram of the events, for the Markdown output.

GitHub renders fenced ``mermaid`` blocks as diagrams. Mermaid reads ``:`` as
"next event", ``;`` as end of statement and ``#`` as the start of an entity
or comment, so those characters (and anything HTML-like) are written as
Mermaid entity codes (``#58;``), which it displays as the character itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from asean_timeline.model import Status
from asean_timeline.present import RenderContext

#: Above this many events a diagram is too large to read (and for GitHub to draw).
MAX_EVENTS = 150

_ENTITIES = {char: f"#{ord(char)};" for char in ':;#<>&"`{}[]|\\'}


def escape(text: str) -> str:
    """``text`` as literal Mermaid label text on one line."""
    one_line = " ".join(text.split())
    return "".join(_ENTITIES.get(char, char) for char in one_line)


def diagram(context: RenderContext) -> Iterator[str]:
    """The fenced block's lines, or nothing for a timeline too large to draw."""
    timeline = context.timeline
    if not timeline.events or len(timeline.events) > MAX_EVENTS:
        return
    yield "```mermaid"
    yield "timeline"
    yield f"    title {escape(timeline.calendar.title)}"
    for year, in_year in groupby(timeline.events, key=lambda e: e.when.first_day.year):
        yield f"    section {year}"
        for phrase, same_time in groupby(in_year, key=lambda e: context.of(e).phrase):
            titles = [
                escape(("Cancelled: " if e.status is Status.CANCELLED else "") + e.title)
                for e in same_time
            ]
            yield f"        {escape(phrase)} : " + " : ".join(titles)
    yield "```"
