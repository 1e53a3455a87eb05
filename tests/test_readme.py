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


def test_cli_reference_covers_every_command() -> None:
    """Each command on the click group (serve and schema included) has a section."""
    from asean_timeline.cli import cli

    text = README.read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"### `asean-timeline {name}`" in text, name


def test_cli_reference_walks_nested_groups_and_skips_hidden_commands() -> None:
    """A group inside the group lists its own commands; hidden ones are left out."""
    import click

    @click.group()
    def top() -> None:
        """Top."""

    @top.group()
    def sources() -> None:
        """A nested group."""

    @sources.command()
    def archive() -> None:
        """Archive."""

    @top.command(hidden=True)
    def secret() -> None:
        """Hidden."""

    @top.command()
    def add() -> None:
        """Add."""

    paths = _cli_reference_module().command_paths(top)
    assert paths == [(), ("add",), ("sources",), ("sources", "archive")]


def test_problem_format_option_has_one_name_and_the_old_one_still_works(tmp_path: Path) -> None:
    """--error-format in validate, render and export; validate/render still read --format."""
    from click.testing import CliRunner

    from asean_timeline.cli import cli

    runner = CliRunner()
    missing = str(tmp_path / "missing.toml")
    for command in (["validate"], ["render"], ["export", "--format", "ics"]):
        help_text = runner.invoke(cli, [*command, "--help"]).output
        assert "--error-format [human|json|github]" in help_text
        result = runner.invoke(cli, [*command, missing, "--error-format", "json"])
        assert result.exit_code == 1
        assert '"message": "no such file"' in result.output
    for command in (["validate"], ["render"]):
        assert "--format [human" not in runner.invoke(cli, [*command, "--help"]).output
        result = runner.invoke(cli, [*command, missing, "--format", "github"])
        assert result.output.startswith("::error file=")
