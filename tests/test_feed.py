"""The JSON Feed output: valid JSON Feed 1.1, stable ids, the event record, safe HTML."""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from asean_timeline.model import CalendarInfo, Day, Event, Source, Timeline
from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import DATA, FIXED_TIME, FULL, SHIPPED, render_files

SCHEMA_PATH = DATA / "jsonfeed-1.1.schema.json"
INPUTS = pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(document: object) -> list[str]:
    return [error.message for error in _validator().iter_errors(document)]


@cache
def _feed_bytes(path: Path) -> bytes:
    return render_files(path)["feed.json"]


def _feed(path: Path) -> dict[str, Any]:
    feed: dict[str, Any] = json.loads(_feed_bytes(path))
    return feed


def _feed_of(timeline: Timeline) -> dict[str, Any]:
    feed: dict[str, Any] = json.loads(
        build_outputs(timeline, {}, FIXED_TIME, formats=("json",))["feed.json"]
    )
    return feed


def _items_by_event(feed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["_asean_timeline"]["id"]: item for item in feed["items"]}


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's for these strings)."""
    return json.dumps(value, ensure_ascii=False)


class _Html(HTMLParser):
    """Everything html.parser sees in a fragment: elements, raw text, and anything else."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.raw_text: list[str] = []
        self.other: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.raw_text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.raw_text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.raw_text.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"unknown declaration {data!r}")

    @property
    def text(self) -> str:
        return html.unescape("".join(self.raw_text))

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    @property
    def attributes(self) -> list[tuple[str, str, str | None]]:
        return [(tag, name, value) for tag, attrs in self.elements for name, value in attrs]

    @property
    def hrefs(self) -> list[str | None]:
        return [value for _, name, value in self.attributes if name == "href"]


EXPORTER_TAGS = {"p", "strong", "ul", "li", "a", "br", "code"}


def _assert_safe_html(parsed: _Html) -> None:
    assert parsed.tags <= EXPORTER_TAGS, parsed.elements
    assert not parsed.other
    assert {name for _, name, _ in parsed.attributes} <= {"href", "rel"}
    assert all(tag == "a" for tag, _, _ in parsed.attributes)
    for href in parsed.hrefs:
        assert href is not None
        assert urlsplit(href).scheme in ("http", "https"), href


# -- the schema itself ---------------------------------------------------------


MINIMAL_FEED: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "T",
    "items": [{"id": "1", "content_text": "x"}],
}

EVERY_FIELD_FEED: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "T",
    "home_page_url": "https://example.org/",
    "feed_url": "https://example.org/feed.json",
    "description": "d",
    "user_comment": "c",
    "next_url": "https://example.org/feed.json?page=2",
    "icon": "https://example.org/icon.png",
    "favicon": "https://example.org/favicon.png",
    "authors": [{"name": "A", "url": "mailto:a@example.org", "avatar": "https://e.org/a.png"}],
    "author": {"name": "A"},
    "language": "en-US",
    "expired": False,
    "hubs": [{"type": "WebSub", "url": "https://example.org/hub"}],
    "_ext": {"about": "https://example.org/ext"},
    "items": [
        {
            "id": "https://example.org/1",
            "url": "https://example.org/1",
            "external_url": "https://example.org/elsewhere",
            "title": "t",
            "content_html": "<p>x</p>",
            "content_text": "x",
            "summary": "s",
            "image": "https://example.org/i.png",
            "banner_image": "https://example.org/b.png",
            "date_published": "2010-02-07T14:04:00-05:00",
            "date_modified": "2010-02-07T19:04:00.5Z",
            "authors": [{"name": "B", "_ext": {}}],
            "tags": ["a", "b c"],
            "language": "es-mx",
            "attachments": [
                {
                    "url": "https://example.org/a.ogg",
                    "mime_type": "audio/ogg",
                    "title": "a",
                    "size_in_bytes": 31415927,
                    "duration_in_seconds": 1.5,
                }
            ],
            "_ext": {"x": 1},
        }
    ],
}


def _mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(MINIMAL_FEED)
    change(document)
    return document


INVALID_FEEDS: dict[str, Callable[[dict[str, Any]], None]] = {
    "no version": lambda d: d.pop("version"),
    "version 1.0": lambda d: d.update(version="https://jsonfeed.org/version/1"),
    "no title": lambda d: d.pop("title"),
    "no items": lambda d: d.pop("items"),
    "misspelt top-level key": lambda d: d.update(home_page_uri="https://example.org/"),
    "relative feed_url": lambda d: d.update(feed_url="feed.json"),
    "url with a space": lambda d: d.update(home_page_url="https://example.org/a b"),
    "expired as a string": lambda d: d.update(expired="yes"),
    "empty author": lambda d: d.update(authors=[{}]),
    "hub without url": lambda d: d.update(hubs=[{"type": "WebSub"}]),
    "language with a space": lambda d: d.update(language="en US"),
    "extension not an object": lambda d: d.update(_ext="x"),
    "extension name not _ and a letter": lambda d: d.update({"_1x": {}}),
    "extension name with a dot": lambda d: d.update({"_a.b": {}}),
    "extension member with a dot": lambda d: d.update(_ext={"a.b": 1}),
    "item without id": lambda d: d["items"][0].pop("id"),
    "numeric item id": lambda d: d["items"][0].update(id=1),
    "item without content": lambda d: d["items"][0].pop("content_text"),
    "misspelt item key": lambda d: d["items"][0].update(content="x"),
    "date only": lambda d: d["items"][0].update(date_published="2024-01-01"),
    "date-time without zone": lambda d: d["items"][0].update(date_modified="2024-01-01T00:00:00"),
    "month 13": lambda d: d["items"][0].update(date_published="2024-13-01T00:00:00Z"),
    "date-time and a newline": lambda d: d["items"][0].update(
        date_published="2024-01-01T00:00:00Z\n"
    ),
    "tag not a string": lambda d: d["items"][0].update(tags=[1]),
    "attachment without mime_type": lambda d: d["items"][0].update(
        attachments=[{"url": "https://example.org/a.ogg"}]
    ),
    "item extension not an object": lambda d: d["items"][0].update(_ext=[1]),
}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    """The JSON Feed schema is itself a valid draft 2020-12 JSON Schema."""
    Draft202012Validator.check_schema(_schema())


@pytest.mark.parametrize("document", [MINIMAL_FEED, EVERY_FIELD_FEED], ids=["minimal", "every"])
def test_schema_accepts_feeds_written_to_the_spec(document: dict[str, Any]) -> None:
    """A minimal feed and one using every field of JSON Feed 1.1 both pass the schema."""
    assert _errors(document) == []


@pytest.mark.parametrize("change", INVALID_FEEDS.values(), ids=INVALID_FEEDS.keys())
def test_schema_rejects_what_the_spec_forbids(
    change: Callable[[dict[str, Any]], None],
) -> None:
    """Each single violation of JSON Feed 1.1 (or a misspelt key) fails the schema."""
    assert _errors(_mutated(change)) != []


# -- the rendered feed -----------------------------------------------------------


@INPUTS
def test_feed_is_valid_json_feed_1_1(path: Path) -> None:
    """The rendered feed.json validates against the JSON Feed 1.1 schema."""
    assert _errors(_feed(path)) == []


@INPUTS
def test_feed_is_indented_utf8_with_a_trailing_newline(path: Path) -> None:
    """feed.json is UTF-8 (non-ASCII kept as is), indented, and ends with one newline."""
    raw = _feed_bytes(path)
    text = raw.decode("utf-8")
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


@INPUTS
def test_item_ids_are_unique(path: Path) -> None:
    """No two items of a feed share an id."""
    ids = [item["id"] for item in _feed(path)["items"]]
    assert len(ids) == len(set(ids))


@INPUTS
def test_one_item_per_event_in_chronological_order(path: Path) -> None:
    """The feed has exactly one item per event, in the timeline's chronological order."""
    timeline, _ = load_timeline(path)
    records = [item["_asean_timeline"] for item in _feed(path)["items"]]
    assert [record["id"] for record in records] == [event.id for event in timeline.events]

    def first_day(record: dict[str, Any]) -> date:
        start = record["start"]
        if record["precision"] == "year":
            return date(int(start), 1, 1)
        if record["precision"] == "month":
            return date.fromisoformat(f"{start}-01")
        return date.fromisoformat(start[:10])

    days = [first_day(record) for record in records]
    assert days == sorted(days)


