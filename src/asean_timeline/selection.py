"""Choosing events: the queries behind sub-calendars and ``export`` filters."""

from __future__ import annotations

from dataclasses import replace

from asean_timeline.model import CalendarInfo, Event, Query, SubCalendar, Timeline
from asean_timeline.reference import countries


class EventIndex:
    """The events of one timeline by tag and by country, to select with many queries.

    A query that asks for any of some tags or countries is checked only against the
    events that have one of them (in timeline order), not against every event.
    """

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.by_tag: dict[str, list[int]] = {}
        self.by_country: dict[str, list[int]] = {}
        for position, event in enumerate(timeline.events):
            for values, index in ((event.tags, self.by_tag), (event.countries, self.by_country)):
                for value in values:
                    found = index.setdefault(value, [])
                    if not found or found[-1] != position:
                        found.append(position)

    def events(self, query: Query) -> tuple[Event, ...]:
        """The events that match ``query``, in timeline order."""
        events = self.timeline.events
        candidates: list[int] | None = None
        for wanted, index in (
            (query.tags_any, self.by_tag),
            (query.countries_any, self.by_country),
        ):
            if not wanted:
                continue
            if len(wanted) == 1:
                found = index.get(next(iter(wanted)), [])
            else:
                found = sorted({p for value in wanted for p in index.get(value, ())})
            if candidates is not None:
                keep = set(found)
                found = [p for p in candidates if p in keep]
            candidates = found
        if candidates is None:
            return tuple(event for event in events if query.matches(event))
        if query == Query(tags_any=query.tags_any, countries_any=query.countries_any):
            # The index answered every criterion (each country's and tag's calendar).
            return tuple(events[p] for p in candidates)
        return tuple(events[p] for p in candidates if query.matches(events[p]))


def select(
    timeline: Timeline,
    query: Query,
    info: CalendarInfo | None = None,
    index: EventIndex | None = None,
) -> Timeline:
    """The events of ``timeline`` that match ``query``, under ``info`` (default: the same).

    The named sub-calendars stay (a page of the selection lists them, counted in
    it). ``index`` (of the same timeline) saves work when selecting many times.
    """
    if index is not None and index.timeline is timeline:
        events = index.events(query)
    else:
        events = tuple(event for event in timeline.events if query.matches(event))
    return Timeline(info or timeline.calendar, events, timeline.subcalendars)


def sub_timeline(
    timeline: Timeline, calendar: SubCalendar, index: EventIndex | None = None
) -> Timeline:
    """The sub-calendar as a timeline of its own, named and described for subscribers."""
    info = replace(timeline.calendar, title=calendar.title, description=calendar.description)
    return select(timeline, calendar.query, info, index)


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
