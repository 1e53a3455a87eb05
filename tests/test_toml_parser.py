"""The TOML parser: rtoml when installed, tomllib as fallback, with the same verdicts.

rtoml reads TOML 1.1, tomllib (Python 3.11–3.14) TOML 1.0. Apart from 1.1's additions
(tests/data/toml11/), both must read every document to the same values and refuse the
same documents, so which one ran never changes what validate says.
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import rtoml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from asean_timeline.cli import cli
from asean_timeline.load import parse_document
from asean_timeline.validate import validate
from tests.conftest import DATA, ROOT

TOML11 = DATA / "toml11"
TOML11_CASES = sorted(TOML11.glob("*.toml"))
# Every TOML file in the repository outside tests/data/toml11: the shipped timeline, the
# README examples' data, the golden inputs and the whole bad-input corpus.
REPOSITORY_TOML = sorted(
    path
    for pattern in ("*.toml", "tests/**/*.toml", "benchmarks/**/*.toml")
    for path in ROOT.glob(pattern)
    if TOML11 not in path.parents and ".venv" not in path.parts
)


def _comparable(value: Any) -> Any:
    """``value`` with each offset date-time as (wall time, offset): rtoml has its own tzinfo."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return ("offset date-time", value.replace(tzinfo=None), value.utcoffset())
    if isinstance(value, float) and value != value:
        return "nan"  # nan != nan, but both parsers reading nan is agreement
    return value


def _verdict(loads: Any, text: str) -> Any:
    try:
        return ("read", _comparable(loads(text)))
    except Exception:  # each parser raises its own error type
        return ("refused",)


def _without_rtoml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import rtoml`` fail, as on a machine without it."""
    monkeypatch.setitem(sys.modules, "rtoml", None)


def test_repository_has_toml_files_to_compare() -> None:
    """The comparison below covers the shipped file and the whole bad-input corpus."""
    assert ROOT / "events.toml" in REPOSITORY_TOML
    assert len([p for p in REPOSITORY_TOML if p.parent.name == "invalid"]) > 100


@pytest.mark.parametrize("path", REPOSITORY_TOML, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_agree_on_repository_files(path: Path) -> None:
    """rtoml and tomllib read each file to the same values, or both refuse it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before any parser runs")
    assert _verdict(rtoml.loads, text) == _verdict(tomllib.loads, text)


@pytest.mark.parametrize("path", TOML11_CASES, ids=lambda p: p.stem)
def test_toml_11_additions_are_accepted(path: Path) -> None:
    """What only TOML 1.1 allows is valid input: rtoml reads it, tomllib refuses it."""
    text = path.read_text(encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    checked = validate(parse_document(text.encode(), path.name))
    assert checked.problems == ()
    assert checked.timeline is not None
    assert [event.id for event in checked.timeline.events] == ["summit"]


@pytest.mark.parametrize("path", TOML11_CASES, ids=lambda p: p.stem)
def test_without_rtoml_tomllib_explains_toml_11_additions(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without rtoml the same files get tomllib's verdict, explained with file:line."""
    _without_rtoml(monkeypatch)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    expected = path.with_suffix(".tomllib-expected").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert result.stderr == expected.replace(path.name, str(path))


def test_without_rtoml_the_shipped_timeline_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fallback builds the same timeline from events.toml as rtoml does."""
    raw = (ROOT / "events.toml").read_bytes()
    with_rtoml = validate(parse_document(raw, "events.toml"))
    _without_rtoml(monkeypatch)
    with_tomllib = validate(parse_document(raw, "events.toml"))
    assert with_tomllib.timeline == with_rtoml.timeline
    assert with_tomllib.problems == with_rtoml.problems


def test_a_value_only_tomllib_reads_is_still_read() -> None:
    """rtoml refuses a float beyond double range; tomllib reads it as inf, so we do too."""
    document = parse_document(b'[calendar]\ntitle = "T"\nx = 1e400\n', "events.toml")
    assert document.data["calendar"]["x"] == float("inf")


# -- generated documents ----------------------------------------------------------------

_text = st.text(max_size=12)
_scalars = st.one_of(
    _text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1)),
    st.times(),
    st.datetimes(),
    st.builds(
        lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))),
        st.datetimes(),
        st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
    ),
)
_keys = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True), _text)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=8,
)


def _key(key: str) -> str:
    return (
        key
        if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
        else (json.dumps(key, ensure_ascii=False))
    )


def _value(value: Any) -> str:
    """TOML for ``value``: JSON strings, ISO dates, and whatever repr gives for floats."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # may hold what TOML refuses: good
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"


@settings(deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5), st.sampled_from(["", "\n", "\r\n"]))
def test_both_parsers_agree_on_generated_documents(document: dict[str, Any], trailer: str) -> None:
    """Keys, strings, numbers, dates and nesting of every kind read the same or fail alike."""
    text = "\n".join(f"{_key(k)} = {_value(v)}" for k, v in document.items()) + trailer
    assert _verdict(rtoml.loads, text) == _verdict(tomllib.loads, text)


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("ab=[]{}\"'.,#\n 1-:T\\"), max_size=40))
def test_both_parsers_agree_on_fragments(text: str) -> None:
    """Random TOML-ish fragments are read the same or refused alike (1.1 forms excluded)."""
    verdicts = _verdict(rtoml.loads, text), _verdict(tomllib.loads, text)
    if verdicts[0] != verdicts[1] and verdicts[1] == ("refused",):
        # rtoml may read TOML 1.1 that tomllib refuses: only a line break or a
        # trailing comma inside an inline table, or a time without seconds.
        assert "{" in text or ":" in text, text
        return
    assert verdicts[0] == verdicts[1], text
