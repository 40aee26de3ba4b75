"""The SQL side of alert delivery: claims, backoff, dead letters, retries."""

from __future__ import annotations

import pytest

from newswatch.schedule import iso, parse_time
from newswatch.storage import outbox
from newswatch.storage.outbox import (
    alert_counts,
    claim_due_alerts,
    list_alerts,
    mark_failed,
    mark_sent,
    retry_alert,
)

try:  # tests/ may or may not be a package
    from .notifier_fixtures import NOW, add_alert, alert, make_db
except ImportError:
    from notifier_fixtures import NOW, add_alert, alert, make_db


@pytest.fixture
def db():
    return make_db()


def test_claim_returns_alert_joined_with_item_and_match(db):
    alert_id = add_alert(db, title="Honduras TPS", terms=["tps", "honduras"])
    [claimed] = claim_due_alerts(db, NOW, worker="w1")
    assert claimed["id"] == alert_id
    assert claimed["title"] == "Honduras TPS"
    assert claimed["url"].startswith("https://insightcrime.example/")
    assert claimed["source"] == "insightcrime"
    assert claimed["published"] == "2026-11-27T18:05:00Z"
    assert claimed["summary"] == "Summary of the story."
    assert claimed["terms"] == ["tps", "honduras"]
    assert claimed["fields"] == ["title", "summary"]
    assert "«Honduras»" in claimed["snippet"]
    assert claimed["topic"] == "TPS"
    row = alert(db, alert_id)
    assert (row["status"], row["claimed_by"], row["claimed_at"]) == ("sending", "w1", NOW)


def test_claimed_rows_are_not_claimed_by_another_worker(db):
    ids = [add_alert(db, n) for n in range(1, 6)]
    first = claim_due_alerts(db, NOW, worker="w1", limit=3)
    second = claim_due_alerts(db, NOW, worker="w2")
    third = claim_due_alerts(db, NOW, worker="w3")
    assert [a["id"] for a in first] == ids[:3]
    assert [a["id"] for a in second] == ids[3:]
    assert third == []


def test_the_rows_of_one_article_and_tag_are_claimed_together(db):
    # Item 1 matched two rules (two rows for tag team, one for tag desk); item 2 one.
    a = add_alert(db, 1, rule="tps-decisions")
    other = add_alert(db, 2, created_at="2026-11-28T07:29:00Z")
    b = add_alert(db, 1, rule="hn-returns")
    desk = add_alert(db, 1, rule="hn-returns", tag="desk")
    claimed = claim_due_alerts(db, NOW, worker="w1", limit=2)
    # The limit counts articles: item 2, then item 1 with both its rules.
    assert sorted(c["id"] for c in claimed) == sorted([other, a, b])
    outbox.release_claims(db, [c["id"] for c in claimed], "w1")
    # One message per article counts once against the hourly limit of its tag:
    # two messages to team fit a limit of 2, ...
    claimed = claim_due_alerts(db, NOW, worker="w1", limit=10, rate_limit=lambda tag: 2)
    assert sorted(c["id"] for c in claimed) == sorted([other, a, b, desk])
    outbox.release_claims(db, [c["id"] for c in claimed], "w1")
    # ... and with a limit of 1 the article's rows wait for the digest together.
    deferred: list[int] = []
    claimed = claim_due_alerts(db, NOW, worker="w1", limit=10, rate_limit=lambda tag: 1,
                               deferred=deferred)
    assert sorted(c["id"] for c in claimed) == sorted([other, desk])
    assert sorted(deferred) == sorted([a, b])


def test_only_due_rows_of_the_mode_are_claimed(db):
    later = add_alert(db, 1, created_at="2026-11-28T07:35:00Z")
    digest = add_alert(db, 2, mode="digest")
    due = add_alert(db, 3)
    assert [a["id"] for a in claim_due_alerts(db, NOW, "w1")] == [due]
    assert [a["id"] for a in claim_due_alerts(db, NOW, "w1", mode="digest")] == [digest]
    assert [a["id"] for a in claim_due_alerts(db, "2026-11-28T07:35:00Z", "w1")] == [later]


def test_sent_and_dead_rows_are_never_claimed(db):
    add_alert(db, 1, status="sent")
    add_alert(db, 2, status="dead")
    assert claim_due_alerts(db, "2099-01-01T00:00:00Z", "w1") == []


