"""One pure module per output format, registered here.

Each exporter is a pure function ``(Timeline, Revisions, path) -> bytes``,
where ``path`` is where the output will stand in dist/ (for self-links). To
add a format, write ``exporters/<name>.py`` with ``FILENAME``, ``MEDIA_TYPE``
and ``render``, and add it to ``_MODULES`` below; ``render`` and ``export``
pick it up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asean_timeline.model import Timeline
    from asean_timeline.revisions import Revisions

#: CLI name → module in this package. Modules load on first use, so the CLI
#: starts without importing any exporter it will not run.
_MODULES = {
    "ics": "ics",
    "md": "markdown",
    "json": "jsonfeed",
    "html": "html",
    "atom": "atom",  # changes.xml: the recent changes as an Atom feed
    "changes-md": "changes_md",  # changes.md: the same, as a page
}
FORMATS = tuple(_MODULES)


@dataclass(frozen=True, slots=True)
class Exporter:
    """An output format: its CLI name, the file it becomes in dist/, and its renderer."""

    name: str
    filename: str
    media_type: str
    render: Callable[[Timeline, Revisions, str], bytes]


def exporter(name: str) -> Exporter:
    """The exporter registered as ``name`` (KeyError if there is none)."""
    module = import_module(f"{__name__}.{_MODULES[name]}")
    return Exporter(name, module.FILENAME, module.MEDIA_TYPE, module.render)


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
