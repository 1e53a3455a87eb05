"""Is each address still there? The verdicts of ``sources check``.

Each distinct address is asked once with HEAD (GET where the server refuses HEAD
with 405 or 501), following redirects hop by hop, up to ``max_redirects``, each hop
through the same :class:`~asean_timeline.fetch.Fetcher` checks (so a public
address cannot redirect the checker into a private network). The verdict:

- ``ok``: a 2xx answer at the address itself;
- ``moved``: a 2xx answer after permanent redirects only (301, 308): the
  address should be replaced by ``new_url``;
- ``redirected``: a 2xx answer after at least one temporary redirect;
- ``dead``: 4xx or 5xx, a redirect loop or too many redirects, no host (DNS), a
  TLS failure, a timeout or a broken answer;
- ``skipped``: the host is private or local and ``allow_private`` is off.

Only the status and the new address are kept: no response body is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

import httpx

from asean_timeline.fetch import RETRY_STATUSES, Failure, Fetcher, Reply, Settings

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
#: Statuses after which a server is asked again with GET: it refuses HEAD.
HEAD_REFUSED = frozenset({405, 501})
DEFAULT_MAX_REDIRECTS = 10


class Verdict(StrEnum):
    """What became of an address."""

    OK = "ok"
    REDIRECTED = "redirected"
    MOVED = "moved"
    DEAD = "dead"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict on one address, when it was reached, and whether it came from the cache."""

    url: str
    verdict: Verdict
    checked: datetime
    status: int | None = None
    #: Where the address leads now (``moved`` and ``redirected``).
    new_url: str | None = None
    detail: str = ""
    #: A verdict that may change within minutes (a timeout, 429, 503): never cached.
    transient: bool = False
    cached: bool = False


async def check_urls(
    urls: Iterable[str],
    settings: Settings,
    now: datetime,
    *,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Check each distinct address of ``urls`` concurrently; their outcomes by address."""
    unique = list(dict.fromkeys(urls))
    outcomes: dict[str, Outcome] = {}
    async with Fetcher(settings) as fetcher:

        async def one(url: str) -> None:
            outcome = await _check(fetcher, url, now, max_redirects)
            outcomes[url] = outcome
            if on_outcome is not None:
                on_outcome(outcome)

        async with asyncio.TaskGroup() as group:
            for url in unique:
                group.create_task(one(url))
    return outcomes


def run_checks(
    urls: Iterable[str],
    settings: Settings,
    now: datetime,
    *,
    cached: Mapping[str, Outcome] | None = None,
    max_age: timedelta = timedelta(days=7),
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> dict[str, Outcome]:
    """Outcomes for every address: fresh ones from ``cached``, the others checked now."""
    wanted = list(dict.fromkeys(urls))
    reused = {
        url: replace(cached[url], cached=True)
        for url in wanted
        if cached is not None and url in cached and now - cached[url].checked <= max_age
    }
    stale = [url for url in wanted if url not in reused]
    for outcome in reused.values():
        if on_outcome is not None:
            on_outcome(outcome)
    fresh = asyncio.run(
        check_urls(stale, settings, now, max_redirects=max_redirects, on_outcome=on_outcome)
    )
    merged = {**reused, **fresh}
    return {url: merged[url] for url in wanted}


async def _check(fetcher: Fetcher, url: str, now: datetime, max_redirects: int) -> Outcome:
    seen = {url}
    current = url
    permanent_only = True
    for _hop in range(max_redirects + 1):
        reply = await _head_or_get(fetcher, current)
        if reply.failure is not None:
            return _failed(url, reply, now)
        status = reply.status or 0
        if status in PERMANENT_REDIRECTS or status in TEMPORARY_REDIRECTS:
            if not reply.location:
                return Outcome(url, Verdict.DEAD, now, status, detail=f"{status} without Location")
            target = _join(current, reply.location)
            if target is None:
                return Outcome(
                    url,
                    Verdict.DEAD,
                    now,
                    status,
                    detail="redirects to an address that is not http(s)",
                )
            if target in seen:
                return Outcome(url, Verdict.DEAD, now, status, target, "redirect loop")
            seen.add(target)
            permanent_only = permanent_only and status in PERMANENT_REDIRECTS
            current = target
            continue
        label = f"{status} {reply.reason}".strip()
        if 200 <= status < 300:
            if current == url:
                return Outcome(url, Verdict.OK, now, status, detail=label)
            verdict = Verdict.MOVED if permanent_only else Verdict.REDIRECTED
            return Outcome(url, verdict, now, status, current, label)
        transient = status in RETRY_STATUSES
        if transient and reply.attempts > 1:
            label += f" after {reply.attempts - 1} retr{'y' if reply.attempts == 2 else 'ies'}"
        new_url = None if current == url else current
        return Outcome(url, Verdict.DEAD, now, status, new_url, label, transient=transient)
    return Outcome(url, Verdict.DEAD, now, None, current, f"more than {max_redirects} redirects")


async def _head_or_get(fetcher: Fetcher, url: str) -> Reply:
    reply = await fetcher.request("HEAD", url)
    if reply.status in HEAD_REFUSED:
        return await fetcher.request("GET", url)
    return reply


def _failed(url: str, reply: Reply, now: datetime) -> Outcome:
    if reply.failure is Failure.PRIVATE:
        return Outcome(url, Verdict.SKIPPED, now, detail=reply.error, transient=True)
    transient = reply.failure in (Failure.TIMEOUT, Failure.CONNECTION)
    return Outcome(url, Verdict.DEAD, now, detail=reply.error, transient=transient)


def _join(base: str, location: str) -> str | None:
    try:
        joined = httpx.URL(base).join(location)
    except (httpx.InvalidURL, ValueError):
        return None
    if joined.scheme not in ("http", "https") or not joined.host:
        return None
    return str(joined)
