"""The link checker against real HTTP servers on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from asean_timeline.fetch import USER_AGENT, Settings, is_public_address
from asean_timeline.linkcheck import Outcome, Verdict, run_checks
from asean_timeline.retry import retry_after_seconds
from tests import linkserver
from tests.linkserver import LinkServer

NOW = datetime(2026, 1, 1, tzinfo=UTC)
#: Short timeouts and backoffs keep the suite quick; allow_private reaches 127.0.0.1.
FAST = Settings(timeout=0.5, deadline=1.0, backoff=0.05, allow_private=True)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """A link server on 127.0.0.1 with no routes yet."""
    with linkserver.running() as running:
        yield running


def check(url: str, settings: Settings = FAST, **options: object) -> Outcome:
    return run_checks([url], settings, NOW, **options)[url]  # type: ignore[arg-type]


def test_ok_is_asked_with_head_and_names_the_project(server: LinkServer) -> None:
    """A 200 at the address is ok; one HEAD request, with the project's User-Agent."""
    server.routes["/a"] = linkserver.status(200)
    outcome = check(server.url("/a"))
    assert (outcome.verdict, outcome.status, outcome.new_url) == (Verdict.OK, 200, None)
    assert [(seen.method, seen.user_agent) for seen in server.hits("/a")] == [("HEAD", USER_AGENT)]
    assert "asean-timeline" in USER_AGENT


def test_permanent_chain_is_moved_with_the_final_address(server: LinkServer) -> None:
    """301 then 308 then 200: moved permanently, to the last address."""
    server.routes["/old"] = linkserver.redirect(301, "/older")
    server.routes["/older"] = linkserver.redirect(308, server.url("/new"))
    server.routes["/new"] = linkserver.status(200)
    outcome = check(server.url("/old"))
    assert (outcome.verdict, outcome.new_url) == (Verdict.MOVED, server.url("/new"))


@pytest.mark.parametrize("chain", [(302,), (301, 302), (307, 308)])
def test_a_temporary_redirect_anywhere_is_redirected(
    server: LinkServer, chain: tuple[int, ...]
) -> None:
    """Any temporary hop (302, 307) makes the verdict redirected, not moved."""
    for hop, code in enumerate(chain):
        server.routes[f"/{hop}"] = linkserver.redirect(code, f"/{hop + 1}")
    server.routes[f"/{len(chain)}"] = linkserver.status(200)
    outcome = check(server.url("/0"))
    assert (outcome.verdict, outcome.new_url) == (Verdict.REDIRECTED, server.url(f"/{len(chain)}"))


@pytest.mark.parametrize("code", [404, 410, 500])
def test_client_and_server_errors_are_dead(server: LinkServer, code: int) -> None:
    """4xx and 5xx answers are dead links, with their status."""
    server.routes["/gone"] = linkserver.status(code)
    outcome = check(server.url("/gone"))
    assert (outcome.verdict, outcome.status) == (Verdict.DEAD, code)
    assert not outcome.transient


def test_a_redirect_to_a_dead_page_is_dead_and_says_where(server: LinkServer) -> None:
    """301 to a 404: dead, and the address it led to is kept."""
    server.routes["/a"] = linkserver.redirect(301, "/b")
    outcome = check(server.url("/a"))
    assert (outcome.verdict, outcome.status, outcome.new_url) == (
        Verdict.DEAD,
        404,
        server.url("/b"),
    )


def test_head_refused_falls_back_to_get(server: LinkServer) -> None:
    """405 on HEAD: the same address is asked again with GET."""
    server.routes["/page"] = linkserver.head_refused(405)
    outcome = check(server.url("/page"))
    assert outcome.verdict is Verdict.OK
    assert [seen.method for seen in server.hits("/page")] == ["HEAD", "GET"]


def test_501_on_head_also_falls_back_to_get(server: LinkServer) -> None:
    """501 Not Implemented on HEAD is a refusal too."""
    server.routes["/page"] = linkserver.head_refused(501)
    assert check(server.url("/page")).verdict is Verdict.OK


def test_redirect_loop_is_dead(server: LinkServer) -> None:
    """a → b → a is reported as a loop, after two requests."""
    server.routes["/a"] = linkserver.redirect(302, "/b")
    server.routes["/b"] = linkserver.redirect(302, "/a")
    outcome = check(server.url("/a"))
    assert (outcome.verdict, outcome.detail) == (Verdict.DEAD, "redirect loop")
    assert len(server.hits("/a")) == len(server.hits("/b")) == 1


def test_too_many_redirects_is_dead(server: LinkServer) -> None:
    """A chain longer than the limit stops at the limit."""
    for hop in range(5):
        server.routes[f"/{hop}"] = linkserver.redirect(301, f"/{hop + 1}")
    server.routes["/5"] = linkserver.status(200)
    outcome = check(server.url("/0"), max_redirects=3)
    assert (outcome.verdict, outcome.detail) == (Verdict.DEAD, "more than 3 redirects")
    assert not server.hits("/4")
    assert check(server.url("/0"), max_redirects=5).verdict is Verdict.MOVED


