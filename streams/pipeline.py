"""The ordered chain of stage functions, shared by the Faust agents and ``streams enrich``.

Each stage is a plain function from one record to the next. :func:`run_stage` wraps a step so
that its outcome lands in ``provenance``: ``ok``, ``skipped`` (cannot run here: missing data,
not Arabic) or ``failed`` (an unexpected error on this article; the article still flows on).

The chain is the stage registry (:mod:`streams.stages`) in order: ``segment`` -> ``enrich``
(the data-free stages) -> the CAMeL data-backed stages whose data is installed (``morphology``,
``ner``, ``dialect``, ``sentiment``), each its own hop so that an expensive stage can scale on
its own workers. A data-backed stage that cannot run is left out of the chain entirely (no
extra hop); its field stays null and provenance says why. Every stage function has the same
shape, ``f(record, resources, context) -> record``, so the hop can run any of them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from time import perf_counter
from typing import Any, TypeVar, cast

from . import __version__
from . import stages as registry
from .codec import BadMessage
from .nlp.camel.data import StageUnavailable, stage_availability
from .nlp.countries import (
    UnsupportedLanguage,
    count_countries,
    find_entities,
    place_mentions_for,
)
from .nlp.dates import extract_dates
from .nlp.fingerprint import DuplicateIndex, fingerprint
from .nlp.keywords import top_keywords
from .nlp.language import detect_language
from .nlp.places import PlaceMention
from .nlp.quotes import find_quotes
from .nlp.sentences import split_sentences
from .nlp.structure import article_text, parse_structure
from .nlp.text import clean_text, normalize_text, normalize_token
from .records import (
    SCHEMA_VERSION,
    CountryMentions,
    EnrichedArticle,
    Entity,
    RawArticle,
    SegmentedArticle,
    StageRun,
    StageStatus,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


class StageSkipped(Exception):
    """Raised by a step that cannot run for this article; carries why."""


def run_stage(runs: list[StageRun], name: str, step: Callable[[], T], default: T) -> T:
    """Run ``step``, record its outcome and duration in ``runs``; ``default`` if it did not run."""
    started = perf_counter()
    status: StageStatus = "ok"
    reason: str | None = None
    result = default
    try:
        result = step()
    except StageSkipped as exc:
        status, reason = "skipped", str(exc)
    except StageUnavailable as exc:
        status, reason = "skipped", exc.reason
    except UnsupportedLanguage as exc:
        status, reason = "skipped", str(exc)
    except Exception as exc:
        logger.exception("stage %s failed", name)
        status, reason = "failed", f"{type(exc).__name__}: {exc}"[:500]
    runs.append(
        StageRun(
            name=name,
            status=status,
            reason=reason,
            ms=round((perf_counter() - started) * 1000, 3),
        )
    )
    return result


def _require_arabic(language: str | None) -> None:
    if language != "ar":
        raise StageSkipped(f"Arabic-only stage; the article language is {language or 'unknown'}")


# Dates, quotes, places, entities and keywords also read the region's English and French
# wire copy.
_WIRE_LANGUAGES = frozenset(("ar", "en", "fr"))


def _require_wire_language(language: str | None) -> None:
    if language not in _WIRE_LANGUAGES:
        raise StageSkipped(f"stage reads Arabic, English and French; the article is {language}")


def _load_model(stage: str, clitic_schemes: tuple[str, ...]) -> Any:
    # Imported here: the CAMeL modules read their data catalogue at import time, and ner and
    # sentiment pull in torch, which a worker without those stages should never load.
    if stage == "clitics":  # segment's sub-stage, not a hop of its own
        from .nlp.camel.clitics import CliticSegmenter

        return CliticSegmenter.load(clitic_schemes)
    return registry.spec(stage).load_model()


@dataclass(frozen=True)
class StageContext:
    """What a stage function may know of its hop besides the record."""

    stage: str
    # When the article was first seen (ms, checked broker time): orders duplicate detection.
    seen_at_ms: int | None = None


@dataclass
class Resources:
    """What stages borrow and a process loads once: models, the duplicate index."""

    clitic_schemes: tuple[str, ...] = ("d3tok", "atbtok")
    duplicates: DuplicateIndex = field(
        default_factory=lambda: DuplicateIndex(bands={}, signatures={})
    )
    # The data-backed stages in the chain, decided once per process from the installed data.
    chain: tuple[str, ...] = field(default_factory=lambda: data_chain())
    _models: dict[str, Any] = field(default_factory=dict)

    @property
    def stages(self) -> tuple[registry.StageSpec, ...]:
        """The chain these resources run: the registry up to ``enrich``, then ``chain``."""
        head = registry.all_stages()
        upto = [spec.name for spec in head].index("enrich") + 1
        return head[:upto] + tuple(registry.spec(name) for name in self.chain)

    def model(self, stage: str) -> Any:
        """The stage's model, loaded on first use; raises StageUnavailable with the reason."""
        if stage not in self._models:
            try:
                self._models[stage] = _load_model(stage, self.clitic_schemes)
            except StageUnavailable as exc:
                self._models[stage] = exc
        model = self._models[stage]
        if isinstance(model, StageUnavailable):
            # Re-raising one instance prepends to its traceback, which then keeps the frames
            # (and records) of every article it was raised for: ~36 MB per 1,000 articles.
            raise model.with_traceback(None)
        return model


