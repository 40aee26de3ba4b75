"""Channels: the Apprise URLs an alert can go to, by tag.

Built from newswatch.toml's inline ``[notify] urls`` table (tag -> URLs)
and/or an Apprise YAML/TEXT configuration file whose URLs carry tags. One
URL listed under several tags is one Apprise service carrying all of them.

Apprise URLs hold secrets (passwords, tokens). Everything this module shows
or hands over for storing - :meth:`Channels.describe`, :meth:`Channels.validate`,
``Service.target`` and ``Service.safe_url``, delivery errors - uses
:func:`privacy_url`: Apprise's privacy form (``mailto://user:****@host``) with
what that form leaves readable for some schemes masked on top (the path of
``json://``/``form://``/``xml://``, ``+header``, ``-param`` and ``:field``
values, free-text query values). Log text captured from Apprise (and the
requests errors in it) is scrubbed of each URL's secrets before it is kept.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

from apprise import Apprise, AppriseAsset, AppriseConfig, NotifyFormat
from apprise.logger import LOGGER_NAME, LogCapture

from .errors import ChannelConfigError

__all__ = ["Channels", "build_channels", "mask_url", "privacy_url"]

# Apprise's tag syntax (apprise/tag.py): what a rule's notify = [...] may use.
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_URLISH = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")


def _asset() -> AppriseAsset:
    # Chat services show this as the sender's name.
    return AppriseAsset(app_id="newswatch", app_desc="newswatch alerts")


def mask_url(url: str) -> str:
    """A safe form of a URL Apprise could *not* parse (so it has no privacy form).

    Keeps the scheme, user and host, which say which URL is meant; hides the
    password, the path and the query, where tokens live.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        parts, host, port = None, "", ""
    if parts is None or not parts.scheme:
        return "****"
    user = ""
    if parts.username:
        user = parts.username + (":****" if parts.password is not None else "") + "@"
    rest = "/****" if (parts.path.strip("/") or parts.query or parts.fragment) else ""
    return f"{parts.scheme}://{user}{host}{port}{rest}"


_MASK = "****"
# How Apprise's privacy form writes a value it hides: 'a...z'
# (PrivacyMode.Outer), '...wxyz' (Tail) or '****' (Secret).
_MASKED_BY_APPRISE = re.compile(r"^(?:[^.]?\.\.\.[^.]{0,4}|\*{4})$")
# Setting types whose values are never secrets (yes/no, numbers, one of a list).
_PLAIN_TYPES = ("bool", "int", "float")


def _plain_setting(plugin, key: str) -> bool:
    """Whether query key ``key`` of this plugin holds a setting, not free text.

    Only the plugin's declared arguments of type bool, int, float or choice
    that are not private qualify (``format=markdown``, ``method=POST``,
    ``mode=starttls``). Everything else - targets, addresses, ``+header``,
    ``-param`` and ``:field`` values, tokens - may carry a secret.
    """
    spec = (getattr(plugin, "template_args", None) or {}).get(key)
    if not isinstance(spec, dict) or spec.get("private") or "alias_of" in spec:
        return False
    kind = str(spec.get("type", ""))
    return kind in _PLAIN_TYPES or kind.startswith("choice:")


def privacy_url(plugin) -> str:
    """An Apprise plugin's URL, safe to store and show, for every scheme.

    Starts from Apprise's own privacy form, ``plugin.url(privacy=True)``,
    which hides what each plugin declares private (passwords, known tokens)
    but prints a generic webhook's path (``json://host/hooks/TOKEN``) and
    ``+header`` / query values as they are. On top of it, every path segment
    Apprise left readable becomes ``****``, and so does every query value
    except plain settings (:func:`_plain_setting`). Scheme, user, host and
    port stay: they say which URL is meant.
    """
    shown = plugin.url(privacy=True)
    try:
        parts = urlsplit(shown)
    except ValueError:
        return mask_url(shown)
    path = "/".join(
        seg if not seg or _MASKED_BY_APPRISE.match(unquote(seg)) else _MASK
        for seg in parts.path.split("/")
    )
    query = []
    for pair in parts.query.split("&"):
        if not pair:
            continue
        key, has_value, value = pair.partition("=")
        if has_value and value and not _plain_setting(plugin, unquote_plus(key)) \
                and not _MASKED_BY_APPRISE.match(unquote_plus(value)):
            value = _MASK
        query.append(f"{key}{'=' if has_value else ''}{value}")
    return urlunsplit((parts.scheme, parts.netloc, path, "&".join(query), ""))