def test_429_waits_as_retry_after_asks(server: LinkServer) -> None:
    """429 with Retry-After: 1, then 200: ok after one retry, a second or more later."""
    server.routes["/busy"] = linkserver.first_then(
        1, linkserver.status(429, {"Retry-After": "1"}), linkserver.status(200)
    )
    outcome = check(server.url("/busy"))
    assert outcome.verdict is Verdict.OK
    first, second = server.hits("/busy")
    assert second.at - first.at >= 0.9


def test_retry_after_longer_than_allowed_is_not_waited_for(server: LinkServer) -> None:
    """Retry-After: 3600 is beyond the bound: one request, a transient dead verdict."""
    server.routes["/busy"] = linkserver.status(429, {"Retry-After": "3600"})
    outcome = check(server.url("/busy"))
    assert (outcome.verdict, outcome.status, outcome.transient) == (Verdict.DEAD, 429, True)
    assert len(server.hits("/busy")) == 1


def test_503_is_retried_with_backoff_then_reported(server: LinkServer) -> None:
    """503 without Retry-After: asked 1 + retries times, each wait longer than the last."""
    server.routes["/down"] = linkserver.status(503)
    outcome = check(server.url("/down"))
    assert (outcome.verdict, outcome.status) == (Verdict.DEAD, 503)
    assert outcome.detail == "503 Service Unavailable after 2 retries"
    hits = server.hits("/down")
    assert len(hits) == 3
    assert hits[2].at - hits[1].at >= hits[1].at - hits[0].at >= FAST.backoff


def test_503_then_ok_is_ok(server: LinkServer) -> None:
    """A server that recovers within the retries is ok."""
    server.routes["/flaky"] = linkserver.first_then(
        2, linkserver.status(503, {"Retry-After": "0"}), linkserver.status(200)
    )
    assert check(server.url("/flaky")).verdict is Verdict.OK


def test_slow_answer_past_the_timeout_is_dead(server: LinkServer) -> None:
    """No answer within the timeout: dead (transient), not waited for."""
    server.routes["/slow"] = linkserver.slow(3.0)
    outcome = check(server.url("/slow"))
    assert (outcome.verdict, outcome.transient) == (Verdict.DEAD, True)
    assert "no answer within 0.5 s" in outcome.detail


def test_dripped_headers_hit_the_overall_deadline(server: LinkServer) -> None:
    """A byte every 0.1 s never trips the read timeout, but the deadline ends it."""
    server.routes["/drip"] = linkserver.drip(0.1)
    outcome = check(server.url("/drip"))
    assert outcome.verdict is Verdict.DEAD
    assert outcome.detail == "no complete answer within 1 s"


def test_huge_headers_are_refused(server: LinkServer) -> None:
    """Megabytes of headers: a broken answer, not memory exhausted."""
    server.routes["/big"] = linkserver.huge_headers()
    outcome = check(server.url("/big"))
    assert outcome.verdict is Verdict.DEAD
    assert outcome.detail.startswith("broken HTTP answer")


def test_an_endless_body_is_never_read(server: LinkServer) -> None:
    """GET of a body that never ends: the status is enough, the body is not read."""
    server.routes["/endless"] = linkserver.endless_body()
    outcome = check(server.url("/endless"))
    assert (outcome.verdict, outcome.status) == (Verdict.OK, 200)


def test_network_text_is_never_shown(server: LinkServer) -> None:
    """A reason phrase with a terminal escape and a body with markup: neither is kept."""
    server.routes["/evil"] = linkserver.raw(
        b"HTTP/1.1 404 \x1b[2J<b>Gone</b>\r\nContent-Length: 25\r\n\r\n<script>alert(1)</script>"
    )
    outcome = check(server.url("/evil"))
    assert (outcome.verdict, outcome.status, outcome.detail) == (Verdict.DEAD, 404, "404 Not Found")
    assert "script" not in repr(outcome)


def test_https_to_a_plain_http_server_is_a_tls_failure(server: LinkServer) -> None:
    """The TLS handshake fails: dead, and the detail says TLS."""
    server.routes["/"] = linkserver.status(200)
    outcome = check(server.base.replace("http://", "https://") + "/")
    assert outcome.verdict is Verdict.DEAD
    assert outcome.detail.startswith("TLS failed")


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://[::1/", "not a usable address"),
        ("http://:80/", "the address names no host"),
        ("http://" + "a" * 300 + ".example/", "host not found"),
    ],
)
def test_unusable_addresses_are_dead_not_a_crash(url: str, detail: str) -> None:
    """An address no request can be made to is reported dead, with why (no DNS is asked)."""
    outcome = check(url)
    assert outcome.verdict is Verdict.DEAD
    assert outcome.detail.startswith(detail)


