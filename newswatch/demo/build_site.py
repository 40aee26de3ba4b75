"""Generate the offline demo news site: fictional outlets, feeds and article pages.

Everything under ``newswatch/demo/site/`` is written by this script from the
story data below, so the fixture can be regenerated (and reviewed) as data.
The output is deterministic: no clocks, no randomness, sorted iteration.

    python newswatch/demo/build_site.py            # rewrite newswatch/demo/site/
    python newswatch/demo/build_site.py --eval tests/data/topic_eval.jsonl

All outlets, reporters, commentators and quotes are invented for the demo and
every page carries the banner "Fictional page written for the newswatch demo".
Public events of 2017-2018 (TPS decisions, aid budgets, court cases) are
retold loosely as fiction; do not cite these pages.

Absolute URLs are written with the placeholder ``{{BASE}}``; the fixture
server (newswatch.demo.server) replaces it with ``http://127.0.0.1:PORT`` in
.html, .xml, .json and .txt files when serving them.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import shutil
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from math import gcd
from pathlib import Path

BASE = "{{BASE}}"
SITE_DIR = Path(__file__).resolve().parent / "site"
BANNER = "Fictional page written for the newswatch demo"

# --------------------------------------------------------------------------
# Outlets. `format` is the feed format the outlet publishes; `feed` its file.
# --------------------------------------------------------------------------
OUTLETS: dict[str, dict] = {
    "ntm-wire": dict(
        name="Northern Triangle Monitor Wire",
        label="fictional demo outlet",
        lang="en", html_lang="en", format="rss2", feed="feed.xml",
        tagline="Wire service for Guatemala, Honduras and El Salvador",
        city="Washington", color="#8a1c1c",
        sections=["World", "Politics", "Security", "Migration", "Business", "Weather"],
        about="NTM Wire is a fictional news agency invented for the newswatch demo.",
    ),
    "capitol-ledger": dict(
        name="The Capitol Ledger",
        label="fictional demo outlet",
        lang="en", html_lang="en-US", format="atom", feed="atom.xml",
        tagline="Policy, budgets and the people who write them",
        city="Washington", color="#1c3f8a",
        sections=["Congress", "White House", "Agencies", "Budget", "Courts", "Tech"],
        about="The Capitol Ledger is a fictional Washington policy outlet invented for the newswatch demo.",
    ),
    "isthmus-review": dict(
        name="Isthmus Review",
        label="fictional demo outlet",
        lang="en", html_lang="en", format="rss1", feed="rss.xml",
        tagline="English-language reporting and analysis from Central America",
        city="Antigua Guatemala", color="#20603d",
        sections=["Analysis", "Politics", "Economy", "Society", "Tech", "Latin America"],
        about="Isthmus Review is a fictional regional magazine invented for the newswatch demo.",
    ),
    "bayside-daily": dict(
        name="Bayside Daily",
        label="fictional demo outlet",
        lang="en", html_lang="en-US", format="jsonfeed", feed="feed.json",
        tagline="Miami news, every morning",
        city="Miami", color="#0b7285",
        sections=["Local", "Immigration", "Sports", "Weather", "Business", "Crime"],
        about="Bayside Daily is a fictional Miami newspaper invented for the newswatch demo.",
    ),
    "diario-del-valle": dict(
        name="Diario del Valle",
        label="medio ficticio de demostración",
        lang="es", html_lang="es", format="rss2", feed="rss.xml",
        # Article pages name their charset only in the HTTP header, as many servers do.
        page_charset="utf-8", meta_charset=False,
        tagline="Noticias de San Pedro Sula y todo Honduras",
        city="San Pedro Sula", color="#b35c00",
        sections=["Nacionales", "Migración", "Política", "Economía", "Deportes", "Clima"],
        about="Diario del Valle es un periódico ficticio creado para la demostración de newswatch.",
    ),
    "elfaro-demo": dict(
        name="El Faro Demo",
        label="medio ficticio de demostración",
        lang="es", html_lang="es-419", format="atom", feed="atom.xml",
        tagline="Periodismo de demostración desde San Salvador (no es El Faro real)",
        city="San Salvador", color="#3d2f8a",
        sections=["Política", "Migración", "Justicia", "Economía", "Cultura", "Tecnología"],
        about="El Faro Demo es un medio ficticio creado para la demostración de newswatch; no tiene relación con ningún medio real.",
    ),
    "cronica-chapina": dict(
        name="Crónica Chapina",
        label="medio ficticio de demostración",
        lang="es", html_lang="es-GT", format="rss2", feed="feed.xml",
        # Article pages in windows-1252, named only in the HTTP header (see charsets.json).
        page_charset="windows-1252", meta_charset=False,
        tagline="Guatemala al día",
        city="Ciudad de Guatemala", color="#5a6b00",
        sections=["Nacional", "Justicia", "Internacional", "Economía", "Deportes", "Tecnología"],
        about="Crónica Chapina es un periódico ficticio creado para la demostración de newswatch.",
    ),
}

STORIES: list[dict] = []


def story(outlet: str, path: str, date: str, author: str, section: str, kind: str,
          title: str, summary: str, body: list[str], topics: tuple[str, ...] = (),
          **extra) -> dict:
    """Register one article page.

    kind is "relevant" (topics names the seed threads it belongs to: tps, aid,
    corruption), "unrelated", or "negative" (a hard negative: it shares words
    with a thread - TPS, Hernández, Morales, aid - but is not about it).
    """
    assert kind in {"relevant", "unrelated", "negative"}, kind
    assert (kind == "relevant") == bool(topics), (path, kind, topics)
    s = dict(outlet=outlet, path=path, date=date, author=author, section=section,
             kind=kind, title=title, summary=summary, body=body, topics=tuple(topics))
    s.update(extra)
    STORIES.append(s)
    return s

# --------------------------------------------------------------------------
# Northern Triangle Monitor Wire (English, RSS 2.0, wire-like)
# --------------------------------------------------------------------------
story(
    "ntm-wire", "2017/06/pence-miami-aid-security", "2017-06-16T18:40:00-04:00",
    "Daniel Okafor", "Politics", "relevant", topics=("aid",),
    title="Pence tells Northern Triangle leaders to expect less US aid and more security cooperation",
    summary="At a two-day conference in Miami, Vice President Mike Pence said Washington would ask "
            "Congress for $460 million for Central America next year, down from about $650 million.",
    body=[
        "MIAMI (NTM Wire) — Vice President Mike Pence told the leaders of Guatemala, Honduras and El "
        "Salvador on Friday that the United States would press ahead with a security-first agenda in the "
        "region while asking Congress for markedly less money to pay for it, as a two-day conference on "
        "prosperity and security in Central America came to a close.",
        "The administration will request $460 million in assistance for Central America in the coming "
        "fiscal year, Pence said, compared with roughly $650 million appropriated for the current year. "
        "Much of the reduction falls on development programs run by the US Agency for International "
        "Development (USAID), according to budget tables circulated to delegations.",
        "“We must confront these problems at their source,” Pence told the assembled officials, casting "
        "illegal migration and the drug trade as twin threats that the Northern Triangle governments must "
        "tackle with tougher policing, tighter borders and closer intelligence sharing with Washington.",
        "The meeting, co-hosted with Mexico, drew Guatemalan President Jimmy Morales and Honduran "
        "President Juan Orlando Hernández. Salvadoran Vice President Óscar Ortiz attended in place of "
        "President Salvador Sánchez Cerén, who was recovering from an illness. Delegates said the closed "
        "sessions dwelt on border management, investment guarantees and energy links with Mexico.",
        "Development advocates said the new figures undercut the Plan of the Alliance for Prosperity, the "
        "2014 framework under which the three governments pledged to invest in jobs, schools and violence "
        "prevention in exchange for US support. “You cannot police your way out of a crisis driven by "
        "poverty and violence,” said Lorena Casco, who runs youth centers in Tegucigalpa financed in part "
        "by USAID.",
        "Congress, where appropriators of both parties backed a larger Central America package two years "
        "ago, will have the final word on the numbers.",
    ],
)

story(
    "ntm-wire", "2017/06/ortiz-miami-chepe-diablo-questions", "2017-06-19T11:05:00-04:00",
    "Carmen Reyes", "Politics", "relevant", topics=("corruption",),
    title="Salvadoran vice president’s Miami role revives questions over alleged ties to ‘Chepe Diablo’",
    summary="Óscar Ortiz led El Salvador’s delegation to the Miami conference weeks after the arrest of "
            "alleged money launderer José Adán Salazar Umaña. Ortiz denies any wrongdoing.",
    body=[
        "SAN SALVADOR (NTM Wire) — When Salvadoran Vice President Óscar Ortiz took his seat at last week’s "
        "conference on Central American security in Miami, he did so while the attorney general’s office "
        "at home was reviewing his alleged links to José Adán Salazar Umaña, the hotelier known as "
        "“Chepe Diablo”.",
        "Salazar Umaña was arrested in May on money laundering charges. Prosecutors describe him as a "
        "leader of the Texis Cartel, a network that moved cocaine through northwestern El Salvador while "
        "its members ran hotels, farms and transport firms. The US Treasury Department placed him on its "
        "drug kingpin sanctions list in 2014.",
        "Local media have published photographs showing Ortiz, a former mayor of Santa Tecla, at public "
        "events attended by Salazar Umaña. Ortiz has said any contact was limited to official and social "
        "occasions and has denied involvement in any illicit activity. He has not been charged.",
        "“The vice president represented the country with full legitimacy,” the presidency said in a "
        "written statement. Opposition lawmakers said Ortiz should have stepped aside from the delegation "
        "until prosecutors clarified his position.",
        "Analysts noted that US officials in Miami praised Ortiz, Guatemala’s Jimmy Morales and Honduras’s "
        "Juan Orlando Hernández for progress against corruption. “Washington is choosing its partners by "
        "who shows up, not by what prosecutors are asking,” said Martín Aguilar, a governance researcher "
        "in San Salvador.",
        "The attorney general’s office declined to comment on the status of any inquiry involving the "
        "vice president.",
    ],
)

story(
    "ntm-wire", "2017/09/tps-advocates-lobby-congress", "2017-09-28T14:20:00-04:00",
    "Daniel Okafor", "Migration", "relevant", topics=("tps",),
    title="Advocates press Congress as decisions on Honduran and Salvadoran TPS draw near",
    summary="Builders, bishops and immigrant groups urged lawmakers to protect some 250,000 Hondurans and "
            "Salvadorans whose Temporary Protected Status is up for review.",
    body=[
        "WASHINGTON (NTM Wire) — A coalition of construction firms, Catholic bishops and immigrant "
        "advocates spent this week on Capitol Hill urging Congress to shield roughly 250,000 Hondurans "
        "and Salvadorans whose Temporary Protected Status comes up for review in the coming months.",
        "The Department of Homeland Security must decide by early November whether to extend TPS for "
        "about 57,000 Hondurans, and by early January for some 195,000 Salvadorans. Both groups have held "
        "the status since natural disasters struck their countries — Hurricane Mitch in 1998 and a pair "
        "of earthquakes in 2001 — renewing their work permits every 18 months since.",
        "“These are people who have bought homes, started businesses and raised American children,” said "
        "Frank Delgado, who heads a roofing contractors’ association in Houston. “If they lose their work "
        "permits, we lose a third of our crews overnight.”",
        "Administration officials have signaled doubts that the original disaster conditions persist. In "
        "June, officials attending a regional conference in Miami raised the possibility that the "
        "designations would not be renewed, according to diplomats who were present.",
        "Several bills that would let long-term TPS holders apply for permanent residency have been filed, "
        "but none has come up for a vote. Advocates said they hoped a decision to end the protections "
        "would finally force lawmakers to act.",
        "The Honduran and Salvadoran embassies have begun holding weekend consular days to help their "
        "citizens gather birth certificates and passports in case the status is terminated.",
    ],
)

# The wire story that three outlets carry (see SYNDICATED below).
WIRE_TPS_SALVADOR = [
    "WASHINGTON (NTM Wire) — The Trump administration said on Monday it would end Temporary Protected "
    "Status for about 200,000 Salvadorans who have lived and worked legally in the United States since a "
    "pair of earthquakes devastated their country in 2001.",
    "The Department of Homeland Security said the conditions created by the earthquakes had been "
    "addressed and that Salvadoran TPS holders would have until Sept. 9, 2019, to leave the country or "
    "obtain another immigration status. The 18-month wind-down, officials said, was meant to allow an "
    "orderly transition and to give Congress time to write a permanent solution if it chose to.",
    "Salvadorans are the largest group of TPS beneficiaries. Many have US-born children, and advocacy "
    "groups estimate that the holders send hundreds of millions of dollars a year to relatives in El "
    "Salvador, where money from abroad amounts to about a fifth of the economy.",
    "The Salvadoran government said it regretted the decision and would keep lobbying for legislative "
    "relief in Washington. Officials in San Salvador said consulates would extend their hours to help "
    "nationals with documents and referrals to lawyers.",
    "Advocates vowed to challenge the decision in court. “This uproots families who have done "
    "everything that was asked of them,” said Rosa Villalta, an organizer with a Los Angeles coalition "
    "of TPS holders. The decision follows the termination of TPS for Nicaraguans and Haitians last year; "
    "a ruling on about 57,000 Hondurans is expected in the spring.",
    "Business groups in construction and hospitality, which employ large numbers of Salvadoran TPS "
    "holders, urged Congress to act well before the 2019 deadline.",
]

story(
    "ntm-wire", "2018/01/us-ends-tps-salvadorans", "2018-01-08T16:45:00-05:00",
    "Ana Lucía Pineda", "Migration", "relevant", topics=("tps",), syndication="wire-tps-salvador",
    title="US ends temporary protection for about 200,000 Salvadorans",
    summary="Homeland Security said Temporary Protected Status for Salvadorans ends on Sept. 9, 2019, "
            "giving holders 18 months to leave or find another legal status.",
    body=WIRE_TPS_SALVADOR,
)

story(
    "ntm-wire", "2018/06/honduras-police-investigators-inl", "2018-06-14T10:00:00-04:00",
    "Carmen Reyes", "Security", "relevant", topics=("aid",),
    title="US-funded academy graduates first class of Honduran police investigators",
    summary="About 400 officers completed a criminal investigations course financed by the State "
            "Department’s narcotics bureau, part of a security aid program under review in Washington.",
    body=[
        "TEGUCIGALPA (NTM Wire) — About 400 Honduran police officers graduated on Thursday from a criminal "
        "investigations course financed by the US State Department’s Bureau of International Narcotics and "
        "Law Enforcement Affairs (INL), the first class trained at a renovated academy outside the capital.",
        "The program, part of the Central America Regional Security Initiative (CARSI), teaches crime-scene "
        "handling, chain of custody and the use of forensic evidence — skills that prosecutors have long "
        "said are missing in a country where most homicides never reach a courtroom.",
        "US officials at the ceremony said the course reflected Washington’s growing emphasis on security "
        "assistance in the Northern Triangle. The embassy said the academy’s refurbishment and the first "
        "year of instruction cost about $6 million.",
        "“We had officers who had never been taught how to lift a fingerprint,” said Commissioner Elvin "
        "Banegas, the academy’s director. “Now they go back to their districts working to the same "
        "standards as the prosecutors who take their cases to trial.”",
        "Human rights groups welcomed the focus on investigations but said US aid should stay tied to "
        "progress in removing officers linked to crime. A special commission has dismissed more than "
        "4,000 police officers since 2016, including senior commanders.",
        "The graduation comes as Congress weighs the administration’s request to trim assistance to Central "
        "America again in the next fiscal year.",
    ],
)

story(
    "ntm-wire", "2018/11/tony-hernandez-arrested-miami", "2018-11-24T09:30:00-05:00",
    "Daniel Okafor", "Security", "relevant", topics=("corruption",),
    title="Brother of Honduran President Hernández arrested in Miami on drug trafficking charges",
    summary="Former congressman Juan Antonio “Tony” Hernández, brother of President Juan Orlando Hernández, "
            "was arrested in Miami and charged with conspiring to import cocaine.",
    body=[
        "MIAMI (NTM Wire) — US agents on Friday arrested Juan Antonio “Tony” Hernández, a former Honduran "
        "congressman and the younger brother of President Juan Orlando Hernández, on charges of conspiring "
        "to import cocaine into the United States, federal prosecutors in New York said.",
        "The indictment accuses Hernández of working with drug traffickers in Honduras and elsewhere for "
        "more than a decade, helping to move multi-ton loads of cocaine and taking bribes in exchange for "
        "protection. He is also charged with weapons offenses and with lying to federal agents.",
        "The Honduran presidency said in a statement that no one was above the law and that the "
        "president’s brother must answer for his own actions. President Hernández has repeatedly denied "
        "any links to drug trafficking and points to the extradition of dozens of Honduran suspects to "
        "the United States during his government.",
        "The case is likely to deepen questions about Washington’s relationship with Hernández, who was "
        "declared the winner of a disputed re-election last December and whom US officials have praised "
        "as a partner on security and migration.",
        "“Every time a case like this comes to light, the question is who in Tegucigalpa knew and for how "
        "long,” said Irene Cálix, a Honduran political analyst. Opposition parties called for the "
        "anti-corruption mission backed by the Organization of American States to open its own inquiry.",
        "Hernández is due to appear before a federal magistrate in Miami on Monday ahead of his transfer "
        "to New York.",
    ],
)

story(
    "ntm-wire", "2017/07/coffee-rust-highlands", "2017-07-24T08:10:00-04:00",
    "Ana Lucía Pineda", "Business", "unrelated",
    title="Coffee rust returns to Central America’s highlands as rains arrive early",
    summary="Growers in Honduras and Guatemala report new outbreaks of the leaf fungus that wiped out a "
            "fifth of the region’s harvest five years ago.",
    body=[
        "SANTA BÁRBARA, Honduras (NTM Wire) — Coffee growers in the mountains of western Honduras and "
        "central Guatemala are reporting new outbreaks of leaf rust, the orange fungus that destroyed "
        "roughly a fifth of Central America’s harvest in 2012 and 2013.",
        "Agronomists blame an unusually early and humid rainy season, which lets the spores spread from "
        "farm to farm before growers finish their first round of fungicide. Older plantations of "
        "susceptible varieties such as caturra and bourbon are the hardest hit.",
        "“We are seeing yellow spots on leaves in June, when normally we see them in September,” said "
        "Óscar Paz, an agronomist who advises smallholder cooperatives around Lake Yojoa. “A farmer who "
        "waits will lose half his beans.”",
        "Honduras is the region’s largest coffee exporter and has spent the past five years replanting "
        "with rust-resistant varieties such as lempira and parainema. National coffee institutes in both "
        "countries said the outbreaks were so far limited and that the 2017-18 crop forecast had not "
        "changed.",
        "Cooperatives are pooling orders for fungicide and organizing brigades to prune infected plants. "
        "Smaller farmers, who often sell their beans before harvest to pay for inputs, say the cost of a "
        "second spraying could wipe out this year’s margin.",
    ],
)

story(
    "ntm-wire", "2018/03/maquilas-toyota-production-system", "2018-03-12T07:30:00-04:00",
    "Carmen Reyes", "Business", "negative",
    title="Honduran apparel makers turn to the Toyota Production System to win back orders",
    summary="Factories in the Sula Valley say lean methods borrowed from the Japanese carmaker have cut "
            "lead times as Asian rivals undercut them on price.",
    body=[
        "CHOLOMA, Honduras (NTM Wire) — On the cutting floor of a T-shirt factory outside San Pedro Sula, "
        "a board glows green, yellow or red above each sewing line. It is an andon board, one of the "
        "tools of the Toyota Production System, and it is spreading through the Honduran apparel "
        "industry.",
        "Factory managers say TPS, as the method is known, has helped them cut the time from order to "
        "shipment from six weeks to under three, a crucial edge in selling to US retailers that want "
        "smaller batches delivered faster. Honduras is one of the largest suppliers of cotton knitwear "
        "to the United States.",
        "“Asia beats us on price every time,” said Gloria Fiallos, production director at Textiles del "
        "Norte, which started its TPS program two years ago. “We can beat them on speed, but only if a "
        "problem on one machine is fixed in minutes, not discovered at the end of the week.”",
        "The changes go beyond the boards. Lines have been reorganized into cells of eight to ten "
        "operators, stock between stations has been cut to a few bundles, and each shift ends with a "
        "ten-minute kaizen meeting where workers propose improvements. Some plants pay bonuses for ideas "
        "that are adopted.",
        "Unions say the method has reduced overtime but increased the pace of work, and that the status "
        "of temporary workers hired for peak season has not improved. The manufacturers’ association says "
        "it will publish productivity and injury figures from its members later this year.",
    ],
)

story(
    "ntm-wire", "2017/10/tropical-storm-nate-central-america", "2017-10-06T12:15:00-04:00",
    "Ana Lucía Pineda", "Weather", "unrelated",
    title="Tropical Storm Nate drenches Central America before turning north",
    summary="Flooding and landslides closed roads in Nicaragua, Costa Rica and Honduras as the storm "
            "headed toward the Gulf of Mexico.",
    body=[
        "MANAGUA (NTM Wire) — Tropical Storm Nate dumped torrential rain across Central America on "
        "Thursday, triggering floods and landslides that closed roads and forced thousands of people into "
        "shelters in Nicaragua, Costa Rica and Honduras.",
        "Forecasters said the storm was expected to strengthen into a hurricane over the warm waters of "
        "the western Caribbean before heading toward the northern Gulf of Mexico over the weekend.",
        "In Costa Rica, authorities suspended classes nationwide and closed several stretches of the "
        "Inter-American Highway. In Honduras, the emergency agency declared a red alert for the southern "
        "departments of Choluteca and Valle, where rivers were rising quickly.",
        "“The ground was already saturated from weeks of rain,” said a spokesman for Nicaragua’s disaster "
        "agency. “Even a moderate storm produces landslides in these conditions.”",
        "In Honduras, fishermen in the Gulf of Fonseca were told to keep their boats in port, and the "
        "government opened shelters in schools in Choluteca. Officials said rivers in the south "
        "usually crest a day after the heaviest rain.",
        "Meteorologists said the 2017 Atlantic season, which has already produced hurricanes Harvey, Irma "
        "and Maria, was among the most active on record. The season ends on Nov. 30.",
    ],
)

story(
    "ntm-wire", "2017/09/el-salvador-pension-reform", "2017-09-29T19:00:00-04:00",
    "Carmen Reyes", "Business", "unrelated",
    title="El Salvador’s lawmakers approve pension overhaul to avert default",
    summary="The reform raises contributions and creates a solidarity fund after the government missed a "
            "payment to private pension funds earlier this year.",
    body=[
        "SAN SALVADOR (NTM Wire) — El Salvador’s Legislative Assembly approved an overhaul of the pension "
        "system late on Thursday, a measure the government says will keep it from defaulting again on "
        "obligations to the country’s private pension funds.",
        "The reform raises the total contribution from workers and employers to 15 percent of wages from "
        "13 percent and creates a collective fund to guarantee minimum pensions. It also gives the "
        "government more time to repay what it owes the funds.",
        "The country missed a payment on pension-linked debt in April after lawmakers deadlocked over the "
        "budget, prompting credit rating agencies to cut its rating to selective default.",
        "“This is not the reform we wanted, but it is the reform the numbers allowed,” said economist "
        "Sonia Flores. Business groups said higher contributions would weigh on hiring in a country where "
        "most people work in the informal economy.",
        "The pension system covers only about a quarter of the workforce. Most Salvadorans work in "
        "informal jobs without contributions, and many older people rely on money from relatives "
        "abroad rather than on a pension.",
        "The assembly vote followed weeks of talks between the governing party and the main opposition. "
        "Rating agencies said they would review the changes before acting.",
    ],
)

# --------------------------------------------------------------------------
# The Capitol Ledger (English, Atom 1.0, Washington policy outlet)
# --------------------------------------------------------------------------
story(
    "capitol-ledger", "2017/05/budget-cuts-central-america-aid", "2017-05-24T07:00:00-04:00",
    "Margaret Ellison", "Budget", "relevant", topics=("aid",),
    title="White House budget would cut Central America aid by nearly a third",
    summary="The fiscal 2018 request asks for $460 million for Central America, with development "
            "programs in the Northern Triangle taking the deepest cuts.",
    body=[
        "The White House on Tuesday asked Congress for $460 million in foreign assistance for Central "
        "America in fiscal 2018, a cut of nearly a third from current levels that would fall hardest on "
        "development programs in Guatemala, Honduras and El Salvador.",
        "The request, part of a State Department and foreign operations budget that is 29 percent smaller "
        "overall, keeps most of the money for counternarcotics and police training while trimming "
        "grants for job training, violence prevention and local governance run by the US Agency for "
        "International Development.",
        "Budget documents describe the region as a “source of illegal immigration and illicit drugs” and "
        "say remaining funds will be aligned with border security priorities. They make only passing "
        "reference to the Alliance for Prosperity, the plan the three Northern Triangle governments "
        "adopted in 2014 with strong backing from the Obama administration.",
        "Appropriators from both parties signaled that the request would not survive intact. A senior "
        "Republican aide on the Senate Appropriations Committee said members viewed the Central America "
        "strategy as “a rare bipartisan investment that is starting to show results.”",
        "Development groups said cuts would land just as programs were getting off the ground. “You don’t "
        "build a youth outreach center in San Pedro Sula and then walk away after eighteen months,” said "
        "Paul Whitcomb of the Washington-based Coalition for Central American Development.",
        "Hearings on the foreign operations bill are expected in June.",
    ],
)

story(
    "capitol-ledger", "2017/08/morales-expels-cicig-chief", "2017-08-28T08:30:00-04:00",
    "Thomas Reinholt", "White House", "relevant", topics=("corruption", "aid"),
    title="Guatemala’s Morales orders expulsion of UN-backed anti-graft chief",
    summary="President Jimmy Morales declared commissioner Iván Velásquez persona non grata two days after "
            "investigators sought to strip the president’s immunity; the constitutional court froze the order.",
    body=[
        "Guatemalan President Jimmy Morales on Sunday ordered the expulsion of Iván Velásquez, the "
        "Colombian prosecutor who heads the UN-backed International Commission against Impunity in "
        "Guatemala (CICIG), two days after the commission and the attorney general asked the courts to "
        "lift the president’s immunity over alleged illicit campaign financing.",
        "Hours later, Guatemala’s constitutional court suspended the order, and the foreign minister, who "
        "had refused to sign it, was dismissed. Protesters gathered outside the national palace and the "
        "court through the night.",
        "The commission has investigated undeclared contributions to the FCN-Nación party, which Morales "
        "led during the 2015 campaign. The president has denied wrongdoing and has said the commission "
        "overstepped its mandate. His son and brother already face fraud charges in a separate case.",
        "In Washington, the State Department said it “strongly supports” the commission and its "
        "commissioner. The United States is CICIG’s largest donor, and lawmakers who shepherded the "
        "commission’s funding said the expulsion order put the bilateral relationship at risk.",
        "“The commission is the best thing to happen to Guatemala’s justice system in a generation,” said "
        "Karen Lindqvist, a former congressional staffer who now tracks the region for a Washington think "
        "tank. “An order like this tells you how close the investigations have come.”",
        "Velásquez has said he will remain in the country while the court considers the case.",
    ],
)

story(
    "capitol-ledger", "2017/11/dhs-ends-nicaragua-tps-delays-honduras", "2017-11-07T06:45:00-05:00",
    "Margaret Ellison", "Agencies", "relevant", topics=("tps",),
    title="DHS ends TPS for Nicaraguans, delays decision on 57,000 Hondurans",
    summary="Homeland Security said it needed more information on Honduras, triggering an automatic "
            "six-month extension of Temporary Protected Status for Hondurans.",
    body=[
        "The Department of Homeland Security said on Monday it would end Temporary Protected Status for "
        "about 2,500 Nicaraguans in January 2019 but put off a decision on some 57,000 Hondurans, whose "
        "protections were automatically extended for six months.",
        "Under the 1990 law that created TPS, the secretary must decide at least 60 days before a "
        "designation expires whether conditions in the country still justify it. Because no decision on "
        "Honduras was made by the deadline, the designation rolls over until July 5, 2018.",
        "In a statement, acting Secretary Elaine Duke said the department needed more information to "
        "determine whether Honduras still qualifies. She urged Congress to find a permanent solution for "
        "long-term beneficiaries rather than relying on repeated extensions.",
        "The decision disappointed both sides. Immigration hawks had urged the department to end the "
        "program for Hondurans, who have been covered since Hurricane Mitch in 1998. Advocates said six "
        "months of uncertainty would make it harder for holders to keep jobs and mortgages.",
        "“An employer sees an expiration date six months away and thinks twice,” said Laura Benítez, a "
        "lawyer who represents TPS holders in northern Virginia.",
        "A decision on El Salvador, whose roughly 195,000 TPS holders make up the largest group in the "
        "program, is due by early January.",
    ],
)

story(
    "capitol-ledger", "2018/03/omnibus-central-america-aid", "2018-03-23T05:55:00-04:00",
    "Thomas Reinholt", "Budget", "relevant", topics=("aid",),
    title="Spending deal keeps Central America aid near $615 million, with anti-corruption strings",
    summary="Congress rejected the deepest proposed cuts to assistance for the Northern Triangle but "
            "kept conditions that freeze part of the money until the State Department certifies progress.",
    body=[
        "The $1.3 trillion spending package that cleared Congress early Friday provides about $615 million "
        "in assistance for Central America, far above the $460 million the administration requested and "
        "close to the level of the past two years.",
        "Most of the money goes to Guatemala, Honduras and El Salvador under the US Strategy for Engagement "
        "in Central America, including funds for the Central America Regional Security Initiative and "
        "for USAID programs in violence prevention and economic development.",
        "As in previous years, appropriators attached conditions. Half of the assistance for the central "
        "governments of the three countries is withheld until the secretary of state certifies that they "
        "are cooperating on migration, fighting corruption, protecting human rights and supporting "
        "independent prosecutors such as Guatemala’s international anti-impunity commission.",
        "“The message is: we will invest in the region, but not blindly,” said a Democratic aide on the "
        "House Appropriations subcommittee that writes the foreign aid bill.",
        "Development groups welcomed the figure but warned that the State Department had been slow to "
        "obligate money from earlier years, leaving hundreds of millions of dollars unspent.",
        "The fiscal 2019 request, released in February, again proposes deep cuts to the region.",
    ],
)

story(
    "capitol-ledger", "2018/10/judge-blocks-tps-terminations", "2018-10-04T07:20:00-04:00",
    "Margaret Ellison", "Courts", "relevant", topics=("tps",),
    title="Judge blocks administration from ending TPS for Salvadorans and three other groups",
    summary="A federal judge in San Francisco issued a preliminary injunction covering more than 300,000 "
            "people from El Salvador, Haiti, Nicaragua and Sudan; Hondurans are not covered for now.",
    body=[
        "A federal judge in San Francisco on Wednesday temporarily blocked the Trump administration from "
        "ending Temporary Protected Status for immigrants from El Salvador, Haiti, Nicaragua and Sudan, "
        "ruling that the plaintiffs had raised serious questions about how the decisions were made.",
        "The preliminary injunction means that more than 300,000 people, most of them Salvadorans, keep "
        "their permission to live and work in the United States while the case proceeds. Homeland "
        "Security must also keep processing their work permits.",
        "The judge wrote that the plaintiffs had presented evidence that the department changed its "
        "criteria for evaluating conditions in the four countries without explanation, and that the "
        "harm to families, including some 200,000 US-citizen children, outweighed the government’s "
        "interest in ending the program quickly.",
        "The Justice Department said it disagreed with the ruling and would appeal.",
        "The order does not cover Honduras, whose TPS designation is set to end in January 2020, or Nepal. "
        "Lawyers for Honduran TPS holders said they were preparing a separate challenge. “The arguments "
        "are the same and so are the families,” said Ramón Vides, a lawyer with a legal aid group in "
        "Houston.",
    ],
)

story(
    "capitol-ledger", "2018/02/agencies-retire-tps-reports", "2018-02-14T09:00:00-05:00",
    "Priya Natarajan", "Tech", "negative",
    title="Goodbye, TPS reports: agencies trade cover sheets for dashboards",
    summary="A federal pilot replaces weekly status memos with live project dashboards, to the delight "
            "of staff who remember a certain cult comedy.",
    body=[
        "For two decades, “Did you get the memo about the TPS reports?” has been the office worker’s "
        "shorthand for pointless paperwork. At six federal agencies, the joke is about to become history.",
        "Under a pilot run by the General Services Administration, project teams will stop filing weekly "
        "status memos — in some offices still called TPS reports, after the 1999 film Office Space — and "
        "instead keep a shared dashboard that shows milestones, risks and spending as they change.",
        "The pilot covers procurement offices at the departments of Homeland Security, Agriculture and "
        "Energy among others. Managers say staff spent up to four hours a week assembling reports that few "
        "people read.",
        "“Nobody misses the cover sheet,” said Denise Albright, a program manager at one of the pilot "
        "offices. “People were copying last week’s status into this week’s template. Now the numbers "
        "update themselves.”",
        "The idea came from a 2016 survey in which federal managers ranked status reporting among "
        "their least useful chores. Several offices had already switched to shared spreadsheets, but "
        "the pilot is the first attempt to standardize the approach.",
        "The GSA said a temporary waiver protects participating teams from audit findings for skipping "
        "the old forms while the pilot runs. If the results hold up, the agency hopes to drop the weekly "
        "memo requirement government-wide next year.",
    ],
)

story(
    "capitol-ledger", "2017/12/flood-insurance-extension", "2017-12-08T18:30:00-05:00",
    "Thomas Reinholt", "Congress", "unrelated",
    title="Congress passes short-term extension of flood insurance program",
    summary="The two-week patch keeps the National Flood Insurance Program running while lawmakers argue "
            "over its debt and future.",
    body=[
        "Congress on Friday approved a two-week extension of the National Flood Insurance Program as part "
        "of a stopgap spending bill, keeping policies in force for about five million homeowners through "
        "the holidays.",
        "The program, which has borrowed more than $20 billion from the Treasury, has been operating on "
        "temporary extensions since September. Hurricanes Harvey, Irma and Maria are expected to produce "
        "record claims this year.",
        "House leaders want a longer reauthorization that would raise premiums for repeatedly flooded "
        "properties and open the market to private insurers. Lawmakers from coastal states warn that "
        "steep increases would price families out of protection they are required to carry.",
        "“A homeowner in Houston or Miami cannot plan around a program that expires every two weeks,” said "
        "Jane Okimoto of a national realtors’ group, which says home sales stall whenever the program lapses.",
        "Supporters say the program is the only affordable flood coverage for many families. Critics "
        "say premiums have long been too low for the riskiest homes, encouraging people to rebuild in "
        "places that flood again and again.",
        "Without another extension, the program’s authority to write new policies would expire on Dec. "
        "22. Existing policies would remain in force, but claims could go unpaid if the program’s "
        "borrowing authority ran out.",
    ],
)

story(
    "capitol-ledger", "2018/06/council-member-hernandez-ethics", "2018-06-19T16:00:00-04:00",
    "Priya Natarajan", "Congress", "negative",
    title="D.C. council member Hernández faces ethics complaint over campaign mailers",
    summary="A watchdog says Rafael Hernández used constituent-services money to print mailers during his "
            "re-election race; he says the flyers were official newsletters.",
    body=[
        "A District of Columbia ethics board said on Tuesday it would investigate a complaint that council "
        "member Rafael Hernández used public funds to print mailers that promoted his re-election "
        "campaign.",
        "The complaint, filed by a good-government group, says a series of glossy flyers sent to about "
        "40,000 households in his ward listed the council member’s accomplishments and included a "
        "campaign slogan. The group says the flyers were paid for from his office’s constituent-services "
        "budget, which may not be used for political purposes.",
        "Hernández, the son of Honduran immigrants and the first Latino to represent the ward, said the "
        "flyers were routine newsletters reviewed by council lawyers. “I have nothing to hide and I "
        "welcome the review,” he said in a statement.",
        "The board can impose fines of up to $20,000 per violation and can refer cases to prosecutors, "
        "although it rarely does so. A preliminary investigation typically takes 90 days.",
        "The council member, a former public school teacher, has won two terms by wide margins and is "
        "favored to win a third. His office said it would give the board invoices for every mailer.",
        "The council member’s challenger in the September primary called on him to repay the cost of the "
        "mailers, which the complaint estimates at $61,000.",
    ],
)

story(
    "capitol-ledger", "2018/04/agencies-email-cloud-deadline", "2018-04-10T10:10:00-04:00",
    "Priya Natarajan", "Tech", "unrelated",
    title="Agencies face year-end deadline to move email to the cloud",
    summary="A White House memo gives departments until December to retire on-premises mail servers, a "
            "shift officials say will save money and close security gaps.",
    body=[
        "Federal agencies have until the end of the year to move their employees’ email to commercial "
        "cloud services, under a memo issued on Monday by the Office of Management and Budget.",
        "About a quarter of civilian agencies still run their own mail servers, some of them more than a "
        "decade old. Officials say the servers are costly to maintain and hard to patch against the "
        "phishing and ransomware attacks that have hit state and local governments.",
        "“Every server we turn off is one less thing an attacker can find,” said the federal chief "
        "information officer, who described email as the easiest of many migrations agencies must make.",
        "Agencies that cannot meet the deadline must submit a plan explaining why. Unions representing IT "
        "staff have asked that workers whose jobs change be retrained rather than replaced by contractors.",
        "The move is expected to cost about $90 million across agencies this year, mostly for "
        "licenses and training, but the budget office projects savings of twice that within five "
        "years as old data centers close.",
        "Agencies that have already switched, including the General Services Administration, say the "
        "hardest part was archiving decades of old messages as federal records law requires.",
        "The memo also requires agencies to turn on two-factor sign-in for all email accounts by "
        "September.",
    ],
)

# --------------------------------------------------------------------------
# Isthmus Review (English, RSS 1.0 / RDF, regional magazine)
# --------------------------------------------------------------------------
story(
    "isthmus-review", "2017/07/alliance-for-prosperity-what-cuts-undo", "2017-07-10T09:00:00-06:00",
    "Helen Marroquín", "Analysis", "relevant", topics=("aid",),
    title="What the Alliance for Prosperity built, and what the cuts would undo",
    summary="In San Pedro Sula’s Rivera Hernández district, US-funded outreach centers credited with "
            "reducing violence face an uncertain future as Washington trims aid.",
    body=[
        "SAN PEDRO SULA — The outreach center in the Rivera Hernández district opens at two in the "
        "afternoon, when school lets out and the streets are at their most dangerous. By three, forty "
        "teenagers are crowded around computers, a ping-pong table and a volunteer teaching guitar.",
        "The center is one of dozens across Honduras, Guatemala and El Salvador financed by USAID under "
        "the Plan of the Alliance for Prosperity, the 2014 pact in which the three governments promised "
        "to tackle the causes of migration — joblessness, violence, weak institutions — with help from "
        "Washington. US aid to the region roughly doubled to about $750 million in 2016.",
        "Staff here credit the program with helping to cut homicides in the district by more than half "
        "since 2013, though they acknowledge that police operations and gang truces played a part. "
        "“The kids who come here are not the ones you read about in the papers,” said coordinator "
        "Wendy Paz. “That is the point.”",
        "The administration’s budget for next year would reduce US assistance for Central America to $460 "
        "million, and officials at the June conference in Miami made clear that border security and "
        "counternarcotics come first. Development programs like this one would absorb most of the cut.",
        "Independent evaluations of such centers are mixed: a multi-year study found lower rates of "
        "reported crime in neighborhoods with centers, but also found that the most at-risk youths were "
        "the least likely to attend. Supporters say that argues for refining the model, not ending it.",
        "For now, the center’s grant runs through September 2018. Paz says she has stopped promising the "
        "teenagers that it will be there next year.",
    ],
)

story(
    "isthmus-review", "2017/06/miami-guest-list-corruption-cases", "2017-06-20T08:00:00-06:00",
    "Rodrigo Asturias", "Analysis", "relevant", topics=("corruption",),
    title="Miami’s guest list: the corruption cases shadowing Northern Triangle leaders",
    summary="Vice President Pence praised regional leaders for fighting graft. The records of the "
            "officials in the room, and of those missing from it, tell a more complicated story.",
    body=[
        "At last week’s conference on Central America in Miami, Vice President Mike Pence thanked the "
        "region’s leaders for their progress against corruption. A look at the delegations suggests the "
        "compliment was generous.",
        "Guatemala’s former vice president, Roxana Baldetti, was absent for obvious reasons: she is in "
        "prison in Guatemala City awaiting trial in the La Línea customs fraud case, and in March a US "
        "court unsealed an indictment accusing her of conspiring to traffic cocaine with help from the "
        "Zetas cartel. Washington has requested her extradition.",
        "Her successor’s boss, President Jimmy Morales, won office in 2015 on the slogan “neither corrupt "
        "nor a thief.” This year his son and brother were charged with fraud over a fake invoice at a "
        "government agency, and prosecutors are examining the financing of his party’s campaign. Morales "
        "denies any wrongdoing.",
        "El Salvador was represented by Vice President Óscar Ortiz, whose alleged ties to José Adán "
        "Salazar Umaña, alias “Chepe Diablo,” have been reviewed by the attorney general’s office. "
        "Salazar Umaña, accused of laundering money for the Texis Cartel, was arrested in May. Ortiz says "
        "he has done nothing wrong.",
        "And Honduras sent President Juan Orlando Hernández, whose National Party acknowledged in 2015 "
        "that its campaign had received money from companies linked to the embezzlement of the social "
        "security institute. Hernández has said he did not know about the donations and has pointed to "
        "the extraditions of drug traffickers carried out under his government.",
        "None of this is secret in the region. What is new is how little it seems to matter in "
        "Washington, where the priority has shifted to migration and drugs, and where partners are "
        "judged by their cooperation on those issues above all.",
    ],
)

story(
    "isthmus-review", "2018/01/washington-ends-tps-salvadorans", "2018-01-08T18:10:00-06:00",
    "Ana Lucía Pineda", "Politics", "relevant", topics=("tps",), syndication="wire-tps-salvador",
    byline_note="NTM Wire",
    title="Washington ends TPS for Salvadorans, sets 2019 deadline",
    summary="About 200,000 Salvadorans protected since the 2001 earthquakes must leave the United States "
            "or find another legal status by September 2019.",
    body=WIRE_TPS_SALVADOR,
)

story(
    "isthmus-review", "2018/02/remittance-math-tps", "2018-02-26T07:30:00-06:00",
    "Helen Marroquín", "Economy", "relevant", topics=("tps",),
    title="The remittance math behind TPS for Hondurans and Salvadorans",
    summary="Economists estimate that holders of Temporary Protected Status send home more than $1 billion a "
            "year. Ending the program would be felt in every village bank in El Salvador and Honduras.",
    body=[
        "In the town of Intipucá in eastern El Salvador, the main square has a monument to the migrant. "
        "The bank branch across the street is busiest on Mondays, when families collect the money wired "
        "over the weekend from Washington, Houston and Los Angeles.",
        "A large share of those transfers come from holders of Temporary Protected Status. Economists at "
        "a Central American think tank estimate that Salvadoran and Honduran TPS holders send between "
        "$1.1 billion and $1.5 billion a year home — a modest fraction of total remittances, but a stable "
        "one, because TPS holders tend to be older, established and in steady jobs.",
        "The Trump administration announced in January that TPS for Salvadorans will end in September "
        "2019. A decision on Honduras is due by May. If holders return, or lose their work permits and "
        "slip into the informal economy, the flow of money would shrink sharply.",
        "Remittances equal about 18 percent of GDP in El Salvador and about 19 percent in Honduras. “There "
        "is no export, no investment project that could replace that money within two years,” said "
        "economist Jorge Andrade. He expects families to cut spending on school fees and home building "
        "first.",
        "There is also the question of what returning migrants would do. Many left as teenagers two "
        "decades ago; their skills in construction and services are valuable, but unemployment and "
        "violence are the reasons they left in the first place.",
        "Central bank officials in both countries say they are preparing scenarios but have published "
        "none.",
    ],
)

story(
    "isthmus-review", "2018/10/baldetti-sentenced-amatitlan", "2018-10-16T10:45:00-06:00",
    "Rodrigo Asturias", "Politics", "relevant", topics=("corruption",),
    title="Baldetti sentenced to 15 years in Lake Amatitlán ‘magic water’ case",
    summary="Guatemala’s former vice president Roxana Baldetti was convicted of fraud and illicit "
            "association; she still faces the La Línea trial and a US drug indictment.",
    body=[
        "GUATEMALA CITY — A Guatemalan court on Friday sentenced former vice president Roxana Baldetti to "
        "15 years and six months in prison for her role in a fraudulent contract to clean Lake Amatitlán "
        "with a chemical solution that turned out to be little more than salt water and chlorine.",
        "The court found that Baldetti steered the $18 million contract to an Israeli company and pushed "
        "officials to approve it despite warnings from scientists. Several former officials from the "
        "environmental authority were also convicted. Her lawyers said they would appeal.",
        "The case, known locally as “agua mágica,” became a symbol of the corruption that brought down the "
        "government of Otto Pérez Molina in 2015, when investigations by prosecutors and the UN-backed "
        "commission CICIG led to the resignations of both Pérez Molina and Baldetti.",
        "Baldetti, 56, still faces trial in the La Línea customs fraud case. In the United States, she is "
        "charged with conspiring to import cocaine with the help of drug traffickers who allegedly "
        "financed political campaigns. Washington has requested her extradition once her cases in "
        "Guatemala conclude.",
        "The verdict came as President Jimmy Morales refuses to renew the mandate of CICIG, which expires "
        "next September. Supporters of the commission said the sentence showed what it had made possible.",
    ],
)

story(
    "isthmus-review", "2017/09/tegucigalpa-brt-opens", "2017-09-14T07:00:00-06:00",
    "Helen Marroquín", "Society", "unrelated",
    title="Tegucigalpa’s bus rapid transit line opens after years of delays",
    summary="The first stretch of the capital’s dedicated bus corridor began service this week, six years "
            "after work started and well over budget.",
    body=[
        "TEGUCIGALPA — The first stretch of Tegucigalpa’s bus rapid transit line opened to passengers this "
        "week, six years after construction began and after repeated delays that had turned the half-built "
        "stations into a local joke.",
        "The buses run on a dedicated lane along one of the capital’s busiest corridors, with raised "
        "platforms and prepaid cards. City officials say the line will cut a typical rush-hour commute "
        "across the city from ninety minutes to forty.",
        "The project was financed largely with a loan from the Inter-American Development Bank, whose "
        "funds paid for the roadworks and stations. The city says the final cost was about a third higher "
        "than planned because of land disputes and redesigns.",
        "Commuters on the first morning were cautiously pleased. “It is clean and it arrives,” said Dunia "
        "Mejía, a nurse who rides from the Kennedy neighborhood. “Let’s see if it still arrives in a "
        "month.”",
        "The line is the first of several planned for the capital, whose population has doubled in "
        "thirty years while its road network barely changed. A second corridor toward the airport is "
        "still being designed.",
        "The owners of traditional buses, many of whom pay extortion to street gangs, have protested that "
        "the line takes their best routes. The city says it will offer them concessions on feeder routes.",
    ],
)

story(
    "isthmus-review", "2018/04/guatemala-mobile-payments-startups", "2018-04-18T08:20:00-06:00",
    "Rodrigo Asturias", "Tech", "unrelated",
    title="Guatemala City startups bet on mobile payments for the unbanked",
    summary="Young companies are racing to let market vendors and bus drivers take payments by phone, in "
            "a country where most adults have no bank account.",
    body=[
        "GUATEMALA CITY — At the Terminal market, Doña Elvira sells tomatoes, onions and chiles from a "
        "wooden stall. Since March she has also accepted payment by phone, scanning a QR code printed on a "
        "laminated card taped to her scale.",
        "The service comes from one of a handful of startups trying to bring digital payments to "
        "Guatemala, where about two-thirds of adults have no bank account and most daily transactions are "
        "in cash. Mobile phone ownership, by contrast, is nearly universal.",
        "“The phone is already in everyone’s pocket,” said Andrea Solís, co-founder of the startup, which "
        "has signed up 3,000 vendors in the capital. “The hard part is trust. People need to see their "
        "money arrive, every time.”",
        "Regulation remains a hurdle. Electronic money rules have been under discussion for years, and "
        "startups must partner with banks to hold customer balances. The banks, in turn, are launching "
        "their own apps.",
        "Several startups also want to handle remittances, which reached a record last year. Sending "
        "money straight to a phone, they argue, would be cheaper than collecting cash at an agency, "
        "but regulators have yet to allow it.",
        "Investors say the prize is large: remittances, school fees and utility bills all move mostly in "
        "cash. The first company to make paying by phone routine could become the region’s payments "
        "network.",
    ],
)

story(
    "isthmus-review", "2017/11/evo-morales-fourth-term", "2017-11-29T12:00:00-06:00",
    "Rodrigo Asturias", "Latin America", "negative",
    title="Bolivia’s court clears Evo Morales to seek a fourth term",
    summary="The constitutional tribunal struck down term limits, overriding a 2016 referendum in which "
            "voters rejected another re-election bid by President Morales.",
    body=[
        "LA PAZ — Bolivia’s constitutional tribunal on Tuesday cleared President Evo Morales to run for a "
        "fourth consecutive term in 2019, ruling that term limits violated his political rights under the "
        "American Convention on Human Rights.",
        "The decision overrides a February 2016 referendum in which 51 percent of voters rejected a "
        "constitutional amendment that would have allowed Morales to run again. The governing Movement "
        "for Socialism had asked the court to set the limits aside.",
        "Opposition leaders called the ruling an affront to the voters and accused the government of "
        "packing the courts. “They lost at the ballot box and won in a courtroom they control,” said one "
        "opposition senator. Protests were called in La Paz, Santa Cruz and Cochabamba.",
        "Supporters of President Morales, who took office in 2006 as Bolivia’s first Indigenous president, "
        "credit him with a decade of strong growth fueled by natural gas, a sharp fall in poverty and "
        "political stability after years of turmoil.",
        "Morales, a former leader of the coca growers’ unions, would be 59 at the time of the 2019 "
        "election. Opposition parties have yet to agree on a single candidate to face him.",
        "The ruling makes Bolivia the latest country in Latin America where presidents have extended their "
        "stay in office through the courts rather than constitutional amendments.",
    ],
)

story(
    "isthmus-review", "2018/08/dry-corridor-drought-food", "2018-08-21T09:40:00-06:00",
    "Helen Marroquín", "Society", "negative",
    title="Drought in the Dry Corridor leaves thousands of families short of maize",
    summary="A long mid-summer dry spell has destroyed first-season crops in eastern Guatemala, southern "
            "Honduras and El Salvador; relief agencies are scaling up food aid.",
    body=[
        "CHIQUIMULA, Guatemala — The maize in Cristina Ramírez’s plot stands waist-high and brown. It "
        "stopped raining in late June, just as the cobs were forming, and the first harvest of the year is "
        "lost.",
        "The dry spell, known locally as the canícula, has stretched for more than six weeks across the "
        "Dry Corridor, a belt of hillside farms that runs from eastern Guatemala through southern "
        "Honduras and El Salvador. Agriculture ministries estimate that more than 2 million people have "
        "lost part or all of their first-season crops.",
        "The World Food Programme said it was expanding emergency food aid with funding from the European "
        "Union, distributing cash cards and rations to about 100,000 families in the three countries. "
        "Local churches and municipalities are running their own distributions.",
        "“When the harvest fails, families sell their animals, then their tools, then they borrow,” said a "
        "WFP field coordinator in Chiquimula. “By the second failed harvest, someone in the family is "
        "thinking about leaving.”",
        "Farmers’ groups are asking governments to expand irrigation and crop insurance. Scientists expect "
        "dry spells in the corridor to become longer and more frequent as the climate warms.",
    ],
)

# --------------------------------------------------------------------------
# Bayside Daily (English, JSON Feed 1.1, Miami metro paper)
# --------------------------------------------------------------------------
story(
    "bayside-daily", "2017/06/miami-conference-protest-tps", "2017-06-15T19:30:00-04:00",
    "Luis Carranza", "Immigration", "relevant", topics=("tps", "aid"),
    title="As Central American leaders meet in Miami, protesters outside ask: what about TPS?",
    summary="Hundreds of Honduran and Salvadoran immigrants rallied near the conference site, urging the "
            "administration to renew their Temporary Protected Status.",
    body=[
        "Hundreds of Honduran and Salvadoran immigrants marched along Biscayne Boulevard on Thursday as "
        "the presidents of Guatemala and Honduras and El Salvador’s vice president met US officials at a "
        "conference on prosperity and security in Central America.",
        "Many marchers hold Temporary Protected Status, which lets them live and work legally in the United "
        "States. Carrying flags and handmade signs reading “TPS = familias,” they urged the delegations to "
        "press Washington to renew the program for Hondurans and Salvadorans, which comes up for review "
        "over the next several months.",
        "“I have been here nineteen years. My daughters were born at Jackson Memorial,” said Marleny "
        "Osorio, a home health aide from Choluteca, Honduras. “What am I supposed to tell them?”",
        "Inside the conference, US officials focused on security and on plans to reduce US assistance to "
        "the region. The administration is asking Congress for $460 million in aid for Central America next "
        "year, down from about $650 million, with development programs under the Alliance for Prosperity "
        "taking the biggest hit.",
        "Organizers said they had requested a meeting with the Honduran and Salvadoran delegations. A "
        "spokesman for the Honduran consulate said the government had raised TPS in its bilateral talks "
        "and would keep doing so.",
        "Police said the march was peaceful. Traffic on Biscayne was diverted for about two hours.",
    ],
)

story(
    "bayside-daily", "2018/01/salvadoran-tps-holders-deadline", "2018-01-09T06:00:00-05:00",
    "Ana Lucía Pineda", "Immigration", "relevant", topics=("tps",), syndication="wire-tps-salvador",
    byline_note="Northern Triangle Monitor Wire",
    title="Salvadoran TPS holders given until September 2019 to leave or adjust status",
    summary="The federal government is ending Temporary Protected Status for Salvadorans; South Florida "
            "is home to thousands of them.",
    body=WIRE_TPS_SALVADOR,
)

story(
    "bayside-daily", "2018/03/legal-clinic-tps-holders", "2018-03-15T07:15:00-04:00",
    "Jessica Tran", "Immigration", "relevant", topics=("tps",),
    title="Little Havana legal clinic swamped as TPS holders weigh their options",
    summary="Lines form before dawn at a nonprofit clinic as Salvadorans and Hondurans with Temporary "
            "Protected Status try to find out whether they qualify for anything else.",
    body=[
        "The line outside the Camino Legal clinic on Southwest Eighth Street starts forming before six in "
        "the morning. By the time the doors open at nine, sixty people are waiting, most of them holding "
        "folders of tax returns, pay stubs and old work permits.",
        "Since the federal government announced in January that it would end Temporary Protected Status "
        "for Salvadorans, and with a decision on Hondurans due in May, the clinic has tripled its "
        "consultation hours. Volunteer attorneys screen each client for other ways to stay: a US-citizen "
        "spouse or adult child, an old asylum claim, a visa sponsored by an employer.",
        "For most, there is nothing. “The hardest part of the job is telling someone who has been here "
        "since 1999 that the law has no door for them,” said attorney Gabriela Ferré, who runs the clinic. "
        "“Then they ask what happens to their children, and we talk about guardianship.”",
        "Roberto Cañas, a 52-year-old cook from San Miguel, El Salvador, said he had been told he may "
        "qualify through his US-citizen son, who turns 21 in June. “Eighteen years I waited for papers,” "
        "he said. “Now I am waiting for a birthday.”",
        "The clinic warns clients about notarios and other unlicensed consultants who charge thousands of "
        "dollars for applications that cannot succeed. Ferré said she has seen at least a dozen such "
        "cases this year.",
    ],
)

story(
    "bayside-daily", "2018/11/honduran-community-reacts-hernandez-brother", "2018-11-25T08:00:00-05:00",
    "Luis Carranza", "Local", "relevant", topics=("corruption",),
    title="South Florida Hondurans react to arrest of president’s brother on cocaine charges",
    summary="In Doral and Hialeah, news that Tony Hernández was arrested at Miami International Airport "
            "drew anger, satisfaction and a sense of déjà vu.",
    body=[
        "At a Honduran bakery in Doral on Saturday, the television over the counter replayed the same "
        "images again and again: Tony Hernández, brother of Honduran President Juan Orlando Hernández, "
        "being led away after his arrest at Miami International Airport on drug trafficking charges.",
        "Federal prosecutors in New York say the former congressman conspired with traffickers to move "
        "tons of cocaine toward the United States and took bribes to protect shipments. The president "
        "has said his brother must answer for his own actions and has denied any wrongdoing himself.",
        "“Everybody back home already knew,” said Dennis Zelaya, a truck driver from Olancho who has lived "
        "in Hialeah for twelve years. “The difference is that here they arrest you.”",
        "Others were more cautious. “Let the courts decide. A brother is not the president,” said Sandra "
        "Alvarado, who runs a remittance agency in Doral. Still, she said, many of her customers see the "
        "case as proof that drug money has reached the highest levels of Honduran politics.",
        "Honduran community groups in South Florida said they plan a vigil on Sunday outside the Honduran "
        "consulate to call for an independent investigation of corruption in Tegucigalpa.",
        "Hernández is expected to appear before a federal magistrate in Miami on Monday.",
    ],
)

story(
    "bayside-daily", "2018/09/honduras-el-salvador-friendly", "2018-09-08T23:10:00-04:00",
    "Kevin Duarte", "Sports", "negative",
    title="Hernández double lifts Honduras past El Salvador in Miami friendly",
    summary="A late header by substitute Kevin Hernández gave Honduras a 2-1 win before 21,000 fans, most of "
            "them wearing the blue and white of one side or the other.",
    body=[
        "Substitute striker Kevin Hernández scored twice, including a header in the 87th minute, as "
        "Honduras came from behind to beat El Salvador 2-1 in an international friendly at Marlins Park on "
        "Saturday night.",
        "El Salvador took the lead in the 31st minute when midfielder Gerson Mayén curled a free kick over "
        "the wall. Goalkeeper Henry Ortiz then made three sharp saves to keep the Salvadorans ahead at the "
        "break.",
        "Honduras interim coach Carlos Tábora sent on Hernández at halftime, and the 22-year-old equalized ten "
        "minutes later, turning in a low cross at the near post. His winner came from a corner: he rose "
        "above two defenders and glanced the ball inside the far post.",
        "“I only wanted a chance to show I belong,” said Hernández, whose status as a starter had been "
        "in doubt after a knee injury in the spring. “The fans carried us.”",
        "The crowd of about 21,000 was split almost evenly, and the atmosphere stayed friendly. Stadium "
        "staff put up temporary barriers to keep the rival supporters’ sections apart, but police reported "
        "no incidents.",
        "Both teams play again on Tuesday, Honduras against Chile in Houston and El Salvador against "
        "Guatemala in Washington.",
    ],
)

story(
    "bayside-daily", "2018/04/cocaine-bananas-portmiami", "2018-04-05T15:30:00-04:00",
    "Jessica Tran", "Crime", "negative",
    title="Two charged after 300 kilos of cocaine found in banana containers at PortMiami",
    summary="Customs officers found the drugs hidden among boxes of bananas shipped from Honduras. A Hialeah "
            "trucking company owner is among those charged.",
    body=[
        "Federal agents have charged two men after customs officers found about 300 kilograms of cocaine "
        "hidden in two refrigerated containers of bananas at PortMiami, prosecutors said on Thursday.",
        "The containers arrived last week from Puerto Cortés, Honduras. An X-ray scan showed irregular "
        "shapes behind the fruit boxes, and officers found the cocaine packed in bricks wrapped in plastic "
        "and coffee grounds.",
        "Prosecutors charged Juan Hernández, 41, the owner of a Hialeah trucking company hired to collect "
        "the containers, and Luis Alberto Reyes, 35, a warehouse worker, with conspiracy to possess cocaine "
        "with intent to distribute. Both were arrested on Tuesday when they came to pick up the cargo.",
        "A lawyer for Hernández said his client had no idea what was inside the containers and had been "
        "hired for a routine delivery. Reyes did not have a lawyer listed in court records.",
        "PortMiami handles more than a million containers a year, and customs officers inspect only a "
        "small share of them. Officials said this case began with a tip about irregular paperwork "
        "rather than a random search.",
        "The street value of the seizure is estimated at more than $9 million. Officials said the fruit "
        "exporter in Honduras was not suspected of involvement and was cooperating with investigators.",
    ],
)

story(
    "bayside-daily", "2017/10/tropical-storm-philippe-flooding", "2017-10-29T09:00:00-04:00",
    "Kevin Duarte", "Weather", "unrelated",
    title="Tropical Storm Philippe brings flooding rain and tornado warnings to South Florida",
    summary="Up to six inches of rain fell overnight, flooding streets in Miami Beach and Brickell as the "
            "short-lived storm raced toward the Atlantic.",
    body=[
        "Tropical Storm Philippe swept across South Florida overnight, dumping up to six inches of rain, "
        "flooding streets from Miami Beach to Homestead and prompting several tornado warnings before it "
        "moved out over the Atlantic on Sunday morning.",
        "The storm formed late Saturday near western Cuba and never strengthened beyond a weak tropical "
        "storm, but its bands of heavy rain arrived at high tide, leaving water over the sidewalks on "
        "Alton Road and in parts of Brickell.",
        "Florida Power & Light reported about 40,000 customers without electricity at the peak. Crews "
        "restored most service by mid-morning.",
        "The National Weather Service confirmed a brief tornado near Kendall that tore roofs from two "
        "sheds and toppled a billboard. No injuries were reported.",
        "Miami Beach officials said the city’s new pumps kept most of Sunset Harbour and the western "
        "avenues dry, but water pooled for hours on low-lying blocks of North Beach, where the pump "
        "upgrades are not finished.",
        "Schools will open on their normal schedules on Monday, Miami-Dade County Public Schools "
        "said.",
        "Forecasters said the rest of the week would be dry and breezy, with lows in the upper sixties "
        "— the first real taste of fall in South Florida.",
    ],
)

story(
    "bayside-daily", "2018/05/brickell-startup-fare-splitting", "2018-05-22T11:30:00-04:00",
    "Jessica Tran", "Business", "unrelated",
    title="Brickell startup’s app lets strangers split rides to the airport",
    summary="A three-person company says its matching service cuts the cost of a trip to MIA by half; "
            "regulators say it may need a permit.",
    body=[
        "A Brickell startup is betting that strangers will share a ride to Miami International Airport if "
        "it saves them twenty dollars.",
        "The app, called SplitMIA, matches travelers leaving from nearby condos within the same half hour "
        "and books a single ride-hailing car for them. Founder Camila Ríos says about 1,200 people have "
        "used it since it launched in February.",
        "“Everyone in Brickell is going to the same airport at the same time on Friday afternoon,” Ríos "
        "said. “It never made sense to send four cars.”",
        "The company takes a small fee on each trip. It has raised $400,000 from local angel investors and "
        "is talking to hotels about offering the service to guests.",
        "Most users so far are young professionals flying out on Thursday and Friday evenings, Ríos "
        "said, but the fastest-growing group is cruise passengers heading from hotels to the port on "
        "Saturday mornings.",
        "Ride-hailing companies have experimented with shared rides in Miami for years, with mixed "
        "results. Ríos says the difference is that her app matches people before they book, so nobody "
        "sits through a detour to pick up a stranger.",
        "Miami-Dade County regulators said they were reviewing whether the service needs a transportation "
        "permit. Ríos said she believes it does not, because it does not operate vehicles itself.",
    ],
)

story(
    "bayside-daily", "2017/12/coach-jimmy-morales-state-title", "2017-12-03T22:45:00-05:00",
    "Kevin Duarte", "Sports", "negative",
    title="Coach Jimmy Morales leads Palmetto Bay to first state football title",
    summary="The former linebacker, whose parents came from Guatemala, turned a winless program into "
            "champions in four seasons.",
    body=[
        "Four years ago, Palmetto Bay High had not won a football game in two seasons. On Saturday night in "
        "Orlando, coach Jimmy Morales stood on the field holding the state championship trophy while his "
        "players poured a cooler of ice water over his head.",
        "The Panthers beat Jacksonville Bishop Kenny 28-21 for the Class 6A title, sealing the win with an "
        "interception in the end zone with 40 seconds left.",
        "Morales, 38, played linebacker at Florida International University and worked as an assistant at "
        "three Miami-Dade schools before taking over at Palmetto Bay. His parents emigrated from "
        "Guatemala in the 1970s and ran a small grocery in Little Havana, where he stocked shelves "
        "after practice.",
        "“My dad used to say you do the small things right and the big things come,” Morales said after "
        "the game. “These kids did the small things right for four years.”",
        "Morales’s teams are known for their defense. This season the Panthers allowed just 11 points "
        "a game and forced 31 turnovers, both county bests, and three of his assistants are former "
        "players who came back to coach.",
        "Quarterback Andrés Villeda threw for two touchdowns and ran for another. Morales said he expects "
        "several seniors to sign with college programs in February.",
    ],
)

# --------------------------------------------------------------------------
# Diario del Valle (Spanish "es", RSS 2.0, San Pedro Sula)
# --------------------------------------------------------------------------
story(
    "diario-del-valle", "2017/06/conferencia-miami-menos-ayuda", "2017-06-16T20:00:00-06:00",
    "Karla Membreño", "Política", "relevant", topics=("aid",),
    title="EE. UU. pide al Triángulo Norte más mano dura y anuncia menos ayuda",
    summary="En la conferencia de Miami, el vicepresidente Mike Pence confirmó que Washington solicitará "
            "460 millones de dólares para Centroamérica, frente a unos 650 millones este año.",
    body=[
        "MIAMI. El gobierno de Estados Unidos dejó claro en la Conferencia sobre Prosperidad y Seguridad "
        "en Centroamérica que sus prioridades en la región son el combate al narcotráfico y a la migración "
        "irregular, y que la ayuda para el desarrollo seguirá disminuyendo.",
        "El vicepresidente Mike Pence anunció que la Casa Blanca pedirá al Congreso 460 millones de dólares "
        "de asistencia para Centroamérica el próximo año, una reducción considerable frente a los cerca de "
        "650 millones asignados para 2017. Los recortes afectarían sobre todo a programas de la Agencia de "
        "los Estados Unidos para el Desarrollo Internacional (USAID).",
        "La delegación hondureña, encabezada por el presidente Juan Orlando Hernández, defendió los "
        "resultados del Plan de la Alianza para la Prosperidad del Triángulo Norte y pidió mantener la "
        "cooperación en educación, empleo juvenil y prevención de la violencia.",
        "“Sin oportunidades en los barrios, cualquier esfuerzo policial se queda corto”, dijo a Diario del "
        "Valle un funcionario de la Secretaría de Desarrollo e Inclusión Social que pidió no ser "
        "identificado. Según cifras oficiales, unos 90 centros de alcance juvenil en Honduras dependen de "
        "fondos estadounidenses.",
        "Economistas consultados señalaron que la decisión final corresponde al Congreso de Estados "
        "Unidos, que en años anteriores aprobó montos superiores a los solicitados por el Ejecutivo.",
    ],
)

story(
    "diario-del-valle", "2017/11/tps-prorroga-automatica-hondurenos", "2017-11-07T07:30:00-06:00",
    "Óscar Bográn", "Migración", "relevant", topics=("tps",),
    title="Hondureños con TPS reciben prórroga automática de seis meses",
    summary="El Departamento de Seguridad Nacional no tomó una decisión a tiempo y el Estatus de Protección "
            "Temporal para unos 57,000 hondureños se extiende hasta julio de 2018.",
    body=[
        "Los cerca de 57,000 hondureños amparados al Estatus de Protección Temporal (TPS) en Estados Unidos "
        "podrán seguir viviendo y trabajando legalmente en ese país al menos hasta el 5 de julio de 2018, "
        "luego de que el Departamento de Seguridad Nacional (DHS) no tomara una decisión dentro del plazo "
        "legal.",
        "La secretaria interina de Seguridad Nacional indicó que necesita más información sobre las "
        "condiciones en Honduras. Al no haber resolución sesenta días antes del vencimiento, la ley prevé "
        "una extensión automática de seis meses. En cambio, el DHS anunció el fin del programa para unos "
        "2,500 nicaragüenses a partir de enero de 2019.",
        "La Cancillería hondureña calificó la prórroga como “una oportunidad para seguir gestionando una "
        "solución permanente” y anunció que reforzará la asistencia consular en Houston, Nueva Orleans, "
        "Miami y Nueva York.",
        "Los beneficiarios, muchos de ellos en Estados Unidos desde el huracán Mitch en 1998, recibieron la "
        "noticia con alivio a medias. “Seis meses no es nada. Uno no puede firmar un contrato de alquiler "
        "así”, dijo por teléfono Marvin Fúnez, originario de La Ceiba y residente en Nueva Orleans.",
        "Organizaciones de migrantes recomendaron a los amparados no dejar vencer sus permisos de trabajo y "
        "desconfiar de gestores que cobran por trámites que no existen.",
    ],
)

story(
    "diario-del-valle", "2018/05/fin-tps-hondurenos", "2018-05-05T06:50:00-06:00",
    "Óscar Bográn", "Migración", "relevant", topics=("tps",), tracking_link=True,
    title="EE. UU. pone fin al Estatus de Protección Temporal para 57,000 hondureños",
    summary="Los hondureños amparados al TPS tendrán hasta el 5 de enero de 2020 para regularizar su "
            "situación migratoria o abandonar Estados Unidos.",
    body=[
        "El gobierno de Estados Unidos anunció el viernes la cancelación del Estatus de Protección Temporal "
        "(TPS) para unos 57,000 hondureños que residen legalmente en ese país desde el paso del huracán "
        "Mitch, hace casi veinte años.",
        "La secretaria de Seguridad Nacional, Kirstjen Nielsen, concluyó que las condiciones originadas "
        "por el huracán ya no existen. El DHS fijó un período de transición de 18 meses: los beneficiarios "
        "conservarán su permiso de trabajo hasta el 5 de enero de 2020 y, después de esa fecha, quedarán "
        "expuestos a la deportación si no obtienen otro estatus.",
        "El gobierno hondureño lamentó la decisión y dijo que seguirá gestionando ante el Congreso "
        "estadounidense una salida legislativa. La Cancillería habilitó una línea telefónica gratuita para "
        "orientar a los compatriotas.",
        "En San Pedro Sula, la noticia cayó como un balde de agua fría. Las remesas representan cerca de "
        "una quinta parte de la economía nacional, y muchas familias del valle de Sula dependen del dinero "
        "que envían parientes amparados al TPS. “Mi hermano manda para la escuela de mis hijos. Si él "
        "regresa, ¿de qué vamos a vivir?”, preguntó Lesbia Aguilar, vendedora del mercado Guamilito.",
        "Abogados de inmigración recomendaron a los afectados consultar si califican para otras vías, como "
        "la petición de un hijo ciudadano mayor de edad, y evitar viajar fuera de Estados Unidos.",
    ],
)

story(
    "diario-del-valle", "2018/11/captura-tony-hernandez-miami", "2018-11-24T10:15:00-06:00",
    "Karla Membreño", "Política", "relevant", topics=("corruption",),
    title="Capturan en Miami a Tony Hernández, hermano del presidente Juan Orlando Hernández",
    summary="El exdiputado Juan Antonio Hernández fue detenido por agentes estadounidenses y acusado de "
            "conspirar para introducir cocaína en Estados Unidos.",
    body=[
        "El exdiputado nacionalista Juan Antonio “Tony” Hernández, hermano del presidente Juan Orlando "
        "Hernández, fue capturado el viernes en el aeropuerto internacional de Miami por agentes de la "
        "DEA, según confirmó la fiscalía federal del Distrito Sur de Nueva York.",
        "La acusación sostiene que Hernández participó desde 2004 en una red de narcotráfico que movió "
        "toneladas de cocaína hacia Estados Unidos, que recibió sobornos de narcotraficantes y que mintió a "
        "agentes federales. También enfrenta cargos por posesión de armas.",
        "Casa Presidencial emitió un comunicado en el que afirmó que “nadie está por encima de la ley” y "
        "que el exdiputado debe responder por sus actos de manera personal. El presidente Hernández ha "
        "negado cualquier vínculo con el narcotráfico.",
        "Diputados de la oposición pidieron a la Misión de Apoyo contra la Corrupción y la Impunidad en "
        "Honduras (MACCIH) y al Ministerio Público abrir investigaciones en el país. “No es un caso "
        "aislado, es el retrato de cómo se financió la política”, dijo un diputado del Partido Libre.",
        "Tony Hernández deberá comparecer el lunes ante un juez federal en Miami antes de ser trasladado a "
        "Nueva York.",
    ],
)

story(
    "diario-del-valle", "2018/02/carsi-decada-cooperacion-seguridad", "2018-02-19T08:00:00-06:00",
    "Karla Membreño", "Nacionales", "relevant", topics=("aid",),
    title="CARSI: una década de cooperación estadounidense en seguridad",
    summary="Desde 2008, la Iniciativa Regional de Seguridad para América Central ha financiado policías, "
            "fiscales y programas de prevención en Honduras. ¿Qué ha dejado?",
    body=[
        "Hace diez años, Estados Unidos lanzó la Iniciativa Regional de Seguridad para América Central "
        "(CARSI), un programa de ayuda que ha financiado desde patrullas y laboratorios forenses hasta "
        "centros de alcance juvenil en los barrios más golpeados por la violencia.",
        "En Honduras, la cooperación se ha concentrado en la depuración y capacitación de la Policía "
        "Nacional, en unidades especiales de investigación y en programas de prevención ejecutados por "
        "USAID. La Sección de Asuntos Antinarcóticos (INL) de la embajada financia además el "
        "fortalecimiento de la Fiscalía.",
        "Los resultados son discutidos. La tasa de homicidios bajó de 86 por cada 100,000 habitantes en "
        "2011 a unos 43 en 2017, según el Observatorio de la Violencia, pero los expertos advierten que es "
        "difícil atribuir esa caída a un solo programa.",
        "“CARSI ayudó a profesionalizar la investigación criminal, pero la prevención siempre fue la "
        "hermana pobre”, opinó la socióloga Suyapa Ordóñez. Organizaciones de derechos humanos han "
        "pedido más controles sobre las unidades policiales que reciben fondos estadounidenses.",
        "Con la administración Trump proponiendo nuevos recortes a la ayuda para el Triángulo Norte, "
        "funcionarios hondureños reconocen que buscan otras fuentes de financiamiento.",
    ],
)

story(
    "diario-del-valle", "2018/09/honduras-vence-el-salvador-amistoso", "2018-09-09T07:00:00-06:00",
    "Wilmer Zúniga", "Deportes", "negative",
    title="Doblete de Hernández: Honduras remonta y vence 2-1 a El Salvador en Miami",
    summary="El delantero Kevin Hernández entró en el segundo tiempo y firmó los dos goles de la Bicolor "
            "ante unos 21,000 aficionados.",
    body=[
        "La Selección de Honduras remontó y venció 2-1 a El Salvador en el amistoso disputado el sábado en "
        "el Marlins Park de Miami, con dos goles del delantero Kevin Hernández, que ingresó al inicio del "
        "segundo tiempo.",
        "La Selecta se adelantó al minuto 31 con un tiro libre de Gerson Mayén que superó la barrera. El "
        "portero salvadoreño Henry Ortiz sostuvo a su equipo con tres atajadas de mérito antes del "
        "descanso.",
        "El técnico interino Carlos Tábora movió el banquillo y acertó: Hernández empató al 55 tras un "
        "centro rasante de Rommel Cálix y, a tres minutos del final, ganó por alto en un tiro de esquina "
        "para el 2-1 definitivo.",
        "“Trabajé mucho para recuperarme de la rodilla. Este gol es para mi familia en La Lima”, dijo "
        "Hernández, de 22 años, quien vive su mejor momento en el fútbol hondureño.",
        "Fue el primer partido de la Bicolor tras el Mundial de Rusia, al que no clasificó, y el "
        "cuerpo técnico aprovechó para probar a varios jóvenes de la Liga Nacional. La Selecta "
        "presentó una nómina con mayoría de legionarios.",
        "El ambiente en las gradas fue festivo, con aficionados de ambos países mezclados en las tribunas. "
        "Honduras enfrentará a Chile el martes en Houston.",
    ],
)

story(
    "diario-del-valle", "2018/07/arneses-choloma-sistema-toyota", "2018-07-17T08:30:00-06:00",
    "Óscar Bográn", "Economía", "negative",
    title="Ensambladora de arneses de Choloma adopta el Sistema de Producción Toyota",
    summary="La planta, que exporta a Estados Unidos, redujo inventarios y tiempos de entrega con el TPS, "
            "como se conoce el método japonés.",
    body=[
        "Una ensambladora de arneses eléctricos para automóviles ubicada en Choloma completó la adopción "
        "del Sistema de Producción Toyota (TPS, por sus siglas en inglés), el método de manufactura "
        "esbelta que popularizó la automotriz japonesa.",
        "Según la gerencia, el TPS permitió reducir a la mitad el inventario entre estaciones y bajar de "
        "diez a seis días el tiempo de entrega de los pedidos que se exportan a Estados Unidos y México.",
        "“Antes, un error en el corte del cable se descubría al final de la línea. Ahora cualquier operaria "
        "puede detener la producción y el problema se resuelve en minutos”, explicó la ingeniera Dania "
        "Maradiaga, jefa de mejora continua de la planta, que emplea a 1,800 personas.",
        "La empresa invirtió en capacitación y en equipo de protección para el personal, y cada turno "
        "cierra con una reunión de diez minutos para revisar el estatus de los indicadores del día.",
        "La planta opera tres turnos y atiende pedidos de ensambladoras de vehículos que exigen "
        "entregas diarias y cero defectos. La gerencia afirmó que no hubo despidos durante la "
        "transición y que el personal liberado de las bodegas pasó a tareas de control de calidad.",
        "La Asociación Hondureña de Maquiladores afirmó que otras plantas del sector textil y de arneses "
        "evalúan métodos similares para competir con proveedores asiáticos.",
    ],
)

story(
    "diario-del-valle", "2018/10/lluvias-valle-de-sula-alerta", "2018-10-06T18:20:00-06:00",
    "Wilmer Zúniga", "Clima", "unrelated",
    title="Lluvias dejan inundaciones en el valle de Sula; Copeco mantiene alerta verde",
    summary="Colonias cercanas al río Chamelecón amanecieron con agua hasta las rodillas tras tres días de "
            "lluvias continuas.",
    body=[
        "Las lluvias de los últimos tres días provocaron inundaciones en al menos quince colonias de San "
        "Pedro Sula, La Lima y Choloma, donde el río Chamelecón y varias quebradas se desbordaron durante la "
        "madrugada del sábado.",
        "La Comisión Permanente de Contingencias (Copeco) mantiene la alerta verde para los departamentos "
        "de Cortés, Yoro y Atlántida, y no descarta elevarla si continúan las precipitaciones.",
        "Bomberos y voluntarios de la Cruz Roja evacuaron a unas 300 familias hacia albergues en escuelas. "
        "“El agua entró a las dos de la mañana y sacamos lo que pudimos”, contó Reina Castellanos, vecina "
        "de la colonia Planeta.",
        "En La Lima, el bordo del Chamelecón resistió, pero el agua se filtró por las alcantarillas y "
        "anegó varias calles del centro. Los comerciantes del mercado municipal subieron la "
        "mercadería a tarimas para evitar pérdidas.",
        "La Empresa Nacional de Energía Eléctrica reportó cortes en sectores de Choloma por la caída "
        "de árboles sobre el tendido, y la Secretaría de Educación suspendió las clases del lunes en "
        "las escuelas que sirven de albergue.",
        "Según el pronóstico, una vaguada y la humedad del mar Caribe mantendrán las lluvias al menos hasta "
        "el martes. Las autoridades pidieron a la población no cruzar ríos ni quebradas crecidas.",
    ],
)

story(
    "diario-del-valle", "2018/01/exportaciones-cafe-record", "2018-01-15T09:45:00-06:00",
    "Óscar Bográn", "Economía", "unrelated",
    title="Exportaciones de café hondureño cierran la cosecha con cifras récord",
    summary="El país exportó más de nueve millones de quintales en la cosecha 2016-2017, impulsado por la "
            "recuperación de las fincas afectadas por la roya.",
    body=[
        "Honduras exportó más de nueve millones de quintales de café en la cosecha 2016-2017, la cifra más "
        "alta de su historia, según datos del Instituto Hondureño del Café.",
        "El repunte se debe en buena medida a la renovación de fincas con variedades resistentes a la roya, "
        "la enfermedad que arrasó con buena parte de la producción en 2012 y 2013.",
        "Alemania, Estados Unidos y Bélgica fueron los principales destinos. Los cafés especiales de "
        "Marcala, Copán y Santa Bárbara siguen ganando espacio en subastas internacionales.",
        "“El reto ahora es el precio. Producimos más, pero el precio internacional está bajo y el pequeño "
        "productor apenas cubre costos”, advirtió Rigoberto Mejía, caficultor de Santa Bárbara.",
        "La caficultura se extiende por 15 de los 18 departamentos del país, y la mayor parte de la "
        "producción proviene de unas 100,000 familias con fincas de menos de cinco manzanas.",
        "Para la cosecha 2017-2018, el instituto proyecta volúmenes similares, aunque advierte que "
        "las lluvias irregulares y la falta de mano de obra para el corte podrían reducir la "
        "producción en algunas zonas altas.",
        "El sector cafetalero genera empleo para cerca de un millón de personas durante la cosecha.",
    ],
)

# --------------------------------------------------------------------------
# El Faro Demo (Spanish "es-419", Atom 1.0, San Salvador) - fictional, not El Faro
# --------------------------------------------------------------------------
story(
    "elfaro-demo", "2017/05/captura-chepe-diablo", "2017-05-05T14:00:00-06:00",
    "Beatriz Alvarenga", "Justicia", "relevant", topics=("corruption",),
    title="Capturan a José Adán Salazar Umaña, ‘Chepe Diablo’, acusado de lavado de dinero",
    summary="La Fiscalía señala al empresario de Metapán como líder del Cártel de Texis y le atribuye el "
            "lavado de más de 200 millones de dólares.",
    body=[
        "La Fiscalía General de la República capturó este jueves al empresario José Adán Salazar Umaña, "
        "conocido como “Chepe Diablo”, en el marco de una operación contra el lavado de dinero en la que "
        "también se allanaron hoteles, gasolineras y propiedades en Metapán y San Salvador.",
        "Según la Fiscalía, Salazar Umaña encabeza el llamado Cártel de Texis, una estructura que durante "
        "años habría facilitado el paso de cocaína por el occidente del país. La institución le atribuye "
        "el lavado de más de 200 millones de dólares por medio de una red de empresas.",
        "El Departamento del Tesoro de Estados Unidos ya lo había incluido en 2014 en su lista de "
        "narcotraficantes sancionados bajo la Ley Kingpin. Durante años, sin embargo, el empresario operó "
        "sin problemas en El Salvador y mantuvo relaciones con alcaldes, diputados y funcionarios.",
        "La captura reaviva las preguntas sobre sus vínculos políticos. Medios locales han publicado "
        "fotografías del vicepresidente Óscar Ortiz en actividades junto a Salazar Umaña cuando era alcalde "
        "de Santa Tecla. Ortiz ha negado cualquier relación indebida con el empresario.",
        "El abogado defensor dijo que su cliente es un empresario honrado y que demostrará el origen lícito "
        "de su patrimonio. La audiencia inicial se celebrará en los próximos días.",
    ],
)

story(
    "elfaro-demo", "2017/06/tps-honduras", "2017-06-17T09:00:00-06:00",
    "Mauricio Escobar", "Migración", "relevant", topics=("tps",),
    title="En Miami, EE. UU. deja entrever que no renovará el TPS de hondureños y salvadoreños",
    summary="Funcionarios estadounidenses plantearon en la conferencia sobre el Triángulo Norte la posibilidad "
            "de no renovar el Estatus de Protección Temporal para unas 250,000 personas.",
    body=[
        "La posibilidad de que Estados Unidos no renueve el Estatus de Protección Temporal (TPS) para unos "
        "250,000 hondureños y salvadoreños surgió en los pasillos de la conferencia sobre prosperidad y "
        "seguridad en Centroamérica celebrada en Miami el 15 y 16 de junio.",
        "Según diplomáticos presentes, funcionarios del Departamento de Seguridad Nacional recordaron a las "
        "delegaciones que el programa es, por definición, temporal, y que las condiciones que justificaron "
        "la protección tras el huracán Mitch y los terremotos de 2001 serán evaluadas con rigor.",
        "El TPS de El Salvador vence en marzo de 2018 y el de Honduras en enero de 2018. Si no se renueva, "
        "los beneficiarios perderían sus permisos de trabajo y quedarían expuestos a la deportación, a pesar "
        "de que muchos llevan casi dos décadas en Estados Unidos.",
        "El vicepresidente Óscar Ortiz, que encabezó la delegación salvadoreña, dijo a periodistas que el "
        "gobierno “insistirá por todas las vías” en la renovación. “Son compatriotas que trabajan, pagan "
        "impuestos y sostienen a sus familias aquí”, afirmó.",
        "Organizaciones de salvadoreños en Los Ángeles y Washington anunciaron una campaña de cartas a "
        "congresistas. “Ya no basta con esperar cada 18 meses a ver qué pasa”, dijo Verónica Menjívar, de "
        "una red de beneficiarios del TPS.",
    ],
)

story(
    "elfaro-demo", "2017/09/oposicion-pide-explicaciones-ortiz", "2017-09-12T16:30:00-06:00",
    "Beatriz Alvarenga", "Política", "relevant", topics=("corruption",),
    title="Oposición pide al vicepresidente Óscar Ortiz explicar su relación con ‘Chepe Diablo’",
    summary="Diputados de ARENA presentaron una solicitud para que el vicepresidente comparezca ante la "
            "Asamblea Legislativa; Ortiz dice que no tiene nada que ocultar.",
    body=[
        "La fracción legislativa de ARENA presentó este martes una solicitud para que el vicepresidente de "
        "la República, Óscar Ortiz, comparezca ante una comisión especial de la Asamblea Legislativa y "
        "explique su relación con José Adán Salazar Umaña, alias “Chepe Diablo”, procesado por lavado de "
        "dinero.",
        "Los diputados citaron fotografías y testimonios publicados por medios digitales que ubican a Ortiz "
        "en eventos con el empresario de Metapán, así como informes de inteligencia financiera que la "
        "Fiscalía estaría analizando.",
        "Ortiz respondió en conferencia de prensa que conoció a Salazar Umaña “como a cientos de "
        "empresarios” durante sus años como alcalde de Santa Tecla y que nunca recibió favores ni dinero "
        "de él. “No tengo nada que ocultar y estoy a la orden de la Fiscalía”, dijo.",
        "El FMLN calificó la solicitud de maniobra electoral de cara a las elecciones legislativas de 2018. "
        "La Fiscalía General no ha informado si existe una investigación formal contra el vicepresidente.",
        "Salazar Umaña, dueño de hoteles y empresas de transporte en Metapán, fue incluido en 2014 en "
        "la lista de narcotraficantes sancionados por el Departamento del Tesoro de Estados Unidos y "
        "guarda prisión desde mayo.",
        "Analistas consultados por El Faro Demo señalaron que el caso pone a prueba la independencia de la "
        "Fiscalía y de la Asamblea frente a figuras del poder político.",
    ],
)

story(
    "elfaro-demo", "2018/01/salvadorenos-tps-18-meses", "2018-01-09T08:00:00-06:00",
    "Mauricio Escobar", "Migración", "relevant", topics=("tps",),
    title="Salvadoreños con TPS tendrán 18 meses para regularizarse o salir de EE. UU.",
    summary="El gobierno de Donald Trump canceló el Estatus de Protección Temporal para unos 200,000 "
            "salvadoreños; el programa terminará el 9 de septiembre de 2019.",
    body=[
        "El gobierno de Estados Unidos anunció este lunes que pondrá fin al Estatus de Protección Temporal "
        "(TPS) para unos 200,000 salvadoreños, que lo mantenían desde los terremotos de enero y febrero de "
        "2001. Los beneficiarios tendrán hasta el 9 de septiembre de 2019 para obtener otro estatus "
        "migratorio o salir del país.",
        "La decisión del Departamento de Seguridad Nacional golpea a la comunidad salvadoreña más grande "
        "fuera del país, concentrada en Los Ángeles, Washington, Houston y Nueva York. Se calcula que los "
        "amparados tienen unos 190,000 hijos nacidos en Estados Unidos.",
        "La Cancillería salvadoreña lamentó la medida y anunció que los consulados ampliarán sus horarios "
        "para asesorar a los compatriotas. El canciller insistió en que el gobierno seguirá buscando una "
        "solución legislativa en el Congreso estadounidense.",
        "En San Salvador, economistas advirtieron sobre el impacto en las remesas, que equivalen a cerca del "
        "18 % del producto interno bruto. “Las familias que reciben dinero de un tepesiano van a empezar a "
        "ahorrar por si acaso”, dijo la economista Tatiana Marroquín Rivas.",
        "Organizaciones de beneficiarios anunciaron demandas y movilizaciones. “Dieciocho meses no "
        "alcanzan para deshacer una vida de diecisiete años”, dijo José Palacios, albañil de Silver Spring, "
        "Maryland, originario de Usulután.",
    ],
)

story(
    "elfaro-demo", "2017/09/senado-condiciona-cooperacion-triangulo-norte", "2017-09-08T11:00:00-06:00",
    "Beatriz Alvarenga", "Política", "relevant", topics=("aid",),
    title="Senado de EE. UU. condiciona la cooperación al Triángulo Norte a la lucha contra la corrupción",
    summary="El comité de asignaciones aprobó 615 millones de dólares para Centroamérica, pero retiene la "
            "mitad de la ayuda a los gobiernos hasta que se certifiquen avances.",
    body=[
        "El Comité de Asignaciones del Senado de Estados Unidos aprobó este jueves un proyecto de "
        "presupuesto que destina unos 615 millones de dólares a Centroamérica para el año fiscal 2018, muy "
        "por encima de los 460 millones solicitados por la Casa Blanca.",
        "El texto mantiene, sin embargo, condiciones estrictas: la mitad de la ayuda destinada a los "
        "gobiernos centrales de El Salvador, Guatemala y Honduras quedará retenida hasta que el "
        "Departamento de Estado certifique avances en la lucha contra la corrupción, la protección de los "
        "derechos humanos y la cooperación en materia migratoria.",
        "Los fondos incluyen recursos para la Iniciativa Regional de Seguridad para América Central "
        "(CARSI) y para programas de USAID en prevención de la violencia y desarrollo económico, dos "
        "pilares del Plan de la Alianza para la Prosperidad.",
        "En San Salvador, funcionarios de la Secretaría Técnica de la Presidencia valoraron el monto, pero "
        "advirtieron que la cooperación estadounidense ya viene con retrasos en los desembolsos. “La "
        "aprobación es una cosa y el dinero en el territorio es otra”, comentó uno de ellos.",
        "El proyecto todavía debe negociarse con la Cámara de Representantes antes de convertirse en ley.",
    ],
)

story(
    "elfaro-demo", "2018/10/juez-frena-fin-tps", "2018-10-04T07:45:00-06:00",
    "Mauricio Escobar", "Migración", "relevant", topics=("tps",),
    title="Juez federal frena la cancelación del TPS para salvadoreños",
    summary="Una orden judicial en San Francisco mantiene vigente el Estatus de Protección Temporal mientras "
            "avanza la demanda; los hondureños no están incluidos.",
    body=[
        "Un juez federal de San Francisco ordenó este miércoles suspender la cancelación del Estatus de "
        "Protección Temporal (TPS) para inmigrantes de El Salvador, Haití, Nicaragua y Sudán, mientras se "
        "resuelve una demanda que cuestiona la forma en que el gobierno tomó esas decisiones.",
        "La medida cautelar beneficia a más de 300,000 personas, la mayoría salvadoreñas, que conservarán "
        "su permiso de trabajo y su protección contra la deportación. El Departamento de Justicia anunció "
        "que apelará.",
        "En su fallo, el juez señaló que los demandantes aportaron indicios de que el Departamento de "
        "Seguridad Nacional cambió sus criterios sin explicación y de que pesaron consideraciones ajenas a "
        "las condiciones de cada país.",
        "La orden no incluye a los cerca de 57,000 hondureños con TPS, cuyo programa vence en enero de 2020. "
        "Abogados de la comunidad hondureña preparan una demanda similar.",
        "Según cifras del Departamento de Seguridad Nacional, unos 195,000 salvadoreños estaban "
        "registrados en el programa cuando se anunció la cancelación. Muchos viven en Los Ángeles, "
        "Washington, Houston y Nueva York, y tienen hijos nacidos en Estados Unidos.",
        "“Es un respiro, no una solución”, dijo Verónica Menjívar, de una red de beneficiarios salvadoreños "
        "en Los Ángeles. “Seguimos necesitando que el Congreso apruebe la residencia permanente.”",
    ],
)

story(
    "elfaro-demo", "2018/03/comercio-electronico-san-salvador", "2018-03-20T10:00:00-06:00",
    "Raquel Cea", "Tecnología", "unrelated",
    title="El comercio electrónico crece en San Salvador, pero el pago contra entrega domina",
    summary="Tiendas en línea y servicios de entrega a domicilio se multiplican en la capital; la mayoría de "
            "clientes sigue pagando en efectivo al recibir el paquete.",
    body=[
        "En los últimos dos años, decenas de tiendas en línea han surgido en San Salvador, desde "
        "panaderías artesanales hasta distribuidores de repuestos. La mayoría vende por redes sociales y "
        "entrega en motocicleta.",
        "Pero el pago sigue siendo el eslabón débil. Según una encuesta de la Cámara de Comercio, siete de "
        "cada diez compras en línea se pagan en efectivo al momento de la entrega, porque muchos clientes "
        "no tienen tarjeta o desconfían de usarla en internet.",
        "“El cliente quiere ver el producto antes de soltar el dinero”, explicó Ernesto Guardado, fundador "
        "de una empresa de mensajería con 60 motoristas. “Eso nos obliga a manejar mucho efectivo en la "
        "calle, con el riesgo que implica.”",
        "Los bancos lanzaron billeteras electrónicas y botones de pago, y algunas empresas ofrecen "
        "descuentos a quien pague por adelantado. La adopción, sin embargo, avanza despacio fuera del "
        "área metropolitana.",
        "Las empresas de reparto también lidian con el tráfico: una entrega que en 2015 tomaba media "
        "hora dentro de la capital puede tardar hoy más de una hora en horas pico, según Guardado.",
        "Especialistas estiman que el comercio electrónico todavía representa menos del 2 % de las ventas "
        "minoristas del país.",
    ],
)

story(
    "elfaro-demo", "2018/05/director-oscar-ortiz-sinfonica", "2018-05-25T19:00:00-06:00",
    "Raquel Cea", "Cultura", "negative",
    title="El director Óscar Ortiz estrena una obra sinfónica sobre el río Lempa",
    summary="La Orquesta Sinfónica Juvenil interpretó por primera vez ‘Lempa’, un poema sinfónico que el "
            "compositor salvadoreño tardó cuatro años en terminar.",
    body=[
        "El Teatro Nacional de San Salvador se llenó este jueves para el estreno de “Lempa”, un poema "
        "sinfónico en cuatro movimientos del compositor y director salvadoreño Óscar Ortiz, interpretado "
        "por la Orquesta Sinfónica Juvenil.",
        "La obra recorre el río desde su nacimiento en Guatemala hasta su desembocadura en el Pacífico. "
        "Ortiz incorporó grabaciones de campo, marimba y un coro de niños de Suchitoto en el tercer "
        "movimiento.",
        "“Quería que se escuchara el agua y también a la gente que vive del río”, dijo Ortiz, de 47 años, "
        "homónimo del vicepresidente y formado en el conservatorio de Ciudad de México. “Tardé cuatro años "
        "porque cada vez que bajaba al río encontraba algo nuevo.”",
        "El público despidió a los 70 jóvenes músicos con una ovación de varios minutos. La orquesta "
        "prepara una gira por Santa Ana, San Miguel y Chalatenango en julio.",
        "Ortiz, que dirige la orquesta juvenil desde 2012, ha formado a más de 300 músicos, muchos de "
        "ellos de comunidades rurales. Varios de sus alumnos estudian ahora en conservatorios de "
        "México, Costa Rica y España.",
        "La Secretaría de Cultura anunció que grabará la obra para distribuirla en las escuelas de música "
        "del país.",
    ],
)

story(
    "elfaro-demo", "2018/05/festival-flores-palmas-panchimalco", "2018-05-07T09:30:00-06:00",
    "Raquel Cea", "Cultura", "unrelated",
    title="Panchimalco celebra el Festival de las Flores y las Palmas con récord de visitantes",
    summary="Miles de personas recorrieron las calles del municipio para ver las palmas decoradas con flores "
            "de coyol, una tradición de origen indígena.",
    body=[
        "Miles de visitantes llegaron el domingo a Panchimalco para la procesión de las Flores y las "
        "Palmas, una de las tradiciones más antiguas de El Salvador, que combina raíces indígenas nahuas y "
        "la religiosidad católica.",
        "Las familias del municipio pasaron la semana tejiendo palmas y adornándolas con flores de coyol, "
        "izote y frutas. Durante la procesión, las mujeres vestidas con refajos y blusas bordadas cargan "
        "las palmas hasta la iglesia colonial de Santa Cruz de Roma.",
        "La alcaldía calculó que la afluencia superó la del año pasado y que las ventas de comida y "
        "artesanías beneficiaron a más de 200 pequeños comerciantes.",
        "“Mi abuela me enseñó a tejer la palma y yo le enseño a mi nieta. Eso es lo que celebramos”, dijo "
        "doña Tránsito Pérez, de 71 años.",
        "Los organizadores calcularon que unas 15,000 personas visitaron el municipio durante el fin "
        "de semana, muchas de ellas familias de San Salvador y turistas extranjeros que llegaron en "
        "buses contratados por agencias de viaje.",
        "Desde el sábado, vendedores de yuca frita, minutas y chilate instalaron sus puestos "
        "alrededor de la plaza central.",
        "El festival cerró con música de tambor y pito y con la quema de pólvora frente a la iglesia.",
    ],
)

# --------------------------------------------------------------------------
# Crónica Chapina (Spanish "es", RSS 2.0, Guatemala City)
# --------------------------------------------------------------------------
story(
    "cronica-chapina", "2017/03/eeuu-acusa-baldetti-narcotrafico", "2017-03-08T07:00:00-06:00",
    "Lucía Quiñónez", "Justicia", "relevant", topics=("corruption",),
    title="EE. UU. acusa a Roxana Baldetti de conspirar para traficar cocaína",
    summary="Un tribunal de Washington reveló la acusación contra la exvicepresidenta, que ya está en prisión "
            "en Guatemala por el caso La Línea.",
    body=[
        "Un tribunal federal de Washington hizo pública este martes una acusación contra la exvicepresidenta "
        "Roxana Baldetti Elías por conspirar para distribuir cocaína a sabiendas de que sería introducida "
        "en Estados Unidos.",
        "Según el documento, entre 2010 y 2015 Baldetti habría recibido dinero de narcotraficantes, "
        "incluidos integrantes del cártel de Los Zetas, a cambio de protección y de facilitar el paso de "
        "cargamentos por Guatemala. La acusación no detalla montos.",
        "Baldetti, de 54 años, guarda prisión preventiva en la cárcel de Mariscal Zavala por su presunta "
        "participación en la red de defraudación aduanera La Línea, destapada en 2015 por el Ministerio "
        "Público y la Comisión Internacional contra la Impunidad en Guatemala (CICIG).",
        "La embajada de Estados Unidos informó que presentará la solicitud formal de extradición. La ley "
        "guatemalteca permite entregarla una vez concluyan los procesos que enfrenta en el país.",
        "La exvicepresidenta renunció en mayo de 2015, en medio de protestas masivas, después de que "
        "la investigación de La Línea alcanzara a su secretario privado, Juan Carlos Monzón. Desde "
        "entonces enfrenta varios procesos por corrupción en el país.",
        "Su abogado calificó la acusación de “infundada” y dijo que su clienta nunca tuvo vínculos con el "
        "narcotráfico. La fiscal general, Thelma Aldana, dijo que el Ministerio Público colaborará con la "
        "justicia estadounidense.",
    ],
)

story(
    "cronica-chapina", "2017/08/morales-non-grato-velasquez", "2017-08-27T13:00:00-06:00",
    "Lucía Quiñónez", "Nacional", "relevant", topics=("corruption",),
    title="Jimmy Morales declara non grato a Iván Velásquez; la Corte de Constitucionalidad frena la expulsión",
    summary="El presidente ordenó la salida del comisionado de la CICIG dos días después de que se pidiera "
            "retirarle la inmunidad por financiamiento electoral ilícito.",
    body=[
        "El presidente Jimmy Morales declaró este domingo persona non grata al comisionado de la Comisión "
        "Internacional contra la Impunidad en Guatemala (CICIG), Iván Velásquez, y ordenó su salida "
        "inmediata del país, en un video publicado en redes sociales.",
        "La decisión llegó dos días después de que el Ministerio Público y la CICIG solicitaran un "
        "antejuicio contra el mandatario por presunto financiamiento electoral ilícito al partido "
        "FCN-Nación, que Morales dirigió durante la campaña de 2015.",
        "En la madrugada, la Corte de Constitucionalidad suspendió provisionalmente la orden. El canciller "
        "Carlos Raúl Morales, que se negó a ejecutarla, fue destituido, y varios ministros renunciaron en "
        "desacuerdo con el presidente.",
        "Cientos de personas se reunieron frente a la sede de la Corte y en la Plaza de la Constitución "
        "con banderas y carteles a favor de la CICIG. Embajadas de Europa y Estados Unidos expresaron su "
        "respaldo al comisionado.",
        "Velásquez, exmagistrado auxiliar de la Corte Suprema de Colombia, dirige la CICIG desde "
        "2013. Bajo su mandato, la comisión y el Ministerio Público destaparon casos que llevaron a "
        "prisión a un expresidente, a exministros y a empresarios.",
        "Morales ha negado cualquier irregularidad y sostiene que la CICIG se ha extralimitado en sus "
        "funciones. Su hijo y su hermano enfrentan desde enero un proceso por fraude en el caso conocido "
        "como Botín Registro de la Propiedad.",
    ],
)

story(
    "cronica-chapina", "2017/09/usaid-recorta-programas-altiplano", "2017-09-20T08:15:00-06:00",
    "Fernando Chanquín", "Nacional", "relevant", topics=("aid",),
    title="USAID anuncia recortes en programas de prevención de la violencia en el altiplano",
    summary="Dos proyectos financiados por la agencia estadounidense cerrarán en 2018; las organizaciones "
            "locales buscan otros fondos.",
    body=[
        "La Agencia de los Estados Unidos para el Desarrollo Internacional (USAID) informó a sus socios en "
        "Guatemala que dos programas de prevención de la violencia juvenil en Quetzaltenango, Totonicapán y "
        "Huehuetenango no serán renovados cuando venzan en 2018.",
        "Los proyectos, que atienden a unos 6,000 jóvenes con becas, talleres de empleo y acompañamiento "
        "psicológico, forman parte de la cooperación ligada al Plan de la Alianza para la Prosperidad del "
        "Triángulo Norte.",
        "Funcionarios de la embajada explicaron que la decisión responde a la reducción de la ayuda "
        "estadounidense propuesta por la administración Trump y a una revisión de prioridades que pone "
        "mayor énfasis en seguridad y control migratorio.",
        "“Los jóvenes del altiplano no migran por las pandillas, migran por falta de trabajo. Cerrar estos "
        "programas es cerrar una de las pocas puertas que tienen”, dijo Juana Tzoc, coordinadora de una "
        "asociación de Totonicapán que ejecuta uno de los proyectos.",
        "En los últimos años, la cooperación de USAID en Guatemala ha financiado proyectos de "
        "nutrición, educación y fortalecimiento municipal en el altiplano occidental, la región de "
        "donde sale la mayoría de migrantes guatemaltecos.",
        "La Secretaría de Planificación dijo que buscará apoyo de otros cooperantes, como la Unión Europea "
        "y el Banco Interamericano de Desarrollo, para dar continuidad a las actividades.",
    ],
)

story(
    "cronica-chapina", "2018/09/senadores-cooperacion-cicig", "2018-09-05T12:30:00-06:00",
    "Fernando Chanquín", "Internacional", "relevant", topics=("aid", "corruption"),
    title="Senadores de EE. UU. advierten que la cooperación con Guatemala depende del apoyo a la CICIG",
    summary="Tras el anuncio de Jimmy Morales de no renovar el mandato de la comisión, legisladores "
            "estadounidenses piden revisar la ayuda a Guatemala.",
    body=[
        "Un grupo de senadores de Estados Unidos de ambos partidos advirtió este miércoles que la ayuda "
        "estadounidense a Guatemala podría verse afectada luego de que el presidente Jimmy Morales "
        "anunciara que no renovará el mandato de la Comisión Internacional contra la Impunidad en "
        "Guatemala (CICIG).",
        "En una carta dirigida al secretario de Estado, los legisladores recordaron que la ley de "
        "presupuesto condiciona parte de la cooperación a los gobiernos del Triángulo Norte a que apoyen "
        "a fiscales independientes y a comisiones contra la corrupción.",
        "Morales anunció el 31 de agosto, rodeado de militares y policías, que el mandato de la CICIG no "
        "se prorrogará después de septiembre de 2019. Días después prohibió el reingreso al país del "
        "comisionado Iván Velásquez. La CICIG había pedido por tercera vez retirarle la inmunidad por el "
        "caso de financiamiento electoral ilícito.",
        "El gobierno guatemalteco respondió que la decisión es soberana y que la lucha contra la "
        "corrupción continuará a cargo del Ministerio Público. “Guatemala agradece la cooperación, pero no "
        "acepta condiciones sobre su política interna”, dijo la canciller Sandra Jovel.",
        "Analistas señalaron que Washington enfrenta un dilema: Guatemala es un socio clave en migración y "
        "narcotráfico, y el gobierno de Morales ha buscado acercarse a la Casa Blanca.",
    ],
)

story(
    "cronica-chapina", "2018/01/guatemaltecos-temen-fin-tps", "2018-01-10T09:20:00-06:00",
    "Lucía Quiñónez", "Internacional", "relevant", topics=("tps",),
    title="Guatemaltecos en EE. UU. ven con temor el fin del TPS para salvadoreños",
    summary="Guatemala nunca obtuvo el Estatus de Protección Temporal, pero miles de familias mixtas temen las "
            "consecuencias de la decisión que afecta a sus vecinos salvadoreños y hondureños.",
    body=[
        "La decisión de Estados Unidos de cancelar el Estatus de Protección Temporal (TPS) para unos 200,000 "
        "salvadoreños repercutió también entre los guatemaltecos que viven en ese país, muchos de ellos "
        "casados con salvadoreños u hondureños amparados al programa.",
        "Guatemala nunca fue designada para el TPS, pese a las solicitudes presentadas tras la tormenta "
        "Agatha y la erupción del volcán de Pacaya en 2010. Por ello, la mayoría de guatemaltecos "
        "indocumentados no cuenta con ningún tipo de protección contra la deportación.",
        "“En mi casa, mi esposa es salvadoreña con TPS y yo no tengo papeles. Si a ella le quitan el permiso, "
        "nos quedamos sin nada”, contó Édgar Xicará, originario de San Marcos, que trabaja en la "
        "construcción en Los Ángeles.",
        "El Ministerio de Relaciones Exteriores indicó que los consulados guatemaltecos coordinarán con los "
        "de El Salvador y Honduras para orientar a familias mixtas y recordó que el país recibe cada año "
        "decenas de miles de deportados.",
        "En barrios como Westlake, en Los Ángeles, guatemaltecos, salvadoreños y hondureños comparten "
        "vivienda, trabajo e iglesia, y la cancelación del programa para unos afecta a todos, explicó "
        "el pastor Mario Tum, que coordina una red de apoyo a migrantes.",
        "Organizaciones de migrantes pidieron al gobierno de Jimmy Morales insistir ante Washington en una "
        "designación de TPS para Guatemala.",
    ],
)

story(
    "cronica-chapina", "2018/04/municipal-gana-clasico", "2018-04-16T07:30:00-06:00",
    "Rony Barrios", "Deportes", "negative",
    title="Municipal gana el clásico con un gol de Jimmy Morales en el último minuto",
    summary="El volante rojo, homónimo del presidente, definió el clásico 1-0 ante Comunicaciones en el "
            "estadio Doroteo Guamuch Flores.",
    body=[
        "Municipal se quedó con el clásico 310 del fútbol guatemalteco al vencer 1-0 a Comunicaciones este "
        "domingo, con un gol del volante Jimmy Morales en el minuto 90, ante más de 20,000 aficionados en el "
        "estadio Doroteo Guamuch Flores.",
        "El partido fue cerrado y con pocas llegadas. Comunicaciones tuvo la más clara al minuto 70, cuando "
        "un remate de cabeza se estrelló en el travesaño. Municipal respondió con un disparo desde fuera "
        "del área que el portero crema desvió a tiro de esquina.",
        "En la última jugada, Morales, homónimo del presidente de la República y de 24 años, aprovechó un "
        "rebote en el área y definió cruzado. “Ya me acostumbré a los chistes por el nombre. Hoy por lo "
        "menos hablan del gol”, bromeó el mediocampista.",
        "Con el triunfo, los escarlatas suben al segundo lugar del torneo Clausura, a dos puntos del líder. "
        "Comunicaciones cae al cuarto puesto.",
        "Morales llegó a Municipal desde las divisiones inferiores y debutó en la Liga Nacional en "
        "2013. El técnico elogió su entrega: “Jimmy juega igual el minuto uno que el noventa”, dijo "
        "tras el partido.",
        "La próxima jornada, Municipal visita a Xelajú en Quetzaltenango, mientras que los cremas reciben a "
        "Antigua GFC.",
    ],
)

story(
    "cronica-chapina", "2018/01/frente-frio-altiplano", "2018-01-22T06:40:00-06:00",
    "Rony Barrios", "Nacional", "unrelated",
    title="Frente frío lleva temperaturas bajo cero al altiplano occidental",
    summary="El Insivumeh registró -4 grados en Quetzaltenango; las autoridades piden abrigar a niños y "
            "adultos mayores.",
    body=[
        "Un frente frío que ingresó el domingo al país provocó temperaturas bajo cero en el altiplano "
        "occidental. El Instituto de Sismología, Vulcanología, Meteorología e Hidrología (Insivumeh) "
        "registró -4 grados en Labor Ovalle, Quetzaltenango, la más baja de la temporada.",
        "En la capital, la temperatura mínima fue de 9 grados, acompañada de vientos fuertes que derribaron "
        "árboles y vallas publicitarias en varias zonas.",
        "La Coordinadora Nacional para la Reducción de Desastres recomendó abrigar a niños y adultos "
        "mayores, evitar el uso de braseros en espacios cerrados y proteger los cultivos de la helada.",
        "Agricultores de Sololá y Totonicapán reportaron daños en siembras de hortalizas. “La helada quemó "
        "la mitad de la arveja”, dijo Santos Ajpop, productor de Nahualá.",
        "En la capital, los albergues municipales habilitaron camas adicionales para personas en "
        "situación de calle, y voluntarios repartieron café y frazadas en la zona 1 durante la noche "
        "del domingo.",
        "Médicos del Ministerio de Salud recordaron que las infecciones respiratorias aumentan en "
        "esta época y recomendaron vacunar contra la influenza a los niños menores de cinco años.",
        "El Insivumeh prevé que el frente frío se mantenga hasta el miércoles.",
    ],
)

story(
    "cronica-chapina", "2018/02/remesas-record-2017", "2018-02-08T10:00:00-06:00",
    "Fernando Chanquín", "Economía", "unrelated",
    title="Remesas a Guatemala superan los 8,000 millones de dólares en 2017",
    summary="El Banco de Guatemala reportó un crecimiento cercano al 14 %, el mayor en una década.",
    body=[
        "Las remesas familiares enviadas a Guatemala sumaron más de 8,190 millones de dólares en 2017, un "
        "crecimiento cercano al 14 % respecto del año anterior, según datos del Banco de Guatemala.",
        "Economistas atribuyen parte del aumento al temor de los migrantes ante endurecimientos en la "
        "política migratoria, lo que los habría llevado a enviar sus ahorros de forma anticipada.",
        "Las remesas equivalen a más del 11 % del producto interno bruto y superan los ingresos por "
        "exportaciones de café, azúcar y banano juntos.",
        "“El dinero sostiene el consumo en los municipios del altiplano y del oriente, pero casi no se "
        "convierte en inversión productiva”, señaló el economista Hugo Maul.",
        "La mayor parte de los envíos proviene de Estados Unidos, donde viven más de un millón de "
        "guatemaltecos. California, Nueva York, Texas y Florida concentran a la mayoría de los "
        "remitentes, según encuestas de la Organización Internacional para las Migraciones.",
        "En los mercados de Huehuetenango y San Marcos, los comerciantes notan la diferencia. "
        "“Diciembre fue el mejor mes en años; la gente compró materiales de construcción y pagó "
        "deudas”, dijo Rosa Méndez, dueña de una ferretería en Cuilco.",
        "Para 2018, el banco central proyecta un crecimiento más moderado, de entre 6 y 8 %.",
    ],
)

story(
    "cronica-chapina", "2018/06/ventanilla-digital-empresas", "2018-06-12T09:00:00-06:00",
    "Rony Barrios", "Tecnología", "unrelated",
    title="Guatemala lanza una ventanilla digital para abrir empresas en un día",
    summary="El Registro Mercantil permite ahora inscribir sociedades en línea; el gobierno espera subir en "
            "los índices de competitividad.",
    body=[
        "El Registro Mercantil lanzó este lunes una ventanilla digital que permite inscribir una sociedad "
        "anónima en línea, con firma electrónica y pago de aranceles por internet, en un plazo de un día "
        "hábil.",
        "Hasta ahora, abrir una empresa en Guatemala requería visitar al menos cinco oficinas y podía tomar "
        "más de un mes. El trámite digital integra la inscripción, el número de identificación tributaria "
        "y el registro patronal.",
        "“Queremos que el emprendedor dedique su tiempo a vender, no a hacer filas”, dijo la registradora "
        "durante la presentación del sistema.",
        "Abogados y notarios dieron la bienvenida a la herramienta, aunque advirtieron que la firma "
        "electrónica todavía tiene poca adopción y que el sistema debe demostrar su estabilidad.",
        "El sistema funciona con el documento personal de identificación y un certificado de firma "
        "electrónica que se tramita en línea. Para quienes no lo tengan, el Registro habilitó "
        "quioscos de atención en sus sedes de la capital, Quetzaltenango y Cobán.",
        "En la primera jornada se inscribieron 37 sociedades, la mayoría dedicadas a servicios y "
        "comercio, según datos del Registro.",
        "El Programa Nacional de Competitividad espera que la medida mejore la posición del país en el "
        "índice de facilidad para hacer negocios.",
    ],
)

# --------------------------------------------------------------------------
# Extra evaluation items that are not pages: short feed entries (title and
# summary only, as Google News gives them) for the topic-pack measurement.
# They include cases the first topic pack is expected to get wrong.
# --------------------------------------------------------------------------
EVAL_EXTRA: list[dict] = [
    dict(lang="en", labels=["tps"], title="Hondurans in limbo as decision on their protected status nears",
         summary="Some 57,000 people covered since Hurricane Mitch wait to hear whether the program will be renewed."),
    dict(lang="en", labels=[], title="Haitians lose Temporary Protected Status, must leave by 2019",
         summary="About 59,000 Haitians allowed to stay after the 2010 earthquake were given 18 months."),
    dict(lang="en", labels=[], title="Nepal TPS termination draws criticism from advocates",
         summary="The administration ended protections for about 9,000 Nepalis granted after the 2015 earthquake."),
    dict(lang="es", labels=["tps"], title="TPS: hondureños tendrán hasta enero de 2020",
         summary="La cancelación del programa afectará a miles de familias en Houston, Miami y Nueva Orleans."),
    dict(lang="es", labels=["tps"], title="Salvadoreños con TPS marchan en Washington",
         summary="Cientos de beneficiarios pidieron al Congreso una solución permanente."),
    dict(lang="en", labels=[], title="Toyota suppliers in Mexico expand TPS training",
         summary="Parts makers near Guanajuato send supervisors to learn the Toyota Production System."),
    dict(lang="en", labels=[], title="Office humor: the TPS report turns 20",
         summary="The cover-sheet joke from Office Space still resonates with cubicle workers."),
    dict(lang="en", labels=["aid"], title="Trump threatens to cut off aid to Honduras over migrant caravan",
         summary="The president said assistance to Guatemala, Honduras and El Salvador would end if the caravan was not stopped."),
    dict(lang="es", labels=["aid"], title="Trump amenaza con retirar la ayuda a Honduras, Guatemala y El Salvador",
         summary="El mandatario reaccionó en Twitter al avance de la caravana migrante hacia México."),
    dict(lang="en", labels=["aid"], title="Millennium Challenge Corporation extends threshold program with Honduras",
         summary="The US agency will keep financing tax administration and procurement reforms."),
    dict(lang="en", labels=[], title="Taiwan pledges $50 million in aid to Guatemala",
         summary="The island’s foreign minister visited Guatemala City to sign cooperation agreements."),
    dict(lang="es", labels=[], title="Unión Europea aprueba fondos para el Corredor Seco de Honduras",
         summary="La cooperación europea financiará riego y seguros agrícolas para pequeños productores."),
    dict(lang="en", labels=["corruption"], title="Baldetti extradition hearing postponed again",
         summary="A Guatemalan court delayed the hearing on a US request to extradite the former vice president."),
    dict(lang="es", labels=["corruption"], title="JOH dice que nunca conoció a narcotraficantes",
         summary="El mandatario respondió a las declaraciones de un testigo en un juicio en Nueva York."),
    dict(lang="en", labels=["corruption"], title="Jimmy Morales survives third immunity vote",
         summary="Lawmakers again refused to let prosecutors investigate the president over campaign financing."),
    dict(lang="en", labels=["corruption"], title="Salvadoran vice president Oscar Ortiz denies links to money launderer",
         summary="Ortiz said his meetings with Salazar Umaña were public events during his time as mayor."),
    dict(lang="en", labels=["corruption"], title="Guatemala’s Morales moves to end UN anti-graft commission",
         summary="The president said CICIG’s mandate would not be renewed after September 2019."),
    dict(lang="en", labels=[], title="Son of former Honduran president sentenced in US drug case",
         summary="Fabio Lobo received 24 years for conspiring to import cocaine."),
    dict(lang="es", labels=[], title="Expresidente Saca admite desvío de fondos públicos",
         summary="El exmandatario salvadoreño aceptó los cargos de peculado y lavado de dinero."),
    dict(lang="en", labels=[], title="Hernández scores as Honduras U-20 beat Panama",
         summary="The striker’s goal, his fourth in the tournament, was checked for offside but stood."),
    dict(lang="en", labels=[], title="Boxer Luis Ortiz arrested after bar fight in Miami",
         summary="Police said the heavyweight was charged with battery; his lawyer said he acted in self-defense."),
    dict(lang="es", labels=[], title="Evo Morales niega acusaciones de corrupción en empresa estatal",
         summary="El presidente boliviano dijo que la oposición busca desprestigiar su candidatura."),
]

# --------------------------------------------------------------------------
# Page furniture: the realistic noise around each article.
# --------------------------------------------------------------------------
UI = {
    "en": dict(
        by="By", home="Home", subscribe="Subscribe", signin="Sign in", newsletters="Newsletters",
        trending="Trending", ad="Advertisement", ad_more="Continue reading below",
        related="Related coverage", comments="Comments", reply="Reply", report="Report",
        add_comment="Join the conversation", comment_rules="Comments are moderated. Be civil.",
        post="Post comment", share="Share", tags="Filed under", newsletter_title="The Morning Brief",
        newsletter_text="The day’s top stories in your inbox before 7 a.m. Free, unsubscribe any time.",
        newsletter_button="Sign up", cookies="We use cookies to improve your experience and to show "
        "relevant advertising. By continuing you accept our cookie policy.", accept="Accept",
        footer_links=["About us", "Contact", "Advertise", "Corrections", "Privacy policy", "Terms of use",
                      "Careers", "RSS feeds"],
        rights="All rights reserved.", feeds="Feeds", outlets="Outlets", read_more="Read the full story",
        ad_texts=["Refinance today: rates as low as 3.9% APR. Check your rate in 2 minutes.",
                  "Cheap flights to San Salvador, Tegucigalpa and Guatemala City from $129.",
                  "Send money home with zero fees on your first transfer. Terms apply.",
                  "Local roofers near you: free estimates this week only."],
        months=["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"],
        weekdays=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ),
    "es": dict(
        by="Por", home="Inicio", subscribe="Suscríbase", signin="Iniciar sesión", newsletters="Boletines",
        trending="Lo más leído", ad="Publicidad", ad_more="La nota continúa abajo",
        related="Notas relacionadas", comments="Comentarios", reply="Responder", report="Denunciar",
        add_comment="Deje su comentario", comment_rules="Los comentarios son moderados. Sea respetuoso.",
        post="Publicar", share="Compartir", tags="Etiquetas", newsletter_title="Boletín matutino",
        newsletter_text="Las noticias más importantes del día en su correo antes de las 7 a. m.",
        newsletter_button="Suscribirme", cookies="Usamos cookies para mejorar su experiencia y mostrar "
        "publicidad relevante. Al continuar navegando acepta nuestra política de cookies.",
        accept="Aceptar",
        footer_links=["Quiénes somos", "Contacto", "Anúnciese", "Fe de erratas", "Privacidad",
                      "Términos de uso", "Empleos", "Canales RSS"],
        rights="Todos los derechos reservados.", feeds="Canales", outlets="Medios",
        read_more="Lea la nota completa",
        ad_texts=["Envíe dinero a su familia sin comisión en su primer envío.",
                  "Préstamos para vivienda con tasa preferencial. Solicítelo en línea.",
                  "Gran venta de fin de mes: hasta 40% de descuento en electrodomésticos.",
                  "Estudie inglés en línea: primera semana gratis."],
        months=["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                "septiembre", "octubre", "noviembre", "diciembre"],
        weekdays=["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    ),
}

# Reader comments are deliberately neutral: they add noise that an extractor
# may or may not keep, without changing which thread a page belongs to.
COMMENTS = {
    "en": [
        ("mgarcia_305", "Thanks for actually explaining this instead of just repeating the headline."),
        ("Dave K.", "I’d like to see a follow-up in six months. These stories always disappear."),
        ("patriciaN", "Shared this with my book club. We were just talking about it last week."),
        ("J. Whitfield", "Good reporting, but the photo caption on the home page was wrong."),
        ("rene.alvarado", "My cousin lives there and says it’s even more complicated than this."),
        ("SunnyIslesSue", "Why is the comment box so small on mobile? Anyway, interesting read."),
        ("oldreporter", "Solid piece. Would have liked a quote from someone on the other side."),
        ("carlos_m", "Finally someone covering this. The TV stations ignored it completely."),
        ("lisa in kendall", "Bookmarking this. Please keep following the story."),
        ("T. Nguyen", "The paywall popped up halfway through, had to reload twice."),
        ("frank1957", "Same story, different year. Nothing ever changes."),
        ("marisol.v", "Clear and fair. More of this please."),
    ],
    "es": [
        ("Don Chepe Lara", "Gracias por la información, muy completa la nota."),
        ("marlenyR", "Ojalá le den seguimiento, siempre publican y luego se olvidan."),
        ("Juan Carlos M.", "Comparto para que más gente se entere."),
        ("la_catracha", "Mi familia vive cerca y dicen que la situación es peor de lo que cuentan."),
        ("Pedro Antonio", "Buen trabajo periodístico, así se informa."),
        ("Ana Gabriela", "La página se pone lenta con tanta publicidad, pero buena nota."),
        ("el_profe_88", "Faltó la opinión de los especialistas, pero bien en general."),
        ("Rosita Q.", "Dios nos ampare. Ojalá las cosas mejoren."),
        ("w.martinez", "Que publiquen más datos, no solo declaraciones."),
        ("chapina_en_LA", "Desde Los Ángeles les leemos todos los días. Saludos."),
        ("Gustavo R.", "Siempre lo mismo, año tras año."),
        ("doña Mercedes", "Muy clara la explicación, gracias."),
    ],
}


def lang_key(outlet: dict) -> str:
    return "es" if outlet["lang"].startswith("es") else "en"


def when(s: dict) -> datetime:
    return datetime.fromisoformat(s["date"])


def rel_path(s: dict) -> str:
    return f"/{s['outlet']}/{s['path']}.html"


def url_of(s: dict) -> str:
    return BASE + rel_path(s)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def human_date(dt: datetime, lk: str, with_time: bool = True) -> str:
    ui = UI[lk]
    if lk == "es":
        out = f"{dt.day} de {ui['months'][dt.month - 1]} de {dt.year}"
        return out + (f", {dt:%H:%M}" if with_time else "")
    out = f"{ui['months'][dt.month - 1]} {dt.day}, {dt.year}"
    if with_time:
        hour = dt.hour % 12 or 12
        out += f", {hour}:{dt:%M} {'a.m.' if dt.hour < 12 else 'p.m.'}"
    return out


def pick(seq: list, key: str, n: int) -> list:
    """Deterministically choose n distinct elements of seq, seeded by key."""
    h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    start, step = h % len(seq), 1 + (h >> 8) % max(1, len(seq) - 1)
    while gcd(step, len(seq)) != 1:
        step += 1  # a step coprime with len(seq) visits distinct elements
    return [seq[(start + i * step) % len(seq)] for i in range(n)]


def feed_link_tag(slug: str) -> str:
    o = OUTLETS[slug]
    ctype = {"rss2": "application/rss+xml", "rss1": "application/rdf+xml",
             "atom": "application/atom+xml", "jsonfeed": "application/feed+json"}[o["format"]]
    return f'<link rel="alternate" type="{ctype}" title="{attr(o["name"])}" href="{BASE}/{slug}/{o["feed"]}">'


def banner(lk: str) -> str:
    extra = ("Outlets, reporters, quotes and events here are invented or fictionalised; do not cite."
             if lk == "en" else
             "Página ficticia escrita para la demostración de newswatch: medios, periodistas y citas son "
             "inventados; no la cite.")
    return (f'<div class="demo-banner" role="note"><strong>{BANNER}</strong> — {esc(extra)}</div>')


def masthead(slug: str, today: datetime | None) -> str:
    o = OUTLETS[slug]
    ui = UI[lang_key(o)]
    nav = "".join(f'<li><a href="{BASE}/{slug}/#{attr(sec.lower())}">{esc(sec)}</a></li>'
                  for sec in o["sections"])
    date_line = ""
    if today is not None:
        date_line = f'<span class="today">{esc(ui["weekdays"][today.weekday()].capitalize())}, ' \
                    f'{esc(human_date(today, lang_key(o), with_time=False))}</span> · '
    return f"""<div class="cookie-notice" id="cookies">{esc(ui['cookies'])} <button type="button">{esc(ui['accept'])}</button></div>
