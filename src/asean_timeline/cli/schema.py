"""``asean-timeline schema``: the JSON Schema of the file format."""

from __future__ import annotations

from pathlib import Path

from asean_timeline.cli.app import (
    cli,
    output_option,
    write_output,
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

    content = dumps()
    write_output(output, content)
