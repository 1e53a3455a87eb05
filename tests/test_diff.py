"""``asean-timeline diff``: what changed between two versions, in words."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from itertools import product
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from asean_timeline import changereport
from asean_timeline.changes import ChangeKind, TimelineDiff, compare, words
from asean_timeline.cli import cli
from asean_timeline.cli.diff import REPORT_FORMATS
from asean_timeline.load import parse_document
from asean_timeline.model import Timeline
from asean_timeline.records import event_record
from asean_timeline.validate import validate

BASE = """\
[calendar]
title = "Diff test"
timezone = "Asia/Tokyo"

[[calendars]]
id = "summits"
title = "Summits"
tags_any = ["summit"]

[[events]]
id = "anwar-talks"
title = "Kishida and Anwar talks"
date = 2023-12-16
status = "tentative"
tags = ["summit"]
sources = [{ publisher = "Kyodo News", published = "2023-12" }]

[[events]]
id = "osa-launch"
title = "Japan launches OSA"
date = "2023-04"
sources = [{ publisher = "Kyodo News" }]

[[events]]
id = "fiscal-year"
title = "Fiscal year ends"
date = 2024-03-31
sources = [{ publisher = "Ministry of Finance" }]
"""

ADDED_EVENT = """
[[events]]
id = "summit"
title = "Commemorative summit"
start = 2023-12-17T10:00:00
end = 2023-12-17T12:00:00
sources = [{ publisher = "Kyodo News" }]
"""


def _add(text: str) -> str:
    return text + ADDED_EVENT


def _remove(text: str) -> str:
    head, _, rest = text.partition('[[events]]\nid = "fiscal-year"')
    return head.rstrip("\n") + "\n" + rest.partition("\n\n")[2]


def _move(text: str) -> str:
    return text.replace("date = 2023-12-16", "date = 2023-12-17")


def _precision(text: str) -> str:
    return text.replace('date = "2023-04"', "date = 2023-04-05")


def _cancel(text: str) -> str:
    return text.replace('status = "tentative"', 'status = "cancelled"')


def _source(text: str) -> str:
    return text.replace(
        'sources = [{ publisher = "Kyodo News" }]',
        'sources = [{ publisher = "Kyodo News" }, { publisher = "Nikkei Asia" }]',
        1,  # the OSA launch's
    )


def _reorder(text: str) -> str:
    """The same events, the [[events]] tables in reverse order."""
    head, *tables = text.split("\n[[events]]\n")
    return "\n[[events]]\n".join([head, *reversed([t.rstrip("\n") + "\n" for t in tables])])


#: Each edit, and the one line of words it must produce against the version before it.
EDITS: list[tuple[str, Callable[[str], str], ChangeKind, str | None]] = [
    ("add", _add, ChangeKind.ADDED, None),
    ("remove", _remove, ChangeKind.REMOVED, None),
    ("move date", _move, ChangeKind.CHANGED, "date: 16 December 2023 → 17 December 2023"),
    ("precision", _precision, ChangeKind.CHANGED, "date: April 2023 → 5 April 2023"),
    ("cancel", _cancel, ChangeKind.CANCELLED, "status: tentative → cancelled"),
    ("source", _source, ChangeKind.CHANGED, "sources: + Nikkei Asia"),
]


def _timeline(text: str) -> Timeline:
    checked = validate(parse_document(text.encode(), "events.toml"))
    assert checked.timeline is not None, checked.problems
    return checked.timeline


def _versions() -> list[str]:
    texts = [BASE]
    for _, edit, _, _ in EDITS:
        edited = edit(texts[-1])
        assert edited != texts[-1]
        texts.append(edited)
    texts.append(_reorder(texts[-1]))
    return texts


VERSIONS = _versions()


@pytest.mark.parametrize(("index", "edit"), list(enumerate(EDITS, start=1)))
def test_each_edit_is_told_in_words(
    index: int, edit: tuple[str, Callable[[str], str], ChangeKind, str | None]
) -> None:
    """Each edit of the sequence gives exactly one event change, of its kind, in its words."""
    _, _, kind, expected = edit
    result = compare(_timeline(VERSIONS[index - 1]), _timeline(VERSIONS[index]))
    assert [change.kind for change in result.events] == [kind]
    told = [words(field) for field in result.events[0].fields]
    assert told == ([expected] if expected else [])


def test_reordering_events_is_no_change() -> None:
    """The reversed file differs as text but not as a timeline."""
    assert VERSIONS[-1] != VERSIONS[-2]
    assert compare(_timeline(VERSIONS[-2]), _timeline(VERSIONS[-1])).is_empty


@pytest.mark.parametrize(
    ("old", "new"), list(product(range(len(VERSIONS)), repeat=2)), ids=lambda n: f"v{n}"
)
def test_every_pair_of_versions(old: int, new: int) -> None:
    """Between any two versions, exactly the events whose records differ are reported,
    with the right kind, and the diff backwards is the same diff mirrored."""
    before, after = _timeline(VERSIONS[old]), _timeline(VERSIONS[new])
    result = compare(before, after)
    old_records = {e.id: event_record(e) for e in before.events}
    new_records = {e.id: event_record(e) for e in after.events}
    expected = {
        event_id: (
            ChangeKind.ADDED
            if event_id not in old_records
            else ChangeKind.REMOVED
            if event_id not in new_records
            else ChangeKind.CANCELLED
            if new_records[event_id]["status"] == "cancelled"
            and old_records[event_id]["status"] != "cancelled"
            else ChangeKind.CHANGED
        )
        for event_id in old_records.keys() | new_records.keys()
        if old_records.get(event_id) != new_records.get(event_id)
    }
    assert {change.id: change.kind for change in result.events} == expected
    backwards = {change.id: change for change in compare(after, before).events}
    assert backwards.keys() == expected.keys()
    mirror = {ChangeKind.ADDED: ChangeKind.REMOVED, ChangeKind.REMOVED: ChangeKind.ADDED}
    for change in result.events:
        assert backwards[change.id].before == change.after
        if change.kind in mirror:
            assert backwards[change.id].kind is mirror[change.kind]
        else:
            assert len(backwards[change.id].fields) == len(change.fields)
    assert result.is_empty is (old == new or {old, new} == {len(VERSIONS) - 2, len(VERSIONS) - 1})


def test_calendar_and_named_calendar_changes() -> None:
    """Edits to [calendar] and [[calendars]] are listed field by field."""
    edited = BASE.replace('title = "Diff test"', 'title = "Diff test, renamed"').replace(
        'tags_any = ["summit"]', 'tags_any = ["summit", "osa"]'
    )
    edited += '\n[[calendars]]\nid = "everything"\ntitle = "Everything"\n'
    result = compare(_timeline(BASE), _timeline(edited))
    assert [words(field) for field in result.calendar] == ["title: Diff test → Diff test, renamed"]
    assert [(c.kind, c.id) for c in result.calendars] == [
        (ChangeKind.ADDED, "everything"),
        (ChangeKind.CHANGED, "summits"),
    ]
    assert [words(f) for f in result.calendars[1].fields] == ["tags_any: summit → osa, summit"]
    assert not result.events


def test_time_zone_change_with_the_same_words_names_the_zones() -> None:
    """Moving a timed event between two zones that both say KST names the zones."""
    old = _add(BASE).replace(
        "end = 2023-12-17T12:00:00", 'end = 2023-12-17T12:00:00\ntimezone = "Asia/Seoul"'
    )
    new = old.replace("Asia/Seoul", "Asia/Pyongyang")
    (change,) = compare(_timeline(old), _timeline(new)).events
    (field,) = change.fields
    assert field.field == "date"
    assert words(field) == (
        "date: 2023-12-17T10:00:00+09:00 – 2023-12-17T12:00:00+09:00 (Asia/Seoul) → "
        "2023-12-17T10:00:00+09:00 – 2023-12-17T12:00:00+09:00 (Asia/Pyongyang)"
    )
    assert field.before != field.after


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (
            '[{ publisher = "Ministry of Finance", published = "2024-04" }]',
            "sources: + Ministry of Finance (edited)",
        ),
        (
            '[{ publisher = "Nikkei Asia" }, { publisher = "Ministry of Finance" }]',
            "sources: + Nikkei Asia",
        ),
        ('[{ publisher = "Nikkei Asia" }]', "sources: + Nikkei Asia; − Ministry of Finance"),
    ],
)
def test_source_edits_in_words(sources: str, expected: str) -> None:
    """A source that keeps its label but changes is 'edited'; others are + or −."""
    new = BASE.replace('sources = [{ publisher = "Ministry of Finance" }]', f"sources = {sources}")
    (change,) = compare(_timeline(BASE), _timeline(new)).events
    assert [words(field) for field in change.fields] == [expected]


def test_reordered_sources_say_so() -> None:
    """Sources in another order are a change (the outputs list them in order)."""
    two = '[{ publisher = "Kyodo News" }, { publisher = "Nikkei Asia" }]'
    old = BASE.replace('sources = [{ publisher = "Ministry of Finance" }]', f"sources = {two}")
    new = old.replace(two, '[{ publisher = "Nikkei Asia" }, { publisher = "Kyodo News" }]')
    (change,) = compare(_timeline(old), _timeline(new)).events
    assert [words(f) for f in change.fields] == [
        "sources: Kyodo News, Nikkei Asia → Nikkei Asia, Kyodo News"
    ]


HOSTILE = BASE.replace(
    'title = "Japan launches OSA"',
    'title = "<img src=x onerror=alert(1)> [click](https://evil.example) # heading | cell"',
)


def test_markdown_report_escapes_user_text() -> None:
    """A hostile title reaches the pull-request comment as text: no link, image or HTML."""
    report = changereport.markdown(compare(_timeline(BASE), _timeline(HOSTILE)), "a", "b")
    tokens = MarkdownIt("gfm-like").parse(report)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"link_open", "image", "html_inline", "html_block", "table_open"}
    rendered = MarkdownIt("gfm-like").render(report)
    assert "&lt;img src=x onerror=alert(1)&gt; [click](https://evil.example) # heading | cell" in (
        rendered.replace("&amp;", "&")
    )


def _sample() -> TimelineDiff:
    return compare(_timeline(VERSIONS[0]), _timeline(VERSIONS[-1]))


def test_json_report_follows_the_documented_schema() -> None:
    """The JSON document has the README's keys; each event carries both records."""
    document = json.loads(changereport.as_json(_sample(), "old.toml", "new.toml"))
    assert set(document) == {"format", "old", "new", "summary", "calendar", "calendars", "events"}
    assert document["format"] == 1
    assert document["summary"] == {"added": 1, "changed": 1, "cancelled": 1, "removed": 1}
    for event in document["events"]:
        assert set(event) == {"kind", "id", "title", "when", "fields", "before", "after"}
        for field in event["fields"]:
            assert set(field) == {"field", "before", "after", "added", "removed", "words"}
    removed = next(e for e in document["events"] if e["kind"] == "removed")
    assert removed["after"] is None
    assert removed["before"]["id"] == "fiscal-year"