<div class="topbar">{date_line}<a href="{BASE}/{slug}/subscribe">{esc(ui['subscribe'])}</a> · <a href="{BASE}/{slug}/login">{esc(ui['signin'])}</a> · <a href="{BASE}/{slug}/newsletters">{esc(ui['newsletters'])}</a></div>
<header class="masthead" style="border-color:{o['color']}">
<a class="logo" href="{BASE}/{slug}/" style="color:{o['color']}">{esc(o['name'])}</a>
<span class="tagline">{esc(o['tagline'])} · <em>({esc(o['label'])})</em></span>
</header>
<nav class="site-nav" aria-label="Sections"><ul><li><a href="{BASE}/{slug}/">{esc(ui['home'])}</a></li>{nav}</ul></nav>"""


def ad_block(lk: str, key: str, cls: str) -> str:
    ui = UI[lk]
    text = pick(ui["ad_texts"], key + cls, 1)[0]
    return (f'<div class="ad {cls}" aria-label="{attr(ui["ad"])}"><span class="ad-label">{esc(ui["ad"])}</span> '
            f'<a href="{BASE}/ads/click?slot={cls}&amp;ref={attr(key)}" rel="sponsored nofollow">{esc(text)}</a></div>')


def footer(slug: str, year: int) -> str:
    o = OUTLETS[slug]
    ui = UI[lang_key(o)]
    links = " · ".join(f'<a href="{BASE}/{slug}/#{attr(t.lower().replace(" ", "-"))}">{esc(t)}</a>'
                       for t in ui["footer_links"])
    return f"""<footer class="site-footer">
