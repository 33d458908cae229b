"""Countries and places named in an Arabic text, found without any model.

Names come from :mod:`streams.nlp.gazetteer` (CLDR country names, GeoNames and curated cities
and governorates, demonyms, institutions) and are matched on a search form of the text
(diacritics dropped; alef, alef maqsura and teh marbuta folded) by one pass over its Arabic
words, trying each word as written and with the clitic prefixes news Arabic glues on (و ف ب ك
ل and their pairs, and ل + ال written لل). The longest name wins, so "الولايات المتحدة
الأمريكية" is one mention, and a phrase that contains a name without being one ("نهر الأردن",
"أمريكا اللاتينية", "مسقط رأسه", "المحيط الهندي") blocks it.

Every match that carries a country is evidence for it: the country's name, one of its cities
or governorates, its demonym in any gender and number ("المصري", "السعوديين", "الأتراك"), or
one of its institutions ("الكرملين", "البيت الأبيض"). Decisions (they change counts):

* "عمان" alone is the city Amman (JO); Oman needs "سلطنة عمان" or the damma written on its
  ain ("عُمان"), after which a bare "عمان" in the same text is Oman too, unless Jordan is
  also named.
* "جورجيا" is Georgia unless "ولاية" precedes it or "الأمريكية/الأميركية" follows it.
* "مالي" (also "financial") and "بنين" (also "sons") count only after a cue word ("في",
  "جمهورية", "شمال" ...). "كوريا" alone is ambiguous and left out.
* A city name shared by several places (طرابلس: Libya and Lebanon) resolves to the place whose
  country the text also names, else to the most populous. Names that are also common words
  are dropped or need their country named in the text; a GeoNames town under 100,000
  inhabitants needs its country named or a place word before it ("مدينة", "بلدة" ...).
* A masculine singular demonym written with alef maqsura ("اليمنى", the right hand) is not
  one; a bare masculine singular ("تركي") is a given name too often and is not listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from streams.nlp.arabic import (
    REMOVABLE_CHARS,
    MatchingText,
    fold_arabic,
    matching_form,
)
from streams.nlp.gazetteer import WORD_RE, Entry, Gazetteer, Kind, gazetteer, place_rules
from streams.nlp.names import name_tables
from streams.records import CountryEvidence, CountryMentions, Entity

__all__ = [
    "MatchingText",
    "PlaceMention",
    "find_countries",
    "fold_arabic",
    "gazetteer_entities",
    "gazetteer_stats",
    "matching_form",
    "place_entities",
    "place_mentions",
    "rank_countries",
]

# What may separate the words of one name: spaces and hyphens ("غينيا-بيساو"), never
# punctuation that ends a phrase.
_NAME_GAP = frozenset(" \t\u00a0-–")
_MAX_GAP = 3
# Words after which a small town's name is a place ("في بلدة X").
_PLACE_CUES = frozenset(
    fold_arabic(w)
    for w in (
        "مدينة", "بلدة", "قرية", "محافظة", "ولاية", "منطقة", "إقليم", "بلدية", "مخيم",
        "ضواحي", "مدينتي", "مدن", "ريف", "قضاء", "مركز", "عاصمة", "شمال", "جنوب", "شرق", "غرب",
    )
)  # fmt: skip
# Words naming a facility after which a given name is a place's name ("ميناء جيهان").
_FACILITY_WORDS = frozenset(
    fold_arabic(w) for w in ("ميناء", "مطار", "معبر", "منفذ", "حقل", "شارع", "حي", "جامعة")
)
# Conjunction + preposition clitics, longest first so "وب" is tried before "و".
_PREFIXES = ("وب", "فب", "وك", "فك", "ول", "فل", "و", "ف", "ب", "ك", "ل")
_OMAN_OR_AMMAN = ("عمان",)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One piece of evidence for a country, with its span in the original text."""

    code: str
    start: int
    end: int
    via: str  # name, city, demonym, institution


