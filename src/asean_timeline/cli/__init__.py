"""The ``asean-timeline`` command line: the only package that prints or exits.

:mod:`asean_timeline.cli.app` holds the group and what the commands share; each
command is a module of its own, registered on the group by importing it here.
Exit codes: 0 success, 1 invalid input or stale outputs, 2 usage error.
"""

from __future__ import annotations

import gc

from asean_timeline.cli import (
    add,
    diff,
    export,
    fmt,
    importing,
    publish,
    render,
    schema,
    serve,
    sources,
    validate,
)
from asean_timeline.cli.app import PROBLEM_FORMATS, STATE_FILENAME, STATUSES, cli

__all__ = ["PROBLEM_FORMATS", "STATE_FILENAME", "STATUSES", "cli", "main"]
# imported for their registration
_COMMANDS = (add, diff, export, fmt, importing, publish, render, schema, serve, sources, validate)


def main() -> None:
    """Console-script entry point."""
    try:
        cli()
    finally:
        # The process ends next. Frozen objects are skipped by the garbage collections
        # the interpreter runs while it exits, which otherwise walk every object left
        # (about 7 ms of a 50 ms validate). atexit handlers still run, and files are
        # still flushed and closed.
        gc.freeze()
