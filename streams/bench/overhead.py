"""The outside measurement of streaming overhead, and where one worker's CPU goes.

Throughput: its own broker on free ports; one worker (``--kind``: the Faust worker, or the
plain aiokafka peer) on fresh topics; a plain aiokafka producer sends N distinct articles of
the benchmark corpus to the raw topic as fast as it can, a plain consumer reads the enriched
topic until every id is back: articles / (last enriched read - first send). The in-process
figure is the same articles, written to a JSON-lines file, through ``streams enrich FILE`` in
a fresh process: articles / the command's wall time (start-up included, as a user runs it),
and also net of the start-up (the same command on a one-article file). Ratios are taken
within one invocation, runs alternate in-process / streamed.

Budget: one Faust worker, a steady-state run of ``--budget-articles`` (after the warm-up),
sampled by py-spy; the samples by component (:mod:`streams.bench.budget`) times the worker's
measured CPU per article, and the broker's CPU per article over the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from streams.bench import budget, corpus
from streams.bench.processes import Broker
from streams.bench.streamed import ModeSpec, run_mode

Progress = Callable[[str], None]
WARMUP = 35


def _write(path: Path, articles: Sequence[corpus.Article]) -> Path:
    path.write_bytes(b"".join(a.value + b"\n" for a in articles))
    return path


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """The workers inherit this process's environment: set ``env`` for the ones started here."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def enrich_seconds(path: Path) -> float:
    """Wall time of ``streams enrich PATH`` in a fresh process, output discarded."""
    env = dict(os.environ, STREAMS_LOG_LEVEL="ERROR")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "streams.cli", "enrich", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.monotonic() - started


def run_overhead(
    *,
    articles: int,
    repeats: int,
    kinds: Sequence[str],
    workers: Sequence[int],
    budget_articles: int,
    broker_url: str | None,
    out_dir: Path,
    progress: Progress,
    variants: Sequence[tuple[str, dict[str, str]]] = (),
    split: bool = False,
    broker_warmup: int = 2000,
) -> dict[str, Any]:
    """``variants`` (name, environment): A/B runs of one Faust worker, alternating per repeat,
    each on a fresh worker; reported beside the modes as ``faust-1-NAME``."""
    pages = corpus.load_pages()
    tmp = Path(tempfile.mkdtemp(prefix="streams-overhead-"))
    warm = corpus.generate(WARMUP, pages=pages)
    runs = [
        corpus.generate(articles, pages=pages, start=WARMUP + i * articles) for i in range(repeats)
    ]
    files = [_write(tmp / f"run-{i}.jsonl", run) for i, run in enumerate(runs)]
    one = _write(tmp / "one.jsonl", runs[0][:1])
    result: dict[str, Any] = {"articles": articles, "repeats": repeats}
    result.update(in_process={}, modes={})
    broker = Broker.given(broker_url) if broker_url else Broker.launch()
    try:
        progress(f"in-process: streams enrich on {repeats} files of {articles} articles")
        startup = statistics.median(enrich_seconds(one) for _ in range(2))
        seconds = []
        for index, path in enumerate(files):
            seconds.append(enrich_seconds(path))
            progress(f"  in-process run {index + 1}: {articles / seconds[-1]:.1f} articles/s")
        rates = [articles / s for s in seconds]
        net = [articles / max(s - startup, 1e-3) for s in seconds]
        result["in_process"] = {
            "startup_s": startup,
            "runs_articles_per_s": rates,
            "articles_per_s": statistics.median(rates),
            "net_articles_per_s": statistics.median(net),
        }
        latency_pool = corpus.generate(
            max(articles, 400), pages=pages, start=WARMUP + repeats * articles + budget_articles
        )
        # A freshly started broker's JVM is still compiling: the first mode would pay for it
        # (broker CPU per article 4-5x the later modes'). A discarded run warms it up.
        if broker_warmup:
            progress(f"broker warm-up: one peer worker, {broker_warmup} articles (not reported)")
            spare = corpus.generate(broker_warmup, pages=pages, prefix="broker-warmup")
            asyncio.run(run_mode(ModeSpec("peer", 1), broker, warm, [spare]))
        for kind in kinds:
            for count in workers:
                progress(f"streamed: {kind} x{count}")
                # Latency at half the measured rate, for one worker.
                spec = ModeSpec(kind, count, latency_fraction=0.5 if count == 1 else None)
                mode = asyncio.run(
                    run_mode(spec, broker, warm, runs, latency_pool, progress=progress)
                )
                result["modes"][f"{kind}-{count}"] = mode
        if split:
            progress("streamed: stage split, segment on one Faust worker, enrich on another")
            spec = ModeSpec("faust", 2, stages_per_worker=("segment", "enrich"))
            mode = asyncio.run(run_mode(spec, broker, warm, runs, progress=progress))
            result["modes"]["faust-split"] = mode
        for index, run in enumerate(runs):
            for name, env in variants:
                progress(f"variant {name} ({env}), run {index + 1}")
                spec = ModeSpec("faust", 1, latency_fraction=0.5)
                with _environment(env):
                    mode = asyncio.run(run_mode(spec, broker, warm, [run], latency_pool))
                got = result["modes"].setdefault(f"faust-1-{name}", {"runs": [], "env": env})
                got["runs"].extend(mode["runs"])
                got.setdefault("latencies", []).append(mode.get("latency"))
                progress(f"  {mode['articles_per_s'] or 0:.1f} articles/s")
        for name, _env in variants:
            got = result["modes"][f"faust-1-{name}"]
            rates = [r["articles_per_s"] for r in got["runs"] if r["articles_per_s"]]
            got["articles_per_s"] = statistics.median(rates) if rates else None
            p99 = [lat["p99_ms"] for lat in got["latencies"] if lat]
            if p99:
                got["latency_p99_ms_median"] = statistics.median(p99)
        if budget_articles:
            progress(f"budget: one Faust worker under py-spy, {budget_articles} articles")
            start = WARMUP + repeats * articles
            big = corpus.generate(budget_articles, pages=pages, start=start)
            out_dir.mkdir(parents=True, exist_ok=True)
            spec = ModeSpec("faust", 1, py_spy_dir=out_dir)
            mode = asyncio.run(run_mode(spec, broker, warm, [big], progress=progress))
            run = mode["runs"][0]
            result["budget"] = {
                "articles": budget_articles,
                "articles_per_s": run["articles_per_s"],
                "worker_cpu_ms_per_article": run["worker_cpu_ms_per_article"],
                "broker_cpu_ms_per_article": run["broker_cpu_ms_per_article"],
                "components_ms": budget.budget(
                    Path(mode["py_spy"][0]), run["worker_cpu_ms_per_article"]
                ),
                "py_spy": mode["py_spy"],
            }
    finally:
        broker.close()
    base = result["in_process"]["articles_per_s"]
    for mode in result["modes"].values():
        rate = mode.get("articles_per_s")
        mode["ratio_to_in_process"] = rate / base if rate else None
        mode["ratio_to_in_process_net"] = (
            rate / result["in_process"]["net_articles_per_s"] if rate else None
        )
    return result


