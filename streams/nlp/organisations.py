"""Organisations in Arabic text by rules: a head noun and its complement, or a known name.

A head noun ("وزارة", "البنك", "حركة" ... from ``data/org_heads_ar.txt``) takes its complement
up to the phrase boundary: definite words and adjectives ("وزارة الخارجية الأردنية"), a
proper name after an indefinite head ("شركة أرامكو"), prepositional and coordinated
complements ("للطاقة", "لنقل وتوزيع الكهرباء", "والمغتربين"). It stops at the country's
adjective unless a ل-complement follows ("البنك المركزي المصري" | "الفائدة"), at a function
word, a title or a word that shows the phrase is no name ("حركة المرور", "صندوق الاقتراع").
A weak head ("حركة", "سوق") needs a proper name; an indefinite adjective ("شركة صينية") is no
name. Known names and abbreviations (``data/known_orgs.tsv``) are taken as listed; news
agencies are returned apart, for the caller to leave out.
"""

from __future__ import annotations

from streams.nlp.arabic import fold_arabic
from streams.nlp.entity_tokens import (
    TIME_WORDS,
    Tok,
    adjacent,
    definite,
    given,
    is_stop,
    looks_like_verb,
    make_entity,
    match_phrase,
)
from streams.nlp.names import NameTables, name_key
from streams.records import Entity

__all__ = ["organisations"]

_COUNCIL = name_key("مجلس")
_BOARD = frozenset(name_key(w) for w in ("إدارة", "أمناء", "إدارتها", "إدارته"))
_MAX_ORG_TOKENS = 7


_ROYAL_TITLES = frozenset(name_key(w) for w in ("الملك", "الأمير", "الشيخ", "السلطان", "الإمام"))
_NAME_LINKS = frozenset(name_key(w) for w in ("بن", "ابن", "بنت", "آل", "أبو", "عبد"))


def _person_in_name(toks: list[Tok], text: str, k: int, tables: NameTables) -> int:
    """Tokens of a person's name an organisation is named after, at toks[k]: a royal title
    or a given name, then given names and "بن/آل" links ("الملك سعود", "محمد بن راشد")."""
    m = 1 if toks[k].key in _ROYAL_TITLES else 0
    if k + m >= len(toks) or (m and not adjacent(text, toks[k], toks[k + 1])):
        return 0
    if not given(toks[k + m].key, tables, ambiguous_ok=bool(m)):
        return 0
    m += 1
    while k + m < len(toks) and m < 6 and adjacent(text, toks[k + m - 1], toks[k + m]):
        word = toks[k + m].key
        if word in _NAME_LINKS and k + m + 1 < len(toks):
            m += 2
        elif given(word, tables, ambiguous_ok=True):
            m += 1
        else:
            break
    return min(m, len(toks) - k)


def _proper_continuation(word: str, tables: NameTables) -> bool:
    """A further word of a foreign company name: no article, verb, function word or noun
    ending of Arabic ("أرامكو تعلن", "أرامكو اتفاقية" stop)."""
    return (
        len(word) >= 4
        and not definite(word)
        and word[0] not in "يتناو"
        and not (word[0] in "بلفك" and word[1] in "تما")  # "بتمويل", "لمشروع"
        and not word.endswith(("ة", "ه", "ات", "ون", "ين"))
        and not is_stop(word, tables)
        and word not in tables.org_heads
        and word not in tables.complement_stops
        and word not in tables.title_first_words
        and not given(word, tables, ambiguous_ok=True)
        and not word.endswith("ي")
    )


def _nisba(word: str) -> bool:
    """An indefinite relative adjective ("صينية", "تركي"): never a name's complement."""
    return word.endswith(("ي", "ية", "يه", "يون", "يين")) and not definite(word)


def _feminine(word: str) -> bool:
    return word.endswith(("ة", "ه")) and not definite(word)


