"""Guesses at what the writer meant, offered in the hints of problems.

"Did you mean …?" for misspelt keys and choices; a slug for a bad id or tag; the TOML
date for a day written another way ("17 Dec 2023"); the ISO 8601 duration for one
written in words ("2 hours"); the ISO code for a country written as a name or an
alpha-3 code; and the zone names behind common zone abbreviations.

Each is called by the check that finds the problem, to word its hint there. They run
only for a problem, so ``difflib`` and ``unicodedata`` are imported by the functions that
use them: validating a valid file loads neither (start-up time). Text longer than a key
or a word could be (a pasted paragraph, a 50 MB line) gets no guess: comparing it would
only be slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache

from asean_timeline import reference
from asean_timeline.model import date_mistake
from asean_timeline.validate.parsing import parse_duration

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DURATION_UNITS = {
    **dict.fromkeys(("w", "week", "weeks"), "W"),
    **dict.fromkeys(("d", "day", "days"), "D"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "H"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "M"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "S"),
}


#: Two-letter codes people write that ISO 3166-1 spells otherwise.
_CODE_ALIASES = {"UK": "GB", "EL": "GR"}
#: Three-letter (alpha-3) codes of the region this tool is for, and its usual partners.
_ALPHA_3 = {
    "AUS": "AU",
    "BRN": "BN",
    "CAN": "CA",
    "CHN": "CN",
    "DEU": "DE",
    "FRA": "FR",
    "GBR": "GB",
    "HKG": "HK",
    "IDN": "ID",
    "IND": "IN",
    "JPN": "JP",
    "KHM": "KH",
    "KOR": "KR",
    "LAO": "LA",
    "MMR": "MM",
    "MYS": "MY",
    "NZL": "NZ",
    "PHL": "PH",
    "PNG": "PG",
    "PRK": "KP",
    "RUS": "RU",
    "SGP": "SG",
    "THA": "TH",
    "TLS": "TL",
    "TWN": "TW",
    "USA": "US",
    "VNM": "VN",
}
#: Country names people write that differ from the zone database's short names.
_NAME_ALIASES = {
    "america": "US",
    "usa": "US",
    "unitedstatesofamerica": "US",
    "unitedkingdom": "GB",
    "greatbritain": "GB",
    "england": "GB",
    "southkorea": "KR",
    "korea": "KR",
    "republicofkorea": "KR",
    "northkorea": "KP",
    "vietnam": "VN",
    "timorleste": "TL",
    "laopdr": "LA",
    "bruneidarussalam": "BN",
    "czechrepublic": "CZ",
}
#: Zone abbreviations people write for the zones of this region.
ZONE_ABBREVIATIONS = {
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore",
    "ICT": "Asia/Bangkok",
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
    "MYT": "Asia/Kuala_Lumpur",
    "PHT": "Asia/Manila",
    "PHST": "Asia/Manila",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland",
    "CEST": "Europe/Berlin",
    "BST": "Europe/London",
}


def slugify(text: str) -> str:
    """A lowercase ASCII slug: the suggestion offered for a bad id or tag."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _ascii(text: str) -> str:
    """``text`` without its accents, and without what has no ASCII form."""
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