def lines(result: dict[str, Any]) -> list[str]:
    """The figures as plain text lines."""
    ip = result["in_process"]
    out = [
        f"in-process streams enrich: {ip['articles_per_s']:.1f} articles/s "
        f"(net of {ip['startup_s']:.2f} s start-up: {ip['net_articles_per_s']:.1f})"
    ]
    for name, mode in result["modes"].items():
        runs = ", ".join(f"{r['articles_per_s'] or 0:.1f}" for r in mode["runs"])
        cpu = statistics.median(r["worker_cpu_ms_per_article"] for r in mode["runs"])
        broker = statistics.median(r["broker_cpu_ms_per_article"] for r in mode["runs"])
        ratio, net = mode["ratio_to_in_process"] or 0, mode["ratio_to_in_process_net"] or 0
        out.append(
            f"{name}: {mode['articles_per_s'] or 0:.1f} articles/s ({runs}); ratio "
            f"{ratio:.2f} (net {net:.2f}); "
            f"worker CPU {cpu:.2f} ms/article, broker {broker:.2f}"
        )
        if "latency_p99_ms_median" in mode:
            out.append(
                f"  latency p99 at half its rate (median): {mode['latency_p99_ms_median']:.0f} ms"
            )
        if "latency" in mode:
            lat = mode["latency"]
            out.append(
                f"  latency at {lat['rate_per_s']:.0f}/s: p50 {lat['p50_ms']:.0f} ms, "
                f"p99 {lat['p99_ms']:.0f} ms"
            )
    modes = result["modes"]
    pairs = [("faust-1", "peer-1"), ("faust-2", "faust-1"), ("peer-2", "peer-1")]
    for a, b in [*pairs, ("faust-split", "faust-1")]:
        if modes.get(a, {}).get("articles_per_s") and modes.get(b, {}).get("articles_per_s"):
            out.append(f"{a} / {b}: {modes[a]['articles_per_s'] / modes[b]['articles_per_s']:.2f}")
    if "budget" in result:
        b = result["budget"]
        out.append(
            f"budget ({b['articles']} articles, {b['articles_per_s'] or 0:.1f}/s): worker CPU "
            f"{b['worker_cpu_ms_per_article']:.2f} ms/article, "
            f"broker {b['broker_cpu_ms_per_article']:.2f}"
        )
        for name, ms in b["components_ms"].items():
            out.append(f"  {ms:6.3f} ms  {name}")
    return out
