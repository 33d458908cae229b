"""Faust's Prometheus sensors, made cheaper per event, export what they exported before."""

from __future__ import annotations

from typing import Any

from prometheus_client import generate_latest

from streams.app import StreamsApp


def _sample(app: StreamsApp, name: str, **labels: str) -> float | None:
    return app.wiring.registry.get_sample_value(name, labels)  # type: ignore[no-any-return]


def test_labelled_sensors_reuse_one_child_per_label_set(app: StreamsApp) -> None:
    metrics = app.monitor._metrics  # type: ignore[attr-defined]
    counter = metrics.messages_received_per_topics
    assert counter.labels(topic="t-metrics") is counter.labels(topic="t-metrics")
    before = _sample(app, "faust_messages_received_per_topic_total", topic="t-metrics") or 0.0
    counter.labels(topic="t-metrics").inc()
    counter.labels(topic="t-metrics").inc()
    assert _sample(app, "faust_messages_received_per_topic_total", topic="t-metrics") == before + 2
    table_ops = metrics.table_operations
    table_ops.labels(table="table.x", operation="keys_updated").inc()
    page = generate_latest(app.wiring.registry).decode()
    assert 'faust_table_operations_total{operation="keys_updated",table="table.x"} 1.0' in page


async def test_hop_counters_are_exported(app: StreamsApp, sent: dict[str, list[Any]]) -> None:
    stats = app.wiring.stats
    before = _sample(app, "streams_produced_at_rejected_total") or 0.0
    async with app.wiring.agents["segment"].test_context() as agent:
        await agent.put("خبر صالح.".encode(), key=b"h", headers={"x-produced-at-ms": b"not a time"})
    assert [m["key"] for m in sent["segmented"]] == [b"h"]
    assert _sample(app, "streams_produced_at_rejected_total") == before + 1
    stats.add("dropped_unsendable")
    assert (_sample(app, "streams_dropped_unsendable_total") or 0) >= 1
