"""Golden files: each output of each example, byte for byte.

To regenerate after an intended change, run

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import FULL, SHIPPED, render_files

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = {"shipped": SHIPPED, "full": FULL}
OUTPUTS = ("events.ics", "timeline.md", "feed.json", "revisions.json")


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_output_matches_golden_file(example: str, output: str) -> None:
    """The rendered output equals the reviewed golden file."""
    actual = render_files(EXAMPLES[example])[output]
    golden = GOLDEN / f"{example}.{output}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"missing {golden}: run with UPDATE_GOLDEN=1"
    assert actual == golden.read_bytes()


def test_rendering_is_deterministic() -> None:
    """Two renders of the same input in one process give the same bytes."""
    assert render_files(FULL) == render_files(FULL)
