"""The terminal progress line: shown on a terminal, silent otherwise or in CI."""

from __future__ import annotations

import io

import pytest

from asean_timeline.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_counts_and_clears_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the line shows what, done/total, and is cleared at the end."""
    monkeypatch.delenv("CI", raising=False)
    stream = _Terminal()
    with Progress("publishing", 10, stream) as progress:
        progress.update(10)
    text = stream.getvalue()
    assert "publishing: 10/10" in text
    assert text.endswith("\r\x1b[K")


@pytest.mark.parametrize("ci", [None, "true"])
def test_progress_is_silent_off_a_terminal_or_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    """Not a terminal, or CI set: nothing is written."""
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
        stream: io.StringIO = io.StringIO()
    else:
        monkeypatch.setenv("CI", ci)
        stream = _Terminal()
    with Progress("publishing", 3, stream) as progress:
        for done in range(1, 4):
            progress.update(done)
    assert stream.getvalue() == ""
