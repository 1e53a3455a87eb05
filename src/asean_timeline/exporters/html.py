"""Timeline → ``index.html``: one self-contained, accessible page.

The page reads without JavaScript: an ordered list of events per year, each an
``<article>`` with its date in a ``<time>`` element at its precision, its facts,
description and sources. Every event also sits on a small time axis
(:mod:`asean_timeline.exporters.axis`).

A small script adds filters by country and tag (buttons with ``aria-pressed``);
without it the filters stay hidden. Nothing is loaded from anywhere: the
stylesheet and the script (``assets/page.css`` and ``assets/page.js``) are
inlined and allowed by a Content-Security-Policy naming their SHA-256 hashes,
worked out once when this module loads, so the same input always renders the
same bytes.

Every string from ``events.toml`` is escaped with ``escape_html`` (``html.escape``),
and only ``http(s)`` addresses (or the page's own relative paths) become links.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

from asean_timeline.exporters import (
    CALENDAR,
    DATA,
    FEED,
    PAGE,
    SUBSCRIBE_PAGE,
    escape_html,
    get,
    of_kind,
    utf8_lines,
)
from asean_timeline.exporters.axis import axis, local_days
from asean_timeline.model import Event, Precision, Query, Status, Timeline
from asean_timeline.present import Presented, RenderContext, plural, provenance, webcal
from asean_timeline.timefmt import machine_value
from asean_timeline.weburl import is_plain_web_url
from asean_timeline.wording import day_phrase, paragraphs, time_phrase

FILENAME, EMBED_FILENAME = get("html").paths  # the page, and the widget for other sites' pages
_ASSETS = Path(__file__).resolve().parent.parent / "assets"

# Element ids of the page are capitalised; event ids (the articles' ids, which
# the feed's item URLs point at) are lower-case slugs, so the two never collide.


def asset(name: str) -> bytes:
    """A file of the package's ``assets/`` folder."""
    # Read from the package's folder: importlib.resources (and the zipfile module it
    # loads) costs every render milliseconds, and serves only a package in a zip file.
    try:
        return (_ASSETS / name).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files("asean_timeline").joinpath("assets", name).read_bytes()


#: The page's stylesheet and script, inlined (assets/page.css and assets/page.js).
STYLE = asset("page.css").decode("utf-8")
SCRIPT = asset("page.js").decode("utf-8")


def render(context: RenderContext) -> Iterator[tuple[str, bytes]]:
    """``index.html`` (UTF-8, a trailing newline; the same input gives the same bytes),
    then ``embed.js``."""
    yield FILENAME, utf8_lines(_page(context))
    yield EMBED_FILENAME, embed_js()


def embed_js() -> bytes:
    """The embeddable widget (``assets/embed.js``), to be published beside the feed."""
    return asset(EMBED_FILENAME)


def csp_hash(source: str) -> str:
    """The CSP source expression allowing an inline ``<style>``/``<script>`` with this text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy() -> str:
    """Nothing may load but the page's own inline style and script (by hash)."""
    return _CSP


def _policy() -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {csp_hash(STYLE)}",
            f"script-src {csp_hash(SCRIPT)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


#: Hashed once, when the module loads: the assets do not change while it runs.
_CSP = _policy()


# -- escaping and links --------------------------------------------------------


