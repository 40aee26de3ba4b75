"""Helpers for the cluster tests and benchmarks/bench_cluster.py: a real redis-server, feeds
served with latency, workers as subprocesses.

Everything listens on 127.0.0.1 at free ports; redis-server keeps its files in
a temporary directory and saves nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from email.utils import formatdate
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from newswatch.demo.server import SiteServer, _Handler

REDIS = shutil.which("redis-server")
SECRET = "test-cluster-secret-5f0c2a9e"  # [cluster] secret of the configs below
KEYWORD = "zanzibarite"  # in the entries the test rule matches, and nowhere else
_WORDS = ("harbour council budget river minister court election school clinic market bridge drought "
          "festival railway police union farmers museum hospital airport customs border senate mayor "
          "teachers strike flood storm vaccine tariff quarry ferry lottery census protest reform").split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A real redis-server on a free loopback port, without persistence; restartable on the same port."""

    def __init__(self, directory: Path, port: int | None = None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        if REDIS is None:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # no persistence: a kill loses what it held, as a crash would
            self.proc.wait(10)
        self.proc = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _SlowHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = unquote(urlsplit(self.path).path)
        first = path not in self.site.started
        self.site.started.append(path)
        delay = self.site.delays.get(path, self.site.latency)
        if first and path in self.site.first_delays:
            delay = self.site.first_delays[path]
        if delay:
            time.sleep(delay)
        super().do_GET()


class LatentSite(SiteServer):
    """A folder served locally, every response after ``latency`` seconds (``delays``: per path;
    ``first_delays``: per path, the first request only)."""

    def __init__(self, root: Path, latency: float = 0.0):
        super().__init__(root)
        self.latency = latency
        self.delays: dict[str, float] = {}
        self.first_delays: dict[str, float] = {}
        self.started: list[str] = []  # paths asked for, as requests arrive (before any delay)
        self.httpd.RequestHandlerClass = partial(_SlowHandler, site=self)
        self.httpd.socket.listen(256)  # workers connect many at once; the default backlog is 5
        # A killed worker leaves its requests half-read: no traceback on stderr for each.
        self.httpd.handle_error = lambda request, client_address: None


def make_feeds(root: Path, n_feeds: int, n_items: int, seed: int = 7, every: int = 10) -> set[str]:
    """``n_feeds`` RSS feeds of ``n_items`` entries in ``root/feeds/f{i}.xml``; every ``every``-th
    entry mentions :data:`KEYWORD`. Returns the GUIDs of those entries."""
    rnd = random.Random(seed)
    feeds = root / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    marked = set()
    for f in range(n_feeds):
        items = []
        for i in range(n_items):
            guid = f"f{f}-i{i}"
            words = " ".join(rnd.choice(_WORDS) for _ in range(40))
            title = f"Item {f}-{i}: " + " ".join(rnd.choice(_WORDS) for _ in range(6))
            if (f * n_items + i) % every == 0:
                words += f" {KEYWORD}"
                marked.add(guid)
            date = formatdate(1_700_000_000 + f * 1000 + i * 10, usegmt=True)
            items.append(f"<item><title>{escape(title)}</title><link>{{{{BASE}}}}/a/{f}/{i}.html</link>"
                         f"<guid isPermaLink=\"false\">{guid}</guid><pubDate>{date}</pubDate>"
                         f"<description>{escape(words)}</description></item>")
        (feeds / f"f{f}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {f}</title><link>{{{{BASE}}}}/</link><language>en</language>"
            + "".join(items) + "</channel></rss>", encoding="utf-8")
    return marked


def cluster_config(directory: Path, site_url: str, redis_url: str, n_feeds: int, lease: str = "5s",
                   result_timeout: str = "60s", crawl: str = "", secret: str = SECRET) -> Path:
    """A newswatch.toml with ``n_feeds`` feed sources, politeness off (one local host), a rule
    on :data:`KEYWORD` notifying a tag, and a [cluster] table signing with ``secret``."""
    parts = [
        'database = "nw.db"',
        "[crawl]",
        'user_agent = "newswatch-tests (+mailto:tests@example.org)"',
        "download_delay = 0", "autothrottle = false", "concurrency_per_domain = 64",
        "timeout = 20", "retries = 0", "fetch_articles = false", crawl,
        "[notify]", 'urls = { desk = ["json://127.0.0.1:9/never"] }',
        "[cluster]", f'redis = "{redis_url}"', f'secret = "{secret}"', f'lease = "{lease}"', f'result_timeout = "{result_timeout}"',
        "[[rules]]", 'name = "marked"', f'query = "{KEYWORD}"', 'notify = ["desk"]',
    ]
    for f in range(n_feeds):
        parts.append(f'[[sources]]\nname = "feed-{f}"\nurl = "{site_url}/feeds/f{f}.xml"\nlang = "en"\n'
                     'interval = "1h"')
    cfg = directory / "newswatch.toml"
    cfg.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return cfg


def start_worker(config: Path, concurrency: int = 8, log: Path | None = None) -> subprocess.Popen:
    """A ``newswatch worker`` subprocess (its stderr to ``log``)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    err = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - the child holds it
    return subprocess.Popen([sys.executable, "-m", "newswatch.cli", "worker", "-c", str(config),
                             "--concurrency", str(concurrency)],
                            stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=config.parent)


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    for w in workers:
        try:
            w.wait(15)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait(5)
