"""One CalDAV collection, through the ``caldav`` library: the requests a sync needs.

Every request has a timeout and is retried (a few times, with growing pauses)
when the connection fails, times out, or the server answers 429, 502, 503 or
504; a ``Retry-After`` the server sends is honoured, up to a cap. Errors come
out as :class:`CalDAVError`, whose message names the URL and the user but never
the password (it is held by the ``caldav`` client only, and repr'd nowhere).
"""

from __future__ import annotations

import netrc
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit
from xml.sax.saxutils import escape

from asean_timeline.retry import backoff_seconds, retry_after_seconds

#: Where the password is read from first (then ~/.netrc, or the file $NETRC names).
PASSWORD_VARIABLE = "ASEAN_TIMELINE_CALDAV_PASSWORD"
#: Statuses that mean "try again later"; anything else is an answer.
_TRANSIENT = frozenset({429, 502, 503, 504})
_ETAG_PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>'
)
_CALENDAR = "{urn:ietf:params:xml:ns:caldav}calendar"
_XML = "application/xml; charset=utf-8"
_MULTIGET_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
    "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
)


class CalDAVError(Exception):
    """A sync could not go on: what happened (``str``) and how to fix it (``hint``)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class PreconditionFailedError(Exception):
    """The server answered 412: the resource is not in the state the request assumed."""


@dataclass(frozen=True)
class Credentials:
    """Who to log in as; the password is never shown by ``repr``."""

    user: str | None
    password: str | None = field(default=None, repr=False)


def credentials(url: str, user: str | None, environ: Mapping[str, str]) -> Credentials:
    """The user and password for ``url``: the password from ``PASSWORD_VARIABLE``, else netrc.

    A netrc entry is used for the URL's host when it names the same user (or
    when no user was given, which then comes from netrc too). A user written
    in the URL (``https://me@host/...``) counts as given.
    """
    parts = urlsplit(url)
    user = user or (unquote(parts.username) if parts.username else None)
    password = environ.get(PASSWORD_VARIABLE) or None
    if password is None and parts.hostname:
        path = environ.get("NETRC") or str(Path(environ.get("HOME", "~")).expanduser() / ".netrc")
        try:
            entry = netrc.netrc(path).authenticators(parts.hostname)
        except (OSError, netrc.NetrcParseError):
            entry = None  # no usable netrc: the server's 401 will say so
        if entry is not None and (user is None or entry[0] == user):
            user, password = entry[0] or user, entry[2] or None
    return Credentials(user, password)


def without_credentials(url: str) -> str:
    """``url`` without a user or password in it, to show and to key the sync state by."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for an answer, and how often and how long to retry."""

    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubled for each next one
    max_wait: float = 60.0  # the longest pause, whatever Retry-After asks


@dataclass(frozen=True)
class Listed:
    """A resource in the collection, as PROPFIND lists it."""

    href: str
    etag: str | None


def resource_key(href: str) -> str:
    """The resource's name, decoded: servers spell ``@`` in hrefs as ``@`` or ``%40``."""
    return unquote(href.rstrip("/").rsplit("/", 1)[-1])


class Collection:
    """A CalDAV calendar collection, with a client per thread (clients are not shared).

    ``requests`` counts the HTTP requests sent, by method (authentication
    round trips and retries included); ``waits`` lists the pauses before retries.
    """

    def __init__(self, url: str, login: Credentials, policy: RetryPolicy | None = None) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.shown_url = without_credentials(self.url)
        self.login = login
        self.policy = policy or RetryPolicy()
        self.requests: Counter[str] = Counter()
        self.waits: list[float] = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._clients: list[Any] = []

    def close(self) -> None:
        """Close every connection the clients hold."""
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Requests ------------------------------------------------------------------

    def listing(self) -> dict[str, Listed]:
        """Every resource in the collection by :func:`resource_key` (one PROPFIND)."""
        headers = {"Depth": "1", "Content-Type": _XML}
        response = self._send("PROPFIND", self.url, _ETAG_PROPFIND, headers)
        if response.status not in (200, 207):
            raise self._failure("list the collection", response.status)
        found = {}
        own_path = unquote(urlsplit(self.url).path).rstrip("/")
        is_calendar = False
        for result in response.parse_propfind():
            kinds = result.properties.get("{DAV:}resourcetype") or []
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if unquote(urlsplit(result.href).path).rstrip("/") == own_path:
                is_calendar = _CALENDAR in kinds
            elif "{DAV:}collection" not in kinds:
                etag = result.properties.get("{DAV:}getetag")
                found[resource_key(result.href)] = Listed(result.href, etag or None)
        if not is_calendar:
            raise CalDAVError(
                f"{self.shown_url} is not a calendar collection",
                "give the calendar's own URL, or the account's with --server-calendar NAME",
            )
        return found

    def fetch(self, hrefs: Iterable[str]) -> dict[str, tuple[str | None, str]]:
        """href → (ETag, calendar data) of each resource, by calendar-multiget REPORTs."""
        wanted = list(hrefs)
        found: dict[str, tuple[str | None, str]] = {}
        for first in range(0, len(wanted), 200):
            chunk = wanted[first : first + 200]
            body = _MULTIGET_HEAD
            body += "".join(f"<d:href>{escape(href)}</d:href>" for href in chunk)
            body += "</c:calendar-multiget>"
            # No Depth header: RFC 4791 §7.9 says a multiget SHOULD NOT send one.
            response = self._send("REPORT", self.url, body, {"Content-Type": _XML})
            if response.status not in (200, 207):
                raise self._failure("read events back", response.status)
            keys = {resource_key(href): href for href in chunk}
            for result in response.parse_calendar_query():
                href = keys.get(resource_key(result.href))
                if href is not None and result.calendar_data:
                    found[href] = (result.etag, result.calendar_data)
        return found

    def put(self, href: str, body: bytes, etag: str | None) -> str | None:
        """Create (``etag`` None: If-None-Match) or replace (If-Match) one resource.

        Returns the new ETag (None if the server sent none). Raises
        :class:`PreconditionFailedError` on 412.
        """
        from caldav.lib.python_utilities import WireBytes

        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        headers.update({"If-Match": etag} if etag else {"If-None-Match": "*"})
        response = self._send("PUT", self.absolute(href), WireBytes(body), headers)
        if response.status == 412:
            raise PreconditionFailedError(href)
        if response.status not in (200, 201, 204):
            raise self._failure(f"write {resource_key(href)}", response.status)
        value = response.headers.get("ETag")
        return str(value) if value else None

    def delete(self, href: str, etag: str | None) -> None:
        """Delete one resource if its ETag is still ``etag`` (412 otherwise; gone is fine)."""
        headers = {"If-Match": etag} if etag else {}
        response = self._send("DELETE", self.absolute(href), "", headers)
        if response.status == 412:
            raise PreconditionFailedError(href)
        if response.status not in (200, 204, 404):
            raise self._failure(f"delete {resource_key(href)}", response.status)

    def absolute(self, href: str) -> str:
        """``href`` (a path, as servers list them) as a full URL on the collection's server."""
        if "://" in href:
            return href
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, href, "", ""))

    # Plumbing ------------------------------------------------------------------

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            from caldav.davclient import DAVClient

            client = DAVClient(
                url=self.url,
                username=self.login.user,
                password=self.login.password,
                timeout=self.policy.timeout,  # type: ignore[arg-type]  # a float works
                enable_rfc6764=False,  # the URL is the collection; no DNS discovery
            )
            client.session.hooks["response"].append(self._count)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def _count(self, response: Any, *_args: Any, **_kwargs: Any) -> Any:
        with self._lock:
            self.requests[str(response.request.method)] += 1
        return response

    def _send(self, method: str, url: str, body: str | bytes, headers: dict[str, str]) -> Any:
        """One request, retried on transient failures (see the module docstring)."""
        import niquests
        from caldav.lib import error

        policy = self.policy
        for attempt in range(policy.attempts):
            wait = backoff_seconds(policy.backoff, attempt)
            try:
                response = self._client().request(url, method, body, headers)
            except error.RateLimitError as limited:
                retry_after = limited.retry_after_seconds
                problem = f"HTTP {limited.status or 429}"
            except error.AuthorizationError as refused:
                raise self.refused(refused.status) from None
            except (niquests.exceptions.ConnectionError, niquests.exceptions.Timeout) as failed:
                retry_after, problem = None, _network_problem(failed)
            else:
                if response.status not in _TRANSIENT:
                    return response
                retry_after = retry_after_seconds(
                    response.headers.get("Retry-After"), datetime.now(UTC)
                )
                problem = f"HTTP {response.status}"
            if attempt + 1 == policy.attempts:
                break
            pause = min(policy.max_wait, retry_after if retry_after is not None else wait)
            with self._lock:
                self.waits.append(pause)
            time.sleep(pause)
        raise CalDAVError(
            f"{method} to {without_credentials(url)} failed {policy.attempts} times ({problem})",
            "the server is down, overloaded or unreachable; run the same command again later:"
            " it goes on from what was synced",
        )

    def refused(self, status: int | None) -> CalDAVError:
        """The error for a login the server refused (401) or an account it refuses (403)."""
        who = f"user {self.login.user!r}" if self.login.user else "no user"
        if status == 403:
            return CalDAVError(
                f"{self.shown_url} refused access for {who} (HTTP 403)",
                "check that this account may write to this calendar",
            )
        if self.login.password is None:
            return CalDAVError(
                f"{self.shown_url} asks for a login and no password was given for {who}",
                f"set {PASSWORD_VARIABLE}, or add the host to ~/.netrc, and pass --user",
            )
        return CalDAVError(
            f"{self.shown_url} refused the login of {who} (HTTP {status or 401})",
            f"check --user and the password in {PASSWORD_VARIABLE} or ~/.netrc"
            " (iCloud and Fastmail need an app-specific password)",
        )

    def _failure(self, what: str, status: int) -> CalDAVError:
        hint = "check the URL is the calendar collection itself (it usually ends with /)"
        if status == 404:
            return CalDAVError(f"could not {what}: {self.shown_url} was not found (HTTP 404)", hint)
        return CalDAVError(f"could not {what} at {self.shown_url} (HTTP {status})", hint)


