"""Independent pieces of work shared between forked processes; results in input order.

Render's outputs are independent once the timeline is validated, so on a machine
with several cores each process makes some of them. Processes are forked, not
spawned: a child starts with the validated timeline already in memory (shared
copy-on-write, nothing pickled), and sends back only what its work returns,
which must be small and picklable. Where ``fork`` is unavailable (Windows) or
risky (macOS), everything runs here, one piece after the other, with the same
results.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

Result = TypeVar("Result")


def usable_cpus() -> int:
    """How many CPUs this process may run on (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether :func:`run` may use processes here: Linux only (fork is unsafe on macOS)."""
    return sys.platform == "linux" and hasattr(os, "fork")


def share(costs: Sequence[float], bins: int) -> list[list[int]]:
    """Indices of ``costs`` in ``bins`` groups of near-equal total, largest cost first.

    Deterministic (ties go to the lowest bin), so a render shares its work the
    same way every time; each bin lists its indices in ascending order.
    """
    totals = [0.0] * bins
    chosen: list[list[int]] = [[] for _ in range(bins)]
    for index in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        lightest = min(range(bins), key=lambda b: (totals[b], b))
        totals[lightest] += costs[index]
        chosen[lightest].append(index)
    return [sorted(indices) for indices in chosen]


def run(
    work: Sequence[Callable[[], Result]], costs: Sequence[float], processes: int
) -> list[Result]:
    """Call every piece of ``work``, spread over up to ``processes`` processes.

    This process takes one share and forks one child for each other share. An
    exception raised by a piece of work is raised here (after every child has
    ended); a child that dies without answering raises :class:`WorkerError`.
    """
    count = min(processes, len(work)) if can_fork() else 1
    if count <= 1:
        return [piece() for piece in work]
    # Loaded only here: a render of a small timeline never forks.
    import pickle
    import signal

    shares = share(costs, count)
    children: list[tuple[int, int, list[int]]] = []
    results: dict[int, Result] = {}
    parent = os.getpid()
    try:
        for indices in shares[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                os.close(read_end)
                _child(work, indices, write_end, parent)
            os.close(write_end)
            children.append((pid, read_end, indices))
        for index in shares[0]:
            results[index] = work[index]()
    except BaseException:
        for pid, read_end, _ in children:
            os.kill(pid, signal.SIGKILL)
            os.close(read_end)
            os.waitpid(pid, 0)
        raise
    failure: BaseException | None = None
    for pid, read_end, indices in children:
        with os.fdopen(read_end, "rb") as stream:
            answer = stream.read()
        _, status = os.waitpid(pid, 0)
        if not answer:
            failure = failure or WorkerError(f"a worker process ended without an answer ({status})")
            continue
        outcome, value = pickle.loads(answer)
        if outcome == "error":
            failure = failure or value
        else:
            results.update(zip(indices, value, strict=True))
    if failure is not None:
        raise failure
    return [results[index] for index in range(len(work))]


class WorkerError(RuntimeError):
    """A worker process ended (killed, out of memory) without sending its results."""


def _child(  # pragma: no cover - runs in the child
    work: Sequence[Callable[[], object]], indices: list[int], write_end: int, parent: int
) -> None:
    """Run the share ``indices``, send ``("ok", results)`` or ``("error", exception)``, exit."""
    import pickle

    status = 0
    try:
        _die_with_parent()
        if os.getppid() != parent:  # it died before the request above took effect
            raise SystemExit(1)
        try:
            answer = pickle.dumps(("ok", [work[index]() for index in indices]))
        except BaseException as error:  # sent to the parent, which raises it
            try:
                answer = pickle.dumps(("error", error))
            except Exception:  # an exception that cannot be pickled: send its text
                answer = pickle.dumps(("error", WorkerError(repr(error))))
        with os.fdopen(write_end, "wb") as stream:
            stream.write(answer)
    except BaseException:
        status = 1
    finally:
        # Leave at once: no atexit handlers, no flushing of buffers copied from the parent.
        os._exit(status)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to kill this child if the parent dies (a killed render leaves no writer)."""
    import contextlib
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
