"""``fmt``: one canonical layout, comments kept, meaning kept, idempotent; ``--check``."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from asean_timeline.cli import cli
from asean_timeline.formatter import canonical_data, format_document
from asean_timeline.layout import basic_string, multiline_string
from asean_timeline.load import parse_document

ROOT = Path(__file__).resolve().parent.parent

UNFORMATTED = """\
# The timeline.
[calendar]
uid_domain = "test.example.org"   # never change it
title = "Test"
[[events]]
# why this date
date = "2023-12-17"
title = "First"
id = "first"  # stable
tags = [
  "summit",  # the main one
  "asean",
]
sources = [{ published = "2023-12", publisher = "Kyodo News" }]


[[events]]   # see [1]
title = "Second"
id = "second"
date = 2023-04-01
description = "LONG"

[[events.sources]]
publisher = "Kyodo News"
""".replace(
    "LONG",
    "A description long enough that it does not fit on one line of the file, so it is "
    "wrapped at a space.",
)

FORMATTED = """\
# The timeline.
[calendar]
title = "Test"
uid_domain = "test.example.org"   # never change it

[[events]]
id = "first"  # stable
title = "First"
# why this date
date = 2023-12-17
tags = [
  "summit",  # the main one
  "asean",
]
sources = [{ publisher = "Kyodo News", published = "2023-12" }]

[[events]] # see [1]
id = "second"
title = "Second"
date = 2023-04-01
description = \"\"\"A description long enough that it does not fit on one line of the file, so \\
it is wrapped at a space.\"\"\"
sources = [{ publisher = "Kyodo News" }]
"""


def formatted(text: str) -> str:
    return format_document(parse_document(text.encode("utf-8"), "test.toml"))


def test_the_canonical_layout() -> None:
    """Key order, TOML dates, inline arrays, wrapped text, one blank line, comments kept."""
    assert formatted(UNFORMATTED) == FORMATTED


def test_the_shipped_files_are_formatted() -> None:
    """events.toml, the examples and the valid test timelines are in the canonical layout."""
    data = ROOT / "tests" / "data"
    files = [
        ROOT / "events.toml",
        *sorted((ROOT / "examples").rglob("*.toml")),
        data / "full.toml",
        data / "zones.toml",
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert formatted(text) == text, path


def test_fmt_check_names_each_file_that_would_change(tmp_path: Path) -> None:
    """--check writes nothing, names each unformatted file and exits 1."""
    messy = tmp_path / "messy.toml"
    messy.write_text(UNFORMATTED, encoding="utf-8")
    tidy = tmp_path / "tidy.toml"
    tidy.write_text(FORMATTED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--check", str(messy), str(tidy)])
    assert result.exit_code == 1
    assert f"would reformat {messy}" in result.output
    assert str(tidy) not in result.output.replace("already formatted", "")
    assert messy.read_text(encoding="utf-8") == UNFORMATTED


def test_fmt_rewrites_only_what_changes(tmp_path: Path) -> None:
    """fmt writes the canonical text; a second run writes nothing and --check passes."""
    messy = tmp_path / "events.toml"
    messy.write_text(UNFORMATTED, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(messy)])
    assert result.exit_code == 0, result.output
    assert messy.read_text(encoding="utf-8") == FORMATTED
    mtime = messy.stat().st_mtime_ns
    assert CliRunner().invoke(cli, ["fmt", str(messy)]).exit_code == 0
    assert messy.stat().st_mtime_ns == mtime
    assert CliRunner().invoke(cli, ["fmt", "--check", str(messy)]).exit_code == 0


def test_fmt_refuses_an_invalid_file(tmp_path: Path) -> None:
    """A file with a mistake is reported with its line and left alone."""
    bad = tmp_path / "events.toml"
    bad.write_text(UNFORMATTED.replace('"summit"', '"Summit!"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(bad)])
    assert result.exit_code == 1
    assert re.search(r"events\.toml:\d+: error: event 'first', field 'tags'", result.output)
    assert "Summit!" in bad.read_text(encoding="utf-8")


# -- properties on generated documents with comments ---------------------------------

_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=120
)
_WORDS = st.lists(
    st.sampled_from(["Kyodo", "ASEAN", "“quoted”", '"', '""', "\\", "a\tb", "日本"])
    | st.text("abc xyz", min_size=1, max_size=12),
    max_size=30,
).map(" ".join)
_COMMENT = st.text(st.sampled_from("abc #é—]"), max_size=20).map(lambda text: "# " + text)
_DATE = st.dates(dt.date(1, 1, 1), dt.date(9998, 12, 31))


@st.composite
def _value(draw: st.DrawFn, key: str) -> str:
    """One value as TOML text, in one of the forms people write."""
    if key == "date":
        day = draw(_DATE)
        return draw(st.sampled_from([day.isoformat(), basic_string(day.isoformat())]))
    if key in ("countries", "tags"):
        items = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=6), max_size=20))
        if draw(st.booleans()):
            return "[" + ", ".join(basic_string(item) for item in items) + "]"
        notes = draw(st.lists(st.none() | _COMMENT, min_size=len(items), max_size=len(items)))
        lines = (
            f"  {basic_string(item)},{'  ' + note if note else ''}\n"
            for item, note in zip(items, notes, strict=True)
        )
        return "[\n" + "".join(lines) + "]"
    if key == "sources":
        sources = draw(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "url": st.just("https://example.org/#a"),
                        "publisher": _WORDS,
                        "title": _WORDS,
                    },
                ),
                max_size=3,
            )
        )
        return (
            "["
            + ", ".join(
                "{ " + ", ".join(f"{k} = {basic_string(v)}" for k, v in s.items()) + " }"
                for s in sources
            )
            + "]"
        )
    text = draw(_WORDS | _TEXT)
    return draw(st.sampled_from([basic_string(text), multiline_string(text)]))


@st.composite
def _table(
    draw: st.DrawFn, header: str, keys: list[str], fixed: dict[str, str] | None = None
) -> str:
    """A table of ``keys`` in any order (values drawn, or as in ``fixed``), with comments."""
    lines = [draw(_COMMENT) for _ in range(draw(st.integers(0, 1)))]
    lines.append(header + (" " + draw(_COMMENT) if draw(st.booleans()) else ""))
    for key in draw(st.permutations(keys)):
        lines += [draw(_COMMENT) for _ in range(draw(st.integers(0, 2)))]
        value = (fixed or {}).get(key) or draw(_value(key))
        line = f"{key} = {value}"
        if draw(st.booleans()):
            line += "  " + draw(_COMMENT)
        lines.append(line)
        lines += [""] * draw(st.integers(0, 1))
    return "\n".join(lines) + "\n"


@st.composite
def documents(draw: st.DrawFn, *, unique_ids: bool = False) -> str:
    """A document with a calendar and events, keys in any order, comments anywhere
    (with ``unique_ids``, at least one event, each with an id of its own)."""
    tables = [draw(_table("[calendar]", ["title", "description"]))]
    event_keys = ["id", "title", "date", "countries", "tags", "description", "sources"]
    for number in range(draw(st.integers(1 if unique_ids else 0, 4))):
        keys = draw(st.lists(st.sampled_from(event_keys), unique=True, min_size=1))
        if unique_ids:
            keys = ["id", *(key for key in keys if key != "id")]
        fixed = {"id": f'"event-{number}"'} if unique_ids else None
        tables.append(draw(_table("[[events]]", keys, fixed)))
    gaps = draw(
        st.lists(st.sampled_from(["", "\n", "\n\n"]), min_size=len(tables), max_size=len(tables))
    )
    return "".join(gap + table for gap, table in zip(gaps, tables, strict=True))


def _comments(text: str) -> list[str]:
    """The generated comments in ``text`` (trailing spaces aside: fmt removes them)."""
    return sorted(c.rstrip() for c in re.findall(r"#[abc #é—\]]*$", text, re.MULTILINE))


@settings(max_examples=150, deadline=None)
@given(documents())
def test_fmt_keeps_the_meaning_and_every_comment_and_is_idempotent(text: str) -> None:
    """Formatting parses as the same data (dates as dates), keeps comments, is a fixpoint."""
    before = tomllib.loads(text)
    once = formatted(text)
    assert tomllib.loads(once) == canonical_data(before)
    assert _comments(once) == _comments(text)
    assert formatted(once) == once


@pytest.mark.parametrize("text", ['"', 'a"', 'a""', '"""', "\n", "\na", "a\\", "\\\n", "a \\ b"])
def test_multiline_strings_keep_awkward_text(text: str) -> None:
    """Quotes and backslashes at the edges, leading line breaks: the value comes back."""
    assert tomllib.loads(f"x = {multiline_string(text)}")["x"] == text


