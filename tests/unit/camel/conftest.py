"""Fixtures for the CAMeL stage tests: tiny data directories and a subprocess runner.

Why subprocesses: camel_tools reads ``$CAMELTOOLS_DATA`` when ``camel_tools.data`` is first
imported and keeps that catalogue for the life of the process. Other tests in the same pytest
process may import camel_tools first (with another data directory, or none), so setting the
variable in-process would be order-dependent. Every test that needs camel_tools to read our
fixture data therefore runs ``_driver.py`` in a fresh interpreter with the variable set; tests
that only need the "data absent" path run in-process, because our loaders check the disk and
raise before importing any camel_tools data module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import camel_data

REPO = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("_driver.py")
FIXTURE_SCRIPT = Path(camel_data.__file__)


def _env(data: Path) -> dict[str, str]:
    env = {**os.environ, "CAMELTOOLS_DATA": str(data), "PYTHONWARNINGS": "ignore"}
    # Keep the fixture runs off the GPU and quiet.
    env.update({"CUDA_VISIBLE_DEVICES": "", "TRANSFORMERS_VERBOSITY": "error"})
    return env


def run_driver(scenario: str, data: Path, payload: Any = None, timeout: float = 240) -> Any:
    """Run one _driver.py scenario with CAMELTOOLS_DATA=data and return its JSON output."""
    proc = subprocess.run(
        [sys.executable, str(DRIVER), scenario],
        input=json.dumps(payload or {}, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_env(data),
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"driver {scenario} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def build_data(root: Path, *parts: str, timeout: float = 300) -> Path:
    """Write fixture data in a subprocess (the BERT and dialect parts import torch/camel)."""
    proc = subprocess.run(
        [sys.executable, str(FIXTURE_SCRIPT), str(root), *parts],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_env(root),
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"building fixture data {parts} failed:\n{proc.stderr[-4000:]}")
    return root


@pytest.fixture(scope="session")
def morph_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Catalogue + morphology DB + MLE model (plain files; built in-process)."""
    return camel_data.build(tmp_path_factory.mktemp("camel-morph"), ["morphology"])


@pytest.fixture(scope="session")
def dialect_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data(tmp_path_factory.mktemp("camel-dialect"), "dialect")


@pytest.fixture(scope="session")
def bert_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data(tmp_path_factory.mktemp("camel-bert"), "ner", "sentiment")


@pytest.fixture
def empty_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CAMELTOOLS_DATA pointing at an empty directory, in this process."""
    root = tmp_path / "camel-empty"
    root.mkdir()
    monkeypatch.setenv("CAMELTOOLS_DATA", str(root))
    return root
