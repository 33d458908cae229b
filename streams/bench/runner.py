"""What ``streams bench segment|enrich|stream|all`` run, and the targets they are judged by.

The in-process stage benchmarks run in child processes (``python -m streams.bench.stages``),
one per CAMeL data setting: none (an empty ``CAMELTOOLS_DATA``, so nothing data-backed can run,
whatever this machine has installed), the test fixture data (``tests/fixtures/camel_data.py``:
a tiny morphology DB and MLE model covering the seed article's words, so the clitic sub-stage
and the morphology stage run, but on stand-in data: their costs are indicative only), and the
installed data when this machine has some.

The streamed benchmark uses one broker for every mode (started here on free ports in a temp
directory, or the one given), the CAMeL data of the environment for the workers, and an
in-process reference on exactly the slices it streams, computed first in a child process.
"""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil

from streams.bench import corpus, floor, quix_env
from streams.bench.processes import Broker
from streams.bench.streamed import ModeSpec, run_mode

Progress = Callable[[str], None]

# The CAMeL test fixture builder of the source checkout (the working directory).
FIXTURE_SCRIPT = Path("tests") / "fixtures" / "camel_data.py"

# name: (description, comparison, target)
TARGETS: dict[str, tuple[str, str, float]] = {
    "segment_seed_per_s": ("segment, seed-sized articles/s, no CAMeL data", ">=", 150.0),
    "enrich_seed_per_s": ("enrich chain, seed-sized articles/s, no CAMeL data", ">=", 100.0),
    "streaming_overhead": ("streamed 1 worker / in-process, same chain and corpus", ">=", 0.85),
    "faust_vs_peer": ("Faust 1 worker / plain aiokafka loop 1 worker", ">=", 0.95),
    "scaling_2_over_1": ("Faust 2 workers / 1 worker", ">=", 1.5),
    "latency_p99_ms": ("p99 produce->enriched at half the max rate (ms)", "<", 250.0),
    "worker_rss_mb": ("peak RSS of a worker, data-free stages (MB)", "<", 500.0),
}


@dataclass
class Options:
    articles: int = 2000
    repeats: int = 3
    seed_articles: int = 200
    broker: str | None = None
    workers: tuple[int, ...] = (1, 2)
    peer: bool = True
    quix: bool = True
    latency_seconds: float = 10.0
    floor_messages: int = 30_000
    camel_fixture: bool = True
    breakdown: bool = True
    profile_dir: Path | None = None
    samples_dir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    load = os.getloadavg()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(psutil.Process().cpu_affinity() or []),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "loadavg_at_start": [round(x, 2) for x in load],
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# --- in-process stages ---------------------------------------------------------------------


def _child(spec: dict[str, Any], env: dict[str, str], timeout: float = 1800) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "streams.bench.stages"],
        input=orjson.dumps(spec),
        capture_output=True,
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"stage benchmark child failed ({proc.returncode}):\n"
            f"{proc.stderr.decode(errors='replace')[-3000:]}"
        )
    return dict(orjson.loads(proc.stdout.strip().splitlines()[-1]))


