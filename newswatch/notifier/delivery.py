"""Delivering due alerts through Apprise: claim, render, send, record.

One alert row is (rule, story, tag). The rows of one article for one tag
(two rules matched it) are claimed together and go out as one message naming
every rule. Delivering it means sending that message to every Apprise URL
carrying the tag, each in the style that URL wants (email: HTML with our own
text part; chat: Markdown). Each URL that takes the message is recorded at
once in ``deliveries`` for every row in it (by the URL's privacy form); the
rows are marked sent when every URL of the tag has them, otherwise failed
together with the cause and retried later with backoff (see
:mod:`newswatch.storage.outbox`). A retry goes only to the URLs that have not
had the message, so when the mail server was down but the chat webhook was
not, the chat gets the alert once.

Apprise waits between two sends through one URL (``request_rate_per_sec``,
5.5 s for email); when a batch sends several messages through one URL,
``on_notice`` is told how long that will take.

A tag may be rate-limited (``max_per_hour``): due alerts beyond the limit
are not sent but deferred to the next digest of their rule and tag.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apprise import Apprise, NotifyFormat
from apprise.plugins.email import NotifyEmail
from sqlite_utils import Database

from ..schedule import now_iso
from ..storage.outbox import (
    claim_due_alerts,
    delivered_targets,
    mark_failed,
    mark_sent,
    record_delivery,
    release_claims,
    rename_targets,
    scrub_errors,
)
from .channels import Channels, Service, apprise_debug_logs, scrub
from .context import Labels
from .mailtext import text_part
from .render import Message, Renderer
from .spike import is_spike

__all__ = ["DEFAULT_MAX_PER_HOUR", "DeliveryReport", "deliver_pending", "group_by_article",
           "pacing_notes", "send_alert"]

#: Immediate alerts per tag per hour when ``max_per_hour`` names other tags only.
DEFAULT_MAX_PER_HOUR = 20

log = logging.getLogger(__name__)

_FORMATS = {
    "html": NotifyFormat.HTML,
    "text": NotifyFormat.TEXT,
    "markdown": NotifyFormat.MARKDOWN,
}
_KEEP_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
_MAX_ERROR = 1000


@dataclass
class DeliveryReport:
    """What one :func:`deliver_pending` call did."""

    sent: int = 0
    failed: int = 0  # failed this time, will be retried
    dead: int = 0  # failed for the last time
    deferred: int = 0  # over the tag's hourly limit: moved to the next digest
    digests_sent: int = 0  # filled in when digests were delivered in the same go
    errors: list[str] = field(default_factory=list)  # one line per failure, secrets masked

    def count_failure(self, label: str, error: str, status: str, max_attempts: int) -> None:
        """Count a failed send (``status`` is what the outbox made of it) and keep its line."""
        if status == "dead":
            self.dead += 1
            suffix = f" (dead after {max_attempts} tries)"
        else:
            self.failed += 1
            suffix = " (will retry)"
        line = f"{label}: {error}{suffix}"
        self.errors.append(line)
        log.warning("%s", line)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.dead == 0


def _now() -> str:
    return now_iso()


def _default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _rate_limit(
    max_per_hour: int | Mapping[str, int] | None,
) -> Callable[[str], int | None] | None:
    if max_per_hour is None:
        return None
    if isinstance(max_per_hour, int):
        return lambda tag: max_per_hour
    limits = {str(k).lower(): v for k, v in max_per_hour.items()}
    return lambda tag: limits.get(tag.lower(), DEFAULT_MAX_PER_HOUR)


def deliver_pending(
    db: Database,
    channels: Channels,
    now: str | None = None,
    worker: str | None = None,
    max_attempts: int = 8,
    templates_dir: str | Path | None = None,
    throttle: bool = True,
    batch_size: int = 20,
    limit: int | None = None,
    max_per_hour: int | Mapping[str, int] | None = None,
    should_stop: Callable[[], bool] | None = None,
    labels: Labels | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> DeliveryReport:
    """Deliver every due immediate alert, one message per article and tag; return counts and errors.

    ``now`` (UTC ISO text) fixes the clock, for tests; by default each claim
    and each record uses the current time. ``worker`` names this process in
    ``alerts.claimed_by``. Alerts are claimed ``batch_size`` at a time so a
    long run never holds claims long enough to look crashed; ``limit`` caps
    the total. ``throttle=False`` turns off Apprise's per-service pause
    between sends (tests, the demo); production keeps Apprise's politeness.
    ``max_per_hour`` caps immediate alerts per tag in any hour: one number
    for every tag, or tag -> number (other tags: :data:`DEFAULT_MAX_PER_HOUR`);
    the excess is deferred to the next digest (``report.deferred``).

    ``should_stop`` is asked before each send (SIGTERM during a run): once
    it says yes, the alerts not yet tried are handed back, still pending.
    ``labels`` gives the time zone, outlet names and rule descriptions
    messages show; ``on_notice`` hears, in a sentence, when Apprise's pacing
    will make a batch slow. Counts are alert rows: a message naming two
    rules counts two sent.

    Raises :class:`~newswatch.notifier.TemplateError` before claiming
    anything when a template cannot be compiled. Delivery failures are never
    raised: they are recorded on the alert and in the report.
    """
    renderer = Renderer(templates_dir, labels)
    worker = worker or _default_worker()
    forget_legacy_secrets(db, channels)
    rate_limit = _rate_limit(max_per_hour)
    report = DeliveryReport()
    done = 0
    while (limit is None or done < limit) and not (should_stop and should_stop()):
        size = batch_size if limit is None else min(batch_size, limit - done)
        deferred: list[int] = []
        batch = claim_due_alerts(db, now or _now(), worker, mode="immediate", limit=size,
                                 rate_limit=rate_limit, deferred=deferred)
        report.deferred += len(deferred)
        if not batch:
            break
        untouched = [a["id"] for a in batch]
        groups = group_by_article(batch)
        if throttle and on_notice:
            for line in pacing_notes([g[0]["tag"] for g in groups], channels):
                on_notice(line)
        try:
            for group in groups:
                if should_stop and should_stop():
                    break
                # From here the rows are in flight: if we die now they stay
                # 'sending' and are reclaimed once stale.
                for alert in group:
                    untouched.remove(alert["id"])
                ok, error = send_alert(group, channels, renderer, throttle=throttle,
                                       db=db, now=now)
                for alert in group:
                    _record(db, alert, ok, error, now or _now(), max_attempts, report)
                done += len(group)
        finally:
            # Ctrl-C or a database error mid-batch: hand back what we never tried.
            release_claims(db, untouched, worker)
    return report


def group_by_article(alerts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Claimed alert rows -> one list per (article, tag), in the order they came.

    A spike alert is a message of its own, though it hangs on its day's top
    story's item (which a rule's alert for the same tag may share).
    """
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for alert in alerts:
        item = alert.get("item_id")
        if is_spike(alert):
            item = f"spike {alert.get('id')}"
        key = (item if item is not None else f"alert {alert.get('id')}", alert.get("tag"))
        groups.setdefault(key, []).append(alert)
    return list(groups.values())


