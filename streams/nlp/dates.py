"""Absolute and relative date expressions in an Arabic article, resolved to ISO 8601.

Candidate spans are found by compiled patterns anchored on month names, weekday and date words
and year cues, over the folded search form of the text (so "أمسِ" and "٢٠٢١" match too);
offsets map back to the original. Month and weekday vocabulary comes from dateparser's Arabic
locale data (MSA, Levantine/Iraqi and Maghrebi month families); Hijri dates are converted with
dateparser's Hijri calendar. Parsing the spans is done here rather than by ``dateparser.parse``:
the grammar is small and fixed, and dateparser costs ~2 ms a call. The vocabulary lives in
``date_words`` and the resolution rules in ``date_rules``; English and French mentions (wire
copy in those languages) come from ``latin_dates`` and fill what the Arabic patterns left.

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
from datetime import date, datetime
from functools import cache

from streams.nlp.date_rules import (
    Context,
    Found,
    resolve_ago,
    resolve_bare_year,
    resolve_day_month,
    resolve_hijri,
    resolve_month_cue,
    resolve_month_mod,
    resolve_month_year,
    resolve_numeric,
    resolve_period,
    resolve_today,
    resolve_tomorrow,
    resolve_weekday,
    resolve_year,
    resolve_yesterday,
)
from streams.nlp.date_words import (
    AFTER_BARE_YEAR,
    ARABIC_LETTERS,
    CUES,
    CURRENT,
    HIJRI_MONTHS,
    NEXT,
    NUMBER_WORDS,
    OPT_SPACES,
    ORDINAL_DAYS,
    PARTS_OF_DAY,
    PAST,
    POSITIONS,
    SPACES,
    UNITS,
    WORD_END,
    WORD_START,
    alternation,
    month_names,
    weekday_names,
)
from streams.nlp.latin_dates import latin_dates
from streams.nlp.places import MatchingText, matching_form
from streams.records import DateMention

logger = logging.getLogger(__name__)

__all__ = ["extract_dates", "parse_published_at"]

# What a line must contain for a pattern to be tried: any of some substrings, or a regex hit.
_Probe = tuple[str, ...] | re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    months: dict[str, int]
    weekdays: dict[str, int]
    # (pattern, handler, any-of substrings the folded text must contain for it to be tried):
    # a substring test is ~100x cheaper than a regex scan and most patterns find nothing.
    patterns: tuple[tuple[re.Pattern[str], Callable[..., Found | None], _Probe], ...]


@cache
def _vocabulary() -> _Vocabulary:
    months = month_names()
    weekdays = weekday_names()
    month = rf"(?P<m>{alternation(list(months))})"
    dual = (
        rf"(?:{OPT_SPACES}/{OPT_SPACES}(?P<m2>{alternation(list(months))})"
        rf"|{OPT_SPACES}\({OPT_SPACES}(?P<m3>{alternation(list(months))}){OPT_SPACES}\))?"
    )
    weekday = rf"(?P<wd>{alternation(list(weekdays))})"
    year = r"(?P<y>19\d\d|20\d\d|2100)(?![\d]|[.,/\-]\d)"
    year_cue = rf"(?:(?:من{SPACES})?(?:ال)?(?:عام|سنه){SPACES})"
    year_tail = rf"(?:[ \t\u00a0،,]+{year_cue}?{year}(?:{OPT_SPACES}م{WORD_END})?)"
    mod = rf"(?P<mod>{alternation(PAST + NEXT + CURRENT)}){WORD_END}"
    pos = rf"(?P<pos>{alternation(POSITIONS)})"
    day = rf"(?:(?P<d>[0-3]?\d)(?!\d)|(?P<dw>{alternation(list(ORDINAL_DAYS))}))"
    hijri = rf"(?P<hm>{alternation([n for n, _ in HIJRI_MONTHS])})"
    parts = rf"(?:(?P<part>{alternation(PARTS_OF_DAY)}){SPACES})?"
    unit = rf"(?P<unit>{alternation(list(UNITS))})"
    number = rf"(?:(?P<n>\d{{1,2}})|(?P<nw>{alternation(list(NUMBER_WORDS))}))"
    tail_weekday = rf"(?:{SPACES}(?P<wd2>{alternation(list(weekdays))}){WORD_END})?"

    patterns: list[tuple[str, Callable[..., Found | None]]] = [
        # 15 آذار/مارس 2023 · الأول من يناير الجاري · الثلاثاء 7 يناير 2025
        (
            rf"{WORD_START}(?:{parts}(?P<pwd>{alternation(list(weekdays))})[،,]?{SPACES})?"
            rf"{day}{SPACES}(?:من{SPACES})?(?:شهر{SPACES})?{month}{WORD_END}{dual}"
            rf"(?:{year_tail}|{SPACES}{mod})?",
            resolve_day_month,
        ),
        # مارس 2023 · مطلع آذار من العام 2023
        (
            rf"{WORD_START}(?:{pos}{SPACES})?(?:(?P<shahr>شهر){SPACES})?{month}{WORD_END}{dual}{year_tail}",
            resolve_month_year,
        ),
        # يوليو الماضي · شهر ديسمبر المقبل
        (
            rf"{WORD_START}(?:{pos}{SPACES})?(?:(?P<shahr>شهر){SPACES})?{month}{WORD_END}{dual}{SPACES}{mod}",
            resolve_month_mod,
        ),
        # في يوليو · شهر آب · منتصف مارس
        (
            rf"{WORD_START}(?:(?P<cue>{alternation(CUES)}){SPACES}|{pos}{SPACES})?(?:(?P<shahr>شهر){SPACES})?"
            rf"{month}{WORD_END}{dual}",
            resolve_month_cue,
        ),
        # عام 2021 · مطلع العام 2024 · في 2021،
        (rf"{WORD_START}(?:{pos}{SPACES})?(?:ال)?(?:عام|سنه){SPACES}{year}", resolve_year),
        (rf"{WORD_START}{pos}{SPACES}{year}", resolve_year),
        (
            rf"{WORD_START}(?:{alternation(CUES)}){SPACES}{year}"
            rf"(?={OPT_SPACES}(?:[.،,؛:!?)\]»\"\n]|$|(?:{alternation(AFTER_BARE_YEAR)}){WORD_END}))",
            resolve_bare_year,
        ),
        # 07/01/2025 · 2025-01-07
        (
            r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<mo>[01]?\d)(?P=sep)"
            r"(?P<y>19\d\d|20\d\d)(?![\d]|[.,/\-]\d)",
            resolve_numeric,
        ),
        (
            r"(?<![\d/.\-])(?P<y>19\d\d|20\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?![\d]|[/\-]\d)",
            resolve_numeric,
        ),
        # 7 رجب 1446 هـ
        (
            rf"{WORD_START}{day}{SPACES}(?:من{SPACES})?(?:شهر{SPACES})?{hijri}{WORD_END}"
            rf"[ \t\u00a0،,]+{year_cue}?"
            rf"(?P<hy>1[34]\d\d)(?!\d)(?:{OPT_SPACES}ه(?:جري|جريه)?{WORD_END})?",
            resolve_hijri,
        ),
        # أمس · أول من أمس · مساء أمس الاثنين
        (
            rf"(?:{WORD_START}|(?<=(?<![{ARABIC_LETTERS}])ب)|(?<=(?<![{ARABIC_LETTERS}])[وف]ب)){parts}"
            rf"(?P<rel>اول{SPACES}من{SPACES}امس|اول{SPACES}امس|امس{SPACES}الاول|امس|الامس|البارحه){WORD_END}"
            rf"{tail_weekday}",
            resolve_yesterday,
        ),
        (rf"{WORD_START}{parts}(?P<rel>اليوم){WORD_END}{tail_weekday}", resolve_today),
        (
            rf"{WORD_START}(?:(?P<part>{alternation(PARTS_OF_DAY)}){SPACES}(?P<rel>الغد|غد)|(?P<rel2>بعد{SPACES}غد"
            rf"|غدا)){WORD_END}{tail_weekday}",
            resolve_tomorrow,
        ),
        (rf"{WORD_START}{parts}{weekday}{WORD_END}(?:{SPACES}{mod})?", resolve_weekday),
        # الأسبوع الماضي · منتصف الشهر الجاري · العام المقبل · مطلع العام · هذا العام
        (
            rf"{WORD_START}(?:{pos}{SPACES})?(?P<u>الاسبوع|الشهر|العام|السنه){SPACES}{mod}",
            resolve_period,
        ),
        (rf"{WORD_START}{pos}{SPACES}(?P<u>الاسبوع|الشهر|العام|السنه){WORD_END}", resolve_period),
        (
            rf"{WORD_START}(?:هذا|هذه){SPACES}(?P<u>الاسبوع|الشهر|العام|السنه){WORD_END}",
            resolve_period,
        ),
        # منذ ثلاثة أيام · قبل يومين · بعد أسبوعين
        (
            rf"{WORD_START}(?P<dir>منذ|قبل|بعد){SPACES}(?:{number}{SPACES})?{unit}{WORD_END}",
            resolve_ago,
        ),
    ]
    month_keys = re.compile(rf"(?<![{ARABIC_LETTERS}])(?:{alternation(list(months))}){WORD_END}")
    digits = tuple("0123456789")
    keys: dict[Callable[..., Found | None], _Probe] = {
        resolve_day_month: month_keys,
        resolve_month_year: month_keys,
        resolve_month_mod: month_keys,
        resolve_month_cue: month_keys,
        resolve_year: digits,
        resolve_bare_year: digits,
        resolve_numeric: digits,
        resolve_hijri: digits,
        resolve_yesterday: ("امس", "البارحه"),
        resolve_today: ("اليوم",),
        resolve_tomorrow: ("غد",),
        resolve_weekday: tuple(weekdays),
        resolve_period: ("الاسبوع", "الشهر", "العام", "السنه"),
        resolve_ago: ("منذ", "قبل", "بعد"),
    }
    compiled = tuple((re.compile(p), handler, keys[handler]) for p, handler in patterns)
    return _Vocabulary(months, weekdays, compiled)


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


def _candidates(mt: MatchingText, ref: date | None) -> Iterator[Found]:
    vocab = _vocabulary()
    folded = mt.folded
    ctx = Context(folded, ref, vocab.months, vocab.weekdays)
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
    chosen: list[Found] = []
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
    spans = [(*mt.to_original(f.start, f.end), f) for f in chosen]
    # English and French mentions fill what the Arabic patterns left: same selection rule.
    taken = sorted((start, end) for start, end, _f in spans)
    for f in sorted(latin_dates(text, ref), key=lambda f: (f.start - f.end, f.start)):
        i = bisect.bisect_right(taken, (f.start, f.end))
        if (i == 0 or taken[i - 1][1] <= f.start) and (i == len(taken) or taken[i][0] >= f.end):
            taken.insert(i, (f.start, f.end))
            spans.append((f.start, f.end, f))
    spans.sort(key=lambda item: item[0])
    mentions: list[DateMention] = []
    for start, end, f in spans:
        mentions.append(
            DateMention(
                text=text[start:end], value=f.value, relative=f.relative, start=start, end=end
            )
        )
    return mentions
