"""Shared fixtures, and the guard that makes "no tests ran" a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from asean_timeline.model import Timeline
from asean_timeline.pipeline import build_outputs, load_timeline

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.toml"
DATA = Path(__file__).resolve().parent / "data"
FULL = DATA / "full.toml"
#: The revision time of every first render in tests (no clock is ever read).
FIXED_TIME = datetime(2024, 1, 1, tzinfo=UTC)


# Property tests run 2,000 examples each in CI (CI=true) and 200 locally; the
# failing examples hypothesis keeps in .hypothesis/ stay out of git.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no tests fails (exit 1) instead of exiting 5."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def render_files(path: Path) -> dict[str, bytes]:
    """Every output of ``path`` on its first render (no previous revisions)."""
    timeline, _ = load_timeline(path)
    return build_outputs(timeline, {}, FIXED_TIME)


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text to a fresh events.toml and return its path."""

    def write(text: str, name: str = "events.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of the shipped events.toml, with a fixed revision time."""
    shutil.copy(SHIPPED, tmp_path / "events.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    return tmp_path


@pytest.fixture
def full_timeline() -> Timeline:
    """The feature-tour timeline of tests/data/full.toml."""
    return load_timeline(FULL)[0]
