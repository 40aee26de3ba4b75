"""`newswatch rules check|match|test`: the rule language from the command line."""

from __future__ import annotations

import json

from newswatch import storage

TOPIC = """
[aliases]
joh = ["Juan Orlando Hernández", "JOH"]

[[rules]]
name = "tps"
topic = "tps"
query = '"temporary protected status" (honduras OR hondure*)'

[[rules]]
name = "joh"
topic = "corruption"
query = '@joh NEAR/10 (drug* OR narco*)'
"""


def config(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "ca.toml").write_text(TOPIC, encoding="utf-8")
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\ninclude = ["topics/*.toml"]\n', encoding="utf-8")
    return cfg


def test_check_a_query_shows_a_caret_under_the_column(cli):
    result = cli("rules", "check", 'honduras AND (tps OR "estatus')
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "column 22" in lines[0] and "never closed" in lines[0]
    assert lines[1] == 'honduras AND (tps OR "estatus'
    assert lines[2] == " " * 21 + "^"


def test_check_a_good_query_and_a_topic_file(tmp_path, cli):
    assert cli("rules", "check", "deport* NEAR/5 honduras").returncode == 0
    config(tmp_path)
    result = cli("rules", "check", str(tmp_path / "topics" / "ca.toml"))
    assert result.returncode == 0, result.stderr
    assert "2 rules parse" in result.stdout


def test_check_names_the_bad_rule_in_a_file(tmp_path, cli):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "x"\nquery = "@nobody OR tps"\n', encoding="utf-8")
    result = cli("rules", "check", str(bad))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}:3:10: rules.x.query: unknown alias '@nobody'; no aliases are defined "
        "(add them under [aliases])",
        '    query = "@nobody OR tps"',
        "             ^",
    ]


MULTI_LINE = """\
[aliases]
officials = ["JOH"]

[[rules]]
name = "tps"
query = '''
("temporary protected status" OR =TPS)
AND (honduras OR guatemala)
AND (deport* OR @oficials)
'''
"""


def test_check_of_a_file_points_into_a_multi_line_query(tmp_path, cli):
    topic = tmp_path / "topic.toml"
    topic.write_text(MULTI_LINE, encoding="utf-8")
    result = cli("rules", "check", str(topic))
    assert result.returncode == 2
    # The third line of the query is the file's ninth; @oficials is at its column 17.
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {topic}:9:17: rules.tps.query: unknown alias '@oficials'")
    assert lines[1:] == ["    AND (deport* OR @oficials)", " " * 20 + "^"]


def test_check_a_query_shows_warnings_and_exits_0(cli):
    result = cli("rules", "check", '"honduras" and aid near/5 cuts')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "OK: the query parses (3 warnings)."
    lines = result.stderr.splitlines()
    assert lines[0] == 'warning: column 1: "honduras": quotes change nothing; =honduras is exact case'
    assert lines[3] == "warning: column 12: 'and' is searched as a word; did you mean AND?"
    assert lines[4:6] == ['"honduras" and aid near/5 cuts', " " * 11 + "^"]
    assert lines[6] == "warning: column 20: 'near/5' is searched as words; did you mean NEAR/5?"
    assert lines[8] == " " * 19 + "^"
    assert len(lines) == 9
    assert max(map(len, lines)) <= 80  # a terminal's width


def test_check_a_query_with_a_filter_inside_near_suggests_the_form_that_works(cli):
    result = cli("rules", "check", "(=EU lang:es) NEAR/4 dona")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: column 6: a filter cannot be used inside NEAR/4; put it beside the group with AND: "
        "lang:es AND (=EU NEAR/4 dona)",
        "(=EU lang:es) NEAR/4 dona",
        "     ^",
    ]
    fixed = cli("rules", "check", "lang:es AND (=EU NEAR/4 dona*)")
    assert (fixed.returncode, fixed.stdout.strip(), fixed.stderr) == (0, "OK: the query parses.", "")