def test_full_feed_order_is_by_first_day_then_last_day_then_id() -> None:
    """Ties on the first day are broken by the last day, then by the event id."""
    ids = [item["_asean_timeline"]["id"] for item in _feed(FULL)["items"]]
    assert ids == [
        "year-only",
        "month-only",
        "across-month-end",
        "window",
        "non-ascii",
        "timed-tokyo",
        "offset-time",
        "across-year-end",
        "timed-berlin-winter",
        "leap-day",
        "weekly-call",
        "across-dst-change",
        "fiscal-year-end",
        "cancelled-visit",
        "timed-berlin-summer",
    ]


STABILITY_TOML = """\
[calendar]
title = "Stability"
url = "https://example.org/stable/"
uid_domain = "stable.example.org"

{events}
"""

STABILITY_EVENTS = {
    "first": '[[events]]\nid = "first"\ntitle = "{title}"\ndate = 2024-01-01\n',
    "second": '[[events]]\nid = "second"\ntitle = "Second"\ndate = "2023-06"\n',
    "third": '[[events]]\nid = "third"\ntitle = "Third"\nbetween = [2022-01-01, 2022-01-09]\n',
}


def _stability_feed(write_toml: Callable[..., Path], order: list[str], title: str) -> Any:
    text = "\n".join(STABILITY_EVENTS[key] for key in order).replace("{title}", title)
    path = write_toml(STABILITY_TOML.replace("{events}", text), f"{'-'.join(order)}.toml")
    return _items_by_event(_feed_of(load_timeline(path)[0]))


