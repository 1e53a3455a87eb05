"""Is the link checker's concurrency real? 2,000 addresses on local servers that wait 100 ms.

A separate process serves HTTP on several loopback addresses (127.0.0.1, 127.0.0.2, …:
the checker allows 2 requests at once per host, so one host could never fill the
overall limit), answering every request after ``--delay`` seconds. The checker then
checks ``--urls`` distinct addresses spread over those hosts, and the run is compared
with the ideal ``urls × delay ÷ concurrency``. Target: at most 1.3×.

    .venv/bin/python benchmarks/linkcheck.py                  # 2,000 URLs, concurrency 16
    .venv/bin/python benchmarks/linkcheck.py --concurrency 32 --hosts 16
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
from datetime import UTC, datetime

from asean_timeline.fetch import Settings
from asean_timeline.linkcheck import Verdict, run_checks

_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def _serve_forever(hosts: list[str], delay: float, ports: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not head:
                    break
                await asyncio.sleep(delay)
                writer.write(_ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(answer, host, 0, backlog=1024) for host in hosts]
    for host, server in zip(hosts, servers, strict=True):
        ports.put((host, server.sockets[0].getsockname()[1]))
    await asyncio.Event().wait()


def _server_process(hosts: list[str], delay: float, ports: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    asyncio.run(_serve_forever(hosts, delay, ports))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=Settings().concurrency)
    parser.add_argument("--hosts", type=int, default=16)
    args = parser.parse_args()

    hosts = [f"127.0.0.{number}" for number in range(1, args.hosts + 1)]
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(
        target=_server_process, args=(hosts, args.delay, ports), daemon=True
    )
    server.start()
    try:
        bases = [f"http://{host}:{port}" for host, port in (ports.get(timeout=10) for _ in hosts)]
        urls = [f"{bases[n % len(bases)]}/page/{n}" for n in range(args.urls)]
        settings = Settings(concurrency=args.concurrency, allow_private=True, retries=0)
        started, cpu_started = time.perf_counter(), time.process_time()
        outcomes = run_checks(urls, settings, datetime.now(UTC))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        server.terminate()
        server.join()
    ok = sum(outcome.verdict is Verdict.OK for outcome in outcomes.values())
    ideal = args.urls * args.delay / args.concurrency
    print(
        f"{args.urls} URLs on {args.hosts} hosts, {args.delay * 1000:.0f} ms each, "
        f"concurrency {args.concurrency} (2 per host): {ok} ok"
    )
    print(
        f"checker CPU {cpu:.2f} s ({cpu / args.urls * 1000:.2f} ms per URL), "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"ideal {ideal:.2f} s, measured {elapsed:.2f} s, ratio {elapsed / ideal:.2f}x")
    if ok != args.urls:
        sys.exit(f"{args.urls - ok} checks were not ok")


if __name__ == "__main__":
    main()
