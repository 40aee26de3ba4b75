"""Plain messages to a tag, for operations notices (a source broke, a source recovered).

Not alerts: nothing is queued in the outbox and nothing is retried; the
caller records the returned error. Same privacy rules as alert delivery.
"""

from __future__ import annotations

from .channels import Channels
from .delivery import _notify
from .render import Message


def send_text(channels: Channels, tag: str, title: str, body: str, *, throttle: bool = True) -> str | None:
    """Send a plain-text message to every URL carrying ``tag``.

    Returns None on success (or when no URL carries the tag: nobody asked to
    be told), else an error safe to show.
    """
    tag = tag.lower().strip()
    services = channels.services_for(tag)
    if not services:
        return None
    return _notify(services, Message(title=title, body=body, style="text"), tag, channels, throttle)
