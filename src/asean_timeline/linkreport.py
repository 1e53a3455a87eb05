"""Link-check results as text for people, JSON Lines for tools, or GitHub annotations.

One line per place an address is written (an address used twice is reported at both
lines), in file order. Addresses come from the file or the network: they are data,
so GitHub's workflow-command characters are escaped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from asean_timeline.linkcheck import Outcome, Verdict
from asean_timeline.report import github_annotation
from asean_timeline.sourcelinks import LinkTarget, SourceEdit

FORMATS = ("human", "json", "github")

_WORDS = {
    Verdict.OK: "ok",
    Verdict.REDIRECTED: "redirected",
    Verdict.MOVED: "moved permanently",
    Verdict.DEAD: "dead",
    Verdict.SKIPPED: "skipped",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One written address and what became of it."""

    target: LinkTarget
    outcome: Outcome

    @property
    def subject(self) -> str:
        """``event 'id'`` or ``event 'id', source #2``."""
        index = self.target.source_index
        source = "" if index is None else f", source #{index + 1}"
        return f"event {self.target.event_id!r}{source}"


def human(finding: Finding) -> str:
    """``events.toml:12: dead: https://… (404 Not Found), event 'x', source #1``."""
    outcome = finding.outcome
    text = f"{finding.target.location}: {_WORDS[outcome.verdict]}: {finding.target.url}"
    if outcome.new_url and outcome.verdict in (Verdict.MOVED, Verdict.REDIRECTED):
        text += f" -> {outcome.new_url}"
    if outcome.detail:
        text += f" ({outcome.detail})"
    text += f", {finding.subject}"
    if outcome.cached:
        text += f" [checked {outcome.checked:%Y-%m-%d}]"
    return text


def as_json(finding: Finding) -> str:
    """One JSON object on one line (keys documented in the README)."""
    target, outcome = finding.target, finding.outcome
    return json.dumps(
        {
            "file": target.file,
            "line": target.line,
            "event_id": target.event_id,
            "field": target.field,
            "url": target.url,
            "verdict": outcome.verdict.value,
            "status": outcome.status,
            "new_url": outcome.new_url,
            "detail": outcome.detail,
            "checked": outcome.checked.isoformat(),
            "cached": outcome.cached,
        },
        ensure_ascii=False,
    )


def github(finding: Finding) -> str | None:
    """A GitHub Actions annotation for a link that needs attention; None for ``ok``."""
    verdict = finding.outcome.verdict
    if verdict is Verdict.OK:
        return None
    command = {Verdict.DEAD: "error", Verdict.MOVED: "warning"}.get(verdict, "notice")
    title = f"{_WORDS[verdict]} link ({finding.subject})"
    message = human(finding).split(": ", 1)[1]
    return github_annotation(command, finding.target.file, title, message, line=finding.target.line)


def summary(findings: Sequence[Finding]) -> str:
    """``12 links: 9 ok, 1 moved permanently, 2 dead (4 from the cache)``."""
    counts = Counter(finding.outcome.verdict for finding in findings)
    parts = [f"{counts[verdict]} {_WORDS[verdict]}" for verdict in Verdict if counts[verdict]]
    cached = sum(finding.outcome.cached for finding in findings)
    text = f"{len(findings)} link{'s' * (len(findings) != 1)}"
    if parts:
        text += ": " + ", ".join(parts)
    if cached:
        text += f" ({cached} from the cache)"
    return text


def edit_line(edit: SourceEdit) -> str:
    """``events.toml: event 'x', source #1: archived = "https://…"`` (a day unquoted)."""
    where = "url" if edit.source_index is None else f"source #{edit.source_index + 1}"
    value = edit.shown_value if isinstance(edit.value, date) else json.dumps(edit.value)
    return f"{edit.file}: event {edit.event_id!r}, {where}: {edit.field} = {value}"


def edit_json(edit: SourceEdit) -> str:
    """An edit as one JSON object on one line."""
    return json.dumps(
        {
            "file": edit.file,
            "event_id": edit.event_id,
            "source_index": edit.source_index,
            "field": edit.field,
            "value": edit.shown_value,
        },
        ensure_ascii=False,
    )


def moved_edits(findings: Sequence[Finding]) -> list[SourceEdit]:
    """The edits ``--fix`` makes: each permanently moved address replaced by its new one."""
    return [
        SourceEdit(
            finding.target.file,
            finding.target.event_id,
            finding.target.source_index,
            "url",
            finding.outcome.new_url,
        )
        for finding in findings
        if finding.outcome.verdict is Verdict.MOVED and finding.outcome.new_url
    ]
