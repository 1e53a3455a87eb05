"""The command line, driven through Click's CliRunner."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from asean_timeline import __version__, exporters
from asean_timeline.cli import cli
from tests.conftest import SHIPPED

MINIMAL = """
[calendar]
title = "Test"
timezone = "Asia/Tokyo"

[[events]]
id = "summit"
title = "Summit"
date = 2023-12-17
sources = [{ publisher = "Kyodo News" }]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _commands() -> list[tuple[str, click.Command]]:
    assert isinstance(cli, click.Group)
    return sorted(cli.commands.items())


@pytest.mark.parametrize(("name", "command"), _commands())
def test_every_command_has_help_with_an_example(
    runner: CliRunner, name: str, command: click.Command
) -> None:
    """Each command answers --help with its purpose and at least one example."""
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help
    assert "Example" in result.output
    assert f"asean-timeline {name}" in result.output


def test_version(runner: CliRunner) -> None:
    """--version prints the package version."""
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_render_writes_the_three_outputs_and_revisions(runner: CliRunner, project: Path) -> None:
    """render with no arguments reads ./events.toml and writes into ./dist."""
    result = runner.invoke(cli, ["render"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (project / "dist").iterdir())
    assert names == [
        "README.md",
        "calendars",
        "changes.md",
        "changes.xml",
        "embed.js",
        "events.csv",
        "events.ics",
        "feed.json",
        "index.html",
        "revisions.json",
        "timeline.md",
    ]
    assert (project / "dist" / "calendars" / "countries" / "MY.ics").is_file()
    assert (project / "dist" / "calendars" / "tags" / "maritime-security.ics").is_file()


def test_render_twice_is_byte_identical(runner: CliRunner, project: Path) -> None:
    """A second render of unchanged input writes nothing and changes no byte."""
    runner.invoke(cli, ["render"], catch_exceptions=False)
    first = {p.name: p.read_bytes() for p in (project / "dist").iterdir() if p.is_file()}
    os.environ["SOURCE_DATE_EPOCH"] = "1800000000"  # a later clock must not matter
    result = runner.invoke(cli, ["render"])
    assert "27 files, 0 written" in result.output
    assert {p.name: p.read_bytes() for p in (project / "dist").iterdir() if p.is_file()} == first


def test_render_never_modifies_the_input(runner: CliRunner, project: Path) -> None:
    """events.toml is read, never written."""
    before = (project / "events.toml").read_bytes()
    runner.invoke(cli, ["render"], catch_exceptions=False)
    assert (project / "events.toml").read_bytes() == before


def test_render_check_passes_when_up_to_date(runner: CliRunner, project: Path) -> None:
    """render --check exits 0 when dist/ matches."""
    runner.invoke(cli, ["render"], catch_exceptions=False)
    result = runner.invoke(cli, ["render", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_render_check_names_each_stale_file_and_writes_nothing(
    runner: CliRunner, project: Path
) -> None:
    """render --check exits 1, names the differing files and leaves them untouched."""
    runner.invoke(cli, ["render"], catch_exceptions=False)
    (project / "dist" / "timeline.md").write_text("stale\n")
    (project / "dist" / "feed.json").unlink()
    result = runner.invoke(cli, ["render", "--check"])
    assert result.exit_code == 1
    assert "dist/timeline.md differs" in result.output
    assert "dist/feed.json differs" in result.output
    assert "events.ics" not in result.output
    assert (project / "dist" / "timeline.md").read_text() == "stale\n"
    assert not (project / "dist" / "feed.json").exists()


def test_render_out_option(runner: CliRunner, project: Path) -> None:
    """--out chooses the output folder, creating it."""
    result = runner.invoke(cli, ["render", "events.toml", "--out", "public/site"])
    assert result.exit_code == 0, result.output
    assert (project / "public" / "site" / "events.ics").is_file()


def test_validate_valid_file(runner: CliRunner, project: Path) -> None:
    """validate exits 0 and counts the events of a valid file."""
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "10 events, valid" in result.output


def test_invalid_input_exits_1_with_every_problem_and_no_traceback(
    runner: CliRunner, write_toml: Callable[[str], Path], tmp_path: Path
) -> None:
    """Two mistakes give two located messages with fixes, exit 1, and no output files."""
    path = write_toml(
        MINIMAL.replace("date = 2023-12-17", 'date = "2023-02-30"').replace(
            'title = "Summit"', 'titel = "Summit"'
        )
    )
    result = runner.invoke(cli, ["render", str(path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{path}:9: error: event 'summit', field 'date': '2023-02-30' is not a real date" in (
        result.output
    )
    assert f"{path}:8: error: event 'summit', field 'titel': unknown key 'titel'" in result.output
    assert "fix: did you mean 'title'?" in result.output
    # The misspelt key is the one problem with the title: no second "missing title" message.
    assert "2 errors, 0 warnings" in result.output
    assert "missing required field 'title'" not in result.output
    assert not (tmp_path / "dist").exists()


def test_missing_file_is_a_user_error(runner: CliRunner, tmp_path: Path) -> None:
    """A missing events.toml is reported plainly with exit 1."""
    result = runner.invoke(cli, ["validate", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert "nope.toml: error: no such file" in result.output
    assert "Traceback" not in result.output


def test_usage_error_exits_2(runner: CliRunner) -> None:
    """An unknown option is a usage error (exit 2)."""
    assert runner.invoke(cli, ["render", "--bogus"]).exit_code == 2
    assert runner.invoke(cli, ["export", "--format", "pdf"]).exit_code == 2


@pytest.mark.parametrize("fmt", exporters.NAMES)
def test_export_writes_one_format_to_stdout(runner: CliRunner, project: Path, fmt: str) -> None:
    """export --format F prints that one output, byte-identical to render's file, for every
    registered format."""
    runner.invoke(cli, ["render"], catch_exceptions=False)
    result = runner.invoke(cli, ["export", "--format", fmt])
    assert result.exit_code == 0, result.output
    rendered = (project / "dist" / exporters.get(fmt).filename).read_bytes()
    assert rendered
    assert result.stdout_bytes == rendered


def test_export_to_a_file(runner: CliRunner, project: Path) -> None:
    """export -o PATH writes the file."""
    result = runner.invoke(cli, ["export", "--format", "ics", "-o", "out/cal.ics"])
    assert result.exit_code == 0, result.output
    assert (project / "out" / "cal.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_problem_formats(runner: CliRunner, write_toml: Callable[[str], Path]) -> None:
    """--format json prints one JSON object per problem; --format github annotations."""
    path = write_toml(MINIMAL.replace('"Asia/Tokyo"', '"Asia/Tokio"'))
    as_json = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert as_json.exit_code == 1
    assert '"field": "timezone"' in as_json.stdout
    assert '"line": 4' in as_json.stdout
    github = runner.invoke(cli, ["validate", str(path), "--format", "github"])
    assert github.stdout.startswith(f"::error file={path},line=4,")


def test_warnings_pass_unless_strict(runner: CliRunner, write_toml: Callable[[str], Path]) -> None:
    """An event without a source is a warning; --strict makes it an error."""
    path = write_toml(MINIMAL.replace('sources = [{ publisher = "Kyodo News" }]', ""))
    relaxed = runner.invoke(cli, ["validate", str(path)])
    assert relaxed.exit_code == 0
    assert "warning: event 'summit', field 'sources': the event has no source" in relaxed.output
    assert runner.invoke(cli, ["validate", "--strict", str(path)]).exit_code == 1


def test_unwritable_output_folder_is_a_clear_error(runner: CliRunner, project: Path) -> None:
    """An --out that is a file gives a one-line error, exit 1."""
    (project / "blocker").write_text("")
    result = runner.invoke(cli, ["render", "--out", "blocker/dist"])
    assert result.exit_code == 1
    assert "error: cannot" in result.output
    assert "Traceback" not in result.output


def test_python_dash_m_runs_the_cli() -> None:
    """``python -m asean_timeline`` is the same command."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "asean_timeline", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert __version__ in done.stdout


#: The modules of the CLI package, each loaded (without the library) to list its command.
COMMAND_MODULES = (
    "add",
    "app",
    "diff",
    "export",
    "filters",
    "fmt",
    "importing",
    "publish",
    "render",
    "schema",
    "serve",
    "sources",
    "validate",
)


def test_cli_constants_match_the_library() -> None:
    """The CLI's copies of library constants (kept to start fast) are the library's."""
    from asean_timeline import cli as cli_module
    from asean_timeline.caldav_server import PASSWORD_VARIABLE
    from asean_timeline.cli import publish
    from asean_timeline.model import Status
    from asean_timeline.report import FORMATS
    from asean_timeline.revisions import STATE_FILENAME

    assert cli_module.STATE_FILENAME == STATE_FILENAME
    assert cli_module.PROBLEM_FORMATS == FORMATS
    assert tuple(status.value for status in Status) == cli_module.STATUSES
    assert publish.PASSWORD_VARIABLE == PASSWORD_VARIABLE


def test_help_imports_no_more_than_it_needs() -> None:
    """--help loads the CLI module and the format registry (plain data, for --format's
    choices), but no parser, validator, exporter, dataclasses or dateutil."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from asean_timeline.cli import cli\n"
        "try:\n"
        "    cli(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('asean_timeline', 'dateutil',"
        " 'tomllib', 'orjson', 'zoneinfo', 'dataclasses', 'rtoml'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    commands = [f"asean_timeline.cli.{name}" for name in COMMAND_MODULES]
    expected = ["asean_timeline", "asean_timeline.cli", "asean_timeline.exporters", *commands]
    assert loaded == str(sorted(expected))


def test_validate_imports_no_more_than_it_needs() -> None:
    """validate of a valid file loads the parser and validator, and nothing only a
    problem, a recurring or timed event, or an output needs: no pipeline, exporter,
    revisions or key scanner; no tomllib (the fallback parser), dateutil, zoneinfo,
    importlib.resources, difflib, unicodedata, orjson, hashlib or json."""
    import subprocess
    import sys

    heavy = (
        "orjson",
        "hashlib",
        "json",
        "tomllib",
        "dateutil",
        "zoneinfo",
        "importlib.resources",
        "difflib",
        "unicodedata",
    )
    code = (
        "import sys\n"
        "from asean_timeline.cli import cli\n"
        "try:\n"
        f"    cli(['validate', {str(SHIPPED)!r}])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(sorted(m for m in sys.modules if m.startswith('asean_timeline')\n"
        "             and not m.startswith('asean_timeline.cli.')))\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}\n"
        f"             or m.startswith({heavy!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ours, others = done.stdout.strip().splitlines()[-2:]
    assert others == "[]"
    assert ours == str(
        [
            "asean_timeline",
            "asean_timeline.cli",
            "asean_timeline.exporters",  # the format registry only: no exporter module
            "asean_timeline.includes",
            "asean_timeline.inputfile",
            "asean_timeline.load",
            "asean_timeline.model",
            "asean_timeline.problems",
            "asean_timeline.recurrence",
            "asean_timeline.reference",
            "asean_timeline.validate",
            "asean_timeline.validate.calendars",
            "asean_timeline.validate.characters",
            "asean_timeline.validate.constants",
            "asean_timeline.validate.dates",
            "asean_timeline.validate.document",
            "asean_timeline.validate.fields",
            "asean_timeline.validate.hints",  # its suggestions' own imports load on a problem
            "asean_timeline.validate.messages",
            "asean_timeline.validate.parsing",
            "asean_timeline.validate.recurrence",
            "asean_timeline.validate.reporting",
            "asean_timeline.validate.sources",
            "asean_timeline.validate.times",
            "asean_timeline.weburl",
        ]
    )


def test_render_of_a_small_timeline_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    """render of the shipped file (no timed events, under 1,000 events) loads no zone
    database or VTIMEZONE code, no importlib.resources or zipfile, no html.entities, no
    tempfile, and nothing for forking."""
    import subprocess
    import sys

    unused = (
        "zoneinfo",
        "asean_timeline.vtimezone",
        "importlib.resources",
        "zipfile",
        "html",
        "pickle",
        "signal",
        "tempfile",
        "tomllib",
    )
    code = (
        "import sys\n"
        "from asean_timeline.cli import cli\n"
        "try:\n"
        f"    cli(['render', {str(SHIPPED)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {unused!r}\n"
        f"             or m.startswith({unused!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "embed.js").read_bytes().startswith(b"/*")
