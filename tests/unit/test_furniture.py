"""Page furniture: bylines, section labels, read-also links, live entries, and the property
that every input paragraph lands in exactly one place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.arabic import normalize_for_match
from streams.nlp.credits import place_date_line
from streams.nlp.datelines import match_date_line
from streams.nlp.furniture import MARKER
from streams.nlp.structure import page_lines, parse_structure

TITLE = "الحكومة تطلق برنامجا وطنيا لدعم المشاريع الصغيرة والمتوسطة"
P1 = "أعلنت الحكومة اليوم إطلاق برنامج جديد لدعم المشاريع الصغيرة في عدد من المحافظات."
P2 = "وأضاف الوزير أن البرنامج سيوفر تمويلا ميسرا لأكثر من عشرة آلاف مشروع خلال عامين."
P3 = "ويأتي البرنامج ضمن خطة أوسع لتنويع مصادر الدخل وخلق فرص العمل للشباب."
REL_TITLE = "البنك المركزي يبقي أسعار الفائدة دون تغيير"
REL_P = "قرر البنك المركزي الإبقاء على أسعار الفائدة الرئيسية دون تغيير للمرة الثالثة."


def parse(*lines: str) -> dict:  # type: ignore[type-arg]
    return dict(parse_structure("\n".join(lines)))


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("كتب: أحمد علي", ["أحمد علي"]),
        ("كتب أحمد عبد الحليم", ["أحمد عبد الحليم"]),
        ("بقلم: سارة محمود", ["سارة محمود"]),
        ("كتبت - منى السيد", ["منى السيد"]),
        ("إعداد: رانيا الحوسني", ["رانيا الحوسني"]),
        ("كتب: أحمد علي ومحمد حسن", ["أحمد علي", "محمد حسن"]),
        ("Reporting by Ahmed Tolba; Editing by Alex Richardson",
         ["Ahmed Tolba", "Alex Richardson"]),
        ("By Sarah Dadouch", ["Sarah Dadouch"]),
        ("Par Aminata Diallo", ["Aminata Diallo"]),
        ("(تغطية صحفية كريم سالم - إعداد منى عبد الله للنشرة العربية - تحرير ياسر حسن)",
         ["كريم سالم", "منى عبد الله", "ياسر حسن"]),
    ],
)  # fmt: skip
def test_bylines_become_authors(line: str, authors: list[str]) -> None:
    s = parse(TITLE, line, P1, P2)
    assert s["authors"] == authors
    assert s["body"] == [P1, P2]
    assert s["title"] == TITLE


@pytest.mark.parametrize("label", ["أخبار مصر", "اقتصاد | أسواق", "الرئيسية > أخبار > محليات"])
def test_section_labels_are_never_the_title(label: str) -> None:
    s = parse(label, TITLE, P1)
    assert s["title"] == TITLE
    assert label in s["boilerplate"]


@pytest.mark.parametrize(
    "line",
    [
        "اضغط هنا لمتابعة آخر الأخبار",
        "تابعونا على فيسبوك",
        "حمل تطبيق الخبر الآن",
        "الصورة: رويترز",
        "(صورة أرشيفية)",
        "مشاركة الخبر",
        "ع.م",
        "(النهاية) م ع ن / ع ب",
    ],
)
def test_prompts_and_credits_are_boilerplate(line: str) -> None:
    s = parse(TITLE, P1, line, P2)
    assert s["body"] == [P1, P2]
    assert line in s["boilerplate"]


def test_inline_read_also_link_keeps_the_article_going() -> None:
    s = parse(TITLE, P1, "اقرأ أيضا: " + REL_TITLE, P2, P3)
    assert s["body"] == [P1, P2, P3]
    assert s["related"] == []
    assert "اقرأ أيضا: " + REL_TITLE in s["boilerplate"]


def test_read_also_marker_and_headline_then_continuation() -> None:
    s = parse(TITLE, P1, "اقرأ أيضا", REL_TITLE, P2, P3)
    assert s["body"] == [P1, P2, P3]
    assert s["related"] == []


def test_glued_article_after_read_also_is_related() -> None:
    s = parse(TITLE, P1, P2, "اقرأ أيضا", REL_TITLE, REL_P)
    assert s["body"] == [P1, P2]
    assert s["related"] == [{"title": REL_TITLE, "body": [REL_P]}]


def test_live_blog_entries_keep_their_time() -> None:
    s = parse(TITLE, "تاريخ النشر: 12 مارس 2025", P1, "10:45 - " + P2, "11:30", P3)
    assert s["entries"] == [
        {"time": "2025-03-12T10:45:00", "text": P2},
        {"time": "2025-03-12T11:30:00", "text": P3},
    ]
    assert s["body"] == [P1, "10:45 - " + P2, P3]


def test_tags_line() -> None:
    s = parse(TITLE, P1, "الكلمات المفتاحية: الاقتصاد، المشاريع الصغيرة، التمويل")
    assert s["tags"] == ["الاقتصاد", "المشاريع الصغيرة", "التمويل"]


# --- property: nothing silently dropped ------------------------------------------------------

SHAPES = [
    TITLE, P1, P2, P3, REL_TITLE, REL_P, "اقرأ أيضا", "اقرأ أيضا: " + REL_TITLE,
    "كتب: أحمد علي", "الوسوم: الاقتصاد، التمويل", "المصدر: واس", "تاريخ النشر: 12 مارس 2025",
    "الرياض 14 مارس 2025 (واس) - " + P1, "شارك", "طباعة", "أخبار مصر", "(رويترز)", "10:45",
    "10:45 - " + P2, "الصورة: رويترز", "ع.م", "", "اقتصاد", "Lire aussi : " + REL_TITLE,
    "أنقرة/ الأناضول", "سارة علي/ الأناضول", "04 فيفري 2025 - وهران", "--(بترا) ع ا/ف ق",
    "© AFP", "(النهاية)", "(تصوير: كريم جمال) جانب من الزحام", "عمّان: سليم الخطيب",
    "دمشق-سانا " + P2, "شارك الخبر: فيسبوك - تويتر", "طباعة | A+ | A-", "APS",
]  # fmt: skip


def _placed(line: str, s: dict) -> bool:  # type: ignore[type-arg]
    if line in (s["title"], *s["body"], *s["boilerplate"]):
        return True
    if any(line == r["title"] or line in r["body"] for r in s["related"]):
        return True
    if MARKER.match(normalize_for_match(line)) and s["related"]:
        return True  # the marker heads the related section
    # metadata: the line must carry what the field holds
    agency = s["agency"]
    return bool(
        any(name in line for name in s["authors"])
        or any(tag in line for tag in s["tags"])
        or (s["source"] and s["source"] in line)
        or (agency and agency["matched"] in line)
        or match_date_line(line) is not None
        or (s["published_at"] and place_date_line(line) is not None)
        or any(e["time"][-8:-3] in line for e in s["entries"])
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=14))
def test_every_paragraph_lands_somewhere(lines: list[str]) -> None:
    """Every paragraph, before and after a "read also" marker, lands in one place: title,
    body, related, boilerplate, or the metadata field it fills."""
    s = parse(*lines)
    kept = [x for x in page_lines("\n".join(lines)) if x]
    for line in kept:
        assert _placed(line, s), line
    # exactly one place: no paragraph is both body and related or boilerplate
    related = [p for r in s["related"] for p in ([r["title"]] if r["title"] else []) + r["body"]]
    assert len(s["body"]) + len(related) + len(s["boilerplate"]) + (1 if s["title"] else 0) <= len(
        kept
    )
