"""The HTML page (index.html) read back with html.parser: structure, dates, links, CSP, escaping.

What a browser does with the page (filters, colours, no requests) is in test_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asean_timeline import revisions as revisions_module
from asean_timeline.exporters import escape_html, get
from asean_timeline.exporters.html import SCRIPT, embed_js, is_web_url, when_html
from asean_timeline.model import Timeline
from asean_timeline.pipeline import load_timeline
from asean_timeline.present import RenderContext, present
from asean_timeline.selection import all_subcalendars
from asean_timeline.wording import when_phrase
from tests.conftest import FIXED_TIME, FULL, SHIPPED

INPUTS = pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_URL = 'https://example.org/?q="><script>alert(2)</script>'


@dataclass
class Node:
    """An element of the parsed page."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [
            node
            for node in self.walk()
            if node.tag == tag and all(node.attrs.get(k) == v for k, v in attrs.items())
        ]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Tree(HTMLParser):
    """A tolerant tree builder that also fails on anything but elements and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(data)

    def handle_decl(self, decl: str) -> None:
        assert decl == "DOCTYPE html"


def parse(page: bytes) -> Node:
    tree = _Tree()
    tree.feed(page.decode("utf-8"))
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements"
    assert not tree.other
    return tree.root


def render_page(timeline: Timeline) -> bytes:
    current = revisions_module.update(timeline, {}, FIXED_TIME)
    return dict(get("html").render(RenderContext(timeline, current)))["index.html"]


@cache
def _page(path: Path) -> bytes:
    return render_page(load_timeline(path)[0])


def _hostile(tmp_path: Path) -> Path:
    toml = tmp_path / "events.toml"
    toml.write_text(
        "[calendar]\n"
        f"title = {json.dumps(HOSTILE_TITLE)}\n"
        'description = "</style><script>alert(3)</script>"\n'
        'url = "https://example.org/x/"\n'
        "[[events]]\n"
        'id = "hostile"\n'
        f"title = {json.dumps(HOSTILE_TITLE)}\n"
        "date = 2024-01-02\n"
        "location = \"<img src=x onerror='alert(4)'>\"\n"
        'description = "a & b <b>not bold</b>\\n\\n\\"quoted\\""\n'
        f"url = {json.dumps(HOSTILE_URL)}\n"
        'sources = [{ publisher = "<i>P</i>", title = "T&amp;", '
        f"url = {json.dumps(HOSTILE_URL)} }}]\n",
        encoding="utf-8",
    )
    return toml


@INPUTS
def test_page_is_well_formed_and_byte_identical(path: Path) -> None:
    """The page parses into properly nested elements and renders the same bytes twice."""
    page = _page(path)
    assert page == render_page(load_timeline(path)[0])
    assert page.startswith(b"<!DOCTYPE html>\n<html lang=")
    assert page.endswith(b"</html>\n")
    parse(page)


@INPUTS
def test_csp_allows_exactly_the_inline_style_and_script(path: Path) -> None:
    """The CSP names the SHA-256 of the one <style> and <script>; nothing else may load."""
    root = parse(_page(path))
    (meta,) = root.find_all("meta", **{"http-equiv": "Content-Security-Policy"})
    policy = dict(
        ([*part.split(" ", 1), ""])[:2] for part in (meta.attrs["content"] or "").split("; ")
    )
    assert policy["default-src"] == "'none'"
    (style,) = root.find_all("style")
    (script,) = root.find_all("script")
    for node, directive in ((style, "style-src"), (script, "script-src")):
        digest = base64.b64encode(hashlib.sha256(node.text.encode()).digest()).decode()
        assert policy[directive] == f"'sha256-{digest}'"
    assert "unsafe" not in meta.attrs["content"]
    head = next(n for n in root.walk() if n.tag == "head")
    assert head.children.index(meta) < head.children.index(style)
    assert not [n for n in root.walk() if "src" in n.attrs or "style" in n.attrs]
    assert not [n for n in root.walk() if any(a.startswith("on") for a in n.attrs)]


@INPUTS
def test_events_are_articles_grouped_by_year(path: Path) -> None:
    """Each event is an <article> (id = event id) in an <ol> under an <h2> of its year."""
    timeline = load_timeline(path)[0]
    root = parse(_page(path))
    ids = []
    for section in root.find_all("section", **{"class": "year"}):
        (heading,) = section.find_all("h2")
        (ol,) = section.find_all("ol")
        for article in ol.find_all("article"):
            ids.append(article.attrs["id"])
            event = timeline.event(article.attrs["id"] or "")
            assert heading.text == str(event.when.first_day.year)
            (title,) = article.find_all("h3")
            assert title.text == event.title
    assert ids == [event.id for event in timeline.events]


def test_time_elements_are_machine_readable_at_their_precision() -> None:
    """<time datetime> holds a year, a month, a day, both ends of a span, or an offset time."""
    timeline = load_timeline(FULL)[0]
    root = parse(_page(FULL))

    def datetimes(event_id: str) -> list[str | None]:
        (article,) = root.find_all("article", id=event_id)
        (when,) = [n for n in article.walk() if "when" in n.classes()]
        assert when.text == when_phrase(timeline.event(event_id).when)
        return [n.attrs["datetime"] for n in when.find_all("time")]

    assert datetimes("year-only") == ["2009"]
    assert datetimes("month-only") == ["2023-04"]
    assert datetimes("leap-day") == ["2024-02-29"]
    assert datetimes("across-month-end") == ["2023-11-30", "2023-12-02"]
    assert datetimes("window") == ["2023-12-16", "2023-12-18"]
    assert datetimes("timed-tokyo") == ["2023-12-17T10:00+09:00", "2023-12-17T12:30+09:00"]
    assert datetimes("timed-berlin-winter") == ["2024-01-15T09:00+01:00"]
    assert datetimes("across-dst-change") == ["2024-03-30T22:00+01:00", "2024-03-31T04:00+02:00"]
    assert datetimes("offset-time") == ["2023-12-18T08:00+07:00"]


@INPUTS
def test_every_date_phrase_is_the_shared_wording(path: Path) -> None:
    """The text of the <time> elements is exactly wording.when_phrase, HTML-escaped."""
    for event in load_timeline(path)[0].events:
        fragment = parse(when_html(present(event, "example.org")).encode())
        assert fragment.text == when_phrase(event.when)


def test_axis_marks_a_month_and_hatches_an_uncertain_window() -> None:
    """A month event fills its month; a window hatches its days; a year hatches every month."""
    root = parse(_page(FULL))

    def strips(event_id: str) -> list[list[set[str]]]:
        (article,) = root.find_all("article", id=event_id)
        (axis,) = [n for n in article.walk() if "axis" in n.classes()]
        assert axis.attrs["aria-hidden"] == "true"
        found = [n for n in axis.walk() if "strip" in n.classes()]
        return [[c.classes() for c in strip.find_all("i")] for strip in found]

    (months,) = strips("month-only")
    assert [i for i, c in enumerate(months) if c] == [3]
    assert months[3] == {"on"}
    (months,) = strips("year-only")
    assert all(c == {"maybe"} for c in months)
    assert len(months) == 12
    months, days = strips("window")
    assert months[11] == {"here"}
    assert [i + 1 for i, c in enumerate(days) if "maybe" in c] == [16, 17, 18]
    assert not any("on" in c for c in days)
    months, days = strips("across-month-end")  # November and December, back to back
    assert len(days) == 61
    assert [i for i, c in enumerate(days) if "on" in c] == [29, 30, 31]


def test_a_long_span_marks_its_months(tmp_path: Path) -> None:
    """Days spanning more than two months are marked on the months, without a strip of days."""
    toml = tmp_path / "events.toml"
    toml.write_text(
        '[calendar]\ntitle = "T"\n[[events]]\nid = "long"\ntitle = "Long"\n'
        'start = 2024-02-10\nend = 2024-04-02\nsources = [{ publisher = "P" }]\n'
        '[[events]]\nid = "unsure"\ntitle = "Unsure"\nbetween = [2024-02-10, 2024-04-02]\n'
        'sources = [{ publisher = "P" }]\n',
        encoding="utf-8",
    )
    root = parse(render_page(load_timeline(toml)[0]))
    for event_id, mark in (("long", "on"), ("unsure", "maybe")):
        (article,) = root.find_all("article", id=event_id)
        (strip,) = [n for n in article.walk() if "strip" in n.classes()]
        assert [c.classes() for c in strip.find_all("i")][:5] == [
            set(),
            {mark},
            {mark},
            {mark},
            set(),
        ]


@INPUTS
def test_links_are_http_or_the_pages_own_files(path: Path) -> None:
    """Every href is http(s), webcal for a calendar, a fragment, or a relative dist/ path."""
    for node in parse(_page(path)).walk():
        href = node.attrs.get("href")
        if href is None:
            continue
        scheme = urlsplit(href).scheme
        if scheme == "webcal":
            assert href.endswith(".ics")
        elif scheme:
            assert scheme in ("http", "https", "data")
            assert scheme != "data" or node.tag == "link"
        else:
            assert re.fullmatch(r"#[A-Za-z][\w-]*|[\w./-]+", href), href


@INPUTS
def test_every_source_and_calendar_is_linked(path: Path) -> None:
    """Each source URL, events.ics and every sub-calendar (https and webcal) has a link."""
    timeline = load_timeline(path)[0]
    hrefs = {n.attrs.get("href") for n in parse(_page(path)).walk()}
    for event in timeline.events:
        for source in event.sources:
            if source.url:
                assert source.url in hrefs
    base = timeline.calendar.url
    assert base is not None
    for file in ["events.ics", *(f"{c.path}.ics" for c in all_subcalendars(timeline))]:
        assert base + file in hrefs
        assert "webcal://" + (base + file).split("://", 1)[1] in hrefs


def test_relative_calendar_links_without_a_url(tmp_path: Path) -> None:
    """Without [calendar].url the calendars are linked relatively, with no webcal form."""
    toml = tmp_path / "events.toml"
    toml.write_text(
        '[calendar]\ntitle = "T"\n[[events]]\nid = "a"\ntitle = "A"\ndate = 2024-01-02\n'
        'countries = ["MY"]\nsources = [{ publisher = "P" }]\n',
        encoding="utf-8",
    )
    root = parse(render_page(load_timeline(toml)[0]))
    hrefs = {n.attrs.get("href") for n in root.walk()} - {None}
    assert {"events.ics", "calendars/countries/MY.ics", "feed.json"} <= hrefs
    assert not [h for h in hrefs if h and h.startswith("webcal:")]


def test_every_user_string_is_escaped(tmp_path: Path) -> None:
    """Markup in titles, places, descriptions, sources and URLs stays text; one script only."""
    root = parse(render_page(load_timeline(_hostile(tmp_path))[0]))
    assert len(root.find_all("script")) == 1
    assert len(root.find_all("style")) == 1
    assert not root.find_all("img")
    assert not root.find_all("b")
    (article,) = root.find_all("article", id="hostile")
    (title,) = article.find_all("h3")
    assert title.text == HOSTILE_TITLE
    assert "<img src=x onerror='alert(4)'>" in article.text
    assert "a & b <b>not bold</b>" in article.text
    assert "<i>P</i>: T&amp;" in article.text
    assert HOSTILE_URL in {n.attrs.get("href") for n in article.walk()}
    (heading,) = root.find_all("h1")
    assert heading.text == HOSTILE_TITLE


def test_is_web_url_accepts_only_absolute_http() -> None:
    """Only absolute http(s) addresses become links."""
    assert is_web_url("https://example.org/a")
    assert is_web_url("http://example.org")
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.org", "/a", "https://"):
        assert not is_web_url(bad)


def test_scripts_never_write_markup() -> None:
    """embed.js (package data) and the page's script use no innerHTML or other HTML sinks."""
    script = embed_js().decode("utf-8")
    assert "data-asean-timeline" in script
    assert "attachShadow" in script
    for source in (script, SCRIPT):
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source


@given(st.text())
def test_escape_html_is_html_escape(text: str) -> None:
    """The exporters' own HTML escaping gives exactly the standard library's result."""
    assert escape_html(text) == html.escape(text)
