"""Benchmark a timeline that grows: includes, ``fmt --check`` and ``add`` at 10,000 events.

    .venv/bin/python benchmarks/grow.py                 # 10,000 events, 5 rounds
    .venv/bin/python benchmarks/grow.py --events 2000 --files 20 --repeats 3

Each measurement is a whole process (start-up included), all of them interleaved
round-robin in one run so the noise of a shared machine falls on all alike; the
report gives medians and the ratios the issue sets targets for:

* ``validate`` of the timeline split over ``--files`` included files against
  ``validate`` of the same events in one file (target: at most 1.2x);
* ``fmt --check`` of the split timeline (already formatted, so nothing to change)
  against tomlkit's own parse + dump of the same files, in one process (target: at
  most 1.5x); once for files without comments and once with a comment in every event
  (the worst case: every event goes through tomlkit);
* ``add`` of one event to the single 10,000-event file, against ``validate`` of that
  file and against tomlkit's parse + dump of it (what a writer that parses the whole
  file would pay at least). The file is restored before each ``add``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = ROOT / ".venv" / "bin"
ASEAN = str(VENV_BIN / "asean-timeline")
PYTHON = str(VENV_BIN / "python")

sys.path.insert(0, str(HERE))
import generate  # noqa: E402 - the sibling module, found through the path set just above

TOMLKIT_ROUND_TRIP = (
    "import sys, tomlkit\n"
    "for name in sys.argv[1:]:\n"
    "    text = open(name, encoding='utf-8').read()\n"
    "    assert tomlkit.dumps(tomlkit.parse(text)) == text\n"
)


def split(single: Path, folder: Path, files: int, comments: bool) -> Path:
    """``single``'s events over ``files`` included files under ``folder``; the main file."""
    sys.path.insert(0, str(ROOT / "src"))
    from asean_timeline.blocks import split_tables
    from asean_timeline.load import parse_document

    text = single.read_text(encoding="utf-8")
    blocks = split_tables(text, parse_document(text.encode("utf-8"), str(single)))
    head = "".join(text[b.start : b.end] for b in blocks if b.kind != "events")
    events = [text[b.start : b.end].rstrip("\n") + "\n" for b in blocks if b.kind == "events"]
    if comments:
        events = [e.replace("\ntitle = ", "\n# checked against the source\ntitle = ", 1)
                  for e in events]  # fmt: skip
    (folder / "events").mkdir(parents=True)
    main = folder / "events.toml"
    main.write_text(
        head.replace("[calendar]\n", '[calendar]\ninclude = ["events/*.toml"]\n', 1),
        encoding="utf-8",
    )
    size = -(-len(events) // files)
    for number in range(files):
        part = events[number * size : (number + 1) * size]
        (folder / "events" / f"part-{number:02d}.toml").write_text("\n".join(part), "utf-8")
    return main


def run(command: list[str], expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="asean-grow-") as temporary:
        work = Path(temporary)
        single = work / "single" / "events.toml"
        single.parent.mkdir()
        generate.write_toml(single, args.events)
        run([ASEAN, "fmt", str(single)])  # the canonical layout: fmt --check has nothing to do
        pristine = single.read_bytes()
        plain = split(single, work / "plain", args.files, comments=False)
        commented = split(single, work / "commented", args.files, comments=True)
        plain_files = [str(plain), *sorted(str(p) for p in (plain.parent / "events").glob("*"))]
        commented_files = [
            str(commented),
            *sorted(str(p) for p in (commented.parent / "events").glob("*")),
        ]
        for files in (plain_files, commented_files):
            run([ASEAN, "fmt", *files])

        def add() -> float:
            single.write_bytes(pristine)
            command = [ASEAN, "add", str(single), "--title", "Benchmark event", "--when"]
            return run([*command, "2024-05-06", "--country", "JP", "--source-publisher", "Kyodo"])

        contenders: dict[str, Callable[[], float]] = {
            "validate, one file": lambda: run([ASEAN, "validate", str(single)]),
            f"validate, {args.files} included files": lambda: run([ASEAN, "validate", str(plain)]),
            "fmt --check, no comments": lambda: run([ASEAN, "fmt", "--check", *plain_files]),
            "tomlkit parse + dump, no comments": lambda: run(
                [PYTHON, "-c", TOMLKIT_ROUND_TRIP, *plain_files]
            ),
            "fmt --check, a comment per event": lambda: run(
                [ASEAN, "fmt", "--check", *commented_files]
            ),
            "tomlkit parse + dump, a comment per event": lambda: run(
                [PYTHON, "-c", TOMLKIT_ROUND_TRIP, *commented_files]
            ),
            "add one event to the one file": add,
            "tomlkit parse + dump, the one file": lambda: run(
                [PYTHON, "-c", TOMLKIT_ROUND_TRIP, str(single)]
            ),
        }
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        names = list(contenders)
        for round_number in range(args.repeats):
            order = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in order:
                samples[name].append(contenders[name]())
            print(f"round {round_number + 1}/{args.repeats} done", file=sys.stderr)

    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{args.events:,} events; {args.files} included files; medians of {args.repeats} runs")
    for name in names:
        print(f"  {name:<45} {median[name]:7.3f} s")
    ratios = [
        ("validate split / one file", f"validate, {args.files} included files",
         "validate, one file", 1.2),
        ("fmt --check / tomlkit, no comments", "fmt --check, no comments",
         "tomlkit parse + dump, no comments", 1.5),
        ("fmt --check / tomlkit, a comment per event", "fmt --check, a comment per event",
         "tomlkit parse + dump, a comment per event", 1.5),
        ("add / validate of the same file", "add one event to the one file",
         "validate, one file", None),
        ("add / tomlkit parse + dump of the file", "add one event to the one file",
         "tomlkit parse + dump, the one file", None),
    ]  # fmt: skip
    for label, top, bottom, target in ratios:
        ratio = median[top] / median[bottom]
        verdict = "" if target is None else f"  (target <= {target}: "
        verdict += "" if target is None else ("PASS)" if ratio <= target else "MISS)")
        print(f"  {label:<45} {ratio:6.2f}x{verdict}")

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
