"""Readable tables of a benchmark result (the dict :func:`streams.bench.runner.run` returns)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from rich.table import Table

SEGMENT_ROWS = ("decode_raw", "segment (hop)", "segment", "segment.clitics", "encode segmented")
ENRICH_ROWS = (
    "decode segmented",
    "enrich (hop)",
    "dates",
    "countries",
    "entities",
    "keywords",
    "quotes",
    "duplicates",
    "encode enriched",
    "decode enriched",
    "morphology (hop)",
    "morphology",
    "ner",
    "dialect",
    "sentiment",
    "worker chain",
)
VARIANT_TITLES = {
    "none": "no CAMeL data",
    "fixture": "CAMeL test fixture",
    "installed": "CAMeL data installed here",
}


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _variants(stages: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(k, v) for k, v in stages.items() if isinstance(v, dict) and "worker_chain" in v]


def stage_table(
    stages: dict[str, Any], section: str, rows: Iterable[str] | None, title: str
) -> Table:
    """Per step and CAMeL data setting: ms/article, articles/s, tokens/s."""
    variants = _variants(stages)
    table = Table(title=title, title_justify="left")
    table.add_column("step")
    for name, _ in variants:
        label = VARIANT_TITLES.get(name, name)
        table.add_column(f"ms/article\n{label}", justify="right")
        table.add_column(f"articles/s\n{label}", justify="right")
        table.add_column(f"tokens/s\n{label}", justify="right")
    names: list[str] = []
    for _, result in variants:
        for step in (result.get(section) or {}).get("steps", {}):
            if step not in names and (rows is None or step in rows):
                names.append(step)
    if rows is not None:
        order = [*rows, "worker chain"]
        names.sort(key=lambda n: order.index(n) if n in order else len(order))
    for step in names:
        cells = [step]
        for _, result in variants:
            data = (result.get(section) or {}).get("steps", {}).get(step)
            if data is None:
                cells += ["-", "-", "-"]
                continue
            cells += [
                _num(data["ms_per_article"], 3),
                _num(data["articles_per_s"], 0),
                _num(data["tokens_per_s"], 0),
            ]
        table.add_row(*cells)
    return table


def corpus_lines(stages: dict[str, Any]) -> list[str]:
    lines = []
    for name, result in _variants(stages):
        c = result["corpus"]
        line = (
            f"{VARIANT_TITLES.get(name, name)}: {c['articles']} articles "
            f"({c['distinct_texts']} distinct texts, mean {c['mean_chars']:.0f} chars), "
            f"{result['worker_chain']['passes']} passes, median shown; "
            f"cold start {result['cold_start_ms']:.0f} ms; chain: segment, enrich"
            + "".join(f", {s}" for s in result["chain"])
        )
        if result.get("seed_corpus"):
            line += f"; seed corpus {result['seed_corpus']['articles']} variants of the seed"
        lines.append(line)
        cache = result.get("morphology_cache")
        if cache:
            lines.append(
                f"  morphology/clitic word cache: hit rate {cache['passes_hit_rate']:.1%} over "
                f"the timed passes ({cache['passes_hits']:,} hits, {cache['passes_misses']:,} "
                f"misses), {cache['hit_rate']:.1%} since start; {cache['size']:,} words cached"
            )
    for name, value in stages.items():
        if isinstance(value, dict) and "skipped" in value:
            lines.append(f"{VARIANT_TITLES.get(name, name)}: skipped: {value['skipped']}")
    return lines


def stream_table(stream: dict[str, Any]) -> Table:
    table = Table(
        title=f"Streamed through the broker: {stream['repeats']} runs of "
        f"{stream['articles_per_run']} articles per mode (median), chain "
        + " -> ".join(stream["chain"]),
        title_justify="left",
    )
    for column in (
        "mode",
        "articles/s",
        "/ in-process",
        "runs",
        "worker CPU ms/article",
        "cores: workers",
        "broker",
        "machine",
        "p50 / p99 ms under load",
        "peak RSS MB",
        "torch",
    ):
        table.add_column(column, justify="left" if column == "mode" else "right")
    inproc = stream["in_process"]
    table.add_row(
        "in-process (same chain)",
        _num(inproc["articles_per_s"]),
        "1",
        " ".join(_num(r, 0) for r in inproc["runs_articles_per_s"]),
        _num(inproc["ms_per_article"], 2),
        "1 process",
        "-",
        "-",
        "-",
        "-",
        "-",
    )
    for name, mode in stream["modes"].items():
        if "error" in mode:
            table.add_row(name, "failed", "-", mode["error"][:60], *["-"] * 7)
            continue
        runs = mode["runs"]
        cores = _median_cores(runs)
        workers = sum(v for k, v in cores.items() if k.startswith("worker"))
        brokers = [v for k, v in cores.items() if k.startswith("broker")]
        under = [r["latency_under_load"] for r in runs]
        ratio = (
            mode["articles_per_s"] / inproc["articles_per_s"]
            if mode["articles_per_s"] and inproc["articles_per_s"]
            else None
        )
        table.add_row(
            name,
            _num(mode["articles_per_s"]),
            _num(ratio, 2),
            " ".join(_num(r["articles_per_s"], 0) for r in runs),
            _num(_median([r.get("worker_cpu_ms_per_article", math.nan) for r in runs]), 2),
            _num(workers, 2),
            _num(sum(brokers) if brokers else None, 2),
            _num(cores.get("machine (all processes)"), 2),
            f"{_num(_median([u['p50_ms'] for u in under]), 0)} / "
            f"{_num(_median([u['p99_ms'] for u in under]), 0)}",
            " ".join(_num(r) for r in mode["rss_peak_mb"]),
            "loaded" if mode.get("torch_loaded") else "no",
        )
    if stream.get("quix_unavailable"):
        table.add_row("quix", "skipped", "-", stream["quix_unavailable"][:60], *["-"] * 7)
    return table


def latency_table(stream: dict[str, Any]) -> Table:
    table = Table(
        title="Latency produce -> enriched at a fixed rate (half the mode's throughput)",
        title_justify="left",
    )
    for column in ("mode", "rate/s", "articles", "p50 ms", "p90 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for name, mode in stream["modes"].items():
        latency = mode.get("latency")
        if not latency:
            continue
        table.add_row(
            name,
            _num(latency["rate_per_s"]),
            str(latency["articles"]),
            _num(latency["p50_ms"], 0),
            _num(latency["p90_ms"], 0),
            _num(latency["p99_ms"], 0),
            _num(latency["max_ms"], 0),
        )
    return table


def floor_table(floor: dict[str, Any]) -> Table:
    table = Table(
        title=f"Per-message floor: forward-only, {floor['messages_per_run']:,} messages of "
        f"{floor['payload_bytes']} bytes per run (median); the pipeline makes two hops per article",
        title_justify="left",
    )
    for column in ("forwarder", "messages/s", "worker CPU us/message", "x2 hops, ms/article"):
        table.add_column(column, justify="left" if column == "forwarder" else "right")
    for kind in ("faust-forward", "peer-forward"):
        mode = floor.get(kind)
        if not mode:
            continue
        cpu = mode["worker_cpu_us_per_message"]
        table.add_row(kind, _num(mode["messages_per_s"], 0), _num(cpu, 0), _num(2 * cpu / 1000, 2))
    return table


def verdict_table(verdicts: dict[str, Any]) -> Table:
    table = Table(title="Targets", title_justify="left")
    for column in ("figure", "measured", "target", "met"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for verdict in verdicts.values():
        value = verdict["value"]
        shown = str(value) if isinstance(value, bool) else _num(value, 2)
        met = {True: "yes", False: "NO", None: "-"}[verdict["met"]]
        table.add_row(verdict["what"], shown, verdict["target"], met)
    return table


def _median(values: Sequence[float]) -> float | None:
    present = sorted(v for v in values if v is not None and not math.isnan(v))
    if not present:
        return None
    middle = len(present) // 2
    if len(present) % 2:
        return present[middle]
    return (present[middle - 1] + present[middle]) / 2


def _median_cores(runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    names = {name for run in runs for name in run.get("cores", {})}
    out = {}
    for name in names:
        value = _median([run["cores"][name] for run in runs if name in run.get("cores", {})])
        if value is not None:
            out[name] = value
    return out


def tables(result: dict[str, Any], what: str) -> list[Any]:
    """The tables (and lines of text) to print for ``streams bench <what>``."""
    out: list[Any] = []
    stages = result.get("stages")
    if stages:
        if what in ("segment", "stages", "all"):
            out.append(
                stage_table(
                    stages, "worker_chain", SEGMENT_ROWS, "Segment, in-process, on the corpus"
                )
            )
            out.append(
                stage_table(
                    stages, "segment_breakdown", None, "Inside segment (each function on its own)"
                )
            )
        if what in ("enrich", "stages", "all"):
            out.append(
                stage_table(
                    stages, "worker_chain", ENRICH_ROWS, "Enrich, in-process, on the corpus"
                )
            )
        out.append(
            stage_table(
                stages,
                "seed_chain",
                ("segment", "segment.clitics", "enrich (hop)", "morphology", "worker chain"),
                "Seed-sized articles (the seed article varied), in-process",
            )
        )
        out.extend(corpus_lines(stages))
    stream = result.get("stream")
    if stream:
        out.append(stream_table(stream))
        out.append(latency_table(stream))
        if stream.get("floor") and "error" not in stream["floor"]:
            out.append(floor_table(stream["floor"]))
    if result.get("verdicts"):
        out.append(verdict_table(result["verdicts"]))
    return out
