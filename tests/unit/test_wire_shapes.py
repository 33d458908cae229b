"""Wire shapes of the region's newsrooms, several variants each (cities, agencies, months,
languages): credits, datelines, date lines, desk trailers, captions, prompts and bylines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.nlp.credits import find_lead, place_date_line
from streams.nlp.datelines import match_date_line
from streams.nlp.structure import parse_structure
from streams.records import Structure

TITLE_AR = "الحكومة تعلن خطة جديدة لدعم الصادرات الزراعية"
TITLE_EN = "Government unveils new plan to support farm exports"
TITLE_FR = "Le gouvernement dévoile un plan de soutien aux exportations agricoles"
P_AR = "وأوضح الوزير أن الخطة تشمل حوافز ضريبية وتسهيلات في الشحن للمصدرين الصغار."
P2_AR = "ويأتي القرار بعد تراجع الصادرات الزراعية خلال الربع الأول من العام الجاري."
P_EN = "The plan includes tax incentives and shipping support for small exporters, he said."
P_FR = "Le plan prévoit des incitations fiscales et une aide au transport pour les exportateurs."
TEXT_AR = "أعلنت الحكومة اليوم خطة جديدة لدعم الصادرات الزراعية بقيمة ملياري دولار."
TEXT_EN = "The government announced on Monday a $2 billion plan to support farm exports."
TEXT_FR = "Le gouvernement a annoncé lundi un plan de deux milliards pour les exportations."
NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def parse(*lines: str, **kwargs: object) -> Structure:
    return parse_structure("\n".join(lines), now=NOW, **kwargs)  # type: ignore[arg-type]


# --- an agency closing its segment or running into the text ----------------------------------


@pytest.mark.parametrize(
    ("opening", "agency", "day"),
    [
        ("رام الله 10-8-2025 وفا- ", "WAFA", "2025-08-10"),
        ("الدوحة 5-3-2025 قنا- ", "QNA", "2025-03-05"),
        ("Riyadh, Ramadan 20, 1446, March 20, 2025, SPA -- ", "SPA", "2025-03-20"),
        ("Jeddah, Shawwal 3, 1446 AH, April 1, 2025, SPA -- ", "SPA", "2025-04-01"),
        ("Manama, March 3, 2025, BNA -- ", "BNA", "2025-03-03"),
        ("Muscat, 12 May 2025, ONA -- ", "ONA", "2025-05-12"),
    ],
)  # fmt: skip
def test_agency_closing_the_date_segment(opening: str, agency: str, day: str) -> None:
    text = TEXT_EN if opening.isascii() else TEXT_AR
    lead = find_lead(opening + text)
    assert lead is not None and lead.agency is not None and lead.agency.code == agency
    assert lead.date is not None and lead.date.day is not None
    assert lead.date.day.isoformat() == day
    assert (opening + text)[lead.end :] == text


@pytest.mark.parametrize(
    ("opening", "agency"),
    [
        ("دمشق-سانا ", "SANA"),
        ("بغداد - واع ", "INA"),
        ("عمان-بترا ", "PETRA"),
        ("الكويت - كونا ", "KUNA"),
        ("حلب-سانا ", "SANA"),
        ("وطنية - ", "NNA"),
    ],
)
def test_agency_running_into_the_text(opening: str, agency: str) -> None:
    s = parse(TITLE_AR, opening + TEXT_AR, P_AR)
    assert s["agency"] is not None and s["agency"]["abbreviation"] == agency
    assert s["body"][0] == opening + TEXT_AR  # the dateline paragraph stays in the body
    assert s["agency"]["start"] is not None


@pytest.mark.parametrize(
    "paragraph",
    [
        "بيروت - قال مصدر مطلع إن الحكومة ستجتمع غدا لبحث الملف المالي.",
        "الرياض - أكد وزير المالية أن الميزانية ستصدر قبل نهاية الشهر.",
        "ALGER - Le président de la République a reçu mardi le ministre des Affaires étrangères.",
    ],
)
def test_city_dash_text_names_no_agency(paragraph: str) -> None:
    lead = find_lead(paragraph)
    assert lead is None or lead.agency is None


# --- English and French wire datelines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "agency"),
    [
        ("RIYADH, Nov 3 (SPA) -- ", "SPA"),
        ("Amman, June 15 (Petra) -- ", "PETRA"),
        ("DUBAI, Oct 14 (Reuters) - ", "Reuters"),
        ("Beijing, March 3 (Xinhua) -- ", "XINHUA"),
        ("TUNIS, 12 mars (TAP) - ", "TAP"),
        ("RABAT, 4 juin (MAP) - ", "MAP"),
        ("Nouakchott (AFP) - ", "AFP"),
        ("KUWAIT, Jan 5 (KUNA) -- ", "KUNA"),
    ],
)  # fmt: skip
def test_latin_datelines(opening: str, agency: str) -> None:
    text = TEXT_FR if " mars " in opening or " juin " in opening else TEXT_EN
    s = parse(TITLE_EN, opening + text, P_EN)
    assert s["agency"] is not None and s["agency"]["abbreviation"] == agency


@pytest.mark.parametrize(
    ("trailer", "agency"),
    [("APS", "APS"), ("MAP", "MAP"), ("(TAP)", "TAP"), ("واس", "SPA"), ("- وام -", "WAM")],
)
def test_agency_sign_off_line_credits_the_story(trailer: str, agency: str) -> None:
    s = parse(TITLE_FR, "ORAN - " + TEXT_FR, P_FR, trailer)
    assert s["agency"] is not None and s["agency"]["abbreviation"] == agency
    assert len(s["body"]) == 2


# --- a dateline without a year -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "kwargs", "expected", "year_from"),
    [
        # no message date, no Hijri pair: the most recent such day not after processing
        ("DUBAI, Oct 14 (Reuters) - ", {}, "2026-10-14", "processing_time"),
        ("RIYADH, Dec 25 (SPA) -- ", {}, "2025-12-25", "processing_time"),
        ("تونس 30 نوفمبر (وات) - ", {}, "2026-11-30", "processing_time"),
        # the message's own published_at gives the year
        ("DUBAI, Oct 14 (Reuters) - ", {"published_at": "2025-10-14T08:00:00Z"}, "2025-10-14",
         "message"),
        ("عمان 15 حزيران (بترا)- ", {"published_at": "2025-06-15"}, "2025-06-15", "message"),
        ("بيروت 31 كانون الأول (وطنية) - ", {"published_at": "2026-01-01"}, "2025-12-31",
         "message"),
    ],
)  # fmt: skip
def test_yearless_dateline_year(
    opening: str, kwargs: dict[str, str], expected: str, year_from: str
) -> None:
    text = TEXT_EN if opening.isascii() else TEXT_AR
    s = parse(TITLE_EN, opening + text, **kwargs)
    assert s["published_at"] == expected
    assert s["published_at_provenance"]["year"] == year_from


@pytest.mark.parametrize(
    "date_line",
    [
        "October 14, 2025 8:12 AM GMT+4 Updated 2 hours ago",
        "Published: 14 October 2025 Updated 5 mins ago",
        "تاريخ النشر: 14 أكتوبر 2025",
    ],
)
def test_page_date_line_gives_the_year_of_a_yearless_dateline(date_line: str) -> None:
    s = parse(TITLE_EN, date_line, "DUBAI, Oct 14 (Reuters) - " + TEXT_EN)
    assert s["published_at"] is not None and s["published_at"].startswith("2025-10-14")


# --- date lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("نشرت في: 22/07/2025 - 14:35 آخر تحديث: 22/07/2025 - 16:10", "2025-07-22T14:35:00"),
        ("نشرت بتاريخ 3 مايو 2025", "2025-05-03"),
        ("October 14, 2025 8:12 AM GMT+4 Updated 2 hours ago", "2025-10-14T08:12:00+04:00"),
        ("Published: June 3, 2025 Updated 5 mins ago", "2025-06-03"),
        ("نشر في: 3 مايو 2025 - آخر تحديث: منذ ساعتين", "2025-05-03"),
        ("Publié le 4 février 2025 à 17:32 Mis à jour il y a 3 heures", "2025-02-04T17:32:00"),
    ],
)  # fmt: skip
def test_date_lines_with_relative_update_stamps(line: str, value: str) -> None:
    found = match_date_line(line)
    assert found is not None and found.value == value


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("04 فيفري 2025 - وهران", "2025-02-04"),
        ("12 مارس 2025 - الجزائر", "2025-03-12"),
        ("الرباط في 3 يونيو 2025", "2025-06-03"),
        ("قسنطينة - 9 أفريل 2025", "2025-04-09"),
        ("Nouakchott, 14 octobre 2025", "2025-10-14"),
    ],
)
def test_date_and_city_line(line: str, day: str) -> None:
    found = place_date_line(line)
    assert found is not None and found.date is not None and found.date.day is not None
    assert found.date.day.isoformat() == day
    s = parse(TITLE_AR, line, TEXT_AR, P_AR)
    assert s["published_at"] == day
    assert s["body"] == [TEXT_AR, P_AR]


@pytest.mark.parametrize(
    "line",
    [
        "وزارة الشؤون الدينية: الخميس 5 جوان يوم عرفة والجمعة عيد الأضحى",
        "وقال الوزير في 12 مارس 2025",
        "14 مارس 2025",
    ],
)
def test_not_a_date_and_city_line(line: str) -> None:
    assert place_date_line(line) is None


# --- the Anadolu dateline paragraph ------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "dateline"),
    [
        ("محمد شيخ عمر/ الأناضول", "أنقرة/ الأناضول"),
        ("سارة علي/ الأناضول", "إسطنبول/ الأناضول"),
        ("عبد الله كوزان/ الأناضول", "غزة/ الأناضول"),
        (None, "الدوحة/ الأناضول"),
    ],
)
def test_city_slash_agency_line_is_the_dateline_paragraph(
    byline: str | None, dateline: str
) -> None:
    head = [byline] if byline else []
    s = parse(TITLE_AR, *head, "16.04.2025", dateline, TEXT_AR, P_AR)
    assert s["body"] == [dateline, TEXT_AR, P_AR]
    assert s["agency"] is not None and s["agency"]["abbreviation"] == "AA"
    assert s["authors"] == ([byline.split("/")[0]] if byline else [])
    start, end = s["agency"]["start"], s["agency"]["end"]
    assert start is not None and end is not None
    assert "الأناضول" in "\n".join([TITLE_AR, *s["body"]])[start:end]


# --- desk trailers, copyright and end-of-story marks -------------------------------------------


@pytest.mark.parametrize(
    "trailer",
    [
        "--(بترا) ع ا/ف ق",
        "--(Petra) R.A./ H.F.",
        "(النهاية)",
        "(انتهى) م.ع",
        "Enditem",
        "ب ص/ع ش/ح ح",
        "© AFP",
        "© 2025 AFP",
        "mk/ab",
    ],
)
def test_desk_trailers_are_furniture(trailer: str) -> None:
    s = parse(TITLE_AR, "عمان 15 حزيران (بترا)- " + TEXT_AR, P_AR, trailer)
    assert len(s["body"]) == 2
    assert trailer in s["boilerplate"] or s["agency"] is not None


# --- captions and photo credits inside the body -----------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "(تصوير: كريم جمال) جانب من الزحام في شارع المعز",
        "(تصوير: محمد السماني)",
        "(عدسة: أحمد سالم)",
        "مهاجرون في منطقة العامرة قرب صفاقس في 7 نيسان/أبريل 2025 (أ ف ب)",
        "(Photo: AFP) Migrants wait near the port of Sfax",
        "الصورة: أرشيفية",
    ],
)
def test_captions_inside_the_body_are_furniture(caption: str) -> None:
    s = parse(TITLE_AR, TEXT_AR, caption, P_AR, P2_AR)
    assert s["body"] == [TEXT_AR, P_AR, P2_AR]
    assert caption in s["boilerplate"]
    assert s["authors"] == []


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("(إعداد نهى فاروق للنشرة العربية - تحرير مروان سعد)", ["نهى فاروق", "مروان سعد"]),
        ("(تغطية صحفية سامي علي - تحرير ليلى حسن)", ["سامي علي", "ليلى حسن"]),
    ],
)
def test_bracketed_writer_credit_closing_a_story_is_a_byline(line: str, authors: list[str]) -> None:
    s = parse(TITLE_AR, TEXT_AR, P_AR, line)
    assert s["authors"] == authors


# --- prompts, share rows, tag labels -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "طباعة | A+ | A-",
        "شارك الخبر: فيسبوك - تويتر - واتساب",
        "شارك: فيسبوك تويتر تلغرام",
        "تابعوا ليبيا أوبزرفر على تيليغرام",
        "تابعوا وكالة جيبوتي للأنباء على فيسبوك وإكس",
        "تابعونا عبر إنستغرام",
        "للاشتراك في قناة الرأي على تلغرام اضغط هنا",
        "لمتابعة آخر أخبار الطاقة في العراق اضغط هنا",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Partager sur Facebook",
        "Follow us on X",
        "Share | Print | Email",
    ],
)
def test_prompts_and_share_rows_are_furniture(line: str) -> None:
    s = parse(TITLE_AR, TEXT_AR, line, P_AR)
    assert s["body"] == [TEXT_AR, P_AR]
    assert line in s["boilerplate"]


@pytest.mark.parametrize(
    "line",
    [
        "تابع الوزير حديثه عن خطط الوزارة في المؤتمر الصحفي على هامش المعرض.",
        "وتابع المسؤول: إن الحكومة ستنشر الأرقام على موقعها الرسمي الأسبوع المقبل.",
    ],
)
def test_sentences_that_mention_following_stay_in_the_body(line: str) -> None:
    s = parse(TITLE_AR, TEXT_AR, line)
    assert s["body"] == [TEXT_AR, line]


@pytest.mark.parametrize(
    "label",
    ["الكلمات الدالة:", "مواضيع:", "الموضوعات:", "هاشتاج:", "Topics:", "Mots-clés :", "Thèmes :"],
)
def test_tag_labels(label: str) -> None:
    s = parse(TITLE_AR, TEXT_AR, f"{label} الطاقة، النفط، الصين")
    assert s["tags"] == ["الطاقة", "النفط", "الصين"]
    assert s["body"] == [TEXT_AR]


# --- bylines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("بقلم: د. منجي الحامدي*", ["منجي الحامدي"]),
        ("بقلم: الدكتور أحمد علي", ["أحمد علي"]),
        ("By Dr. Jane Roe", ["Jane Roe"]),
        ("كتب: أ.د. سامي الخطيب", ["سامي الخطيب"]),
        ("Par Pr. Karim Benali", ["Karim Benali"]),
    ],
)
def test_byline_honorifics_are_not_names(line: str, authors: list[str]) -> None:
    s = parse(TITLE_AR, line, TEXT_AR)
    assert s["authors"] == authors


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("عمّان: سليم الخطيب", "سليم الخطيب"),
        ("بيروت: ثائر عباس", "ثائر عباس"),
        ("الرياض: محمد بن سعد العتيبي", "محمد بن سعد العتيبي"),
        ("London: Jane Roe", "Jane Roe"),
    ],
)
def test_city_colon_name_above_the_body_is_a_byline(line: str, name: str) -> None:
    s = parse(TITLE_AR, "نشر في: 13 مارس 2025", line, TEXT_AR, P_AR)
    assert s["authors"] == [name]
    assert s["body"] == [TEXT_AR, P_AR]


@pytest.mark.parametrize("outlet", ["الشروق أونلاين", "هسبريس", "Le Matin", "الخليج الاقتصادي"])
def test_outlet_name_between_title_and_date_is_furniture(outlet: str) -> None:
    s = parse(TITLE_AR, outlet, "12 مارس 2025 - الجزائر", TEXT_AR, P_AR)
    assert s["title"] == TITLE_AR
    assert outlet in s["boilerplate"]
    assert s["body"] == [TEXT_AR, P_AR]


# --- "read also" ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "trailer"),
    [
        ("Lire aussi : Canaries : l'Espagne demande une aide d'urgence", "© AFP"),
        ("اقرأ أيضا: الحكومة تطلق منصة رقمية للمصدرين", "(النهاية)"),
        ("Read also: Exporters hail the new incentives", "Enditem"),
        ("اقرأ أيضاً: ارتفاع صادرات التمور 8%", "ع.م"),
    ],
)
def test_inline_read_also_before_the_story_trailer_continues(marker: str, trailer: str) -> None:
    s = parse(TITLE_AR, TEXT_AR, marker, P_AR, P2_AR, trailer)
    assert s["body"] == [TEXT_AR, P_AR, P2_AR]
    assert s["related"] == []
    assert marker in s["boilerplate"]


def test_glued_article_chrome_is_kept_as_boilerplate() -> None:
    lines = [
        TITLE_AR,
        TEXT_AR,
        "اقرأ أيضا",
        "ارتفاع صادرات التمور إلى أوروبا",
        "كتب: أحمد علي",
        "نشر في: 3 مايو 2025",
        P2_AR,
        "الوسوم: التمور، أوروبا",
    ]
    s = parse(*lines)
    assert s["body"] == [TEXT_AR]
    assert s["authors"] == [] and s["tags"] == [] and s["published_at"] is None
    assert s["related"] == [{"title": "ارتفاع صادرات التمور إلى أوروبا", "body": [P2_AR]}]
    for line in ("كتب: أحمد علي", "نشر في: 3 مايو 2025", "الوسوم: التمور، أوروبا"):
        assert line in s["boilerplate"]


# --- more places a credit stands --------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "agency"),
    [
        ([TITLE_FR, "ALGER - " + TEXT_FR + " (APS)", P_FR], "APS"),
        ([TITLE_AR, "الجزائر - " + TEXT_AR + " (واج)", P_AR], "APS"),
        ([TITLE_AR, "نواكشوط - " + TEXT_AR + " (الوكالة الموريتانية للأنباء)", P_AR], "AMI"),
        ([TITLE_EN, TEXT_EN, P_EN, "© 2025 AFP"], "AFP"),
        ([TITLE_EN, TEXT_EN, P_EN, "(c) Reuters 2025"], "Reuters"),
        ([TITLE_EN, TEXT_EN, P_EN, "Copyright Xinhua"], "XINHUA"),
        ([TITLE_AR, TEXT_AR, "المصدر: وكالة الأنباء الكويتية (كونا)"], "KUNA"),
        ([TITLE_AR, TEXT_AR, "المصدر: وكالة الأنباء العمانية - العمانية"], "ONA"),
        ([TITLE_EN, "KUWAIT, Jan 5 (KUNA) -- " + TEXT_EN, "gta", "KUNA 051012 GMT Jan 25"],
         "KUNA"),
    ],
)  # fmt: skip
def test_credit_positions(lines: list[str], agency: str) -> None:
    s = parse(*lines)
    assert s["agency"] is not None and s["agency"]["abbreviation"] == agency
    for line in lines[1:]:
        assert line in s["body"] or line in s["boilerplate"] or agency in line or "المصدر" in line


@pytest.mark.parametrize("stamp", ["KUNA 051012 GMT Jan 25", "(end) gta", "(c) 2025 Reuters"])
def test_closing_stamps_leave_the_body(stamp: str) -> None:
    s = parse(TITLE_EN, "KUWAIT, Jan 5 (KUNA) -- " + TEXT_EN, P_EN, stamp)
    assert s["body"] == ["KUWAIT, Jan 5 (KUNA) -- " + TEXT_EN, P_EN]
    assert stamp in s["boilerplate"]


@pytest.mark.parametrize("kicker", ["حصري: خطة الحكومة الجديدة", "فيديو: لحظة افتتاح الميناء"])
def test_kicker_above_the_body_is_not_a_byline(kicker: str) -> None:
    s = parse(TITLE_AR, kicker, TEXT_AR, P_AR)
    assert s["authors"] == []
