"""The stage registry: one :class:`StageSpec` per stage of the chain, in chain order.

Everything that needs to know the stages reads them here: settings validation
(``STREAMS_STAGES``), the chain (:mod:`streams.pipeline`), the hop (:mod:`streams.hop`), the
Faust agents and their topics and tables (:mod:`streams.app`), ``streams worker --stages``,
the benchmark and the tests. Adding a stage is one :func:`register` call (or one entry in
:data:`BUILTIN`): its agent, topic, counters table and place in the chain follow.

This module stays light (no NLP import): the stage function and model are named by import
path and loaded on first use, so ``streams settings`` does not pay for the NLP modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

# Where a stage reads: a format string over the settings' fields and ``name``.
PENDING_TOPIC = "{topic_enriched}.pending-{name}"


def _resolve(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class StageSpec:
    """One stage: what it reads and writes, what it runs, what it needs.

    ``function`` is ``"module:attribute"`` of ``f(record, resources, context) -> record``
    (:class:`streams.pipeline.StageContext`); ``model`` is ``"module:Class"`` whose
    ``load()`` builds the model the stage borrows from :class:`~streams.pipeline.Resources`;
    ``data`` names the CAMeL data requirement (``streams.nlp.camel.data``) without which the
    stage is left out of the chain.
    """

    name: str
    function: str
    input_schema: str = "enriched-article"
    output_schema: str = "enriched-article"
    input_topic: str = PENDING_TOPIC
    # None: the next stage's input, or the enriched topic after the last stage of the chain.
    output_topic: str | None = None
    resources: tuple[str, ...] = ()
    data: str | None = None
    model: str | None = None
    description: str = ""

    @cached_property
    def run(self) -> Callable[..., Any]:
        """The stage function, imported on first use."""
        return _resolve(self.function)

    def load_model(self) -> Any:
        if self.model is None:
            raise ValueError(f"stage {self.name!r} has no model")
        return _resolve(self.model).load()

    def topic(self, settings: Settings) -> str:
        """The topic this stage consumes."""
        return self.input_topic.format(name=self.name, **settings.model_dump())

    def available(self) -> bool:
        """Whether this stage can run here (its CAMeL data, if any, is installed)."""
        if self.data is None:
            return True
        from .nlp.camel.data import stage_availability

        return stage_availability(self.data).available


BUILTIN: tuple[StageSpec, ...] = (
    StageSpec(
        "segment",
        "streams.pipeline:segment_stage",
        input_schema="raw-article",
        output_schema="segmented-article",
        input_topic="{topic_raw}",
        resources=("clitics",),
        description="structure, clean text, sentences, tokens (and clitics)",
    ),
    StageSpec(
        "enrich",
        "streams.pipeline:enrich_stage",
        input_schema="segmented-article",
        input_topic="{topic_segmented}",
        resources=("duplicates",),
        description="dates, quotes, entities (places, people, organisations), countries, keywords, "
        "duplicates",
    ),
    StageSpec(
        "morphology",
        "streams.pipeline:morphology_stage",
        resources=("morphology",),
        data="morphology",
        model="streams.nlp.camel.morphology:MorphologyAnalyzer",
        description="CAMeL morphological analysis",
    ),
    StageSpec(
        "ner",
        "streams.pipeline:ner_stage",
        resources=("ner",),
        data="ner",
        model="streams.nlp.camel.ner:EntityRecognizer",
        description="CAMeL named entities (BERT)",
    ),
    StageSpec(
        "dialect",
        "streams.pipeline:dialect_stage",
        resources=("dialect",),
        data="dialect",
        model="streams.nlp.camel.dialect:DialectClassifier",
        description="CAMeL dialect identification",
    ),
    StageSpec(
        "sentiment",
        "streams.pipeline:sentiment_stage",
        resources=("sentiment",),
        data="sentiment",
        model="streams.nlp.camel.sentiment:SentimentClassifier",
        description="CAMeL sentiment (BERT)",
    ),
)

_REGISTRY: dict[str, StageSpec] = {spec.name: spec for spec in BUILTIN}


def register(spec: StageSpec) -> StageSpec:
    """Add a stage at the end of the chain (or replace one of the same name)."""
    _REGISTRY[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Remove a stage added with :func:`register` (tests)."""
    if name in {spec.name for spec in BUILTIN}:
        raise ValueError(f"{name!r} is a built-in stage")
    _REGISTRY.pop(name, None)


def all_stages() -> tuple[StageSpec, ...]:
    """Every registered stage, in chain order."""
    return tuple(_REGISTRY.values())


def stage_names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def spec(name: str) -> StageSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(_REGISTRY)}") from None


def data_stages() -> tuple[StageSpec, ...]:
    """The stages that need CAMeL data, in chain order."""
    return tuple(s for s in _REGISTRY.values() if s.data is not None)


def chain(stages: Iterable[StageSpec] | None = None) -> tuple[StageSpec, ...]:
    """The stages that can run here, in order: every stage whose data (if any) is installed.

    A stage that cannot run is left out entirely (no extra hop); its output field stays null
    and provenance says why.
    """
    return tuple(s for s in (all_stages() if stages is None else stages) if s.available())


def output_topic(settings: Settings, chain_: tuple[StageSpec, ...], stage: str) -> str:
    """Where ``stage`` sends its records: its own output, the next stage's input, or the end."""
    names = [s.name for s in chain_]
    position = names.index(stage)
    own = chain_[position].output_topic
    if own is not None:
        return own.format(name=stage, **settings.model_dump())
    if position + 1 < len(chain_):
        return chain_[position + 1].topic(settings)
    return settings.topic_enriched


def stages_help() -> str:
    """The ``--stages`` help text: every stage, with what it does."""
    return "; ".join(
        f"{s.name}: {s.description}" if s.description else s.name for s in all_stages()
    )