def _build_fixture(root: Path) -> str | None:
    """Write the CAMeL test fixture (morphology) under ``root``; the reason when it cannot."""
    if not FIXTURE_SCRIPT.exists():
        return f"no CAMeL fixture builder at {FIXTURE_SCRIPT} (run from a source checkout)"
    proc = subprocess.run(
        [sys.executable, str(FIXTURE_SCRIPT), str(root), "morphology"],
        capture_output=True,
        env={**os.environ, "CAMELTOOLS_DATA": str(root)},
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        return f"building the CAMeL fixture failed: {proc.stderr.decode(errors='replace')[-500:]}"
    return None


def _installed_data() -> bool:
    from streams.nlp.camel.data import stage_availability

    return any(stage_availability(s).available for s in ("clitics", "morphology"))


def run_stages(options: Options, progress: Progress) -> dict[str, Any]:
    """The in-process benchmark under each CAMeL data setting."""
    spec = {
        "articles": options.articles,
        "repeats": options.repeats,
        "seed_articles": options.seed_articles,
        "breakdown": options.breakdown,
        "samples_dir": str(options.samples_dir) if options.samples_dir else None,
    }
    variants: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="streams-bench-camel-") as tmp:
        empty = Path(tmp) / "none"
        empty.mkdir()
        progress(
            f"in-process stages, no CAMeL data ({options.articles} articles x "
            f"{options.repeats} passes)"
        )
        variants["none"] = _child(spec, {"CAMELTOOLS_DATA": str(empty)})
        if options.camel_fixture:
            fixture = Path(tmp) / "fixture"
            problem = _build_fixture(fixture)
            if problem:
                variants["fixture"] = {"skipped": problem}
            else:
                progress("in-process stages, CAMeL test fixture data (clitics, morphology)")
                variants["fixture"] = _child(
                    {**spec, "breakdown": False}, {"CAMELTOOLS_DATA": str(fixture)}
                )
        if _installed_data():
            progress("in-process stages, the CAMeL data installed here")
            variants["installed"] = _child({**spec, "breakdown": False}, {})
    return variants


# --- streamed ------------------------------------------------------------------------------


def quix_available(progress: Progress) -> str | None:
    """Create or reuse the Quix venv; None when it is ready, else why it is skipped."""
    from streams.settings import get_settings

    root = quix_env.venv_dir(get_settings().cache_root)
    progress(f"the Quix Streams peer's venv ({quix_env.QUIX_REQUIREMENT}): {root}")
    try:
        quix_env.ensure(get_settings().cache_root)
    except quix_env.QuixUnavailable as exc:
        progress(f"  skipping the Quix Streams peer: {exc} (--no-quix skips it without trying)")
        return str(exc)
    return None


def run_stream(options: Options, progress: Progress) -> dict[str, Any]:
    """Streamed throughput (Faust, the aiokafka and Quix Streams peers, 1 and 2 workers),
    overhead, latency."""
    n, repeats = options.articles, options.repeats
    warmup = (0, 35)
    slices = [(warmup[1] + i * n, n) for i in range(repeats)]
    latency_start = warmup[1] + repeats * n
    pages = corpus.load_pages(options.samples_dir or corpus.SAMPLES_DIR)

    def articles(start: int, count: int) -> list[corpus.Article]:
        return corpus.generate(count, pages=pages, start=start)

    progress(f"in-process reference on the streamed slices ({repeats} x {n} articles)")
    reference = _child(
        {
            "warmup": list(warmup),
            "slices": [list(s) for s in slices],
            "samples_dir": str(options.samples_dir) if options.samples_dir else None,
        },
        {},
    )
    chain = reference["worker_chain"]["steps"]["worker chain"]
    out: dict[str, Any] = {
        "articles_per_run": n,
        "repeats": repeats,
        "chain": ["segment", "enrich", *reference["chain"]],
        "in_process": {
            "articles_per_s": chain["articles_per_s"],
            "runs_articles_per_s": [n / s for s in chain["runs_seconds"]],
            "ms_per_article": chain["ms_per_article"],
        },
        "modes": {},
    }
    broker = Broker.given(options.broker) if options.broker else None
    if broker is None:
        progress("starting a local Apache Kafka broker on free ports")
        broker = Broker.launch()
    out["broker"] = {"url": broker.url, "started_here": broker.pid is not None}
    warm = articles(*warmup)
    runs = [articles(*s) for s in slices]
    latency_pool = articles(latency_start, max(n, 200))
    try:
        kinds = ["faust", "peer"] if options.peer else ["faust"]
        if options.quix:
            quix_problem = quix_available(progress)
            if quix_problem is None:
                kinds.append("quix")
            else:
                out["quix_unavailable"] = quix_problem
        for workers in options.workers:
            for kind in kinds:
                progress(f"streamed: {kind}, {workers} worker(s)")
                spec = ModeSpec(
                    kind,
                    workers,
                    latency_fraction=0.5 if workers == 1 else None,
                    latency_seconds=options.latency_seconds,
                    profile_dir=options.profile_dir,
                )
                try:
                    out["modes"][f"{kind}-{workers}"] = asyncio.run(
                        run_mode(spec, broker, warm, runs, latency_pool, progress=progress)
                    )
                except Exception as exc:  # one failed mode must not hide the rest
                    progress(f"  {kind} x{workers} failed: {exc}")
                    out["modes"][f"{kind}-{workers}"] = {"error": str(exc)[-3000:]}
        if options.peer and options.floor_messages:
            progress("per-message floor: forward-only Faust agent and aiokafka loop")
            try:
                out["floor"] = asyncio.run(
                    floor.run_floor(
                        broker,
                        repeats=repeats,
                        messages=options.floor_messages,
                        progress=progress,
                    )
                )
            except Exception as exc:
                progress(f"  floor failed: {exc}")
                out["floor"] = {"error": str(exc)[-3000:]}
    finally:
        broker.close()
    return out