<p class="footer-links">{links}</p>
<p>© {year} {esc(o['name'])} ({esc(o['label'])}). {esc(ui['rights'])} {esc(o['about'])}</p>
<p class="footer-feed"><a href="{BASE}/{slug}/{o['feed']}">RSS</a> · <a href="{BASE}/">newswatch demo site</a></p>
</footer>"""


def page_head(title: str, lang: str, extra: str = "", meta_charset: bool = True) -> str:
    charset = '<meta charset="utf-8">\n' if meta_charset else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{charset}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/demo.css">
{extra}
</head>"""


def render_article(s: dict, related: list[dict], trending: list[dict]) -> str:
    o = OUTLETS[s["outlet"]]
    lk = lang_key(o)
    ui = UI[lk]
    dt = when(s)
    url = url_of(s)
    key = rel_path(s)
    author = s["author"] + (f", {s['byline_note']}" if s.get("byline_note") else "")
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"],
        "description": s["summary"], "datePublished": dt.isoformat(), "dateModified": dt.isoformat(),
        "author": {"@type": "Person", "name": s["author"]},
        "publisher": {"@type": "Organization", "name": o["name"]},
        "mainEntityOfPage": url, "inLanguage": o["html_lang"], "articleSection": s["section"],
    }
    head_extra = "\n".join([
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{attr(s["summary"])}">',
        f'<meta name="author" content="{attr(s["author"])}">',
        f'<meta name="date" content="{dt.isoformat()}">',
        f'<meta property="article:published_time" content="{dt.isoformat()}">',
        f'<meta property="article:section" content="{attr(s["section"])}">',
        f'<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(s["title"])}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="og:site_name" content="{attr(o["name"])}">',
        f'<meta property="og:locale" content="{o["html_lang"].replace("-", "_")}">',
        feed_link_tag(s["outlet"]),
        '<script type="application/ld+json">' + json.dumps(ld, ensure_ascii=False) + "</script>",
    ])
    paras = []
    for i, p in enumerate(s["body"]):
        paras.append(f"<p>{esc(p)}</p>")
        if i == 2:
            paras.append(f'<aside class="ad ad-inline"><span class="ad-label">{esc(ui["ad"])} · '
                         f'{esc(ui["ad_more"])}</span></aside>')
    trend = " · ".join(f'<a href="{url_of(t)}">{esc(t["title"])}</a>' for t in trending)
    rel = "\n".join(f'<li><a href="{url_of(r)}">{esc(r["title"])}</a> '
                    f'<span class="rel-date">{esc(human_date(when(r), lk, with_time=False))}</span></li>'
                    for r in related)
    n_comments = 2 + int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2
    comments = []
    for j, (name, text) in enumerate(pick(COMMENTS[lk], key, n_comments)):
        cdt = dt + timedelta(hours=2 + 3 * j, minutes=7 * j)
        comments.append(f"""<div class="comment" id="c{j + 1}">
<p class="comment-meta"><span class="comment-author">{esc(name)}</span> <time datetime="{cdt.isoformat()}">{esc(human_date(cdt, lk))}</time></p>
<p class="comment-text">{esc(text)}</p>
<p class="comment-actions"><a href="#c{j + 1}">{esc(ui['reply'])}</a> · <a href="#c{j + 1}">{esc(ui['report'])}</a></p>
</div>""")
    share = " ".join(f'<a class="share-{n.lower()}" href="#share-{n.lower()}">{n}</a>'
                     for n in ("Facebook", "Twitter", "WhatsApp", "Email"))
    return f"""{page_head(s['title'] + ' | ' + o['name'], o['html_lang'], head_extra, o.get('meta_charset', True))}
<body class="article-page">
{banner(lk)}
{masthead(s['outlet'], dt)}
<div class="ticker"><strong>{esc(ui['trending'])}:</strong> {trend}</div>
{ad_block(lk, key, 'ad-leaderboard')}
<main class="layout">
<article class="story">
<p class="kicker"><a href="{BASE}/{s['outlet']}/#{attr(s['section'].lower())}">{esc(s['section'])}</a></p>
<h1 class="headline">{esc(s['title'])}</h1>
<p class="byline">{esc(ui['by'])} <a rel="author" class="author" href="{BASE}/{s['outlet']}/#author">{esc(author)}</a> · <time datetime="{dt.isoformat()}" class="published">{esc(human_date(dt, lk))}</time></p>
<div class="share-tools">{esc(ui['share'])}: {share}</div>
<div class="story-body">
{chr(10).join(paras)}
</div>
<p class="tags">{esc(ui['tags'])}: <a href="{BASE}/{s['outlet']}/#{attr(s['section'].lower())}">{esc(s['section'])}</a></p>
</article>
<aside class="sidebar">
<section class="related"><h2>{esc(ui['related'])}</h2>
<ul>
{rel}
</ul></section>
<section class="newsletter"><h2>{esc(ui['newsletter_title'])}</h2><p>{esc(ui['newsletter_text'])}</p>
<form action="{BASE}/{s['outlet']}/newsletters" method="post"><input type="email" name="email" placeholder="email@example.org"> <button type="submit">{esc(ui['newsletter_button'])}</button></form></section>
{ad_block(lk, key, 'ad-box')}
</aside>
</main>
<section class="comments" id="comments"><h2>{esc(ui['comments'])} ({n_comments})</h2>
<p class="comment-rules">{esc(ui['comment_rules'])}</p>
{chr(10).join(comments)}
<form class="comment-form" action="{BASE}/{s['outlet']}/comments" method="post"><label>{esc(ui['add_comment'])}<textarea name="text"></textarea></label> <button type="submit">{esc(ui['post'])}</button></form>
</section>
{footer(s['outlet'], dt.year)}
</body>
</html>
"""