#: Text as HTML: ``&``, ``<``, ``>`` and both quotes escaped.
_text: Callable[[str], str] = escape_html


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address (nothing else becomes a link)."""
    if is_plain_web_url(url):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _link(label_html: str, url: str | None) -> str:
    """``label_html`` linked to ``url`` if it is http(s); plain otherwise."""
    if url is None or not is_web_url(url):
        return label_html
    return f'<a href="{_text(url)}" rel="noopener noreferrer">{label_html}</a>'


def _own(path: str, page: str) -> str:
    """A file of dist/ as seen from the page at ``page`` (also in dist/)."""
    return "../" * page.count("/") + path


# -- the page ------------------------------------------------------------------


def _page(context: RenderContext) -> Iterator[str]:
    timeline = context.timeline
    info = timeline.calendar
    path = FILENAME
    yield "<!DOCTYPE html>"
    yield f'<html lang="{_text(info.language)}">'
    yield "<head>"
    yield '<meta charset="utf-8">'
    yield f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">'
    yield '<meta name="color-scheme" content="light dark">'
    yield '<meta name="referrer" content="no-referrer">'
    yield f"<title>{_text(info.title)}</title>"
    if info.description:
        yield f'<meta name="description" content="{_text(" ".join(info.description.split()))}">'
    yield '<link rel="icon" href="data:,">'
    for feed in of_kind(FEED):
        yield (
            f'<link rel="alternate" type="{feed.files[0].media_type}" '
            f'href="{_own(feed.filename, path)}" title="{_text(feed.label)}">'
        )
    yield f"<style>{STYLE}</style>"
    yield "</head>"
    yield "<body>"
    yield '<a class="skip" href="#Timeline">Skip to the timeline</a>'
    yield "<header>"
    yield f"<h1>{_text(info.title)}</h1>"
    for paragraph in paragraphs(info.description):
        yield f'<p class="lede">{_text(paragraph)}</p>'
    yield from _legend()
    yield "</header>"
    yield from _subscribe(context, path)
    yield from _filters(context, path)
    yield f'<main id="Timeline" aria-label="Timeline: {len(timeline.events)} events">'
    if not timeline.events:
        yield "<p>No events yet.</p>"
    for year, in_year in groupby(timeline.events, key=lambda e: local_days(e.when)[0].year):
        yield '<section class="year">'
        yield f"<h2>{year}</h2>"
        yield '<ol class="events">'
        for event in in_year:
            # One string per event (its lines joined): far fewer pieces to encode and join.
            yield "\n".join(_event(event, context.of(event)))
        yield "</ol>"
        yield "</section>"
    yield "</main>"
    yield from _footer(context)
    yield f"<script>{SCRIPT}</script>"
    yield "</body>"
    yield "</html>"


def _legend() -> Iterator[str]:
    yield '<ul class="legend" aria-label="How dates are drawn">'
    yield '<li><i class="on" aria-hidden="true"></i>known day or days</li>'
    yield (
        '<li><i class="maybe" aria-hidden="true"></i>'
        "one day of the marked span (a year, a month or a window of days)</li>"
    )
    yield "</ul>"


def _calendar_links(timeline: Timeline, file: str, page: str) -> str:
    """The https and ``webcal://`` addresses of a calendar file, or its relative link."""
    address = timeline.calendar.published_url(file)
    if address is None or not is_web_url(address):
        return f'<a href="{_text(_own(file, page))}">{_text(file)}</a>'
    return (
        f'<a href="{_text(address)}">https</a> · '
        f'<a href="{_text(webcal(address))}">webcal</a> (opens your calendar app)'
    )


def _subscribe(context: RenderContext, path: str) -> Iterator[str]:
    timeline = context.timeline
    info = timeline.calendar
    yield '<section class="panel" id="Subscribe" aria-labelledby="SubscribeHeading">'
    yield '<h2 id="SubscribeHeading">Subscribe</h2>'
    yield '<ul class="links">'
    for output in of_kind(CALENDAR):
        yield f"<li>All events: {_calendar_links(timeline, output.filename, path)}</li>"
    # Every other format a reader may follow, download or read, but this page itself.
    for output in of_kind(FEED, DATA, PAGE):
        if output.filename != path:
            yield f'<li><a href="{_own(output.filename, path)}">{_text(output.label)}</a></li>'
    yield f'<li><a href="{_own(SUBSCRIBE_PAGE, path)}">How to subscribe</a></li>'
    yield "</ul>"
    calendars = context.catalogue.calendars
    if calendars:
        yield "<details>"
        yield (
            f"<summary>Calendars of one country, topic or selection ({len(calendars)})</summary>"
            '<ul class="cals">'
        )
        for calendar in calendars:
            yield (
                f'<li>{_text(calendar.title)} <span class="n">({plural(calendar.count, "event")})'
                f"</span>: {_calendar_links(timeline, calendar.path, path)}</li>"
            )
        yield "</ul>"
        yield "</details>"
    if info.url is not None and is_web_url(info.url):
        feed = info.published_url(of_kind(FEED)[0].filename) or ""
        script = info.published_url(EMBED_FILENAME) or ""
        snippet = (
            f'<div data-asean-timeline="{feed}"></div>\n<script src="{script}" defer></script>'
        )
        yield '<details class="embed">'
        yield "<summary>Show this timeline on your web site</summary>"
        yield f"<pre><code>{_text(snippet)}</code></pre>"
        yield "</details>"
    yield "</section>"


