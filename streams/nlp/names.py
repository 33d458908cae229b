"""The word tables of the rules-based person and organisation recogniser, read from package data.

Arabic entries are keyed by :func:`name_key`: diacritics and tatweel removed and the hamza
seats of alef folded, but alef maqsura kept apart from ya ("علي" the name is not "على" the
preposition) and teh marbuta kept (the recogniser needs to see feminine endings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar

from streams.nlp.wordlists import read_lines, read_table, split_values

__all__ = ["NameTables", "PhraseIndex", "name_key", "name_tables", "phrase_index"]


@lru_cache(maxsize=1 << 16)
def name_key(word: str) -> str:
    """A word's lookup form: no diacritics or tatweel, any alef seat as bare alef."""
    return str(normalize_alef_ar(dediac_ar(word.replace("\u0640", ""))))


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(name_key(w) for w in text.split())


PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]


def phrase_index(phrases: Iterable[tuple[str, ...]]) -> PhraseIndex:
    """Phrases by their first word, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


@dataclass(frozen=True, slots=True)
class NameTables:
    titles: frozenset[tuple[str, ...]]
    title_first_words: frozenset[str]
    given_names: frozenset[str]
    # given names that are also common words: a name only after a title or as a speaker
    ambiguous_given_names: frozenset[str]
    org_heads: dict[str, bool]  # head -> strong
    complement_stops: frozenset[str]
    known_orgs: dict[tuple[str, ...], str]  # phrase -> "org" or "agency"
    known_first_words: frozenset[str]  # first words of known organisations and leaders
    leaders: frozenset[tuple[str, ...]]
    stopwords: frozenset[str]
    latin_titles: frozenset[tuple[str, ...]]
    latin_known_orgs: dict[tuple[str, ...], str]
    latin_leaders: frozenset[tuple[str, ...]]
    titles_index: PhraseIndex
    leaders_index: PhraseIndex
    known_orgs_index: PhraseIndex


def _stopwords() -> frozenset[str]:
    from arabicstopwords.arabicstopwords import stopwords_list  # 13k forms, with clitics

    return frozenset(name_key(w) for w in stopwords_list())


@cache
def name_tables() -> NameTables:
    titles = frozenset(_phrase(t) for t in read_lines("person_titles_ar.txt"))
    given: set[str] = set()
    ambiguous: set[str] = set()
    for line in read_lines("given_names_ar.txt"):
        name, _, mark = line.partition(" ")
        key = name_key(name)
        (ambiguous if mark.strip() == "*" else given).add(key)
    known: dict[tuple[str, ...], str] = {}
    latin_known: dict[tuple[str, ...], str] = {}
    for kind, names in read_table("known_orgs.tsv", 2):
        for name in split_values(names):
            if any("\u0600" <= ch <= "\u06ff" for ch in name):
                known[_phrase(name)] = kind
            else:
                latin_known[tuple(name.split())] = kind
    leaders: set[tuple[str, ...]] = set()
    latin_leaders: set[tuple[str, ...]] = set()
    for _code, full, short in read_table("leaders.tsv", 3):
        for name in split_values(full) + split_values(short):
            if any("\u0600" <= ch <= "\u06ff" for ch in name):
                leaders.add(_phrase(name))
            else:
                latin_leaders.add(tuple(name.split()))
    return NameTables(
        titles=titles,
        title_first_words=frozenset(t[0] for t in titles),
        given_names=frozenset(given),
        ambiguous_given_names=frozenset(ambiguous),
        org_heads={
            name_key(head): strength == "strong"
            for head, strength in read_table("org_heads_ar.txt", 2)
        },
        complement_stops=frozenset(name_key(w) for w in read_lines("org_complement_stops_ar.txt")),
        known_orgs=known,
        known_first_words=frozenset(p[0] for p in (*known, *leaders) if p),
        leaders=frozenset(leaders),
        stopwords=_stopwords(),
        latin_titles=frozenset(tuple(t.split()) for t in read_lines("person_titles_latin.txt")),
        latin_known_orgs=latin_known,
        latin_leaders=frozenset(latin_leaders),
        titles_index=phrase_index(titles),
        leaders_index=phrase_index(leaders),
        known_orgs_index=phrase_index(known),
    )
