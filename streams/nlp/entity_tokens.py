"""Arabic words as the rules-based recogniser sees them, and the tests on them it shares.

A token keeps its span, its lookup key (:func:`streams.nlp.names.name_key`) and its core: the
key without a leading conjunction or preposition when what remains is a word the recogniser
knows or carries the article ("والرئيس" -> "الرئيس"); "بوخاري" and "وليد" stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from streams.nlp.names import NameTables, name_key, name_tables
from streams.records import Entity

__all__ = [
    "ABD",
    "CONNECTORS",
    "REPORTING",
    "TIME_WORDS",
    "Tok",
    "adjacent",
    "definite",
    "given",
    "is_stop",
    "looks_like_verb",
    "make_entity",
    "match_phrase",
    "tokens",
]

_TOKEN_RE = re.compile(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3\u064b-\u0652\u0670\u0640]+")
_DOCTOR = "د"  # "د." abbreviates الدكتور; its dot does not end the phrase
_CLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
CONNECTORS = frozenset(name_key(w) for w in ("بن", "ابن", "بنت", "أبو", "أبي", "أبا", "آل", "ولد"))
ABD = name_key("عبد")
TIME_WORDS = frozenset(
    name_key(w)
    for w in (
        "اليوم", "أمس", "غدا", "الليلة", "صباح", "مساء", "السبت", "الأحد", "الاثنين",
        "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "الأسبوع", "الشهر", "العام", "الماضي",
        "المقبل", "الحالي", "الجاري", "الأخير", "لاحقا", "مؤخرا", "أيضا", "كذلك",
    )
)  # fmt: skip
REPORTING = frozenset(
    name_key(w + s)
    for w in ("قال", "أكد", "أوضح", "أضاف", "أشار", "صرح", "ذكر", "أعلن", "شدد", "دعا", "بحث")
    for s in ("", "ت", "وا")
)
# Words that end a name or are never one: photo credits, ordinals that are also given names
# ("ثاني"), the honorific of a king ("خادم الحرمين").


@dataclass(frozen=True, slots=True)
class Tok:
    start: int
    end: int
    key: str  # name_key of the written word
    core: str  # key without a leading clitic (the key itself when none applies)
    core_start: int  # where the core starts in the text


def tokens(text: str) -> list[Tok]:
    tables = name_tables()
    out: list[Tok] = []
    for m in _TOKEN_RE.finditer(text):
        key = name_key(m.group())
        core, offset = strip_clitic(key, tables)
        out.append(Tok(m.start(), m.end(), key, core, m.start() + offset))
    return out


def strip_clitic(key: str, tables: NameTables) -> tuple[str, int]:
    """The word without a leading conjunction or preposition, when what remains is a word the
    recogniser knows or carries the article; "بوخاري" and "وليد" stay whole."""
    if known_word(key, tables):
        return key, 0
    for clitic in _CLITICS:
        rest = key[len(clitic) :]
        if not key.startswith(clitic) or len(rest) < 2:
            continue
        if clitic.endswith("ل") and rest.startswith("ل"):
            return "ا" + rest, len(clitic) - 1  # لل = ل + ال
        if rest.startswith("ال") or known_word(rest, tables) or rest in tables.known_first_words:
            return rest, len(clitic)
    return key, 0


def known_word(key: str, tables: NameTables) -> bool:
    return (
        key in tables.given_names
        or key in tables.ambiguous_given_names
        or key in tables.title_first_words
        or key in tables.org_heads
        or key in tables.stopwords
    )


def adjacent(text: str, a: Tok, b: Tok) -> bool:
    gap = text[a.end : b.start]
    if a.key == _DOCTOR:
        gap = gap.replace(".", "", 1)
    return not gap.strip()


def definite(word: str) -> bool:
    return word.startswith("ال") and len(word) > 3


def is_stop(word: str, tables: NameTables) -> bool:
    return word in tables.stopwords or word in TIME_WORDS or word in REPORTING


def given(word: str, tables: NameTables, *, ambiguous_ok: bool) -> bool:
    return word in tables.given_names or (ambiguous_ok and word in tables.ambiguous_given_names)


def match_phrase(
    toks: list[Tok], text: str, i: int, index: Mapping[str, tuple[tuple[str, ...], ...]]
) -> tuple[int, bool]:
    """Length of the longest phrase of ``index`` (first word -> phrases, longest first)
    starting at token i, and whether its first word was read without its clitic ("والأمم
    المتحدة") rather than as written ("واس")."""
    best, via_core = 0, False
    for first, core in ((toks[i].key, False), (toks[i].core, True)):
        for phrase in index.get(first, ()):
            n = len(phrase)
            if n <= best:
                break
            if i + n <= len(toks) and all(
                toks[i + k].key == phrase[k] and adjacent(text, toks[i + k - 1], toks[i + k])
                for k in range(1, n)
            ):
                best, via_core = n, core
                break
    return best, via_core


def looks_like_verb(word: str, tables: NameTables) -> bool:
    return len(word) >= 4 and word[0] == "ي" and word not in tables.given_names


def make_entity(text: str, start: int, end: int, label: str) -> Entity:
    return Entity(text=text[start:end], label=label, start=start, end=end, source="rules")
