"""Ticks/s of ``townlet run`` with telemetry off, to a file, and to a WebSocket client.

Runs the three modes back to back, ``--rounds`` times, in one invocation, so they
share the machine's load; prints each run and the median ratio to "off". Used for
docs/performance.md::

    python benches/telemetry_overhead.py --ticks 5760 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


def one_run(mode: str, ticks: int, workdir: Path) -> float:
    """Ticks per second of one ``townlet run`` in ``mode`` (off, file, ws)."""
    summary = workdir / f"{mode}.json"
    spec = {"off": "none", "file": f"file:{workdir / 't.jsonl'}"}.get(mode)
    frames = [0]
    done = threading.Event()
    if mode == "ws":
        port = free_port()
        spec = f"ws://127.0.0.1:{port}"
        threading.Thread(
            target=ws_client, args=(port, done, frames), daemon=True
        ).start()
    cmd = [
        sys.executable, "-m", "townlet", "--log-level", "WARNING", "run",
        "--no-progress", "--ticks", str(ticks), "--telemetry", str(spec),
        "--summary-json", str(summary),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    if mode == "ws":
        done.wait(10)
        if frames[0] == 0:
            raise RuntimeError("the WebSocket client received no frames")
    (workdir / "t.jsonl").unlink(missing_ok=True)
    return float(json.loads(summary.read_text())["ticks_per_second"])


def main() -> None:
    """Run the comparison and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks", type=int, default=5760)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"off": [], "file": [], "ws": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for mode in results:
                results[mode].append(one_run(mode, args.ticks, Path(tmp)))
                print(f"{mode:5s} {results[mode][-1]:8.0f} ticks/s", flush=True)
    base = statistics.median(results["off"])
    print("\n| telemetry | median ticks/s | ratio to off |\n|---|---|---|")
    for mode, values in results.items():
        median = statistics.median(values)
        print(f"| {mode} | {median:,.0f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
