"""Property-based fuzzing of every stage function on arbitrary Unicode.

Each function must return (never raise) on any input, except where an input error is declared:
``decode_raw`` and ``segment`` raise :class:`BadMessage` and nothing else. Every offset a stage
reports must lie inside the text it indexes and cut out exactly the text it reports. The chain
runs each stage under ``run_stage``, which turns an exception into a ``failed`` entry in
provenance; the chain-level properties therefore also require that no stage failed.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.codec import BadMessage, decode_raw, validate
from streams.nlp.countries import count_countries, find_entities, place_mentions_for
from streams.nlp.dates import extract_dates
from streams.nlp.fingerprint import BANDS, NUM_HASHES, fingerprint
from streams.nlp.keywords import top_keywords
from streams.nlp.language import detect_language
from streams.nlp.places import find_countries, gazetteer_entities
from streams.nlp.quotes import find_quotes
from streams.nlp.sentences import split_sentences
from streams.nlp.structure import parse_structure
from streams.nlp.text import clean_text, normalize_text, normalize_token
from streams.pipeline import Resources, enrich, run_chain, segment
from streams.records import RawArticle

FUZZ = settings(
    max_examples=200,
    deadline=None,  # a shared 2-core machine: no timing in tests
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every code point, surrogates and unassigned ones included.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
# What news pages are made of, so that the stages' own patterns actually fire: words, names,
# dates, quotes, markup, digits in three scripts, invisible and control characters, emoji.
PIECES = st.sampled_from(
    [
        "الحكومة", "وزير الخارجية", "قال", "أمس", "اليوم", "يناير", "كانون الثاني", "الماضي",
        "المقبل", "2025", "٢٠٢٥", "۱۴۰۳", "6", "١٥", "مصر", "الولايات المتحدة", "القاهرة",
        "(رويترز)", "-", " - ", ":", "،", ".", "؟", "!", "«", "»", "“", "”", '"', "'", "(", ")",
        "\n", "\n\n", " ", "\t", "\r\n", "<p>", "</p>", "<br/>", "<script>", "</script>",
        "<!--", "-->", "&amp;", "&nbsp;", "&#1575;", "&#x", "ـــ", "\u064e", "\u0651",
        "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x1b", "🎉", "👨\u200d👩",
        "Reuters", "said", "Monday", "http://example.com/a?b=c", "a@b.com", "#وسم",
        "اقرأ أيضا", "المصدر:", "تاريخ النشر:", "كلمات دلالية:", "تابعونا على",
        "\ud800", "\udfff",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(alphabet=ANY_CHAR, max_size=300),
    st.lists(st.one_of(PIECES, st.text(alphabet=ANY_CHAR, max_size=4)), max_size=60).map("".join),
)
PUBLISHED_AT = st.one_of(
    st.none(),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(alphabet=ANY_CHAR, max_size=30),
)


def _spans_cut_their_text(text: str, spans: list[Any]) -> None:
    for span in spans:
        assert 0 <= span["start"] <= span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span


@FUZZ
@given(TEXT)
def test_clean_and_normalise_never_raise(text: str) -> None:
    clean = clean_text(text)
    assert isinstance(clean, str)
    assert isinstance(normalize_text(clean), str)
    for token in clean.split():
        assert isinstance(normalize_token(token), str)


@FUZZ
@given(TEXT, PUBLISHED_AT, st.one_of(st.none(), st.text(max_size=20)))
def test_structure_never_raises(text: str, published_at: str | None, source: str | None) -> None:
    structure = parse_structure(clean_text(text), published_at=published_at, source=source)
    assert all(isinstance(line, str) for line in structure["body"])
    assert isinstance(structure["boilerplate"], list)


@FUZZ
@given(TEXT)
def test_sentences_and_tokens_index_the_text(text: str) -> None:
    clean = clean_text(text)
    sentences = split_sentences(clean)
    _spans_cut_their_text(clean, sentences)
    starts = [s["start"] for s in sentences]
    assert starts == sorted(starts)
    for earlier, later in itertools.pairwise(sentences):
        assert earlier["end"] <= later["start"]
    assert all(isinstance(t, str) and t for s in sentences for t in s["tokens"])


@FUZZ
@given(TEXT, PUBLISHED_AT)
def test_dates_index_the_text(text: str, published_at: str | None) -> None:
    clean = clean_text(text)
    _spans_cut_their_text(clean, extract_dates(clean, published_at))


@FUZZ
@given(TEXT)
def test_places_quotes_and_language_index_the_text(text: str) -> None:
    clean = clean_text(text)
    _spans_cut_their_text(clean, gazetteer_entities(clean))
    _spans_cut_their_text(clean, find_quotes(clean))
    for country in find_countries(clean):
        assert len(country["code"]) == 2 and country["mentions"] >= 1
    assert detect_language(clean) is None or isinstance(detect_language(clean), str)


@FUZZ
@given(TEXT, st.sampled_from(["ar", "en", "fr"]))
def test_entities_and_country_evidence_index_the_text(text: str, language: str) -> None:
    clean = clean_text(text)
    entities = find_entities(clean, language, find_quotes(clean))
    _spans_cut_their_text(clean, entities)
    assert {e["source"] for e in entities} <= {"gazetteer", "rules"}
    for country in count_countries(clean, place_mentions_for(clean, language), entities):
        assert country["mentions"] == len(country["evidence"])
        _spans_cut_their_text(clean, country["evidence"])


@FUZZ
@given(TEXT)
def test_keywords_and_fingerprints_never_raise(text: str) -> None:
    sentences = split_sentences(clean_text(text))
    for keyword in top_keywords(sentences):
        assert keyword["term"] and math.isfinite(keyword["score"])
    tokens = [normalize_token(t) for s in sentences for t in s["tokens"]]
    fp = fingerprint(tokens)
    assert len(fp.signature) in (0, NUM_HASHES)
    assert len(fp.bands) == (BANDS if fp.signature else 0)


def _record_offsets_hold(record: Any) -> None:
    clean = record["text"]["clean"]
    _spans_cut_their_text(clean, record["sentences"])
    for field in ("dates", "entities", "quotes"):
        _spans_cut_their_text(clean, record.get(field) or [])
    failed = [s for s in record["provenance"]["stages"] if s["status"] == "failed"]
    assert not failed, failed


RESOURCES = Resources()


@FUZZ
@given(TEXT, PUBLISHED_AT)
def test_segment_and_enrich_only_raise_declared_errors(text: str, published_at: str | None) -> None:
    raw = RawArticle(id="fuzz", text=text, published_at=published_at)
    try:
        segmented = segment(raw, RESOURCES)
    except BadMessage as exc:
        assert exc.code == "no_content"
        return
    validate("segmented-article", segmented)
    _record_offsets_hold(segmented)
    enriched = enrich(segmented, RESOURCES)
    validate("enriched-article", enriched)
    _record_offsets_hold(enriched)


@FUZZ
@given(st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_decode_then_chain_only_raise_declared_errors(value: bytes) -> None:
    try:
        record = run_chain(decode_raw(value, None, max_bytes=400), RESOURCES)
    except BadMessage as exc:
        assert exc.code in {
            "empty_value",
            "too_large",
            "invalid_utf8",
            "invalid_json",
            "not_an_object",
            "too_deeply_nested",
            "missing_text",
            "text_not_string",
            "empty_text",
            "no_content",
        }, exc
        assert exc.reason
        return
    validate("enriched-article", record)
    _record_offsets_hold(record)
