"""Loading: the position scanner agrees with TOML, and no text makes loading crash."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asean_timeline import scanner
from asean_timeline.load import parse_document
from asean_timeline.problems import InvalidInputError
from asean_timeline.validate import validate
from tests.conftest import FULL, SHIPPED

SAMPLE = SHIPPED.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])
def test_every_event_key_is_found_on_its_own_line(path: Path) -> None:
    """The scanner puts each event key on the line where `key =` is written."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    document = parse_document(text.encode(), path.name)
    events = tomllib.loads(text)["events"]
    for index, event in enumerate(events):
        for key in event:
            line = document.positions.exact("events", index, key)
            assert line is not None, (index, key)
            assert lines[line - 1].lstrip().startswith(f"{key} ="), (index, key, line)
        assert document.positions.ids[index] == event["id"]


def test_positions_of_sources_written_as_tables_and_inline() -> None:
    """[[events.sources]] tables and items of a list over lines each have their own line."""
    text = """[calendar]
title = "T"

[[events]]
id = "a"
sources = [
  { publisher = "A" },
  { publisher = "B", url = "https://b.example" },
]

[[events]]
id = "b"

[[events.sources]]
publisher = "C"

[[events.sources]]
publisher = "D"
url = "https://d.example"
"""
    positions = parse_document(text.encode(), "e.toml").positions
    assert positions.exact("events", 0, "sources", 1) == 8
    assert positions.exact("events", 0, "sources", 1, "url") == 8
    assert positions.exact("events", 1, "sources", 0) == 14
    assert positions.exact("events", 1, "sources", 1, "url") == 19
    # A key that is not written falls back to the nearest enclosing line.
    assert positions.line("events", 1, "sources", 1, "title") == 17


@pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])
def test_valid_files_are_never_scanned_for_positions(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key positions are scanned only when a problem needs a line; a clean file needs none."""
    scans: list[str] = []
    original = scanner.Scanner.run

    def counted(instance: scanner.Scanner) -> scanner.Scan:
        scans.append(instance.text)
        return original(instance)

    monkeypatch.setattr(scanner.Scanner, "run", counted)
    document = parse_document(path.read_bytes(), path.name)
    assert validate(document).problems == ()
    assert scans == []
    assert document.positions.exact("events", 0, "id") is not None  # scanned on first use
    assert len(scans) == 1
    assert document.positions is document.positions  # and only once
    assert len(scans) == 1


#: Characters whose insertion or deletion breaks TOML in interesting ways.
_SIGNIFICANT = [*"[]{}\"'=,#.\\\n\r\t -:T", "\x00", "\ufeff", "é", '"""', "'''", "[["]


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    """The shipped file with a few random insertions, deletions and replacements."""
    text = SAMPLE
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(_SIGNIFICANT) | st.text(max_size=3))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=40)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_mutated())
def test_damaged_files_get_located_problems_never_a_crash(text: str) -> None:
    """Whatever the damage, loading and validating raise only InvalidInputError.

    Every problem names a line inside the file (or none, for whole-file problems).
    """
    raw = text.encode("utf-8", "surrogatepass")
    line_count = text.count("\n") + 1
    try:
        problems = validate(parse_document(raw, "events.toml")).problems
    except InvalidInputError as error:
        problems = tuple(error.problems)
    for problem in problems:
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= line_count, problem


@settings(deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    """Random bytes are refused or validated, with problems, never an exception."""
    try:
        problems = validate(parse_document(raw, "events.toml")).problems
    except InvalidInputError as error:
        problems = tuple(error.problems)
    assert all(problem.message for problem in problems)