def test_report_formats_match_the_cli() -> None:
    """The CLI's copy of the report format names is the library's."""
    assert REPORT_FORMATS == changereport.FORMATS == tuple(changereport.RENDERERS)


# -- the command ----------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(VERSIONS[0], encoding="utf-8")
    new.write_text(VERSIONS[-1], encoding="utf-8")
    return old, new


def test_cli_compares_two_files(files: tuple[Path, Path]) -> None:
    """diff OLD NEW prints every change for people and exits 0."""
    result = CliRunner().invoke(cli, ["diff", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert "1 added, 1 changed, 1 cancelled, 1 removed" in result.output
    assert "date: 16 December 2023 → 17 December 2023" in result.output
    assert "+ 17 December 2023, 10:00–12:00 JST  Commemorative summit (summit)" in result.output


@pytest.mark.parametrize(("same", "code"), [(True, 0), (False, 1)])
def test_exit_code_tells_whether_anything_changed(
    files: tuple[Path, Path], same: bool, code: int
) -> None:
    """--exit-code exits 1 when there are changes, 0 when there are none."""
    old, new = files
    result = CliRunner().invoke(cli, ["diff", str(old), str(old if same else new), "--exit-code"])
    assert result.exit_code == code, result.output


def test_an_invalid_version_is_reported_not_compared(files: tuple[Path, Path]) -> None:
    """An invalid file gives its problems with file:line and exit 1, no traceback."""
    old, new = files
    new.write_text(VERSIONS[0].replace("date = 2023-12-16", 'date = "2023-02-30"'))
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    assert f"{new}:" in result.output
    assert "not a real date" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("arguments", [["one.toml"], [], ["a", "b", "--git", "HEAD"]])
def test_wrong_arguments_are_a_usage_error(arguments: list[str]) -> None:
    """diff needs two files, or --git with at most one file."""
    assert CliRunner().invoke(cli, ["diff", *arguments]).exit_code == 2


# -- git revisions ----------------------------------------------------------------


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose history is the sequence of edits, one commit each, with
    events.toml in a sub-folder; the working directory is the repository's root."""
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "config", "user.email", "test@example.org")
    _git(tmp_path, "config", "user.name", "Test")
    (tmp_path / "timeline").mkdir()
    for number, text in enumerate(VERSIONS):
        (tmp_path / "timeline" / "events.toml").write_text(text, encoding="utf-8")
        _git(tmp_path, "add", "-A")
        _git(tmp_path, "commit", "-q", "-m", f"v{number}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _diff_json(*arguments: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["diff", "--format", "json", *arguments])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.output)
    return document


@pytest.mark.parametrize(("old", "new"), [(0, 1), (1, 3), (2, 6), (6, 0), (3, 3)])
def test_git_revisions_match_the_diff_of_the_files(repo: Path, old: int, new: int) -> None:
    """--git A..B reads the file as committed at A and at B: the same report as the files."""
    last = len(VERSIONS) - 1
    spec = f"HEAD~{last - old}..HEAD~{last - new}"
    from_git = _diff_json("--git", spec, "timeline/events.toml")
    expected = json.loads(
        changereport.as_json(
            compare(_timeline(VERSIONS[old]), _timeline(VERSIONS[new])),
            f"HEAD~{last - old}:timeline/events.toml",
            f"HEAD~{last - new}:timeline/events.toml",
        )
    )
    assert from_git == expected


def test_git_revision_against_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--git REV compares REV with the file on disk, from inside a sub-folder too."""
    path = repo / "timeline" / "events.toml"
    path.write_text(VERSIONS[-1] + ADDED_EVENT.replace('"summit"', '"summit-2"'))
    monkeypatch.chdir(repo / "timeline")
    document = _diff_json("--git", "HEAD")
    assert document["summary"] == {"added": 1, "changed": 0, "cancelled": 0, "removed": 0}
    assert document["old"] == "HEAD:events.toml"
    assert _diff_json("--git", "HEAD~1..")["summary"] == {
        "added": 0,
        "changed": 0,
        "cancelled": 0,
        "removed": 0,
    }


def test_problems_in_an_old_revision_name_it(repo: Path) -> None:
    """An invalid committed version is reported as REV:path:line."""
    path = repo / "timeline" / "events.toml"
    path.write_text(VERSIONS[0].replace('status = "tentative"', 'status = "maybe"'))
    _git(repo, "commit", "-qam", "broken")
    path.write_text(VERSIONS[0])
    result = CliRunner().invoke(cli, ["diff", "--git", "HEAD", "timeline/events.toml"])
    assert result.exit_code == 1
    assert "HEAD:timeline/events.toml:" in result.output
    assert "status" in result.output


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-such-branch", "cannot read the file at revision 'no-such-branch'"),
        ("--output=x", "is not a revision"),
    ],
)
def test_bad_revisions_are_explained(repo: Path, spec: str, message: str) -> None:
    """An unknown revision, or one git would take for an option, is a clear error."""
    result = CliRunner().invoke(cli, ["diff", f"--git={spec}", "timeline/events.toml"])
    assert result.exit_code == 1
    assert message in result.output
    assert not (repo / "x").exists()


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--git outside a git repository says so."""
    (tmp_path / "events.toml").write_text(BASE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = CliRunner().invoke(cli, ["diff", "--git", "HEAD"])
    assert result.exit_code == 1
    assert "cannot read the file at revision 'HEAD'" in result.output


def test_copy_folder_writes_every_toml_file_at_the_revision(repo: Path) -> None:
    """The folder snapshot for includes holds each .toml file as committed, nothing else."""
    from asean_timeline.versions import GitRevision

    (repo / "timeline" / "events").mkdir()
    (repo / "timeline" / "events" / "a.toml").write_bytes(b"# a\n[[events]]\r\nid = 'x'\n")
    (repo / "timeline" / "notes.txt").write_text("not toml")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "more files")
    (repo / "timeline" / "events" / "a.toml").write_text("changed since")
    into = repo.parent / "copy"
    names = GitRevision("HEAD").copy_folder(repo / "timeline" / "events.toml", into)
    assert sorted(names) == ["events.toml", "events/a.toml"]
    assert (into / "events" / "a.toml").read_bytes() == b"# a\n[[events]]\r\nid = 'x'\n"
    assert (into / "events.toml").read_text() == VERSIONS[-1]
    assert not (into / "notes.txt").exists()


def test_a_timeline_with_includes_is_read_from_one_revision(repo: Path) -> None:
    """With [calendar] include, every included file comes from the same revision: an edit
    to an included file is told, and moving an event between files is no change."""
    folder = repo / "timeline"
    main, rest = BASE.split("\n[[events]]\n", 1)
    (folder / "events").mkdir()
    (folder / "events.toml").write_text(
        main.replace('title = "Diff test"', 'title = "Diff test"\ninclude = ["events/*.toml"]')
    )
    (folder / "events" / "a.toml").write_text("[[events]]\n" + rest)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "split")
    moved = rest.split("\n[[events]]\n")
    (folder / "events" / "a.toml").write_text("[[events]]\n" + moved[0])
    (folder / "events" / "b.toml").write_text("\n[[events]]\n".join(["", *moved[1:]]))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "move two events to b.toml")
    (folder / "events" / "b.toml").write_text(
        (folder / "events" / "b.toml").read_text().replace("2024-03-31", "2024-03-30")
    )
    _git(repo, "commit", "-qam", "move the fiscal year's end")
    path = "timeline/events.toml"
    unchanged = CliRunner().invoke(cli, ["diff", "--exit-code", "--git", "HEAD~2..HEAD~1", path])
    assert unchanged.exit_code == 0, unchanged.output
    edited = CliRunner().invoke(cli, ["diff", "--exit-code", "--git", "HEAD~1..HEAD", path])
    assert edited.exit_code == 1, edited.output
    assert "fiscal-year" in edited.output
    assert "31 March 2024 → 30 March 2024" in edited.output
    assert "anwar-talks" not in edited.output
    assert "asean-timeline-" not in edited.output  # no temporary path leaks


