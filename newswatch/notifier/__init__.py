"""Telling people: alerts delivered through Apprise (email, chat, webhooks).

The only part of newswatch that imports apprise. The door::

    channels = build_channels(config.notify.urls, config.notify.apprise_config)
    problems = channels.validate()          # for `newswatch check`
    labels = Labels.from_config(config)   # time zone, outlet names, rule descriptions
    report = deliver_pending(db, channels, templates_dir=config.notify.templates_dir,
                             max_per_hour=config.notify.max_per_hour, labels=labels,
                             on_notice=print)
    report.sent, report.failed, report.dead, report.deferred, report.errors
    digests = deliver_digests(db, channels, schedules_for(config.rules, config.notify.timezone))

- :func:`build_channels` -> :class:`Channels`: tag -> Apprise URLs, from the
  inline ``[notify] urls`` table and/or an Apprise YAML/TEXT config file.
- :func:`deliver_pending`: claims due alerts from the outbox, renders one
  message per article and tag naming every rule that matched (email: HTML
  with our own text part; chat: Markdown; templates overridable), sends it through
  Apprise to each URL of its tag that has not had it, and records success
  or a failure with backoff; alerts over a tag's hourly limit are deferred
  to the next digest.
- :func:`deliver_digests`: opens the digests that are due (per rule and tag,
  on the rule's schedule) and delivers them the same way.
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
from .context import Labels
from .delivery import DeliveryReport, deliver_pending, send_alert
from .digest import compose, deliver_digests, schedules_for
from .errors import ChannelConfigError, NotifierError, TemplateError
from .render import Message, Renderer, render_alert

__all__ = [
    "ChannelConfigError",
    "Channels",
    "DeliveryReport",
    "Labels",
    "Message",
    "NotifierError",
    "Renderer",
    "TemplateError",
    "build_channels",
    "compose",
    "deliver_digests",
    "deliver_pending",
    "mask_url",
    "render_alert",
    "schedules_for",
    "send_alert",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
