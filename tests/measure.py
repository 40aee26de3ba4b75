"""Run the real ``newswatch`` command and measure it: wall time and the peak RSS of that one process.

``resource.getrusage(RUSAGE_CHILDREN)`` reports the largest child of the whole
test session; ``os.wait4`` reports the one process we started, so each test
gets its own figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RSS_LIMIT_MB = 500


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def newswatch(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300) -> Measured:
    """``python -m newswatch.cli ARGS`` in a subprocess; killed (returncode -9) after ``timeout`` seconds."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli", *args], cwd=cwd, env=full_env,
                                stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024)
