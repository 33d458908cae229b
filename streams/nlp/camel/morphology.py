"""Morphological analysis (lemma, POS, gloss, root, diacritised form) with camel_tools' MLE."""

from __future__ import annotations

import functools
import logging
from typing import Any

from streams.nlp.camel.disambig import CachedDisambiguator, CacheStats, load_disambiguator

logger = logging.getLogger(__name__)

STAGE = "morphology"

# Output field -> camel_tools analysis feature.
_FIELDS = (("lemma", "lex"), ("pos", "pos"), ("gloss", "gloss"), ("root", "root"), ("diac", "diac"))


def _value(analysis: dict[str, Any], feature: str) -> Any:
    value = analysis.get(feature)
    return None if value == "" else value


class MorphologyAnalyzer:
    """The most likely analysis of each word, chosen by the MLE model out of context."""

    def __init__(self, disambiguator: CachedDisambiguator) -> None:
        self._disambiguator = disambiguator

    @classmethod
    def load(cls) -> MorphologyAnalyzer:
        """The analyzer, loaded once per process; raises StageUnavailable without data."""
        return _load()

    def analyze(self, tokens: list[str]) -> list[dict[str, Any]]:
        """Per token ``{token, lemma, pos, gloss, root, diac}``; None where the DB gives none."""
        out = []
        for word in self._disambiguator.disambiguate(tokens):
            record: dict[str, Any] = {"token": word.word}
            if word.analyses:
                analysis = word.analyses[0].analysis
                for name, feature in _FIELDS:
                    record[name] = _value(analysis, feature)
            else:
                record.update((name, None) for name, _ in _FIELDS)
            out.append(record)
        return out

    def cache_stats(self) -> CacheStats:
        """Hits and misses of the per-word disambiguation cache (shared with clitics)."""
        return self._disambiguator.cache_stats()


@functools.cache
def _load() -> MorphologyAnalyzer:
    return MorphologyAnalyzer(load_disambiguator(STAGE))
