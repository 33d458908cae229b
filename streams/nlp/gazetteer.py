"""The Arabic name table behind :mod:`streams.nlp.places`, built once from package data.

Sources: CLDR's Arabic territory names (babel) for countries; ``data/places.tsv`` (GeoNames
cities, rebuilt by ``data/build_places.py``) and ``data/places_curated.tsv`` for cities and
governorates; ``data/demonyms.tsv`` and ``data/institutions.tsv`` for the adjectives and
institutions that name a country; ``data/place_rules.json`` for the spelling rules (everyday
variants, names needing a cue, blockers, names that are also common words).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from enum import Enum
from functools import cache

from streams.nlp.arabic import ARABIC_LETTERS, fold_arabic, strip_diacritics
from streams.nlp.wordlists import read_json, read_table, split_values

logger = logging.getLogger(__name__)

_MIN_NAME_LETTERS = 3
# Arabic letters after folding (Persian letters included so they do not split a word).
WORD_RE = re.compile(f"[{ARABIC_LETTERS}]+")
# Below this population a GeoNames town needs its country named in the text or a place cue
# before it ("مدينة", "بلدة" ...): small towns' names are often ordinary words.
STRONG_CITY_POPULATION = 100_000
# Folding ة to ه makes short names ending in ة collide with words ending in the pronoun ه
# ("جده" his grandfather, "وجده" found him): up to this many letters, a name must be written
# with ة.
_TEH_MARBUTA_STRICT_LETTERS = 4
# Not countries: regions, unions and CLDR's reserved codes.
_NOT_COUNTRY_CODES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
# Sound-plural, dual and feminine endings of a nisba adjective (مصري -> مصرية، مصريون ...).
_NISBA_ENDINGS = ("", "ة", "ون", "ين", "ان", "تان", "تين", "ات")


class Kind(Enum):
    COUNTRY = 1
    COUNTRY_CUED = 2
    CITY = 3
    BLOCK = 4
    DEMONYM = 5
    INSTITUTION = 6
    # A name that means one of several countries, the one the text names ("المملكة").
    CONTEXTUAL = 7


@dataclass(frozen=True, slots=True)
class City:
    code: str
    population: int
    # a capital, a city of STRONG_CITY_POPULATION or more, or a curated place
    strong: bool


@dataclass(frozen=True, slots=True)
class Entry:
    words: tuple[str, ...]
    kind: Kind
    code: str | None = None
    cities: tuple[City, ...] = ()
    # The text must end the name with ة, not ه (see _TEH_MARBUTA_STRICT_LETTERS).
    needs_teh_marbuta: bool = False


@dataclass(frozen=True, slots=True)
class Gazetteer:
    # first folded word -> entries starting with it, longest first
    by_first: dict[str, tuple[Entry, ...]]
    names: int
    build_seconds: float


@dataclass(frozen=True, slots=True)
class PlaceRules:
    country_variants: dict[str, tuple[str, ...]]
    countries_needing_cue: dict[str, str]
    country_cues: frozenset[str]
    countries_needing_country: dict[str, frozenset[str]]
    blockers: tuple[str, ...]
    not_cities: frozenset[str]
    short_city_names: frozenset[str]
    cities_needing_country: dict[str, frozenset[str]]
    # Names of places in two countries that only the text's context may resolve.
    ambiguous_cities: frozenset[str]
    # Folded words -> the countries they may mean; resolved when the text names just one.
    contextual_names: dict[tuple[str, ...], frozenset[str]]


def words_of(name: str) -> tuple[str, ...]:
    """The folded words of a name, parenthesised parts dropped."""
    return tuple(WORD_RE.findall(fold_arabic(re.sub(r"\([^)]*\)", " ", name))))


@cache
def place_rules() -> PlaceRules:
    raw = read_json("place_rules.json")
    return PlaceRules(
        country_variants={k: tuple(v) for k, v in raw["country_variants"].items()},
        countries_needing_cue=dict(raw["countries_needing_cue"]),
        country_cues=frozenset(fold_arabic(w) for w in raw["country_cues"]),
        countries_needing_country={
            k: frozenset(v) for k, v in raw["countries_needing_country"].items()
        },
        blockers=tuple(raw["blockers"]),
        not_cities=frozenset(fold_arabic(w) for w in raw["not_cities"]),
        short_city_names=frozenset(fold_arabic(w) for w in raw["short_city_names"]),
        cities_needing_country={
            fold_arabic(k): frozenset(v) for k, v in raw["cities_needing_country"].items()
        },
        ambiguous_cities=frozenset(fold_arabic(w) for w in raw["ambiguous_cities"]),
        contextual_names={words_of(k): frozenset(v) for k, v in raw["contextual_names"].items()},
    )


def _country_names(rules: PlaceRules) -> dict[tuple[str, ...], str]:
    from babel import Locale

    names: dict[tuple[str, ...], str] = {}
    for code, name in Locale.parse("ar").territories.items():
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRY_CODES:
            names[words_of(name)] = code
    for code, variants in rules.country_variants.items():
        for name in variants:
            names[words_of(name)] = code
    # "عُمان" folds to the city's spelling; Oman is handled by its own rule.
    names.pop(("عمان",), None)
    for name in rules.countries_needing_cue:
        names.pop(words_of(name), None)
    return names


def _region_names() -> set[tuple[str, ...]]:
    from babel import Locale

    return {words_of(n) for c, n in Locale.parse("ar").territories.items() if c.isdigit()}


def _short_with_teh(name: str, words: tuple[str, ...]) -> bool:
    return (
        len(words) == 1
        and len(words[0]) <= _TEH_MARBUTA_STRICT_LETTERS
        and strip_diacritics(name).rstrip().endswith("ة")
    )


def _rejected_single_word(word: str, rules: PlaceRules) -> bool:
    if word in rules.not_cities or len(word) < _MIN_NAME_LETTERS:
        return True
    return len(word) == _MIN_NAME_LETTERS and word not in rules.short_city_names


def _city_names(
    rules: PlaceRules,
) -> tuple[dict[tuple[str, ...], dict[str, City]], set[tuple[str, ...]]]:
    """Folded city names -> {country: City}, and the short names spelled with ة."""
    found: dict[tuple[str, ...], dict[str, City]] = {}
    with_teh: set[tuple[str, ...]] = set()

    def add(name: str, city: City, curated: bool) -> None:
        words = words_of(name)
        if not words or (
            not curated and len(words) == 1 and _rejected_single_word(words[0], rules)
        ):
            return
        per_country = found.setdefault(words, {})
        known = per_country.get(city.code)
        if known is None or (city.strong, city.population) > (known.strong, known.population):
            per_country[city.code] = city
        if _short_with_teh(name, words):
            with_teh.add(words)

    for code, population, _lat, _lon, capital, _en, _fr, names_ar in read_table("places.tsv", 8):
        pop = int(population)
        city = City(code, pop, capital == "1" or pop >= STRONG_CITY_POPULATION)
        for name in split_values(names_ar):
            # "مدينة القدس": the cue word is matched on its own; the name would bypass the
            # rules written for "القدس".
            if not name.startswith("مدينة "):
                add(name, city, curated=False)
    for code, _kind, _en, names_ar in read_table("places_curated.tsv", 4):
        for name in split_values(names_ar):
            add(name, City(code, 0, True), curated=True)
    return found, with_teh


def demonym_forms(base: str, *, definite: bool) -> list[str]:
    """Every gender and number of a nisba adjective (each word of a two-word one inflected)."""
    words = base.split()
    article = "ال" if definite else ""
    return [" ".join(article + w + ending for w in words) for ending in _NISBA_ENDINGS]


def _demonyms() -> dict[tuple[str, ...], str]:
    found: dict[tuple[str, ...], str] = {}
    for code, base, irregular, _en, _fr in read_table("demonyms.tsv", 5):
        forms = demonym_forms(base, definite=True) + split_values(irregular)
        # Without the article only the plural and feminine forms: a bare masculine singular
        # is also a given name or surname too often ("تركي", "يمني").
        forms += demonym_forms(base, definite=False)[1:]
        for form in forms:
            found[words_of(form)] = code
    return found


def _institutions() -> dict[tuple[str, ...], str]:
    return {
        words_of(name): code
        for code, names in read_table("institutions.tsv", 2)
        for name in split_values(names)
        if words_of(name)
    }


@cache
def gazetteer() -> Gazetteer:
    started = time.perf_counter()
    rules = place_rules()
    entries: dict[tuple[str, ...], Entry] = {}
    city_names, with_teh = _city_names(rules)
    for words, per_country in city_names.items():
        cities = tuple(sorted(per_country.values(), key=lambda c: (not c.strong, -c.population)))
        entries[words] = Entry(words, Kind.CITY, cities=cities, needs_teh_marbuta=words in with_teh)
    for words, code in _demonyms().items():
        entries.setdefault(words, Entry(words, Kind.DEMONYM, code=code))
    for words, code in _institutions().items():
        entries[words] = Entry(words, Kind.INSTITUTION, code=code)
    # Countries override cities of the same spelling (الكويت, تونس, الجزائر are both).
    for words, code in _country_names(rules).items():
        entries[words] = Entry(words, Kind.COUNTRY, code=code)
    for name, code in rules.countries_needing_cue.items():
        entries[words_of(name)] = Entry(words_of(name), Kind.COUNTRY_CUED, code=code)
    for words in rules.contextual_names:
        entries[words] = Entry(words, Kind.CONTEXTUAL)
    for words in _region_names() | {words_of(b) for b in rules.blockers}:
        entries[words] = Entry(words, Kind.BLOCK)
    by_first: dict[str, list[Entry]] = {}
    for entry in entries.values():
        if entry.words:
            by_first.setdefault(entry.words[0], []).append(entry)
    table = {k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in by_first.items()}
    elapsed = time.perf_counter() - started
    logger.info("gazetteer built: %d names in %.2fs", len(entries), elapsed)
    return Gazetteer(table, len(entries), elapsed)
