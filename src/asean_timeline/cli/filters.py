"""The event filters ``export`` and ``publish`` share: their options and the query they make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from asean_timeline.cli.app import STATUSES

if TYPE_CHECKING:
    from asean_timeline.model import Query

_F = TypeVar("_F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--country",
        "countries",
        multiple=True,
        help="Keep events with this country (repeatable: any of them).",
    ),
    click.option(
        "--tag", "tags", multiple=True, help="Keep events with this tag (repeatable: any of them)."
    ),
    click.option(
        "--status",
        "statuses",
        type=click.Choice(STATUSES),
        multiple=True,
        help="Keep events with this status (repeatable).",
    ),
    click.option(
        "--from",
        "start",
        type=click.DateTime(["%Y-%m-%d"]),
        help="Keep events on or after this day.",
    ),
    click.option(
        "--until",
        "end",
        type=click.DateTime(["%Y-%m-%d"]),
        help="Keep events on or before this day.",
    ),
)


def filter_options(command: _F) -> _F:
    """Add --country, --tag, --status, --from and --until (see :func:`build_query`)."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def build_query(
    countries: tuple[str, ...],
    tags: tuple[str, ...],
    statuses: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
) -> Query:
    """The query the filter options ask for: kinds must all match, values any of theirs."""
    from asean_timeline.model import Query, Status

    return Query(
        tags_any=frozenset(tags),
        countries_any=frozenset(code.upper() for code in countries),
        statuses=frozenset(Status(value) for value in statuses),
        start=start.date() if start else None,
        end=end.date() if end else None,
    )
