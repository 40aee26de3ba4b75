"""The snippet is the evidence: the real `newswatch run` mails and posts the passage where the
terms that decided a match are, not the first place a term of the rule shows up.

- a rule whose name is in the summary and whose aid words are paragraphs down
  the body: the mail and the chat post quote the aid window, both words marked;
- an AND of two words paragraphs apart: two windows, joined by " ... ".

Mail goes to a real aiosmtpd server, chat to a real HTTP receiver, on 127.0.0.1.
"""

from __future__ import annotations

import re

from conftest import write_config

from newswatch.demo.sinks import ChatSink

FILLER = ("Officials spoke for an hour about roads, schools and the weather in the highlands, "
          "and the minister listed the bridges that the rains had damaged over the summer.")

ARTICLES = {
    "/evidence/aid.html": (
        "Morales meets the ambassador",
        "President Jimmy Morales met the ambassador in the capital on Monday.",
        ["President Jimmy Morales met the ambassador in the capital on Monday.", FILLER, FILLER,
         "Later, Washington said its aid to Guatemala was cut by a third this year.", FILLER],
    ),
    "/evidence/court.html": (
        "A long day at the palace of justice",
        "Hearings went on until late at the palace of justice.",
        ["Lawyers for Roxana Baldetti arrived early at the palace of justice.", FILLER, FILLER, FILLER,
         "The judge then ruled on the extradition request from the United States.", FILLER],
    ),
}

RULES = """
[[rules]]
name = "aid-cuts"
topic = "aid"
query = '("Jimmy Morales" OR Morales) AND (aid NEAR/5 cut*)'
notify = ["team"]

[[rules]]
name = "baldetti-extradition"
topic = "justice"
query = 'baldetti AND extradition'
notify = ["team"]
"""


def _publish(root) -> None:
    items = []
    for path, (title, summary, paras) in ARTICLES.items():
        body = "".join(f"<p>{p}</p>\n" for p in paras)
        (root / path.lstrip("/")).parent.mkdir(exist_ok=True)
        (root / path.lstrip("/")).write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="{{{{BASE}}}}{path}"></head><body>'
            f"<article><h1>{title}</h1>\n{body}</article></body></html>", encoding="utf-8")
        items.append(f"<item><title>{title}</title><link>{{{{BASE}}}}{path}</link><guid>{path}</guid>"
                     f"<pubDate>Fri, 04 May 2018 15:00:00 GMT</pubDate>"
                     f"<description>{summary}</description></item>")
    (root / "feeds" / "evidence.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Evidence Daily</title>'
        f"<link>{{{{BASE}}}}/</link><language>en</language>{''.join(items)}</channel></rss>",
        encoding="utf-8")


def _text(mail) -> str:
    return " ".join(mail.get_body(("plain",)).get_content().split())


def test_the_mail_and_post_quote_the_passage_that_decided(tmp_path, site, smtp, cli):
    _publish(site.root)
    with ChatSink() as chat:
        cfg = write_config(tmp_path, site.url, None, [("evidence", "/feeds/evidence.xml", "en")], RULES,
                           extra=f'[notify]\nurls = {{ team = ["{smtp.url(to="desk@example.org")}", '
                                 f'"{chat.json_url()}"] }}\n')

        run = cli("run", "-c", str(cfg))

        assert run.returncode == 0, run.stdout + run.stderr
        assert smtp.wait_for(2) and chat.wait_for(2)
        mails = {m["Subject"]: _text(m) for m in smtp.messages}
        posts = {p.body["title"]: " ".join(p.body["message"].split()) for p in chat.posts}

    aid = mails["[aid] Morales meets the ambassador"]
    # The NEAR that decided, from the fourth paragraph, not the summary's first words.
    assert "Washington said its «aid» to Guatemala was «cut» by a third" in aid
    found = re.search(r'found: ("[^«]*")', aid)
    assert found and '"aid"' in found.group(1) and '"cut"' in found.group(1)  # the line reads the marks
    assert "Washington said its **aid** to Guatemala was **cut** by a third" in posts[
        "[aid] Morales meets the ambassador"]

    court = mails["[justice] A long day at the palace of justice"]
    # Baldetti and the extradition are three paragraphs apart: two windows, both marked.
    assert "Lawyers for Roxana «Baldetti» arrived early" in court
    assert "ruled on the «extradition» request" in court
    first, second = court.index("«Baldetti»"), court.index("«extradition»")
    assert " ... " in court[first:second]
    assert 'found: "Baldetti", "extradition"' in court