def test_check_of_a_file_with_warnings_only_exits_0(tmp_path, cli):
    topic = tmp_path / "topic.toml"
    topic.write_text('[[rules]]\nname = "a"\nquery = "tps NEAR5 honduras"\n', encoding="utf-8")
    result = cli("rules", "check", str(topic))
    assert result.returncode == 0, result.stderr
    assert "OK: 1 rules parse (1 warning)." in result.stdout
    assert result.stderr.splitlines() == [
        f"{topic}:3:14: warning: rules.a.query: 'NEAR5' is searched as words; did you mean NEAR/5?",
        '    query = "tps NEAR5 honduras"',
        " " * 17 + "^",
    ]


def test_match_reads_and_writes_json_lines(tmp_path, cli):
    cfg = config(tmp_path)
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"title": "EE.UU. y el TPS", "summary": "Nada sobre el estatus", "url": "https://a.example/1"},
        {"title": "Temporary Protected Status ends for Hondureños", "url": "https://a.example/2"},
        {"title": "Fiscales: Juan Orlando Hernández y el narcotráfico", "lang": "es"},
    ]) + "\n", encoding="utf-8")
    result = cli("rules", "match", "-c", str(cfg), str(items))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["index"] for o in out] == [0, 1, 2]
    assert out[0] == {"index": 0, "url": "https://a.example/1", "matches": []}
    assert [m["rule"] for m in out[1]["matches"]] == ["tps"]
    assert "«Temporary Protected Status»" in out[1]["matches"][0]["snippet"]
    assert [m["rule"] for m in out[2]["matches"]] == ["joh"]
    only = cli("rules", "match", "-c", str(cfg), "--rule", "joh", str(items))
    assert [len(json.loads(line)["matches"]) for line in only.stdout.splitlines()] == [0, 0, 1]
    query = cli("rules", "match", "--query", "=TPS", str(items), env={"NEWSWATCH_CONFIG": ""})
    assert [len(json.loads(line)["matches"]) for line in query.stdout.splitlines()] == [1, 0, 0]


def test_match_reports_each_bad_line_and_matches_the_rest(tmp_path, cli):
    cfg = config(tmp_path)
    items = tmp_path / "items.jsonl"
    items.write_text('{"title": "ok"}\n{"summary": "no title"}\nnot json at all\n'
                     '{"title": "Honduras and temporary protected status"}\n', encoding="utf-8")
    result = cli("rules", "match", "-c", str(cfg), str(items))
    assert result.returncode == 1
    assert "items.jsonl: line 2:" in result.stderr and '"title"' in result.stderr
    assert "items.jsonl: line 3:" in result.stderr and "2 lines skipped" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["index"] for o in out] == [0, 3]
    assert [m["rule"] for m in out[1]["matches"]] == ["tps"]


def test_match_reports_a_line_that_is_not_utf8_and_matches_the_rest(tmp_path, cli):
    items = tmp_path / "items.jsonl"
    items.write_bytes(b'\xef\xbb\xbf{"title": "TPS first"}\n{"title": "caf\xe9 TPS"}\n'  # a BOM, then Latin-1
                      b'{"title": "Honduras and TPS"}\n')
    result = cli("rules", "match", "--query", "tps", str(items), env={"NEWSWATCH_CONFIG": ""})
    assert result.returncode == 1
    assert "items.jsonl: line 2: not UTF-8: byte 0xe9 is its byte 15" in result.stderr
    assert "1 line skipped" in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["index"], len(o["matches"])) for o in out] == [(0, 1), (2, 1)]


def _long_input(lines: int) -> list[str]:
    """Items of which every 7th matches, with a blank line, a broken line and an untitled one."""
    out = []
    for i in range(lines):
        title = f"Item {i}: Honduras and temporary protected status" if i % 7 == 0 else f"Item {i} on the weather"
        out.append(json.dumps({"title": title, "url": f"https://a.example/{i}"}))
    out[10], out[500], out[900] = "", "not json", json.dumps({"summary": "no title"})
    return out


