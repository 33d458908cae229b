"""find_quotes: named speakers only, offsets into the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.quotes import find_quotes
from streams.nlp.text import clean_text


def pairs(text: str) -> list[tuple[str, str]]:
    return [(q["speaker"], q["text"]) for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأوضح إيوايا أن اليابان والولايات المتحدة تعملان كشريكين عالميين لدعم النظام الدولي.",
         [("إيوايا", "اليابان والولايات المتحدة تعملان كشريكين عالميين لدعم النظام الدولي")]),
        ("وقال وزير الخارجية الأمريكي أنتوني بلينكن إن الوضع في المنطقة خطير.",
         [("وزير الخارجية الأمريكي أنتوني بلينكن", "الوضع في المنطقة خطير")]),
        ("وقال المتحدث باسم الحكومة: «لن نتراجع عن قرارنا.» ثم غادر.",
         [("المتحدث باسم الحكومة", "لن نتراجع عن قرارنا")]),
        ("وأكدت الوزيرة: الاتفاق سيوقع قريبا. وغادرت.", [("الوزيرة", "الاتفاق سيوقع قريبا")]),
        # the reversed form
        ("«لن نتراجع عن قرارنا»، قال المتحدث باسم الحكومة.",
         [("المتحدث باسم الحكومة", "لن نتراجع عن قرارنا")]),
        ("“الوضع مستقر” قالت الوزيرة في مؤتمر صحفي.", [("الوزيرة", "الوضع مستقر")]),
        # asides between the speaker and what was said
        ("وذكرت وزارة الخارجية اليابانية - في بيان نشرته اليوم الثلاثاء - أن ذلك جاء خلال زيارة.",
         [("وزارة الخارجية اليابانية", "ذلك جاء خلال زيارة")]),
        ("وقال الرئيس، في كلمة متلفزة، إن الحكومة ستستقيل.", [("الرئيس", "الحكومة ستستقيل")]),
        ("وقال الرئيس في تصريح صحفي اليوم إنه سيزور البلاد.", [("الرئيس", "سيزور البلاد")]),
        ("وأشار الوزير إلى أن المحادثات مستمرة.", [("الوزير", "المحادثات مستمرة")]),
        ("وشدد رئيس الوزراء على أن الأمن أولوية.", [("رئيس الوزراء", "الأمن أولوية")]),
        ("وأكد الباعور، خلال اللقاء “على التزام ليبيا بالانفتاح”.",
         [("الباعور", "على التزام ليبيا بالانفتاح")]),
        # spelling variants
        ("وأكّد الوزير أنّ الوضع مستقر.", [("الوزير", "الوضع مستقر")]),
        ("واكد الوزير بأن الوضع مستقر.", [("الوزير", "الوضع مستقر")]),
        ("وقال د. محمد علي إن الأمر انتهى.", [("د. محمد علي", "الأمر انتهى")]),
        # content runs to the sentence end, not past it
        ("وقال الوزير إن النمو بلغ 3.5 في المئة. وأضاف أن التضخم تراجع.",
         [("الوزير", "النمو بلغ 3.5 في المئة")]),
    ],
)  # fmt: skip
def test_quotes(text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "وقال إن الوضع خطير.",  # pronoun-only speaker
        "وأضاف أن المحادثات مستمرة.",
        "وقالت إنها سعيدة بالنتائج.",
        "وقال بدوره إن الأمر صعب.",
        "وأضاف في بيان أن الاجتماع انتهى.",
        "وأضاف: «لن نتراجع».",
        "شدد الجانبان على أهمية مواصلة العمل المشترك.",  # no complementiser, no quotation
        "وقال الوزير.",
        "وقال الوزير إن",  # nothing said
        "استقال الوزير أن",  # not a reporting verb, only ends like one
        "قال\nالوزير إن الوضع خطير.",  # a line break ends the report
        "«كلام»، وقال إن الوضع خطير.",
    ],
)
def test_no_quote(text: str) -> None:
    assert find_quotes(text) == []


def test_seed_article(seed_text: str) -> None:
    clean = clean_text(seed_text)
    quotes = find_quotes(clean)
    speakers = [q["speaker"] for q in quotes]
    assert "إيوايا" in speakers
    assert "وزارة الخارجية اليابانية" in speakers
    iwaya = next(q for q in quotes if q["speaker"] == "إيوايا")
    assert iwaya["text"].startswith("اليابان والولايات المتحدة تعملان كشريكين عالميين")
    assert iwaya["text"].endswith("سيادة القانون")
    for quote in quotes:
        assert clean[quote["start"] : quote["end"]] == quote["text"]


_PIECES = st.sampled_from(
    ["وقال", "قالت", "وأوضح", "أكد", "الوزير", "د", "إن", "أن", "إنه", ":", "«", "»", "“", "”",
     '"', "،", "-", ".", "؟", " ", "  ", "\n", "في", "بيان", "علي", "2025", "(", ")"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join) | st.text())
def test_never_raises_and_offsets_hold(text: str) -> None:
    quotes = find_quotes(text)
    starts = [q["start"] for q in quotes]
    assert starts == sorted(starts)
    for quote in quotes:
        assert 0 <= quote["start"] < quote["end"] <= len(text)
        assert text[quote["start"] : quote["end"]] == quote["text"]
        assert quote["speaker"] and quote["speaker"] == quote["speaker"].strip()
        assert quote["text"] == quote["text"].strip()


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "text",
    [
        "قال الوزير إن " * 70_000,
        "» قال الوزير " * 70_000,
        "قال الوزير «" * 80_000,
        "قال الوزير إن كذا\n" * 50_000,
    ],
    ids=["reports", "reversed", "unclosed", "lines"],
)
def test_megabyte_input_is_linear(text: str) -> None:
    for quote in find_quotes(text):
        assert text[quote["start"] : quote["end"]] == quote["text"]


# --- "NAME: «…»" and Arabic quoted in French or English copy ---------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "said"),
    [
        ("الصفدي: «لا استقرار في المنطقة من دون إنهاء الحرب».", "الصفدي",
         "لا استقرار في المنطقة من دون إنهاء الحرب"),
        ('وزير الخارجية أيمن الصفدي: "الأردن لن يقبل بالتهجير أبدا"',
         "وزير الخارجية أيمن الصفدي", "الأردن لن يقبل بالتهجير أبدا"),
        ("10:45 - عبد الفتاح: «القاهرة لن تقبل بأي حلول منقوصة»", "عبد الفتاح",
         "القاهرة لن تقبل بأي حلول منقوصة"),
        ("التقى الوزيران في الرباط. رئيس الحكومة: «الإصلاح ماض وفق الجدول المعلن».",
         "رئيس الحكومة", "الإصلاح ماض وفق الجدول المعلن"),
        ("المتحدث باسم الجيش: “العملية ستستمر حتى تحقيق أهدافها”", "المتحدث باسم الجيش",
         "العملية ستستمر حتى تحقيق أهدافها"),
        ("S'exprimant en arabe, le ministre a affirmé : « هذا المشروع سيجعل من ميناء وهران "
         "قطبا لوجستيا ».", "le ministre", "هذا المشروع سيجعل من ميناء وهران قطبا لوجستيا"),
        ("Devant la presse, le wali d'Oran a déclaré : « المشروع سيكتمل قبل الصيف ».",
         "le wali d'Oran", "المشروع سيكتمل قبل الصيف"),
        ("The minister said: “هذا الاتفاق يفتح صفحة جديدة بين البلدين”", "The minister",
         "هذا الاتفاق يفتح صفحة جديدة بين البلدين"),
        ("After the talks, Ayman Safadi told reporters: \"We will not accept displacement.\"",
         "Ayman Safadi", "We will not accept displacement"),
    ],
)  # fmt: skip
def test_colon_quotations(text: str, speaker: str, said: str) -> None:
    quotes = find_quotes(text)
    assert [(q["speaker"], q["text"]) for q in quotes] == [(speaker, said)]
    q = quotes[0]
    assert text[q["start"] : q["end"]] == q["text"]


@pytest.mark.parametrize(
    "text",
    [
        "الشارقة: «الخليج» اعتمدت هيئة الشارقة للتعليم الخاص إطارا جديدا لرسوم المدارس.",
        "المصدر: «وكالة الأنباء الرسمية للدولة»",
        "عاجل: «انفجار قرب مبنى البرلمان في العاصمة»",
        "Il a affirmé : « هذا المشروع سيجعل من ميناء وهران قطبا لوجستيا ».",
        "He said: “We will not accept any delay in the project.”",
        "المعرض: «كتاب» و«قلم»",
    ],
)
def test_not_colon_quotations(text: str) -> None:
    assert find_quotes(text) == []
