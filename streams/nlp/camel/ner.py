"""Named entities with camel_tools' BERT NERecognizer, as character spans of the clean text.

``camel_tools.ner`` imports torch and transformers (seconds), so it is imported in ``load``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence
from typing import Any

from streams.nlp.camel.data import StageUnavailable, require
from streams.records import Entity, Sentence

logger = logging.getLogger(__name__)

STAGE = "ner"
SOURCE = "camel-ner"
# camel_tools' labels are B-/I- LOC, ORG, PERS, MISC; the enriched record uses PER.
LABELS = {"PERS": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

Span = tuple[int, int]


def token_spans(text: str, sentence: Sentence) -> list[Span | None]:
    """Where each token of the sentence is in ``text``, searched in order inside its span.

    None for a token that is empty or not found there (the cursor then stays put, so one odd
    token does not shift the ones after it).
    """
    spans: list[Span | None] = []
    cursor, end = sentence["start"], sentence["end"]
    for token in sentence["tokens"]:
        at = text.find(token, cursor, end) if token else -1
        if at < 0:
            spans.append(None)
            continue
        spans.append((at, at + len(token)))
        cursor = at + len(token)
    return spans


def decode_entities(text: str, labels: Sequence[str], spans: Sequence[Span | None]) -> list[Entity]:
    """Turn per-token B-/I- labels into entities; an I- that does not continue starts one."""
    entities: list[Entity] = []
    current: tuple[str, int, int] | None = None  # (label, start, end)

    def close() -> None:
        nonlocal current
        if current is not None:
            label, start, end = current
            entity: Entity = {
                "text": text[start:end],
                "label": label,
                "start": start,
                "end": end,
                "source": SOURCE,
            }
            entities.append(entity)
            current = None

    for tag, span in zip(labels, spans, strict=True):
        prefix, _, kind = tag.partition("-")
        label = LABELS.get(kind)
        if span is None or label is None or prefix not in ("B", "I"):
            close()
            continue
        if prefix == "B" or current is None or current[0] != label:
            close()
            current = (label, span[0], span[1])
        else:
            current = (label, current[1], span[1])
    close()
    return entities


class EntityRecognizer:
    def __init__(self, recognizer: Any, batch_size: int = 32) -> None:
        self._recognizer = recognizer
        self._batch_size = batch_size

    @classmethod
    def load(cls, model_name: str | None = None, *, use_gpu: bool = False) -> EntityRecognizer:
        """The recognizer, loaded once per process; raises StageUnavailable without data."""
        return _load(model_name, use_gpu)

    def _labels(self, tokens: list[str], labels: list[str]) -> list[str]:
        if len(labels) == len(tokens):
            return labels
        # camel_tools drops words that its BERT tokenizer turns into no word piece (e.g. a
        # lone zero-width character): put them back as O.
        tokenizer = self._recognizer.tokenizer
        kept = [bool(tokenizer.tokenize(token)) for token in tokens]
        if sum(kept) != len(labels):
            logger.warning("NER labels do not align with %d tokens; sentence skipped", len(tokens))
            return ["O"] * len(tokens)
        it = iter(labels)
        return [next(it) if keep else "O" for keep in kept]

    def label_tokens(self, sentences: list[list[str]]) -> list[list[str]]:
        """camel_tools' B-/I-/O label of every token, aligned 1:1 (one batched prediction)."""
        if not sentences:
            return []
        predictions = self._recognizer.predict(sentences, batch_size=self._batch_size)
        return [
            self._labels(tokens, labels)
            for tokens, labels in zip(sentences, predictions, strict=True)
        ]

    def recognize(self, text: str, sentences: list[Sentence]) -> list[Entity]:
        """Entities of all sentences, with offsets into ``text``."""
        work = [s for s in sentences if s["tokens"]]
        labels = self.label_tokens([list(s["tokens"]) for s in work])
        entities: list[Entity] = []
        for sentence, aligned in zip(work, labels, strict=True):
            entities.extend(decode_entities(text, aligned, token_spans(text, sentence)))
        return entities


@functools.cache
def _load(model_name: str | None, use_gpu: bool) -> EntityRecognizer:
    require(STAGE)
    started = time.perf_counter()
    try:
        from camel_tools.ner import NERecognizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        recognizer = NERecognizer.pretrained(model_name, use_gpu=use_gpu)
    except Exception as exc:  # camel_tools/transformers raise many types for bad or absent data
        raise StageUnavailable(STAGE, f"loading the NER model failed: {exc!r}") from exc
    logger.info("loaded NER model in %.2f s", time.perf_counter() - started)
    return EntityRecognizer(recognizer)
