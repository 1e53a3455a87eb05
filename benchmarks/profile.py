"""Profile an in-process render: where does the time go?

    .venv/bin/python benchmarks/profile.py FILE [--top 25] [--no-subcalendars]

First a phase table (wall and CPU time of each step of ``pipeline.build_outputs``,
replayed step by step with the same library calls, plus reading, validating and
writing), then ``cProfile`` of ``pipeline.load_timeline`` + ``build_outputs``
(as ``render`` calls them), top functions by cumulative and by total time.
Writing is timed in the phase table only, into a temporary folder.

This file's name is the standard library's ``profile``, which ``cProfile``
imports: run as a script, the script's folder is taken off ``sys.path`` before
``cProfile`` is imported, so the standard one is found.

Inputs over the CLI's 10 MiB limit are accepted: the limit is lifted in this
process (``asean_timeline.load.MAX_INPUT_BYTES``), as run.py does for them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from asean_timeline import load, pipeline
from asean_timeline.validate import validate
from asean_timeline.write import write_files

REVISION_TIME = datetime(2023, 12, 17, tzinfo=UTC)
T = TypeVar("T")


def clear_caches() -> None:
    """Empty every ``functools.cache`` of the package (zones, VTIMEZONEs, countries…).

    A render is one process: it pays for filling them. Without this, whichever
    of the two measurements below ran second would look faster than a render.
    """
    for name, module in list(sys.modules.items()):
        if name.startswith("asean_timeline"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def phases(path: Path, subcalendars: bool) -> list[tuple[str, float, float]]:
    """Wall and CPU time (user + system) of each step of a render, in render's order.

    CPU time is what to compare on a shared machine: other processes' load
    stretches the wall time of a step, hardly its CPU time.
    """
    timings: list[tuple[str, float, float]] = []

    def timed(label: str, step: Callable[[], T]) -> T:
        start, cpu = time.perf_counter(), time.process_time()
        value = step()
        timings.append((label, time.perf_counter() - start, time.process_time() - cpu))
        return value

    document = timed("read + parse TOML (+ key positions)", lambda: load.read_document(path))
    checked = timed("validate -> model", lambda: validate(document))
    timeline = checked.timeline
    assert timeline is not None, "the input is not valid: run asean-timeline validate on it"
    groups = timed(
        "plan: presentation, revisions, sub-calendar catalogue",
        lambda: pipeline.plan_outputs(timeline, {}, REVISION_TIME, subcalendars=subcalendars),
    )
    files: dict[str, bytes] = {}
    # As render runs them: each group's files one after the other (events.ics fills
    # the VEVENT cache its sub-calendars reuse).
    for group in groups:
        label = ", ".join(group.paths[:2]) + (
            f" +{len(group.paths) - 2}" if len(group.paths) > 2 else ""
        )
        files.update(timed(f"make {label}", lambda group=group: dict(group.make())))
    with tempfile.TemporaryDirectory(prefix="asean-profile-") as folder:
        timed(
            f"write {len(files)} files (temp file + fsync + rename)",
            lambda: write_files(Path(folder), files),
        )
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-subcalendars", dest="subcalendars", action="store_false")
    parser.add_argument("--dump", type=Path, help="also save the raw cProfile stats here")
    args = parser.parse_args(argv)
    load.MAX_INPUT_BYTES = 1 << 62  # see the module docstring

    # The phase table runs first and also pays for first imports (exporter modules,
    # a few ms); caches are emptied before each of the two measurements.
    clear_caches()
    timings = phases(args.file, args.subcalendars)
    total = sum(seconds for _, seconds, _ in timings)
    total_cpu = sum(cpu for _, _, cpu in timings)
    print(f"== phases: {args.file} ==")
    print(f"{'step':<58} {'wall s':>8} {'%':>5}  {'CPU s':>7}")
    for label, seconds, cpu in timings:
        print(f"{label:<58} {seconds:8.3f} {100 * seconds / total:5.1f}  {cpu:7.3f}")
    print(f"{'total':<58} {total:8.3f} {'':>5}  {total_cpu:7.3f}")

    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.modules.pop("profile", None)
    import cProfile
    import pstats

    clear_caches()
    profiler = cProfile.Profile()
    result: dict[str, Any] = {}

    def work() -> None:
        timeline, _ = pipeline.load_timeline(args.file)
        result["files"] = pipeline.build_outputs(
            timeline, {}, REVISION_TIME, subcalendars=args.subcalendars
        )

    profiler.runcall(work)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs()
    for key in ("cumulative", "tottime"):
        print(f"\n== cProfile: top {args.top} by {key} ==")
        stats.sort_stats(key).print_stats(args.top)
    if args.dump:
        stats.dump_stats(str(args.dump))
    return 0


if __name__ == "__main__":
    sys.exit(main())
