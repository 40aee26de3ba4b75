"""The rule language as a user writes it: every construct, in English and Spanish."""

from __future__ import annotations

import pytest
from sources_helpers import FixtureSite, config, db

from newswatch.rules import (
    CompiledRule,
    Match,
    Matcher,
    RuleSyntaxError,
    check_rules,
    compile_rule,
    compile_rules,
    fold,
    match_item,
)

ALIASES = {"officials": ["Juan Orlando Hernández", "JOH", "=TONY", "Porfirio Lobo"]}


def hits(query: str, aliases=ALIASES, **item) -> bool:
    return bool(match_item(compile_rule(query, "r", aliases), item))


CASES = [
    # words: case- and accent-insensitive, whole words only
    ("honduras", {"title": "Deportations to HONDURAS rise"}, True),
    ("honduras", {"title": "Hondurans protest"}, False),
    ("hernandez", {"body": "El presidente Hernández habló."}, True),
    ("Hernández", {"body": "President Hernandez spoke."}, True),
    ("hernandez", {"body": "Herna\u0301ndez (decomposed accent)"}, True),
    ("deportacion", {"summary": "La DEPORTACIÓN de migrantes"}, True),
    # phrases: consecutive words in one clause; hyphens and apostrophes inside words do not matter
    ('"temporary protected status"', {"body": "the Temporary Protected Status for Hondurans"}, True),
    ('"temporary protected status"', {"body": "temporary and protected status"}, False),
    ('"Estatus de Protección Temporal"', {"body": "el estatus de proteccion temporal (TPS)"}, True),
    ('"estatus de proteccion temporal"', {"body": "Estatus de Protección — Temporal"}, False),  # a dash clause
    ('"estatus de proteccion temporal"', {"body": "Estatus-de-Protección-Temporal"}, True),
    ('"el salvador"', {"title": "Aid to El Salvador"}, True),
    ('"el salvador"', {"title": "Salvador, el hombre"}, False),
    # prefixes
    ("deport*", {"body": "Miles fueron deportados"}, True),
    ("deport*", {"body": "la deportación masiva"}, True),
    ("deport*", {"body": "DEPORTATION flights"}, True),
    ("deport*", {"body": "the report was deported? no: redeported"}, True),
    ("deport*", {"body": "redeported only"}, False),
    ("hondure*", {"body": "los hondureños"}, True),
    # implicit AND, AND, OR, NOT, -, parentheses
    ("honduras aid", {"body": "aid for Honduras"}, True),
    ("honduras aid", {"body": "Honduras alone"}, False),
    ("honduras AND aid", {"body": "aid for Honduras"}, True),
    ("guatemala OR honduras", {"body": "only Guatemala"}, True),
    ("guatemala OR honduras", {"body": "only Nicaragua"}, False),
    ("honduras NOT football", {"body": "Honduras football team"}, False),
    ("honduras NOT football", {"body": "Honduras elections"}, True),
    ("honduras -football", {"body": "Honduras football team"}, False),
    ("honduras -football", {"body": "Honduras elections"}, True),
    ("(guatemala OR honduras) aid", {"body": "Guatemala aid"}, True),
    ("(guatemala OR honduras) aid", {"body": "Guatemala and Honduras"}, False),
    # precedence: NOT > AND > OR  ->  a OR (b AND (NOT c))
    ("guatemala OR honduras -football", {"body": "Guatemala football"}, True),
    ("guatemala OR honduras -football", {"body": "Honduras football"}, False),
    ("guatemala honduras OR aid", {"body": "aid"}, True),
    ("guatemala honduras OR aid", {"body": "Guatemala"}, False),
    # lowercase and/or/not are ordinary words
    ("honduras and aid", {"body": "Honduras aid"}, False),
    ("honduras and aid", {"body": "Honduras and aid"}, True),
    ("war or peace", {"body": "war peace"}, False),
    ('"war or peace"', {"body": "War or peace?"}, True),
    # NEAR: either order, at most n words between, words/phrases/groups
    ("hernandez NEAR/3 extradition", {"body": "Hernández faces extradition"}, True),
    ("hernandez NEAR/3 extradition", {"body": "extradition request for Hernández"}, True),
    ("hernandez NEAR/3 extradition", {"body": "Hernández, the former president of the country, extradition"}, False),
    ("hernandez NEAR/1 extradition", {"body": "Hernández faces extradition"}, True),
    ("hernandez NEAR/1 extradition", {"body": "Hernández now faces extradition"}, False),
    ('"juan orlando" NEAR/2 narcotráfico', {"body": "Juan Orlando y el narcotrafico"}, True),
    ("(honduras OR guatemala) NEAR/2 deport*", {"body": "Guatemala recibió deportados"}, True),
    ("(honduras OR guatemala) NEAR/2 deport*", {"body": "Guatemala recibió ayer a los deportados"}, False),
    ("(hernandez NEAR/2 extradition) NEAR/5 court", {"body": "Court rules Hernández extradition can proceed"}, True),
    ("hernandez NEAR/3 extradition", {"title": "Hernández", "body": "extradition"}, False),  # not across fields
    # NEAR/n counts words across sentences but never across a paragraph
    ("tps NEAR/3 honduras", {"body": "TPS ends. Honduras objects."}, True),
    ("tps NEAR/3 honduras", {"body": "TPS ends.\n\nHonduras objects."}, False),
    ("tps NEAR/3 honduras", {"body": "TPS ends.\n\u00b4\nHonduras objects."}, False),  # ´ folds to a space
    # field scopes
    ("title:aid", {"title": "US aid cut", "body": "nothing"}, True),
    ("title:aid", {"title": "Budget", "body": "aid cut"}, False),
    ("body:aid", {"title": "aid", "body": "nothing"}, False),
    ("summary:aid", {"summary": "aid resumes"}, True),
    ("title:(honduras OR guatemala) aid", {"title": "Guatemala", "body": "aid"}, True),
    ("title:(honduras OR guatemala) aid", {"title": "Budget", "body": "Guatemala aid"}, False),
    ('title:"el salvador"', {"title": "El Salvador votes"}, True),
    ("aid -title:cuts", {"title": "Aid cuts", "body": "aid"}, False),
    ("aid -title:cuts", {"title": "Aid", "body": "cuts"}, True),
    # filters
    ("aid source:insightcrime", {"body": "aid", "source": "InsightCrime"}, True),
    ("aid source:insightcrime", {"body": "aid", "source": "elfaro"}, False),
    ("aid lang:es", {"body": "aid", "lang": "es"}, True),
    ("aid lang:es", {"body": "aid", "lang": "es-419"}, True),
    ("aid lang:es", {"body": "aid", "lang": "es_MX"}, True),
    ("aid lang:es", {"body": "aid", "lang": "en"}, False),
    ("aid lang:es", {"body": "aid", "lang": "est"}, False),
    ("aid lang:es", {"body": "aid"}, False),
    ("aid site:wola.org", {"body": "aid", "url": "https://www.wola.org/2017/06/x"}, True),
    ("aid site:wola.org", {"body": "aid", "url": "https://wola.org/x"}, True),
    ("aid site:wola.org", {"body": "aid", "url": "https://notwola.org/x"}, False),
    ("aid site:wola.org", {"body": "aid", "url": "https://wola.org.evil.com/x"}, False),
    ("aid site:www.wola.org", {"body": "aid", "url": "https://wola.org/x"}, False),
    ("aid -site:wola.org", {"body": "aid", "url": "https://elfaro.net/x"}, True),
    ("source:insightcrime", {"body": "anything", "source": "insightcrime"}, True),
    # exact case
    ("=TPS", {"body": "the TPS decision"}, True),
    ("=TPS", {"body": "the tps decision"}, False),
    ("=TPS", {"body": "Tps decision"}, False),
    ("=TPS honduras", {"body": "TPS for Honduras"}, True),
    ('="Temporary Protected Status"', {"body": "Temporary Protected Status"}, True),
    ('="Temporary Protected Status"', {"body": "temporary protected status"}, False),
    ("=Hernández", {"body": "Hernández"}, True),
    ("=Hernández", {"body": "Hernandez"}, False),
    ("=Hernández", {"body": "Herna\u0301ndez"}, True),  # same text, other Unicode form
    # alias lists: an OR of phrases
    ("@officials", {"body": "el ex-presidente Juan Orlando Hernández"}, True),
    ("@officials", {"body": "JOH dijo"}, True),
    ("@officials", {"body": "Porfirio  Lobo"}, True),
    ("@officials", {"body": "Juan Orlando"}, False),
    ("@officials", {"body": "Tony Hernández"}, False),
    ("@officials", {"body": "TONY Hernández"}, True),
    ("title:@officials", {"title": "JOH", "body": ""}, True),
    ("title:@officials", {"title": "x", "body": "JOH"}, False),
    # a query term with non-word characters is a phrase of its word runs
    ("ex-presidente", {"body": "el ex presidente"}, True),
    ("ex-presidente", {"body": "el ex-presidente"}, True),
    ("ex-presidente", {"body": "ex y presidente"}, False),
    ("EE.UU.", {"body": "Los EE UU anunciaron"}, True),
    ("EE.UU.", {"body": "Los EE.UU. anunciaron"}, True),
    ("EE.UU.", {"body": "EEUU anunció"}, False),
    ("$460 million", {"body": "a $460-million package"}, True),
    ("$460 million", {"body": "460 million dollars"}, True),
    ("$460 million", {"body": "million, not 460"}, True),  # a space separates terms: 460 AND million
    ('"$460 million"', {"body": "million, not 460"}, False),
    ('"$460 million"', {"body": "US$460 million"}, True),
    ("ex-pres*", {"body": "el ex-presidente"}, True),
    ("U.S.", {"body": "u s aid"}, True),
    # numbers, underscores and other scripts are words too
    ("2017", {"body": "June 2017 conference"}, True),
    ("москва", {"body": "В Москве"}, False),
    ("москве", {"body": "В МОСКВЕ"}, True),
    # phrases stop at clause punctuation, brackets, quotes and line breaks, not inside tokens
    ('"america central"', {"body": "Latin America, Central Asia and Europe"}, False),
    ('"central america"', {"body": "America, Central"}, False),
    ('"central america"', {"body": "los países de Centroamérica y de Central America"}, True),
    ('"el salvador"', {"body": 'el "Salvador" dijo'}, False),
    ('"tps honduras"', {"body": "TPS (Honduras)"}, False),
    ('"tps honduras"', {"body": "TPS\nHonduras"}, False),
    ('"jean paul o hara"', {"body": "Jean-Paul O'Hara said"}, True),
    ('"jean paul o hara"', {"body": "Jean-Paul O’Hara said"}, True),
    ('"sr bukele"', {"body": "El Sr. Bukele dijo"}, True),  # an abbreviation's period is no break
    ('"u s aid"', {"body": "the U.S. aid to Honduras"}, True),
    ('"4 5 million"', {"body": "$4.5 million"}, True),
    ('"1 000 troops"', {"body": "1,000 troops"}, True),
    ('"hurricane mitch"', {"body": "Hurricane. Mitch"}, False),
    # NEAR/s: one sentence; NEAR/p: one paragraph
    ("tps NEAR/s honduras", {"body": "The U.S. aid to Honduras includes TPS."}, True),
    ("tps NEAR/s honduras", {"body": "TPS costs $4.5 million. Honduras pays part."}, False),
    ("tps NEAR/p honduras", {"body": "TPS costs $4.5 million. Honduras pays part."}, True),
    ("tps NEAR/s honduras", {"body": "EE.UU. renovó el TPS de Honduras."}, True),
    ("tps NEAR/s honduras", {"body": "¿Renovará EE.UU. el TPS? Honduras espera."}, False),
    # "EE. UU." with a space is "EE.UU.": one phrase, no sentence end after either period
    ("EE.UU.", {"body": "Los EE. UU. donarán maíz"}, True),
    ('"estados unidos" OR EE.UU.', {"body": "EE. UU. donará alimentos a Guatemala"}, True),
    ("tps NEAR/s honduras", {"body": "El TPS de EE. UU. beneficia a Honduras."}, True),
    ("tps NEAR/s honduras", {"body": "El TPS de las FF. AA. de Honduras."}, True),
    ("tps NEAR/s honduras", {"body": "TPS, dijo EE. UU.? Honduras espera."}, False),
    ("tps NEAR/s honduras", {"body": "Ver pp. 5 del TPS de Honduras."}, True),
    ("tps NEAR/s honduras", {"body": "TPS ee. Honduras"}, False),  # one doubled letter is no pair
    # other abbreviations, and the periods that still end a sentence
    ("tps NEAR/s honduras", {"body": "TPS at 10 a.m. Honduras time"}, True),
    ("tps NEAR/s honduras", {"body": "TPS since Aug. 3 for Honduras"}, True),
    ("tps NEAR/s honduras", {"body": "TPS ends in Aug. Honduras waits."}, False),  # no number after
    ("tps NEAR/s honduras", {"body": "TPS, visas, etc. Honduras waits."}, False),
    ("tps NEAR/s honduras", {"body": "TPS Partners Inc. Honduras office"}, False),
    ("tps NEAR/s honduras", {"body": "TPS for the U.S.\nHonduras next"}, False),  # a line break still ends
    ("tps NEAR/s honduras", {"body": "TPS was extended; Honduras was not."}, False),
    ("tps NEAR/s honduras", {"body": "TPS was extended! Honduras was not."}, False),
    ("tps NEAR/s honduras", {"body": 'He said "TPS will end." Honduras objected.'}, False),
    ("tps NEAR/s honduras", {"body": "Gen. Ochoa, Sr. Pérez and Dr. Ruiz discussed TPS for Honduras."}, True),
    ("kennedy NEAR/s tps", {"body": "John F. Kennedy never heard of TPS."}, True),
    ("notice NEAR/s honduras", {"body": "Notice No. 5 extends TPS for Honduras."}, True),
    ("tps NEAR/s honduras", {"body": "El presidente dijo que no. Honduras espera el TPS."}, True),
    ("tps NEAR/s honduras", {"body": "TPS renewed for Haiti.\nHonduras next"}, False),  # a line break ends it
    ("tps NEAR/p honduras", {"body": "TPS renewed for Haiti\nHonduras next"}, True),  # a hard wrap is no paragraph
    ("tps NEAR/p honduras", {"body": "TPS renewed\r\nHonduras next"}, True),
    ("tps NEAR/p honduras", {"body": "TPS renewed\r\n\r\nHonduras next"}, False),
    ("tps NEAR/p honduras", {"body": "TPS renewed. \n  \nHonduras next"}, False),
    ("tps NEAR/p honduras", {"body": "TPS renewed\u2029Honduras next"}, False),
    ("tps NEAR/S honduras", {"body": "TPS for Honduras"}, True),
    ("tps NEAR/P honduras", {"body": "TPS for Honduras"}, True),
    ('(tps OR "temporary protected status") NEAR/s (honduras OR hondure*)',
     {"body": "Temporary Protected Status ends. Hondureños wait."}, False),
    ('(tps NEAR/s honduras) NEAR/p deport*', {"body": "TPS for Honduras ends. Deportations may follow."}, True),
    ('(tps NEAR/s honduras) NEAR/p deport*', {"body": "TPS for Honduras ends.\n\nDeportations may follow."},
     False),
    ('(tps NEAR/p honduras) NEAR/s deport*', {"body": "TPS ends. Honduras deports."}, False),
    ('(tps NEAR/p honduras) NEAR/2 deport*', {"body": "TPS ends. Honduras deports."}, True),
    ('(tps NEAR/p honduras) NEAR/s deport*', {"body": "Honduras expects deportations. TPS ends for Honduras."},
     False),
    ('(tps NEAR/p honduras) NEAR/s deport*', {"body": "Honduras expects deportations and TPS. Honduras."}, True),
    ('tps NEAR/s (tps NEAR/p tps)', {"title": "TPS. TPS"}, True),
    ('title:(tps NEAR/s honduras)', {"title": "TPS. Honduras", "body": "TPS for Honduras"}, False),
    ("tps NEAR/s honduras", {"title": "TPS", "body": "Honduras"}, False),  # not across fields
    # missing and None fields
    ("aid", {"title": None, "summary": None, "body": "aid"}, True),
    ("aid", {}, False),
]


