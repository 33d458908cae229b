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
# Words that end a name or are never one: photo credits, ordinals that are also given names
# ("ثاني"), the honorific of a king ("خادم الحرمين").
_NAME_STOPS = frozenset(
    name_key(w)
    for w in ("تصوير", "ثاني", "الثاني", "خادم", "الحرمين", "عزيز", "ابتداء", "اعتبارا", "رئيس")
)
# Nouns after which a name names a place: "مطار محمد الخامس", "ملعب الحسن الثاني".
_FACILITIES = frozenset(
    name_key(w)
    for w in (
        "مطار", "ملعب", "مسجد", "شارع", "جامعة", "مستشفى", "مدرسة", "ميناء", "جسر", "قاعة",
        "مركز", "مدينة", "حي", "ساحة", "قصر", "مجمع", "طريق", "مؤسسة", "جائزة", "مهرجان",
        "ملعبي", "مطارات", "قاعدة", "سد", "محطة", "برج", "مجمّع", "كلية", "معهد", "مكتبة",
    )
)  # fmt: skip
_COUNCIL = name_key("مجلس")
_BOARD = frozenset(name_key(w) for w in ("إدارة", "أمناء", "إدارتها", "إدارته"))
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
    """The word without a leading conjunction or preposition, when what remains is a word the
    recogniser knows or carries the article; "بوخاري" and "وليد" stay whole."""
    if _known_word(key, tables):
        return key, 0
    for clitic in _CLITICS:
        rest = key[len(clitic) :]
        if not key.startswith(clitic) or len(rest) < 2:
            continue
        if clitic.endswith("ل") and rest.startswith("ل"):
            return "ا" + rest, len(clitic) - 1  # لل = ل + ال
        if rest.startswith("ال") or _known_word(rest, tables) or rest in tables.known_first_words:
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


def _unknown_name_word(word: str, tables: NameTables) -> bool:
    """Whether a word no list knows may still be part of a name ("بلينكن", "ميقاتي").

    Not: a verb or verbal noun shape ("يستقبل", "أكد", "تعزيز"), three letters (mostly past
    verbs and verbal nouns: "عرض", "حرص"), a feminine or plural noun ("جمهورية", "تحضيراته"),
    or any listed function word, title or head noun."""
    if (
        len(word) <= 3
        or _is_stop(word, tables)
        or word in tables.org_heads
        or word in tables.title_first_words
        or word in _NAME_STOPS
        or _looks_like_verb(word, tables)
    ):
        return False
    if word.endswith(("ة", "ه", "ات", "ها", "هم", "هما", "كم", "نا")):
        return False
    if word[0] == "ت" and len(word) == 5 and word[3] == "ي":
        return False  # the verbal noun pattern تفعيل: "تعزيز", "تسريع"
    return not (word[0] == "ا" and len(word) == 4)  # أفعل: "أكد", "أعلن"


def _family_name(word: str, tables: NameTables, *, strict: bool) -> bool:
    """A definite word that may end a name ("السيسي", "الفالح"), not a common one; after an
    unknown first word only a nisba ("-ي") is."""
    if not _definite(word) or (strict and not word.endswith("ي")):
        return False
    return not (
        (_is_stop(word, tables) and len(word) <= 4)
        or word in _TIME_WORDS
        or word in _REPORTING
        or word in tables.org_heads
        or word[2:] in tables.org_heads
        or word in tables.title_first_words
        or word in tables.complement_stops
        or word in _BASM
        or word in _NAME_STOPS
    )


def _name_start_ok(tok: _Tok, tables: NameTables, titled: bool) -> bool:
    first = tok.key
    if tok.core != first:
        return False
    if _given(first, tables, ambiguous_ok=titled):
        return True
    return titled and not _definite(first) and _unknown_name_word(first, tables)


def _name_from(toks: list[_Tok], text: str, i: int, tables: NameTables, titled: bool) -> int:
    """Number of tokens of the name starting at toks[i] (0 if none starts there)."""
    if not _name_start_ok(toks[i], tables, titled):
        return 0
    first = toks[i].key
    known_first = _given(first, tables, ambiguous_ok=True)
    n, unknown = 1, 0 if known_first else 1
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
        if _given(word, tables, ambiguous_ok=True) and word not in _NAME_STOPS:
            n += 1
            continue
        if _definite(word):
            strict = not known_first or unknown > 0
            n += 1 if _family_name(word, tables, strict=strict) else 0
            break
        if unknown >= 2 or not _unknown_name_word(word, tables):
            break
        unknown += 1
        n += 1
    if expect:
        n -= 1  # a name never ends on "بن" or "عبد"
    if n == 1 and not _given(first, tables, ambiguous_ok=titled):
        return 0  # one word no list knows is too often a common noun
    if n == 1 and not titled:
        return 0
    return max(n, 0)


