"""Recognise a news page's publication date line and turn it into ISO 8601.

A date line is a short line made of a date plus optional label, weekday, time and zone
("تاريخ النشر: 7th, January 2025 GMT", "الثلاثاء 14 مايو 2024 - 10:30 ص"). A body sentence
that mentions a date is not one: every word left over after the date parts are removed must be
label or filler vocabulary. Relative lines ("منذ 3 ساعات") cannot be resolved without a
reference time, so they are not date lines here.

Offsets are only emitted when the line names a zone, and for a named city the offset comes from
the tz database for that local date and time (Cairo and Beirut observe summer time).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

__all__ = ["DateLine", "is_date_line", "match_date_line", "normalize_for_match", "parse_date_line"]

# Longer lines are body text, never a date line; checking this first keeps the common case cheap.
MAX_DATE_LINE_CHARS = 160
MAX_DATE_LINE_SPACES = 24

LabelKind = Literal["published", "updated"]


class DateLine(NamedTuple):
    """A recognised date line: its ISO value and whether it was labelled as an update."""

    value: str
    kind: LabelKind | None


def _build_norm_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    # Harakat, superscript alef, Quranic marks and tatweel carry no meaning for matching.
    for cp in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)):
        table[cp] = None
    table[0x0640] = None
    # Zero-width and bidi controls survive copy-paste from web pages.
    for cp in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF):
        table[cp] = None
    for ch in "أإآٱ":
        table[ord(ch)] = ord("ا")
    table[ord("ى")] = ord("ي")
    for i in range(10):
        table[0x0660 + i] = ord("0") + i  # Arabic-Indic
        table[0x06F0 + i] = ord("0") + i  # Extended (Persian/Urdu)
    table[0x00A0] = ord(" ")
    table[0x066B] = ord(".")  # Arabic decimal separator
    return table


_NORM_TABLE = _build_norm_table()


def normalize_for_match(text: str) -> str:
    """Matching form: no diacritics/tatweel/bidi, one alef, ى→ي, ASCII digits, lower case."""
    return text.translate(_NORM_TABLE).lower()


_MONTHS: dict[str, int] = {
    # Egyptian/Gulf family
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine/Iraqi family
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5,
    "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين اول": 10,
    "تشرين الثاني": 11, "تشرين ثاني": 11, "كانون الاول": 12, "كانون اول": 12,
    # Maghrebi family (the rest coincide with the Egyptian names)
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "جويليه": 7,
    "اوت": 8,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع اول": 3, "ربيع الثاني": 4, "ربيع ثاني": 4,
    "ربيع الاخر": 4, "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الاخره": 6,
    "جمادي الاخرة": 6, "جمادي الثانيه": 6, "جمادي الثانية": 6, "جمادي الثاني": 6,
    "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعده": 11,
    "ذو القعدة": 11, "ذي القعده": 11, "ذي القعدة": 11, "ذو الحجه": 12, "ذو الحجة": 12,
    "ذي الحجه": 12, "ذي الحجة": 12,
}  # fmt: skip

# Zone names -> IANA zone ("UTC" for Greenwich, which has no summer time).
_ZONE_CITIES: dict[str, str] = {
    "مكه": "Asia/Riyadh", "مكة": "Asia/Riyadh", "الرياض": "Asia/Riyadh",
    "السعوديه": "Asia/Riyadh", "السعودية": "Asia/Riyadh", "القاهره": "Africa/Cairo",
    "القاهرة": "Africa/Cairo", "مصر": "Africa/Cairo", "بيروت": "Asia/Beirut",
    "لبنان": "Asia/Beirut", "دمشق": "Asia/Damascus", "سوريا": "Asia/Damascus",
    "الاردن": "Asia/Amman", "مسقط": "Asia/Muscat", "بغداد": "Asia/Baghdad",
    "العراق": "Asia/Baghdad", "الدوحه": "Asia/Qatar", "الدوحة": "Asia/Qatar", "قطر": "Asia/Qatar",
    "ابوظبي": "Asia/Dubai", "دبي": "Asia/Dubai", "الامارات": "Asia/Dubai",
    "الكويت": "Asia/Kuwait", "المنامه": "Asia/Bahrain", "المنامة": "Asia/Bahrain",
    "البحرين": "Asia/Bahrain", "تونس": "Africa/Tunis", "الجزائر": "Africa/Algiers",
    "الرباط": "Africa/Casablanca", "المغرب": "Africa/Casablanca", "الخرطوم": "Africa/Khartoum",
    "السودان": "Africa/Khartoum", "صنعاء": "Asia/Aden", "اليمن": "Asia/Aden",
    "ليبيا": "Africa/Tripoli", "نواكشوط": "Africa/Nouakchott", "موريتانيا": "Africa/Nouakchott",
    "غرينتش": "UTC", "غرينيتش": "UTC", "جرينتش": "UTC", "جرينيتش": "UTC", "جرينش": "UTC",
}  # fmt: skip

# Words a date line may hold besides its date, time and zone.
_ALLOWED_TEXT = (
    # weekdays
    "الأحد الاثنين الإثنين الاتنين الثلاثاء الأربعاء الخميس الجمعة الجمعه السبت "
    "أحد اثنين ثلاثاء أربعاء خميس جمعة سبت "
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun "
    # fillers between the parts
    "في بتاريخ يوم الموافق الموافق لـ ل الساعة الساعه ساعة عند على و "
    "م ه هـ ميلادي ميلادية ميلاديه هجري هجرية هجريه ص "
    "at on the of am pm a p "
    # what may be left of a zone phrase
    "توقيت بتوقيت التوقيت حسب المحلي الرسمي المكرمة المكرمه المنورة gmt utc "
    # zone abbreviations that are ambiguous (AST, IST) or not worth a table: accepted, no offset
    "est edt cst cdt pst pdt bst cet cest eet eest ast msk ist jst kst wat cat eat "
)
_ALLOWED_WORDS = frozenset(normalize_for_match(w) for w in _ALLOWED_TEXT.split())

_WS = re.compile(r"\s+")


def _alternation(names: dict[str, int]) -> str:
    # Longest first, so "ماي" never pre-empts "مايو"; spaces inside names match any whitespace.
    keys = sorted(names, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, k.split())) for k in keys)


_MON = _alternation(_MONTHS)
_HMON = _alternation(_HIJRI_MONTHS)
_NB = r"(?![^\W\d_])"  # not followed by a letter

# Month name with an optional equivalent in another family: "كانون الثاني/يناير",
# "يناير (كانون الثاني)".
_MONTH_GROUP = rf"(?P<mon>{_MON}){_NB}\.?(?:\s*[/(]\s*(?:{_MON}){_NB}\s*\)?)?"

_ISO_DT = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})[t ](?P<H>\d{2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:\.\d{1,9})?)?(?P<tz>z|[+-]\d{2}(?::?\d{2})?)?(?![\d:])"
)
_YMD = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
_DMY_NUM = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"
)
_DMY_NAME = re.compile(
    rf"(?<![\d.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s,.،]*(?:من\s+)?(?:شهر\s+)?{_MONTH_GROUP}"
    rf"[\s,.،\-]*(?:عام\s+|سنة\s+|سنه\s+)?(?P<y>\d{{4}})(?!\d)"
)
_MDY_NAME = re.compile(
    rf"(?<![^\W\d_]){_MONTH_GROUP}\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[,،]\s*|\s+)(?P<y>\d{{4}})(?!\d)"
)
_HIJRI = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<mon>{_HMON}){_NB}[\s,،]*(?P<y>\d{{4}})(?!\d)"
    r"(?:\s*(?:ه|هجري[ةه]?)(?![^\W\d_]))?"
)
_TIME = re.compile(
    r"(?<![\d:])(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?![\d:])"
    r"(?:\s*(?P<ap>صباحا|مساء|ظهرا|عصرا|ليلا|ص|م|a\.?m\.?|p\.?m\.?)(?![^\W\d_]))?"
)
_ZONE_OFFSET = re.compile(
    r"(?<![^\W\d_])(?:gmt|utc|غرينتش|جرينتش)\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?(?!\d)"
)
_ZONE_NAMED = re.compile(
    r"(?:(?:ب|حسب\s+)?(?:ال)?توقيت\s+(?P<city>[^\W\d_]+)(?:\s+(?:المكرم[ةه]|المنور[ةه]|المحلي|الرسمي))?)"
    r"|(?P<utc>(?<![^\W\d_])(?:gmt|utc)(?![^\W\d_])|ت\.\s?غ)"
)
_LABELS = re.compile(
    r"(?<![^\W\d_])(?:(?P<upd>اخر\s+تحديث|تاريخ\s+التحديث|تم\s+التحديث|اخر\s+تعديل|محدث|تحديث|"
    r"last\s+updated|last\s+modified|updated(?:\s+on)?)"
    r"|(?P<pub>تاريخ\s+النشر|نشر\s+بتاريخ|نشر\s+في|نشر|منشور|تاريخ\s+الخبر|التاريخ|"
    r"published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|date))(?![^\W\d_])"
)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_HAS_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


class _Candidate(NamedTuple):
    start: int
    end: int
    day: date
    hijri: bool
    # Time and zone carried by the date itself (ISO datetimes).
    iso_time: tuple[int, int, int] | None
    iso_tz: str | None


def _valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _gregorian_year_ok(y: int) -> bool:
    return 1900 <= y <= 2100


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("time zone %s is not available", name)
        return None


def _hijri_to_gregorian(y: int, m: int, d: int) -> date | None:
    try:
        from hijridate import Hijri  # Umm al-Qura tables; shipped with dateparser[calendars]
    except ImportError:  # pragma: no cover - dependency of the project
        return None
    try:
        g = Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _find_candidates(s: str) -> tuple[list[_Candidate], list[tuple[int, int]]]:
    """Gregorian and Hijri dates in ``s`` (no overlaps), and spans of unusable numeric dates."""
    found: list[_Candidate] = []
    taken: list[tuple[int, int]] = []

    for m in _ISO_DT.finditer(s):
        day = _valid_date(int(m["y"]), int(m["m"]), int(m["d"]))
        hh, mm, ss = int(m["H"]), int(m["M"]), int(m["S"] or 0)
        if day is None or hh > 23 or mm > 59 or ss > 59 or not _gregorian_year_ok(day.year):
            continue
        tz = m["tz"]
        found.append(_Candidate(m.start(), m.end(), day, False, (hh, mm, ss), tz))
        taken.append(m.span())

    for rx in (_DMY_NAME, _MDY_NAME, _YMD, _DMY_NUM, _HIJRI):
        for m in rx.finditer(s):
            if _overlaps(taken, m.start(), m.end()):
                continue
            y, d = int(m["y"]), int(m["d"])
            hijri = rx is _HIJRI
            if hijri:
                mon = _HIJRI_MONTHS[_WS.sub(" ", m["mon"])]
                day = _hijri_to_gregorian(y, mon, d) if 1 <= d <= 30 else None
            elif "mon" in m.re.groupindex:
                mon = _MONTHS[_WS.sub(" ", m["mon"])]
                day = _valid_date(y, mon, d) if _gregorian_year_ok(y) else None
            else:
                mon = int(m["m"])
                if 1300 <= y <= 1600:
                    # A numeric Hijri date ("14/9/1445 هـ"): part of the line, not convertible
                    # without knowing it is Hijri, so it only stops the line being rejected.
                    taken.append(m.span())
                    continue
                day = _valid_date(y, mon, d) if _gregorian_year_ok(y) else None
                if day is None and rx is _DMY_NUM and _gregorian_year_ok(y):
                    # Only when day-first is impossible (e.g. 05/27/2024) read it month-first.
                    day = _valid_date(y, d, mon)
            if day is None:
                continue
            found.append(_Candidate(m.start(), m.end(), day, hijri, None, None))
            taken.append(m.span())
    found.sort(key=lambda c: c.start)
    return found, taken


def _offset_str(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _iso_tz(tz: str) -> str | None:
    if tz == "z":
        return "+00:00"
    digits = tz[1:].replace(":", "")
    hh, mm = int(digits[:2]), int(digits[2:4] or 0)
    if hh > 14 or mm > 59:
        return None
    return f"{tz[0]}{hh:02d}:{mm:02d}"


def _analyse(line: str) -> DateLine | None:
    if (
        not line
        or len(line) > MAX_DATE_LINE_CHARS
        or line.count(" ") > MAX_DATE_LINE_SPACES
        or not _HAS_DIGIT.search(line)
    ):
        return None
    s = _WS.sub(" ", normalize_for_match(line)).strip()
    if _YEAR.search(s) is None:
        return None  # every accepted shape carries a four-digit year
    candidates, date_spans = _find_candidates(s)
    if not candidates:
        return None

    removed: list[tuple[int, int]] = list(date_spans)
    labels: list[tuple[int, int, LabelKind]] = []
    for m in _LABELS.finditer(s):
        if _overlaps(removed, m.start(), m.end()):
            continue
        labels.append((m.start(), m.end(), "updated" if m["upd"] else "published"))
        removed.append(m.span())
    times = [m for m in _TIME.finditer(s) if not _overlaps(removed, m.start(), m.end())]
    removed.extend(m.span() for m in times)
    zones = [
        m
        for rx in (_ZONE_OFFSET, _ZONE_NAMED)
        for m in rx.finditer(s)
        if not _overlaps(removed, m.start(), m.end())
    ]
    removed.extend(m.span() for m in zones)

    residue = list(s)
    for a, b in removed:
        residue[a:b] = " " * (b - a)
    for word in _WORD.findall("".join(residue)):
        if word not in _ALLOWED_WORDS:
            return None

    def kind_of(c: _Candidate) -> LabelKind | None:
        kind: LabelKind | None = None
        for a, _b, k in labels:
            if a < c.start:
                kind = k
        return kind

    pool = [c for c in candidates if not c.hijri] or candidates
    kinds = [kind_of(c) for c in pool]
    chosen_i = next((i for i, k in enumerate(kinds) if k == "published"), None)
    if chosen_i is None:
        chosen_i = next((i for i, k in enumerate(kinds) if k is None), 0)
    chosen, kind = pool[chosen_i], kinds[chosen_i]

    # The chosen date's own stretch of the line: between the labels around it.
    lo = max((a for a, _b, _k in labels if a < chosen.start), default=0)
    hi = min((a for a, _b, _k in labels if a > chosen.start), default=len(s))
    return DateLine(_render(chosen, lo, hi, times, zones), kind)


def _render(
    c: _Candidate, lo: int, hi: int, times: list[re.Match[str]], zones: list[re.Match[str]]
) -> str:
    day_iso = c.day.isoformat()
    hms = c.iso_time
    if hms is None:
        local = [t for t in times if lo <= t.start() < hi]
        after = [t for t in local if t.start() >= c.end]
        t = after[0] if after else (local[-1] if local else None)
        if t is None:
            return day_iso
        hh, mm, ss = int(t["H"]), int(t["M"]), int(t["S"] or 0)
        ap = (t["ap"] or "").replace(".", "")
        afternoon = ap in ("م", "مساء", "ليلا", "pm", "عصرا") and hh < 12
        if afternoon or (ap == "ظهرا" and hh < 11):
            hh += 12
        elif ap in ("ص", "صباحا", "am") and hh == 12:
            hh = 0
        if hh > 23 or mm > 59 or ss > 59:
            return day_iso
        hms = (hh, mm, ss)
    hh, mm, ss = hms
    stamp = f"{day_iso}T{hh:02d}:{mm:02d}:{ss:02d}"
    if c.iso_tz is not None:
        off = _iso_tz(c.iso_tz)
        return stamp + off if off else stamp
    zone = next((z for z in zones if lo <= z.start() < hi), None)
    if zone is None:
        return stamp
    if zone.re is _ZONE_OFFSET:
        oh, om = int(zone["oh"]), int(zone["om"] or 0)
        if oh > 14 or om > 59:
            return stamp
        return f"{stamp}{zone['sign']}{oh:02d}:{om:02d}"
    if zone["utc"]:
        return stamp + "+00:00"
    city = zone["city"]
    name = _ZONE_CITIES.get(city)
    if name is None:
        return stamp  # a zone we cannot place: no offset rather than a guessed one
    if name == "UTC":
        return stamp + "+00:00"
    tzinfo = _zone(name)
    if tzinfo is None:
        return stamp
    offset = datetime(c.day.year, c.day.month, c.day.day, hh, mm, ss, tzinfo=tzinfo).utcoffset()
    return stamp if offset is None else stamp + _offset_str(offset)


def match_date_line(line: str) -> DateLine | None:
    """The date line's ISO value and label kind, or None if ``line`` is not a date line."""
    return _analyse(line)


def parse_date_line(line: str) -> str | None:
    """ISO 8601 date (or datetime, when the line gives a time) of a date line, else None."""
    found = _analyse(line)
    return found.value if found else None


def is_date_line(line: str) -> bool:
    """True for a short line that consists of a resolvable date and its label/weekday/time/zone."""
    return _analyse(line) is not None
