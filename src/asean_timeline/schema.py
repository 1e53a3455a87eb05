"""A JSON Schema of ``events.toml`` for editors (Taplo / Even Better TOML).

Built from the validator's own tables of keys, patterns and limits, so the two
cannot drift apart silently; ``tests/test_schema.py`` checks them against the
valid and invalid examples. The schema catches what an editor can see as you
type (unknown keys, types, patterns, lengths, enumerations); the validator
also checks what needs reasoning (real dates, DST gaps, duplicate ids, RRULEs).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from asean_timeline import reference
from asean_timeline.model import Status
from asean_timeline.validate.constants import (
    DOMAIN_PATTERN,
    DURATION_PATTERN,
    ID_PATTERN,
    LANGUAGE_PATTERN,
    MAX_CHANGES_LIMIT,
    MAX_DOMAIN_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    PARTIAL_DATE,
    TAG_PATTERN,
)

SCHEMA_ID = "https://example.org/asean-timeline/events.schema.json"


def json_pattern(pattern: re.Pattern[str]) -> str:
    """A validator pattern in the regular-expression dialect JSON Schema uses (ECMA 262).

    Python's named groups become plain groups and its whole-string anchors
    (``\\A``, ``\\Z``) become ``^`` and ``$``, which in ECMA 262 match only at the ends.
    """
    text = re.sub(r"\(\?P<\w+>", "(?:", pattern.pattern)
    return text.replace(r"\A", "^").replace(r"\Z", "$")


_PARTIAL_DATE = json_pattern(PARTIAL_DATE)
_DURATION = json_pattern(DURATION_PATTERN)
_HTTP_URL = r"^https?://[^\s]+$"
_DATE = {"type": "string", "format": "date"}
_LOCAL_OR_OFFSET_DATE_TIME = {
    "type": "string",
    "anyOf": [{"format": "date-time"}, {"format": "partial-date-time"}],
}


def _text(description: str, limit: int, *, required_non_empty: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": limit, "description": description}
    if required_non_empty:
        schema["minLength"] = 1
    return schema


def schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict (keys in a fixed order)."""
    countries = sorted(reference.countries())
    zones = sorted(reference.zone_names())
    source = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "title": _text("Title of the article or document.", MAX_LENGTH["title"]),
            "publisher": _text("Who published it, e.g. Kyodo News.", MAX_LENGTH["title"]),
            "url": {"type": "string", "pattern": _HTTP_URL, "maxLength": MAX_LENGTH["url"]},
            "published": {
                "description": "When it was published: a date, 'YYYY-MM' or 'YYYY'.",
                "anyOf": [_DATE, {"type": "string", "pattern": _PARTIAL_DATE}],
            },
            "accessed": {**_DATE, "description": "When you read it: a date."},
            "archived": {
                "type": "string",
                "pattern": _HTTP_URL,
                "maxLength": MAX_LENGTH["url"],
                "description": "A saved copy, e.g. in the Wayback Machine.",
            },
            "archived_on": {**_DATE, "description": "When the saved copy was made: a date."},
            "language": {
                "type": "string",
                "pattern": json_pattern(LANGUAGE_PATTERN),
                "maxLength": MAX_LANGUAGE_LENGTH,
                "description": "The source's language (BCP 47), e.g. 'en', 'ja'.",
            },
            "quote": {
                "type": "string",
                "maxLength": MAX_LENGTH["quote"],
                "pattern": "^[^\\n\\r]*$",
                "description": "A short excerpt that supports the date (one paragraph).",
            },
        },
        "anyOf": [{"required": ["title"]}, {"required": ["publisher"]}],
        "dependentRequired": {"archived_on": ["archived"]},
    }
    event = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title"],
        "properties": {
            "id": {
                "type": "string",
                "pattern": json_pattern(ID_PATTERN),
                "maxLength": MAX_LENGTH["id"],
                "description": "Stable identifier; becomes the calendar UID. Never change it.",
            },
            "title": _text(
                "What happened, in one line.", MAX_LENGTH["title"], required_non_empty=True
            ),
            "date": {
                "description": "A day (2023-12-17), a month ('2023-04') or a year ('2009').",
                "anyOf": [
                    _DATE,
                    {"type": "string", "pattern": _PARTIAL_DATE},
                    {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                ],
            },
            "start": {
                "description": "First day (with end: a range), or a date-time (timed event).",
                "anyOf": [_DATE, _LOCAL_OR_OFFSET_DATE_TIME],
            },
            "end": {
                "description": "Last day (inclusive) or end date-time, written like start.",
                "anyOf": [_DATE, _LOCAL_OR_OFFSET_DATE_TIME],
            },
            "duration": {"type": "string", "pattern": _DURATION, "description": "e.g. PT2H"},
            "between": {
                "description": "An unknown day within [first, last].",
                "type": "array",
                "items": _DATE,
                "minItems": 2,
                "maxItems": 2,
            },
            "timezone": {"type": "string", "enum": zones},
            "rrule": {"type": "string", "description": "RFC 5545 RRULE with COUNT or UNTIL."},
            "exdates": {
                "type": "array",
                "items": {"anyOf": [_DATE, _LOCAL_OR_OFFSET_DATE_TIME]},
            },
            "location": _text("Where it happened.", MAX_LENGTH["location"]),
            "countries": {
                "type": "array",
                "items": {"type": "string", "enum": countries},
                "description": "ISO 3166-1 alpha-2 codes.",
            },
            "tags": {
                "type": "array",
                "items": {
                    "type": "string",
                    "pattern": json_pattern(TAG_PATTERN),
                    "maxLength": MAX_LENGTH["tag"],
                },
            },
            "description": _text(
                "Longer text; blank lines separate paragraphs.", MAX_LENGTH["description"]
            ),
            "status": {"type": "string", "enum": [status.value for status in Status]},
            "sources": {"type": "array", "items": source},
            "url": {"type": "string", "pattern": _HTTP_URL, "maxLength": MAX_LENGTH["url"]},
            "uid": _text(
                "The event's UID in the calendar it was imported from (kept by import).",
                MAX_LENGTH["uid"],
            ),
        },
        "oneOf": [{"required": ["date"]}, {"required": ["start"]}, {"required": ["between"]}],
    }
    calendar = {
        "type": "object",
        "additionalProperties": False,
        "required": ["title"],
        "properties": {
            "title": _text("The calendar's name.", MAX_LENGTH["title"], required_non_empty=True),
            "description": _text("What the calendar covers.", MAX_LENGTH["description"]),
            "timezone": {"type": "string", "enum": zones},
            "url": {"type": "string", "pattern": _HTTP_URL, "maxLength": MAX_LENGTH["url"]},
            "uid_domain": {
                "type": "string",
                "pattern": json_pattern(DOMAIN_PATTERN),
                "maxLength": MAX_DOMAIN_LENGTH,
            },
            "language": {
                "type": "string",
                "pattern": json_pattern(LANGUAGE_PATTERN),
                "maxLength": MAX_LANGUAGE_LENGTH,
            },
            "refresh_interval": {"type": "string", "pattern": _DURATION},
            "changes_limit": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_CHANGES_LIMIT,
                "description": "How many changes changes.xml and changes.md list.",
            },
            "include": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Other files of the timeline: paths or globs relative to this "
                "file (events/*.toml; ** reaches sub-folders).",
            },
        },
    }
    tag_list = {"type": "array", "items": event["properties"]["tags"]["items"]}  # type: ignore[index]
    country_list = {"type": "array", "items": {"type": "string", "enum": countries}}
    subcalendar = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title"],
        "properties": {
            "id": {
                "type": "string",
                "pattern": json_pattern(ID_PATTERN),
                "maxLength": MAX_LENGTH["id"],
                "description": "File name: dist/calendars/<id>.ics.",
            },
            "title": _text(
                "The sub-calendar's name.", MAX_LENGTH["title"], required_non_empty=True
            ),
            "description": _text("What it holds.", MAX_LENGTH["description"]),
            "tags_any": tag_list,
            "tags_all": tag_list,
            "countries_any": country_list,
            "countries_all": country_list,
            "statuses": {
                "type": "array",
                "items": {"type": "string", "enum": [status.value for status in Status]},
            },
            "from": _DATE,
            "until": _DATE,
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "asean-timeline events.toml",
        "type": "object",
        "additionalProperties": False,
        # The main file holds [calendar]; a file it includes holds only events and
        # sub-calendars, and must satisfy the schema too.
        "anyOf": [
            {"required": ["calendar"]},
            {"required": ["events"]},
            {"required": ["calendars"]},
        ],
        "properties": {
            "calendar": calendar,
            "events": {"type": "array", "items": event},
            "calendars": {"type": "array", "items": subcalendar},
        },
    }


def dumps() -> bytes:
    """The schema as indented JSON bytes."""
    return orjson.dumps(schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