def _analyses(word: str) -> Iterator[tuple[int, str, bool]]:
    """(prefix length, candidate name word, countries only) readings of one written word."""
    yield 0, word, False
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix) :]
            if prefix[-1] == "ك" and not rest.startswith("ال"):
                # "كبيرا" is not ك + بيرا: before a city "like" wants the article.
                yield len(prefix), rest, True
                continue
            # ل + ال is written لل: "لليابان" is ل + اليابان, "للحج" ل + الحج (not Lahij);
            # only a country keeps the plain reading ("للبنان", "لليبيا").
            if prefix[-1] == "ل" and rest[0] == "ل":
                yield len(prefix), "ا" + rest, False
                yield len(prefix), rest, True
            else:
                yield len(prefix), rest, False


@dataclass(frozen=True, slots=True)
class _Reading:
    entry: Entry
    start: int  # folded offset where the name starts (after any clitic prefix)


@dataclass(frozen=True, slots=True)
class _Match:
    # Same-length readings of one span, exact spelling first ("وجدة" is Oujda, or و + Jeddah).
    readings: tuple[_Reading, ...]
    end: int  # folded offset
    prev_word: str | None
    # A given name just before ("عادل المصري"), or two words before ("محمد شياع السوداني"):
    # a demonym there is a family name.
    after_given_name: bool = False


def _gap_ok(folded: str, start: int, end: int) -> bool:
    return 0 < end - start <= _MAX_GAP and all(ch in _NAME_GAP for ch in folded[start:end])


def _continues(
    folded: str, words: list[tuple[int, int, str]], i: int, name: tuple[str, ...]
) -> bool:
    if i + len(name) > len(words):
        return False
    for k in range(1, len(name)):
        prev_end = words[i + k - 1][1]
        start, _, word = words[i + k]
        if word != name[k] or not _gap_ok(folded, prev_end, start):
            return False
    return True


