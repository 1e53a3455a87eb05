"""Machine-readable times: the one UTC-offset and the one UTC-stamp formatter.

Written by hand rather than with ``strftime``: ``%Y`` does not zero-pad years
before 1000 on glibc, and the same input must give the same bytes everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache


def utc_offset(offset: timedelta, *, basic: bool = False) -> str:
    """``+09:00`` or ``-03:30``: whole minutes, an offset's seconds dropped (ISO 8601's
    extended form, as HTML and labels write it).

    ``basic`` gives iCalendar's UTC-OFFSET form instead: ``+0900``, with seconds
    where the offset has some (``+053328``, old local mean times).
    """
    sign = "+" if offset >= timedelta(0) else "-"
    seconds = abs(int(offset.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    if not basic:
        return f"{sign}{hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{rest:02d}" if rest else "")


def basic_date(day: date) -> str:
    """``20231217``: ISO 8601 basic format, as iCalendar writes dates."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def basic_time(moment: datetime) -> str:
    """``20231217T100000``: the wall-clock time as written, in ISO 8601 basic format."""
    return f"{basic_date(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


@lru_cache(maxsize=64)  # most stamps of a render are the render's own few revision times
def utc_stamp(moment: datetime, *, basic: bool = False) -> str:
    """The instant in UTC to the second: ``2023-12-17T01:00:00Z``.

    ``basic`` gives ISO 8601's basic format, as iCalendar writes it: ``20231217T010000Z``.
    """
    utc = moment.astimezone(UTC)
    if basic:
        return basic_time(utc) + "Z"
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def machine_value(value: date | datetime) -> str:
    """A date (``2023-12-17``) or a date-time with its offset (``2023-12-17T10:00+09:00``,
    ``Z`` for UTC; seconds only when there are some), as HTML's ``<time datetime>`` reads it."""
    if not isinstance(value, datetime):
        return value.isoformat()
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}"
    if value.second:
        text += f":{value.second:02d}"
    offset = value.utcoffset()
    if offset is None:  # pragma: no cover - every model datetime is aware
        return text
    return text + ("Z" if not offset else utc_offset(offset))


def iso_duration(span: timedelta) -> str:
    """``PT12H``, ``P2D``, ``P1DT2H30M`` or ``PT0S``: an ISO 8601 (and RFC 5545) duration
    to the second, as the file format reads it."""
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    if not days and not clock:
        return "PT0S"
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
