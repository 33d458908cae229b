"""Arabic date vocabulary for ``dates``: month, weekday, Hijri, ordinal and number words,
the qualifiers (الماضي، المقبل، الجاري), position and cue words, and the contexts that make a
date word something else (an event's name, "the day of").

Month and weekday names come from dateparser's Arabic locale data (MSA, Levantine/Iraqi and
Maghrebi families) plus spellings it lacks; everything here is in folded form
(``fold_arabic``), the form the patterns run on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from streams.nlp.places import fold_arabic

ARABIC_LETTERS = r"\u0621-\u063a\u0641-\u064a\u0671-\u06d3"  # Arabic letters after folding
WORD_END = rf"(?![{ARABIC_LETTERS}])"  # word end
SPACES = r"[ \t\u00a0]+"
OPT_SPACES = r"[ \t\u00a0]*"
# A word start, or a word glued to و/ف.
WORD_START = rf"(?:(?<![{ARABIC_LETTERS}\d])|(?<=(?<![{ARABIC_LETTERS}])[وف]))"

LEVANTINE_LOCALE = "ar-LB"
MAGHREBI_LOCALES = ("ar-DZ", "ar-MA", "ar-TN")
MONTH_KEYS = (
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
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Spellings seen in news that dateparser's data lacks.
EXTRA_MONTHS = {
    1: ("كانون ثاني",),
    8: ("اغسطس",),
    10: ("تشرين اول",),
    11: ("تشرين ثاني",),
    12: ("كانون اول",),
}
# Month names that are also words or names (تموز, نيسان the carmaker, شباط a surname, ماي
# Theresa May): alone they need "شهر" or the dual naming, before a year a cue word too.
# ("مارس" "practised" is safe after a cue, so it is only kept from standing alone.)
WEAK_MONTHS = frozenset(
    fold_arabic(w) for w in ("ماي", "جوان", "أوت", "آب", "تموز", "نيسان", "شباط")
)
HIJRI_MONTHS = (
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
ORDINAL_DAYS = {
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
NUMBER_WORDS = {
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
UNITS = {
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
PAST = ("الماضي", "الماضيه", "الفائت", "الفائته", "المنصرم", "المنصرمه", "السابق", "السابقه")
NEXT = ("المقبل", "المقبله", "القادم", "القادمه")
CURRENT = ("الجاري", "الجاريه", "الحالي", "الحاليه")
# Words that place a span inside a period; they are part of the mention.
POSITIONS = (
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
CUES = ("في", "خلال", "منذ", "حتى", "بحلول", "قبل", "بعد", "طوال")
# What may follow "في 2021" for it to be a year rather than a count ("في 2000 منزل").
AFTER_BARE_YEAR = (
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
EVENT_HEADS = frozenset(
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
TODAY_BLOCK_BEFORE = frozenset(
    ("هذا", "ذلك", "ذات", "نفس", "طوال", "طيله", "مدار", "في", "كل", "نصف", "يوم", "ذاك")
)
TODAY_BLOCK_AFTER = frozenset(
    (
        *ORDINAL_DAYS,
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
WEEKDAY_BLOCK_BEFORE = {
    4: frozenset(("صلاه", "خطبه", "صلوات", "سوره", "خطيب", "خطباء", "مسجد", "جامع", "صلاتي")),
    6: frozenset(("الواحد", "عبد")),
    0: frozenset(("كلا", "بين", "هذين")),
}
TIMES_OF_DAY = frozenset(("صباحا", "ظهرا", "عصرا", "مساء", "ليلا", "فجرا"))
PARTS_OF_DAY = ("صباح", "مساء", "ليله", "ظهر", "عصر", "فجر", "ليل", "يوم", "ظهيره", "منتصف ليل")


def alternation(words: Iterator[str] | tuple[str, ...] | list[str]) -> str:
    """A regex alternation of folded words, longest first so prefixes never win."""
    folded = {fold_arabic(w) for w in words}
    return "|".join(
        re.escape(w).replace(r"\ ", SPACES) for w in sorted(folded, key=len, reverse=True)
    )


def month_names() -> dict[str, int]:
    from dateparser.data.date_translation_data import ar

    info = ar.info
    tables = [info, info["locale_specific"][LEVANTINE_LOCALE]]
    tables += [info["locale_specific"][loc] for loc in MAGHREBI_LOCALES]
    names: dict[str, int] = {}
    for table in tables:
        for number, key in enumerate(MONTH_KEYS, start=1):
            for name in table.get(key, ()):
                names[fold_arabic(name)] = number
    for number, extra in EXTRA_MONTHS.items():
        for name in extra:
            names[fold_arabic(name)] = number
    return names


def weekday_names() -> dict[str, int]:
    from dateparser.data.date_translation_data import ar

    return {
        fold_arabic(name): number
        for number, key in enumerate(WEEKDAY_KEYS)
        for name in ar.info[key]
    }


HIJRI_NAMES = tuple((fold_arabic(n), k) for n, k in HIJRI_MONTHS)
CANONICAL_HIJRI = {
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
