"""What values may hold: whole-value patterns, hidden characters, and long values in messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from asean_timeline.load import parse_document
from asean_timeline.validate import Checked, validate

CALENDAR = '[calendar]\ntitle = "Test"\n'
EVENT = (
    '[[events]]\nid = "ev"\ntitle = "Event"\ndate = 2023-12-17\n'
    'sources = [{ publisher = "Kyodo News" }]\n'
)


def check(text: str) -> Checked:
    return validate(parse_document(text.encode(), "events.toml"))


def errors(text: str) -> list[str]:
    return [f"{p.field}: {p.message}" for p in check(text).errors]


def event(**keys: str) -> str:
    """The event, with each key given (a TOML value as written) replacing or added."""
    lines = EVENT.splitlines()
    for key, value in keys.items():
        found = [i for i, line in enumerate(lines) if line.startswith(f"{key} =")]
        if found:
            lines[found[0]] = f"{key} = {value}"
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (CALENDAR + event(id='"summit-2023\\n"'), "id"),
        (CALENDAR + 'uid_domain = "example.org\\n"\n' + EVENT, "uid_domain"),
        (CALENDAR + 'language = "en\\n"\n' + EVENT, "language"),
        (CALENDAR + 'refresh_interval = "PT12H\\n"\n' + EVENT, "refresh_interval"),
        (CALENDAR + EVENT + '[[calendars]]\nid = "named\\n"\ntitle = "Named"\n', "id"),
        (CALENDAR + event(tags='["summit\\n"]'), "tags"),
        (
            CALENDAR + event(sources='[{ publisher = "Kyodo News", published = "2023-04\\n" }]'),
            "sources",
        ),
    ],
    ids=["id", "uid_domain", "language", "refresh", "calendars-id", "tag", "published"],
)
def test_a_pattern_must_match_the_whole_value(text: str, field: str) -> None:
    """A slug, domain, language, duration or partial date followed by a line break is refused:
    `$` alone matches before a final newline, which would reach UID lines and file names."""
    assert [message.split(":")[0] for message in errors(text)] == [field]


def test_a_uid_never_holds_a_line_break(tmp_path: Path) -> None:
    """The id and uid_domain of the issue: render refuses them, and writes nothing."""
    source = tmp_path / "events.toml"
    source.write_text(
        CALENDAR + 'uid_domain = "example.org\\n"\n' + event(id='"summit-2023\\n"'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["render", str(source), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 1
    assert "field 'id'" in result.stderr
    assert "field 'uid_domain'" in result.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "text",
    [
        CALENDAR + event(date='"๒๐๒๓"'),
        CALENDAR + event(sources='[{ publisher = "Kyodo News", published = "٢٠٢٣-٠٤" }]'),
        CALENDAR + event(rrule='"FREQ=YEARLY;COUNT=๕"'),
        CALENDAR + event(rrule='"FREQ=YEARLY;COUNT=3;INTERVAL=٢"'),
    ],
    ids=["thai-year", "arabic-indic-month", "thai-count", "arabic-indic-interval"],
)
def test_numbers_are_written_in_ascii_digits(text: str) -> None:
    """Dates and rule numbers take the digits 0-9 only, as the JSON Schema and RFC 5545 do:
    other scripts' digits would be copied into outputs as they are."""
    assert len(errors(text)) == 1


HIDDEN = {
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "left-to-right mark": "\u200e",
    "right-to-left override": "\u202e",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "byte-order mark": "\ufeff",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "noncharacter FFFF": "\uffff",
    "noncharacter FDD0": "\ufdd0",
    "tag character": "\U000e0041",
}


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize("field", ["id", "tags", "url", "calendars-id", "source-url"])
def test_hidden_characters_are_refused_in_ids_tags_and_urls(field: str, char: str) -> None:
    """An invisible character in an id, a tag or a web address is refused: it would hide
    what a link leads to or make two ids that look the same."""
    escaped = f"\\U{ord(char):08X}"
    text = {
        "id": CALENDAR + event(id=f'"summit{escaped}-2023"'),
        "tags": CALENDAR + event(tags=f'["summit{escaped}"]'),
        "url": CALENDAR + event(url=f'"https://example.org/a{escaped}b"'),
        "calendars-id": CALENDAR + EVENT + f'[[calendars]]\nid = "m{escaped}a"\ntitle = "M"\n',
        "source-url": CALENDAR
        + event(sources=f'[{{ publisher = "K", url = "https://example.org/a{escaped}b" }}]'),
    }[field]
    assert len(errors(text)) == 1


REFUSED_IN_TEXT = {
    "line separator": ("\u2028", "a line separator (U+2028) at character 6"),
    "paragraph separator": ("\u2029", "a paragraph separator (U+2029) at character 6"),
    "byte-order mark": ("\ufeff", "an invisible byte-order mark (U+FEFF) at character 6"),
    "noncharacter": ("\uffff", "U+FFFF at character 6, which is not a character"),
    "bidi isolate": (
        "\u2067",
        "a bidirectional control character (U+2067) at character 6, which can make the "
        "text display in a misleading order",
    ),
}


