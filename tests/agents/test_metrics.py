"""Faust's Prometheus sensors, made cheaper per event, export what they exported before."""

from __future__ import annotations

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
