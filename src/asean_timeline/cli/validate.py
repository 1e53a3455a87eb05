"""``asean-timeline validate``: check a timeline and report every problem."""

from __future__ import annotations

from pathlib import Path

import click

from asean_timeline.cli.app import (
    cli,
    cyclic_gc_paused,
    file_argument,
    print_problems,
    problem_format,
    problem_format_option,
    strict_option,
)


@cli.command()
@file_argument
@strict_option
@problem_format_option(hidden_alias="--format")
def validate(file: Path, strict: bool) -> None:
    """Check FILE (default: ./events.toml) and the files it includes; report every problem.

    Exits 0 if the file is valid, 1 if not.

    \b
    Example:
      asean-timeline validate events.toml --error-format github
    """
    from asean_timeline.includes import load_timeline  # not the pipeline's: no exporter loads

    with cyclic_gc_paused():
        timeline, warnings = load_timeline(file, strict=strict)
    print_problems(warnings, problem_format())
    count = len(timeline.events)
    click.echo(f"{file}: {count} event{'s' * (count != 1)}, valid", err=True)
