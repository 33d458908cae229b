"""Recognise a news page's publication date line and turn it into ISO 8601.

A date line is a short line made of a date plus optional label, weekday, time and zone
("تاريخ النشر: 7th, January 2025 GMT", "الثلاثاء 14 مايو 2024 - 10:30 ص"). A body sentence
that mentions a date is not one: every word left over after the date parts are removed must be
label or filler vocabulary. Relative lines ("منذ 3 ساعات") cannot be resolved without a
reference time, so they are not date lines here.

Offsets are only emitted when the line names a zone, and for a named city the offset comes from
the tz database for that local date and time (Cairo and Beirut observe summer time). The
date forms themselves (month families, Hijri, numeric, yearless) are found by ``date_forms``.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from streams.nlp import lexicon
from streams.nlp.arabic import normalize_for_match
from streams.nlp.date_forms import (
    WHITESPACE,
    DateCandidate,
    find_candidates,
    overlaps,
    valid_date,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DateFound",
    "DateLine",
    "date_in_segment",
    "is_date_line",
    "match_date_line",
    "normalize_for_match",
    "parse_date_line",
]

# Longer lines are body text, never a date line; checking this first keeps the common case cheap.
MAX_DATE_LINE_CHARS = 160
MAX_DATE_LINE_SPACES = 24

LabelKind = Literal["published", "updated"]


class DateLine(NamedTuple):
    """A recognised date line: its ISO value, whether it was labelled as an update, the Hijri
    date it also gives (YYYY-MM-DD), and whether its year was written (or given by the Hijri
    pair). A value without a known year carries ``PLACEHOLDER_YEAR`` until the caller sets it."""

    value: str
    kind: LabelKind | None
    hijri: str | None = None
    year_known: bool = True
    year_from_hijri: bool = False


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
    "طرابلس": "Africa/Tripoli", "جيبوتي": "Africa/Djibouti", "مقديشو": "Africa/Mogadishu",
    "الصومال": "Africa/Mogadishu", "موروني": "Indian/Comoro", "القمر": "Indian/Comoro",
    "عمان": "Asia/Amman",
    "الدار": "Africa/Casablanca", "ابو": "Asia/Dubai",
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
    "at on the of am pm a p le à h "
    # what may be left of a zone phrase
    "توقيت بتوقيت التوقيت حسب المحلي الرسمي المكرمة المكرمه المنورة gmt utc "
    # zone abbreviations that are ambiguous (AST, IST) or not worth a table: accepted, no offset
    "est edt cst cdt pst pdt bst cet cest eet eest ast msk ist jst kst wat cat eat "
)
_ALLOWED_WORDS = frozenset(
    [
        *(normalize_for_match(w) for w in _ALLOWED_TEXT.split()),
        *(normalize_for_match(w) for lang in ("ar", "en", "fr") for w in lexicon.weekdays(lang)),
    ]
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
# An English zone name: in brackets ("(KSA)", "(Mecca time)") or followed by "time" ("UAE
# time"); bare only as an abbreviation after a time ("9:40 AM KSA"). A bare city name is not
# taken, so "RIYADH, Nov 3" keeps its city.
_LATIN_NAMES = "|".join(
    re.escape(n).replace(r"\ ", r"\s+") for n in sorted(lexicon.zone_names(), key=len, reverse=True)
)
_ZONE_LATIN = re.compile(
    rf"\(\s*(?P<bracketed>{_LATIN_NAMES})(?:\s+(?:standard\s+)?time)?\s*\)"
    rf"|(?<![^\W\d_])(?P<timed>{_LATIN_NAMES})\s+(?:standard\s+)?time(?![^\W\d_])"
    rf"|(?<=[\d.mM])\s*(?P<abbr>ksa|uae)(?![^\W\d_])"
)
_LABELS = re.compile(
    r"(?<![^\W\d_])(?:(?P<upd>modifi[ée](?:\s+le)?|mis\s+[àa]\s+jour(?:\s+le)?|اخر\s+تحديث|تاريخ\s+التحديث|تم\s+التحديث|اخر\s+تعديل|محدث|تحديث|"
    r"last\s+updated|last\s+modified|updated(?:\s+on)?)"
    r"|(?P<pub>تاريخ\s+النشر|نشرت?\s+بتاريخ|نشرت?\s+في|نشرت?|منشور|تاريخ\s+الخبر|التاريخ|"
    r"published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|date|publi[ée](?:\s+le)?"
    r"|mis\s+en\s+ligne(?:\s+le)?))(?![^\W\d_])"
)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_HAS_DIGIT = re.compile(r"\d")


class DateFound(NamedTuple):
    """The date part of a dateline segment: Gregorian day (None when the year is missing),
    month and day, the Hijri date when one was written, and the words left around it."""

    day: date | None
    month_day: tuple[int, int]
    hijri: tuple[int, int, int] | None
    time: str | None  # "THH:MM:SS" with an offset when the segment gives a time
    leftover: list[str]
    year_from_hijri: bool


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("time zone %s is not available", name)
        return None


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


class _Scan(NamedTuple):
    text: str
    candidates: list[DateCandidate]
    labels: list[tuple[int, int, LabelKind]]
    times: list[re.Match[str]]
    zones: list[re.Match[str]]
    leftover: list[str]  # words that are no date part, label, weekday, time, zone or filler


# Moroccan "فاتح محرم" / "لفاتح يناير": the first day of the month.
# A newspaper's issue number printed with its date line ("العدد 13215 - الاثنين ...").
_ISSUE_NUMBER = re.compile(r"(?<![^\W\d_])(?:العدد|issue|no\.)\s*\d+")
_FIRST_DAY = re.compile(r"(?<![^\W\d_])ل?فاتح\s+")
# "Updated 2 hours ago" / "آخر تحديث: منذ ساعتين" after the publication date: a relative
# update stamp cannot be resolved here and says nothing about the publication day.
_RELATIVE_UPDATE = re.compile(
    r"(?<![^\W\d_])(?:last\s+)?(?:updated|modifi[ée])\s*:?\s*(?:\d+|an?|one)\s+"
    r"(?:min(?:ute)?s?|hours?|hrs?|days?|heures?|jours?)\s+ago"
    r"|(?:il\s+y\s+a|depuis)\s+\d+\s+(?:min(?:ute)?s?|heures?|jours?)"
    r"|(?:اخر\s+)?(?:تحديث|تم\s+التحديث)\s*:?\s*منذ\s+\S+(?:\s+(?:ساع[ةه]|ساعات|دقيق[ةه]|دقائق|يوم|ايام))?"
)


def _scan(line: str, *, yearless: bool) -> _Scan | None:
    s = WHITESPACE.sub(" ", normalize_for_match(line)).strip()
    if "فاتح" in s:
        s = _FIRST_DAY.sub("1 ", s)
    s = _ISSUE_NUMBER.sub(" ", s)
    s = _RELATIVE_UPDATE.sub(" ", s)
    candidates, date_spans = find_candidates(s, yearless=yearless)
    if not candidates:
        return None
    removed: list[tuple[int, int]] = list(date_spans)
    labels: list[tuple[int, int, LabelKind]] = []
    for m in _LABELS.finditer(s):
        if overlaps(removed, m.start(), m.end()):
            continue
        labels.append((m.start(), m.end(), "updated" if m["upd"] else "published"))
        removed.append(m.span())
    times = [m for m in _TIME.finditer(s) if not overlaps(removed, m.start(), m.end())]
    removed.extend(m.span() for m in times)
    zones = [
        m
        for rx in (_ZONE_OFFSET, _ZONE_NAMED, _ZONE_LATIN)
        for m in rx.finditer(s)
        if not overlaps(removed, m.start(), m.end())
    ]
    removed.extend(m.span() for m in zones)
    residue = list(s)
    for a, b in removed:
        residue[a:b] = " " * (b - a)
    leftover = [w for w in _WORD.findall("".join(residue)) if w not in _ALLOWED_WORDS]
    return _Scan(s, candidates, labels, times, zones, leftover)


def _choose(scan: _Scan) -> tuple[DateCandidate, LabelKind | None]:
    def kind_of(c: DateCandidate) -> LabelKind | None:
        kind: LabelKind | None = None
        for a, _b, k in scan.labels:
            if a < c.start:
                kind = k
        return kind

    pool = [c for c in scan.candidates if c.hijri is None] or scan.candidates
    kinds = [kind_of(c) for c in pool]
    chosen_i = next((i for i, k in enumerate(kinds) if k == "published"), None)
    if chosen_i is None:
        chosen_i = next((i for i, k in enumerate(kinds) if k is None), 0)
    return pool[chosen_i], kinds[chosen_i]


def _hijri_of(scan: _Scan) -> tuple[tuple[int, int, int], date] | None:
    for c in scan.candidates:
        if c.hijri is not None and c.day is not None:
            return c.hijri, c.day
    return None


def _year_from_hijri(month_day: tuple[int, int], hijri_day: date) -> int | None:
    """The year that puts a yearless Gregorian day next to its Hijri pair (within days)."""
    for year in (hijri_day.year, hijri_day.year - 1, hijri_day.year + 1):
        day = valid_date(year, *month_day)
        if day is not None and abs((day - hijri_day).days) <= 3:
            return year
    return None


def _complete(scan: _Scan, chosen: DateCandidate) -> tuple[DateCandidate, bool]:
    """A yearless candidate with the year of its Hijri pair, if one was written."""
    if chosen.day is not None or chosen.month_day is None:
        return chosen, False
    pair = _hijri_of(scan)
    year = _year_from_hijri(chosen.month_day, pair[1]) if pair else None
    if year is None:
        return chosen, False
    return chosen._replace(day=date(year, *chosen.month_day)), True


def _hijri_iso(scan: _Scan) -> str | None:
    pair = _hijri_of(scan)
    if pair is None:
        return None
    y, m, d = pair[0]
    return f"{y:04d}-{m:02d}-{d:02d}"


def _bounds(scan: _Scan, chosen: DateCandidate) -> tuple[int, int]:
    """The chosen date's own stretch of the line: between the labels around it."""
    lo = max((a for a, _b, _k in scan.labels if a < chosen.start), default=0)
    hi = min((a for a, _b, _k in scan.labels if a > chosen.start), default=len(scan.text))
    return lo, hi


