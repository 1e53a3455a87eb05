"""changes.xml (Atom, RFC 4287) and changes.md: the recent changes, for followers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from asean_timeline import revisions
from asean_timeline.cli import cli
from asean_timeline.exporters import atom, get
from asean_timeline.load import parse_document
from asean_timeline.model import Timeline
from asean_timeline.present import RenderContext
from asean_timeline.validate import validate
from tests.conftest import FIXED_TIME
from tests.test_diff import EDITS, VERSIONS

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(timeline: Timeline, state: revisions.Revisions) -> bytes:
    """changes.xml as the registered format renders it."""
    return dict(get("atom").render(RenderContext(timeline, state)))["changes.xml"]


def _page(timeline: Timeline, state: revisions.Revisions) -> bytes:
    """changes.md as the registered format renders it."""
    return dict(get("changes-md").render(RenderContext(timeline, state)))["changes.md"]


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")


def _timeline(text: str) -> Timeline:
    checked = validate(parse_document(text.encode(), "events.toml"))
    assert checked.timeline is not None, checked.problems
    return checked.timeline


def _history(texts: list[str]) -> tuple[Timeline, dict[str, revisions.Revision]]:
    """Render each text in turn, a day apart, as render keeps revisions.json."""
    state: dict[str, revisions.Revision] = {}
    timeline = _timeline(texts[0])
    for day, text in enumerate(texts):
        timeline = _timeline(text)
        state = revisions.loads(
            revisions.dumps(revisions.update(timeline, state, FIXED_TIME + timedelta(days=day)))
        )
    return timeline, state


WITH_URL = [
    text.replace(
        'timezone = "Asia/Tokyo"', 'timezone = "Asia/Tokyo"\nurl = "https://example.org/t/"', 1
    )
    for text in VERSIONS
]


@pytest.fixture(scope="module")
def feed_bytes() -> bytes:
    timeline, state = _history(WITH_URL)
    return _feed(timeline, state)


def test_feedparser_reads_every_change(feed_bytes: bytes) -> None:
    """A real feed reader parses the feed cleanly: one entry per change, newest first,
    each with its stable id, its revision time, its words and its link."""
    parsed = feedparser.parse(feed_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Diff test: changes"
    titles = [entry.title for entry in parsed.entries]
    assert titles[:6] == [
        "Changed: Japan launches OSA (sources)",
        "Cancelled: Kishida and Anwar talks",
        "Changed: Japan launches OSA (date)",
        "Changed: Kishida and Anwar talks (date)",
        "Removed: Fiscal year ends",
        "Added: Commemorative summit",
    ]
    newest = parsed.entries[0]
    assert newest.id == "tag:example.org,2024-01-01:osa-launch/2"
    assert newest.updated == f"{(FIXED_TIME + timedelta(days=len(EDITS))):%Y-%m-%dT%H:%M:%SZ}"
    assert newest.link == "https://example.org/t/#osa-launch"
    assert "sources: + Nikkei Asia" in newest.summary
    assert "<li>sources: + Nikkei Asia</li>" in newest.content[0].value
    cancelled = parsed.entries[1]
    assert cancelled.tags[0].term == "cancelled"
    assert "status: tentative → cancelled" in cancelled.summary
    # the three events of the first version, then the one added: four additions in all
    assert sum(entry.title.startswith("Added: ") for entry in parsed.entries) == 4


def test_rfc_4287_required_elements(feed_bytes: bytes) -> None:
    """atom:feed has one id, title and updated, and an author (here at feed level);
    every atom:entry has one id, title, updated and an alternate link (it has no
    atom:content with src, so a summary is not required but is given)."""
    root = ET.fromstring(feed_bytes)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert RFC3339.match(root.findtext(f"{ATOM}updated") or "")
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated") or "")
        alternates = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternates) == 1
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(set(ids)) == len(ids)
    self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == ["https://example.org/t/changes.xml"]


def test_feed_updated_is_the_newest_revision_never_the_clock(feed_bytes: bytes) -> None:
    """The feed's updated is the last revision's time (the edit of day 6), not that of
    the last render (day 7, a reorder that changed nothing)."""
    parsed = feedparser.parse(feed_bytes)
    assert parsed.feed.updated == f"{FIXED_TIME + timedelta(days=len(EDITS)):%Y-%m-%dT%H:%M:%SZ}"


def test_unchanged_input_gives_byte_identical_feeds() -> None:
    """Rendering the last version again, much later, changes no byte of either page."""
    timeline, state = _history(WITH_URL)
    again = revisions.update(timeline, state, FIXED_TIME + timedelta(days=500))
    assert _feed(timeline, again) == _feed(timeline, state)
    assert _page(timeline, again) == _page(timeline, state)


def test_entry_ids_stay_the_same_as_more_changes_come() -> None:
    """An entry keeps its id and time when later edits push new entries in front of it."""
    earlier = feedparser.parse(_feed(*_history(WITH_URL[:4])))
    later = feedparser.parse(_feed(*_history(WITH_URL)))
    before = {entry.id: (entry.title, entry.updated) for entry in earlier.entries}
    after = {entry.id: (entry.title, entry.updated) for entry in later.entries}
    assert before.items() <= after.items()


def test_changes_limit_keeps_the_newest() -> None:
    """[calendar] changes_limit bounds the entries to the newest ones."""
    texts = [
        t.replace('title = "Diff test"', 'title = "Diff test"\nchanges_limit = 2') for t in WITH_URL
    ]
    parsed = feedparser.parse(_feed(*_history(texts)))
    assert [entry.id for entry in parsed.entries] == [
        "tag:example.org,2024-01-01:osa-launch/2",
        "tag:example.org,2024-01-01:anwar-talks/2",
    ]


HOSTILE_TITLE = 'Talks </title><script>alert("x")</script> & ]]> <![CDATA[ [x](javascript:y)'


def test_user_text_is_escaped_in_both_pages() -> None:
    """A title made of markup reaches a reader as exactly that text."""
    texts = [VERSIONS[0], VERSIONS[0].replace('"Kishida and Anwar talks"', _toml(HOSTILE_TITLE))]
    timeline, state = _history(texts)
    parsed = feedparser.parse(_feed(timeline, state))
    assert not parsed.bozo
    assert parsed.entries[0].title == f"Changed: {HOSTILE_TITLE} (title)"
    ET.fromstring(_feed(timeline, state))  # well-formed
    page = _page(timeline, state).decode()
    tokens = MarkdownIt("gfm-like").parse(page)
    inline = [child for token in tokens for child in token.children or []]
    assert not [t for t in inline if t.type in ("html_inline",)]
    assert not [t for t in tokens if t.type == "html_block"]
    hrefs = [t.attrs["href"] for t in inline if t.type == "link_open"]
    assert all(str(href).startswith(("index.html#", "changes.xml")) for href in hrefs)


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_changes_md_groups_by_day_newest_first() -> None:
    """changes.md lists the same changes under the day of each revision."""
    page = _page(*_history(WITH_URL)).decode()
    days = re.findall(r"^## (.*)$", page, flags=re.M)
    assert days == [f"{d} January 2024" for d in (7, 6, 5, 4, 3, 2, 1)]
    assert "  - status: tentative → cancelled" in page
    assert "- **Removed**: [Fiscal year ends](<https://example.org/t/#fiscal-year>)" in page


def test_a_format_1_history_tells_nothing_it_cannot_know() -> None:
    """Revisions from before the history (no records) give no entries but additions at 0."""
    timeline = _timeline(VERSIONS[0])
    state = revisions.update(timeline, {}, FIXED_TIME)
    bumped = {
        key: revisions.Revision(r.fingerprint, 3, r.created, r.modified) for key, r in state.items()
    }
    upgraded = revisions.update(timeline, bumped, datetime(2030, 1, 1, tzinfo=FIXED_TIME.tzinfo))
    assert feedparser.parse(_feed(timeline, upgraded)).entries == []
    assert "No changes yet." in _page(timeline, upgraded).decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"50"', "changes_limit must be a whole number, not text"),
        ("true", "changes_limit must be a whole number"),
        ("0", "changes_limit 0 is outside 1 to 1,000"),
        ("1001", "changes_limit 1001 is outside 1 to 1,000"),
    ],
)
def test_a_bad_changes_limit_is_explained(value: str, message: str) -> None:
    """changes_limit must be a whole number from 1 to 1,000; anything else is one problem."""
    text = VERSIONS[0].replace(
        'title = "Diff test"', f'title = "Diff test"\nchanges_limit = {value}'
    )
    checked = validate(parse_document(text.encode(), "events.toml"))
    assert [(p.field, p.line) for p in checked.errors] == [("changes_limit", 3)]
    assert message in checked.errors[0].message


def test_render_writes_the_changes_of_an_edit(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI: render, edit, render later; changes.xml and changes.md tell the
    edit in words, and export --format atom writes the same feed."""
    runner = CliRunner()
    assert runner.invoke(cli, ["render"]).exit_code == 0
    path = project / "events.toml"
    path.write_text(path.read_text().replace("date = 2023-12-17", "date = 2023-12-18", 1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_704_067_200 + 86_400))
    assert runner.invoke(cli, ["render"]).exit_code == 0
    feed = (project / "dist" / "changes.xml").read_bytes()
    newest = feedparser.parse(feed).entries[0]
    assert newest.title == "Changed: Japan–ASEAN Commemorative Summit in Tokyo (date)"
    assert newest.updated == "2024-01-02T00:00:00Z"
    assert "date: 17 December 2023 → 18 December 2023" in newest.summary
    page = (project / "dist" / "changes.md").read_text(encoding="utf-8")
    assert page.index("## 2 January 2024") < page.index("## 1 January 2024")
    exported = runner.invoke(cli, ["export", "--format", "atom"])
    assert exported.exit_code == 0
    assert exported.stdout_bytes == feed


