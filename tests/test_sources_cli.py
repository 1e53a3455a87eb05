"""``asean-timeline sources check`` and ``sources archive`` through the CLI, on local servers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from asean_timeline.fetch import Settings
from asean_timeline.linkcache import cache_path, read_cache
from asean_timeline.linkcheck import Outcome, Verdict
from asean_timeline.linkreport import Finding, moved_edits
from asean_timeline.sourcelinks import LinkTarget, SourceEdit
from tests import linkserver
from tests.linkserver import LinkServer

FAST = ["--allow-private", "--timeout", "0.5", "--retries", "0"]

TIMELINE = """\
[calendar]
title = "Links"

[[events]]
id = "summit"
title = "Summit"
date = 2023-12-17
url = "{base}/ok"
sources = [
  {{ publisher = "Kyodo", url = "{base}/moved", published = "2023-12-16" }},
  {{ publisher = "Jiji", url = "{base}/gone" }},
]

[[events]]
id = "talks"
title = "Talks"
date = 2023-12-18
sources = [{{ publisher = "Kyodo", url = "{base}/ok" }}]
"""


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """A server with an ok page, a permanently moved one and a gone one."""
    with linkserver.running() as running:
        running.routes["/ok"] = linkserver.status(200)
        running.routes["/moved"] = linkserver.redirect(301, "/new")
        running.routes["/new"] = linkserver.status(200)
        running.routes["/gone"] = linkserver.status(410)
        yield running


@pytest.fixture
def timeline(tmp_path: Path, server: LinkServer) -> Path:
    """A valid timeline whose four addresses are on the local server."""
    path = tmp_path / "events.toml"
    path.write_text(TIMELINE.format(base=server.base), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_human_report_names_each_address_at_its_line(timeline: Path, server: LinkServer) -> None:
    """One line per written address, in file order, with file:line and the verdict."""
    code, out, err = run("sources", "check", str(timeline), *FAST)
    assert code == 0
    ok_line, moved_line = line_of(timeline, "/ok"), line_of(timeline, "/moved")
    gone_line, talks_line = line_of(timeline, "/gone"), line_of(timeline, "sources = [{")
    assert out.splitlines() == [
        f"{timeline}:{ok_line}: ok: {server.url('/ok')} (200 OK), event 'summit'",
        f"{timeline}:{moved_line}: moved permanently: {server.url('/moved')} -> "
        f"{server.url('/new')} (200 OK), event 'summit', source #1",
        f"{timeline}:{gone_line}: dead: {server.url('/gone')} (410 Gone), "
        "event 'summit', source #2",
        f"{timeline}:{talks_line}: ok: {server.url('/ok')} (200 OK), event 'talks', source #1",
    ]
    assert "4 links: 2 ok, 1 moved permanently, 1 dead" in err
    assert len(server.hits("/ok")) == 1


def test_strict_exits_1_on_a_dead_link(timeline: Path) -> None:
    """--strict fails the run when any link is dead."""
    code, _out, _err = run("sources", "check", str(timeline), *FAST, "--strict")
    assert code == 1


def test_json_lines_hold_every_field(timeline: Path, server: LinkServer) -> None:
    """--format json: one object per written address, with the documented keys."""
    code, out, _err = run("sources", "check", str(timeline), *FAST, "--format", "json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["verdict"] for record in records] == ["ok", "moved", "dead", "ok"]
    moved = records[1]
    assert moved["new_url"] == server.url("/new")
    assert moved["field"] == "sources[0].url"
    assert moved["line"] == line_of(timeline, "/moved")
    assert set(moved) == {
        "file",
        "line",
        "event_id",
        "field",
        "url",
        "verdict",
        "status",
        "new_url",
        "detail",
        "checked",
        "cached",
    }


def test_github_annotations_only_for_links_that_need_attention(timeline: Path) -> None:
    """--format github: an error for the dead link, a warning for the moved one, nothing for ok."""
    code, out, _err = run("sources", "check", str(timeline), *FAST, "--format", "github")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"::warning file={timeline},line={line_of(timeline, '/moved')},")
    assert lines[1].startswith(f"::error file={timeline},line={line_of(timeline, '/gone')},")
    assert "title=dead link (event 'summit'%2C source #2)::" in lines[1]


def test_the_cache_spares_fresh_links_and_max_age_0_rechecks(
    timeline: Path, server: LinkServer
) -> None:
    """A second run within --max-age asks nothing; --max-age 0 asks everything again."""
    assert run("sources", "check", str(timeline), *FAST)[0] == 0
    cache = cache_path(timeline)
    assert cache.name == ".events.links.json"
    assert set(read_cache(cache)) == {server.url(p) for p in ("/ok", "/moved", "/gone")}
    asked = len(server.seen)
    server.routes["/gone"] = linkserver.status(200)
    _code, out, err = run("sources", "check", str(timeline), *FAST)
    assert len(server.seen) == asked
    assert "dead" in out
    assert "(4 from the cache)" in err
    _code, out, _err = run("sources", "check", str(timeline), *FAST, "--max-age", "0")
    assert len(server.seen) > asked
    assert "dead" not in out


def test_no_cache_writes_no_file(timeline: Path) -> None:
    """--no-cache neither reads nor writes the cache."""
    run("sources", "check", str(timeline), *FAST, "--no-cache")
    assert not cache_path(timeline).exists()


def test_a_cache_that_cannot_be_written_is_a_warning(timeline: Path) -> None:
    """The links are still reported; the warning names the cache file."""
    cache_path(timeline).mkdir()
    code, out, err = run("sources", "check", str(timeline), *FAST)
    assert code == 0
    assert "dead" in out
    assert f"warning: cannot write {cache_path(timeline)}: Is a directory" in err


def test_transient_results_are_not_cached(tmp_path: Path, server: LinkServer) -> None:
    """A 503 is reported but not kept: the next run asks again."""
    server.routes["/down"] = linkserver.status(503)
    path = tmp_path / "events.toml"
    path.write_text(TIMELINE.format(base=server.base).replace("/gone", "/down"), encoding="utf-8")
    run("sources", "check", str(path), *FAST)
    assert server.url("/down") not in read_cache(cache_path(path))


def test_a_broken_cache_is_ignored(timeline: Path) -> None:
    """A cache that is not ours is read as empty and replaced."""
    cache_path(timeline).write_text("{not json", encoding="utf-8")
    code, _out, _err = run("sources", "check", str(timeline), *FAST)
    assert code == 0
    assert read_cache(cache_path(timeline))


def test_private_addresses_are_skipped_with_a_warning(timeline: Path, server: LinkServer) -> None:
    """Without --allow-private nothing is requested and each address says why."""
    code, out, err = run("sources", "check", str(timeline), "--timeout", "0.5", "--strict")
    assert code == 0
    assert not server.seen
    assert out.count("skipped") == 4
    assert "private or local address (127.0.0.1)" in out
    assert "4 links: 4 skipped" in err
    assert "warning: 4 links skipped: private or local hosts are not requested" in err
    assert "pass --allow-private" in err


def test_an_invalid_timeline_is_reported_not_checked(tmp_path: Path) -> None:
    """A timeline that would not render is reported like validate does, exit 1."""
    path = tmp_path / "events.toml"
    path.write_text('[calendar]\ntitle = "x"\n[[events]]\nid = "a"\n', encoding="utf-8")
    code, _out, err = run("sources", "check", str(path))
    assert code == 1
    assert f"{path}:3: error: event 'a', field 'title'" in err
    assert "Traceback" not in err


def test_fix_rewrites_moved_addresses_and_nothing_else(timeline: Path, server: LinkServer) -> None:
    """--fix replaces the moved source's url in the file; every other byte stays."""
    commented = timeline.read_text(encoding="utf-8").replace(
        'id = "talks"', 'id = "talks"  # a comment the writer keeps'
    )
    timeline.write_text(commented, encoding="utf-8")
    code, _out, err = run("sources", "check", str(timeline), *FAST, "--fix")
    assert code == 0, err
    assert f"set {timeline}: event 'summit', source #1: url = \"{server.url('/new')}\"" in err
    assert "1 edit written to" in err
    fixed = timeline.read_text(encoding="utf-8")
    assert fixed == commented.replace(server.url("/moved"), server.url("/new"))
    _code, out, _err = run("sources", "check", str(timeline), *FAST, "--max-age", "0")
    assert "moved permanently" not in out


