"""Monitoring arithmetic over plain JSON values: table updates, merges, summaries.

No Kafka here. :mod:`streams.tally` applies these functions to the Faust tables; the web views
(:mod:`streams.web`) merge what every worker holds and summarise it.

Every table key ends with the source partition it is written from (``"segment|3"``,
``"1712345600|3"``), so a key always lives in one changelog partition. Each value carries
``offset``, the last source offset it has counted: an update for an offset at or below it is a
re-delivery (after a restart or a crash, at-least-once) and is not counted again. That makes
the counters exact, and it also settles which copy of a key is current when two workers report
it (a stale copy left behind by a rebalance, a standby replica): the higher offset.

Value of a stage-counter key (one per agent and source partition)::

    {"offset": 41, "events": 12, "forwarded": 11,
     "stages": {"dates": {"ok": 11, "skipped": 1, "failed": 0}, ...},
     "deadletter": {"schema_violation": 1},
     "series": {"1712345670": [4, 1], ...},           # 10 s buckets: events, dead letters
     # only in the agent that sends to articles.enriched:
     "enriched": 11, "duplicates": 1, "sources": {"رويترز": 3}, "dialects": {"MSA": 9},
     "latency": {"counts": [0, 2, ...], "sum": 5120.5, "max": 900.1}}

Value of a trending key (one per tumbling window and source partition)::

    {"offset": 41, "articles": 11, "entities": {"الرياض": 3}, "countries": {"SA": 4}}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

Value = dict[str, Any]

# Upper bounds (ms) of the produce-to-enriched latency buckets; one overflow bucket follows.
LATENCY_BOUNDS_MS: tuple[float, ...] = (
    10,
    25,
    50,
    100,
    250,
    500,
    1000,
    2500,
    5000,
    10_000,
    30_000,
    60_000,
    300_000,
)
SERIES_STEP = 10  # seconds per throughput bucket
SERIES_SPAN = 600  # seconds of throughput history each value keeps
MAX_SOURCES = 200  # distinct sources kept per key; more are counted under OTHER
MAX_TERMS = 300  # distinct entities kept per trending key (the rarest dropped beyond that)
MAX_COUNTRIES = 300  # distinct country codes kept per trending key
# Labels (sources, dialects, entities, countries) come from the producer's fields and text:
# each is cut to this many characters, so with the caps above a table value has a fixed
# maximum size (~60 KB for a counters value, ~80 KB for a trending value, whatever the input).
MAX_LABEL_CHARS = 64
OTHER = "(other)"
STATUSES = ("ok", "skipped", "failed")


def table_key(name: str | int, partition: int) -> str:
    """``"segment|3"``: the source partition is always the last part."""
    return f"{name}|{partition}"


def key_partition(key: str) -> int:
    """The source partition of a table key; ValueError when the key is not ours."""
    head, sep, tail = key.rpartition("|")
    if not sep or not head or not tail.isdigit():
        raise ValueError(f"not a monitoring key: {key!r} (expected NAME|PARTITION)")
    return int(tail)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the monitor keeps of an article leaving the chain for articles.enriched."""

    latency_ms: float
    source: str | None = None
    duplicate: bool = False
    dialect: str | None = None


def delivery_of(record: Mapping[str, Any], latency_ms: float) -> Delivery:
    dialect = record.get("dialect")
    return Delivery(
        latency_ms=max(0.0, latency_ms),
        source=(record.get("structure") or {}).get("source"),
        duplicate=bool(record.get("duplicate_of")),
        dialect=dialect.get("label") if isinstance(dialect, Mapping) else None,
    )


def _fresh(value: Mapping[str, Any] | None, offset: int) -> bool:
    return value is None or offset > int(value.get("offset", -1))


