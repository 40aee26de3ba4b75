"""The shipped topic pack, measured: precision and recall per topic over labelled items.

Runs the same evaluation as ``make eval`` (benchmarks/eval_topics.py), which feeds
tests/data/topic_eval.jsonl through the real ``newswatch rules match`` command.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ITEMS = ROOT / "tests" / "data" / "topic_eval.jsonl"
PACK = ROOT / "newswatch" / "topics" / "central-america.toml"
TOPICS = ("aid", "corruption", "tps")
THRESHOLD = 0.9


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("eval_topics", ROOT / "benchmarks" / "eval_topics.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


eval_topics = _load_eval_module()


@pytest.fixture(scope="module")
def outcomes():
    return eval_topics.evaluate(ITEMS, PACK)


@pytest.fixture(scope="module")
def items():
    return [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_rule_of_the_pack_belongs_to_a_thread():
    rules = tomllib.loads(PACK.read_text(encoding="utf-8"))["rules"]
    assert {r["name"] for r in rules} >= {"tps-decisions", "northern-triangle-aid", "officials-corruption"}
    assert {r["topic"] for r in rules} == set(TOPICS)


def test_labelled_items_are_well_formed_and_cover_both_languages(items):
    assert len(items) >= 150
    for n, item in enumerate(items, 1):
        assert isinstance(item.get("title"), str) and item["title"].strip(), f"line {n}: no title"
        assert isinstance(item.get("summary"), str), f"line {n}: no summary"
        assert item.get("lang") in ("en", "es"), f"line {n}: lang must be en or es"
        assert set(item.get("labels", ["?"])) <= set(TOPICS), f"line {n}: labels must be a list drawn from {TOPICS}"
        assert item.get("split", "tune") in ("tune", "heldout"), f"line {n}: split must be tune or heldout"
    for lang in ("en", "es"):
        for topic in TOPICS:
            positives = sum(1 for i in items if i["lang"] == lang and topic in i["labels"])
            assert positives >= 10, f"only {positives} {lang} positives for {topic}"
        assert sum(1 for i in items if i["lang"] == lang and not i["labels"]) >= 20, f"too few {lang} negatives"
    assert sum(1 for i in items if i.get("split") == "heldout") >= 30


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_precision_and_recall(outcomes, topic):
    score = eval_topics.score(outcomes, [topic])[topic]
    misses = [eval_topics.describe(o) for o in score.false_positives + score.false_negatives]
    detail = "\n".join(misses)
    assert score.precision >= THRESHOLD, f"{topic} precision {score.precision:.3f} < {THRESHOLD}:\n{detail}"
    assert score.recall >= THRESHOLD, f"{topic} recall {score.recall:.3f} < {THRESHOLD}:\n{detail}"


def test_report_lists_misses_and_the_held_out_part(outcomes):
    text = eval_topics.report(outcomes, list(TOPICS))
    assert "Held-out items" in text and "Tuning items" in text
    for topic in TOPICS:
        assert f"{topic}: " in text and "false negatives" in text
