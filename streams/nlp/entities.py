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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from streams.nlp.names import NameTables, name_key, name_tables
from streams.records import Entity, Quote

__all__ = ["arabic_entities"]

_TOKEN_RE = re.compile(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3\u064b-\u0652\u0670\u0640]+")
_DOCTOR = "د"  # "د." abbreviates الدكتور; its dot does not end the phrase
_CLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
_CONNECTORS = frozenset(name_key(w) for w in ("بن", "ابن", "بنت", "أبو", "أبي", "أبا", "آل", "ولد"))
_ABD = name_key("عبد")
_BASM = frozenset(name_key(w) for w in ("باسم", "لشؤون", "العام", "العامة", "الأسبق", "السابق"))
_TIME_WORDS = frozenset(
    name_key(w)
    for w in (
        "اليوم", "أمس", "غدا", "الليلة", "صباح", "مساء", "السبت", "الأحد", "الاثنين",
        "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "الأسبوع", "الشهر", "العام", "الماضي",
        "المقبل", "الحالي", "الجاري", "الأخير", "لاحقا", "مؤخرا", "أيضا", "كذلك",
    )
)  # fmt: skip
_REPORTING = frozenset(
    name_key(w + s)
    for w in ("قال", "أكد", "أوضح", "أضاف", "أشار", "صرح", "ذكر", "أعلن", "شدد", "دعا", "بحث")
    for s in ("", "ت", "وا")
)
_MAX_NAME_TOKENS = 5
_MAX_COMPLEMENT = 6
_MAX_ORG_TOKENS = 7


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    key: str  # name_key of the written word
    core: str  # key without a leading clitic (the key itself when none applies)
    core_start: int  # where the core starts in the text


def _tokens(text: str) -> list[_Tok]:
    tables = name_tables()
    out: list[_Tok] = []
    for m in _TOKEN_RE.finditer(text):
        key = name_key(m.group())
        core, offset = _strip_clitic(key, tables)
        out.append(_Tok(m.start(), m.end(), key, core, m.start() + offset))
    return out


def _strip_clitic(key: str, tables: NameTables) -> tuple[str, int]:
    if _known_word(key, tables):
        return key, 0
    for clitic in _CLITICS:
        rest = key[len(clitic) :]
        if key.startswith(clitic) and len(rest) >= 2:
            if clitic.endswith("ل") and rest.startswith("ل"):
                return "ا" + rest, len(clitic) - 1  # لل = ل + ال
            return rest, len(clitic)
    return key, 0


def _known_word(key: str, tables: NameTables) -> bool:
    return (
        key in tables.given_names
        or key in tables.ambiguous_given_names
        or key in tables.title_first_words
        or key in tables.org_heads
        or key in tables.stopwords
    )


def _adjacent(text: str, a: _Tok, b: _Tok) -> bool:
    gap = text[a.end : b.start]
    if a.key == _DOCTOR:
        gap = gap.replace(".", "", 1)
    return not gap.strip()


def _definite(word: str) -> bool:
    return word.startswith("ال") and len(word) > 3


def _is_stop(word: str, tables: NameTables) -> bool:
    return word in tables.stopwords or word in _TIME_WORDS or word in _REPORTING


def _given(word: str, tables: NameTables, *, ambiguous_ok: bool) -> bool:
    return word in tables.given_names or (ambiguous_ok and word in tables.ambiguous_given_names)


def _match_phrase(
    toks: list[_Tok], text: str, i: int, phrases: Iterable[tuple[str, ...]]
) -> tuple[int, bool]:
    """Length of the longest phrase starting at token i, and whether its first word was read
    without its clitic ("والأمم المتحدة") rather than as written ("واس")."""
    best, via_core = 0, False
    for phrase in phrases:
        n = len(phrase)
        if n <= best or i + n > len(toks):
            continue
        if toks[i].key == phrase[0]:
            core = False
        elif toks[i].core == phrase[0]:
            core = True
        else:
            continue
        if all(
            toks[i + k].key == phrase[k] and _adjacent(text, toks[i + k - 1], toks[i + k])
            for k in range(1, n)
        ):
            best, via_core = n, core
    return best, via_core


# --- people --------------------------------------------------------------------------------


def _looks_like_verb(word: str, tables: NameTables) -> bool:
    return len(word) >= 4 and word[0] == "ي" and word not in tables.given_names


