"""The analyst's desk and the reading pages of ``newswatch serve``, in-process.

Same newsroom as test_browse.py: Officials matched one story a day on
18, 19 and 20 June 2017 (the Baldetti story by two outlets), TPS two
stories, Aid none. The desk's window ends on the newest item's day.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from markupsafe import escape
from test_browse import HOSTILE_TITLE, get, get_json, make_newsroom

from newswatch.browse import make_datasette
from newswatch.browse.charts import coverage_svg
from newswatch.config import load
from newswatch.storage import open_db


@pytest.fixture
def ds(tmp_path):
    return make_datasette(make_newsroom(tmp_path))


@pytest.fixture
def ds_guatemala(tmp_path):
    config = make_newsroom(tmp_path)
    with config.path.open("a", encoding="utf-8") as f:
        f.write('\n[notify]\ntimezone = "America/Guatemala"\n')
    return make_datasette(load(config.path, check_env=False))


def _sections(page: str) -> dict[str, str]:
    """The desk's topic sections by topic name, in page order."""
    found = re.findall(r'<section class="newswatch-topic" data-topic="([^"]*)">(.*?)</section>', page, re.S)
    return dict(found)


def _bars(section: str) -> dict[str, int]:
    return {day: int(n) for day, n in re.findall(r'data-day="([\d-]+)" data-stories="(\d+)"', section)}


def test_the_front_page_is_the_desk_busiest_topic_first(ds):
    page = get(ds, "/").text
    sections = _sections(page)
    assert list(sections) == ["Officials", "TPS", "Aid"]
    assert "3 stories in 30 days" in sections["Officials"]
    assert "0 stories in 30 days" in sections["Aid"]
    # Links to each rule's page and feed, the tables and Datasette's own index.
    assert 'href="/nw/rule-officials"' in sections["Officials"]
    assert 'href="/nw/rule-officials.atom"' in sections["Officials"]
    for href in ("/nw/stories", "/nw/items", "/nw", "/-/datasette"):
        assert f'href="{href}"' in page


def test_each_topic_has_a_chart_with_one_bar_per_day(ds):
    sections = _sections(get(ds, "/").text)
    bars = _bars(sections["Officials"])
    # 30 days ending 20 June 2017, the newest item's day; empty days are zero bars.
    assert len(bars) == 30
    assert min(bars) == "2017-05-22" and max(bars) == "2017-06-20"
    assert {d: n for d, n in bars.items() if n} == {"2017-06-18": 1, "2017-06-19": 1, "2017-06-20": 1}
    assert {d: n for d, n in _bars(sections["TPS"]).items() if n} == {"2017-06-10": 1, "2017-06-15": 1}
    assert set(_bars(sections["Aid"]).values()) == {0}
    assert sections["Officials"].count("<svg") == 1
    longer = _sections(get(ds, "/?days=90").text)
    assert len(_bars(longer["Officials"])) == 90
    assert "3 stories in 90 days" in longer["Officials"]
    # Any other window is the default one.
    assert len(_bars(_sections(get(ds, "/?days=7").text)["Officials"])) == 30


def test_the_desk_lists_the_latest_stories_with_their_evidence_and_outlets(ds):
    officials = _sections(get(ds, "/").text)["Officials"]
    titles = re.findall(r"<strong>(.*?)</strong>", officials)
    # Newest first; the Baldetti story once, by its newest matched item.
    assert titles == ["Juan Orlando Hernández acusado en Nueva York",
                      "Baldetti to face US drug trafficking charges"]
    assert "covered by 2 outlets, first by prensalibre" in officials
    assert "covered by 1 outlet, first by elfaro" in officials
    assert "<mark>Baldetti</mark> to face US drug trafficking charges" in officials
    assert 'href="https://elfaro.example.org/joh"' in officials
    assert "No matched stories yet." in _sections(get(ds, "/").text)["Aid"]


def test_the_desk_names_outlets_as_alerts_do(tmp_path):
    """A configured title first, then the feed's own title, then the slug."""
    config = make_newsroom(tmp_path)
    with config.path.open("a", encoding="utf-8") as f:
        f.write('\n[[sources]]\nname = "prensalibre"\nkind = "feed"\n'
                'url = "http://127.0.0.1:9/pl.xml"\ntitle = "Prensa Libre (Guatemala)"\n')
    with open_db(config.database) as db:
        db.execute("UPDATE sources SET feed_title = 'El Faro - Noticias' WHERE name = 'elfaro'")
    officials = _sections(get(make_datasette(load(config.path, check_env=False)), "/").text)["Officials"]
    assert "covered by 2 outlets, first by Prensa Libre (Guatemala)" in officials
    assert "covered by 1 outlet, first by El Faro - Noticias" in officials
    assert "first by prensalibre" not in officials