# A yearless date is rendered in this leap year and given its real year by the caller.
PLACEHOLDER_YEAR = 2024


def _value(scan: _Scan, chosen: DateCandidate) -> tuple[str, bool, bool]:
    """ISO value of the chosen date, whether its year is known, and whether the Hijri pair
    gave it."""
    chosen, from_hijri = _complete(scan, chosen)
    year_known = chosen.day is not None
    if chosen.day is None:
        assert chosen.month_day is not None
        chosen = chosen._replace(day=date(PLACEHOLDER_YEAR, *chosen.month_day))
    lo, hi = _bounds(scan, chosen)
    return _render(chosen, lo, hi, scan.times, scan.zones), year_known, from_hijri


def _analyse(line: str) -> DateLine | None:
    if (
        not line
        or len(line) > MAX_DATE_LINE_CHARS
        or line.count(" ") > MAX_DATE_LINE_SPACES
        or not _HAS_DIGIT.search(line)
    ):
        return None
    scan = _scan(line, yearless=True)
    if scan is None or scan.leftover:
        return None
    chosen, kind = _choose(scan)
    value, year_known, from_hijri = _value(scan, chosen)
    if not year_known and kind is None:
        # "14 مارس" alone is a body fragment as often as a date line; a label makes it one.
        return None
    return DateLine(value, kind, _hijri_iso(scan), year_known, from_hijri)


