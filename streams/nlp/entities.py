"""People and organisations in Arabic news without any model: titles, name chains, head nouns.

The recogniser runs everywhere and marks what it finds ``"source": "rules"``; the CAMeL NER
stage, where its data is installed, overrides it span by span (see ``pipeline._ner``).

People are found
* after a title or role ("الرئيس", "الشيخ", "وزير الخارجية الأمريكي", "المتحدث باسم
  الوزارة"): the role's complement (definite words, demonyms, "باسم" phrases) is skipped and
  the name that follows is taken up to its end (a family name with the article, a
  preposition, punctuation, a verb);
* as a name chain from a known given name: "محمد بن سلمان", "أحمد أبو الغيط", "عبد X";
* as the named speaker of a quotation when that speaker starts with a given name;
* from a short data list of current heads of state and government.

Organisations are a head noun ("وزارة", "البنك", "حركة" ...) with its complement up to the
phrase boundary ("وزارة الخارجية الأردنية", "البنك المركزي المصري"), or a well-known name or
abbreviation from data ("أوبك", "الأمم المتحدة"). News agencies are left to the agency field.
A name that is also a common word ("أمل", "سلام") is never a person on its own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from streams.nlp.entity_tokens import (
    ABD,
    CONNECTORS,
    REPORTING,
    TIME_WORDS,
    Tok,
    adjacent,
    definite,
    given,
    is_stop,
    looks_like_verb,
    make_entity,
    match_phrase,
    tokens,
)
from streams.nlp.names import NameTables, name_key, name_tables
from streams.nlp.organisations import organisations
from streams.nlp.wordlists import read_json
from streams.records import Entity, Quote

__all__ = ["agency_spans", "arabic_entities"]


def _word_set(key: str) -> frozenset[str]:
    return frozenset(name_key(w) for w in read_json("name_rules_ar.json")[key])


# See data/name_rules_ar.json: words that link a role to its complement ("باسم", "العام"),
# words that end a name or are never one ("تصوير", "ثاني"), and nouns after which a name
# names a place ("مطار محمد الخامس").
_ROLE_LINKS = _word_set("role_links")
_NAME_STOPS = _word_set("name_stops")
_FACILITIES = _word_set("facilities")
_MAX_NAME_TOKENS = 5
_MAX_COMPLEMENT = 6


# --- people --------------------------------------------------------------------------------


def _unknown_name_word(word: str, tables: NameTables) -> bool:
    """Whether a word no list knows may still be part of a name ("بلينكن", "ميقاتي").

    Not: a verb or verbal noun shape ("يستقبل", "أكد", "تعزيز"), three letters (mostly past
    verbs and verbal nouns: "عرض", "حرص"), a feminine or plural noun ("جمهورية", "تحضيراته"),
    or any listed function word, title or head noun."""
    if (
        len(word) <= 3
        or is_stop(word, tables)
        or word in tables.org_heads
        or word in tables.title_first_words
        or word in _NAME_STOPS
        or looks_like_verb(word, tables)
    ):
        return False
    if word.endswith(("ة", "ات", "ها", "هم", "هما", "كم", "نا")):
        return False
    if word.endswith("ه") and not word.endswith("يه"):
        return False  # a pronoun suffix; "-يه" writes French "-et/-ier": "بوفيه", "كاريه"
    if word[0] == "و" and word[1] in "يتنا":
        return False  # و + an imperfect verb: "ويترأسان", "وتابع"
    if word[0] == "ت" and len(word) == 5 and word[3] == "ي":
        return False  # the verbal noun pattern تفعيل: "تعزيز", "تسريع"
    return not (word[0] == "ا" and len(word) == 4)  # أفعل: "أكد", "أعلن"


def _family_name(word: str, tables: NameTables, *, strict: bool) -> bool:
    """A definite word that may end a name ("السيسي", "الفالح"), not a common one; after an
    unknown first word only a nisba ("-ي") is."""
    if not definite(word) or (strict and not word.endswith("ي")):
        return False
    return not (
        (is_stop(word, tables) and len(word) <= 4)
        or word in TIME_WORDS
        or word in REPORTING
        or word in tables.org_heads
        or word[2:] in tables.org_heads
        or word in tables.title_first_words
        or word in tables.complement_stops
        or word in _ROLE_LINKS
        or word in _NAME_STOPS
    )


def _name_start_ok(tok: Tok, tables: NameTables, titled: bool) -> bool:
    first = tok.key
    if tok.core != first:
        return False
    if given(first, tables, ambiguous_ok=titled):
        return True
    return titled and not definite(first) and _unknown_name_word(first, tables)


def _name_from(toks: list[Tok], text: str, i: int, tables: NameTables, titled: bool) -> int:
    """Number of tokens of the name starting at toks[i] (0 if none starts there)."""
    if not _name_start_ok(toks[i], tables, titled):
        return 0
    first = toks[i].key
    known_first = given(first, tables, ambiguous_ok=True)
    n, unknown = 1, 0 if known_first else 1
    expect = first in CONNECTORS or first == ABD
    while i + n < len(toks) and n < _MAX_NAME_TOKENS:
        tok = toks[i + n]
        word = tok.key
        if not adjacent(text, toks[i + n - 1], tok):
            break
        if expect:
            if tok.core != word and not given(word, tables, ambiguous_ok=True):
                break
            n += 1
            expect = word in CONNECTORS or word == ABD
            continue
        if tok.core != word and (
            definite(tok.core)
            or given(tok.core, tables, ambiguous_ok=True)
            or tok.core in tables.title_first_words
            or tok.core in tables.org_heads
        ):
            break  # a word with a clitic: "بالشيخ", "والأمريكي", "وأحمد"
        if word in CONNECTORS or word == ABD:
            n, expect = n + 1, True
            continue
        if given(word, tables, ambiguous_ok=True) and word not in _NAME_STOPS:
            n += 1
            continue
        if definite(word):
            strict = not known_first or unknown > 0
            n += 1 if _family_name(word, tables, strict=strict) else 0
            break
        if unknown >= 2 or not _unknown_name_word(word, tables):
            break
        unknown += 1
        n += 1
    if expect:
        n -= 1  # a name never ends on "بن" or "عبد"
    if n == 1 and not given(first, tables, ambiguous_ok=titled):
        return 0  # one word no list knows is too often a common noun
    if n == 1 and not titled:
        return 0
    return max(n, 0)


def _construct_noun(word: str, tables: NameTables) -> bool:
    """An indefinite noun heading a role's genitive ("جمهورية كينيا", "جهاز الاستخبارات")."""
    return word in tables.org_heads or (word.endswith(("ة", "ه", "ات")) and len(word) > 3)