def test_diff_imports_no_output_code(files: tuple[Path, Path]) -> None:
    """diff (human or JSON) loads the validator and the diff, and no exporter module,
    pipeline, revisions or worker code: it is a command people run while they work."""
    import sys

    code = (
        "import sys\n"
        "from asean_timeline.cli import cli\n"
        "for style in ('human', 'json'):\n"
        "    try:\n"
        f"        cli(['diff', {str(files[0])!r}, {str(files[1])!r}, '--format', style])\n"
        "    except SystemExit as done:\n"
        "        assert not done.code, done.code\n"
        "heavy = ('exporters.', 'pipeline', 'revisions', 'workers')  # the registry may load\n"
        "print(sorted(m for m in sys.modules\n"
        "             if m.startswith(tuple('asean_timeline.' + h for h in heavy))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_same_instant_at_another_offset_is_a_change() -> None:
    """Equal as datetimes, but written at another UTC offset: the outputs show another
    time, so the diff reports it (equal events are otherwise skipped unread)."""
    old = _add(BASE).replace(
        "start = 2023-12-17T10:00:00\nend = 2023-12-17T12:00:00",
        "start = 2023-12-17T10:00:00+09:00",
    )
    new = old.replace("2023-12-17T10:00:00+09:00", "2023-12-17T09:00:00+08:00")
    (change,) = compare(_timeline(old), _timeline(new)).events
    assert [words(field) for field in change.fields] == [
        "date: 17 December 2023, 10:00 UTC+09:00 → 17 December 2023, 09:00 UTC+08:00"
    ]


def test_a_file_the_change_adds_is_all_additions(repo: Path) -> None:
    """A timeline that does not exist at the old revision (the pull request that creates
    it) is compared as one with no events: every event is added."""
    (repo / "new").mkdir()
    (repo / "new" / "events.toml").write_text(VERSIONS[0])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a second timeline")
    document = _diff_json("--git", "HEAD~1..HEAD", "new/events.toml")
    assert document["old"] == "HEAD~1:new/events.toml (no file)"
    assert document["summary"] == {"added": 3, "changed": 0, "cancelled": 0, "removed": 0}
    assert document["calendar"] == []
    gone = CliRunner().invoke(cli, ["diff", "--git", "HEAD~1..HEAD", "new/missing.toml"])
    assert gone.exit_code == 1  # missing at the new revision too: an error, not "no changes"
    assert "HEAD:new/missing.toml: error: the file does not exist at revision 'HEAD'" in (
        gone.output
    )


def test_a_problem_in_an_included_file_names_the_revision_and_file(repo: Path) -> None:
    """A problem in an included file at a revision is placed at REV:path:line."""
    folder = repo / "timeline"
    main, rest = BASE.split("\n[[events]]\n", 1)
    (folder / "events").mkdir()
    (folder / "events.toml").write_text(
        main.replace('title = "Diff test"', 'title = "Diff test"\ninclude = ["events/*.toml"]')
    )
    (folder / "events" / "a.toml").write_text(
        "[[events]]\n" + rest.replace("date = 2024-03-31", 'date = "2024-02-30"')
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "an impossible date in an included file")
    result = CliRunner().invoke(cli, ["diff", "--git", "HEAD~1..HEAD", "timeline/events.toml"])
    assert result.exit_code == 1
    assert "HEAD:timeline/events/a.toml:" in result.output
    assert "2024-02-30" in result.output
    assert "asean-timeline-" not in result.output
