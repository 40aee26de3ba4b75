"""Trust: what an OPML file or a web page puts into newswatch.toml stays inert (issue 13, items 1 and 11).

A hostile OPML file and a hostile page, served on 127.0.0.1 by the test, go
through the real `newswatch sources import` / `sources add`, then `newswatch
run`, `status` and `sources export`, with secrets in the environment. The
server must never receive a secret, and the secret's bytes must be nowhere: not
in the database file, the config or any output. The config must hold exactly
the intended sources, and no rule. `sources add` against a server that answers
a byte at a time ends with a clear message at its time limit.
"""

from __future__ import annotations

import tomllib
from functools import partial

import hostile_server as hs
import pytest
from hostile_server import HostileServer
from measure import newswatch

from newswatch.config import load

SECRETS = {"SMTP_PASS": "smtp-pass-Q7v4Xk2", "MM_TOKEN": "mm-token-Zr81Lw9"}
CONTACT = "desk-contact-example"  # [crawl] user_agent = "... ${NW_CONTACT}": a place a person wrote


class _Recording(hs._Handler):
    """The hostile server's handler, keeping every request line and its headers, raw."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.site.seen.append(self.requestline + "\n" + str(self.headers))
        super().do_GET()


def recording_server() -> HostileServer:
    server = HostileServer()
    server.seen = []
    server.httpd.RequestHandlerClass = partial(_Recording, site=server)
    return server


def base_config(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", 'user_agent = "newswatch-tests (+mailto:${NW_CONTACT}@example.org)"',
        "download_delay = 0", "timeout = 10", "retries = 0", "obey_robots = false", "fetch_articles = false", "",
    ]), encoding="utf-8")
    return cfg


def hostile_opml(base: str) -> bytes:
    # The first title breaks out of its "# comment" line into a working rule and source;
    # it ends in a comment so that " (News)" after it leaves the TOML valid.
    injected = ("Evil&#10;[[rules]]&#10;name = &quot;injected&quot;&#10;query = &quot;honduras&quot;&#10;"
                f"[[sources]]&#10;name = &quot;injected-src&quot;&#10;url = &quot;{base}/injected.xml&quot;&#10;#")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Shared list</title></head><body>
  <outline text="News">
    <outline type="rss" text="{injected}" xmlUrl="{base}/feed.xml?k=${{SMTP_PASS}}"/>
    <outline type="rss" title="Plain ${{SMTP_PASS}}" xmlUrl="{base}/plain.xml?a=1&amp;b=${{MM_TOKEN}}"/>
  </outline>
</body></opml>
""".encode()


HOSTILE_PAGE = b"""<!doctype html><html lang="en"><head>
<title>Hostile
[[rules]]</title>
<link rel="alternate" type="application/rss+xml" title="Linked" href="/linked.xml?t=${MM_TOKEN}">
</head><body><p>Nothing here</p></body></html>"""


def secret_free(text: str | bytes, where: str) -> None:
    data = text.encode() if isinstance(text, str) else text
    for name, value in SECRETS.items():
        assert value.encode() not in data, f"{name}'s value is in {where}"


