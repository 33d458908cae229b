"""top_keywords: filtering, clitic merging, scoring and order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.nlp.keywords import top_keywords
from streams.nlp.sentences import split_sentences
from streams.nlp.text import clean_text
from streams.records import Keyword, Sentence


def sentences_of(*tokens_per_sentence: str) -> list[Sentence]:
    out: list[Sentence] = []
    for text in tokens_per_sentence:
        out.append({"text": text, "start": 0, "end": len(text), "tokens": text.split()})
    return out


def terms(keywords: list[Keyword]) -> list[str]:
    return [k["term"] for k in keywords]


def test_seed_article(seed_text: str) -> None:
    keywords = top_keywords(split_sentences(clean_text(seed_text)))
    found = terms(keywords)
    assert len(keywords) == 10
    for expected in ("ولايات", "متحده", "تعزيز", "تعاون", "ليبيا"):
        assert expected in found
    # "اليابان", "واليابان" and "لليابان" count as one stem.
    assert "يابان" in terms(top_keywords(split_sentences(clean_text(seed_text)), limit=12))
    scores = [k["score"] for k in keywords]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 and round(score, 4) == score for score in scores)


@pytest.mark.parametrize(
    "dropped",
    ["في", "التي", "والتي", "وفي", "قال", "وقال", "وأكدت", "الثلاثاء", "the", "and", "،", ".",
     "2025", "٢٠٢٥", "3.5", "ب", "x", "ب2025", "«"],
)  # fmt: skip
def test_stopwords_punctuation_digits_and_single_letters_are_dropped(dropped: str) -> None:
    keywords = top_keywords(sentences_of(f"{dropped} {dropped} الاقتصاد"))
    assert terms(keywords) == ["اقتصاد"]


@pytest.mark.parametrize("kept", ["G20", "NATO", "F16"])
def test_latin_names_and_alphanumerics_are_kept(kept: str) -> None:
    assert kept.lower() in terms(top_keywords(sentences_of(f"قمة {kept}")))


def test_terms_are_normalised_like_normalize_text() -> None:
    keywords = top_keywords(sentences_of("أهميّة الأمم المتحدة", "اهمية الامم"))
    # 1.5 (title) + 1 for each of the first two, out of 1.5 * 3 + 2 weighted tokens
    assert keywords == [
        {"term": "امم", "score": 0.3846},
        {"term": "اهميه", "score": 0.3846},
        {"term": "متحده", "score": 0.2308},
    ]


def test_clitic_merges_only_into_a_word_of_the_same_document() -> None:
    merged = top_keywords(sentences_of("الولايات", "والولايات وبالولايات للولايات"))
    assert merged == [{"term": "ولايات", "score": 1.0}]
    # The article and what precedes it always go; a bare "و" only when the rest occurs.
    alone = top_keywords(sentences_of("والولايات وزير بلينكن ودولار"))
    assert sorted(terms(alone)) == sorted(["ولايات", "وزير", "بلينكن", "ودولار"])
    with_rest = top_keywords(sentences_of("ودولار الدولار بالدولار"))
    assert with_rest == [{"term": "دولار", "score": 1.0}]


@pytest.mark.parametrize(
    ("word", "stem"),
    [("الدولار", "دولار"), ("والاقتصادية", "اقتصاديه"), ("للنفط", "نفط"), ("ألمانيا", "المانيا"),
     ("وزير", "وزير"), ("فلسطين", "فلسطين"), ("بالفلسطينيين", "فلسطينيين")],
)  # fmt: skip
def test_stems_drop_the_article_and_its_clitics_only(word: str, stem: str) -> None:
    assert terms(top_keywords(sentences_of(word))) == [stem]


def test_page_furniture_is_never_a_keyword() -> None:
    keywords = top_keywords(sentences_of("عاجل اقرأ المزيد تابع", "الاقتصاد بالمئة"))
    assert terms(keywords) == ["اقتصاد"]


def test_english_and_french_words_are_lower_cased_without_stopwords() -> None:
    keywords = top_keywords(sentences_of("La Banque centrale et les banques", "The Bank"))
    assert set(terms(keywords)) == {"banque", "centrale", "banques", "bank"}


def test_title_counts_more_than_body() -> None:
    keywords = top_keywords(sentences_of("الانتخابات", "الاقتصاد"))
    assert keywords == [
        {"term": "انتخابات", "score": 0.6},
        {"term": "اقتصاد", "score": 0.4},
    ]


def test_ties_go_by_term_and_limit_applies() -> None:
    keywords = top_keywords(sentences_of("عنوان", "جيم باء ألف جيم باء ألف"), limit=3)
    assert terms(keywords) == ["الف", "باء", "جيم"]
    assert top_keywords(sentences_of("عنوان"), limit=0) == []


def test_empty_inputs() -> None:
    assert top_keywords([]) == []
    assert top_keywords(sentences_of("في من على", "")) == []


_TOKENS = st.sampled_from(
    ["الولايات", "والولايات", "للولايات", "وزير", "زير", "في", "قال", "،", ".", "2025", "G20",
     "ب", "أهمية", "اهمية", "the", "NATO", "", "ـ", "\u064e"]
) | st.text(max_size=6)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TOKENS, max_size=15), max_size=6), st.integers(0, 12))
def test_properties(token_lists: list[list[str]], limit: int) -> None:
    sentences: list[Sentence] = [
        {"text": " ".join(t), "start": 0, "end": 0, "tokens": t} for t in token_lists
    ]
    keywords = top_keywords(sentences, limit=limit)
    assert len(keywords) <= limit
    assert len({k["term"] for k in keywords}) == len(keywords)
    order = [(-k["score"], k["term"]) for k in keywords]
    assert order == sorted(order)
    assert all(0 < k["score"] <= 1 and round(k["score"], 4) == k["score"] for k in keywords)
    assert top_keywords(sentences, limit=limit) == keywords