@given(st.text())
def test_escape_xml_keeps_any_text_as_text(text: str) -> None:
    """Any string, escaped, parses back as itself in content and in an attribute (with
    what XML 1.0 cannot hold replaced by U+FFFD)."""
    escaped = atom.escape_xml(text)
    element = ET.fromstring(f'<a b="{escaped}">{escaped}</a>')
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "\ufffd", text)
    # XML normalises line ends (and attribute whitespace) on reading.
    assert (element.text or "") == expected.replace("\r\n", "\n").replace("\r", "\n")
    attribute = re.sub(r"\r\n|[\r\n\t]", " ", expected.replace("\r\n", "\n"))
    assert element.get("b") == attribute


def test_a_filtered_export_tells_only_the_selected_events(project: Path) -> None:
    """export --format atom --tag T lists the changes of T's events only: the events it
    leaves out are not reported as removed."""
    runner = CliRunner()
    assert runner.invoke(cli, ["render"]).exit_code == 0
    exported = runner.invoke(cli, ["export", "--format", "atom", "--tag", "budget"])
    assert exported.exit_code == 0, exported.output
    titles = [entry.title for entry in feedparser.parse(exported.stdout_bytes).entries]
    assert titles == ["Added: The fiscal year of OSA's first 2 billion yen budget ends"]


#: RFC 4151's tagURI: "tag:" authorityName "," date ":" specific (pchar, "/" or "?").
TAG_URI = re.compile(
    r"^tag:[a-z0-9.-]+,\d{4}(?:-\d\d(?:-\d\d)?)?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})*$"
)


def test_entry_ids_are_tag_uris(feed_bytes: bytes) -> None:
    """Every entry id is a valid tag URI, and the feed's id a urn:uuid."""
    root = ET.fromstring(feed_bytes)
    ids = [entry.findtext(f"{ATOM}id") or "" for entry in root.findall(f"{ATOM}entry")]
    assert ids
    assert all(TAG_URI.match(entry_id) for entry_id in ids), ids
    assert re.match(r"^urn:uuid:[0-9a-f-]{36}$", root.findtext(f"{ATOM}id") or "")
