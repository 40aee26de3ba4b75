"""Run the real ``newswatch`` command and measure it: wall time and the peak RSS of that one process.

``resource.getrusage(RUSAGE_CHILDREN)`` reports the largest child of the whole
test session; ``os.wait4`` reports the one process we started, so each test
gets its own figure. But Linux counts in a child's peak the size of the
process it was forked from (the copy made by fork, kept across exec), so a
child of a pytest process grown to 500 MB "peaks" at 500 MB whatever it does.
A small launcher therefore forks newswatch from itself, freshly exec'd and
small, reaps it with ``os.wait4`` and hands its figure back.
"""

from __future__ import annotations

import os
import signal
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
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        report = Path(tmp) / "maxrss"
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report), *args], cwd=cwd, env=full_env,
                                stdout=out, stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, _ = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            _kill_group(proc.pid)  # nothing of the run outlives the test
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        max_rss_kb = int(report.read_text()) if report.exists() else 0
        return Measured(proc.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), seconds, max_rss_kb / 1024)


# Forks `python -m newswatch.cli ARGS`, waits, writes its peak RSS (KB) to argv[1], and ends
# the way it ended (the same exit code, or killed by the same signal).
_LAUNCHER = """
import os, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "newswatch.cli", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
