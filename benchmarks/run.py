"""Benchmark ``asean-timeline render`` against a floor, yaml2ics and the previous release.

    .venv/bin/python benchmarks/run.py                       # 1,000 and 10,000 events
    .venv/bin/python benchmarks/run.py --sizes 1000,10000,100000 --repeats 5

Every contender runs as its own process, and all of them (at every size) are
interleaved round-robin, in an order rotated each round, so that the noise of
a shared machine falls on all of them alike. Wall time is measured around the
process; peak memory is its maximum resident set size ("Maximum resident set
size", from GNU ``/usr/bin/time``; without it, from ``os.wait4``, which also
counts the runner's pages the child shared before exec). Medians over
``--repeats`` runs are reported, then the ratios against their targets, each
marked PASS or MISS.

See benchmarks/README.md for what each contender is and the caveats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
ASEAN = VENV_BIN / "asean-timeline"
YAML2ICS = VENV_BIN / "yaml2ics"
SHIPPED = ROOT / "events.toml"
PREV_TREE = Path("/tmp/asean-prev")
PREV_VENV = Path("/tmp/asean-prev-venv")
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None  # GNU time, for peak RSS

sys.path.insert(0, str(HERE))
import generate  # noqa: E402 - the sibling module, found through the path set just above

#: The CLI refuses inputs over this size (src/asean_timeline/load.py, README "Limits").
INPUT_LIMIT = 100 * 1024 * 1024
PREVIOUS_INPUT_LIMIT = 10 * 1024 * 1024  # the previous release's limit
#: Runs the CLI with that limit lifted, for inputs above it (marked † in the tables).
LIFT_LIMIT = (
    "import sys, asean_timeline.load as load; load.MAX_INPUT_BYTES = 1 << 62; "
    "from asean_timeline.cli import main; sys.argv[0] = 'asean-timeline'; main()"
)
# Bytecode is written and read as after `pip install` of a wheel (which compiles every
# module): with PYTHONDONTWRITEBYTECODE set, an editable install would recompile our
# modules on every run (about 20 ms of every start-up here) while click's stay compiled.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "SOURCE_DATE_EPOCH": "1702771200",
    "PYTHONHASHSEED": "0",
}


def compile_bytecode(source: Path, python: Path) -> None:
    """Compile ``source``'s modules once, as installing a wheel does."""
    subprocess.run([str(python), "-m", "compileall", "-q", str(source)], check=True, env=ENV)


@dataclass
class Sample:
    seconds: float
    max_rss_kib: int
    #: User + system CPU seconds of the process and the workers it waited for: less
    #: stretched than the wall time by the other load of a shared machine.
    cpu_seconds: float = 0.0


@dataclass
class Result:
    """All runs of one contender on one input."""

    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def mib(self) -> float:
        return statistics.median(s.max_rss_kib for s in self.samples) / 1024


@dataclass(frozen=True)
class Inputs:
    size: int
    toml: Path
    yaml: Path | None


@dataclass(frozen=True)
class Contender:
    name: str
    #: (inputs, output folder) -> (argv, file for stdout or None, note)
    command: Callable[[Inputs, Path], tuple[list[str], Path | None, str]]
    applies: Callable[[int], bool] = lambda size: True


