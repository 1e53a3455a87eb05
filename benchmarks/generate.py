"""Generate a realistic, deterministic timeline of any size for the benchmarks.

    python benchmarks/generate.py 10000 -o /tmp/t10k.toml [--yaml /tmp/t10k.yaml] [--seed N]

The same seed and size always give the same bytes, and event ``i`` does not
depend on the size (each event has its own seeded generator), so the 1,000-event
file is the first 1,000 events of the 10,000-event one.

What the events look like (see README "The file format"):

* every date form, in roughly the mix a curated timeline has: a year ("2009"),
  a month ("2023-04"), a day, a day range (start/end dates), an unknown day in
  a window (``between``), a local time with or without ``timezone``
  (Asia/Tokyo, Europe/Berlin, America/New_York; the calendar default is
  Asia/Tokyo) ending by ``duration`` or ``end``, a time at a fixed UTC offset,
  and ~2% finite recurrences (RRULE with COUNT or UNTIL, some with exdates);
* about ten fields per event: id, title, the date keys, location, countries
  (ASEAN members plus JP, CN, US), tags (from a pool of 30 slugs), a one- to
  three-paragraph description, status, sometimes a url, and one or two sources
  with http(s) URLs;
* non-ASCII text throughout: Japanese, Thai, Vietnamese, emoji, and the
  characters that need escaping in iCalendar (``,`` ``;`` ``\\``) and Markdown.

Local times fall between 08:00 and 19:00, so none lands in a daylight-saving
gap (an error) or overlap (a warning per event): the file validates with no
problem at all, and a render prints nothing but its summary line.

The YAML output (``--yaml``) is the same events for yaml2ics 0.3, whose format
is ``name``, ``timezone`` and a list of ``events`` with the keyword arguments of
``ics.Event`` plus ``timezone`` and ``repeat``. yaml2ics has no notion of
precision, so our date forms map as closely as it allows:

=================  ============================================================
ours               yaml2ics
=================  ============================================================
year "2009"        ``begin: 2009-01-01`` (no end: an all-day event on 1 January)
month "2023-04"    ``begin: 2023-04-01`` (all-day on the 1st)
day                ``begin: <day>`` (all-day)
day range          ``begin: <first>``, ``end: <last + 1 day>``: yaml2ics makes
                   any event with an end a timed one, so this becomes midnight
                   to midnight in the calendar's zone, not an all-day span
between [a, b]     as a day range from a to b
local time + zone  ``begin: <naive datetime>``, ``timezone: <zone>`` (or the
                   calendar's), ``duration: {hours/minutes/days}`` or ``end``
fixed offset       ``begin: <datetime with offset>`` (yaml2ics writes a TZID
                   named after the offset), ``end``/``duration`` likewise
rrule COUNT/UNTIL  ``repeat: {interval: {<freq>: <interval>}, until: <last
                   occurrence's day>}`` (yaml2ics takes UNTIL only, so COUNT
                   is turned into the day of the last occurrence)
exdates            ``repeat.except_on``
title              ``summary``, with our calendar wording for uncertain dates
                   and status ("Tentative: …", "… (sometime in April 2023)")
description        ``description``: our description preceded by the date and
                   followed by countries, tags and sources, as in our .ics
tags               ``categories``
status, url, …     ``status``, ``url``, ``location``, ``transparent: true``,
                   ``uid: <id>@<uid_domain>``
=================  ============================================================
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

DEFAULT_SEED = 20231217
DEFAULT_ZONE = "Asia/Tokyo"
ZONES = ("Asia/Tokyo", "Europe/Berlin", "America/New_York")
UID_DOMAIN = "bench.asean-timeline.example.org"

ASEAN = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")
COUNTRIES = (*ASEAN, "JP", "CN", "US")
COUNTRY_NAMES = {
    "BN": "Brunei",
    "KH": "Cambodia",
    "ID": "Indonesia",
    "LA": "Laos",
    "MY": "Malaysia",
    "MM": "Myanmar",
    "PH": "Philippines",
    "SG": "Singapore",
    "TH": "Thailand",
    "VN": "Vietnam",
    "JP": "Japan",
    "CN": "China",
    "US": "the United States",
}
TAGS = (
    "summit",
    "maritime-security",
    "osa",
    "defense-cooperation",
    "trade",
    "china",
    "bilateral",
    "asean",
    "50th-anniversary",
    "south-china-sea",
    "coast-guard",
    "investment",
    "energy",
    "climate",
    "disaster-relief",
    "humanitarian",
    "cyber",
    "infrastructure",
    "connectivity",
    "fisheries",
    "semiconductors",
    "supply-chains",
    "education",
    "health",
    "tourism",
    "human-rights",
    "myanmar-crisis",
    "digital-economy",
    "culture",
    "rule-of-law",
)
LOCATIONS = (
    "Tokyo, Japan",
    "東京・首相官邸",
    "Bangkok (กรุงเทพมหานคร), Thailand",
    "Jakarta, Indonesia",
    "Hà Nội, Việt Nam",
    "Manila, Philippines",
    "Phnom Penh, Cambodia",
    "Vientiane, Laos",
    "Kuala Lumpur, Malaysia",
    "Singapore",
    "Naypyidaw, Myanmar",
    "Bandar Seri Begawan, Brunei",
    "Washington, D.C., United States",
    "Beijing (北京), China",
    "Berlin, Germany",
    "New York; UN Headquarters",
    "Online 💻",
)
MEETINGS = (
    "summit",
    "foreign ministers' meeting",
    "defence ministers' talks",
    "joint coast guard exercise",
    "trade agreement signing",
    "strategic dialogue",
    "state visit",
    "investment forum",
    "working-level consultations",
    "leaders' phone call",
)
TITLES_JA = (
    "日ASEAN首脳会議",
    "日・マレーシア首脳会談",
    "政府安全保障能力強化支援（OSA）の署名式",
    "南シナ海に関する外相共同声明",
    "日本・フィリピン円借款の調印",
)
TITLES_TH = (
    "การประชุมสุดยอดอาเซียน",
    "การเยือนอย่างเป็นทางการของนายกรัฐมนตรีญี่ปุ่น",
    "ความร่วมมือด้านความมั่นคงทางทะเล",
)
EMOJI = ("🤝", "🚢", "🌏", "📜", "⚓", "🇯🇵", "🇹🇭", "🇲🇾", "✈️", "🛰️")
SENTENCES = (
    "Leaders adopt a joint vision statement on peace, stability and prosperity in the region.",
    "The ministers agree to step up cooperation on maritime domain awareness; details are to "
    "follow in a working-level meeting.",
    "According to the Foreign Ministry, the package is worth 400 million yen ($2.8 million), "
    "covering rescue boats, surveillance drones and training.",
    "Officials describe the talks as “frank and constructive”, with a follow-up expected "
    "within the year.",
    "The statement calls for a rules-based order, freedom of navigation and overflight, and "
    "the peaceful settlement of disputes under UNCLOS.",
    "Trade in goods passed $700 billion, far more than with either partner; the data come "
    "from the ASEAN Secretariat.",
    "両首脳は、法の支配に基づく自由で開かれた国際秩序を維持・強化することで一致した。",
    "会談では海洋安全保障、経済安全保障、エネルギー協力について意見交換が行われた。",
    "ทั้งสองฝ่ายเห็นพ้องที่จะกระชับความร่วมมือด้านความมั่นคงทางทะเลและการค้า",
    "Hai bên nhất trí tăng cường hợp tác về an ninh hàng hải và chuyển đổi số.",
    "Observers note the timing: the meeting comes a week after a stand-off near the Second "
    "Thomas Shoal. 🚢",
    "A path with a backslash (C:\\ASEAN\\2023) and a semicolon; both must survive escaping.",
    "Markdown characters such as *stars*, _underscores_, [brackets] and <angle> brackets "
    "stay literal text.",
    "No date is given for the follow-up, so none is recorded here.",
)
PUBLISHERS = (
    "Kyodo News",
    "共同通信",
    "Ministry of Foreign Affairs of Japan",
    "ASEAN Secretariat",
    "Bangkok Post",
    "The Straits Times",
    "VnExpress",
    "Reuters",
)
HOSTS = (
    "https://english.kyodonews.net/news/",
    "https://www.mofa.go.jp/region/asia-paci/",
    "https://asean.org/",
    "https://www.bangkokpost.com/world/",
    "http://www.straitstimes.com/asia/",
    "https://e.vnexpress.net/news/world/",
)
OFFSETS = ("+09:00", "+08:00", "+07:00", "+05:30", "-05:00", "+00:00")
FREQ_KEY = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}


def _year(rng: random.Random) -> int:
    """Mostly recent years, some going back to ASEAN's founding."""
    if rng.random() < 0.75:
        return rng.randint(2010, 2026)
    return rng.randint(1967, 2009)


