"""Precision and recall of a topic pack against labelled items, through the real CLI.

    python benchmarks/eval_topics.py                      # the shipped pack against tests/data/topic_eval*.jsonl
    python benchmarks/eval_topics.py --pack my-topic.toml --items my-labels.jsonl
    python benchmarks/eval_topics.py --fail-under 0.9     # exit 1 when a held-out slice falls below

Each line of an items file is a JSON object with ``title``, ``summary``, optional
``body``, ``lang`` and ``labels`` (the topics it belongs to; empty for a negative).
Items with ``"split": "heldout"`` (and every item of a file whose name contains
"heldout") are kept out of tuning: the report gives their counts, never their
titles or text, so nobody tunes on them.

Scores are given per topic for slices of the items: short and long (a body of
2,000 characters or more: briefings and roundups, where a rule that only asks
"is the country somewhere in the item?" fails), and English and Spanish.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK = ROOT / "newswatch" / "topics" / "central-america.toml"
DATA = ROOT / "tests" / "data"
DEFAULT_PATTERN = "topic_eval*.jsonl"
# What the matcher may see of an item; labels and bookkeeping stay out of its reach.
ITEM_FIELDS = ("title", "summary", "body", "url", "source", "lang", "published")
LONG_BODY = 2000  # characters: a body this long is a "long" item
# A held-out slice is checked by --fail-under only with this many positives: one miss
# among two is noise, not a finding.
MIN_POSITIVES = 3


@dataclass
class Outcome:
    """One labelled item and what the pack said about it."""

    index: int
    item: dict
    labels: set[str]
    predicted: set[str]
    rules: dict[str, list[str]]  # rule -> terms that fired
    origin: str = ""  # file:line

    @property
    def split(self) -> str:
        return self.item.get("split") or "tune"

    @property
    def long(self) -> bool:
        return len(self.item.get("body") or "") >= LONG_BODY


@dataclass
class TopicScore:
    topic: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[Outcome] = field(default_factory=list)
    false_negatives: list[Outcome] = field(default_factory=list)

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# The slices every table shows, in order: name -> which outcomes belong to it.
SLICES: dict[str, Callable[[Outcome], bool]] = {
    "all": lambda o: True,
    "short": lambda o: not o.long,
    "long": lambda o: o.long,
    "en": lambda o: o.item.get("lang") == "en",
    "es": lambda o: o.item.get("lang") == "es",
}


def default_items() -> list[Path]:
    """Every labelled file of the repository: tests/data/topic_eval*.jsonl."""
    return sorted(DATA.glob(DEFAULT_PATTERN))


def load_items(path: Path) -> list[dict]:
    """The labelled items of one file, one JSON object a line (blank lines skipped).

    Each item gets ``_origin`` ("file:line"); items of a file whose name
    contains "heldout" are held out even without a ``split`` of their own.
    """
    items = []
    heldout = "heldout" in path.name
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    item = json.loads(line)
                except ValueError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON: {exc}") from None
                if heldout and not item.get("split"):
                    item["split"] = "heldout"
                item["_origin"] = f"{path.name}:{n}"
                items.append(item)
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


def evaluate(items_paths: Path | Iterable[Path] | None = None, pack: Path = DEFAULT_PACK) -> list[Outcome]:
    """Run the pack over the labelled items of one or more files; one Outcome per item."""
    if items_paths is None:
        items_paths = default_items()
    paths = [items_paths] if isinstance(items_paths, Path) else list(items_paths)
    items = [item for path in paths for item in load_items(path)]
    topics = rule_topics(pack)
    outcomes = []
    for i, (item, fired) in enumerate(zip(items, run_rules_match(items, pack))):
        outcomes.append(Outcome(index=i, item=item, labels=set(item.get("labels") or []),
                                predicted={topics.get(r, r) for r in fired}, rules=fired,
                                origin=item.get("_origin", "")))
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


def slice_scores(outcomes: list[Outcome], topics: list[str]) -> dict[tuple[str, str], TopicScore]:
    """(topic, slice) -> score, for every slice of SLICES."""
    out = {}
    for name, member in SLICES.items():
        part = [o for o in outcomes if member(o)]
        for t, s in score(part, topics).items():
            out[t, name] = s
    return out


def topics_of(outcomes: list[Outcome], pack: Path = DEFAULT_PACK) -> list[str]:
    """Every topic the pack's rules name or the labels use, in a stable order."""
    return sorted(set(rule_topics(pack).values()) | {t for o in outcomes for t in o.labels})