@pytest.mark.parametrize("query,item,expected", CASES, ids=[f"{q} | {sorted(i.values(), key=str)}"[:80]
                                                             for q, i, _ in CASES])
def test_construct(query, item, expected):
    assert hits(query, **item) is expected


def test_fold():
    assert fold("Hernández") == "hernandez"
    assert fold("DEPORTACIÓN") == "deportacion"
    assert fold("Triángulo") == "triangulo"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("ﬁnal") == "final"
    assert fold("Herna\u0301ndez") == fold("Hernández")
    assert fold("plain ascii") == "plain ascii"


def test_match_explains_terms_fields_and_snippet():
    matcher = compile_rules([("tps", '("temporary protected status" OR =TPS) (honduras OR hondur*)')])
    body = ("Washington, June 2017. The administration said on Tuesday it will review the "
            "Temporary Protected Status for Hondurans and Salvadorans living in the United States, a decision "
            "that affects tens of thousands of families who fled after Hurricane Mitch in 1998.")
    [match] = matcher.match({"title": "TPS review", "body": body})
    assert isinstance(match, Match)
    assert match.rule == "tps"
    assert match.terms == ('"temporary protected status"', "=TPS", "hondur*")
    assert match.fields == ("title", "body")
    assert "«Temporary Protected Status» for «Hondurans»" in match.snippet
    assert match.snippet.startswith("... ")  # cut before
    assert match.snippet.endswith(" ...")  # and after
    assert len(match.snippet.replace("«", "").replace("»", "").split()) <= 34
    assert match.to_dict() == {"rule": "tps", "terms": list(match.terms), "fields": ["title", "body"],
                               "snippet": match.snippet}


