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
