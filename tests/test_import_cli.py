"""``asean-timeline import`` through CliRunner: writing, re-importing, refusing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from tests.conftest import FULL, SHIPPED, render_files

DATA = Path(__file__).parent / "data" / "import"

TARGET = """\
# Our desk's timeline: this comment must survive an import.
[calendar]
title = "Desk"
timezone = "Asia/Tokyo"

[[events]]
id = "summit"  # the summit itself
title = "Summit"
date = 2023-12-17
sources = [{ publisher = "Kyodo News" }]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _events(path: Path) -> dict[str, dict[str, object]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(event["id"]): event for event in data.get("events", [])}


def test_import_formats_match_the_library() -> None:
    """The CLI's list of formats (kept to start fast) is the importers' registry."""
    from asean_timeline.cli.importing import IMPORT_FORMATS
    from asean_timeline.importers import FORMATS

    assert IMPORT_FORMATS == FORMATS


def test_dry_run_lists_changes_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """--dry-run names each event that would be added and leaves the file as it was."""
    target = tmp_path / "events.toml"
    target.write_text(TARGET, encoding="utf-8")
    result = runner.invoke(
        cli, ["import", str(DATA / "google.ics"), "--into", str(target), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "would add 43rd-asean-summit-2023-09-05" in result.stdout
    assert "would change: 5 added, 0 updated, 0 unchanged, 1 skipped" in result.stderr
    assert "skipped event 'Newsletter day'" in result.stderr
    assert "not imported: alarms (VALARM), 1×" in result.stderr
    assert "\r" not in result.stderr  # no progress line when stderr is not a terminal
    assert target.read_text(encoding="utf-8") == TARGET


def test_bad_input_exits_1_naming_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    """A truncated calendar among good files: every problem, exit 1, nothing written."""
    target = tmp_path / "events.toml"
    target.write_text(TARGET, encoding="utf-8")
    text = (DATA / "apple.ics").read_text(encoding="utf-8")
    cut = tmp_path / "cut.ics"
    cut.write_text(text[: text.index("SUMMARY:Bangkok visit")], encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Year,Month,Headline\r\n2023,14,Bad\r\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["import", str(DATA / "google.ics"), str(cut), str(sheet), "--into", str(target)]
    )
    assert result.exit_code == 1
    assert f"{cut}:" in result.stderr
    assert "it is cut short" in result.stderr
    assert f"{sheet}:2: error: column 'Month': '14' is not a month" in result.stderr
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == TARGET


def test_import_into_a_timeline_keeps_its_comments(runner: CliRunner, tmp_path: Path) -> None:
    """Events are appended through the source-file writer; the rest of the file stays."""
    target = tmp_path / "events.toml"
    target.write_text(TARGET, encoding="utf-8")
    result = runner.invoke(cli, ["import", str(DATA / "apple.ics"), "--into", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith(TARGET)
    events = _events(target)
    assert set(events) == {
        "summit",
        "bangkok-visit-2023-12-06",
        "meeting-at-the-foreign-ministry-2023-12-05",
        "weekend-in-chiang-mai-2023-12-09",
    }
    assert events["bangkok-visit-2023-12-06"]["uid"] == "9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D"
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in result.stderr


def test_importing_the_same_file_twice_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """The second import of every client's export finds every event unchanged."""
    target = tmp_path / "events.toml"
    files = [str(DATA / name) for name in ("google.ics", "outlook.ics", "apple.ics")]
    first = runner.invoke(cli, ["import", *files, "--into", str(target)])
    assert first.exit_code == 0, first.output
    written = target.read_bytes()
    second = runner.invoke(cli, ["import", *files, "--into", str(target)])
    assert second.exit_code == 0, second.output
    assert "nothing to change: 0 added, 0 updated, 12 unchanged, 1 skipped" in second.stderr
    assert target.read_bytes() == written


def test_an_updated_export_updates_its_events(runner: CliRunner, tmp_path: Path) -> None:
    """Re-importing an export whose event was renamed and moved updates that event (same
    id, found by its UID) and keeps what was added by hand."""
    target = tmp_path / "events.toml"
    export = tmp_path / "apple.ics"
    export.write_bytes((DATA / "apple.ics").read_bytes())
    assert runner.invoke(cli, ["import", str(export), "--into", str(target)]).exit_code == 0
    text = target.read_text(encoding="utf-8").replace(
        'title = "Bangkok visit"',
        'title = "Bangkok visit"\nsources = [{ publisher = "Desk notes" }]',
    )
    target.write_text(text, encoding="utf-8")
    changed = export.read_bytes().replace(b"SUMMARY:Bangkok visit", b"SUMMARY:Bangkok trip")
    export.write_bytes(changed.replace(b"DTEND;VALUE=DATE:20231208", b"DTEND;VALUE=DATE:20231209"))
    result = runner.invoke(cli, ["import", str(export), "--into", str(target), "--dry-run"])
    assert "would update bangkok-visit-2023-12-06" in result.stdout
    assert "title: 'Bangkok visit' → 'Bangkok trip'" in result.stdout
    result = runner.invoke(cli, ["import", str(export), "--into", str(target)])
    assert result.exit_code == 0, result.output
    assert "0 added, 1 updated, 2 unchanged" in result.stderr
    event = _events(target)["bangkok-visit-2023-12-06"]
    assert event["title"] == "Bangkok trip"
    assert str(event["end"]) == "2023-12-08"
    assert event["sources"] == [{"publisher": "Desk notes"}]


@pytest.mark.parametrize("source", [SHIPPED, FULL], ids=["shipped", "full"])
def test_render_import_render_gives_the_same_calendar(
    runner: CliRunner, tmp_path: Path, source: Path
) -> None:
    """render → import events.ics into a new timeline (through the writer) → render: the
    same events.ics byte for byte, so the same UIDs, titles, starts, ends and statuses."""
    ics = tmp_path / "events.ics"
    original = render_files(source)["events.ics"]
    ics.write_bytes(original)
    target = tmp_path / "imported.toml"
    result = runner.invoke(cli, ["import", str(ics), "--into", str(target)])
    assert result.exit_code == 0, result.output
    assert render_files(target)["events.ics"] == original


def test_timelinejs_title_row_names_a_new_timeline(runner: CliRunner, tmp_path: Path) -> None:
    """A TimelineJS sheet imported into a new file: its title row becomes [calendar]."""
    target = tmp_path / "events.toml"
    target.write_text('[calendar]\ntitle = "x"\ntimezone = "Asia/Tokyo"\n', encoding="utf-8")
    target.unlink()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Month,Day,Headline,Text,Type,Group\r\n"
        ",,,Fifty years,<p>Since <b>1973</b></p>,title,\r\n"
        "2009,,,Mekong framework,,,Mekong\r\n",
        encoding="utf-8-sig",
    )
    result = runner.invoke(cli, ["import", str(sheet), "--into", str(target)])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert data["calendar"] == {"title": "Fifty years", "description": "Since 1973"}
    assert data["events"][0]["date"] == "2009"
    assert data["events"][0]["tags"] == ["mekong"]


@pytest.mark.parametrize("source", [SHIPPED, FULL], ids=["shipped", "full"])
def test_csv_export_then_import_gives_the_same_csv(
    runner: CliRunner, tmp_path: Path, source: Path
) -> None:
    """export --format csv → import into a new timeline → its events.csv is the same bytes."""
    sheet = tmp_path / "events.csv"
    result = runner.invoke(cli, ["export", "--format", "csv", str(source), "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    target = tmp_path / "imported.toml"
    target.write_text('[calendar]\ntitle = "Imported"\ntimezone = "Asia/Tokyo"\n', encoding="utf-8")
    result = runner.invoke(cli, ["import", str(sheet), "--into", str(target)])
    assert result.exit_code == 0, result.output
    assert render_files(target)["events.csv"] == sheet.read_bytes()


def test_import_updates_an_event_in_the_included_file_it_lives_in(
    runner: CliRunner, tmp_path: Path
) -> None:
    """In a timeline over several files, an updated event is edited where it is and new
    events go to --into; the other files are left as they were."""
    main = tmp_path / "events.toml"
    main.write_text(
        '[calendar]\ntitle = "Desk"\ntimezone = "Asia/Tokyo"\ninclude = ["events/*.toml"]\n',
        encoding="utf-8",
    )
    (tmp_path / "events").mkdir()
    included = tmp_path / "events" / "trips.toml"
    included.write_text(
        "# trips\n[[events]]\n"
        'id = "bangkok"\ntitle = "Bangkok visit"\nstart = 2023-12-06\nend = 2023-12-07\n'
        'url = "https://example.org/visit"\nuid = "9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D"\n'
        'sources = [{ publisher = "Desk notes" }]\n',
        encoding="utf-8",
    )
    export = tmp_path / "apple.ics"
    export.write_bytes((DATA / "apple.ics").read_bytes().replace(b"Bangkok visit", b"Bangkok trip"))
    result = runner.invoke(cli, ["import", str(export), "--into", str(main)])
    assert result.exit_code == 0, result.output
    assert "2 added, 1 updated, 0 unchanged" in result.stderr
    text = included.read_text(encoding="utf-8")
    assert text.startswith("# trips\n")
    assert 'title = "Bangkok trip"' in text
    assert 'sources = [{ publisher = "Desk notes" }]' in text
    assert set(_events(main)) == {
        "meeting-at-the-foreign-ministry-2023-12-05",
        "weekend-in-chiang-mai-2023-12-09",
    }
    again = runner.invoke(cli, ["import", str(export), "--into", str(main)])
    assert "nothing to change: 0 added, 0 updated, 3 unchanged" in again.stderr
