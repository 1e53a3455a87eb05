"""The editor schema (events.schema.json) agrees with the validator."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from asean_timeline import validate
from asean_timeline.schema import dumps, schema
from tests.conftest import FULL, ROOT, SHIPPED


def _as_json(value: Any) -> Any:
    """TOML values as a TOML-aware editor presents them to JSON Schema."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker())


def test_committed_schema_is_current() -> None:
    """events.schema.json is exactly what `asean-timeline schema` prints."""
    assert (ROOT / "events.schema.json").read_bytes() == dumps()


def test_shipped_file_points_editors_at_the_schema() -> None:
    """events.toml starts with Taplo's #:schema directive."""
    assert SHIPPED.read_text(encoding="utf-8").startswith("#:schema ./events.schema.json\n")


def test_schema_is_a_valid_draft_7_schema() -> None:
    """The schema itself is well formed."""
    jsonschema.Draft7Validator.check_schema(schema())


def test_schema_knows_exactly_the_validators_keys() -> None:
    """Every key the validator accepts is in the schema, and no other."""
    document = schema()
    event = document["properties"]["events"]["items"]
    assert set(document["properties"]["calendar"]["properties"]) == set(validate.CALENDAR_KEYS)
    assert set(event["properties"]) == set(validate.EVENT_KEYS)
    assert set(event["properties"]["sources"]["items"]["properties"]) == set(validate.SOURCE_KEYS)


@pytest.mark.parametrize("path", [SHIPPED, FULL], ids=["shipped", "full"])
def test_valid_files_satisfy_the_schema(path: Path) -> None:
    """Files the validator accepts raise no schema error in an editor."""
    data = _as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    errors = [error.message for error in _validator().iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("snippet", "reason"),
    [
        ('titel = "x"', "unknown key"),
        ("title = 5", "wrong type"),
        ('status = "canceled"', "not a status"),
        ('countries = ["Japan"]', "not a country code"),
        ('tags = ["Maritime Security"]', "not a slug"),
        ('timezone = "Asia/Tokio"', "unknown zone"),
        ('url = "javascript:alert(1)"', "not http(s)"),
        ('title = "' + "x" * 201 + '"', "too long"),
    ],
)
def test_schema_flags_what_an_editor_can_see(snippet: str, reason: str) -> None:
    """Mistakes visible without reasoning are schema errors too (as the validator says)."""
    text = '[calendar]\ntitle = "T"\n[[events]]\nid = "e"\ntitle = "E"\ndate = 2023-12-17\n'
    key = snippet.split(" =", 1)[0]
    lines = [line for line in text.splitlines() if not line.startswith(f"{key} =")]
    data = _as_json(tomllib.loads("\n".join([*lines, snippet])))
    assert list(_validator().iter_errors(data)), reason