def test_snippet_prefers_summary_then_body_then_title():
    rule = compile_rule("honduras", "h")
    [m] = match_item(rule, {"title": "Honduras", "summary": "Aid to Honduras resumes.", "body": "Honduras"})
    assert m.snippet == "Aid to «Honduras» resumes."
    [m] = match_item(rule, {"title": "Honduras", "body": "In Honduras, today."})
    assert m.snippet == "In «Honduras», today."
    [m] = match_item(rule, {"title": "Honduras votes"})
    assert m.snippet == "«Honduras» votes"


def test_snippet_shows_original_text_and_marks_every_hit_in_window():
    [m] = match_item(compile_rule("hernandez OR deport*", "x"),
                     {"body": "El  presidente\nHernández anunció la DEPORTACIÓN de migrantes."})
    assert m.snippet == "El presidente «Hernández» anunció la «DEPORTACIÓN» de migrantes."


def test_near_snippet_marks_the_terms_that_were_near():
    [m] = match_item(compile_rule("hernandez NEAR/2 extradition", "x"),
                     {"body": "Hernández spoke. " + "filler " * 40 + "Hernández faces extradition."})
    assert "«Hernández» faces «extradition»" in m.snippet
    assert m.snippet.count("«") == 2


HAITI_AND_HONDURAS = (
    "DHS extended Temporary Protected Status (TPS) for Haiti through Aug. 3, 2026. The decision covers "
    "about 500,000 people, the U.S. agency said.\n\n"
    "In a separate notice, Honduras asked Sec. Mayorkas for more time. Honduras and TPS holders met "
    "on Tuesday.")


