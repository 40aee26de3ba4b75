"""The seed's distinctive names and figures, and where an item names them.

The method, so it can be explained and tested:

* **Names** are runs of capitalised words, joined by the small words of
  institution names (``Alliance for Prosperity``, ``Fiscalía General de la
  Nación``); a run breaks at a possessive, a comma, ``and``/``y``. Leading
  sentence words (``The``, ``Such``), demonyms and roles (``Salvadoran Vice
  President``) are cut off, and a run is also cut before a known given name
  (``... Affairs William Brownfield``). Acronyms of three or more capitals
  count as names; one written in brackets after a name (``Washington Office
  for Latin America (WOLA)``) is the same name, as is an ``alias "..."``.
* **People** are names whose first word is a given name of a built-in
  English and Spanish list, or that follow a role or honorific (``President``,
  ``vicepresidente``, ``Mr``). A person is also found by surname alone
  (``Ortiz``) and, for Spanish double surnames, by the last two words.
* **Figures** are amounts of money, percentages and numbers with thousands
  separators, reduced to one key across languages: ``$460 million`` =
  ``460 millones de dólares``; ``70 percent`` = ``70 por ciento``;
  ``250,000`` = ``250.000``.
* Single capitalised words (``Miami``, ``Cuba``) and names every story on
  the region carries (countries, ``Donald Trump``, ``State Department``)
  are not distinctive and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .folding import paragraphs, strip_accents

_CAP = r"(?:[A-Z]\.|[A-ZÁÉÍÓÚÑÜ][\w-]*\b(?!['’]))"
_JOIN = r"(?:of|for|the|on|de|del|la|las|los|para|y(?= [A-Z]{2}))"
_RUN = re.compile(rf"{_CAP}(?:[ \t]+(?:{_JOIN}[ \t]+)*{_CAP})*")
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")
_ALIAS = re.compile(r"alias\s+[\"“']([^\"”']{3,40})[\"”']")

GIVEN_NAMES = frozenset("""
adam adan alan albert alberto alejandro alexander alfonso alfredo alice alvaro ana andres
andrew angel anna antonio arturo barbara ben benjamin bernardo bill carlos carmen carol
catherine cesar charles christian christopher claudia daniel david diana diego donald
eduardo elizabeth emilio enrique ernesto esteban eva evo felipe fernando francisco frank
gabriel george gerardo gloria gonzalo guillermo gustavo hector hillary hugo ignacio ivan
jack james jane javier jeff jennifer jimmy joe john jorge jose juan julia julian karen
laura leonardo linda lisa lucia luis manuel marco marcos margaret maria mario marta martin
mary mauricio michael miguel mike nancy nayib nicolas oscar otto pablo patricia paul pedro
peter rafael ramon raul ricardo richard robert roberto rodrigo roxana salvador samuel sandra
santiago sara sergio steven susan tegucigalpa thelma thomas tony victor walter william xiomara
""".split()) - {"tegucigalpa"}
_ROLES = frozenset("""
president vice presidente vicepresidente vicepresidenta presidenta secretary secretario
secretaria assistant minister ministro ministra senator senador senadora former ex mr mrs ms
sr sra dr don dona gen general congressman congresswoman diputado diputada fiscal judge juez
ambassador embajador embajadora attorney
""".split())
_DEMONYMS = frozenset("""
us u.s. american salvadoran guatemalan honduran mexican nicaraguan costa colombian
venezuelan cuban salvadoreno guatemalteco hondureno mexicano estadounidense
""".split())
_LEADING = frozenset("""
the a an in on at by for of from to with after before as such similarly also however
according prior following instead rather while when if this that these those but and
el la los las un una en con por para segun tras desde este esta ese esa pero y
see insight what where who why how it he she they we there here even many most some
""".split())
# Names every story about the region carries: they say nothing about this one.
COMMON = frozenset(strip_accents(n).lower() for n in """
United States|Central America|Latin America|South America|North America|El Salvador|Guatemala|
Honduras|Mexico|Donald Trump|Barack Obama|White House|State Department|Northern Triangle|
InSight Crime|Estados Unidos|Centroamérica|América Latina|Casa Blanca|Triángulo Norte|
Departamento de Estado|George W. Bush|Cold War|United Nations|Naciones Unidas|SEE|ALSO|
Central American|Central Americans|Washington|Congress|Senate|Trump|Obama|CentAm|
Drug War|US|USA|EEUU|EE.UU|AP|AFP|EFE|CNN|BBC
""".replace("\n", "").split("|"))

_MONEY = re.compile(
    r"(?:US)?\$\s?(?P<n1>\d[\d.,]*)\s*(?P<u1>million|billion|millones|mil millones|bn|m)?\b"
    r"|(?P<n2>\d[\d.,]*)\s*(?P<u2>million|billion|mil millones|millones)\s+(?:de\s+)?"
    r"(?:dollars|dólares|dolares)", re.I)
_PERCENT = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:percent|per cent|por ciento|%)", re.I)
_COUNT = re.compile(r"(?<![\d$])\d{1,3}(?:[,.]\d{3})+(?![\d%]|\s*(?:percent|por ciento|millones|million))")
_SCALE = {"million": "m", "millones": "m", "m": "m", "billion": "bn", "mil millones": "bn", "bn": "bn"}


@dataclass(frozen=True)
class Name:
    """One distinctive name or figure of the seed.

    ``text`` is how the seed writes it; ``kind`` is ``person``, ``name``
    (places, institutions, programs) or ``figure``; ``forms`` are the
    accent-free spellings searched for in an item (figures: their key);
    ``short`` is how a reason shows it (a person's surname).
    """

    text: str
    kind: str
    forms: tuple[str, ...]
    short: str


def _clean_run(run: str, prev: str) -> tuple[list[str], bool]:
    """The run's words with leading sentence words, demonyms and roles cut
    off, and whether a role or honorific came before the name."""
    tokens = run.split()
    role = prev.rstrip(".").lower() in _ROLES
    while tokens:
        low = strip_accents(tokens[0]).lower().rstrip(".")
        if low in _ROLES:
            role = True
        elif low not in _LEADING and low not in _DEMONYMS:
            break
        tokens.pop(0)
    while tokens and strip_accents(tokens[-1]).lower() in _LEADING:
        tokens.pop()
    return tokens, role


def _split_at_given_name(tokens: list[str]) -> list[list[str]]:
    given = [strip_accents(t).lower() in GIVEN_NAMES for t in tokens]
    for i in range(1, len(tokens) - 1):
        if given[i] and not given[i - 1] and tokens[i - 1][:1].isupper():
            return [tokens[:i], tokens[i:]]
    return [tokens]


def _person_forms(tokens: list[str]) -> tuple[str, ...]:
    words = [strip_accents(t) for t in tokens]
    forms = [" ".join(words), words[-1]]
    if len(words) >= 3:
        forms.append(" ".join(words[-2:]))
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 4))


def _name_forms(name: str) -> tuple[str, ...]:
    """An institution's name and its core: ``Plan of the Alliance for Prosperity for
    Central America`` is also found as ``Alliance for Prosperity``."""
    segments = re.split(rf"((?:[ \t]+{_JOIN})+[ \t]+)", strip_accents(name))
    forms = ["".join(segments)]
    if len(segments) >= 5 and strip_accents(segments[-1]).lower() in COMMON:
        segments = segments[:-2]
        forms.append("".join(segments))
    if len(segments) >= 5:
        forms.append("".join(segments[2:]))
    return tuple(dict.fromkeys(forms))


def _prose(text: str) -> str:
    """The paragraphs of ``text`` that are sentences, not headings or title-case lines."""
    return "\n\n".join(p for p in paragraphs(text) if re.search(r"[.!?:\"”)]$", p))


def find_names(text: str) -> list[Name]:
    """The distinctive names of ``text``'s prose (people first), as described
    in the module docstring."""
    text = _prose(text)
    found: dict[str, Name] = {}
    joined: dict[str, str] = {}  # an acronym or alias -> the name it stands for
    for m in _RUN.finditer(text):
        before = text[:m.start()].rstrip()
        prev = before.split()[-1] if before.split() else ""
        tokens, role = _clean_run(m.group(0), prev)
        for part in _split_at_given_name(tokens) if tokens else []:
            part = [t.rstrip(".,") if not re.fullmatch(r"[A-Z]\.", t) else t for t in part]
            if len(part) < 2:
                continue
            name = " ".join(part)
            key = strip_accents(name).lower()
            if key in COMMON or key in found:
                continue
            person = strip_accents(part[0]).lower() in GIVEN_NAMES or (role and part is tokens)
            found[key] = (Name(name, "person", _person_forms(part), part[-1]) if person
                          else Name(name, "name", forms := _name_forms(name), forms[-1]))
            tail = text[m.end():m.end() + 60]
            if acr := re.match(r"\s*\(([A-Z]{3,6})\)", tail):
                joined[acr.group(1)] = key
            if al := re.match(r",\s*" + _ALIAS.pattern, tail):
                joined[strip_accents(al.group(1)).rstrip(",. ").lower()] = key
    for acr in dict.fromkeys(_ACRONYM.findall(text)):
        if acr.lower() in COMMON:
            continue
        if acr in joined:
            old = found[joined[acr]]
            found[joined[acr]] = Name(old.text, old.kind, old.forms + (acr,), old.short)
        elif acr.lower() not in found:
            found[acr.lower()] = Name(acr, "name", (acr,), acr)
    for alias, key in joined.items():
        if alias.islower() and alias in found:
            old, gone = found[key], found.pop(alias)
            found[key] = Name(old.text, old.kind, old.forms + gone.forms, old.short)
    names = list(found.values())
    return sorted(names, key=lambda n: n.kind != "person")


def figure_keys(text: str) -> dict[str, str]:
    """The figures of ``text``: {key: as written}, e.g. {"$460m": "$460 million"}."""
    out: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    for m in _MONEY.finditer(text):
        number = _number(m.group("n1") or m.group("n2"))
        unit = _SCALE.get((m.group("u1") or m.group("u2") or "").lower(), "")
        if number:
            out.setdefault(f"${number}{unit}", m.group(0).strip())
            spans.append(m.span())
    for m in _PERCENT.finditer(text):
        out.setdefault(f"{_number(m.group('n'))}%", m.group(0))
    for m in _COUNT.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            out.setdefault(_number(m.group(0)), m.group(0))
    return out


def _number(raw: str | None) -> str:
    digits = (raw or "").rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        return digits.replace(",", "").replace(".", "")
    return digits.replace(",", ".")


def find_figures(text: str) -> list[Name]:
    """The figures of ``text`` as :class:`Name` of kind ``figure``."""
    return [Name(shown, "figure", (key,), shown) for key, shown in figure_keys(text).items()]


def named_in(names: list[Name], paragraph: str) -> list[Name]:
    """Which of ``names`` a paragraph names (accents ignored, case kept; figures by key)."""
    folded = strip_accents(paragraph)
    figures = set(figure_keys(paragraph))
    hits = []
    for name in names:
        if name.kind == "figure":
            if name.forms[0] in figures:
                hits.append(name)
        elif _pattern(name).search(folded):
            hits.append(name)
    return hits


@lru_cache(maxsize=1024)
def _pattern(name: Name) -> re.Pattern[str]:
    # One pattern per name, compiled once however many items it is looked for in.
    forms = sorted(name.forms, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")