def test_pre_commit_hooks_run_real_commands() -> None:
    """.pre-commit-hooks.yaml names commands that exist, on events.toml."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: asean-timeline validate\n" in text
    assert "entry: asean-timeline render --check\n" in text
    assert "entry: asean-timeline fmt --check\n" in text
    assert text.count("pass_filenames: false") == 3


INVALID = ROOT / "tests" / "data" / "invalid"


def _corpus_documents() -> list[Path]:
    paths = []
    for path in sorted(INVALID.glob("*.toml")):
        if path.name == "cases.toml":
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
            continue  # syntax errors never reach a schema
        paths.append(path)
    return paths


@pytest.mark.parametrize("path", _corpus_documents(), ids=lambda p: p.stem)
def test_schema_never_flags_what_the_validator_accepts(path: Path) -> None:
    """On the bad-input corpus, a schema error always comes with a validator error.

    The schema may miss problems that need reasoning (impossible dates, DST
    gaps, duplicate ids), but it must never show an editor error for a file
    that validates.
    """
    from asean_timeline.load import parse_document
    from asean_timeline.problems import InvalidInputError
    from asean_timeline.validate import validate as run_validator

    data = _as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    schema_errors = list(_validator().iter_errors(data))
    try:
        validator_errors = bool(run_validator(parse_document(path.read_bytes(), path.name)).errors)
    except InvalidInputError:
        validator_errors = True  # refused while reading (an empty file, a stray CR)
    if schema_errors:
        assert validator_errors, [e.message for e in schema_errors]


def test_corpus_is_mostly_caught_by_the_schema_too() -> None:
    """Most corpus mistakes are visible to an editor as well (guards against a lax schema)."""
    caught = sum(
        bool(list(_validator().iter_errors(_as_json(tomllib.loads(p.read_text(encoding="utf-8"))))))
        for p in _corpus_documents()
    )
    assert caught >= len(_corpus_documents()) // 2


def test_schema_limits_and_patterns_are_the_validators() -> None:
    """Every limit and pattern in the schema is the one in validate.constants."""
    from asean_timeline.schema import json_pattern
    from asean_timeline.validate import constants

    document = schema()
    calendar = document["properties"]["calendar"]["properties"]
    event = document["properties"]["events"]["items"]["properties"]
    subcalendar = document["properties"]["calendars"]["items"]["properties"]
    source = event["sources"]["items"]["properties"]
    year = next(item for item in event["date"]["anyOf"] if item.get("type") == "integer")
    assert (year["minimum"], year["maximum"]) == (constants.MIN_YEAR, constants.MAX_YEAR)
    partial = next(item for item in event["date"]["anyOf"] if "pattern" in item)
    assert partial["pattern"] == json_pattern(constants.PARTIAL_DATE)
    assert source["published"]["anyOf"][1]["pattern"] == json_pattern(constants.PARTIAL_DATE)
    assert event["duration"]["pattern"] == json_pattern(constants.DURATION_PATTERN)
    assert calendar["refresh_interval"]["pattern"] == json_pattern(constants.DURATION_PATTERN)
    for identifier in (event["id"], subcalendar["id"]):
        assert identifier["pattern"] == json_pattern(constants.ID_PATTERN)
        assert identifier["maxLength"] == constants.MAX_LENGTH["id"]
    assert event["tags"]["items"]["pattern"] == json_pattern(constants.TAG_PATTERN)
    assert event["tags"]["items"]["maxLength"] == constants.MAX_LENGTH["tag"]
    assert calendar["uid_domain"]["pattern"] == json_pattern(constants.DOMAIN_PATTERN)
    assert calendar["uid_domain"]["maxLength"] == constants.MAX_DOMAIN_LENGTH
    assert calendar["language"]["pattern"] == json_pattern(constants.LANGUAGE_PATTERN)
    assert calendar["language"]["maxLength"] == constants.MAX_LANGUAGE_LENGTH
    for field in ("title", "location", "description"):
        assert event[field]["maxLength"] == constants.MAX_LENGTH[field]
    for url in (event["url"], calendar["url"], source["url"]):
        assert url["maxLength"] == constants.MAX_LENGTH["url"]


@pytest.mark.parametrize(
    ("name", "samples"),
    [
        ("ID_PATTERN", ["summit-2023", "a", "-a", "a-", "A", "a_b", "a\n", ""]),
        ("DOMAIN_PATTERN", ["example.org", "a", "-x.org", "x.org.", "EXAMPLE.org"]),
        ("PARTIAL_DATE", ["2023", "2023-04", "2023-04-01", "23", "2023-4", "2023-04-01x"]),
        ("DURATION_PATTERN", ["PT2H", "P1W", "P1DT30M", "PT", "2H", "P1H"]),
        ("LANGUAGE_PATTERN", ["en", "en-GB", "zh-Hant-TW", "e", "en_GB"]),
    ],
)
def test_schema_patterns_accept_what_the_validator_accepts(name: str, samples: list[str]) -> None:
    """The schema's form of each pattern (as JSON Schema applies it) agrees with the validator's
    own pattern on values it accepts and refuses (a bare final newline included)."""
    import re

    from asean_timeline.schema import json_pattern
    from asean_timeline.validate import constants

    pattern: re.Pattern[str] = getattr(constants, name)
    checker = jsonschema.Draft7Validator({"type": "string", "pattern": json_pattern(pattern)})
    for sample in samples:
        validator_accepts = pattern.fullmatch(sample) is not None
        # Python's $ also matches before a final newline: that is the patterns' own matter
        # (full-string matching in the validator), not a difference between the two.
        assert checker.is_valid(sample) == validator_accepts or sample.endswith("\n"), sample
