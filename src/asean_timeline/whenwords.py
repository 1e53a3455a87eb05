"""When an event happens, in the words people type, turned into the file's date keys.

``add`` accepts any of :data:`FORMS`; each is a pattern and a builder of the keys the
event gets (``date``, ``start``/``end``, ``between``, ``timezone``). A new form is one
more entry here. The keys are checked afterwards by the validator like any others
(a 30 February or an unknown zone is reported there), so this module only reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_DAY = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_ZONE = r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*"
_OFFSET = r"Z|[+-]\d{2}:\d{2}"

WhenKeys = dict[str, Any]


@dataclass(frozen=True)
class Form:
    """One way of writing a date: an example, its pattern and what it becomes."""

    example: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str]], WhenKeys]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _moment(day: str, clock: str, offset: str | None = None) -> datetime:
    hours, minutes, *seconds = (int(part) for part in clock.split(":"))
    try:
        moment = datetime.fromisoformat(
            f"{day}T{hours:02d}:{minutes:02d}:{seconds[0] if seconds else 0:02d}"
            + (("+00:00" if offset == "Z" else offset) if offset else "")
        )
    except ValueError:
        raise ValueError(f"{day} {clock} is not a real date and time") from None
    return moment


def _timed(match: re.Match[str]) -> WhenKeys:
    day, offset, zone = match["day"], match["offset"], match["zone"]
    keys: WhenKeys = {"start": _moment(day, match["time"], offset)}
    if match["until"]:
        keys["end"] = _moment(day, match["until"], offset)
    if zone:
        keys["timezone"] = zone
    return keys


FORMS: tuple[Form, ...] = (
    Form("2009", re.compile(r"(?P<year>\d{4})"), lambda m: {"date": m["year"]}),
    Form("2023-04", re.compile(r"(?P<month>\d{4}-\d{2})"), lambda m: {"date": m["month"]}),
    Form("2023-12-17", re.compile(rf"(?P<day>{_DAY})"), lambda m: {"date": _day(m["day"])}),
    Form(
        "2023-12-16..2023-12-18",
        re.compile(rf"(?P<first>{_DAY})\s*(?:\.\.|–|—|\bto\b|\buntil\b)\s*(?P<last>{_DAY})"),
        lambda m: {"start": _day(m["first"]), "end": _day(m["last"])},
    ),
    Form(
        "between 2023-12-16 and 2023-12-18",
        re.compile(rf"between\s+(?P<first>{_DAY})\s+and\s+(?P<last>{_DAY})", re.IGNORECASE),
        lambda m: {"between": [_day(m["first"]), _day(m["last"])]},
    ),
    Form(
        "2023-12-17 10:00 Asia/Tokyo",
        re.compile(
            rf"(?P<day>{_DAY})[ T](?P<time>{_TIME})(?:\s*(?:-|–|\.\.|to)\s*(?P<until>{_TIME}))?"
            rf"(?P<offset>{_OFFSET})?(?:\s+(?P<zone>{_ZONE}))?"
        ),
        _timed,
    ),
)


def parse_when(text: str) -> WhenKeys:
    """The date keys ``text`` stands for; raise :class:`ValueError` saying what is accepted."""
    words = " ".join(text.split())
    for form in FORMS:
        match = form.pattern.fullmatch(words)
        if match:
            return form.build(match)
    examples = ", ".join(f"'{form.example}'" for form in FORMS)
    raise ValueError(f"{text!r} is not a date form I know; write one of {examples}")


def when_in_words(keys: WhenKeys) -> str:
    """The part of a suggested id that says when: ``2023``, ``2023-04`` or ``2023-12-17``."""
    first = keys.get("date") or keys.get("start") or keys["between"][0]
    if isinstance(first, datetime):
        return first.date().isoformat()
    return first.isoformat() if isinstance(first, date) else str(first)
