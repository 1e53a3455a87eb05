"""Typed access to the keys of one table, each failed check reported rather than raised.

:class:`Getter` reads one table of the document (``[calendar]``, an event, a source, a
sub-calendar) key by key: unknown keys, required text, length limits and control
characters, web addresses, choices, lists of texts, country codes, tags, time zones and
partial dates. Each problem is reported through a
:class:`~asean_timeline.validate.reporting.Reporter` at the key's line.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from asean_timeline import reference
from asean_timeline.model import Status
from asean_timeline.problems import EXCERPT_LENGTH, Severity
from asean_timeline.validate.characters import (
    SUSPECT_IN_MULTILINE_TEXT,
    SUSPECT_IN_TEXT,
    hidden_in_url,
    text_problem,
)
from asean_timeline.validate.constants import (
    CALENDAR_KEYS,
    EVENT_KEYS,
    MAX_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    TAG_PATTERN,
)
from asean_timeline.validate.hints import (
    ZONE_ABBREVIATIONS,
    closest,
    country_hint,
    did_you_mean,
    slugify,
    suggest_date,
)
from asean_timeline.validate.messages import as_written, shown, toml_date, type_name
from asean_timeline.validate.parsing import parse_partial_date, spelt_date
from asean_timeline.weburl import is_plain_web_url

if TYPE_CHECKING:
    from asean_timeline.scanner import TomlPath
    from asean_timeline.validate.reporting import Reporter


class Getter:
    """Typed access to one table's keys; each failed check is reported, not raised."""

    def __init__(
        self,
        reporter: Reporter,
        table: dict[str, Any],
        base: TomlPath,
        *,
        event_id: str | None = None,
        number: int | None = None,
        field: str | None = None,
        prefix: str = "",
    ) -> None:
        self.reporter = reporter
        self.table = table
        self.base = base
        self.event_id = event_id
        self.number = number
        self.field = field
        self.prefix = prefix
        #: Known key → the unknown key that looks like a misspelling of it.
        self.misspelt: dict[str, str] = {}

    def fail(
        self,
        key: str,
        message: str,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
        *,
        at: TomlPath | None = None,
    ) -> None:
        """Report a problem with ``key``, on the line of ``at`` (default: the key's)."""
        self.reporter.report(
            self.prefix + message,
            hint=hint,
            at=(*self.base, *(at if at is not None else (key,))),
            event_id=self.event_id,
            event_number=self.number,
            field=self.field or key,
            severity=severity,
        )

    def value(self, key: str) -> Any:
        return self.table.get(key)

    def unknown_keys(self, allowed: tuple[str, ...], where: str) -> None:
        in_calendar = self.base == ("calendar",)
        for key in self.table:
            if key in allowed:
                continue
            meant = closest(key, allowed)
            if meant is not None and meant not in self.table:
                self.misspelt[meant] = key
            if meant is not None:
                hint = f"did you mean {meant!r}?"
            elif in_calendar and key == "events":
                hint = (
                    "this line is inside [calendar]; start each event with its own [[events]] "
                    "line instead"
                )
            elif in_calendar and key in EVENT_KEYS:
                hint = f"{key} belongs to an event: start the event with [[events]] above it"
            elif not in_calendar and key in CALENDAR_KEYS:
                hint = f"{key} belongs to the calendar: move this line below [calendar]"
            else:
                hint = f"remove it, or use one of: {', '.join(allowed)}"
            self.fail(key, f"unknown key {shown(key)}" + (f" {where}" if where else ""), hint)

    def string(self, key: str, *, required: bool = False, example: str | None = None) -> str | None:
        value = self.table.get(key)
        if value is None:
            if required and key not in self.misspelt:
                self.fail(
                    key,
                    f"missing required field {key!r}",
                    f"add {key} = {example or chr(34) + '…' + chr(34)}",
                    at=(),
                )
            return None
        if not isinstance(value, str):
            if (
                example is None
                and isinstance(value, int | float | date | time)
                and not isinstance(value, bool)
            ):
                example = f'"{as_written(value, 60)}"'
            self.fail(
                key,
                f"{key} must be text in quotes, not {type_name(value)}",
                f"write {key} = {example or chr(34) + '…' + chr(34)}",
            )
            return None
        if required and not value.strip():
            self.fail(key, f"{key} is empty", f"write the {key} between the quotes")
            return None
        return value

    def text(
        self, key: str, *, required: bool = False, limit: int | None = None, multiline: bool = False
    ) -> str | None:
        value = self.string(key, required=required)
        if value is None:
            return None
        value = value.replace("\r\n", "\n").strip()
        limit = limit or MAX_LENGTH.get(key, MAX_LENGTH["title"])
        if len(value) > limit:
            shorter = {
                "title": "shorten it; the details belong in description",
                "description": "shorten it; link to the full text with url or sources",
            }.get(key, "shorten it")
            self.fail(key, f"{key} is {len(value):,} characters; the limit is {limit:,}", shorter)
            return None
        if (SUSPECT_IN_MULTILINE_TEXT if multiline else SUSPECT_IN_TEXT).search(value) is None:
            return value  # the common case: one search, no call
        problem = text_problem(key, value, multiline=multiline)
        if problem is not None:
            self.fail(key, *problem)
            return None
        return value

    def url(self, key: str) -> str | None:
        value = self.string(key, example='"https://…"')
        if value is None:
            return None
        text = value.strip()
        if len(text) > MAX_LENGTH["url"]:
            self.fail(
                key,
                f"{key} is {len(text):,} characters; the limit is {MAX_LENGTH['url']:,}",
                "use a shorter link (e.g. without tracking parameters after ?)",
            )
            return None
        if hidden_in_url(text):
            self.fail(
                key,
                f"{key} {shown(text)} contains a space or an invisible character",
                "remove it; inside an address, write a space as %20",
            )
            return None
        if is_plain_web_url(text):
            return text  # the common case, known valid without urlsplit
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            self.fail(
                key,
                f"{key} {shown(text)} is not a valid web address",
                "copy the address from the browser's address bar",
            )
            return None
        scheme = parts.scheme.lower()
        if not scheme or (scheme not in ("http", "https") and not parts.netloc and "." in scheme):
            self.fail(
                key,
                f"{key} {shown(text)} does not start with https://",
                f'write {key} = "https://{text.removeprefix("//")}"',
            )
            return None
        if scheme not in ("http", "https"):
            self.fail(
                key,
                f"{key} {shown(text)} is not an http(s) URL (it starts with {scheme}:)",
                "link to a web page: the address starts with https:// (or http://)",
            )
            return None
        if not parts.hostname:
            self.fail(
                key,
                f"{key} {shown(text)} has no host name",
                "write the full address, e.g. https://example.org/page",
            )
            return None
        return text

    def choice(self, key: str, kind: type[Status], default: Status) -> Status:
        value = self.string(key, example='"confirmed"')
        if value is None:
            return default
        try:
            return kind(value.strip().lower())
        except ValueError:
            options = [m.value for m in kind]
            self.fail(
                key,
                f"{key} {shown(value)} is not one of {', '.join(options)}",
                did_you_mean(value.lower(), options) or f"use one of {', '.join(options)}",
            )
            return default

    def string_list(self, key: str, example: str) -> list[tuple[int, str]]:
        value = self.table.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            self.fail(
                key,
                f"{key} must be a list in brackets, not a single text",
                f'put it in brackets: {key} = ["{value}"]'
                if '"' not in value and len(value) <= EXCERPT_LENGTH
                else f'write {key} = ["…", "…"]',
            )
            return []
        if not isinstance(value, list):
            self.fail(
                key,
                f"{key} must be a list of texts, not {type_name(value)}",
                f"write {key} = {example}",
            )
            return []
        texts: list[tuple[int, str]] = []
        for position, item in enumerate(value, start=1):
            if isinstance(item, str):
                texts.append((position - 1, item))
                continue
            self.fail(
                key,
                f"item {position} of {key} is {type_name(item)} ({shown(item)}), not text",
                f'put it in double quotes: "{as_written(item, 60)}"'
                if isinstance(item, int | float)
                else f"write {key} = {example}",
                at=(key, position - 1),
            )
        return texts

    def countries(self, key: str) -> tuple[str, ...]:
        known = reference.countries()
        codes: list[str] = []
        for position, code in self.string_list(key, '["JP", "MY"]'):
            if code in known:
                if code not in codes:
                    codes.append(code)
                continue
            self.fail(
                key,
                f"unknown country code {shown(code)}",
                country_hint(code, known),
                at=(key, position),
            )
        return tuple(codes)

    def tags(self, key: str) -> tuple[str, ...]:
        tags: list[str] = []
        limit = MAX_LENGTH["tag"]
        for position, tag in self.string_list(key, '["summit", "trade"]'):
            if len(tag) <= limit and TAG_PATTERN.fullmatch(tag):
                if tag not in tags:
                    tags.append(tag)
                continue
            suggestion = slugify(tag)[:limit].strip("-")
            example = f", e.g. {suggestion!r}" if suggestion else ""
            if len(tag) > limit:
                self.fail(
                    key,
                    f"tag {shown(tag, 80)} is {len(tag)} characters; the limit is {limit}",
                    f"shorten it{example}",
                    at=(key, position),
                )
            else:
                self.fail(
                    key,
                    f"tag {tag!r} is not a lowercase slug",
                    f"use only lowercase letters, digits and hyphens{example}",
                    at=(key, position),
                )
        return tuple(tags)

    def zone(self, key: str) -> str | None:
        name = self.string(key, example='"Asia/Tokyo"')
        if name is None:
            return None
        zones = reference.zone_names()
        if name in zones:
            return name
        usage = "use an IANA zone name such as 'Asia/Tokyo'"
        if not name.strip():
            self.fail(key, f"{key} is empty", f"{usage}, or remove {key}")
            return None
        if re.fullmatch(r"(UTC|GMT)?\s*[+-]\d{1,2}(:?\d{2})?", name.strip().upper()):
            self.fail(
                key,
                f"{key} {name!r} is an offset, not a zone name",
                f"{usage}, or write the offset on the time itself "
                "(start = 2023-12-17T10:00:00+09:00) and remove timezone",
            )
            return None
        by_lower = {z.lower(): z for z in zones}
        by_city = {z.rsplit("/", 1)[-1].lower(): z for z in zones if "/" in z}
        wanted = name.strip().lower()
        guess = (
            by_lower.get(wanted)
            or by_city.get(wanted.replace(" ", "_"))
            or ZONE_ABBREVIATIONS.get(name.strip().upper())
        )
        abbreviation = re.fullmatch(r"[A-Z]{2,5}", name.strip()) is not None
        if guess is not None:
            hint = f"did you mean {guess!r}?"
        else:
            guessed = "" if abbreviation else did_you_mean(name, zones)
            hint = (guessed + " " if guessed else "") + usage
        if abbreviation:
            hint = f"{name.strip()} is an abbreviation, not a zone name; {hint}"
        self.fail(key, f"unknown time zone {shown(name)}", hint)
        return None

    def partial_date(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            if MIN_YEAR <= value.year <= MAX_YEAR:
                return value.isoformat()
        elif isinstance(value, str) and parse_partial_date(value) is not None:
            return value
        guess = suggest_date(value) if isinstance(value, str) else None
        if isinstance(value, datetime):
            guess = value.date().isoformat()
        elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= MAX_YEAR:
            guess = f'"{value}"'
        self.fail(
            key,
            f"{key} {shown(value)} is not a date, 'YYYY-MM' or 'YYYY'",
            f"did you mean {key} = {guess}?"
            if guess
            else f'write e.g. {key} = 2023-12-18, or "2023-12" for a month',
        )
        return None

    def wrong_date_kind(self, key: str, value: object, want: str, example: str) -> None:
        """``key`` is not the date or date-time wanted: say what it is and what to write."""
        spelt = spelt_date(value)
        if spelt is not None:
            self.fail(
                key,
                f"{key} is text in quotes, not a {want}",
                f"remove the quotes: {key} = {toml_date(spelt)}",
            )
        elif isinstance(value, time):
            self.fail(
                key,
                f"{key} is a time of day ({value.isoformat()}) without a day",
                f"write the day, T, then the time: {key} = 2023-12-17T{value.isoformat()}",
            )
        elif isinstance(value, str) and parse_partial_date(value.strip()) is not None:
            self.fail(
                key,
                f"{key} {shown(value)} is a month or a year, but {key} needs a {want}",
                f'for an event known only to the month or year, write date = "{value.strip()}"',
            )
        elif isinstance(value, str) and suggest_date(value):
            self.fail(
                key,
                f"{key} {shown(value)} is not written as a date",
                f"did you mean {key} = {suggest_date(value)}?",
            )
        else:
            self.fail(
                key,
                f"{key} must be a {want}, not {type_name(value)} ({shown(value)})",
                f"write {key} = {example}",
            )
