"""The local SMTP and chat sinks used by the demo and the notifier tests."""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

import pytest

from newswatch.demo.sinks import ChatSink, SmtpSink, free_port


def _mail(port: int, subject: str = "hello", login: tuple[str, str] | None = None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", subject
    msg.set_content("body")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        if login:
            client.login(*login)
        client.send_message(msg)


def _post(url: str, payload: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_smtp_sink_collects_email_messages():
    with SmtpSink() as sink:
        _mail(sink.port, "first")
        assert sink.wait_for(1, timeout=5)
        [msg] = sink.messages
        assert isinstance(msg, EmailMessage)
        assert msg["Subject"] == "first"
        assert msg.get_content().strip() == "body"


def test_smtp_sink_url_is_plain_smtp_mailto():
    sink = SmtpSink(port=2525)
    assert sink.url(to="x@example.org") == (
        "mailto://127.0.0.1:2525?from=newswatch@example.org&to=x@example.org"
    )
    assert SmtpSink(port=2525, credentials=("bob", "p@ss")).url().startswith(
        "mailto://bob:p%40ss@127.0.0.1:2525?"
    )


def test_smtp_sink_restarts_on_the_same_port():
    sink = SmtpSink()
    port = sink.port
    with sink:
        _mail(port, "one")
    with pytest.raises(OSError):
        _mail(port, "while down")
    with sink:
        assert sink.port == port
        _mail(port, "two")
        assert sink.wait_for(2, timeout=5)
    assert [m["Subject"] for m in sink.messages] == ["one", "two"]


def test_smtp_sink_checks_credentials():
    with SmtpSink(credentials=("bob", "right")) as sink:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            _mail(sink.port, login=("bob", "wrong"))
        _mail(sink.port, "in", login=("bob", "right"))
        assert sink.wait_for(1, timeout=5)


def test_chat_sink_records_posts_and_can_fail():
    with ChatSink() as sink:
        assert _post(f"http://127.0.0.1:{sink.port}/hooks/abc", {"text": "hi"}) == 200
        sink.fail_with = 500
        assert _post(f"http://127.0.0.1:{sink.port}/hooks/abc", {"text": "lost"}) == 500
        sink.fail_with = None
        assert sink.wait_for(1, timeout=1)
        assert [(p.path, p.body) for p in sink.posts] == [("/hooks/abc", {"text": "hi"})]
        assert sink.refused == 1
        assert sink.json_url("/x") == f"json://127.0.0.1:{sink.port}/x"
        assert sink.mmost_url("tok") == f"mmost://127.0.0.1:{sink.port}/tok"
        assert set(sink.urls) == {"json", "mmost"}


def test_chat_sink_restarts_on_the_same_port():
    sink = ChatSink().start()
    port = sink.port
    sink.stop()
    with sink:
        assert sink.port == port
        assert _post(f"http://127.0.0.1:{port}/p", {"n": 1}) == 200


def test_free_port_is_bindable():
    import socket

    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
