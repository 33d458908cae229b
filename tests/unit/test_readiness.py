"""Readiness from the facts a worker gathers: the reasons name exactly what is missing."""

from __future__ import annotations

from streams.web.readiness import RECENT_CRASH_S, AgentFacts, Crash, CrashLog, assess

NOW = 1_800_000_000.0


def _agent(name: str = "enrich", topic: str = "articles.segmented", **kw: object) -> AgentFacts:
    facts = {"state": "running", "subscribed": True, "partitions": [0, 1, 2, 3], **kw}
    return AgentFacts(name=name, topics=[topic], **facts)  # type: ignore[arg-type]


def _assess(agents: list[AgentFacts], held: dict[str, set[int]] | None = None, **kw: bool):  # type: ignore[no-untyped-def]
    topics = {t for a in agents for t in a.topics}
    held = {t: {0, 1, 2, 3} for t in topics} if held is None else held
    flags = {"rebalancing": False, "recovered": True, **kw}
    return assess(agents, {t: 4 for t in topics}, held, now=NOW, **flags)


def test_ready_when_every_partition_is_held_and_agents_run() -> None:
    state = _assess([_agent(), _agent("segment", "articles.raw")])
    assert state.ready and state.reasons == [] and state.unassigned == {}
    assert state.agents["enrich"]["partitions"] == [0, 1, 2, 3]


def test_a_topic_no_member_holds_is_named() -> None:
    agents = [_agent(partitions=[]), _agent("segment", "articles.raw")]
    state = _assess(agents, {"articles.raw": {0, 1, 2, 3}})
    assert not state.ready
    assert state.reasons == ["articles.segmented: no partitions assigned to any member"]
    assert state.unassigned == {"articles.segmented": [0, 1, 2, 3]}


def test_partitions_held_by_other_members_count_and_gaps_are_listed() -> None:
    # This worker holds none of them, another member holds 0 and 1: 2 and 3 are missing.
    state = _assess([_agent(partitions=[])], {"articles.segmented": {0, 1}})
    assert state.reasons == ["articles.segmented: partition(s) 2, 3 assigned to no member"]


def test_a_topic_missing_from_the_metadata_is_named() -> None:
    state = assess(
        [_agent()], {"articles.segmented": None}, {}, rebalancing=False, recovered=True, now=NOW
    )
    assert state.reasons == [
        "articles.segmented: not in the consumer's metadata (does the topic exist?)"
    ]


def test_crashed_stopped_and_unsubscribed_agents_are_named() -> None:
    crash = Crash(count=1, last_at=NOW - 1, last_error="ValueError: bad header")
    agents = [
        _agent("enrich", state="crashed", crash=crash),
        _agent("segment", "articles.raw", state="stopped"),
        _agent("ner", "articles.enriched.pending-ner", subscribed=False),
    ]
    state = _assess(agents)
    assert state.reasons == [
        "agent enrich: crashed, waiting for its restart (ValueError: bad header)",
        "agent segment: stopped",
        "agent ner: not subscribed to articles.enriched.pending-ner",
    ]
    assert state.agents["enrich"]["crashes"] == 1
    assert state.agents["enrich"]["last_error"] == "ValueError: bad header"


def test_an_agent_that_crashed_recently_counts_as_restarting() -> None:
    recent = Crash(count=3, last_at=NOW - 5, last_error="KeyError: 'x'")
    state = _assess([_agent(crash=recent)])
    assert state.reasons == [
        "agent enrich: restarting, crashed 3 time(s), the last 5s ago (KeyError: 'x')"
    ]
    long_ago = Crash(count=3, last_at=NOW - RECENT_CRASH_S - 1, last_error="KeyError: 'x'")
    state = _assess([_agent(crash=long_ago)])
    assert state.ready and state.agents["enrich"]["crashes"] == 3


def test_rebalancing_and_recovery_are_reasons() -> None:
    state = _assess([_agent()], rebalancing=True, recovered=False)
    assert state.reasons == [
        "the consumer group is rebalancing",
        "table recovery is not complete",
    ]


def test_no_assignment_yet_means_nothing_is_held() -> None:
    state = assess(
        [_agent(partitions=[])],
        {"articles.segmented": 4},
        None,
        rebalancing=False,
        recovered=True,
        now=NOW,
    )
    assert state.reasons == ["articles.segmented: no partitions assigned to any member"]


def test_crash_log_keeps_a_bounded_error_text() -> None:
    log = CrashLog()
    log.record("enrich", ValueError("x" * 10_000), now=NOW)
    log.record("enrich", ValueError("again"), now=NOW + 1)
    crash = log.of("enrich")
    assert crash.count == 2 and crash.last_at == NOW + 1
    assert crash.last_error == "ValueError: again"
    log.record("segment", ValueError("y" * 10_000), now=NOW)
    assert len(log.of("segment").last_error or "") == 200
    assert log.of("never").count == 0