def test_item_ids_are_stable_across_reordering_and_title_edits(
    write_toml: Callable[..., Path],
) -> None:
    """An item's id depends only on the event id and uid_domain, not on order or title."""
    before = _stability_feed(write_toml, ["first", "second", "third"], "First")
    reordered = _stability_feed(write_toml, ["third", "first", "second"], "First")
    retitled = _stability_feed(write_toml, ["second", "third", "first"], "First, renamed")
    ids = {key: item["id"] for key, item in before.items()}
    assert ids == {
        "first": "first@stable.example.org",
        "second": "second@stable.example.org",
        "third": "third@stable.example.org",
    }
    assert {key: item["id"] for key, item in reordered.items()} == ids
    assert {key: item["id"] for key, item in retitled.items()} == ids
    assert retitled["first"]["title"] == "First, renamed"
    assert [item["id"] for item in reordered.values()] == [
        "third@stable.example.org",
        "second@stable.example.org",
        "first@stable.example.org",
    ]


def test_feed_urls_are_derived_from_the_calendar_url() -> None:
    """home_page_url is [calendar].url, feed_url sits beside it, items link to #<event id>."""
    feed = _feed(FULL)
    assert feed["home_page_url"] == "https://example.org/tour/"
    assert feed["feed_url"] == "https://example.org/tour/feed.json"
    for item in feed["items"]:
        assert item["url"] == f"https://example.org/tour/#{item['_asean_timeline']['id']}"
    shipped = _feed(SHIPPED)
    assert shipped["home_page_url"] == "https://example.org/asean-timeline/"
    assert shipped["feed_url"] == "https://example.org/asean-timeline/feed.json"


def test_feed_without_a_calendar_url_has_no_urls(write_toml: Callable[..., Path]) -> None:
    """Without [calendar].url the feed omits home_page_url, feed_url and item urls, yet is valid."""
    path = write_toml(
        '[calendar]\ntitle = "No URL"\n\n[[events]]\nid = "a"\ntitle = "A"\ndate = 2024-01-01\n'
        'sources = [{ publisher = "P" }]\n'
    )
    feed = _feed_of(load_timeline(path)[0])
    assert "home_page_url" not in feed
    assert "feed_url" not in feed
    assert "url" not in feed["items"][0]
    assert feed["items"][0]["id"] == "a@asean-timeline"
    assert _errors(feed) == []


def test_item_dates_are_the_revision_time_in_utc() -> None:
    """On a first render, date_published and date_modified are the revision time, in UTC."""
    for item in _feed(FULL)["items"]:
        assert item["date_published"] == "2024-01-01T00:00:00Z"
        assert item["date_modified"] == "2024-01-01T00:00:00Z"


def test_external_url_is_the_first_source_url() -> None:
    """external_url is the first source URL; an event without one has no external_url."""
    items = _items_by_event(_feed(FULL))
    assert items["month-only"]["external_url"] == "https://example.org/a?x=1&y=2"
    assert items["non-ascii"]["external_url"] == "https://example.org/記事"
    assert "external_url" not in items["year-only"]


