"""Prometheus metrics at ``/metrics``: our table-backed counters and Faust's own sensors.

Faust's ``setup_prometheus_sensors`` installs its monitor and serves ``/metrics`` from the
registry we give it; our collector is registered in that same registry, so there is one route
and one page. A worker exports the counters of the partitions it holds active, labelled with
the partition: summing a metric over all workers gives the cluster total (copies that a worker
still holds for partitions it gave away are left out).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from .. import monitor
from . import cluster

if TYPE_CHECKING:
    from ..app import StreamsApp

logger = logging.getLogger(__name__)

PREFIX = "streams"


def _lag_family(app: StreamsApp) -> GaugeMetricFamily:
    """Highwater minus the next offset to process, per input partition held here.

    Only from what Faust's monitor already tracks (end offsets seen in fetches, offsets read
    and committed): nothing here calls the consumer, whose position must be Faust's alone.
    """
    family = GaugeMetricFamily(
        f"{PREFIX}_consumer_lag",
        "Messages in an input partition held here not yet processed",
        labels=["topic", "partition"],
    )
    inputs = {topic for agent in app.agents.values() for topic in agent.channel.topics}
    tracked = app.monitor
    for tp, end in sorted(dict(tracked.tp_end_offsets).items()):
        if tp.topic not in inputs:
            continue
        read = tracked.tp_read_offsets.get(tp)
        committed = tracked.tp_committed_offsets.get(tp)
        following = read + 1 if read is not None else committed
        if following is not None:
            family.add_metric([tp.topic, str(tp.partition)], max(0, end - following))
    return family


def _readiness_families(app: StreamsApp) -> Iterator[Metric]:
    """Readiness, and per agent: its partitions here, whether it runs, how often it crashed;
    per input topic: partitions no member of the group holds (a stalled topic shows here)."""
    state, _ = cluster.readiness_now(app)
    yield GaugeMetricFamily(f"{PREFIX}_ready", "1 when /health answers 200", value=int(state.ready))
    partitions = GaugeMetricFamily(
        f"{PREFIX}_agent_partitions",
        "Input partitions this worker holds for the agent (0: it receives nothing)",
        labels=["agent"],
    )
    running = GaugeMetricFamily(
        f"{PREFIX}_agent_running",
        "1 while the agent runs; 0 when crashed, restarting, stopped or not started",
        labels=["agent"],
    )
    crashes = CounterMetricFamily(
        f"{PREFIX}_agent_crashes",
        "Times the agent crashed and was restarted by Faust's supervisor",
        labels=["agent"],
    )
    unassigned = GaugeMetricFamily(
        f"{PREFIX}_input_partitions_unassigned",
        "Partitions of an input topic assigned to no member of the group",
        labels=["topic"],
    )
    for name, agent in sorted(state.agents.items()):
        partitions.add_metric([name], len(agent["partitions"]))
        running.add_metric([name], int(agent["state"] == "running"))
        crashes.add_metric([name], agent["crashes"])
        for topic in agent["topics"]:
            unassigned.add_metric([topic], len(state.unassigned.get(topic, [])))
    yield from (partitions, running, crashes, unassigned)


class StreamsCollector(Collector):
    """Reads the monitoring tables at scrape time (no second copy of the counters)."""

    def __init__(self, app: StreamsApp) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        stage_runs = CounterMetricFamily(
            f"{PREFIX}_stage_articles",
            "Articles a stage ran on, by outcome (provenance status)",
            labels=["stage", "status", "partition"],
        )
        events = CounterMetricFamily(
            f"{PREFIX}_agent_events",
            "Events an agent handled (forwarded or dead-lettered)",
            labels=["agent", "partition"],
        )
        dead = CounterMetricFamily(
            f"{PREFIX}_deadletters",
            "Events an agent sent to the dead-letter topic, by error type",
            labels=["agent", "reason", "partition"],
        )
        enriched = CounterMetricFamily(
            f"{PREFIX}_enriched_articles",
            "Articles sent to articles.enriched",
            labels=["partition"],
        )
        duplicates = CounterMetricFamily(
            f"{PREFIX}_duplicates",
            "Enriched articles found to duplicate an earlier one",
            labels=["partition"],
        )
        latency = HistogramMetricFamily(
            f"{PREFIX}_end_to_end_latency_ms",
            "Produce time of the raw article to its enriched record, milliseconds",
            labels=["partition"],
        )
        for name in self.app.wiring.tables:
            if not name.startswith("counters-"):
                continue
            for key, value in self._owned(name):
                agent, _, partition = key.rpartition("|")
                self._add(
                    value, agent, partition, stage_runs, events, dead, enriched, duplicates, latency
                )
        yield from (stage_runs, events, dead, enriched, duplicates, latency)
        yield _lag_family(self.app)
        yield from _readiness_families(self.app)
        yield from self._hop_counters()

    def _hop_counters(self) -> Iterator[Metric]:
        # Per worker process (no partition): what the monitoring tables cannot hold.
        counts = self.app.wiring.stats.as_dict()
        yield CounterMetricFamily(
            f"{PREFIX}_dropped_unsendable",
            "Messages for which not even a dead letter could be sent (logged with the offset)",
            value=counts["dropped_unsendable"],
        )
        yield CounterMetricFamily(
            f"{PREFIX}_produced_at_rejected",
            "Raw messages whose x-produced-at-ms header was absent from the broker time window "
            "or unreadable: the broker timestamp was used",
            value=counts["produced_at_rejected"],
        )
        yield from self._duplicate_index()

    def _duplicate_index(self) -> Iterator[Metric]:
        # The index is global: every worker holds all of it, so these are not to be summed.
        index = self.app.wiring.duplicate_index
        yield GaugeMetricFamily(
            f"{PREFIX}_duplicate_index_entries",
            "Articles in the duplicate index held by this worker (bounded by "
            "STREAMS_DUPLICATE_MAX_ENTRIES and STREAMS_DUPLICATE_WINDOW_DAYS)",
            value=len(index),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_duplicate_index_band_keys",
            "LSH band keys this worker derives from the duplicate index, in memory",
            value=len(index.bands),
        )
        yield CounterMetricFamily(
            f"{PREFIX}_duplicate_index_evicted",
            "Entries this worker evicted from the duplicate index (window or count)",
            value=index.evicted,
        )

    def _owned(self, name: str) -> list[tuple[str, Any]]:
        active = cluster.active_partitions(self.app, name)
        table = self.app.wiring.tables[name]
        return [
            (str(key), value)
            for key, value in list(table.items())
            if monitor.key_partition(str(key)) in active
        ]

    @staticmethod
    def _add(
        value: Any,
        agent: str,
        partition: str,
        stage_runs: CounterMetricFamily,
        events: CounterMetricFamily,
        dead: CounterMetricFamily,
        enriched: CounterMetricFamily,
        duplicates: CounterMetricFamily,
        latency: HistogramMetricFamily,
    ) -> None:
        for stage, counts in sorted(value.get("stages", {}).items()):
            for status, count in sorted(counts.items()):
                stage_runs.add_metric([stage, status, partition], count)
        events.add_metric([agent, partition], value.get("events", 0))
        for reason, count in sorted(value.get("deadletter", {}).items()):
            dead.add_metric([agent, reason, partition], count)
        histogram = value.get("latency")
        if histogram is None:
            return
        enriched.add_metric([partition], value.get("enriched", 0))
        duplicates.add_metric([partition], value.get("duplicates", 0))
        cumulative, buckets = 0, []
        bounds = [*(str(float(b)) for b in monitor.LATENCY_BOUNDS_MS), "+Inf"]
        for bound, count in zip(bounds, histogram["counts"], strict=True):
            cumulative += count
            buckets.append((bound, cumulative))
        latency.add_metric([partition], buckets, sum_value=histogram.get("sum", 0.0))


class _LabelledChildren:
    """A labelled metric whose children are looked up once per label set.

    Faust's Prometheus monitor calls ``metric.labels(...)`` several times per event, and
    prometheus_client validates and locks on every call: about 6% of a worker's CPU in the
    streamed benchmark. The children are the same objects, so the exported page is unchanged.
    """

    def __init__(self, metric: Any) -> None:
        self._metric = metric
        self._children: dict[tuple[tuple[str, Any], ...], Any] = {}

    def labels(self, **labels: Any) -> Any:
        key = tuple(labels.items())
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._metric.labels(**labels)
        return child

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)


def _cheaper_sensors(sensors: Any) -> None:
    metrics = sensors._metrics  # a NamedTuple of the metrics
    sensors._metrics = metrics._replace(
        **{
            name: _LabelledChildren(metric)
            for name, metric in metrics._asdict().items()
            if getattr(metric, "_labelnames", ())
        }
    )
    # The stream's label is rebuilt (a regular expression) for every event; streams are few.
    sensors._stream_label = functools.lru_cache(maxsize=256)(sensors._stream_label)


def install(app: StreamsApp) -> CollectorRegistry:
    """Serve ``/metrics`` on ``app`` from a registry of its own (kept on ``app.wiring``).

    Not the process-wide default registry: two apps in one process (tests) would collide, and
    it would add the Python process collectors to a page meant for the pipeline.
    """
    registry = CollectorRegistry()
    setup_prometheus_sensors(app, pattern="/metrics", registry=registry, name_prefix="faust")
    _cheaper_sensors(app.monitor)
    registry.register(StreamsCollector(app))
    app.wiring.registry = registry
    return registry
