"""One pure module per output format, registered here.

Each exporter is a pure function ``(Timeline, Revisions, path) -> bytes``,
where ``path`` is where the output will stand in dist/ (for self-links). To
add a format, write ``exporters/<name>.py`` with ``FILENAME``, ``MEDIA_TYPE``
and ``render``, and add it to :data:`EXPORTERS`; ``render`` and ``export``
pick it up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from asean_timeline.exporters import ics, jsonfeed, markdown
from asean_timeline.model import Timeline
from asean_timeline.revisions import Revisions


@dataclass(frozen=True, slots=True)
class Exporter:
    """An output format: its CLI name, the file it becomes in dist/, and its renderer."""

    name: str
    filename: str
    media_type: str
    render: Callable[[Timeline, Revisions, str], bytes]


EXPORTERS: dict[str, Exporter] = {
    "ics": Exporter("ics", ics.FILENAME, ics.MEDIA_TYPE, ics.render),
    "md": Exporter("md", markdown.FILENAME, markdown.MEDIA_TYPE, markdown.render),
    "json": Exporter("json", jsonfeed.FILENAME, jsonfeed.MEDIA_TYPE, jsonfeed.render),
}
