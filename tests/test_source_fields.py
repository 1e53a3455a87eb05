"""The provenance keys of a source: accessed, archived, archived_on, language, quote."""

from __future__ import annotations

from datetime import date

import pytest

from asean_timeline.load import parse_document
from asean_timeline.model import Source
from asean_timeline.present import plain_description, provenance
from asean_timeline.report import human
from asean_timeline.validate import Checked, validate

HEAD = """[calendar]
title = "Test"

[[events]]
id = "ev"
title = "Event"
date = 2023-12-17
"""


def check(source: str) -> Checked:
    text = HEAD + f'sources = [{{ publisher = "Kyodo", {source} }}]\n'
    return validate(parse_document(text.encode(), "events.toml"))


def only_source(source: str) -> Source:
    checked = check(source)
    assert checked.problems == ()
    assert checked.timeline is not None
    (found,) = checked.timeline.events[0].sources
    return found


def test_every_provenance_key_is_read_into_the_model() -> None:
    """Days become dates (as TOML dates or in quotes); the texts are kept as written."""
    source = only_source(
        'url = "https://example.org/a", accessed = 2023-12-18, '
        'archived = "https://web.archive.org/web/20231218000000/https://example.org/a", '
        'archived_on = "2023-12-19", language = "zh-Hant", quote = "Leaders agreed."'
    )
    assert source.accessed == date(2023, 12, 18)
    assert source.archived == "https://web.archive.org/web/20231218000000/https://example.org/a"
    assert source.archived_on == date(2023, 12, 19)
    assert source.language == "zh-Hant"
    assert source.quote == "Leaders agreed."


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            'accessed = "2023-12"',
            "accessed '2023-12' is a month or a year; accessed is the day\n"
            "  fix: write the day, e.g. accessed = 2023-12-01",
        ),
        (
            "accessed = 2023-12-18T10:00:00",
            "accessed is a date and time; accessed is a day\n  fix: write accessed = 2023-12-18",
        ),
        ("accessed = 42", "accessed must be a date, not a whole number (42)"),
        (
            'archived = "ftp://example.org/a"',
            "archived 'ftp://example.org/a' is not an http(s) URL (it starts with ftp:)",
        ),
        (
            "archived_on = 2023-12-18",
            "archived_on is the day of an archived copy, but the source has no archived",
        ),
        ('language = "Japanese"', "language 'Japanese' is not a BCP 47 language tag"),
        ('quote = "one\\ntwo"', "quote contains a line break (U+000A) at character 4"),
        (f'quote = "{"x" * 501}"', "quote is 501 characters; the limit is 500"),
        ("acessed = 2023-12-18", "unknown key 'acessed'\n  fix: did you mean 'accessed'?"),
    ],
)
def test_provenance_mistakes_are_explained(source: str, expected: str) -> None:
    """Each wrong provenance key is one error, at the source's line, saying how to fix it."""
    checked = check(source)
    (problem,) = checked.problems
    text = human(problem)
    assert text.startswith("events.toml:8: error: event 'ev', field 'sources': source #1: ")
    assert expected in text


def test_the_words_for_provenance() -> None:
    """The archived copy's link text has its day; the notes say when read and the language."""
    source = Source(
        None,
        "Kyodo",
        "https://example.org/a",
        None,
        accessed=date(2023, 12, 18),
        archived="https://archive.example/a",
        archived_on=date(2023, 12, 19),
        language="ja",
        quote="Agreed.",
    )
    said = provenance(source)
    assert said.archived_words == "archived 19 December 2023"
    assert said.notes == ("read 18 December 2023", "language ja")
    assert said.quote == "\u201cAgreed.\u201d"
    bare = provenance(Source(None, "Kyodo", None, None, archived="https://archive.example/a"))
    assert (bare.archived_words, bare.notes, bare.quote) == ("archived copy", (), None)


def test_the_plain_description_lists_provenance_under_its_source() -> None:
    """The .ics description and the feed's content_text show the copy, the notes and the quote."""
    checked = check(
        'url = "https://example.org/a", accessed = 2023-12-18, '
        'archived = "https://archive.example/a", archived_on = 2023-12-19, quote = "Agreed."'
    )
    assert checked.timeline is not None
    event = checked.timeline.events[0]
    assert plain_description(event, "17 December 2023", ()).splitlines()[-3:] == [
        "- Kyodo <https://example.org/a>",
        "  archived 19 December 2023 <https://archive.example/a>; read 18 December 2023",
        "  \u201cAgreed.\u201d",
    ]


def test_a_source_without_provenance_is_described_as_before() -> None:
    """No provenance keys, no extra lines: existing outputs stay byte-identical."""
    checked = check('url = "https://example.org/a"')
    assert checked.timeline is not None
    description = plain_description(checked.timeline.events[0], "17 December 2023", ())
    assert description.endswith("Sources:\n- Kyodo <https://example.org/a>")


def test_the_readme_sources_example_is_valid() -> None:
    """The README's example of every source key validates (addresses filled in)."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, flags=re.S)
    example = next(block for block in blocks if "archived_on" in block)
    text = HEAD + example.replace("https://…", "https://example.org/a")
    checked = validate(parse_document(text.encode(), "README.md"))
    assert checked.problems == ()
