"""Resolution rules of ``dates``: one handler per pattern, turning a match into an ISO value
(day, month, year or ISO week) against the publication date, by the news conventions the
``dates`` module describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from streams.nlp.date_words import (
    ARABIC_LETTERS,
    CANONICAL_HIJRI,
    CUES,
    EVENT_HEADS,
    HIJRI_NAMES,
    NEXT,
    NUMBER_WORDS,
    ORDINAL_DAYS,
    PAST,
    TIMES_OF_DAY,
    TODAY_BLOCK_AFTER,
    TODAY_BLOCK_BEFORE,
    UNITS,
    WEAK_MONTHS,
    WEEKDAY_BLOCK_BEFORE,
)


@dataclass(frozen=True, slots=True)
class Found:
    start: int  # folded offsets
    end: int
    value: str
    relative: bool


# --------------------------------------------------------------------------------------------
# Handlers: one per pattern; each gets the match, the folded text and the reference date.


@dataclass(frozen=True, slots=True)
class Context:
    folded: str
    ref: date | None
    months: dict[str, int]
    weekdays: dict[str, int]


def word_before(folded: str, pos: int) -> str:
    m = PREV_WORD_RE.search(folded[max(0, pos - 40) : pos])
    if m is None:
        return ""
    word = m.group(1)
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


PREV_WORD_RE = re.compile(rf"([{ARABIC_LETTERS}]+)[ \t\u00a0]*$")
NEXT_WORD_RE = re.compile(rf"[ \t\u00a0]+([{ARABIC_LETTERS}]+)")


def word_after(folded: str, pos: int) -> str:
    m = NEXT_WORD_RE.match(folded, pos)
    return m.group(1) if m else ""


def found_at(m: re.Match[str], value: str, relative: bool, group: int | str = 0) -> Found:
    return Found(m.start(group), m.end(), value, relative)


def month_of(m: re.Match[str], ctx: Context) -> int:
    return ctx.months[squash(m.group("m"))]


def squash(s: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", s)


def mod_kind(mod: str | None) -> str | None:
    if mod is None:
        return None
    if mod in PAST:
        return "past"
    if mod in NEXT:
        return "next"
    return "current"


def closest_year(ref: date, month: int) -> int:
    """The year placing ``month`` in the window from 9 months before to 2 after ``ref``'s.

    News mostly reports what happened and announces what is coming with "المقبل": a bare
    "في يونيو" read in January is last June, "في 20 فبراير" next month's.
    """
    ref_index = ref.year * 12 + ref.month - 1
    # The one year whose month index falls in [ref_index - 9, ref_index + 3).
    return (ref_index + 2 - (month - 1)) // 12


def day_of(m: re.Match[str]) -> int:
    if m.group("d") is not None:
        return int(m.group("d"))
    return ORDINAL_DAYS[squash(m.group("dw"))]


def resolve_day_month(m: re.Match[str], ctx: Context) -> Found | None:
    if word_before(ctx.folded, m.start()) in EVENT_HEADS:
        return None
    month, day = month_of(m, ctx), day_of(m)
    if m.group("y"):
        return found_at(m, date(int(m.group("y")), month, day).isoformat(), False)
    ref = ctx.ref
    if ref is None:
        return None
    kind = mod_kind(m.group("mod"))
    if kind == "current":
        year = ref.year
    elif kind == "past":
        year = ref.year if date(ref.year, month, day) < ref else ref.year - 1
    elif kind == "next":
        year = ref.year if date(ref.year, month, day) > ref else ref.year + 1
    else:
        year = closest_year(ref, month)
    return found_at(m, date(year, month, day).isoformat(), True)


def resolve_month_year(m: re.Match[str], ctx: Context) -> Found | None:
    if (
        squash(m.group("m")) in WEAK_MONTHS
        and not (m.group("pos") or m.group("shahr") or m.group("m2") or m.group("m3"))
        and word_before(ctx.folded, m.start()) not in CUES
    ):
        return None  # "سيارة نيسان 2024" is a car model
    return found_at(m, f"{int(m.group('y')):04d}-{month_of(m, ctx):02d}", False)


def resolve_month_mod(m: re.Match[str], ctx: Context) -> Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    month, kind = month_of(m, ctx), mod_kind(m.group("mod"))
    if kind == "past":
        year = ref.year if month < ref.month else ref.year - 1
    elif kind == "next":
        year = ref.year if month > ref.month else ref.year + 1
    else:
        year = ref.year
    return found_at(m, f"{year_str(year)}-{month:02d}", True)


def resolve_month_cue(m: re.Match[str], ctx: Context) -> Found | None:
    name = squash(m.group("m"))
    cued = m.group("cue") or m.group("pos") or m.group("shahr")
    dual = m.group("m2") or m.group("m3")
    if not cued and not dual:
        return None
    if name in WEAK_MONTHS and not (m.group("shahr") or dual):
        return None
    ref = ctx.ref
    if ref is None:
        return None
    month = month_of(m, ctx)
    year = closest_year(ref, month)
    start_group = "m" if m.group("cue") else 0
    if m.group("cue") and m.group("shahr"):
        start_group = "shahr"
    return found_at(m, f"{year_str(year)}-{month:02d}", True, start_group)


def resolve_year(m: re.Match[str], ctx: Context) -> Found | None:
    return found_at(m, m.group("y"), False)


def resolve_bare_year(m: re.Match[str], ctx: Context) -> Found | None:
    return found_at(m, m.group("y"), False, "y")


def resolve_numeric(m: re.Match[str], ctx: Context) -> Found | None:
    d = date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    return found_at(m, d.isoformat(), False)


def resolve_hijri(m: re.Match[str], ctx: Context) -> Found | None:
    from dateparser.calendars.hijri import HijriCalendar

    month = dict(HIJRI_NAMES)[squash(m.group("hm"))]
    # dateparser's Hijri parser reads "day month year" with its own month spellings; giving it
    # the canonical name avoids its ordinal-day gaps ("الأول من رجب").
    parsed = HijriCalendar(f"{day_of(m)} {CANONICAL_HIJRI[month]} {m.group('hy')}").get_date()
    if parsed is None or parsed.date_obj is None or parsed.period != "day":
        return None
    return found_at(m, parsed.date_obj.date().isoformat(), False)


def resolve_yesterday(m: re.Match[str], ctx: Context) -> Found | None:
    if ctx.ref is None:
        return None
    rel = squash(m.group("rel"))
    days = 2 if rel.startswith("اول") or rel.endswith("الاول") else 1
    return found_at(m, (ctx.ref - timedelta(days=days)).isoformat(), True)


def resolve_today(m: re.Match[str], ctx: Context) -> Found | None:
    if ctx.ref is None:
        return None
    if not m.group("wd2"):
        if not m.group("part") and word_before(ctx.folded, m.start()) in TODAY_BLOCK_BEFORE:
            return None
        after = word_after(ctx.folded, m.end())
        # "اليوم الوطني", "اليوم العالمي": a nisba adjective makes it "the day of".
        if after in TODAY_BLOCK_AFTER or (after.startswith("ال") and after.endswith("ي")):
            return None
    return found_at(m, ctx.ref.isoformat(), True)


def resolve_tomorrow(m: re.Match[str], ctx: Context) -> Found | None:
    if ctx.ref is None:
        return None
    rel2 = m.group("rel2")
    if rel2 == "غدا" and not m.group("wd2"):
        after = word_after(ctx.folded, m.end())
        # "غدا واضحا": the verb "became" takes an accusative adjective.
        if after.endswith("ا") and after not in TIMES_OF_DAY:
            return None
    days = 2 if rel2 is not None and rel2.startswith("بعد") else 1
    return found_at(m, (ctx.ref + timedelta(days=days)).isoformat(), True)


def resolve_weekday(m: re.Match[str], ctx: Context) -> Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    wd = ctx.weekdays[m.group("wd")]
    if not m.group("part"):
        before = word_before(ctx.folded, m.start())
        if before in WEEKDAY_BLOCK_BEFORE.get(wd, ()):
            return None
        if wd == 0 and word_after(ctx.folded, m.end()) == "معا":
            return None
    kind = mod_kind(m.group("mod"))
    if kind == "next":
        value = ref + timedelta(days=((wd - ref.weekday()) % 7) or 7)
    elif kind == "past":
        value = ref - timedelta(days=((ref.weekday() - wd) % 7) or 7)
    else:
        value = ref - timedelta(days=(ref.weekday() - wd) % 7)
    return found_at(m, value.isoformat(), True)


def year_str(year: int) -> str:
    date(year, 1, 1)  # raises ValueError outside 1..9999, like any other impossible date
    return f"{year:04d}"


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def shift_month(ref: date, months: int) -> tuple[int, int]:
    index = ref.year * 12 + ref.month - 1 + months
    year = index // 12
    date(year, 1, 1)  # out of range -> ValueError, dropped by the caller
    return year, index % 12 + 1


def resolve_period(m: re.Match[str], ctx: Context) -> Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    unit = m.group("u")
    groups = m.groupdict()
    kind = mod_kind(groups.get("mod"))
    if kind is None and groups.get("pos"):
        after = word_after(ctx.folded, m.end())
        # "مطلع العام الدراسي" is not this year.
        if after.startswith("ال") or after[:1].isdigit():
            return None
    step = {"past": -1, "next": 1}.get(kind or "", 0)
    if unit == "الاسبوع":
        value = iso_week(ref + timedelta(weeks=step))
    elif unit == "الشهر":
        y, mo = shift_month(ref, step)
        value = f"{y:04d}-{mo:02d}"
    else:
        value = year_str(ref.year + step)
    return found_at(m, value, True)


def resolve_ago(m: re.Match[str], ctx: Context) -> Found | None:
    ref = ctx.ref
    if ref is None:
        return None
    unit_word = m.group("unit")
    unit, base = UNITS[unit_word]
    if m.group("n"):
        count = int(m.group("n"))
    elif m.group("nw"):
        count = NUMBER_WORDS[m.group("nw")]
    elif unit_word in ("ايام", "اسابيع", "اشهر", "شهور", "اعوام", "سنوات", "سنين"):
        return None  # "منذ أيام": how many is not said
    else:
        count = base
    if m.group("n") or m.group("nw"):
        # "ثلاثة أيام": the plural carries no count of its own.
        count = count * (base if base == 2 else 1)
    after = word_after(ctx.folded, m.end())
    rest = ctx.folded[m.end() : m.end() + 6].lstrip(" \t\u00a0")
    # "قبل يومين من الانتخابات" counts from another event; "قبل عام 2030" is a year.
    if (m.group("dir") != "منذ" and after in ("من", "على")) or rest[:1].isdigit():
        return None
    sign = 1 if m.group("dir") == "بعد" else -1
    if unit == "day":
        value = (ref + timedelta(days=sign * count)).isoformat()
    elif unit == "week":
        value = iso_week(ref + timedelta(weeks=sign * count))
    elif unit == "month":
        y, mo = shift_month(ref, sign * count)
        value = f"{y:04d}-{mo:02d}"
    else:
        value = year_str(ref.year + sign * count)
    return found_at(m, value, True)
