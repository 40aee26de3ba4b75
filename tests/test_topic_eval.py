"""The shipped topic pack, measured: precision and recall per topic over labelled items.

Runs the same evaluation as ``make eval`` (benchmarks/eval_topics.py), which feeds
tests/data/topic_eval*.jsonl through the real ``newswatch rules match`` command.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
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
FILES = eval_topics.default_items()


@pytest.fixture(scope="module")
def outcomes():
    return eval_topics.evaluate(FILES, PACK)


@pytest.fixture(scope="module")
def items():
    return [item for path in FILES for item in eval_topics.load_items(path)]


def test_every_rule_of_the_pack_belongs_to_a_thread():
    rules = tomllib.loads(PACK.read_text(encoding="utf-8"))["rules"]
    assert {r["name"] for r in rules} >= {"tps-decisions", "northern-triangle-aid", "officials-corruption"}
    assert {r["topic"] for r in rules} == set(TOPICS)


def test_labelled_items_are_well_formed_and_cover_both_languages_and_lengths(items):
    assert DATA / "topic_eval.jsonl" in FILES
    for item in items:
        where = item["_origin"]
        assert isinstance(item.get("title"), str) and item["title"].strip(), f"{where}: no title"
        assert isinstance(item.get("summary"), str), f"{where}: no summary"
        assert item.get("lang") in ("en", "es"), f"{where}: lang must be en or es"
        assert set(item.get("labels", ["?"])) <= set(TOPICS), f"{where}: labels must be a list drawn from {TOPICS}"
        assert item.get("split", "tune") in ("tune", "heldout"), f"{where}: split must be tune or heldout"
        if "heldout" in where.split(":")[0]:
            assert item["split"] == "heldout", f"{where}: an item of a held-out file is held out"
    tuning = [i for i in items if i.get("split") != "heldout"]
    for lang in ("en", "es"):
        for topic in TOPICS:
            positives = [i for i in tuning if i["lang"] == lang and topic in i["labels"]]
            assert len(positives) >= 10, f"only {len(positives)} {lang} tuning positives for {topic}"
            long = sum(1 for i in positives if len(i.get("body") or "") >= eval_topics.LONG_BODY)
            assert long >= 3, f"only {long} long {lang} tuning positives for {topic}"
        assert sum(1 for i in tuning if i["lang"] == lang and not i["labels"]) >= 20, f"too few {lang} negatives"
    assert sum(1 for i in items if i.get("split") == "heldout") >= 30


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_precision_and_recall_on_every_tuning_slice(outcomes, topic):
    tuning = [o for o in outcomes if o.split != "heldout"]
    for (t, name), score in eval_topics.slice_scores(tuning, [topic]).items():
        if score.positives < eval_topics.MIN_POSITIVES:
            continue
        misses = "\n".join(eval_topics.describe(o) for o in score.false_positives + score.false_negatives)
        assert score.precision >= THRESHOLD, f"{t} {name}: precision {score.precision:.3f}:\n{misses}"
        assert score.recall >= THRESHOLD, f"{t} {name}: recall {score.recall:.3f}:\n{misses}"


# Issue 17's target: 0.9 precision and recall on every held-out slice (short, long, en, es) of
# every topic. Held-out v1 and v3-v8 were each scored once and then became tuning items (rounds
# 2 and 4-9). Held-out v2 and v9, written blind by people who never saw the rules, stay held out.
# v9 was scored once, on the round-11 pack of 4 December 2026; v2 + v9 together reached 0.9 in
# every slice (lowest: tps long precision 0.903, corruption long precision 0.906, aid es recall
# 0.909). v9 alone is below 0.9 in six slices (see docs/topics.md).
def test_heldout_slices_meet_the_target(outcomes):
    # Only counts in the message: nobody tunes on held-out items.
    heldout = [o for o in outcomes if o.split == "heldout"]
    files = {o.origin.split(":")[0].rsplit("/", 1)[-1] for o in heldout}
    assert {"topic_eval_heldout2_en.jsonl", "topic_eval_heldout9_es.jsonl"} <= files, files
    assert eval_topics.below(heldout, list(TOPICS), THRESHOLD) == []


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_report_scores_slices_and_never_shows_held_out_items(tmp_path, capsys):
    long_body = "\n\n".join(["The Department of Homeland Security extended Temporary Protected Status "
                             "for Honduras by 18 months."] + ["Weather and sports news of the week."] * 60)
    tuning = _write(tmp_path / "labels.jsonl", [
        {"title": "Tuning miss: a quiet day", "summary": "", "lang": "en", "labels": ["tps"]},
        {"title": "A long notice", "summary": "", "body": long_body, "lang": "en", "labels": ["tps"]},
    ])
    # A file named *heldout* is held out, split or not; none of its text may be printed.
    heldout = _write(tmp_path / "labels_heldout_en.jsonl", [
        {"title": f"Secret held-out title {n}", "summary": "Secret summary", "lang": "en", "labels": ["tps"]}
        for n in range(3)])
    outcomes = eval_topics.evaluate([tuning, heldout], PACK)
    assert [o.split for o in outcomes] == ["tune", "tune", "heldout", "heldout", "heldout"]
    assert [o.long for o in outcomes[:2]] == [False, True]
    text = eval_topics.report(outcomes, list(TOPICS))
    assert "Tuning miss: a quiet day" in text and "labels.jsonl:1" in text
    assert "Secret" not in text
    assert "tps: held-out: 0 false positives, 3 false negatives" in text
    assert max(len(line) for line in text.splitlines() if "Tuning miss" not in line) <= 100
    scores = eval_topics.slice_scores([o for o in outcomes if o.split == "tune"], ["tps"])
    assert (scores["tps", "long"].tp, scores["tps", "short"].fn) == (1, 1)
    # --fail-under looks at the held-out slices with 3+ positives: all, short and en here.
    assert eval_topics.main(["--items", str(tuning), "--items", str(heldout), "--fail-under", "0.9"]) == 1
    err = capsys.readouterr().err
    assert "tps all (P 1.000, R 0.000)" in err and "tps en" in err and "tps long" not in err
    assert "Secret" not in err


WIDE = ROOT / "newswatch" / "topics" / "northern-triangle-corruption.toml"


@pytest.mark.parametrize("pack", [PACK, WIDE], ids=["central-america", "northern-triangle-corruption"])
def test_the_shipped_packs_check_clean(pack):
    proc = subprocess.run([*eval_topics.newswatch_command(), "rules", "check", str(pack)],
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK:"), proc.stdout


def test_the_wide_corruption_rule_is_off_until_its_pack_is_copied_in(tmp_path):
    run = [*eval_topics.newswatch_command()]
    assert subprocess.run([*run, "init", str(tmp_path)], capture_output=True).returncode == 0
    assert sorted(p.name for p in (tmp_path / "topics").iterdir()) == ["central-america.toml"]
    items = _write(tmp_path / "items.jsonl", [
        {"title": "Guatemala's attorney general Consuelo Porras added to US corruption list",
         "summary": "The State Department says Porras obstructed anti-corruption investigations.", "lang": "en"},
        {"title": "Juez envía a prisión a exalcalde por peculado en Honduras", "summary": "", "lang": "es"},
        {"title": "Olimpia vence a Motagua en el clásico capitalino de Tegucigalpa", "summary": "", "lang": "es"},
    ])

    def rules_fired() -> list[set[str]]:
        proc = subprocess.run([*run, "rules", "match", "-c", str(tmp_path / "newswatch.toml"), str(items)],
                              capture_output=True, text=True, encoding="utf-8")
        assert proc.returncode == 0, proc.stderr
        return [{m["rule"] for m in json.loads(line)["matches"]} for line in proc.stdout.splitlines()]

    assert rules_fired() == [set(), set(), set()]  # none of the five officials: not the thread
    (tmp_path / "topics" / WIDE.name).write_text(WIDE.read_text(encoding="utf-8"), encoding="utf-8")
    assert rules_fired() == [{"northern-triangle-corruption"}, {"northern-triangle-corruption"}, set()]
