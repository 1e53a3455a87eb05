"""How often one render works out the same per-event values (a check on repeated work).

    python benchmarks/calls.py [FILE]

Renders FILE (default: the shipped events.toml) in this process, as
``render`` does, and prints how many times each function that builds a value
shown in several outputs was called. After a render each should be called once
per event (or once per sub-calendar, or once).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

# This folder holds a profile.py of its own, which would shadow the one cProfile imports.
sys.path = [entry for entry in sys.path if Path(entry).resolve() != Path(__file__).resolve().parent]

import cProfile  # noqa: E402
import pstats  # noqa: E402

from asean_timeline.pipeline import build_outputs, load_timeline  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WATCHED = (
    ("wording.py", "when_phrase"),
    ("wording.py", "when_pieces"),
    ("records.py", "event_record"),
    ("ics.py", "description"),
    ("present.py", "plain_description"),
    ("selection.py", "all_subcalendars"),
    ("selection.py", "sub_timeline"),
)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "events.toml"
    timeline, _ = load_timeline(path)
    profile = cProfile.Profile()
    profile.enable()
    build_outputs(timeline, {}, datetime(2024, 1, 1, tzinfo=UTC))
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    print(f"{len(timeline.events)} events")
    for (file, _, name), (calls, *_rest) in sorted(stats.items()):
        if any(file.endswith(f"/{module}") and name == wanted for module, wanted in WATCHED):
            print(f"{name:20} {calls:6}  ({Path(file).name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