def test_sentence_and_paragraph_scope_on_a_real_looking_briefing():
    """The issue's case: TPS in a paragraph about Haiti and Honduras in another no longer match."""
    item = {"title": "TPS notices", "body": HAITI_AND_HONDURAS.split("\n\n")[0] + "\n\nHonduras asked for time."}
    assert hits("tps honduras", **item)
    assert not hits("body:(tps NEAR/p honduras)", **item)
    assert not hits("body:(tps NEAR/s honduras)", **item)
    assert not hits("body:(tps NEAR/40 honduras)", **item)  # 20 words apart, but in another paragraph
    assert hits("body:(tps NEAR/s haiti)", **item)
    assert hits("body:(haiti NEAR/p people)", **item)
    assert not hits("body:(haiti NEAR/s people)", **item)


def test_scoped_near_marks_the_hits_of_the_sentence_that_matched():
    [m] = match_item(compile_rule("tps NEAR/s honduras", "x"), {"body": HAITI_AND_HONDURAS})
    assert m.terms == ("tps", "honduras")
    assert "«Honduras» and «TPS» holders met" in m.snippet
    assert "«Honduras» asked" not in m.snippet  # Honduras in the sentence without TPS
    [m] = match_item(compile_rule("tps NEAR/p haiti", "x"), {"body": HAITI_AND_HONDURAS})
    assert m.snippet.startswith("DHS extended Temporary Protected Status («TPS») for «Haiti» through")


