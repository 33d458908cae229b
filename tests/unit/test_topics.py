"""The topic plan and how a cluster's topic is compared with it (no Kafka here)."""

from __future__ import annotations

import pytest

from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.settings import Settings, SettingsError, from_env
from streams.stages import spec as stage
from streams.topics import (
    ClusterTopic,
    TopicSpec,
    compare,
    describe_plan,
    min_insync_replicas,
    plan,
)

CHAIN = tuple(stage(name) for name in ("segment", "enrich", "morphology", "ner"))
SHORT = tuple(stage(name) for name in ("segment", "enrich"))


def _by_name(specs: list[TopicSpec]) -> dict[str, TopicSpec]:
    return {spec.name: spec for spec in specs}


def test_whole_chain_plans_every_topic_it_reads_or_writes() -> None:
    settings = Settings(app_id="app", partitions=6)
    specs = _by_name(plan(settings, CHAIN))
    assert list(specs) == [
        "articles.raw",
        "articles.segmented",
        "articles.enriched.pending-morphology",
        "articles.enriched.pending-ner",
        "articles.enriched",
        "articles.deadletter",
        "app-counters-segment-changelog",
        "app-counters-enrich-changelog",
        "app-counters-morphology-changelog",
        "app-counters-ner-changelog",
        "app-trending-changelog",
        "app-duplicate-signatures-changelog",
        "app-__assignor-__leader",
    ]
    assert specs["articles.enriched.pending-ner"].purpose == "input of ner"
    assert specs["articles.enriched"].purpose == "output of ner"
    assert not specs["articles.enriched"].read
    assert all(s.partitions == 6 for n, s in specs.items() if not n.endswith("__leader"))
    assert specs["app-__assignor-__leader"].partitions == 1


def test_changelogs_are_compacted_and_data_topics_deleted_with_a_retention() -> None:
    for spec in plan(Settings(app_id="app"), CHAIN):
        assert spec.configs["max.message.bytes"] == str(MAX_MESSAGE_BYTES)
        if spec.name.endswith("-changelog"):
            assert spec.configs["cleanup.policy"] == "compact"
            assert "retention.ms" not in spec.configs
        else:
            assert spec.configs["cleanup.policy"] == "delete"
            assert int(spec.configs["retention.ms"]) > 0


def test_a_stage_selective_worker_plans_its_input_output_and_own_tables() -> None:
    specs = _by_name(plan(Settings(app_id="app"), SHORT, ["enrich"]))
    assert list(specs) == [
        "articles.segmented",
        "articles.enriched",
        "articles.deadletter",
        "app-counters-enrich-changelog",
        "app-trending-changelog",  # enrich is the last stage of this chain
        "app-duplicate-signatures-changelog",
        "app-__assignor-__leader",
    ]
    only_segment = _by_name(plan(Settings(app_id="app"), SHORT, ["segment"]))
    assert "app-trending-changelog" not in only_segment
    assert only_segment["articles.segmented"].purpose == "output of segment"


def test_min_insync_replicas_two_from_replication_three_unless_set() -> None:
    assert min_insync_replicas(Settings(replication_factor=1)) is None
    assert min_insync_replicas(Settings(replication_factor=3)) == 2
    assert min_insync_replicas(Settings(replication_factor=3, min_insync_replicas=3)) == 3
    specs = plan(Settings(replication_factor=3), SHORT)
    assert {s.configs["min.insync.replicas"] for s in specs} == {"2"}
    assert {s.replication_factor for s in specs} == {3}
    assert all("min.insync.replicas" not in s.configs for s in plan(Settings(), SHORT[:1]))


def test_min_insync_replicas_from_the_environment_and_bounded() -> None:
    env = {"STREAMS_REPLICATION_FACTOR": "3", "STREAMS_MIN_INSYNC_REPLICAS": "3"}
    assert from_env(env).min_insync_replicas == 3
    with pytest.raises(SettingsError, match="MIN_INSYNC_REPLICAS"):
        from_env({"STREAMS_MIN_INSYNC_REPLICAS": "2"})


def _spec(**overrides: object) -> TopicSpec:
    raw = _by_name(plan(Settings(app_id="app"), SHORT))["articles.raw"]
    return TopicSpec(**{**raw.__dict__, **overrides})  # type: ignore[arg-type]


def _found(partitions: int = 4, rf: int = 1, **configs: str) -> ClusterTopic:
    return ClusterTopic("articles.raw", partitions, rf, {"cleanup.policy": "delete", **configs})


def test_a_topic_as_planned_has_no_difference() -> None:
    planned = _spec()
    assert compare(planned, _found(**planned.configs)) == []


def test_missing_fewer_partitions_and_other_cleanup_policy_stop_a_worker() -> None:
    planned = _spec()
    (missing,) = compare(planned, None)
    assert missing.fatal and missing.line() == "topic articles.raw: does not exist"
    (fewer,) = compare(planned, _found(partitions=2))
    assert fewer.fatal and "has 2 partitions, the plan 4" in fewer.line()
    (policy,) = compare(planned, _found(**{"cleanup.policy": "compact"}))
    assert policy.fatal
    assert policy.line() == "topic articles.raw: has cleanup.policy=compact, the plan delete"


def test_more_partitions_stop_a_worker_only_on_a_topic_it_reads() -> None:
    (read,) = compare(_spec(), _found(partitions=8))
    assert read.fatal and "co-partitioned" in read.what
    (written,) = compare(_spec(read=False), _found(partitions=8))
    assert not written.fatal


def test_lower_replication_and_other_configs_are_warnings() -> None:
    planned = _spec(replication_factor=3)
    differences = compare(planned, _found(rf=1, **{"max.message.bytes": "1048588"}))
    assert [d.fatal for d in differences] == [False, False]
    assert "replication factor 1, the plan 3" in differences[0].what
    assert differences[1].what == f"has max.message.bytes=1048588, the plan {MAX_MESSAGE_BYTES}"


def test_plan_as_data_names_every_field() -> None:
    (first, *_) = describe_plan(plan(Settings(), SHORT[:1]))
    assert set(first) == {"name", "partitions", "replication_factor", "configs", "purpose"}


def test_a_refused_creation_says_who_can_fix_it() -> None:
    from streams.topics import _creation_problem

    line = _creation_problem("articles.raw", 29, "denied")
    assert line.startswith("topic articles.raw: does not exist and this client may not create")
    assert "TOPIC_AUTHORIZATION_FAILED: denied" in line and "streams topics create" in line
    other = _creation_problem("articles.raw", 37, "Number of partitions must be larger than 0.")
    assert other == (
        "topic articles.raw: the cluster refused to create it "
        "(InvalidPartitionsError: Number of partitions must be larger than 0.)"
    )