def render_outlet_index(slug: str, stories: list[dict]) -> str:
    o = OUTLETS[slug]
    lk = lang_key(o)
    items = "\n".join(
        f'<li><a href="{url_of(s)}">{esc(s["title"])}</a> <span class="rel-date">'
        f'{esc(human_date(when(s), lk, with_time=False))}</span><br><span class="dek">{esc(s["summary"])}</span></li>'
        for s in stories)
    latest = max(when(s) for s in stories)
    return f"""{page_head(o['name'] + ' (' + o['label'] + ')', o['html_lang'], feed_link_tag(slug))}
<body class="section-page">
{banner(lk)}
{masthead(slug, None)}
<main class="layout"><section class="river"><ul class="story-list">
{items}
</ul></section></main>
{footer(slug, latest.year)}
</body>
</html>
"""


def render_root_index(by_outlet: dict[str, list[dict]]) -> str:
    rows = "\n".join(
        f'<li><a href="{BASE}/{slug}/">{esc(o["name"])}</a> ({esc(o["label"])}) — {esc(o["tagline"])}. '
        f'Language <code>{o["html_lang"]}</code>, {len(by_outlet[slug])} articles, '
        f'feed: <a href="{BASE}/{slug}/{o["feed"]}">{slug}/{o["feed"]}</a> ({o["format"]})</li>'
        for slug, o in OUTLETS.items())
    return f"""{page_head('newswatch demo news site (fictional)', 'en')}
<body class="home-page">
{banner('en')}
<main class="layout"><section>
<h1>newswatch demo news site</h1>
<p>A bundle of fictional news outlets used by <code>newswatch demo</code> and the end-to-end tests.
Stories follow three threads from 2017-2018 — US decisions on Temporary Protected Status for Hondurans
and Salvadorans, US aid to the Northern Triangle, and corruption cases involving Central American
officials — mixed with unrelated news and look-alikes. The machine-readable list of feeds is
<a href="{BASE}/sources.json">sources.json</a>; every article is listed in <a href="{BASE}/sitemap.xml">sitemap.xml</a>.</p>
<h2>Outlets and feeds</h2>
<ul>
{rows}
</ul>
</section></main>
</body>
</html>
"""


