"""The matcher's shortcuts: what they skip must never change an answer.

A NEAR is looked for only in the fields where both of its sides were seen,
so a rule whose sides sit in different fields is settled from the hit sets
alone, without computing a position.
"""

from __future__ import annotations

from newswatch.rules import compile_rule, compile_rules
from newswatch.rules.compiler import CACHE_MIN_RULES
from newswatch.rules.document import Document


class _NoPositions(Document):
    """A document that fails the test if anything asks it for positions."""

    __slots__ = ()

    def spans(self, node, field, atoms):  # noqa: ANN001
        raise AssertionError(f"positions computed in {field}")

    def near(self, node, field, atoms):  # noqa: ANN001
        raise AssertionError(f"positions computed in {field}")

    def found(self, node, atoms):  # noqa: ANN001
        raise AssertionError("positions computed")


def _predicate(query: str):
    matcher = compile_rule(query).matcher()
    return matcher, matcher._predicate(0)


def _hit_sets(matcher, item):
    from newswatch.rules.document import FieldText

    fields, hits = {}, {}
    for name in ("title", "summary", "body"):
        text = item.get(name)
        fields[name] = FieldText(text) if text else None
        hits[name] = {a for _, a in matcher._automaton.iter(fields[name].words)} if text else set()
    return {k: v for k, v in fields.items() if v}, hits


def test_near_with_sides_in_different_fields_needs_no_positions():
    matcher, predicate = _predicate("tps NEAR/3 honduras")
    item = {"title": "TPS extended", "body": "Honduras welcomed the decision."}
    fields, hits = _hit_sets(matcher, item)
    doc = _NoPositions(item, fields, hits)
    T, S, B = hits["title"], hits["summary"], hits["body"]
    assert predicate(T, S, B, T | S | B, doc) is False
    assert compile_rules([("r", "tps NEAR/3 honduras")]).match(item) == []


def test_near_is_looked_for_in_the_field_holding_both_sides():
    item = {"title": "Honduras", "summary": "Honduras and El Salvador", "body": "The TPS ruling for Honduras."}
    [match] = compile_rules([("r", "tps NEAR/3 honduras")]).match(item)
    assert match.fields == ("body",)
    assert match.snippet == "The «TPS» ruling for «Honduras»."


def test_cheap_terms_are_tested_before_a_near():
    # "asylum" is missing: the AND fails on the hit sets before the NEAR's positions are asked for
    matcher, predicate = _predicate("tps NEAR/3 honduras asylum")
    item = {"body": "TPS for Honduras was extended."}
    fields, hits = _hit_sets(matcher, item)
    B = hits["body"]
    assert predicate(set(), set(), B, B, _NoPositions(item, fields, hits)) is False
    assert compile_rules([("r", "tps NEAR/3 honduras asylum")]).match(item) == []
    assert compile_rules([("r", "tps NEAR/3 honduras asylum")]).match(
        {"body": "TPS for Honduras was extended; asylum too."})[0].terms == ("tps", "honduras", "asylum")


# -- the compiled-rules cache, through real `newswatch run`s ------------------------------------


def _config(directory, url: str, watch_query: str):
    import hostile_server as hs

    cfg = hs.one_source_config(directory, "wire", url)
    rules = [f'[[rules]]\nname = "filler-{i}"\nquery = "zqx{i}word"' for i in range(CACHE_MIN_RULES)]
    rules.append(f'[[rules]]\nname = "watch"\nquery = "{watch_query}"')
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n" + "\n".join(rules) + "\n", encoding="utf-8")
    return cfg


def _run_and_matches(directory, cfg) -> list[tuple[str, str]]:
    import sqlite_utils
    from conftest import run_cli

    (directory / "nw.db").unlink(missing_ok=True)  # a fresh database: the item is new and matched again
    result = run_cli("run", "-c", str(cfg), "--no-alerts")
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(directory / "nw.db")
    return [(r["rule"], r["snippet"]) for r in db.query("select rule, snippet from matches order by rule")]


def test_a_large_rule_set_is_cached_beside_the_database_and_recompiled_when_a_rule_changes(tmp_path):
    import hostile_server as hs
    from hostile_server import HostileServer

    with HostileServer() as server:
        url = server.add("/wire.xml", hs.rss([hs.item(server.url, 1, title="TPS for Honduras extended",
                                                      description="Washington extended TPS again.")]).encode(),
                         headers={"Content-Type": "application/rss+xml"})
        cfg = _config(tmp_path, url, "tps")
        cache = tmp_path / "nw.db.rules-cache"

        assert _run_and_matches(tmp_path, cfg) == [("watch", "Washington extended «TPS» again.")]
        assert cache.is_file()
        written = cache.stat().st_mtime_ns

        # same rules: the next run loads the matcher instead of writing it again, and matches alike
        assert _run_and_matches(tmp_path, cfg) == [("watch", "Washington extended «TPS» again.")]
        assert cache.stat().st_mtime_ns == written

        # one query changed: the cache no longer applies; the new rule decides
        cfg = _config(tmp_path, url, "elephant")
        assert _run_and_matches(tmp_path, cfg) == []
        assert cache.stat().st_mtime_ns != written


def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(tmp_path):
    rules = [(f"filler-{i}", f"zqx{i}word") for i in range(CACHE_MIN_RULES)] + [("watch", "tps")]
    item = {"title": "TPS for Honduras"}
    cache = tmp_path / "nw.db.rules-cache"
    cache.write_bytes(b"not a cache at all")
    assert [m.rule for m in compile_rules(rules, cache=cache).match(item)] == ["watch"]
    good = cache.read_bytes()
    assert good.startswith(b"newswatch compiled rules ")
    cache.write_bytes(good[: len(good) // 2])  # cut short: the header still matches
    assert [m.rule for m in compile_rules(rules, cache=cache).match(item)] == ["watch"]
    rewritten = cache.stat()
    assert rewritten.st_size > len(good) // 2
    # whole again: the next compile loads it and leaves it be
    assert [m.rule for m in compile_rules(rules, cache=cache).match(item)] == ["watch"]
    assert cache.stat().st_mtime_ns == rewritten.st_mtime_ns


def test_a_cache_others_could_have_written_is_never_loaded(tmp_path):
    rules = [(f"filler-{i}", f"zqx{i}word") for i in range(CACHE_MIN_RULES)] + [("watch", "tps")]
    cache = tmp_path / "nw.db.rules-cache"
    compile_rules(rules, cache=cache)
    cache.chmod(0o666)  # anyone could have replaced it: compiled afresh, and the file rewritten as ours
    assert [m.rule for m in compile_rules(rules, cache=cache).match({"title": "TPS"})] == ["watch"]
    assert cache.stat().st_mode & 0o777 == 0o600