def test_loopback_is_skipped_without_allow_private(server: LinkServer) -> None:
    """127.0.0.1 is not requested at all unless allowed."""
    server.routes["/a"] = linkserver.status(200)
    outcome = check(server.url("/a"), Settings(timeout=0.5, deadline=1.0))
    assert outcome.verdict is Verdict.SKIPPED
    assert "private or local address (127.0.0.1)" in outcome.detail
    assert not server.seen


def test_localhost_by_name_is_skipped_too(server: LinkServer) -> None:
    """A name is resolved first, and every address it resolves to is checked."""
    server.routes["/a"] = linkserver.status(200)
    url = server.url("/a").replace("127.0.0.1", "localhost")
    assert check(url, Settings(timeout=0.5, deadline=1.0)).verdict is Verdict.SKIPPED
    assert not server.seen


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    """Private, loopback, link-local, shared, multicast and mapped addresses are not public."""
    assert is_public_address(address) is public


def test_redirects_across_hosts_are_followed_and_guarded(server: LinkServer) -> None:
    """A Location on another host is followed; with the guard on, loopback hosts are refused."""
    with linkserver.running("127.0.0.2") as other:
        other.routes["/jump"] = linkserver.redirect(302, server.url("/inside"))
        server.routes["/inside"] = linkserver.status(200)
        outcomes = run_checks([other.url("/jump")], FAST, NOW)
        assert outcomes[other.url("/jump")].verdict is Verdict.REDIRECTED
    # With the guard on, even the first hop is refused (both hosts are loopback).
    guarded = Settings(timeout=0.5, deadline=1.0)
    assert check(other.url("/jump"), guarded).verdict is Verdict.SKIPPED


def test_at_most_two_requests_at_once_to_one_host(server: LinkServer) -> None:
    """Eight slow addresses on one host: never more than two in flight there."""
    for number in range(8):
        server.routes[f"/{number}"] = linkserver.slow(0.2)
    outcomes = run_checks([server.url(f"/{n}") for n in range(8)], FAST, NOW)
    assert all(outcome.verdict is Verdict.OK for outcome in outcomes.values())
    assert server.peak == 2


def test_at_most_concurrency_requests_at_once_overall() -> None:
    """Three hosts, concurrency 3: at most three in flight overall, and it reaches three."""
    flight = linkserver.Flight()
    settings = Settings(timeout=2, deadline=4, allow_private=True, concurrency=3)
    hosts = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    with (
        linkserver.running(hosts[0], flight) as one,
        linkserver.running(hosts[1], flight) as two,
        linkserver.running(hosts[2], flight) as three,
    ):
        urls = []
        for server in (one, two, three):
            for number in range(4):
                server.routes[f"/{number}"] = linkserver.slow(0.2)
                urls.append(server.url(f"/{number}"))
        outcomes = run_checks(urls, settings, NOW)
    assert all(outcome.verdict is Verdict.OK for outcome in outcomes.values())
    assert flight.peak == 3
    assert max(one.peak, two.peak, three.peak) <= 2


def test_each_address_is_requested_once(server: LinkServer) -> None:
    """An address written three times is asked once."""
    server.routes["/a"] = linkserver.status(200)
    url = server.url("/a")
    assert list(run_checks([url, url, url], FAST, NOW)) == [url]
    assert len(server.hits("/a")) == 1


def test_a_connection_is_reused_after_a_short_answer(server: LinkServer) -> None:
    """Four addresses asked one at a time travel over one connection."""
    server.routes["/a"] = linkserver.status(200)
    server.routes["/b"] = linkserver.head_refused(405)
    urls = [server.url(path) for path in ("/a", "/b", "/a?x", "/b?y")]
    run_checks(urls, Settings(concurrency=1, allow_private=True), NOW)
    assert len(server.seen) == 6
    assert len({seen.client_port for seen in server.seen}) == 1


def test_fresh_cached_outcomes_are_not_requested_again(server: LinkServer) -> None:
    """A cached outcome younger than max_age is reused; an older one is checked again."""
    server.routes["/a"] = linkserver.status(404)
    url = server.url("/a")
    earlier = Outcome(url, Verdict.OK, NOW - timedelta(days=2), 200)
    reused = run_checks([url], FAST, NOW, cached={url: earlier}, max_age=timedelta(days=7))[url]
    assert (reused.verdict, reused.cached) == (Verdict.OK, True)
    assert not server.seen
    fresh = run_checks([url], FAST, NOW, cached={url: earlier}, max_age=timedelta(days=1))[url]
    assert (fresh.verdict, fresh.cached) == (Verdict.DEAD, False)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Thu, 01 Jan 2026 00:01:00 GMT", 60.0),
        ("Wed, 31 Dec 2025 00:00:00 GMT", 0.0),
        ("soon", None),
        ("-3", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(
    header: str | None, seconds: float | None
) -> None:
    """Delta-seconds and HTTP dates are understood; a past date means now; nonsense, no value."""
    assert retry_after_seconds(header, NOW) == seconds
