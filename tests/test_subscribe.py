"""dist/README.md, the subscription page, read back with a GFM Markdown parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from asean_timeline.pipeline import build_outputs, load_timeline
from tests.conftest import FIXED_TIME, SHIPPED

#: Backticks (one and a run of three), pipes and raw HTML in [calendar].url.
HOSTILE_URLS = [
    "https://example.org/a`<b>bold</b>`|<img/src=x>",
    "https://example.org/```x|y```/",
    "https://example.org/`",
]


def _tokens(markdown: str) -> list[Token]:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    found: list[Token] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            found.append(token)
            walk(token.children or [])

    walk(parser.parse(markdown))
    return found


def _page(url: str, tmp_path: Path) -> tuple[str, list[str]]:
    source = SHIPPED.read_text(encoding="utf-8")
    old = 'url = "https://example.org/asean-timeline/"'
    assert old in source
    path = tmp_path / "events.toml"
    escaped = url.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(source.replace(old, f'url = "{escaped}"'), encoding="utf-8")
    timeline, _ = load_timeline(path)
    assert timeline.calendar.url == url
    files = build_outputs(timeline, {}, FIXED_TIME)
    calendars = [name for name in files if name.endswith(".ics")]
    return files["README.md"].decode("utf-8"), calendars


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_hostile_calendar_url_stays_in_its_code_span_and_cell(url: str, tmp_path: Path) -> None:
    """A backtick or | in [calendar].url neither ends the webcal code span nor splits the
    table row; its < > stay text (no raw HTML)."""
    markdown, calendars = _page(url, tmp_path)
    tokens = _tokens(markdown)
    types = [token.type for token in tokens]
    assert "html_inline" not in types
    assert "html_block" not in types
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type in ("th_open", "td_open")]
    assert len(cells) == 3 * len(rows)
    spans = [t.content for t in tokens if t.type == "code_inline" and "example.org" in t.content]
    address = "webcal://" + url.split("://", 1)[1].rstrip("/")
    assert sorted(spans) == sorted(f"{address}/{path}" for path in calendars)
    assert len(spans) == len(rows) - 1  # one per calendar: every row but the header
