"""clean_text and normalize_text: what is removed, what must survive, idempotence."""

from __future__ import annotations

import re
import unicodedata

import pytest
from camel_tools.utils.charmap import CharMapper
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.text import clean_text, normalize_text, normalize_token


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # markup left over from scraping
        ("<p>مرحبا</p><p>بكم</p>", "مرحبا\n\nبكم"),
        ("سطر<br/>سطر", "سطر\nسطر"),
        ('اقرأ <a href="https://x.com/a?b=1">الخبر</a> كاملا', "اقرأ الخبر كاملا"),
        ("قبل<script>var x = '<p>';</script>بعد", "قبل\nبعد"),
        ("قبل<STYLE type='text/css'>p {}</STYLE>بعد", "قبل\nبعد"),
        ("قبل<!-- تعليق <b> -->بعد", "قبلبعد"),
        ("قبل<script>لم يغلق", "قبللم يغلق"),
        ("مرحبا&nbsp;بكم", "مرحبا بكم"),
        ("AT&amp;T و&#1575;&#x644;", "AT&T وال"),
        ("&amp;lt;p&amp;gt;نص", "نص"),
        ("&lt;b&gt;عاجل&lt;/b&gt;", "عاجل"),
        # not markup: kept as typed
        ("a < b > c و AT&T و https://x.com/?a=1&copy=2 <3", None),
        ("&unknown; و &amp", "&unknown; و &amp"),
        # line endings and whitespace
        ("أ\r\nب\rج\u2028د", "أ\nب\nج\nد"),
        ("  كلمة   كلمة\t\tكلمة  \n  سطر  ", "كلمة كلمة كلمة\nسطر"),
        ("فقرة\n\n\n\n\nفقرة", "فقرة\n\nفقرة"),
        ("فقرة\n\nفقرة", "فقرة\n\nفقرة"),
        ("\n\n  \nفقرة\n \n", "فقرة"),
        # invisible characters, tatweel, controls
        ("\u200fمرحبا\u200e \u202bبكم\u202c\u2067\u2069\u061c", "مرحبا بكم"),
        ("كل\u200bمة\ufeff\u2060\u200c", "كلمة"),
        ("كلمـــــة الســـلام", "كلمة السلام"),
        ("a\x00b\x07c\x1bd\x7fe\x85f\x9fg\u00adh", "abcde\nfgh"),
        # presentation forms and ligatures become letters
        ("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ", "السلام عليكم"),
        ("ﻻ ﷲ ﷼", "لا الله ريال"),
        # combining hamza and madda compose onto their letter
        ("ا\u0653 ا\u0654 و\u0654", "آ أ ؤ"),
        # Quranic annotation signs go, diacritics stay (the search form drops them)
        ("مُحَمَّدٌ رَسُولُ\u06d6 اللَّهِ\u0617", "مُحَمَّدٌ رَسُولُ اللَّهِ"),
        # variant letters of Arabic typed on a Persian keyboard are folded
        ("فی ایران کتاب", "فى ايران كتاب"),
    ],
)
def test_clean_text_cases(raw: str, expected: str | None) -> None:
    assert clean_text(raw) == (raw if expected is None else expected)


@pytest.mark.parametrize(
    "kept",
    [
        "٢٠٢٥ ١٫٥ ٪٣٠ ۱۴۰۳",  # Arabic-Indic digits and separators: later stages parse them
        "قال: «لن نتراجع» و“نعم”، لماذا؟ نعم؛ لا!",  # Arabic punctuation and quotation marks
        "Erdoğan، Zelenskyy، Łódź، Москва، 東京، €5، 30°، ©",  # beyond Latin-1 and ASCII
        "😀 👍🏽 👨\u200d👩\u200d👧 🇯🇵",  # emoji, skin tones, ZWJ sequences, flags
        "این پژوهش گفت که چه می‌شود".replace("\u200c", ""),  # Persian letters stay Persian
        "یہ پاکستان کی بڑی خبر ہے",  # Urdu too
        "G20 F-16 COVID-19 3.5% 1,000,000 user@example.com",
    ],
)
def test_clean_text_keeps(kept: str) -> None:
    assert clean_text(kept) == kept