def run_once(argv: Sequence[str], stdout: Path | None, cwd: Path) -> tuple[Sample, str | None]:
    """Run ``argv`` once: its wall time and peak RSS, and an error text if it failed.

    The peak RSS comes from GNU time when installed: our own child's ru_maxrss
    (os.wait4) also counts the pages it shared with this process between fork
    and exec, so it never reads below this runner's own size (~30 MiB).
    """
    with tempfile.NamedTemporaryFile(prefix="rss-") as rss, tempfile.TemporaryFile() as err:
        wrapped = [TIME, "-f", "%M", "-o", rss.name, *argv] if TIME else list(argv)
        out = stdout.open("wb") if stdout else None
        try:
            start = time.perf_counter()
            process = subprocess.Popen(
                wrapped, stdout=out or subprocess.DEVNULL, stderr=err, cwd=cwd, env=ENV
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
        finally:
            if out:
                out.close()
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code  # reaped by wait4 already
        max_rss = usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime  # GNU time's own share is a millisecond
        if TIME:
            reported = Path(rss.name).read_text().split()
            max_rss = int(reported[-1]) if reported and reported[-1].isdigit() else 0
        if code != 0:
            err.seek(0)
            lines = err.read().decode(errors="replace").strip().splitlines()
            return Sample(seconds, max_rss, cpu), f"exit {code}: {' | '.join(lines[-2:])}"
    return Sample(seconds, max_rss, cpu), None


# -- contenders --------------------------------------------------------------------


def _ours(
    python: Path, script: Path, label: str, limit: int = INPUT_LIMIT
) -> Callable[..., tuple[list[str], None, str]]:
    def command(inputs: Inputs, out: Path, *extra: str) -> tuple[list[str], None, str]:
        args = ["render", str(inputs.toml), "--out", str(out), *extra]
        if inputs.toml.stat().st_size > limit:
            return [str(python), "-c", LIFT_LIMIT, *args], None, "†"
        return [str(script), *args], None, ""

    command.__name__ = label
    return command


def contenders(args: argparse.Namespace, previous: tuple[str, Path] | None) -> list[Contender]:
    ours = _ours(PYTHON, ASEAN, "ours")
    floor = HERE / "floor.py"
    found = [
        Contender("render", lambda i, o: ours(i, o)),
        Contender("render --no-subcalendars", lambda i, o: ours(i, o, "--no-subcalendars")),
        Contender(
            "floor",
            lambda i, o: ([str(PYTHON), str(floor), str(i.toml), "--out", str(o)], None, ""),
        ),
        Contender(
            "floor --no-subcalendars",
            lambda i, o: (
                [str(PYTHON), str(floor), str(i.toml), "--out", str(o), "--no-subcalendars"],
                None,
                "",
            ),
        ),
        # One process, as on a single-core machine (render forks from 1,000 events).
        Contender("render --jobs 1", lambda i, o: ours(i, o, "--jobs", "1")),
    ]
    if YAML2ICS.exists():
        found.append(
            Contender(
                "yaml2ics",
                lambda i, o: ([str(YAML2ICS), str(i.yaml)], o / "events.ics", ""),
                applies=lambda size: size <= args.max_yaml2ics,
            )
        )
    if previous is not None:
        label, prefix = previous
        prev = _ours(
            prefix / "bin" / "python",
            prefix / "bin" / "asean-timeline",
            "previous",
            PREVIOUS_INPUT_LIMIT,
        )
        found.append(Contender(f"previous ({label})", lambda i, o: prev(i, o)))
    wanted = set(args.only.split(",")) if args.only else None
    return [c for c in found if wanted is None or c.name.split(" ")[0] in wanted]


# -- the previous release ------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def code_state() -> str:
    """The commit measured, and whether the work tree's src/ differs from it."""
    try:
        head = _git("log", "-1", "--format=%h %cs")
        dirty = _git("status", "--porcelain", "--", "src", "pyproject.toml")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git work tree)"
    return head + (" + uncommitted changes in src/" if dirty else "")


def default_previous_ref() -> str:
    """The first commit that has ``asean-timeline render``: the first with cli.py."""
    commits = _git("log", "--reverse", "--format=%H", "--", "src/asean_timeline/cli.py")
    return commits.splitlines()[0]