def _family_name(word: str, tables: NameTables) -> bool:
    """A definite word that may end a name ("السيسي", "الفالح"), not a common one."""
    return (
        _definite(word)
        and not _is_stop(word, tables)
        and word not in tables.org_heads
        and word[2:] not in tables.org_heads
        and word not in tables.title_first_words
        and word not in tables.complement_stops
        and word not in _BASM
    )


def _name_from(toks: list[_Tok], text: str, i: int, tables: NameTables, titled: bool) -> int:
    """Number of tokens of the name starting at toks[i] (0 if none starts there)."""
    first = toks[i].key
    if _is_stop(first, tables) and not _given(first, tables, ambiguous_ok=True):
        return 0
    if first in tables.org_heads or first in tables.title_first_words:
        return 0
    if _definite(first) and not _given(first, tables, ambiguous_ok=True):
        return 0
    if toks[i].core != first or _looks_like_verb(first, tables):
        return 0
    if not titled and not _given(first, tables, ambiguous_ok=False):
        return 0
    n, unknown = 1, 0 if _given(first, tables, ambiguous_ok=True) else 1
    expect = first in _CONNECTORS or first == _ABD
    while i + n < len(toks) and n < _MAX_NAME_TOKENS:
        tok = toks[i + n]
        word = tok.key
        if not _adjacent(text, toks[i + n - 1], tok):
            break
        if expect:
            if tok.core != word and not _given(word, tables, ambiguous_ok=True):
                break
            n += 1
            expect = word in _CONNECTORS or word == _ABD
            continue
        if tok.core != word:
            break  # a word with a clitic: "بالشيخ", "والأمريكي"
        if word in _CONNECTORS or word == _ABD:
            n, expect = n + 1, True
            continue
        if _given(word, tables, ambiguous_ok=True):
            n += 1
            continue
        if _definite(word):
            n += 1 if _family_name(word, tables) else 0
            break
        if (
            _is_stop(word, tables)
            or word in tables.org_heads
            or word in tables.title_first_words
            or _looks_like_verb(word, tables)
            or unknown >= 2
        ):
            break
        unknown += 1
        n += 1
    if expect:
        n -= 1  # a name never ends on "بن" or "عبد"
    if n <= 1 and not titled:
        return 0
    return max(n, 0)


def _skip_complement(toks: list[_Tok], text: str, j: int, tables: NameTables) -> int:
    """Index of the first token after a role's complement ("الخارجية الأمريكي", "باسم ...")."""
    skipped = 0
    while j < len(toks) and skipped < _MAX_COMPLEMENT and _adjacent(text, toks[j - 1], toks[j]):
        word = toks[j].key
        if _given(word, tables, ambiguous_ok=False) and not _definite(word):
            break
        if _definite(word) or word in _BASM or word in tables.org_heads or toks[j].core != word:
            if _definite(toks[j].core) or word in _BASM or word in tables.org_heads:
                j, skipped = j + 1, skipped + 1
                continue
        break
    return j


def _people(toks: list[_Tok], text: str, tables: NameTables, taken: list[bool]) -> list[Entity]:
    found: list[Entity] = []
    i = 0
    while i < len(toks):
        size, via_core = _match_phrase(toks, text, i, tables.leaders)
        if size:
            start_at = toks[i].core_start if via_core else toks[i].start
            found.append(_entity(text, start_at, toks[i + size - 1].end, "PER"))
            i += size
            continue
        titled = toks[i].core in tables.title_first_words or toks[i].key in tables.title_first_words
        start = i
        if titled:
            size = _match_phrase(toks, text, i, tables.titles)[0] or 1
            start = _skip_complement(toks, text, i + size, tables)
            if start >= len(toks) or not _adjacent(text, toks[start - 1], toks[start]):
                i += 1
                continue
            if _match_phrase(toks, text, start, tables.leaders)[0]:
                i = start
                continue
        n = _name_from(toks, text, start, tables, titled) if not taken[start] else 0
        if n:
            found.append(_entity(text, toks[start].start, toks[start + n - 1].end, "PER"))
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
        toks = _tokens(speaker)
        if not toks:
            continue
        first = toks[0].core
        if not _given(first, tables, ambiguous_ok=True):
            continue
        shifted = [
            _Tok(t.start, t.end, t.key if k else first, t.core, t.core_start)
            for k, t in enumerate(toks)
        ]
        n = _name_from(shifted, speaker, 0, tables, titled=True)
        if n:
            found.append(_entity(text, at + toks[0].core_start, at + toks[n - 1].end, "PER"))
    return found


