"""Timeline → ``index.html``: one self-contained, accessible page.

The page reads without JavaScript: an ordered list of events per year, each an
``<article>`` with its date in a ``<time>`` element at its precision, its facts,
description and sources. Every event also sits on a small time axis (the months
of its year and, for day-level dates, the days of its month): known days are
solid, a date known only to a year, a month or a window of days is hatched.

A small inline script adds filters by country and tag (buttons with
``aria-pressed``); without it the filters stay hidden. Nothing is loaded from
anywhere: CSS and JavaScript are inline and allowed by a Content-Security-Policy
that names their SHA-256 hashes, so the same input always renders the same bytes.

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

from asean_timeline.exporters import escape_html, ics, jsonfeed, markdown, utf8_lines
from asean_timeline.exporters.subscribe import webcal
from asean_timeline.model import (
    MONTHS,
    Day,
    DayInWindow,
    DayRange,
    Event,
    Month,
    Precision,
    Query,
    Status,
    Timed,
    Timeline,
    When,
    Year,
    month_name,
)
from asean_timeline.recurrence import occurrences
from asean_timeline.reference import countries
from asean_timeline.revisions import Revisions
from asean_timeline.selection import EventIndex, all_subcalendars, sub_timeline
from asean_timeline.weburl import is_plain_web_url
from asean_timeline.wording import day_phrase, paragraphs, time_phrase, zone_label

FILENAME = "index.html"
MEDIA_TYPE = "text/html; charset=utf-8"
#: The widget for other sites' pages, shipped in the package (see :func:`embed_js`).
EMBED_FILENAME = "embed.js"
_LISTED_OCCURRENCES = 12
#: Day-level dates spanning more months than this show only the month strip.
_MAX_DAY_STRIP_MONTHS = 2

# Element ids of the page are capitalised; event ids (the articles' ids, which
# the feed's item URLs point at) are lower-case slugs, so the two never collide.

STYLE = """
:root{color-scheme:light dark;--bg:#f7f7f4;--card:#fff;--text:#1b1f24;--muted:#4a5361;
--line:#c9d0d8;--accent:#0a58a8;--accent-text:#fff;--chip:#e9eef5;--chip-text:#1d3554;
--cell:#e3e8ee;--here:#b9cde4;--mark:#0a58a8;--focus:#b3470b;--tent-bg:#fff1cc;
--tent-text:#5e3d00;--canc-bg:#fde4e4;--canc-text:#8f1a1a;--conf-bg:#e3f1e6;--conf-text:#1c5230}
@media (prefers-color-scheme:dark){:root{--bg:#0e1217;--card:#171d24;--text:#e7eaef;
--muted:#aab4c0;--line:#3a4552;--accent:#7cbcff;--accent-text:#0e1217;--chip:#233244;
--chip-text:#d7e6f8;--cell:#29323d;--here:#3e5573;--mark:#7cbcff;--focus:#ffb37a;
--tent-bg:#3b2d08;--tent-text:#ffdc8f;--canc-bg:#40171a;--canc-text:#ffb8b8;
--conf-bg:#17321f;--conf-text:#a9e2b8}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--text);-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:58rem;padding:1rem 1rem 3rem;line-height:1.5;
font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
a{color:var(--accent);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem}
.skip:focus{left:1rem;z-index:1}
h1{font-size:1.8rem;line-height:1.2;margin:.5rem 0}
h2{font-size:1.4rem;margin:0;padding:.25rem .75rem;display:inline-block;
background:var(--accent);color:var(--accent-text);border-radius:1rem;position:relative}
h3{font-size:1.15rem;line-height:1.3;margin:0}
.lede{color:var(--muted);max-width:44rem}
.panel{background:var(--card);border:1px solid var(--line);border-radius:.6rem;
padding:.75rem 1rem;margin:1rem 0}
.panel h2{background:none;color:var(--text);padding:0;font-size:1.1rem}
.links{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;margin:.5rem 0;list-style:none}
details summary{cursor:pointer;margin:.5rem 0}
.cals{margin:0;padding-left:1.25rem}
.cals li{margin:.2rem 0}
.n{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.5rem 0 0;padding:0;
list-style:none;color:var(--muted);font-size:.9rem}
.legend i{display:inline-block;width:1.6rem;height:.7rem;margin-right:.4rem;
vertical-align:middle;border-radius:2px}
.filter-group{border:0;margin:.5rem 0;padding:0}
.filter-group h3{font-size:1rem;margin:0 0 .3rem}
.buttons{display:flex;flex-wrap:wrap;gap:.4rem;margin:0;padding:0;list-style:none}
button{font:inherit;font-size:.95rem;color:var(--chip-text);background:var(--chip);
border:1px solid var(--line);border-radius:1rem;padding:.3rem .8rem;cursor:pointer;
min-height:2.25rem}
button[aria-pressed=true]{background:var(--accent);color:var(--accent-text);
border-color:var(--accent);font-weight:600}
button[aria-pressed=true]::before{content:"\\2713\\a0"}
button[aria-pressed=true] .n{color:inherit}
button:disabled{cursor:default;opacity:1;color:var(--muted);background:none}
.filter-foot{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin-top:.6rem}
.filter-foot p{margin:0}
.year{margin:2rem 0 0}
.events{list-style:none;margin:.75rem 0 0 .9rem;padding:0 0 0 1.4rem;
border-left:3px solid var(--line)}
.events>li{position:relative;margin:0 0 1rem}
.events>li::before{content:"";position:absolute;left:-2.05rem;top:1.1rem;width:.9rem;
height:.9rem;border-radius:50%;background:var(--mark);border:3px solid var(--bg)}
.events>li.fuzzy::before{background:var(--bg);border:2px dashed var(--mark)}
article{background:var(--card);border:1px solid var(--line);border-radius:.6rem;
padding:.75rem 1rem}
article>header{display:flex;flex-direction:column;gap:.2rem}
.when{order:-1;margin:0;font-weight:600;color:var(--muted)}
.status{display:inline-block;align-self:flex-start;margin:0;font-size:.8rem;font-weight:600;
padding:0 .5rem;border-radius:.6rem;background:var(--conf-bg);color:var(--conf-text)}
.s-tentative .status{background:var(--tent-bg);color:var(--tent-text)}
.s-cancelled .status{background:var(--canc-bg);color:var(--canc-text)}
.s-cancelled h3{text-decoration:line-through;text-decoration-thickness:2px}
.axis{margin:.6rem 0 .2rem}
.strip{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:2px}
.strip i{display:block;height:.65rem;background:var(--cell);border-radius:1px}
.strip.days{margin-top:.35rem}
.days i{height:.55rem}
.days i.first{margin-left:3px}
.strip i.here{background:var(--here)}
i.on{background:var(--mark)}
i.maybe,.strip i.maybe{background:repeating-linear-gradient(135deg,var(--mark) 0 2px,
transparent 2px 5px);box-shadow:inset 0 0 0 1px var(--mark)}
.scale{display:flex;justify-content:space-between;font-size:.72rem;color:var(--muted);
line-height:1.3;margin:.1rem 0 0}
.scale.months,.scale.days{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:2px;
text-align:center}
.scale.days>span{display:flex;justify-content:space-between;gap:.25rem}
.d28{grid-column:span 28}.d29{grid-column:span 29}.d30{grid-column:span 30}
.d31{grid-column:span 31}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.6rem 0}
.facts dt{color:var(--muted);font-weight:600}
.facts dd{margin:0}
.chips{display:flex;flex-wrap:wrap;gap:.3rem;margin:0;padding:0;list-style:none}
.chips li{background:var(--chip);color:var(--chip-text);border-radius:.8rem;
padding:0 .55rem;font-size:.9rem}
.sources{margin:0;padding-left:1.1rem}
.description p{margin:.5rem 0}
.repeats{font-size:.95rem}
code{font-size:.9em;overflow-wrap:anywhere}
.embed pre{overflow-x:auto;background:var(--chip);color:var(--chip-text);padding:.5rem;
border-radius:.4rem}
footer{margin-top:2rem;color:var(--muted);font-size:.9rem}
h3,dd,.description,.sources{overflow-wrap:anywhere}
[hidden]{display:none!important}
@media (max-width:30rem){body{padding:.75rem .6rem 2rem}.events{margin-left:.4rem;
padding-left:1rem}.events>li::before{left:-1.6rem}article{padding:.6rem .7rem}
.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.3rem}.scale{font-size:.65rem}}
@media (forced-colors:active){i.on,i.maybe,.strip i.maybe{forced-color-adjust:none;
background:CanvasText}h2{border:1px solid}}
@media print{#Filters,.skip{display:none!important}article{break-inside:avoid}}
"""

SCRIPT = """
(function () {
  "use strict";
  var box = document.getElementById("Filters");
  if (!box || !window.URLSearchParams) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("#Timeline li[data-event]"));
  var years = Array.prototype.slice.call(document.querySelectorAll("#Timeline .year"));
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-kind]"));
  var reset = document.getElementById("Reset");
  var count = document.getElementById("Count");
  var only = document.getElementById("Only");
  var onlyLink = document.getElementById("OnlyLink");
  var chosen = { country: {}, tag: {} };
  function picked(kind) { return Object.keys(chosen[kind]); }
  function matches(values, kind) {
    var wanted = picked(kind);
    if (!wanted.length) return true;
    var list = values ? values.split(" ") : [];
    for (var i = 0; i < list.length; i++) if (chosen[kind][list[i]]) return true;
    return false;
  }
  function apply(remember) {
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item.getAttribute("data-countries"), "country") &&
        matches(item.getAttribute("data-tags"), "tag");
      item.hidden = !ok;
      if (ok) shown++;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector("li[data-event]:not([hidden])");
    });
    var pressed = buttons.filter(function (b) {
      return chosen[b.getAttribute("data-kind")][b.getAttribute("data-value")];
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", pressed.indexOf(b) >= 0 ? "true" : "false");
    });
    reset.disabled = !pressed.length;
    count.textContent = pressed.length
      ? "Showing " + shown + " of " + items.length + " events."
      : "Showing all " + items.length + " events.";
    var single = pressed.length === 1 ? pressed[0] : null;
    only.hidden = !(single && single.getAttribute("data-calendar"));
    if (!only.hidden) {
      onlyLink.href = single.getAttribute("data-calendar");
      onlyLink.textContent = "Subscribe to " + single.getAttribute("data-label") + " only";
    }
    if (remember && window.history && history.replaceState) {
      var query = new URLSearchParams();
      picked("country").forEach(function (v) { query.append("country", v); });
      picked("tag").forEach(function (v) { query.append("tag", v); });
      var text = query.toString();
      history.replaceState(null, "", location.pathname + (text ? "?" + text : "") + location.hash);
    }
  }
  box.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-kind]") : null;
    if (!button) return;
    var kind = button.getAttribute("data-kind"), value = button.getAttribute("data-value");
    if (chosen[kind][value]) delete chosen[kind][value]; else chosen[kind][value] = true;
    apply(true);
  });
  reset.addEventListener("click", function () {
    chosen = { country: {}, tag: {} };
    apply(true);
    if (buttons.length) buttons[0].focus();
  });
  var query = new URLSearchParams(location.search);
  buttons.forEach(function (b) {
    var kind = b.getAttribute("data-kind"), value = b.getAttribute("data-value");
    if (query.getAll(kind).indexOf(value) >= 0) chosen[kind][value] = true;
  });
  box.hidden = false;
  apply(false);
})();
"""


def render(timeline: Timeline, revisions: Revisions, path: str = FILENAME) -> bytes:
    """The page as UTF-8 HTML with a trailing newline; the same input gives the same bytes."""
    return utf8_lines(_page(timeline, revisions, path))


def embed_js() -> bytes:
    """The embeddable widget (``assets/embed.js``), to be published beside ``feed.json``."""
    # Read from the package's folder: importlib.resources (and the zipfile module it
    # loads) costs every render milliseconds, and serves only a package in a zip file.
    try:
        return (Path(__file__).parent.parent / "assets" / EMBED_FILENAME).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files("asean_timeline").joinpath("assets", EMBED_FILENAME).read_bytes()


def csp_hash(source: str) -> str:
    """The CSP source expression allowing an inline ``<style>``/``<script>`` with this text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy() -> str:
    """Nothing may load but the page's own inline style and script (by hash)."""
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


