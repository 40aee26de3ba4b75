"""Shared fixtures: real local servers on 127.0.0.1 port 0 and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newswatch.demo.server import SiteServer
from newswatch.demo.sinks import SmtpSink

FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.fixture
def site(tmp_path):
    """The hand-made fixture site (a copy, so a test may edit feeds), served locally."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    with SiteServer(root) as server:
        yield server


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    with SmtpSink() as sink:
        yield sink


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    """Run the real ``newswatch`` command in a subprocess (Scrapy's reactor runs once per process)."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli


def write_config(directory: Path, site_url: str, mail_url: str | None, sources: list[tuple[str, str, str]],
                 rules: str = "", extra: str = "") -> Path:
    """A newswatch.toml for the fixture site: sources as (name, path, lang)."""
    notify = f'[notify]\nurls = {{ team = ["{mail_url}"] }}\nmax_attempts = 3\n' if mail_url else ""
    parts = [
        'database = "nw.db"',
        "[crawl]",
        'user_agent = "newswatch-tests (+mailto:tests@example.org)"',
        "download_delay = 0",
        "timeout = 10",
        "retries = 0",
        extra,
        notify,
    ]
    for name, path, lang in sources:
        parts.append(f'[[sources]]\nname = "{name}"\nurl = "{site_url}{path}"\nlang = "{lang}"\ninterval = "1h"\n')
    parts.append(textwrap.dedent(rules))
    cfg = directory / "newswatch.toml"
    cfg.write_text("\n".join(parts), encoding="utf-8")
    return cfg
