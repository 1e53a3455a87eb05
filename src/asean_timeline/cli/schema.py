"""``asean-timeline schema``: the JSON Schema of the file format."""

from __future__ import annotations

from pathlib import Path

import click

from asean_timeline.cli.app import (
    cli,
    output_option,
)


@cli.command()
@output_option
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
