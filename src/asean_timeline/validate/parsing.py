"""Readers of the text forms the file writes dates and durations in.

Pure functions that turn an ISO 8601 duration (``PT2H``), a partial date (``"2023-04"``)
or a date written in quotes into a value, and return ``None`` (never raise) for text that
is not that form; the checks use them to accept a value and the hints to recognise one.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from asean_timeline.model import Day, Month, Year, date_mistake
from asean_timeline.validate.constants import DURATION_PATTERN, MAX_YEAR, MIN_YEAR, PARTIAL_DATE


def parse_duration(text: str) -> timedelta | None:
    """An ISO 8601 duration such as ``PT2H30M`` or ``P1D``; ``None`` if malformed or huge."""
    found = DURATION_PATTERN.fullmatch(text)
    if not found or text in ("P", "PT") or text.endswith("T"):
        return None
    try:
        parts = {name: int(value or 0) for name, value in found.groupdict().items()}
        return timedelta(**parts)
    except (OverflowError, ValueError):  # ValueError: more digits than int() takes
        return None


def too_long_duration(text: str) -> bool:
    """Whether ``text`` is an ISO 8601 duration too long to compute with."""
    return parse_duration(text) is None and parse_duration(re.sub(r"\d+", "0", text)) is not None


def parse_partial_date(text: str) -> Year | Month | Day | None:
    found = PARTIAL_DATE.fullmatch(text)
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    if date_mistake(year, month or 1, day) is not None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if day is not None and month is not None:
        return Day(date(year, month, day))
    if month is not None:
        return Month(year, month)
    return Year(year)


def spelt_date(value: object) -> date | datetime | None:
    """The date or date-time that a string in quotes spells, if it spells one exactly."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?", text):
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None
