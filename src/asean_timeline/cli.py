"""The ``asean-timeline`` command: the only module that prints or exits.

User errors (bad input, unwritable output) are raised as exceptions by the
library and turned into messages and exit code 1 in one place,
:meth:`_Cli.invoke`. Exit codes: 0 success, 1 invalid input or stale outputs,
2 usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from asean_timeline import __version__, report
from asean_timeline.exporters import EXPORTERS
from asean_timeline.pipeline import build_outputs, load_timeline, read_revisions
from asean_timeline.problems import InvalidInputError, Problem, Severity
from asean_timeline.revisions import STATE_FILENAME
from asean_timeline.write import OutputError, stale_files, write_files

DEFAULT_FILE = Path("events.toml")
DEFAULT_OUT = Path("dist")
_FORMAT_KEY = "asean_timeline.problem_format"


class _Cli(click.Group):
    """Turns the library's user-error exceptions into messages and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInputError as error:
            _print_problems(error.problems, ctx.meta.get(_FORMAT_KEY, "human"))
            ctx.exit(1)
        except OutputError as error:
            click.secho(f"error: {error}", err=True, fg="red")
            click.echo("  fix: check the --out folder exists and is writable", err=True)
            ctx.exit(1)


def _print_problems(problems: Sequence[Problem], style: str) -> None:
    if style == "json":
        for problem in problems:
            click.echo(report.as_json(problem))
    elif style == "github":
        for problem in problems:
            click.echo(report.github(problem))
    else:
        for problem in problems:
            colour = "red" if problem.severity is Severity.ERROR else "yellow"
            click.secho(report.human(problem), err=True, fg=colour)
        if problems:
            click.echo(report.summary(problems), err=True)


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[_FORMAT_KEY] = value
    return value


_F = TypeVar("_F", bound=Callable[..., Any])


def _problem_format_option(name: str) -> Callable[[_F], _F]:
    return click.option(
        name,
        "problem_format",
        type=click.Choice(report.FORMATS),
        default="human",
        show_default=True,
        expose_value=False,
        is_eager=True,
        callback=_remember_format,
        help="How to print problems: for people, as JSON Lines, or as GitHub annotations.",
    )


_file_argument = click.argument(
    "file",
    type=click.Path(path_type=Path, dir_okay=True),
    default=DEFAULT_FILE,
    required=False,
)
_strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings (e.g. an event without a source) as errors."
)


def _revision_time(file: Path) -> datetime:
    """When new or edited events are stamped: SOURCE_DATE_EPOCH, else the file's mtime."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromtimestamp(int(file.stat().st_mtime), UTC)


# A fixed help width keeps the README's CLI reference identical on every machine.
@click.group(
    cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88}
)
@click.version_option(__version__, "-V", "--version", prog_name="asean-timeline")
def cli() -> None:
    """Validate a timeline of diplomatic events and render it as a calendar,
    a Markdown timeline and a JSON Feed.

    \b
    Example:
      asean-timeline validate events.toml
      asean-timeline render            # events.toml -> dist/
    """


@cli.command()
@_file_argument
@_strict_option
@_problem_format_option("--format")
def validate(file: Path, strict: bool) -> None:
    """Check FILE (default: ./events.toml) and report every problem in it.

    Exits 0 if the file is valid, 1 if not.

    \b
    Example:
      asean-timeline validate events.toml --format github
    """
    timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    click.echo(f"{file}: {len(timeline.events)} events, valid", err=True)


@cli.command()
@_file_argument
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder to write the outputs to.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 naming each file that differs from what render would write.",
)
@_strict_option
@_problem_format_option("--format")
def render(file: Path, out_dir: Path, check: bool, strict: bool) -> None:
    """Render FILE (default: ./events.toml) into the --out folder.

    Writes events.ics, timeline.md, feed.json and revisions.json (the revision
    history that lets calendar apps see edits; commit it with the rest).
    Unchanged files are not rewritten, and an unchanged input gives
    byte-identical files.

    \b
    Examples:
      asean-timeline render
      asean-timeline render events.toml --out public
      asean-timeline render --check    # in CI: is dist/ up to date?
    """
    timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    previous = read_revisions(out_dir / STATE_FILENAME)
    files = build_outputs(timeline, previous, _revision_time(file))
    if check:
        stale = stale_files(out_dir, files)
        for name in stale:
            click.echo(f"{out_dir / name} differs from what render would write", err=True)
        if stale:
            click.echo("run `asean-timeline render` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{out_dir}/ is up to date ({len(files)} files)", err=True)
        return
    changed = write_files(out_dir, files)
    written = ", ".join(str(out_dir / name) for name in changed) or "nothing (all up to date)"
    click.echo(f"{len(timeline.events)} events; wrote {written}", err=True)


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(EXPORTERS)),
    required=True,
    help="ics (iCalendar), md (Markdown) or json (JSON Feed 1.1).",
)
@_file_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("-"),
    show_default=True,
    help="File to write, or - for standard output.",
)
@click.option(
    "--revisions",
    "revisions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUT / STATE_FILENAME,
    show_default=True,
    help="Revision history to number edits from (read only; render keeps it).",
)
@_strict_option
@_problem_format_option("--error-format")
def export(
    output_format: str, file: Path, output: Path, revisions_path: Path, strict: bool
) -> None:
    """Write one output format of FILE (default: ./events.toml).

    \b
    Examples:
      asean-timeline export --format ics > events.ics
      asean-timeline export --format md events.toml -o timeline.md
    """
    timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    previous = read_revisions(revisions_path)
    files = build_outputs(timeline, previous, _revision_time(file), formats=[output_format])
    content = files[EXPORTERS[output_format].filename]
    if str(output) == "-":
        click.echo(content, nl=False)  # bytes go to the binary stream unchanged
    else:
        write_files(output.parent, {output.name: content})


def main() -> None:
    """Console-script entry point."""
    cli()