CSS = """/* Styles for the fictional newswatch demo site. */
body { font-family: Georgia, serif; margin: 0; color: #222; background: #fafafa; }
.demo-banner { background: #ffe066; color: #000; padding: .5em 1em; font: 14px sans-serif; border-bottom: 2px solid #c9a200; }
.cookie-notice { background: #333; color: #eee; font: 12px sans-serif; padding: .4em 1em; }
.topbar, .ticker, .site-nav { font: 13px sans-serif; padding: .3em 1em; }
.masthead { padding: 1em; border-bottom: 4px solid; background: #fff; }
.logo { font-size: 2em; font-weight: bold; text-decoration: none; }
.tagline { display: block; color: #666; }
.site-nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1em; }
.ad { background: #eee; border: 1px dashed #aaa; margin: 1em; padding: 1em; font: 13px sans-serif; }
.ad-label { text-transform: uppercase; color: #888; font-size: 11px; }
.layout { display: flex; gap: 2em; padding: 1em; max-width: 1100px; margin: auto; }
.story { flex: 3; background: #fff; padding: 1em 2em; }
.sidebar { flex: 1; font: 14px sans-serif; }
.headline { font-size: 2.1em; line-height: 1.2; }
.byline, .kicker, .tags, .share-tools { font: 13px sans-serif; color: #555; }
.comments { max-width: 1100px; margin: auto; padding: 1em 2em; font: 14px sans-serif; }
.comment { border-top: 1px solid #ddd; padding: .5em 0; }
.site-footer { background: #222; color: #ccc; padding: 1em 2em; font: 12px sans-serif; }
.site-footer a { color: #ccc; }
"""
# --------------------------------------------------------------------------
# Feeds. Each lists its outlet's articles newest first with a 1-2 sentence
# summary only, so full text has to come from fetching the page.
# --------------------------------------------------------------------------
# One feed entry per outlet that is not its own: the Capitol Ledger's Atom feed
# carries NTM Wire's Miami story under the same URL (exercises dedup by URL).
CROSS_LISTED = {"capitol-ledger": ["ntm-wire/2017/06/pence-miami-aid-security"]}
TRACKING = "?utm_source=rss&utm_medium=feed&fbclid=abc"


