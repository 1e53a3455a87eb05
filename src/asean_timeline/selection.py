"""Choosing events: the queries behind sub-calendars and ``export`` filters."""

from __future__ import annotations

from dataclasses import replace

from asean_timeline.model import CalendarInfo, Query, SubCalendar, Timeline
from asean_timeline.reference import countries


def select(timeline: Timeline, query: Query, info: CalendarInfo | None = None) -> Timeline:
    """The events of ``timeline`` that match ``query``, under ``info`` (default: the same)."""
    events = tuple(event for event in timeline.events if query.matches(event))
    return Timeline(info or timeline.calendar, events)


def sub_timeline(timeline: Timeline, calendar: SubCalendar) -> Timeline:
    """The sub-calendar as a timeline of its own, named and described for subscribers."""
    info = replace(timeline.calendar, title=calendar.title, description=calendar.description)
    return select(timeline, calendar.query, info)


def automatic_subcalendars(timeline: Timeline) -> list[SubCalendar]:
    """One sub-calendar per country and per tag that any event has.

    Paths are built only from validated ISO codes and lowercase slugs, so they
    cannot leave the output folder or collide: countries (upper case, two
    letters) and tags live in folders of their own.
    """
    title = timeline.calendar.title
    names = countries()
    found: list[SubCalendar] = []
    for code in sorted({code for event in timeline.events for code in event.countries}):
        name = names.get(code, code)
        found.append(
            SubCalendar(
                path=f"calendars/countries/{code}",
                title=f"{title}: {name}",
                description=f"The events of “{title}” that involve {name}.",
                query=Query(countries_any=frozenset({code})),
            )
        )
    for tag in sorted({tag for event in timeline.events for tag in event.tags}):
        found.append(
            SubCalendar(
                path=f"calendars/tags/{tag}",
                title=f"{title}: {tag}",
                description=f"The events of “{title}” tagged “{tag}”.",
                query=Query(tags_any=frozenset({tag})),
            )
        )
    return found


def all_subcalendars(timeline: Timeline) -> list[SubCalendar]:
    """The named sub-calendars of the file, then one per country and per tag."""
    return [*timeline.subcalendars, *automatic_subcalendars(timeline)]