# --- organisations -------------------------------------------------------------------------


def _org_complement(toks: list[_Tok], text: str, j: int, strong: bool, tables: NameTables) -> int:
    """Tokens of a head noun's complement starting at toks[j]."""
    n = 0
    seen_definite = False
    while j + n < len(toks) and n < _MAX_ORG_TOKENS and _adjacent(text, toks[j + n - 1], toks[j + n]):
        tok = toks[j + n]
        word, core = tok.key, tok.core
        if _is_stop(word, tables) or word in tables.complement_stops:
            break
        if _definite(word):
            if n == 0 and not strong:
                break
            seen_definite = True
            n += 1
            continue
        if n > 0 and word.startswith("لل") and core not in tables.complement_stops:
            n += 1  # "للطاقة", "لدول": a prepositional complement
            continue
        if n == 0 and not _given(word, tables, ambiguous_ok=True) and not _looks_like_verb(
            word, tables
        ):
            n += 1  # a proper name: "حركة حماس", "شركة أرامكو"
            continue
        if seen_definite or n > 0:
            break
        break
    while n > 0 and toks[j + n - 1].core != toks[j + n - 1].key:
        n -= 1  # a complement never ends on a coordinated word
    return n


def _organisations(toks: list[_Tok], text: str, tables: NameTables) -> tuple[list[Entity], list[tuple[int, int]]]:
    found: list[Entity] = []
    agencies: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        size, via_core = _match_phrase(toks, text, i, tables.known_orgs)
        head = toks[i].core
        bare_head = head[2:] if head.startswith("ال") else head
        if bare_head in tables.org_heads:
            n = _org_complement(toks, text, i + 1, tables.org_heads[bare_head] or head != bare_head, tables)
            if head != bare_head and n and not any(_definite(toks[i + k].key) for k in range(1, n + 1)):
                n = 0
            if n and 1 + n > size:
                size, via_core = 1 + n, True
        if size:
            phrase = tuple(t.key for t in toks[i : i + size])
            if via_core:
                phrase = (toks[i].core, *phrase[1:])
            span = (toks[i].core_start if via_core else toks[i].start, toks[i + size - 1].end)
            if tables.known_orgs.get(phrase) == "agency" or _is_agency(phrase, tables):
                agencies.append(span)
            else:
                found.append(_entity(text, span[0], span[1], "ORG"))
            i += size
        else:
            i += 1
    return found, agencies


def _is_agency(phrase: tuple[str, ...], tables: NameTables) -> bool:
    agency = name_key("وكالة")
    head = phrase[0][2:] if phrase[0].startswith("ال") else phrase[0]
    return head == agency or any(
        kind == "agency" and known == phrase[: len(known)] for known, kind in tables.known_orgs.items()
    )


# --- together ------------------------------------------------------------------------------


def _entity(text: str, start: int, end: int, label: str) -> Entity:
    return Entity(text=text[start:end], label=label, start=start, end=end, source="rules")


def _overlaps(a: Entity, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a["start"] < e and s < a["end"] for s, e in spans)


def arabic_entities(
    text: str, quotes: Iterable[Quote] = (), places: Iterable[Entity] = ()
) -> list[Entity]:
    """Persons (PER) and organisations (ORG) found by rules, in text order, no overlaps."""
    tables = name_tables()
    toks = _tokens(text)
    orgs, agencies = _organisations(toks, text, tables)
    place_spans = [(p["start"], p["end"]) for p in places]
    org_spans = [(o["start"], o["end"]) for o in orgs] + agencies
    taken = [
        any(s < t.end and t.start < e for s, e in org_spans + place_spans) for t in toks
    ]
    people = [
        p
        for p in _people(toks, text, tables, taken) + _speakers(text, quotes, tables)
        if not _overlaps(p, org_spans) and not _overlaps(p, place_spans)
    ]
    chosen: list[Entity] = []
    for entity in sorted(people + orgs, key=lambda e: (e["start"], -(e["end"] - e["start"]))):
        if chosen and entity["start"] < chosen[-1]["end"]:
            continue
        chosen.append(entity)
    return chosen