def test_terms_as_written_and_negated_terms_never_reported():
    [m] = match_item(compile_rule('Hernández "El Salvador" -football', "x"),
                     {"body": "Hernandez in El Salvador"})
    assert m.terms == ("Hernández", '"El Salvador"')


def test_alias_terms_name_the_entry_that_fired():
    [m] = match_item(compile_rule("@officials", "x", ALIASES), {"body": "JOH dijo"})
    assert m.terms == ("@officials (JOH)",)


def test_matcher_returns_rules_in_order_and_exposes_them():
    matcher = compile_rules({"b": "aid", "a": "honduras", "c": "guatemala"})
    assert isinstance(matcher, Matcher)
    assert list(matcher.rules) == ["b", "a", "c"]
    assert all(isinstance(r, CompiledRule) for r in matcher.rules.values())
    assert matcher.rules["a"].query == "honduras"
    assert [m.rule for m in matcher.match({"body": "Honduras aid"})] == ["b", "a"]
    items = [{"body": "aid"}, {"body": "nothing"}, {"body": "Guatemala"}]
    assert [[m.rule for m in ms] for ms in matcher.match_many(items)] == [["b"], [], ["c"]]


def test_match_item_accepts_a_rule_or_a_matcher():
    rule = compile_rule("aid", "aid-rule")
    assert [m.rule for m in match_item(rule, {"title": "aid"})] == ["aid-rule"]
    assert [m.rule for m in match_item(compile_rules([("x", "aid")]), {"title": "aid"})] == ["x"]


