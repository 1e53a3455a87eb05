"""``add``: flags or prompts, every date form in words, ids suggested and refused, checked."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from asean_timeline.whenwords import parse_when

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    path = tmp_path / "events.toml"
    path.write_bytes((ROOT / "events.toml").read_bytes())
    return path


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["add", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("words", "keys"),
    [
        ("2009", {"date": "2009"}),
        ("2023-04", {"date": "2023-04"}),
        ("2023-12-17", {"date": dt.date(2023, 12, 17)}),
        ("2023-12-16..2023-12-18", {"start": dt.date(2023, 12, 16), "end": dt.date(2023, 12, 18)}),
        (
            "2023-12-16 to 2023-12-18",
            {"start": dt.date(2023, 12, 16), "end": dt.date(2023, 12, 18)},
        ),
        (
            "between 2023-12-16 and 2023-12-18",
            {"between": [dt.date(2023, 12, 16), dt.date(2023, 12, 18)]},
        ),
        (
            "2023-12-17 10:00 Asia/Tokyo",
            {"start": dt.datetime(2023, 12, 17, 10), "timezone": "Asia/Tokyo"},
        ),
        (
            "2023-12-17 10:00-12:30 Europe/Berlin",
            {
                "start": dt.datetime(2023, 12, 17, 10),
                "end": dt.datetime(2023, 12, 17, 12, 30),
                "timezone": "Europe/Berlin",
            },
        ),
        (
            "2023-12-17T10:00+09:00",
            {"start": dt.datetime(2023, 12, 17, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))},
        ),
    ],
)
def test_date_forms_in_words(words: str, keys: dict[str, object]) -> None:
    """Each form people type becomes the file's date keys."""
    assert parse_when(words) == keys


def test_add_by_flags_appends_the_event_and_says_where(timeline: Path) -> None:
    """Flags for every field; the event is printed as written, with file:line."""
    before = timeline.read_text(encoding="utf-8")
    code, out, err = run(
        str(timeline),
        "--title", "Kishida meets Marcos",
        "--when", "2023-12-17 10:00 Asia/Tokyo",
        "--country", "JP,ph",
        "--tag", "bilateral",
        "--location", "Tokyo, Japan",
        "--description", "They talk.",
        "--status", "tentative",
        "--url", "https://example.org/e",
        "--source-publisher", "Kyodo News",
        "--source-title", "Report",
        "--source-url", "https://example.org/r",
        "--source-published", "2023-12",
    )  # fmt: skip
    assert code == 0, err
    after = timeline.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == "\n" + out
    line = before.count("\n") + 2
    assert f"added event 'kishida-meets-marcos-2023-12-17' at {timeline}:{line}" in err
    event = tomllib.loads(after)["events"][-1]
    assert event == {
        "id": "kishida-meets-marcos-2023-12-17",
        "title": "Kishida meets Marcos",
        "start": dt.datetime(2023, 12, 17, 10),
        "timezone": "Asia/Tokyo",
        "location": "Tokyo, Japan",
        "countries": ["JP", "PH"],
        "tags": ["bilateral"],
        "description": "They talk.",
        "status": "tentative",
        "url": "https://example.org/e",
        "sources": [
            {
                "publisher": "Kyodo News",
                "title": "Report",
                "url": "https://example.org/r",
                "published": "2023-12",
            }
        ],
    }
    assert CliRunner().invoke(cli, ["fmt", "--check", str(timeline)]).exit_code == 0


def test_add_by_prompts(timeline: Path) -> None:
    """--interactive asks for each field; a bad date form is asked again; the id is offered."""
    answers = [
        "Talks in Tokyo",  # title
        "next week",  # not a form: asked again
        "between 2023-12-16 and 2023-12-18",
        "",  # location
        "jp, my",  # countries
        "",  # tags
        "",  # description
        "",  # status
        "",  # url
        "Kyodo News",  # source publisher
        "",
        "",
        "2023-12",
        "",  # id: take the suggestion
    ]
    code, _out, err = run(str(timeline), "--interactive", input="\n".join(answers) + "\n")
    assert code == 0, err
    assert "is not a date form I know" in err
    event = tomllib.loads(timeline.read_text(encoding="utf-8"))["events"][-1]
    assert event["id"] == "talks-in-tokyo-2023-12-16"
    assert event["between"] == [dt.date(2023, 12, 16), dt.date(2023, 12, 18)]
    assert event["countries"] == ["JP", "MY"]
    assert event["sources"] == [{"publisher": "Kyodo News", "published": "2023-12"}]


def test_no_prompts_without_a_terminal(timeline: Path) -> None:
    """Without a terminal nothing is asked: a missing field is a usage error."""
    code, _out, err = run(str(timeline), "--title", "T", input="2023\n")
    assert code == 2
    assert "--when is required" in err


def test_a_taken_id_is_refused_and_a_free_one_suggested(timeline: Path) -> None:
    """An explicit id that exists is refused; the suggestion avoids taken ids."""
    args = [str(timeline), "--title", "Kishida Anwar talks", "--when", "2023-12-16"]
    code, _out, err = run(*args, "--id", "kishida-anwar-talks-2023-12-16")
    assert code == 1
    assert "the id 'kishida-anwar-talks-2023-12-16' is taken" in err
    assert "'kishida-anwar-talks-2023-12-16-2'" in err
    code, _out, err = run(*args, "--source-publisher", "Kyodo")
    assert code == 0, err
    assert "'kishida-anwar-talks-2023-12-16-2'" in err


