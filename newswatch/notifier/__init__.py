"""Telling people: alerts delivered through Apprise (email, chat, webhooks).

The only part of newswatch that imports apprise. The door::

    channels = build_channels(config.notify.urls, config.notify.apprise_config)
    problems = channels.validate()          # for `newswatch check`
    report = deliver_pending(db, channels, templates_dir=config.notify.templates_dir)
    report.sent, report.failed, report.dead, report.errors

- :func:`build_channels` -> :class:`Channels`: tag -> Apprise URLs, from the
  inline ``[notify] urls`` table and/or an Apprise YAML/TEXT config file.
- :func:`deliver_pending`: claims due alerts from the outbox, renders each
  (email: HTML; chat: Markdown; templates overridable), sends it through
  Apprise to its tag, and records success or a failure with backoff.
- :func:`render_alert`: a message without sending it (previews, the demo).

Errors (see :mod:`newswatch.notifier.errors`)::

    NotifierError
    ├── ChannelConfigError   unusable Apprise config file
    └── TemplateError        a template that cannot be compiled

Failed deliveries are recorded, not raised. URLs are only ever shown in
Apprise's privacy form.
"""

from __future__ import annotations

import logging

from .channels import Channels, build_channels, mask_url
from .delivery import DeliveryReport, deliver_pending, send_alert
from .errors import ChannelConfigError, NotifierError, TemplateError
from .render import Message, Renderer, render_alert

__all__ = [
    "ChannelConfigError",
    "Channels",
    "DeliveryReport",
    "Message",
    "NotifierError",
    "Renderer",
    "TemplateError",
    "build_channels",
    "deliver_pending",
    "mask_url",
    "render_alert",
    "send_alert",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
