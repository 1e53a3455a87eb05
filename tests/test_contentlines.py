"""RFC 5545 content lines: escaping and folding, checked by property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser import Contentline

from asean_timeline.exporters.contentlines import content_line, escape_text, fold

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)


@given(texts)
def test_folded_lines_are_at_most_75_octets_and_whole_characters(value: str) -> None:
    """Every physical line fits in 75 octets and decodes on its own as UTF-8."""
    folded = fold("SUMMARY:" + escape_text(value))
    assert folded.endswith("\r\n")
    for physical in folded.encode("utf-8").split(b"\r\n")[:-1]:
        assert len(physical) <= 75
        physical.decode("utf-8")  # raises if a character was split


@given(texts)
def test_unfolding_restores_the_line(value: str) -> None:
    """Removing CRLF+space gives back exactly the logical line."""
    line = "DESCRIPTION:" + escape_text(value)
    assert fold(line).removesuffix("\r\n").replace("\r\n ", "") == line


@given(texts)
def test_escaped_text_round_trips_through_icalendar(value: str) -> None:
    """icalendar unescapes our TEXT to the original (newlines normalised to LF)."""
    line = content_line("SUMMARY", escape_text(value)).removesuffix("\r\n")
    name, _params, parsed = Contentline(line.replace("\r\n ", "")).parts()
    assert name == "SUMMARY"
    from icalendar.prop import vText

    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    assert str(vText.from_ical(parsed)) == expected


@given(texts)
def test_escaped_text_cannot_start_a_property(value: str) -> None:
    """No escaped text contains a raw line break, so it cannot inject BEGIN:VEVENT."""
    escaped = escape_text(value)
    assert "\n" not in escaped
    assert "\r" not in escaped


def test_fold_example() -> None:
    """A long ASCII line breaks at 75 octets, then 74 plus the leading space."""
    folded = fold("X:" + "a" * 200)
    assert [len(p) for p in folded.split("\r\n")[:-1]] == [75, 75, 54]
