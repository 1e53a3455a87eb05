"""``asean-timeline serve``: a local preview that re-renders on every save."""

from __future__ import annotations

from pathlib import Path

import click

from asean_timeline.cli.app import (
    STATE_FILENAME,
    cli,
    file_argument,
    out_option,
    print_problems,
    revision_time,
)

#: How long a re-render waits for another render of the same folder before trying later.
LOCK_WAIT_SECONDS = 30.0


@cli.command()
@file_argument
@out_option("Folder to render into and serve.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve(file: Path, out_dir: Path, port: int) -> None:
    """Render FILE, serve the output folder on 127.0.0.1, re-render on every save
    (of FILE or of any file it includes).

    A validation error is printed here and shown on the served pages, while
    the last good output keeps being served. Stop with Ctrl-C.

    \b
    Example:
      asean-timeline serve --port 8000    # then open http://127.0.0.1:8000/
    """
    import threading

    from asean_timeline import report
    from asean_timeline import serve as preview_server
    from asean_timeline.folderlock import OutputBusyError, holding
    from asean_timeline.includes import source_paths
    from asean_timeline.pipeline import build_outputs, load_sources, read_state
    from asean_timeline.problems import InvalidInputError, OutputError
    from asean_timeline.write import publish_tree

    preview = preview_server.Preview()
    patterns: list[tuple[object, ...]] = [()]  # the include list of the last good read

    def rerender() -> bool:
        """Render once; False when another render held the folder (the watcher retries)."""
        try:
            loaded = load_sources(file)
            patterns[0] = loaded.patterns
            timeline = loaded.timeline
            with holding(out_dir, wait=LOCK_WAIT_SECONDS):
                state = read_state(out_dir / STATE_FILENAME)
                files = build_outputs(timeline, state.revisions, revision_time(*loaded.paths))
                changed, _ = publish_tree(out_dir, files, [])
        except InvalidInputError as error:
            preview.set_problems([report.human(problem) for problem in error.problems])
            print_problems(error.problems, "human")
            click.secho("keeping the last good render", err=True, fg="yellow")
            return True
        except OutputBusyError as error:
            click.secho(f"error: {error}; trying again", err=True, fg="yellow")
            return False
        except OutputError as error:
            preview.set_problems([str(error)])
            click.secho(f"error: {error}", err=True, fg="red")
            return True
        except Exception as error:  # a bug must not end the watcher: report it, keep serving
            preview.set_problems([f"internal error: {error!r}"])
            click.secho(f"internal error while rendering: {error!r}", err=True, fg="red")
            return True
        preview.set_problems([])
        click.echo(
            f"rendered {len(timeline.events)} events ({len(changed)} files changed)", err=True
        )
        return True

    def watched() -> list[Path]:
        return source_paths(file, patterns[0])

    try:
        server = preview_server.make_server(
            out_dir, port, preview, lambda message: click.secho(message, err=True, fg="red")
        )
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(
            f"cannot listen on 127.0.0.1:{port}: {reason}",
            "choose another --port (ports below 1024 need administrator rights), "
            "or --port 0 for any free one",
        ) from None
    try:
        rerender()
        since = preview_server.signature(watched())  # before "serving": no later save is missed
        stop = threading.Event()
        watcher = threading.Thread(
            target=preview_server.watch,
            args=(watched, rerender, stop),
            kwargs={"since": since},
            daemon=True,
        )
        watcher.start()
        host, bound = server.server_address[:2]
        click.echo(f"serving {out_dir}/ at http://{host!s}:{bound}/ (Ctrl-C to stop)", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    finally:
        server.server_close()
