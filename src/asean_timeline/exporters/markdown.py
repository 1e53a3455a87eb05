"""Timeline → GitHub-flavoured Markdown, grouped by year and month.

Every string from ``events.toml`` goes through :func:`escape`, so a title is
always text: it cannot open a link, an image, raw HTML, a heading or a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from itertools import groupby

from asean_timeline.exporters import mermaid, utf8_lines
from asean_timeline.model import Event, Source, Status, Timed, Timeline, Year, month_name
from asean_timeline.recurrence import occurrences
from asean_timeline.reference import countries
from asean_timeline.revisions import Revisions
from asean_timeline.wording import day_phrase, paragraphs, time_phrase, when_phrase

FILENAME = "timeline.md"
MEDIA_TYPE = "text/markdown; charset=utf-8"
_LISTED_OCCURRENCES = 12

# Characters that CommonMark or GFM give a meaning to anywhere in a line: emphasis,
# code, links and images, raw HTML, entities, tables, strikethrough, math, and
# autolinks (an '@' touching a word). Each gets a backslash.
_ALWAYS = str.maketrans({char: "\\" + char for char in "\\`*_{}[]()<>#|~!&$@"})
_ALWAYS_PATTERN = re.compile(r"[\\`*_{}\[\]()<>#|~!&$@]")
# A ':' touching the next word could start an emoji shortcode or an autolink scheme.
_RISKY_COLON = re.compile(r":(?=\S)")
# Dots that could end an ordered-list number ("2009. ") or join a bare domain
# ("www.example.org"); sentence-ending dots stay as they are.
_RISKY_DOT = re.compile(r"(?<=\d)\.|\.(?=\S)")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline content, on one line."""
    one_line = " ".join(text.split())
    # str.translate is one fast C pass over ASCII text but looks up every character of
    # other text in a dict; there a regular expression is several times faster.
    if one_line.isascii():
        escaped = one_line.translate(_ALWAYS)
    else:
        escaped = _ALWAYS_PATTERN.sub(r"\\\g<0>", one_line)
    # The regular expressions run only where they can match: most text has no ':'.
    if ":" in escaped:
        escaped = _RISKY_COLON.sub(r"\\:", escaped)
    if "." in escaped:
        escaped = _RISKY_DOT.sub(r"\\.", escaped)
    if escaped.startswith(("-", "+", "=")):  # would start a list item, a break or a heading
        escaped = "\\" + escaped
    return escaped


def escape_block(text: str, indent: str) -> str:
    """Multi-paragraph text: paragraphs kept, line breaks inside them become spaces."""
    return f"\n\n{indent}".join(escape(p) for p in paragraphs(text))


def link(label: str, url: str) -> str:
    """A Markdown link whose destination cannot break out of its angle brackets."""
    safe_url = url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    safe_url = safe_url.replace("|", "%7C")  # a pipe would end a table cell
    # A backslash keeps '&' literal: Markdown would otherwise decode "&amp;" in the address.
    safe_url = safe_url.replace("&", "\\&")
    return f"[{escape(label)}](<{safe_url}>)"


def render(timeline: Timeline, revisions: Revisions, path: str = FILENAME) -> bytes:
    """The timeline as Markdown bytes (UTF-8, LF line ends, one trailing newline)."""
    del revisions, path  # The Markdown shows no revision data and links relatively.
    return utf8_lines(_lines(timeline)).rstrip(b"\n") + b"\n"


def _lines(timeline: Timeline) -> Iterator[str]:
    info = timeline.calendar
    yield f"# {escape(info.title)}"
    yield ""
    if info.description:
        yield escape_block(info.description, "")
        yield ""
    yield (
        "Subscribe: [calendar (.ics)](events.ics) · [JSON Feed](feed.json) · "
        f"{len(timeline.events)} event{'s' * (len(timeline.events) != 1)}"
    )
    yield ""
    drawn = list(mermaid.diagram(timeline))
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
                yield "\n".join(_event(event))  # one piece per event to encode
                yield ""


def _local_first_day(event: Event) -> date:
    when = event.when
    return when.start.date() if isinstance(when, Timed) else when.first_day


def _month_of(event: Event) -> int | None:
    """Year-precision events sit under the year heading, before any month."""
    return None if isinstance(event.when, Year) else _local_first_day(event).month


def _event(event: Event) -> Iterator[str]:
    title = escape(event.title)
    if event.status is Status.CANCELLED:
        title = f"~~{title}~~ (cancelled)"
    elif event.status is Status.TENTATIVE:
        title = f"{title} (tentative)"
    facts = []
    if event.location:
        facts.append(f"Where: {escape(event.location)}")
    if event.countries:
        names = countries()
        facts.append("Countries: " + ", ".join(escape(names.get(c, c)) for c in event.countries))
    if event.tags:
        facts.append("Tags: " + " ".join(f"`{tag}`" for tag in event.tags))
    # Date phrases are our own words and digits, so they are not escaped.
    heading = f"- **{when_phrase(event.when)}** — {title}"
    if facts:
        # A trailing backslash is a hard line break that survives editors trimming spaces.
        yield heading + "\\"
        yield "  " + " · ".join(facts)
    else:
        yield heading
    if event.recurrence is not None:
        yield ""
        yield "  " + _repeats(event, event.recurrence.rule)
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
    return text


def _repeats(event: Event, rule: str) -> str:
    found = occurrences(event, limit=_LISTED_OCCURRENCES + 1)
    words = [
        time_phrase(start, None) if isinstance(start, datetime) else day_phrase(start)
        for start in found[:_LISTED_OCCURRENCES]
    ]
    more = "; …" if len(found) > _LISTED_OCCURRENCES else ""
    return f"Repeats \\(`{rule}`\\): " + "; ".join(words) + more
