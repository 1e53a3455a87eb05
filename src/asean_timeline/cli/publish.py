"""``asean-timeline publish caldav``: sync the timeline into a CalDAV calendar."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from asean_timeline.cli.app import (
    cli,
    file_argument,
    print_problems,
    problem_format,
    problem_format_option,
    revision_time,
    revisions_option,
    strict_option,
)
from asean_timeline.cli.filters import build_query, filter_options

if TYPE_CHECKING:
    from asean_timeline.caldav_server import CalDAVError
    from asean_timeline.caldav_sync import SyncReport
    from asean_timeline.model import Query, Timeline

#: caldav_server.PASSWORD_VARIABLE (a test checks): named in --help without loading it.
PASSWORD_VARIABLE = "ASEAN_TIMELINE_CALDAV_PASSWORD"


@cli.group()
def publish() -> None:
    """Publish the timeline to a calendar server, where people see edits at once.

    See README, "Publishing to a CalDAV server".

    \b
    Example:
      asean-timeline publish caldav https://dav.example.org/cal/me/asean/ --user me
    """


@publish.command()
@click.argument("url")
@file_argument
@click.option(
    "--calendar",
    "subcalendar",
    metavar="NAME",
    help="Publish this sub-calendar only: its path under calendars/, e.g. tags/summit.",
)
@click.option(
    "--server-calendar",
    metavar="NAME",
    help="URL is the account's (server) address: sync into its calendar with this name.",
)
@click.option("--user", help="The account to log in as (default: from the URL or ~/.netrc).")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option(
    "--force", is_flag=True, help="Overwrite (or delete) events that were edited on the server."
)
@filter_options
@revisions_option
@click.option(
    "--state",
    "state_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Sync state file.  [default: .caldav-sync.json beside FILE]",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Requests in flight at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer before retrying.",
)
@strict_option
@problem_format_option()
def caldav(
    url: str,
    file: Path,
    subcalendar: str | None,
    server_calendar: str | None,
    user: str | None,
    dry_run: bool,
    force: bool,
    countries: tuple[str, ...],
    tags: tuple[str, ...],
    statuses: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
    revisions_path: Path,
    state_path: Path | None,
    jobs: int,
    timeout: float,
    strict: bool,
) -> None:
    """Sync FILE (default: ./events.toml) into the CalDAV calendar at URL.

    Each event becomes one resource, named from its UID and holding what
    events.ics holds for it. New events are created, changed ones replaced,
    removed ones deleted; resources this command did not create are never
    touched. An event edited on the server since the last sync is a conflict:
    it is reported and left as it is unless --force (exit code 1).

    The password comes from $ASEAN_TIMELINE_CALDAV_PASSWORD, else from
    ~/.netrc (or the file $NETRC names), never from the command line.

    \b
    Examples:
      asean-timeline publish caldav https://dav.example.org/cal/me/asean/ --user me
      asean-timeline publish caldav URL --calendar tags/summit --dry-run
    """
    import os

    from asean_timeline.caldav_server import (
        CalDAVError,
        Collection,
        RetryPolicy,
        credentials,
        find_calendar,
        without_credentials,
    )
    from asean_timeline.caldav_sync import STATE_FILENAME as SYNC_STATE
    from asean_timeline.caldav_sync import sync
    from asean_timeline.exporters.ics import event_calendars
    from asean_timeline.pipeline import load_sources, read_state
    from asean_timeline.present import RenderContext
    from asean_timeline.progress import Progress
    from asean_timeline.revisions import update

    _check_url(url)
    loaded = load_sources(file, strict=strict)
    timeline, warnings = loaded.timeline, loaded.warnings
    print_problems(warnings, problem_format())
    selected = _selection(timeline, subcalendar, build_query(countries, tags, statuses, start, end))
    current = update(selected, read_state(revisions_path).revisions, revision_time(*loaded.paths))
    calendars = event_calendars(RenderContext(selected, current))
    login, policy = credentials(url, user, os.environ), RetryPolicy(timeout=timeout)
    state = state_path or file.parent / SYNC_STATE
    try:
        if server_calendar is not None:
            url = find_calendar(without_credentials(url), login, server_calendar, policy)
    except CalDAVError as error:
        _fail(error)
    collection = Collection(without_credentials(url), login, policy)
    with collection, Progress("publishing to CalDAV", 0) as progress:

        def show(done: int, total: int) -> None:
            progress.total = total
            progress.update(done)

        try:
            report = sync(
                collection,
                calendars,
                state,
                domain=selected.calendar.uid_domain,
                force=force,
                dry_run=dry_run,
                workers=jobs,
                progress=show,
            )
        except CalDAVError as error:
            progress.close()
            _fail(error)
    _print_report(report, collection.shown_url)
    if report.conflicts:
        click.get_current_context().exit(1)


def _fail(error: CalDAVError) -> NoReturn:
    click.secho(f"error: {error}", err=True, fg="red")
    click.echo(f"  fix: {error.hint}", err=True)
    click.get_current_context().exit(1)


def _check_url(url: str) -> None:
    """Refuse a URL that is not http(s) or that carries a password (it would be logged)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter("give the calendar's http:// or https:// URL", param_hint="URL")
    if parts.password is not None:
        raise click.BadParameter(
            f"do not put the password in the URL; set {PASSWORD_VARIABLE} or use ~/.netrc",
            param_hint="URL",
        )


def _selection(timeline: Timeline, name: str | None, query: Query) -> Timeline:
    """The events to publish: the named sub-calendar's (if any), then those the filters keep."""
    from asean_timeline.selection import all_subcalendars, select, sub_timeline

    if name is not None:
        wanted = "calendars/" + name.removeprefix("calendars/").removesuffix(".ics")
        chosen = next((c for c in all_subcalendars(timeline) if c.path == wanted), None)
        if chosen is None:
            known = ", ".join(c.path.removeprefix("calendars/") for c in all_subcalendars(timeline))
            raise click.BadParameter(f"no sub-calendar {name!r}; there are: {known}")
        timeline = sub_timeline(timeline, chosen)
    return select(timeline, query) if not query.is_empty else timeline


def _print_report(report: SyncReport, url: str) -> None:
    def event_id(uid: str) -> str:
        return uid.rsplit("@", 1)[0]

    changes = (("create", report.created), ("update", report.updated), ("delete", report.deleted))
    if report.dry_run:
        for word, uids in changes:
            for uid in uids:
                click.echo(f"would {word} {event_id(uid)}")
    for conflict in report.conflicts:
        click.secho(f"conflict: {event_id(conflict.uid)}: {conflict.reason}", err=True, fg="yellow")
    sent = ", ".join(f"{count} {method}" for method, count in sorted(report.requests.items()))
    if report.dry_run:
        done = ", ".join(f"{len(uids)} to {word}" for word, uids in changes)
    else:
        done = ", ".join(f"{len(uids)} {word}d" for word, uids in changes)
    click.echo(
        f"{url}: {done}, {report.unchanged} unchanged, {len(report.conflicts)} conflicts"
        f" ({sum(report.requests.values())} requests: {sent or 'none'})"
    )
