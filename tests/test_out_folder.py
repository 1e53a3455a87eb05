"""render writes and deletes only inside --out, whatever --out is: a link, a mount, `.`."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from asean_timeline import write
from asean_timeline.cli import cli
from asean_timeline.write import OutputError, publish_tree
from tests.conftest import SHIPPED
from tests.test_atomic import _snapshot

_NEW = {"events.ics": b"new", "calendars/tags/osa.ics": b"osa"}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def test_a_linked_subfolder_is_refused_and_nothing_outside_is_written(tmp_path: Path) -> None:
    """dist/calendars -> ../elsewhere: render stops naming the link; elsewhere/ is untouched."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "tags").mkdir(parents=True)
    (elsewhere / "tags" / "osa.ics").write_bytes(b"not render's")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "calendars").symlink_to("../elsewhere")
    before = _tree(elsewhere)
    with pytest.raises(
        OutputError, match=r"dist/calendars is a symbolic link \(to \.\./elsewhere\)"
    ):
        publish_tree(out, _NEW, [])
    assert _tree(elsewhere) == before
    assert not (out / "events.ics").exists()  # nothing was published
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "elsewhere"]


def test_an_obsolete_file_behind_a_link_is_not_deleted(tmp_path: Path) -> None:
    """An obsolete sub-calendar reached through a linked folder is refused, not removed."""
    elsewhere = tmp_path / "elsewhere" / "tags"
    elsewhere.mkdir(parents=True)
    (elsewhere / "gone.ics").write_bytes(b"keep")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "calendars").symlink_to("../elsewhere")
    with pytest.raises(OutputError, match="symbolic link"):
        publish_tree(out, {"events.ics": b"new"}, ["calendars/tags/gone.ics"])
    assert (elsewhere / "gone.ics").read_bytes() == b"keep"


def test_a_linked_output_file_is_refused(tmp_path: Path) -> None:
    """dist/events.ics -> ../x.ics: render neither writes through it nor replaces it."""
    (tmp_path / "x.ics").write_bytes(b"theirs")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "events.ics").symlink_to("../x.ics")
    with pytest.raises(OutputError, match=r"dist/events\.ics is a symbolic link") as caught:
        publish_tree(out, _NEW, [])
    assert "replace the link" in caught.value.hint
    assert (tmp_path / "x.ics").read_bytes() == b"theirs"
    assert (out / "events.ics").is_symlink()


def test_foreign_links_elsewhere_in_dist_are_kept_as_links(tmp_path: Path) -> None:
    """A link render does not write through (dist/docs -> ../docs) survives as the link."""
    (tmp_path / "docs").mkdir()
    out = tmp_path / "dist"
    out.mkdir()
    (out / "docs").symlink_to("../docs")
    publish_tree(out, _NEW, [])
    assert (out / "docs").is_symlink()
    assert (out / "docs").readlink() == Path("../docs")
    assert _tree(tmp_path / "docs") == {}


