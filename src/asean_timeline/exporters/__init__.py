"""The registry of output formats, and small helpers the exporters share.

A format is data: its CLI name, the files it writes with their media types,
its relative cost, where other pages list it, and the module whose
``render(context)`` yields its ``(path, bytes)``. Everything else (render,
export, ``--format``, serve's media types, every "Subscribe" and "other formats"
link) reads :data:`FORMATS`. To add a format, write ``exporters/<module>.py``
with a ``render(context: RenderContext) -> Iterator[tuple[str, bytes]]`` and add
one line to :data:`FORMATS`; see the README's development section.

This module is plain data and loads no exporter: the CLI reads it to build its
options, and a format's module is imported only when it renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from asean_timeline.present import RenderContext

#: What a format is for, which decides where the other pages link it.
Kind = Literal["calendar", "feed", "data", "page"]
#: A calendar to subscribe to. Its module's ``calendar(context, path)`` also makes the
#: sub-calendars, in the same group (see pipeline), so each event is formatted once.
CALENDAR: Kind = "calendar"
#: A feed that readers follow (linked as an alternate of the HTML page).
FEED: Kind = "feed"
#: Data to download and analyse.
DATA: Kind = "data"
#: A page to read.
PAGE: Kind = "page"

#: The subscription page render writes beside the sub-calendars (exporters/subscribe.py).
SUBSCRIBE_PAGE = "README.md"


class OutputFile(NamedTuple):
    """One file a format writes into dist/, and the media type it is served as."""

    path: str
    media_type: str


class Format(NamedTuple):
    """An output format (plain data: reading it imports nothing)."""

    name: str
    #: What ``--format NAME`` gives, for the CLI's help.
    summary: str
    #: The link text other pages use for it.
    label: str
    #: CALENDAR, FEED, DATA or PAGE.
    kind: Kind
    #: Its files; the first is the format's own (what ``export`` writes).
    files: tuple[OutputFile, ...]
    #: Relative cost per event (CPU ms at 10,000 events ÷ 100, as measured with
    #: benchmarks/profile.py, the shared presentation excluded: it is built before any
    #: fork); only the proportions matter (see workers.share).
    cost: float
    #: The module in this package that renders it.
    module: str

    @property
    def filename(self) -> str:
        """The format's main file (a page links this one)."""
        return self.files[0].path

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(file.path for file in self.files)

    def load(self) -> Any:
        """The format's module (imported on first use)."""
        return import_module(f"{__name__}.{self.module}")

    def render(self, context: RenderContext) -> Iterator[tuple[str, bytes]]:
        """Every file of the format, one ``(path, bytes)`` at a time, in ``files`` order."""
        produced: Iterator[tuple[str, bytes]] = self.load().render(context)
        return produced


def _file(path: str, media_type: str) -> tuple[OutputFile, ...]:
    return (OutputFile(path, media_type),)


#: Every output format, in the order pages list them.
FORMATS: tuple[Format, ...] = (
    Format("ics", "iCalendar", "calendar (.ics)", CALENDAR,
           _file("events.ics", "text/calendar; charset=utf-8"), 2.7, "ics"),
    Format("json", "JSON Feed 1.1", "JSON Feed", FEED,
           _file("feed.json", "application/feed+json"), 2.6, "jsonfeed"),
    Format("md", "Markdown", "Markdown timeline", PAGE,
           _file("timeline.md", "text/markdown; charset=utf-8"), 4.4, "markdown"),
    Format("html", "the timeline page", "timeline page", PAGE,
           (OutputFile("index.html", "text/html; charset=utf-8"),
            OutputFile("embed.js", "text/javascript; charset=utf-8")), 3.2, "html"),
    Format("csv", "a spreadsheet, one row per event", "CSV spreadsheet", DATA,
           _file("events.csv", "text/csv; charset=utf-8"), 1.9, "csv"),
    Format("atom", "the recent changes as an Atom feed", "changes feed (Atom)", FEED,
           _file("changes.xml", "application/atom+xml"), 0.3, "atom"),
    Format("changes-md", "the recent changes as Markdown", "recent changes", PAGE,
           _file("changes.md", "text/markdown; charset=utf-8"), 0.2, "changes_md"),
)  # fmt: skip
NAMES = tuple(output.name for output in FORMATS)
#: Relative cost per event of the sub-calendars with their page, and of revisions.json.
SUBCALENDARS_COST = 1.3
STATE_COST = 0.8  # with the history of each event (revisions.HISTORY_LIMIT)


def get(name: str) -> Format:
    """The format registered as ``name`` (KeyError if there is none)."""
    for output in FORMATS:
        if output.name == name:
            return output
    raise KeyError(name)


def of_kind(*kinds: Kind) -> tuple[Format, ...]:
    """The formats of these kinds, in registry order."""
    return tuple(output for output in FORMATS if output.kind in kinds)


def help_text() -> str:
    """``ics (iCalendar), json (JSON Feed 1.1), … or html (…).``: for ``--format``'s help."""
    named = [f"{output.name} ({output.summary})" for output in FORMATS]
    return ", ".join(named[:-1]) + f" or {named[-1]}."


def media_types() -> dict[str, str]:
    """File name in dist/ → media type, for every file a format declares."""
    return {file.path: file.media_type for output in FORMATS for file in output.files}


def utf8_lines(lines: Iterable[str]) -> bytes:
    """The lines as UTF-8, each ended by a newline.

    Each line is encoded on its own: one emoji would make a joined ``str`` of a
    large timeline four bytes per character, several times the size of its UTF-8.
    """
    return b"".join([line.encode("utf-8") + b"\n" for line in lines])


def escape_html(text: str) -> str:
    """``text`` safe in HTML content and quoted attributes: exactly ``html.escape(text)``.

    Written out so the exporters do not load ``html.entities`` (its 2,000-entry
    table) on every start-up; a property test checks it against ``html.escape``.
    """
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
