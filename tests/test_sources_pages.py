"""Page watches: one item per change of a page's text, with a short diff; nothing when unchanged."""

from __future__ import annotations

import json

from sources_helpers import SITES, config, db, serve

from newswatch.formats.diffs import change_id, diff_summary, normalize_text, page_text

V1 = (SITES / "gobierno" / "tps" / "honduras.html").read_bytes()
V2 = (SITES / "changes" / "tps-honduras-v2.html").read_bytes()


def test_main_text_ignores_scripts_menus_and_banners():
    title, text = page_text(V1, "https://gov.example/tps/honduras.html")
    assert title == "Temporary Protected Status Designated Country: Honduras | Ministry of Examples"
    assert "runs through January 5, 2020." in text
    for noise in ("dataLayer", "Forms", "offices will be closed"):
        assert noise not in text
    # A selector narrows it to one part of the page; XPath works too.
    _, part = page_text(V1, "https://gov.example/", "#main-content h2")
    assert part == "Re-registration\nEligibility"
    _, items = page_text(V1, "https://gov.example/", "//main//li")
    assert items.count("\n") == 2


def test_diff_summary_says_what_changed():
    _, old = page_text(V1, "https://gov.example/")
    _, new = page_text(V2, "https://gov.example/")
    summary = diff_summary(old, new)
    assert summary.splitlines()[0] == "Page changed: 2 lines edited."
    assert "[18-month extension → Secretary has terminated the TPS designation]" in summary
    assert "Last Reviewed/Updated: [12/15/2017 → 05/04/2018]" in summary
    assert diff_summary("a\nb", "a\nb\nc") == "Page changed: 1 line added.\n+ c"
    assert diff_summary("a\nb\nc", "a\nc") == "Page changed: 1 line removed.\n− b"
    long = diff_summary("", "word " * 500)
    assert long.startswith("First snapshot of the page: word") and len(long) <= 700
    many = diff_summary("x", "\n".join(f"line {i} " + "y" * 100 for i in range(40)))
    assert len(many) <= 700 and many.rstrip().endswith("more")
    # One change, one key: stable across runs, different for a different change.
    assert change_id("https://gov.example/p?utm_source=x", old, new) == change_id("https://gov.example/p", old, new)
    assert change_id("https://gov.example/p", old, new) != change_id("https://gov.example/p", new, old)
    assert normalize_text("  a \t b \n\n  c  ") == "a b\nc"


def test_a_page_that_changes_between_runs_gives_exactly_one_item_per_change(tmp_path, cli):
    with serve(tmp_path, "gobierno") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "tps-honduras"
            kind = "page"
            url = "{site.url}/tps/honduras.html"
            lang = "en"
            interval = "1h"
            """, rules="""
            [[rules]]
            name = "tps-decisions"
            query = '(terminat* OR extend* OR extension) NEAR/10 (=TPS OR "temporary protected status")'
            """)
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        (snapshot,) = db(tmp_path)["items"].rows
        assert snapshot["title"].startswith("Now watching: Temporary Protected Status Designated Country: Honduras")
        assert snapshot["summary"].startswith("First snapshot of the page:")

        (site.root / "tps" / "honduras.html").write_bytes(V2)
        second = cli("run", "-c", str(cfg), "--all")
        assert second.returncode == 0, second.stdout + second.stderr
        rows = list(db(tmp_path)["items"].rows_where("id != ?", [snapshot["id"]]))
        assert len(rows) == 1
        change = rows[0]
        assert change["title"].startswith("Page changed: Temporary Protected Status Designated Country: Honduras")
        assert change["summary"].startswith("Page changed: 2 lines edited.")
        assert "Secretary has terminated the TPS designation" in change["summary"]
        assert change["url"] == f"{site.url}/tps/honduras.html"  # the link leads to the page itself
        assert "terminated the TPS designation of Honduras" in change["body"]  # rules see the whole new text
        match = db(tmp_path)["matches"].get((change["id"], "tps-decisions"))
        assert "terminat*" in json.loads(match["terms"])

        # Unchanged: a conditional request answered 304, and nothing new.
        site.log.clear()
        third = cli("run", "-c", str(cfg), "--all")
        assert third.returncode == 0
        assert db(tmp_path)["items"].count == 2
        assert "If-None-Match" in [h for p, h in site.log if p == "/tps/honduras.html"][0]
        assert "not-modified" in third.stdout

        # The markup changes (a new ETag, a new body), the text does not: still nothing.
        page = site.root / "tps" / "honduras.html"
        page.write_bytes(V2.replace(b'"session": "c02d"', b'"session": "ffff"'))
        fourth = cli("run", "-c", str(cfg), "--all")
        assert fourth.returncode == 0
        assert db(tmp_path)["items"].count == 2
        fetches = [r["status"] for r in db(tmp_path)["fetches"].rows]
        assert fetches == ["200", "200", "not-modified", "unchanged"]


def test_a_content_selector_that_matches_nothing_is_an_error(tmp_path, cli):
    with serve(tmp_path, "gobierno") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "tps-honduras"
            kind = "page"
            url = "{site.url}/tps/honduras.html"
            selectors = {{ content = "#content-main" }}
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 1
        assert db(tmp_path)["items"].count == 0
        error = db(tmp_path)["sources"].get("tps-honduras")["last_error"]
        assert "selectors.content '#content-main' matched nothing" in error
