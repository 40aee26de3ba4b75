"""The language detector's model is inflated once and read from the cache by later runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLES = ["El gobierno de Estados Unidos anunció hoy nuevos fondos para Honduras y El Salvador.",
           "The State Department said the aid to Guatemala would resume next month."]

# A fresh process each time: the detector is loaded once per process.
_SCRIPT = """
import json, sys, py3langid
from py3langid import langid
from newswatch.formats.langs import load_model
load_model()
print(json.dumps({"answers": [list(py3langid.classify(t)) for t in json.loads(sys.argv[1])],
                  "size": len(langid.IDENTIFIER.tk_nextmove),
                  "mapped": isinstance(langid.IDENTIFIER.tk_nextmove, memoryview)}))
"""


def _load(cache: Path | str) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(SAMPLES)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _library_answers() -> list:
    script = ("import json, sys, py3langid; print(json.dumps([list(py3langid.classify(t)) "
              "for t in json.loads(sys.argv[1])]))")
    out = subprocess.run([sys.executable, "-c", script, json.dumps(SAMPLES)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _copies(cache: Path) -> list[Path]:
    return sorted((cache / "newswatch").glob("langid-*"))


def test_the_cached_model_answers_as_the_shipped_one(tmp_path):
    first = _load(tmp_path)
    cached = _copies(tmp_path)
    assert len(cached) == 1, "the first load keeps the inflated model"
    stamp = (cached[0] / "nextmove.npy").stat().st_mtime_ns
    second = _load(tmp_path)
    assert (cached[0] / "nextmove.npy").stat().st_mtime_ns == stamp, "the second load reads the copy"
    assert second["mapped"], "the large arrays are mapped from the copy, not read into memory"
    assert first["answers"] == second["answers"] == _library_answers()
    assert first["size"] == second["size"] > 1_000_000
    assert [a[0] for a in second["answers"]] == ["es", "en"]
    assert not list((tmp_path / "newswatch").glob(".langid-*")), "no temporary file is left"


def test_one_copy_is_kept_whatever_installed_the_model(tmp_path):
    """A new virtualenv installs the same model file anew: it finds the copy already made."""
    _load(tmp_path)
    made = _copies(tmp_path)
    old = tmp_path / "newswatch" / "langid-4586720-1796407958.npz"  # as an older newswatch named it
    old.write_bytes(b"an older copy")
    from py3langid import langid

    model = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    stamp = model.stat()
    try:
        os.utime(model, (stamp.st_atime, stamp.st_mtime + 3600))  # installed an hour later
        assert _load(tmp_path)["mapped"]
    finally:
        os.utime(model, (stamp.st_atime, stamp.st_mtime))
    assert _copies(tmp_path) == sorted(made + [old])
    shutil.rmtree(made[0])  # a copy to make again: the stale one goes with it
    _load(tmp_path)
    assert _copies(tmp_path) == made


def test_a_damaged_cache_is_passed_over_and_made_again(tmp_path):
    _load(tmp_path)
    table = _copies(tmp_path)[0] / "nextmove.npy"
    table.write_bytes(table.read_bytes()[:1000])
    damaged = _load(tmp_path)
    assert [a[0] for a in damaged["answers"]] == ["es", "en"] and not damaged["mapped"]
    again = _load(tmp_path)
    assert [a[0] for a in again["answers"]] == ["es", "en"] and again["mapped"]
    assert table.stat().st_size > 1_000_000, "the damaged copy is replaced by a whole one"


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would go")
    assert [a[0] for a in _load(blocker)["answers"]] == ["es", "en"]
