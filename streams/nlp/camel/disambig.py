"""The MLE disambiguator shared by the clitic and morphology stages, with a per-word cache.

camel_tools' ``MLEDisambiguator`` has a cache that never stores anything (its lookup computes
the default argument on every call), so words are cached here, in a bounded LRU. The MLE model
disambiguates each word out of context, which is what makes a per-word cache correct.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Sequence
from typing import Any, TypedDict

# camel_tools.disambig.common only defines ABCs and named tuples: it does not load the data
# catalogue (camel_tools.disambig.mle does, and is imported lazily below).
from camel_tools.disambig.common import DisambiguatedWord, Disambiguator

from streams.nlp.camel.data import StageUnavailable, require

logger = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 50_000
# The Analyzer's own LFU cache keeps every analysis of a word; the LRU above keeps only the
# chosen one, so the Analyzer's can stay small.
ANALYZER_CACHE_SIZE = 4_096


class CacheStats(TypedDict):
    hits: int
    misses: int
    hit_rate: float
    size: int
    maxsize: int


class CachedDisambiguator(Disambiguator):
    """Wraps a context-free disambiguator with a bounded per-word LRU cache."""

    def __init__(self, inner: Any, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        self._inner = inner
        self._word = functools.lru_cache(maxsize=maxsize)(self._disambiguate_uncached)

    def _disambiguate_uncached(self, word: str) -> DisambiguatedWord:
        return self._inner.disambiguate_word([word], 0)

    def disambiguate(self, sentence: Sequence[str], top: int = 1) -> list[DisambiguatedWord]:
        lookup = self._word
        return [lookup(word) for word in sentence]

    def disambiguate_word(
        self, sentence: Sequence[str], word_ndx: int, top: int = 1
    ) -> DisambiguatedWord:
        return self._word(sentence[word_ndx])

    def all_feats(self) -> frozenset[str]:
        return frozenset(self._inner.all_feats())

    def tok_feats(self) -> frozenset[str]:
        return frozenset(self._inner.tok_feats())

    def cache_stats(self) -> CacheStats:
        info = self._word.cache_info()
        total = info.hits + info.misses
        return {
            "hits": info.hits,
            "misses": info.misses,
            "hit_rate": info.hits / total if total else 0.0,
            "size": info.currsize,
            "maxsize": info.maxsize or 0,
        }


def load_disambiguator(stage: str, cache_size: int = DEFAULT_CACHE_SIZE) -> CachedDisambiguator:
    """The default MLE disambiguator over the default morphology DB, loaded once per process.

    ``stage`` names the caller in the StageUnavailable raised when the data is absent; the
    clitic and morphology stages share one loaded model and one cache.
    """
    require(stage)
    try:
        return _load_shared(cache_size)
    except Exception as exc:  # camel_tools raises many unrelated types for bad or absent data
        raise StageUnavailable(stage, f"loading the MLE disambiguator failed: {exc!r}") from exc


@functools.cache
def _load_shared(cache_size: int) -> CachedDisambiguator:
    started = time.perf_counter()
    from camel_tools.disambig.mle import MLEDisambiguator
    from camel_tools.morphology.analyzer import Analyzer
    from camel_tools.morphology.database import MorphologyDB

    # The default DB and MLE model (both calima-msa-r13 in camel_tools' catalogue); NOAN_PROP
    # is the backoff camel_tools' own pretrained MLE analyzer uses.
    db = MorphologyDB.builtin_db(flags="a")
    analyzer = Analyzer(db, backoff="NOAN_PROP", cache_size=ANALYZER_CACHE_SIZE)
    mle = MLEDisambiguator.pretrained(analyzer=analyzer, top=1, cache_size=0)
    logger.info("loaded the MLE disambiguator in %.2f s", time.perf_counter() - started)
    return CachedDisambiguator(mle, cache_size)
