"""Agency credits and datelines in the shapes the region's newsrooms use (own dev cases)."""

from __future__ import annotations

from datetime import date

import pytest

from streams.nlp.arabic import fold_arabic, matching_form, normalize_for_match
from streams.nlp.credits import agency_named, credit_line, find_lead, infer_year
from streams.nlp.structure import article_text, parse_structure

TEXT = "أعلنت الوزارة اليوم إطلاق برنامج جديد لدعم المشاريع الصغيرة في عدد من المحافظات."

LEADS = [
    # (head, agency code, (year or None, month, day) or None, Hijri or None)
    ("الرياض 14 مارس 2025 (واس) - ", "SPA", (2025, 3, 14), None),
    ("الرباط في 12 مارس 2025 /ومع/ - ", "MAP", (2025, 3, 12), None),
    ("بيروت، 3 تشرين الثاني (رويترز) – ", "Reuters", (None, 11, 3), None),
    ("القاهرة (أ ش أ) - ", "MENA", None, None),
    ("14 مارس 2025 - الرياض: ", None, (2025, 3, 14), None),
    ("الجزائر - واج - ", "APS", None, None),
    ("عاجل | واس: ", "SPA", None, None),
    ("RIYADH, Nov 3 (SPA) -- ", "SPA", (None, 11, 3), None),
    ("Rabat, 12/03/2025 (MAP) - ", "MAP", (2025, 3, 12), None),
    ("(AFP) - ", "AFP", None, None),
    ("الدوحة - قنا - ", "QNA", None, None),
    ("نواكشوط – الوكالة الموريتانية للأنباء – ", "AMI", None, None),
    ("عمان 5 آذار (بترا) - ", "PETRA", (None, 3, 5), None),
    ("صنعاء - سبأ : ", "SABA", None, None),
    ("رام الله 2 أيار 2025 (وفا) - ", "WAFA", (2025, 5, 2), None),
    ("تونس ٢٠ أفريل ٢٠٢٥ (وات) - ", "TAP", (2025, 4, 20), None),
    ("الخرطوم 5-3-2025 (سونا)- ", "SUNA", (2025, 3, 5), None),
    ("الكويت - 5 - 3 (كونا) -- ", "KUNA", (None, 3, 5), None),
    ("صفاقس (تونس) (أ ف ب) - ", "AFP", None, None),
    ("القاهرة في 12 فبراير/شباط 2025 /أ ش أ/ - ", "MENA", (2025, 2, 12), None),
    (
        "مكة المكرمة 14 رمضان 1446 هـ الموافق 14 مارس 2025 م (واس) - ",
        "SPA",
        (2025, 3, 14),
        (1446, 9, 14),
    ),
    ("الرياض 14 رمضان 1446 هـ الموافق 14 مارس 2025 م واس ", "SPA", (2025, 3, 14), (1446, 9, 14)),
]


@pytest.mark.parametrize(("head", "code", "day", "hijri"), LEADS, ids=[h for h, *_ in LEADS])
def test_lead_shapes(
    head: str, code: str | None, day: tuple[int | None, int, int] | None, hijri: object
) -> None:
    lead = find_lead(head + TEXT)
    assert lead is not None
    assert (lead.agency.code if lead.agency else None) == code
    assert (head + TEXT)[lead.end :] == TEXT
    if day is None:
        assert lead.date is None
    else:
        assert lead.date is not None
        year, month, d = day
        assert lead.date.month_day == (month, d)
        assert lead.date.day == (date(year, month, d) if year else None)
        assert lead.date.hijri == hijri


@pytest.mark.parametrize(
    "paragraph",
    [
        TEXT,
        "وأضاف الوزير - في تصريح صحفي - أن المشروع سينجز خلال عامين.",
        "قال الوزير إن الحكومة (رويترز) ستواصل العمل على الإصلاحات.",
        "وقالت قنا الإخبارية إن الاجتماع سيعقد في الدوحة الأسبوع المقبل.",
        "زار الوفد مدينة بترا الأثرية - جنوب الأردن - أمس.",
    ],
)
def test_plain_paragraphs_have_no_lead(paragraph: str) -> None:
    assert find_lead(paragraph) is None


@pytest.mark.parametrize(
    ("line", "code"),
    [("(رويترز)", "Reuters"), ("- واس", "SPA"), ("عمان (بترا)", "PETRA"), ("(ومع)", "MAP")],
)
def test_credit_lines(line: str, code: str) -> None:
    credit = credit_line(line)
    assert credit is not None and credit.agency is not None
    assert credit.agency.code == code


def test_a_date_alone_is_no_credit_line() -> None:
    assert credit_line("وزارة الشؤون الدينية: الخميس 5 جوان يوم عرفة") is None


def test_agency_names_ignore_spelling() -> None:
    assert agency_named("أ.ف.ب").code == "AFP"  # type: ignore[union-attr]
    assert agency_named("وكالة الأنباء السعودية").code == "SPA"  # type: ignore[union-attr]
    assert agency_named("وأج").code == "APS"  # type: ignore[union-attr]
    assert agency_named("الحكومة") is None


@pytest.mark.parametrize(
    ("month_day", "reference", "year"),
    [((11, 3), date(2025, 11, 20), 2025), ((12, 30), date(2025, 1, 2), 2024)],
)
def test_infer_year_is_latest_day_not_after_reference(
    month_day: tuple[int, int], reference: date, year: int
) -> None:
    assert infer_year(month_day, reference) == year


def test_yearless_dateline_takes_year_from_message() -> None:
    page = "عنوان الخبر عن التعاون الاقتصادي\nتونس 12 مارس (وات) - " + TEXT
    s = parse_structure(page, published_at="2025-03-12T09:00:00+01:00")
    assert s["published_at"] == "2025-03-12"
    assert s["published_at_provenance"] == {"source": "dateline", "year": "message"}
    assert s["agency"] is not None and s["agency"]["abbreviation"] == "TAP"


def test_yearless_dateline_without_message_uses_processing_time() -> None:
    page = "عنوان الخبر عن التعاون الاقتصادي\nتونس 12 مارس (وات) - " + TEXT
    from datetime import UTC, datetime

    s = parse_structure(page, now=datetime(2026, 1, 5, tzinfo=UTC))
    assert s["published_at"] == "2025-03-12"
    assert s["published_at_provenance"] == {"source": "dateline", "year": "processing_time"}


def test_agency_span_points_into_article_text() -> None:
    page = "عنوان الخبر عن التعاون الاقتصادي\nالدوحة (قنا) - " + TEXT
    s = parse_structure(page)
    agency = s["agency"]
    assert agency is not None and agency["start"] is not None and agency["end"] is not None
    assert article_text(s)[agency["start"] : agency["end"]] == "قنا"


def test_folding_is_shared() -> None:
    assert fold_arabic("إِسْلام ٢٠٢٥ ی") == "اسلام 2025 ي"
    assert matching_form("مُحَمَّد").folded == "محمد"
    assert normalize_for_match("الأربعاء\u200f ١٤") == "الاربعاء 14"
