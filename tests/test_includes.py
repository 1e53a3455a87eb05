"""A timeline over several files: ``[calendar] include``, across every command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asean_timeline.cli import cli
from asean_timeline.includes import load_sources

ROOT = Path(__file__).resolve().parent.parent
SPLIT = ROOT / "examples" / "split"

MAIN = """\
[calendar]
title = "Test"
timezone = "Asia/Tokyo"
uid_domain = "test.example.org"
include = ["events/*.toml"]
"""

EVENT = """\
[[events]]
id = "{id}"
title = "{title}"
date = {date}
sources = [{{ publisher = "Kyodo News" }}]
"""


def event(event_id: str, date: str = "2023-12-17", title: str = "An event") -> str:
    return EVENT.format(id=event_id, title=title, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository folder (with .git) holding events.toml and events/a.toml, events/b.toml."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "events").mkdir()
    (tmp_path / "events.toml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "events" / "a.toml").write_text(event("one"), encoding="utf-8")
    (tmp_path / "events" / "b.toml").write_text(
        event("two", "2024-01-02") + "\n" + event("three", "2009"), encoding="utf-8"
    )
    return tmp_path


def run(repo: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_validate_reads_every_included_file(repo: Path) -> None:
    """The events of every matched file, in date order, with the main file's calendar."""
    loaded = load_sources(repo / "events.toml")
    assert [e.id for e in loaded.timeline.events] == ["three", "one", "two"]
    assert loaded.paths == (
        repo / "events.toml",
        repo / "events" / "a.toml",
        repo / "events" / "b.toml",
    )
    code, output = run(repo, "validate")
    assert (code, output.strip()) == (0, "events.toml: 3 events, valid")


def test_globs_are_sorted_and_double_star_reaches_sub_folders(repo: Path) -> None:
    """** matches files in sub-folders; each pattern's files come sorted, each file once."""
    (repo / "events" / "deep" / "er").mkdir(parents=True)
    (repo / "events" / "deep" / "er" / "c.toml").write_text(event("four"), encoding="utf-8")
    main = repo / "events.toml"
    main.write_text(
        MAIN.replace('["events/*.toml"]', '["events/b.toml", "events/**/*.toml"]'),
        encoding="utf-8",
    )
    names = [path.relative_to(repo).as_posix() for path in load_sources(main).paths]
    assert names == ["events.toml", "events/b.toml", "events/a.toml", "events/deep/er/c.toml"]


def test_a_problem_names_the_included_file_and_line(repo: Path) -> None:
    """A mistake in an included file is reported at its own file:line."""
    bad = repo / "events" / "b.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("2024-01-02", '"2024-02-30"'))
    code, output = run(repo, "validate")
    assert code == 1
    assert re.search(r"events/b\.toml:4: error: event 'two', field 'date'", output), output


def test_a_duplicate_id_names_both_places(repo: Path) -> None:
    """The same id in two files: the problem is at the second and names the first."""
    (repo / "events" / "c.toml").write_text("# again\n" + event("one"), encoding="utf-8")
    code, output = run(repo, "validate")
    assert code == 1
    assert (
        "events/c.toml:3: error: event 'one', field 'id': duplicate id 'one': the event at "
        "events/a.toml:2 has it too" in output
    )


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ('["events/missing.toml"]', "included file 'events/missing.toml' does not exist"),
        ('["nothing/*.toml"]', "include 'nothing/*.toml' matches no file"),
        ('["*.toml"]', "include '*.toml' matches this file itself: a file cannot include itself"),
        ('["events.toml"]', "include 'events.toml' is this file itself"),
        ('["../outside.toml"]', "outside the repository folder"),
        ('["/etc/passwd"]', "include '/etc/passwd' is an absolute path"),
        ("[3]", "include must be a list of paths or globs, not 3"),
    ],
)
def test_include_mistakes_are_clear_errors(repo: Path, include: str, message: str) -> None:
    """Each mistake in the include list is an error at the include line of the main file."""
    (repo.parent / "outside.toml").write_text(event("out"), encoding="utf-8")
    (repo / "events.toml").write_text(MAIN.replace('["events/*.toml"]', include), encoding="utf-8")
    code, output = run(repo, "validate")
    assert code == 1
    assert re.search(rf"^events\.toml:5: error: field 'include': .*{re.escape(message)}", output,
                     re.MULTILINE), output  # fmt: skip


