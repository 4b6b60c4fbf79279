"""SIGINT during ``townlet run``: normal close, summary written, exit 130 (L-4)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_first_sigint_closes_normally_and_exits_130(tmp_path):
    telemetry = tmp_path / "t.jsonl"
    summary = tmp_path / "summary.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "python"), *filter(None, [env.get("PYTHONPATH")])]
    )
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "townlet", "run", "--ticks", "100000000",
            "--world", "python", "--telemetry", f"file:{telemetry}",
            "--no-progress", "--summary-json", str(summary),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if telemetry.exists() and '"payload_type"' in telemetry.read_text():
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted after" in stderr
    assert "Traceback" not in stderr
    data = json.loads(summary.read_text())
    assert 0 < data["ticks"] < 100000000
    assert data["final_tick"] == data["ticks"]
    lines = telemetry.read_text().splitlines()
    end = json.loads(lines[-1])  # whole lines, closed normally with an end frame
    assert end["payload_type"] == "end"
    assert end["tick"] == data["final_tick"]
