"""Polite, bounded HTTP requests for ``sources check`` and ``sources archive``.

One :class:`Fetcher` makes single requests (one hop: redirects are the caller's to
follow, so every hop passes the same checks) with:

- at most ``concurrency`` requests at once overall and ``per_host`` to one host;
- a connect/read timeout, and an overall deadline for each attempt, so a server
  that drips its answer a byte at a time cannot hold a slot;
- retries with exponential backoff on 429 and 503, honouring ``Retry-After``
  (seconds or an HTTP date) up to ``max_retry_wait`` seconds;
- a User-Agent naming the project;
- a refusal of hosts that resolve to a private, loopback, link-local or otherwise
  non-public address (unless ``allow_private``), so the checker cannot be used to
  probe a network: names are resolved once, every address is checked, and the
  connection goes to a checked address (see :class:`_GuardedBackend`);
- bodies never kept, except a small capped one when the caller asks for it (the
  archive's JSON answer), and never read beyond a small cap (16 KiB: enough to
  reuse the connection after a short answer). Response headers beyond 100 KiB are
  refused by httpcore.

Failures come back as a :class:`Reply` with an ``error`` in words, never raised.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from http import HTTPStatus
from typing import Any, TypeVar

import httpcore
import httpx

from asean_timeline import __version__
from asean_timeline.retry import backoff_seconds, retry_after_seconds

USER_AGENT = (
    f"asean-timeline/{__version__} (source link checker; +https://pypi.org/project/asean-timeline/)"
)
_E = TypeVar("_E", bound=BaseException)
#: Statuses that mean "later, please": retried after Retry-After or a backoff.
RETRY_STATUSES = frozenset({429, 503})
#: Bodies up to this size are read and dropped, so that the connection can be reused.
DRAIN_BYTES = 16 * 1024


class Failure(StrEnum):
    """Why no HTTP status came back."""

    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    PROTOCOL = "protocol"
    PRIVATE = "private"
    TOO_LARGE = "too-large"


@dataclass(frozen=True, slots=True)
class Settings:
    """How requests are made; the defaults suit a CI job checking a few thousand links."""

    concurrency: int = 16
    per_host: int = 2
    #: Seconds to connect, and to wait for each piece of the answer.
    timeout: float = 10.0
    #: Seconds one attempt may take in all, however the server drips its answer.
    deadline: float = 20.0
    retries: int = 2
    #: The first backoff without Retry-After, doubled on each retry.
    backoff: float = 1.0
    #: Retry-After or backoff longer than this is not waited for: the status stands.
    max_retry_wait: float = 30.0
    allow_private: bool = False
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Reply:
    """One request's outcome: a status and the headers that matter, or a failure."""

    url: str
    status: int | None = None
    reason: str = ""
    location: str | None = None
    content_location: str | None = None
    failure: Failure | None = None
    error: str = ""
    #: The capped body, only when it was asked for.
    body: bytes | None = None
    attempts: int = 1
    headers: dict[str, str] = field(default_factory=dict, repr=False)


class Fetcher:
    """Bounded requests through one connection pool; use as ``async with Fetcher(...)``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._overall = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        timeout = httpx.Timeout(self.settings.timeout)
        limits = httpx.Limits(
            max_connections=self.settings.concurrency,
            max_keepalive_connections=self.settings.concurrency,
        )
        self._client = httpx.AsyncClient(
            timeout=timeout,
            transport=_guarded_transport(limits, self.settings.allow_private),
            follow_redirects=False,
            # identity: a capped body is capped before, not after, decompression.
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept": "*/*",
                "Accept-Encoding": "identity",
            },
            # No proxy from the environment, no ~/.netrc credentials sent anywhere.
            trust_env=False,
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def request(self, method: str, url: str, *, body_limit: int = 0) -> Reply:
        """``method`` ``url`` once (plus retries on 429/503); the body only up to ``body_limit``."""
        attempts = 0
        while True:
            attempts += 1
            reply = await self._attempt(method, url, body_limit)
            if reply.status not in RETRY_STATUSES or attempts > self.settings.retries:
                return _with_attempts(reply, attempts)
            wait = self._retry_wait(reply, attempts)
            if wait is None:
                return _with_attempts(reply, attempts)
            await asyncio.sleep(wait)  # no slot is held while waiting

    def _retry_wait(self, reply: Reply, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None if that is longer than allowed."""
        wait = retry_after_seconds(reply.headers.get("retry-after"), datetime.now(UTC))
        if wait is None:
            wait = backoff_seconds(self.settings.backoff, attempt - 1)
        return None if wait > self.settings.max_retry_wait else wait

    async def _attempt(self, method: str, url: str, body_limit: int) -> Reply:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as error:
            return Reply(url, failure=Failure.PROTOCOL, error=f"not a usable address ({error})")
        host = parsed.host.lower()
        if not host:
            return Reply(url, failure=Failure.PROTOCOL, error="the address names no host")
        async with self._slot(host):
            try:
                async with asyncio.timeout(self.settings.deadline):
                    return await self._send(method, url, body_limit)
            except PrivateAddressError as error:
                return Reply(url, failure=Failure.PRIVATE, error=str(error))
            except TimeoutError:
                return Reply(
                    url,
                    failure=Failure.TIMEOUT,
                    error=f"no complete answer within {self.settings.deadline:g} s",
                )
            except httpx.HTTPError as error:
                return _failure_reply(url, error, self.settings.timeout)

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # The host's slot first: a request waiting for its host holds no overall slot.
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with per_host, self._overall:
            yield

    async def _send(self, method: str, url: str, body_limit: int) -> Reply:
        assert self._client is not None, "use the Fetcher in `async with`"
        async with self._client.stream(method, url) as response:
            # A body up to the limit is read (and dropped, unless asked for): a connection
            # whose answer was read to the end goes back to the pool for the next request.
            # Leaving the block closes the response: a longer body is never downloaded.
            chunks: list[bytes] = []
            size = 0
            limit = body_limit or DRAIN_BYTES
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > limit:
                    if not body_limit:
                        break
                    return Reply(
                        url,
                        status=response.status_code,
                        failure=Failure.TOO_LARGE,
                        error=f"the answer is larger than {body_limit:,} bytes",
                    )
                if body_limit:
                    chunks.append(chunk)
            body = b"".join(chunks) if body_limit else None
            return Reply(
                url,
                status=response.status_code,
                reason=_reason(response.status_code),
                location=response.headers.get("location"),
                content_location=response.headers.get("content-location"),
                body=body,
                headers={
                    name: response.headers[name]
                    for name in ("retry-after", "content-type")
                    if name in response.headers
                },
            )


