"""Structural parsing of a page: unit cases per field, then hostile and mutated input."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.nlp.datelines import match_date_line
from streams.nlp.structure import article_text, is_title_like, page_lines, parse_structure
from streams.records import Structure

SAMPLES = Path(__file__).parents[2] / "samples" / "articles"

TITLE = "وزير الخارجية العماني يبحث مع نظيره الهندي تعزيز التعاون الاقتصادي"
P1 = (
    "بحث وزير الخارجية العماني مع نظيره الهندي في مسقط أمس سبل تعزيز التعاون الاقتصادي "
    "والتجاري بين البلدين، إضافة إلى التطورات الإقليمية."
)
P2 = (
    "وقال الوزير العماني إن حجم التبادل التجاري بين البلدين تجاوز 12 مليار دولار العام "
    "الماضي، مؤكدا أهمية فتح أسواق جديدة."
)
P3 = "وأوضح الوزير الهندي أن بلاده تتطلع إلى توقيع اتفاقية شراكة اقتصادية شاملة قبل نهاية العام."
REL_TITLE = "الهند تطلق ممرا تجاريا جديدا نحو الخليج"
REL_P = "أعلنت الحكومة الهندية إطلاق ممر تجاري بحري جديد يربط موانئها الغربية بموانئ الخليج العربي."


def page(*lines: str) -> str:
    return "\n".join(lines)


def parse(*lines: str, **kwargs: str | None) -> Structure:
    return parse_structure(page(*lines), **kwargs)


# --- title -----------------------------------------------------------------------------------


def test_title_is_first_meaningful_line() -> None:
    s = parse("", "تابع أحدث الأخبار عبر تطبيق", TITLE, "14 مايو 2024", P1, P2)
    assert s["title"] == TITLE
    assert s["body"] == [P1, P2]


def test_page_starting_with_body_paragraph_has_no_title() -> None:
    s = parse(P1, P2, P3)
    assert s["title"] is None
    assert s["body"] == [P1, P2, P3]


def test_page_with_only_a_date_line() -> None:
    s = parse("نشر بتاريخ: 22 يوليو 2024")
    assert s == {
        "title": None,
        "published_at": "2024-07-22",
        "published_at_provenance": {"source": "page", "year": "stated"},
        "hijri": None,
        "source": None,
        "agency": None,
        "authors": [],
        "tags": [],
        "body": [],
        "entries": [],
        "related": [],
        "boilerplate": [],
    }


def test_lone_section_word_above_title_is_boilerplate() -> None:
    s = parse("اقتصاد", TITLE, P1)
    assert s["title"] == TITLE
    assert s["boilerplate"] == ["اقتصاد"]


def test_repeated_title_is_not_body() -> None:
    s = parse(TITLE, TITLE, P1)
    assert s["title"] == TITLE
    assert s["body"] == [P1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (TITLE, True),
        ("هل تنجح مفاوضات الصيد البحري بين المغرب وإسبانيا؟", True),
        ("لبنان: عاصفة ثلجية تضرب المرتفعات", True),
        ("Japan's factory output rebounds as car production recovers", True),
        (P1, False),
        ("جملة قصيرة تنتهي بنقطة.", False),
        ("عاجل", False),
        ("كلمة " * 30, False),
    ],
)
def test_is_title_like(line: str, expected: bool) -> None:
    assert is_title_like(line.strip()) is expected


# --- published_at ----------------------------------------------------------------------------


def test_page_date_beats_message_field() -> None:
    s = parse(TITLE, "الثلاثاء 14 مايو 2024 - 03:15 م", P1, published_at="2020-01-01")
    assert s["published_at"] == "2024-05-14T15:15:00"


@pytest.mark.parametrize(
    "value", ["2024-05-14", "2024-05-14T10:30:00+03:00", "2024-05-14T10:30:00"]
)
def test_message_date_passes_through_when_page_has_none(value: str) -> None:
    assert parse(TITLE, P1, published_at=value)["published_at"] == value


@pytest.mark.parametrize("value", ["yesterday", "", "14/05/2024", "2024-02-30", None])
def test_invalid_message_date_is_dropped(value: str | None) -> None:
    assert parse(TITLE, P1, published_at=value)["published_at"] is None


def test_relative_date_line_is_not_resolved() -> None:
    s = parse(TITLE, "منذ 3 ساعات", P1)
    assert s["published_at"] is None
    assert s["boilerplate"] == ["منذ 3 ساعات"]
    assert s["body"] == [P1]


def test_publication_line_preferred_over_update_line() -> None:
    s = parse(TITLE, "آخر تحديث: 20 مارس 2024", "نشر في: 19 مارس 2024", P1)
    assert s["published_at"] == "2024-03-19"


def test_update_line_used_when_alone() -> None:
    assert parse(TITLE, "آخر تحديث: 20 مارس 2024", P1)["published_at"] == "2024-03-20"


def test_date_in_related_section_is_ignored() -> None:
    s = parse(TITLE, P1, "اقرأ أيضا", REL_TITLE, "20 مارس 2024", REL_P)
    assert s["published_at"] is None
    assert s["related"] == [{"title": REL_TITLE, "body": [REL_P]}]


# --- source ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("المصدر: البوابة نيوز", "البوابة نيوز"),
        ("المصدر : الوكالة الوطنية للإعلام", "الوكالة الوطنية للإعلام"),
        ("مصدر الخبر: الساحل 24", "الساحل 24"),
        ("المصدر - صحيفة الساحل", "صحيفة الساحل"),
        ("Source: Asia Markets Daily", "Asia Markets Daily"),
        ("اَلْمَصْدَرُ: مَجَلَّةُ الضَّادِ", "مَجَلَّةُ الضَّادِ"),
        ("رويترز", "رويترز"),
        ("(أ ف ب)", "أ ف ب"),
        ("وكالات", "وكالات"),
    ],
)
def test_source_lines(line: str, expected: str) -> None:
    s = parse(TITLE, P1, P2, line)
    assert s["source"] == expected
    assert s["body"] == [P1, P2]
    assert line not in s["boilerplate"]


@pytest.mark.parametrize(
    ("opening", "agency"),
    [
        ("القاهرة (رويترز) - ", "رويترز"),
        ("باريس (أ ف ب) - ", "أ ف ب"),
        ("أبوظبي (وام) - ", "وام"),
        ("الرياض (واس) - ", "واس"),
        ("برلين (د ب أ) - ", "د ب أ"),
        ("أنقرة (الأناضول) - ", "الأناضول"),
        ("(رويترز) - ", "رويترز"),
        ("الدار البيضاء (أ.ف.ب) – ", "أ.ف.ب"),
    ],
)
def test_agency_dateline_in_first_paragraph(opening: str, agency: str) -> None:
    first = opening + P1
    s = parse(TITLE, first, P2)
    assert s["source"] == agency
    assert s["body"] == [first, P2]


def test_parenthesis_that_is_not_an_agency_is_not_a_source() -> None:
    s = parse(TITLE, "القاهرة (خاص) - " + P1)
    assert s["source"] is None


def test_source_label_beats_agency_dateline_and_message_field() -> None:
    s = parse(TITLE, "القاهرة (رويترز) - " + P1, "المصدر: البوابة نيوز", source="feed")
    assert s["source"] == "البوابة نيوز"


def test_message_source_used_when_page_names_none() -> None:
    assert parse(TITLE, P1, source=" Feed Name ")["source"] == "Feed Name"
    assert parse(TITLE, P1, source="  ")["source"] is None


def test_label_alone_takes_source_from_next_line() -> None:
    assert parse(TITLE, P1, "المصدر:", "البوابة نيوز")["source"] == "البوابة نيوز"


def test_source_in_related_section_is_ignored() -> None:
    s = parse(TITLE, P1, "اقرأ أيضا", REL_TITLE, REL_P, "المصدر: موقع آخر")
    assert s["source"] is None
    assert s["related"] == [{"title": REL_TITLE, "body": [REL_P]}]


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["كلمات دلالية:", "الكلمات الدلالية:", "الوسوم:", "وسوم:", "Tags:", "كلمات مفتاحية:"]
)
def test_tag_labels(label: str) -> None:
    s = parse(TITLE, P1, f"{label} عمان، الهند، التجارة")
    assert s["tags"] == ["عمان", "الهند", "التجارة"]
    assert s["body"] == [P1]


@pytest.mark.parametrize(
    "value",
    [
        "عمان، الهند، التجارة",
        "عمان, الهند, التجارة",
        "عمان | الهند | التجارة",
        "عمان / الهند / التجارة",
        "عمان; الهند; التجارة",
        "عمان - الهند - التجارة",
        "#عمان #الهند، التجارة، عمان، الهند",
    ],
)
def test_tag_separators_order_and_duplicates(value: str) -> None:
    value = value.replace("#عمان #الهند", "#عمان، #الهند")
    assert parse(TITLE, P1, f"الوسوم: {value}")["tags"] == ["عمان", "الهند", "التجارة"]


def test_hyphenated_tag_is_one_tag() -> None:
    assert parse(TITLE, P1, "الوسوم: التحالف الياباني-الأمريكي")["tags"] == [
        "التحالف الياباني-الأمريكي"
    ]


def test_tags_continue_on_following_short_lines() -> None:
    s = parse(TITLE, P1, "الوسوم:", "المغرب", "", "الفوسفات", "الصادرات", "جميع الحقوق محفوظة")
    assert s["tags"] == ["المغرب", "الفوسفات", "الصادرات"]
    assert s["boilerplate"] == ["جميع الحقوق محفوظة"]


def test_tags_do_not_swallow_a_following_title_when_line_is_complete() -> None:
    s = parse("الوسوم: اقتصاد", TITLE, P1)
    assert s["tags"] == ["اقتصاد"]
    assert s["title"] == TITLE


def test_continuation_stops_at_a_paragraph() -> None:
    s = parse(TITLE, "وسوم:", "عمان", P2)
    assert s["tags"] == ["عمان"]
    assert s["body"] == [P2]


# --- related ---------------------------------------------------------------------------------

MARKERS = [
    "إقرأ أيضاً:",
    "اقرأ أيضا",
    "إقرأ أيضًا",
    "اقرأ ايضا",
    "أقرأ أيضاً",
    "اقرأ ايضاً:",
    "اِقْرَأْ أَيْضًا:",
    "مواضيع ذات صلة",
    "أخبار ذات صلة:",
    "اقرأ المزيد",
    "طالع أيضا",
    "شاهد أيضا:",
    "المزيد من الأخبار",
    "الأكثر قراءة",
    "قد يهمك أيضا",
    "Read also:",
    "Related articles",
]


@pytest.mark.parametrize("marker", MARKERS)
def test_read_also_markers(marker: str) -> None:
    s = parse(TITLE, P1, "المصدر: البوابة نيوز", marker, REL_TITLE, REL_P)
    assert s["body"] == [P1]
    assert s["related"] == [{"title": REL_TITLE, "body": [REL_P]}]
    assert marker not in s["boilerplate"]


def test_nothing_after_marker_goes_to_body() -> None:
    s = parse(TITLE, P1, "اقرأ أيضا", REL_P, P2, P3)
    assert s["body"] == [P1]
    assert s["related"] == [{"title": None, "body": [REL_P, P2, P3]}]


def test_two_glued_articles_are_split_at_titles() -> None:
    s = parse(TITLE, P1, "إقرأ أيضاً:", REL_TITLE, REL_P, "الهند والإمارات توقعان اتفاقا للطاقة", P3)
    assert [r["title"] for r in s["related"]] == [REL_TITLE, "الهند والإمارات توقعان اتفاقا للطاقة"]
    assert [r["body"] for r in s["related"]] == [[REL_P], [P3]]


def test_headline_only_list() -> None:
    heads = ["الليرة التركية تتراجع أمام الدولار", "أنطاليا تستقبل أول رحلة من الرياض"]
    s = parse(TITLE, P1, "الأكثر قراءة", *heads)
    assert s["related"] == [{"title": h, "body": []} for h in heads]


def test_marker_with_inline_title() -> None:
    s = parse(TITLE, P1, f"اقرأ أيضا: {REL_TITLE}", REL_P)
    assert s["related"] == [{"title": REL_TITLE, "body": [REL_P]}]


def test_body_sentence_starting_like_a_marker_is_body() -> None:
    line = (
        "اقرأ أيضا ما كتبه الوزير في مقاله الأخير عن الاقتصاد الوطني "
        "وآفاق النمو في السنوات المقبلة."
    )
    s = parse(TITLE, P1, line)
    assert s["body"] == [P1, line]
    assert s["related"] == []


# --- boilerplate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "تابع أحدث الأخبار عبر تطبيق",
        "تابعونا على فيسبوك",
        "📲 تابعونا على تليجرام",
        "حمّل تطبيق الموقع",
        "شارك",
        "شارك الخبر",
        "شارك على فيسبوك",
        "اشترك في النشرة البريدية",
        "للمزيد من الأخبار تابعوا صفحتنا",
        "Facebook Twitter WhatsApp",
        "واتساب تلغرام فيسبوك",
        "الرئيسية > أخبار > سياسة",
        "الرئيسية » اقتصاد",
        "طباعة",
        "A A",
        "A- A+",
        "إعلان",
        "Advertisement",
        "جميع الحقوق محفوظة © 2025",
        "Copyright 2024 All rights reserved",
        "Follow us on Google News",
        "5 دقائق للقراءة",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    s = parse(TITLE, line, P1, P2)
    assert s["boilerplate"] == [line]
    assert s["body"] == [P1, P2]
    assert s["title"] == TITLE


@pytest.mark.parametrize(
    "line",
    [
        "تابع الوزير جولته في المحافظات الجنوبية عبر زيارات ميدانية.",
        "وتابع الرئيس أحدث التطورات في الملف مع فريقه الاقتصادي.",
        "شارك آلاف العدائين في السباق الذي أقيم في العاصمة.",
        "تابع أحدث الأخبار عبر تطبيق" + " الموقع الإخباري الذي يقدم تغطية شاملة" * 3,
        "قال المتحدث إن الحكومة «تتابع» الملف و«تدرس» كل الخيارات المتاحة.",
    ],
)
def test_body_sentences_are_not_boilerplate(line: str) -> None:
    s = parse(TITLE, P1, line)
    assert s["boilerplate"] == []
    assert s["body"] == [P1, line]


# --- the seed shape and raw input ------------------------------------------------------------


def test_full_page_fields() -> None:
    s = parse(
        "الرئيسية > أخبار > عربي",
        TITLE,
        "تاريخ النشر: 7th, January 2025 GMT",
        "تابع أحدث الأخبار عبر تطبيق",
        "مسقط (العمانية) - " + P1,
        P2,
        P3,
        "المصدر: البوابة نيوز",
        "كلمات دلالية: عمان، الهند",
        "إقرأ أيضاً:",
        REL_TITLE,
        REL_P,
    )
    offset = len(TITLE) + 1 + len("مسقط (")
    assert s == {
        "title": TITLE,
        "published_at": "2025-01-07",
        "published_at_provenance": {"source": "page", "year": "stated"},
        "hijri": None,
        "source": "البوابة نيوز",
        "agency": {
            "name": "وكالة الأنباء العمانية",
            "abbreviation": "ONA",
            "country": "OM",
            "matched": "العمانية",
            "start": offset,
            "end": offset + len("العمانية"),
        },
        "authors": [],
        "tags": ["عمان", "الهند"],
        "body": ["مسقط (العمانية) - " + P1, P2, P3],
        "entries": [],
        "related": [{"title": REL_TITLE, "body": [REL_P]}],
        "boilerplate": ["الرئيسية > أخبار > عربي", "تابع أحدث الأخبار عبر تطبيق"],
    }
    assert article_text(s)[offset : offset + len("العمانية")] == "العمانية"


def test_crlf_blank_lines_and_invisible_characters() -> None:
    text = "\r\n\r\n\u200f" + TITLE + "\u200e \r\n\r\n\r\n\xa0" + P1 + "\r\n\r\n" + P2 + "\r\n"
    s = parse_structure(text)
    assert s["title"] == TITLE
    assert s["body"] == [P1, P2]


def test_raw_html_does_not_break_parsing() -> None:
    text = page("<br/>", "&nbsp;", TITLE, "<p>" + P1 + "</p>", "<div></div>", P2)
    s = parse_structure(text)
    assert s["title"] == TITLE
    assert s["body"] == ["<p>" + P1 + "</p>", P2]


# --- properties ------------------------------------------------------------------------------


def _is_iso(value: str) -> bool:
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        return False
    return True


def check_invariants(text: str, s: Structure) -> None:
    lines = page_lines(text)
    line_set = set(lines)
    assert set(s) == set(Structure.__annotations__)
    # Body lines are input lines, in input order, and never chrome or the title.
    it = iter(lines)
    for b in s["body"]:
        assert b and b in line_set
        assert any(b == x for x in it), "body out of input order"
        assert match_date_line(b) is None
    assert s["title"] is None or (s["title"] in line_set and s["title"] not in s["body"])
    # Every input line ends up in at most one place (a duplicated line may go to two).
    used = Counter(s["body"] + s["boilerplate"] + [p for r in s["related"] for p in r["body"]])
    if s["title"] is not None:
        used[s["title"]] += 1
    assert not used - Counter(lines)
    for rel in s["related"]:
        assert rel["title"] is None or rel["title"] in text
    assert s["published_at"] is None or _is_iso(s["published_at"])
    folded = [t.casefold() for t in s["tags"]]
    assert len(folded) == len(set(folded)) and all(t.strip() for t in s["tags"])


@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    check_invariants(text, parse_structure(text))


@given(st.lists(st.text(max_size=80), max_size=30))
def test_never_raises_on_arbitrary_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    check_invariants(text, parse_structure(text))


SAMPLE_TEXTS = sorted(p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.txt"))

JUNK = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "", "<p>", "</p>", "&nbsp;", "<br/>", "<a href='x'>رابط</a>", "اقرأ أيضا", "إقرأ أيضاً:",
            "المصدر:", "المصدر: رويترز", "الوسوم:", "كلمات دلالية: أ، ب، أ", "منذ 3 ساعات",
            "تابع أحدث الأخبار عبر تطبيق", "شارك", "🔥🔥", "14 مايو 2024", "2+2", "(رويترز) -",
            "\u200f\u200e", "\ufeff", "ـــ", "A A", "الرئيسية > > >", "؟؟", ":", "-", "|",
        ]
    ),
)  # fmt: skip


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150)
@given(st.data())
def test_mutated_samples(data: st.DataObject) -> None:
    assert SAMPLE_TEXTS, "no samples found"
    lines = data.draw(st.sampled_from(SAMPLE_TEXTS)).splitlines()
    for _ in range(data.draw(st.integers(0, 8))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "shuffle"]))
        if op == "insert" or not lines:
            lines.insert(data.draw(st.integers(0, len(lines))), data.draw(JUNK))
            continue
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines = data.draw(st.permutations(lines))
    text = data.draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(lines)
    first = parse_structure(text)
    check_invariants(text, first)
    assert parse_structure(text) == first
