# make demo · make test · make bench — each creates .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench eval stress clean

$(STAMP): pyproject.toml setup.py $(wildcard newswatch/rules/*.c)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newswatch demo

# Lint (ruff) and types of the pure rooms (mypy, see pyproject.toml) first: seconds, not minutes.
test: $(STAMP)
	$(BIN)/ruff check newswatch tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_rules.py
	$(BIN)/python benchmarks/bench_ingest.py

# Precision and recall of the shipped topic pack per topic, through `newswatch rules match`,
# with the false positives and negatives listed (tests/data/topic_eval.jsonl holds the labels);
# then how often real pages keep their accents however their charset is declared;
# then how often a page's publication day is right, newswatch against htmldate alone;
# then which items follow the seed story (tests/data/follow_eval.jsonl), tuning and held-out.
eval: $(STAMP)
	$(BIN)/python benchmarks/eval_topics.py
	$(BIN)/python benchmarks/eval_charsets.py
	$(BIN)/python benchmarks/eval_dates.py
	$(BIN)/python benchmarks/eval_follows.py

# The long reliability cases (tests/stress, skipped by `make test`): 20 SIGKILLs of a run at random
# moments, and 1,000 sources with 10% slow and 5% failing in one run. About 3 minutes.
stress: $(STAMP)
	NEWSWATCH_STRESS=1 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/stress

clean:
	rm -rf $(VENV) demo-out .pytest_cache build newswatch/rules/_*.so
