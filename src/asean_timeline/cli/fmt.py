"""``asean-timeline fmt``: lay source files out in the one canonical layout."""

from __future__ import annotations

from pathlib import Path

import click

from asean_timeline.cli.app import DEFAULT_FILE, cli, problem_format_option


@cli.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would change.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@problem_format_option("--format")
def fmt(check: bool, files: tuple[Path, ...]) -> None:
    """Lay out FILES (default: ./events.toml) in the canonical layout.

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
    from asean_timeline.sourcefile import SourceFile, SourceFileError

    changed: list[str] = []
    for path in files or (DEFAULT_FILE,):
        source = SourceFile.read(path)
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
        source.save()
        click.echo(f"reformatted {source.name}", err=True)
    total = len(files) or 1
    verb = "would be reformatted" if check else "reformatted"
    click.echo(
        f"{len(changed)} file{'s' * (len(changed) != 1)} {verb}, "
        f"{total - len(changed)} already formatted",
        err=True,
    )
    if check and changed:
        raise click.exceptions.Exit(1)
