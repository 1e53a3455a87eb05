"""The Mermaid timeline block in timeline.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from asean_timeline.exporters.mermaid import MAX_EVENTS, escape
from asean_timeline.pipeline import load_timeline
from tests.conftest import SHIPPED, render_files


def _mermaid_blocks(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [t.content for t in tokens if t.type == "fence" and t.info == "mermaid"]


def test_timeline_md_has_one_mermaid_timeline_with_every_event() -> None:
    """The shipped timeline gets a diagram naming every event once, by year sections."""
    (block,) = _mermaid_blocks(render_files(SHIPPED)["timeline.md"].decode())
    lines = block.splitlines()
    assert lines[0] == "timeline"
    assert [line.strip() for line in lines if "section" in line] == [
        "section 2009",
        "section 2022",
        "section 2023",
        "section 2024",
    ]
    timeline, _ = load_timeline(SHIPPED)
    labels = [label.strip() for line in lines[2:] for label in line.split(" : ")[1:]]
    assert sorted(labels) == sorted(escape(event.title) for event in timeline.events)


@given(st.text())
def test_escaped_labels_hold_no_mermaid_syntax(text: str) -> None:
    """After escaping, a label has no ':', ';', '#'-comment, bracket, quote or line break."""
    escaped = escape(text)
    assert "\n" not in escaped
    assert "\r" not in escaped
    assert ":" not in escaped
    without_entities = re.sub(r"#\d+;", "", escaped)
    for char in ';#<>"`{}[]|':
        assert char not in without_entities


def test_large_timelines_get_no_diagram(write_toml: Callable[[str], Path]) -> None:
    """Past MAX_EVENTS events the diagram is left out rather than drawn unreadably."""
    events = "".join(
        f'[[events]]\nid = "e{n}"\ntitle = "E"\ndate = 2023-01-01\n'
        'sources = [{ publisher = "P" }]\n'
        for n in range(MAX_EVENTS + 1)
    )
    timeline_md = render_files(write_toml('[calendar]\ntitle = "T"\n' + events))["timeline.md"]
    assert _mermaid_blocks(timeline_md.decode()) == []


def test_colons_in_titles_are_entities() -> None:
    """A colon, semicolon or hash in a title is written as a Mermaid entity code."""
    assert escape("A: b; #c") == "A#58; b#59; #35;c"
