"""What the tests of the C parts (newswatch/rules/_windows.c, _hits.c) share: whether a compiler
is here, the matcher with Python only, and real articles to hold the two to each other on."""

from __future__ import annotations

import json
import random
import re
import shutil
import sysconfig
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from newswatch.rules import compile_rules, document, fold, matcher, scopes, snippets

T = TypeVar("T")


def require_built(module: object, source: str) -> None:
    """Fail when a C compiler is here but ``source`` was not built (``optional=True`` would hide it)."""
    # a failed build falls back to Python silently: that must not go unseen where it should work
    cc = sysconfig.get_config_var("CC")
    if not shutil.which(cc.split()[0] if cc else "cc"):
        pytest.skip("no C compiler here: newswatch runs on its Python definitions")
    assert module is not None, f"{source} was not built: run `make test` again to see why"


#: Each module's bindings to the C parts, and what stands in for them where none was built.
_BINDINGS = (
    (snippets, "_native", None), (document, "_hits", None), (matcher, "_hits", None), (document, "one_scope", None),
    (document, "fewer_words", document._fewer_words), (document, "sentence_end_in", scopes._sentence_end_in),
    (document, "paragraph_end_in", scopes.paragraph_break_within), (document, "_non_ascii", document._python_non_ascii),
)


@contextmanager
def python_only() -> Iterator[None]:
    """Within it, the matcher uses no C part, as where none could be built."""
    saved = [getattr(module, name) for module, name, _ in _BINDINGS]
    for module, name, python in _BINDINGS:
        setattr(module, name, python)
    try:
        yield
    finally:
        for (module, name, _), value in zip(_BINDINGS, saved, strict=True):
            setattr(module, name, value)


def in_python(work: Callable[[], T]) -> T:
    """``work()`` with Python only (see :func:`python_only`)."""
    with python_only():
        return work()


def real_articles() -> list[dict[str, str]]:
    """The ground-truth bodies of ../shared/corpora's fundus pages (41 countries) and of the
    scrapinghub extraction benchmark: real articles, paragraphs kept. Skips the test where
    ../shared/corpora is absent (beside a fresh clone)."""
    from conftest import CORPORA

    items = []
    for path in sorted((CORPORA / "fundus-parser-tests").rglob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")).values():
            body = article.get("body") if isinstance(article, dict) else None
            if isinstance(body, dict):
                paragraphs = list(body.get("summary") or [])
                for section in body.get("sections") or []:
                    paragraphs += (section.get("headline") or []) + (section.get("paragraphs") or [])
                items.append({"title": article.get("title") or "", "body": "\n\n".join(paragraphs)})
    truth = CORPORA / "article-extraction-benchmark" / "ground-truth.json"
    if truth.exists():
        items += [{"title": "", "body": a["articleBody"]}
                  for a in json.loads(truth.read_text(encoding="utf-8")).values()]
    items = [item for item in items if item["body"]]
    if not items:
        pytest.skip("../shared/corpora is absent")
    return items


def match_both_ways(items: list[dict[str, str]], shapes: list[str], rules: int, words: tuple[int, int],
                    shortest: int, seed: int) -> tuple[list[list[dict[str, object]]], list[list[dict[str, object]]]]:
    """Every item's matches (as dicts), with the C parts and with Python only, against ``rules``
    rules of ``shapes`` filled with the items' own frequent words (of ``shortest`` letters or
    more, those ranked ``words[0]`` to ``words[1]``), so that most items match several."""
    count = Counter(w for item in items for w in re.findall(rf"\w{{{shortest},}}", fold(item["body"]))
                    if not w.isdigit())
    vocabulary = [w for w, _ in count.most_common(words[1])[words[0]:]]
    rng = random.Random(seed)
    matcher = compile_rules([(f"r{i}", rng.choice(shapes).format(*rng.sample(vocabulary, 3))) for i in range(rules)])

    def all_matches() -> list[list[dict[str, object]]]:
        return [[m.to_dict() for m in matcher.match(item)] for item in items]

    return all_matches(), in_python(all_matches)
