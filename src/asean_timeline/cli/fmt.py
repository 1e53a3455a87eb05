"""``asean-timeline fmt``: lay source files out in the one canonical layout."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from asean_timeline.cli.app import DEFAULT_FILE, cli, problem_format_option


@cli.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@problem_format_option("--format")
def fmt(check: bool, files: tuple[Path, ...]) -> None:
    """Lay out FILES (default: ./events.toml and the files it includes) in the canonical layout.

    Keys in the README's order, dates as TOML dates, short lists on one line, long
    text wrapped in \"\"\" strings, one blank line between tables; every comment is
    kept with the key it is about. A file is rewritten only if it changes, and only
    if the result is still valid. With --check nothing is written: each file that
    would change is named and the exit code is 1.

    \b
    Example:
      asean-timeline fmt
      asean-timeline fmt --check events.toml
    """
    from asean_timeline.formatter import formatted
    from asean_timeline.includes import checker_for, read_sources, sources_of
    from asean_timeline.load import Document, read_document
    from asean_timeline.problems import InvalidInputError
    from asean_timeline.sourcefile import SourceFile, SourceFileError

    timeline = None
    if not files:
        timeline = read_sources(DEFAULT_FILE)
    elif DEFAULT_FILE.is_file():  # the timeline the given files may belong to
        with contextlib.suppress(InvalidInputError):
            timeline = read_sources(DEFAULT_FILE)
    known: dict[Path, Document] = {}
    if timeline is not None:
        known = {p.resolve(): d for p, d in zip(timeline.paths, timeline.documents, strict=True)}
    changed: list[str] = []
    paths = list(files) if files else list(timeline.paths if timeline else ())
    for path in paths:
        document = known.get(path.resolve()) or read_document(path)
        source = SourceFile.of(path, document)
        try:
            text = formatted(source.document)
        except ValueError as error:
            raise SourceFileError(
                f"{error}; nothing was written", "please report this as a bug"
            ) from None
        if text == source.text:
            continue
        changed.append(source.name)
        if check:
            click.echo(f"would reformat {source.name}", err=True)
            continue
        source.replace_text(text)
        if timeline is not None and path.resolve() in known:
            source.save(checker_for(timeline, path))
        elif "calendar" in document.data:  # a timeline of its own
            source.save(checker_for(sources_of(document, path), path))
        else:  # a file of no timeline fmt knows: formatted() checked that its meaning stays
            source.save(lambda _document: ())
        click.echo(f"reformatted {source.name}", err=True)
    verb = "would be reformatted" if check else "reformatted"
    click.echo(
        f"{len(changed)} file{'s' * (len(changed) != 1)} {verb}, "
        f"{len(paths) - len(changed)} already formatted",
        err=True,
    )
    if check and changed:
        raise click.exceptions.Exit(1)
