"""The ``asean-timeline`` command: the only module that prints or exits.

User errors (bad input, unwritable output) are raised as exceptions by the
library and turned into messages and exit code 1 in one place,
:meth:`Cli.invoke`. Exit codes: 0 success, 1 invalid input or stale outputs,
2 usage error.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from asean_timeline import __version__

if TYPE_CHECKING:
    from asean_timeline.problems import Problem

# The commands import the library inside their bodies: `--help`, and each
# command, load only what they use (start-up time is the everyday cost).

DEFAULT_FILE = Path("events.toml")
DEFAULT_OUT = Path("dist")
STATE_FILENAME = "revisions.json"  # asean_timeline.revisions.STATE_FILENAME (a test checks)
STATUSES = ("confirmed", "tentative", "cancelled")  # model.Status values (a test checks)
FORMATS = ("ics", "md", "json", "html")  # exporters.FORMATS (a test checks)
#: Below this many events, forking worker processes costs more than it saves.
PARALLEL_FROM_EVENTS = 1_000
PROBLEM_FORMATS = ("human", "json", "github")  # report.FORMATS (a test checks)
_FORMAT_KEY = "asean_timeline.problem_format"


class Cli(click.Group):
    """Turns the library's user-error exceptions into messages and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except Exception as error:
            # Imported here: a command that raised one has loaded them already.
            from asean_timeline.problems import InvalidInputError, OutputError

            if isinstance(error, InvalidInputError):
                print_problems(error.problems, ctx.meta.get(_FORMAT_KEY, "human"))
                ctx.exit(1)
            if isinstance(error, OutputError):
                click.secho(f"error: {error}", err=True, fg="red")
                hint = getattr(error, "hint", None) or "check the --out folder is writable"
                click.echo(f"  fix: {hint}", err=True)
                ctx.exit(1)
            raise


def print_problems(problems: Sequence[Problem], style: str) -> None:
    if not problems:
        return
    from asean_timeline import report
    from asean_timeline.problems import Severity

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
        click.echo(report.summary(problems), err=True)


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[_FORMAT_KEY] = value
    return value


_F = TypeVar("_F", bound=Callable[..., Any])


def problem_format_option(name: str) -> Callable[[_F], _F]:
    return click.option(
        name,
        "problem_format",
        type=click.Choice(PROBLEM_FORMATS),
        default="human",
        show_default=True,
        expose_value=False,
        is_eager=True,
        callback=_remember_format,
        help="How to print problems: for people, as JSON Lines, or as GitHub annotations.",
    )


file_argument = click.argument(
    "file",
    type=click.Path(path_type=Path, dir_okay=True),
    default=DEFAULT_FILE,
    required=False,
)


def out_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_OUT,
        show_default=True,
        help=help_text,
    )


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("-"),
    show_default=True,
    help="File to write, or - for standard output.",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings (e.g. an event without a source) as errors."
)


def revision_time(*files: Path) -> datetime:
    """When new or edited events are stamped: SOURCE_DATE_EPOCH, else the newest
    modification time of the timeline's files (the main file and those it includes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromtimestamp(max(int(file.stat().st_mtime) for file in files), UTC)


# A fixed help width keeps the README's CLI reference identical on every machine.
@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, and keep what exists now out of its walks.

    Reading, validating and rendering make millions of objects and no cycles worth
    collecting; with the collector on, its full passes over a growing heap make a
    100,000-event timeline cost more per event than a small one. Frozen objects
    are also never written to by it, so their pages stay shared with the worker
    processes render forks (see workers).
    """
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@click.group(
    cls=Cli, context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88}
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


def problem_format() -> str:
    """The problem format the running command was given (``human`` by default)."""
    return str(click.get_current_context().meta.get(_FORMAT_KEY, "human"))
