"""Recent changes → ``changes.xml``, an Atom feed (RFC 4287) for feed readers.

One entry per added, changed, cancelled or removed event (the newest
``[calendar] changes_limit`` of them, see :mod:`asean_timeline.changelog`). Each
entry's ``id`` is a tag URI (RFC 4151) made of the uid_domain, the event's
creation day, its id and the revision's sequence, so it is the same on every
render; ``updated`` is the revision's time, never the clock; its link points at
the event on the timeline page (``<calendar url>#<id>``). Every piece of text is
XML-escaped, and the HTML content is escaped once as HTML and again as XML.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from asean_timeline import __version__
from asean_timeline.changelog import (
    Entry,
    entry_title,
    event_link,
    newest_revision,
    recent_changes,
)
from asean_timeline.changes import words
from asean_timeline.exporters import escape_html, get, utf8_lines
from asean_timeline.model import Timeline
from asean_timeline.present import RenderContext
from asean_timeline.revisions import Revisions
from asean_timeline.timefmt import utc_stamp

FILENAME = get("atom").filename
MEDIA_TYPE = get("atom").files[0].media_type
#: ``updated`` of a feed with no revision at all (an empty timeline's first render).
_NO_REVISION = datetime(1970, 1, 1, tzinfo=UTC)
#: What XML 1.0 cannot hold at all, even escaped (validation keeps most of it out).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_xml(text: str) -> str:
    """``text`` safe as XML character data and in double-quoted attributes."""
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``changes.xml``: UTF-8 XML; the same revisions always give the same bytes."""
    yield FILENAME, utf8_lines(_feed(context.timeline, context.revisions, FILENAME))


def _feed(timeline: Timeline, revisions: Revisions, path: str) -> Iterator[str]:
    info = timeline.calendar
    entries = recent_changes(revisions, info.changes_limit)
    updated = newest_revision(revisions) or _NO_REVISION
    feed_id = uuid.uuid5(uuid.NAMESPACE_URL, f"asean-timeline:{info.uid_domain}:changes")
    yield '<?xml version="1.0" encoding="utf-8"?>'
    yield f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape_xml(info.language)}">'
    yield f"  <id>urn:uuid:{feed_id}</id>"
    yield f"  <title>{escape_xml(info.title)}: changes</title>"
    yield (
        f"  <subtitle>The last {info.changes_limit} changes to the timeline: added, "
        "changed, cancelled and removed events.</subtitle>"
    )
    yield f"  <updated>{utc_stamp(updated)}</updated>"
    yield f"  <author><name>{escape_xml(info.title)}</name></author>"
    self_url = info.published_url(path)
    if self_url:
        yield f'  <link rel="self" type="{MEDIA_TYPE}" href="{escape_xml(self_url)}"/>'
    if info.url:
        yield f'  <link rel="alternate" type="text/html" href="{escape_xml(info.url)}"/>'
    yield f'  <generator version="{__version__}">asean-timeline</generator>'
    for entry in entries:
        yield from _entry(timeline, entry)
    yield "</feed>"


def _entry(timeline: Timeline, entry: Entry) -> Iterator[str]:
    change = entry.change
    link = event_link(timeline, entry.event_id)
    yield "  <entry>"
    yield f"    <id>{escape_xml(entry.tag_uri(timeline.calendar.uid_domain))}</id>"
    yield f"    <title>{escape_xml(entry_title(entry))}</title>"
    yield f"    <updated>{utc_stamp(entry.updated)}</updated>"
    yield f'    <link rel="alternate" type="text/html" href="{escape_xml(link)}"/>'
    yield f'    <category term="{change.kind.value}"/>'
    told = [words(field) for field in change.fields]
    yield f"    <summary>{escape_xml('; '.join([change.when, *told]))}</summary>"
    html = f"<p><strong>{escape_html(change.when)}</strong></p>"
    if change.fields:
        items = "".join(f"<li>{words(field, escape_html)}</li>" for field in change.fields)
        html += f"<ul>{items}</ul>"
    yield f'    <content type="html">{escape_xml(html)}</content>'
    yield "  </entry>"