def _day(rng: random.Random) -> date:
    year = _year(rng)
    month = rng.randint(1, 12)
    return date(year, month, rng.randint(1, 28))


def _slug(text: str) -> str:
    out = []
    for char in text.lower():
        if "a" <= char <= "z" or "0" <= char <= "9":
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "event"


def _title(rng: random.Random, countries: list[str]) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(TITLES_JA) + (f" {rng.choice(EMOJI)}" if rng.random() < 0.3 else "")
    if roll < 0.22:
        return rng.choice(TITLES_TH)
    names = [COUNTRY_NAMES[c] for c in countries[:2]]
    who = "–".join(names) if len(names) == 2 else names[0]
    title = f"{who} {rng.choice(MEETINGS)}"
    title = title[0].upper() + title[1:]
    if rng.random() < 0.1:
        title += f" {rng.choice(EMOJI)}"
    return title


def _description(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        paragraphs.append(" ".join(rng.sample(SENTENCES, rng.choice((1, 1, 2)))))
    return "\n\n".join(paragraphs)


def _sources(rng: random.Random, year: int) -> list[dict[str, Any]]:
    sources = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        source: dict[str, Any] = {"publisher": rng.choice(PUBLISHERS)}
        if rng.random() < 0.6:
            source["title"] = rng.choice(SENTENCES)[:80].rstrip()
        if rng.random() < 0.85:
            source["url"] = f"{rng.choice(HOSTS)}{year}/{rng.randrange(16**8):08x}.html"
        if rng.random() < 0.7:
            source["published"] = f"{min(year, 2026):04d}-{rng.randint(1, 12):02d}"
        sources.append(source)
    return sources


def _when(rng: random.Random) -> dict[str, Any]:
    """The date keys of one event (``date``/``start``/``end``/``between``/…)."""
    roll = rng.random()
    if roll < 0.05:
        return {"date": f"{_year(rng):04d}"}
    if roll < 0.15:
        return {"date": f"{_year(rng):04d}-{rng.randint(1, 12):02d}"}
    if roll < 0.53:
        return {"date": _day(rng)}
    if roll < 0.63:
        first = _day(rng)
        return {"start": first, "end": first + timedelta(days=rng.randint(1, 6))}
    if roll < 0.68:
        first = _day(rng)
        return {"between": [first, first + timedelta(days=rng.randint(1, 9))]}
    if roll < 0.90:
        day = _day(rng)
        start = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.choice((0, 30)))
        keys: dict[str, Any] = {"start": start}
        if rng.random() < 0.75:
            keys["timezone"] = rng.choice(ZONES)
        _add_end(rng, keys, start)
        return keys
    day = _day(rng)
    offset = rng.choice(OFFSETS)
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    sign = -1 if offset[0] == "-" else 1
    tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    start = datetime(day.year, day.month, day.day, rng.randint(8, 16), 0, tzinfo=tz)
    keys = {"start": start}
    _add_end(rng, keys, start)
    return keys


