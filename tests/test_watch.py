"""`newswatch watch`: cycles as sources come due, one watch per database, a clean stop on SIGTERM."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from sources_helpers import config, db, serve

from newswatch.locks import RunLock, WatchLock
from newswatch.watch import newswatch_command


class WatchProcess:
    """The real `newswatch watch` in a subprocess; its output lines arrive on a queue."""

    def __init__(self, cfg, *args: str):
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        self.proc = subprocess.Popen([sys.executable, "-m", "newswatch", "watch", "-c", str(cfg), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Block until a line containing ``text`` is printed; fail with everything seen otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {text!r} within {timeout}s; output so far:\n"
                                     + "\n".join(self.seen)) from None
            if line is None:
                raise AssertionError(f"watch exited before {text!r}:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if text in line:
                return line

    def terminate(self, timeout: float = 10) -> tuple[int, float]:
        """SIGTERM; (exit code, seconds it took to exit)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        return code, time.monotonic() - started

    def rest(self) -> list[str]:
        """The lines printed after those already read, once the process has exited."""
        out = []
        while (line := self.lines.get(timeout=10)) is not None:
            out.append(line)
        self.seen += out
        return out

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def test_two_cycles_then_sigterm_stops_cleanly_and_keeps_the_items(tmp_path, cli, smtp):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "diario"
            url = "{site.url}/feed.xml"
            interval = "2s"

            [[sources]]
            name = "portada"
            kind = "site"
            url = "{site.url}/portada/"
            selectors = {{ links = "h2.titular a" }}
            interval = "1h"
            """, rules="""
            [[rules]]
            name = "tps"
            query = '=TPS OR "estatus de proteccion temporal"'
            notify = ["team"]
            """, notify=f'[notify]\nurls = {{ team = ["{smtp.url()}"] }}\n')
        watch = WatchProcess(cfg, "--deliver-every", "1h")
        try:
            watch.wait_for("cycle 1: run diario, portada")
            watch.wait_for("done in")
            # Only the 2-second source comes due again; the hourly one does not.
            watch.wait_for("cycle 2: run diario")
            watch.wait_for("done in")

            # A second watch on the same database refuses to start, and says who is watching.
            second = cli("watch", "-c", str(cfg))
            assert second.returncode == 1
            assert "newswatch watch is already running for" in second.stderr
            assert f"pid {watch.proc.pid}, newswatch watch" in second.stderr

            code, took = watch.terminate()
        finally:
            watch.kill()
        assert code == 0, "\n".join(watch.seen)
        assert took < 10
        assert watch.rest()[-1].endswith("newswatch watch: stopped"), "\n".join(watch.seen)
        d = db(tmp_path)
        assert d["items"].count == 3  # the feed's story and the front page's other two
        runs = list(d["runs"].rows)
        assert len(runs) >= 2 and all(r["finished_at"] for r in runs), "\n".join(watch.seen)
        assert smtp.wait_for(1, timeout=5)  # the TPS story was delivered by the first cycle
        assert "TPS" in smtp.messages[0]["Subject"]


def test_sigterm_in_the_middle_of_a_slow_cycle_loses_nothing(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        reached, release = threading.Event(), threading.Event()

        def slow(handler):  # the article page hangs, as a struggling site does
            reached.set()
            release.wait(30)
            return 200, {"Content-Type": "text/html"}, b"<html><body>late</body></html>"

        site.routes["/noticias/2018/05/tps-honduras-fin.html"] = slow
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "diario"
            url = "{site.url}/feed.xml"
            interval = "1h"
            """)
        watch = WatchProcess(cfg)
        try:
            watch.wait_for("cycle 1: run diario")
            assert reached.wait(30), "\n".join(watch.seen)
            code, took = watch.terminate()
        finally:
            release.set()
            watch.kill()
        assert code == 0, "\n".join(watch.seen)
        assert took < 10
        # The feed was read but its article was not: the feed's validators were not kept,
        # so the next run reads the feed again and the story arrives.
        assert db(tmp_path)["items"].count == 0
        state = db(tmp_path)["sources"].get("diario")
        assert state["etag"] is None and state["body_hash"] is None
        del site.routes["/noticias/2018/05/tps-honduras-fin.html"]
        again = cli("run", "-c", str(cfg), "--all")
        assert again.returncode == 0, again.stdout + again.stderr
        (item,) = db(tmp_path)["items"].rows
        assert "57.000 hondureños" in item["body"]


def test_a_run_while_another_holds_the_lock_exits_1_and_says_who(tmp_path, cli):
    cfg = config(tmp_path, """
        [[sources]]
        name = "nowhere"
        url = "http://127.0.0.1:9/feed.xml"
        """)
    database = tmp_path / "nw.db"
    with RunLock(database):
        busy = cli("run", "-c", str(cfg))
        assert busy.returncode == 1
        assert f"another newswatch run is using {database} (pid {os.getpid()}, newswatch run, since" in busy.stderr
        assert "wait for it to finish, or run again later" in busy.stderr
        assert "Traceback" not in busy.stderr
        with WatchLock(database):
            both = cli("run", "-c", str(cfg))
            assert both.returncode == 1
            assert f"`newswatch watch` (pid {os.getpid()}, newswatch watch, since" in both.stderr
    assert not database.exists()  # the refused runs did nothing


def test_cycles_start_the_newswatch_command_installed_beside_this_python(tmp_path, monkeypatch):
    real_python = sys.executable
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    # No console script there: the same Python runs the package.
    assert newswatch_command() == [str(bin_dir / "python"), "-m", "newswatch"]
    script = bin_dir / "newswatch"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert newswatch_command() == [str(script)]

    shown = subprocess.run([real_python, "-m", "newswatch", "--help"], capture_output=True, text=True,
                           env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "watch" in shown.stdout and "run" in shown.stdout


def test_a_cycle_of_many_due_sources_reads_them_all_through_a_file(tmp_path):
    """Past a few dozen, due sources go to `run --sources-from` instead of one argument each
    (tens of thousands of arguments outgrow the system's limit), and the line stays short."""
    many = 25
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, "".join(f"""
            [[sources]]
            name = "diario-{n:02d}"
            url = "{site.url}/feed.xml?copy={n}"
            interval = "1h"
            """ for n in range(many)))
        watch = WatchProcess(cfg, "--deliver-every", "1h", "--max-cycles", "1")
        try:
            line = watch.wait_for("cycle 1: run")
            watch.wait_for("done in")
            assert watch.proc.wait(timeout=30) == 0, "\n".join(watch.seen)
        finally:
            watch.kill()
    assert f"{many} sources (diario-00, diario-01, diario-02, ...)" in line
    fetched = {r["name"] for r in db(tmp_path)["sources"].rows if r["last_fetch_at"]}
    assert fetched == {f"diario-{n:02d}" for n in range(many)}


def test_run_reads_the_sources_to_fetch_from_a_file(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, "".join(f"""
            [[sources]]
            name = "{name}"
            url = "{site.url}/feed.xml?{name}"
            """ for name in ("uno", "dos", "tres")))
        names = tmp_path / "due.txt"
        names.write_text("uno\n\ntres\n", encoding="utf-8")
        result = cli("run", "--sources-from", str(names), "-c", str(cfg))
    assert result.returncode == 0, result.stdout + result.stderr
    fetched = {r["name"] for r in db(tmp_path)["sources"].rows if r["last_fetch_at"]}
    assert fetched == {"uno", "tres"}
