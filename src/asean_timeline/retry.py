"""When to try a network request again: the pause policy link checks, archives and CalDAV share.

A server that answers "later, please" (429, 503, ...) may say how long in a
``Retry-After`` header, as delta-seconds or as an HTTP date; without one the pause
doubles from a first backoff on each retry. What to do with a pause longer than
the caller allows (wait the cap, or give up) stays the caller's choice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None.

    None when there is no header or it cannot be read; a date in the past is 0. A date
    without a zone is read as UTC, which HTTP dates always are.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(first: float, retry: int) -> float:
    """The pause before retry number ``retry`` (0 for the first) without Retry-After."""
    return first * 2.0**retry
