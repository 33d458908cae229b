"""English and French date mentions: wire copy in those languages, and Latin-script passages
of Arabic pages, resolved against the publication date by the same news conventions as the
Arabic rules (``dates``):

* "yesterday", "hier", "the day before"/"la veille" (the day before publication),
  "tomorrow", "demain", "le lendemain", "avant-hier", "après-demain";
* a weekday alone ("on Tuesday", "mardi") is the latest such day on or before publication;
  "last Tuesday"/"mardi dernier" strictly before, "next Tuesday"/"mardi prochain" strictly
  after;
* "last March"/"mars dernier" is the latest March before the publication month, "next
  March"/"mars prochain" the next one after, "by March"/"d'ici mars" (a deadline) the first
  March not before it; a bare "in March", "March 3" or "early March" falls in the window from
  9 months before to 2 months after the publication month;
* "last week/month/year", "la semaine dernière", "l'an prochain", "cette année" are ISO weeks,
  months and years; "three days ago", "il y a deux semaines", "in two years" count from
  publication.

The patterns and the rules are ours; a span with a full date ("March 3, 2025", "3 mars
2025") is read by dateparser, which knows both languages' spellings and ordinals. English
month and weekday names count only capitalised, so the verb "may" is never May.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from functools import cache

from streams.nlp import lexicon
from streams.nlp.date_rules import Found, closest_year, iso_week, shift_month, year_str

__all__ = ["latin_dates"]

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "un": 1, "une": 1, "deux": 2, "trois": 3,
    "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
}  # fmt: skip
_UNITS = {
    "day": "day", "days": "day", "jour": "day", "jours": "day", "week": "week",
    "weeks": "week", "semaine": "week", "semaines": "week", "month": "month",
    "months": "month", "mois": "month", "year": "year", "years": "year", "an": "year",
    "ans": "year", "année": "year", "années": "year",
}  # fmt: skip
_PAST = ("last", "dernier", "dernière", "passé", "passée")
_NEXT = ("next", "coming", "this coming", "prochain", "prochaine")
_BY = ("by", "d'ici", "d’ici", "d'ici à", "d’ici à", "d'ici fin", "d’ici fin")
_RELATIVE_DAYS = {
    "the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
    "today": 0, "tomorrow": 1, "the day before": -1, "avant-hier": -2, "après-demain": 2,
    "hier": -1, "aujourd'hui": 0, "aujourd’hui": 0, "demain": 1, "la veille": -1,
    "le lendemain": 1,
}  # fmt: skip
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]{3}")
_NL = r"(?![\wÀ-ÿ'’-])"  # word end
_NB = r"(?<![\wÀ-ÿ'’-])"  # word start


def _alt(words: Iterable[str]) -> str:
    keys = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)


@cache
def _months() -> dict[str, int]:
    table = lexicon.gregorian_months()
    return {**table["english"], **table["french"]}


@cache
def _weekdays() -> dict[str, int]:
    return {**lexicon.weekdays("en"), **lexicon.weekdays("fr")}


@cache
def _english_words() -> frozenset[str]:
    return frozenset((*lexicon.gregorian_months()["english"], *lexicon.weekdays("en")))


_Handler = Callable[[re.Match[str], date | None], str | None]


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], _Handler, bool], ...]:
    """(pattern, handler, relative) triples, tried on the original text ignoring case."""
    mon = rf"(?P<m>{_alt(_months())})\.?"
    wd = rf"(?P<wd>{_alt(_weekdays())})"
    day = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er)?"
    year = r"(?P<y>19\d\d|20\d\d)(?!\d)"
    past_next = rf"(?P<mod>{_alt(_PAST + _NEXT)})"
    number = rf"(?P<n>\d{{1,2}}|{_alt(_NUMBERS)})"
    unit = rf"(?P<u>{_alt(_UNITS)})"
    found: list[tuple[str, _Handler, bool]] = [
        # Tuesday, March 3, 2025 · 3 mars 2025 · le 3 mars 2025 · March 3rd 2025
        (rf"{_NB}(?:{wd},?\s+)?(?:le\s+)?{day}\s+(?:of\s+)?{mon},?\s+{year}", _full, False),
        (rf"{_NB}(?:{wd},?\s+)?{mon}\s+{day},?\s+{year}", _full, False),
        # March 2025 · en mars 2025
        (rf"{_NB}{mon}\s+{year}", _month_year, False),
        # March 3 · 3 March · le 3 mars (no year)
        (rf"{_NB}{mon}\s+{day}{_NL}(?!,?\s*\d)", _day_month, True),
        (rf"{_NB}(?:le\s+)?{day}\s+{mon}{_NL}(?!,?\s*\d)", _day_month, True),
        # last March · next March · by March · d'ici mars · mars dernier
        (rf"{_NB}(?P<mod>{_alt(_PAST + _NEXT + _BY)})\s+{mon}{_NL}(?!\s*\d)", _month_mod, True),
        (rf"{_NB}{mon}\s+(?P<mod>{_alt(_PAST + _NEXT)}){_NL}", _month_mod, True),
        # in March · early March · fin mars · mi-mars · since March
        (
            rf"{_NB}(?P<cue>in|since|until|before|after|early|mid-?|late|end\s+of|en|depuis|"
            rf"jusqu'en|jusqu’en|début|fin|mi-|courant)\s*{mon}{_NL}(?!\s*\d)",
            _month_cue,
            True,
        ),
        # yesterday · hier · the day before · la veille
        (rf"{_NB}(?P<rel>{_alt(_RELATIVE_DAYS)}){_NL}", _relative_day, True),
        # last Tuesday · mardi dernier · on Tuesday · mardi
        (rf"{_NB}{past_next}\s+{wd}{_NL}", _weekday, True),
        (rf"{_NB}{wd}\s+{past_next}{_NL}", _weekday, True),
        (rf"{_NB}(?:on\s+)?{wd}{_NL}", _weekday, True),
        # last week · la semaine dernière · l'an prochain · this year · cette année
        (
            rf"{_NB}(?P<mod>last|next|this|earlier\s+this|later\s+this)\s+(?P<u>week|month|year)"
            rf"{_NL}",
            _period,
            True,
        ),
        (
            rf"{_NB}(?P<u>la\s+semaine|le\s+mois|l['’]an|l['’]année)\s+"
            rf"(?P<mod>{_alt(_PAST + _NEXT)}){_NL}",
            _period,
            True,
        ),
        (rf"{_NB}(?P<u>cette\s+semaine|ce\s+mois(?:-ci)?|cette\s+année){_NL}", _period, True),
        # three days ago · il y a deux semaines · in two years · dans trois mois
        (rf"{_NB}{number}\s+{unit}\s+ago{_NL}", _ago, True),
        (rf"{_NB}(?P<dir>il\s+y\s+a|dans|in)\s+{number}\s+{unit}{_NL}", _ago, True),
        # in 2021 · depuis 2011 · early 2024
        (
            rf"{_NB}(?:in|since|by|until|early|late|en|depuis|d'ici|jusqu'en|début|fin)\s+"
            rf"{year}",
            _year,
            False,
        ),
    ]
    return tuple((re.compile(p, re.IGNORECASE), h, rel) for p, h, rel in found)


def _english_case_ok(m: re.Match[str]) -> bool:
    """English month and weekday names are capitalised; "may" and "march" in lower case are
    verbs. French writes them in lower case, so only English names are checked."""
    for group in ("m", "wd"):
        if group in m.re.groupindex and m[group] is not None:
            word = m[group]
            if word.lower() in _english_words() and not word[:1].isupper():
                return False
    return True


def _month(m: re.Match[str]) -> int:
    return _months()[m["m"].lower()]


def _full(m: re.Match[str], ref: date | None) -> str | None:
    import dateparser

    lang = "en" if m["m"].lower() in _english_words() else "fr"
    text = re.sub(r"^le\s+", "", m[0], flags=re.IGNORECASE)
    parsed = dateparser.parse(
        text, languages=[lang], settings={"STRICT_PARSING": True, "PREFER_DATES_FROM": "past"}
    )
    if parsed is None:
        return date(int(m["y"]), _month(m), int(m["d"])).isoformat()
    return parsed.date().isoformat()


def _month_year(m: re.Match[str], ref: date | None) -> str | None:
    return f"{int(m['y']):04d}-{_month(m):02d}"


def _day_month(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    month, day = _month(m), int(m["d"])
    return date(closest_year(ref, month), month, day).isoformat()


def _month_mod(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    month, mod = _month(m), " ".join(m["mod"].lower().split())
    if mod in _PAST:
        year = ref.year if month < ref.month else ref.year - 1
    elif mod in _BY:
        year = ref.year if month >= ref.month else ref.year + 1
    else:
        year = ref.year if month > ref.month else ref.year + 1
    return f"{year_str(year)}-{month:02d}"


def _month_cue(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    month = _month(m)
    return f"{year_str(closest_year(ref, month))}-{month:02d}"


def _relative_day(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    return (ref + timedelta(days=_RELATIVE_DAYS[" ".join(m["rel"].lower().split())])).isoformat()


def _weekday(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    wd = _weekdays()[m["wd"].lower()]
    mod = " ".join((m.groupdict().get("mod") or "").lower().split())
    if mod in _NEXT:
        return (ref + timedelta(days=((wd - ref.weekday()) % 7) or 7)).isoformat()
    if mod in _PAST:
        return (ref - timedelta(days=((ref.weekday() - wd) % 7) or 7)).isoformat()
    return (ref - timedelta(days=(ref.weekday() - wd) % 7)).isoformat()


def _period(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    unit = m["u"].lower()
    mod = " ".join((m.groupdict().get("mod") or "").lower().split())
    step = -1 if mod in _PAST else 1 if mod in _NEXT else 0
    if "week" in unit or "semaine" in unit:
        return iso_week(ref + timedelta(weeks=step))
    if "month" in unit or "mois" in unit:
        year, month = shift_month(ref, step)
        return f"{year:04d}-{month:02d}"
    return year_str(ref.year + step)


def _ago(m: re.Match[str], ref: date | None) -> str | None:
    if ref is None:
        return None
    n = m["n"].lower()
    count = int(n) if n.isdigit() else _NUMBERS[n]
    direction = (m.groupdict().get("dir") or "ago").lower()
    sign = 1 if direction in ("dans", "in") else -1
    unit = _UNITS[m["u"].lower()]
    if unit == "day":
        return (ref + timedelta(days=sign * count)).isoformat()
    if unit == "week":
        return iso_week(ref + timedelta(weeks=sign * count))
    if unit == "month":
        year, month = shift_month(ref, sign * count)
        return f"{year:04d}-{month:02d}"
    return year_str(ref.year + sign * count)


def _year(m: re.Match[str], ref: date | None) -> str | None:
    return m["y"]


def latin_dates(text: str, ref: date | None) -> Iterator[Found]:
    """Candidate English and French date mentions of ``text`` (original offsets, may
    overlap); relative ones only when ``ref`` is given."""
    if _LATIN.search(text) is None:
        return
    for pattern, handler, relative in _patterns():
        for m in pattern.finditer(text):
            if not _english_case_ok(m):
                continue
            try:
                value = handler(m, ref)
            except (ValueError, OverflowError, KeyError):
                continue  # an impossible date ("31 February") or one out of range
            if value is not None:
                # "in March." at a sentence's end: the full stop is not the month's.
                end = m.end() - 1 if m[0].endswith(".") else m.end()
                yield Found(m.start(), end, value, relative)
