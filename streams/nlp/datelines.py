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

from streams.nlp import lexicon
from streams.nlp.arabic import normalize_for_match

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


def _folded_names(table: dict[str, int]) -> dict[str, int]:
    return {_WS.sub(" ", normalize_for_match(name)).strip(): n for name, n in table.items()}


_WS = re.compile(r"\s+")
_MONTHS: dict[str, int] = {
    name: n
    for family in lexicon.gregorian_months().values()
    for name, n in _folded_names(family).items()
}
_HIJRI_MONTHS: dict[str, int] = _folded_names(lexicon.hijri_months())
# Folding makes "ذو القعدة" and "ذو القعده" one key; the hamza-less spellings news also uses
# ("جمادي الاخره") come out of the same folding.

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
# Without a year (datelines "تونس 12 مارس (وات)", "RIYADH, Nov 3 (SPA)"): only where the caller
# says a yearless date is acceptable, and the year then comes from context.
_DM_NAME = re.compile(
    rf"(?<![\d.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s,.،]*(?:من\s+)?(?:شهر\s+)?{_MONTH_GROUP}"
    r"(?![\s,.،\-]*(?:عام\s+|سن[ةه]\s+)?\d)"
)
_MD_NAME = re.compile(
    rf"(?<![^\W\d_]){_MONTH_GROUP}\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:/.])"
    r"(?![\s,،]*\d{4})"
)
_HIJRI = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<mon>{_HMON}){_NB}[\s,،]*(?P<y>\d{{4}})(?!\d)"
    r"(?:\s*(?:ه|هجري[ةه]?)(?![^\W\d_]))?"
)
# English wire copy writes Hijri dates month first: "Ramadan 20, 1446".
_HIJRI_MDY = re.compile(
    rf"(?<![^\W\d_])(?P<mon>{_HMON}){_NB}\s*(?P<d>\d{{1,2}})(?:\s*[,،]\s*|\s+)(?P<y>1[3-5]\d\d)(?!\d)"
    r"(?:\s*(?:ah|a\.h\.|h|هـ|ه)(?![^\W\d_]))?"
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
    r"(?<![^\W\d_])(?:(?P<upd>modifi[ée](?:\s+le)?|mis\s+[àa]\s+jour(?:\s+le)?|اخر\s+تحديث|تاريخ\s+التحديث|تم\s+التحديث|اخر\s+تعديل|محدث|تحديث|"
    r"last\s+updated|last\s+modified|updated(?:\s+on)?)"
    r"|(?P<pub>تاريخ\s+النشر|نشرت?\s+بتاريخ|نشرت?\s+في|نشرت?|منشور|تاريخ\s+الخبر|التاريخ|"
    r"published(?:\s+on)?|posted(?:\s+on)?|publication\s+date|date|publi[ée](?:\s+le)?"
    r"|mis\s+en\s+ligne(?:\s+le)?))(?![^\W\d_])"
)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_HAS_DIGIT = re.compile(r"\d")


class _Candidate(NamedTuple):
    start: int
    end: int
    day: date | None  # None for a yearless date (month and day below)
    hijri: tuple[int, int, int] | None  # the Hijri date this candidate was written as
    # Time and zone carried by the date itself (ISO datetimes).
    iso_time: tuple[int, int, int] | None
    iso_tz: str | None
    month_day: tuple[int, int] | None = None


class DateFound(NamedTuple):
    """The date part of a dateline segment: Gregorian day (None when the year is missing),
    month and day, the Hijri date when one was written, and the words left around it."""

    day: date | None
    month_day: tuple[int, int]
    hijri: tuple[int, int, int] | None
    time: str | None  # "THH:MM:SS" with an offset when the segment gives a time
    leftover: list[str]
    year_from_hijri: bool


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


def _hijri_candidate(m: re.Match[str], y: int, mon: int, d: int) -> _Candidate | None:
    day = _hijri_to_gregorian(y, mon, d) if 1 <= d <= 30 and 1 <= mon <= 12 else None
    if day is None:
        return None
    return _Candidate(m.start(), m.end(), day, (y, mon, d), None, None)


