"""The bad-input corpus: every case in tests/data/invalid gets a clear answer, never a traceback.

Each case is ``NAME.toml`` (or an entry of ``cases.toml`` for inputs that cannot be a
plain file) with ``NAME.expected``, the exact stderr of ``asean-timeline validate
NAME.toml`` run in the case's folder. See tests/data/invalid/README.md.

After an intended change of wording, regenerate and then *read* the expected files::

    UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/test_invalid_corpus.py
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline.cli import cli
from tests.conftest import DATA

CORPUS = DATA / "invalid"
MANIFEST = CORPUS / "cases.toml"
UPDATE = os.environ.get("UPDATE_EXPECTED") == "1"
MINIMUM_CASES = 70


@dataclass(frozen=True)
class Case:
    """One bad input: how to put it on disk under ``NAME.toml``."""

    name: str
    kind: str  # "file" (NAME.toml), "missing", "directory" or "bytes"
    content: bytes = b""

    @property
    def filename(self) -> str:
        return f"{self.name}.toml"

    @property
    def expected_path(self) -> Path:
        return CORPUS / f"{self.name}.expected"

    def materialise(self, folder: Path) -> None:
        """Create the input in ``folder`` as ``NAME.toml`` (nothing for a missing file)."""
        target = folder / self.filename
        if self.kind == "directory":
            target.mkdir()
        elif self.kind in ("file", "bytes"):
            target.write_bytes(self.content)


def _manifest_case(name: str, spec: dict[str, object]) -> Case:
    kind = spec.get("kind")
    if kind in ("missing", "directory"):
        return Case(name, str(kind))
    if kind == "bytes":
        text = spec["bytes"]
        repeat = spec.get("repeat", 1)
        assert isinstance(text, str)
        assert isinstance(repeat, int)
        # Each character U+0000-U+00FF stands for the byte of the same value.
        return Case(name, "bytes", text.encode("latin-1") * repeat)
    raise AssertionError(f"cases.toml: [{name}] has an unknown kind {kind!r}")


def load_cases() -> list[Case]:
    """Every case: the NAME.toml files, then the entries of cases.toml."""
    cases = [
        Case(path.stem, "file", path.read_bytes())
        for path in sorted(CORPUS.glob("*.toml"))
        if path != MANIFEST
    ]
    manifest = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    cases += [_manifest_case(name, spec) for name, spec in sorted(manifest.items())]
    return cases


CASES = load_cases()


def _expected_exit_code(expected: str) -> int:
    """0 when the summary counts no errors (warnings only), else 1."""
    return 0 if re.search(r"^0 errors, ", expected, re.MULTILINE) else 1


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_corpus_is_large_enough() -> None:
    """The issue asks for at least 70 kinds of bad input."""
    assert len(CASES) >= MINIMUM_CASES, len(CASES)


def test_every_case_has_one_expected_file_and_names_are_unique() -> None:
    """No case without its expected output, no expected output without a case."""
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), "a cases.toml entry repeats a NAME.toml file"
    expected = sorted(path.stem for path in CORPUS.glob("*.expected"))
    if not UPDATE:
        assert expected == sorted(names)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_validate_answers_clearly(case: Case, in_tmp: Path) -> None:
    """validate prints exactly the expected lines on stderr, nothing on stdout, no traceback."""
    case.materialise(in_tmp)
    result = CliRunner().invoke(cli, ["validate", case.filename])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    if UPDATE:
        case.expected_path.write_text(result.stderr, encoding="utf-8")
    expected = case.expected_path.read_text(encoding="utf-8")
    assert result.stderr == expected
    assert result.exit_code == _expected_exit_code(expected)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_render_writes_nothing(case: Case, in_tmp: Path) -> None:
    """render --out on a bad input exits 1 and creates no file or folder.

    Cases with warnings only (which render accepts) are rendered with --strict.
    """
    warnings_only = _expected_exit_code(case.expected_path.read_text(encoding="utf-8")) == 0
    case.materialise(in_tmp)
    before = sorted(in_tmp.rglob("*"))
    strict = ["--strict"] if warnings_only else []
    result = CliRunner().invoke(cli, ["render", case.filename, "--out", "out", *strict])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert sorted(in_tmp.rglob("*")) == before
