"""The presentation layer: what the outputs show, worked out once per render.

Between the validated model and the exporters. For each event, :class:`Presented`
holds the values several outputs show (the date phrase and its parts, the
plain-text description, the chosen link, the country names, the UID and the
canonical record); a :class:`RenderContext` builds each once and every exporter
reads it. The context also carries the revisions and a :class:`Catalogue` of
the sub-calendars, each selected once with its events.

Exporters import the model and this module (and the registry in
``asean_timeline.exporters``), never each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from asean_timeline.model import Event, Query, Source, Status, SubCalendar, Timeline
from asean_timeline.records import event_record
from asean_timeline.recurrence import occurrences
from asean_timeline.reference import countries
from asean_timeline.revisions import Revisions
from asean_timeline.wording import Piece, day_phrase, when_pieces


@dataclass(frozen=True, slots=True)
class Presented:
    """What the outputs show of one event, beyond its own fields."""

    #: The event's UID: its id at the calendar's domain, stable across edits and reorders.
    uid: str
    #: The date at its precision, as a reader would write it (:func:`wording.when_phrase`).
    phrase: str
    #: The same phrase cut into its dated parts (:func:`wording.when_pieces`).
    pieces: tuple[Piece, ...]
    #: The plain-text body: the date, the description, then the facts.
    description: str
    #: The event's own address, else its first source's.
    link: str | None
    #: The name of each of the event's countries (the code where none is known).
    country_names: tuple[str, ...]
    #: The canonical record (:func:`records.event_record`); do not modify it.
    record: dict[str, Any]
    #: A recurring event's first starts, up to one more than the pages list
    #: (:data:`LISTED_OCCURRENCES`), so they can say whether more follow; else none.
    first_occurrences: tuple[date | datetime, ...] = ()

    @property
    def listed_occurrences(self) -> tuple[tuple[date | datetime, ...], bool]:
        """The starts the pages list, and whether more follow them."""
        found = self.first_occurrences
        return found[:LISTED_OCCURRENCES], len(found) > LISTED_OCCURRENCES


#: How many occurrences of a recurring event the pages list.
LISTED_OCCURRENCES = 12


def uid(event: Event, domain: str) -> str:
    """The event's UID: its id at the calendar's domain, stable across edits and reorders."""
    return f"{event.id}@{domain}"


def present(event: Event, domain: str, record: dict[str, Any] | None = None) -> Presented:
    """Everything :class:`Presented` holds for ``event`` (use a context to build it once).

    ``record``, if given, is the event's canonical record, already built.
    """
    pieces = when_pieces(event.when)
    phrase = "".join(words for _, words in pieces)
    names = countries()
    country_names = tuple(names.get(code, code) for code in event.countries)
    return Presented(
        uid=uid(event, domain),
        phrase=phrase,
        pieces=pieces,
        description=plain_description(event, phrase, country_names),
        link=event.url or next((s.url for s in event.sources if s.url), None),
        country_names=country_names,
        record=event_record(event) if record is None else record,
        first_occurrences=(
            tuple(occurrences(event, limit=LISTED_OCCURRENCES + 1)) if event.recurrence else ()
        ),
    )


def plain_description(event: Event, phrase: str, country_names: tuple[str, ...]) -> str:
    """Plain-text body: the date at its precision, the description, then the facts."""
    parts = [f"Date: {phrase}"]
    if event.recurrence is not None:
        parts.append(f"Repeats: {event.recurrence.rule}")
    if event.description:
        parts.append("")
        parts.append(event.description)
        parts.append("")
    if event.location:
        parts.append(f"Where: {event.location}")
    if event.status is not Status.CONFIRMED:
        parts.append(f"Status: {event.status.value}")
    if country_names:
        parts.append("Countries: " + ", ".join(country_names))
    if event.tags:
        parts.append("Tags: " + ", ".join(event.tags))
    if event.sources:
        parts.append("Sources:")
        for source in event.sources:
            line = f"- {source.label}"
            if source.published:
                line += f" ({source.published})"
            if source.url:
                line += f" <{source.url}>"
            parts.append(line)
            said = provenance(source)
            notes = [*said.notes]
            if said.archived is not None:
                notes.insert(0, f"{said.archived_words} <{said.archived}>")
            if notes:
                parts.append("  " + "; ".join(notes))
            if said.quote is not None:
                parts.append(f"  {said.quote}")
    return "\n".join(parts).strip()


@dataclass(frozen=True, slots=True)
class Provenance:
    """What the outputs show of a source besides its label, address and date, in words.

    Each output escapes these for itself; every field is empty for a source that gives
    none of ``accessed``, ``archived``, ``archived_on``, ``language`` and ``quote``.
    """

    #: The saved copy's address, linked beside the original.
    archived: str | None
    #: Its link text: ``archived 18 December 2023`` (or ``archived copy`` without a day).
    archived_words: str
    #: ``read 18 December 2023``, ``language ja``: shown after the links.
    notes: tuple[str, ...]
    #: The quote in quotation marks: ``“The leaders agreed …”``.
    quote: str | None
    #: The source's language (BCP 47), for a ``lang`` attribute on the quote.
    language: str | None


def provenance(source: Source) -> Provenance:
    """The words for ``source``'s provenance keys (see :class:`Provenance`)."""
    notes = []
    if source.accessed is not None:
        notes.append(f"read {day_phrase(source.accessed)}")
    if source.language is not None:
        notes.append(f"language {source.language}")
    archived_words = (
        f"archived {day_phrase(source.archived_on)}"
        if source.archived_on is not None
        else "archived copy"
    )
    return Provenance(
        archived=source.archived,
        archived_words=archived_words,
        notes=tuple(notes),
        quote=None if source.quote is None else f"\u201c{source.quote}\u201d",
        language=source.language,
    )


