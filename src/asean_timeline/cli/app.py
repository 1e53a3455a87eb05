"""The ``asean-timeline`` command: the only module that prints or exits.

User errors (bad input, unwritable output) are raised as exceptions by the
library and turned into messages and exit code 1 in one place,
:meth:`Cli.invoke`. Exit codes: 0 success, 1 invalid input or stale outputs,
2 usage error.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from asean_timeline import __version__

if TYPE_CHECKING:
    from asean_timeline.problems import Problem

# The commands import the library inside their bodies: `--help`, and each
# command, load only what they use (start-up time is the everyday cost).

DEFAULT_FILE = Path("events.toml")
DEFAULT_OUT = Path("dist")
STATE_FILENAME = "revisions.json"  # asean_timeline.revisions.STATE_FILENAME (a test checks)
STATUSES = ("confirmed", "tentative", "cancelled")  # model.Status values (a test checks)
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
                click.echo(f"  fix: {error.hint}", err=True)
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


def _remember_format(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:  # the hidden alias, not given
        return
    if param.name and ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT:
        ctx.meta.setdefault(_FORMAT_KEY, value)  # the alias, if given, has its say
    else:
        ctx.meta[_FORMAT_KEY] = value


_F = TypeVar("_F", bound=Callable[..., Any])

#: The option that chooses how problems are printed, in every command that has one.
PROBLEM_FORMAT_OPTION = "--error-format"


def problem_format_option(hidden_alias: str | None = None) -> Callable[[_F], _F]:
    """``--error-format human|json|github``; ``hidden_alias`` is an older spelling still read.

    validate and render called it ``--format`` before export needed that name
    for its output format; they keep reading ``--format``, without showing it.
    """

    def decorate(command: _F) -> _F:
        shared: dict[str, Any] = {
            "type": click.Choice(PROBLEM_FORMATS),
            "expose_value": False,
            "is_eager": True,
            "callback": _remember_format,
        }
        if hidden_alias is not None:
            alias = click.option(hidden_alias, "problem_format_alias", hidden=True, **shared)
            command = alias(command)
        return click.option(
            PROBLEM_FORMAT_OPTION,
            "problem_format",
            default="human",
            show_default=True,
            help="How to print problems: for people, as JSON Lines, or as GitHub annotations.",
            **shared,
        )(command)

    return decorate


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
#: ``export`` and ``publish`` number edits from render's revision history without writing it.
revisions_option = click.option(
    "--revisions",
    "revisions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUT / STATE_FILENAME,
    show_default=True,
    help="Revision history to number edits from (read only; render keeps it).",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Treat warnings (e.g. an event without a source) as errors."
)


def write_output(output: Path, content: bytes) -> None:
    """Write ``content`` to the ``-o`` file, or to standard output for ``-`` (and check it went).

    A closed standard output, a full disk (``/dev/full``) or a closed pipe is an
    :class:`OutputError` (exit 1), not a silent success.
    """
    from asean_timeline.problems import OutputError

    if str(output) != "-":
        from asean_timeline.write import write_file

        write_file(output, content)
        return
    fix = "check where standard output goes (a full disk? a closed pipe?), or write a file with -o"
    stream = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed", fix)
    try:
        binary = getattr(stream, "buffer", None)
        if binary is not None:
            stream.flush()
            binary.write(content)
            binary.flush()
        else:
            stream.write(content.decode("utf-8"))
            stream.flush()
    except OSError as error:
        _forget_stdout()
        raise OutputError(
            f"cannot write to standard output: {error.strerror or error}", fix
        ) from None


def _forget_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so exiting does not fail again on flushing it."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError, AttributeError):  # no descriptor (a test's captured stream)
        pass


def revision_time(*files: Path) -> datetime:
    """When new or edited events are stamped: SOURCE_DATE_EPOCH, else the newest
    modification time of the timeline's files (the main file and those it includes).

    A SOURCE_DATE_EPOCH that is not a whole number of seconds, or either time
    outside the years revisions can hold, is the user's mistake
    (:class:`InvalidInputError`), not a fallback.
    """
    from asean_timeline.problems import InvalidInputError, Problem
    from asean_timeline.revisions import EARLIEST, LATEST

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.strip():  # set and not blank (blank counts as unset, as in most tools)
        where, fix = (
            "SOURCE_DATE_EPOCH",
            (
                "set it to a whole number of seconds since 1970-01-01 UTC, e.g. "
                "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it"
            ),
        )
        seconds = int(epoch.strip()) if epoch.strip().isdigit() else None
        if seconds is None:
            raise InvalidInputError(
                [Problem(f"{epoch[:40]!r} is not a whole number of seconds", file=where, hint=fix)]
            )
    else:
        newest = max(files, key=lambda file: file.stat().st_mtime)
        where, fix = str(newest), "set its modification time to now (touch it) and run again"
        seconds = int(newest.stat().st_mtime)
    if not int(EARLIEST.timestamp()) <= seconds <= int(LATEST.timestamp()):
        stamp = f"{seconds:,} seconds since 1970"
        raise InvalidInputError(
            [
                Problem(
                    f"the revision time ({stamp}) is outside the years {EARLIEST.year} to "
                    f"{LATEST.year}",
                    file=where,
                    hint=fix,
                )
            ]
        )
    return datetime.fromtimestamp(seconds, UTC)


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
