"""CalDAV sync speed: a first sync of N events to a local Radicale, then the syncs after it.

    .venv/bin/python benchmarks/caldav_sync.py [--events 1000] [--jobs 4] [--server xandikos]

Starts Radicale (the test dependency) on 127.0.0.1 with a temporary folder,
generates N events with benchmarks/generate.py, and runs, in one process and
one after another against the same collection:

1. the first sync (every event is a PUT);
2. a no-op sync (nothing changed: one PROPFIND, no write);
3. a sync after one event was edited (one PUT);
4. a sync with the state file deleted (rebuilt from the server: PROPFIND and
   calendar-multiget REPORTs, no write).

For each it prints the seconds, the HTTP requests sent by method, and its time
as a fraction of the first sync's, and the CPU time of this process (the
client side: building the calendars, the requests); the rest is Radicale's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asean_timeline.caldav_server import Collection, Credentials  # noqa: E402
from asean_timeline.caldav_sync import STATE_FILENAME, SyncReport, sync  # noqa: E402
from asean_timeline.exporters.ics import event_calendars  # noqa: E402
from asean_timeline.pipeline import load_timeline  # noqa: E402
from asean_timeline.revisions import update  # noqa: E402
from tests.caldav_servers import radicale, xandikos  # noqa: E402 - the tests' servers

REVISION_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def run_sync(url: str, path: Path, jobs: int) -> tuple[float, float, SyncReport]:
    """One sync of ``path`` as `publish caldav` does it; (seconds, our CPU seconds, report)."""
    started, cpu = time.perf_counter(), time.process_time()
    timeline, _ = load_timeline(path)
    calendars = event_calendars(timeline, update(timeline, {}, REVISION_TIME))
    with Collection(url, Credentials(None)) as collection:
        report = sync(
            collection,
            calendars,
            path.parent / STATE_FILENAME,
            domain=timeline.calendar.uid_domain,
            workers=jobs,
        )
    return time.perf_counter() - started, time.process_time() - cpu, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--server", choices=["radicale", "xandikos"], default="radicale")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = work / "events.toml"
        generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py")]
        subprocess.run([*generate, str(options.events), "-o", str(path)], check=True)
        server = (radicale if options.server == "radicale" else xandikos)(work / "server")
        server.start()
        try:
            url = server.new_calendar()
            rows = [("first sync", *run_sync(url, path, options.jobs))]
            rows.append(("no-op sync", *run_sync(url, path, options.jobs)))
            text = path.read_text(encoding="utf-8")
            marker = 'title = "'
            at = text.index(marker, text.index("[[events]]")) + len(marker)
            path.write_text(text[:at] + "Edited: " + text[at:], encoding="utf-8")
            rows.append(("one event edited", *run_sync(url, path, options.jobs)))
            (work / STATE_FILENAME).unlink()
            rows.append(("state file lost", *run_sync(url, path, options.jobs)))
        finally:
            server.stop()
    first = rows[0][1]
    print(f"CalDAV sync of {options.events} events to a local {server.name}, --jobs {options.jobs}")
    print(f"{'':18} {'seconds':>8} {'× first':>8} {'our CPU s':>9}  requests")
    for name, seconds, cpu, report in rows:
        sent = ", ".join(f"{n} {method}" for method, n in sorted(report.requests.items()))
        print(f"{name:18} {seconds:8.2f} {seconds / first:8.3f} {cpu:9.2f}  {sent}")
    no_op = rows[1][3]
    assert no_op.requests["PUT"] == 0, "the no-op sync wrote"
    assert no_op.requests["DELETE"] == 0, "the no-op sync deleted"
    assert rows[2][3].requests["PUT"] == 1, "one edit should be one PUT"


if __name__ == "__main__":
    main()