# (event id, precision, start, end, timezone) for each date form of tests/data/full.toml.
PRECISIONS = [
    ("year-only", "year", "2009", None, None),
    ("month-only", "month", "2023-04", None, None),
    ("leap-day", "day", "2024-02-29", None, None),
    ("across-month-end", "day-range", "2023-11-30", "2023-12-02", None),
    ("across-year-end", "day-range", "2023-12-31", "2024-01-01", None),
    ("window", "day-in-window", "2023-12-16", "2023-12-18", None),
    (
        "timed-tokyo",
        "time",
        "2023-12-17T10:00:00+09:00",
        "2023-12-17T12:30:00+09:00",
        "Asia/Tokyo",
    ),
    (
        "timed-berlin-summer",
        "time",
        "2024-07-01T09:00:00+02:00",
        "2024-07-01T10:30:00+02:00",
        "Europe/Berlin",
    ),
    ("timed-berlin-winter", "time", "2024-01-15T09:00:00+01:00", None, "Europe/Berlin"),
    (
        "across-dst-change",
        "time",
        "2024-03-30T22:00:00+01:00",
        "2024-03-31T04:00:00+02:00",
        "Europe/Berlin",
    ),
    ("offset-time", "time", "2023-12-18T08:00:00+07:00", None, None),
]


@pytest.mark.parametrize(
    ("event_id", "precision", "start", "end", "timezone"),
    PRECISIONS,
    ids=[case[0] for case in PRECISIONS],
)
def test_extension_record_dates_at_each_precision(
    event_id: str, precision: str, start: str, end: str | None, timezone: str | None
) -> None:
    """_asean_timeline gives start, end, precision and time zone exactly as the input had them."""
    record = _items_by_event(_feed(FULL))[event_id]["_asean_timeline"]
    assert record["precision"] == precision
    assert record["start"] == start
    assert record["end"] == end
    # Only timed records carry the key; for the others "no zone" is an absent key.
    assert record.get("timezone") == timezone
    if precision == "time":
        assert "timezone" in record


def test_extension_record_facts() -> None:
    """_asean_timeline holds countries, location, status and sources with the input's values."""
    items = _items_by_event(_feed(FULL))
    non_ascii = items["non-ascii"]["_asean_timeline"]
    assert non_ascii["countries"] == ["JP", "TH"]
    assert non_ascii["location"] == "東京, 日本; ห้อง A, B"
    assert non_ascii["status"] == "confirmed"
    assert non_ascii["tags"] == ["summit", "maritime-security"]
    assert non_ascii["description"].startswith("Line one; with a semicolon")
    assert non_ascii["sources"] == [
        {
            "title": "記事",
            "publisher": "共同通信",
            "url": "https://example.org/記事",
            "published": None,
            "accessed": "2023-12-18",
            "archived": "https://web.archive.org/web/20231218093000/https://example.org/記事",
            "archived_on": "2023-12-18",
            "language": "ja",
            "quote": '首脳は "海洋安全保障" で <b>協力</b> *合意* [1](javascript:x).',
        }
    ]
    month = items["month-only"]["_asean_timeline"]
    assert month["sources"] == [
        {
            "title": "April report",
            "publisher": "Example Wire",
            "url": "https://example.org/a?x=1&y=2",
            "published": "2023-05",
            "archived": "https://archive.example/a?x=1&y=2",
        }
    ]
    assert month["location"] is None
    assert month["countries"] == ["JP"]
    assert items["leap-day"]["_asean_timeline"]["status"] == "tentative"
    assert items["leap-day"]["_asean_timeline"]["sources"][0]["published"] == "2024-01-15"
    assert items["cancelled-visit"]["_asean_timeline"]["status"] == "cancelled"
    assert items["fiscal-year-end"]["_asean_timeline"]["recurrence"] == {
        "rrule": "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31;COUNT=10",
        "exdates": ["2026-03-31"],
    }


@INPUTS
def test_extension_record_matches_every_event(path: Path) -> None:
    """Every item's _asean_timeline has the event's id, title, status, place, countries, sources."""
    timeline, _ = load_timeline(path)
    items = _items_by_event(_feed(path))
    for event in timeline.events:
        item = items[event.id]
        record = item["_asean_timeline"]
        assert {"start", "end", "precision", "countries", "location", "status", "sources"} <= set(
            record
        )
        assert record["title"] == item["title"] == event.title
        assert record["status"] == event.status.value
        assert record["location"] == (event.location or None)
        assert record["countries"] == list(event.countries)
        assert record["tags"] == list(event.tags)
        assert item.get("tags", []) == list(event.tags)
        provenance = ("accessed", "archived", "archived_on", "language", "quote")
        assert record["sources"] == [
            {
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "published": s.published,
                **{key: str(getattr(s, key)) for key in provenance if getattr(s, key) is not None},
            }
            for s in event.sources
        ]