class PrivateAddressError(Exception):
    """A host resolves to an address the checker may not connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to a private or local address ({address})")


class HostNotFoundError(httpcore.ConnectError):
    """The host name does not resolve (or cannot be a host name at all)."""


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses: the name is resolved here, every address is
    checked, and the connection is made to one of those very addresses (so a second
    lookup cannot answer differently, as in DNS rebinding). TLS still names the host."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await _resolve(host, port)
        except (OSError, UnicodeError) as error:  # UnicodeError: not a possible host name
            raise HostNotFoundError(_printable(f"host not found ({error})")) from error
        refused = [address for address in addresses if not is_public_address(address)]
        if refused and not self._allow_private:
            raise PrivateAddressError(host, refused[0])
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                failure = error
        assert failure is not None, "getaddrinfo returns at least one address"
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("the checker does not use Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _guarded_transport(limits: httpx.Limits, allow_private: bool) -> httpx.AsyncHTTPTransport:
    """httpx's transport, connecting through :class:`_GuardedBackend`.

    httpx has no parameter for the network backend, so the transport's connection pool
    (its ``_pool``) is replaced by an identical one that has it; the tests that expect
    loopback hosts to be skipped fail if that ever stops working.
    """
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(httpcore.AnyIOBackend(), allow_private),
    )
    return transport


def _reason(status: int) -> str:
    """The standard phrase of ``status``: the server's own is network text, never shown."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _printable(text: str, limit: int = 200) -> str:
    """``text`` without control characters (it may quote the network), cut at ``limit``."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def is_public_address(address: str) -> bool:
    """Whether ``address`` (IPv4 or IPv6) is a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _resolve(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _with_attempts(reply: Reply, attempts: int) -> Reply:
    if attempts == reply.attempts:
        return reply
    return replace(reply, attempts=attempts)


def _failure_reply(url: str, error: httpx.HTTPError, timeout: float) -> Reply:
    reply = _classified(url, error, timeout)
    return replace(reply, error=_printable(reply.error))


def _classified(url: str, error: httpx.HTTPError, timeout: float) -> Reply:
    if isinstance(error, httpx.TimeoutException):
        return Reply(url, failure=Failure.TIMEOUT, error=f"no answer within {timeout:g} s")
    if isinstance(error, httpx.ConnectError):
        if _cause(error, ssl.SSLError) is not None:
            return Reply(url, failure=Failure.TLS, error=f"TLS failed ({_cause_text(error)})")
        not_found = _cause(error, HostNotFoundError)
        if not_found is not None:
            return Reply(url, failure=Failure.DNS, error=str(not_found))
        return Reply(url, failure=Failure.CONNECTION, error=f"cannot connect ({error})")
    if isinstance(error, httpx.RemoteProtocolError | httpx.DecodingError):
        return Reply(url, failure=Failure.PROTOCOL, error=f"broken HTTP answer ({error})")
    return Reply(url, failure=Failure.CONNECTION, error=f"request failed ({error})")


def _cause(error: BaseException, kind: type[_E]) -> _E | None:
    """``error`` or the first exception in its chain of causes that is a ``kind``."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _cause_text(error: BaseException) -> str:
    seen: BaseException = error
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    return str(seen) or type(seen).__name__
