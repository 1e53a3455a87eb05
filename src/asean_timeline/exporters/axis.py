"""The small time axis drawn under each event of the HTML page.

The months of the event's year and, for day-level dates, the days of its
month(s): known days are solid, a date known only to a year, a month or a window
of days is hatched. Decorative (``aria-hidden``): the page's ``<time>`` elements
say the same in words. The page's stylesheet (assets/page.css) draws the classes.
"""

from __future__ import annotations

from datetime import date
from typing import assert_never

from asean_timeline.model import (
    MONTHS,
    Day,
    DayInWindow,
    DayRange,
    Month,
    Timed,
    When,
    Year,
    month_name,
)

#: Day-level dates spanning more months than this show only the month strip.
MAX_DAY_STRIP_MONTHS = 2


def local_days(when: When) -> tuple[date, date]:
    """First and last day of the date as its reader sees them (timed: in its own zone)."""
    if isinstance(when, Timed):
        end = when.end or when.start
        return when.start.date(), end.astimezone(when.start.tzinfo).date()
    return when.first_day, when.last_day


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from the month of ``first`` to that of ``last``."""
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


_MONTH_SCALE = (
    '<div class="scale months">' + "".join(f"<span>{name[:3]}</span>" for name in MONTHS) + "</div>"
)


def axis(when: When) -> str:
    """The date drawn on the months of its year and, for days, the days of its month(s).

    Decorative (``aria-hidden``): the ``<time>`` element says the same in words.
    """
    first, last = local_days(when)
    months = _months(first, last)
    day_level = not isinstance(when, Year | Month)
    day_strip = day_level and len(months) <= MAX_DAY_STRIP_MONTHS
    mark = "maybe" if isinstance(when, DayInWindow) else "on"
    # With a strip of days the months only locate them; without, they carry the mark.
    covered = "here" if day_strip else mark
    cells = [
        f'<i class="{state}"></i>' if state else "<i></i>"
        for state in _month_states(when, first.year, months, covered)
    ]
    parts = [
        '<div class="axis" aria-hidden="true">',
        f'<div class="strip">{"".join(cells)}</div>',
        _MONTH_SCALE,
    ]
    if day_strip:
        days = []
        scale = []
        for index, (year, month) in enumerate(months):
            size = Month(year, month).last_day.day
            # The marked days of this month: all of them, except in the first and last month.
            low = first.day if index == 0 else 1
            high = last.day if index == len(months) - 1 else size
            classes = ([mark] if low == 1 else []) + (["first"] if index else [])
            days.append(f'<i class="{" ".join(classes)}"></i>' if classes else "<i></i>")
            # Days 2 to size: unmarked before low, marked from low to high, unmarked after.
            days.append("<i></i>" * max(0, low - 2))
            days.append(f'<i class="{mark}"></i>' * max(0, high - max(low, 2) + 1))
            days.append("<i></i>" * (size - max(high, 1)))
            scale.append(
                f'<span class="d{size}"><span>1</span>'
                f"<span>{month_name(month)} {year}</span><span>{size}</span></span>"
            )
        parts.append(f'<div class="strip days">{"".join(days)}</div>')
        parts.append(f'<div class="scale days">{"".join(scale)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _month_states(when: When, year: int, months: list[tuple[int, int]], covered: str) -> list[str]:
    """The class of each month of the strip (January first): how much of it the date covers."""
    match when:
        case Year():
            return ["maybe"] * 12
        case Month(month=marked):
            return ["on" if month == marked else "" for month in range(1, 13)]
        case Day() | DayRange() | DayInWindow() | Timed():
            return [covered if (year, month) in months else "" for month in range(1, 13)]
        case _:
            assert_never(when)
