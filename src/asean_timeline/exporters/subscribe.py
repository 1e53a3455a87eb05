"""``dist/README.md``: the subscription page, listing every calendar render writes.

GitHub shows it when someone opens the published ``dist/`` folder. It is not in
the exporter registry: it describes the set of calendars, not one timeline.
"""

from __future__ import annotations

from collections.abc import Iterator

from asean_timeline.exporters import CALENDAR, SUBSCRIBE_PAGE, of_kind, utf8_lines
from asean_timeline.exporters.mdtext import code_span, escape, link
from asean_timeline.present import RenderContext, webcal

FILENAME = SUBSCRIBE_PAGE


def render(context: RenderContext) -> bytes:
    """The page as Markdown bytes: every calendar of the context's catalogue, and how to add it.

    Text from events.toml, addresses included, is escaped for Markdown: a backtick
    or ``|`` in ``[calendar].url`` cannot leave its code span or table cell.
    """
    return utf8_lines(_lines(context))


def _lines(context: RenderContext) -> Iterator[str]:
    timeline = context.timeline
    calendars = [
        (output.filename, "All events", len(timeline.events)) for output in of_kind(CALENDAR)
    ]
    calendars += [(c.path, c.title, c.count) for c in context.catalogue.calendars]
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
    for path, title, count in calendars:
        address = info.published_url(path)
        if address is None:
            cell = link(path, path)
        else:
            cell = f"{link('https', address)} · {code_span(webcal(address))}"
        yield f"| {escape(title)} | {count} | {cell} |"
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
