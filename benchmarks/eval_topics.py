"""Precision and recall of a topic pack against labelled items, through the real CLI.

    python benchmarks/eval_topics.py                      # the shipped pack against tests/data/topic_eval.jsonl
    python benchmarks/eval_topics.py --pack my-topic.toml --items my-labels.jsonl
    python benchmarks/eval_topics.py --fail-under 0.9     # exit 1 when a topic falls below

Each line of the items file is a JSON object with ``title``, ``summary``, optional
``body``, ``lang`` and ``labels`` (the topics it belongs to; empty for a negative).
An optional ``split`` of ``"heldout"`` marks items kept out of tuning; their scores
are printed separately so over-fitting shows.

The items go through ``newswatch rules match -c CONFIG ITEMS.jsonl`` in a subprocess
(CONFIG is a temporary file that includes only the pack), exactly as a user would
run it; each rule's ``topic`` field maps its matches to a topic, and an item is
predicted to belong to a topic when any of that topic's rules matched it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK = ROOT / "newswatch" / "topics" / "central-america.toml"
DEFAULT_ITEMS = ROOT / "tests" / "data" / "topic_eval.jsonl"
# What the matcher may see of an item; labels and bookkeeping stay out of its reach.
ITEM_FIELDS = ("title", "summary", "body", "url", "source", "lang", "published")


@dataclass
class Outcome:
    """One labelled item and what the pack said about it."""

    index: int
    item: dict
    labels: set[str]
    predicted: set[str]
    rules: dict[str, list[str]]  # rule -> terms that fired

    @property
    def split(self) -> str:
        return self.item.get("split") or "tune"


@dataclass
class TopicScore:
    topic: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[Outcome] = field(default_factory=list)
    false_negatives: list[Outcome] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_items(path: Path) -> list[dict]:
    """The labelled items, one JSON object a line (blank lines skipped)."""
    items = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except ValueError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON: {exc}") from None
    return items


def rule_topics(pack: Path) -> dict[str, str]:
    """Rule name -> topic, from the pack's [[rules]] (a rule without a topic is its own topic)."""
    data = tomllib.loads(pack.read_text(encoding="utf-8"))
    return {r["name"]: r.get("topic") or r["name"] for r in data.get("rules", [])}


def newswatch_command() -> list[str]:
    """The ``newswatch`` console script of this interpreter's environment, else on PATH."""
    exe = shutil.which("newswatch", path=str(Path(sys.executable).parent)) or shutil.which("newswatch")
    return [exe] if exe else [sys.executable, "-m", "newswatch.cli"]