def test_the_desk_escapes_feed_text(ds):
    tps = _sections(get(ds, "/").text)["TPS"]
    assert str(escape(HOSTILE_TITLE)) in tps
    assert "<script>" not in tps and 'href="javascript:' not in tps
    assert "<mark>TPS</mark> &lt;script&gt;alert(2)&lt;/script&gt;" in tps


def test_datasette_index_is_still_reachable(ds):
    page = get(ds, "/-/datasette").text
    assert 'href="/nw"' in page
    assert "newswatch-desk" not in page


def test_items_lead_with_title_outlet_local_date_and_evidence(ds_guatemala):
    page = get(ds_guatemala, "/nw/items").text
    rows = re.findall(r"<tr>\s*<td class=\"col-title\">(.*?)</tr>", page, re.S)
    assert len(rows) == 6
    first = rows[0]
    assert ('<a href="https://elfaro.example.org/joh" rel="noopener noreferrer nofollow">'
            "Juan Orlando Hernández acusado en Nueva York</a>") in first
    assert "elfaro" in first
    # 14:00 UTC is 08:00 in Guatemala.
    assert "2017-06-20 08:00" in first
    assert "El expresidente <mark>Juan Orlando Hernández</mark> acusado" in first
    assert "published (America/Guatemala)" in page
    # Ids, URLs and hashes are not columns of the page unless asked for.
    for internal in ("canonical_url", "guid", "title_key", "cluster_id"):
        assert f'data-column="{internal}"' not in page
        assert f'data-column="{internal}"' in get(ds_guatemala, "/nw/items?_columns=all").text


def test_search_results_show_where_the_hit_is(ds):
    page = get(ds, "/nw/items?_search=exvicepresidenta").text
    assert "where it matches" in page
    # The hit is in the summary, not the title: the summary's words are shown.
    assert "La <mark>exvicepresidenta</mark> guatemalteca." in page
    # Accent-blind, and the hit shows the text as written.
    assert "<mark>Hernández</mark>" in get(ds, "/nw/items?_search=Hernandez").text
    raw = get(ds, "/nw/items?_search=baldetti+OR+hernandez&_searchmode=raw").text
    assert "<mark>Baldetti</mark>" in raw and "<mark>Hernández</mark>" in raw


def test_stories_newest_by_publication_and_only_matched_unless_asked(tmp_path):
    config = make_newsroom(tmp_path)
    db = open_db(config.database)
    with db.conn:  # found late: fetched last, published 15 June
        db.execute("update items set fetched_at = '2017-06-25T00:00:00Z' where id = 'tps'")
    db.close()
    ds = make_datasette(config)
    response = get(ds, "/nw/stories")
    assert response.status_code == 302
    location = response.headers["location"]
    rows = get_json(ds, location.replace("/nw/stories?", "/nw/stories.json?_shape=array&"))
    assert [r["cluster_id"] for r in rows] == ["c-joh", "c-bal", "c-tps", "c-hostile"]
    assert rows[1]["newest"] == "2017-06-19T16:00:00Z"
    assert rows[1]["rules"] == "officials"
    assert "Newest first, by the newest publication date" in get(ds, location).text
    # Asked for everything: the story no rule matched is there too.
    every = get_json(ds, "/nw/stories.json?_shape=array&_sort_desc=newest")
    assert [r["cluster_id"] for r in every][-1] == "c-weather"
    assert every[-1]["rules"] is None


def test_rule_page_leads_with_title_and_shows_terms_as_text(ds):
    page = get(ds, "/nw/rule-officials").text
    heads = re.findall(r'<th class="col-([a-z_]+)"', page)
    assert heads[:4] == ["title", "source", "published", "snippet"]
    assert ('<a href="https://prensalibre.example.org/bal-es" rel="noopener noreferrer nofollow">'
            "Roxana Baldetti será extraditada a Estados Unidos</a>") in page
    assert '<td class="col-terms">roxana baldetti, baldetti</td>' in page
    # The feed's columns are hidden on the page, kept in the data and the feed.
    assert ".col-atom_id" in page and ".col-atom_id" not in get(ds, "/nw/rule-officials?_columns=all").text
    assert "atom_id" in get_json(ds, "/nw/rule-officials.json?_shape=array")[0]


def test_chart_draws_zero_days_as_empty_bars():
    day = SimpleNamespace
    rows = [day(day=date(2017, 6, d), stories=s, items=s, all_items=10, share=s / 10) for d, s in
            [(1, 0), (2, 4), (3, 2)]]
    svg = str(coverage_svg(rows, "Aid & <b>cuts</b>"))
    heights = [float(h) for h in re.findall(r'<rect class="day"[^>]* height="([\d.]+)"', svg)]
    assert len(heights) == 3
    assert heights[0] == 0 and heights[1] > heights[2] > 0
    assert heights[1] == pytest.approx(2 * heights[2])
    assert "Aid &amp; &lt;b&gt;cuts&lt;/b&gt;" in svg
    assert "2017-06-02: 4 stories, 4 matched items of 10 from the same outlets (40.0%)" in svg
