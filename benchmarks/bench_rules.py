"""Rule matching speed: newswatch's matcher against a naive baseline, in the same run.

    python benchmarks/bench_rules.py [--docs N] [--rules 100,1000,10000] [--baseline-docs N] [--seed S]
                                     [--cases sparse,dense,near,scale] [--scale-rules 100000]

Generates (deterministically, from --seed) news-like documents of about 3 KB,
English and Spanish mixed, and realistic rules (words, phrases, prefixes,
NEAR, field scopes, OR groups, NOT, exact case). For each rule count it
prints documents per second for:

- newswatch: ``compile_rules(...).match(item)`` for every document, folding
  and explanations (terms, snippet) included;
- naive: for each rule, for each term, ``re.search`` on the folded text
  (NEAR counted as AND, which flatters the baseline), on a sample of the
  documents so that it finishes.

Then two more cases, each next to the 1,000-rule rate of this run:

- dense: 1,000 rules on a small topical vocabulary (a quarter NEAR) over
  documents written with it, so an average document matches about 9 rules
  and positions, terms and snippets are built for each;
- near (only when asked for): the dense rules with NEAR/n, NEAR/s and NEAR/p,
  explained, and finding the matches alone (a wider scope matches more);
- scale: 100,000 rules (--scale-rules) on the first documents: compile
  time, the time to load the compiled rules from the cache ``newswatch run``
  keeps, peak RSS of this process, and documents per second.

Those rates are of one process on one core: documents per CPU second (equal
to wall-clock rates on an idle machine, steadier on a shared one). The dense
and scale cases then also time the whole command on every core, by the clock
on the wall: ``newswatch rules match`` (start-up, JSON in and out included)
on the dense documents written to a file, with ``-j 1`` and with one worker
per core; and the scale rules matching JSON lines in worker processes, with
the peak RSS of the parent and of the largest worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newswatch.app.matching import match_lines
from newswatch.rules import compile_rules, fold
from newswatch.rules.parser import And, Filter, Near, Not, Or, Term

EN_COMMON = """the of and to in a is that for on was with as by at from his her it be are have has
said would will not but were their they this which an or after been who one more also about than other
its new into two years over some all had up when out last there government president country people
officials week could state year first told because against during under while them before most between
since million percent report security police court many where being both three public those through
minister including national former group party support reported according news only say says month
including today tuesday monday wednesday thursday friday city region border program plan""".split()
ES_COMMON = """el la de que y en los las del se por un una para con no su al lo como más pero sus le ya
o fue este ha sí porque esta son entre está cuando muy sin sobre también me hasta hay donde quien desde
todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo
otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
nosotros gobierno país presidente años según informe ministro policía seguridad millones ciudad región
frontera programa nacional público después tras semana martes lunes miércoles jueves viernes""".split()
TOPIC = """Honduras Guatemala "El Salvador" Tegucigalpa "San Salvador" Washington Miami México Nicaragua
Hernández Bukele Morales Zelaya Giammattei Castro Funes Saca Arévalo Hondurans hondureños salvadoreños
guatemaltecos deportation deported deportación deportados deportaciones asylum asilo migrants migrantes
migración migration protección protection "Triángulo Norte" "Northern Triangle" aid ayuda assistance
corruption corrupción narcotráfico trafficking cartel extradition extradición gangs pandillas MS13
Barrio18 TPS Congress Congreso embassy embajada "State Department" USAID CICIG MACCIH fiscal
prosecutor impunity impunidad sanctions sanciones remittances remesas""".split()


def _topic_words() -> list[str]:
    return re.findall(r'"[^"]+"|\S+', " ".join(TOPIC))


SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe ga go gu la le li lo lu ma me mi mo mu " \
            "na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi za zo " \
            "rá ré rí ró rú ná né ñá ño lé ló".split()


def make_entities(rng: random.Random, n: int) -> list[str]:
    """Synthetic proper names and rare words (accents included): the long tail rules look for."""
    out: set[str] = set()
    while len(out) < n:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))
        out.add(word.capitalize() if rng.random() < 0.6 else word)
    return sorted(out)


class Corpus:
    def __init__(self, seed: int, entities: int = 50000) -> None:
        self.rng = random.Random(seed)
        self.topic = [t.strip('"') for t in _topic_words()]
        self.entities = make_entities(self.rng, entities)

    def _word(self, common: list[str]) -> str:
        r = self.rng.random()
        if r < 0.86:
            # Zipf-like: low indexes far more often
            return common[min(int(self.rng.paretovariate(1.1)) - 1, len(common) - 1)]
        if r < 0.96:
            return self.rng.choice(self.topic)
        return self.rng.choice(self.entities)

    def _sentence(self, common: list[str], words: int) -> str:
        ws = [self._word(common) for _ in range(words)]
        if self.rng.random() < 0.15:
            ws.insert(self.rng.randrange(len(ws)), self.rng.choice(["$460 million", "EE.UU.", "ex-presidente",
                                                                     "“según fuentes”", "U.S.", "2017"]))
        s = " ".join(ws)
        return s[:1].upper() + s[1:] + self.rng.choice([".", ".", ".", ",", ";", "?"])

    def document(self, i: int) -> dict[str, str]:
        common = EN_COMMON if self.rng.random() < 0.5 else ES_COMMON
        lang = "en" if common is EN_COMMON else self.rng.choice(["es", "es-419"])
        title = self._sentence(common, self.rng.randint(7, 12)).rstrip(".,;?")
        summary = " ".join(self._sentence(common, self.rng.randint(12, 20)) for _ in range(2))
        body_parts: list[str] = []
        size = 0
        while size < 2700:
            paragraph = " ".join(self._sentence(common, self.rng.randint(8, 22)) for _ in range(4))
            body_parts.append(paragraph)
            size += len(paragraph) + 2
        return {"title": title, "summary": summary, "body": "\n\n".join(body_parts),
                "url": f"https://www.{self.rng.choice(['wola.org', 'elfaro.net', 'insightcrime.org'])}/n/{i}",
                "source": self.rng.choice(["insightcrime", "elfaro", "wola", "reuters"]), "lang": lang}

    # -- rules -----------------------------------------------------------------

    def _term(self, topic: bool = False) -> str:
        """A rule term: mostly the long tail (names), a topic word only where ANDed with one."""
        word = self.rng.choice(self.topic if topic else self.entities)
        if " " in word:
            return f'"{word}"'
        kind = self.rng.random()
        if kind < 0.15 and not topic:
            return f'"{word} {self.rng.choice(self.entities)}"'
        if kind < 0.25 and len(word) >= 7:
            # stems as analysts write them: deport*, extradi*, and inflected names (Hernánde*)
            keep = max(5, len(word) - 3) if topic else len(word) - self.rng.randint(1, 2)
            return word[:keep] + "*"
        if kind < 0.28:
            return "=" + word.upper() if not topic else "=" + word
        return word.lower() if self.rng.random() < 0.7 else word

    def rule(self) -> str:
        """Shapes seen in monitoring: a name, a name in a topic, alternatives, proximity, scopes."""
        t = self._term
        shape = self.rng.random()
        if shape < 0.20:
            return t()
        if shape < 0.40:
            return f"{t()} {t(topic=True)}"
        if shape < 0.55:
            return f"({t()} OR {t()} OR {t()}) AND {t(topic=True)}"
        if shape < 0.65:
            return f"{t()} NEAR/{self.rng.randint(3, 10)} ({t(topic=True)} OR {t()})"
        if shape < 0.75:
            return f"title:({t()} OR {t()}) -{t(topic=True)}"
        if shape < 0.85:
            return f"{t()} OR {t()} OR {t()}"
        if shape < 0.92:
            return f"({t()} OR {t()}) {t(topic=True)} NOT {t()}"
        return f"{t()} lang:{self.rng.choice(['es', 'en'])} OR body:{t()} source:{self.rng.choice(['wola', 'elfaro'])}"

    def rules(self, n: int) -> list[tuple[str, str]]:
        return [(f"r{i}", self.rule()) for i in range(n)]


class DenseCorpus(Corpus):
    """Documents and rules on one small topical vocabulary: an average document matches about 9 of 1,000 rules.

    The case where many rules fire on every document (a desk watching one
    region's news), so positions, terms and snippets are computed for many.
    """

    VOCABULARY = 420  # topical words and names rules are written with
    SHARE = 0.125  # of a document's words drawn from them

    def __init__(self, seed: int) -> None:
        super().__init__(seed, entities=2000)
        # one vocabulary whatever the seed: documents and rules are generated with different seeds
        names = make_entities(random.Random(0), self.VOCABULARY - len(self.topic))
        self.vocab = self.topic + names

    def _word(self, common: list[str]) -> str:
        if self.rng.random() >= self.SHARE:
            return common[min(int(self.rng.paretovariate(1.1)) - 1, len(common) - 1)]
        return self.rng.choice(self.vocab)

    def _term(self, topic: bool = False) -> str:
        word = self.rng.choice(self.vocab)
        if " " in word:
            return f'"{word}"'
        if self.rng.random() < 0.1 and len(word) >= 7:
            return word[:-2] + "*"
        return word.lower()

    def rule(self) -> str:
        """A quarter NEAR, the rest ANDs of three or four terms, OR groups and NOTs."""
        t = self._term
        shape = self.rng.random()
        if shape < 0.25:
            right = f"({t()} OR {t()})" if self.rng.random() < 0.5 else t()
            return f"{t()} NEAR/{self.rng.randint(3, 12)} {right}"
        if shape < 0.55:
            return f"{t()} {t()} {t()}"
        if shape < 0.75:
            return f"({t()} OR {t()}) {t()} {t()}"
        if shape < 0.90:
            return f"{t()} {t()} -{t()}"
        return f"{t()} {t()} {t()} {t()}"


# -- naive baseline ---------------------------------------------------------------


def _naive_compile(node):
    if isinstance(node, Term):
        body = r"\W+".join(re.escape(t) for t in node.tokens)
        pattern = re.compile(r"(?<!\w)" + body + (r"\w*" if node.prefix else r"(?!\w)"))
        fields = tuple(node.fields)
        return lambda doc: any(pattern.search(doc[f]) for f in fields)
    if isinstance(node, And):
        parts = [_naive_compile(c) for c in node.children]
        return lambda doc: all(p(doc) for p in parts)
    if isinstance(node, Or):
        parts = [_naive_compile(c) for c in node.children]
        return lambda doc: any(p(doc) for p in parts)
    if isinstance(node, Not):
        part = _naive_compile(node.child)
        return lambda doc: not part(doc)
    if isinstance(node, Near):  # approximated as AND: cheaper than the real thing
        left, right = _naive_compile(node.left), _naive_compile(node.right)
        return lambda doc: left(doc) and right(doc)
    if isinstance(node, Filter):
        return lambda doc: True
    raise TypeError(node)


# CPU time of this process: on a shared machine, other processes do not count against us.
clock = time.process_time


def naive_rate(matcher, docs: list[dict[str, str]]) -> float:
    predicates = [_naive_compile(rule.node) for rule in matcher.rules.values()]
    start = clock()
    for item in docs:
        folded = {f: fold(item.get(f) or "") for f in ("title", "summary", "body")}
        [p(folded) for p in predicates]
    return len(docs) / (clock() - start)


def matcher_rate(matcher, docs: list[dict[str, str]]) -> tuple[float, int]:
    """Documents per CPU second, explanations (terms, fields, snippet) of every match included
    (None for a match whose explanation near_case leaves out)."""
    start = clock()
    matched = 0
    for item in docs:
        matched += len([m.to_dict() for m in matcher.match(item) if m is not None])
    return len(docs) / (clock() - start), matched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000, help="documents matched by newswatch (default 20000)")
    parser.add_argument("--rules", default="100,1000,10000", help="rule counts (default 100,1000,10000)")
    parser.add_argument("--baseline-docs", type=int, default=0,
                        help="documents for the naive baseline (default: about 20 s worth per rule count)")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--cases", default="sparse,dense,scale",
                        help="which cases: sparse, dense, near, scale (default sparse,dense,scale)")
    parser.add_argument("--scale-rules", type=int, default=100000, help="rules of the scale case (default 100000)")
    args = parser.parse_args(argv)
    cases = set(args.cases.split(","))

    corpus = Corpus(args.seed)
    t0 = time.perf_counter()
    docs = [corpus.document(i) for i in range(args.docs)]
    size = sum(len(d["title"]) + len(d["summary"]) + len(d["body"]) for d in docs) / max(1, len(docs))
    spanish = sum(d["lang"] != "en" for d in docs)
    print(f"{len(docs)} documents, {size / 1000:.1f} KB of text on average, {spanish} Spanish "
          f"(generated in {time.perf_counter() - t0:.1f} s, seed {args.seed})")
    rates: dict[int, float] = {}
    counts = [int(x) for x in args.rules.split(",")] if "sparse" in cases else []
    if cases & {"dense", "scale"} and 1000 not in counts:
        counts.append(1000)  # the baseline the other cases are compared with
    if counts:
        print(f"{'rules':>6} {'compile s':>9} {'newswatch docs/s':>17} {'matches/doc':>11} "
              f"{'naive docs/s':>12} {'(sample)':>8} {'ratio':>7}")
    for n in counts:
        rules = Corpus(args.seed + n).rules(n)
        t0 = clock()
        matcher = compile_rules(rules)
        compile_s = clock() - t0
        matcher_rate(matcher, docs[:1000])  # warm up: the matcher learns which terms are rare
        rate, matched = matcher_rate(matcher, docs)
        sample = args.baseline_docs or max(3, min(len(docs), int(20 * 2000 / n)))
        naive = naive_rate(matcher, docs[:sample])
        rates[n] = rate
        print(f"{n:>6} {compile_s:>9.2f} {rate:>17,.0f} {matched / len(docs):>11.3f} "
              f"{naive:>12,.1f} {sample:>8} {rate / naive:>6,.0f}x", flush=True)
    if 1000 in rates and 10000 in rates:
        print(f"10,000 rules run at {rates[10000] / rates[1000]:.0%} of the 1,000-rule throughput")
    if "dense" in cases:
        dense_case(args, rates[1000])
    if "near" in cases:
        near_case(args)
    if "scale" in cases:
        scale_case(args, docs, rates[1000])
    return 0


def dense_case(args: argparse.Namespace, sparse_rate: float) -> None:
    """1,000 rules, about 9 of them matching each document."""
    corpus = DenseCorpus(args.seed)
    docs = [corpus.document(i) for i in range(args.docs)]
    matcher = compile_rules(DenseCorpus(args.seed + 1).rules(1000))
    matcher_rate(matcher, docs[:1000])
    rate, matched = matcher_rate(matcher, docs)
    print(f"dense: 1,000 rules, {len(docs)} documents: {rate:,.0f} docs/s, {matched / len(docs):.2f} matches/doc "
          f"({rate / sparse_rate:.0%} of the sparse 1,000-rule rate)", flush=True)
    command_rates(docs, DenseCorpus(args.seed + 1).rules(1000))


def command_rates(docs: list[dict[str, str]], rules: list[tuple[str, str]]) -> None:
    """``newswatch rules match`` over ``docs`` as a JSON-lines file, by the wall clock, start-up
    included: in one process (-j 1), then with one worker per core (the default)."""
    with tempfile.TemporaryDirectory() as tmp:
        items, config = Path(tmp) / "items.jsonl", Path(tmp) / "newswatch.toml"
        items.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        config.write_text("".join(f"[[rules]]\nname = {json.dumps(n)}\nquery = {json.dumps(q, ensure_ascii=False)}\n"
                                  for n, q in rules), encoding="utf-8")
        rates = {}
        for jobs in ("1", str(os.cpu_count() or 1)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "newswatch", "rules", "match", "-c", str(config), "-j", jobs,
                            str(items)], check=True, stdout=subprocess.DEVNULL)
            rates[jobs] = len(docs) / (time.perf_counter() - start)
    one, every = rates.values()
    print(f"dense, the whole `newswatch rules match` on {len(docs)} documents (wall clock): "
          f"{one:,.0f} docs/s with -j 1, {every:,.0f} docs/s with {os.cpu_count()} workers", flush=True)


def near_case(args: argparse.Namespace) -> None:
    """The dense case's rules with every NEAR/n made NEAR/s, then NEAR/p: the scopes must cost no more.

    A wider scope matches more documents, and each match is explained, so the cost of the
    operators themselves is also shown with explanations left out: finding the matches alone.
    """
    corpus = DenseCorpus(args.seed)
    docs = [corpus.document(i) for i in range(args.docs // 2)]
    rules = DenseCorpus(args.seed + 1).rules(1000)
    rates: dict[str, list[float]] = {}
    finding: dict[str, list[float]] = {}
    for unit in ("n", "s", "p", "n"):  # NEAR/n again last: the machine's drift shows
        variant = [(name, re.sub(r"NEAR/\d+", f"NEAR/{unit}", q) if unit != "n" else q) for name, q in rules]
        matcher = compile_rules(variant)
        matcher_rate(matcher, docs[:1000])
        rate, matched = matcher_rate(matcher, docs)
        matcher._explain = lambda index, doc: None  # type: ignore[method-assign]  # the matches, unexplained
        found, _ = matcher_rate(matcher, docs)
        rates.setdefault(unit, []).append(rate)
        finding.setdefault(unit, []).append(found)
        print(f"near: the dense rules with NEAR/{unit}: {rate:,.0f} docs/s, {matched / len(docs):.2f} matches/doc; "
              f"finding them alone {found:,.0f} docs/s", flush=True)
    for label, table in (("", rates), ("finding the matches alone: ", finding)):
        base = sum(table["n"]) / len(table["n"])
        print(f"near: {label}NEAR/s at {table['s'][0] / base:.0%}, NEAR/p at {table['p'][0] / base:.0%} "
              "of the NEAR/n rate")


def scale_case(args: argparse.Namespace, docs: list[dict[str, str]], sparse_rate: float) -> None:
    """Many rules: compile time, cached start, memory and speed."""
    n = args.scale_rules
    rules = Corpus(args.seed + n).rules(n)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "rules-cache"
        t0 = clock()
        matcher = compile_rules(rules, cache=cache)  # compiles, then writes the cache
        compile_s = clock() - t0
        t0 = clock()
        compile_rules(rules, cache=cache)  # what the next `newswatch run` does
        load_s = clock() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    matcher_rate(matcher, docs[:1000])
    rate, matched = matcher_rate(matcher, docs)
    print(f"scale: {n:,} rules: compile {compile_s:.1f} s (cache write included), from the cache {load_s:.1f} s, "
          f"peak RSS {peak_mb:,.0f} MB, {rate:,.0f} docs/s, {matched / len(docs):.2f} matches/doc "
          f"({rate / sparse_rate:.0%} of the 1,000-rule rate)", flush=True)
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    start = time.perf_counter()
    for _ in match_lines(matcher, lines, None, json.dumps):
        pass
    every = len(docs) / (time.perf_counter() - start)
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"scale, {os.cpu_count()} workers matching JSON lines (as `rules match` does; wall clock): "
          f"{every:,.0f} docs/s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB "
          f"here, {worker_mb:,.0f} MB in the largest worker", flush=True)


if __name__ == "__main__":
    sys.exit(main())