def _construct_noun(word: str, tables: NameTables) -> bool:
    """An indefinite noun heading a role's genitive ("جمهورية كينيا", "جهاز الاستخبارات")."""
    return word in tables.org_heads or (word.endswith(("ة", "ه", "ات")) and len(word) > 3)


def _skip_complement(
    toks: list[_Tok], text: str, j: int, tables: NameTables, places: list[bool]
) -> int:
    """Index of the first token after a role's complement ("الخارجية الأمريكي", "باسم ...",
    "جمهورية كينيا")."""
    skipped = 0
    while j < len(toks) and skipped < _MAX_COMPLEMENT and _adjacent(text, toks[j - 1], toks[j]):
        tok = toks[j]
        word, core = tok.key, tok.core
        if _given(word, tables, ambiguous_ok=False) and not _definite(word):
            break
        if (
            places[j]
            or _definite(core)
            or word in _BASM
            or word in tables.org_heads
            or (
                _construct_noun(word, tables)
                and not _given(word, tables, ambiguous_ok=True)
                and j + 1 < len(toks)
                and _adjacent(text, tok, toks[j + 1])
            )
        ):
            j, skipped = j + 1, skipped + 1
            continue
        break
    return j


def _people(
    toks: list[_Tok], text: str, tables: NameTables, taken: list[bool], places: list[bool]
) -> list[Entity]:
    found: list[Entity] = []
    i = 0
    while i < len(toks):
        size, via_core = _match_phrase(toks, text, i, tables.leaders)
        if size and i > 0 and toks[i - 1].core in _FACILITIES:
            size = 0
        if size:
            start_at = toks[i].core_start if via_core else toks[i].start
            found.append(_entity(text, start_at, toks[i + size - 1].end, "PER"))
            i += size
            continue
        titled = toks[i].core in tables.title_first_words or toks[i].key in tables.title_first_words
        start = i
        if titled:
            size = _match_phrase(toks, text, i, tables.titles)[0] or 1
            start = _skip_complement(toks, text, i + size, tables, places)
            if start >= len(toks) or not _adjacent(text, toks[start - 1], toks[start]):
                i += 1
                continue
            if _match_phrase(toks, text, start, tables.leaders)[0]:
                i = start
                continue
        after_facility = start > 0 and toks[start - 1].core in _FACILITIES
        n = 0 if taken[start] or after_facility else _name_from(toks, text, start, tables, titled)
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
        shifted = [
            _Tok(t.start, t.end, t.key if k else first, t.core, t.core_start)
            for k, t in enumerate(toks)
        ]
        n = _name_from(shifted, speaker, 0, tables, titled=True)
        words = [t.key for t in shifted[:n]]
        name_like = _given(first, tables, ambiguous_ok=True) or (
            n >= 2
            and (
                any(w in _CONNECTORS for w in words)
                or (_definite(words[-1]) and words[-1].endswith("ي"))
            )
        )
        if n and name_like:
            found.append(_entity(text, at + toks[0].core_start, at + toks[n - 1].end, "PER"))
    return found


# --- organisations -------------------------------------------------------------------------


def _nisba(word: str) -> bool:
    """An indefinite relative adjective ("صينية", "تركي"): never a name's complement."""
    return word.endswith(("ي", "ية", "يه", "يون", "يين")) and not _definite(word)


def _feminine(word: str) -> bool:
    return word.endswith(("ة", "ه")) and not _definite(word)


def _prepositional_run(toks: list[_Tok], text: str, k: int) -> int:
    """Tokens of "ل + noun (و + noun)* + definite noun" at toks[k] ("لنقل وتوزيع الكهرباء")."""
    if not (toks[k].key[0] == "ل" and len(toks[k].key) > 3 and not toks[k].key.startswith("لل")):
        return 0
    m = 1
    while k + m < len(toks) and m < 4 and _adjacent(text, toks[k + m - 1], toks[k + m]):
        word = toks[k + m].key
        if _definite(word):
            return m + 1
        if not (word[0] == "و" and len(word) > 3):
            return 0
        m += 1
    return 0


def _is_demonym(word: str) -> bool:
    from streams.nlp.gazetteer import Kind, gazetteer
    from streams.nlp.places_text import fold_arabic

    folded = fold_arabic(word)
    return any(
        e.kind is Kind.DEMONYM and len(e.words) == 1 for e in gazetteer().by_first.get(folded, ())
    )