def find_calendar(url: str, login: Credentials, name: str, policy: RetryPolicy) -> str:
    """The URL of the calendar whose display name is ``name``, in the account at ``url``.

    ``url`` is any URL of the account the server's discovery starts from (the
    server's root, ``/.well-known/caldav``, a principal): iCloud, for one, never
    shows a calendar's own URL.
    """
    import niquests
    from caldav.davclient import DAVClient
    from caldav.lib import error

    shown = without_credentials(url)
    try:
        with DAVClient(
            url=url,
            username=login.user,
            password=login.password,
            timeout=policy.timeout,  # type: ignore[arg-type]  # a float works
            enable_rfc6764=False,
        ) as client:
            found = {
                str(calendar.get_display_name() or ""): str(calendar.url)
                for calendar in client.get_calendars()
            }
    except error.AuthorizationError as refused:
        raise Collection(url, login, policy).refused(refused.status) from None
    except (error.DAVError, niquests.exceptions.RequestException) as failed:
        raise CalDAVError(
            f"could not list the calendars of the account at {shown} ({type(failed).__name__})",
            "check the URL (the server's CalDAV address) and that the server is up",
        ) from None
    if name not in found:
        names = ", ".join(repr(known) for known in sorted(found)) or "none"
        raise CalDAVError(
            f"the account at {shown} has no calendar named {name!r} (it has: {names})",
            "create the calendar in the server's app first, or pass its exact name",
        )
    return found[name]


def _network_problem(failure: Exception) -> str:
    """A short reason for a network failure, without the library's long repr."""
    import niquests

    if isinstance(failure, niquests.exceptions.Timeout):
        return "no answer in time"
    return "could not connect" if "refused" in str(failure).lower() else "connection failed"