def test_fix_dry_run_writes_nothing(timeline: Path, server: LinkServer) -> None:
    """--fix --dry-run says what it would set and leaves the file as it was."""
    before = timeline.read_bytes()
    code, _out, err = run("sources", "check", str(timeline), *FAST, "--fix", "--dry-run")
    assert code == 0
    assert f"would set {timeline}: event 'summit', source #1: url" in err
    assert "nothing written (--dry-run)" in err
    assert timeline.read_bytes() == before


def test_fix_reaches_into_included_files(tmp_path: Path, server: LinkServer) -> None:
    """An address in an included file is reported at its own file and line, and fixed there."""
    (tmp_path / "events").mkdir()
    included = tmp_path / "events" / "talks.toml"
    included.write_text(
        '[[events]]\nid = "talks"\ntitle = "Talks"\ndate = 2023-12-18\n'
        f'sources = [{{ publisher = "Kyodo", url = "{server.url("/moved")}" }}]\n',
        encoding="utf-8",
    )
    main = tmp_path / "events.toml"
    main.write_text('[calendar]\ntitle = "Links"\ninclude = ["events/*.toml"]\n', encoding="utf-8")
    code, out, err = run("sources", "check", str(main), *FAST, "--fix")
    assert code == 0, err
    assert out.startswith(f"{tmp_path / 'events' / 'talks.toml'}:5: moved permanently:")
    assert server.url("/new") in included.read_text(encoding="utf-8")


