"""The results cache of ``sources check``: ``.events.links.json`` beside ``events.toml``.

It keeps, for each address checked, only the verdict, the status, the new address
and when it was checked, so a CI job re-checks just the links older than
``--max-age``. Transient verdicts (timeouts, 429, 503, skipped hosts) are not kept.
The file is safe to delete and meant to be git-ignored (or kept in a CI cache).
A file that cannot be read is treated as empty: the cache only saves time.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from asean_timeline.linkcheck import Outcome, Verdict

#: Cache files are named ``.<timeline stem>.links.json``; git-ignore them with this pattern.
CACHE_PATTERN = ".*.links.json"
CACHE_VERSION = 1


def cache_path(timeline: Path) -> Path:
    """Where the cache of ``timeline`` lives: beside it, named after it."""
    return timeline.parent / f".{timeline.stem}.links.json"


def read_cache(path: Path) -> dict[str, Outcome]:
    """The cached outcomes by address; empty if the file is missing, unreadable or foreign."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    links = data.get("links")
    if not isinstance(links, dict):
        return {}
    outcomes: dict[str, Outcome] = {}
    for url, entry in links.items():
        outcome = _outcome(url, entry)
        if outcome is not None:
            outcomes[url] = outcome
    return outcomes


def write_cache(path: Path, outcomes: dict[str, Outcome]) -> None:
    """Replace the cache atomically with the lasting ``outcomes`` (sorted, one per line).

    Raise :class:`~asean_timeline.problems.OutputError` if it cannot be written.
    """
    links = {
        url: {
            "checked": outcome.checked.isoformat(),
            "verdict": outcome.verdict.value,
            "status": outcome.status,
            "new_url": outcome.new_url,
            "detail": outcome.detail,
        }
        for url, outcome in sorted(outcomes.items())
        if not outcome.transient
    }
    text = json.dumps({"version": CACHE_VERSION, "links": links}, indent=1, ensure_ascii=False)
    from asean_timeline.write import write_file  # the one atomic writer of output files

    write_file(path, (text + "\n").encode("utf-8"))


def _outcome(url: Any, entry: Any) -> Outcome | None:
    if not isinstance(url, str) or not isinstance(entry, dict):
        return None
    try:
        checked = datetime.fromisoformat(entry["checked"])
        verdict = Verdict(entry["verdict"])
    except (KeyError, TypeError, ValueError):
        return None
    if checked.tzinfo is None:
        return None
    status = entry.get("status")
    new_url = entry.get("new_url")
    detail = entry.get("detail")
    return Outcome(
        url,
        verdict,
        checked,
        status if isinstance(status, int) else None,
        new_url if isinstance(new_url, str) else None,
        detail if isinstance(detail, str) else "",
    )