# --- verdicts ------------------------------------------------------------------------------


def _verdict(name: str, value: float | None) -> dict[str, Any]:
    description, comparison, target = TARGETS[name]
    met = None
    if value is not None:
        met = value >= target if comparison == ">=" else value < target
    return {
        "what": description,
        "value": value,
        "target": f"{comparison} {target:g}",
        "met": met,
    }


def verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """Every figure the issues ask for, next to its target."""
    out: dict[str, Any] = {}
    stages = result.get("stages", {}).get("none")
    if stages and stages.get("seed_chain"):
        steps = stages["seed_chain"]["steps"]
        segment_s = steps["segment"]["seconds"]
        enrich_s = steps["enrich (hop)"]["seconds"]
        count = stages["seed_chain"]["articles"]
        out["segment_seed_per_s"] = _verdict("segment_seed_per_s", count / segment_s)
        out["enrich_seed_per_s"] = _verdict("enrich_seed_per_s", count / enrich_s)
    stream = result.get("stream")
    if stream:
        modes = stream["modes"]

        def rate(name: str) -> float | None:
            mode = modes.get(name)
            return mode.get("articles_per_s") if mode else None

        faust1, faust2, peer1 = rate("faust-1"), rate("faust-2"), rate("peer-1")
        inproc = stream["in_process"]["articles_per_s"]
        out["streaming_overhead"] = _verdict(
            "streaming_overhead", faust1 / inproc if faust1 and inproc else None
        )
        out["faust_vs_peer"] = _verdict(
            "faust_vs_peer", faust1 / peer1 if faust1 and peer1 else None
        )
        out["scaling_2_over_1"] = _verdict(
            "scaling_2_over_1", faust2 / faust1 if faust1 and faust2 else None
        )
        latency = modes.get("faust-1", {}).get("latency") or {}
        out["latency_p99_ms"] = _verdict("latency_p99_ms", latency.get("p99_ms"))
        rss = modes.get("faust-1", {}).get("rss_peak_mb") or []
        out["worker_rss_mb"] = _verdict("worker_rss_mb", max(rss) if rss else None)
        out["torch_not_imported"] = {
            "what": "torch not loaded in any Faust worker",
            "value": not any(m.get("torch_loaded") for m in modes.values()),
            "target": "True",
            "met": not any(m.get("torch_loaded") for m in modes.values()),
        }
    return out


def run(what: str, options: Options, progress: Progress) -> dict[str, Any]:
    """``what`` is segment, enrich, stages, stream or all; returns the JSON-able result."""
    started = time.monotonic()
    result: dict[str, Any] = {
        "command": what,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()},
        "machine": machine(),
    }
    if what in ("segment", "enrich", "stages", "all"):
        result["stages"] = run_stages(options, progress)
    if what in ("stream", "all"):
        result["stream"] = run_stream(options, progress)
    result["verdicts"] = verdicts(result)
    result["seconds"] = time.monotonic() - started
    return result