def scrub(text: str, secrets: set[str] | frozenset[str] = frozenset()) -> str:
    """Remove known secrets and mask any URL in free text from Apprise's logs.

    Short secrets are only replaced where they stand alone (not inside a
    longer word), so a path segment such as ``api`` does not mangle text.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, _MASK)
        else:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", _MASK, text)
    return _URLISH.sub(lambda m: mask_url(m.group(0)), text)


_SPLITTER = re.compile(r"[/:@?&=#,+;\s]+")


def _tokens(url: str) -> set[str]:
    return set(_SPLITTER.split(url)) | set(_SPLITTER.split(unquote_plus(url)))


def _secrets_of(plugin, shown: str) -> frozenset[str]:
    """The parts of a plugin's URL that ``shown`` (its privacy form) hides.

    Each in the spellings an error text may use: as written, decoded, and
    percent-encoded (requests quotes a path when it echoes it).
    """
    visible = _tokens(shown)
    secrets = {t for t in _tokens(plugin.url(privacy=False)) if len(t) >= 3 and t not in visible}
    # A password holding '@' or ':' is split above; keep it whole as well.
    password = getattr(plugin, "password", None)
    if password:
        secrets.add(str(password))
    for secret in list(secrets):
        secrets |= {quote(secret, safe=""), quote(secret), unquote(secret)}
    return frozenset(s for s in secrets if len(s) >= 3 and s not in visible)


def _style_for(plugin) -> str:
    """Which template a service gets: html, text or markdown.

    Services that offer HTML but not Markdown (email) get HTML, or text when
    their URL asks for ``?format=text``. Everything else (chat, webhooks)
    gets Markdown: services that declare Markdown receive it as is, Apprise
    converts it for those whose URL asks for HTML, and text-only ones
    (Mattermost, which renders Markdown itself) get it unchanged.
    """
    declared = plugin.notify_format
    if not isinstance(declared, (tuple, list, set, frozenset)):
        declared = (declared,)
    formats = {NotifyFormat(f) for f in declared}
    if NotifyFormat.HTML in formats and NotifyFormat.MARKDOWN not in formats:
        chosen = plugin.resolve_format(NotifyFormat.HTML)
        return "html" if chosen == NotifyFormat.HTML else "text"
    return "markdown"


@dataclass
class Service:
    """One Apprise plugin instance with what newswatch needs to know of it."""

    plugin: object  # apprise.plugins.NotifyBase
    tags: frozenset[str]
    safe_url: str  # privacy_url(), query string dropped
    secrets: frozenset[str]
    style: str
    origin: str  # "newswatch.toml" or the Apprise config file
    shown: str = ""  # privacy_url(): how the URL is shown (describe)
    # Which URL this is in the deliveries table: the full privacy_url() (query
    # included), with "#2", "#3" ... when two URLs share one privacy form.
    target: str = ""
    # The name newswatch before issue 13 gave it (Apprise's bare privacy form,
    # which can hold a webhook's token); rows under that name are renamed.
    legacy_target: str = ""
    # Tokens that bare form showed and privacy_url() hides: old last_error
    # texts may hold them.
    legacy_secrets: frozenset[str] = frozenset()


@dataclass
class Channels:
    """Tag -> Apprise services, plus the problems found while building them."""

    services: list[Service] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    asset: AppriseAsset = field(default_factory=_asset)

    def tags(self) -> set[str]:
        """Every tag some usable URL carries (Apprise lowercases tags)."""
        return {tag for s in self.services for tag in s.tags}

    def validate(self) -> list[str]:
        """Problems: URLs Apprise cannot use, bad tags; empty when all is well."""
        return list(self.problems)

    def describe(self) -> dict[str, list[str]]:
        """Tag -> the URLs carrying it, in Apprise's privacy form."""
        out: dict[str, list[str]] = {}
        for s in self.services:
            for tag in sorted(s.tags):
                out.setdefault(tag, []).append(s.shown)
        return dict(sorted(out.items()))

    def services_for(self, tag: str) -> list[Service]:
        """The services that carry ``tag`` (case-insensitive, like Apprise)."""
        tag = tag.lower().strip()
        return [s for s in self.services if tag in s.tags]

    def __len__(self) -> int:
        return len(self.services)

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)


