"""Timeline → JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

One item per event, in chronological order. ``date_published`` is when the
event first appeared in this timeline and ``date_modified`` when it last
changed (from ``revisions.json``); when the event itself happens is in the
item's ``_asean_timeline`` extension object, the event's canonical record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from asean_timeline.exporters import CALENDAR, escape_html, get, of_kind
from asean_timeline.model import Event, Timeline
from asean_timeline.present import Presented, RenderContext, provenance
from asean_timeline.revisions import Revision
from asean_timeline.timefmt import utc_stamp
from asean_timeline.wording import paragraphs

FILENAME = get("json").filename
VERSION = "https://jsonfeed.org/version/1.1"


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``feed.json``: the feed as UTF-8 JSON, indented, with a trailing newline.

    The bytes are those of ``orjson.dumps(feed(…))`` indented by two, but each
    item is serialised on its own as it is made, so no dict of every item is held.
    """
    timeline = context.timeline
    head = orjson.dumps(_head(timeline, FILENAME) | {"items": []}, option=orjson.OPT_INDENT_2)
    if not timeline.events:
        yield FILENAME, head + b"\n"
        return
    home = timeline.calendar.url
    # In the whole document an item sits two levels deep: four more spaces on each line.
    # A JSON string never holds a raw line break, so every b"\n" is a line of layout.
    items = b",\n    ".join(
        [
            orjson.dumps(
                _item(event, context.of(event), context.revisions[event.id], home),
                option=_INDENT,
            ).replace(b"\n", b"\n    ")
            for event in timeline.events
        ]
    )
    assert head.endswith(b'"items": []\n}')
    yield FILENAME, head[: -len(b"[]\n}")] + b"[\n    " + items + b"\n  ]\n}\n"


_INDENT = orjson.OPT_INDENT_2


def feed(context: RenderContext) -> dict[str, Any]:
    """The feed as a JSON-ready dict."""
    timeline = context.timeline
    document = _head(timeline, FILENAME)
    document["items"] = [
        _item(event, context.of(event), context.revisions[event.id], timeline.calendar.url)
        for event in timeline.events
    ]
    return document


def _head(timeline: Timeline, path: str) -> dict[str, Any]:
    """Everything in the feed but its items."""
    info = timeline.calendar
    document: dict[str, Any] = {"version": VERSION, "title": info.title}
    if info.url:
        document["home_page_url"] = info.url
        document["feed_url"] = info.published_url(path)
    if info.description:
        document["description"] = info.description
    document["language"] = info.language
    extension: dict[str, Any] = {"timezone": info.timezone}
    if info.url:
        extension["calendar_url"] = info.published_url(of_kind(CALENDAR)[0].filename)
    document["_asean_timeline"] = extension
    return document


def _item(event: Event, shown: Presented, revision: Revision, home: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": shown.uid}
    if home:
        item["url"] = f"{home.split('#', 1)[0]}#{event.id}"
    if shown.link:
        item["external_url"] = shown.link
    item["title"] = event.title
    item["summary"] = f"{shown.phrase}: {event.title}"
    item["content_text"] = shown.description
    item["content_html"] = content_html(event, shown)
    item["date_published"] = utc_stamp(revision.created)
    item["date_modified"] = utc_stamp(revision.modified)
    if event.tags:
        item["tags"] = list(event.tags)
    item["_asean_timeline"] = shown.record
    return item


def content_html(event: Event, shown: Presented) -> str:
    """The event as an HTML fragment; every user string is escaped, links are http(s) only."""

    text = escape_html  # quotes too: every value may end up in an attribute
    parts = [f"<p><strong>{text(shown.phrase)}</strong></p>"]
    if event.recurrence is not None:
        parts.append(f"<p>Repeats: <code>{text(event.recurrence.rule)}</code></p>")
    for paragraph in paragraphs(event.description):
        parts.append("<p>" + text(paragraph).replace("\n", "<br>") + "</p>")
    facts = []
    if event.location:
        facts.append(f"<li>Where: {text(event.location)}</li>")
    if shown.country_names:
        names = ", ".join(text(name) for name in shown.country_names)
        facts.append(f"<li>Countries: {names}</li>")
    if event.tags:
        facts.append("<li>Tags: " + ", ".join(text(tag) for tag in event.tags) + "</li>")
    if event.status.value != "confirmed":
        facts.append(f"<li>Status: {text(event.status.value)}</li>")
    if event.url:
        facts.append(f'<li><a href="{text(event.url)}" rel="noopener">More</a></li>')
    if facts:
        parts.append("<ul>" + "".join(facts) + "</ul>")
    if event.sources:
        links = []
        for source in event.sources:
            label = text(source.label)
            if source.published:
                label += f" ({text(source.published)})"
            if source.url:
                label = f'<a href="{text(source.url)}" rel="noopener">{label}</a>'
            said = provenance(source)
            if said.archived is not None:
                copy = f'<a href="{text(said.archived)}" rel="noopener">'
                label += f" ({copy}{text(said.archived_words)}</a>)"
            if said.notes:
                label += ", " + ", ".join(text(note) for note in said.notes)
            if said.quote is not None:
                label += f"<br>{text(said.quote)}"
            links.append(f"<li>{label}</li>")
        parts.append("<p>Sources:</p><ul>" + "".join(links) + "</ul>")
    return "".join(parts)