def _filters(context: RenderContext, path: str) -> Iterator[str]:
    """Filter buttons; hidden until the script runs (they do nothing without it)."""
    timeline = context.timeline
    info = timeline.calendar
    names = {code: name for e in timeline.events for code, name in _named_countries(context, e)}
    codes = sorted(names)
    tags = sorted({tag for event in timeline.events for tag in event.tags})
    if not codes and not tags:
        return
    catalogue = context.catalogue  # the events of each country and tag, each event once

    # The sub-calendar of exactly one country or one tag, as render writes it.
    files = {c.calendar.query: c.path for c in reversed(catalogue.calendars)}

    def calendar(query: Query) -> str:
        file = files.get(query)
        if file is None:
            return ""
        return f' data-calendar="{_text(info.published_url(file) or _own(file, path))}"'

    def count(n: int) -> str:
        return f' <span class="n">{n}</span>'

    yield '<section class="panel" id="Filters" aria-labelledby="FiltersHeading" hidden>'
    yield '<h2 id="FiltersHeading">Filter</h2>'
    groups = (
        (
            "country",
            "Countries",
            [(c, names[c], Query(countries_any=frozenset({c}))) for c in codes],
        ),
        ("tag", "Tags", [(tag, tag, Query(tags_any=frozenset({tag}))) for tag in tags]),
    )
    for kind, heading, values in groups:
        if not values:
            continue
        yield f'<div class="filter-group" role="group" aria-labelledby="Filter-{kind}">'
        yield f'<h3 id="Filter-{kind}">{heading}</h3>'
        yield '<ul class="buttons">'
        for value, label, query in values:
            n = len((catalogue.by_country if kind == "country" else catalogue.by_tag)[value])
            yield (
                f'<li><button type="button" aria-pressed="false" data-kind="{kind}" '
                f'data-value="{_text(value)}" data-label="{_text(label)}"'
                f"{calendar(query)}>{_text(label)}{count(n)}</button></li>"
            )
        yield "</ul>"
        yield "</div>"
    yield '<div class="filter-foot">'
    yield '<button type="button" id="Reset" disabled>Show all</button>'
    yield '<p id="Count" role="status"></p>'
    yield '<p id="Only" hidden><a id="OnlyLink" href="#Subscribe">Subscribe</a></p>'
    yield "</div>"
    yield (
        '<p class="n">Countries match any you choose; tags too. '
        "Choosing both keeps events that match both.</p>"
    )
    yield "</section>"


def _named_countries(context: RenderContext, event: Event) -> Iterator[tuple[str, str]]:
    return zip(event.countries, context.of(event).country_names, strict=True)


