"""Our own text/plain part in the HTML emails Apprise sends.

Apprise 2.x sends an HTML email as ``multipart/alternative`` whose
text/plain part is its own conversion of the HTML
(``apprise.plugins.email.base`` calls ``convert_between(HTML, TEXT, body)``
in ``NotifyEmail.prepare_emails``), and that conversion drops every link's
address: a reader whose client shows the text part, or a filter that reads
it, loses the links. ``NotifyEmail.send()`` takes one body and one format;
it has no parameter for a text body of our own, and an attachment would
show as a file, not as the other form of the message.

So :func:`text_part` registers our text rendering (``alert.txt``,
``digest.txt``) under the HTML body (Apprise strips its ends) while that
message is sent, and
the email module's ``convert_between``, wrapped once, returns it for that
body. Any other HTML (another program's, in the same process) goes through
Apprise's conversion as before. Should a later Apprise no longer call
``convert_between`` there, the wrapper is not installed, Apprise's text
part is used, and a warning is logged (tests/test_alerts_e2e.py, which reads
the text part the mail server received, fails then).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apprise import NotifyFormat

__all__ = ["text_part"]

log = logging.getLogger(__name__)

_texts: dict[str, str] = {}
_lock = threading.Lock()
_installed: bool | None = None  # None: not tried yet; False: this Apprise has no hook


def _install() -> bool:
    global _installed
    with _lock:
        if _installed is None:
            try:
                from apprise.plugins.email import base as email_base
                original = email_base.convert_between
            except (ImportError, AttributeError):
                log.warning("this Apprise builds email text parts in a way newswatch does not "
                            "know: the text part is Apprise's conversion of the HTML")
                _installed = False
                return False

            def convert_between(from_format: Any, to_format: Any, content: Any) -> Any:
                if from_format == NotifyFormat.HTML and to_format == NotifyFormat.TEXT:
                    ours = _texts.get(str(content).strip())
                    if ours is not None:
                        return ours
                return original(from_format, to_format, content)

            email_base.convert_between = convert_between
            _installed = True
    return bool(_installed)


@contextmanager
def text_part(html: str, text: str) -> Iterator[None]:
    """While inside, an email whose HTML body is ``html`` gets ``text`` as its text/plain part."""
    if not _install():
        yield
        return
    with _lock:
        _texts[html.strip()] = text
    try:
        yield
    finally:
        with _lock:
            _texts.pop(html.strip(), None)