def run_rules_match(items: list[dict], pack: Path) -> list[dict[str, list[str]]]:
    """Per item, {rule: terms} as ``newswatch rules match`` reports it."""
    with tempfile.TemporaryDirectory(prefix="nw-eval-") as tmp:
        config = Path(tmp) / "newswatch.toml"
        # TOML basic strings take JSON's escapes, so json.dumps quotes a path safely.
        config.write_text(f'database = "eval.db"\ninclude = [{json.dumps(str(pack.resolve()))}]\n',
                          encoding="utf-8")
        feed = Path(tmp) / "items.jsonl"
        with feed.open("w", encoding="utf-8") as fh:
            for item in items:
                row = {k: item[k] for k in ITEM_FIELDS if item.get(k) is not None}
                if isinstance(row.get("url"), str):  # demo-site URLs carry the fixture server's placeholder
                    row["url"] = row["url"].replace("{{BASE}}", "https://demo.invalid")
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        proc = subprocess.run([*newswatch_command(), "rules", "match", "-c", str(config), str(feed)],
                              capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"newswatch rules match failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
    results: list[dict[str, list[str]]] = [{} for _ in items]
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        results[row["index"]] = {m["rule"]: m.get("terms", []) for m in row["matches"]}
    return results


def evaluate(items_path: Path = DEFAULT_ITEMS, pack: Path = DEFAULT_PACK) -> list[Outcome]:
    """Run the pack over the labelled items; one Outcome per item."""
    items = load_items(items_path)
    topics = rule_topics(pack)
    outcomes = []
    for i, (item, fired) in enumerate(zip(items, run_rules_match(items, pack))):
        outcomes.append(Outcome(index=i, item=item, labels=set(item.get("labels") or []),
                                predicted={topics.get(r, r) for r in fired}, rules=fired))
    return outcomes


def score(outcomes: list[Outcome], topics: list[str]) -> dict[str, TopicScore]:
    """Per-topic true/false positives and negatives over ``outcomes``."""
    scores = {t: TopicScore(t) for t in topics}
    for o in outcomes:
        for t, s in scores.items():
            if t in o.predicted and t in o.labels:
                s.tp += 1
            elif t in o.predicted:
                s.fp += 1
                s.false_positives.append(o)
            elif t in o.labels:
                s.fn += 1
                s.false_negatives.append(o)
    return scores


def topics_of(outcomes: list[Outcome], pack: Path = DEFAULT_PACK) -> list[str]:
    """Every topic the pack's rules name or the labels use, in a stable order."""
    return sorted(set(rule_topics(pack).values()) | {t for o in outcomes for t in o.labels})


def _table(title: str, outcomes: list[Outcome], topics: list[str]) -> list[str]:
    lines = [f"{title} ({len(outcomes)} items: "
             + ", ".join(f"{n} {lang}" for lang, n in sorted(_count(o.item.get('lang') for o in outcomes).items()))
             + ")",
             f"  {'topic':<12} {'lang':<4} {'pos':>4} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}"]
    for t in topics:
        for lang in (None, "en", "es"):
            subset = [o for o in outcomes if lang is None or o.item.get("lang") == lang]
            s = score(subset, [t])[t]
            lines.append(f"  {t if lang is None else '':<12} {lang or 'all':<4} {s.tp + s.fn:>4} {s.tp:>4} {s.fp:>4} "
                         f"{s.fn:>4} {s.precision:>10.3f} {s.recall:>7.3f}")
    return lines


def _count(values) -> dict:
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def describe(o: Outcome) -> str:
    fired = "; ".join(f"{rule}: {', '.join(terms[:6])}" for rule, terms in sorted(o.rules.items())) or "no rule"
    return (f"#{o.index} [{o.item.get('lang')}, {o.split}] {o.item.get('title')}\n"
            f"      labels {sorted(o.labels) or '[]'} · matched {fired}")


def report(outcomes: list[Outcome], topics: list[str]) -> str:
    """The text `make eval` prints: tables for all items, the tuning part and the held-out part, then the misses."""
    lines = _table("All items", outcomes, topics)
    heldout = [o for o in outcomes if o.split == "heldout"]
    tuning = [o for o in outcomes if o.split != "heldout"]
    if heldout and tuning:
        lines += [""] + _table("Tuning items", tuning, topics)
        lines += [""] + _table("Held-out items", heldout, topics)
    scores = score(outcomes, topics)
    for t in topics:
        s = scores[t]
        for kind, misses in (("false positives", s.false_positives), ("false negatives", s.false_negatives)):
            lines += ["", f"{t}: {len(misses)} {kind}"]
            lines += [f"  {describe(o)}" for o in misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, default=DEFAULT_ITEMS, help="labelled JSON lines [%(default)s]")
    parser.add_argument("--pack", type=Path, default=DEFAULT_PACK, help="topic pack TOML [%(default)s]")
    parser.add_argument("--split", choices=("all", "tune", "heldout"), default="all",
                        help="score only this part of the items")
    parser.add_argument("--fail-under", type=float, metavar="X",
                        help="exit 1 when any topic's precision or recall (over --split) is below X")
    args = parser.parse_args(argv)
    outcomes = evaluate(args.items, args.pack)
    if args.split != "all":
        outcomes = [o for o in outcomes if o.split == args.split]
    topics = topics_of(outcomes, args.pack)
    print(report(outcomes, topics))
    if args.fail_under is not None:
        low = [t for t, s in score(outcomes, topics).items()
               if s.precision < args.fail_under or s.recall < args.fail_under]
        if low:
            print(f"\nbelow {args.fail_under}: {', '.join(low)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
