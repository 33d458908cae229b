"""Token offsets and B-/I- decoding of the NER stage (pure functions, no model)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.nlp.camel.ner import SOURCE, decode_entities, token_spans
from streams.records import Sentence

TEXT = "قال بلينكن في طوكيو. وزير الخارجية الياباني تاكاشي إيوايا رحب به."
LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]


def sentence(text: str, start: int, end: int, tokens: list[str]) -> Sentence:
    return {"text": text[start:end], "start": start, "end": end, "tokens": tokens}


def test_token_spans_in_order_inside_the_sentence() -> None:
    start = TEXT.index("وزير")
    s = sentence(TEXT, start, len(TEXT), ["وزير", "الخارجية", "الياباني", "به", "."])
    spans = [span for span in token_spans(TEXT, s) if span is not None]
    assert [TEXT[a:b] for a, b in spans] == s["tokens"]
    assert all(a >= start for a, _ in spans)


def test_missing_token_does_not_shift_the_rest() -> None:
    s = sentence(TEXT, 0, TEXT.index(".") + 1, ["قال", "غائب", "", "بلينكن", "."])
    spans = token_spans(TEXT, s)
    assert spans[1] is None and spans[2] is None
    assert spans[3] is not None and TEXT[spans[3][0] : spans[3][1]] == "بلينكن"


def test_decode_merges_b_i_and_maps_pers() -> None:
    start = TEXT.index("وزير")
    tokens = ["وزير", "الخارجية", "الياباني", "تاكاشي", "إيوايا", "رحب"]
    s = sentence(TEXT, start, len(TEXT), tokens)
    labels = ["O", "B-ORG", "I-ORG", "B-PERS", "I-PERS", "O"]
    entities = decode_entities(TEXT, labels, token_spans(TEXT, s))
    assert entities == [
        {"text": "الخارجية الياباني", "label": "ORG", "start": TEXT.index("الخارجية"),
         "end": TEXT.index("الياباني") + len("الياباني"), "source": SOURCE},
        {"text": "تاكاشي إيوايا", "label": "PER", "start": TEXT.index("تاكاشي"),
         "end": TEXT.index("إيوايا") + len("إيوايا"), "source": SOURCE},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["I-LOC", "I-LOC"], [("LOC", "قال بلينكن")]),  # I- without B- starts an entity
        (["B-LOC", "I-ORG"], [("LOC", "قال"), ("ORG", "بلينكن")]),  # type change splits
        (["B-LOC", "B-LOC"], [("LOC", "قال"), ("LOC", "بلينكن")]),  # B- always starts
        (["B-XYZ", "weird"], []),  # labels the record does not know are dropped
        (["O", "O"], []),
    ],
)
def test_decode_rules(labels: list[str], expected: list[tuple[str, str]]) -> None:
    s = sentence(TEXT, 0, 20, ["قال", "بلينكن"])
    entities = decode_entities(TEXT, labels, token_spans(TEXT, s))
    assert [(e["label"], e["text"]) for e in entities] == expected


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, Sentence, list[str]]:
    alphabet = st.sampled_from([*"ابتثجحخدذرسشصضطظعغفقكلمنهوي ءآأإئؤة.،!؟ \n\u200bab"])
    words = draw(st.lists(st.text(alphabet, min_size=0, max_size=6), min_size=0, max_size=25))
    text = (
        draw(st.text(alphabet, max_size=5)) + " ".join(words) + draw(st.text(alphabet, max_size=5))
    )
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    # Tokens are mostly real pieces of the sentence, sometimes foreign strings.
    pieces = text[start:end].split()
    tokens = draw(st.lists(st.one_of(st.sampled_from(pieces or [""]), st.text(max_size=3))))
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=len(tokens), max_size=len(tokens)))
    return text, sentence(text, start, end, tokens), labels


@given(documents())
def test_entities_always_index_the_text(doc: tuple[str, Sentence, list[str]]) -> None:
    text, s, labels = doc
    spans = token_spans(text, s)
    assert len(spans) == len(s["tokens"])
    previous_end = s["start"]
    for token, span in zip(s["tokens"], spans, strict=True):
        if span is not None:
            assert text[span[0] : span[1]] == token
            assert s["start"] <= span[0] and span[1] <= s["end"]
            assert span[0] >= previous_end
            previous_end = span[1]
    entities = decode_entities(text, labels, spans)
    last = -1
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["label"] in {"PER", "LOC", "ORG", "MISC"}
        assert entity["source"] == SOURCE
        assert entity["start"] >= last
        last = entity["end"]