def _captured(buffer) -> str:
    lines = [ln.split(" - ", 2)[-1] for ln in buffer.getvalue().splitlines() if ln.strip()]
    return "; ".join(dict.fromkeys(lines))


def _tag_names(plugin) -> frozenset[str]:
    return frozenset(str(t).lower() for t in plugin.tags)


def build_channels(
    urls: dict[str, list[str]] | None = None,
    apprise_config: str | Path | None = None,
) -> Channels:
    """Build the channels from the inline ``urls`` table and/or an Apprise config file.

    URLs Apprise cannot parse are left out and listed by
    :meth:`Channels.validate` (in a masked form, never with their secrets).
    Raises :class:`ChannelConfigError` when ``apprise_config`` is missing,
    unreadable, or yields no URL at all.
    """
    channels = Channels()
    asset = channels.asset
    by_url: dict[str, set[str]] = {}
    for tag, tag_urls in (urls or {}).items():
        name = str(tag).lower().strip()
        if not _TAG.match(name):
            channels.problems.append(
                f"tag {tag!r} is not a valid Apprise tag: use letters, digits, '-' and '_'"
            )
            continue
        if isinstance(tag_urls, str):
            tag_urls = [tag_urls]
        for url in tag_urls or []:
            by_url.setdefault(str(url).strip(), set()).add(name)

    for url, tags in by_url.items():
        with LogCapture(level=logging.WARNING) as buffer:
            plugin = Apprise.instantiate(url, asset=asset, tag=sorted(tags))
        if plugin is None:
            reason = scrub(_captured(buffer)) or "Apprise does not know this kind of URL"
            channels.problems.append(
                f"{mask_url(url)} (tag {', '.join(sorted(tags))}): "
                f"Apprise cannot use this URL: {reason}"
            )
            continue
        channels.services.append(_service(plugin, "newswatch.toml"))

    if apprise_config:
        channels.services.extend(_load_config_file(Path(apprise_config), asset, channels))
    _name_targets(channels.services)
    return channels


def _name_targets(services: list[Service]) -> None:
    # The privacy form names a URL without its secrets. Two URLs that differ
    # only in a secret look alike; numbering them in config order keeps their
    # deliveries apart.
    seen: dict[str, int] = {}
    seen_legacy: dict[str, int] = {}
    for service in services:
        shown = service.shown
        seen[shown] = seen.get(shown, 0) + 1
        service.target = shown if seen[shown] == 1 else f"{shown}#{seen[shown]}"
        legacy = service.plugin.url(privacy=True)
        seen_legacy[legacy] = seen_legacy.get(legacy, 0) + 1
        service.legacy_target = legacy if seen_legacy[legacy] == 1 else f"{legacy}#{seen_legacy[legacy]}"
        service.legacy_secrets = frozenset(
            t for t in _tokens(legacy) - _tokens(shown) if t in service.secrets and len(t) >= 6
        )