def _strip_clitic(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


@lru_cache(maxsize=1)
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and the stopwords, both folded like the matching text. Given names that are
    also common words count too: an indefinite "عادل" before a definite "المصري" cannot be
    its adjective, so the pair is a name."""
    tables = name_tables()
    return (
        frozenset(fold_arabic(n) for n in tables.given_names | tables.ambiguous_given_names),
        frozenset(fold_arabic(w) for w in tables.stopwords),
    )


def _after_given_name(folded: str, words: list[tuple[int, int, str]], i: int) -> bool:
    given, stopwords = _given_names()
    for back in (1, 2):
        if i - back < 0:
            return False
        if not _gap_ok(folded, words[i - back][1], words[i - back + 1][0]):
            return False
        word = words[i - back][2]
        if word in given:
            # "ميناء جيهان التركي": a place word before the "name" makes it a place.
            before = _strip_clitic(words[i - back - 1][2]) if i - back > 0 else ""
            return before not in _PLACE_CUES and before not in _FACILITY_WORDS
        if word in stopwords or word.startswith("ال"):
            return False
    return False


def _scan(mt: MatchingText, table: Gazetteer) -> list[_Match]:
    folded = mt.folded
    words = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(folded)]
    matches: list[_Match] = []
    i, n = 0, len(words)
    while i < n:
        w_start, _, word = words[i]
        size = 0
        readings: list[_Reading] = []
        for plen, core, countries_only in _analyses(word):
            for entry in table.by_first.get(core, ()):
                k = len(entry.words)
                if k < size:
                    break
                if countries_only and entry.kind is not Kind.COUNTRY:
                    continue
                if k == 1 or _continues(folded, words, i, entry.words):
                    if k > size:
                        size, readings = k, []
                    # In the لل case no cut leaves the name intact: keep the ل with it.
                    lam_alef = plen > 0 and core != word[plen:]
                    readings.append(_Reading(entry, w_start + plen - (1 if lam_alef else 0)))
                    break
        if not readings:
            i += 1
            continue
        prev = _strip_clitic(words[i - 1][2]) if i > 0 else None
        after_name = _after_given_name(folded, words, i)
        matches.append(_Match(tuple(readings), words[i + size - 1][1], prev, after_name))
        i += size
    return matches


def _is_oman(mt: MatchingText, r: _Reading, end: int) -> bool:
    if r.entry.words != _OMAN_OR_AMMAN:
        return False
    start, stop = mt.to_original(r.start, end)
    return "\u064f" in mt.original[start:stop]


def _ends_with_alef_maqsura(mt: MatchingText, r: _Reading, end: int) -> bool:
    stop = mt.to_original(r.start, end)[1]
    return mt.original[:stop].rstrip(REMOVABLE_CHARS).endswith("ى")


def _is_family_name_form(folded_word: str) -> bool:
    """The definite masculine singular of a nisba ("المصري"), the form family names take."""
    return folded_word.startswith("ال") and folded_word.endswith("ي") and " " not in folded_word


def _after_marker(prev_word: str | None, markers: frozenset[str]) -> bool:
    if prev_word is None:
        return False
    return any(prev_word[len(p) :] in markers for p in ("", *_PREFIXES) if prev_word.startswith(p))


def _direct_reading(
    mt: MatchingText, m: _Match, oman_context: bool = False
) -> tuple[_Reading, str, str] | None:
    """A reading that names a country by itself: (reading, code, via)."""
    cues = place_rules().country_cues
    for r in m.readings:
        kind, code = r.entry.kind, r.entry.code
        if kind is Kind.BLOCK:
            return None
        if kind is Kind.COUNTRY and code is not None:
            return r, code, "name"
        if kind is Kind.COUNTRY_CUED and code and m.prev_word in cues:
            return r, code, "name"
        if kind is Kind.DEMONYM and code and not _ends_with_alef_maqsura(mt, r, m.end):
            if m.after_given_name and _is_family_name_form(mt.folded[r.start : m.end]):
                return None
            return r, code, "demonym"
        if kind is Kind.INSTITUTION and code:
            return r, code, "institution"
        if kind is Kind.CITY and (
            _is_oman(mt, r, m.end) or (oman_context and r.entry.words == _OMAN_OR_AMMAN)
        ):
            return r, "OM", "name"
    return None


def _contextual_reading(m: _Match, named: Counter[str]) -> tuple[_Reading, str, str] | None:
    """ "المملكة" is the one kingdom the text names; with none or several, it is left out."""
    for r in m.readings:
        if r.entry.kind is Kind.CONTEXTUAL:
            options = place_rules().contextual_names[r.entry.words] & named.keys()
            if len(options) == 1:
                return r, next(iter(options)), "name"
    return None


def _named(mt: MatchingText, matches: list[_Match]) -> tuple[Counter[str], bool]:
    """Countries named directly, and whether a bare "عمان" in this text means Oman."""
    counts: Counter[str] = Counter()
    for m in matches:
        found = _direct_reading(mt, m)
        if found is not None:
            counts[found[1]] += 1
    oman_context = "OM" in counts and "JO" not in counts
    return counts, oman_context


def _city_reading(mt: MatchingText, m: _Match, named: Counter[str]) -> tuple[_Reading, str] | None:
    """The place a city name most plausibly means: a country the text names, else the largest."""
    rules = place_rules()
    best: tuple[tuple[bool, bool, int], _Reading, str] | None = None
    strong_codes: set[str] = set()
    for r in m.readings:
        if r.entry.kind is Kind.BLOCK:
            return None
        if r.entry.kind is not Kind.CITY:
            continue
        if r.entry.needs_teh_marbuta and mt.original[: mt.to_original(r.start, m.end)[1]].rstrip(
            REMOVABLE_CHARS
        ).endswith("ه"):
            continue
        name = " ".join(r.entry.words)
        if name in rules.regions_needing_marker and not _after_marker(
            m.prev_word, rules.region_markers
        ):
            continue
        licensing = rules.cities_needing_country.get(name)
        for city in r.entry.cities:
            if licensing is not None and not (city.code in licensing and city.code in named):
                continue
            if not city.strong and city.code not in named and m.prev_word not in _PLACE_CUES:
                continue
            rank = (city.strong, city.code in named, city.population)
            if city.strong:
                strong_codes.add(city.code)
            if best is None or rank > best[0]:
                best = (rank, r, city.code)
    if best is None:
        return None
    name = " ".join(best[1].entry.words)
    if name in rules.ambiguous_cities and len(strong_codes) > 1 and not best[0][1]:
        return None  # left out rather than guessed
    return best[1], best[2]


@lru_cache(maxsize=4)
def place_mentions(text: str) -> tuple[PlaceMention, ...]:
    """Every span of ``text`` that names a country, in text order."""
    mt = matching_form(text)
    matches = _scan(mt, gazetteer())
    named, oman_context = _named(mt, matches)
    rules = place_rules()
    needing = rules.countries_needing_country
    found: list[PlaceMention] = []
    shared_abroad: set[int] = set()
    contextual: list[_Match] = []
    for m in matches:
        if any(r.entry.kind is Kind.CONTEXTUAL for r in m.readings):
            contextual.append(m)
            continue
        direct = _direct_reading(mt, m, oman_context)
        if direct is not None:
            reading, code, via = direct
        else:
            city = _city_reading(mt, m, named)
            if city is None:
                continue
            (reading, code), via = city, "city"
        if code in needing and not needing[code] & named.keys():
            continue
        start, end = mt.to_original(reading.start, m.end)
        found.append(PlaceMention(code, start, end, via))
        if via == "city" and " ".join(reading.entry.words) in rules.local_names_shared_abroad:
            shared_abroad.add(len(found) - 1)
    found = _without_shared_local_names(found, shared_abroad)
    # "المملكة" resolves against every country found, cities and demonyms included.
    mentioned = Counter(f.code for f in found)
    for m in contextual:
        resolved = _contextual_reading(m, mentioned)
        if resolved is not None:
            start, end = mt.to_original(resolved[0].start, m.end)
            found.append(PlaceMention(resolved[1], start, end, resolved[2]))
    return tuple(sorted(found, key=lambda f: (f.start, f.end)))


def _without_shared_local_names(
    found: list[PlaceMention], shared_abroad: set[int]
) -> list[PlaceMention]:
    """Drops a district name shared with another country ("المنصورة": Egypt, and Aden) when
    nothing else points to its gazetteer country and the rest points to one other country:
    leaving it out beats guessing a foreign country."""
    kept: list[PlaceMention] = []
    for index, mention in enumerate(found):
        if index in shared_abroad:
            others = {f.code for k, f in enumerate(found) if k not in shared_abroad}
            if mention.code not in others and len(others) == 1:
                continue
        kept.append(mention)
    return kept


def find_countries(text: str) -> list[CountryMentions]:
    """ISO 3166-1 alpha-2 codes of the countries ``text`` names, most mentioned first."""
    return rank_countries(text, place_mentions(text))


def rank_countries(text: str, mentions: Iterable[PlaceMention]) -> list[CountryMentions]:
    """Mentions grouped by country with their evidence, most mentioned first, then by code."""
    evidence: dict[str, list[CountryEvidence]] = {}
    for m in mentions:
        evidence.setdefault(m.code, []).append(
            CountryEvidence(text=text[m.start : m.end], start=m.start, end=m.end, via=m.via)
        )
    ranked = sorted(evidence.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [CountryMentions(code=c, mentions=len(spans), evidence=spans) for c, spans in ranked]


def place_entities(mentions: Iterable[PlaceMention], text: str) -> list[Entity]:
    """Country and city mentions as LOC entities carrying their country code."""
    return [
        Entity(
            text=text[m.start : m.end],
            label="LOC",
            start=m.start,
            end=m.end,
            source="gazetteer",
            country=m.code,
        )
        for m in mentions
    ]


def gazetteer_entities(text: str) -> list[Entity]:
    """Countries and cities in ``text`` as LOC entities with their country code."""
    return place_entities((m for m in place_mentions(text) if m.via in ("name", "city")), text)


def gazetteer_stats() -> dict[str, float]:
    """Size and build time of the name table (builds it if needed)."""
    g = gazetteer()
    return {"names": g.names, "build_seconds": g.build_seconds}