def test_arclean_alone_would_destroy_what_we_keep() -> None:
    """Why arclean is applied selectively: its default deletes unlisted characters."""
    arclean = CharMapper.builtin_mapper("arclean")
    for sample in ("Erdoğan", "😀", "€", "٢٠٢٥", "«قال»", "مُحَمَّد", "پژوهش"):
        assert arclean(sample) != sample
        assert clean_text(sample) == sample


def test_zero_width_joiner_only_inside_emoji() -> None:
    assert clean_text("كل\u200dمة 👩\u200d💻") == "كلمة 👩\u200d💻"


@pytest.mark.parametrize("raw", ["a\ud800b", "\udfff", "x\ud83d\ude00y"])
def test_lone_surrogates_are_replaced(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not re.search("[\ud800-\udfff]", cleaned)
    cleaned.encode("utf-8")  # valid text now


def test_seed_article_is_stable(seed_text: str) -> None:
    cleaned = clean_text(seed_text)
    assert cleaned.splitlines()[0] == seed_text.splitlines()[0]
    assert "ليبيا (UNSMIL)" in cleaned
    assert clean_text(cleaned) == cleaned


_INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u0640\u061c\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029\r\t]"
)

_FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<br/>", "<script>", "</script>", "<!--", "-->", "<", ">", "b>", "p",
        "&", "amp;", "lt;", "gt;", "&amp;", "&lt;", "&#1575;", "&#x200f;", "&nbsp;", "&#13;",
        "\r\n", "\r", "\n", "\n\n\n", " ", "  ", "\t", "\u00a0", "\u200f", "\u200d", "\ufeff",
        "ـ", "ﻻ", "ﺍ", "ی", "ک", "پ", "ا", "\u0653", "\u0654", "\u064e", "\u0651", "كلمة",
        "Erdoğan", "😀", "👩", "\ufdfc", "\x00", "\x85", "e", "\u0301", "٢", "«", "»",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_clean_text_is_idempotent_on_any_text(raw: str) -> None:
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_clean_text_is_idempotent_on_tricky_fragments(raw: str) -> None:
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert not _INVISIBLE.search(cleaned)
    assert "  " not in cleaned and "\n\n\n" not in cleaned
    assert all(line == line.strip(" ") for line in cleaned.split("\n"))
    assert unicodedata.is_normalized("NFKC", cleaned)


@pytest.mark.parametrize(
    ("clean", "expected"),
    [
        ("مُحَمَّدٌ", "محمد"),
        ("أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),
        ("على مستوى", "علي مستوي"),
        ("المدينة الجميلة", "المدينه الجميله"),
        ("Reuters و BBC", "reuters و bbc"),
        ("٢٠٢٥ 3.5", "٢٠٢٥ 3.5"),
        ("سطر\nسطر", "سطر\nسطر"),
    ],
)
def test_normalize_text(clean: str, expected: str) -> None:
    assert normalize_text(clean) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=30).map("".join))
def test_normalize_token_matches_normalize_text(raw: str) -> None:
    cleaned = clean_text(raw)
    for token in cleaned.split():
        assert normalize_token(token) == normalize_text(token)
    assert normalize_text(normalize_text(cleaned)) == normalize_text(cleaned)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "raw",
    [
        "<a" * 500_000,
        "<script>" * 120_000,
        "<!--" * 250_000,
        "&amp;" * 200_000 + "lt;",
        "&amp;amp;" * 100_000 + "lt;p&gt;",
        "<p " + "x" * 1_000_000,
        "ـ\u200f \n\r\t" * 200_000,
    ],
    ids=["tag-starts", "unclosed-scripts", "unclosed-comments", "amp-chain", "amp-nesting",
         "open-tag", "invisible"],
)  # fmt: skip
def test_megabyte_input_is_linear(raw: str) -> None:
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
