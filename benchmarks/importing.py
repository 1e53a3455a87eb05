"""Importing a large ``.ics`` against ``icalendar``'s own parse of the same file.

    python benchmarks/importing.py [--events 10000] [--repeats 3]

Generates a timeline (``generate.py``), renders its ``events.ics`` with our exporter, then
times, interleaved in one process and in alternating order each round:

* ``from_ical``: ``icalendar.Calendar.from_ical`` of the file's bytes, and nothing else;
* ``import``: the whole ``asean-timeline import`` of that file into a new timeline file
  (read, map, plan ids, validate the result, write it through the source-file writer),
  as :mod:`asean_timeline.cli.importing` runs it, without the terminal output.

It prints the median of each and their ratio (the target is at most 1.5).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _prepare(folder: Path, events: int) -> Path:
    toml = folder / "timeline.toml"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(events), "-o", str(toml)],
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "asean_timeline", "render", str(toml), "--out", str(folder / "d")],
        check=True,
        capture_output=True,
    )
    return folder / "d" / "events.ics"


def _from_ical(path: Path) -> float:
    from icalendar import Calendar

    started = time.perf_counter()
    Calendar.from_ical(path.read_bytes())
    return time.perf_counter() - started


def _import(path: Path, target: Path) -> float:
    from asean_timeline.cli.app import cyclic_gc_paused
    from asean_timeline.importers.apply import prepare, read_all
    from asean_timeline.importers.save import save

    target.unlink(missing_ok=True)
    started = time.perf_counter()
    with cyclic_gc_paused():
        prepared = prepare(target, read_all([path], None))
        save(prepared)
    elapsed = time.perf_counter() - started
    assert len(prepared.plan.changes) > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ics = _prepare(folder, options.events)
        size = ics.stat().st_size
        target = folder / "imported.toml"
        samples: dict[str, list[float]] = {"from_ical": [], "import": []}
        for round_number in range(options.repeats):
            order = ["from_ical", "import"] if round_number % 2 == 0 else ["import", "from_ical"]
            for contender in order:
                gc.collect()
                if contender == "from_ical":
                    samples[contender].append(_from_ical(ics))
                else:
                    samples[contender].append(_import(ics, target))
                print(
                    f"round {round_number + 1} {contender}: {samples[contender][-1]:.2f} s",
                    file=sys.stderr,
                )
    parse = statistics.median(samples["from_ical"])
    whole = statistics.median(samples["import"])
    print(f"{options.events:,} events ({size / 1e6:.1f} MB .ics), medians of {options.repeats}:")
    print(f"  icalendar Calendar.from_ical: {parse:.2f} s")
    print(f"  asean-timeline import:        {whole:.2f} s")
    print(f"  ratio import / from_ical:     {whole / parse:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