def test_dry_run_prints_and_writes_nothing(timeline: Path) -> None:
    """--dry-run checks and prints the event and where it would go, and writes nothing."""
    before = timeline.read_bytes()
    code, out, err = run(str(timeline), "--title", "T", "--when", "2023", "--dry-run")
    assert code == 0, err
    assert out.startswith('[[events]]\nid = "t-2023"\n')
    assert "would add event 't-2023'" in err
    assert timeline.read_bytes() == before


def test_date_is_another_name_for_when(timeline: Path) -> None:
    """--date (what people type first) means the same as --when."""
    code, out, err = run(str(timeline), "--title", "T", "--date", "2023-04", "--dry-run")
    assert code == 0, err
    assert 'date = "2023-04"' in out


def test_an_invalid_event_is_not_written(timeline: Path) -> None:
    """A mistake the validator finds is reported with file:line and nothing is written."""
    before = timeline.read_bytes()
    code, _out, err = run(str(timeline), "--title", "T", "--when", "2023", "--country", "Japan")
    assert code == 1
    assert f"{timeline}:" in err
    assert "unknown country code 'Japan'" in err
    line = before.count(b"\n") + 2
    assert f"{timeline}:{line + 4}: error: event 't-2023', field 'countries'" in err
    assert f"nothing was written: the lines above are those of {timeline} with the new" in err
    assert timeline.read_bytes() == before


def test_file_chooses_the_target(tmp_path: Path, timeline: Path) -> None:
    """--file writes into an included file; ids of every file count as taken."""
    text = timeline.read_text(encoding="utf-8")
    timeline.write_text(
        text.replace("[calendar]\n", '[calendar]\ninclude = ["more/*.toml"]\n'), encoding="utf-8"
    )
    (tmp_path / "more").mkdir()
    other = tmp_path / "more" / "late.toml"
    other.write_text("# Later events.\n", encoding="utf-8")
    args = ["--title", "Late", "--when", "2024", "--source-publisher", "Kyodo"]
    code, _out, err = run(str(timeline), "--file", str(other), *args)
    assert code == 0, err
    assert f"at {tmp_path / 'more' / 'late.toml'}:3" in err
    assert tomllib.loads(other.read_text(encoding="utf-8"))["events"][0]["id"] == "late-2024"
    assert "late-2024" not in timeline.read_text(encoding="utf-8")
    code, _out, err = run(str(timeline), "--file", str(other), *args, "--id", "late-2024")
    assert code == 1
    assert "is taken" in err


def test_file_outside_the_timeline_is_refused(tmp_path: Path, timeline: Path) -> None:
    """A --file that the timeline does not include is refused; nothing is written."""
    stray = tmp_path / "stray.toml"
    stray.write_text("# nothing yet\n", encoding="utf-8")
    code, _out, err = run(str(timeline), "--file", str(stray), "--title", "T", "--when", "2024")
    assert code == 1
    assert "is not one of the files of the timeline" in err
    assert stray.read_text(encoding="utf-8") == "# nothing yet\n"


def test_the_readme_date_forms_are_understood() -> None:
    """Every --when example in the README's table parses."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| `--when` | becomes |") :].split("\n\n", 1)[0]
    examples = [
        example
        for row in table.splitlines()[2:]
        for example in re.findall(r"`([^`]+)`", row.split("|")[1])
        if example != "… to …"
    ]
    assert len(examples) >= 7
    for example in examples:
        if example.startswith("10:00"):
            example = "2023-12-17 " + example + " Asia/Tokyo"
        assert parse_when(example), example


def test_recurrence_and_duration_flags(timeline: Path) -> None:
    """--rrule, --exdate and --duration become the event's keys, checked like the rest."""
    code, _out, err = run(
        str(timeline), "--title", "Fiscal year ends", "--when", "2024-03-31",
        "--rrule", "FREQ=YEARLY;COUNT=5", "--exdate", "2026-03-31", "--source-publisher", "MOF",
    )  # fmt: skip
    assert code == 0, err
    event = tomllib.loads(timeline.read_text(encoding="utf-8"))["events"][-1]
    assert event["rrule"] == "FREQ=YEARLY;COUNT=5"
    assert event["exdates"] == [dt.date(2026, 3, 31)]
    code, _out, err = run(
        str(timeline), "--title", "Talks", "--when", "2024-05-06 10:00 Asia/Tokyo",
        "--duration", "PT2H", "--source-publisher", "Kyodo",
    )  # fmt: skip
    assert code == 0, err
    assert tomllib.loads(timeline.read_text(encoding="utf-8"))["events"][-1]["duration"] == "PT2H"


def test_a_title_without_ascii_letters_still_gets_a_valid_id(timeline: Path) -> None:
    """日米首脳会談 on 2023-12-17 becomes event-2023-12-17; an id differing in case is taken."""
    args = [str(timeline), "--title", "日米首脳会談", "--when", "2023-12-17"]
    code, _out, err = run(*args, "--source-publisher", "NHK")
    assert code == 0, err
    assert "added event 'event-2023-12-17'" in err
    code, _out, err = run(*args, "--id", "Event-2023-12-17")
    assert code == 1
    assert "is taken" in err
