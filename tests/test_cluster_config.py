"""The [cluster] table and `newswatch worker`'s refusals, without a Redis."""

from __future__ import annotations

import pytest

from newswatch.config import ConfigError, load

BASE = 'database = "nw.db"\n'
SECRET = 'secret = "0123456789abcdef0123"\n'


def _write(tmp_path, text: str):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(BASE + text, encoding="utf-8")
    return cfg


def test_no_table_means_one_process(tmp_path):
    assert load(_write(tmp_path, "")).cluster is None


def test_the_redis_url_reads_secrets_from_the_environment_and_messages_hide_them(tmp_path, monkeypatch):
    monkeypatch.setenv("NW_REDIS_PASSWORD", "s3cret")
    monkeypatch.setenv("NW_CLUSTER_SECRET", "a" * 64)
    cfg = load(_write(tmp_path, '[cluster]\nredis = "redis://:${NW_REDIS_PASSWORD}@queue.example.org:6380/2"\n'
                                'secret = "${NW_CLUSTER_SECRET}"\n'
                                'lease = "30s"\nresult_timeout = "10m"\nqueue = "desk-a"\n'))
    assert cfg.cluster.redis == "redis://:s3cret@queue.example.org:6380/2"
    assert (cfg.cluster.lease_s, cfg.cluster.result_timeout_s, cfg.cluster.queue) == (30, 600, "desk-a")
    assert cfg.cluster.secret == "a" * 64 and "a" * 64 not in repr(cfg)
    from newswatch import app

    assert app.describe_redis(cfg.cluster.redis) == "queue.example.org:6380/2"


def test_an_unset_variable_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("NW_REDIS_URL", raising=False)
    with pytest.raises(ConfigError) as exc:
        load(_write(tmp_path, '[cluster]\nredis = "${NW_REDIS_URL}"\n' + SECRET))
    assert any("unset environment variable(s): NW_REDIS_URL" in str(p) for p in exc.value.problems)


@pytest.mark.parametrize("table, line, key, words", [
    ('[cluster]\nredis = "localhost:6379"\n', 3, "cluster.redis", 'must be a Redis URL, like "redis://'),
    ('[cluster]\nredis = "redis://localhost"\nlease = "2s"\n' + SECRET, 4, "cluster.lease", "at least 5s"),
    ('[cluster]\nredis = "redis://localhost"\nresult_timeout = "soon"\n' + SECRET, 4, "cluster.result_timeout",
     "invalid interval 'soon'"),
    ('[cluster]\nredis = "redis://localhost"\nqueue = "two words"\n' + SECRET, 4, "cluster.queue",
     "without spaces"),
    ('[cluster]\nredis = "redis://localhost"\nworkers = 4\n' + SECRET, 4, "cluster.workers",
     "unknown setting; valid: redis"),
    # Every job and result is signed with the secret: none, or a guessable one, is refused.
    ('[cluster]\nredis = "redis://localhost"\n', 2, "cluster.secret",
     'missing: the run and its workers sign every message with it; add '
     'secret = "${NEWSWATCH_CLUSTER_SECRET}" and set that variable; make one with: '
     'python -c "import secrets; print(secrets.token_hex(32))"'),
    ('[cluster]\nredis = "redis://localhost"\nsecret = "hunter2"\n', 4, "cluster.secret",
     "too short (7 characters; at least 16); make one with: python -c"),
    ('[cluster]\nredis = "redis://localhost"\nsecret = 1234567890123456\n', 4, "cluster.secret",
     "must be a string; make one with"),
])
def test_problems_name_the_line_and_what_is_valid(tmp_path, table, line, key, words):
    cfg = _write(tmp_path, table)
    with pytest.raises(ConfigError) as exc:
        load(cfg)
    (problem,) = exc.value.problems
    assert (problem.line, problem.key) == (line, key)
    assert words in problem.message


def test_an_unset_secret_variable_is_named_once(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSWATCH_CLUSTER_SECRET", raising=False)
    with pytest.raises(ConfigError) as exc:
        load(_write(tmp_path, '[cluster]\nredis = "redis://localhost"\nsecret = "${NEWSWATCH_CLUSTER_SECRET}"\n'))
    (problem,) = exc.value.problems
    assert problem.line == 4
    assert "unset environment variable(s): NEWSWATCH_CLUSTER_SECRET" in problem.message


def test_worker_without_a_cluster_table_says_what_to_add(tmp_path, cli):
    cfg = _write(tmp_path, "")
    result = cli("worker", "-c", str(cfg))
    assert result.returncode == 2
    assert "no [cluster] table; add one, like" in result.stderr
    assert 'redis = "redis://localhost:6379/0"' in result.stderr
    assert 'secret = "${NEWSWATCH_CLUSTER_SECRET}"' in result.stderr