#: Longer text than this is not a misspelling of anything: it gets no guess (and no slow one).
_MAX_GUESSED = 100


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one of ``choices`` that ``word`` most looks like a misspelling of, if any."""
    matches = _close_matches(word, choices, 1)
    return matches[0] if matches else None


def _close_matches(word: str, choices: Iterable[str], n: int) -> list[str]:
    if len(word) > _MAX_GUESSED:
        return []
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """``did you mean 'x'?`` (or ``'x' or 'y'`` for ``n`` = 2), or "" if nothing is close."""
    matches = _close_matches(word, choices, n)
    return f"did you mean {' or '.join(repr(m) for m in matches)}?" if matches else ""


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def suggest_date(text: str) -> str | None:
    """The TOML for a day or month written another way ("17 Dec 2023" → 2023-12-17)."""
    text = text.strip()
    if len(text) > _MAX_GUESSED:
        return None
    found = re.fullmatch(r"(\d{4})[/. ](\d{1,2})[/. ](\d{1,2})|(\d{4})(\d{2})(\d{2})", text)
    if found:
        y, m, d = (int(g) for g in (found.groups()[:3] if found.group(1) else found.groups()[3:]))
        return date(y, m, d).isoformat() if date_mistake(y, m, d) is None else None
    found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if found:
        first, second, y = (int(g) for g in found.groups())
        if first > 12 >= second and date_mistake(y, second, first) is None:
            return date(y, second, first).isoformat()
        if second > 12 >= first and date_mistake(y, first, second) is None:
            return date(y, first, second).isoformat()
        return None
    found = re.fullmatch(r"(\d{4})[/.](\d{1,2})", text)
    if found and 1 <= int(found.group(2)) <= 12:
        return f'"{found.group(1)}-{int(found.group(2)):02d}"'
    words = re.findall(r"[A-Za-z]+\.?|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    months = [m for w in words if not w.isdigit() for m in [_month_number(w)] if m]
    others = [w for w in words if not w.isdigit() and not _month_number(w)]
    others = [w for w in others if w.lower() not in ("st", "nd", "rd", "th", "of")]
    if len(months) != 1 or others:
        return None
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if 1 <= n <= 31]
    if len(years) != 1:
        return None
    if len(numbers) == 1:
        return f'"{years[0]}-{months[0]:02d}"'
    if len(numbers) == 2 and len(days) == 1 and not date_mistake(years[0], months[0], days[0]):
        return date(years[0], months[0], days[0]).isoformat()
    return None


def suggest_duration(text: str) -> str | None:
    """The ISO 8601 duration for one written another way ("2 hours" → PT2H)."""
    cleaned = text.strip().lower()
    if len(cleaned) > _MAX_GUESSED:
        return None
    if parse_duration(cleaned.upper()):
        return cleaned.upper()
    if re.fullmatch(r"\d+[hm]", cleaned):
        return f"PT{cleaned.upper()}"
    found = re.fullmatch(r"(\d+):(\d{2})", cleaned)
    if found:
        hours, minutes = int(found.group(1)), int(found.group(2))
        return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    tokens = re.findall(r"(\d+)\s*([a-z]+)", cleaned)
    if not tokens or re.sub(r"\d+\s*[a-z]+|\band\b|[,\s]", "", cleaned):
        return None
    found_units: dict[str, int] = {}
    for number, word in tokens:
        unit = _DURATION_UNITS.get(word)
        if unit is None or unit in found_units:
            return None
        found_units[unit] = int(number)
    days = "".join(f"{found_units[u]}{u}" for u in "WD" if u in found_units)
    times = "".join(f"{found_units[u]}{u}" for u in "HMS" if u in found_units)
    suggestion = "P" + days + (f"T{times}" if times else "")
    return suggestion if parse_duration(suggestion) else None


def country_hint(code: str, known: dict[str, str]) -> str:
    usage = "use two-letter ISO 3166-1 codes such as 'JP' or 'MY'"
    if len(code) > _MAX_GUESSED:
        return f"{usage} (list: https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2)"
    upper = code.strip().upper()
    guess = _CODE_ALIASES.get(upper) or _ALPHA_3.get(upper)
    if guess is None and upper in known:
        guess = upper
    if guess is not None and guess in known:
        return f"did you mean {guess!r} ({known[guess]})? {usage}"
    names = _country_names()
    letters = _letters(code)
    guess = names.get(letters)
    if guess is None and len(letters) > 3:
        import difflib

        close = difflib.get_close_matches(letters, list(names), n=1, cutoff=0.8)
        guess = names[close[0]] if close else None
    if guess is not None:
        return f"did you mean {guess!r}? {usage}"
    if len(upper) == 3 and upper.isalpha():
        return f"{code!r} looks like a three-letter code; {usage}"
    return f"{usage} (list: https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2)"


@cache
def _country_names() -> dict[str, str]:
    """Normalised country name (and each part of names like "Korea (South)") → code."""
    names: dict[str, str] = dict(_NAME_ALIASES)
    for code, name in reference.countries().items():
        main, _, aside = name.partition(" (")
        aside = aside.rstrip(")")
        for variant in (name, main, aside, f"{aside} {main}" if aside else ""):
            key = _letters(variant)
            if key and len(key) > 2:
                names.setdefault(key, code)
    return names


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(text).lower())