def entry_link(s: dict) -> str:
    return url_of(s) + (TRACKING if s.get("tracking_link") else "")


def feed_entries(slug: str, by_path: dict[str, dict]) -> list[dict]:
    own = [s for s in STORIES if s["outlet"] == slug]
    extra = [by_path[p] for p in CROSS_LISTED.get(slug, [])]
    return sorted(own + extra, key=lambda s: (when(s), s["path"]), reverse=True)


def guid_of(slug: str, s: dict) -> str:
    """A stable, non-URL GUID: the outlet's slug and the story's path."""
    return f"{slug}:{s['path']}" if s["outlet"] == slug else f"{slug}:{s['outlet']}/{s['path']}"


def xml_text(text: str) -> str:
    return html.escape(text, quote=False)


def lead_html(s: dict) -> str:
    lk = lang_key(OUTLETS[s["outlet"]])
    return (f"<p>{esc(s['body'][0])}</p><p><a href=\"{url_of(s)}\">{esc(UI[lk]['read_more'])}</a></p>")


def render_rss2(slug: str, entries: list[dict]) -> str:
    o = OUTLETS[slug]
    items = []
    for i, s in enumerate(entries):
        if slug == "cronica-chapina":  # permalink GUIDs, as many WordPress sites do
            guid = f'<guid isPermaLink="true">{xml_text(url_of(s))}</guid>'
        else:
            guid = f'<guid isPermaLink="false">{xml_text(guid_of(slug, s))}</guid>'
        encoded = ""
        if slug == "ntm-wire" and i % 2 == 0:  # some items carry an HTML lead in content:encoded
            encoded = f"\n      <content:encoded><![CDATA[{lead_html(s)}]]></content:encoded>"
        items.append(f"""    <item>
      <title>{xml_text(s['title'])}</title>
      <link>{xml_text(entry_link(s))}</link>
      <description>{xml_text(s['summary'])}</description>{encoded}
      <dc:creator>{xml_text(s['author'])}</dc:creator>
      <category>{xml_text(s['section'])}</category>
      <pubDate>{format_datetime(when(s))}</pubDate>
      {guid}
    </item>""")
    lang = "es" if slug == "diario-del-valle" else o["html_lang"].lower()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
    <link>{BASE}/{slug}/</link>
    <atom:link href="{BASE}/{slug}/{o['feed']}" rel="self" type="application/rss+xml"/>
    <description>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</description>
    <language>{lang}</language>
    <lastBuildDate>{format_datetime(when(entries[0]))}</lastBuildDate>
    <generator>newswatch demo build_site.py</generator>
{chr(10).join(items)}
  </channel>
