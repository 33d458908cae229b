"""Page shapes a wire story takes that the structure stage must read: an agency's full name
before a colon, a reporter inside a slash or dash dateline, credit lines naming several people,
English date lines with ordinals and a named zone, and country labels above the headline."""

from __future__ import annotations

import pytest

from streams.nlp.datelines import parse_date_line
from streams.nlp.structure import parse_structure

TEXT = "أعلنت الجهات الرسمية اليوم عن برنامج جديد لدعم المشاريع الصغيرة والمتوسطة في البلاد."
MORE = "وأوضحت أن البرنامج يشمل قروضا ميسرة وتدريبا للشباب."


def _page(title: str, *lines: str) -> str:
    return "\n".join((title, *lines))


@pytest.mark.parametrize(
    ("head", "code"),
    [
        ("مسقط - العمانية:", "ONA"),
        ("صلالة - العمانية:", "ONA"),
        ("أنقرة - الأناضول:", "AA"),
        ("إسطنبول - وكالة الأناضول:", "AA"),
        ("الكويت - وكالة الأنباء الكويتية:", "KUNA"),
        ("الجهراء - كونا:", "KUNA"),
        ("عمان – بترا:", "PETRA"),
        ("إربد – وكالة الأنباء الأردنية:", "PETRA"),
        ("الدوحة - وكالة الأنباء القطرية:", "QNA"),
        ("المنامة — وكالة أنباء البحرين:", "BNA"),
    ],
)
def test_agency_name_before_a_colon_is_the_credit_and_stays_in_the_body(
    head: str, code: str
) -> None:
    s = parse_structure(_page("برنامج جديد لدعم المشاريع الصغيرة", f"{head} {TEXT}", MORE))
    assert s["agency"] is not None and s["agency"]["abbreviation"] == code
    assert s["body"] == [f"{head} {TEXT}", MORE]
    assert s["authors"] == []


@pytest.mark.parametrize(
    ("head", "reporter"),
    [
        ("إسطنبول/ محمد شيخ يوسف/ الأناضول:", "محمد شيخ يوسف"),
        ("أنقرة/ زين خليل/ الأناضول:", "زين خليل"),
        ("القدس /عبد الرؤوف أرناؤوط/ الأناضول:", "عبد الرؤوف أرناؤوط"),
        ("غزة - حسني نديم - الأناضول:", "حسني نديم"),
        ("الخرطوم – عادل عبد الرحيم – الأناضول:", "عادل عبد الرحيم"),
        ("الرياض - سارة القحطاني - واس:", "سارة القحطاني"),
    ],
)
def test_reporter_inside_a_dateline_is_an_author(head: str, reporter: str) -> None:
    s = parse_structure(_page("برنامج جديد لدعم المشاريع الصغيرة", f"{head} {TEXT}", MORE))
    assert s["agency"] is not None
    assert s["authors"] == [reporter]
    assert s["body"][0] == f"{head} {TEXT}"


def test_two_cities_in_a_dateline_without_an_agency_are_no_reporter() -> None:
    s = parse_structure(_page("برنامج جديد لدعم المشاريع الصغيرة", f"غزة - خان يونس - {TEXT}"))
    assert s["authors"] == []
    assert s["agency"] is None


@pytest.mark.parametrize(
    "head", ["غزة - خان يونس - وفا:", "رام الله/ نابلس/ وفا:", "الرياض - جدة - واس:"]
)
def test_a_second_place_in_a_dateline_is_no_reporter(head: str) -> None:
    s = parse_structure(_page("برنامج جديد لدعم المشاريع الصغيرة", f"{head} {TEXT}"))
    assert s["authors"] == []


