"""The format registry: what each format declares is what it writes."""

from __future__ import annotations

import pytest

from asean_timeline import exporters
from asean_timeline.pipeline import load_timeline
from asean_timeline.present import RenderContext
from asean_timeline.revisions import update
from asean_timeline.serve import NAMED_MEDIA_TYPES
from tests.conftest import FIXED_TIME, FULL


@pytest.mark.parametrize("output", exporters.FORMATS, ids=exporters.NAMES)
def test_each_format_writes_exactly_the_files_it_declares(output: exporters.Format) -> None:
    """render(context) yields the declared files, in the declared order, none empty."""
    timeline, _ = load_timeline(FULL)
    context = RenderContext(timeline, update(timeline, {}, FIXED_TIME))
    written = list(output.render(context))
    assert [path for path, _ in written] == list(output.paths)
    assert all(data for _, data in written)


def test_names_and_files_are_unique_and_served_as_declared() -> None:
    """No two formats share a name or a file; serve sends each file's declared type."""
    paths = [path for output in exporters.FORMATS for path in output.paths]
    assert len(set(exporters.NAMES)) == len(exporters.NAMES)
    assert len(set(paths)) == len(paths)
    assert {
        file.path: file.media_type for output in exporters.FORMATS for file in output.files
    } == NAMED_MEDIA_TYPES
    assert all(output.kind in (exporters.CALENDAR, exporters.FEED, exporters.DATA, exporters.PAGE)
               for output in exporters.FORMATS)  # fmt: skip
    assert len(exporters.of_kind(exporters.CALENDAR)) == 1  # the sub-calendars' format


def test_help_names_every_format() -> None:
    """export --format's help text comes from the registry."""
    text = exporters.help_text()
    assert all(f"{output.name} ({output.summary})" in text for output in exporters.FORMATS)
