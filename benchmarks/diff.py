"""How much does ``diff`` cost next to validating both files? (README: at most 2×.)

    python benchmarks/diff.py [--events 10000] [--changes 100] [--repeats 5]

Generates a timeline (benchmarks/generate.py), writes a copy with ``--changes``
edits spread through the file (70% retitled, 15% removed, 15% added), commits both
in a temporary git repository, and times, interleaved round-robin in one run:

* ``validate old`` + ``validate new``: two ``asean-timeline validate`` processes;
* ``diff old new``: one ``asean-timeline diff`` of the two files;
* ``diff --git HEAD~1..HEAD``: the same two versions read from git.

It prints the medians and the ratio of each diff to the two validates.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).parent / "asean-timeline"


def edited(text: str, changes: int) -> str:
    """``text`` with ``changes`` event-level edits spread evenly through it."""
    head, *tables = text.split("\n[[events]]\n")
    step = max(len(tables) // changes, 1)
    chosen = list(range(0, len(tables), step))[:changes]
    removed = set(chosen[: changes * 15 // 100])
    added = chosen[changes * 15 // 100 : changes * 30 // 100]
    result = []
    for index, table in enumerate(tables):
        if index in removed:
            continue
        if index in chosen and index not in added:
            table = table.replace('\ntitle = "', '\ntitle = "Edited: ', 1)
        result.append(table)
    for index in added:
        copy = tables[index].replace('id = "', 'id = "added-', 1)
        result.append(copy.rstrip("\n") + "\n")
    return "\n[[events]]\n".join([head, *result])


def run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command} failed: {done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        old, new = work / "old.toml", work / "events.toml"
        subprocess.run(
            [sys.executable, HERE / "generate.py", str(options.events), "-o", old], check=True
        )
        new.write_text(edited(old.read_text(encoding="utf-8"), options.changes), "utf-8")

        def git(*arguments: str) -> None:
            subprocess.run(["git", *arguments], cwd=work, check=True, capture_output=True)

        git("init", "-q")
        git(
            "-c",
            "user.email=b@example.org",
            "-c",
            "user.name=b",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "start",
        )
        for source in (old, new):
            (work / "timeline.toml").write_bytes(source.read_bytes())
            git("add", "timeline.toml")
            git("-c", "user.email=b@example.org", "-c", "user.name=b", "commit", "-qm", "v")
        contenders = {
            "validate old + validate new": [
                [str(CLI), "validate", "old.toml"],
                [str(CLI), "validate", "events.toml"],
            ],
            "diff old new": [[str(CLI), "diff", "old.toml", "events.toml"]],
            "diff --git HEAD~1..HEAD": [
                [str(CLI), "diff", "--git", "HEAD~1..HEAD", "timeline.toml"]
            ],
        }
        told = subprocess.run(
            contenders["diff old new"][0], cwd=work, capture_output=True, check=True, text=True
        )
        print("diff says:", told.stdout.splitlines()[0])  # the edits are all found
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for round_number in range(options.repeats + 1):  # round 0 warms the caches
            names = list(contenders)
            names = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in names:
                elapsed = sum(run(command, work) for command in contenders[name])
                if round_number:
                    times[name].append(elapsed)
        floor = statistics.median(times["validate old + validate new"])
        print(
            f"{options.events:,} events, {options.changes} changes, "
            f"median of {options.repeats} interleaved runs:"
        )
        for name, samples in times.items():
            median = statistics.median(samples)
            print(f"  {name:30} {median:6.3f} s  {median / floor:4.2f}×")


if __name__ == "__main__":
    main()