def test_fmt_writes_lf_line_ends(tmp_path: Path) -> None:
    """A CRLF file is laid out with LF line ends, its meaning kept."""
    path = tmp_path / "events.toml"
    path.write_bytes(FORMATTED.replace("\n", "\r\n").encode("utf-8"))
    assert CliRunner().invoke(cli, ["fmt", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == FORMATTED


def test_a_section_comment_keeps_its_blank_lines() -> None:
    """A comment set apart from the table above and from the header below stays apart."""
    text = (
        '[calendar]\ntitle = "T"\n\n# --- 2024 ---\n\n[[events]]\nid = "a"\ntitle = "A"\n'
        "date = 2024-01-02\n"
    )
    assert formatted(text) == text


def test_changes_limit_is_written_where_the_readme_shows_it() -> None:
    """[calendar] changes_limit follows refresh_interval, before include."""
    text = (
        '[calendar]\ntitle = "Test"\ninclude = ["more.toml"]\nchanges_limit = 5\n'
        'refresh_interval = "PT12H"\n'
    )
    assert formatted(text) == (
        '[calendar]\ntitle = "Test"\nrefresh_interval = "PT12H"\nchanges_limit = 5\n'
        'include = ["more.toml"]\n'
    )


def test_the_layout_orders_every_key_the_validator_knows() -> None:
    """Each table's write order names exactly the validator's keys for that table."""
    from asean_timeline.layout import KEY_ORDER
    from asean_timeline.validate import constants

    assert set(KEY_ORDER["events"]) == set(constants.EVENT_KEYS)
    assert set(KEY_ORDER["sources"]) == set(constants.SOURCE_KEYS)