def _page(timeline: Timeline, revisions: Revisions, path: str) -> Iterator[str]:
    info = timeline.calendar
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
    yield (
        f'<link rel="alternate" type="{jsonfeed.MEDIA_TYPE}" '
        f'href="{_own(jsonfeed.FILENAME, path)}" title="JSON Feed">'
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
    yield from _subscribe(timeline, path)
    yield from _filters(timeline, path)
    yield f'<main id="Timeline" aria-label="Timeline: {len(timeline.events)} events">'
    if not timeline.events:
        yield "<p>No events yet.</p>"
    for year, in_year in groupby(timeline.events, key=lambda e: _local_days(e.when)[0].year):
        yield '<section class="year">'
        yield f"<h2>{year}</h2>"
        yield '<ol class="events">'
        for event in in_year:
            # One string per event (its lines joined): far fewer pieces to encode and join.
            yield "\n".join(_event(event))
        yield "</ol>"
        yield "</section>"
    yield "</main>"
    yield from _footer(timeline, revisions, path)
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


def _subscribe(timeline: Timeline, path: str) -> Iterator[str]:
    info = timeline.calendar
    yield '<section class="panel" id="Subscribe" aria-labelledby="SubscribeHeading">'
    yield '<h2 id="SubscribeHeading">Subscribe</h2>'
    yield '<ul class="links">'
    yield f"<li>All events: {_calendar_links(timeline, ics.FILENAME, path)}</li>"
    yield f'<li><a href="{_own(jsonfeed.FILENAME, path)}">JSON Feed</a></li>'
    yield f'<li><a href="{_own(markdown.FILENAME, path)}">Markdown timeline</a></li>'
    yield f'<li><a href="{_own("README.md", path)}">How to subscribe</a></li>'
    yield "</ul>"
    calendars = all_subcalendars(timeline)
    if calendars:
        yield "<details>"
        yield (
            f"<summary>Calendars of one country, topic or selection ({len(calendars)})</summary>"
            '<ul class="cals">'
        )
        index = EventIndex(timeline)
        for calendar in calendars:
            size = len(sub_timeline(timeline, calendar, index).events)
            file = f"{calendar.path}.ics"
            yield (
                f'<li>{_text(calendar.title)} <span class="n">({size} event{"s" * (size != 1)})'
                f"</span>: {_calendar_links(timeline, file, path)}</li>"
            )
        yield "</ul>"
        yield "</details>"
    if info.url is not None and is_web_url(info.url):
        feed = info.published_url(jsonfeed.FILENAME) or ""
        script = info.published_url(EMBED_FILENAME) or ""
        snippet = (
            f'<div data-asean-timeline="{feed}"></div>\n<script src="{script}" defer></script>'
        )
        yield '<details class="embed">'
        yield "<summary>Show this timeline on your web site</summary>"
        yield f"<pre><code>{_text(snippet)}</code></pre>"
        yield "</details>"
    yield "</section>"


def _filters(timeline: Timeline, path: str) -> Iterator[str]:
    """Filter buttons; hidden until the script runs (they do nothing without it)."""
    info = timeline.calendar
    names = countries()
    codes = sorted({code for event in timeline.events for code in event.countries})
    tags = sorted({tag for event in timeline.events for tag in event.tags})
    if not codes and not tags:
        return
    index = EventIndex(timeline)  # the events of each country and tag, each event once

    # The sub-calendar of exactly one country or one tag, as render writes it.
    files = {c.query: f"{c.path}.ics" for c in reversed(all_subcalendars(timeline))}

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
            [(c, names.get(c, c), Query(countries_any=frozenset({c}))) for c in codes],
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
            n = len((index.by_country if kind == "country" else index.by_tag)[value])
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


def _event(event: Event) -> Iterator[str]:
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
    yield f'<p class="when">{when_html(when)}</p>'
    yield f'<p class="status">{_STATUS_WORDS[event.status]}</p>'
    yield "</header>"
    yield _axis(when)
    if event.recurrence is not None:
        yield f'<p class="repeats">{_repeats(event)}</p>'
    facts = []
    if event.location:
        facts.append(f"<dt>Where</dt><dd>{_text(event.location)}</dd>")
    if event.countries:
        names = countries()
        chips = "".join(f"<li>{_text(names.get(c, c))}</li>" for c in event.countries)
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


def _repeats(event: Event) -> str:
    assert event.recurrence is not None
    found = occurrences(event, limit=_LISTED_OCCURRENCES + 1)
    words = [
        _time(start, time_phrase(start, None))
        if isinstance(start, datetime)
        else _time(start, day_phrase(start))
        for start in found[:_LISTED_OCCURRENCES]
    ]
    more = "; …" if len(found) > _LISTED_OCCURRENCES else ""
    rule = _text(event.recurrence.rule)
    return f"Repeats (<code>{rule}</code>): " + "; ".join(words) + more


def _footer(timeline: Timeline, revisions: Revisions, path: str) -> Iterator[str]:
    changed = [revisions[e.id].modified for e in timeline.events if e.id in revisions]
    yield "<footer>"
    n = len(timeline.events)
    line = f"{n} event{'s' * (n != 1)}"
    if changed:
        latest = max(changed)
        line += f"; last changed {_time(latest, day_phrase(latest.date()))}"
    yield f"<p>{line}. Made with asean-timeline from events.toml.</p>"
    yield "</footer>"


# -- dates ---------------------------------------------------------------------


def _machine(value: date | datetime) -> str:
    """A ``<time datetime>`` value: a date, or a global date and time with its offset."""
    if not isinstance(value, datetime):
        return value.isoformat()
    text = value.strftime("%Y-%m-%dT%H:%M")
    if value.second:
        text += f":{value.second:02d}"
    offset = value.utcoffset()
    if offset is None:  # pragma: no cover - every model datetime is aware
        return text
    minutes = round(offset.total_seconds() / 60)
    if not minutes:
        return text + "Z"
    sign = "+" if minutes > 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _time(value: date | datetime, words: str) -> str:
    return f'<time datetime="{_machine(value)}">{_text(words)}</time>'


def _days_parts(first: date, last: date) -> tuple[str, str, str]:
    """:func:`wording.days_phrase` cut where the first day ends and the last begins."""
    if (first.year, first.month) == (last.year, last.month):
        return str(first.day), "–", f"{last.day} {month_name(last.month)} {last.year}"
    if first.year == last.year:
        return f"{first.day} {month_name(first.month)}", " – ", day_phrase(last)
    return day_phrase(first), " – ", day_phrase(last)


def _time_parts(start: datetime, end: datetime) -> tuple[str, str, str]:
    """:func:`wording.time_phrase` with an end, cut between its start and its end."""
    head = f"{day_phrase(start.date())}, {start:%H:%M}"
    if end.date() == start.date() and zone_label(end) == zone_label(start):
        return head, "–", f"{end:%H:%M} {zone_label(start)}"
    return (
        f"{head} {zone_label(start)}",
        " – ",
        f"{day_phrase(end.date())}, {end:%H:%M} {zone_label(end)}",
    )


def _span(first: date | datetime, last: date | datetime, parts: tuple[str, str, str]) -> str:
    return _time(first, parts[0]) + _text(parts[1]) + _time(last, parts[2])


def when_html(when: When) -> str:
    """:func:`wording.when_phrase` in ``<time>`` elements, machine-readable at its precision.

    A year is ``datetime="2009"``, a month ``"2023-04"``, a day ``"2023-12-17"``; spans
    (day ranges, windows, timed events with an end) put their two ends in two elements.
    """
    match when:
        case Year(year=year):
            return f'<time datetime="{year:04d}">{year}</time>'
        case Month(year=year, month=month):
            return f'<time datetime="{year:04d}-{month:02d}">{month_name(month)} {year}</time>'
        case Day(day=day):
            return _time(day, day_phrase(day))
        case DayRange(start=start, end=end):
            return _span(start, end, _days_parts(start, end))
        case DayInWindow(earliest=earliest, latest=latest):
            span = _span(earliest, latest, _days_parts(earliest, latest))
            return f"{span} (exact day unknown)"
        case Timed(start=start, end=None):
            return _time(start, time_phrase(start, None))
        case Timed(start=start, end=end) if end is not None:
            return _span(start, end, _time_parts(start, end))
    raise AssertionError(when)  # pragma: no cover - exhaustive


# -- the time axis ---------------------------------------------------------------


def _local_days(when: When) -> tuple[date, date]:
    """First and last day of the date as its reader sees them (timed: in its own zone)."""
    if isinstance(when, Timed):
        end = when.end or when.start
        return when.start.date(), end.astimezone(when.start.tzinfo).date()
    return when.first_day, when.last_day


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from the month of ``first`` to that of ``last``."""
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


_MONTH_SCALE = (
    '<div class="scale months">' + "".join(f"<span>{name[:3]}</span>" for name in MONTHS) + "</div>"
)


def _axis(when: When) -> str:
    """The date drawn on the months of its year and, for days, the days of its month(s).

    Decorative (``aria-hidden``): the ``<time>`` element says the same in words.
    """
    first, last = _local_days(when)
    months = _months(first, last)
    day_level = not isinstance(when, Year | Month)
    day_strip = day_level and len(months) <= _MAX_DAY_STRIP_MONTHS
    mark = "maybe" if isinstance(when, DayInWindow) else "on"
    # With a strip of days the months only locate them; without, they carry the mark.
    covered = "here" if day_strip else mark
    cells = []
    for month in range(1, 13):
        if isinstance(when, Year):
            state = "maybe"
        elif isinstance(when, Month):
            state = "on" if month == when.month else ""
        else:
            state = covered if (first.year, month) in months else ""
        cells.append(f'<i class="{state}"></i>' if state else "<i></i>")
    parts = [
        '<div class="axis" aria-hidden="true">',
        f'<div class="strip">{"".join(cells)}</div>',
        _MONTH_SCALE,
    ]
    if day_strip:
        days = []
        scale = []
        for index, (year, month) in enumerate(months):
            size = Month(year, month).last_day.day
            # The marked days of this month: all of them, except in the first and last month.
            low = first.day if index == 0 else 1
            high = last.day if index == len(months) - 1 else size
            classes = ([mark] if low == 1 else []) + (["first"] if index else [])
            days.append(f'<i class="{" ".join(classes)}"></i>' if classes else "<i></i>")
            # Days 2 to size: unmarked before low, marked from low to high, unmarked after.
            days.append("<i></i>" * max(0, low - 2))
            days.append(f'<i class="{mark}"></i>' * max(0, high - max(low, 2) + 1))
            days.append("<i></i>" * (size - max(high, 1)))
            scale.append(
                f'<span class="d{size}"><span>1</span>'
                f"<span>{month_name(month)} {year}</span><span>{size}</span></span>"
            )
        parts.append(f'<div class="strip days">{"".join(days)}</div>')
        parts.append(f'<div class="scale days">{"".join(scale)}</div>')
    parts.append("</div>")
    return "".join(parts)
