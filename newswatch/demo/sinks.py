"""Local stand-ins for a mail server and a chat service.

The demo and the tests point Apprise at these instead of the internet:

- :class:`SmtpSink` is a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps
  every message it receives as an :class:`email.message.EmailMessage`;
  ``sink.url()`` is the Apprise ``mailto://`` URL that reaches it.
- :class:`ChatSink` is a small HTTP server on 127.0.0.1 that keeps every
  JSON POST with its path, for Apprise's ``json://`` and Mattermost
  ``mmost://`` URLs; ``sink.fail_with = 500`` makes it refuse deliveries.

Both bind port 0 (a free port chosen by the OS) unless told a port, can be
stopped and started again on the same port ("the server was down, now it is
back"), and let a caller wait for N messages on a condition instead of
polling with sleeps::

    with SmtpSink() as smtp, ChatSink() as chat:
        urls = {"team": [smtp.url()], "chat": [chat.mmost_url()]}
        ...
        smtp.wait_for(1, timeout=5)
        print(smtp.messages[0]["Subject"])
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["ChatPost", "ChatSink", "SmtpSink", "free_port"]

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A port that is free right now on ``host`` (the OS picks it)."""
    # aiosmtpd's Controller needs a concrete port before it starts, and it
    # must know it to check that the server is up; so ask the OS for one.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class _Collector:
    """A thread-safe list that a test can wait on without polling."""

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._cond = threading.Condition()

    def add(self, item: Any) -> None:
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()

    def snapshot(self) -> list[Any]:
        with self._cond:
            return list(self._items)

    def clear(self) -> None:
        with self._cond:
            self._items.clear()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self._items) >= count, timeout)


class _SmtpHandler:
    def __init__(self, collector: _Collector) -> None:
        self.collector = collector

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.collector.add(msg)
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives.

    ``credentials=("user", "secret")`` makes it offer AUTH (without TLS, as
    this is loopback only) and accept only that login, so a ``mailto://``
    URL with a password can be exercised end to end.
    """

    def __init__(
        self,
        port: int | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.credentials = credentials
        self._collector = _Collector()
        self._controller: Controller | None = None

    # -- life cycle --------------------------------------------------------
    def start(self) -> SmtpSink:
        if self._controller is not None:
            return self
        kwargs: dict[str, Any] = {}
        if self.credentials:
            kwargs.update(
                authenticator=self._authenticate,
                # Loopback only, so AUTH without TLS is fine here; AUTH is
                # offered and checked, not demanded (no aiosmtpd warning).
                auth_require_tls=False,
            )
        controller = Controller(
            _SmtpHandler(self._collector), hostname=HOST, port=self.port, **kwargs
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and auth_data.login.decode() == self.credentials[0]
            and auth_data.password.decode() == self.credentials[1]
        )
        # handled=False: let aiosmtpd answer 235/535 itself.
        return AuthResult(success=ok, handled=False)

    # -- what arrived ------------------------------------------------------
    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far, oldest first."""
        return self._collector.snapshot()

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` messages have arrived; False on timeout."""
        return self._collector.wait_for(count, timeout)

    def clear(self) -> None:
        self._collector.clear()

    # -- how to reach it ---------------------------------------------------
    def url(
        self,
        to: str = "analyst@example.org",
        sender: str = "newswatch@example.org",
        user: str | None = None,
        password: str | None = None,
    ) -> str:
        """The Apprise ``mailto://`` URL for this server (plain SMTP, no TLS).

        With ``credentials`` set, the URL carries them unless ``user`` /
        ``password`` say otherwise (a wrong password, for a test).
        """
        if self.credentials:
            user = user if user is not None else self.credentials[0]
            password = password if password is not None else self.credentials[1]
        auth = ""
        if user:
            auth = quote(user, safe="")
            if password:
                auth += ":" + quote(password, safe="")
            auth += "@"
        return (
            f"mailto://{auth}{HOST}:{self.port}"
            f"?from={quote(sender, safe='@')}&to={quote(to, safe='@')}"
        )


@dataclass
class ChatPost:
    """One POST received by :class:`ChatSink`."""

    path: str
    body: Any  # the decoded JSON, or the raw text when it was not JSON
    headers: dict[str, str] = field(default_factory=dict)


class _ChatHandler(BaseHTTPRequestHandler):
    server: _ChatServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        sink = self.server.sink
        status = sink.fail_with
        if status:
            # A refusing service: nothing is recorded as delivered.
            sink._refused.add(self.path)
            self._reply(status, {"error": "sink told to fail"})
            return
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        sink._collector.add(ChatPost(self.path, body, dict(self.headers.items())))
        self._reply(200, {"status": "OK"})

    def _reply(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass  # keep test and demo output quiet


class _ChatServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sink: ChatSink) -> None:
        self.sink = sink
        super().__init__(address, _ChatHandler)


class ChatSink:
    """An HTTP receiver on 127.0.0.1 for Apprise's JSON and Mattermost posts.

    ``fail_with`` (an HTTP status such as 500, or None) can be changed at any
    time; failing requests are counted in ``refused`` and not recorded.
    """

    def __init__(self, port: int = 0, fail_with: int | None = None) -> None:
        self.port = port
        self.fail_with = fail_with
        self._collector = _Collector()
        self._refused = _Collector()
        self._server: _ChatServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ChatSink:
        if self._server is not None:
            return self
        server = _ChatServer((HOST, self.port), self)
        self.port = server.server_address[1]  # keep it: a restart reuses it
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> ChatSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def posts(self) -> list[ChatPost]:
        """Every accepted POST so far, oldest first."""
        return self._collector.snapshot()

    @property
    def refused(self) -> int:
        """How many POSTs were answered with ``fail_with``."""
        return len(self._refused.snapshot())

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` posts have been accepted; False on timeout."""
        return self._collector.wait_for(count, timeout)

    def clear(self) -> None:
        self._collector.clear()
        self._refused.clear()

    def _require_port(self) -> int:
        if not self.port:
            raise RuntimeError("start the ChatSink before asking for its URLs")
        return self.port

    def json_url(self, path: str = "/hooks/newswatch") -> str:
        """Apprise ``json://`` URL posting to ``path`` on this sink."""
        return f"json://{HOST}:{self._require_port()}/{path.lstrip('/')}"

    def mmost_url(self, token: str = "newswatchtoken") -> str:
        """Apprise Mattermost URL; Apprise posts to ``/hooks/TOKEN``."""
        return f"mmost://{HOST}:{self._require_port()}/{token}"

    @property
    def urls(self) -> dict[str, str]:
        """One URL of each kind this sink understands, by scheme."""
        return {"json": self.json_url(), "mmost": self.mmost_url()}
