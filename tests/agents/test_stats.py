"""``/stats`` sums the hop counters (events the tables cannot hold) over every worker."""

from __future__ import annotations

from streams.app import StreamsApp
from streams.web import cluster


def test_stats_sum_the_hop_counters_of_every_worker(app: StreamsApp) -> None:
    app.wiring.stats.add("dropped_unsendable", 2)
    mine = cluster.local_report(app)
    other = {"tables": {}, "hop": {"dropped_unsendable": 1, "produced_at_rejected": 4}}
    gathered = cluster.Gathered(reports=[mine, other], workers=[])
    stats = cluster.summary(app, gathered)
    assert stats["hop"]["dropped_unsendable"] == mine["hop"]["dropped_unsendable"] + 1
    assert stats["hop"]["produced_at_rejected"] == mine["hop"]["produced_at_rejected"] + 4
    assert stats["chain"] == ["segment", "enrich"]
