"""streams bench overhead on the real broker, tiny: every mode completes, the budget has a
figure per component py-spy saw (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.bench import budget, overhead

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_overhead_runs_every_mode_and_the_budget(broker: str, tmp_path: Path) -> None:
    said: list[str] = []
    result = overhead.run_overhead(
        articles=12,
        repeats=1,
        kinds=["faust"],
        workers=[1],
        budget_articles=60,
        broker_url=broker,
        out_dir=tmp_path / "spy",
        progress=said.append,
        variants=[("linger5", {"STREAMS_PRODUCER_LINGER_MS": "5"})],
        split=True,
        broker_warmup=12,
    )
    assert result["in_process"]["articles_per_s"] > 0
    for name in ("faust-1", "faust-split", "faust-1-linger5"):
        runs = result["modes"][name]["runs"]
        assert runs and all(r["complete"] and r["received"] == 12 for r in runs), name
        assert result["modes"][name]["ratio_to_in_process"] > 0
    assert "latency" in result["modes"]["faust-1"]
    spent = result["budget"]["components_ms"]
    assert budget.IDLE not in spent
    assert sum(spent.values()) == pytest.approx(result["budget"]["worker_cpu_ms_per_article"])
    assert spent.get("stage work", 0) > 0
    assert any("faust-1-linger5" in line for line in overhead.lines(result))
