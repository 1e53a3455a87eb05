"""Reading back what our own ``events.ics`` says in words.

A calendar grid only shows days, so the exporter writes a year, a month or an unknown day
in a window as an all-day entry and says the rest in the summary (``… (sometime in
2009)``), a status as a prefix (``Cancelled: …``), and the facts in the description
(``Date: …``, ``Countries: …``, ``Sources:``). These functions undo exactly that wording
(see :mod:`asean_timeline.wording` and :mod:`asean_timeline.exporters.ics`), and only
where it agrees with the dates and the status: a title that merely looks like ours is
left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from asean_timeline.model import DayInWindow, Month, When, Year
from asean_timeline.reference import countries
from asean_timeline.wording import uncertainty_note, when_phrase

#: The PRODID of our own events.ics (asean_timeline.exporters.ics.PRODID; a test checks).
OWN_PRODID = "-//asean-timeline//asean-timeline//EN"
_STATUS_PREFIXES = {"cancelled": "Cancelled: ", "tentative": "Tentative: "}
_NOTE = re.compile(r" \(((?:sometime in|one day of) [^()]+)\)$")
_FACT_PREFIXES = ("Where: ", "Status: ", "Countries: ", "Tags: ", "Sources:")
_SOURCE_LINE = re.compile(
    r"^- (?P<label>.*?)(?: \((?P<published>\d{4}(?:-\d{2}(?:-\d{2})?)?)\))?(?: <(?P<url>[^<>]+)>)?$"
)


def strip_status(summary: str, status: str | None) -> str:
    """The summary without the ``Cancelled: `` / ``Tentative: `` prefix its STATUS explains."""
    prefix = _STATUS_PREFIXES.get(status or "")
    if prefix and summary.startswith(prefix):
        return summary[len(prefix) :]
    return summary


def uncertain_date(summary: str, first: date, last: date) -> tuple[str, When] | None:
    """The title and the year, month or day-in-window that a summary's note and the
    entry's days (``first``..``last``, inclusive) say together; None if they do not agree."""
    found = _NOTE.search(summary)
    if found is None:
        return None
    candidates: list[When] = []
    if first == last and first.month == 1 and first.day == 1:
        candidates.append(Year(first.year))
    if first == last and first.day == 1:
        candidates.append(Month(first.year, first.month))
    if last > first:
        candidates.append(DayInWindow(first, last))
    for when in candidates:
        if uncertainty_note(when) == found.group(1):
            return summary[: found.start()], when
    return None


def date_keys(when: When) -> dict[str, Any]:
    """The date keys of ``events.toml`` for an uncertain date."""
    match when:
        case Year(year=year):
            return {"date": f"{year:04d}"}
        case Month(year=year, month=month):
            return {"date": f"{year:04d}-{month:02d}"}
        case DayInWindow(earliest=earliest, latest=latest):
            return {"between": [earliest, latest]}
    raise ValueError(when)


_OFFSET = re.compile(r"\d{2}:\d{2} UTC(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})\b")


def written_offset(text: str) -> timedelta | None:
    """The UTC offset our ``Date: `` line names (``… 08:00 UTC+07:00``): the exporter
    writes fixed-offset times in UTC, and this gives the offset they were written at."""
    first = text.split("\n", 1)[0]
    found = _OFFSET.search(first) if first.startswith("Date: ") else None
    if found is None:
        return None
    span = timedelta(hours=int(found.group("hours")), minutes=int(found.group("minutes")))
    return -span if found.group("sign") == "-" else span


@dataclass(frozen=True, slots=True)
class OwnDescription:
    """The parts of one of our descriptions that are not said elsewhere in the VEVENT."""

    description: str
    countries: list[str]
    sources: list[dict[str, Any]]


def own_description(text: str, when: When | None, *, ours: bool) -> OwnDescription | None:
    """Our description's own text, countries and sources; None if ``text`` is not ours.

    It must start with ``Date: `` and, unless the calendar is ``ours`` (our PRODID), the
    date in words of ``when``.
    """
    lines = text.split("\n")
    if not lines[0].startswith("Date: "):
        return None
    if not ours and (when is None or lines[0] != f"Date: {when_phrase(when)}"):
        return None
    rest = lines[1:]
    if rest and rest[0].startswith("Repeats: "):
        rest = rest[1:]
    body: list[str] = []
    facts = rest
    if rest and rest[0] == "":
        # "" <description> "" <facts>: the facts are the lines after the last blank line,
        # if they all are facts; otherwise the description runs to the end.
        blank = max(i for i, line in enumerate(rest) if line == "")
        tail = rest[blank + 1 :]
        if blank > 0 and tail and _all_facts(tail):
            body, facts = rest[1:blank], tail
        else:
            body, facts = rest[1:], []
    elif rest and not _all_facts(rest):
        return None
    found_countries: list[str] = []
    sources: list[dict[str, Any]] = []
    for line in facts:
        if line.startswith("Countries: "):
            found_countries = _country_codes(line[len("Countries: ") :])
        elif line.startswith("- "):
            source = _source(line)
            if source:
                sources.append(source)
        elif line.startswith("  ") and sources:
            _provenance(line[2:], sources[-1])
    return OwnDescription("\n".join(body).strip(), found_countries, sources)


