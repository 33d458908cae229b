"""The CAMeL data-backed stages as their own hops on the real broker, with fixture data in
camel_tools' own formats (the real data cannot be downloaded here). The fixture models are
tiny and random: these tests check the plumbing and the shapes, never accuracy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from streams.stages import data_stages
from tests.conftest import REPO, SAMPLES

from .conftest import Pipeline

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA_STAGES = tuple(spec.name for spec in data_stages())


@pytest.fixture(scope="module")
def camel_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("camel-data")
    subprocess.run(
        [
            sys.executable,
            "tests/fixtures/camel_data.py",
            str(root),
            "morphology",
            "ner",
            "sentiment",
            "dialect",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    return root


def _streams(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_data_status_tells_which_stages_can_run(camel_data: Path, tmp_path: Path) -> None:
    present = orjson.loads(
        _streams("data", "status", "--json", env={"CAMELTOOLS_DATA": str(camel_data)}).stdout
    )
    assert all(present[stage]["available"] for stage in ("clitics", *DATA_STAGES))
    absent = orjson.loads(
        _streams("data", "status", "--json", env={"CAMELTOOLS_DATA": str(tmp_path)}).stdout
    )
    for stage in ("clitics", *DATA_STAGES):
        assert not absent[stage]["available"] and absent[stage]["reason"]


def test_a_worker_asked_for_a_stage_without_data_refuses_clearly(tmp_path: Path) -> None:
    result = _streams("worker", "--stages", "ner", env={"CAMELTOOLS_DATA": str(tmp_path)})
    assert result.returncode == 1
    assert "stage 'ner' cannot run on this machine" in result.stderr


def test_data_stages_run_as_separate_agents_on_their_own_worker(
    pipeline: Pipeline, camel_data: Path
) -> None:
    pipeline.env["CAMELTOOLS_DATA"] = str(camel_data)
    pipeline.env["CUDA_VISIBLE_DEVICES"] = ""
    light = pipeline.start_worker(stages="segment,enrich")
    heavy = pipeline.start_worker(stages=",".join(DATA_STAGES))
    files = [str(p) for p in sorted(SAMPLES.glob("0[1-5]-*.txt"))]
    sent = pipeline.produce(files)
    records = pipeline.consume(limit=sent, timeout=180)
    assert len(records) == sent, light.tail() + heavy.tail()
    for record in records:
        runs = {run["name"]: run for run in record["provenance"]["stages"]}
        assert runs["segment.clitics"]["status"] == "ok"
        assert all(runs[stage]["status"] == "ok" for stage in DATA_STAGES), runs
        # The chain order is the hop order: each data stage ran after enrich, in turn.
        names = [run["name"] for run in record["provenance"]["stages"]]
        assert names[-4:] == list(DATA_STAGES)
        assert record["morphology"] and {"lemma", "pos", "token"} <= set(record["morphology"][0])
        assert record["dialect"]["label"] is not None
        assert record["sentiment"]["label"] in {"positive", "negative", "neutral"}
        clean = record["text"]["clean"]
        for entity in record["entities"]:
            assert clean[entity["start"] : entity["end"]] == entity["text"]
        assert all(
            "segments" in s and set(s["segments"]) == {"d3tok", "atbtok"}
            for s in record["sentences"]
        )