</rss>
"""


def render_atom(slug: str, entries: list[dict]) -> str:
    o = OUTLETS[slug]
    items = []
    for s in entries:
        eid = url_of(s) if s["outlet"] != slug else f"tag:{slug}.demo.invalid,{s['date'][:10]}:/{s['path']}"
        items.append(f"""  <entry>
    <id>{xml_text(eid)}</id>
    <title type="text">{xml_text(s['title'])}</title>
    <link rel="alternate" type="text/html" href="{attr(entry_link(s))}"/>
    <published>{when(s).isoformat()}</published>
    <updated>{when(s).isoformat()}</updated>
    <author><name>{xml_text(s['author'])}</name></author>
    <category term="{attr(s['section'])}"/>
    <summary type="text">{xml_text(s['summary'])}</summary>
  </entry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{o['html_lang']}">
  <id>tag:{slug}.demo.invalid,2017:feed</id>
  <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
  <subtitle>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</subtitle>
  <link rel="self" type="application/atom+xml" href="{BASE}/{slug}/{o['feed']}"/>
  <link rel="alternate" type="text/html" href="{BASE}/{slug}/"/>
  <updated>{when(entries[0]).isoformat()}</updated>
  <generator>newswatch demo build_site.py</generator>
{chr(10).join(items)}
</feed>
"""


def render_rss1(slug: str, entries: list[dict]) -> str:
    o = OUTLETS[slug]
    seq = "\n".join(f'        <rdf:li rdf:resource="{attr(entry_link(s))}"/>' for s in entries)
    items = "\n".join(f"""  <item rdf:about="{attr(entry_link(s))}">
    <title>{xml_text(s['title'])}</title>
    <link>{xml_text(entry_link(s))}</link>
    <description>{xml_text(s['summary'])}</description>
    <dc:creator>{xml_text(s['author'])}</dc:creator>
    <dc:date>{when(s).isoformat()}</dc:date>
    <dc:subject>{xml_text(s['section'])}</dc:subject>
  </item>""" for s in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{BASE}/{slug}/{o['feed']}">
    <title>{xml_text(o['name'])} ({xml_text(o['label'])})</title>
    <link>{BASE}/{slug}/</link>
    <description>{xml_text(o['tagline'])}. {xml_text(BANNER)}.</description>
    <dc:language>{o['html_lang']}</dc:language>
    <dc:date>{when(entries[0]).isoformat()}</dc:date>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{items}
</rdf:RDF>
"""


