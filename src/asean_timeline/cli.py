"""The ``asean-timeline`` command: the only module that prints or exits.

User errors (bad input, unwritable output) are raised as exceptions by the
library and turned into messages and exit code 1 in one place,
:meth:`_Cli.invoke`. Exit codes: 0 success, 1 invalid input or stale outputs,
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


class _Cli(click.Group):
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
                _print_problems(error.problems, ctx.meta.get(_FORMAT_KEY, "human"))
                ctx.exit(1)
            if isinstance(error, OutputError):
                click.secho(f"error: {error}", err=True, fg="red")
                click.echo("  fix: check the --out folder exists and is writable", err=True)
                ctx.exit(1)
            raise


def _print_problems(problems: Sequence[Problem], style: str) -> None:
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


def _problem_format_option(name: str) -> Callable[[_F], _F]:
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


_file_argument = click.argument(
    "file",
    type=click.Path(path_type=Path, dir_okay=True),
    default=DEFAULT_FILE,
    required=False,
)


def _out_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_OUT,
        show_default=True,
        help=help_text,
    )


_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("-"),
    show_default=True,
    help="File to write, or - for standard output.",
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
@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
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
    from asean_timeline.validate import load_timeline  # not the pipeline's: no exporter loads

    with _cyclic_gc_paused():
        timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    count = len(timeline.events)
    click.echo(f"{file}: {count} event{'s' * (count != 1)}, valid", err=True)


@cli.command()
@_file_argument
@_out_option("Folder to write the outputs to.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 naming each file that differs from what render would write.",
)
@click.option(
    "--subcalendars/--no-subcalendars",
    default=True,
    show_default=True,
    help="Also write calendars/ (one per named query, country and tag) and README.md.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that make the outputs [default: one per usable CPU for timelines of "
    f"{PARALLEL_FROM_EVENTS:,} events or more, else 1].",
)
@_strict_option
@_problem_format_option("--format")
def render(
    file: Path, out_dir: Path, check: bool, subcalendars: bool, jobs: int | None, strict: bool
) -> None:
    """Render FILE (default: ./events.toml) into the --out folder.

    Writes events.ics, timeline.md, feed.json, index.html (with the embeddable
    widget embed.js), a calendar per named query,
    country and tag under calendars/, the subscription page README.md, and
    revisions.json (the revision history that lets calendar apps see edits;
    commit it with the rest). Unchanged files are not rewritten, and an
    unchanged input gives byte-identical files. Files render did not create
    are never touched.

    \b
    Examples:
      asean-timeline render
      asean-timeline render events.toml --out public
      asean-timeline render --check    # in CI: is dist/ up to date?
    """
    from asean_timeline import workers
    from asean_timeline.pipeline import load_timeline, obsolete_files, plan_outputs, read_state
    from asean_timeline.write import find_stale, publish

    with _cyclic_gc_paused():
        timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    state = read_state(out_dir / STATE_FILENAME)
    if jobs is None:
        jobs = workers.usable_cpus() if len(timeline.events) >= PARALLEL_FROM_EVENTS else 1
    with _cyclic_gc_paused():
        groups = plan_outputs(
            timeline, state.revisions, _revision_time(file), subcalendars=subcalendars
        )
        files = sorted(path for group in groups for path in group.paths)
        producers = [group.make for group in groups]
        costs = [group.cost for group in groups]
        obsolete = [name for name in obsolete_files(state, files) if (out_dir / name).exists()]
        if check:
            stale = find_stale(out_dir, producers, costs=costs, processes=jobs)
        else:
            changed, removed = publish(out_dir, producers, obsolete, costs=costs, processes=jobs)
    if check:
        for name in stale:
            click.echo(f"{out_dir / name} differs from what render would write", err=True)
        for name in obsolete:
            click.echo(f"{out_dir / name} is obsolete and render would remove it", err=True)
        if stale or obsolete:
            click.echo("run `asean-timeline render` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{out_dir}/ is up to date ({len(files)} files)", err=True)
        return
    summary = f"{len(timeline.events)} events; {len(files)} files, {len(changed)} written"
    if removed:
        summary += f", {len(removed)} obsolete removed"
    click.echo(
        summary + (f": {', '.join(changed + removed)}" if changed or removed else ""), err=True
    )


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    required=True,
    help="ics (iCalendar), md (Markdown), json (JSON Feed 1.1) or html (the timeline page).",
)
@_file_argument
@_output_option
@click.option(
    "--revisions",
    "revisions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUT / STATE_FILENAME,
    show_default=True,
    help="Revision history to number edits from (read only; render keeps it).",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    help="Keep events with this country (repeatable: any of them).",
)
@click.option(
    "--tag", "tags", multiple=True, help="Keep events with this tag (repeatable: any of them)."
)
@click.option(
    "--status",
    "statuses",
    type=click.Choice(STATUSES),
    multiple=True,
    help="Keep events with this status (repeatable).",
)
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Keep events on or after this day."
)
@click.option(
    "--until", "end", type=click.DateTime(["%Y-%m-%d"]), help="Keep events on or before this day."
)
@_strict_option
@_problem_format_option("--error-format")
def export(
    output_format: str,
    file: Path,
    output: Path,
    revisions_path: Path,
    countries: tuple[str, ...],
    tags: tuple[str, ...],
    statuses: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
    strict: bool,
) -> None:
    """Write one output format of FILE (default: ./events.toml), optionally filtered.

    Filters of different kinds must all match; a repeated filter matches any
    of its values. Events keep the UIDs and revisions they have in dist/.

    \b
    Examples:
      asean-timeline export --format ics > events.ics
      asean-timeline export --format md events.toml -o timeline.md
      asean-timeline export --format json --country MY --tag summit
    """
    from asean_timeline.exporters import exporter
    from asean_timeline.model import Query, Status
    from asean_timeline.pipeline import build_outputs, load_timeline, read_state
    from asean_timeline.selection import select
    from asean_timeline.write import write_files

    timeline, warnings = load_timeline(file, strict=strict)
    _print_problems(warnings, click.get_current_context().meta.get(_FORMAT_KEY, "human"))
    query = Query(
        tags_any=frozenset(tags),
        countries_any=frozenset(code.upper() for code in countries),
        statuses=frozenset(Status(value) for value in statuses),
        start=start.date() if start else None,
        end=end.date() if end else None,
    )
    previous = read_state(revisions_path).revisions
    files = build_outputs(
        select(timeline, query),
        previous,
        _revision_time(file),
        formats=[output_format],
        subcalendars=False,
    )
    content = files[exporter(output_format).filename]
    if str(output) == "-":
        click.echo(content, nl=False)  # bytes go to the binary stream unchanged
    else:
        write_files(output.parent, {output.name: content})


@cli.command()
@_file_argument
@_out_option("Folder to render into and serve.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(file: Path, out_dir: Path, port: int) -> None:
    """Render FILE, serve the output folder on 127.0.0.1, re-render on every save.

    A validation error is printed here and shown on the served pages, while
    the last good output keeps being served. Stop with Ctrl-C.

    \b
    Example:
      asean-timeline serve --port 8000    # then open http://127.0.0.1:8000/
    """
    import threading

    from asean_timeline import report
    from asean_timeline import serve as preview_server
    from asean_timeline.pipeline import build_outputs, load_timeline, read_state
    from asean_timeline.problems import InvalidInputError, OutputError
    from asean_timeline.write import publish_tree

    preview = preview_server.Preview()

    def rerender() -> None:
        try:
            timeline, _ = load_timeline(file)
            state = read_state(out_dir / STATE_FILENAME)
            files = build_outputs(timeline, state.revisions, _revision_time(file))
            changed, _ = publish_tree(out_dir, files, [])
        except InvalidInputError as error:
            preview.set_problems([report.human(problem) for problem in error.problems])
            _print_problems(error.problems, "human")
            click.secho("keeping the last good render", err=True, fg="yellow")
            return
        except OutputError as error:
            preview.set_problems([str(error)])
            click.secho(f"error: {error}", err=True, fg="red")
            return
        preview.set_problems([])
        click.echo(
            f"rendered {len(timeline.events)} events ({len(changed)} files changed)", err=True
        )

    rerender()
    server = preview_server.make_server(out_dir, port, preview)
    stop = threading.Event()
    watcher = threading.Thread(
        target=preview_server.watch, args=(file, rerender, stop), daemon=True
    )
    watcher.start()
    host, bound = server.server_address[:2]
    click.echo(f"serving {out_dir}/ at http://{host!s}:{bound}/ (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


@cli.command()
@_output_option
def schema(output: Path) -> None:
    """Print the JSON Schema of events.toml, for editor completion and checks.

    Taplo and the Even Better TOML extension use it when events.toml starts
    with a `#:schema ./events.schema.json` line.

    \b
    Example:
      asean-timeline schema -o events.schema.json
    """
    from asean_timeline.schema import dumps
    from asean_timeline.write import write_files

    content = dumps()
    if str(output) == "-":
        click.echo(content, nl=False)
    else:
        write_files(output.parent, {output.name: content})


def main() -> None:
    """Console-script entry point."""
    try:
        cli()
    finally:
        # The process ends next. Frozen objects are skipped by the garbage collections
        # the interpreter runs while it exits, which otherwise walk every object left
        # (about 7 ms of a 50 ms validate). atexit handlers still run, and files are
        # still flushed and closed.
        gc.freeze()
