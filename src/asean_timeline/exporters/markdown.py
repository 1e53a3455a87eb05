"""Timeline → GitHub-flavoured Markdown, grouped by year and month.

Every string from ``events.toml`` goes through :func:`mdtext.escape`, so a title
is always text: it cannot open a link, an image, raw HTML, a heading or a table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from itertools import groupby

from asean_timeline.exporters import CALENDAR, DATA, FEED, get, mermaid, of_kind, utf8_lines
from asean_timeline.exporters.mdtext import escape, escape_block, link
from asean_timeline.model import Event, Source, Status, Timed, Year, month_name
from asean_timeline.present import Presented, RenderContext, plural, provenance
from asean_timeline.wording import day_phrase, time_phrase

FILENAME = get("md").filename
#: What the page's "Subscribe:" line links: what a reader of the file subscribes to or downloads.
_LINKED_KINDS = (CALENDAR, FEED, DATA)

__all__ = ["escape", "render"]


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``timeline.md``: UTF-8, LF line ends, one trailing newline.

    It shows no revision data and links relatively.
    """
    yield FILENAME, utf8_lines(_lines(context)).rstrip(b"\n") + b"\n"


def _lines(context: RenderContext) -> Iterator[str]:
    timeline = context.timeline
    info = timeline.calendar
    yield f"# {escape(info.title)}"
    yield ""
    if info.description:
        yield escape_block(info.description, "")
        yield ""
    links = [f"[{output.label}]({output.filename})" for output in of_kind(*_LINKED_KINDS)]
    yield "Subscribe: " + " · ".join([*links, plural(len(timeline.events), "event")])
    yield ""
    drawn = list(mermaid.diagram(context))
    if drawn:
        yield from drawn
        yield ""
    for year, in_year in groupby(timeline.events, key=lambda e: _local_first_day(e).year):
        yield f"## {year}"
        yield ""
        for month, in_month in groupby(in_year, key=_month_of):
            if month is not None:
                yield f"### {month_name(month)} {year}"
                yield ""
            for event in in_month:
                yield "\n".join(_event(event, context.of(event)))  # one piece to encode
                yield ""


def _local_first_day(event: Event) -> date:
    when = event.when
    return when.start.date() if isinstance(when, Timed) else when.first_day


def _month_of(event: Event) -> int | None:
    """Year-precision events sit under the year heading, before any month."""
    return None if isinstance(event.when, Year) else _local_first_day(event).month


def _event(event: Event, shown: Presented) -> Iterator[str]:
    title = escape(event.title)
    if event.status is Status.CANCELLED:
        title = f"~~{title}~~ (cancelled)"
    elif event.status is Status.TENTATIVE:
        title = f"{title} (tentative)"
    facts = []
    if event.location:
        facts.append(f"Where: {escape(event.location)}")
    if shown.country_names:
        facts.append("Countries: " + ", ".join(escape(name) for name in shown.country_names))
    if event.tags:
        facts.append("Tags: " + " ".join(f"`{tag}`" for tag in event.tags))
    # Date phrases are our own words and digits, so they are not escaped.
    heading = f"- **{shown.phrase}** — {title}"
    if facts:
        # A trailing backslash is a hard line break that survives editors trimming spaces.
        yield heading + "\\"
        yield "  " + " · ".join(facts)
    else:
        yield heading
    if event.recurrence is not None:
        yield ""
        yield "  " + _repeats(shown, event.recurrence.rule)
    if event.description:
        yield ""
        yield "  " + escape_block(event.description, "  ")
    if event.url:
        yield ""
        yield "  " + link("More", event.url)
    if event.sources:
        yield ""
        yield "  Sources: " + "; ".join(_source(source) for source in event.sources)


def _source(source: Source) -> str:
    text = link(source.label, source.url) if source.url else escape(source.label)
    if source.published:
        text += f" \\({source.published}\\)"  # a validated ISO date
    said = provenance(source)
    if said.archived is not None:
        text += f" \\({link(said.archived_words, said.archived)}\\)"
    notes = ", ".join(escape(note) for note in said.notes)
    if notes:
        text += f", {notes}"
    if said.quote is not None:
        text += f": {escape(said.quote)}"
    return text


def _repeats(shown: Presented, rule: str) -> str:
    listed, more_follow = shown.listed_occurrences
    words = [
        time_phrase(start, None) if isinstance(start, datetime) else day_phrase(start)
        for start in listed
    ]
    more = "; …" if more_follow else ""
    return f"Repeats \\(`{rule}`\\): " + "; ".join(words) + more
