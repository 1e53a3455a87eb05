"""Golden files: every output of each example, byte for byte.

tests/golden/<example>/ mirrors what `render` writes for that example. To
regenerate after an intended change, run

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review `git diff tests/golden` before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from asean_timeline.exporters.html import embed_js
from tests.conftest import FULL, SHIPPED, render_files

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Copied verbatim from the package, so compared with its source, not stored again.
ASSET = "embed.js"
EXAMPLES = {"shipped": SHIPPED, "full": FULL}


def _golden_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_outputs_match_golden_files(example: str) -> None:
    """Every rendered file equals its reviewed golden file, and none is missing or extra."""
    actual = render_files(EXAMPLES[example])
    assert actual.pop(ASSET) == embed_js()
    folder = GOLDEN / example
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(folder, ignore_errors=True)
        for name, content in actual.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
    golden = _golden_files(folder)
    assert sorted(actual) == sorted(golden), "run with UPDATE_GOLDEN=1 and review the diff"
    for name, content in actual.items():
        assert content == golden[name], f"{example}/{name} differs from its golden file"


def test_rendering_is_deterministic() -> None:
    """Two renders of the same input in one process give the same bytes."""
    assert render_files(FULL) == render_files(FULL)
