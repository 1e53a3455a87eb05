"""``asean-timeline render``: validate a timeline and write every output into a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from asean_timeline.cli.app import (
    PARALLEL_FROM_EVENTS,
    STATE_FILENAME,
    cli,
    cyclic_gc_paused,
    file_argument,
    out_option,
    print_problems,
    problem_format,
    problem_format_option,
    revision_time,
    strict_option,
)


@cli.command()
@file_argument
@out_option("Folder to write the outputs to.")
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
@strict_option
@problem_format_option(hidden_alias="--format")
def render(
    file: Path, out_dir: Path, check: bool, subcalendars: bool, jobs: int | None, strict: bool
) -> None:
    """Render FILE (default: ./events.toml) into the --out folder.

    Writes events.ics, timeline.md, feed.json, events.csv, index.html (with
    the embeddable widget embed.js), the recent changes as changes.xml (Atom)
    and changes.md, a calendar per named query, country and tag under
    calendars/, the subscription page README.md, and
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
    from contextlib import nullcontext

    from asean_timeline import workers
    from asean_timeline.folderlock import holding
    from asean_timeline.pipeline import load_sources, obsolete_files, plan_outputs, read_state
    from asean_timeline.write import find_stale, publish

    with cyclic_gc_paused():
        loaded = load_sources(file, strict=strict)
    timeline, warnings = loaded.timeline, loaded.warnings
    print_problems(warnings, problem_format())
    # The lock spans reading revisions.json to publishing, so a render that ran meanwhile
    # cannot have its revisions replaced by older ones (--check writes nothing: no lock).
    with nullcontext() if check else holding(out_dir):
        state = read_state(out_dir / STATE_FILENAME)
        if jobs is None:
            jobs = workers.usable_cpus() if len(timeline.events) >= PARALLEL_FROM_EVENTS else 1
        with cyclic_gc_paused():
            groups = plan_outputs(
                timeline, state.revisions, revision_time(*loaded.paths), subcalendars=subcalendars
            )
            files = sorted(path for group in groups for path in group.paths)
            producers = [group.make for group in groups]
            costs = [group.cost for group in groups]
            obsolete = [name for name in obsolete_files(state, files) if (out_dir / name).exists()]
            if check:
                stale = find_stale(out_dir, producers, costs=costs, processes=jobs)
            else:
                changed, removed = publish(
                    out_dir, producers, obsolete, costs=costs, processes=jobs
                )
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