def _prepositional_run(toks: list[Tok], text: str, k: int) -> int:
    """Tokens of "ل + noun (و + noun)* + definite noun" at toks[k] ("لنقل وتوزيع الكهرباء")."""
    if not (toks[k].key[0] == "ل" and len(toks[k].key) > 3 and not toks[k].key.startswith("لل")):
        return 0
    m = 1
    while k + m < len(toks) and m < 4 and adjacent(text, toks[k + m - 1], toks[k + m]):
        word = toks[k + m].key
        if definite(word):
            return m + 1
        if not (word[0] == "و" and len(word) > 3):
            return 0
        m += 1
    return 0


def _is_place(word: str) -> bool:
    """A country or city name ("دبي", "أبوظبي"): a proper complement ("بلدية دبي")."""
    from streams.nlp.gazetteer import Kind, gazetteer

    return any(
        e.kind in (Kind.CITY, Kind.COUNTRY) and len(e.words) == 1
        for e in gazetteer().by_first.get(fold_arabic(word), ())
    )


def _is_demonym(word: str) -> bool:
    from streams.nlp.gazetteer import Kind, gazetteer

    folded = fold_arabic(word)
    return any(
        e.kind is Kind.DEMONYM and len(e.words) == 1 for e in gazetteer().by_first.get(folded, ())
    )


def _org_complement(
    toks: list[Tok], text: str, j: int, strong: bool, definite_head: bool, tables: NameTables
) -> int:
    """Tokens of a head noun's complement starting at toks[j], up to the phrase boundary."""
    n = 0
    while (
        j + n < len(toks) and n < _MAX_ORG_TOKENS and adjacent(text, toks[j + n - 1], toks[j + n])
    ):
        tok = toks[j + n]
        word, core = tok.key, tok.core
        nxt = toks[j + n + 1] if j + n + 1 < len(toks) else None
        followed_by_definite = nxt is not None and adjacent(text, tok, nxt) and definite(nxt.key)
        if n == 0 and strong and not definite_head:
            named = _person_in_name(toks, text, j, tables)
            if named:
                n = named  # "جامعة الملك سعود", "مؤسسة محمد الخامس للتضامن"
                continue
        if (
            (is_stop(word, tables) and (len(word) <= 4 or not definite(word)))
            or word in TIME_WORDS
            or word in tables.complement_stops
            or word in tables.title_first_words
            or core in tables.title_first_words
        ):
            break
        if n > 0 and _is_demonym(toks[j + n - 1].key) and not word.startswith("ل"):
            break  # "البنك المركزي المصري" ends at the country: "... الفائدة" is the object
        if definite(word):
            if n == 0 and not strong:
                break
            n += 1
            continue
        if definite_head and n == 0:
            break  # "البنك" takes adjectives only: "البنك المركزي"
        if n == 0:
            if (
                word != core
                or given(word, tables, ambiguous_ok=True)
                or looks_like_verb(word, tables)
            ):
                break
            place = _is_place(word)
            if (_nisba(word) and not place) or (_feminine(word) and not followed_by_definite):
                break  # "شركة صينية", "لجنة مشتركة"
            if not strong and followed_by_definite:
                break  # a weak head wants a proper name: "حركة حماس", not "حركة نقل البضائع"
            n += 1
            while (
                strong
                and n < 3
                and j + n < len(toks)
                and adjacent(text, toks[j + n - 1], toks[j + n])
                and _proper_continuation(toks[j + n].key, tables)
            ):
                n += 1  # "شركة تشاينا ميرشانتس", "شركة كوسموس إنرجي"
            continue
        if word.startswith("لل") and core not in tables.complement_stops:
            n += 1  # "للطاقة": a prepositional complement
            continue
        starts_other = (
            core in tables.org_heads
            or core[2:] in tables.org_heads
            or core in tables.known_orgs_index
        )
        if (
            word != core
            and word[0] == "و"
            and definite(core)
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
        n > 0 and toks[j + n - 1].core != toks[j + n - 1].key and not definite(toks[j + n - 1].core)
    ):
        n -= 1  # a complement never ends on "ل"/"و" + an indefinite word
    return n


def organisations(
    toks: list[Tok], text: str, tables: NameTables
) -> tuple[list[Entity], list[tuple[int, int]]]:
    found: list[Entity] = []
    agencies: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        size, via_core = match_phrase(toks, text, i, tables.known_orgs_index)
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
                found.append(make_entity(text, span[0], span[1], "ORG"))
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