def _bump_series(series: Mapping[str, Sequence[int]], now: float, dead: int) -> dict[str, list]:
    bucket = int(now // SERIES_STEP * SERIES_STEP)
    oldest = bucket - SERIES_SPAN
    kept = {k: list(v) for k, v in series.items() if int(k) > oldest}
    counts = kept.setdefault(str(bucket), [0, 0])
    counts[0] += 1
    counts[1] += dead
    return kept


def label(name: str) -> str:
    """A monitoring label: at most :data:`MAX_LABEL_CHARS` characters, surrounding space gone."""
    name = name.strip()
    return name if len(name) <= MAX_LABEL_CHARS else name[: MAX_LABEL_CHARS - 1] + "…"


def _bump_capped(counts: Mapping[str, int], name: str, cap: int) -> dict[str, int]:
    out = dict(counts)
    name = label(name)
    if name not in out and len(out) >= cap:
        name = OTHER
    out[name] = out.get(name, 0) + 1
    return out


def latency_bucket(latency_ms: float) -> int:
    for index, bound in enumerate(LATENCY_BOUNDS_MS):
        if latency_ms <= bound:
            return index
    return len(LATENCY_BOUNDS_MS)


def _add_delivery(value: Value, delivery: Delivery) -> None:
    value["enriched"] = value.get("enriched", 0) + 1
    value["duplicates"] = value.get("duplicates", 0) + int(delivery.duplicate)
    value["sources"] = _bump_capped(
        value.get("sources", {}), delivery.source or "(unknown)", MAX_SOURCES
    )
    if delivery.dialect:
        value["dialects"] = _bump_capped(value.get("dialects", {}), delivery.dialect, MAX_SOURCES)
    latency = value.get("latency") or {"counts": [0] * (len(LATENCY_BOUNDS_MS) + 1), "sum": 0.0}
    counts = list(latency["counts"])
    counts[latency_bucket(delivery.latency_ms)] += 1
    value["latency"] = {
        "counts": counts,
        "sum": round(latency["sum"] + delivery.latency_ms, 3),
        "max": round(max(latency.get("max", 0.0), delivery.latency_ms), 3),
    }


def _base(value: Mapping[str, Any] | None, offset: int, now: float, dead: int) -> Value:
    out: Value = dict(value or {})
    out["offset"] = offset
    out["events"] = out.get("events", 0) + 1
    out["series"] = _bump_series(out.get("series", {}), now, dead)
    return out


def count_hop(
    value: Mapping[str, Any] | None,
    *,
    offset: int,
    runs: Iterable[Mapping[str, Any]],
    now: float,
    delivery: Delivery | None = None,
) -> Value | None:
    """The stage-counter value after an event that went on; None for a re-delivery."""
    if not _fresh(value, offset):
        return None
    out = _base(value, offset, now, dead=0)
    out["forwarded"] = out.get("forwarded", 0) + 1
    stages = {name: dict(counts) for name, counts in out.get("stages", {}).items()}
    for run in runs:
        counts = stages.setdefault(run["name"], dict.fromkeys(STATUSES, 0))
        counts[run["status"]] = counts.get(run["status"], 0) + 1
    out["stages"] = stages
    if delivery is not None:
        _add_delivery(out, delivery)
    return out


def count_dead_letter(
    value: Mapping[str, Any] | None, *, offset: int, error_type: str, now: float
) -> Value | None:
    """The stage-counter value after an event that was dead-lettered; None for a re-delivery."""
    if not _fresh(value, offset):
        return None
    out = _base(value, offset, now, dead=1)
    reasons = dict(out.get("deadletter", {}))
    reasons[error_type] = reasons.get(error_type, 0) + 1
    out["deadletter"] = reasons
    return out


# --- trending ------------------------------------------------------------------------------


def window_start(timestamp: float, size: int) -> int:
    """Start (epoch seconds) of the tumbling window holding ``timestamp``."""
    return int(timestamp // size * size)


def trending_terms(record: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Distinct entity texts and country codes of an enriched article (each counted once)."""
    entities = sorted({label(e["text"]) for e in record.get("entities") or [] if e.get("text")})
    countries = sorted({label(c["code"]) for c in record.get("countries") or [] if c.get("code")})
    return [e for e in entities if e], countries


def _trim(counts: dict[str, int], cap: int) -> dict[str, int]:
    # Past the cap: drop the rarest terms, keeping room for new ones (never more than cap).
    if len(counts) <= cap:
        return counts
    keep = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: cap * 3 // 4]
    return dict(keep)


def count_trending(
    value: Mapping[str, Any] | None,
    *,
    offset: int,
    entities: Iterable[str],
    countries: Iterable[str],
) -> Value | None:
    """The trending value of one window after an article; None for a re-delivery."""
    if not _fresh(value, offset):
        return None
    out: Value = dict(value or {})
    out["offset"] = offset
    out["articles"] = out.get("articles", 0) + 1
    terms = dict(out.get("entities", {}))
    for entity in entities:
        terms[entity] = terms.get(entity, 0) + 1
    out["entities"] = _trim(terms, MAX_TERMS)
    codes = dict(out.get("countries", {}))
    for code in countries:
        codes[code] = codes.get(code, 0) + 1
    out["countries"] = _trim(codes, MAX_COUNTRIES)
    return out


def stale_windows(keys: Iterable[str], partition: int, current: int, size: int) -> list[str]:
    """Trending keys of ``partition`` older than the previous window: to delete."""
    stale = []
    for key in keys:
        head, _, tail = key.rpartition("|")
        if tail == str(partition) and head.isdigit() and int(head) < current - size:
            stale.append(key)
    return stale


# --- merging and summaries -----------------------------------------------------------------


def merge_claims(claims: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, Value]:
    """One value per key out of several workers' copies: the one with the highest offset."""
    merged: dict[str, Value] = {}
    for claim in claims:
        for key, value in claim.items():
            if not isinstance(value, Mapping):
                continue
            held = merged.get(key)
            if held is None or int(value.get("offset", -1)) > int(held.get("offset", -1)):
                merged[key] = dict(value)
    return merged


def merge_tables(
    reports: Iterable[Mapping[str, Mapping[str, Mapping[str, Any]]]],
) -> dict[str, dict[str, Value]]:
    """Several workers' ``{table: {key: value}}`` copies merged table by table."""
    claims: dict[str, list[Mapping[str, Mapping[str, Any]]]] = {}
    for tables in reports:
        for name, items in tables.items():
            claims.setdefault(name, []).append(items)
    return {name: merge_claims(copies) for name, copies in claims.items()}


def percentile(counts: Sequence[int], q: float, *, ceiling: float | None = None) -> float | None:
    """The ``q`` quantile (0-1) of a latency histogram, interpolated inside its bucket.

    ``ceiling``, the largest value observed, caps the estimate; in the overflow bucket it is
    the answer (an upper bound), else that bucket's lower bound.
    """
    total = sum(counts)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    index = 0
    for index, count in enumerate(counts):  # noqa: B007 - the bucket holding the rank
        if count and seen + count >= rank:
            break
        seen += count
    if index >= len(LATENCY_BOUNDS_MS):
        return round(max(LATENCY_BOUNDS_MS[-1], ceiling or 0.0), 1)
    low = LATENCY_BOUNDS_MS[index - 1] if index else 0.0
    high = LATENCY_BOUNDS_MS[index]
    estimate = low + (high - low) * max(0.0, rank - seen) / counts[index]
    if ceiling is not None:
        estimate = min(estimate, ceiling)
    return round(estimate, 1)


def _add_counts(into: dict[str, int], counts: Mapping[str, int]) -> None:
    for name, count in counts.items():
        into[name] = into.get(name, 0) + int(count)


def _top(counts: Mapping[str, int], limit: int) -> list[list[Any]]:
    return [[name, count] for name, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))][
        :limit
    ]


def _in_chain_order(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """Counter keys by agent in chain order, then partition; stages then appear in the order
    the chain runs them (each value lists its stages in provenance order)."""
    rank = {name: index for index, name in enumerate(order)}

    def position(key: str) -> tuple[int, str, int]:
        agent, _, partition = key.rpartition("|")
        return (rank.get(agent, len(rank)), agent, int(partition) if partition.isdigit() else 0)

    return sorted(keys, key=position)


def summarize_counters(
    counters: Mapping[str, Mapping[str, Any]],
    *,
    now: float,
    order: Sequence[str] = (),
    span: int = 300,
) -> dict[str, Any]:
    """Totals over every partition: stages, agents, dead letters, latency, throughput."""
    stages: dict[str, dict[str, int]] = {}
    agents: dict[str, dict[str, int]] = {}
    by_reason: dict[str, int] = {}
    sources: dict[str, int] = {}
    dialects: dict[str, int] = {}
    latency_counts = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    latency_sum, latency_max = 0.0, 0.0
    enriched = duplicates = 0
    last_bucket = int(now // SERIES_STEP * SERIES_STEP)
    buckets = [last_bucket - SERIES_STEP * i for i in range(span // SERIES_STEP - 1, -1, -1)]
    events_series: dict[str, list[int]] = {}
    dead_series = [0] * len(buckets)
    index_of = {str(b): i for i, b in enumerate(buckets)}
    for key in _in_chain_order(counters, order):
        value = counters[key]
        agent = key.rpartition("|")[0]
        totals = agents.setdefault(agent, {"processed": 0, "forwarded": 0, "deadletter": 0})
        dead = sum(int(n) for n in value.get("deadletter", {}).values())
        totals["processed"] += int(value.get("events", 0))
        totals["forwarded"] += int(value.get("forwarded", 0))
        totals["deadletter"] += dead
        _add_counts(by_reason, value.get("deadletter", {}))
        for name, counts in value.get("stages", {}).items():
            into = stages.setdefault(name, {"processed": 0, **dict.fromkeys(STATUSES, 0)})
            for status, count in counts.items():
                into[status] = into.get(status, 0) + int(count)
                into["processed"] += int(count)
        series = events_series.setdefault(agent, [0] * len(buckets))
        for bucket, (events, dead_letters) in value.get("series", {}).items():
            position = index_of.get(bucket)
            if position is not None:
                series[position] += int(events)
                dead_series[position] += int(dead_letters)
        enriched += int(value.get("enriched", 0))
        duplicates += int(value.get("duplicates", 0))
        _add_counts(sources, value.get("sources", {}))
        _add_counts(dialects, value.get("dialects", {}))
        latency = value.get("latency")
        if latency:
            latency_counts = [
                a + int(b) for a, b in zip(latency_counts, latency["counts"], strict=True)
            ]
            latency_sum += float(latency.get("sum", 0.0))
            latency_max = max(latency_max, float(latency.get("max", 0.0)))
    count = sum(latency_counts)
    return {
        "stages": stages,
        "agents": agents,
        "deadletter": {
            "total": sum(by_reason.values()),
            "by_reason": dict(_top(by_reason, 50)),
            "by_agent": {name: totals["deadletter"] for name, totals in agents.items()},
        },
        "enriched": enriched,
        "duplicates": duplicates,
        "sources": dict(_top(sources, 20)),
        "dialects": dict(_top(dialects, 30)),
        "latency_ms": {
            "count": count,
            "mean": round(latency_sum / count, 1) if count else None,
            "p50": percentile(latency_counts, 0.5, ceiling=latency_max),
            "p90": percentile(latency_counts, 0.9, ceiling=latency_max),
            "p99": percentile(latency_counts, 0.99, ceiling=latency_max),
            "max": round(latency_max, 1) if count else None,
            "bounds": list(LATENCY_BOUNDS_MS),
            "counts": latency_counts,
        },
        "throughput": {
            "step": SERIES_STEP,
            "start": buckets[0],
            "events": events_series,
            "deadletter": dead_series,
        },
    }


def summarize_trending(
    trending: Mapping[str, Mapping[str, Any]], *, now: float, size: int, limit: int = 15
) -> dict[str, Any]:
    """The current and the previous tumbling window, summed over partitions."""
    current = window_start(now, size)
    windows = []
    for start in (current, current - size):
        articles = 0
        entities: dict[str, int] = {}
        countries: dict[str, int] = {}
        for key, value in trending.items():
            head = key.rpartition("|")[0]
            if head != str(start):
                continue
            articles += int(value.get("articles", 0))
            _add_counts(entities, value.get("entities", {}))
            _add_counts(countries, value.get("countries", {}))
        windows.append(
            {
                "start": start,
                "end": start + size,
                "articles": articles,
                "entities": _top(entities, limit),
                "countries": _top(countries, limit),
            }
        )
    return {"window_seconds": size, "windows": windows}
