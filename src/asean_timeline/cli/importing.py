"""``asean-timeline import``: calendars and spreadsheets into ``events.toml``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from asean_timeline.cli.app import (
    DEFAULT_FILE,
    cli,
    cyclic_gc_paused,
    print_problems,
    problem_format,
    problem_format_option,
)

if TYPE_CHECKING:
    from asean_timeline.importers.apply import Prepared
    from asean_timeline.problems import Problem

IMPORT_FORMATS = ("ics", "csv", "timelinejs")  # importers.FORMATS (a test checks)
#: At most this many changes are listed one by one; the rest are counted.
_LISTED = 50
#: At most this many warnings of one kind are listed one by one.
_EACH_KIND = 3


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--into",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_FILE,
    show_default=True,
    help="The timeline to import into (created if it does not exist).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(IMPORT_FORMATS),
    default=None,
    help="The files' format: ics (iCalendar), csv (events.csv) or timelinejs (the "
    "TimelineJS sheet as CSV). Default: guessed from each file's content.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@problem_format_option()
def import_(files: tuple[Path, ...], target: Path, format_name: str | None, dry_run: bool) -> None:
    """Import events from FILES (.ics calendars, events.csv or a TimelineJS sheet) into
    the timeline.

    Every event is checked together with the timeline it joins; if anything is wrong,
    every problem is listed with its file and line (or row) and nothing is written.
    Importing the same file again updates the events it brought in instead of adding
    them twice. A summary says what was added, updated, unchanged and skipped, and
    what the file format has no place for.

    \b
    Example:
      asean-timeline import calendar.ics --into events.toml --dry-run
      asean-timeline import sheet.csv --format timelinejs
    """
    from asean_timeline.importers.apply import prepare, read_all
    from asean_timeline.progress import Progress

    with cyclic_gc_paused(), Progress("reading", len(files)) as progress:

        def report(what: str, done: int, total: int) -> None:
            progress.total = max(total, 1)
            progress.update(done, what)

        batches = read_all(list(files), format_name, report)
        events = sum(len(batch.events) for batch in batches)
        report(f"checking {events:,} events with {target}", 0, 1)
        prepared = prepare(target, batches)
        if not dry_run and prepared.changed:
            from asean_timeline.importers.save import save

            report(f"writing {target}", 0, 1)
            save(prepared)
    _summarise(prepared, target, dry_run=dry_run)


def _summarise(prepared: Prepared, target: Path, *, dry_run: bool) -> None:
    from asean_timeline.importers.merge import Outcome

    plan = prepared.plan
    verb = {Outcome.ADDED: "add", Outcome.UPDATED: "update"}
    shown = 0
    for change in plan.changes:
        if change.outcome is Outcome.UNCHANGED:
            continue
        if shown < _LISTED:
            word = ("would " + verb[change.outcome]) if dry_run else change.outcome.value
            click.echo(f"{word} {change.id}  ({change.origin})")
            if dry_run and change.outcome is Outcome.UPDATED and change.previous is not None:
                for key in _changed_keys(change.previous, change.table):
                    click.echo(
                        f"    {key}: {_shown(change.previous.get(key))} → "
                        f"{_shown(change.table.get(key))}"
                    )
        shown += 1
    if shown > _LISTED:
        click.echo(f"… and {shown - _LISTED:,} more")
    print_problems(_collapsed(prepared.warnings), problem_format())
    for skip in plan.skipped:
        click.echo(f"skipped {skip.what} ({skip.origin}): {skip.reason}", err=True)
    for kind, count in sorted(plan.dropped.items()):
        click.echo(f"not imported: {kind}, {count:,}×", err=True)
    if "title" in prepared.kept_calendar:
        click.echo(
            f"the timeline keeps its title; the imported file calls its calendar "
            f"{prepared.kept_calendar['title']!r}",
            err=True,
        )
    counts = (
        ", ".join(f"{plan.count(outcome):,} {outcome.value}" for outcome in Outcome)
        + f", {len(plan.skipped):,} skipped"
    )
    if dry_run:
        click.echo(f"{target}: would change: {counts} (dry run: nothing written)", err=True)
    elif prepared.changed:
        created = "" if prepared.exists else " (created)"
        click.echo(f"{target}{created}: {counts}", err=True)
    else:
        click.echo(f"{target}: nothing to change: {counts}", err=True)


def _collapsed(warnings: list[Problem]) -> list[Problem]:
    """At most a few warnings of each kind ("the event has no source" on 10,000 imported
    events is one thing to fix, not 10,000), and one line counting the rest."""
    from dataclasses import replace

    by_kind: dict[tuple[str | None, str], list[Problem]] = {}
    for warning in warnings:
        by_kind.setdefault((warning.field, warning.message), []).append(warning)
    shown: list[Problem] = []
    for same in by_kind.values():
        shown.extend(same[:_EACH_KIND])
        if len(same) > _EACH_KIND:
            more = len(same) - _EACH_KIND
            shown.append(
                replace(
                    same[_EACH_KIND],
                    message=f"{same[0].message} (and {more - 1:,} more events like it)"
                    if more > 1
                    else same[0].message,
                )
            )
    return shown


def _changed_keys(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]


def _shown(value: object) -> str:
    text = "(none)" if value is None else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
