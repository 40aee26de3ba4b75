"""Page watches: a page's main text, what changed since last time, and a stable id per change.

The text compared is the page's main content (trafilatura, tables kept), or
the elements a ``selectors.content`` CSS/XPath picks, one line per block with
whitespace folded, so markup churn (scripts, ads, attribute order) is not a
change. A change becomes an item whose summary is a short diff and whose body
is the new text; its id comes from the page URL plus the hashes of the old
and new text, so an unchanged page adds nothing, and a page that changes
back and forth adds an item each time it does.
"""

from __future__ import annotations

import difflib
import hashlib
import re

import trafilatura
from lxml import html as lxml_html

from .decoding import parse_html
from .urls import canonical_url

_WS = re.compile(r"\s+")
_WORDS = re.compile(r"\S+")
_BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
           "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
           "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
           "td", "th", "tr", "ul"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "button"}


def is_xpath(expr: str) -> bool:
    """Selectors that start like a path or a group are XPath; anything else is CSS."""
    return expr.lstrip().startswith(("/", "(", "./"))


class SelectorMatchedNothing(ValueError):
    """The content selector selects nothing on the page (the page's layout changed?)."""


def normalize_text(text: str) -> str:
    """One line per block, inner whitespace folded, no empty lines."""
    lines = (_WS.sub(" ", line).strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _block_text(el) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _SKIP:
            if node.tail:
                parts.append(node.tail)
            return
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    tail, el.tail = el.tail, None  # the selected element's own tail is outside it
    try:
        walk(el)
    finally:
        el.tail = tail
    return "".join(parts)


def page_text(body: bytes | str, url: str, selector: str | None = None,
              content_type: str | None = None) -> tuple[str, str]:
    """(title, main text) of an HTML page; the text is :func:`normalize_text`-ed.

    With ``selector`` (CSS, or XPath when it starts with / or ( ) the text is
    that of the selected elements; :class:`SelectorMatchedNothing` when none is.
    """
    if not body:
        return "", ""
    try:
        tree = parse_html(body, content_type)
    except (ValueError, lxml_html.etree.ParserError):
        return "", ""
    title = _WS.sub(" ", " ".join(tree.xpath("//title//text()"))).strip()
    if not title:
        og = tree.xpath('//meta[@property="og:title"]/@content')
        title = og[0].strip() if og else ""
    if selector:
        nodes = tree.xpath(selector) if is_xpath(selector) else tree.cssselect(selector)
        texts = [n if isinstance(n, str) else _block_text(n) for n in nodes]
        if not texts:
            raise SelectorMatchedNothing(f"selectors.content {selector!r} matched nothing on {url}")
        return title, normalize_text("\n".join(texts))
    text = trafilatura.extract(tree, url=url, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False, output_format="txt")
    if not text:
        main = tree.xpath("//main") or tree.xpath("//body") or [tree]
        text = _block_text(main[0])
    return title, normalize_text(text)


def text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def change_id(url: str, old_text: str, new_text: str) -> str:
    """A stable key for one change of one page: the same change always gets the same key."""
    key = f"{canonical_url(url)}\n{text_hash(old_text)}\n{text_hash(new_text)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _inline(old: str, new: str, context: int = 6) -> str:
    """One edited line as '…context [old → new] context…', word by word."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out: list[str] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            if i == 0 and len(words) > context:
                words = ["…"] + words[-context:]
            elif i == len(ops) - 1 and len(words) > context:
                words = words[:context] + ["…"]
            elif 0 < i < len(ops) - 1 and len(words) > 2 * context:
                words = words[:context] + ["…"] + words[-context:]
            out.extend(words)
        elif tag == "replace":
            out.append(f"[{' '.join(a[i1:i2])} → {' '.join(b[j1:j2])}]")
        elif tag == "delete":
            out.append(f"[− {' '.join(a[i1:i2])}]")
        else:
            out.append(f"[+ {' '.join(b[j1:j2])}]")
    return " ".join(out)


def diff_summary(old: str, new: str, limit: int = 700) -> str:
    """What changed between two texts, short enough for an alert.

    A first line counts the edits; then edited lines show old → new in their
    context, added lines start with '+ ' and removed ones with '− '.
    """
    if not old:
        return _clip("First snapshot of the page: " + new.replace("\n", " "), limit)
    a, b = old.splitlines(), new.splitlines()
    edited = added = removed = 0
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                edited += 1
                lines.append("~ " + _inline(a[i1 + k], b[j1 + k]))
            for line in b[j1 + pairs:j2]:
                added += 1
                lines.append("+ " + line)
            for line in a[i1 + pairs:i2]:
                removed += 1
                lines.append("− " + line)
        elif tag == "insert":
            added += j2 - j1
            lines.extend("+ " + line for line in b[j1:j2])
        else:
            removed += i2 - i1
            lines.extend("− " + line for line in a[i1:i2])
    counts = [f"{n} line{'s' if n != 1 else ''} {what}" for n, what in
              ((edited, "edited"), (added, "added"), (removed, "removed")) if n]
    head = "Page changed: " + (", ".join(counts) or "whitespace only") + "."
    out, used = [head], len(head)
    for i, line in enumerate(lines):
        line = _clip(line, 240)
        if used + len(line) + 1 > limit:
            out.append(f"… and {len(lines) - i} more")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)