def _skip_complement(
    toks: list[Tok], text: str, j: int, tables: NameTables, places: list[bool]
) -> int:
    """Index of the first token after a role's complement ("الخارجية الأمريكي", "باسم ...",
    "جمهورية كينيا")."""
    skipped = 0
    while j < len(toks) and skipped < _MAX_COMPLEMENT and adjacent(text, toks[j - 1], toks[j]):
        tok = toks[j]
        word, core = tok.key, tok.core
        if given(word, tables, ambiguous_ok=False) and not definite(word):
            break
        after_construct = skipped > 0 and (
            _construct_noun(toks[j - 1].key, tables) or toks[j - 1].key in tables.org_heads
        )
        if (
            (places[j] and after_construct)  # "جمهورية كينيا", not "المهاجم بغداد بلحاج"
            or definite(core)
            or word in _ROLE_LINKS
            or word in tables.org_heads
            or (
                _construct_noun(word, tables)
                and not given(word, tables, ambiguous_ok=True)
                and j + 1 < len(toks)
                and adjacent(text, tok, toks[j + 1])
            )
        ):
            j, skipped = j + 1, skipped + 1
            continue
        break
    return j


def _comma_gap(text: str, a: Tok, b: Tok) -> bool:
    return text[a.end : b.start].strip() in ("،", ",")