def test_stale_sending_claims_are_reclaimed(db):
    alert_id = add_alert(db)
    claim_due_alerts(db, NOW, worker="crashed")
    # Nine minutes on: the claim may still be a live, slow process.
    assert claim_due_alerts(db, "2026-11-28T07:39:00Z", worker="w2") == []
    # Ten minutes on: the process is taken to be dead.
    [again] = claim_due_alerts(db, "2026-11-28T07:40:00Z", worker="w2")
    assert again["id"] == alert_id
    assert alert(db, alert_id)["claimed_by"] == "w2"


def test_mark_sent_counts_the_attempt(db):
    alert_id = add_alert(db)
    claim_due_alerts(db, NOW, "w1")
    mark_sent(db, alert_id, "2026-11-28T07:30:05Z")
    row = alert(db, alert_id)
    assert (row["status"], row["attempts"], row["sent_at"]) == (
        "sent",
        1,
        "2026-11-28T07:30:05Z",
    )


def test_failures_back_off_then_die(db):
    alert_id = add_alert(db)
    expected = [
        "2026-11-28T07:31:00Z",  # 1 min
        "2026-11-28T07:35:00Z",  # 5 min
        "2026-11-28T08:00:00Z",  # 30 min
        "2026-11-28T09:30:00Z",  # 2 h
        "2026-11-28T13:30:00Z",  # 6 h
        "2026-11-28T13:30:00Z",  # 6 h again
    ]
    for attempt, retry_at in enumerate(expected, start=1):
        assert mark_failed(db, alert_id, f"boom {attempt}", NOW, max_attempts=7) == "failed"
        row = alert(db, alert_id)
        assert (row["attempts"], row["next_attempt_at"]) == (attempt, retry_at)
    assert mark_failed(db, alert_id, "boom 7", NOW, max_attempts=7) == "dead"
    row = alert(db, alert_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 7, "boom 7")
    assert row["next_attempt_at"] is None


def test_failed_row_is_due_again_after_its_backoff(db):
    alert_id = add_alert(db)
    claim_due_alerts(db, NOW, "w1")
    mark_failed(db, alert_id, "SMTP down", NOW)
    assert claim_due_alerts(db, "2026-11-28T07:30:59Z", "w1") == []
    assert [a["id"] for a in claim_due_alerts(db, "2026-11-28T07:31:00Z", "w1")] == [alert_id]


def test_retry_brings_a_dead_alert_back(db):
    alert_id = add_alert(db)
    mark_failed(db, alert_id, "gone", NOW, max_attempts=1)
    assert alert(db, alert_id)["status"] == "dead"
    assert retry_alert(db, alert_id, "2026-11-29T00:00:00Z") is True
    row = alert(db, alert_id)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == (
        "pending",
        0,
        "2026-11-29T00:00:00Z",
    )
    assert retry_alert(db, 999, NOW) is False


def test_retry_never_resends_a_sent_alert(db):
    alert_id = add_alert(db)
    mark_sent(db, alert_id, NOW)
    assert retry_alert(db, alert_id, NOW) is False
    assert alert(db, alert_id)["status"] == "sent"


def test_counts_and_listing(db):
    a = add_alert(db, 1)
    b = add_alert(db, 2, created_at="2026-11-28T07:31:00Z")
    add_alert(db, 3, status="sent")
    mark_failed(db, a, "nope", NOW)
    counts = alert_counts(db)
    assert counts == {"pending": 1, "sending": 0, "sent": 1, "failed": 1, "dead": 0, "deferred": 0}
    assert [r["id"] for r in list_alerts(db, status="pending")] == [b]
    listed = list_alerts(db, limit=2)
    assert len(listed) == 2 and listed[0]["title"]
    assert list_alerts(db, status="failed")[0]["last_error"] == "nope"


def test_timestamps_round_trip():
    assert iso(parse_time(NOW)) == NOW
    assert outbox.next_attempt_at(99, NOW) == "2026-11-28T13:30:00Z"


def test_release_hands_back_untried_claims(db):
    fresh = add_alert(db, 1)
    retried = add_alert(db, 2)
    mark_failed(db, retried, "earlier failure", "2026-11-28T07:00:00Z")
    ids = [a["id"] for a in claim_due_alerts(db, NOW, "w1")]
    assert sorted(ids) == [fresh, retried]
    # Another worker's claim is not ours to release.
    assert outbox.release_claims(db, ids, "someone-else") == 0
    assert outbox.release_claims(db, ids, "w1") == 2
    assert alert(db, fresh)["status"] == "pending"
    assert alert(db, retried)["status"] == "failed"
    assert sorted(a["id"] for a in claim_due_alerts(db, NOW, "w2")) == [fresh, retried]