def _event(event: Event, shown: Presented) -> Iterator[str]:
    when = event.when
    fuzzy = when.precision in (Precision.YEAR, Precision.MONTH, Precision.DAY_IN_WINDOW)
    status = event.status.value
    yield (
        f'<li data-event class="{"fuzzy" if fuzzy else "exact"}" '
        f'data-countries="{_text(" ".join(event.countries))}" '
        f'data-tags="{_text(" ".join(event.tags))}">'
    )
    yield f'<article id="{_text(event.id)}" class="s-{status} p-{when.precision.value}">'
    yield "<header>"
    yield f"<h3>{_text(event.title)}</h3>"
    yield f'<p class="when">{when_html(shown)}</p>'
    yield f'<p class="status">{_STATUS_WORDS[event.status]}</p>'
    yield "</header>"
    yield axis(when)
    if event.recurrence is not None:
        yield f'<p class="repeats">{_repeats(event, shown)}</p>'
    facts = []
    if event.location:
        facts.append(f"<dt>Where</dt><dd>{_text(event.location)}</dd>")
    if shown.country_names:
        chips = "".join(f"<li>{_text(name)}</li>" for name in shown.country_names)
        facts.append(f'<dt>Countries</dt><dd><ul class="chips">{chips}</ul></dd>')
    if event.tags:
        chips = "".join(f"<li>{_text(tag)}</li>" for tag in event.tags)
        facts.append(f'<dt>Tags</dt><dd><ul class="chips">{chips}</ul></dd>')
    if event.url and is_web_url(event.url):
        facts.append(f"<dt>More</dt><dd>{_link(_text(event.url), event.url)}</dd>")
    if event.sources:
        items = []
        for source in event.sources:
            label = _link(_text(source.label), source.url)
            if source.published:
                label += f" ({_text(source.published)})"
            said = provenance(source)
            if said.archived is not None and is_web_url(said.archived):
                label += f" ({_link(_text(said.archived_words), said.archived)})"
            if said.notes:
                label += ", " + ", ".join(_text(note) for note in said.notes)
            if said.quote is not None:
                lang = f' lang="{_text(said.language)}"' if said.language else ""
                label += f'<br><span class="quote"{lang}>{_text(said.quote)}</span>'
            items.append(f"<li>{label}</li>")
        facts.append(f'<dt>Sources</dt><dd><ul class="sources">{"".join(items)}</ul></dd>')
    if event.description:
        yield '<div class="description">'
        for paragraph in paragraphs(event.description):
            yield "<p>" + "<br>".join(_text(line) for line in paragraph.split("\n")) + "</p>"
        yield "</div>"
    if facts:
        yield '<dl class="facts">' + "".join(facts) + "</dl>"
    yield "</article>"
    yield "</li>"


_STATUS_WORDS = {
    Status.CONFIRMED: "Confirmed",
    Status.TENTATIVE: "Tentative",
    Status.CANCELLED: "Cancelled",
}


def _repeats(event: Event, shown: Presented) -> str:
    assert event.recurrence is not None
    listed, more_follow = shown.listed_occurrences
    words = [
        _time(start, time_phrase(start, None))
        if isinstance(start, datetime)
        else _time(start, day_phrase(start))
        for start in listed
    ]
    more = "; …" if more_follow else ""
    rule = _text(event.recurrence.rule)
    return f"Repeats (<code>{rule}</code>): " + "; ".join(words) + more


def _footer(context: RenderContext) -> Iterator[str]:
    timeline, revisions = context.timeline, context.revisions
    changed = [revisions[e.id].modified for e in timeline.events if e.id in revisions]
    yield "<footer>"
    line = plural(len(timeline.events), "event")
    if changed:
        latest = max(changed)
        line += f"; last changed {_time(latest, day_phrase(latest.date()))}"
    yield f"<p>{line}. Made with asean-timeline from events.toml.</p>"
    yield "</footer>"


# -- dates ---------------------------------------------------------------------


def _time(value: date | datetime, words: str) -> str:
    return f'<time datetime="{machine_value(value)}">{_text(words)}</time>'


def when_html(shown: Presented) -> str:
    """The event's date phrase with each dated part in a ``<time>`` element.

    A year is ``datetime="2009"``, a month ``"2023-04"``, a day ``"2023-12-17"``; spans
    (day ranges, windows, timed events with an end) put their two ends in two elements.
    """
    return "".join(
        _text(words) if value is None else f'<time datetime="{value}">{_text(words)}</time>'
        for value, words in shown.pieces
    )