@pytest.mark.parametrize(("char", "said"), REFUSED_IN_TEXT.values(), ids=REFUSED_IN_TEXT.keys())
@pytest.mark.parametrize("key", ["title", "description", "location"])
def test_text_refuses_separators_byte_order_marks_and_noncharacters(
    key: str, char: str, said: str
) -> None:
    """Text refuses the characters that change how the text around them displays or are
    not characters at all, saying which one and where."""
    text = CALENDAR + event(**{key: f'"Summi\\U{ord(char):08X}t"'})
    assert errors(text) == [f"{key}: {key} contains {said}"]


@pytest.mark.parametrize(
    "title",
    [
        "ประชุม\u200bสุดยอด\u200bอาเซียน",  # Thai: zero-width spaces between words
        "ការប្រជុំ\u200bកំពូល",  # Khmer
        "👩\u200d💼 ministers",  # an emoji joined by ZWJ
        "കേരള\u200dം",  # Malayalam with a zero-width joiner
        "قمة\u200f 2023",  # Arabic with a right-to-left mark
        "Sum\u00admit",  # a soft hyphen
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland",
    ],
    ids=["thai", "khmer", "emoji-zwj", "malayalam", "arabic-rlm", "soft-hyphen", "flag-tags"],
)
def test_text_keeps_the_invisible_characters_writing_needs(title: str) -> None:
    """Zero-width spaces and joiners, direction marks, soft hyphens and emoji tag
    characters belong to real text in the region's scripts: titles keep them as written."""
    timeline = check(CALENDAR + event(title='"' + title + '"')).timeline
    assert timeline is not None
    assert timeline.events[0].title == title


LONG = "a" * 1_000_000

LONG_VALUES = {
    "bare-word": CALENDAR + event(title=LONG),
    "curly-quotes": CALENDAR + event(title=f"“{LONG}”"),
    "unknown-key": CALENDAR + EVENT + f"{LONG} = 1\n",
    "top-level-key": f"{LONG} = 1\n" + CALENDAR + EVENT,
    "duplicate-id": CALENDAR + event(id=f'"{LONG}"') + event(id=f'"{LONG}"'),
    "duplicate-key": CALENDAR + EVENT + f"{LONG} = 1\n{LONG} = 2\n",
    "country": CALENDAR + event(countries=f'["{LONG}"]'),
    "tag-list": CALENDAR + event(tags=f'"{LONG}"'),
    "source-text": CALENDAR + event(sources=f'["{LONG}"]'),
    "calendars-id": CALENDAR + EVENT + f'[[calendars]]\nid = "{LONG}"\ntitle = "x"\n',
    "calendars-status": CALENDAR + EVENT + f'[[calendars]]\nid = "c"\ntitle = "x"\n'
    f'statuses = ["{LONG}"]\n',
    "rrule-freq": CALENDAR + event(rrule=f'"FREQ={LONG}"'),
    "rrule-part": CALENDAR + event(rrule=f'"{LONG}=1"'),
    "rrule-count": CALENDAR + event(rrule=f'"FREQ=DAILY;COUNT={"9" * 100_000}"'),
    "date-time-literal": CALENDAR + event(date="2023-02-30T" + "1" * 1_000_000),
    "duration-digits": CALENDAR
    + event(date="2023-12-17T10:00:00+09:00", duration=f'"PT{"9" * 100_000}H"').replace(
        "date =", "start ="
    ),
}


@pytest.mark.parametrize("text", LONG_VALUES.values(), ids=LONG_VALUES.keys())
def test_a_long_value_is_quoted_as_a_short_marked_excerpt(text: str, tmp_path: Path) -> None:
    """A value of a million characters on one line is shown as its first few dozen,
    cut with "…", in every message and hint: validate prints a few lines, not megabytes."""
    source = tmp_path / "events.toml"
    source.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(source)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr) < 1500, result.stderr[:3000]
    assert "…" in result.stderr


def test_inline_tables_nested_500_deep_are_a_clean_problem(tmp_path: Path) -> None:
    """Nesting deeper than the limit is one problem on its line and exit code 1, however
    the nesting is written (inline tables used to exhaust the key scanner's recursion)."""
    source = tmp_path / "events.toml"
    source.write_text(
        CALENDAR + EVENT + "extra = " + "{ a = " * 500 + "1" + " }" * 500 + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(source)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith(
        f"{source}:8: error: lists or tables are nested more than 100 levels deep"
    )


def test_no_check_matches_a_pattern_of_the_format_only_at_its_start() -> None:
    """Every use of the format's patterns in src/ is ``fullmatch``: ``match`` and ``search``
    with a pattern ending in ``$`` also accept a value followed by a line break."""
    import ast

    from asean_timeline.validate import constants

    patterns = {name for name, value in vars(constants).items() if hasattr(value, "fullmatch")}
    source = Path(__file__).resolve().parents[1] / "src"
    partial = [
        f"{path.name}:{node.lineno} {node.func.value.id}.{node.func.attr}"
        for path in sorted(source.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("match", "search")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in patterns
    ]
    assert patterns >= {"ID_PATTERN", "TAG_PATTERN", "DOMAIN_PATTERN", "PARTIAL_DATE"}
    assert partial == []
