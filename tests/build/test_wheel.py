"""The release wheel installs and runs where no Rust toolchain exists.

Builds the wheel with maturin unless ``make wheel`` already left one in dist/, installs
it into a fresh virtual environment with every cargo/rustc directory stripped from
PATH, and runs ``townlet run`` from an empty working directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
TAG = f"cp{sys.version_info.major}{sys.version_info.minor}"


def find_or_build_wheel() -> Path:
    """The newest wheel for this interpreter in dist/, built if there is none."""
    wheels = sorted(
        DIST.glob(f"townlet-*-{TAG}-*.whl"), key=lambda p: p.stat().st_mtime
    )
    if wheels:
        return wheels[-1]
    maturin = shutil.which("maturin") or str(Path(sys.executable).parent / "maturin")
    if not Path(maturin).exists():
        pytest.skip("no wheel in dist/ and maturin is not installed (run 'make wheel')")
    subprocess.run(
        [
            maturin,
            "build",
            "--release",
            "--interpreter",
            sys.executable,
            "--out",
            str(DIST),
        ],
        cwd=REPO,
        check=True,
    )
    return find_or_build_wheel()


def toolchain_free_env() -> dict[str, str]:
    """This environment without Rust on PATH and without the source tree's venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("VIRTUAL_ENV", "PYTHONPATH", "CARGO_HOME", "RUSTUP_HOME", "PYO3_PYTHON")
    }
    keep = [
        entry
        for entry in env.get("PATH", "").split(os.pathsep)
        if entry
        and not (Path(entry, "cargo").exists() or Path(entry, "rustc").exists())
    ]
    env["PATH"] = os.pathsep.join(keep)
    return env


def test_wheel_installs_and_runs_without_rust(tmp_path):
    wheel = find_or_build_wheel()
    env = toolchain_free_env()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    python = venv / "bin" / "python"
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env["PATH"]])
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        env=env,
    )
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import shutil, townlet, townlet._native; "
            "print(shutil.which('cargo'), shutil.which('rustc'), townlet.__file__)",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    cargo, rustc, location = probe.stdout.split()
    assert (cargo, rustc) == ("None", "None")
    assert location.startswith(str(venv)), "townlet must come from the wheel"
    workdir = tmp_path / "work"
    workdir.mkdir()
    summary_path = workdir / "summary.json"
    result = subprocess.run(
        [
            str(venv / "bin" / "townlet"),
            "run",
            "--ticks",
            "200",
            "--telemetry",
            "none",
            "--no-progress",
            "--summary-json",
            str(summary_path),
        ],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "ticks/s" in result.stderr
    summary = json.loads(summary_path.read_text())
    assert summary["ticks"] == 200
    assert summary["final_tick"] == 200
    assert summary["providers"]["world"]["name"] == "native"
    assert len(summary["state_hash"]) == 64