def _org_complement(
    toks: list[_Tok], text: str, j: int, strong: bool, definite_head: bool, tables: NameTables
) -> int:
    """Tokens of a head noun's complement starting at toks[j], up to the phrase boundary."""
    n = 0
    while (
        j + n < len(toks) and n < _MAX_ORG_TOKENS and _adjacent(text, toks[j + n - 1], toks[j + n])
    ):
        tok = toks[j + n]
        word, core = tok.key, tok.core
        nxt = toks[j + n + 1] if j + n + 1 < len(toks) else None
        followed_by_definite = nxt is not None and _adjacent(text, tok, nxt) and _definite(nxt.key)
        if (
            (_is_stop(word, tables) and (len(word) <= 4 or not _definite(word)))
            or word in _TIME_WORDS
            or word in tables.complement_stops
            or word in tables.title_first_words
            or core in tables.title_first_words
        ):
            break
        if n > 0 and _is_demonym(toks[j + n - 1].key) and not word.startswith("ل"):
            break  # "البنك المركزي المصري" ends at the country: "... الفائدة" is the object
        if _definite(word):
            if n == 0 and not strong:
                break
            n += 1
            continue
        if definite_head and n == 0:
            break  # "البنك" takes adjectives only: "البنك المركزي"
        if n == 0:
            if (
                word != core
                or _given(word, tables, ambiguous_ok=True)
                or _looks_like_verb(word, tables)
            ):
                break
            if _nisba(word) or (_feminine(word) and not followed_by_definite):
                break  # "شركة صينية", "لجنة مشتركة"
            if not strong and followed_by_definite:
                break  # a weak head wants a proper name: "حركة حماس", not "حركة نقل البضائع"
            n += 1
            continue
        if word.startswith("لل") and core not in tables.complement_stops:
            n += 1  # "للطاقة": a prepositional complement
            continue
        starts_other = (
            core in tables.org_heads
            or core[2:] in tables.org_heads
            or any(known[0] == core for known in tables.known_orgs)
        )
        if (
            word != core
            and _definite(core)
            and not starts_other
            and core not in tables.complement_stops
        ):
            n += 1  # "والمغتربين": a coordinated complement
            continue
        run = 0 if starts_other else _prepositional_run(toks, text, j + n)
        if run:
            n += run  # "لنقل وتوزيع الكهرباء", "لإغاثة وتشغيل اللاجئين"
            continue
        if word[0] == "و" and nxt is not None and nxt.key[0] == "ل" and word != core:
            break
        break
    while (
        n > 0
        and toks[j + n - 1].core != toks[j + n - 1].key
        and not _definite(toks[j + n - 1].core)
    ):
        n -= 1  # a complement never ends on "ل"/"و" + an indefinite word
    return n


def _organisations(
    toks: list[_Tok], text: str, tables: NameTables
) -> tuple[list[Entity], list[tuple[int, int]]]:
    found: list[Entity] = []
    agencies: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        size, via_core = _match_phrase(toks, text, i, tables.known_orgs)
        head = toks[i].core
        bare_head = head[2:] if head.startswith("ال") else head
        if bare_head == _COUNCIL and i + 1 < len(toks) and toks[i + 1].key in _BOARD and not size:
            i += 2  # "مجلس إدارة الشركة": the organisation is what follows
            continue
        if bare_head in tables.org_heads:
            definite_head = head != bare_head
            strong = tables.org_heads[bare_head]
            n = 0
            if strong or not definite_head:
                n = _org_complement(toks, text, i + 1, strong, definite_head, tables)
            if n and 1 + n > size:
                size, via_core = 1 + n, True
        if size:
            phrase = tuple(t.key for t in toks[i : i + size])
            if via_core:
                phrase = (toks[i].core, *phrase[1:])
            end = toks[i + size - 1].end
            if text[end : end + 1] == "+":
                end += 1  # "أوبك+"
            span = (toks[i].core_start if via_core else toks[i].start, end)
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
        kind == "agency" and known == phrase[: len(known)]
        for known, kind in tables.known_orgs.items()
    )


# --- together ------------------------------------------------------------------------------


def _entity(text: str, start: int, end: int, label: str) -> Entity:
    return Entity(text=text[start:end], label=label, start=start, end=end, source="rules")


def _overlaps(a: Entity, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a["start"] < e and s < a["end"] for s, e in spans)


# Credit lines name the page's staff, not the story's people: "كتب: ...", "(تصوير: ...)".
_CREDIT_RE = re.compile(
    r"(?:^|[(\n\-–])[ \t]*(?:كتب|كتبت|بقلم|إعداد|اعداد|تصوير|تحرير|مراسل|مراسلة|متابعة|ترجمة)"
    r"[ \t]*[:ـ\-–]?[^\n)]{0,60}"
)


def _credit_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _CREDIT_RE.finditer(text)]


def arabic_entities(
    text: str, quotes: Iterable[Quote] = (), places: Iterable[Entity] = ()
) -> list[Entity]:
    """Persons (PER) and organisations (ORG) found by rules, in text order, no overlaps."""
    tables = name_tables()
    toks = _tokens(text)
    orgs, agencies = _organisations(toks, text, tables)
    place_spans = [(p["start"], p["end"]) for p in places]
    org_spans = [(o["start"], o["end"]) for o in orgs] + agencies
    taken = [any(s < t.end and t.start < e for s, e in org_spans + place_spans) for t in toks]
    in_place = [any(s < t.end and t.start < e for s, e in place_spans) for t in toks]
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
