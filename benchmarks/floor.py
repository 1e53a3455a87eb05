"""The floor: the least work a tool of asean-timeline's shape must do.

    python benchmarks/floor.py FILE --out DIR [--no-subcalendars]

It writes the same set of files as ``asean-timeline render`` (events.ics,
timeline.md, feed.json, events.csv and, unless --no-subcalendars, one calendar per country
and per tag under calendars/) with roughly the same content per event, but:

* it parses with the fastest TOML parser installed (rtoml, else tomllib) and
  validates nothing: the input is trusted to be what generate.py writes;
* the .ics is plain string formatting: TEXT escaping and folding at 75 octets,
  all-day DTSTART/DTEND for dates, TZID= local times with a fixed VTIMEZONE
  per zone, UTC for fixed offsets; no revisions (SEQUENCE 0, a fixed DTSTAMP);
* each VEVENT is formatted once and the sub-calendars are joined from those
  blocks, grouped in a single pass over the events;
* Markdown is one regex for escaping, JSON is orjson on plain dicts (the raw
  TOML table is the feed's extension object), CSV is the csv module on the
  raw values (with the formula guard);
* each file is written once with a plain write, no temporary file or fsync,
  and dropped before the next is built;
* the cyclic garbage collector is off: nothing here makes reference cycles,
  and with millions of live objects its full collections are what make a
  Python tool slower per event as the input grows.

It is a lower bound for the wall time and the memory of such a tool, not a
correct renderer: RRULEs are copied, never expanded, and nothing is checked.
"""

from __future__ import annotations

import argparse
import csv
import gc
import html
import io
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson


def parse(text: str, parser: str = "auto") -> tuple[dict[str, Any], str]:
    """The TOML document and the parser used: rtoml if installed (or asked for), else tomllib."""
    if parser in ("auto", "rtoml"):
        try:
            import rtoml
        except ImportError:
            if parser == "rtoml":
                raise
        else:
            return rtoml.loads(text), "rtoml"
    import tomllib

    return tomllib.loads(text), "tomllib"


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
STAMP = "20231217T000000Z"