def _all_facts(lines: list[str]) -> bool:
    return (
        bool(lines)
        and lines[0].startswith(_FACT_PREFIXES)
        and all(line.startswith((*_FACT_PREFIXES, "- ", "  ")) for line in lines)
    )


@cache
def _codes_by_name() -> dict[str, str]:
    return {name: code for code, name in countries().items()}


def _country_codes(names: str) -> list[str]:
    """``Japan, Thailand`` → ``["JP", "TH"]``; names holding ``, `` are matched whole."""
    by_name = _codes_by_name()
    codes: list[str] = []
    pending = ""
    for piece in names.split(", "):
        pending = f"{pending}, {piece}" if pending else piece
        code = by_name.get(pending) or (pending if pending in countries() else None)
        if code:
            codes.append(code)
            pending = ""
    return codes


_ARCHIVED = re.compile(r"^archived (?:copy|(?P<day>\d{1,2} [A-Z][a-z]+ \d{4})) <(?P<url>[^<>]+)>$")


def _provenance(line: str, source: dict[str, Any]) -> None:
    """A source's second line (``archived 18 December 2023 <…>; read …; language ja``) or
    third (the quote in quotation marks), as the presentation layer writes them."""
    if line.startswith("\u201c") and line.endswith("\u201d") and len(line) >= 2:
        source["quote"] = line[1:-1]
        return
    for note in line.split("; "):
        archived = _ARCHIVED.fullmatch(note)
        if archived is not None:
            source["archived"] = archived.group("url")
            if archived.group("day"):
                source["archived_on"] = _day(archived.group("day"))
        elif note.startswith("read "):
            source["accessed"] = _day(note[len("read ") :])
        elif note.startswith("language "):
            source["language"] = note[len("language ") :]


def _day(phrase: str) -> date | str:
    """``18 December 2023`` → that date (the phrase itself if it is not one)."""
    from datetime import datetime as moment

    try:
        return moment.strptime(phrase, "%d %B %Y").date()
    except ValueError:
        return phrase


def _source(line: str) -> dict[str, Any] | None:
    """A ``- Publisher: Title (published) <url>`` line as a source table.

    The label is ``publisher: title`` or just one of them; one part alone is read back
    as the publisher (the description does not say which it was).
    """
    found = _SOURCE_LINE.match(line)
    if found is None or not found.group("label"):
        return None
    publisher, _, title = found.group("label").partition(": ")
    source: dict[str, Any] = {}
    if title:
        source["title"] = title
    source["publisher"] = publisher
    if found.group("url"):
        source["url"] = found.group("url")
    published = found.group("published")
    if published:
        source["published"] = date.fromisoformat(published) if len(published) == 10 else published
    return source


def shift_to_written_offset(keys: dict[str, Any], table: dict[str, Any], text: str) -> None:
    """Give a UTC time of our own the offset it was written at (its ``Date: `` line's)."""
    from datetime import timezone

    offset = written_offset(text)
    if offset is None:
        return
    tz = timezone(offset)
    for key in ("start", "end"):
        value = table.get(key)
        if isinstance(value, datetime) and value.tzinfo is not None:
            table[key] = keys[key] = value.astimezone(tz)


def timed_when(keys: dict[str, Any]) -> When | None:
    """The timed date shape of ``keys``, for matching our own ``Date: `` line."""
    from asean_timeline.model import Timed
    from asean_timeline.reference import zone

    start = keys.get("start")
    if not isinstance(start, datetime):
        return None
    try:
        tz = zone(keys["timezone"]) if "timezone" in keys else start.tzinfo
    except KeyError:
        return None
    if tz is None:
        return None
    begin = start.replace(tzinfo=tz) if start.tzinfo is None else start
    end = keys.get("end")
    stop = None
    if isinstance(end, datetime):
        stop = end.replace(tzinfo=tz) if end.tzinfo is None else end
    return Timed(begin, stop, keys.get("timezone"))