def test_an_included_file_holds_events_and_calendars_only(repo: Path) -> None:
    """[calendar] (and so a nested include) in an included file is an error there."""
    (repo / "events" / "c.toml").write_text(
        '[calendar]\ntitle = "Other"\ninclude = ["*.toml"]\n', encoding="utf-8"
    )
    code, output = run(repo, "validate")
    assert code == 1
    assert "events/c.toml:1: error: field 'calendar': an included file cannot hold [calendar]" in (
        output
    )


def test_moving_an_event_between_files_changes_no_output_byte(repo: Path) -> None:
    """Render, move an event to another file, render again: every byte is the same."""
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = repo / "first"
    second = repo / "second"
    assert CliRunner(env=env).invoke(cli, ["render", str(repo / "events.toml"), "--out",
                                           str(first)]).exit_code == 0  # fmt: skip
    (repo / "events" / "a.toml").write_text("# moved to b.toml\n", encoding="utf-8")
    b = repo / "events" / "b.toml"
    b.write_text(b.read_text(encoding="utf-8") + "\n" + event("one"), encoding="utf-8")
    assert CliRunner(env=env).invoke(cli, ["render", str(repo / "events.toml"), "--out",
                                           str(second)]).exit_code == 0  # fmt: skip
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_split_example_renders_byte_identical_to_the_single_file(tmp_path: Path) -> None:
    """examples/split holds the shipped events over five files and renders the same bytes."""
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    single, split = tmp_path / "single", tmp_path / "split"
    runner = CliRunner(env=env)
    assert (
        runner.invoke(cli, ["render", str(ROOT / "events.toml"), "--out", str(single)]).exit_code
        == 0
    )
    assert (
        runner.invoke(cli, ["render", str(SPLIT / "events.toml"), "--out", str(split)]).exit_code
        == 0
    )
    files = sorted(p.relative_to(single) for p in single.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(split) for p in split.rglob("*") if p.is_file())
    assert len(files) > 10
    for name in files:
        assert (single / name).read_bytes() == (split / name).read_bytes(), name
    assert len(load_sources(SPLIT / "events.toml").paths) == 5


def test_revision_time_is_the_newest_file(repo: Path) -> None:
    """Without SOURCE_DATE_EPOCH, a new revision is stamped with the newest file's mtime."""
    os.utime(repo / "events.toml", (1_600_000_000, 1_600_000_000))
    os.utime(repo / "events" / "a.toml", (1_700_000_000, 1_700_000_000))
    os.utime(repo / "events" / "b.toml", (1_650_000_000, 1_650_000_000))
    code, output = run(repo, "render", "--out", "dist")
    assert code == 0, output
    ics = (repo / "dist" / "events.ics").read_text(encoding="utf-8")
    assert "LAST-MODIFIED:20231114T221320Z" in ics


def test_render_check_and_export_see_the_included_files(repo: Path) -> None:
    """render --check notices an edit in an included file; export reads it."""
    assert run(repo, "render", "--out", "dist")[0] == 0
    assert run(repo, "render", "--check", "--out", "dist")[0] == 0
    a = repo / "events" / "a.toml"
    a.write_text(a.read_text(encoding="utf-8").replace("An event", "Edited"), encoding="utf-8")
    code, output = run(repo, "render", "--check", "--out", "dist")
    assert code == 1
    assert "differs from what render would write" in output
    code, output = run(repo, "export", "--format", "md")
    assert code == 0
    assert "Edited" in output


def test_fmt_formats_the_main_file_and_every_included_file(repo: Path) -> None:
    """fmt with no FILES covers the timeline's files; --check names the ones to change."""
    a = repo / "events" / "a.toml"
    a.write_text(a.read_text(encoding="utf-8").replace("date = 2023-12-17", 'date = "2023-12-17"'))
    code, output = run(repo, "fmt", "--check")
    assert code == 1
    assert "would reformat events/a.toml" in output
    assert "2 already formatted" in output
    assert run(repo, "fmt")[0] == 0
    assert "date = 2023-12-17" in a.read_text(encoding="utf-8")
    assert run(repo, "fmt", "--check")[0] == 0


def test_add_into_an_included_file_is_checked_with_the_whole_timeline(repo: Path) -> None:
    """An id taken in another file is refused; a valid event goes into the chosen file."""
    args = ["add", "--file", "events/b.toml", "--title", "T", "--when", "2024",
            "--source-publisher", "Kyodo"]  # fmt: skip
    code, output = run(repo, *args, "--id", "one")
    assert code == 1
    assert "the id 'one' is taken" in output
    code, output = run(repo, *args)
    assert code == 0, output
    assert 'id = "t-2024"' in (repo / "events" / "b.toml").read_text(encoding="utf-8")


