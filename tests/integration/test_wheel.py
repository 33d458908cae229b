"""The package as users get it: the wheel, installed with ``--no-deps`` into a fresh virtualenv
that sees the dependencies (a ``.pth`` naming this environment's site-packages, so not the
editable ``streams``), used from a directory outside the clone: ``streams enrich`` on a sample,
and a worker that enriches one message on the test broker."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from streams.kafka_client import ensure_topics
from streams.settings import from_env

from .conftest import Pipeline, WorkerProcess, free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "articles" / "02-cairo-inflation-eases.txt"


def _run(
    args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def _source_copy(target: Path) -> Path:
    """The tracked files of the clone (as in the working tree): the build sees nothing else
    and writes its build/ and egg-info there, not in the clone."""
    listed = _run(["git", "ls-files", "-z"], cwd=REPO).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _source_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build backend (setuptools) comes from this environment, offline.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(source),
        ]
    )
    (built,) = out.glob("arabic_news_streams-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel; its python."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    # The dependencies of this environment, as a plain path: its .pth files (the editable
    # install of the clone among them) are not processed from there.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ]
    )
    return python


def _outside_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env


def test_the_wheel_holds_the_files_read_at_run_time(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "streams/py.typed",
        "streams/schemas/raw-article.schema.json",
        "streams/schemas/segmented-article.schema.json",
        "streams/schemas/enriched-article.schema.json",
        "streams/schemas/dead-letter.schema.json",
        "streams/kafka_local/pom.xml",
        "streams/web/static/dashboard.html",
        "streams/web/static/dashboard.js",
        "streams/web/static/dashboard.css",
    ):
        assert name in names, name
    assert not any(name.startswith(("tests/", "samples/", "schemas/")) for name in names)


def test_the_installed_package_is_the_wheel_not_the_clone(installed: Path, tmp_path: Path) -> None:
    out = _run(
        [str(installed), "-c", "import streams, faust; print(streams.__file__)"],
        cwd=tmp_path,
        env=_outside_env(),
    ).stdout.strip()
    assert Path(out).is_relative_to(installed.parents[1]), out
    assert not Path(out).is_relative_to(REPO), out


def _published_validator() -> jsonschema.Draft202012Validator:
    documents = [orjson.loads(p.read_bytes()) for p in (REPO / "schemas").glob("*.schema.json")]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    (enriched,) = [d for d in documents if "enriched-article" in d["$id"]]
    return jsonschema.Draft202012Validator(enriched, registry=registry)


def test_streams_enrich_from_the_wheel_outside_the_clone(installed: Path, tmp_path: Path) -> None:
    sample = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, sample)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "خبر", "url": 5}\n', encoding="utf-8")
    proc = _run(
        [str(installed.parent / "streams"), "enrich", sample.name, bad.name],
        cwd=tmp_path,
        env={**_outside_env(), "STREAMS_DATA_DIR": str(tmp_path / "data")},
    )
    (line,) = proc.stdout.splitlines()
    record = orjson.loads(line)
    assert record["id"] == SAMPLE.stem
    _published_validator().validate(record)
    assert "schema_violation" in proc.stderr  # the bad line, reported as a worker would


def test_a_worker_from_the_wheel_enriches_a_message(
    installed: Path, pipeline: Pipeline, tmp_path: Path
) -> None:
    # The topics exist before the worker subscribes (a late topic waits for a metadata refresh).
    asyncio.run(ensure_topics(from_env(pipeline.env)))
    web_port = free_port()
    env = {**_outside_env(), **pipeline.env, "STREAMS_WEB_PORT": str(web_port)}
    log = tmp_path / "wheel-worker.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(installed.parent / "streams"), "worker", "--loglevel", "info"],
            cwd=tmp_path,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = WorkerProcess(process, log, web_port)
    pipeline.workers.append(worker)
    worker.wait_healthy()
    pipeline.send([(b"wheel-1", SAMPLE.read_bytes(), None)])
    records = pipeline.consume(limit=1, timeout=120)
    assert [r["id"] for r in records] == ["wheel-1"], worker.tail()
    _published_validator().validate(records[0])
