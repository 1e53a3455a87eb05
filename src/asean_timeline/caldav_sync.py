"""Publishing a timeline into a CalDAV collection, one resource per event.

A sync compares three things: the calendars to publish (UID → bytes, see
:func:`asean_timeline.exporters.ics.event_calendars`), what the last sync left
(the state file: UID → href, ETag, fingerprint of the bytes sent) and what the
server lists now (href → ETag, one PROPFIND). From them :func:`plan` decides,
without any request:

- an event that is new is created (PUT with ``If-None-Match: *``), a changed one
  replaced (PUT with ``If-Match`` on the ETag of the last sync), a removed one
  deleted (DELETE with ``If-Match``);
- an event whose ETag on the server is not the one the last sync saw was edited
  (or deleted) there: it is a conflict, reported and left alone unless ``force``;
- a resource is the tool's only when the state file names it, or (the state
  lost) when its name is one the tool gives and it holds our PRODID and the
  UID its name says. Anything else in the collection is never touched.

:func:`sync` then sends the writes, a few at a time, and saves the state file
(atomically) in batches and whenever it stops, so the file always describes
what the server holds; a run that stopped half-way is completed by the next.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from urllib.parse import quote, urlsplit

from asean_timeline.caldav_server import (
    CalDAVError,
    Collection,
    Listed,
    PreconditionFailedError,
    resource_key,
)
from asean_timeline.caldav_state import STATE_FILENAME, Synced, read_state, write_state
from asean_timeline.exporters.ics import PRODID

__all__ = ["STATE_FILENAME", "Action", "Conflict", "Kind", "Plan", "SyncReport", "plan", "sync"]

#: Save the state after this many writes (and whenever a sync stops).
_SAVE_EVERY = 50


class Kind(Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Action:
    """One write to send. ``etag`` is the If-Match value (None for a create)."""

    kind: Kind
    uid: str
    href: str
    etag: str | None
    body: bytes = field(default=b"", repr=False)
    fingerprint: str = ""


@dataclass(frozen=True)
class Conflict:
    """An event left as it is on the server, and why."""

    uid: str
    reason: str


@dataclass
class Plan:
    """What a sync will do: writes, conflicts, and state entries found without writing."""

    actions: list[Action] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    #: Entries rebuilt from the server (a lost state file): UID → entry.
    adopted: dict[str, Synced] = field(default_factory=dict)
    #: UIDs whose entry goes: the event is gone from the timeline and from the server.
    forgotten: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    """What a sync did (or, with ``dry_run``, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False


def resource_name(uid: str) -> str:
    """The resource's name in the collection: the UID, percent-encoded, plus ``.ics``."""
    return quote(uid, safe="") + ".ics"


def fingerprint(body: bytes) -> str:
    """The digest of the bytes sent, to tell a changed event from an unchanged one."""
    return hashlib.sha256(body).hexdigest()


def same_content(server_data: str, body: bytes) -> bool:
    """Whether the server holds what ``body`` says, whatever its folding and line order.

    Servers store a calendar re-serialised (Radicale and Xandikos reorder the
    properties and fold lines at their own width), so the bytes differ.
    """
    return _content_lines(server_data) == _content_lines(body.decode())


def _content_lines(text: str) -> list[str]:
    unfolded = text.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")
    return sorted(_canonical(line) for line in unfolded.split("\n") if line)


def _canonical(line: str) -> str:
    """A content line with the parts of a recurrence rule sorted (Xandikos reorders them)."""
    if line.startswith("RRULE:"):
        return "RRULE:" + ";".join(sorted(line.removeprefix("RRULE:").split(";")))
    return line


def is_ours(server_data: str, uid: str) -> bool:
    """Whether a resource holds our PRODID and ``uid``: one the tool wrote."""
    lines = set(_content_lines(server_data))
    return f"PRODID:{PRODID}" in lines and f"UID:{uid}" in lines


def plan(
    calendars: Mapping[str, bytes],
    synced: Mapping[str, Synced],
    listing: Mapping[str, Listed],
    fetched: Mapping[str, tuple[str | None, str]],
    *,
    collection_path: str,
    domain: str,
    force: bool = False,
) -> Plan:
    """The writes that bring the collection to ``calendars``; pure (see the module docstring).

    ``fetched`` holds the data of the resources :func:`unclaimed` names (href →
    (ETag, data)); ``collection_path`` ends with ``/``.
    """
    result = Plan()
    claimed: set[str] = set()
    for uid, body in calendars.items():
        digest = fingerprint(body)
        entry = synced.get(uid)
        if entry is not None:
            claimed.add(resource_key(entry.href))
            _plan_known(result, uid, body, digest, entry, listing, force)
            continue
        name = resource_name(uid)
        claimed.add(resource_key(name))
        listed = listing.get(resource_key(name))
        if listed is None:
            result.actions.append(
                Action(Kind.CREATE, uid, collection_path + name, None, body, digest)
            )
            continue
        data = fetched.get(listed.href)
        if data is None or not is_ours(data[1], uid):
            result.conflicts.append(
                Conflict(uid, "the calendar has a resource of that name the tool did not create")
            )
        elif same_content(data[1], body):
            result.adopted[uid] = Synced(listed.href, listed.etag, digest)
            result.unchanged += 1
        else:
            result.actions.append(Action(Kind.UPDATE, uid, listed.href, listed.etag, body, digest))
    for uid, entry in synced.items():
        if uid in calendars:
            continue
        claimed.add(resource_key(entry.href))
        listed = listing.get(resource_key(entry.href))
        if listed is None:
            result.forgotten.append(uid)
        elif force or entry.etag in (None, listed.etag):
            result.actions.append(Action(Kind.DELETE, uid, listed.href, listed.etag))
        else:
            reason = "edited on the server since the last sync, so not deleted (--force deletes it)"
            result.conflicts.append(Conflict(uid, reason))
    for key, listed in listing.items():
        uid = key.removesuffix(".ics")
        data = fetched.get(listed.href)
        if key in claimed or uid in calendars or data is None or not is_ours(data[1], uid):
            continue
        if uid.endswith("@" + domain):  # written by a sync whose state was lost
            result.actions.append(Action(Kind.DELETE, uid, listed.href, listed.etag))
    return result


def _plan_known(
    result: Plan,
    uid: str,
    body: bytes,
    digest: str,
    entry: Synced,
    listing: Mapping[str, Listed],
    force: bool,
) -> None:
    """The action for an event the last sync wrote."""
    listed = listing.get(resource_key(entry.href))
    if listed is None:
        if force:
            result.actions.append(Action(Kind.CREATE, uid, entry.href, None, body, digest))
        else:
            reason = "deleted on the server since the last sync (--force puts it back)"
            result.conflicts.append(Conflict(uid, reason))
    elif entry.etag is not None and listed.etag != entry.etag:
        if force:
            result.actions.append(Action(Kind.UPDATE, uid, listed.href, listed.etag, body, digest))
        else:
            reason = "edited on the server since the last sync (--force overwrites it)"
            result.conflicts.append(Conflict(uid, reason))
    elif entry.fingerprint != digest:
        result.actions.append(Action(Kind.UPDATE, uid, entry.href, listed.etag, body, digest))
    else:
        if entry.etag is None:  # the server sent no ETag on the last PUT: take its listing's
            result.adopted[uid] = Synced(entry.href, listed.etag, digest)
        result.unchanged += 1


def unclaimed(
    calendars: Mapping[str, bytes],
    synced: Mapping[str, Synced],
    listing: Mapping[str, Listed],
    domain: str,
) -> list[str]:
    """hrefs to read before planning: resources with a name the tool gives, not in the state.

    Only these can be ours without the state saying so (a lost or stale state
    file); their content tells (see :func:`is_ours`).
    """
    known = {resource_key(entry.href) for entry in synced.values()}
    return [
        listed.href
        for key, listed in listing.items()
        if key not in known
        and key.endswith(".ics")
        and (key.removesuffix(".ics") in calendars or key.endswith(f"@{domain}.ics"))
    ]


# Running a sync ----------------------------------------------------------------

#: Called as ``progress(done, total)`` after each write (done or failed).
ProgressCallback = Callable[[int, int], None]


def sync(
    collection: Collection,
    calendars: Mapping[str, bytes],
    state_path: Path,
    *,
    domain: str,
    force: bool = False,
    dry_run: bool = False,
    workers: int = 4,
    progress: ProgressCallback | None = None,
) -> SyncReport:
    """Bring ``collection`` to ``calendars`` (UID → VCALENDAR bytes); see the module docstring.

    Raises :class:`CalDAVError` when the server cannot be reached or refuses;
    the state file then holds every write that succeeded.
    """
    collections = read_state(state_path)
    synced = dict(collections.get(collection.shown_url, {}))
    listing = collection.listing()
    fetched = collection.fetch(unclaimed(calendars, synced, listing, domain))
    path = urlsplit(collection.url).path
    steps = plan(
        calendars, synced, listing, fetched, collection_path=path, domain=domain, force=force
    )
    report = SyncReport(unchanged=steps.unchanged, conflicts=list(steps.conflicts), dry_run=dry_run)
    if dry_run:
        for action in steps.actions:
            _record(report, action)
        report.requests = collection.requests
        return report
    synced.update(steps.adopted)
    for uid in steps.forgotten:
        synced.pop(uid, None)
    if steps.adopted or steps.forgotten or collection.shown_url not in collections:
        _save(state_path, collections, collection.shown_url, synced)
    try:
        _run(collection, steps.actions, synced, report, workers, progress, state_path, collections)
    finally:
        report.requests = collection.requests
    return report


def _run(
    collection: Collection,
    actions: list[Action],
    synced: dict[str, Synced],
    report: SyncReport,
    workers: int,
    progress: ProgressCallback | None,
    state_path: Path,
    collections: dict[str, dict[str, Synced]],
) -> None:
    """Send ``actions``, at most ``workers`` at once; save the state in batches and at the end."""
    if not actions:
        return
    unsaved = 0
    done = 0
    failure: CalDAVError | None = None
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending: dict[Future[str | None], Action] = {
            pool.submit(_send, collection, action): action for action in actions
        }
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    action = pending.pop(future)
                    if future.cancelled():
                        continue
                    done += 1
                    try:
                        _apply(synced, report, action, future.result())
                        unsaved += 1
                    except PreconditionFailedError:
                        reason = "changed on the server during this sync; left as it is"
                        report.conflicts.append(Conflict(action.uid, reason))
                    except CalDAVError as error:
                        if failure is None:
                            failure = error
                            _cancel(pending)
                    if unsaved >= _SAVE_EVERY:
                        _save(state_path, collections, collection.shown_url, synced)
                        unsaved = 0
                    if progress is not None:
                        progress(done, len(actions))
        finally:
            # Whatever stopped the loop (an error, Ctrl-C), no new write starts, and
            # the file says what the server holds.
            _cancel(pending)
            if unsaved or failure is not None:
                _save(state_path, collections, collection.shown_url, synced)
    if failure is not None:
        raise failure


def _cancel(pending: Mapping[Future[str | None], Action]) -> None:
    """Cancel the writes not started yet; the running ones finish (a request is not cut)."""
    for future in pending:
        future.cancel()


def _send(collection: Collection, action: Action) -> str | None:
    if action.kind is Kind.DELETE:
        collection.delete(action.href, action.etag)
        return None
    return collection.put(action.href, action.body, action.etag)


def _apply(synced: dict[str, Synced], report: SyncReport, action: Action, etag: str | None) -> None:
    if action.kind is Kind.DELETE:
        synced.pop(action.uid, None)
    else:
        synced[action.uid] = Synced(action.href, etag, action.fingerprint)
    _record(report, action)


def _record(report: SyncReport, action: Action) -> None:
    match action.kind:
        case Kind.CREATE:
            report.created.append(action.uid)
        case Kind.UPDATE:
            report.updated.append(action.uid)
        case Kind.DELETE:
            report.deleted.append(action.uid)
        case _ as unreachable:
            from typing import assert_never

            assert_never(unreachable)


def _save(
    path: Path,
    collections: dict[str, dict[str, Synced]],
    url: str,
    synced: dict[str, Synced],
) -> None:
    collections[url] = dict(synced)
    write_state(path, collections)
