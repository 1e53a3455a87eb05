"""An event's ``sources``: a list of tables, each checked key by key.

A source names who published it (``publisher``) or what it is (``title``), and may
say where it is (``url``), when it was published (``published``: a year, month or
day) and read (``accessed``: a day), where a saved copy is kept (``archived``, made
on ``archived_on``), its ``language`` (BCP 47) and a short ``quote`` that supports
the date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from asean_timeline.model import Day, Source
from asean_timeline.problems import EXCERPT_LENGTH
from asean_timeline.validate.constants import (
    LANGUAGE_PATTERN,
    MAX_LANGUAGE_LENGTH,
    MAX_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    SOURCE_KEYS,
)
from asean_timeline.validate.fields import Getter
from asean_timeline.validate.messages import shown, type_name
from asean_timeline.validate.parsing import parse_partial_date

if TYPE_CHECKING:
    from asean_timeline.scanner import TomlPath
    from asean_timeline.validate.reporting import Reporter


def event_sources(reporter: Reporter, get: Getter, index: int) -> tuple[Source, ...]:
    """The sources of event ``index`` (read through its ``get``), each problem reported."""
    raw = get.value("sources")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        if isinstance(raw, dict):
            hint = "put the source in brackets: sources = [{ … }] (a list, even of one)"
        elif isinstance(raw, str) and len(raw) <= EXCERPT_LENGTH:
            hint = f"write sources = [{{ publisher = {raw!r} }}] (a list of tables)".replace(
                "'", '"'
            )
        else:
            hint = 'write sources = [{ publisher = "…", url = "https://…" }]'
        get.fail("sources", f"sources must be a list of tables, not {type_name(raw)}", hint)
        return ()
    sources: list[Source] = []
    for number, item in enumerate(raw, start=1):
        where: TomlPath = ("events", index, "sources", number - 1)
        if not isinstance(item, dict):
            hint = (
                f'write {{ publisher = "{item}" }} instead'
                if isinstance(item, str) and '"' not in item and len(item) <= EXCERPT_LENGTH
                else 'write { publisher = "…", url = "https://…" }'
            )
            get.fail(
                "sources",
                f"source #{number} must be a table {{ … }}, not {type_name(item)}",
                hint,
                at=where[2:],
            )
            continue
        sub = Getter(
            reporter,
            item,
            where,
            event_id=get.event_id,
            number=get.number,
            field="sources",
            prefix=f"source #{number}: ",
        )
        source = _source(sub, item)
        if source is not None:
            sources.append(source)
    return tuple(sources)


def _source(sub: Getter, item: dict[str, object]) -> Source | None:
    sub.unknown_keys(SOURCE_KEYS, "")
    title = sub.text("title")
    publisher = sub.text("publisher")
    url = sub.url("url")
    published = sub.partial_date("published")
    # Most sources give none of the provenance keys: look them up only when present
    # (validate reads every source of a 10,000-event timeline).
    accessed = _day(sub, "accessed") if "accessed" in item else None
    archived = sub.url("archived") if "archived" in item else None
    archived_on = _day(sub, "archived_on") if "archived_on" in item else None
    language = _language(sub, "language") if "language" in item else None
    quote = sub.text("quote", limit=MAX_LENGTH["quote"]) if "quote" in item else None
    if "archived_on" in item and "archived" not in item:
        sub.fail(
            "archived_on",
            "archived_on is the day of an archived copy, but the source has no archived",
            'add archived = "https://web.archive.org/web/…" (the copy), or remove archived_on',
        )
        return None
    if title is None and publisher is None:
        if "title" not in item and "publisher" not in item and not sub.misspelt:
            sub.fail(
                "sources",
                "the source has neither a title nor a publisher",
                'add publisher = "…" or title = "…"',
                at=(),
            )
        return None
    return Source(
        title,
        publisher,
        url,
        published,
        accessed=accessed,
        archived=archived,
        archived_on=archived_on,
        language=language,
        quote=quote,
    )


def _day(sub: Getter, key: str) -> date | None:
    """A whole day: a TOML date (``2023-12-18``) or the same in quotes."""
    value = sub.value(key)
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return value
        sub.fail(key, f"{key} {value.isoformat()} is outside the years {MIN_YEAR} to {MAX_YEAR}")
        return None
    if isinstance(value, datetime):
        sub.fail(
            key,
            f"{key} is a date and time; {key} is a day",
            f"write {key} = {value.date().isoformat()}",
        )
        return None
    if isinstance(value, str):
        parsed = parse_partial_date(value.strip())
        if isinstance(parsed, Day):
            return parsed.day
        if parsed is not None:
            sub.fail(
                key,
                f"{key} {shown(value)} is a month or a year; {key} is the day",
                f"write the day, e.g. {key} = {value.strip()}{'-01' * (3 - len(value.split('-')))}",
            )
            return None
    sub.wrong_date_kind(key, value, "date", "2023-12-18")
    return None


def _language(sub: Getter, key: str) -> str | None:
    value = sub.string(key, example='"en"')
    if value is None:
        return None
    if not LANGUAGE_PATTERN.fullmatch(value) or len(value) > MAX_LANGUAGE_LENGTH:
        sub.fail(
            key,
            f"{key} {shown(value)} is not a BCP 47 language tag",
            "write a short code such as 'en' (English), 'ja' (Japanese), 'id' (Indonesian) "
            "or 'zh-Hant'",
        )
        return None
    return value
