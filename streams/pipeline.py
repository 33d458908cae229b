"""The ordered chain of stage functions, shared by the Faust agents and ``streams enrich``.

Each stage is a plain function from one record to the next. :func:`run_stage` wraps a step so
that its outcome lands in ``provenance``: ``ok``, ``skipped`` (cannot run here: missing data,
not Arabic) or ``failed`` (an unexpected error on this article; the article still flows on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, TypeVar, cast

from . import __version__
from .nlp.dates import extract_dates
from .nlp.fingerprint import DuplicateIndex, fingerprint
from .nlp.keywords import normalize_token, top_keywords
from .nlp.language import detect_language
from .nlp.places import find_countries, gazetteer_entities
from .nlp.quotes import find_quotes
from .nlp.sentences import split_sentences
from .nlp.structure import parse_structure
from .nlp.text import clean_text, normalize_text
from .records import (
    SCHEMA_VERSION,
    EnrichedArticle,
    RawArticle,
    Sentence,
    SegmentedArticle,
    StageRun,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

ARABIC_ONLY = "Arabic-only stage"


class StageSkipped(Exception):
    """Raised by a step that cannot run for this article or on this machine; carries why."""


def run_stage(
    runs: list[StageRun], name: str, step: Callable[[], T], default: T
) -> T:
    """Run ``step``, record its outcome and duration in ``runs``; ``default`` if it did not run."""
    started = perf_counter()
    status, reason, result = "ok", None, default
    try:
        result = step()
    except StageSkipped as exc:
        status, reason = "skipped", str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the stream
        logger.exception("stage %s failed", name)
        status, reason = "failed", f"{type(exc).__name__}: {exc}"[:500]
    runs.append(
        StageRun(name=name, status=status, reason=reason,  # type: ignore[typeddict-item]
                 ms=round((perf_counter() - started) * 1000, 3))
    )
    return result


def _require_arabic(language: str | None) -> None:
    if language != "ar":
        raise StageSkipped(f"{ARABIC_ONLY}; the article language is {language or 'unknown'}")


@dataclass
class Resources:
    """Things loaded once per process (models, indexes) that stages borrow."""

    clitic_segmenter: Callable[[], Any] | None = None
    duplicates: DuplicateIndex = field(
        default_factory=lambda: DuplicateIndex(bands={}, signatures={})
    )


def segment(raw: RawArticle, resources: Resources) -> SegmentedArticle:
    """Raw page text -> structure, clean and normalised text, sentences, tokens (and clitics)."""
    runs: list[StageRun] = []

    def structure_and_text() -> tuple[Any, str]:
        cleaned = clean_text(raw["text"])
        structure = parse_structure(
            cleaned, published_at=raw.get("published_at"), source=raw.get("source")
        )
        title = structure["title"]
        main = "\n".join(([title] if title else []) + structure["body"])
        return structure, main

    structure, clean = run_stage(runs, "segment", structure_and_text, (None, ""))
    if structure is None:
        raise RuntimeError(runs[-1]["reason"] or "segmentation failed")
    language = detect_language(clean)
    sentences = split_sentences(clean)
    record = SegmentedArticle(
        id=raw["id"],
        schema_version=SCHEMA_VERSION,
        language=language,
        url=raw.get("url"),
        structure=structure,
        text={"clean": clean, "normalized": normalize_text(clean)},
        sentences=sentences,
        meta=raw.get("meta") or {},
        provenance={"version": __version__, "stages": runs},
    )
    run_stage(runs, "segment.clitics", lambda: _add_clitics(record, resources), None)
    return record


def _add_clitics(record: SegmentedArticle, resources: Resources) -> None:
    _require_arabic(record["language"])
    if resources.clitic_segmenter is None:
        raise StageSkipped("clitic segmentation is not enabled")
    segmenter = resources.clitic_segmenter()
    for sentence in record["sentences"]:
        sentence["segments"] = segmenter.segment(sentence["tokens"])


def _body_tokens(record: SegmentedArticle) -> list[str]:
    """Normalised tokens of the body (the title is often rewritten by other outlets)."""
    title = record["structure"]["title"]
    body_start = len(title) + 1 if title else 0
    sentences: list[Sentence] = [s for s in record["sentences"] if s["start"] >= body_start]
    return [normalize_token(tok) for s in sentences for tok in s["tokens"]]


def enrich(record: SegmentedArticle, resources: Resources) -> EnrichedArticle:
    """The data-free enrichment stages, run together in the ``enrich`` agent."""
    out = cast(EnrichedArticle, dict(record))
    out["provenance"] = {
        "version": record["provenance"]["version"],
        "stages": list(record["provenance"]["stages"]),
    }
    runs = out["provenance"]["stages"]
    text = record["text"]["clean"]
    language = record["language"]
    published_at = record["structure"]["published_at"]

    def arabic(step: Callable[[], T]) -> Callable[[], T]:
        def guarded() -> T:
            _require_arabic(language)
            return step()

        return guarded

    out["dates"] = run_stage(runs, "dates", arabic(lambda: extract_dates(text, published_at)), [])
    out["countries"] = run_stage(runs, "countries", arabic(lambda: find_countries(text)), [])
    out["entities"] = run_stage(runs, "entities", arabic(lambda: gazetteer_entities(text)), [])
    out["keywords"] = run_stage(
        runs, "keywords", arabic(lambda: top_keywords(record["sentences"])), None
    )
    out["quotes"] = run_stage(runs, "quotes", arabic(lambda: find_quotes(text)), [])

    def duplicates() -> tuple[str | None, str | None]:
        fp = fingerprint(_body_tokens(record))
        return fp.exact, resources.duplicates.check_and_add(record["id"], fp)

    out["fingerprint"], out["duplicate_of"] = run_stage(
        runs, "duplicates", duplicates, (None, None)
    )
    out["morphology"] = None
    out["dialect"] = None
    out["sentiment"] = None
    return out


def run_chain(raw: RawArticle, resources: Resources) -> EnrichedArticle:
    """The whole chain in-process, exactly as the agents run it one hop at a time."""
    return enrich(segment(raw, resources), resources)