def data_chain() -> tuple[str, ...]:
    """The stages after ``enrich`` that can run here (data installed), in chain order."""
    names = [spec.name for spec in registry.chain()]
    return tuple(names[names.index("enrich") + 1 :])


@cache
def _unavailable_reason(stage: str) -> str:
    return stage_availability(stage).reason or "left out of the chain"


# --- segment -----------------------------------------------------------------------------


def segment(raw: RawArticle, resources: Resources) -> SegmentedArticle:
    """Raw page text -> structure, clean and normalised text, sentences, tokens (and clitics)."""
    runs: list[StageRun] = []
    started = perf_counter()
    cleaned = clean_text(raw["text"])
    if not _LETTER_OR_DIGIT.search(cleaned):
        raise BadMessage(
            "no_content",
            "the article has no letter or digit once cleaned (only markup, diacritics, "
            "punctuation, symbols, emoji or invisible characters)",
        )
    structure = parse_structure(
        cleaned, published_at=raw.get("published_at"), source=raw.get("source")
    )
    clean = article_text(structure)
    record = SegmentedArticle(
        id=raw["id"],
        schema_version=SCHEMA_VERSION,
        language=detect_language(clean),
        url=raw.get("url"),
        structure=structure,
        text={"clean": clean, "normalized": normalize_text(clean)},
        sentences=split_sentences(clean),
        meta=raw.get("meta") or {},
        provenance={"version": __version__, "stages": runs},
    )
    runs.append(
        StageRun(
            name="segment", status="ok", reason=None, ms=round((perf_counter() - started) * 1000, 3)
        )
    )
    run_stage(runs, "segment.clitics", lambda: _add_clitics(record, resources), None)
    return record


def _add_clitics(record: SegmentedArticle, resources: Resources) -> None:
    _require_arabic(record["language"])
    segmenter = resources.model("clitics")
    for sentence in record["sentences"]:
        sentence["segments"] = segmenter.segment(sentence["tokens"])


# --- enrich (data-free) ------------------------------------------------------------------


def _body_tokens(record: SegmentedArticle) -> list[str]:
    """Normalised tokens of the body; the title is left out because other outlets rewrite it."""
    title = record["structure"]["title"]
    body_start = len(title) + 1 if title else 0
    return [
        normalize_token(token)
        for sentence in record["sentences"]
        if sentence["start"] >= body_start
        for token in sentence["tokens"]
    ]


def _copy_for_next_stage(record: SegmentedArticle) -> EnrichedArticle:
    out = cast(EnrichedArticle, dict(record))
    out["provenance"] = {
        "version": record["provenance"]["version"],
        "stages": list(record["provenance"]["stages"]),
    }
    return out


