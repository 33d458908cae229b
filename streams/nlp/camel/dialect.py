"""Dialect identification with camel_tools' DialectIdentifier (model26: 25 cities and MSA)."""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from streams.nlp.camel.data import StageUnavailable, require

logger = logging.getLogger(__name__)

STAGE = "dialect"
# model6 (5 cities and MSA) has its own data package; only the default, model26, is wired.
MODELS = ("model26",)
TOP = 3


class DialectClassifier:
    def __init__(self, identifier: Any) -> None:
        self._identifier = identifier

    @classmethod
    def load(cls, model_name: str = "model26") -> DialectClassifier:
        """The classifier, loaded once per process; raises StageUnavailable without data."""
        if model_name not in MODELS:
            raise ValueError(f"unknown dialect model {model_name!r}; known: {', '.join(MODELS)}")
        return _load(model_name)

    def identify(self, text: str) -> dict[str, Any]:
        """``{"label": top label, "scores": [{"label", "score"}, ...]}`` (the three best).

        Blank text gets ``{"label": None, "scores": []}``: the model would pick a label anyway.
        """
        return self.identify_many([text])[0]

    def identify_many(self, texts: list[str]) -> list[dict[str, Any]]:
        """Like identify, for many texts in one prediction."""
        out: list[dict[str, Any]] = [{"label": None, "scores": []} for _ in texts]
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if not todo:
            return out
        for i, prediction in zip(
            todo, self._identifier.predict([texts[i] for i in todo]), strict=True
        ):
            ranked = sorted(prediction.scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
            scores = [{"label": label, "score": float(score)} for label, score in ranked]
            out[i] = {"label": prediction.top, "scores": scores}
        return out


@functools.cache
def _load(model_name: str) -> DialectClassifier:
    require(STAGE)
    started = time.perf_counter()
    try:
        # DIDModel26 reads its data directory from the catalogue at import time and takes no
        # path: pretrained() loads did_pretrained_<python version>.dill and the kenlm models.
        from camel_tools.dialectid import DIDModel26

        identifier = DIDModel26.pretrained()
    except Exception as exc:  # camel_tools/kenlm/dill raise many types for bad or absent data
        raise StageUnavailable(STAGE, f"loading dialect {model_name} failed: {exc!r}") from exc
    logger.info("loaded dialect %s in %.2f s", model_name, time.perf_counter() - started)
    return DialectClassifier(identifier)
