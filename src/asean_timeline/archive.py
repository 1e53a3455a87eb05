"""Archived copies of sources: the Wayback Machine's availability API and Save Page Now.

For each source with an address and no ``archived`` copy, the availability API is
asked for the snapshot closest to the source's ``accessed`` date (else its
``published`` date, else the most recent). Its documented answer::

    {"archived_snapshots": {"closest": {"available": true, "status": "200",
        "url": "http://web.archive.org/web/20130919044612/http://example.com/",
        "timestamp": "20130919044612"}}}

or ``{"archived_snapshots": {}}`` when there is none. With ``save``, a capture is
requested from Save Page Now (``GET <save service><address>``) where there is none;
the snapshot's address comes back in ``Location`` or ``Content-Location``. Both
services are options, so a self-hosted archive (pywb) or a test's stand-in can be
used. The results are :class:`~asean_timeline.sourcelinks.SourceEdit` values
(``archived``, ``archived_on``) for the source-file writer.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import httpx

from asean_timeline.fetch import Fetcher, Reply, Settings
from asean_timeline.sourcelinks import LinkTarget, SourceEdit

AVAILABILITY_SERVICE = "https://archive.org/wayback/available"
SAVE_SERVICE = "https://web.archive.org/save/"
#: The availability API answers in a few hundred bytes; anything far larger is not it.
MAX_ANSWER_BYTES = 64 * 1024
_SNAPSHOT_PATH = re.compile(r"/web/(\d{14})")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class ArchiveStatus(StrEnum):
    """What the archive said about one source."""

    FOUND = "found"
    SAVED = "saved"
    #: Save Page Now accepted the request but named no snapshot yet.
    REQUESTED = "requested"
    MISSING = "missing"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    """One source's archived copy, if any, and the edits that record it."""

    target: LinkTarget
    status: ArchiveStatus
    snapshot: str | None = None
    snapshot_on: date | None = None
    detail: str = ""

    @property
    def edits(self) -> list[SourceEdit]:
        """``archived`` and ``archived_on`` for the source, when a snapshot was found."""
        if self.snapshot is None or self.snapshot_on is None:
            return []
        target = self.target
        return [
            SourceEdit(
                target.file, target.event_id, target.source_index, "archived", self.snapshot
            ),
            SourceEdit(
                target.file,
                target.event_id,
                target.source_index,
                "archived_on",
                self.snapshot_on,
            ),
        ]


@dataclass(frozen=True, slots=True)
class ArchiveServices:
    """Where to ask: the availability API and (for ``save``) Save Page Now."""

    availability: str = AVAILABILITY_SERVICE
    save: str = SAVE_SERVICE


def needs_archive(target: LinkTarget) -> bool:
    """Whether ``target`` is a source's address without an ``archived`` copy yet."""
    return target.source is not None and not target.source.get("archived")


def wanted_timestamp(source: dict[str, Any] | None) -> str | None:
    """``YYYYMMDD`` (or shorter) from ``accessed``, else ``published``; None if neither."""
    for key in ("accessed", "published"):
        value = (source or {}).get(key)
        text = value.isoformat() if isinstance(value, date) else value
        if isinstance(text, str):
            match = _PARTIAL_DATE.fullmatch(text)
            if match:
                return "".join(part for part in match.groups() if part)
    return None


def parse_availability(body: bytes) -> tuple[str, date] | None:
    """The closest available snapshot's address and day from the API's answer, if any."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    closest = (
        (data.get("archived_snapshots") or {}).get("closest") if isinstance(data, dict) else None
    )
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return None
    url, stamp = closest.get("url"), closest.get("timestamp")
    if not isinstance(url, str) or not isinstance(stamp, str):
        return None
    return _snapshot(url, stamp)


def archive_sources(
    targets: list[LinkTarget],
    settings: Settings,
    services: ArchiveServices,
    *,
    save: bool = False,
) -> list[ArchiveResult]:
    """Look up (and with ``save``, request) an archived copy of each source needing one."""
    wanted = [target for target in targets if needs_archive(target)]
    return asyncio.run(_archive_all(wanted, settings, services, save))


async def _archive_all(
    targets: list[LinkTarget], settings: Settings, services: ArchiveServices, save: bool
) -> list[ArchiveResult]:
    async with Fetcher(settings) as fetcher, asyncio.TaskGroup() as group:
        tasks = [group.create_task(_archive(fetcher, t, services, save)) for t in targets]
    return [task.result() for task in tasks]


async def _archive(
    fetcher: Fetcher, target: LinkTarget, services: ArchiveServices, save: bool
) -> ArchiveResult:
    params = {"url": target.url}
    stamp = wanted_timestamp(target.source)
    if stamp:
        params["timestamp"] = stamp
    query = str(httpx.URL(services.availability, params=params))
    reply = await fetcher.request("GET", query, body_limit=MAX_ANSWER_BYTES)
    if reply.failure is not None or reply.status != 200 or reply.body is None:
        return ArchiveResult(target, ArchiveStatus.FAILED, detail=_problem(reply))
    found = parse_availability(reply.body)
    if found is not None:
        return ArchiveResult(target, ArchiveStatus.FOUND, found[0], found[1])
    if not save:
        return ArchiveResult(target, ArchiveStatus.MISSING, detail="no archived copy")
    return await _save(fetcher, target, services.save)


async def _save(fetcher: Fetcher, target: LinkTarget, service: str) -> ArchiveResult:
    reply = await fetcher.request("GET", service + target.url)
    if reply.failure is not None or reply.status is None or reply.status >= 400:
        return ArchiveResult(target, ArchiveStatus.FAILED, detail=_problem(reply))
    for header in (reply.location, reply.content_location):
        if header:
            snapshot = _snapshot(str(httpx.URL(service).join(header)))
            if snapshot is not None:
                return ArchiveResult(target, ArchiveStatus.SAVED, snapshot[0], snapshot[1])
    return ArchiveResult(
        target,
        ArchiveStatus.REQUESTED,
        detail="capture requested; run `sources archive` again later to record it",
    )


def _snapshot(url: str, stamp: str | None = None) -> tuple[str, date] | None:
    """A snapshot's address and day, if the address is http(s) and the day is real."""
    if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        return None
    if stamp is None:
        match = _SNAPSHOT_PATH.search(url)
        if match is None:
            return None
        stamp = match.group(1)
    try:
        return url, date(int(stamp[0:4]), int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None


def _problem(reply: Reply) -> str:
    if reply.failure is not None:
        return reply.error
    return f"the archive answered {reply.status} {reply.reason}".strip()
