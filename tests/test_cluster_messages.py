"""The signed messages of a [cluster] (newswatch.cluster.messages), without a Redis."""

from __future__ import annotations

import pickle
import zlib

from newswatch.cluster import messages
from newswatch.cluster.messages import Result

KEY, OTHER = b"0123456789abcdef-one", b"0123456789abcdef-two"


def _job(key: bytes = KEY) -> bytes:
    return messages.job(key, "run1", 3, "newswatch:results:run1",
                        {"name": "feed-3", "url": "https://example.org/feed.xml", "lang": "en"},
                        {"If-None-Match": '"abc"'}, None, "d1")


def test_a_job_reads_back_only_with_the_key_it_was_signed_with():
    assert messages.read_job(KEY, _job())["source"]["url"] == "https://example.org/feed.xml"
    assert messages.read_job(OTHER, _job()) is None


def test_a_job_changed_after_signing_is_refused():
    raw = _job()
    forged = raw.replace(b"https://example.org/feed.xml", b"http://169.254.169.254/latest/")
    assert forged != raw and messages.read_job(KEY, forged) is None
    assert messages.read_job(KEY, raw[messages.TAG_BYTES:]) is None  # the JSON without its tag
    assert messages.read_job(KEY, b"") is None


def test_a_result_is_unpickled_only_when_signed_with_the_key(tmp_path):
    res = Result(job="run1:3", url="https://example.org/feed.xml", status="200")
    assert messages.load_result(KEY, res.dump(KEY)) == res
    assert messages.load_result(OTHER, res.dump(KEY)) is None

    class Boom:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    body = zlib.compress(pickle.dumps(Boom()))
    for raw in (body, res.dump(KEY)[:messages.TAG_BYTES] + body, res.dump(OTHER)[:messages.TAG_BYTES] + body):
        assert messages.load_result(KEY, raw) is None
    assert not (tmp_path / "pwned").exists()


def test_a_signed_job_does_not_pass_for_a_result_nor_a_result_for_a_job():
    res = Result(job="run1:3", url="https://example.org/feed.xml")
    assert messages.load_result(KEY, _job()) is None
    assert messages.read_job(KEY, res.dump(KEY)) is None


def test_signing_costs_a_message_32_bytes():
    res = Result(job="run1:3", url="https://example.org/feed.xml", status="not-modified", unchanged=True)
    plain = zlib.compress(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL), 1)
    assert len(res.dump(KEY)) == len(plain) + 32
