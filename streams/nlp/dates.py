"""Absolute and relative date expressions in an Arabic article, resolved to ISO 8601.

Candidate spans are found by compiled patterns anchored on month names, weekday and date words
and year cues, over the folded search form of the text (so "أمسِ" and "٢٠٢١" match too);
offsets map back to the original. Month and weekday vocabulary comes from dateparser's Arabic
locale data (MSA, Levantine/Iraqi and Maghrebi month families); Hijri dates are converted with
dateparser's Hijri calendar. Parsing the spans is done here rather than by ``dateparser.parse``:
the grammar is small and fixed, and dateparser costs ~2 ms a call.

Values carry the precision the text gives: ``2025-01-06`` (day), ``2024-07`` (month), ``2021``
(year), and ISO week ``2025-W01`` for week phrases ("الأسبوع الماضي"). ``relative`` is true
when the value needed the publication date; without one such mentions are left out.

Resolution rules (news conventions):

* a weekday alone is the latest such day on or before publication; with الماضي strictly
  before, with المقبل/القادم strictly after;
* "يوليو الماضي" is the latest July before the publication month, "يوليو المقبل" the next one
  after, "يناير الجاري" the publication year's; a day and month without year or qualifier, and
  a bare month after "في"/"خلال"..., fall in the window from 9 months before to 2 months after
  the publication month (news reports the past and says "المقبل" for what is coming);
* a bare four-digit number is a year only after a year cue (عام/سنة, or في/منذ/حتى... with the
  phrase ending there) or a month name, and only in 1900-2100;
* "اليوم" is today unless it is "the day" (اليوم الوطني, في ذلك اليوم, اليوم التالي ...).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from streams.nlp.places import MatchingText, fold_arabic, matching_form
from streams.records import DateMention

logger = logging.getLogger(__name__)

__all__ = ["extract_dates", "parse_published_at"]

_L = r"\u0621-\u063a\u0641-\u064a\u0671-\u06d3"  # Arabic letters after folding
_NE = rf"(?![{_L}])"  # word end
_SP = r"[ \t\u00a0]+"
_OSP = r"[ \t\u00a0]*"
_CONJ = rf"(?:(?<![{_L}\d])|(?<=(?<![{_L}])[وف]))"  # word start, or after a glued و/ف

_LEVANTINE_LOCALE = "ar-LB"
_MAGHREBI_LOCALES = ("ar-DZ", "ar-MA", "ar-TN")
_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Spellings seen in news that dateparser's data lacks.
_EXTRA_MONTHS = {
    1: ("كانون ثاني",),
    8: ("اغسطس",),
    10: ("تشرين اول",),
    11: ("تشرين ثاني",),
    12: ("كانون اول",),
}
# Month names that are also words or names (تموز, نيسان the carmaker, شباط a surname, ماي
# Theresa May): alone they need "شهر" or the dual naming, before a year a cue word too.
# ("مارس" "practised" is safe after a cue, so it is only kept from standing alone.)
_WEAK_MONTHS = frozenset(
    fold_arabic(w) for w in ("ماي", "جوان", "أوت", "آب", "تموز", "نيسان", "شباط")
)
_HIJRI_MONTHS = (
    ("محرم", 1),
    ("صفر", 2),
    ("ربيع الاول", 3),
    ("ربيع الثاني", 4),
    ("ربيع الاخر", 4),
    ("جمادى الاولى", 5),
    ("جمادى الاول", 5),
    ("جمادى الثانيه", 6),
    ("جمادى الاخره", 6),
    ("جمادى الاخر", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
)
_ORDINAL_DAYS = {
    "الاول": 1,
    "الثاني": 2,
    "الثالث": 3,
    "الرابع": 4,
    "الخامس": 5,
    "السادس": 6,
    "السابع": 7,
    "الثامن": 8,
    "التاسع": 9,
    "العاشر": 10,
    "الحادي عشر": 11,
    "الثاني عشر": 12,
    "الثالث عشر": 13,
    "الرابع عشر": 14,
    "الخامس عشر": 15,
    "السادس عشر": 16,
    "السابع عشر": 17,
    "الثامن عشر": 18,
    "التاسع عشر": 19,
    "العشرين": 20,
    "الحادي والعشرين": 21,
    "الثاني والعشرين": 22,
    "الثالث والعشرين": 23,
    "الرابع والعشرين": 24,
    "الخامس والعشرين": 25,
    "السادس والعشرين": 26,
    "السابع والعشرين": 27,
    "الثامن والعشرين": 28,
    "التاسع والعشرين": 29,
    "الثلاثين": 30,
    "الحادي والثلاثين": 31,
}
_NUMBER_WORDS = {
    "واحد": 1,
    "ثلاثه": 3,
    "ثلاث": 3,
    "اربعه": 4,
    "اربع": 4,
    "خمسه": 5,
    "خمس": 5,
    "سته": 6,
    "ست": 6,
    "سبعه": 7,
    "سبع": 7,
    "ثمانيه": 8,
    "ثماني": 8,
    "ثمان": 8,
    "تسعه": 9,
    "تسع": 9,
    "عشره": 10,
    "عشر": 10,
}
_UNITS = {
    "يوم": ("day", 1),
    "يوما": ("day", 1),
    "ايام": ("day", 1),
    "يومين": ("day", 2),
    "اسبوع": ("week", 1),
    "اسبوعا": ("week", 1),
    "اسابيع": ("week", 1),
    "اسبوعين": ("week", 2),
    "شهر": ("month", 1),
    "شهرا": ("month", 1),
    "اشهر": ("month", 1),
    "شهور": ("month", 1),
    "شهرين": ("month", 2),
    "عام": ("year", 1),
    "عاما": ("year", 1),
    "اعوام": ("year", 1),
    "عامين": ("year", 2),
    "سنه": ("year", 1),
    "سنوات": ("year", 1),
    "سنين": ("year", 1),
    "سنتين": ("year", 2),
}
_PAST = ("الماضي", "الماضيه", "الفائت", "الفائته", "المنصرم", "المنصرمه", "السابق", "السابقه")
_NEXT = ("المقبل", "المقبله", "القادم", "القادمه")
_CURRENT = ("الجاري", "الجاريه", "الحالي", "الحاليه")
# Words that place a span inside a period; they are part of the mention.
_POSITIONS = (
    "مطلع",
    "مستهل",
    "بدايه",
    "اوائل",
    "منتصف",
    "اواسط",
    "اواخر",
    "نهايه",
    "ختام",
    "اخر",
)
# Words after which a bare month or year is a date ("في يوليو", "منذ 2011").
# ("إلى"/"من" are left out: "ارتفع العدد إلى 2023" is a count as often as a year.)
_CUES = ("في", "خلال", "منذ", "حتى", "بحلول", "قبل", "بعد", "طوال")
# What may follow "في 2021" for it to be a year rather than a count ("في 2000 منزل").
_AFTER_BARE_YEAR = (
    "و",
    "ثم",
    "بعد",
    "قبل",
    "حين",
    "عندما",
    "حيث",
    "الى",
    "حتى",
    "كما",
    "مقارنه",
    "بينما",
    "لكن",
    "مع",
    "من",
    "عن",
    "على",
)
# A day and month named after one of these is an event or a place ("ثورة 25 يناير",
# "قوى 14 آذار", "جسر 6 أكتوبر"), not a date of the story.
_EVENT_HEADS = frozenset(
    fold_arabic(w)
    for w in (
        "ثورة",
        "حرب",
        "حركة",
        "انتفاضة",
        "قوى",
        "تيار",
        "فريق",
        "تحالف",
        "جسر",
        "شارع",
        "ميدان",
        "مدينة",
        "نادي",
        "كوبري",
        "محور",
        "طريق",
        "دوار",
        "ساحة",
        "ذكرى",
        "أحداث",
        "هجمات",
        "بيان",
        "اتفاق",
        "اتفاقية",
        "مجزرة",
    )
)
_TODAY_BLOCK_BEFORE = frozenset(
    ("هذا", "ذلك", "ذات", "نفس", "طوال", "طيله", "مدار", "في", "كل", "نصف", "يوم", "ذاك")
)
_TODAY_BLOCK_AFTER = frozenset(
    (
        *_ORDINAL_DAYS,
        "التالي",
        "السابق",
        "الاخير",
        "نفسه",
        "ذاته",
        "عينه",
        "المفتوح",
        "الموعود",
        "المشهود",
        "الذي",
        "الواحد",
        "الكامل",
        "الاول",
    )
)
_WEEKDAY_BLOCK_BEFORE = {
    4: frozenset(("صلاه", "خطبه", "صلوات", "سوره", "خطيب", "خطباء", "مسجد", "جامع", "صلاتي")),
    6: frozenset(("الواحد", "عبد")),
    0: frozenset(("كلا", "بين", "هذين")),
}
_TIMES_OF_DAY = frozenset(("صباحا", "ظهرا", "عصرا", "مساء", "ليلا", "فجرا"))
_PARTS_OF_DAY = ("صباح", "مساء", "ليله", "ظهر", "عصر", "فجر", "ليل", "يوم", "ظهيره", "منتصف ليل")


def _alt(words: Iterator[str] | tuple[str, ...] | list[str]) -> str:
    """A regex alternation of folded words, longest first so prefixes never win."""
    folded = {fold_arabic(w) for w in words}
    return "|".join(re.escape(w).replace(r"\ ", _SP) for w in sorted(folded, key=len, reverse=True))


# What a line must contain for a pattern to be tried: any of some substrings, or a regex hit.
_Probe = tuple[str, ...] | re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    months: dict[str, int]
    weekdays: dict[str, int]
    # (pattern, handler, any-of substrings the folded text must contain for it to be tried):
    # a substring test is ~100x cheaper than a regex scan and most patterns find nothing.
    patterns: tuple[tuple[re.Pattern[str], Callable[..., _Found | None], _Probe], ...]


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # folded offsets
    end: int
    value: str
    relative: bool


def _month_names() -> dict[str, int]:
    from dateparser.data.date_translation_data import ar

    info = ar.info
    tables = [info, info["locale_specific"][_LEVANTINE_LOCALE]]
    tables += [info["locale_specific"][loc] for loc in _MAGHREBI_LOCALES]
    names: dict[str, int] = {}
    for table in tables:
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in table.get(key, ()):
                names[fold_arabic(name)] = number
    for number, extra in _EXTRA_MONTHS.items():
        for name in extra:
            names[fold_arabic(name)] = number
    return names


def _weekday_names() -> dict[str, int]:
    from dateparser.data.date_translation_data import ar

    return {
        fold_arabic(name): number
        for number, key in enumerate(_WEEKDAY_KEYS)
        for name in ar.info[key]
    }


@cache
def _vocabulary() -> _Vocabulary:
    months = _month_names()
    weekdays = _weekday_names()
    month = rf"(?P<m>{_alt(list(months))})"
    dual = (
        rf"(?:{_OSP}/{_OSP}(?P<m2>{_alt(list(months))})"
        rf"|{_OSP}\({_OSP}(?P<m3>{_alt(list(months))}){_OSP}\))?"
    )
    weekday = rf"(?P<wd>{_alt(list(weekdays))})"
    year = r"(?P<y>19\d\d|20\d\d|2100)(?![\d]|[.,/\-]\d)"
    year_cue = rf"(?:(?:من{_SP})?(?:ال)?(?:عام|سنه){_SP})"
    year_tail = rf"(?:[ \t\u00a0،,]+{year_cue}?{year}(?:{_OSP}م{_NE})?)"
    mod = rf"(?P<mod>{_alt(_PAST + _NEXT + _CURRENT)}){_NE}"
    pos = rf"(?P<pos>{_alt(_POSITIONS)})"
    day = rf"(?:(?P<d>[0-3]?\d)(?!\d)|(?P<dw>{_alt(list(_ORDINAL_DAYS))}))"
    hijri = rf"(?P<hm>{_alt([n for n, _ in _HIJRI_MONTHS])})"
    parts = rf"(?:(?P<part>{_alt(_PARTS_OF_DAY)}){_SP})?"
    unit = rf"(?P<unit>{_alt(list(_UNITS))})"
    number = rf"(?:(?P<n>\d{{1,2}})|(?P<nw>{_alt(list(_NUMBER_WORDS))}))"
    tail_weekday = rf"(?:{_SP}(?P<wd2>{_alt(list(weekdays))}){_NE})?"

    patterns: list[tuple[str, Callable[..., _Found | None]]] = [
        # 15 آذار/مارس 2023 · الأول من يناير الجاري · الثلاثاء 7 يناير 2025
        (
            rf"{_CONJ}(?:{parts}(?P<pwd>{_alt(list(weekdays))})[،,]?{_SP})?"
            rf"{day}{_SP}(?:من{_SP})?(?:شهر{_SP})?{month}{_NE}{dual}"
            rf"(?:{year_tail}|{_SP}{mod})?",
            _day_month,
        ),
        # مارس 2023 · مطلع آذار من العام 2023
        (
            rf"{_CONJ}(?:{pos}{_SP})?(?:(?P<shahr>شهر){_SP})?{month}{_NE}{dual}{year_tail}",
            _month_year,
        ),
        # يوليو الماضي · شهر ديسمبر المقبل
        (
            rf"{_CONJ}(?:{pos}{_SP})?(?:(?P<shahr>شهر){_SP})?{month}{_NE}{dual}{_SP}{mod}",
            _month_mod,
        ),
        # في يوليو · شهر آب · منتصف مارس
        (
            rf"{_CONJ}(?:(?P<cue>{_alt(_CUES)}){_SP}|{pos}{_SP})?(?:(?P<shahr>شهر){_SP})?"
            rf"{month}{_NE}{dual}",
            _month_cue,
        ),
        # عام 2021 · مطلع العام 2024 · في 2021،
        (rf"{_CONJ}(?:{pos}{_SP})?(?:ال)?(?:عام|سنه){_SP}{year}", _year),
        (rf"{_CONJ}{pos}{_SP}{year}", _year),
        (
            rf"{_CONJ}(?:{_alt(_CUES)}){_SP}{year}"
            rf"(?={_OSP}(?:[.،,؛:!?)\]»\"\n]|$|(?:{_alt(_AFTER_BARE_YEAR)}){_NE}))",
            _bare_year,
        ),
        # 07/01/2025 · 2025-01-07
        (
            r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<mo>[01]?\d)(?P=sep)"
            r"(?P<y>19\d\d|20\d\d)(?![\d]|[.,/\-]\d)",
            _numeric,
        ),
        (
            r"(?<![\d/.\-])(?P<y>19\d\d|20\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?![\d]|[/\-]\d)",
            _numeric,
        ),
        # 7 رجب 1446 هـ
        (
            rf"{_CONJ}{day}{_SP}(?:من{_SP})?(?:شهر{_SP})?{hijri}{_NE}[ \t\u00a0،,]+{year_cue}?"
            rf"(?P<hy>1[34]\d\d)(?!\d)(?:{_OSP}ه(?:جري|جريه)?{_NE})?",
            _hijri,
        ),
        # أمس · أول من أمس · مساء أمس الاثنين
        (
            rf"(?:{_CONJ}|(?<=(?<![{_L}])ب)|(?<=(?<![{_L}])[وف]ب)){parts}"
            rf"(?P<rel>اول{_SP}من{_SP}امس|اول{_SP}امس|امس{_SP}الاول|امس|الامس|البارحه){_NE}"
            rf"{tail_weekday}",
            _yesterday,
        ),
        (rf"{_CONJ}{parts}(?P<rel>اليوم){_NE}{tail_weekday}", _today),
        (
            rf"{_CONJ}(?:(?P<part>{_alt(_PARTS_OF_DAY)}){_SP}(?P<rel>الغد|غد)|(?P<rel2>بعد{_SP}غد"
            rf"|غدا)){_NE}{tail_weekday}",
            _tomorrow,
        ),
        (rf"{_CONJ}{parts}{weekday}{_NE}(?:{_SP}{mod})?", _weekday),
        # الأسبوع الماضي · منتصف الشهر الجاري · العام المقبل · مطلع العام · هذا العام
        (rf"{_CONJ}(?:{pos}{_SP})?(?P<u>الاسبوع|الشهر|العام|السنه){_SP}{mod}", _period),
        (rf"{_CONJ}{pos}{_SP}(?P<u>الاسبوع|الشهر|العام|السنه){_NE}", _period),
        (rf"{_CONJ}(?:هذا|هذه){_SP}(?P<u>الاسبوع|الشهر|العام|السنه){_NE}", _period),
        # منذ ثلاثة أيام · قبل يومين · بعد أسبوعين
        (rf"{_CONJ}(?P<dir>منذ|قبل|بعد){_SP}(?:{number}{_SP})?{unit}{_NE}", _ago),
    ]
    month_keys = re.compile(rf"(?<![{_L}])(?:{_alt(list(months))}){_NE}")
    digits = tuple("0123456789")
    keys: dict[Callable[..., _Found | None], _Probe] = {
        _day_month: month_keys,
        _month_year: month_keys,
        _month_mod: month_keys,
        _month_cue: month_keys,
        _year: digits,
        _bare_year: digits,
        _numeric: digits,
        _hijri: digits,
        _yesterday: ("امس", "البارحه"),
        _today: ("اليوم",),
        _tomorrow: ("غد",),
        _weekday: tuple(weekdays),
        _period: ("الاسبوع", "الشهر", "العام", "السنه"),
        _ago: ("منذ", "قبل", "بعد"),
    }
    compiled = tuple((re.compile(p), handler, keys[handler]) for p, handler in patterns)
    return _Vocabulary(months, weekdays, compiled)


# --------------------------------------------------------------------------------------------
# Handlers: one per pattern; each gets the match, the folded text and the reference date.


@dataclass(frozen=True, slots=True)
class _Ctx:
    folded: str
    ref: date | None
    months: dict[str, int]
    weekdays: dict[str, int]


def _word_before(folded: str, pos: int) -> str:
    m = _PREV_WORD_RE.search(folded[max(0, pos - 40) : pos])
    if m is None:
        return ""
    word = m.group(1)
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


_PREV_WORD_RE = re.compile(rf"([{_L}]+)[ \t\u00a0]*$")
_NEXT_WORD_RE = re.compile(rf"[ \t\u00a0]+([{_L}]+)")


def _word_after(folded: str, pos: int) -> str:
    m = _NEXT_WORD_RE.match(folded, pos)
    return m.group(1) if m else ""


def _found(m: re.Match[str], value: str, relative: bool, group: int | str = 0) -> _Found:
    return _Found(m.start(group), m.end(), value, relative)


def _month_of(m: re.Match[str], ctx: _Ctx) -> int:
    return ctx.months[_squash(m.group("m"))]


def _squash(s: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", s)


def _mod_kind(mod: str | None) -> str | None:
    if mod is None:
        return None
    if mod in _PAST:
        return "past"
    if mod in _NEXT:
        return "next"
    return "current"


def _closest_year(ref: date, month: int) -> int:
    """The year placing ``month`` in the window from 9 months before to 2 after ``ref``'s.

    News mostly reports what happened and announces what is coming with "المقبل": a bare
    "في يونيو" read in January is last June, "في 20 فبراير" next month's.
    """
    ref_index = ref.year * 12 + ref.month - 1
    # The one year whose month index falls in [ref_index - 9, ref_index + 3).
    return (ref_index + 2 - (month - 1)) // 12


def _day_of(m: re.Match[str]) -> int:
    if m.group("d") is not None:
        return int(m.group("d"))
    return _ORDINAL_DAYS[_squash(m.group("dw"))]


def _day_month(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    if _word_before(ctx.folded, m.start()) in _EVENT_HEADS:
        return None
    month, day = _month_of(m, ctx), _day_of(m)
    if m.group("y"):
        return _found(m, date(int(m.group("y")), month, day).isoformat(), False)
    ref = ctx.ref
    if ref is None:
        return None
    kind = _mod_kind(m.group("mod"))
    if kind == "current":
        year = ref.year
    elif kind == "past":
        year = ref.year if date(ref.year, month, day) < ref else ref.year - 1
    elif kind == "next":
        year = ref.year if date(ref.year, month, day) > ref else ref.year + 1
    else:
        year = _closest_year(ref, month)
    return _found(m, date(year, month, day).isoformat(), True)


def _month_year(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    if (
        _squash(m.group("m")) in _WEAK_MONTHS
        and not (m.group("pos") or m.group("shahr") or m.group("m2") or m.group("m3"))
        and _word_before(ctx.folded, m.start()) not in _CUES
    ):
        return None  # "سيارة نيسان 2024" is a car model
    return _found(m, f"{int(m.group('y')):04d}-{_month_of(m, ctx):02d}", False)


def _month_mod(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    month, kind = _month_of(m, ctx), _mod_kind(m.group("mod"))
    if kind == "past":
        year = ref.year if month < ref.month else ref.year - 1
    elif kind == "next":
        year = ref.year if month > ref.month else ref.year + 1
    else:
        year = ref.year
    return _found(m, f"{_year_str(year)}-{month:02d}", True)


def _month_cue(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    name = _squash(m.group("m"))
    cued = m.group("cue") or m.group("pos") or m.group("shahr")
    dual = m.group("m2") or m.group("m3")
    if not cued and not dual:
        return None
    if name in _WEAK_MONTHS and not (m.group("shahr") or dual):
        return None
    ref = ctx.ref
    if ref is None:
        return None
    month = _month_of(m, ctx)
    year = _closest_year(ref, month)
    start_group = "m" if m.group("cue") else 0
    if m.group("cue") and m.group("shahr"):
        start_group = "shahr"
    return _found(m, f"{_year_str(year)}-{month:02d}", True, start_group)


def _year(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    return _found(m, m.group("y"), False)


def _bare_year(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    return _found(m, m.group("y"), False, "y")


def _numeric(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    d = date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    return _found(m, d.isoformat(), False)


def _hijri(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    from dateparser.calendars.hijri import HijriCalendar

    month = dict(_HIJRI_NAMES)[_squash(m.group("hm"))]
    # dateparser's Hijri parser reads "day month year" with its own month spellings; giving it
    # the canonical name avoids its ordinal-day gaps ("الأول من رجب").
    parsed = HijriCalendar(f"{_day_of(m)} {_CANONICAL_HIJRI[month]} {m.group('hy')}").get_date()
    if parsed is None or parsed.date_obj is None or parsed.period != "day":
        return None
    return _found(m, parsed.date_obj.date().isoformat(), False)


_HIJRI_NAMES = tuple((fold_arabic(n), k) for n, k in _HIJRI_MONTHS)
_CANONICAL_HIJRI = {
    1: "محرم",
    2: "صفر",
    3: "ربيع الأول",
    4: "ربيع الثاني",
    5: "جمادى الأولى",
    6: "جمادى الآخرة",
    7: "رجب",
    8: "شعبان",
    9: "رمضان",
    10: "شوال",
    11: "ذو القعدة",
    12: "ذو الحجة",
}


def _yesterday(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    if ctx.ref is None:
        return None
    rel = _squash(m.group("rel"))
    days = 2 if rel.startswith("اول") or rel.endswith("الاول") else 1
    return _found(m, (ctx.ref - timedelta(days=days)).isoformat(), True)


def _today(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    if ctx.ref is None:
        return None
    if not m.group("wd2"):
        if not m.group("part") and _word_before(ctx.folded, m.start()) in _TODAY_BLOCK_BEFORE:
            return None
        after = _word_after(ctx.folded, m.end())
        # "اليوم الوطني", "اليوم العالمي": a nisba adjective makes it "the day of".
        if after in _TODAY_BLOCK_AFTER or (after.startswith("ال") and after.endswith("ي")):
            return None
    return _found(m, ctx.ref.isoformat(), True)


def _tomorrow(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    if ctx.ref is None:
        return None
    rel2 = m.group("rel2")
    if rel2 == "غدا" and not m.group("wd2"):
        after = _word_after(ctx.folded, m.end())
        # "غدا واضحا": the verb "became" takes an accusative adjective.
        if after.endswith("ا") and after not in _TIMES_OF_DAY:
            return None
    days = 2 if rel2 is not None and rel2.startswith("بعد") else 1
    return _found(m, (ctx.ref + timedelta(days=days)).isoformat(), True)


def _weekday(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    wd = ctx.weekdays[m.group("wd")]
    if not m.group("part"):
        before = _word_before(ctx.folded, m.start())
        if before in _WEEKDAY_BLOCK_BEFORE.get(wd, ()):
            return None
        if wd == 0 and _word_after(ctx.folded, m.end()) == "معا":
            return None
    kind = _mod_kind(m.group("mod"))
    if kind == "next":
        value = ref + timedelta(days=((wd - ref.weekday()) % 7) or 7)
    elif kind == "past":
        value = ref - timedelta(days=((ref.weekday() - wd) % 7) or 7)
    else:
        value = ref - timedelta(days=(ref.weekday() - wd) % 7)
    return _found(m, value.isoformat(), True)


def _year_str(year: int) -> str:
    date(year, 1, 1)  # raises ValueError outside 1..9999, like any other impossible date
    return f"{year:04d}"


def _iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _shift_month(ref: date, months: int) -> tuple[int, int]:
    index = ref.year * 12 + ref.month - 1 + months
    year = index // 12
    date(year, 1, 1)  # out of range -> ValueError, dropped by the caller
    return year, index % 12 + 1


def _period(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    unit = m.group("u")
    groups = m.groupdict()
    kind = _mod_kind(groups.get("mod"))
    if kind is None and groups.get("pos"):
        after = _word_after(ctx.folded, m.end())
        # "مطلع العام الدراسي" is not this year.
        if after.startswith("ال") or after[:1].isdigit():
            return None
    step = {"past": -1, "next": 1}.get(kind or "", 0)
    if unit == "الاسبوع":
        value = _iso_week(ref + timedelta(weeks=step))
    elif unit == "الشهر":
        y, mo = _shift_month(ref, step)
        value = f"{y:04d}-{mo:02d}"
    else:
        value = _year_str(ref.year + step)
    return _found(m, value, True)


def _ago(m: re.Match[str], ctx: _Ctx) -> _Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    unit_word = m.group("unit")
    unit, base = _UNITS[unit_word]
    if m.group("n"):
        count = int(m.group("n"))
    elif m.group("nw"):
        count = _NUMBER_WORDS[m.group("nw")]
    elif unit_word in ("ايام", "اسابيع", "اشهر", "شهور", "اعوام", "سنوات", "سنين"):
        return None  # "منذ أيام": how many is not said
    else:
        count = base
    if m.group("n") or m.group("nw"):
        # "ثلاثة أيام": the plural carries no count of its own.
        count = count * (base if base == 2 else 1)
    after = _word_after(ctx.folded, m.end())
    rest = ctx.folded[m.end() : m.end() + 6].lstrip(" \t\u00a0")
    # "قبل يومين من الانتخابات" counts from another event; "قبل عام 2030" is a year.
    if (m.group("dir") != "منذ" and after in ("من", "على")) or rest[:1].isdigit():
        return None
    sign = 1 if m.group("dir") == "بعد" else -1
    if unit == "day":
        value = (ref + timedelta(days=sign * count)).isoformat()
    elif unit == "week":
        value = _iso_week(ref + timedelta(weeks=sign * count))
    elif unit == "month":
        y, mo = _shift_month(ref, sign * count)
        value = f"{y:04d}-{mo:02d}"
    else:
        value = _year_str(ref.year + sign * count)
    return _found(m, value, True)


# --------------------------------------------------------------------------------------------


def parse_published_at(published_at: object) -> date | None:
    """The publication date of an ISO 8601 date or datetime string, else None."""
    if not isinstance(published_at, str) or not published_at.strip():
        return None
    s = published_at.strip()
    try:
        return datetime.fromisoformat(s).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _candidates(mt: MatchingText, ref: date | None) -> Iterator[_Found]:
    vocab = _vocabulary()
    folded = mt.folded
    ctx = _Ctx(folded, ref, vocab.months, vocab.weekdays)
    # Mentions never cross a line, so each pattern scans only the lines holding its keys.
    lo = 0
    for line in folded.split("\n"):
        hi = lo + len(line)
        probed: dict[int, bool] = {}
        for pattern, handler, keys in vocab.patterns:
            hit = probed.get(id(keys))
            if hit is None:
                if isinstance(keys, re.Pattern):
                    hit = keys.search(line) is not None
                else:
                    hit = any(k in line for k in keys)
                probed[id(keys)] = hit
            if not hit:
                continue
            for m in pattern.finditer(folded, lo, hi):
                try:
                    found = handler(m, ctx)
                except (ValueError, OverflowError, KeyError):
                    # An impossible date ("31 فبراير") or one out of range of the reference.
                    continue
                if found is not None and found.end > found.start:
                    yield found
        lo = hi + 1


def extract_dates(text: str, published_at: str | None) -> list[DateMention]:
    """Date mentions of ``text`` with ISO values, sorted by position, never overlapping."""
    if not text:
        return []
    mt = matching_form(text)
    ref = parse_published_at(published_at)
    chosen: list[_Found] = []
    # The chosen spans never overlap, so sorted by start they are sorted by end too, and a
    # candidate can only overlap its two neighbours: a bisect, not a scan of every chosen span
    # (a page of thousands of dates would otherwise take quadratic time).
    starts: list[int] = []
    ends: list[int] = []
    # Longest first, then leftmost: "الثلاثاء 7 يناير 2025" beats its parts.
    for f in sorted(_candidates(mt, ref), key=lambda f: (f.start - f.end, f.start)):
        i = bisect.bisect_right(starts, f.start)
        if (i == 0 or ends[i - 1] <= f.start) and (i == len(starts) or starts[i] >= f.end):
            starts.insert(i, f.start)
            ends.insert(i, f.end)
            chosen.append(f)
    chosen.sort(key=lambda f: f.start)
    mentions: list[DateMention] = []
    for f in chosen:
        start, end = mt.to_original(f.start, f.end)
        mentions.append(
            DateMention(
                text=text[start:end], value=f.value, relative=f.relative, start=start, end=end
            )
        )
    return mentions
