"""Precision and recall of ``newswatch.follows`` on a labelled set.

The seed is the real InSight Crime article (tests/data/seed_article.txt, a copy of ../shared/seed/article.txt,
its first paragraph, a provenance note, set aside); the items are
tests/data/follow_eval.jsonl, split into ``tuning`` (what the thresholds
were set on) and ``heldout`` (never tuned on). Prints P/R per split, the
errors, and per-reason recall.

    .venv/bin/python benchmarks/eval_follows.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.follows import follows, profile  # noqa: E402

SEED_URL = "https://insightcrime.org/news/analysis/us-reverses-course-centam-heavy-handed-drug-war-approach/"
SEED_TEXT = ROOT / "tests" / "data" / "seed_article.txt"
ITEMS = ROOT / "tests" / "data" / "follow_eval.jsonl"


def seed_text(path: Path = SEED_TEXT) -> str:
    """The seed article's text without the provenance note that heads the file."""
    return path.read_text(encoding="utf-8").split("\n\n", 1)[1]


def main() -> int:
    seed = profile(SEED_URL, seed_text())
    rows = [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"seed: {len(seed.sentences)} sentences, {len(seed.names)} names and figures")
    print(f"{'split':8} {'items':>5} {'follow':>6} {'TP':>3} {'FP':>3} {'FN':>3} {'P':>5} {'R':>5}")
    for split in ("tuning", "heldout"):
        tp = fp = fn = 0
        errors = []
        part = [r for r in rows if r["split"] == split]
        for r in part:
            reason = follows(seed, r, links=r["links"])
            if reason and r["follows"]:
                tp += 1
                if reason.kind != r["expect"]:
                    errors.append(f"  ok {r['id']} by {reason.kind}, labelled {r['expect']}")
            elif reason:
                fp += 1
                errors.append(f"  FP {r['id']} {r['title']!r}: {reason}")
            elif r["follows"]:
                fn += 1
                errors.append(f"  FN {r['id']} {r['title']!r} (expected {r['expect']})")
        p = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        print(f"{split:8} {len(part):5} {tp + fn:6} {tp:3} {fp:3} {fn:3} {p:5.2f} {rec:5.2f}")
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
