"""Ticks/s of ``townlet run`` with telemetry off, to a file, and to a WebSocket client.

Runs the three modes back to back, ``--rounds`` times, in one invocation, so they
share the machine's load; prints each run and the median ratio to "off". Besides
wall-clock ticks/s (from ``--summary-json``) it reports CPU microseconds per tick
of the ``townlet run`` process, both threads together (child rusage, minus a
``--ticks 0`` run of the same mode for start-up), which a loaded machine disturbs
far less. Used for docs/performance.md::

    python benches/telemetry_overhead.py --ticks 5760 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ws_client(port: int, done: threading.Event, frames: list[int]) -> None:
    """Connect (retrying until the run listens) and read until the server closes."""
    from websockets.asyncio.client import connect

    async def main() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                async with connect(f"ws://127.0.0.1:{port}/ws/telemetry") as ws:
                    async for _ in ws:
                        frames[0] += 1
                return
            except OSError:
                await asyncio.sleep(0.005)

    asyncio.run(main())
    done.set()


def child_cpu() -> float:
    """CPU seconds (user + system) of every finished child so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(mode: str, ticks: int, workdir: Path) -> tuple[float, float]:
    """(ticks/s, CPU seconds) of one ``townlet run`` in ``mode`` (off, file, ws)."""
    summary = workdir / f"{mode}.json"
    spec = {"off": "none", "file": f"file:{workdir / 't.jsonl'}"}.get(mode)
    frames = [0]
    done = threading.Event()
    if mode == "ws":
        port = free_port()
        spec = f"ws://127.0.0.1:{port}"
        if ticks:  # the start-up run ends before a client could connect
            client = threading.Thread(target=ws_client, args=(port, done, frames))
            client.daemon = True
            client.start()
    cmd = [
        sys.executable, "-m", "townlet", "--log-level", "WARNING", "run",
        "--no-progress", "--ticks", str(ticks), "--telemetry", str(spec),
        "--summary-json", str(summary),
    ]  # fmt: skip
    cpu = child_cpu()
    subprocess.run(cmd, check=True, capture_output=True)
    cpu = child_cpu() - cpu
    if mode == "ws" and ticks:
        done.wait(10)
        if frames[0] == 0:
            raise RuntimeError("the WebSocket client received no frames")
    (workdir / "t.jsonl").unlink(missing_ok=True)
    rate = float(json.loads(summary.read_text())["ticks_per_second"]) if ticks else 0
    return rate, cpu


def main() -> None:
    """Run the comparison and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks", type=int, default=5760)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"off": [], "file": [], "ws": []}
    cpu_us: dict[str, list[float]] = {mode: [] for mode in results}
    with tempfile.TemporaryDirectory() as tmp:
        startup = {mode: one_run(mode, 0, Path(tmp))[1] for mode in results}
        for _ in range(args.rounds):
            for mode in results:
                rate, cpu = one_run(mode, args.ticks, Path(tmp))
                results[mode].append(rate)
                cpu_us[mode].append((cpu - startup[mode]) / args.ticks * 1e6)
                print(
                    f"{mode:5s} {rate:8.0f} ticks/s {cpu_us[mode][-1]:7.1f} us CPU",
                    flush=True,
                )
    base = statistics.median(results["off"])
    base_cpu = statistics.median(cpu_us["off"])
    print(
        "\n| telemetry | median ticks/s (wall) | ratio | CPU us/tick | "
        "CPU-bound ticks/s ratio |\n|---|---|---|---|---|"
    )
    for mode, values in results.items():
        median, cpu = statistics.median(values), statistics.median(cpu_us[mode])
        print(
            f"| {mode} | {median:,.0f} | {median / base:.2f} | {cpu:.0f} | "
            f"{base_cpu / cpu:.2f} |"
        )


if __name__ == "__main__":
    main()
