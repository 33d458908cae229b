"""The Quix Streams peer of the benchmark on the real broker, in its own venv.

Skipped (with the reason) only when the bench extra cannot be installed on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.bench import processes, quix_env
from streams.settings import get_settings
from tests.integration.conftest import Pipeline
from tests.integration.test_bench import smoke_run

SAMPLES = Path(__file__).parents[2] / "samples" / "articles"
BAD_LINES = [
    b'{"id": "bad-1", "title": 5}',
    b'{"id": "bad-2", "text": ""}',
    b'{"id": "bad-3", "text": 7}',
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quix() -> quix_env.QuixEnv:
    try:
        return quix_env.ensure(get_settings().cache_root)
    except quix_env.QuixUnavailable as exc:
        pytest.skip(f"the bench extra cannot be installed here: {exc}")


def _without_timings(record: dict[str, Any]) -> dict[str, Any]:
    """The record with each stage's run time removed (the only field that may differ)."""
    stages = [{k: v for k, v in run.items() if k != "ms"} for run in record["provenance"]["stages"]]
    return {**record, "provenance": {**record["provenance"], "stages": stages}}


def test_quix_peer_output_equals_streams_enrich(
    quix: quix_env.QuixEnv, pipeline: Pipeline, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(BAD_LINES) + b"\n")
    enrich = subprocess.run(
        [sys.executable, "-m", "streams.cli", "enrich", str(SAMPLES), str(bad)],
        capture_output=True,
        check=True,
        env={**os.environ, **pipeline.env, "PYTHONPATH": str(quix_env.package_parent())},
    )
    expected = [orjson.loads(line) for line in enrich.stdout.splitlines()]
    expected_letters = sorted(
        line.split(": ", 1)[1]
        for line in enrich.stderr.decode().splitlines()
        if "dead letter" in line
    )
    assert len(expected) == 35 and len(expected_letters) == len(BAD_LINES)

    assert pipeline.produce([str(SAMPLES), str(bad)]) == 35 + len(BAD_LINES)
    worker = processes.Worker.launch("quix", pipeline.env, tmp_path / "quix.log")
    try:
        enriched = pipeline.consume(35, timeout=120)
        letters = pipeline.consume(
            len(BAD_LINES), topic=pipeline.settings.topic_deadletter, timeout=60
        )
    finally:
        worker.stop()
    assert worker.process.returncode == 0, worker.tail()

    by_id = {record["id"]: _without_timings(record) for record in enriched}
    assert by_id == {record["id"]: _without_timings(record) for record in expected}
    assert sorted(f"{d['error_type']}: {d['reason']}" for d in letters) == expected_letters
    assert {letter["stage"] for letter in letters} == {"segment"}
    assert {letter["topic"] for letter in letters} == {pipeline.settings.topic_raw}


def test_a_quix_mode_streams_every_article_through_and_measures_it(
    quix: quix_env.QuixEnv, broker: str
) -> None:
    result = smoke_run("quix", broker)
    assert [run["received"] for run in result["runs"]] == [12, 12]
    assert all(run["complete"] and run["dead_letters"] == 0 for run in result["runs"])
    assert result["articles_per_s"] > 0
    assert result["latency"]["complete"] and result["latency"]["count"] >= 1
    assert result["torch_loaded"] is False
