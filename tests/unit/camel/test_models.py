"""NER, sentiment and dialect through the real camel_tools classes, on tiny fixture models.

The BERT fixtures are randomly initialised and the dialect model is trained on a few
synthetic sentences: their predictions are arbitrary. These tests check what our code is
responsible for (loading, batching, alignment, offsets, label sets, output shape), never
accuracy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from camel_tools.tokenizers.word import simple_word_tokenize

from streams.nlp.camel.data import DIALECT_LABELS
from streams.records import Sentence
from tests.conftest import SAMPLES
from tests.fixtures import camel_data
from tests.unit.camel.conftest import run_driver

NER_LABELS = {"PER", "LOC", "ORG", "MISC"}


def line_sentences(text: str) -> list[Sentence]:
    """One sentence per non-empty line, tokens from camel_tools' simple_word_tokenize."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            tokens = simple_word_tokenize(stripped, split_digits=False)
            sentences.append(
                {"text": stripped, "start": start, "end": start + len(stripped), "tokens": tokens}
            )
        offset += len(line)
    return sentences


def ner_documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(SAMPLES.glob("*.txt"))[:3]:
        text = path.read_text(encoding="utf-8")
        docs.append({"text": text, "sentences": line_sentences(text)})
    hostile = "قال \u200b بلينكن في طوكيو" + " كلمة" * 400
    docs.append(
        {
            "text": hostile,
            "sentences": [
                # A zero-width token: camel_tools drops it, we must keep alignment.
                {"text": hostile[:25], "start": 0, "end": 25,
                 "tokens": ["قال", "\u200b", "بلينكن", "في", "طوكيو"]},
                # Longer than one 256-piece BERT segment: camel_tools chunks it.
                {"text": hostile[25:], "start": 25, "end": len(hostile),
                 "tokens": hostile[25:].split()},
                {"text": "", "start": 0, "end": 0, "tokens": []},
                # A token that is not in the text: no offset, no entity.
                {"text": hostile[:3], "start": 0, "end": 3, "tokens": ["غائب"]},
            ],
        }
    )  # fmt: skip
    return docs


@pytest.fixture(scope="module")
def ner_result(bert_data: Path) -> tuple[list[dict[str, Any]], Any]:
    docs = ner_documents()
    return docs, run_driver("ner", bert_data, {"documents": docs})


@pytest.mark.slow
def test_ner_labels_align_with_tokens(ner_result: tuple[list[dict[str, Any]], Any]) -> None:
    docs, result = ner_result
    allowed = set(camel_data.NER_LABELS)
    for doc, labels in zip(docs, result["labels"], strict=True):
        assert [len(x) for x in labels] == [len(s["tokens"]) for s in doc["sentences"]]
        assert all(label in allowed for sentence in labels for label in sentence)
    zero_width = result["labels"][-1][0][1]
    assert zero_width == "O"  # dropped by camel_tools' BERT tokenizer, put back as O


@pytest.mark.slow
def test_ner_entities_index_the_text(ner_result: tuple[list[dict[str, Any]], Any]) -> None:
    docs, result = ner_result
    total = 0
    for doc, entities in zip(docs, result["entities"], strict=True):
        text = doc["text"]
        for entity in entities:
            assert text[entity["start"] : entity["end"]] == entity["text"]
            assert entity["label"] in NER_LABELS
            assert entity["source"] == "camel-ner"
            assert any(
                s["start"] <= entity["start"] < entity["end"] <= s["end"] for s in doc["sentences"]
            )
        total += len(entities)
    # A random 9-way classifier over thousands of tokens labels some of them as entities.
    assert total > 0
    assert result["same_loader"] is True


@pytest.mark.slow
def test_sentiment_labels(bert_data: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))[:3]]
    texts += ["رائع", "", "   "]
    result = run_driver("sentiment", bert_data, {"texts": texts})
    labels = [r["label"] for r in result["results"]]
    assert all(label in set(camel_data.SENTIMENT_LABELS) for label in labels[:4])
    assert labels[4:] == [None, None]


@pytest.fixture(scope="module")
def dialect_result(dialect_data: Path) -> Any:
    texts = [camel_data.MSA_TRAINING_SENTENCE, "ازيك عامل ايه النهارده", "", "hello"]
    return run_driver("dialect", dialect_data, {"texts": texts})


@pytest.mark.slow
def test_dialect_shape(dialect_result: Any) -> None:
    for result in dialect_result["results"][:2] + dialect_result["results"][3:]:
        assert result["label"] in DIALECT_LABELS
        scores = result["scores"]
        assert len(scores) == 3
        assert scores[0]["label"] == result["label"]
        values = [s["score"] for s in scores]
        assert values == sorted(values, reverse=True)
        assert all(0.0 <= v <= 1.0 for v in values)
        assert len({s["label"] for s in scores}) == 3


@pytest.mark.slow
def test_dialect_training_sentence_and_blank(dialect_result: Any) -> None:
    # A sentence the fixture model was trained on as MSA comes back as MSA.
    assert dialect_result["results"][0]["label"] == "MSA"
    assert dialect_result["results"][2] == {"label": None, "scores": []}