def date_in_segment(segment: str) -> DateFound | None:
    """The date of a dateline segment ("الرياض 14 مارس 2025", "RIYADH, Nov 3"), yearless
    allowed, with the words around it that are not date vocabulary (the city)."""
    if len(segment) > MAX_DATE_LINE_CHARS or not _HAS_DIGIT.search(segment):
        return None
    scan = _scan(segment, yearless=True)
    if scan is None:
        return None
    chosen, _kind = _choose(scan)
    value, year_known, from_hijri = _value(scan, chosen)
    day = date.fromisoformat(value[:10])
    time = value[10:] or None
    pair = _hijri_of(scan)
    return DateFound(
        day if year_known else None,
        (day.month, day.day),
        pair[0] if pair else None,
        time,
        scan.leftover,
        from_hijri,
    )


def _render(
    c: DateCandidate, lo: int, hi: int, times: list[re.Match[str]], zones: list[re.Match[str]]
) -> str:
    assert c.day is not None
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
    if zone.re is _ZONE_LATIN:
        latin = zone["bracketed"] or zone["timed"] or zone["abbr"]
        name = lexicon.zone_names().get(WHITESPACE.sub(" ", latin))
    elif zone["utc"]:
        return stamp + "+00:00"
    else:
        name = _ZONE_CITIES.get(zone["city"])
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
    return found.value if found and found.year_known else None


def is_date_line(line: str) -> bool:
    """True for a short line that consists of a resolvable date and its label/weekday/time/zone."""
    found = _analyse(line)
    return found is not None and found.year_known
