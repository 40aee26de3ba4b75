"""Turning an alert row into a message: Jinja2 templates per style.

Three styles, one template each (plus ``title.txt`` for the subject line):

========  ============  =============  ======================================
style     alert         digest         used for
========  ============  =============  ======================================
html      alert.html    digest.html    email (autoescaped; hits in ``<mark>``)
text      alert.txt     digest.txt     the text/plain part of every email
markdown  alert.md      digest.md      chat and webhooks (hits in ``**bold**``)
========  ============  =============  ======================================

A spike alert (rule ``spike:<topic>``, see :mod:`newswatch.notifier.spike`)
is a topic's day, not an article: it has its own ``spike.html``,
``spike.txt``, ``spike.md`` and ``spike_title.txt``, and digests list
spikes (``spikes``) apart from their stories.

Subject lines come from ``title.txt`` and ``digest_title.txt``. One message
is one article for one tag, naming every rule that matched it (``rules``; see
:func:`newswatch.notifier.context.alert_context`). Times are shown in the
configured ``[notify] timezone`` with its abbreviation and UTC offset.

Feed text is untrusted. In HTML it is escaped by autoescape, hit marks
(``«…»`` from the matcher) become ``<mark>`` only *after* escaping, and links
other than http(s) become ``#``. In Markdown, characters that would start
formatting, links or HTML are backslash-escaped, and mentions that would ping
people in chat (``@channel``, ``@here``, ``@all``, ``@everyone``, ``@user``,
Slack's ``<!channel>`` and ``<@U123>``) get a zero-width space after the
``@`` or ``!`` (:func:`_unmention`): they show as typed and ping nobody. The
filters apply to feed text only; a template's own ``@here`` is left alone.

A user can override any template by putting a file of the same name in a
folder (``[notify] templates`` in newswatch.toml, resolved by the caller).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from ..rules import mark_hits
from .context import Labels, alert_context, format_when
from .errors import TemplateError
from .spike import spike_context, spike_of

__all__ = ["DIGEST_STYLES", "Message", "Renderer", "STYLES", "render_alert"]

STYLES = {"html": "alert.html", "text": "alert.txt", "markdown": "alert.md"}
TITLE_TEMPLATE = "title.txt"
DIGEST_STYLES = {"html": "digest.html", "text": "digest.txt", "markdown": "digest.md"}
DIGEST_TITLE_TEMPLATE = "digest_title.txt"
SPIKE_STYLES = {"html": "spike.html", "text": "spike.txt", "markdown": "spike.md"}
SPIKE_TITLE_TEMPLATE = "spike_title.txt"
BUILTIN_TEMPLATES = Path(__file__).parent / "templates"

# Characters that start emphasis, code, links, HTML or tables in CommonMark
# and Mattermost; '#', '>' and list markers only matter at a line start.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
_MD_LINE_START = re.compile(r"(?m)^(\s*)([#>+\-]|\d+\.)")


# Chat mentions: '@name' where a word does not go on before it (so mail
# addresses stay whole), the broadcast ones anywhere, and Slack's '<!here>'.
# A «hit mark» may stand between the sign and the name.
_MENTION = re.compile(
    r"(?:(?<![\w.+-])|(?=@«?(?:channel|here|all|everyone|room)\b))@(?=«?[\w.-])"
    r"|(?<=<)!(?=«?\w)",
    re.IGNORECASE,
)
ZWSP = "\u200b"


@dataclass(frozen=True)
class Message:
    """A rendered alert: what goes to Apprise's ``notify()``."""

    title: str
    body: str
    style: str  # html | text | markdown


def _unmention(text: str) -> str:
    """Feed text that pings nobody: a zero-width space after a mention's ``@`` or ``<!``.

    ``@channel`` -> ``@\u200bchannel``, ``<!here>`` -> ``<!\u200bhere>``: the
    reader sees the same text, Mattermost, Slack, Discord and Matrix see no
    mention (the same device as discord.py's ``escape_mentions``).
    """
    return _MENTION.sub(lambda m: m.group(0) + ZWSP, text)


def _md(text: Any) -> str:
    """Escape Markdown (and chat mentions) so feed text shows as typed."""
    if text is None:
        return ""
    escaped = _MD_INLINE.sub(r"\\\1", _unmention(str(text)))
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


def _mark_md(snippet: Any) -> str:
    """Escape, then show the matcher's «hits» in **bold**."""
    if snippet is None:
        return ""
    out = mark_hits(_unmention(str(snippet)), lambda p: f"**{_md(p)}**", _md)
    # A snippet is one paragraph; keep a stray newline from breaking the quote.
    return " ".join(out.split())


