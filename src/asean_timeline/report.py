"""Problems as text for people, JSON Lines for tools, or GitHub Actions annotations."""

from __future__ import annotations

from collections.abc import Sequence

from asean_timeline.problems import Problem, Severity

FORMATS = ("human", "json", "github")


def human(problem: Problem) -> str:
    """``events.toml:12: error: event 'x', field 'date': … \\n  fix: …``."""
    about = []
    if problem.event_id:
        about.append(f"event {problem.event_id!r}")
    elif problem.event_number is not None:
        about.append(f"event #{problem.event_number}")
    if problem.field:
        about.append(f"field {problem.field!r}")
    subject = (", ".join(about) + ": ") if about else ""
    text = f"{problem.location}: {problem.severity.value}: {subject}{problem.message}"
    if problem.hint:
        text += f"\n  fix: {problem.hint}"
    return text


def as_json(problem: Problem) -> str:
    """One JSON object on one line; the schema is documented in the README."""
    import json  # only for --error-format json: kept off every start-up

    return json.dumps(
        {
            "severity": problem.severity.value,
            "file": problem.file,
            "line": problem.line,
            "column": problem.column,
            "event_id": problem.event_id,
            "field": problem.field,
            "message": problem.message,
            "hint": problem.hint,
        },
        ensure_ascii=False,
    )


def github(problem: Problem) -> str:
    """A GitHub Actions workflow command that annotates the line in a pull request."""
    title = "asean-timeline"
    if problem.event_id:
        title += f" {problem.event_id}"
    elif problem.event_number is not None:
        title += f" event #{problem.event_number}"
    message = problem.message + (f" (fix: {problem.hint})" if problem.hint else "")
    command = "error" if problem.severity is Severity.ERROR else "warning"
    return github_annotation(
        command, problem.file, title, message, line=problem.line, column=problem.column
    )


def github_annotation(
    command: str,
    file: str,
    title: str,
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
) -> str:
    """``::command file=…,line=…,col=…,title=…::message``, each part escaped for GitHub.

    GitHub reads ``%``, CR and LF as escapes everywhere, and ``:`` and ``,`` also end
    a property, so text from the file or the network cannot add a command or a property.
    """
    properties = [f"file={_property(file)}"]
    if line is not None:
        properties.append(f"line={line}")
    if column is not None:
        properties.append(f"col={column}")
    properties.append(f"title={_property(title)}")
    return f"::{command} {','.join(properties)}::{_data(message)}"


def summary(problems: Sequence[Problem]) -> str:
    """``2 errors, 1 warning``."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
