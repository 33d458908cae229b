"""streams bench replication, tiny: one broker and a three-node cluster each run the Faust
worker to completion, with topics replicated to every node of the cluster (no timing asserted)."""

from __future__ import annotations

import pytest

from streams.bench import replication

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.cluster]


def test_replication_runs_one_node_and_a_cluster() -> None:
    said: list[str] = []
    result = replication.run_replication(
        articles=12, repeats=1, rounds=1, nodes=3, warmup=0, progress=said.append
    )
    for label in ("1 node", "3 nodes"):
        mode = result["modes"][label]
        assert mode["runs"] and all(r["complete"] and r["received"] == 12 for r in mode["runs"])
        assert mode["broker_cpu_ms_per_article"] > 0
        assert mode["latency_p99_ms"] is not None
    assert result["throughput_ratio"] > 0
    assert any("starting 3 nodes" in line for line in said)
    assert replication.lines(result)[-1].startswith("3 nodes / 1 node")
