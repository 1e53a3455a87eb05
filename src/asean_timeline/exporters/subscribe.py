"""``dist/README.md``: the subscription page, listing every calendar render writes.

GitHub shows it when someone opens the published ``dist/`` folder. It is not in
the exporter registry: it describes the set of calendars, not one timeline.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from asean_timeline.exporters import utf8_lines
from asean_timeline.exporters.markdown import escape, link
from asean_timeline.model import Timeline

FILENAME = "README.md"


@dataclass(frozen=True, slots=True)
class Listed:
    """One calendar file on the page: its path in dist/, its title and size."""

    path: str
    title: str
    events: int


def render(timeline: Timeline, calendars: Sequence[Listed]) -> bytes:
    """The page as Markdown bytes."""
    return utf8_lines(_lines(timeline, calendars))


def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) URL, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def _lines(timeline: Timeline, calendars: Sequence[Listed]) -> Iterator[str]:
    info = timeline.calendar
    yield f"# Subscribe: {escape(info.title)}"
    yield ""
    yield (
        "Add a calendar below to your calendar app by its address; the app then fetches "
        "updates by itself. Edits, cancellations and removals reach you on the next refresh."
    )
    if info.url is None:
        yield ""
        yield (
            "*The addresses below are relative: set `url` in the `[calendar]` table of "
            "events.toml to where this folder is published to get full subscription links.*"
        )
    yield ""
    yield "| calendar | events | address (copy it) |"
    yield "| --- | ---: | --- |"
    for calendar in calendars:
        address = info.published_url(calendar.path)
        if address is None:
            cell = link(calendar.path, calendar.path)
        else:
            cell = f"{link('https', address)} · `{webcal(address)}`"
        yield f"| {escape(calendar.title)} | {calendar.events} | {cell} |"
    hours = info.refresh_interval.total_seconds() / 3600
    yield ""
    yield "## Google Calendar"
    yield ""
    yield (
        "On a computer, open calendar.google.com, click **+** next to *Other calendars*, choose "
        "**From URL**, paste the https address and click **Add calendar**. Google refreshes "
        "subscribed calendars on its own schedule, usually within a day, and ignores the "
        "refresh hint."
    )
    yield ""
    yield "## Apple Calendar (macOS, iPhone, iPad)"
    yield ""
    yield (
        "On a Mac: **File → New Calendar Subscription…**, paste the address, and choose how "
        "often to refresh. On iPhone or iPad: **Settings → Calendar → Accounts → Add Account → "
        "Other → Add Subscribed Calendar**. Opening a `webcal://` address also starts the "
        "subscription."
    )
    yield ""
    yield "## Outlook"
    yield ""
    yield (
        "Outlook on the web or Outlook.com: **Add calendar → Subscribe from web**, paste the "
        "https address, name it and import. Outlook for Windows: **Add Calendar → From "
        "Internet**. Outlook refreshes subscribed calendars every few hours."
    )
    yield ""
    yield "## Thunderbird"
    yield ""
    yield (
        "**File → New → Calendar… → On the Network**, paste the https address and choose "
        "*iCalendar (ICS)*. Thunderbird refreshes every 30 minutes unless you change it in the "
        "calendar's properties."
    )
    yield ""
    yield "## How often it refreshes"
    yield ""
    yield (
        f"Each calendar asks apps to re-fetch it every {hours:g} hours (`REFRESH-INTERVAL` and "
        "`X-PUBLISHED-TTL`); Apple and Outlook follow the hint, Google and Thunderbird use "
        "their own schedule. Nothing changes for you when the calendar is re-published "
        "unchanged."
    )
