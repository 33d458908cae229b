"""The written forms of a date in a news line, found as candidates for ``datelines``: ISO
datetimes, day-month-year and month-day-year with month names of every family in use (MSA,
Levantine/Iraqi, Maghrebi, English, French; "آذار/مارس" pairs), numeric dates, yearless
day-month forms, and Hijri dates (Umm al-Qura, through hijridate), Arabic and English order.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from streams.nlp import lexicon
from streams.nlp.arabic import normalize_for_match


def _folded_names(table: dict[str, int]) -> dict[str, int]:
    return {WHITESPACE.sub(" ", normalize_for_match(name)).strip(): n for name, n in table.items()}


WHITESPACE = re.compile(r"\s+")
_MONTHS: dict[str, int] = {
    name: n
    for family in lexicon.gregorian_months().values()
    for name, n in _folded_names(family).items()
}
_HIJRI_MONTHS: dict[str, int] = _folded_names(lexicon.hijri_months())
# Folding makes "ذو القعدة" and "ذو القعده" one key; the hamza-less spellings news also uses
# ("جمادي الاخره") come out of the same folding.


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


class DateCandidate(NamedTuple):
    start: int
    end: int
    day: date | None  # None for a yearless date (month and day below)
    hijri: tuple[int, int, int] | None  # the Hijri date this candidate was written as
    # Time and zone carried by the date itself (ISO datetimes).
    iso_time: tuple[int, int, int] | None
    iso_tz: str | None
    month_day: tuple[int, int] | None = None


def valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _gregorian_year_ok(y: int) -> bool:
    return 1900 <= y <= 2100


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


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _hijri_candidate(m: re.Match[str], y: int, mon: int, d: int) -> DateCandidate | None:
    day = _hijri_to_gregorian(y, mon, d) if 1 <= d <= 30 and 1 <= mon <= 12 else None
    if day is None:
        return None
    return DateCandidate(m.start(), m.end(), day, (y, mon, d), None, None)


def find_candidates(
    s: str, *, yearless: bool = False
) -> tuple[list[DateCandidate], list[tuple[int, int]]]:
    """Gregorian and Hijri dates in ``s`` (no overlaps), and spans of unusable numeric dates."""
    found: list[DateCandidate] = []
    taken: list[tuple[int, int]] = []

    for m in _ISO_DT.finditer(s):
        day = valid_date(int(m["y"]), int(m["m"]), int(m["d"]))
        hh, mm, ss = int(m["H"]), int(m["M"]), int(m["S"] or 0)
        if day is None or hh > 23 or mm > 59 or ss > 59 or not _gregorian_year_ok(day.year):
            continue
        tz = m["tz"]
        found.append(DateCandidate(m.start(), m.end(), day, None, (hh, mm, ss), tz))
        taken.append(m.span())

    patterns = [_HIJRI, _HIJRI_MDY, _DMY_NAME, _MDY_NAME, _YMD, _DMY_NUM]
    if yearless:
        patterns += [_DM_NAME, _MD_NAME]
    for rx in patterns:
        for m in rx.finditer(s):
            if overlaps(taken, m.start(), m.end()):
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


def _candidate(rx: re.Pattern[str], m: re.Match[str]) -> DateCandidate | None:
    d = int(m["d"])
    if rx is _HIJRI or rx is _HIJRI_MDY:
        return _hijri_candidate(m, int(m["y"]), _HIJRI_MONTHS[WHITESPACE.sub(" ", m["mon"])], d)
    if rx is _DM_NAME or rx is _MD_NAME:
        mon = _MONTHS[WHITESPACE.sub(" ", m["mon"])]
        if valid_date(2024, mon, d) is None:  # a leap year admits every real day
            return None
        return DateCandidate(m.start(), m.end(), None, None, None, None, (mon, d))
    y = int(m["y"])
    if "mon" in m.re.groupindex:
        mon = _MONTHS[WHITESPACE.sub(" ", m["mon"])]
        day = valid_date(y, mon, d) if _gregorian_year_ok(y) else None
    else:
        mon = int(m["m"])
        if 1300 <= y <= 1600:
            # A numeric Hijri date ("14/9/1446 هـ"): no Gregorian year is that small.
            return _hijri_candidate(m, y, mon, d)
        day = valid_date(y, mon, d) if _gregorian_year_ok(y) else None
        if day is None and rx is _DMY_NUM and _gregorian_year_ok(y):
            # Only when day-first is impossible (e.g. 05/27/2024) read it month-first.
            day = valid_date(y, d, mon)
    if day is None:
        return None
    return DateCandidate(m.start(), m.end(), day, None, None, None)
