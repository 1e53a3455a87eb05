"""What ``events.toml`` may hold, as data: the keys of each table, the patterns and the limits.

Every check of the package reads its allowed keys, id and tag patterns, length limits and
supported years from here, and :mod:`asean_timeline.schema` builds the editors' JSON Schema
from the same tables, so the validator and the schema cannot drift apart.
"""

from __future__ import annotations

import re

from asean_timeline.model import DEFAULT_CHANGES_LIMIT as DEFAULT_CHANGES_LIMIT

CALENDAR_KEYS = (
    "title",
    "description",
    "timezone",
    "url",
    "uid_domain",
    "language",
    "refresh_interval",
    "changes_limit",
    "include",  # other files of the timeline: read by asean_timeline.includes
)
EVENT_KEYS = (
    "id",
    "title",
    "date",
    "start",
    "end",
    "duration",
    "between",
    "timezone",
    "rrule",
    "exdates",
    "location",
    "countries",
    "tags",
    "description",
    "status",
    "sources",
    "url",
    # The UID the event had in the calendar it was imported from (see README, "Importing").
    "uid",
)
SOURCE_KEYS = (
    "title",
    "publisher",
    "url",
    "published",
    "accessed",
    "archived",
    "archived_on",
    "language",
    "quote",
)

#: The keys of a ``[[calendars]]`` table (a sub-calendar defined by a query).
SUBCALENDAR_KEYS = (
    "id",
    "title",
    "description",
    "tags_any",
    "tags_all",
    "countries_any",
    "countries_all",
    "statuses",
    "from",
    "until",
)

#: Field length limits in characters (see README, "Limits").
MAX_LENGTH = {
    "id": 100,
    "title": 200,
    "location": 200,
    "description": 5000,
    "tag": 50,
    "url": 2000,
    "uid": 1000,
    "quote": 500,
}
MAX_EVENTS = 200_000
#: A recurring event has at most this many occurrences (see README, "Limits").
MAX_OCCURRENCES = 10_000
#: Dates must fall in these years; timed events one year further in, so that every
#: output can convert them to UTC and describe their zone a year either side.
MIN_YEAR, MAX_YEAR = 1, 9998
MIN_TIMED_YEAR, MAX_TIMED_YEAR = 2, 9997
MAX_DOMAIN_LENGTH = 253
MAX_LANGUAGE_LENGTH = 35
#: The most changes the changes feed (changes.xml, changes.md) may list.
MAX_CHANGES_LIMIT = 1000

# Every check matches these against the whole value (``fullmatch``: ``$`` alone would
# also accept a line break at the end). They are ASCII only, as the JSON Schema's copies
# of them are (``re.ASCII``: ``\d`` would otherwise take Thai or Arabic-Indic digits).
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
TAG_PATTERN = ID_PATTERN
DOMAIN_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", re.ASCII)
DURATION_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$",
    re.ASCII,
)
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

RRULE_PARTS = (
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
FREQUENCIES = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
