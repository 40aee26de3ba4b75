"""HTML fragments and plain text to the text items store: one line, or paragraphs.

Titles, summaries and bylines are one line (:func:`html_to_text`). Bodies
keep their paragraphs (:func:`html_to_paragraphs`, :func:`text_paragraphs`):
paragraphs are separated by one blank line (``"\\n\\n"``), a single ``"\\n"``
is a line break inside a paragraph (``<br>``), and whitespace inside a line
is folded to one space. The rule language's ``NEAR/p`` and ``NEAR/s`` see
these paragraphs (see :mod:`newswatch.rules.document`).
"""

from __future__ import annotations

import html
import re

# What feedparser's sanitizer drops with its content (an unclosed one runs to
# the end), and comments; parsing with the sanitizer on cost a sixth of
# feedparser's time, for text that is reduced to plain text here anyway.
_HIDDEN_RE = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|applet)\b[^>]*(?:>|\Z).*?(?:</\1\s*>|\Z)", re.S | re.I)

# Elements whose start or end ends a paragraph (as a browser lays them out).
_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote tr table thead tbody tfoot caption pre "
    "section article header footer aside nav main figure figcaption hr address form fieldset "
    "details summary center".split())
# Marks standing for a paragraph end and a line break until whitespace is folded: control
# characters that html.unescape never produces (&#30; decodes to "") and that the door
# drops from stored text anyway, so one found in the input can be removed first.
_PARA, _BREAK = "\x1e", "\x1f"
_MARKS = str.maketrans("", "", _PARA + _BREAK)
# A block element's tag and a <br>, up to the next "<" or ">" (linear on a page of "<p<p<p").
_BLOCK_TAG_RE = re.compile(r"</?(?:%s)\b[^<>]*>" % "|".join(sorted(_BLOCKS, key=len, reverse=True)), re.I)
_BR_TAG_RE = re.compile(r"<br\b[^<>]*>", re.I)
# Whitespace other than the marks (str.isspace counts \x1c-\x1f as whitespace).
_INLINE_WS_RE = re.compile(r"[^\S\x1e\x1f]+")
_BREAKS_RE = re.compile(r" ?[\x1e\x1f][\x1e\x1f ]*")
_LINE_WS_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


def html_to_text(value: str | None) -> str:
    """One line of plain text from an HTML fragment: tags dropped, entities decoded,
    all whitespace (line breaks included) folded to one space."""
    if not value:
        return ""
    if "<" in value:
        value = _drop_tags(_HIDDEN_RE.sub(" ", value))
    # str.split() splits on the characters \s matches in a str pattern (str.isspace):
    # the same as re.sub(r"\s+", " ", ...).strip(), at a third of the cost on a summary.
    return " ".join(html.unescape(value).split())


def html_to_paragraphs(value: str | None) -> str:
    """Plain text from an HTML fragment, its paragraphs kept.

    The start or end of a block element (``<p>``, ``<div>``, ``<li>``,
    ``<h1>``-``<h6>``, ``<blockquote>``, ``<tr>``, ``<pre>`` ...) and two or more
    ``<br>`` in a row separate paragraphs (``"\\n\\n"``); a single ``<br>``, and
    a line break inside ``<pre>``, is ``"\\n"``. Other whitespace folds to one
    space; there are no blank lines at either end, nor two in a row. A
    fragment without any block element or ``<br>`` is read as plain text
    (:func:`text_paragraphs`): its own blank lines are its paragraphs.
    """
    if not value:
        return ""
    if _PARA in value or _BREAK in value:
        value = value.translate(_MARKS)
    if "<" not in value:
        return text_paragraphs(html.unescape(value))
    value = _HIDDEN_RE.sub(" ", value)
    if "<pre" in value or "<PRE" in value:
        value = _pre_breaks(value)
    value, blocks = _BLOCK_TAG_RE.subn(_PARA, value)
    value, breaks = _BR_TAG_RE.subn(_BREAK, value)
    value = _drop_tags(value)
    if not (blocks or breaks or _BREAK in value):
        return text_paragraphs(html.unescape(value))
    value = _INLINE_WS_RE.sub(" ", html.unescape(value))
    return _BREAKS_RE.sub(_break, value).strip(" " + _PARA + _BREAK + "\n")


def text_paragraphs(value: str | None) -> str:
    """Plain text with its paragraphs kept: blank lines (however many, whatever spaces
    they hold) become one ``"\\n\\n"``, a single line break stays ``"\\n"``, other
    whitespace folds to one space, and the ends are trimmed."""
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _LINE_WS_RE.sub(" ", value)
    if "\n" in value:
        value = _BLANK_LINES_RE.sub("\n\n", value.replace(" \n", "\n").replace("\n ", "\n"))
    return value.strip()


def _break(m: re.Match) -> str:
    run = m.group()
    return "\n\n" if _PARA in run or run.count(_BREAK) > 1 else "\n"


def _pre_breaks(value: str) -> str:
    """``value`` with the line breaks inside each ``<pre>`` element marked :data:`_BREAK`."""
    low, out, pos = value.lower(), [], 0
    while (start := low.find("<pre", pos)) >= 0:
        if low[start + 4:start + 5].isalnum():  # <preview>, not <pre>
            out.append(value[pos:start + 4])
            pos = start + 4
            continue
        end = low.find("</pre", start)
        end = len(value) if end < 0 else end
        out += [value[pos:start], value[start:end].replace("\n", _BREAK)]
        pos = end
    out.append(value[pos:])
    return "".join(out)


def _drop_tags(value: str) -> str:
    """Each ``<...>`` (at least one character inside) replaced by a space; a ``<`` that no ``>``
    follows is text. The regex ``<[^>]+>`` did the same, but rescanned to the end from every
    such ``<``: a hostile 200 KB title of them took 10 s."""
    out, pos = [], 0
    while (lt := value.find("<", pos)) >= 0:
        gt = value.find(">", lt + 2)
        if gt < 0:
            break
        if value[lt + 1] == ">":  # "<>" is not a tag
            out.append(value[pos:lt + 1])
            pos = lt + 1
            continue
        out.append(value[pos:lt])
        out.append(" ")
        pos = gt + 1
    out.append(value[pos:])
    return "".join(out)
