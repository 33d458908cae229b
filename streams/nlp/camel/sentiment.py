"""Sentiment (positive, negative, neutral) with camel_tools' BERT SentimentAnalyzer.

``camel_tools.sentiment`` imports torch and transformers, so it is imported in ``load``. Its
``predict`` returns labels only (the softmax scores stay inside it), so no scores are given.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from streams.nlp.camel.data import StageUnavailable, require

logger = logging.getLogger(__name__)

STAGE = "sentiment"
LABELS = ("positive", "negative", "neutral")


class SentimentClassifier:
    def __init__(self, analyzer: Any, batch_size: int = 32) -> None:
        self._analyzer = analyzer
        self._batch_size = batch_size

    @classmethod
    def load(cls, model_name: str | None = None, *, use_gpu: bool = False) -> SentimentClassifier:
        """The classifier, loaded once per process; raises StageUnavailable without data."""
        return _load(model_name, use_gpu)

    def classify(self, text: str) -> dict[str, Any]:
        """``{"label": positive|negative|neutral}``; the model sees the first 512 word pieces.

        Blank text gets ``{"label": None}``: the model would return a label for it anyway.
        """
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """Like classify, for many texts in batches."""
        out: list[dict[str, Any]] = [{"label": None} for _ in texts]
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if todo:
            labels = self._analyzer.predict([texts[i] for i in todo], batch_size=self._batch_size)
            for i, label in zip(todo, labels, strict=True):
                out[i] = {"label": label}
        return out


@functools.cache
def _load(model_name: str | None, use_gpu: bool) -> SentimentClassifier:
    require(STAGE)
    started = time.perf_counter()
    try:
        from camel_tools.sentiment import SentimentAnalyzer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        analyzer = SentimentAnalyzer.pretrained(model_name, use_gpu=use_gpu)
    except Exception as exc:  # camel_tools/transformers raise many types for bad or absent data
        raise StageUnavailable(STAGE, f"loading the sentiment model failed: {exc!r}") from exc
    labels = set(analyzer.labels_map.values())
    if not labels <= set(LABELS):
        raise StageUnavailable(STAGE, f"the sentiment model has unexpected labels {sorted(labels)}")
    logger.info("loaded sentiment model in %.2f s", time.perf_counter() - started)
    return SentimentClassifier(analyzer)