def test_a_long_input_is_matched_by_workers_in_input_order(tmp_path):
    import multiprocessing

    from newswatch import app
    from newswatch.app.matching import MIN_LINES_FOR_WORKERS
    from newswatch.config import load

    lines = _long_input(MIN_LINES_FOR_WORKERS + 1500)
    cfg = load(config(tmp_path))
    alone = list(app.rules_match(lines, cfg, jobs=1))
    results, workers = [], 0
    for result in app.rules_match(lines, cfg, jobs=2):
        workers = max(workers, len(multiprocessing.active_children()))
        results.append(result)
    assert workers == 2
    assert results == alone
    assert [r["index"] for r in results] == [i for i in range(len(lines)) if i != 10]
    assert [r["index"] for r in results if "error" in r] == [500, 900]
    assert sum(bool(r.get("matches")) for r in results) == sum(i % 7 == 0 for i in range(len(lines)))
    assert not multiprocessing.active_children()


def test_stopping_early_leaves_no_worker_behind(tmp_path):
    import multiprocessing

    from newswatch import app
    from newswatch.config import load

    results = app.rules_match(_long_input(5000), load(config(tmp_path)), jobs=2)
    first = [next(results) for _ in range(3)]
    assert [r["index"] for r in first] == [0, 1, 2]
    results.close()
    assert not multiprocessing.active_children()


def test_match_jobs_on_the_command_line(tmp_path, cli):
    cfg = config(tmp_path)
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(_long_input(1200)) + "\n", encoding="utf-8")
    one = cli("rules", "match", "-c", str(cfg), "-j", "1", str(items))
    two = cli("rules", "match", "-c", str(cfg), "--jobs", "2", str(items))
    assert one.returncode == two.returncode == 1  # the two bad lines
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 1197
    assert "items.jsonl: line 501:" in two.stderr and "2 lines skipped" in two.stderr
    zero = cli("rules", "match", "-c", str(cfg), "-j", "0", str(items))
    assert zero.returncode == 2 and "--jobs" in zero.stderr


def test_backtest_agrees_with_the_matcher(tmp_path, cli):
    cfg = config(tmp_path)
    db = storage.open_db(tmp_path / "nw.db")
    storage.sync_sources(db, [{"name": "s", "kind": "feed", "url": "https://a.example/feed"}])
    titles = ["Temporary protected status for Hondureños extended", "Honduras: temporary protected... status?",
              "Weather in Honduras", "Hondurans and temporary protected status"]
    recs = []
    for n, title in enumerate(titles):
        url = f"https://a.example/{n}"
        recs.append(storage.ItemRecord(item={"id": storage.item_id_for(url), "url": url, "canonical_url": url,
                                             "title": title, "fetched_at": "2026-01-01T00:00:00Z", "source": "s",
                                             "published": f"2026-01-0{n + 1}T00:00:00Z"}))
    storage.store_batch(db, recs)
    result = cli("rules", "test", "-c", str(cfg), "--rule", "tps")
    assert result.returncode == 0, result.stderr
    # FTS5 lets the phrase cross "...", the matcher does not (a phrase stops at clause
    # punctuation): a candidate, not a match. "Hondurans" is not hondure*.
    assert result.stdout.startswith("1 of 2 candidate items match (4 stored")
    assert "Temporary protected status for Hondureños extended" in result.stdout
    assert "protected... status?" not in result.stdout
    assert "Weather" not in result.stdout and "Hondurans and" not in result.stdout
    since = cli("rules", "test", "-c", str(cfg), "--rule", "tps", "--since", "2026-01-02")
    assert since.stdout.startswith("0 of 1 candidate items match (3 stored, since 2026-01-02")


def test_rules_check_of_a_missing_toml_file_says_so(tmp_path, cli):
    result = cli("rules", "check", str(tmp_path / "topics" / "typo.toml"))
    assert result.returncode == 2
    assert "typo.toml: no such file" in result.stderr
    assert "OK" not in result.stdout