def test_serve_rerenders_when_an_included_file_is_saved(repo: Path) -> None:
    """serve watches every included file, not only the main one."""
    process = subprocess.Popen(
        [sys.executable, "-m", "asean_timeline", "serve", str(repo / "events.toml"), "--out",
         str(repo / "dist"), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        base = ""
        deadline = time.monotonic() + 20
        while not base and time.monotonic() < deadline:
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", process.stderr.readline())
            base = found.group(1) if found else ""
        assert base, "serve did not start"
        b = repo / "events" / "b.toml"
        b.write_text(b.read_text(encoding="utf-8").replace("An event", "Saved later", 1))
        deadline = time.monotonic() + 10
        feed = b""
        while b"Saved later" not in feed and time.monotonic() < deadline:
            time.sleep(0.1)
            with urllib.request.urlopen(base + "feed.json", timeout=5) as response:
                feed = response.read()
        assert b"Saved later" in feed
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def test_the_schema_accepts_an_included_file() -> None:
    """Editors see no schema error in the example's included files or its include list."""
    import json
    import tomllib

    import jsonschema

    schema = json.loads((ROOT / "events.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    for path in sorted(SPLIT.rglob("*.toml")):
        data = json.loads(json.dumps(tomllib.loads(path.read_text(encoding="utf-8")), default=str))
        assert list(validator.iter_errors(data)) == [], path


def test_pre_commit_hooks_run_on_included_files() -> None:
    """The hooks fire on any TOML file, so an edit to an included file is checked."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert text.count("files: \\.toml$") == 2
    assert "files: (\\.toml$|^dist/)" in text


def test_included_events_are_checked_even_when_the_calendar_is_broken(repo: Path) -> None:
    """A [calendar] without a title is one error, in the main file; included files are still
    checked, each problem in its own file."""
    (repo / "events.toml").write_text('[calendar]\ninclude = ["events/*.toml"]\n', "utf-8")
    bad = repo / "events" / "b.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("2024-01-02", '"2024-02-30"'))
    code, output = run(repo, "validate")
    assert code == 1
    assert "events/b.toml:4: error: event 'two', field 'date'" in output
    assert len(re.findall(r"error: .*title", output)) == 1
    assert "events/a.toml" not in output


def test_a_syntax_error_in_an_included_file_names_it(repo: Path) -> None:
    """A broken included file is reported at its own file:line, and nothing else is made up."""
    (repo / "events" / "a.toml").write_text('[[events]]\nid = "one\n', encoding="utf-8")
    code, output = run(repo, "validate")
    assert code == 1
    assert output.startswith("events/a.toml:2:")
    assert "no events" not in output


@pytest.fixture(scope="module")
def single_render(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every output of the shipped events.toml rendered alone."""
    out = tmp_path_factory.mktemp("single")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    runner = CliRunner(env=env)
    assert (
        runner.invoke(cli, ["render", str(ROOT / "events.toml"), "--out", str(out)]).exit_code == 0
    )
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(0, 3), min_size=10, max_size=10))
def test_any_split_of_the_events_renders_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, single_render: dict[str, bytes], places: list[int]
) -> None:
    """The shipped events spread over the main file and up to three included files, in
    any way: every output byte is the same as the single file's."""
    from asean_timeline.blocks import split_tables
    from asean_timeline.load import parse_document

    folder = tmp_path_factory.mktemp("split")
    (folder / ".git").mkdir()
    text = (ROOT / "events.toml").read_text(encoding="utf-8")
    blocks = split_tables(text, parse_document(text.encode("utf-8"), "events.toml"))
    events = [text[b.start : b.end] for b in blocks if b.kind == "events"]
    head = "".join(text[b.start : b.end] for b in blocks if b.kind != "events")
    head = head.replace("[calendar]\n", '[calendar]\ninclude = ["more/*.toml"]\n', 1)
    files: dict[int, list[str]] = {}
    for event, place in zip(events, places, strict=True):
        files.setdefault(place, []).append(event)
    (folder / "events.toml").write_text(head + "".join(files.pop(0, [])), encoding="utf-8")
    (folder / "more").mkdir()
    (folder / "more" / "empty.toml").write_text("# nothing here yet\n", encoding="utf-8")
    for place, chunk in files.items():
        (folder / "more" / f"{place}.toml").write_text("".join(chunk), encoding="utf-8")
    out = folder / "dist"
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    result = CliRunner(env=env).invoke(
        cli, ["render", str(folder / "events.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rendered = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert rendered == single_render