def _service(plugin, origin: str) -> Service:
    shown = privacy_url(plugin)
    return Service(
        plugin=plugin,
        tags=_tag_names(plugin),
        safe_url=shown.split("?", 1)[0],
        secrets=_secrets_of(plugin, shown),
        style=_style_for(plugin),
        origin=origin,
        shown=shown,
    )


def _load_config_file(path: Path, asset: AppriseAsset, channels: Channels) -> list[Service]:
    try:
        path.read_bytes()
    except OSError as exc:
        raise ChannelConfigError(
            f"cannot read the Apprise config file {path}: {exc.strerror or exc}"
        ) from exc
    config = AppriseConfig(asset=asset)
    with LogCapture(level=logging.WARNING) as buffer:
        config.add(str(path.resolve()))
        plugins = list(config.services())
    problems = scrub(_captured(buffer))
    if not plugins:
        raise ChannelConfigError(
            f"no usable Apprise URL in {path}"
            + (f": {problems}" if problems else " (is it Apprise YAML or TEXT?)")
        )
    if problems:
        channels.problems.append(f"{path}: {problems}")
    services = []
    for plugin in plugins:
        service = _service(plugin, str(path))
        if not service.tags:
            # Apprise sends untagged URLs only for untagged notify() calls;
            # newswatch always names a tag, so such a URL would never be used.
            channels.problems.append(
                f"{path}: {service.safe_url} carries no tag, so no rule can use it"
            )
        services.append(service)
    return services


# -- detailed Apprise logs --------------------------------------------------
# Apprise logs the *cause* of a failure (``Socket Exception: [Errno 111]
# Connection refused``, ``(535, b'Authentication credentials invalid')``) at
# DEBUG, and only a generic warning above it. Its per-call capture
# (``notify(log_level=DEBUG)``) only sees records the "apprise" logger lets
# through, so for the duration of a delivery we open that logger to DEBUG and
# stop propagation, forwarding to the parent handlers only what would have
# passed before. Skipped when the application put its own handlers on the
# "apprise" logger (it chose its own logging; we must not flood it).

_detail_lock = threading.Lock()
_detail_depth = 0
_detail_saved: tuple[int, bool, logging.Handler] | None = None


class _Forward(logging.Handler):
    """Pass a record up the logger tree as plain propagation would have."""

    def __init__(self, level: int, parent: logging.Logger | None) -> None:
        super().__init__(level)
        self.parent = parent

    def emit(self, record: logging.LogRecord) -> None:
        if self.parent is not None:
            self.parent.handle(record)


@contextlib.contextmanager
def apprise_debug_logs() -> Iterator[bool]:
    """Let Apprise create DEBUG records (for its result logs) without leaking them.

    Yields whether detail is available.
    """
    global _detail_depth, _detail_saved
    logger = logging.getLogger(LOGGER_NAME)
    with _detail_lock:
        if _detail_depth == 0:
            own_handlers = [
                h
                for h in logger.handlers
                # Apprise's own NullHandler and per-call captures don't count.
                if not isinstance(h, (_Forward, logging.NullHandler))
                and not type(h).__module__.startswith("apprise")
            ]
            if own_handlers or logger.getEffectiveLevel() <= logging.DEBUG:
                _detail_saved = None
            else:
                forward = _Forward(logger.getEffectiveLevel(), logger.parent)
                _detail_saved = (logger.level, logger.propagate, forward)
                if logger.propagate:
                    logger.addHandler(forward)
                logger.propagate = False
                logger.setLevel(logging.DEBUG)
        _detail_depth += 1
        available = _detail_saved is not None or logger.getEffectiveLevel() <= logging.DEBUG
    try:
        yield available
    finally:
        with _detail_lock:
            _detail_depth -= 1
            if _detail_depth == 0 and _detail_saved is not None:
                level, propagate, forward = _detail_saved
                logger.removeHandler(forward)
                logger.setLevel(level)
                logger.propagate = propagate
                _detail_saved = None
