"""`publish caldav` against real servers (Radicale and Xandikos) started on 127.0.0.1."""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import caldav
import icalendar
import niquests
import pytest
from click.testing import CliRunner

from asean_timeline.caldav_server import (
    PASSWORD_VARIABLE,
    CalDAVError,
    Collection,
    Credentials,
    RetryPolicy,
    resource_key,
)
from asean_timeline.caldav_state import STATE_FILENAME, read_state
from asean_timeline.caldav_sync import SyncReport, sync
from asean_timeline.cli import cli
from asean_timeline.exporters import ics
from asean_timeline.model import Month, Timed, Timeline, Year
from asean_timeline.pipeline import load_timeline
from asean_timeline.present import RenderContext
from asean_timeline.present import uid as event_uid
from asean_timeline.revisions import update
from asean_timeline.wording import calendar_summary
from tests import caldav_servers
from tests.caldav_servers import DavServer
from tests.conftest import FIXED_TIME, FULL

COMPONENT = re.compile(rb"BEGIN:(VTIMEZONE|VEVENT)\r\n.*?END:\1\r\n", re.S)
#: Quick to give up, so a test of a dead server does not wait for minutes.
QUICK = RetryPolicy(timeout=5, attempts=2, backoff=0.05)
ALICE, ALICE_PASSWORD = "alice", "correct-horse-battery-42"


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    server = caldav_servers.radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    server = caldav_servers.xandikos(tmp_path_factory.mktemp("xandikos"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> DavServer:
    """Each of the two servers in turn."""
    found: DavServer = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture
def own_radicale(tmp_path: Path) -> Iterator[DavServer]:
    """A Radicale for one test only (the test may kill it)."""
    server = caldav_servers.radicale(tmp_path / "own-radicale")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def radicale_with_logins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DavServer]:
    """Radicale that asks for a login (htpasswd, plain): alice only."""
    root = tmp_path_factory.mktemp("radicale-logins")
    htpasswd = root / "htpasswd"
    htpasswd.write_text(f"{ALICE}:{ALICE_PASSWORD}\n")
    server = caldav_servers.radicale(root, htpasswd)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def timeline_file(tmp_path: Path) -> Path:
    """A copy of the feature tour (every date form, zones, recurrences) to edit."""
    path = tmp_path / "timeline" / "events.toml"
    path.parent.mkdir()
    shutil.copy(FULL, path)
    return path


def publish(
    url: str,
    path: Path,
    *,
    force: bool = False,
    workers: int = 4,
    login: Credentials | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Sync ``path`` to ``url`` as the command does, with the state file beside it."""
    timeline, _ = load_timeline(path)
    calendars = ics.event_calendars(RenderContext(timeline, update(timeline, {}, FIXED_TIME)))
    with Collection(url, login or Credentials(None), QUICK) as collection:
        return sync(
            collection,
            calendars,
            path.parent / STATE_FILENAME,
            domain=timeline.calendar.uid_domain,
            force=force,
            workers=workers,
            progress=progress,
        )


def listing(url: str, auth: tuple[str, str] | None = None) -> dict[str, str | None]:
    """Resource name → ETag on the server, read with a PROPFIND of our own client."""
    login = Credentials(*auth) if auth else Credentials(None)
    with Collection(url, login) as collection:
        return {key: found.etag for key, found in collection.listing().items()}


def read_back(url: str) -> dict[str, icalendar.Event]:
    """Every event in the collection, read through the caldav library, by UID."""
    with caldav.DAVClient(url=url) as client:
        calendar = client.calendar(url=url)
        found = {}
        for resource in calendar.get_events():
            parsed = icalendar.Calendar.from_ical(resource.get_data())
            (event,) = parsed.walk("VEVENT")
            assert str(event["UID"]) not in found, "one resource per event"
            found[str(event["UID"])] = event
        return found


def expected(timeline: Timeline) -> dict[str, tuple[str, Any, Any]]:
    """UID → (summary, start, end) from the model, as RFC 5545 states them."""
    result = {}
    for event in timeline.events:
        when = event.when
        start: date | datetime
        end: date | datetime | None
        if isinstance(when, Timed):
            start, end = when.start, when.end
        else:
            start = when.first_day
            end = (when.first_day if isinstance(when, Year | Month) else when.last_day) + timedelta(
                days=1
            )
        uid = event_uid(event, timeline.calendar.uid_domain)
        result[uid] = (calendar_summary(event), start, end)
    return result


def assert_server_matches_model(url: str, path: Path) -> None:
    timeline, _ = load_timeline(path)
    found = read_back(url)
    want = expected(timeline)
    assert sorted(found) == sorted(want)
    for uid, (summary, start, end) in want.items():
        event = found[uid]
        assert str(event["SUMMARY"]) == summary, uid
        assert event.decoded("DTSTART") == start, uid
        assert (event.decoded("DTEND") if "DTEND" in event else None) == end, uid


def writes(report: SyncReport) -> int:
    return report.requests["PUT"] + report.requests["DELETE"]


def test_event_calendars_hold_what_events_ics_holds(timeline_file: Path) -> None:
    """Each per-event VCALENDAR is a short header, then its VTIMEZONE (if it has a zone)
    and VEVENT exactly as events.ics has them."""
    timeline, _ = load_timeline(timeline_file)
    revisions = update(timeline, {}, FIXED_TIME)
    whole = ics.calendar(RenderContext(timeline, revisions), ics.FILENAME)
    calendars = ics.event_calendars(RenderContext(timeline, revisions))
    assert sorted(calendars) == sorted(
        event_uid(e, timeline.calendar.uid_domain) for e in timeline.events
    )
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{ics.PRODID}\r\nCALSCALE:GREGORIAN\r\n"
    zoned = 0
    for body in calendars.values():
        pieces = [found.group(0) for found in COMPONENT.finditer(body)]
        assert body == head.encode() + b"".join(pieces) + b"END:VCALENDAR\r\n"
        assert all(piece in whole for piece in pieces)
        assert pieces[-1].startswith(b"BEGIN:VEVENT")
        assert len(pieces) <= 2
        if len(pieces) == 2:
            zoned += 1
            tzid = re.search(rb"^TZID:(.*)\r$", pieces[0], re.M)
            assert tzid is not None
            assert b";TZID=" + tzid.group(1) + b":" in pieces[1]
    assert zoned > 0  # the feature tour has events in zones


def test_first_sync_creates_each_event_and_reads_back_as_the_model(
    server: DavServer, timeline_file: Path
) -> None:
    """A first sync PUTs one resource per event; read back, UID, summary, start, end match."""
    url = server.new_calendar()
    report = publish(url, timeline_file)
    timeline, _ = load_timeline(timeline_file)
    assert len(report.created) == len(timeline.events) == report.requests["PUT"]
    assert not report.conflicts
    assert not report.updated
    assert not report.deleted
    assert_server_matches_model(url, timeline_file)
    state = read_state(timeline_file.parent / STATE_FILENAME)[url]
    assert listing(url) == {resource_key(e.href): e.etag for e in state.values()}


def test_second_sync_sends_no_write(server: DavServer, timeline_file: Path) -> None:
    """With nothing changed, a sync only reads (one PROPFIND)."""
    url = server.new_calendar()
    publish(url, timeline_file)
    again = publish(url, timeline_file)
    assert writes(again) == 0
    assert again.unchanged == len(load_timeline(timeline_file)[0].events)
    assert dict(again.requests) == {"PROPFIND": 1}


def test_one_edited_event_sends_exactly_one_put(server: DavServer, timeline_file: Path) -> None:
    """Editing one title re-sends that event alone, and the server shows the new title."""
    url = server.new_calendar()
    publish(url, timeline_file)
    text = timeline_file.read_text()
    timeline_file.write_text(text.replace('"Leap day meeting"', '"Leap day meeting, moved"'))
    report = publish(url, timeline_file)
    assert report.requests["PUT"] == 1
    assert report.requests["DELETE"] == 0
    assert [uid.split("@")[0] for uid in report.updated] == ["leap-day"]
    assert_server_matches_model(url, timeline_file)


def test_a_removed_event_is_deleted_and_other_resources_are_left(
    server: DavServer, timeline_file: Path
) -> None:
    """Removing an event DELETEs its resource; a resource someone else put there stays."""
    url = server.new_calendar()
    foreign = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:team-lunch@example.com\r\nDTSTAMP:20240101T000000Z\r\n"
        b"DTSTART;VALUE=DATE:20240105\r\nSUMMARY:Team lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    put = niquests.put(url + "team-lunch.ics", data=foreign, timeout=10)
    assert put.status_code in (201, 204)
    publish(url, timeline_file)
    text = timeline_file.read_text()
    start = text.index('[[events]]\nid = "leap-day"')
    timeline_file.write_text(text[:start] + text[text.index("[[events]]", start + 1) :])
    report = publish(url, timeline_file)
    assert [uid.split("@")[0] for uid in report.deleted] == ["leap-day"]
    assert report.requests["DELETE"] == 1
    assert report.requests["PUT"] == 0
    names = listing(url)
    assert "team-lunch.ics" in names
    assert not any(name.startswith("leap-day@") for name in names)
    assert set(read_back(url)) == set(expected(load_timeline(timeline_file)[0])) | {
        "team-lunch@example.com"
    }


def _edit_on_server(url: str, name: str, summary: str) -> None:
    """Change an event's SUMMARY the way a calendar app would (a plain PUT)."""
    href = url + name
    body = niquests.get(href, timeout=10).text
    lines = [
        f"SUMMARY:{summary}" if line.startswith("SUMMARY:") else line
        for line in body.replace("\r\n ", "").splitlines()
    ]
    assert niquests.put(href, data="\r\n".join(lines) + "\r\n", timeout=10).status_code in (
        201,
        204,
    )


def test_an_event_edited_on_the_server_is_a_conflict_until_forced(
    server: DavServer, timeline_file: Path
) -> None:
    """A server-side edit is reported and kept; --force puts our version back."""
    url = server.new_calendar()
    publish(url, timeline_file)
    domain = load_timeline(timeline_file)[0].calendar.uid_domain
    uid = f"leap-day@{domain}"
    _edit_on_server(url, f"leap-day%40{domain}.ics", "Edited in a calendar app")
    timeline_file.write_text(timeline_file.read_text().replace("Leap day meeting", "Leap day 2"))
    report = publish(url, timeline_file)
    assert [c.uid for c in report.conflicts] == [uid]
    assert writes(report) == 0
    assert str(read_back(url)[uid]["SUMMARY"]) == "Edited in a calendar app"
    forced = publish(url, timeline_file, force=True)
    assert forced.updated == [uid]
    assert not forced.conflicts
    assert_server_matches_model(url, timeline_file)
    assert writes(publish(url, timeline_file)) == 0


def test_a_lost_state_file_is_rebuilt_without_duplicates(
    server: DavServer, timeline_file: Path
) -> None:
    """Without its state file, a sync recognises its own resources: no write, none doubled."""
    url = server.new_calendar()
    publish(url, timeline_file)
    before = listing(url)
    state_file = timeline_file.parent / STATE_FILENAME
    state_file.unlink()
    report = publish(url, timeline_file)
    assert writes(report) == 0
    assert not report.conflicts
    assert listing(url) == before
    assert {resource_key(e.href) for e in read_state(state_file)[url].values()} == set(before)


def test_a_lost_state_file_still_lets_removed_events_go(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """With the state lost, an event removed from the timeline is still found and deleted."""
    url = radicale_server.new_calendar()
    publish(url, timeline_file)
    (timeline_file.parent / STATE_FILENAME).unlink()
    text = timeline_file.read_text()
    start = text.index('[[events]]\nid = "leap-day"')
    timeline_file.write_text(text[:start] + text[text.index("[[events]]", start + 1) :])
    report = publish(url, timeline_file)
    assert [uid.split("@")[0] for uid in report.deleted] == ["leap-day"]
    assert_server_matches_model(url, timeline_file)


def test_a_server_killed_mid_sync_leaves_a_true_state_and_the_next_run_completes(
    own_radicale: DavServer, timeline_file: Path
) -> None:
    """After a crash part-way, the state file lists only what the server holds; a rerun
    sends only the rest and ends with each event once."""
    url = own_radicale.new_calendar()
    total = len(load_timeline(timeline_file)[0].events)

    def crash_after_three(done: int, _total: int) -> None:
        if done == 3:
            own_radicale.stop()

    with pytest.raises(CalDAVError, match="failed 2 times"):
        publish(url, timeline_file, workers=1, progress=crash_after_three)
    own_radicale.start()
    on_server = listing(url)
    state = read_state(timeline_file.parent / STATE_FILENAME)[url]
    recorded = {resource_key(e.href): e.etag for e in state.values()}
    assert len(recorded) >= 3
    assert recorded.items() <= on_server.items()  # every recorded write is there, same ETag
    assert len(on_server) - len(recorded) <= 1  # at most the one in flight when it died
    resumed = publish(url, timeline_file)
    assert resumed.requests["PUT"] == total - len(on_server)
    assert_server_matches_model(url, timeline_file)
    assert writes(publish(url, timeline_file)) == 0


def _cli(args: list[str], env: dict[str, str | None]) -> Any:
    return CliRunner().invoke(cli, ["publish", "caldav", *args], env=env)


def test_a_refused_login_says_so_without_the_password(
    radicale_with_logins: DavServer, timeline_file: Path, tmp_path: Path
) -> None:
    """A wrong password: exit 1, a message naming the user, and the password nowhere."""
    url = radicale_with_logins.new_calendar()
    wrong = "not-the-password-7731"
    result = _cli(
        [url, str(timeline_file), "--user", ALICE, "--timeout", "5"],
        {PASSWORD_VARIABLE: wrong, "HOME": str(tmp_path), "NETRC": None},
    )
    assert result.exit_code == 1
    assert "refused the login of user 'alice' (HTTP 401)" in result.stderr
    assert wrong not in result.output + result.stderr
    assert not (timeline_file.parent / STATE_FILENAME).exists() or not read_state(
        timeline_file.parent / STATE_FILENAME
    ).get(url)


def test_the_password_comes_from_the_environment_or_netrc(
    radicale_with_logins: DavServer, timeline_file: Path, tmp_path: Path
) -> None:
    """The right password from the variable, then from ~/.netrc (user included)."""
    url = radicale_with_logins.new_calendar()
    by_variable = _cli(
        [url, str(timeline_file), "--user", ALICE],
        {PASSWORD_VARIABLE: ALICE_PASSWORD, "HOME": str(tmp_path), "NETRC": None},
    )
    assert by_variable.exit_code == 0, by_variable.output + by_variable.stderr
    assert ALICE_PASSWORD not in by_variable.output + by_variable.stderr
    (tmp_path / ".netrc").write_text(f"machine 127.0.0.1 login {ALICE} password {ALICE_PASSWORD}\n")
    (tmp_path / ".netrc").chmod(0o600)
    (timeline_file.parent / STATE_FILENAME).unlink()
    by_netrc = _cli(
        [url, str(timeline_file)], {PASSWORD_VARIABLE: None, "HOME": str(tmp_path), "NETRC": None}
    )
    assert by_netrc.exit_code == 0, by_netrc.output + by_netrc.stderr
    assert "0 created" in by_netrc.stdout
    assert "conflicts" in by_netrc.stdout
    assert ALICE_PASSWORD not in by_netrc.output + by_netrc.stderr


def test_a_password_in_the_url_is_refused(timeline_file: Path) -> None:
    """A URL with a password is a usage error that does not repeat the password."""
    result = _cli(["https://me:hunter2-secret@dav.example.org/cal/", str(timeline_file)], {})
    assert result.exit_code == 2
    assert "do not put the password in the URL" in result.stderr
    assert "hunter2-secret" not in result.output + result.stderr


def test_cli_dry_run_writes_nothing_and_conflicts_exit_1(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """--dry-run lists what would change and writes nothing; a conflict makes exit code 1."""
    url = radicale_server.new_calendar()
    env: dict[str, str | None] = {PASSWORD_VARIABLE: None, "NETRC": "/nonexistent"}
    dry = _cli([url, str(timeline_file), "--dry-run"], env)
    assert dry.exit_code == 0, dry.output
    assert "would create leap-day" in dry.stdout
    assert listing(url) == {}
    assert _cli([url, str(timeline_file)], env).exit_code == 0
    domain = load_timeline(timeline_file)[0].calendar.uid_domain
    _edit_on_server(url, f"leap-day%40{domain}.ics", "Changed elsewhere")
    conflicted = _cli([url, str(timeline_file)], env)
    assert conflicted.exit_code == 1
    assert "conflict: leap-day: edited on the server since the last sync" in conflicted.stderr
    forced = _cli([url, str(timeline_file), "--force"], env)
    assert forced.exit_code == 0
    assert "1 updated" in forced.stdout


def test_cli_publishes_a_named_sub_calendar_with_filters(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """--calendar and the export filters choose which events the collection holds."""
    url = radicale_server.new_calendar()
    env: dict[str, str | None] = {PASSWORD_VARIABLE: None, "NETRC": "/nonexistent"}
    result = _cli([url, str(timeline_file), "--status", "cancelled"], env)
    assert result.exit_code == 0, result.output
    assert [uid.split("@")[0] for uid in read_back(url)] == ["cancelled-visit"]
    unknown = _cli([url, str(timeline_file), "--calendar", "tags/no-such-tag"], env)
    assert unknown.exit_code == 2
    assert "no sub-calendar 'tags/no-such-tag'" in unknown.stderr


def test_an_unreachable_server_is_an_error_not_a_traceback(timeline_file: Path) -> None:
    """Nothing listening: exit 1 with what failed and what to do."""
    url = f"http://127.0.0.1:{caldav_servers.free_port()}/cal/"
    result = _cli(
        [url, str(timeline_file), "--timeout", "2"],
        {PASSWORD_VARIABLE: None, "NETRC": "/nonexistent"},
    )
    assert result.exit_code == 1
    assert "PROPFIND to" in result.stderr
    assert "could not connect" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_server_calendar_finds_the_calendar_by_its_name(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """--server-calendar NAME: URL is the account's, the calendar found by discovery."""
    url = radicale_server.new_calendar("ASEAN desk")
    env: dict[str, str | None] = {PASSWORD_VARIABLE: "any", "NETRC": "/nonexistent"}
    account = radicale_server.origin + "/"
    found = _cli(
        [account, str(timeline_file), "--user", "tests", "--server-calendar", "ASEAN desk"], env
    )
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith(url + ": 15 created")
    assert len(read_back(url)) == 15
    missing = _cli(
        [account, str(timeline_file), "--user", "tests", "--server-calendar", "Nope"], env
    )
    assert missing.exit_code == 1
    assert "has no calendar named 'Nope'" in missing.stderr
    assert "'ASEAN desk'" in missing.stderr


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers PROPFIND with the statuses queued in ``server.answers``, then a listing."""

    def do_PROPFIND(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answers: list[tuple[int, str | None]] = self.server.answers  # type: ignore[attr-defined]
        if answers:
            status, retry_after = answers.pop(0)
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (
            b'<?xml version="1.0"?><multistatus xmlns="DAV:"><response><href>/cal/</href>'
            b"<propstat><prop><resourcetype><collection/>"
            b'<calendar xmlns="urn:ietf:params:xml:ns:caldav"/></resourcetype></prop>'
            b"<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"
        )
        self.send_response(207)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("answers", "waits"),
    [
        ([(503, "1")], [1.0]),  # Retry-After in seconds
        ([(429, None), (502, None)], [0.05, 0.1]),  # none given: the backoff, doubled
        ([(503, "120")], [1.5]),  # capped at max_wait
        ([(504, "Wed, 01 Jan 2020 00:00:00 GMT")], [0.0]),  # a date already past
    ],
)
def test_retries_honour_retry_after(
    answers: list[tuple[int, str | None]], waits: list[float]
) -> None:
    """Transient answers are retried after the pause the server asks for (capped)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    server.answers = list(answers)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    policy = RetryPolicy(timeout=5, attempts=3, backoff=0.05, max_wait=1.5)
    try:
        with Collection(
            f"http://127.0.0.1:{server.server_port}/cal/", Credentials(None), policy
        ) as c:
            assert c.listing() == {}
            assert c.waits == waits
            assert c.requests["PROPFIND"] == len(answers) + 1
    finally:
        server.shutdown()
        server.server_close()


def test_retries_give_up_with_the_last_problem() -> None:
    """A server that stays unavailable: CalDAVError after the policy's attempts."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    server.answers = [(503, "0")] * 5  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    policy = RetryPolicy(timeout=5, attempts=2, backoff=0.01)
    try:
        with (
            Collection(
                f"http://127.0.0.1:{server.server_port}/cal/", Credentials(None), policy
            ) as c,
            pytest.raises(CalDAVError, match=r"failed 2 times \(HTTP 503\)"),
        ):
            c.listing()
    finally:
        server.shutdown()
        server.server_close()


def test_a_url_that_is_not_a_calendar_is_refused(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """The account's home instead of a calendar: exit 1, pointing at --server-calendar."""
    home = radicale_server.origin + radicale_server.home
    result = _cli([home, str(timeline_file)], {PASSWORD_VARIABLE: None, "NETRC": "/nonexistent"})
    assert result.exit_code == 1
    assert f"{home} is not a calendar collection" in result.stderr
    assert "--server-calendar" in result.stderr


def test_an_edit_on_the_server_during_the_sync_is_a_conflict(
    radicale_server: DavServer, timeline_file: Path
) -> None:
    """A resource changed between the listing and its PUT: the server's 412 is a conflict,
    the edit is kept, and the next sync reports it again instead of overwriting it."""
    url = radicale_server.new_calendar()
    publish(url, timeline_file)
    domain = load_timeline(timeline_file)[0].calendar.uid_domain
    name = f"leap-day%40{domain}.ics"
    timeline_file.write_text(timeline_file.read_text().replace("Leap day meeting", "Leap day 2"))

    class EditedMeanwhile(Collection):
        def put(self, href: str, body: bytes, etag: str | None) -> str | None:
            _edit_on_server(url, name, "Edited during the sync")  # just before our PUT
            return super().put(href, body, etag)

    timeline, _ = load_timeline(timeline_file)
    calendars = ics.event_calendars(RenderContext(timeline, update(timeline, {}, FIXED_TIME)))
    with EditedMeanwhile(url, Credentials(None), QUICK) as collection:
        report = sync(collection, calendars, timeline_file.parent / STATE_FILENAME, domain=domain)
    assert [c.reason for c in report.conflicts] == [
        "changed on the server during this sync; left as it is"
    ]
    assert report.updated == []
    assert str(read_back(url)[f"leap-day@{domain}"]["SUMMARY"]) == "Edited during the sync"
    again = publish(url, timeline_file)
    assert [c.uid for c in again.conflicts] == [f"leap-day@{domain}"]
    assert writes(again) == 0