def test_moved_edits_are_plain_data() -> None:
    """Only moved verdicts become edits; each names file, event, source and new address."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    source = LinkTarget("https://a.example/old", "events.toml", 9, "summit", 1)
    event = LinkTarget("https://a.example/x", "events.toml", 7, "summit", None)
    findings = [
        Finding(source, Outcome(source.url, Verdict.MOVED, now, 200, "https://a.example/new")),
        Finding(event, Outcome(event.url, Verdict.REDIRECTED, now, 200, "https://b.example/")),
    ]
    assert moved_edits(findings) == [
        SourceEdit("events.toml", "summit", 1, "url", "https://a.example/new")
    ]


# sources archive ------------------------------------------------------------------------


def availability(snapshots: dict[str, str]) -> linkserver.Behaviour:
    """A stand-in of the Wayback availability API: the documented answer shapes.

    ``snapshots`` maps an archived address to its 14-digit timestamp; the stand-in
    remembers the query it was asked in ``asked``.
    """
    asked: list[str] = []

    def behave(handler: linkserver.Handler) -> None:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(handler.path).query)
        url = query["url"][0]
        asked.append(handler.path)
        stamp = snapshots.get(url)
        if stamp is None:
            body: dict[str, object] = {"archived_snapshots": {}}
        else:
            body = {
                "url": url,
                "archived_snapshots": {
                    "closest": {
                        "status": "200",
                        "available": True,
                        "url": f"http://web.archive.example/web/{stamp}/{url}",
                        "timestamp": stamp,
                    }
                },
            }
            if "timestamp" in query:
                body["timestamp"] = query["timestamp"][0]
        handler.answer(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    behave.asked = asked  # type: ignore[attr-defined]
    return behave


def test_archive_finds_the_closest_snapshot_and_lists_the_edits(
    timeline: Path, server: LinkServer
) -> None:
    """Each source is looked up near its date; a found snapshot becomes archived/archived_on."""
    api = availability({server.url("/moved"): "20231216093000"})
    server.routes["/wayback/available"] = api
    service = server.url("/wayback/available")
    code, out, err = run(
        "sources", "archive", str(timeline), "--service", service, "--format", "json"
    )
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "file": str(timeline),
            "event_id": "summit",
            "source_index": 0,
            "field": "archived",
            "value": f"http://web.archive.example/web/20231216093000/{server.url('/moved')}",
        },
        {
            "file": str(timeline),
            "event_id": "summit",
            "source_index": 0,
            "field": "archived_on",
            "value": "2023-12-16",
        },
    ]
    asked = api.asked  # type: ignore[attr-defined]
    assert len(asked) == 3  # three sources; the event's own url is not a source
    assert any("timestamp=20231216" in path for path in asked)
    assert "3 sources without an archived copy: 1 found" in err
    import tomllib

    written = tomllib.loads(timeline.read_text(encoding="utf-8"))
    snapshot = f"http://web.archive.example/web/20231216093000/{server.url('/moved')}"
    assert written["events"][0]["sources"][0] == {
        "publisher": "Kyodo",
        "url": server.url("/moved"),
        "published": "2023-12-16",
        "archived": snapshot,
        "archived_on": date(2023, 12, 16),
    }
    assert written["events"][1] == tomllib.loads(TIMELINE.format(base=server.base))["events"][1]
    # The next run finds nothing left to archive: the source has its copy.
    _code, _out, err = run("sources", "archive", str(timeline), "--service", service)
    assert "2 sources without an archived copy" in err


def test_archive_dry_run_writes_nothing(timeline: Path, server: LinkServer) -> None:
    """--dry-run looks the copies up and leaves the file as it was."""
    server.routes["/wayback/available"] = availability({server.url("/gone"): "20240101000000"})
    before = timeline.read_bytes()
    code, out, err = run(
        "sources",
        "archive",
        str(timeline),
        "--service",
        server.url("/wayback/available"),
        "--dry-run",
    )
    assert code == 0
    assert "found http://web.archive.example/web/20240101000000/" in out
    assert "nothing written (--dry-run)" in err
    assert timeline.read_bytes() == before


def test_archive_save_requests_a_capture_where_there_is_none(
    timeline: Path, server: LinkServer
) -> None:
    """--save asks Save Page Now for the missing ones; its Location names the snapshot."""
    server.routes["/wayback/available"] = availability({})
    gone = server.url("/gone")
    server.routes["/save/" + gone] = linkserver.redirect(302, f"/web/20260101120000/{gone}")
    code, out, _err = run(
        "sources",
        "archive",
        str(timeline),
        "--service",
        server.url("/wayback/available"),
        "--save",
        "--save-service",
        server.url("/save/"),
    )
    assert code == 0
    assert f"saved {server.base}/web/20260101120000/{gone} (2026-01-01)" in out
    assert out.count(": failed: the archive answered 404") == 2  # the stand-in knows only /gone


def test_archive_reports_an_unusable_answer(timeline: Path, server: LinkServer) -> None:
    """An answer that is not the API's JSON is a failure, not a crash."""
    server.routes["/wayback/available"] = linkserver.json_answer(b"<html>nope</html>")
    code, out, _err = run(
        "sources", "archive", str(timeline), "--service", server.url("/wayback/available")
    )
    assert code == 0
    assert out.count("missing: no archived copy") == 3