class Presentation:
    """The :class:`Presented` values of one timeline's events, each built on first use.

    Keyed by event id, so a sub-calendar (a selection of the same events) shares them.
    A render builds them all before it forks its worker processes (revisions
    fingerprint the records, and every output but revisions.json reads the rest), so
    no worker builds them again; ``export`` of one format builds what it reads.
    """

    def __init__(self, timeline: Timeline) -> None:
        self.domain = timeline.calendar.uid_domain
        self._records: dict[str, dict[str, Any]] = {}
        self._cache: dict[str, Presented] = {}

    def of(self, event: Event) -> Presented:
        """The values of ``event``, built once."""
        found = self._cache.get(event.id)
        if found is None:
            record = self._records.get(event.id)
            found = self._cache[event.id] = present(event, self.domain, record)
        return found

    def record(self, event: Event) -> dict[str, Any]:
        """The canonical record of ``event`` (what revisions fingerprint), built once."""
        found = self._records.get(event.id)
        if found is None:
            shown = self._cache.get(event.id)
            found = event_record(event) if shown is None else shown.record
            self._records[event.id] = found
        return found


@dataclass(frozen=True, slots=True)
class Listed:
    """One sub-calendar, selected: its file in dist/, its title and its events."""

    calendar: SubCalendar
    #: Its file in dist/: ``calendars/tags/summit.ics``.
    path: str
    #: The sub-calendar as a timeline of its own, named and described for subscribers.
    timeline: Timeline

    @property
    def title(self) -> str:
        return self.calendar.title

    @property
    def count(self) -> int:
        return len(self.timeline.events)


@dataclass(frozen=True)
class Catalogue:
    """Every sub-calendar of a timeline (named, then per country and tag), each selected once."""

    calendars: tuple[Listed, ...]
    #: Events per country code and per tag (positions in the timeline).
    by_country: dict[str, list[int]] = field(default_factory=dict)
    by_tag: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, timeline: Timeline) -> Catalogue:
        from asean_timeline.selection import EventIndex, all_subcalendars, sub_timeline

        index = EventIndex(timeline)
        calendars = tuple(
            Listed(calendar, f"{calendar.path}.ics", sub_timeline(timeline, calendar, index))
            for calendar in all_subcalendars(timeline)
        )
        return cls(calendars, index.by_country, index.by_tag)

    def file_of(self, query: Query) -> str | None:
        """The file of the first sub-calendar selecting exactly ``query``, if any."""
        for listed in self.calendars:
            if listed.calendar.query == query:
                return listed.path
        return None


class RenderContext:
    """What every exporter renders from: the timeline, its revisions, the shared values."""

    def __init__(
        self,
        timeline: Timeline,
        revisions: Revisions,
        presentation: Presentation | None = None,
    ) -> None:
        self.timeline = timeline
        self.revisions = revisions
        self.presentation = presentation or Presentation(timeline)
        #: Per-render caches an exporter keeps for itself (ics: each VEVENT's bytes).
        self.scratch: dict[str, Any] = {}

    def of(self, event: Event) -> Presented:
        """The shared values of ``event``."""
        return self.presentation.of(event)

    @cached_property
    def catalogue(self) -> Catalogue:
        """The sub-calendars, selected on first use."""
        return Catalogue.of(self.timeline)

    def selected(self, timeline: Timeline) -> RenderContext:
        """A context for ``timeline`` (a selection of this one's events) sharing its values."""
        context = RenderContext(timeline, self.revisions, self.presentation)
        context.scratch = self.scratch
        return context


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) URL, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def plural(count: int, noun: str) -> str:
    """``1 event``, ``2 events``."""
    return f"{count} {noun}{'s' * (count != 1)}"
