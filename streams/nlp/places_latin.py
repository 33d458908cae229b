"""Countries and places named in an English or French text.

Names: CLDR's English and French territory names (babel) and pycountry's names for countries;
the gazetteer's English and French city names (``data/places.tsv``, ``data/places_curated.tsv``);
English and French demonyms (``data/demonyms.tsv``, French feminine and plural forms derived);
institutions (``data/institutions.tsv``). Matching is on words with accents kept but also tried
without them ("Egypte" for "Égypte"); names are matched with their capitals as written, except
French demonyms, which French writes in lower case as adjectives ("le président égyptien").
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from streams.nlp.gazetteer import STRONG_CITY_POPULATION
from streams.nlp.places import PlaceMention
from streams.nlp.wordlists import read_table, split_values

__all__ = ["latin_place_mentions"]

_WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:-[A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_MAX_WORDS = 5
# Dotted abbreviations the word pattern splits: "U.S. dollar", "the U.K.".
_DOTTED = {"U.S": "US", "U.K": "GB", "U.A.E": "AE"}
_DOTTED_RE = re.compile(r"(?<![\w.])(U\.S|U\.K|U\.A\.E)\.?(?![\w])")
_NOT_COUNTRY_CODES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
_COUNTRY_VARIANTS = {
    "US": ("US", "U.S.", "USA", "America", "Etats-Unis"),
    "GB": ("UK", "Britain", "Great Britain", "England", "Royaume-Uni"),
    "AE": ("UAE", "Emirates", "EAU"),
    "PS": ("Palestine", "Gaza Strip", "bande de Gaza", "Cisjordanie", "West Bank"),
    "SY": ("Syrie",),
    "KR": ("South Korea", "Corée du Sud"),
    "KP": ("North Korea", "Corée du Nord"),
    "CD": ("DR Congo", "RDC"),
    "CI": ("Ivory Coast",),
    "TR": ("Turkey", "Türkiye", "Turquie"),
}
# Names that are ordinary words or ambiguous in English or French text.
_NOT_NAMES = frozenset(
    {
        "Georgia", "Géorgie", "Jersey", "Victoria", "Hamilton", "Florence", "Lincoln",
        "Jackson", "Columbus", "Mobile", "Reading", "Split", "Bath", "Orange", "Nice", "Sale",
        "Of", "Man", "Marsa", "Sur", "Tours", "Bar", "Van", "Mary", "Salem", "Santa", "Aden",
        "Korea", "Corée", "Congo", "Dominica", "Turkish", "Mesa", "Natal", "Santos", "Aurora",
        "Palma", "Oral", "Toyota", "Franca", "Sucre", "Pest", "Buda", "Rafa", "Safi", "Tete",
        "Imus", "Miri", "Bimbo", "Singa", "Saida", "Medea", "Lome", "Perm", "Tula", "Kirov",
    }
)  # fmt: skip
# Phrases that hold a country's name or adjective without meaning the country.
_BLOCKERS = (
    "Latin America", "Latin American", "South America", "South American", "North America",
    "North American", "Central America", "Central American", "Amérique latine",
    "Amérique du Sud", "Amérique du Nord", "Indian Ocean", "océan Indien", "Arabian Sea",
    "Arabian Gulf", "Persian Gulf", "golfe Persique", "Gulf of Oman", "golfe d'Oman",
    "New Mexico", "New Jersey", "Turkish coffee", "French fries", "Dutch auction",
    "Georgia State", "Jordan River", "Guinea pig",
)  # fmt: skip
_FRENCH_ENDINGS = (
    ("ien", ("ienne", "iens", "iennes")),
    ("en", ("enne", "ens", "ennes")),
    ("ais", ("aise", "aises")),
    ("ois", ("oise", "oises")),
    ("ain", ("aine", "ains", "aines")),
    ("in", ("ine", "ins", "ines")),
    ("an", ("ane", "ans", "anes")),
    ("e", ("es",)),
    ("i", ("ie", "is", "ies")),
    ("", ("e", "s", "es")),
)


@dataclass(frozen=True, slots=True)
class _Name:
    code: str
    via: str
    population: int = 0


def _plain(word: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


def _key(name: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(name.replace("'", " ").replace("’", " ")))


def french_forms(masculine: str) -> list[str]:
    """Masculine singular, feminine and plurals of a French demonym."""
    for ending, others in _FRENCH_ENDINGS:
        if masculine.endswith(ending):
            stem = masculine[: len(masculine) - len(ending)] if ending else masculine
            return [masculine, *(stem + other for other in others)]
    return [masculine]


def _add(table: dict[tuple[str, ...], list[_Name]], name: str, entry: _Name) -> None:
    key = _key(name)
    if not key or name in _NOT_NAMES or (len(key) == 1 and len(key[0]) < 3 and name.isalpha()):
        return
    for variant in {key, tuple(_plain(w) for w in key)}:
        table.setdefault(variant, []).append(entry)


@cache
def _table() -> dict[tuple[str, ...], tuple[_Name, ...]]:
    import pycountry
    from babel import Locale

    table: dict[tuple[str, ...], list[_Name]] = {}
    for code, name in read_table("institutions.tsv", 2):
        for value in split_values(name):
            if not any("\u0600" <= ch <= "\u06ff" for ch in value):
                _add(table, value, _Name(code, "institution"))
    for row in read_table("places.tsv", 8):
        code, population, capital, name_en, name_fr = row[0], int(row[1]), row[4], row[5], row[6]
        if capital == "1" or population >= STRONG_CITY_POPULATION:
            for name in {name_en, name_fr} - {""}:
                # GeoNames' names cut at a letter the word pattern lacks ("zmir") or too
                # short to be told from an abbreviation are left out.
                if name[0].isupper() and len(name) >= 4 and _WORD_RE.fullmatch(name.split()[0]):
                    _add(table, name, _Name(code, "city", population))
    for code, _kind, name_en, _ar in read_table("places_curated.tsv", 4):
        _add(table, name_en, _Name(code, "city", 1))
    for code, _base, _irregular, english, french in read_table("demonyms.tsv", 5):
        for name in split_values(english):
            _add(table, name, _Name(code, "demonym"))
        for masculine in split_values(french):
            for form in french_forms(masculine):
                _add(table, form, _Name(code, "demonym"))
                _add(table, form[0].upper() + form[1:], _Name(code, "demonym"))
    countries: dict[str, set[str]] = {}
    for locale in ("en", "fr"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRY_CODES:
                countries.setdefault(code, set()).add(name)
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            if hasattr(country, attr):
                countries.setdefault(country.alpha_2, set()).add(getattr(country, attr))
    for code, variants in _COUNTRY_VARIANTS.items():
        countries.setdefault(code, set()).update(variants)
    for code, names in countries.items():
        for name in names:
            # Countries override cities of the same spelling (Kuwait, Djibouti, Tunis...).
            key = _key(name)
            table.pop(key, None)
            _add(table, name, _Name(code, "name"))
    for phrase in _BLOCKERS:
        table[_key(phrase)] = [_Name("", "block")]
    return {key: tuple(entries) for key, entries in table.items()}


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


@lru_cache(maxsize=4)
def latin_place_mentions(text: str) -> tuple[PlaceMention, ...]:
    """Every span of an English or French ``text`` that names a country, in text order."""
    table = _table()
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
    hits: list[tuple[int, int, tuple[_Name, ...]]] = []
    i = 0
    while i < len(words):
        found = 0
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            chunk = words[i : i + size]
            if any(text[a[1] : b[0]].strip(" '’") for a, b in itertools.pairwise(chunk)):
                continue
            key = tuple(w for _, _, w in chunk)
            if all(w.isupper() and len(w) > 2 for w in key):
                key = tuple(w.title() for w in key)  # a dateline: "RABAT (Reuters) -"
            entries = table.get(key) or table.get(tuple(_plain(w) for w in key))
            if entries and (
                _capitalised(key[0]) or all(e.via in ("demonym", "block") for e in entries)
            ):
                hits.append((chunk[0][0], chunk[-1][1], entries))
                found = size
                break
        i += found or 1
    for m in _DOTTED_RE.finditer(text):
        hits.append((m.start(), m.end(), (_Name(_DOTTED[m.group(1)], "name"),)))
    hits.sort(key=lambda h: h[0])
    named = Counter(e.code for _, _, entries in hits for e in entries if e.via == "name")
    out: list[PlaceMention] = []
    for start, end, entries in hits:
        if any(e.via == "block" for e in entries):
            continue
        best = max(entries, key=lambda e: (e.via != "city", e.code in named, e.population))
        out.append(PlaceMention(best.code, start, end, best.via))
    return tuple(out)
