"""Reference data: IANA time zones and ISO 3166-1 country codes.

Both come from the ``tzdata`` package, not from the host, so every machine
validates and renders with the same database (and the same bytes).

The files are opened from the package's folder: ``importlib.resources`` (with
the zipfile, tempfile and shutil modules it loads) would cost every start-up
several milliseconds, so it serves only a ``tzdata`` that is not plain files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


#: Zone names that mean UTC itself: times in them are written in UTC, with no VTIMEZONE.
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Zulu"})


def _open_tzdata(*parts: str) -> IO[bytes]:
    """Open a file of the ``tzdata`` package for reading bytes."""
    import tzdata  # type: ignore[import-untyped]  # ships no type information

    try:
        return Path(tzdata.__file__).parent.joinpath(*parts).open("rb")
    except (FileNotFoundError, NotADirectoryError):  # e.g. installed inside a zip file
        from importlib import resources

        return resources.files("tzdata").joinpath(*parts).open("rb")


def _tzdata_text(*parts: str) -> str:
    with _open_tzdata(*parts) as handle:
        return handle.read().decode("utf-8")


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name that ``tzdata`` ships."""
    return frozenset(line.strip() for line in _tzdata_text("zones").splitlines() if line.strip())


@cache
def zone(name: str) -> ZoneInfo:
    """The zone ``name`` read from ``tzdata`` (KeyError for an unknown name)."""
    from zoneinfo import ZoneInfo

    if name not in zone_names():
        raise KeyError(name)
    with _open_tzdata("zoneinfo", *name.split("/")) as handle:
        return ZoneInfo.from_file(handle, key=name)


@cache
def tzdata_version() -> str:
    """The IANA release of the zone database in use, e.g. ``2025b``."""
    import tzdata

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