def _add_end(rng: random.Random, keys: dict[str, Any], start: datetime) -> None:
    roll = rng.random()
    if roll < 0.45:
        keys["duration"] = rng.choice(("PT1H", "PT2H", "PT1H30M", "PT3H", "P1DT2H"))
    elif roll < 0.85:
        keys["end"] = start + timedelta(hours=rng.randint(1, 3), minutes=rng.choice((0, 30)))


def _recurring(rng: random.Random) -> dict[str, Any]:
    """A finite recurrence on a day, a day range or a local time."""
    roll = rng.random()
    if roll < 0.45:
        day = _day(rng)
        count = rng.randint(3, 12)
        keys: dict[str, Any] = {"date": day, "rrule": f"FREQ=YEARLY;COUNT={count}"}
        if rng.random() < 0.5:
            keys["exdates"] = [day.replace(year=day.year + rng.randint(1, count - 1))]
        return keys
    if roll < 0.65:
        first = _day(rng)
        return {
            "start": first,
            "end": first + timedelta(days=rng.randint(1, 3)),
            "rrule": f"FREQ=YEARLY;UNTIL={first.year + rng.randint(2, 8):04d}1231",
        }
    day = _day(rng)
    start = datetime(day.year, day.month, day.day, rng.randint(9, 17), 0)
    freq = rng.choice(("WEEKLY", "MONTHLY"))
    count = rng.randint(4, 20)
    keys = {
        "start": start,
        "timezone": rng.choice(ZONES),
        "duration": rng.choice(("PT1H", "PT2H")),
        "rrule": f"FREQ={freq};INTERVAL={rng.choice((1, 2))};COUNT={count}",
    }
    if freq == "WEEKLY" and rng.random() < 0.6:
        keys["exdates"] = [start + timedelta(weeks=2 * rng.randint(1, count // 2 - 1))]
    return keys


def event(index: int, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Event number ``index`` as TOML-ready Python values, keys in the order written."""
    rng = random.Random(f"{seed}:{index}")
    countries = rng.sample(COUNTRIES, rng.choice((1, 1, 2, 2, 3)))
    title = _title(rng, countries)
    when = _recurring(rng) if rng.random() < 0.02 else _when(rng)
    first = when.get("date") or when.get("start") or when["between"][0]
    year = int(first[:4]) if isinstance(first, str) else first.year
    keys: dict[str, Any] = {
        "id": f"{_slug(title) if title.isascii() else 'event'}-{index:06d}",
        "title": title,
        **when,
    }
    keys["location"] = rng.choice(LOCATIONS)
    keys["countries"] = countries
    keys["tags"] = rng.sample(TAGS, rng.randint(1, 4))
    keys["description"] = _description(rng)
    status_roll = rng.random()
    if status_roll < 0.05:
        keys["status"] = "cancelled"
    elif status_roll < 0.15:
        keys["status"] = "tentative"
    if rng.random() < 0.3:
        keys["url"] = f"https://example.org/asean/{year}/{index}?lang=en&ref=bench"
    keys["sources"] = _sources(rng, year)
    return keys


def events(count: int, seed: int = DEFAULT_SEED) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield event(index, seed)


CALENDAR = {
    "title": "ASEAN relations: benchmark timeline",
    "description": "Generated by benchmarks/generate.py: realistic, deterministic, not real.",
    "timezone": DEFAULT_ZONE,
    "url": "https://example.org/asean-timeline/",
    "uid_domain": UID_DOMAIN,
}


# -- TOML ----------------------------------------------------------------------


def _toml_string(text: str) -> str:
    # JSON's escapes (\" \\ \n \t \uXXXX) are all valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def _toml_multiline(text: str) -> str:
    """A multi-line basic string, as people write descriptions by hand."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"""\n{body}"""'


def toml_lines(count: int, seed: int = DEFAULT_SEED) -> Iterator[str]:
    yield f"# Generated by benchmarks/generate.py: {count} events, seed {seed}."
    yield "[calendar]"
    for key, value in CALENDAR.items():
        yield f"{key} = {_toml_value(value)}"
    for keys in events(count, seed):
        yield ""
        yield "[[events]]"
        for key, value in keys.items():
            if key == "description" and "\n" in value:
                yield f"{key} = {_toml_multiline(value)}"
            else:
                yield f"{key} = {_toml_value(value)}"


def write_toml(path: Path, count: int, seed: int = DEFAULT_SEED) -> None:
    path.write_text("\n".join(toml_lines(count, seed)) + "\n", encoding="utf-8")


# -- YAML for yaml2ics -------------------------------------------------------------


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


def _month_name(month: int) -> str:
    return MONTHS[month - 1]


def _summary(keys: dict[str, Any]) -> str:
    summary = keys["title"]
    value = keys.get("date")
    if isinstance(value, str):
        note = value if len(value) == 4 else f"{_month_name(int(value[5:]))} {value[:4]}"
        summary += f" (sometime in {note})"
    elif "between" in keys:
        first, last = keys["between"]
        summary += f" (one day of {first.isoformat()} – {last.isoformat()})"
    status = keys.get("status")
    if status:
        summary = f"{status.capitalize()}: {summary}"
    return summary


def _yaml_description(keys: dict[str, Any], when: str) -> str:
    parts = [f"Date: {when}", "", keys["description"], ""]
    parts.append(f"Where: {keys['location']}")
    parts.append("Countries: " + ", ".join(COUNTRY_NAMES[c] for c in keys["countries"]))
    parts.append("Tags: " + ", ".join(keys["tags"]))
    parts.append("Sources:")
    for source in keys["sources"]:
        label = ": ".join(v for v in (source.get("publisher"), source.get("title")) if v)
        line = f"- {label}"
        if "published" in source:
            line += f" ({source['published']})"
        if "url" in source:
            line += f" <{source['url']}>"
        parts.append(line)
    return "\n".join(parts)


def _duration(text: str) -> dict[str, int]:
    days = int(text[1 : text.index("D")]) if "D" in text else 0
    clock = text.split("T", 1)[1] if "T" in text else ""
    hours = int(clock.split("H")[0]) if "H" in clock else 0
    minutes = int(clock.split("H")[-1].rstrip("M") or 0) if "M" in clock else 0
    return {k: v for k, v in (("days", days), ("hours", hours), ("minutes", minutes)) if v}


def _last_occurrence(keys: dict[str, Any]) -> date:
    from dateutil.rrule import rrulestr

    start = keys.get("date") or keys["start"]
    dtstart = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())
    last = dtstart
    for last in rrulestr(keys["rrule"], dtstart=dtstart):  # noqa: B007 - want the last one
        pass
    return last.date()


def yaml_event(keys: dict[str, Any]) -> dict[str, Any]:
    """One of our events in yaml2ics's format (see the module docstring)."""
    out: dict[str, Any] = {"summary": _summary(keys), "uid": f"{keys['id']}@{UID_DOMAIN}"}
    value = keys.get("date")
    if isinstance(value, str):
        out["begin"] = date(int(value[:4]), int(value[5:7] or 1) if len(value) > 4 else 1, 1)
        when = value
    elif "between" in keys:
        first, last = keys["between"]
        out["begin"], out["end"] = first, last + timedelta(days=1)
        when = f"one day of {first} – {last}"
    elif value is not None:
        out["begin"] = value
        when = value.isoformat()
    else:
        start = keys["start"]
        out["begin"] = start
        when = start.isoformat()
        if isinstance(start, datetime) and start.tzinfo is None:
            out["timezone"] = keys.get("timezone", DEFAULT_ZONE)
        if "duration" in keys:
            out["duration"] = _duration(keys["duration"])
        elif "end" in keys:
            end = keys["end"]
            out["end"] = end if isinstance(end, datetime) else end + timedelta(days=1)
            when += f" – {end.isoformat()}"
    if "rrule" in keys:
        parts = dict(part.split("=", 1) for part in keys["rrule"].split(";"))
        repeat: dict[str, Any] = {
            "interval": {FREQ_KEY[parts["FREQ"]]: int(parts.get("INTERVAL", 1))},
            "until": _last_occurrence(keys),
        }
        if "exdates" in keys:
            repeat["except_on"] = list(keys["exdates"])
        out["repeat"] = repeat
    out["description"] = _yaml_description(keys, when)
    out["location"] = keys["location"]
    out["categories"] = list(keys["tags"])
    out["status"] = keys.get("status", "confirmed")
    link = keys.get("url") or next((s["url"] for s in keys["sources"] if "url" in s), None)
    if link:
        out["url"] = link
    out["transparent"] = True
    return out


def write_yaml(path: Path, count: int, seed: int = DEFAULT_SEED) -> None:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    document = {
        "name": CALENDAR["title"],
        "timezone": DEFAULT_ZONE,
        "events": [yaml_event(keys) for keys in events(count, seed)],
    }
    with path.open("w", encoding="utf-8") as stream:
        yaml.dump(document, stream, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of events")
    parser.add_argument("-o", "--output", type=Path, help="TOML file to write (default: stdout)")
    parser.add_argument("--yaml", type=Path, help="also write the events as yaml2ics YAML here")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.output is None:
        sys.stdout.writelines(line + "\n" for line in toml_lines(args.count, args.seed))
    else:
        write_toml(args.output, args.count, args.seed)
    if args.yaml is not None:
        write_yaml(args.yaml, args.count, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