def test_archive_answer_size_is_capped(timeline: Path, server: LinkServer) -> None:
    """An endless answer from the archive is cut off at the cap."""
    server.routes["/wayback/available"] = linkserver.json_answer(b" " * (1 << 20))
    _code, out, _err = run(
        "sources", "archive", str(timeline), "--service", server.url("/wayback/available")
    )
    assert out.count("failed: the answer is larger than 65,536 bytes") == 3


def test_archived_snapshot_day_comes_from_its_timestamp() -> None:
    """parse_availability reads the documented shape; no closest snapshot means None."""
    from asean_timeline.archive import parse_availability

    documented = (
        b'{"archived_snapshots": {"closest": {"available": true, "url": '
        b'"http://web.archive.org/web/20130919044612/http://example.com/", '
        b'"timestamp": "20130919044612", "status": "200"}}}'
    )
    assert parse_availability(documented) == (
        "http://web.archive.org/web/20130919044612/http://example.com/",
        date(2013, 9, 19),
    )
    assert parse_availability(b'{"archived_snapshots":{}}') is None
    assert parse_availability(b'{"archived_snapshots": {"closest": {"available": false}}}') is None
    assert parse_availability(b"[1, 2]") is None


def test_cli_constants_match_the_library() -> None:
    """The CLI's copies of the formats and default services are the library's."""
    from asean_timeline import archive, linkreport
    from asean_timeline.cli import sources

    assert sources.LINK_FORMATS == linkreport.FORMATS
    assert sources.DEFAULT_AVAILABILITY == archive.AVAILABILITY_SERVICE
    assert sources.DEFAULT_SAVE == archive.SAVE_SERVICE
    assert Settings().per_host == 2


def test_archive_service_must_be_a_web_address(timeline: Path) -> None:
    """--service that is not http(s) is a usage error (exit 2), before any request."""
    code, _out, err = run("sources", "archive", str(timeline), "--service", "file:///etc/passwd")
    assert code == 2
    assert "is not an http(s) address" in err


def test_the_snapshot_asked_for_is_near_accessed_else_published() -> None:
    """accessed (a day) wins over published (any precision); neither asks for the newest."""
    from asean_timeline.archive import wanted_timestamp

    assert wanted_timestamp({"accessed": date(2023, 12, 18), "published": "2023-12"}) == "20231218"
    assert wanted_timestamp({"published": "2023-12"}) == "202312"
    assert wanted_timestamp({"published": date(2023, 1, 2)}) == "20230102"
    assert wanted_timestamp({"publisher": "Kyodo"}) is None
