"""Reference data: IANA time zones and ISO 3166-1 country codes.

Both come from the ``tzdata`` package, not from the host, so every machine
validates and renders with the same database (and the same bytes).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo


def _tzdata_text(*parts: str) -> str:
    return resources.files("tzdata").joinpath(*parts).read_text(encoding="utf-8")


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name that ``tzdata`` ships."""
    return frozenset(line.strip() for line in _tzdata_text("zones").splitlines() if line.strip())


@cache
def zone(name: str) -> ZoneInfo:
    """The zone ``name`` read from ``tzdata`` (KeyError for an unknown name)."""
    if name not in zone_names():
        raise KeyError(name)
    parts = ["zoneinfo", *name.split("/")]
    with resources.files("tzdata").joinpath(*parts).open("rb") as handle:
        return ZoneInfo.from_file(handle, key=name)


@cache
def tzdata_version() -> str:
    """The IANA release of the zone database in use, e.g. ``2025b``."""
    import tzdata  # type: ignore[import-untyped]  # ships no type information

    return str(tzdata.IANA_VERSION)


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English short name."""
    names: dict[str, str] = {}
    for line in _tzdata_text("zoneinfo", "iso3166.tab").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code] = name.strip()
    return names