def pacing_notes(tags: list[str], channels: Channels) -> list[str]:
    """What Apprise's pacing will cost: a line per URL that gets 2+ of these messages, then why.

    ``tags`` has one entry per message to send. Apprise waits
    ``request_rate_per_sec`` (5.5 s for email) between two sends through
    one URL, so n messages take about (n - 1) times that.
    """
    counts: dict[str, int] = {}
    services: dict[str, Service] = {}
    for tag in tags:
        for service in channels.services_for(str(tag or "").lower().strip()):
            counts[service.target] = counts.get(service.target, 0) + 1
            services[service.target] = service
    lines = []
    for target, n in counts.items():
        service = services[target]
        rate = float(getattr(service.plugin, "request_rate_per_sec", 0) or 0)
        if n < 2 or rate < 1:
            continue
        what = "mails" if isinstance(service.plugin, NotifyEmail) else "messages"
        lines.append(f"{n} {what} to {service.safe_url}, {rate:g} s apart: "
                     f"about {round((n - 1) * rate)} s")
    if lines:  # once, so the lines above stay short
        lines.append("(Apprise waits between two sends to one URL; see docs/alerts.md, Pacing)")
    return lines


def forget_legacy_secrets(db: Database, channels: Channels) -> None:
    """Rewrite what older versions stored in Apprise's bare privacy form.

    That form kept a webhook's path token and ``+header`` values
    (``json://host/hooks/TOKEN?+X-Api-Key=TOKEN``) in ``deliveries.target``
    and in ``last_error`` texts. Rows under a URL's old name get its masked
    name (so a retry still skips URLs that had the message) and the tokens
    the old form showed are masked in stored errors. Reads only, once
    nothing old is left.
    """
    rename_targets(db, {s.legacy_target: s.target for s in channels if s.legacy_target})
    scrub_errors(db, frozenset().union(*(s.legacy_secrets for s in channels)))


