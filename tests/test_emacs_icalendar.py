"""Emacs's icalendar.el reads our VTIMEZONEs: summer times are not an hour off.

icalendar.el turns a VTIMEZONE into a POSIX TZ rule from its yearly RRULE
observances, and reads observances given by RDATE as fixed offsets, so the
form of our VTIMEZONEs decides whether a July event in Berlin lands at 07:00
or 08:00 UTC. Each one-off timed event of tests/data/zones.toml is imported
with ``icalendar-import-file`` (Emacs running in UTC) and compared with
zoneinfo. Emacs turns an event that crosses midnight into a day block, and a
recurring event into one wall-clock time for every occurrence (its own
limits, not our VTIMEZONEs'), so those are left out. scripts/test installs
Debian's emacs-nox; without Emacs the test fails rather than skips.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import icalendar
import pytest

from tests.test_interop import ZONES, render, zoneinfo_instants

pytestmark = pytest.mark.emacs

_DIARY_LINE = re.compile(r"^(\d+)/(\d+)/(\d{4}) (\d\d):(\d\d)-(\d\d):(\d\d) (.+)$")


def _emacs_view(ics: Path, diary: Path) -> dict[str, tuple[str, str]]:
    """Summary -> (start, end) in UTC, as Emacs imports the calendar into its diary."""
    emacs = shutil.which("emacs")
    assert emacs, "Emacs is not installed (scripts/test installs Debian's emacs-nox)"
    program = (
        '(progn (require \'icalendar) (setq icalendar-import-format "%s")'
        f' (icalendar-import-file "{ics}" "{diary}"))'
    )
    subprocess.run(
        [emacs, "--batch", "-Q", "--eval", program],
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
        timeout=120,
        check=True,
    )
    view = {}
    for line in diary.read_text(encoding="utf-8").splitlines():
        found = _DIARY_LINE.match(line)
        if found:
            month, day, year, h1, m1, h2, m2, summary = found.groups()
            on = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
            view[summary] = (f"{on}T{h1}:{m1}:00Z", f"{on}T{h2}:{m2}:00Z")
    return view


def test_emacs_places_one_off_times_in_every_zone_at_zoneinfos_instant(tmp_path: Path) -> None:
    """Berlin, New York, Sydney, Lord Howe and Tokyo, winter and summer: Emacs's diary times
    are zoneinfo's."""
    rendered = render(ZONES, tmp_path)
    summaries = {
        str(component["UID"]): str(component["SUMMARY"])
        for component in icalendar.Calendar.from_ical(rendered.ics).walk("VEVENT")
        if "RRULE" not in component
    }
    expected = {}
    for uid, record in zoneinfo_instants(ZONES).items():
        start, end = record["start"], record["end"]
        same_day = start[:10] == end[:10] and not end.endswith("T00:00:00Z")
        if uid in summaries and same_day:
            expected[summaries[uid]] = (start, end)
    assert len(expected) >= 8
    assert any("CEST" in summary for summary in expected)  # summer times are checked
    assert any("EDT" in summary for summary in expected)
    view = _emacs_view(rendered.path, tmp_path / "diary")
    assert {summary: view.get(summary) for summary in expected} == expected


def test_the_check_itself_sees_an_hour_off(tmp_path: Path) -> None:
    """The same calendar with its summer observances made dated (RDATE, the old form) reads
    Berlin's July event an hour off: the comparison above can fail."""
    rendered = render(ZONES, tmp_path)
    text = rendered.ics.decode("utf-8")
    start = text.index("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n")
    end = text.index("END:VTIMEZONE\r\n", start)
    dated = text[start:end]
    for rule in re.findall(r"RRULE:[^\r]*\r\n", dated):
        dated = dated.replace(rule, "")
    dated = re.sub(r"DTSTART:(\d{8}T\d{6})\r\n(?!RDATE)", r"DTSTART:\1\r\nRDATE:\1\r\n", dated)
    old = tmp_path / "old.ics"
    old.write_bytes((text[:start] + dated + text[end:]).encode("utf-8"))
    view = _emacs_view(old, tmp_path / "old-diary")
    july = next(summary for summary in view if summary.startswith("Berlin in July"))
    assert view[july][0] != "2024-07-15T07:00:00Z"
    assert datetime.fromisoformat(view[july][0].replace("Z", "+00:00")).hour == 8
