"""Python child processes (workers, the benchmark's peer) with their output in a log file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def spawn(
    args: Sequence[str], env: Mapping[str, str], log: Path, python: str | None = None
) -> subprocess.Popen[bytes]:
    """Run ``python ARGS`` with ``env`` added to this process's environment, output to ``log``
    (``python``: another interpreter than this one, e.g. the benchmark's Quix venv)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            [python or sys.executable, *args],
            env={**os.environ, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def terminate(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM (a graceful shutdown), SIGKILL if it has not exited after ``timeout`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