@INPUTS
def test_content_html_of_real_events_is_safe(path: Path) -> None:
    """The shipped timelines' content_html uses only the exporter's tags and http(s) links."""
    for item in _feed(path)["items"]:
        _assert_safe_html(_Html(item["content_html"]))


# -- hostile input -----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTRIBUTE = '" onmouseover="x'
JAVASCRIPT = "javascript:alert(1)"
HOSTILE = f"{SCRIPT} {IMG} {ATTRIBUTE} {JAVASCRIPT} &amp; &lt;b&gt; 'quoted'"
#: A valid http URL (no spaces) that tries to break out of the href attribute.
HOSTILE_URL = 'https://example.org/x"onmouseover="alert(1)'


@pytest.fixture
def hostile_feed(write_toml: Callable[..., Path]) -> dict[str, Any]:
    """The feed of one event whose every free-text field is hostile."""
    path = write_toml(
        f"""\
[calendar]
title = {_toml(HOSTILE)}
description = {_toml(HOSTILE)}
url = "https://example.org/h/"

[[events]]
id = "hostile"
title = {_toml(HOSTILE)}
date = 2024-01-02
location = {_toml(HOSTILE)}
description = {_toml(HOSTILE + chr(10) + chr(10) + JAVASCRIPT)}
countries = ["JP"]
tags = ["x"]
status = "tentative"
sources = [
  {{ title = {_toml(HOSTILE)}, publisher = {_toml(SCRIPT)}, url = {_toml(HOSTILE_URL)} }},
  {{ title = {_toml(JAVASCRIPT)}, url = "https://example.org/{JAVASCRIPT}" }},
  {{ title = {_toml(IMG)} }},
]
"""
    )
    return _feed_of(load_timeline(path)[0])


def test_hostile_text_cannot_inject_html(hostile_feed: dict[str, Any]) -> None:
    """Script, img, attribute and javascript: payloads in every text field stay inert text."""
    assert _errors(hostile_feed) == []
    content = hostile_feed["items"][0]["content_html"]
    parsed = _Html(content)
    _assert_safe_html(parsed)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert not [name for _, name, _ in parsed.attributes if name.startswith("on")]
    assert parsed.hrefs == [HOSTILE_URL, f"https://example.org/{JAVASCRIPT}"]
    assert parsed.text.count(HOSTILE) == 3  # description, location, source title
    assert f"{SCRIPT}: {HOSTILE}" in parsed.text  # "Publisher: Title"
    assert JAVASCRIPT in parsed.text
    assert IMG in parsed.text


def test_hostile_text_stays_plain_in_plain_text_fields(hostile_feed: dict[str, Any]) -> None:
    """title, summary and content_text carry the text as written: they are plain text."""
    item = hostile_feed["items"][0]
    assert hostile_feed["title"] == hostile_feed["description"] == HOSTILE
    assert item["title"] == HOSTILE
    assert item["summary"] == f"2 January 2024: {HOSTILE}"
    assert HOSTILE in item["content_text"]


PRINTABLE = (
    st.text(st.characters(exclude_categories=("C",)), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)


@settings(deadline=None)
@given(title=PRINTABLE, description=PRINTABLE, location=PRINTABLE, source_title=PRINTABLE)
def test_content_html_is_escaped_for_any_printable_text(
    title: str, description: str, location: str, source_title: str
) -> None:
    """For any printable text, content_html has only the exporter's tags and round-trips it."""
    source_url = "https://example.org/source"
    event = Event(
        id="e",
        title=title,
        when=Day(date(2024, 1, 2)),
        description=description,
        location=location,
        sources=(Source(source_title, None, source_url, None),),
    )
    item = _feed_of(Timeline(CalendarInfo(title="T"), (event,)))["items"][0]
    parsed = _Html(item["content_html"])
    _assert_safe_html(parsed)
    assert parsed.hrefs == [source_url]
    assert description in parsed.text
    assert f"Where: {location}" in parsed.text
    assert source_title in parsed.text
    assert item["title"] == title
    assert item["summary"] == f"2 January 2024: {title}"
