"""The progress line: drawn on a terminal only, never in CI or a pipe."""

from __future__ import annotations

import io

import pytest

from asean_timeline.progress import Progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_counts_and_a_cleared_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal (CI unset) the count is drawn in place and cleared at the end."""
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    progress = Progress("checking links", 2, stream)
    progress.advance()
    progress.advance()
    progress.done()
    text = stream.getvalue()
    assert "checking links 1/2" in text
    assert "checking links 2/2" in text
    assert text.endswith("\r\x1b[K")


def test_ci_and_pipes_see_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI set, or a stream that is not a terminal: nothing is written."""
    monkeypatch.setenv("CI", "true")
    on_ci = Terminal()
    Progress("x", 1, on_ci).advance()
    monkeypatch.delenv("CI")
    piped = io.StringIO()
    progress = Progress("x", 1, piped)
    progress.advance()
    progress.done()
    assert on_ci.getvalue() == piped.getvalue() == ""
