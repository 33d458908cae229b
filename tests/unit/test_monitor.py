"""Monitoring arithmetic: exact counts under re-delivery, merging workers' copies, summaries."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams import monitor

RUNS = [
    {"name": "dates", "status": "ok"},
    {"name": "countries", "status": "skipped"},
    {"name": "quotes", "status": "failed"},
]


def _deliver(offsets: list[int], *, final: bool = False) -> dict[str, Any] | None:
    value: dict[str, Any] | None = None
    for offset in offsets:
        delivery = monitor.Delivery(latency_ms=offset * 10.0) if final else None
        updated = monitor.count_hop(value, offset=offset, runs=RUNS, now=1000.0, delivery=delivery)
        value = updated if updated is not None else value
    return value


def test_a_hop_counts_each_stage_run_by_status() -> None:
    value = _deliver([0, 1, 2])
    assert value is not None
    assert value["offset"] == 2 and value["events"] == 3 and value["forwarded"] == 3
    assert value["stages"] == {
        "dates": {"ok": 3, "skipped": 0, "failed": 0},
        "countries": {"ok": 0, "skipped": 3, "failed": 0},
        "quotes": {"ok": 0, "skipped": 0, "failed": 3},
    }


def test_a_redelivered_offset_is_not_counted_again() -> None:
    value = _deliver([0, 1, 2])
    assert monitor.count_hop(value, offset=2, runs=RUNS, now=1.0) is None
    assert monitor.count_hop(value, offset=1, runs=RUNS, now=1.0) is None
    assert monitor.count_dead_letter(value, offset=0, error_type="x", now=1.0) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=6), st.randoms())
def test_replays_after_restarts_never_change_the_count(
    segment_lengths: list[int], rng: random.Random
) -> None:
    # At-least-once: after each "restart" the consumer resumes from some earlier offset.
    offsets: list[int] = []
    end = 0
    for length in segment_lengths:
        start = rng.randint(0, end) if end else 0
        offsets.extend(range(start, end + length))
        end += length
    value = _deliver(offsets)
    assert value is not None
    assert value["events"] == end
    assert value["stages"]["dates"]["ok"] == end


def test_dead_letters_are_counted_by_reason_and_as_events() -> None:
    value = monitor.count_dead_letter(None, offset=4, error_type="invalid_utf8", now=1.0)
    value = monitor.count_dead_letter(value, offset=5, error_type="invalid_utf8", now=1.0)
    value = monitor.count_hop(value, offset=6, runs=RUNS, now=1.0)
    assert value is not None
    assert value["deadletter"] == {"invalid_utf8": 2}
    assert value["events"] == 3 and value["forwarded"] == 1


def test_the_last_hop_keeps_latency_sources_dialects_and_duplicates() -> None:
    record = {
        "structure": {"source": "رويترز"},
        "duplicate_of": "a-1",
        "dialect": {"label": "MSA", "scores": []},
    }
    delivery = monitor.delivery_of(record, latency_ms=120.0)
    value = monitor.count_hop(None, offset=0, runs=[], now=5.0, delivery=delivery)
    assert value is not None
    assert value["enriched"] == 1 and value["duplicates"] == 1
    assert value["sources"] == {"رويترز": 1} and value["dialects"] == {"MSA": 1}
    assert value["latency"]["counts"][monitor.latency_bucket(120.0)] == 1
    assert value["latency"]["max"] == 120.0


def test_the_value_given_is_never_modified() -> None:
    value = _deliver([0], final=True)
    assert value is not None
    snapshot = repr(value)
    monitor.count_hop(
        value,
        offset=1,
        runs=RUNS,
        now=2000.0,
        delivery=monitor.Delivery(latency_ms=5.0, source="x"),
    )
    monitor.count_dead_letter(value, offset=2, error_type="y", now=2000.0)
    assert repr(value) == snapshot


def test_sources_past_the_cap_are_pooled() -> None:
    value: dict[str, Any] | None = None
    for offset in range(monitor.MAX_SOURCES + 5):
        delivery = monitor.Delivery(latency_ms=1.0, source=f"s{offset}")
        value = monitor.count_hop(value, offset=offset, runs=[], now=1.0, delivery=delivery)
    assert value is not None
    assert len(value["sources"]) == monitor.MAX_SOURCES + 1
    assert value["sources"][monitor.OTHER] == 5


def test_throughput_series_keeps_recent_buckets_only() -> None:
    value = monitor.count_hop(None, offset=0, runs=[], now=1000.0)
    value = monitor.count_hop(value, offset=1, runs=[], now=1005.0)
    value = monitor.count_hop(value, offset=2, runs=[], now=1000.0 + monitor.SERIES_SPAN + 20)
    assert value is not None
    assert list(value["series"].values()) == [[1, 0]]
    assert monitor.count_hop(None, offset=0, runs=[], now=1009.9)["series"] == {"1000": [1, 0]}


def test_keys_carry_their_partition() -> None:
    assert monitor.table_key("segment", 3) == "segment|3"
    assert monitor.key_partition("segment|3") == 3
    assert monitor.key_partition("1712345600|0") == 0
    for bad in ("segment", "segment|", "|3", "segment|x"):
        with pytest.raises(ValueError):
            monitor.key_partition(bad)


def test_merge_takes_the_copy_with_the_highest_offset_whatever_the_order() -> None:
    stale = {"segment|1": {"offset": 4, "events": 5}, "segment|2": {"offset": 9, "events": 10}}
    fresh = {"segment|1": {"offset": 7, "events": 8}}
    for claims in ([stale, fresh], [fresh, stale]):
        merged = monitor.merge_claims(claims)
        assert merged == {
            "segment|1": {"offset": 7, "events": 8},
            "segment|2": {"offset": 9, "events": 10},
        }
    tables = monitor.merge_tables(
        [{"counters-segment": stale}, {"counters-segment": fresh, "trending": {}}]
    )
    assert tables["counters-segment"]["segment|1"]["events"] == 8
    assert tables["trending"] == {}


def test_percentiles_interpolate_inside_buckets_and_respect_the_maximum() -> None:
    counts = [0] * (len(monitor.LATENCY_BOUNDS_MS) + 1)
    counts[3] = 10  # 50 < latency <= 100 ms
    assert monitor.percentile(counts, 0.5) == 75.0
    assert monitor.percentile(counts, 0.5, ceiling=60.0) == 60.0
    assert monitor.percentile([0] * len(counts), 0.5) is None
    overflow = [0] * len(counts)
    overflow[-1] = 1
    assert monitor.percentile(overflow, 0.99) == monitor.LATENCY_BOUNDS_MS[-1]
    assert monitor.percentile(overflow, 0.99, ceiling=400_000.0) == 400_000.0


def test_summary_sums_partitions_and_orders_by_chain() -> None:
    now = 10_000.0
    counters: dict[str, Any] = {}
    for partition, offsets in enumerate(([0, 1, 2], [0, 1])):
        value = None
        for offset in offsets:
            value = monitor.count_hop(
                value, offset=offset, runs=[{"name": "segment", "status": "ok"}], now=now
            )
        counters[f"segment|{partition}"] = value
        enriched = None
        for offset in offsets:
            enriched = monitor.count_hop(
                enriched,
                offset=offset,
                runs=RUNS,
                now=now,
                delivery=monitor.Delivery(latency_ms=80.0, source="a", duplicate=offset == 0),
            )
        counters[f"enrich|{partition}"] = enriched
    counters["enrich|1"] = monitor.count_dead_letter(
        counters["enrich|1"], offset=5, error_type="schema_violation", now=now
    )
    stats = monitor.summarize_counters(counters, now=now, order=("segment", "enrich"))
    assert list(stats["stages"]) == ["segment", "dates", "countries", "quotes"]
    assert stats["stages"]["segment"] == {"processed": 5, "ok": 5, "skipped": 0, "failed": 0}
    assert stats["stages"]["quotes"]["failed"] == 5
    assert stats["agents"]["enrich"] == {"processed": 6, "forwarded": 5, "deadletter": 1}
    assert stats["deadletter"]["by_reason"] == {"schema_violation": 1}
    assert stats["enriched"] == 5 and stats["duplicates"] == 2 and stats["sources"] == {"a": 5}
    # Five values of 80 ms in the 50-100 bucket: the interpolated median is 75.
    assert stats["latency_ms"]["count"] == 5 and stats["latency_ms"]["p50"] == 75.0
    assert stats["latency_ms"]["p99"] == 80.0 and stats["latency_ms"]["max"] == 80.0
    assert stats["throughput"]["events"]["segment"][-1] == 5
    assert stats["throughput"]["deadletter"][-1] == 1


def test_trending_counts_articles_per_term_and_trims_past_the_cap() -> None:
    record = {
        "entities": [{"text": "الرياض"}, {"text": "الرياض"}, {"text": "واس"}],
        "countries": [{"code": "SA", "mentions": 3}],
    }
    entities, countries = monitor.trending_terms(record)
    assert entities == ["الرياض", "واس"] and countries == ["SA"]
    value = monitor.count_trending(None, offset=0, entities=entities, countries=countries)
    value = monitor.count_trending(value, offset=1, entities=["الرياض"], countries=[])
    assert value == {
        "offset": 1,
        "articles": 2,
        "entities": {"الرياض": 2, "واس": 1},
        "countries": {"SA": 1},
    }
    assert monitor.count_trending(value, offset=1, entities=["x"], countries=[]) is None
    many = monitor.count_trending(
        value, offset=2, entities=[f"e{i}" for i in range(monitor.MAX_TERMS)], countries=[]
    )
    assert many is not None and len(many["entities"]) <= monitor.MAX_TERMS
    assert many["entities"]["الرياض"] == 2


def test_windows_and_their_retirement() -> None:
    size = 3600
    assert monitor.window_start(7300.5, size) == 7200
    keys = ["0|1", "3600|1", "7200|1", "0|2", "segment|1"]
    assert monitor.stale_windows(keys, 1, 7200, size) == ["0|1"]
    trending = {
        "7200|0": {"offset": 3, "articles": 2, "entities": {"a": 2}, "countries": {"SA": 1}},
        "7200|1": {"offset": 1, "articles": 1, "entities": {"a": 1, "b": 1}, "countries": {}},
        "3600|1": {"offset": 0, "articles": 5, "entities": {"c": 5}, "countries": {}},
    }
    summary = monitor.summarize_trending(trending, now=7300.0, size=size)
    current, previous = summary["windows"]
    assert current["start"] == 7200 and current["articles"] == 3
    assert current["entities"] == [["a", 3], ["b", 1]] and current["countries"] == [["SA", 1]]
    assert previous["articles"] == 5


def test_a_counters_value_has_a_fixed_maximum_size_whatever_the_sources() -> None:
    value = None
    for offset in range(1000):
        # 900 KB sources, each distinct (the twenty articles, fifty times over).
        source = f"{offset:04d}" + "😀" * 225_000
        delivery = monitor.Delivery(latency_ms=5.0, source=source, dialect="MSA")
        value = monitor.count_hop(value, offset=offset, runs=[], now=1000.0, delivery=delivery)
    assert value is not None
    assert len(value["sources"]) == monitor.MAX_SOURCES + 1  # and OTHER
    assert all(len(name) <= monitor.MAX_LABEL_CHARS for name in value["sources"])
    assert value["sources"][monitor.OTHER] == 1000 - monitor.MAX_SOURCES
    assert len(orjson.dumps(value)) < 64 * 1024


def test_a_trending_value_has_a_fixed_maximum_size_whatever_the_entities() -> None:
    value = None
    for offset in range(50):
        record = {
            "entities": [{"text": f"{offset}-{i}-" + "ع" * 5000} for i in range(100)],
            "countries": [{"code": f"{offset}-{i}" * 100} for i in range(100)],
        }
        entities, countries = monitor.trending_terms(record)
        value = monitor.count_trending(value, offset=offset, entities=entities, countries=countries)
    assert value is not None
    assert len(value["entities"]) <= monitor.MAX_TERMS
    assert len(value["countries"]) <= monitor.MAX_COUNTRIES
    assert all(len(term) <= monitor.MAX_LABEL_CHARS for term in value["entities"])
    assert len(orjson.dumps(value)) < 128 * 1024


def test_a_short_label_is_kept_whole() -> None:
    assert monitor.label("  رويترز ") == "رويترز"
    assert monitor.label("x" * 100) == "x" * 63 + "…"