def test_imported_and_discovered_urls_never_carry_a_secret_and_titles_inject_nothing(tmp_path):
    env = {**SECRETS, "NW_CONTACT": CONTACT}
    with recording_server() as server:
        for path in ("/feed.xml", "/plain.xml", "/linked.xml", "/injected.xml"):
            server.add(path, hs.ok_feed(server.url, path.strip("/").split(".")[0], 2))
        server.add("/page.html", HOSTILE_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
        cfg = base_config(tmp_path)
        opml = tmp_path / "shared.opml"
        opml.write_bytes(hostile_opml(server.url))

        imported = newswatch("sources", "import", str(opml), "-c", str(cfg), "--yes", env=env, timeout=120)
        assert imported.returncode == 0, imported.output
        added = newswatch("sources", "add", server.url + "/page.html", "-c", str(cfg), "--yes", env=env, timeout=120)
        assert added.returncode == 0, added.output
        ran = newswatch("run", "-c", str(cfg), env=env, timeout=180)
        assert ran.returncode == 0, ran.output
        status = newswatch("status", "-c", str(cfg), env=env, timeout=120)
        exported = newswatch("sources", "export", "-c", str(cfg), env=env, timeout=120)
        assert status.returncode == 0 and exported.returncode == 0, status.output + exported.output

    # Exactly the three intended sources, their URLs as requested ($ kept, braces encoded), no rule.
    text = cfg.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert set(data) == {"database", "crawl", "sources"}, "a table was injected"
    config = load(cfg, check_env=False)
    assert config.rules == []
    assert [(s.kind, s.url) for s in config.sources] == [
        ("feed", server.url + "/feed.xml?k=$%7BSMTP_PASS%7D"),
        ("feed", server.url + "/plain.xml?a=1&b=$%7BMM_TOKEN%7D"),
        ("feed", server.url + "/linked.xml?t=$%7BMM_TOKEN%7D"),
    ]
    assert not any(line.lstrip().startswith("[[rules]]") for line in text.splitlines())
    assert "${" not in text.replace("[crawl]\nuser_agent", "").split("[[sources]]", 1)[1]

    # The sources were read, and the server never saw a secret (nor a request for the injected source).
    requested = "\n".join(server.seen)
    assert "GET /feed.xml?k=$%7BSMTP_PASS%7D " in requested and "GET /linked.xml?t=$%7BMM_TOKEN%7D " in requested
    assert "/injected.xml" not in requested
    secret_free(requested, "what the server received")
    assert CONTACT in requested  # the user_agent a person wrote is still read from the environment

    secret_free(text, "newswatch.toml")
    for f in tmp_path.glob("nw.db*"):
        secret_free(f.read_bytes(), f.name)
    for name, result in [("import", imported), ("add", added), ("run", ran), ("status", status),
                         ("sources export", exported)]:
        secret_free(result.output, f"the output of `newswatch {name}`")
    assert "$%7BSMTP_PASS%7D" in exported.stdout  # shown as it is stored: nothing expands it on the way


def test_a_source_url_with_a_variable_is_refused_not_expanded(tmp_path):
    """A config written by an older newswatch's import (or by hand) with ${VAR} in a source URL."""
    with recording_server() as server:
        cfg = base_config(tmp_path)
        with cfg.open("a", encoding="utf-8") as f:
            f.write(f'\n[[sources]]\nname = "old"\nurl = "{server.url}/feed.xml?k=${{SMTP_PASS}}"\n')
        ran = newswatch("run", "-c", str(cfg), env={**SECRETS, "NW_CONTACT": CONTACT}, timeout=120)
        assert server.seen == []
    assert ran.returncode == 2, ran.output
    assert (f"{cfg}:12: sources.url: ${{SMTP_PASS}}: source URLs are not read from the environment"
            in ran.stderr), ran.stderr
    secret_free(ran.output, "the output of `newswatch run`")
    assert not (tmp_path / "nw.db").exists()


def test_control_characters_in_an_opml_file_reach_neither_a_comment_nor_a_string(tmp_path):
    base = "http://127.0.0.1:9"  # never fetched
    titles = ["CR&#13;[[rules]]", "LS&#x2028;PS&#x2029;NEL&#x85;end", "Bidi &#x202E;evil&#x202C; tab&#9;end",
              "q&quot;uote \\ back"]
    urls = ["/a.xml?x=1&#10;[[rules]]", "/b.xml?q=&quot;x&quot; y", "/c.xml?x=&#x2028;y", "/d.xml?x=%7B"]
    outlines = "\n".join(f'<outline type="rss" text="{t}" xmlUrl="{base}{u}"/>' for t, u in zip(titles, urls))
    opml = tmp_path / "odd.opml"
    opml.write_bytes(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode())
    cfg = base_config(tmp_path)
    before = cfg.read_text(encoding="utf-8")

    imported = newswatch("sources", "import", str(opml), "-c", str(cfg), "--yes", env={"NW_CONTACT": CONTACT},
                         timeout=120)
    assert imported.returncode == 0, imported.output
    text = cfg.read_text(encoding="utf-8")
    assert text.startswith(before)
    config = load(cfg, check_env=False)
    assert config.rules == [] and set(tomllib.loads(text)) == {"database", "crawl", "sources"}
    # Each URL as the crawler requests it: newline dropped, the rest percent-encoded.
    assert [s.url for s in config.sources] == [base + "/a.xml?x=1%5B%5Brules%5D%5D", base + "/b.xml?q=%22x%22%20y",
                                               base + "/c.xml?x=%E2%80%A8y", base + "/d.xml?x=%7B"]
    added = text[len(before):]
    # No line break but "\n" (Python's splitlines() also breaks at CR, NEL, LS, PS ...).
    assert len(added.splitlines()) == added.count("\n")
    assert [ln for ln in added.split("\n") if ln.startswith("#")] == [
        "# CR [[rules]]", "# LS PS NEL end", "# Bidi evil tab end", '# q"uote \\ back']


def _trickle_headers(h, q, n) -> None:
    """A status line, then one short header line every 0.2 s, for as long as the client listens."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
    while not h.site.stopping.wait(0.2):
        h.wfile.write(b"X-A: b\r\n")
        h.wfile.flush()


@pytest.mark.parametrize("path", ["/trickle.xml", "/trickle-headers.html"])
def test_sources_add_gives_up_on_a_trickling_server_with_a_clear_message(tmp_path, path):
    with HostileServer() as server:
        server.routes["/trickle-headers.html"] = _trickle_headers
        cfg = base_config(tmp_path)
        before = cfg.read_text(encoding="utf-8")
        added = newswatch("sources", "add", server.url + path, "-c", str(cfg), "--yes", "--max-time", "2",
                          env={"NW_CONTACT": CONTACT}, timeout=120)
    assert added.returncode == 1, added.output
    assert f"{server.url}{path}: gave up looking for feeds after 2 s:" in added.stderr, added.stderr
    assert f"(still reading {server.url}{path})" in added.stderr
    assert "--max-time" in added.stderr and "Traceback" not in added.output
    assert cfg.read_text(encoding="utf-8") == before
