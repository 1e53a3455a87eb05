"""``asean-timeline export``: one output format, optionally filtered, to a file or stdout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from asean_timeline import exporters
from asean_timeline.cli.app import (
    cli,
    file_argument,
    output_option,
    print_problems,
    problem_format,
    problem_format_option,
    revision_time,
    revisions_option,
    strict_option,
    write_output,
)
from asean_timeline.cli.filters import build_query, filter_options


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(exporters.NAMES)),
    required=True,
    help=exporters.help_text(),
)
@file_argument
@output_option
@revisions_option
@filter_options
@strict_option
@problem_format_option()
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
    from asean_timeline.pipeline import build_outputs, load_sources, read_state
    from asean_timeline.selection import select

    loaded = load_sources(file, strict=strict)
    timeline, warnings = loaded.timeline, loaded.warnings
    print_problems(warnings, problem_format())
    query = build_query(countries, tags, statuses, start, end)
    previous = read_state(revisions_path).revisions
    selected = select(timeline, query)
    if not query.is_empty:  # events left out are not removals: keep their history out
        kept = {event.id for event in selected.events}
        previous = {key: value for key, value in previous.items() if key in kept}
    files = build_outputs(
        selected,
        previous,
        revision_time(*loaded.paths),
        formats=[output_format],
        subcalendars=False,
    )
    content = files[exporters.get(output_format).filename]
    write_output(output, content)
