"""What replication costs the pipeline: one Faust worker on a single broker, then on a local
three-node cluster, in one invocation.

The worker's producer sends with acks=all and idempotence either way (``streams.app``). On one
node acks=all is acknowledged by the leader alone; on the cluster every topic the pipeline
owns has replication factor 3 and ``min.insync.replicas`` 2 (``STREAMS_REPLICATION_FACTOR``),
so each produce request also waits for a follower to fetch the batch. Each broker is warmed up
first (a discarded run), then rounds alternate which one goes first; every round starts a fresh
worker on fresh topics and times ``repeats`` runs of distinct articles (articles / (last
enriched read - first send), as ``streams bench overhead``), and the fixed-rate latency at half
the worker's rate. CPU per article is the worker's and the sum over every broker node's.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from typing import Any

from streams.bench import corpus
from streams.bench.overhead import WARMUP
from streams.bench.processes import Broker
from streams.bench.streamed import ModeSpec, run_mode

Progress = Callable[[str], None]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def run_replication(
    *, articles: int, repeats: int, rounds: int, nodes: int, warmup: int, progress: Progress
) -> dict[str, Any]:
    pages = corpus.load_pages()
    warm = corpus.generate(WARMUP, pages=pages)
    per_round = repeats * 2
    slices = [
        corpus.generate(articles, pages=pages, start=WARMUP + i * articles)
        for i in range(rounds * per_round)
    ]
    latency_pool = corpus.generate(
        max(articles, 400), pages=pages, start=WARMUP + len(slices) * articles
    )
    labels = ("1 node", f"{nodes} nodes")
    result: dict[str, Any] = {"articles": articles, "repeats": repeats, "rounds": rounds}
    modes: dict[str, dict[str, Any]] = {label: {"runs": [], "latency": []} for label in labels}
    brokers: dict[str, Broker] = {}
    try:
        for label, count in zip(labels, (1, nodes), strict=True):
            progress(f"starting {label}")
            brokers[label] = broker = Broker.launch(nodes=count)
            if warmup:
                progress(f"  warm-up: one Faust worker, {warmup} articles (not reported)")
                spare = corpus.generate(warmup, pages=pages, prefix=f"warmup-{count}")
                asyncio.run(run_mode(ModeSpec("faust", 1), broker, warm, [spare]))
        for number in range(rounds):
            order = labels if number % 2 == 0 else labels[::-1]
            for position, label in enumerate(order):
                first = (number * 2 + position) * repeats
                progress(f"round {number + 1}: {label}")
                mode = asyncio.run(
                    run_mode(
                        ModeSpec("faust", 1, latency_fraction=0.5),
                        brokers[label],
                        warm,
                        slices[first : first + repeats],
                        latency_pool,
                        progress=progress,
                    )
                )
                modes[label]["runs"].extend(mode["runs"])
                if mode.get("latency"):
                    modes[label]["latency"].append(mode["latency"])
    finally:
        for broker in brokers.values():
            broker.close()
    for mode in modes.values():
        runs = mode["runs"]
        mode["articles_per_s"] = _median([r["articles_per_s"] for r in runs if r["articles_per_s"]])
        mode["worker_cpu_ms_per_article"] = _median([r["worker_cpu_ms_per_article"] for r in runs])
        mode["broker_cpu_ms_per_article"] = _median([r["broker_cpu_ms_per_article"] for r in runs])
        mode["latency_p50_ms"] = _median([lat["p50_ms"] for lat in mode["latency"]])
        mode["latency_p99_ms"] = _median([lat["p99_ms"] for lat in mode["latency"]])
    one, many = (modes[label]["articles_per_s"] for label in labels)
    result["modes"] = modes
    result["throughput_ratio"] = many / one if one and many else None
    return result


def lines(result: dict[str, Any]) -> list[str]:
    out = []
    for label, mode in result["modes"].items():
        rates = ", ".join(f"{r['articles_per_s'] or 0:.0f}" for r in mode["runs"])
        out.append(
            f"{label}: {mode['articles_per_s'] or 0:.1f} articles/s ({rates}); worker CPU "
            f"{mode['worker_cpu_ms_per_article'] or 0:.2f} ms/article, brokers "
            f"{mode['broker_cpu_ms_per_article'] or 0:.2f}; latency at half rate p50 "
            f"{mode['latency_p50_ms'] or 0:.0f} / p99 {mode['latency_p99_ms'] or 0:.0f} ms"
        )
    if result["throughput_ratio"] is not None:
        label = list(result["modes"])[-1]
        out.append(f"{label} / 1 node, throughput: {result['throughput_ratio']:.2f}")
    return out
