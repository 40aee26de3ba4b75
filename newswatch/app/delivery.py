"""Telling people: pending alerts and due digests sent, ops notices, alerts put back in the queue."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from .. import storage
from ..config import Config
from ..errors import InvalidInput, NotFoundError
from .loading import ConfigLike, as_config


def channels_for(config: Config):
    """The configuration's Apprise channels: ``[notify] urls`` and ``apprise_config``, by tag."""
    from ..notifier import build_channels

    return build_channels(config.notify.urls, str(config.notify.apprise_config)
                          if config.notify.apprise_config else None)


def deliver(config: ConfigLike = None, *, digests: bool = True, now: str | None = None,
            throttle: bool = True, on_notice: Callable[[str], None] | None = None):
    """Send the alerts that are due now, then (with ``digests``) the digests that are due.

    Returns the notifier's :class:`~newswatch.notifier.DeliveryReport`:
    ``sent`` alerts and ``digests_sent``; ``failed``, ``dead`` and ``errors``
    cover both. Failed sends stay in the outbox with a retry time; nothing
    raises for them. ``now`` (UTC ISO 8601, default ``$NEWSWATCH_NOW``, else
    the real time) sets the outbox clock only; a malformed one raises
    :class:`~newswatch.errors.InvalidInput`. ``on_notice`` hears when
    Apprise's pacing (about 5.5 s between two mails to one address) will
    make the delivery slow, and how long it will take.
    """
    config = as_config(config)
    return deliver_due(storage.open_db(config.database), config, digests=digests, now=now,
                       throttle=throttle, on_notice=on_notice)


def deliver_due(db, config: Config, report=None, *, throttle: bool = True, digests: bool = True,
                now: str | None = None, should_stop=None,
                on_notice: Callable[[str], None] | None = None):
    """:func:`deliver` on an open database; the outcome is also added to ``report`` (a run's).

    ``should_stop`` (a SIGTERM during a run) ends delivery between two sends;
    the rest stay pending.
    """
    from ..notifier import Labels, deliver_digests, deliver_pending, schedules_for

    now = now or os.environ.get("NEWSWATCH_NOW") or None
    if now is not None:
        now = outbox_clock(now)
    channels = channels_for(config)
    labels = Labels.from_config(config)
    result = deliver_pending(db, channels, now=now, max_attempts=config.notify.max_attempts,
                             templates_dir=config.notify.templates_dir, throttle=throttle,
                             max_per_hour=config.notify.max_per_hour, should_stop=should_stop,
                             labels=labels, on_notice=on_notice)
    if digests and not (should_stop and should_stop()):
        sent = deliver_digests(db, channels, schedules_for(config.rules, config.notify.timezone),
                               now=now, max_attempts=config.notify.max_attempts,
                               templates_dir=config.notify.templates_dir, throttle=throttle,
                               labels=labels, on_notice=on_notice)
        result.digests_sent += sent.sent
        result.failed += sent.failed
        result.dead += sent.dead
        result.errors.extend(sent.errors)
    if report is not None:
        report.alerts_sent += result.sent + result.digests_sent
        report.alerts_failed += result.failed + result.dead
        report.alerts_deferred += result.deferred
        report.delivery_errors.extend(result.errors)
    return result


def outbox_clock(text: str) -> str:
    """'2026-11-28T07:30:00Z' (or any ISO 8601 with an offset) -> the outbox's UTC form."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(f"invalid time {text!r} for the outbox clock (--now / NEWSWATCH_NOW): "
                           "write UTC ISO 8601 like 2026-11-28T07:30:00Z")
    return storage.now_iso(moment)


def notify_ops(config: Config, before: dict[str, dict], report, *, throttle: bool = True) -> None:
    """Tell the ``ops`` tag, if one is configured, which sources broke or recovered in a run."""
    from ..health import FAILING_AFTER, transitions

    changes = transitions(before, report.fetches)
    if not changes:
        return
    from ..notifier.ops import send_text

    channels = channels_for(config)
    for what, fetch in changes:
        if what == "broken":
            title = f"newswatch: source {fetch.source} is failing"
            body = (f"{fetch.source} failed {FAILING_AFTER} times in a row; newswatch keeps trying, "
                    f"less often.\nLast error: {fetch.error}\nURL: {fetch.url}")
        else:
            title = f"newswatch: source {fetch.source} works again"
            body = f"{fetch.source} was fetched successfully ({fetch.status}).\nURL: {fetch.url}"
        error = send_text(channels, "ops", title, body, throttle=throttle)
        if error:
            report.delivery_errors.append(f"ops notice about {fetch.source}: {error}")


def retry_alert(config: ConfigLike, alert_id: int) -> None:
    """Put a failed or dead alert back in the queue now; NotFoundError when there is none by that id."""
    config = as_config(config)
    db = storage.open_db(config.database)
    if not storage.retry_alert(db, alert_id, storage.now_iso()):
        raise NotFoundError(f"no failed or dead alert with id {alert_id}")