def test_rule_without_name_is_named_by_its_query():
    assert compile_rule("honduras aid").name == "honduras aid"


def test_compile_rules_raises_first_error_with_rule_name_check_rules_collects_all():
    rules = [("ok", "aid"), ("bad1", "aid AND"), ("bad2", "(aid")]
    with pytest.raises(RuleSyntaxError) as exc:
        compile_rules(rules)
    assert exc.value.rule == "bad1"
    errors = check_rules(rules)
    assert [(e.rule, e.column) for e in errors] == [("bad1", 5), ("bad2", 1)]
    assert check_rules({"a": "aid", "b": "honduras"}) == []


def test_duplicate_rule_names_are_an_error():
    with pytest.raises(RuleSyntaxError, match="unique"):
        compile_rules([("a", "aid"), ("a", "honduras")])


def test_fts5_expression_of_a_rule():
    rule = compile_rule('("temporary protected status" OR =TPS) AND (honduras OR hondure*) -football')
    assert rule.fts5() == '(("temporary protected status" OR "TPS") AND ("honduras" OR "hondure"*))'
    assert compile_rule("title:aid").fts5() == '{title} : "aid"'
    assert compile_rule("source:insightcrime").fts5() is None


def test_matcher_learning_term_frequencies_never_changes_answers():
    matcher = compile_rules([("r", '(honduras OR guatemala) "foreign aid"'), ("s", "aid honduras")])
    items = [{"body": "Honduras foreign aid"}, {"body": "Guatemala"}, {"body": "aid to Honduras"}] * 300
    answers = [[m.rule for m in ms] for ms in matcher.match_many(items)]
    assert answers == [["r", "s"], [], ["s"]] * 300


def test_a_matcher_without_rules_matches_nothing():
    assert compile_rules([]).match({"title": "anything"}) == []


def test_non_text_fields_are_ignored():
    matcher = compile_rules([("r", "aid")])
    assert matcher.match({"title": 42, "summary": b"aid", "body": ["aid"]}) == []


def test_long_near_distances_and_long_texts():
    body = "Hernández " + "palabra " * 300 + "extradición"
    assert hits("hernandez NEAR/300 extradicion", body=body)
    assert not hits("hernandez NEAR/299 extradicion", body=body)


def test_a_run_applies_sentence_and_paragraph_scope_to_a_feed_s_paragraphs(tmp_path, cli):
    """Through a real ``newswatch run``: <p> breaks of a feed's full text are the paragraphs NEAR/p sees."""
    root = tmp_path / "site"
    root.mkdir()
    body = ("<p>DHS extended TPS for Haiti through Aug. 3, 2026. About 500,000 people are covered.</p>"
            "<p>Honduras asked the U.S. government for more time; Latin America, Central Asia and Europe "
            "watch.</p>")
    with FixtureSite(root) as site:
        feed = f"""<?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
        <title>Wire</title><link>{site.url}/</link>
        <item><title>TPS notices</title><link>{site.url}/tps.html</link><guid>{site.url}/tps.html</guid>
        <description>Two notices.</description><content:encoded><![CDATA[{body}]]></content:encoded></item>
        </channel></rss>"""
        site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, feed.encode())
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "wire"
            url = "{site.url}/feed.xml"
            """, rules="""
            [[rules]]
            name = "anywhere"
            query = 'body:(tps honduras)'
            [[rules]]
            name = "same-paragraph"
            query = 'body:(tps NEAR/p honduras)'
            [[rules]]
            name = "near-30"
            query = 'body:(tps NEAR/30 honduras)'
            [[rules]]
            name = "same-sentence"
            query = 'body:(tps NEAR/s haiti)'
            [[rules]]
            name = "across-sentences"
            query = 'body:(haiti NEAR/s people)'
            [[rules]]
            name = "america-central"
            query = '"america central"'
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 0, result.stderr
    matched = {r["rule"]: r["snippet"] for r in db(tmp_path)["matches"].rows}
    assert sorted(matched) == ["anywhere", "same-sentence"]
    assert "«TPS» for «Haiti»" in matched["same-sentence"]