def _find_candidates(
    s: str, *, yearless: bool = False
) -> tuple[list[_Candidate], list[tuple[int, int]]]:
    """Gregorian and Hijri dates in ``s`` (no overlaps), and spans of unusable numeric dates."""
    found: list[_Candidate] = []
    taken: list[tuple[int, int]] = []

    for m in _ISO_DT.finditer(s):
        day = _valid_date(int(m["y"]), int(m["m"]), int(m["d"]))
        hh, mm, ss = int(m["H"]), int(m["M"]), int(m["S"] or 0)
        if day is None or hh > 23 or mm > 59 or ss > 59 or not _gregorian_year_ok(day.year):
            continue
        tz = m["tz"]
        found.append(_Candidate(m.start(), m.end(), day, None, (hh, mm, ss), tz))
        taken.append(m.span())

    patterns = [_HIJRI, _HIJRI_MDY, _DMY_NAME, _MDY_NAME, _YMD, _DMY_NUM]
    if yearless:
        patterns += [_DM_NAME, _MD_NAME]
    for rx in patterns:
        for m in rx.finditer(s):
            if _overlaps(taken, m.start(), m.end()):
                continue
            candidate = _candidate(rx, m)
            if candidate is None:
                if "mon" not in m.re.groupindex and 1300 <= int(m["y"]) <= 1600:
                    taken.append(m.span())  # an impossible numeric Hijri date: still a date
                continue
            found.append(candidate)
            taken.append(m.span())
    found.sort(key=lambda c: c.start)
    return found, taken


def _candidate(rx: re.Pattern[str], m: re.Match[str]) -> _Candidate | None:
    d = int(m["d"])
    if rx is _HIJRI or rx is _HIJRI_MDY:
        return _hijri_candidate(m, int(m["y"]), _HIJRI_MONTHS[_WS.sub(" ", m["mon"])], d)
    if rx is _DM_NAME or rx is _MD_NAME:
        mon = _MONTHS[_WS.sub(" ", m["mon"])]
        if _valid_date(2024, mon, d) is None:  # a leap year admits every real day
            return None
        return _Candidate(m.start(), m.end(), None, None, None, None, (mon, d))
    y = int(m["y"])
    if "mon" in m.re.groupindex:
        mon = _MONTHS[_WS.sub(" ", m["mon"])]
        day = _valid_date(y, mon, d) if _gregorian_year_ok(y) else None
    else:
        mon = int(m["m"])
        if 1300 <= y <= 1600:
            # A numeric Hijri date ("14/9/1446 هـ"): no Gregorian year is that small.
            return _hijri_candidate(m, y, mon, d)
        day = _valid_date(y, mon, d) if _gregorian_year_ok(y) else None
        if day is None and rx is _DMY_NUM and _gregorian_year_ok(y):
            # Only when day-first is impossible (e.g. 05/27/2024) read it month-first.
            day = _valid_date(y, d, mon)
    if day is None:
        return None
    return _Candidate(m.start(), m.end(), day, None, None, None)


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
    candidates: list[_Candidate]
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
    s = _WS.sub(" ", normalize_for_match(line)).strip()
    if "فاتح" in s:
        s = _FIRST_DAY.sub("1 ", s)
    s = _ISSUE_NUMBER.sub(" ", s)
    s = _RELATIVE_UPDATE.sub(" ", s)
    candidates, date_spans = _find_candidates(s, yearless=yearless)
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
    leftover = [w for w in _WORD.findall("".join(residue)) if w not in _ALLOWED_WORDS]
    return _Scan(s, candidates, labels, times, zones, leftover)


def _choose(scan: _Scan) -> tuple[_Candidate, LabelKind | None]:
    def kind_of(c: _Candidate) -> LabelKind | None:
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
        day = _valid_date(year, *month_day)
        if day is not None and abs((day - hijri_day).days) <= 3:
            return year
    return None


def _complete(scan: _Scan, chosen: _Candidate) -> tuple[_Candidate, bool]:
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


def _bounds(scan: _Scan, chosen: _Candidate) -> tuple[int, int]:
    """The chosen date's own stretch of the line: between the labels around it."""
    lo = max((a for a, _b, _k in scan.labels if a < chosen.start), default=0)
    hi = min((a for a, _b, _k in scan.labels if a > chosen.start), default=len(scan.text))
    return lo, hi


# A yearless date is rendered in this leap year and given its real year by the caller.
PLACEHOLDER_YEAR = 2024


def _value(scan: _Scan, chosen: _Candidate) -> tuple[str, bool, bool]:
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
    c: _Candidate, lo: int, hi: int, times: list[re.Match[str]], zones: list[re.Match[str]]
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
    return found.value if found and found.year_known else None


def is_date_line(line: str) -> bool:
    """True for a short line that consists of a resolvable date and its label/weekday/time/zone."""
    found = _analyse(line)
    return found is not None and found.year_known
