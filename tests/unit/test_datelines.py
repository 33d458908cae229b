"""Publication date lines: shapes that resolve, lines that are not date lines, hostile input."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.nlp.datelines import (
    is_date_line,
    match_date_line,
    normalize_for_match,
    parse_date_line,
)

DATE_LINES = [
    # English ordinals and month-first
    ("تاريخ النشر: 7th, January 2025 GMT", "2025-01-07"),
    ("تاريخ النشر: 22nd, February 2025 GMT", "2025-02-22"),
    ("January 7, 2025", "2025-01-07"),
    ("Jan 15, 2025", "2025-01-15"),
    ("7 January 2025", "2025-01-07"),
    ("Published: Tuesday, May 14, 2024 10:30 AM GMT", "2024-05-14T10:30:00+00:00"),
    ("Updated on Sept. 3, 2024 04:05 pm", "2024-09-03T16:05:00"),
    # Egyptian/Gulf month names, with alef and ya spelling variants
    ("12 فبراير 2025", "2025-02-12"),
    ("3 إبريل 2024", "2024-04-03"),
    ("3 ابريل 2024", "2024-04-03"),
    ("10 يونيه 2024", "2024-06-10"),
    ("10 يوليه 2024", "2024-07-10"),
    ("25 أغسطس 2024", "2024-08-25"),
    ("1 أكتوبر 2024", "2024-10-01"),
    # Levantine/Iraqi month names
    ("4 كانون الثاني 2024", "2024-01-04"),
    ("15 شباط 2023", "2023-02-15"),
    ("3 آذار 2025", "2025-03-03"),
    ("20 نيسان 2024", "2024-04-20"),
    ("9 أيار 2024", "2024-05-09"),
    ("30 حزيران 2024", "2024-06-30"),
    ("14 تموز 2024", "2024-07-14"),
    ("6 آب 2024", "2024-08-06"),
    ("11 أيلول 2024", "2024-09-11"),
    ("5 تشرين الأول 2024", "2024-10-05"),
    ("5 تشرين الثاني 2024", "2024-11-05"),
    ("10 كانون الأول 2024", "2024-12-10"),
    ("الخميس 4 كانون الثاني/يناير 2024", "2024-01-04"),
    # Maghrebi month names
    ("الأربعاء 18 جوان 2025", "2025-06-18"),
    ("الخميس 6 فيفري 2025 - 16:45", "2025-02-06T16:45:00"),
    ("2 جانفي 2025", "2025-01-02"),
    ("14 جويلية 2024", "2024-07-14"),
    ("15 أوت 2024", "2024-08-15"),
    ("1 ماي 2024", "2024-05-01"),
    ("السبت 8 أفريل 2023 على الساعة 10h30", "2023-04-08T10:30:00"),
    # Arabic-Indic and Persian digits
    ("٤ كانون الثاني ٢٠٢٤", "2024-01-04"),
    ("تاريخ النشر: ۱۲ مارس ۲۰۲۴", "2024-03-12"),
    ("٢٠٢٤/٠٣/٠٢", "2024-03-02"),
    # weekday, time, AM/PM markers
    ("الثلاثاء 14 مايو 2024 - 10:30 ص", "2024-05-14T10:30:00"),
    # a print edition's issue number beside its date
    ("العدد 1234 - 14 مايو 2024", "2024-05-14"),
    # every month-naming system, Hijri pairs and digit scripts
    ("١٤ شتنبر ٢٠٢٥", "2025-09-14"),
    ("۱۴ نونبر ۲۰۲۵", "2025-11-14"),
    ("الأحد 3 جويلية 2025", "2025-07-03"),
    ("5 غشت 2025", "2025-08-05"),
    ("الخميس 14 رمضان 1446 هـ الموافق 14 مارس 2025 م", "2025-03-14"),
    ("الخميس 26 يونيو 2025 الموافق لفاتح محرم 1447 هـ", "2025-06-26"),
    ("14/9/1446 هـ", "2025-03-14"),
    ("Publié le : 14/10/2025 - 16:40", "2025-10-14T16:40:00"),
    ("الثلاثاء 14 مايو 2024 - 03:15 م", "2024-05-14T15:15:00"),
    ("الأحد، 5 مايو 2024 12:10 ص", "2024-05-05T00:10:00"),
    ("الأحد 5 مايو 2024 12:10 م", "2024-05-05T12:10:00"),
    ("السبت 29 يونيو 2024 - 11:40 مساءً", "2024-06-29T23:40:00"),
    ("10:30 ص - الثلاثاء 14 مايو 2024", "2024-05-14T10:30:00"),
    # zones: offsets only when the line names one
    ("الأحد 16 يونيو 2024 03:15 م بتوقيت مكة المكرمة", "2024-06-16T15:15:00+03:00"),
    ("الاثنين 21 أكتوبر 2024 14:20 GMT", "2024-10-21T14:20:00+00:00"),
    ("21 أكتوبر 2024 14:20 بتوقيت غرينتش", "2024-10-21T14:20:00+00:00"),
    ("21 أكتوبر 2024 14:20 UTC+3", "2024-10-21T14:20:00+03:00"),
    ("16 يونيو 2024 15:00 بتوقيت القاهرة", "2024-06-16T15:00:00+03:00"),
    ("16 يناير 2024 15:00 بتوقيت القاهرة", "2024-01-16T15:00:00+02:00"),
    ("16 يناير 2024 15:00 بتوقيت القدس", "2024-01-16T15:00:00"),
    ("21 أكتوبر 2024 GMT", "2024-10-21"),
    ("Updated: 14 May 2024, 10:30 BST", "2024-05-14T10:30:00"),
    ("الجمعة 01 نوفمبر 2024 | 12:05 ظهرا", "2024-11-01T12:05:00"),
    ("2024-05-05T23:59:59.123+0530", "2024-05-05T23:59:59+05:30"),
    ("١٤ رمضان ١٤٤٥ هـ - ٢٤ مارس ٢٠٢٤ م", "2024-03-24"),
    # Hijri with Gregorian equivalent: the Gregorian wins; Hijri alone is converted
    ("14 رمضان 1445 هـ الموافق 24 مارس 2024", "2024-03-24"),
    ("الأحد 14 رمضان 1445 هـ الموافق 24 مارس 2024 م", "2024-03-24"),
    ("14/9/1445 هـ الموافق 24/3/2024", "2024-03-24"),
    ("الأحد 14 رمضان 1445 هـ", "2024-03-24"),
    # ISO and numeric
    ("2024-11-03", "2024-11-03"),
    ("2024-11-03T08:45:00+04:00", "2024-11-03T08:45:00+04:00"),
    ("2024-11-03T08:45:00Z", "2024-11-03T08:45:00+00:00"),
    ("2024-05-27 16:20", "2024-05-27T16:20:00"),
    ("15/09/2024", "2024-09-15"),
    ("05/07/2024", "2024-07-05"),
    ("05/27/2024", "2024-05-27"),
    ("2024/09/15", "2024-09-15"),
    ("التاريخ: 12.10.2024", "2024-10-12"),
    # labels, publication preferred over update
    ("نشر بتاريخ: 12 فبراير 2025", "2025-02-12"),
    ("نُشر في 3 آذار 2025", "2025-03-03"),
    ("نُشِرَ فِي: ٧ نُوفَمْبِر ٢٠٢٤", "2024-11-07"),
    ("آخر تحديث: 20 أغسطس 2024 - 09:40 ص", "2024-08-20T09:40:00"),
    ("نشر في: 19 مارس 2024 | آخر تحديث: 20 مارس 2024 - 11:00 ص", "2024-03-19"),
    ("آخر تحديث: 20 مارس 2024 - 11:00 ص | نشر في: 19 مارس 2024 - 09:05 ص", "2024-03-19T09:05:00"),
    ("14 مايو 2024 | آخر تحديث: 15 مايو 2024", "2024-05-14"),
]

NOT_DATE_LINES = [
    "",
    "منذ 3 ساعات",
    "منذ يومين",
    "آخر تحديث: منذ ساعتين",
    "Published 3 hours ago",
    "2+2",
    "اليوم",
    "أمس",
    "2024",
    "14 مايو",
    "مايو 2024",
    "31 فبراير 2024",
    "29 فبراير 2023",
    "2024-13-01",
    "32/01/2024",
    "وقال الوزير في 14 مايو 2024 إن المحادثات مستمرة.",
    "وكانت قطر قد أعلنت في فبراير الماضي خطة لرفع طاقتها الإنتاجية إلى 142 مليون طن.",
    "القاهرة - 14 مايو 2024",
    "اتصل بنا على 0123456789",
    "10:30",
    "هاتف: 14/05/20245",
    "التضخم يبلغ 32.5 في المئة في أبريل 2024",
]


@pytest.mark.parametrize(("line", "expected"), DATE_LINES, ids=[d[0] for d in DATE_LINES])
def test_date_line_shapes(line: str, expected: str) -> None:
    assert parse_date_line(line) == expected
    assert is_date_line(line)


@pytest.mark.parametrize("line", NOT_DATE_LINES)
def test_not_a_date_line(line: str) -> None:
    assert parse_date_line(line) is None
    assert not is_date_line(line)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("تاريخ النشر: 7th, January 2025 GMT", "published"),
        ("آخر تحديث: 20 أغسطس 2024", "updated"),
        ("Last updated: 20 August 2024", "updated"),
        ("20 أغسطس 2024", None),
        ("نشر في: 19 مارس 2024 | آخر تحديث: 20 مارس 2024", "published"),
    ],
)
def test_label_kind(line: str, kind: str | None) -> None:
    found = match_date_line(line)
    assert found is not None
    assert found.kind == kind


def test_long_line_is_never_a_date_line() -> None:
    line = "الثلاثاء 14 مايو 2024 " + "كلمة " * 60
    assert parse_date_line(line) is None


def test_normalize_for_match_folds_spelling_and_digits() -> None:
    assert normalize_for_match("إقرأ أيضاً ٢٠٢٤ ۱۲") == "اقرا ايضا 2024 12"
    assert normalize_for_match("على") == "علي"


def _is_iso(value: str) -> bool:
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        return False
    return True


@given(st.text(max_size=300))
def test_never_raises_and_returns_iso(text: str) -> None:
    value = parse_date_line(text)
    assert value is None or _is_iso(value)
    assert is_date_line(text) == (value is not None)


_PIECES = st.sampled_from(
    [
        "الثلاثاء", "14", "مايو", "2024", "-", "10:30", "ص", "م", "بتوقيت", "مكة", "GMT",
        "نشر في:", "آخر تحديث:", "|", "رمضان", "1445", "هـ", "الموافق", "/", "٢٠٢٤", "31",
        "فبراير", "12:00", "UTC+14", "T", "Z", "+03:00", "2024-02-30", "13/13/2024", "7th,",
    ]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=14))
def test_date_like_soup_yields_valid_iso_or_none(parts: list[str]) -> None:
    value = parse_date_line(" ".join(parts))
    assert value is None or _is_iso(value)
