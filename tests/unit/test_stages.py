"""The stage registry is the one list of stages: a new entry reaches the chain, the settings,
the CLI help, the hop's topics and the Faust app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from streams import stages
from streams.cli import main
from streams.hop import in_process, through_chain
from streams.nlp.camel import data as camel_data
from streams.pipeline import Resources, StageContext, data_chain, run_chain
from streams.settings import SettingsError, from_env
from tests.unit.test_hop import incoming


def word_count(record: Any, resources: Resources, context: StageContext) -> Any:
    """A toy stage: counts the words of the clean text into ``meta``."""
    out = dict(record)
    out["meta"] = {**record["meta"], "words": str(len(record["text"]["clean"].split()))}
    return out


@pytest.fixture
def toy_stage() -> Iterator[stages.StageSpec]:
    spec = stages.register(
        stages.StageSpec(
            "wordcount", f"{__name__}:word_count", description="count the words (a toy)"
        )
    )
    try:
        yield spec
    finally:
        stages.unregister("wordcount")


def test_the_builtin_chain_order_and_topics() -> None:
    settings = from_env({})
    names = stages.stage_names()
    assert names == ("segment", "enrich", "morphology", "ner", "dialect", "sentiment")
    topics = {spec.name: spec.topic(settings) for spec in stages.all_stages()}
    assert topics["segment"] == "articles.raw" and topics["enrich"] == "articles.segmented"
    assert topics["ner"] == "articles.enriched.pending-ner"
    chain = tuple(stages.spec(n) for n in ("segment", "enrich", "ner"))
    assert stages.output_topic(settings, chain, "segment") == "articles.segmented"
    assert stages.output_topic(settings, chain, "enrich") == "articles.enriched.pending-ner"
    assert stages.output_topic(settings, chain, "ner") == "articles.enriched"


def test_every_data_requirement_is_in_the_camel_data_map() -> None:
    # One list: the registry names the requirement, nlp.camel.data says what it needs on disk.
    for spec in stages.data_stages():
        assert spec.data in camel_data.STAGES
        assert spec.model is not None
    assert set(camel_data.STAGES) - {s.data for s in stages.data_stages()} == {"clitics"}


def test_a_registered_stage_joins_the_chain_settings_and_cli_help(
    toy_stage: stages.StageSpec, tmp_path: Path, samples: list[Any]
) -> None:
    assert stages.stage_names()[-1] == "wordcount"
    assert data_chain()[-1] == "wordcount"
    # Settings accept it by name (and refuse what is not registered).
    assert from_env({"STREAMS_STAGES": "wordcount"}).stages == ("wordcount",)
    with pytest.raises(SettingsError, match="wordcount"):
        from_env({"STREAMS_STAGES": "wordcounts"})
    help_text = CliRunner().invoke(main, ["worker", "--help"]).output
    assert "wordcount" in " ".join(help_text.split())
    # The chain in-process and the hop both run it, last, on its own topic.
    resources = Resources(chain=("wordcount",))
    record = run_chain(samples[0], resources)
    assert record["meta"]["words"] == str(len(record["text"]["clean"].split()))
    hop = in_process(from_env({}), resources)
    assert hop.topics[-1] == "articles.enriched.pending-wordcount"
    assert hop.route("enrich").output == "articles.enriched.pending-wordcount"


async def test_a_registered_stage_runs_in_the_hop(toy_stage: stages.StageSpec) -> None:
    hop = in_process(from_env({}), Resources(chain=("wordcount",)))
    value = orjson.dumps({"id": "a", "text": "خبر قصير"})
    outcome = await through_chain(hop, incoming(value))
    assert outcome is not None and outcome.error is None and outcome.stage == "wordcount"
    assert outcome.record["meta"]["words"] == "2"


def test_a_registered_stage_gets_its_agent_topic_and_table(
    toy_stage: stages.StageSpec, tmp_path: Path
) -> None:
    from streams.app import build_app

    app = build_app(
        from_env({"STREAMS_DATA_DIR": str(tmp_path)}), resources=Resources(chain=("wordcount",))
    )
    wiring = app.wiring
    assert wiring.chain_names == ("segment", "enrich", "wordcount")
    assert set(wiring.agents) == {"segment", "enrich", "wordcount"}
    assert wiring.inputs["wordcount"].get_topic_name() == "articles.enriched.pending-wordcount"
    assert "counters-wordcount" in wiring.tables and wiring.trending is not None