ENGLISH_BODY = "Oil prices rose on Monday as supply concerns mounted across the region."


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        (
            "(Reporting by Alex Lawler and Ahmad Ghaddar; Editing by Jane Merriman)",
            ["Alex Lawler", "Ahmad Ghaddar", "Jane Merriman"],
        ),
        (
            "(Reporting by Maha El Dahan, Pesha Magid and Nadine Awadalla; Writing by Tom Perry; "
            "Editing by Alison Williams)",
            ["Maha El Dahan", "Pesha Magid", "Nadine Awadalla", "Tom Perry", "Alison Williams"],
        ),
        (
            "(Reporting by Aziz El Yaakoubi and Yousef Saba; Editing by Kirsten Donovan)",
            ["Aziz El Yaakoubi", "Yousef Saba", "Kirsten Donovan"],
        ),
    ],
)
def test_english_credit_line_lists_every_name_in_order(credit: str, names: list[str]) -> None:
    page = _page("Oil prices rise", f"LONDON, May 3 (Reuters) - {ENGLISH_BODY}", credit)
    s = parse_structure(page)
    assert s["authors"] == names
    assert credit not in s["body"]


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        (
            "(تغطية صحفية أحمد غدار و أليكس لولر - إعداد سلمى نجم - تحرير علي خفاجي)",
            ["أحمد غدار", "أليكس لولر", "سلمى نجم", "علي خفاجي"],
        ),
        (
            "(تغطية صحفية مها الدهان ونادين عوض الله - إعداد أيمن سعد - تحرير محمد اليماني)",
            ["مها الدهان", "نادين عوض الله", "أيمن سعد", "محمد اليماني"],
        ),
        (
            "(تغطية صحفية عزيز اليعقوبي، يوسف صبا و هالة الشوبكي - تحرير رحاب علي)",
            ["عزيز اليعقوبي", "يوسف صبا", "هالة الشوبكي", "رحاب علي"],
        ),
    ],
)
def test_arabic_credit_line_lists_every_name_in_order(credit: str, names: list[str]) -> None:
    page = _page("ارتفاع أسعار النفط", f"لندن (رويترز) - {TEXT}", MORE, credit)
    s = parse_structure(page)
    assert s["authors"] == names
    assert s["body"] == [f"لندن (رويترز) - {TEXT}", MORE]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Published: Tuesday, 9th December 2025 - 9:40 AM (KSA)", "2025-12-09T09:40:00+03:00"),
        ("Updated: 3rd May 2025 14:05 (GMT+3)", "2025-05-03T14:05:00+03:00"),
        ("Published: 21st March 2025 9:40 AM KSA", "2025-03-21T09:40:00+03:00"),
        ("Published: 2nd June 2024 - 10:15 PM (UAE time)", "2024-06-02T22:15:00+04:00"),
        ("1st January 2025 8:00 AM (Mecca time)", "2025-01-01T08:00:00+03:00"),
        ("Published: Sunday, 22nd Nov 2026 - 6:05 PM (Cairo time)", "2026-11-22T18:05:00+02:00"),
        ("Posted: 14th February 2025 11:30 (Muscat time)", "2025-02-14T11:30:00+04:00"),
        ("Updated: 30th April 2025 07:00 AM (GMT)", "2025-04-30T07:00:00+00:00"),
        ("Published: 5th October 2025 - 4:20 PM Kuwait time", "2025-10-05T16:20:00+03:00"),
        ("Published: 11th August 2025 - 1:00 PM (Morocco time)", "2025-08-11T13:00:00+01:00"),
        ("Published: 8th July 2025 9:00 AM (Doha time)", "2025-07-08T09:00:00+03:00"),
        (
            "الثلاثاء 18 جمادى الآخرة 1447 هـ الموافق 9 ديسمبر 2025 م - 09:15 م بتوقيت مسقط",
            "2025-12-09T21:15:00+04:00",
        ),
        (
            "الأحد 12 شعبان 1446 هـ الموافق 11 فبراير 2025 م - 08:30 ص بتوقيت مكة المكرمة",
            "2025-02-11T08:30:00+03:00",
        ),
    ],
)
def test_date_line_with_ordinal_and_named_zone(line: str, value: str) -> None:
    assert parse_date_line(line) == value


@pytest.mark.parametrize("city", ["Riyadh", "Kuwait", "Doha", "Muscat"])
def test_a_bare_city_in_a_dateline_is_not_a_zone(city: str) -> None:
    # "RIYADH, March 14, 2025" is a place and a date, not a date with a zone.
    assert parse_date_line(f"{city.upper()}, March 14, 2025 10:00") is None


@pytest.mark.parametrize(
    ("label", "byline", "author"),
    [
        ("Saudi Arabia", "By Ahmed Ali", "Ahmed Ali"),
        ("United Arab Emirates", "By Sara Al Mansoori", "Sara Al Mansoori"),
        ("World", "By John Smith", "John Smith"),
        ("عُمان", "بقلم: سالم الحارثي", "سالم الحارثي"),
        ("المملكة العربية السعودية", "كتب: فهد العتيبي", "فهد العتيبي"),
    ],
)
def test_country_label_and_byline_are_no_body(label: str, byline: str, author: str) -> None:
    title = "Crown Prince receives foreign minister in Riyadh"
    body = "The Crown Prince received the visiting minister and discussed bilateral ties."
    page = _page(label, title, byline, "Published: Tuesday, 9th December 2025 - 9:40 AM (KSA)")
    s = parse_structure(page + "\n" + body + "\nThey also discussed regional developments.")
    assert s["title"] == title
    assert s["authors"] == [author]
    assert s["body"] == [body, "They also discussed regional developments."]
    assert s["published_at"] == "2025-12-09T09:40:00+03:00"