def setup_previous(ref: str) -> tuple[str, Path]:
    """A worktree of ``ref`` in /tmp/asean-prev, installed into /tmp/asean-prev-venv."""
    sha = _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    label = _git("log", "-1", "--format=%h %cs", sha)
    if PREV_TREE.exists():
        head = subprocess.run(
            ["git", "-C", str(PREV_TREE), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        if head != sha:
            raise SystemExit(
                f"{PREV_TREE} holds {head[:12] or 'something else'}, not {sha[:12]}: remove it "
                f"(git worktree remove --force {PREV_TREE}) or pass --previous-ref {head[:12]}"
            )
    else:
        print(f"setting up the previous release {label} in {PREV_TREE}", file=sys.stderr)
        _git("worktree", "add", "--detach", str(PREV_TREE), sha)
    stamp = PREV_VENV / ".asean-timeline-ref"
    if not stamp.exists() or stamp.read_text().strip() != sha:
        print(f"installing it into {PREV_VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PREV_VENV)], check=True)
        pip = [str(PREV_VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, str(PREV_TREE)], check=True)
        stamp.write_text(sha + "\n")
    return label, PREV_VENV


# -- running ---------------------------------------------------------------------------


def make_inputs(sizes: list[int], folder: Path, args: argparse.Namespace) -> dict[int, Inputs]:
    made = {}
    for size in sizes:
        toml = folder / f"events-{size}.toml"
        generate.write_toml(toml, size, args.seed)
        yaml = None
        if YAML2ICS.exists() and size <= args.max_yaml2ics:
            yaml = folder / f"events-{size}.yaml"
            generate.write_yaml(yaml, size, args.seed)
        print(
            f"generated {size:,} events: {toml.stat().st_size / 2**20:.1f} MiB TOML"
            + (f", {yaml.stat().st_size / 2**20:.1f} MiB YAML" if yaml else ""),
            file=sys.stderr,
        )
        made[size] = Inputs(size, toml, yaml)
    return made


def benchmark(
    jobs: list[tuple[int, Contender]],
    inputs: dict[int, Inputs],
    folder: Path,
    repeats: int,
    warmup: bool,
) -> dict[tuple[int, str], Result]:
    results = {(size, c.name): Result() for size, c in jobs}
    smallest = min(inputs)
    rounds = [("warm-up", [j for j in jobs if j[0] == smallest])] if warmup else []
    rounds += [(f"{n}/{repeats}", jobs) for n in range(1, repeats + 1)]
    for number, (label, round_jobs) in enumerate(rounds):
        shift = number % len(round_jobs)
        for size, contender in round_jobs[shift:] + round_jobs[:shift]:
            result = results[(size, contender.name)]
            if result.failure:
                continue
            out = folder / "out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            argv, stdout, note = contender.command(inputs[size], out)
            sample, failure = run_once(argv, stdout, folder)
            result.note = note
            shown = f"{sample.seconds:8.3f} s {sample.max_rss_kib / 1024:8.1f} MiB"
            print(f"  [{label:>7}] {size:>7,} {contender.name:<28} {shown}", file=sys.stderr)
            if failure:
                result.failure = failure
                print(f"      failed: {failure}", file=sys.stderr)
            elif label != "warm-up":
                result.samples.append(sample)
        shutil.rmtree(folder / "out", ignore_errors=True)
    return results


def startup(repeats: int, folder: Path) -> dict[str, Result]:
    out = folder / "shipped-out"
    commands = {
        "python -c 'import click'": ([str(PYTHON), "-c", "import click"], False),
        "asean-timeline --help": ([str(ASEAN), "--help"], False),
        "asean-timeline validate events.toml": ([str(ASEAN), "validate", str(SHIPPED)], False),
        "asean-timeline render events.toml": (
            [str(ASEAN), "render", str(SHIPPED), "--out", str(out)],
            True,
        ),
    }
    results = {name: Result() for name in commands}
    names = list(commands)
    for number in range(repeats + 1):  # the first round warms up
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            argv, renders = commands[name]
            if renders:
                shutil.rmtree(out, ignore_errors=True)  # a first render: every file written
            sample, failure = run_once(argv, None, ROOT)
            if failure:
                results[name].failure = failure
            elif number:
                results[name].samples.append(sample)
        print(f"  [startup] round {number}/{repeats}", file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)
    return results


# -- reporting ---------------------------------------------------------------------


def _verdict(value: float, target: float, *, at_least: bool = False) -> str:
    ok = value >= target if at_least else value <= target
    return "PASS" if ok else "MISS"


def report(
    results: dict[tuple[int, str], Result],
    startup_results: dict[str, Result],
    sizes: list[int],
    names: list[str],
    args: argparse.Namespace,
) -> list[str]:
    lines: list[str] = []
    add = lines.append
    add(f"asean-timeline benchmarks: medians of {args.repeats} runs, interleaved round-robin")
    add(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores; seed {args.seed}; code: {args.code_state}"
    )
    if code_state() != args.code_state:
        add(f"WARNING: the code changed during the run; it is now {code_state()}")
    for size in sizes:
        add("")
        add(f"== {size:,} events ==")
        add(
            f"{'contender':<30} {'median s':>9} {'min-max s':>15} {'µs/event':>9} "
            f"{'peak MiB':>9} {'CPU s':>7}"
        )
        for name in names:
            result = results.get((size, name))
            if result is None:
                if name == "yaml2ics":
                    add(f"{name:<30} skipped: above --max-yaml2ics {args.max_yaml2ics:,}")
                continue
            if result.failure:
                add(f"{name:<30} FAILED ({result.failure})")
                continue
            times = [s.seconds for s in result.samples]
            spread = f"{min(times):.2f}-{max(times):.2f}"
            add(
                f"{name + (' ' + result.note if result.note else ''):<30} {result.seconds:9.3f} "
                f"{spread:>15} {result.seconds / size * 1e6:9.1f} {result.mib:9.1f} "
                f"{result.cpu:7.3f}"
            )
    notes = [n for n in (r.note for r in results.values()) if n]
    if notes:
        add("")
        add(
            f"† input over that CLI's input limit ({INPUT_LIMIT >> 20} MiB now, "
            f"{PREVIOUS_INPUT_LIMIT >> 20} MiB in the previous release): run as "
            "`python -c '<lift load.MAX_INPUT_BYTES>; cli.main()' render …`"
        )

    def ok(size: int, name: str) -> Result | None:
        result = results.get((size, name))
        return result if result is not None and not result.failure and result.samples else None

    add("")
    add("== targets ==")
    rows: list[tuple[str, str, str, str]] = []
    for size in sizes:
        render, floor = ok(size, "render"), ok(size, "floor")
        if render and floor:
            value = render.seconds / floor.seconds
            rows.append(
                (f"render/floor time @{size:,}", f"{value:.2f}", "≤ 1.5", _verdict(value, 1.5))
            )
        nosub, floor_nosub = (
            ok(size, "render --no-subcalendars"),
            ok(size, "floor --no-subcalendars"),
        )
        if nosub and floor_nosub:
            value = nosub.seconds / floor_nosub.seconds
            rows.append(
                (
                    f"  same, --no-subcalendars @{size:,}",
                    f"{value:.2f}",
                    "≤ 1.5",
                    _verdict(value, 1.5),
                )
            )
        yaml2ics = ok(size, "yaml2ics")
        if render and yaml2ics:
            value = yaml2ics.seconds / render.seconds
            rows.append(
                (
                    f"yaml2ics/render time @{size:,}",
                    f"{value:.2f}",
                    "≥ 20",
                    _verdict(value, 20, at_least=True),
                )
            )
        elif render and size > args.max_yaml2ics:
            rows.append(
                (f"yaml2ics/render time @{size:,}", "-", "≥ 20", "not run (--max-yaml2ics)")
            )
        if render and floor:
            value = render.mib / floor.mib
            judged = size == 100_000  # the target is about 100,000 events
            target = "≤ 1.3" if judged else "(info)"
            verdict = _verdict(value, 1.3) if judged else ""
            rows.append((f"render/floor peak memory @{size:,}", f"{value:.2f}", target, verdict))
    big, base = (100_000, 10_000) if {100_000, 10_000} <= set(sizes) else (None, None)
    if big is None and len(sizes) >= 2:
        big, base = sorted(sizes)[-1], sorted(sizes)[-2]
    if big is not None and base is not None:
        high, low = ok(big, "render"), ok(base, "render")
        if high and low:
            value = (high.seconds / big) / (low.seconds / base)
            label = f"render µs/event @{big:,} ÷ @{base:,}"
            if big == 100_000:
                rows.append((label, f"{value:.2f}", "≤ 1.2", _verdict(value, 1.2)))
            else:  # the target is about 100,000: a smaller pair is shown, not judged
                rows.append((label + " (100,000 not run)", f"{value:.2f}", "(info)", ""))
    click = startup_results.get("python -c 'import click'")
    if click and click.samples:
        for name, target in (
            ("asean-timeline --help", 1.3),
            ("asean-timeline validate events.toml", 1.3),
            ("asean-timeline render events.toml", 2.0),
        ):
            result = startup_results[name]
            if result.failure or not result.samples:
                rows.append(
                    (f"{name} / import click", "-", f"≤ {target}", f"FAILED {result.failure}")
                )
                continue
            value = result.seconds / click.seconds
            rows.append(
                (f"{name} / import click", f"{value:.2f}", f"≤ {target}", _verdict(value, target))
            )
    for label, value, target, verdict in rows:
        add(f"{label:<56} {value:>7} {target:>7}  {verdict}")
    prev = next((n for n in names if n.startswith("previous")), None)
    info = []
    for size in sizes:
        render = ok(size, "render")
        nosub = ok(size, "render --no-subcalendars")
        single = ok(size, "render --jobs 1")
        floor = ok(size, "floor")
        if single and floor:
            value = single.seconds / floor.seconds
            info.append(f"render --jobs 1 / floor time @{size:,}: {value:.2f} (one process)")
        if render and nosub and floor:
            value = nosub.seconds / floor.seconds
            info.append(f"render --no-subcalendars / floor time @{size:,}: {value:.2f}")
        if render and floor:
            value = render.cpu / floor.cpu
            info.append(f"render / floor CPU time @{size:,}: {value:.2f} (workers included)")
        previous = ok(size, prev) if prev else None
        if previous and render:
            info.append(
                f"{prev} / render CPU time @{size:,}: {previous.cpu / render.cpu:.2f} "
                "(>1: less CPU now)"
            )
        if previous and nosub:
            info.append(
                f"{prev} / render --no-subcalendars time @{size:,}: "
                f"{previous.seconds / nosub.seconds:.2f} (>1: faster now; the previous release "
                "writes events.ics, timeline.md, feed.json and revisions.json only)"
            )
    if info:
        add("")
        add("== for information ==")
        lines.extend(info)
    if startup_results:
        add("")
        add(f"== start-up, shipped events.toml: medians of {args.startup_repeats} runs ==")
        for name, result in startup_results.items():
            if result.failure:
                add(f"{name:<40} FAILED ({result.failure})")
            else:
                add(f"{name:<40} {result.seconds * 1000:8.1f} ms {result.mib:7.1f} MiB")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated event counts")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each (median)")
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="skip the untimed first round at the smallest size",
    )
    parser.add_argument(
        "--max-yaml2ics",
        type=int,
        default=10_000,
        help="largest size yaml2ics runs at (it takes ~1.3 ms/event)",
    )
    parser.add_argument(
        "--previous-ref",
        help="git ref of the previous release "
        "(default: the first commit with `asean-timeline render`)",
    )
    parser.add_argument("--no-previous", dest="previous", action="store_false")
    parser.add_argument("--startup-repeats", type=int, default=30)
    parser.add_argument("--no-startup", dest="startup", action="store_false")
    parser.add_argument("--only", help="comma-separated contenders: render,floor,yaml2ics,previous")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where inputs and outputs go (default: a new temporary folder, removed afterwards)",
    )
    parser.add_argument("--json", type=Path, help="also write every sample here")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s})
    args.code_state = code_state()

    previous = None
    if args.previous and (args.only is None or "previous" in args.only):
        previous = setup_previous(args.previous_ref or default_previous_ref())
    compile_bytecode(ROOT / "src", PYTHON)
    if previous is not None:
        compile_bytecode(PREV_TREE / "src", PREV_VENV / "bin" / "python")
    chosen = contenders(args, previous)
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="asean-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        inputs = make_inputs(sizes, folder, args)
        jobs = [(size, c) for size in sizes for c in chosen if c.applies(size)]
        results = benchmark(jobs, inputs, folder, args.repeats, args.warmup)
        startup_results = startup(args.startup_repeats, folder) if args.startup else {}
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
    lines = report(results, startup_results, sizes, [c.name for c in chosen], args)
    print("\n".join(lines))
    if args.json:
        raw = {
            "sizes": sizes,
            "results": {
                f"{size} {name}": {
                    "failure": r.failure,
                    "note": r.note,
                    "samples": [[s.seconds, s.max_rss_kib, s.cpu_seconds] for s in r.samples],
                }
                for (size, name), r in results.items()
            },
            "startup": {
                name: [[s.seconds, s.max_rss_kib] for s in r.samples]
                for name, r in startup_results.items()
            },
            "report": lines,
        }
        args.json.write_text(json.dumps(raw, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
