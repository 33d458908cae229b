"""Keywords of an article from the tokens the segmenter already produced.

Scoring is term frequency, normalised by the number of content tokens so scores compare across
articles of different length, with occurrences in the first sentence (the title) counted 1.5
times: a title names the story, but one title word must not outrank the body's main subject.

Terms are stems in the search form of :func:`streams.nlp.text.normalize_text`, not surface
forms: the article and the clitics glued to it ("والدولار", "بالدولار", "الدولار") are cut by
tashaphyne's light stemmer, restricted to those prefixes (its full affix set also cuts the
first letter of "وزير" and "فلسطين"); its segmentation with the longest prefix that leaves a
stem of three letters or more wins, read on the word as written so "ألمانيا" keeps its alef.
A bare conjunction or preposition ("ودولار") is cut only when the remainder occurs in the same
article. Page furniture ("عاجل", "اقرأ أيضا", data/keyword_furniture.txt) is dropped. English
and French articles get lower-cased words without their stopwords.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar

from streams.nlp.text import normalize_token
from streams.nlp.wordlists import read_lines
from streams.records import Keyword, Sentence

logger = logging.getLogger(__name__)

__all__ = ["top_keywords"]

_TITLE_WEIGHT = 1.5
_MIN_LENGTH = 2

# Conjunction and preposition clitics left on a stem once the article is cut, longest first.
_PREFIXES = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_PREFIX_INITIALS = frozenset(prefix[0] for prefix in _PREFIXES)

# Words the general list lacks but that carry no topic in news: reporting verbs, dateline
# weekdays, and frequent function-like nouns and prepositions.
_REPORTING_VERBS = (
    "قال", "أوضح", "أكد", "أضاف", "أشار", "صرح", "ذكر", "أعلن", "شدد", "لفت", "تابع", "اعتبر",
    "أفاد", "نقل", "أكدا", "قالا", "أضافا",
)  # fmt: skip
_NEWS_STOPWORDS = (
    "بشأن", "ضد", "عبر", "اليوم", "سيما", "كافة", "إطار", "تم", "يتم", "وتم", "جرى", "يجري",
    "عقب", "أخرى", "آخر", "يكون", "تكون", "عدد", "جانب", "وفق", "وفقا", "حاليا", "مضيفا",
    "مشيرا", "مؤكدا", "موضحا", "لافتا", "معربا", "السبت", "الأحد", "الاثنين", "الثلاثاء",
    "الأربعاء", "الخميس", "الجمعة",
)  # fmt: skip

# Function words of English, the Latin-script language Arabic news quotes most; the heavier
# libraries that ship such a list would cost a second of import for a dozen words an article.
_ENGLISH_STOPWORDS_WORDS = (
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of",
    "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
    "said", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    "yourself", "yourselves",
)  # fmt: skip
_ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORDS_WORDS)


# Article-bearing prefixes only: a bare و/ب/ل is as often the word's own first letter.
_ARTICLE_PREFIXES = (
    "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "وكال", "فبال",
)  # fmt: skip
_MIN_STEM = 3


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from arabicstopwords.arabicstopwords import stopwords_list  # 13k forms, with clitics

    words: set[str] = set(stopwords_list())
    words.update(_NEWS_STOPWORDS)
    words.update(read_lines("keyword_furniture.txt"))
    for verb in _REPORTING_VERBS:
        words.update((verb, "و" + verb, verb + "ت", "و" + verb + "ت"))
    latin = _ENGLISH_STOPWORDS | frozenset(read_lines("stopwords_fr.txt"))
    return frozenset(normalize_token(word) for word in words) | latin


@lru_cache(maxsize=1)
def _stemmer() -> object:
    from tashaphyne.stemming import ArabicLightStemmer

    stemmer = ArabicLightStemmer()
    stemmer.set_prefix_list(list(_ARTICLE_PREFIXES))
    stemmer.set_suffix_list([""])
    return stemmer


@lru_cache(maxsize=1 << 16)
def arabic_stem(word: str) -> str:
    """The word without its article and the clitics before it ("والدولار" -> "دولار")."""
    written = dediac_ar(word)
    stemmer = _stemmer()
    best = 0
    for start, _end in stemmer.segment(written):  # type: ignore[attr-defined]
        if start > best and len(written) - start >= _MIN_STEM:
            best = start
    return written[best:]


Stemmer = Callable[[str], str]


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


@lru_cache(maxsize=1 << 16)
def _content_term(token: str, stem: Stemmer) -> str | None:
    """The token's term, or None for punctuation, digits, single letters and stopwords."""
    term = normalize_token(token)
    if len(term) < _MIN_LENGTH or term in _stopwords():
        return None
    if term.isalpha():
        if not _is_arabic(term[0]):
            term = term.lower()
            return None if term in _stopwords() else term
        term = normalize_token(stem(token))
        return term if len(term) >= _MIN_LENGTH and term not in _stopwords() else None
    # Latin alphanumerics name things (G20, 5G, F16); Arabic glued to digits is noise.
    return term if term.isascii() and term.isalnum() and not term.isdigit() else None


def _weighted_counts(sentences: list[Sentence], stem: Stemmer) -> dict[str, float]:
    counts: dict[str, float] = {}
    for index, sentence in enumerate(sentences):
        weight = _TITLE_WEIGHT if index == 0 else 1.0
        for token in sentence["tokens"]:
            term = _content_term(token, stem)
            if term is not None:
                counts[term] = counts.get(term, 0.0) + weight
    return counts


@lru_cache(maxsize=1 << 16)
def _stem_candidates(term: str) -> tuple[str, ...]:
    if term[0] not in _PREFIX_INITIALS:
        return ()
    candidates: list[str] = []
    for prefix in _PREFIXES:
        if term.startswith(prefix) and len(term) - len(prefix) >= _MIN_LENGTH:
            candidates.append(term[len(prefix) :])
    return tuple(candidates)


def _merge_clitics(counts: dict[str, float]) -> dict[str, float]:
    """Count "والولايات" for "الولايات", but only when "الولايات" itself occurs: stripping a
    letter that merely looks like a clitic ("وزير", "بلينكن") is never guessed."""
    merged: dict[str, float] = {}
    for term, count in counts.items():
        target = term
        for candidate in _stem_candidates(term):
            if candidate in counts:
                target = candidate
                break
        merged[target] = merged.get(target, 0.0) + count
    return merged


def top_keywords(
    sentences: list[Sentence], *, limit: int = 10, stem: Stemmer | None = None
) -> list[Keyword]:
    """The ``limit`` best terms, score descending then term ascending; scores to 4 decimals.

    ``stem`` reads an Arabic word's term (default :func:`arabic_stem`); the keyword
    evaluation passes others to compare."""
    if limit <= 0:
        return []
    counts = _weighted_counts(sentences, stem or arabic_stem)
    total = sum(counts.values())
    if not total:
        return []
    merged = _merge_clitics(counts)
    # Rounding may tie distinct counts, and ties go by term: rank on the rounded score. Counts
    # take few distinct values, so each is rounded once.
    scores = {count: round(count / total, 4) for count in set(merged.values())}
    ranked = heapq.nsmallest(limit, merged.items(), key=lambda item: (-scores[item[1]], item[0]))
    return [{"term": term, "score": scores[count]} for term, count in ranked]
