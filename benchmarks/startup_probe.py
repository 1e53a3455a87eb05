"""Start-up time of the everyday commands, against ``python -c "import click"``.

Each round runs every command once, in a rotating order, as its own process; the
report gives each command's median wall time and its ratio to ``import click``.
Compile the bytecode first (``.venv/bin/python -m compileall -q src``), or every run
pays for compiling our modules when PYTHONDONTWRITEBYTECODE is set.

    .venv/bin/python benchmarks/startup_probe.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SHIPPED = ROOT / "events.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--no-render", dest="render", action="store_false")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        commands = {
            "import click": [str(BIN / "python"), "-c", "import click"],
            "--help": [str(BIN / "asean-timeline"), "--help"],
            "validate": [str(BIN / "asean-timeline"), "validate", str(SHIPPED)],
        }
        if args.render:
            commands["render"] = [
                str(BIN / "asean-timeline"),
                "render",
                str(SHIPPED),
                "--out",
                str(out),
            ]
        times: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for number in range(args.rounds + 1):  # round 0 warms up
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                shutil.rmtree(out, ignore_errors=True)  # render: a fresh, empty folder
                start = time.perf_counter()
                subprocess.run(commands[name], cwd=ROOT, check=True, capture_output=True)
                elapsed = time.perf_counter() - start
                if number:
                    times[name].append(elapsed)

    base = statistics.median(times["import click"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<14} {median * 1000:7.1f} ms  {median / base:5.2f}x", file=sys.stdout)


if __name__ == "__main__":
    main()
