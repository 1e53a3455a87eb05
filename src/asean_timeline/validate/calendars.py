"""Validation of ``[[calendars]]``: named sub-calendars defined by a query.

```toml
[[calendars]]
id = "maritime-asia"               # becomes dist/calendars/maritime-asia.ics
title = "Maritime security"
description = "…"
tags_any = ["maritime-security"]   # at least one of these tags
countries_any = ["ID", "MY", "VN"] # and at least one of these countries
statuses = ["confirmed"]           # and one of these statuses
from = 2023-01-01                  # and overlapping this inclusive range
until = 2024-12-31
```

Also ``tags_all`` and ``countries_all`` (every one of them). Criteria of
different kinds must all match; a calendar with no criteria holds every event.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from asean_timeline.model import Query, Status, SubCalendar
from asean_timeline.validate.constants import ID_PATTERN, MAX_LENGTH, SUBCALENDAR_KEYS
from asean_timeline.validate.fields import Getter
from asean_timeline.validate.messages import shown

if TYPE_CHECKING:
    from asean_timeline.validate.reporting import Reporter


def subcalendars(reporter: Reporter, tables: object) -> tuple[SubCalendar, ...]:
    """The named sub-calendars, each problem reported through ``reporter``."""
    if tables is None:
        return ()
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        reporter.report(
            "'calendars' must be a list of tables ([[calendars]])",
            at=("calendars",),
            field="calendars",
            hint="write each sub-calendar as its own [[calendars]] table with id and title",
        )
        return ()
    found: list[SubCalendar] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        get = Getter(reporter, table, ("calendars", index), prefix=f"calendar #{index + 1}: ")
        get.unknown_keys(SUBCALENDAR_KEYS, "in [[calendars]]")
        calendar_id = get.string("id", required=True, example='"maritime-asia"')
        title = get.text("title", required=True)
        description = get.text("description", limit=MAX_LENGTH["description"], multiline=True)
        if calendar_id is not None:
            if not ID_PATTERN.fullmatch(calendar_id) or len(calendar_id) > MAX_LENGTH["id"]:
                get.fail(
                    "id",
                    f"id {shown(calendar_id)} cannot be a file name",
                    "use lowercase letters, digits and hyphens, e.g. 'maritime-asia'",
                )
                calendar_id = None
            elif calendar_id in seen:
                get.fail(
                    "id", f"duplicate calendar id {shown(calendar_id)}", "give each one its own id"
                )
                calendar_id = None
            else:
                seen.add(calendar_id)
        query = Query(
            tags_any=frozenset(get.tags("tags_any")),
            tags_all=frozenset(get.tags("tags_all")),
            countries_any=frozenset(get.countries("countries_any")),
            countries_all=frozenset(get.countries("countries_all")),
            statuses=_statuses(get),
            start=_day(get, "from"),
            end=_day(get, "until"),
        )
        if query.start and query.end and query.end < query.start:
            get.fail("until", f"until ({query.end}) is before from ({query.start})", "swap them")
        if calendar_id and title:
            found.append(
                SubCalendar(
                    path=f"calendars/{calendar_id}",
                    title=title,
                    description=description or "",
                    query=query,
                )
            )
    return tuple(found)


def _statuses(get: Getter) -> frozenset[Status]:
    chosen: set[Status] = set()
    options = [status.value for status in Status]
    for position, value in get.string_list("statuses", '["confirmed", "tentative"]'):
        if value in options:
            chosen.add(Status(value))
        else:
            get.fail(
                "statuses",
                f"unknown status {shown(value)}",
                f"use any of {', '.join(options)}",
                at=("statuses", position),
            )
    return frozenset(chosen)


def _day(get: Getter, key: str) -> date | None:
    value: Any = get.value(key)
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    get.fail(key, f"{key} must be a date", f"write {key} = 2023-12-01 (no quotes)")
    return None