def test_out_that_is_a_link_is_written_where_it_points(tmp_path: Path) -> None:
    """--out site -> real-site: real-site/ gets the new files, the link stays, nothing is parked."""
    real = tmp_path / "real-site"
    real.mkdir()
    (real / "CNAME").write_bytes(b"example.org")
    link = tmp_path / "site"
    link.symlink_to("real-site")
    written, _ = publish_tree(link, _NEW, [])
    assert sorted(written) == sorted(_NEW)
    assert link.is_symlink()
    assert _snapshot(real) == {**_NEW, "CNAME": b"example.org"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real-site", "site"]


def _old_dist(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    (out / "calendars" / "tags").mkdir(parents=True)
    (out / "events.ics").write_bytes(b"old")
    (out / "calendars" / "tags" / "gone.ics").write_bytes(b"obsolete")
    (out / "mine.txt").write_bytes(b"keep me")
    return out


_AFTER = {"events.ics": b"new", "calendars/tags/osa.ics": b"osa", "mine.txt": b"keep me"}


def test_an_exchange_refused_with_ebusy_falls_back_to_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """renameat2 failing with EBUSY (dist/ is a mount point) replaces files one by one."""
    monkeypatch.setattr(write, "_rename_exchange", lambda call, first, second: errno.EBUSY)
    out = _old_dist(tmp_path)
    before = out.stat().st_ino
    written, removed = publish_tree(out, _NEW, ["calendars/tags/gone.ics"])
    assert sorted(written) == sorted(_NEW)
    assert removed == ["calendars/tags/gone.ics"]
    assert out.stat().st_ino == before
    assert _snapshot(out) == _AFTER
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert sorted(p.name for p in out.iterdir()) == ["calendars", "events.ics", "mine.txt"]


def test_a_mount_point_is_updated_file_by_file_from_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dist/ that is a mount point is never exchanged; its staging folder is inside it."""
    out = _old_dist(tmp_path)
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == out or real_ismount(path))
    staged_in: list[Path] = []
    real_staging = write._staging_folder

    def recording(parent: Path, name: str) -> Path:
        staged_in.append(parent)
        return real_staging(parent, name)

    monkeypatch.setattr(write, "_staging_folder", recording)
    before = out.stat().st_ino
    publish_tree(out, _NEW, ["calendars/tags/gone.ics"])
    assert staged_in == [out]
    assert out.stat().st_ino == before
    assert _snapshot(out) == _AFTER


def _unshare_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_available(), reason="needs root and a private mount namespace")
@pytest.mark.parametrize("kind", ["bind", "tmpfs"])
def test_render_into_a_real_mount_point(tmp_path: Path, kind: str) -> None:
    """In a private mount namespace, render into a bind mount (EBUSY on the exchange) and a
    tmpfs (another device): exit 0, every output there, the mount's own files kept."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    out = tmp_path / "dist"
    out.mkdir()
    backing = tmp_path / "volume"
    backing.mkdir()
    mount = f"mount --bind {backing} {out}" if kind == "bind" else f"mount -t tmpfs none {out}"
    script = (
        f"{mount} && echo mine > {out}/CNAME && "
        f"{sys.executable} -m asean_timeline render {source} --out {out} && "
        f"{sys.executable} -m asean_timeline render {source} --out {out} --check && "
        f"test -f {out}/events.ics && test -f {out}/README.md && test -f {out}/CNAME && "
        f"ls -A {tmp_path} && ls -A {out}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1704067200"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    listing = done.stdout.split()
    assert "staging" not in done.stdout
    assert "lock" not in " ".join(listing[-20:])
    assert not any("asean-timeline" in name for name in listing)


def test_out_dot_and_out_empty_render_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out . and --out "" write into the working directory, which stays the same folder."""
    for out in (".", ""):
        folder = tmp_path / f"site{len(out)}"
        folder.mkdir()
        shutil.copy(SHIPPED, folder / "events.toml")
        (folder / "CNAME").write_bytes(b"mine")
        monkeypatch.chdir(folder)
        before = folder.stat().st_ino
        result = CliRunner().invoke(
            cli, ["render", "events.toml", "--out", out], env={"SOURCE_DATE_EPOCH": "1704067200"}
        )
        assert result.exit_code == 0, result.output
        assert Path.cwd().stat().st_ino == before  # the shell is not left in a deleted folder
        names = sorted(p.name for p in folder.iterdir())
        assert {"events.ics", "index.html", "revisions.json", "CNAME", "events.toml"} <= set(names)
        assert not any("asean-timeline" in name for name in names)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_working_directory_inside_dist_stays_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering from inside dist/calendars replaces files one by one: the folder stays."""
    source = tmp_path / "events.toml"
    shutil.copy(SHIPPED, source)
    out = tmp_path / "dist"
    env = {"SOURCE_DATE_EPOCH": "1704067200"}
    assert (
        CliRunner().invoke(cli, ["render", str(source), "--out", str(out)], env=env).exit_code == 0
    )
    monkeypatch.chdir(out / "calendars")
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "Commemorative Summit in Tokyo", "Summit in Kyoto"
        )
    )
    before = out.stat().st_ino
    result = CliRunner().invoke(cli, ["render", str(source), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.stat().st_ino == before
    assert Path.cwd().exists()
    assert Path.cwd() == (out / "calendars").resolve()
    assert b"Kyoto" in (out / "events.ics").read_bytes()


def test_a_read_only_dist_is_refused_and_leaves_nothing_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dist/ the user may not write (simulated): a clear error, no copy beside it."""
    out = _old_dist(tmp_path)
    monkeypatch.setattr(write.os, "access", lambda path, mode: Path(path) != out)
    with pytest.raises(OutputError, match="is read-only") as caught:
        publish_tree(out, _NEW, [])
    assert "chmod u+w" in caught.value.hint
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def _run_as_nobody() -> list[str] | None:
    """How to run this Python as an unprivileged user, or None where that cannot be done."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*command, sys.executable, "-c", "import asean_timeline"], capture_output=True, check=False
    )
    return command if probe.returncode == 0 else None


@pytest.mark.skipif(_run_as_nobody() is None, reason="cannot run Python as an unprivileged user")
def test_a_read_only_dist_as_a_user_leaves_no_copies() -> None:
    """As a non-root user, a read-only dist/ (in a writable folder) fails with exit 1, twice,
    and nothing is left beside it."""
    prefix = _run_as_nobody()
    assert prefix is not None
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o777)
        source = base / "events.toml"
        shutil.copy(SHIPPED, source)
        source.chmod(0o644)
        out = base / "dist"
        out.mkdir()
        (out / "index.html").write_bytes(b"old")
        out.chmod(0o555)
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1704067200"}
        for _ in range(2):
            done = subprocess.run(
                [
                    *prefix,
                    sys.executable,
                    "-m",
                    "asean_timeline",
                    "render",
                    str(source),
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=60,
            )
            assert done.returncode == 1
            assert "read-only" in done.stderr
            assert "Traceback" not in done.stderr
        assert sorted(p.name for p in base.iterdir()) == ["dist", "events.toml"]
        assert (out / "index.html").read_bytes() == b"old"
    finally:
        (base / "dist").chmod(0o755)
        shutil.rmtree(base)