def _cell(s: TopicScore | None) -> str:
    if s is None:
        return f"{'':>29}"
    if not s.positives and not s.fp:
        return f"{s.positives:>4} {s.tp:>3} {s.fp:>3} {s.fn:>3} {'-':>6} {'-':>5}"
    return f"{s.positives:>4} {s.tp:>3} {s.fp:>3} {s.fn:>3} {s.precision:>6.3f} {s.recall:>5.3f}"


def _counts(outcomes: list[Outcome]) -> str:
    return ", ".join(f"{sum(1 for o in outcomes if member(o))} {name}" for name, member in SLICES.items())


def table(parts: dict[str, list[Outcome]], topics: list[str]) -> list[str]:
    """One table: a row per topic and slice, a column group per part (tuning, held-out)."""
    names = [p for p, outcomes in parts.items() if outcomes]
    lines = [f"{p}: {_counts(parts[p])} items" for p in names]
    scores = {p: slice_scores(parts[p], topics) for p in names}
    lines.append((f"{'':<17}" + " | ".join(f"{p:<29}" for p in names)).rstrip())
    lines.append(f"{'topic':<11} {'slice':<5}" + " | ".join(
        f"{'pos':>4} {'tp':>3} {'fp':>3} {'fn':>3} {'P':>6} {'R':>5}" for _ in names))
    for t in topics:
        for n, name in enumerate(SLICES):
            lines.append(f"{t if n == 0 else '':<11} {name:<5}"
                         + " | ".join(_cell(scores[p].get((t, name))) for p in names))
    return lines


def describe(o: Outcome) -> str:
    """One miss: where it is, its language and length, its title, its labels and what fired."""
    fired = "; ".join(f"{rule}: {', '.join(terms[:6])}" for rule, terms in sorted(o.rules.items())) or "no rule"
    size = f"{len(o.item.get('body') or '')}c"
    return (f"{o.origin or '#' + str(o.index)} [{o.item.get('lang')}, {size}] {o.item.get('title')}\n"
            f"      labels {sorted(o.labels) or '[]'} · matched {fired}")


def report(outcomes: list[Outcome], topics: list[str]) -> str:
    """The text `make eval` prints: the table, then the tuning part's misses and the held-out part's counts."""
    tuning = [o for o in outcomes if o.split != "heldout"]
    heldout = [o for o in outcomes if o.split == "heldout"]
    lines = table({"tuning": tuning, "held-out": heldout}, topics)
    tune_scores = score(tuning, topics)
    held_scores = score(heldout, topics)
    for t in topics:
        s = tune_scores[t]
        for kind, misses in (("false positives", s.false_positives), ("false negatives", s.false_negatives)):
            lines += ["", f"{t}: {len(misses)} {kind} (tuning)"]
            lines += [f"  {describe(o)}" for o in misses]
        if heldout:
            h = held_scores[t]
            lines.append(f"{t}: held-out: {h.fp} false positives, {h.fn} false negatives "
                         "(not listed: do not tune on them)")
    return "\n".join(lines)


def below(outcomes: list[Outcome], topics: list[str], threshold: float) -> list[str]:
    """The slices under ``threshold`` that --fail-under checks, as "topic slice (P, R)".

    Held-out slices with at least MIN_POSITIVES positives are checked; when no
    item is held out (a user's own labels), the tuning slices are.
    """
    heldout = [o for o in outcomes if o.split == "heldout"]
    checked = heldout or outcomes
    low = []
    for (t, name), s in slice_scores(checked, topics).items():
        if s.positives >= MIN_POSITIVES and (s.precision < threshold or s.recall < threshold):
            low.append(f"{t} {name} (P {s.precision:.3f}, R {s.recall:.3f})")
    return low


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, action="append",
                        help=f"labelled JSON lines; repeat for more files [tests/data/{DEFAULT_PATTERN}]")
    parser.add_argument("--pack", type=Path, default=DEFAULT_PACK, help="topic pack TOML [%(default)s]")
    parser.add_argument("--split", choices=("all", "tune", "heldout"), default="all",
                        help="score only this part of the items")
    parser.add_argument("--fail-under", type=float, metavar="X",
                        help=f"exit 1 when a held-out slice with {MIN_POSITIVES}+ positives has precision "
                             "or recall below X (the tuning slices when nothing is held out)")
    args = parser.parse_args(argv)
    outcomes = evaluate(args.items or default_items(), args.pack)
    if args.split != "all":
        outcomes = [o for o in outcomes if o.split == args.split]
    topics = topics_of(outcomes, args.pack)
    print(report(outcomes, topics))
    if args.fail_under is not None:
        low = below(outcomes, topics, args.fail_under)
        if low:
            print(f"\nbelow {args.fail_under}: {'; '.join(low)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
