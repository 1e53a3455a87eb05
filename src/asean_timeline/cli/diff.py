"""``asean-timeline diff``: what changed between two versions of a timeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from asean_timeline.cli.app import DEFAULT_FILE, cli, cyclic_gc_paused, problem_format_option

REPORT_FORMATS = ("human", "markdown", "json")  # changereport.FORMATS (a test checks)


@cli.command()
@click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False), metavar="[OLD] [NEW]"
)
@click.option(
    "--git",
    "revisions",
    metavar="REV[..REV]",
    help="Compare FILE (default: ./events.toml) at git revision REV with the working "
    "tree, or at two revisions (REV..REV; an empty side is HEAD).",
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(REPORT_FORMATS),
    default="human",
    show_default=True,
    help="For people, as Markdown (a pull-request comment) or as JSON (see README).",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when there are changes (0 when there are none)."
)
@problem_format_option()
def diff(
    paths: tuple[Path, ...], revisions: str | None, report_format: str, exit_code: bool
) -> None:
    """List added, changed, cancelled and removed events between OLD and NEW,
    each change in words, and changes to [calendar] and [[calendars]].

    Reordering events or reformatting the file is no change: only what an
    output would show counts. Both versions must be valid.

    \b
    Examples:
      asean-timeline diff old.toml events.toml
      asean-timeline diff --git HEAD~1              # events.toml: HEAD~1 → working tree
      asean-timeline diff --git origin/main..HEAD --format markdown
    """
    from asean_timeline import changereport
    from asean_timeline.changes import compare
    from asean_timeline.versions import Version, WorkingTree, load_pair, parse_revisions

    sides: tuple[tuple[Version, Path], tuple[Version, Path]]
    if revisions is not None:
        if len(paths) > 1:
            raise click.UsageError("with --git, give at most one FILE (the timeline to compare)")
        file = paths[0] if paths else DEFAULT_FILE
        old_version, new_version = parse_revisions(revisions)
        sides = ((old_version, file), (new_version, file))
    elif len(paths) == 2:
        sides = ((WorkingTree(), paths[0]), (WorkingTree(), paths[1]))
    else:
        raise click.UsageError("give two files (OLD NEW), or --git REV to compare revisions")
    with cyclic_gc_paused():
        (old_timeline, old_label), (new_timeline, new_label) = load_pair(*sides)
        result = compare(old_timeline, new_timeline)
    click.echo(changereport.RENDERERS[report_format](result, old_label, new_label), nl=False)
    if exit_code and not result.is_empty:
        sys.exit(1)
