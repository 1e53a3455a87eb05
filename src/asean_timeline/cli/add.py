"""``asean-timeline add``: write one new event, checked, into a source file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from asean_timeline.cli.app import STATUSES, cli, file_argument, print_problems, problem_format

#: The prompts, in the order they are asked: (field, question, required).
_PROMPTS = (
    ("title", "Title", True),
    (
        "when",
        "When (2009, 2023-04, 2023-12-17, 2023-12-16..2023-12-18, "
        "between 2023-12-16 and 2023-12-18, 2023-12-17 10:00 Asia/Tokyo)",
        True,
    ),
    ("location", "Location", False),
    ("countries", "Countries (ISO codes, comma-separated: JP, MY)", False),
    ("tags", "Tags (comma-separated)", False),
    ("description", "Description", False),
    ("status", f"Status ({', '.join(STATUSES)})", False),
    ("url", "Link for the event", False),
    ("source_publisher", "Source: publisher", False),
    ("source_title", "Source: title", False),
    ("source_url", "Source: URL", False),
    ("source_published", "Source: published (2023-12 or 2023-12-17)", False),
)


def _split(values: tuple[str, ...] | str | None) -> list[str]:
    if not values:
        return []
    items = [values] if isinstance(values, str) else list(values)
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


@cli.command()
@file_argument
@click.option("--title", help="The event's title.")
@click.option("--when", "--date", "when", help="When, in words: see the examples above.")
@click.option("--id", "event_id", help="The id (default: made from the title and date).")
@click.option("--location", help="Where it happens.")
@click.option("--country", "countries", multiple=True, help="An ISO code (repeat, or JP,MY).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat, or a,b).")
@click.option("--description", help="What happened.")
@click.option("--status", type=click.Choice(STATUSES), help="Default: confirmed.")
@click.option("--url", help="A link for the event itself.")
@click.option("--duration", help="How long a timed event lasts (PT2H), instead of an end.")
@click.option("--rrule", help="A recurrence rule that ends (FREQ=YEARLY;COUNT=10).")
@click.option("--exdate", "exdates", multiple=True, help="An occurrence left out (repeat).")
@click.option("--source-publisher", help="Who reported it.")
@click.option("--source-title", help="The report's title.")
@click.option("--source-url", help="The report's address.")
@click.option("--source-published", help="When the report was published (2023-12).")
@click.option(
    "--file",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to add the event to: FILE (the default) or one it includes.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the event and where it would go; write nothing."
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for what is not given (default: when standard input is a terminal).",
)
def add(
    file: Path,
    target: Path | None,
    dry_run: bool,
    interactive: bool | None,
    event_id: str | None,
    **given: Any,
) -> None:
    """Add one event to FILE (default: ./events.toml), checked like the rest.

    Every field has a flag; on a terminal, what is not given is asked for. The
    event is written at the end of the file in the canonical layout (see fmt),
    nothing else in the file changes, and nothing is written if the timeline would
    not be valid. The id is made from the title and date unless --id is given; an id
    that is taken is refused.

    \b
    Example:
      asean-timeline add --title "Japan–ASEAN summit" --when 2023-12-17 --country JP
      asean-timeline add --when "between 2023-12-16 and 2023-12-18" --title "Talks" --dry-run
    """
    from asean_timeline.includes import checker_for, read_sources
    from asean_timeline.problems import InvalidInputError
    from asean_timeline.sourcefile import SourceFile
    from asean_timeline.validate import slugify
    from asean_timeline.whenwords import parse_when, when_in_words

    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        for field, question, required in _PROMPTS:
            if field in ("countries", "tags"):
                if not given[field]:
                    given[field] = (click.prompt(question, default="", show_default=False),)
            elif not given.get(field):
                given[field] = _ask(question, required, field == "when")
    for field in ("title", "when"):
        if not given.get(field):
            raise click.UsageError(f"--{field} is required (or run add on a terminal)")
    try:
        when = parse_when(given["when"])
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--when") from None

    sources = read_sources(file)
    wanted = (target or file).resolve()
    found = [
        (path, document)
        for path, document in zip(sources.paths, sources.documents, strict=True)
        if path.resolve() == wanted
    ]
    if not found:
        raise click.ClickException(
            f"{target} is not one of the files of the timeline {file}: add a path or glob "
            "that matches it to include in [calendar] (or create it first)"
        )
    path, document = found[0]
    source = SourceFile.of(path, document)
    taken = {  # ids differing only in case are the same id (they become UIDs)
        str(event.get("id")).casefold()
        for each in sources.documents
        for event in (each.data.get("events") or ())
        if isinstance(event, dict)
    }
    # A title with no ASCII letters (日米首脳会談) gives no slug: the id says "event".
    slug = slugify(given["title"]) or "event"
    suggested = _free_id(f"{slug}-{when_in_words(when)}", taken)
    if event_id is None and interactive:
        event_id = click.prompt("Id", default=suggested)
    event_id = event_id or suggested
    if event_id.casefold() in taken:
        raise click.ClickException(
            f"the id {event_id!r} is taken by another event; choose another with --id "
            f"(for example {suggested!r})"
        )
    event = _event(event_id, when, given)
    table = source.append_event(event)
    line = source.text[: len(source.text) - len(table)].count("\n") + 1
    try:
        result = source.save(checker_for(sources, path), dry_run=dry_run)
    except InvalidInputError as error:
        print_problems(error.problems, problem_format())
        click.echo(
            f"nothing was written: the lines above are those of {source.name} with the new "
            f"event at line {line}",
            err=True,
        )
        raise click.exceptions.Exit(1) from None
    print_problems([p for p in result.warnings if p.event_id == event_id], problem_format())
    click.echo(table, nl=False)
    where = f"{source.name}:{line}"
    if dry_run:
        click.echo(f"would add event {event_id!r} at {where} (nothing written)", err=True)
    else:
        click.echo(f"added event {event_id!r} at {where}", err=True)


def _ask(question: str, required: bool, is_when: bool) -> str:
    from asean_timeline.whenwords import parse_when

    while True:
        answer: str = click.prompt(
            question, default="" if not required else None, show_default=False
        ).strip()
        if not is_when or not answer:
            if answer or not required:
                return answer
            continue
        try:
            parse_when(answer)
        except ValueError as error:
            click.echo(f"  {error}", err=True)
            continue
        return answer


def _moment(text: str) -> object:
    """An exception date as TOML writes it: a date, a date and time, or the text (to be
    explained by the validator)."""
    from datetime import date, datetime

    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    return text


def _free_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not in ``taken`` (casefolded ids)."""
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _event(event_id: str, when: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {"id": event_id, "title": given["title"].strip(), **when}
    for field in ("duration", "rrule", "location", "description", "url"):
        if given.get(field):
            event[field] = given[field].strip()
    if given.get("exdates"):
        event["exdates"] = [_moment(text) for text in _split(given["exdates"])]
    for field in ("countries", "tags"):
        values = _split(given.get(field))
        if values:
            # "jp" is meant as JP; anything longer is left for the validator to explain.
            event[field] = [
                v.upper() if field == "countries" and len(v) == 2 else v for v in values
            ]
    if given.get("status") and given["status"] != "confirmed":
        event["status"] = given["status"]
    source = {
        key: given[f"source_{key}"].strip()
        for key in ("publisher", "title", "url", "published")
        if given.get(f"source_{key}")
    }
    if source:
        event["sources"] = [source]
    return event
