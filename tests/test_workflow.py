"""The example GitHub Actions workflow: every asean-timeline command it runs, run here.

The workflow is read as YAML; each job's ``run:`` scripts are run with bash, in a
temporary git repository laid out as the workflow expects (events.toml and a
committed dist/, a pull-request branch on top of ``origin/main``), with the step's
``env:`` and the GitHub expressions it uses given test values. Lines that need
GitHub itself (installing from the project's address, ``gh pr comment``) are not
run; the test names them, so a new line cannot slip by untested.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, SHIPPED

WORKFLOW = ROOT / "examples" / "github-actions" / "asean-timeline.yml"
BIN = Path(sys.executable).parent
#: The values the workflow's ${{ … }} expressions take in the test.
EXPRESSIONS = {
    "github.base_ref": "main",
    "github.token": "not-a-token",
    "github.event.pull_request.number": "7",
}
#: Lines that only GitHub can run; everything else is run.
NOT_RUN = re.compile(r"^(pip install |gh pr comment |\|\| gh pr comment )")


def _workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return document


def _expand(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        return EXPRESSIONS[match.group(1).strip()]

    return re.sub(r"\$\{\{(.*?)\}\}", replace, value)


def _git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *arguments], check=True, capture_output=True, text=True
    )
    return done.stdout


def _render(repo: Path) -> None:
    subprocess.run([BIN / "asean-timeline", "render"], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main with events.toml and its rendered dist/; a pull request on top that moves
    the summit a day and renders again; origin/main as checkout leaves it."""
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "config", "user.email", "test@example.org")
    _git(tmp_path, "config", "user.name", "Test")
    shutil.copy(SHIPPED, tmp_path / "events.toml")
    os.utime(tmp_path / "events.toml", (1_704_067_200, 1_704_067_200))
    _render(tmp_path)
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "timeline")
    _git(tmp_path, "update-ref", "refs/remotes/origin/main", "main")
    _git(tmp_path, "switch", "-q", "-c", "pull-request")
    path = tmp_path / "events.toml"
    path.write_text(path.read_text().replace("date = 2023-12-17", "date = 2023-12-18", 1))
    os.utime(path, (1_706_745_600, 1_706_745_600))
    _render(tmp_path)
    _git(tmp_path, "commit", "-qam", "move the summit")
    return tmp_path


def _run_job(job: dict[str, Any], repo: Path) -> tuple[list[str], list[str]]:
    """Run each step's script (minus the GitHub-only lines); the lines run and not run."""
    ran, skipped = [], []
    for step in job["steps"]:
        if "run" not in step:
            continue
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        env.pop("SOURCE_DATE_EPOCH", None)
        env.update({key: _expand(str(value)) for key, value in step.get("env", {}).items()})
        lines = []
        for line in step["run"].splitlines():
            bare = line.strip()
            if NOT_RUN.match(bare):
                skipped.append(bare)
            elif bare:
                assert "${{" not in bare, "pass expressions through env:, not into the script"
                lines.append(bare.removesuffix("\\").strip())
                ran.append(bare)
        if lines:
            script = "set -euo pipefail\n" + "\n".join(lines)
            done = subprocess.run(
                ["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"
    return ran, skipped


def test_the_workflow_triggers_and_permissions() -> None:
    """Pull requests get the review job, pushes to main publish to Pages."""
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["review"]["permissions"]["pull-requests"] == "write"
    assert jobs["publish"]["permissions"] == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
    }
    uses = [step.get("uses", "") for step in jobs["publish"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_pull_request_job_runs_here(repo: Path) -> None:
    """validate --format github, render --check and diff --format markdown all pass on
    a pull request, and the comment it would post tells the change in words."""
    ran, skipped = _run_job(_workflow()["jobs"]["review"], repo)
    assert [line.split()[1] for line in ran if line.startswith("asean-timeline")] == [
        "validate",
        "render",
        "diff",
    ]
    assert skipped == [
        'pip install "asean-timeline @ git+https://example.org/your/asean-timeline.git@v0.1.0"',
        'gh pr comment "$PR_NUMBER" --edit-last --body-file diff.md \\',
        '|| gh pr comment "$PR_NUMBER" --body-file diff.md',
    ]
    comment = (repo / "diff.md").read_text(encoding="utf-8")
    assert comment.startswith("### Timeline changes: 1 changed")
    assert "date: 17 December 2023 → 18 December 2023" in comment


def test_pull_request_job_fails_on_a_stale_dist(repo: Path) -> None:
    """An edit committed without rendering fails the review job's render --check."""
    path = repo / "events.toml"
    path.write_text(path.read_text().replace("date = 2023-12-18", "date = 2023-12-19", 1))
    _git(repo, "commit", "-qam", "forgot to render")
    with pytest.raises(AssertionError, match="dist/ is up to date"):
        _run_job(_workflow()["jobs"]["review"], repo)


def test_publish_job_renders_dist(repo: Path) -> None:
    """On main the publish job renders dist/ (up to date: nothing changes) for Pages."""
    _git(repo, "switch", "-q", "main")
    shutil.rmtree(repo / "dist" / "calendars")
    ran, skipped = _run_job(_workflow()["jobs"]["publish"], repo)
    assert "asean-timeline render events.toml --out dist" in ran
    assert len(skipped) == 1
    assert (repo / "dist" / "calendars" / "countries" / "MY.ics").is_file()
    assert _git(repo, "status", "--porcelain") == ""
