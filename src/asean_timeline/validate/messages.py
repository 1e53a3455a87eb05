"""How values are shown inside problem messages and hints.

The name of a value's type in plain words ("a whole number", "a list"), a value as it is
written in the file (strings in quotes, shortened to fit a message), and a date or
date-time as TOML writes it, with its UTC offset; every check words its problems with these.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def type_name(value: object) -> str:
    names = {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
        date: "a date",
        time: "a time of day",
    }
    if isinstance(value, datetime):
        return "a date and time"
    return names.get(type(value), type(value).__name__)


def shown(value: object, limit: int = 60) -> str:
    """``value`` as written in the file (strings in quotes), shortened for a message."""
    text = as_written(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_written(value: object, budget: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:budget])
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | dict):
        parts: list[str] = []
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if sum(len(part) + 2 for part in parts) > budget:
                parts.append("…")
                break
            shown = as_written(item, budget)
            parts.append(f"{key} = {shown}" if isinstance(value, dict) else shown)
        if isinstance(value, dict):
            return "{ " + ", ".join(parts) + " }"
        return "[" + ", ".join(parts) + "]"
    return str(value)


def toml_date(value: date | datetime) -> str:
    """How a date or date-time is written in TOML (without quotes)."""
    if isinstance(value, datetime):
        text = value.replace(tzinfo=None).isoformat(timespec="seconds")
        offset = value.utcoffset()
        return text + (offset_text(offset) if offset is not None else "")
    return value.isoformat()


def offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