def _people(
    toks: list[Tok], text: str, tables: NameTables, taken: list[bool], places: list[bool]
) -> list[Entity]:
    found: list[Entity] = []
    i = 0
    while i < len(toks):
        size, via_core = match_phrase(toks, text, i, tables.leaders_index)
        if size and i > 0 and toks[i - 1].core in _FACILITIES:
            size = 0
        if size:
            start_at = toks[i].core_start if via_core else toks[i].start
            found.append(make_entity(text, start_at, toks[i + size - 1].end, "PER"))
            i += size
            continue
        titled = toks[i].core in tables.title_first_words or toks[i].key in tables.title_first_words
        start = i
        if titled:
            size = match_phrase(toks, text, i, tables.titles_index)[0] or 1
            start = _skip_complement(toks, text, i + size, tables, places)
            after_comma = start < len(toks) and _comma_gap(text, toks[start - 1], toks[start])
            if start >= len(toks) or not (
                adjacent(text, toks[start - 1], toks[start]) or after_comma
            ):
                i += 1
                continue
            if after_comma and not given(toks[start].key, tables, ambiguous_ok=False):
                i += 1  # "وزير الخارجية الأردني، أيمن الصفدي": a comma, then a known name
                continue
            if match_phrase(toks, text, start, tables.leaders_index)[0]:
                i = start
                continue
        after_facility = start > 0 and toks[start - 1].core in _FACILITIES
        n = 0 if taken[start] or after_facility else _name_from(toks, text, start, tables, titled)
        if n:
            found.append(make_entity(text, toks[start].start, toks[start + n - 1].end, "PER"))
            i = start + n
        else:
            i += 1
    return found


def _speakers(text: str, quotes: Iterable[Quote], tables: NameTables) -> list[Entity]:
    """Quote speakers that start with a given name and run into no title or head noun."""
    found: list[Entity] = []
    for quote in quotes:
        speaker = quote["speaker"]
        at = text.rfind(speaker, 0, quote["start"])
        if at < 0:
            continue
        toks = tokens(speaker)
        if not toks:
            continue
        first = toks[0].core
        shifted = [
            Tok(t.start, t.end, t.key if k else first, t.core, t.core_start)
            for k, t in enumerate(toks)
        ]
        n = _name_from(shifted, speaker, 0, tables, titled=True)
        words = [t.key for t in shifted[:n]]
        name_like = given(first, tables, ambiguous_ok=True) or (
            n >= 2
            and (
                any(w in CONNECTORS for w in words)
                or (definite(words[-1]) and words[-1].endswith("ي"))
            )
        )
        if n and name_like:
            found.append(make_entity(text, at + toks[0].core_start, at + toks[n - 1].end, "PER"))
    return found


# --- organisations -------------------------------------------------------------------------


# --- together ------------------------------------------------------------------------------


def _covered(toks: list[Tok], spans: list[tuple[int, int]]) -> list[bool]:
    """For each token, whether one of ``spans`` overlaps it (linear in tokens and spans)."""
    starts = [t.start for t in toks]
    flags = [False] * len(toks)
    for start, end in spans:
        k = max(bisect.bisect_right(starts, start) - 1, 0)
        while k < len(toks) and toks[k].start < end:
            if toks[k].end > start:
                flags[k] = True
            k += 1
    return flags


def _overlaps(a: Entity, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a["start"] < e and s < a["end"] for s, e in spans)


# Credit lines name the page's staff, not the story's people: "كتب: ...", "(تصوير: ...)".
_CREDIT_RE = re.compile(
    r"(?:^|[(\n\-–])[ \t]*(?:كتب|كتبت|بقلم|إعداد|اعداد|تصوير|تحرير|مراسل|مراسلة|متابعة|ترجمة)"
    r"[ \t]*[:ـ\-–]?[^\n)]{0,60}"
)


def _credit_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CREDIT_RE.finditer(text)]


def agency_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the news agencies ``text`` credits ("وكالة الأنباء السعودية", "واس")."""
    return organisations(tokens(text), text, name_tables())[1]


def arabic_entities(
    text: str, quotes: Iterable[Quote] = (), places: Iterable[Entity] = ()
) -> list[Entity]:
    """Persons (PER) and organisations (ORG) found by rules, in text order, no overlaps."""
    tables = name_tables()
    toks = tokens(text)
    orgs, agencies = organisations(toks, text, tables)
    place_spans = [(p["start"], p["end"]) for p in places]
    org_spans = [(o["start"], o["end"]) for o in orgs] + agencies
    taken = _covered(toks, org_spans + place_spans)
    in_place = _covered(toks, place_spans)
    credits = _credit_spans(text)
    people = [
        p
        for p in _people(toks, text, tables, taken, in_place) + _speakers(text, quotes, tables)
        if not _overlaps(p, org_spans)
        and not _overlaps(p, place_spans)
        and not _overlaps(p, credits)
    ]
    chosen: list[Entity] = []
    for entity in sorted(people + orgs, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if chosen and entity["start"] < chosen[-1]["end"]:
            continue
        chosen.append(entity)
    return chosen
