"""split_sentences: one parametrized case per rule, offsets and coverage as properties."""

from __future__ import annotations

import pytest
from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.sentences import sentence_spans, split_sentences, tokenize
from streams.nlp.text import clean_text


def texts(text: str) -> list[str]:
    return [sentence["text"] for sentence in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # terminators
        ("انتهى الاجتماع. وغادر الوفد.", ["انتهى الاجتماع.", "وغادر الوفد."]),
        ("هل انتهى؟ نعم!", ["هل انتهى؟", "نعم!"]),
        ("Is it over? Yes! Good.", ["Is it over?", "Yes!", "Good."]),
        ("هل هذا معقول؟! نعم.", ["هل هذا معقول؟!", "نعم."]),
        ("لا أعرف... ربما غدا.", ["لا أعرف...", "ربما غدا."]),
        ("جملة أولى۔ جملة ثانية", ["جملة أولى۔", "جملة ثانية"]),
        # a line is a hard boundary; the last piece needs no terminator
        ("عنوان الخبر\nنص الخبر بلا نقطة", ["عنوان الخبر", "نص الخبر بلا نقطة"]),
        # the Arabic semicolon and comma do not end a sentence
        ("قال إن الوضع صعب؛ مشيرا إلى أن الحل قريب", ["قال إن الوضع صعب؛ مشيرا إلى أن الحل قريب"]),
        ("أولا، ثانيا، ثالثا.", ["أولا، ثانيا، ثالثا."]),
        # numbers
        ("بلغ النمو 3.5 في المئة. وارتفع", ["بلغ النمو 3.5 في المئة.", "وارتفع"]),
        ("بلغ الدين 1.000.000 دولار. ثم", ["بلغ الدين 1.000.000 دولار.", "ثم"]),
        ('اجتماع "2+2" الذي عقد. نعم', ['اجتماع "2+2" الذي عقد.', "نعم"]),
        ("في عام 2025. وقال", ["في عام 2025.", "وقال"]),
        ("1. البند الأول", ["1. البند الأول"]),
        # Latin abbreviations and initials
        ("The U.S. Army left. Then", ["The U.S. Army left.", "Then"]),
        ("Dr. Smith met Mr. Jones. Then", ["Dr. Smith met Mr. Jones.", "Then"]),
        ("See e.g. the report. Then", ["See e.g. the report.", "Then"]),
        ("J. Smith came. Then", ["J. Smith came.", "Then"]),
        ("It costs approx. ten dollars. Then", ["It costs approx. ten dollars.", "Then"]),
        # Arabic abbreviations
        ("التقى د. محمد علي بالوزير. ثم غادر.", ["التقى د. محمد علي بالوزير.", "ثم غادر."]),
        ("قال م. أحمد إن العمل بدأ. ثم", ["قال م. أحمد إن العمل بدأ.", "ثم"]),
        ("حاضر أ. خالد أمس. ثم", ["حاضر أ. خالد أمس.", "ثم"]),
        ("انظر ص. 45 من التقرير. ثم", ["انظر ص. 45 من التقرير.", "ثم"]),
        ("في 5 رجب 1446 هـ. وفي اليوم التالي", ["في 5 رجب 1446 ه. وفي اليوم التالي"]),
        ("التقى د.محمد بالوزير.", ["التقى د.محمد بالوزير."]),
        # quotes and brackets: the closing mark stays with its sentence
        ("قال: «لن نتراجع.» ثم غادر.", ["قال: «لن نتراجع.»", "ثم غادر."]),
        ("قال: «هل سنتراجع؟». ثم غادر.", ["قال: «هل سنتراجع؟».", "ثم غادر."]),
        ("وقال “انتهى الأمر.” ثم غادر.", ["وقال “انتهى الأمر.”", "ثم غادر."]),
        ('He said "we won." Then left.', ['He said "we won."', "Then left."]),
        ("(انتهى الاجتماع.) ثم غادروا.", ["(انتهى الاجتماع.)", "ثم غادروا."]),
        ("قال: «لن نتراجع. أبدا» ثم غادر.", ["قال: «لن نتراجع. أبدا» ثم غادر."]),
        ("(راجع ص. 5 أو الملحق. ب) ثم", ["(راجع ص. 5 أو الملحق. ب) ثم"]),
        ("قال (...) إنه سيعود. وغادر.", ["قال (...) إنه سيعود.", "وغادر."]),
        # URLs and e-mail addresses
        ("زوروا www.aljazeera.net/news. ثم", ["زوروا www.aljazeera.net/news.", "ثم"]),
        ("الرابط https://x.com/a.b?c=d.e هنا. ثم", ["الرابط https://x.com/a.b?c=d.e هنا.", "ثم"]),
        ("راسلونا info.desk@example.co.uk. شكرا.", ["راسلونا info.desk@example.co.uk.", "شكرا."]),
        ("الموقع aljazeera.net يقول. ثم", ["الموقع aljazeera.net يقول.", "ثم"]),
        # Arabic typed without the space after the period
        ("انتهى الاجتماع.وقال الوزير كلاما.", ["انتهى الاجتماع.", "وقال الوزير كلاما."]),
        ("هل انتهى؟قال نعم", ["هل انتهى؟", "قال نعم"]),
        # Latin lower case continues the sentence
        ("Yes... no. What... Then it ended.", ["Yes... no.", "What...", "Then it ended."]),
        ("See No. 5 and pp. 12. Then", ["See No. 5 and pp. 12.", "Then"]),
        # whitespace and empty input
        ("", []),
        ("   \n\n  ", []),
        ("  جملة.  \n  أخرى  ", ["جملة.", "أخرى"]),
        ("...", ["..."]),
    ],
)  # fmt: skip
def test_split_rules(text: str, expected: list[str]) -> None:
    assert texts(clean_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # clean_text turns "…" into "..." (NFKC); uncleaned input still splits on it
        ("لا أعرف… ربما غدا.", ["لا أعرف…", "ربما غدا."]),
        ("كلام (…) وكلام.", ["كلام (…) وكلام."]),
        ("سؤال？ جواب。 نهاية", ["سؤال？ جواب。", "نهاية"]),
    ],
)
def test_split_uncleaned_terminators(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_seed_article(seed_text: str) -> None:
    clean = clean_text(seed_text)
    sentences = split_sentences(clean)
    assert sentences[0]["text"] == clean.split("\n")[0]
    quoted = next(s for s in sentences if s["text"].startswith("وأكد الباعور"))
    assert quoted["text"].endswith("(UNSMIL)”.")
    assert any(s["text"].startswith("واتفق الوزيران") and '"2+2"' in s["text"] for s in sentences)
    for sentence in sentences:
        assert clean[sentence["start"] : sentence["end"]] == sentence["text"]
        assert sentence["tokens"] == simple_word_tokenize(sentence["text"])


def test_tokens_come_from_camel_tools() -> None:
    (sentence,) = split_sentences("قال: «النمو 3.5% في G20» 😀")
    assert sentence["tokens"] == [
        "قال",
        ":",
        "«",
        "النمو",
        "3",
        ".",
        "5",
        "%",
        "في",
        "G20",
        "»",
        "😀",
    ]


def _check_partition(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    covered = [False] * len(text)
    for sentence in sentences:
        start, end = sentence["start"], sentence["end"]
        assert 0 <= start < end <= len(text)
        assert start >= previous_end
        assert text[start:end] == sentence["text"]
        assert sentence["text"] == sentence["text"].strip()
        assert "\n" not in sentence["text"]
        for index in range(start, end):
            covered[index] = True
        previous_end = end
    lost = [ch for ch, seen in zip(text, covered, strict=True) if not seen and not ch.isspace()]
    assert lost == []
    assert [(s["start"], s["end"]) for s in sentences] == sentence_spans(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_offsets_and_coverage_on_any_text(text: str) -> None:
    _check_partition(text)


_ARABIC_PIECES = st.sampled_from(
    [
        "قال", "الوزير", "د", "م", "هـ", "ص", "أ", "U", "S", "Dr", "e", "g", "www", "com", "x",
        "2025", "3", "٢٠", "1.000", "@", "://", "http", ".", "..", "...", "…", "?", "!", "؟",
        "?!", "؛", "،", ",", ":", "«", "»", "“", "”", '"', "(", ")", "[", "]", "-", "+", " ",
        "  ", "\n", "\t", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_ARABIC_PIECES, max_size=60).map("".join))
def test_offsets_and_coverage_on_news_like_text(text: str) -> None:
    _check_partition(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_tokenize_matches_a_single_camel_call(text: str) -> None:
    assert tokenize(text) == simple_word_tokenize(text)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "line",
    [
        "." * 1_000_000,
        "a." * 500_000,
        "1." * 500_000,
        "1. " * 333_333,
        "د. " * 333_333,
        ("a." * 1000 + "@") * 500,
        "http://" + "a." * 500_000,
        "«" * 500_000 + "." * 500_000,
        "(" * 500_000 + "]" * 500_000,
        ("كلمة 3.5 «قال.» U.S. ؟! " * 50_000)[:1_000_000],
    ],
    ids=["dots", "letter-dot", "digit-dot", "enumerators", "arabic-abbr", "email", "url",
         "quotes", "brackets", "mixed"],
)  # fmt: skip
def test_megabyte_line_is_linear(line: str) -> None:
    spans = sentence_spans(line)
    assert spans
    assert all(line[start:end].strip() for start, end in spans)


@pytest.mark.timeout(60)
def test_megabyte_line_with_tokens() -> None:
    line = ("3.5 كلمة U.S. " * 80_000)[:1_000_000]
    sentences = split_sentences(line)
    assert sum(len(s["tokens"]) for s in sentences) > 300_000
