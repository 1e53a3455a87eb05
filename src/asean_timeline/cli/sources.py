"""``asean-timeline sources``: check that every link still works, and keep archived copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from asean_timeline.cli.app import cli, file_argument, problem_format_option

if TYPE_CHECKING:
    from collections.abc import Callable

    from asean_timeline.fetch import Settings
    from asean_timeline.includes import Sources
    from asean_timeline.sourcelinks import SourceEdit

LINK_FORMATS = ("human", "json", "github")  # linkreport.FORMATS (a test checks)
DEFAULT_AVAILABILITY = "https://archive.org/wayback/available"  # archive.AVAILABILITY_SERVICE
DEFAULT_SAVE = "https://web.archive.org/save/"  # archive.SAVE_SERVICE (a test checks)


@cli.group()
def sources() -> None:
    """Check the links of sources and events, and keep archived copies of sources.

    \b
    Examples:
      asean-timeline sources check --strict
      asean-timeline sources archive --save
    """


def _network_options(
    concurrency: int, private: bool
) -> Callable[[click.decorators.FC], click.decorators.FC]:
    options = [
        click.option(
            "--concurrency",
            type=click.IntRange(1, 256),
            default=concurrency,
            show_default=True,
            help="Requests at once overall (never more than 2 to one host).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 300),
            default=10.0,
            show_default=True,
            help="Seconds to connect and to wait for each part of an answer; "
            "an answer may take twice this in all.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 10),
            default=2,
            show_default=True,
            help="Retries after 429 or 503 (waiting as Retry-After asks, at most 30 s).",
        ),
    ]
    if private:
        options.append(
            click.option(
                "--allow-private",
                is_flag=True,
                help="Also request hosts with private or local addresses (skipped by default).",
            )
        )

    def decorate(function: click.decorators.FC) -> click.decorators.FC:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def _web_address(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise click.BadParameter(f"{value!r} is not an http(s) address", param=param)
    return value


def _settings(concurrency: int, timeout: float, retries: int, allow_private: bool) -> Settings:
    from asean_timeline.fetch import Settings

    return Settings(
        concurrency=concurrency,
        timeout=timeout,
        deadline=2 * timeout,
        retries=retries,
        allow_private=allow_private,
    )


@sources.command()
@file_argument
@click.option(
    "--format",
    "style",
    type=click.Choice(LINK_FORMATS),
    default="human",
    show_default=True,
    help="For people, as JSON Lines, or as GitHub annotations (links that need attention).",
)
@click.option("--strict", is_flag=True, help="Exit 1 if any link is dead.")
@click.option(
    "--max-age",
    type=click.FloatRange(0),
    default=7.0,
    show_default=True,
    help="Days a cached result stays good; older links are checked again (0: check all).",
)
@click.option(
    "--cache",
    "cache_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Results cache [default: .<FILE name>.links.json beside FILE].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option(
    "--fix",
    is_flag=True,
    help="Replace each permanently moved address in the file with its new one.",
)
@click.option("--dry-run", is_flag=True, help="With --fix: say what would change; write nothing.")
@_network_options(concurrency=16, private=True)
@problem_format_option()
def check(
    file: Path,
    style: str,
    strict: bool,
    max_age: float,
    cache_file: Path | None,
    no_cache: bool,
    fix: bool,
    dry_run: bool,
    concurrency: int,
    timeout: float,
    retries: int,
    allow_private: bool,
) -> None:
    """Request every source and event address of FILE (default: ./events.toml).

    Each address is reported at its line: ok, redirected, moved permanently (with
    the new address) or dead (4xx, 5xx, no such host, TLS failure, timeout). Hosts
    with private or local addresses are skipped unless --allow-private. Results are
    cached beside FILE, so a re-run checks only links older than --max-age days.
    --fix writes the new address of each permanently moved one into the file.

    \b
    Examples:
      asean-timeline sources check
      asean-timeline sources check --format github --strict   # in CI
    """
    from asean_timeline import linkcache, linkreport
    from asean_timeline.linkcheck import Verdict, run_checks
    from asean_timeline.problems import OutputError
    from asean_timeline.progress import Progress
    from asean_timeline.sourcelinks import load_targets

    targets, timeline_files = load_targets(file)
    path = cache_file or linkcache.cache_path(file)
    cached = {} if no_cache else linkcache.read_cache(path)
    now = datetime.now(UTC)
    checked = 0

    def advance(_outcome: object) -> None:
        nonlocal checked
        checked += 1
        progress.update(checked)

    with Progress("checking links", len({target.url for target in targets})) as progress:
        outcomes = run_checks(
            (target.url for target in targets),
            _settings(concurrency, timeout, retries, allow_private),
            now,
            cached=cached,
            max_age=timedelta(days=max_age),
            on_outcome=advance,
        )
    if not no_cache:
        try:
            linkcache.write_cache(path, outcomes)
        except OutputError as error:
            click.secho(f"warning: {error.message} (the results cache)", err=True, fg="yellow")
    findings = [linkreport.Finding(target, outcomes[target.url]) for target in targets]
    for finding in findings:
        if style == "json":
            click.echo(linkreport.as_json(finding))
        elif style == "github":
            line = linkreport.github(finding)
            if line is not None:
                click.echo(line)
        else:
            colour = {Verdict.DEAD: "red", Verdict.OK: None}.get(finding.outcome.verdict, "yellow")
            click.secho(linkreport.human(finding), fg=colour)
    if fix:
        _write_edits(timeline_files, linkreport.moved_edits(findings), dry_run)
    click.echo(linkreport.summary(findings), err=True)
    skipped = sum(finding.outcome.verdict is Verdict.SKIPPED for finding in findings)
    if skipped:
        click.secho(
            f"warning: {skipped} link{'s' * (skipped != 1)} skipped: private or local hosts are "
            "not requested (pass --allow-private to check them)",
            err=True,
            fg="yellow",
        )
    if strict and any(finding.outcome.verdict is Verdict.DEAD for finding in findings):
        click.get_current_context().exit(1)


@sources.command()
@file_argument
@click.option(
    "--service",
    default=DEFAULT_AVAILABILITY,
    show_default=True,
    callback=_web_address,
    help="The Wayback availability API to ask (or a self-hosted one with the same answers).",
)
@click.option("--save", is_flag=True, help="Request a capture where the archive has none.")
@click.option(
    "--save-service",
    default=DEFAULT_SAVE,
    show_default=True,
    callback=_web_address,
    help="Save Page Now: the address to request is appended to this.",
)
@click.option(
    "--format",
    "style",
    type=click.Choice(("human", "json")),
    default="human",
    show_default=True,
    help="For people, or one JSON object per edit per line.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@_network_options(concurrency=4, private=False)
@problem_format_option()
def archive(
    file: Path,
    service: str,
    save: bool,
    save_service: str,
    style: str,
    dry_run: bool,
    concurrency: int,
    timeout: float,
    retries: int,
) -> None:
    """Find an archived copy of each source of FILE that has none (default: ./events.toml).

    Asks the Wayback Machine for the snapshot closest to the source's `accessed`
    date (else `published`); with --save, requests a capture where there is none.
    Each copy found is written into the source as `archived` and `archived_on`
    (comments and layout kept; nothing is written if the file changed meanwhile).

    \b
    Examples:
      asean-timeline sources archive --dry-run
      asean-timeline sources archive --save
    """
    from asean_timeline import linkreport
    from asean_timeline.archive import ArchiveServices, ArchiveStatus, archive_sources
    from asean_timeline.sourcelinks import load_targets

    targets, timeline_files = load_targets(file)
    # Only the archive is requested, at an address the user chose: no host to guard.
    settings = _settings(concurrency, timeout, retries, allow_private=True)
    results = archive_sources(targets, settings, ArchiveServices(service, save_service), save=save)
    failed = 0
    for result in results:
        if style == "json":
            for edit in result.edits:
                click.echo(linkreport.edit_json(edit))
            continue
        where = f"{result.target.location}: {result.target.url}"
        if result.status in (ArchiveStatus.FOUND, ArchiveStatus.SAVED):
            click.echo(f"{where}: {result.status.value} {result.snapshot} ({result.snapshot_on})")
        else:
            failed += result.status is ArchiveStatus.FAILED
            colour = "red" if result.status is ArchiveStatus.FAILED else "yellow"
            click.secho(f"{where}: {result.status.value}: {result.detail}", fg=colour)
    found = sum(bool(result.edits) for result in results)
    click.echo(
        f"{len(results)} sources without an archived copy: {found} found, {failed} failed",
        err=True,
    )
    _write_edits(
        timeline_files, [edit for result in results for edit in result.edits], dry_run, quiet=True
    )


def _write_edits(
    timeline_files: Sources, edits: list[SourceEdit], dry_run: bool, *, quiet: bool = False
) -> None:
    """Make ``edits`` with the source-file writer and say what changed (or would)."""
    from asean_timeline import linkreport
    from asean_timeline.sourcelinks import apply_edits

    if not edits:
        return
    verb = "would set" if dry_run else "set"
    if not quiet:
        for edit in edits:
            click.echo(f"{verb} {linkreport.edit_line(edit)}", err=True)
    results = apply_edits(timeline_files, edits, dry_run=dry_run)
    count = f"{len(edits)} edit{'s' * (len(edits) != 1)}"
    if dry_run:
        click.echo(f"{count} checked; nothing written (--dry-run)", err=True)
        return
    files = ", ".join(str(result.path) for result in results if result.written)
    click.echo(f"{count} written to {files}" if files else "nothing to write", err=True)
