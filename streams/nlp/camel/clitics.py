"""Clitic segmentation (d3tok, atbtok, ...) with camel_tools' MorphologicalTokenizer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from streams.nlp.camel.data import StageUnavailable
from streams.nlp.camel.disambig import CachedDisambiguator, CacheStats, load_disambiguator

logger = logging.getLogger(__name__)

STAGE = "clitics"
DEFAULT_SCHEMES = ("d3tok", "atbtok")


class CliticSegmenter:
    """Segments words into clitics, one string per word and scheme (e.g. ``و+_ال+_كتاب``)."""

    def __init__(self, disambiguator: CachedDisambiguator, tokenizers: dict[str, Any]) -> None:
        self._disambiguator = disambiguator
        self._tokenizers = tokenizers

    @classmethod
    def load(cls, schemes: Sequence[str] = DEFAULT_SCHEMES) -> CliticSegmenter:
        """The segmenter for these schemes, loaded once per process.

        Raises StageUnavailable when the morphology DB or MLE model is absent or lacks a scheme.
        """
        return _load(tuple(schemes))

    @property
    def schemes(self) -> tuple[str, ...]:
        return tuple(self._tokenizers)

    def segment(self, tokens: list[str]) -> dict[str, list[str]]:
        """Per scheme, the segmentation of each token, aligned 1:1 with ``tokens``."""
        out: dict[str, list[str]] = {}
        for scheme, tokenizer in self._tokenizers.items():
            segments: list[str] = tokenizer.tokenize(tokens)
            # split=False yields exactly one string per word; a mismatch would silently
            # misalign every later token, so it is checked.
            if len(segments) != len(tokens):
                raise RuntimeError(
                    f"{scheme} tokenizer returned {len(segments)} segments for {len(tokens)} words"
                )
            out[scheme] = segments
        return out

    def cache_stats(self) -> CacheStats:
        """Hits and misses of the per-word disambiguation cache (shared with morphology)."""
        return self._disambiguator.cache_stats()


@functools.cache
def _load(schemes: tuple[str, ...]) -> CliticSegmenter:
    if not schemes:
        raise ValueError("at least one tokenisation scheme is needed")
    disambiguator = load_disambiguator(STAGE)
    from camel_tools.tokenizers.morphological import MorphologicalTokenizer

    available = disambiguator.tok_feats()
    unknown = [s for s in schemes if s not in available]
    if unknown:
        raise StageUnavailable(
            STAGE,
            f"the morphology DB has no tokenisation scheme {', '.join(unknown)} "
            f"(it has: {', '.join(sorted(available))})",
        )
    tokenizers = {
        scheme: MorphologicalTokenizer(disambiguator, scheme=scheme, split=False)
        for scheme in schemes
    }
    logger.info("clitic segmenter ready: %s", ", ".join(schemes))
    return CliticSegmenter(disambiguator, tokenizers)