# Fixed VTIMEZONEs (current rules): a floor may ship them as constants.
VTIMEZONES = {
    "Asia/Tokyo": (
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
    "Europe/Berlin": (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nDTSTART:19810329T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        "TZNAME:CEST\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nDTSTART:19961027T030000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        "TZNAME:CET\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    ),
    "America/New_York": (
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\n"
        "DTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
        "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"
        "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
}


def escape_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    if len(line) <= 75 and line.isascii():
        return line + "\r\n"
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    pieces = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode() + "\r\n"


def _ymd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _hms(moment: datetime) -> str:
    return f"{_ymd(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


def _duration(text: str) -> timedelta:
    found = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", text)
    assert found is not None, text
    days, hours, minutes = (int(g or 0) for g in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


class Event:
    """The few derived values every output needs, computed once per event."""

    __slots__ = ("first", "lines", "phrase", "sort", "table", "zone")

    def __init__(self, table: dict[str, Any], default_zone: str) -> None:
        self.table = table
        value = table.get("date")
        start = table.get("start")
        lines: list[str]
        self.zone: str | None = None
        if isinstance(value, str):
            year = int(value[:4])
            month = int(value[5:7]) if len(value) > 4 else 1
            first = date(year, month, 1)
            self.phrase = f"{MONTHS[month - 1]} {year}" if len(value) > 4 else str(year)
            lines = [f"DTSTART;VALUE=DATE:{_ymd(first)}", f"DTEND;VALUE=DATE:{_ymd(first)}"]
            rank = 0 if len(value) == 4 else 1
        elif "between" in table or (isinstance(start, date) and not isinstance(start, datetime)):
            first, last = table["between"] if "between" in table else (start, table["end"])
            self.phrase = f"{first.day} {MONTHS[first.month - 1]} – {last.day} {last.year}"
            lines = [
                f"DTSTART;VALUE=DATE:{_ymd(first)}",
                f"DTEND;VALUE=DATE:{_ymd(last + timedelta(days=1))}",
            ]
            rank = 2 if "between" in table else 3
        elif value is not None:
            first = value
            self.phrase = f"{first.day} {MONTHS[first.month - 1]} {first.year}"
            lines = [
                f"DTSTART;VALUE=DATE:{_ymd(first)}",
                f"DTEND;VALUE=DATE:{_ymd(first + timedelta(days=1))}",
            ]
            rank = 3
        else:
            assert isinstance(start, datetime)
            end = table.get("end")
            if end is None and "duration" in table:
                end = start + _duration(table["duration"])
            first = start.date()
            self.phrase = f"{first.day} {MONTHS[first.month - 1]} {first.year}, {start:%H:%M}"
            if start.tzinfo is None:
                zone = self.zone = table.get("timezone", default_zone)
                lines = [f"DTSTART;TZID={zone}:{_hms(start)}"]
                if end is not None:
                    lines.append(f"DTEND;TZID={zone}:{_hms(end)}")
            else:
                lines = [f"DTSTART:{_hms(start.astimezone(UTC))}Z"]
                if end is not None:
                    lines.append(f"DTEND:{_hms(end.astimezone(UTC))}Z")
            rank = 4
        if "rrule" in table:
            lines.append(f"RRULE:{table['rrule']}")
        self.first = first
        self.sort = (first, rank, table["id"])
        self.lines = lines


def description(event: Event) -> str:
    table = event.table
    parts = [f"Date: {event.phrase}", "", table.get("description", ""), ""]
    if "location" in table:
        parts.append(f"Where: {table['location']}")
    parts.append("Countries: " + ", ".join(table.get("countries", ())))
    parts.append("Tags: " + ", ".join(table.get("tags", ())))
    parts.append("Sources:")
    for source in table.get("sources", ()):
        parts.append(f"- {source.get('publisher', '')}: {source.get('title', '')}")
    return "\n".join(parts)


def vevent(event: Event, domain: str) -> str:
    table = event.table
    lines = [
        "BEGIN:VEVENT",
        f"UID:{table['id']}@{domain}",
        f"DTSTAMP:{STAMP}",
        "SEQUENCE:0",
        *event.lines,
        "SUMMARY:" + escape_text(table["title"]),
        "DESCRIPTION:" + escape_text(description(event)),
    ]
    if "location" in table:
        lines.append("LOCATION:" + escape_text(table["location"]))
    if "tags" in table:
        lines.append("CATEGORIES:" + ",".join(table["tags"]))
    if "url" in table:
        lines.append("URL;VALUE=URI:" + table["url"])
    lines.append("STATUS:" + table.get("status", "confirmed").upper())
    lines.append("TRANSP:TRANSPARENT")
    lines.append("END:VEVENT")
    return "".join(fold(line) for line in lines)


def calendar(title: str, zones: str, blocks: list[str]) -> bytes:
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//floor//EN\r\nMETHOD:PUBLISH\r\n"
        + fold("X-WR-CALNAME:" + escape_text(title))
        + zones
    )
    return (head + "".join(blocks) + "END:VCALENDAR\r\n").encode()


_MD = re.compile(r"([\\`*_{}\[\]()<>#|~!&$@])")


def md(text: str) -> str:
    return _MD.sub(r"\\\1", " ".join(text.split()))


def markdown(title: str, events: list[Event]) -> bytes:
    out = [f"# {md(title)}", ""]
    year = month = None
    for event in events:
        first = event.first
        if first.year != year:
            year, month = first.year, None
            out += [f"## {year}", ""]
        if first.month != month:
            month = first.month
            out += [f"### {MONTHS[month - 1]} {year}", ""]
        table = event.table
        out.append(f"- **{event.phrase}** — {md(table['title'])}\\")
        facts = [md(table.get("location", "")), *table.get("countries", ()), *table["tags"]]
        out.append("  " + " · ".join(facts))
        out += ["", "  " + md(table.get("description", ""))]
        sources = (md(s.get("publisher", "")) + f" <{s.get('url', '')}>" for s in table["sources"])
        out += ["", "  Sources: " + "; ".join(sources), ""]
    return ("\n".join(out) + "\n").encode()


def feed(info: dict[str, Any], events: list[Event], domain: str) -> bytes:
    items = []
    for event in events:
        table = event.table
        text = description(event)
        items.append(
            {
                "id": f"{table['id']}@{domain}",
                "title": table["title"],
                "summary": f"{event.phrase}: {table['title']}",
                "content_text": text,
                "content_html": "<p>" + html.escape(text).replace("\n", "<br>") + "</p>",
                "date_published": "2023-12-17T00:00:00Z",
                "tags": table.get("tags", []),
                "_asean_timeline": table,
            }
        )
    document = {"version": "https://jsonfeed.org/version/1.1", "title": info["title"]}
    document["items"] = items
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


CSV_COLUMNS = ("id", "title", "date", "start", "end", "timezone", "status", "location")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def spreadsheet(events: list[Event]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow((*CSV_COLUMNS, "countries", "tags", "url", "sources", "description", "rrule"))
    for event in events:
        table = event.table
        row = [_cell(table.get(key)) for key in CSV_COLUMNS]
        row.append(", ".join(table.get("countries", ())))
        row.append(", ".join(table.get("tags", ())))
        row.append(_cell(table.get("url")))
        row.append(orjson.dumps(table.get("sources", [])).decode())
        row.append(_cell(table.get("description")))
        row.append(table.get("rrule", ""))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def render(path: Path, out: Path, *, subcalendars: bool = True, parser: str = "auto") -> str:
    """Write the outputs; return what was done, for the message."""
    data, used = parse(path.read_text(encoding="utf-8"), parser)
    info = data["calendar"]
    domain = info.get("uid_domain", "floor")
    default_zone = info.get("timezone", "UTC")
    events = sorted((Event(t, default_zone) for t in data.get("events", [])), key=lambda e: e.sort)
    zone_names = sorted({e.zone for e in events if e.zone is not None})
    zones = "".join(VTIMEZONES.get(name, "") for name in zone_names)
    blocks = [vevent(event, domain) for event in events]
    out.mkdir(parents=True, exist_ok=True)
    (out / "events.ics").write_bytes(calendar(info["title"], zones, blocks))
    (out / "timeline.md").write_bytes(markdown(info["title"], events))
    (out / "feed.json").write_bytes(feed(info, events, domain))
    (out / "events.csv").write_bytes(spreadsheet(events))
    written = 4
    if subcalendars:
        groups: dict[str, list[str]] = {}
        for event, block in zip(events, blocks, strict=True):
            for code in event.table.get("countries", ()):
                groups.setdefault(f"countries/{code}", []).append(block)
            for tag in event.table.get("tags", ()):
                groups.setdefault(f"tags/{tag}", []).append(block)
        for folder in ("countries", "tags"):
            (out / "calendars" / folder).mkdir(parents=True, exist_ok=True)
        for name, selected in sorted(groups.items()):
            title = f"{info['title']}: {name.split('/')[1]}"
            (out / "calendars" / f"{name}.ics").write_bytes(calendar(title, zones, selected))
            written += 1
    return f"{len(events)} events, {written} files, parsed with {used}"


def main(argv: list[str] | None = None) -> int:
    gc.disable()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-subcalendars", dest="subcalendars", action="store_false")
    parser.add_argument("--parser", choices=("auto", "rtoml", "tomllib"), default="auto")
    args = parser.parse_args(argv)
    done = render(args.file, args.out, subcalendars=args.subcalendars, parser=args.parser)
    print(f"floor: {done}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
