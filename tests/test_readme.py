"""The README stays true: its CLI reference and its examples match the program."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from tests.conftest import ROOT

README = ROOT / "README.md"


def _cli_reference_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts/cli_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current() -> None:
    """README's CLI reference equals today's --help (regenerate with scripts/cli_reference.py)."""
    text = README.read_text(encoding="utf-8")
    assert _cli_reference_module().updated(text) == text


def test_readme_toml_examples_are_valid(tmp_path: Path) -> None:
    """The recurring-event example in the README validates."""
    from asean_timeline.load import parse_document
    from asean_timeline.validate import validate

    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    recurring = next(b for b in blocks if "rrule" in b)
    document = '[calendar]\ntitle = "T"\n' + recurring + ('sources = [{ publisher = "P" }]\n')
    checked = validate(parse_document(document.encode(), "README.md"))
    assert checked.problems == ()