def _record(
    db: Database,
    alert: dict[str, Any],
    ok: bool,
    error: str | None,
    now: str,
    max_attempts: int,
    report: DeliveryReport,
) -> None:
    if ok:
        mark_sent(db, alert["id"], now)
        report.sent += 1
        log.info("alert %s (%s -> %s) sent", alert["id"], alert["rule"], alert["tag"])
        return
    error = (error or "delivery failed")[:_MAX_ERROR]
    status = mark_failed(db, alert["id"], error, now, max_attempts=max_attempts)
    report.count_failure(f"alert {alert['id']} ({alert['rule']} -> {alert['tag']})", error, status,
                         max_attempts)


def send_alert(
    alert: dict[str, Any] | list[dict[str, Any]],
    channels: Channels,
    renderer: Renderer | None = None,
    throttle: bool = True,
    db: Database | None = None,
    now: str | None = None,
) -> tuple[bool, str | None]:
    """Send one claimed alert, or the rows of one article for one tag as one message.

    Returns ``(True, None)`` when Apprise reported success for every URL
    carrying the tag, else ``(False, error)`` with an error safe to store
    and show. Never raises for a delivery problem. With ``db``, each URL's
    success is recorded (for every row) as it happens, and a URL gets only
    the rows it has not had.
    """
    renderer = renderer or Renderer()
    rows = alert if isinstance(alert, list) else [alert]
    by_id = {row.get("id"): row for row in rows}
    return send_message(
        "alert", list(by_id), rows[0].get("tag"),
        lambda style, ids: renderer.render([by_id[i] for i in ids], style),
        channels, throttle, db, now,
    )


def send_message(
    kind: str,
    message_ids: list[Any],
    tag: str | None,
    render: Callable[[str, tuple[Any, ...]], Message],
    channels: Channels,
    throttle: bool = True,
    db: Database | None = None,
    now: str | None = None,
) -> tuple[bool, str | None]:
    """Send alerts or digests (``kind``), as one message, to the URLs of ``tag`` that lack them.

    ``render(style, ids)`` makes the message of the rows ``ids`` (those of
    ``message_ids`` a URL has not had) for each style in use; an HTML email
    also gets the ``text`` rendering as its text/plain part. Each URL gets
    its own ``notify()`` so that its success can be recorded (``db``)
    before the next one is tried: a crash between two URLs repeats nothing.
    """
    tag = str(tag or "").lower().strip()
    services = channels.services_for(tag)
    if not services:
        known = ", ".join(sorted(channels.tags())) or "none"
        return False, f"no Apprise URL carries the tag {tag!r} (tags with URLs: {known})"
    done = ({i: delivered_targets(db, kind, i) for i in message_ids} if db is not None
            else {i: set() for i in message_ids})

    messages: dict[tuple[str, tuple[Any, ...]], Message | None] = {}
    errors = []

    def rendered(style: str, ids: tuple[Any, ...]) -> Message | None:
        if (style, ids) not in messages:
            try:
                messages[style, ids] = render(style, ids)
            except Exception as exc:  # a user template failing on this message's data
                messages[style, ids] = None
                errors.append(f"rendering the {style} message failed: {type(exc).__name__}: {exc}")
        return messages[style, ids]

    for service in services:
        ids = tuple(i for i in message_ids
                    if service.target not in done[i] and service.legacy_target not in done[i])
        if not ids:
            continue
        message = rendered(service.style, ids)
        if message is None:
            continue
        text = None
        if service.style == "html" and isinstance(service.plugin, NotifyEmail):
            try:
                text = render("text", ids).body
            except Exception as exc:  # the mail still goes, with Apprise's text part
                log.warning("rendering the text part failed: %s: %s", type(exc).__name__, exc)
        error = _notify([service], message, tag, channels, throttle, text)
        if error:
            errors.append(error)
        elif db is not None:
            for i in ids:
                record_delivery(db, kind, i, service.target, now or _now())
    return (not errors), (" | ".join(dict.fromkeys(errors)) or None)