def _mark_html(snippet: Any) -> Markup:
    """Escape, then show the matcher's «hits» in ``<mark>``."""
    # Markup(...) is safe: every piece was escaped by escape() or format().
    return Markup(mark_hits(snippet, Markup("<mark>{}</mark>").format, escape))


def _safe_href(url: Any) -> str:
    """Only http(s) links; anything else (``javascript:`` ...) becomes ``#``."""
    text = str(url or "").strip()
    return text if re.match(r"(?i)https?://", text) else "#"


def _md_url(url: Any) -> str:
    """A URL that cannot close a Markdown link early."""
    text = _safe_href(url)
    return quote(text, safe=":/?#[]@!$&'*+,;=%~-._")


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    """``3|plural("story", "stories")`` -> '3 stories'."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


class Renderer:
    """Loads and compiles the templates once; renders alerts in any style.

    ``labels`` (:class:`~newswatch.notifier.context.Labels`) gives the time
    zone every time is shown in, outlets' display names and rules'
    descriptions; by default UTC, source names, no descriptions.

    Raises :class:`TemplateError` at construction when a template (an
    override or a built-in) cannot be loaded or compiled, so that a typo in
    a user's template stops the run before any alert is claimed.
    """

    def __init__(self, templates_dir: str | Path | None = None, labels: Labels | None = None) -> None:
        self.labels = labels or Labels()
        zone = self.labels.zone
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir is not None:
            folder = Path(templates_dir)
            if not folder.is_dir():
                raise TemplateError(f"templates folder {folder} does not exist")
            loaders.append(jinja2.FileSystemLoader(str(folder)))
        loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default=False),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            md=_md,
            md_url=_md_url,
            mark_md=_mark_md,
            mark_html=_mark_html,
            safe_href=_safe_href,
            when=lambda value: format_when(value, zone),
            plural=_plural,
        )
        self.templates = {
            name: self._load(name)
            for name in [*STYLES.values(), TITLE_TEMPLATE, *DIGEST_STYLES.values(),
                         DIGEST_TITLE_TEMPLATE, *SPIKE_STYLES.values(), SPIKE_TITLE_TEMPLATE]
        }

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or name
            raise TemplateError(
                f"template {name} ({where}, line {exc.lineno}): {exc.message}"
            ) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {name}: {exc}") from exc

    def render(self, alert: dict[str, Any] | list[dict[str, Any]], style: str) -> Message:
        """Render one message in ``style``: a claimed alert, or the rows of one
        article for one tag (one per rule that matched it, see ``claim_due_alerts``)."""
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; valid: {', '.join(STYLES)}")
        rows = alert if isinstance(alert, list) else [alert]
        spike = spike_of(rows[0])
        if spike is not None:  # a topic's day, not an article: its own templates
            context = {**spike_context(spike, self.labels), "alert": rows[0], "alerts": rows,
                       "tag": rows[0].get("tag"), "style": style}
            title = self.templates[SPIKE_TITLE_TEMPLATE].render(context)
            body = self.templates[SPIKE_STYLES[style]].render(context)
            return Message(title=" ".join(title.split()), body=body.strip() + "\n", style=style)
        context = {**alert_context(rows, self.labels), "style": style}
        title = self.templates[TITLE_TEMPLATE].render(context)
        body = self.templates[STYLES[style]].render(context)
        # A subject is one line, whatever the feed put in the title.
        return Message(title=" ".join(title.split()), body=body.strip() + "\n", style=style)

    def render_digest(self, digest: dict[str, Any], style: str) -> Message:
        """Render a digest (see :func:`newswatch.notifier.digest.compose`) in ``style``."""
        if style not in DIGEST_STYLES:
            raise ValueError(f"unknown style {style!r}; valid: {', '.join(DIGEST_STYLES)}")
        context = {"digest": digest, "style": style, **digest}
        title = self.templates[DIGEST_TITLE_TEMPLATE].render(context)
        body = self.templates[DIGEST_STYLES[style]].render(context)
        return Message(title=" ".join(title.split()), body=body.strip() + "\n", style=style)


def render_alert(
    alert: dict[str, Any] | list[dict[str, Any]], style: str = "html",
    templates_dir: str | Path | None = None, labels: Labels | None = None,
) -> Message:
    """Render one alert (a row from ``claim_due_alerts``, or the rows of one article) without sending it."""
    return Renderer(templates_dir, labels).render(alert, style)