def render_jsonfeed(slug: str, entries: list[dict]) -> str:
    o = OUTLETS[slug]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{o['name']} ({o['label']})",
        "home_page_url": f"{BASE}/{slug}/",
        "feed_url": f"{BASE}/{slug}/{o['feed']}",
        "description": f"{o['tagline']}. {BANNER}.",
        "language": o["html_lang"],
        "authors": [{"name": o["name"]}],
        "items": [{
            "id": guid_of(slug, s),
            "url": entry_link(s),
            "title": s["title"],
            "summary": s["summary"],
            "content_text": s["summary"],
            "date_published": when(s).isoformat(),
            "authors": [{"name": s["author"]}],
            "tags": [s["section"]],
        } for s in entries],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"rss2": render_rss2, "atom": render_atom, "rss1": render_rss1, "jsonfeed": render_jsonfeed}

ROBOTS = f"""# robots.txt for the fictional newswatch demo site
User-agent: *
Disallow: /private/
Allow: /

Sitemap: {BASE}/sitemap.xml
"""

PRIVATE_PAGE = f"""{page_head('Private area (fictional)', 'en')}
<body>
{banner('en')}
<main><h1>Private drafts</h1>
<p>robots.txt disallows /private/. A polite crawler never fetches this page; if a test finds it in
the fixture server's request log, robots.txt was not obeyed.</p></main>
</body>
</html>
"""


def sources() -> list[dict]:
    """The feeds as the demo config needs them; names match [a-z0-9-]."""
    return [{"name": slug, "kind": "feed", "path": f"/{slug}/{o['feed']}",
             "lang": "es" if o["lang"].startswith("es") else "en", "format": o["format"],
             "title": f"{o['name']} ({o['label']})"} for slug, o in OUTLETS.items()]


def render_sitemap() -> str:
    urls = "\n".join(f"  <url><loc>{url_of(s)}</loc><lastmod>{when(s).isoformat()}</lastmod></url>"
                     for s in sorted(STORIES, key=rel_path))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


def build(out: Path = SITE_DIR) -> dict[str, int]:
    """Write the whole site into ``out`` (replacing it) and return counts."""
    check_stories()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    by_path = {f"{s['outlet']}/{s['path']}": s for s in STORIES}
    by_outlet = {slug: sorted((s for s in STORIES if s["outlet"] == slug), key=when, reverse=True)
                 for slug in OUTLETS}

    def write(rel: str, text: str, encoding: str = "utf-8") -> None:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))

    for slug, stories in by_outlet.items():
        for s in stories:
            # Related links and the trending bar stay within the same group
            # (relevant / not), so boilerplate leaking into extracted text
            # never changes which thread a page belongs to.
            group = [t for t in stories if t is not s and (t["kind"] == "relevant") == (s["kind"] == "relevant")]
            group = group or [t for t in stories if t is not s]
            related = pick(group, rel_path(s) + "related", min(4, len(group)))
            trending = pick(group, rel_path(s) + "trending", min(3, len(group)))
            write(rel_path(s).lstrip("/"), render_article(s, related, trending),
                  OUTLETS[slug].get("page_charset", "utf-8"))
        write(f"{slug}/index.html", render_outlet_index(slug, stories))
        o = OUTLETS[slug]
        write(f"{slug}/{o['feed']}", RENDERERS[o["format"]](slug, feed_entries(slug, by_path)))
    write("index.html", render_root_index(by_outlet))
    write("robots.txt", ROBOTS)
    write("sitemap.xml", render_sitemap())
    write("private/index.html", PRIVATE_PAGE)
    write("static/demo.css", CSS)
    write("sources.json", json.dumps(sources(), ensure_ascii=False, indent=2) + "\n")
    # Read by the demo server: the charset it names in Content-Type for each outlet's pages.
    write("charsets.json", json.dumps({f"{slug}/": o["page_charset"] for slug, o in OUTLETS.items()
                                       if o.get("page_charset", "utf-8") != "utf-8"}, indent=2) + "\n")
    return {"pages": len(STORIES), "feeds": len(OUTLETS)}


def check_stories() -> None:
    """Catch data mistakes early: unique paths, valid outlets, sane sizes and dates."""
    seen = set()
    for s in STORIES:
        key = rel_path(s)
        assert key not in seen, f"duplicate path {key}"
        seen.add(key)
        assert s["outlet"] in OUTLETS, key
        assert when(s).tzinfo is not None and 2017 <= when(s).year <= 2018, key
        assert 4 <= len(s["body"]) <= 8, f"{key}: {len(s['body'])} paragraphs"
        assert set(s["topics"]) <= {"tps", "aid", "corruption"}, key


def eval_records() -> list[dict]:
    """One labelled item per article, for measuring the central-america topic pack."""
    rows = []
    for s in sorted(STORIES, key=rel_path):
        o = OUTLETS[s["outlet"]]
        rows.append({
            "url": url_of(s), "source": s["outlet"],
            "lang": "es" if o["lang"].startswith("es") else "en",
            "published": when(s).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": s["title"], "summary": s["summary"], "body": "\n\n".join(s["body"]),
            "labels": list(s["topics"]), "kind": s["kind"],
            "syndication": s.get("syndication"),
        })
    for i, e in enumerate(EVAL_EXTRA, 1):
        rows.append({"url": f"https://example.invalid/eval/{i}", "source": "eval-extra", "lang": e["lang"],
                     "published": None, "title": e["title"], "summary": e["summary"], "body": "",
                     "labels": e["labels"], "kind": "relevant" if e["labels"] else "negative",
                     "syndication": None})
    return rows


def write_eval(path: Path) -> None:
    """Refresh this site's labelled items in ``path``, keeping every other item already there.

    The evaluation file also holds items written by hand from real reporting;
    regenerating the site must not erase them.
    """
    generated = eval_records()
    ours = {row["url"] for row in generated}
    kept = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("url") not in ours:
                kept.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in generated:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        for line in kept:
            fh.write(line + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="folder to (re)write; default: %(default)s")
    parser.add_argument("--eval", type=Path, metavar="JSONL",
                        help="also write labelled items (title, summary, body, labels) as JSON lines")
    args = parser.parse_args(argv)
    counts = build(args.out)
    if args.eval:
        write_eval(args.eval)
    relevant = sum(1 for s in STORIES if s["kind"] == "relevant")
    print(f"wrote {counts['pages']} article pages ({relevant} relevant) and {counts['feeds']} feeds to {args.out}")


if __name__ == "__main__":
    main()