def _notify(
    group: list[Service],
    message: Message,
    tag: str,
    channels: Channels,
    throttle: bool,
    text: str | None = None,
) -> str | None:
    """One Apprise notify() to ``group``; None on success, else a safe error.

    ``text``: the text/plain part of an HTML email (see :mod:`.mailtext`).
    """
    secrets = frozenset().union(*(s.secrets for s in group))
    apobj = Apprise(asset=channels.asset)
    for service in group:
        apobj.add(service.plugin)
    saved = _unthrottle(group) if not throttle else None
    try:
        with apprise_debug_logs(), (text_part(message.body, text) if text else nullcontext()):
            result = apobj.notify(
                body=message.body,
                title=message.title,
                body_format=_FORMATS[message.style],
                tag=tag,
                log_level=logging.DEBUG,
            )
        with result:
            if result:
                return None
            return _explain(result, group, secrets)
    except Exception as exc:  # Apprise promises not to raise; record it if it does
        return f"Apprise raised {type(exc).__name__}: {scrub(str(exc), secrets)}"
    finally:
        if saved is not None:
            _rethrottle(saved)


def _unthrottle(group: list[Service]) -> list[tuple[Any, Any]]:
    # Apprise sleeps request_rate_per_sec between two sends of one service
    # (5.5 s for most plugins); an instance attribute of 0 turns that off.
    saved = []
    for service in group:
        plugin = service.plugin
        saved.append((plugin, plugin.__dict__.get("request_rate_per_sec")))
        plugin.request_rate_per_sec = 0
    return saved


def _rethrottle(saved: list[tuple[Any, Any]]) -> None:
    for plugin, own in saved:
        if own is None:
            plugin.__dict__.pop("request_rate_per_sec", None)
        else:
            plugin.request_rate_per_sec = own


def _useful(entry) -> bool:
    """Apprise log lines worth keeping as the cause of a failure."""
    if entry.level in _KEEP_LEVELS:
        return True
    # The specific cause is logged at DEBUG under these headings.
    message = entry.message
    return entry.level == "DEBUG" and (
        "Exception:" in message or message.startswith("Response Details")
    )


def _lines(entries, secrets) -> list[str]:
    out = []
    for entry in entries:
        if _useful(entry):
            text = " ".join(entry.message.split())[:300]
            out.append(scrub(text, secrets))
    return list(dict.fromkeys(out))


def _explain(result, group: list[Service], secrets: frozenset[str]) -> str:
    safe_by_url = {s.plugin.url(privacy=True): s.safe_url for s in group}
    parts = []
    for service_result in result:
        if service_result:
            continue
        where = safe_by_url.get(service_result.url) or scrub(
            service_result.url.split("?", 1)[0], secrets
        )
        lines = _lines(service_result.logs(), secrets)
        cause = "; ".join(lines) or f"Apprise reported {service_result.status.name}"
        parts.append(f"{service_result.name} {where}: {cause}")
    if not parts:
        # Nothing failed by itself (no match, skipped template entries, a
        # message Apprise refused): say what the call as a whole reported.
        lines = _lines(result.call_logs(), secrets)
        parts.append(
            f"Apprise reported {result.status.name}" + (f": {'; '.join(lines)}" if lines else "")
        )
    return " | ".join(parts)
