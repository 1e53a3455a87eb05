"""Sharing render's work between forked processes: same results, errors surface."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline import workers
from asean_timeline.cli import cli
from tests.conftest import FULL

needs_fork = pytest.mark.skipif(not workers.can_fork(), reason="processes are used on Linux only")


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_share_balances_costs_and_is_deterministic() -> None:
    """Largest first, each to the lightest bin: totals end close, the same every time."""
    costs = [9.5, 6.5, 5.0, 4.5, 1.1]
    shares = workers.share(costs, 2)
    assert shares == [[0, 3], [1, 2, 4]]
    assert workers.share(costs, 2) == shares
    totals = [sum(costs[i] for i in share) for share in shares]
    assert abs(totals[0] - totals[1]) <= max(costs)
    assert workers.share(costs, 1) == [[0, 1, 2, 3, 4]]


@needs_fork
def test_run_uses_other_processes_and_keeps_input_order() -> None:
    """Results come back in input order; the second share ran in another process."""
    work: list[Callable[[], tuple[int, int]]] = [(lambda i=i: (i, os.getpid())) for i in range(5)]
    results = workers.run(work, [5, 4, 3, 2, 1], processes=2)
    assert [index for index, _ in results] == [0, 1, 2, 3, 4]
    assert {pid for _, pid in results} - {os.getpid()}, "nothing ran in a child process"


def test_run_with_one_process_runs_everything_here() -> None:
    """processes=1 calls each piece here, in order."""
    results = workers.run([os.getpid, os.getpid], [1, 1], processes=1)
    assert results == [os.getpid(), os.getpid()]


def _fails() -> int:
    raise ValueError("broken output")


def _dies() -> int:
    os._exit(3)


@needs_fork
def test_an_exception_in_a_child_is_raised_here() -> None:
    """A piece of work that raises in a worker raises the same exception in the caller."""
    with pytest.raises(ValueError, match="broken output"):
        workers.run([os.getpid, _fails], [2, 1], processes=2)


@needs_fork
def test_a_child_that_dies_raises_worker_error() -> None:
    """A worker that ends without answering is an error, never missing results."""
    with pytest.raises(workers.WorkerError, match="without an answer"):
        workers.run([os.getpid, _dies], [2, 1], processes=2)


@needs_fork
def test_render_with_two_processes_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 2 and --jobs 1 write identical folders, and --check agrees with both."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    shutil.copy(FULL, tmp_path / "events.toml")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(cli, ["render", "--out", f"out{jobs}", "--jobs", jobs])
        assert result.exit_code == 0, result.output
    assert _tree(tmp_path / "out2") == _tree(tmp_path / "out1")
    assert len(_tree(tmp_path / "out1")) > 10
    (tmp_path / "out2" / "feed.json").write_text("{}\n")
    result = runner.invoke(cli, ["render", "--out", "out2", "--jobs", "2", "--check"])
    assert result.exit_code == 1
    assert "out2/feed.json differs" in result.output
    assert "events.ics" not in result.output