def enrich(
    record: SegmentedArticle, resources: Resources, *, seen_at: int | None = None
) -> EnrichedArticle:
    """The data-free enrichment stages, run together in the ``enrich`` agent.

    ``seen_at`` (ms) orders articles for duplicate detection: in the stream, the produce time.
    """
    out = _copy_for_next_stage(record)
    runs = out["provenance"]["stages"]
    text = record["text"]["clean"]
    language = record["language"]
    published_at = record["structure"]["published_at"]

    def wire(step: Callable[[], T]) -> Callable[[], T]:
        def guarded() -> T:
            _require_wire_language(language)
            return step()

        return guarded

    out["dates"] = run_stage(runs, "dates", wire(lambda: extract_dates(text, published_at)), [])
    # Quotes first: their speakers are people for the entities step.
    out["quotes"] = run_stage(runs, "quotes", wire(lambda: find_quotes(text)), [])
    # One pass over the gazetteer serves both the entities and the countries step.
    mentions: list[PlaceMention] | None = None

    def places() -> list[PlaceMention]:
        nonlocal mentions
        if mentions is None:
            mentions = place_mentions_for(text, language)
        return mentions

    def entities() -> list[Entity]:
        return find_entities(text, language, out["quotes"], places())

    def countries() -> list[CountryMentions]:
        return count_countries(text, places(), out["entities"])

    out["entities"] = run_stage(runs, "entities", wire(entities), [])
    out["countries"] = run_stage(runs, "countries", wire(countries), [])
    out["keywords"] = run_stage(
        runs, "keywords", wire(lambda: top_keywords(record["sentences"])), None
    )

    def duplicates() -> tuple[str | None, str | None]:
        fp = fingerprint(_body_tokens(record))
        return fp.exact, resources.duplicates.check_and_add(record["id"], fp, seen_at=seen_at)

    no_duplicate: tuple[str | None, str | None] = (None, None)
    out["fingerprint"], out["duplicate_of"] = run_stage(
        runs, "duplicates", duplicates, no_duplicate
    )
    out["morphology"] = None
    out["dialect"] = None
    out["sentiment"] = None
    for spec in registry.data_stages():
        if spec.name not in resources.chain:
            runs.append(
                StageRun(
                    name=spec.name,
                    status="skipped",
                    reason=_unavailable_reason(spec.data or spec.name),
                    ms=0.0,
                )
            )
    return out


# --- CAMeL data-backed stages, one hop each ----------------------------------------------


def _morphology(record: EnrichedArticle, model: Any) -> None:
    record["morphology"] = [
        {"sentence": index, **analysis}
        for index, sentence in enumerate(record["sentences"])
        for analysis in model.analyze(sentence["tokens"])
    ]


def _ner(record: EnrichedArticle, model: Any) -> None:
    found = model.recognize(record["text"]["clean"], record["sentences"])
    # CAMeL's spans first; gazetteer spans stay where CAMeL found nothing overlapping.
    kept = [
        e
        for e in record["entities"]
        if not any(e["start"] < f["end"] and f["start"] < e["end"] for f in found)
    ]
    record["entities"] = sorted(found + kept, key=lambda e: (e["start"], e["end"]))


def _dialect(record: EnrichedArticle, model: Any) -> None:
    record["dialect"] = model.identify(record["text"]["clean"])


def _sentiment(record: EnrichedArticle, model: Any) -> None:
    record["sentiment"] = model.classify(record["text"]["clean"])


StageFunction = Callable[[Any, Resources, StageContext], Any]


def model_stage(step: Callable[[EnrichedArticle, Any], None]) -> StageFunction:
    """A CAMeL data-backed stage as its own hop: ``step(record, model)`` on a copy, Arabic only."""

    def stage_function(
        record: EnrichedArticle, resources: Resources, context: StageContext
    ) -> EnrichedArticle:
        out = _copy_for_next_stage(record)

        def step_on_copy() -> None:
            _require_arabic(out["language"])
            step(out, resources.model(context.stage))

        run_stage(out["provenance"]["stages"], context.stage, step_on_copy, None)
        return out

    return stage_function


# The stage functions the registry (streams.stages) names.
morphology_stage = model_stage(_morphology)
ner_stage = model_stage(_ner)
dialect_stage = model_stage(_dialect)
sentiment_stage = model_stage(_sentiment)


def segment_stage(raw: RawArticle, resources: Resources, context: StageContext) -> Any:
    return segment(raw, resources)


def enrich_stage(record: SegmentedArticle, resources: Resources, context: StageContext) -> Any:
    return enrich(record, resources, seen_at=context.seen_at_ms)


def run_data_stage(stage: str, record: EnrichedArticle, resources: Resources) -> EnrichedArticle:
    """One stage after ``enrich`` as its own hop."""
    return registry.spec(stage).run(record, resources, StageContext(stage))


def run_chain(raw: RawArticle, resources: Resources) -> EnrichedArticle:
    """The whole chain in-process, exactly as the agents run it one hop at a time."""
    record = enrich(segment(raw, resources), resources)
    for stage in resources.chain:
        record = run_data_stage(stage, record, resources)
    return record
