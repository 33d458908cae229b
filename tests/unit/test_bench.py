"""Smoke tests of the benchmark harness on tiny inputs (no timing is asserted anywhere)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import ConsumerRecord
from click.testing import CliRunner
from rich.console import Console

from streams import codec, raw_message, record_schemas
from streams.bench import corpus, peer, processes, report, runner, stages, streamed
from streams.bench.profile import component
from streams.hop import PRODUCED_AT_HEADER
from streams.settings import from_env
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def pages() -> list[corpus.Page]:
    return corpus.load_pages(SAMPLES)


def test_corpus_has_distinct_ids_and_is_deterministic(pages: list[corpus.Page]) -> None:
    articles = corpus.generate(120, pages=pages)
    assert len({a.id for a in articles}) == 120
    assert [a.value for a in articles] == [a.value for a in corpus.generate(120, pages=pages)]
    # A slice further on is the same as those articles of a longer run.
    tail = corpus.generate(20, pages=pages, start=100)
    assert [a.value for a in tail] == [a.value for a in articles[100:]]


def test_corpus_starts_with_the_samples_then_varies_them(pages: list[corpus.Page]) -> None:
    articles = corpus.generate(2 * len(pages), pages=pages)
    first = [orjson.loads(a.value)["text"] for a in articles[: len(pages)]]
    assert first == [p.text for p in pages]
    varied = [orjson.loads(a.value)["text"] for a in articles[len(pages) :]]
    changed = sum(1 for text, page in zip(varied, pages, strict=True) if text != page.text)
    assert changed >= len(pages) - 3  # pages with no body (a date line only) cannot vary
    stats = corpus.describe(articles)
    assert stats["articles"] == 2 * len(pages) and stats["distinct_ids"] == 2 * len(pages)


def test_every_generated_article_decodes_and_segments(pages: list[corpus.Page]) -> None:
    from streams.pipeline import Resources, run_chain

    resources = Resources()
    for article in corpus.generate(len(pages) + 10, pages=pages, start=len(pages)):
        raw = raw_message.decode_raw(article.value, article.key, max_bytes=stages.MAX_BYTES)
        assert raw["id"] == article.id
        record = run_chain(raw, resources)
        record_schemas.validate("enriched-article", record)


def test_split_page_keeps_raw_lines(pages: list[corpus.Page]) -> None:
    page = next(p for p in pages if p.name.startswith("24-crlf"))
    assert page.body and all("\n" not in line for line in page.body)
    assert len(corpus.split_page("x", page.text).body) == len(page.body)


def test_seed_variants_are_seed_sized(pages: list[corpus.Page]) -> None:
    seed_like = max(pages, key=lambda p: len(p.body))
    variants = corpus.generate_seed_variants(8, seed_like)
    assert len({a.id for a in variants}) == 8
    sizes = {a.chars for a in variants}
    assert max(sizes) - min(sizes) < 0.2 * max(sizes)


def test_chain_pass_times_every_step(pages: list[corpus.Page]) -> None:
    articles = corpus.generate(6, pages=pages)
    result = stages.summarise([stages.chain_pass(articles), stages.chain_pass(articles)])
    steps = result["steps"]
    for name in ("decode_raw", "segment", "enrich (hop)", "dates", "duplicates", "worker chain"):
        assert steps[name]["seconds"] > 0, name
        assert len(steps[name]["runs_seconds"]) == 2
    assert result["articles"] == 6 and result["tokens"] > 0
    assert steps["worker chain"]["seconds"] >= steps["enrich (hop)"]["seconds"]


def test_breakdown_pass_covers_the_functions_of_segment(pages: list[corpus.Page]) -> None:
    result = stages.breakdown_pass(corpus.generate(3, pages=pages))
    assert set(result.seconds) == set(stages.BREAKDOWN_STEPS)


def test_stage_child_process_reports_json(tmp_path: Path) -> None:
    empty = tmp_path / "camel"
    empty.mkdir()
    spec = {"articles": 4, "repeats": 1, "seed_articles": 0, "breakdown": False}
    result = runner._child(spec, {"CAMELTOOLS_DATA": str(empty)})
    assert result["chain"] == []
    assert not any(result["camel_stages"].values())
    assert result["worker_chain"]["articles"] == 4


def test_reference_mode_times_the_given_slices() -> None:
    result = stages.run({"warmup": [0, 2], "slices": [[2, 3], [5, 3]]})
    assert result["worker_chain"]["passes"] == 2
    assert result["worker_chain"]["articles"] == 3


# --- the peer loop ---------------------------------------------------------------------------


class _Producer:
    """Records sends; returns resolved futures like aiokafka's ``send``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, topic: str, value: bytes, **kwargs: Any) -> asyncio.Future[Any]:
        self.sent.append({"topic": topic, "value": value, **kwargs})
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


def _record(topic: str, value: bytes, key: bytes | None = None, offset: int = 0) -> Any:
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=1_700_000_000_000,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=[(PRODUCED_AT_HEADER, b"1700000000123")],
    )


@pytest.fixture
def loop_and_producer() -> Iterator[tuple[peer.PeerLoop, _Producer]]:
    from streams.pipeline import Resources

    settings = from_env({"STREAMS_TOPIC_RAW": "r", "STREAMS_TOPIC_SEGMENTED": "s"})
    producer = _Producer()
    yield peer.PeerLoop(settings, producer, Resources(chain=())), producer


async def test_peer_loop_runs_both_hops_with_the_stage_functions(
    loop_and_producer: tuple[peer.PeerLoop, _Producer],
) -> None:
    loop, producer = loop_and_producer
    article = corpus.generate(1)[0]
    await loop.handle(_record("r", article.value, article.key))
    segmented = producer.sent[-1]
    assert segmented["topic"] == "s" and segmented["key"] == article.key
    assert segmented["headers"] == [(PRODUCED_AT_HEADER, b"1700000000123")]
    await loop.handle(_record("s", segmented["value"], article.key))
    enriched = producer.sent[-1]
    assert enriched["topic"] == loop.settings.topic_enriched
    record = codec.decode_enriched(enriched["value"])
    assert record["id"] == article.id
    assert [run["name"] for run in record["provenance"]["stages"]][:2] == [
        "segment",
        "segment.clitics",
    ]
    assert loop.counts["segment|ok"] == 1 and loop.counts["dates|ok"] == 1


async def test_peer_loop_dead_letters_bad_input(
    loop_and_producer: tuple[peer.PeerLoop, _Producer],
) -> None:
    loop, producer = loop_and_producer
    await loop.handle(_record("r", b'{"text": 5}', b"k", offset=7))
    letter = orjson.loads(producer.sent[-1]["value"])
    assert producer.sent[-1]["topic"] == loop.settings.topic_deadletter
    assert letter["error_type"] == "text_not_string" and letter["offset"] == 7
    assert loop.counts["segment|deadletter"] == 1


def test_peer_matches_the_faust_app_settings(tmp_path: Path) -> None:
    from streams.app import build_app
    from streams.pipeline import Resources

    settings = from_env({"STREAMS_DATA_DIR": str(tmp_path)})
    resources = Resources()
    app = build_app(settings, resources=resources)
    producer = peer.producer_settings(settings)
    assert round(app.conf.producer_linger * 1000) == producer["linger_ms"]
    assert app.conf.producer_max_batch_size == producer["max_batch_size"]
    assert app.conf.producer_max_request_size == producer["max_request_size"]
    assert app.conf.producer_acks == -1 and producer["acks"] == "all"
    # The same hop: the same topics, in the same order.
    loop = peer.PeerLoop(settings, _Producer(), resources)
    assert loop.topics == [topic.get_topic_name() for topic in app.wiring.inputs.values()]


# --- figures and reports ---------------------------------------------------------------------


def test_percentiles_and_latency_summary() -> None:
    values = [float(v) for v in range(1, 101)]
    assert streamed.percentile(values, 50) == 50
    assert streamed.percentile(values, 99) == 99
    assert streamed.percentile([], 50) != streamed.percentile([], 50)  # NaN
    summary = streamed.latency_summary(values)
    assert summary["count"] == 100 and summary["max_ms"] == 100


def test_cpu_marks_give_cores_per_process() -> None:
    before = processes.CpuMark(wall=0.0, per_process={"worker-0": 1.0}, machine_busy=10.0)
    after = processes.CpuMark(wall=2.0, per_process={"worker-0": 2.5}, machine_busy=13.0)
    assert after.cores_since(before) == {"worker-0": 0.75, "machine (all processes)": 1.5}


def _fake_result() -> dict[str, Any]:
    step = {
        "seconds": 1.0,
        "ms_per_article": 5.0,
        "articles_per_s": 200.0,
        "tokens_per_s": 1e5,
        "runs_seconds": [1.0],
    }
    chain = {
        "articles": 200,
        "tokens": 1000,
        "chars": 5000,
        "passes": 1,
        "steps": {"segment": step, "enrich (hop)": step, "worker chain": step},
    }
    run = {
        "articles_per_s": 100.0,
        "cores": {"worker-0": 0.9, "broker": 0.3, "machine (all processes)": 1.5},
        "latency_under_load": {"p50_ms": 10.0, "p99_ms": 20.0},
    }
    mode = {"articles_per_s": 100.0, "runs": [run], "rss_peak_mb": [300.0]}
    return {
        "stages": {
            "none": {
                "corpus": {"articles": 200, "distinct_texts": 190, "mean_chars": 1000.0},
                "cold_start_ms": 500.0,
                "chain": [],
                "worker_chain": chain,
                "seed_chain": chain,
            }
        },
        "stream": {
            "articles_per_run": 200,
            "repeats": 1,
            "chain": ["segment", "enrich"],
            "in_process": {
                "articles_per_s": 400.0,
                "runs_articles_per_s": [400.0],
                "ms_per_article": 2.5,
            },
            "modes": {
                "faust-1": {
                    **mode,
                    "latency": {
                        "rate_per_s": 50.0,
                        "articles": 100,
                        "p50_ms": 10.0,
                        "p90_ms": 15.0,
                        "p99_ms": 300.0,
                        "max_ms": 310.0,
                    },
                },
                "peer-1": {**mode, "articles_per_s": 125.0},
                "faust-2": {**mode, "articles_per_s": 160.0},
                "peer-2": {"error": "did not start"},
            },
        },
    }


def test_verdicts_put_each_figure_next_to_its_target() -> None:
    verdicts = runner.verdicts(_fake_result())
    assert verdicts["segment_seed_per_s"]["value"] == 200 and verdicts["segment_seed_per_s"]["met"]
    assert verdicts["streaming_overhead"]["value"] == 0.25
    assert verdicts["streaming_overhead"]["met"] is False
    assert verdicts["faust_vs_peer"]["value"] == 0.8
    assert verdicts["scaling_2_over_1"]["value"] == 1.6 and verdicts["scaling_2_over_1"]["met"]
    assert verdicts["latency_p99_ms"]["met"] is False
    assert verdicts["worker_rss_mb"]["met"] is True


def test_report_renders_every_table() -> None:
    result = _fake_result()
    result["verdicts"] = runner.verdicts(result)
    console = Console(file=io.StringIO(), width=200, record=True)
    for item in report.tables(result, "all"):
        console.print(item)
    text = console.export_text()
    for expected in (
        "Segment, in-process",
        "Streamed through the broker",
        "did not start",
        "Targets",
    ):
        assert expected in text


def test_report_shows_the_quix_peer_or_why_it_was_skipped() -> None:
    result = _fake_result()
    result["stream"]["modes"]["quix-1"] = {**result["stream"]["modes"]["peer-1"]}
    console = Console(file=io.StringIO(), width=240, record=True)
    console.print(report.stream_table(result["stream"]))
    rows = {line.split()[1]: line for line in console.export_text().splitlines() if "-1 " in line}
    # articles/s over the in-process 400/s of the same run.
    assert "0.25" in rows["faust-1"] and "0.31" in rows["quix-1"]
    result["stream"]["quix_unavailable"] = "the bench extra cannot be installed: no index"
    console = Console(file=io.StringIO(), width=240, record=True)
    console.print(report.stream_table(result["stream"]))
    assert "the bench extra cannot be installed" in console.export_text()


def test_an_uninstallable_bench_extra_skips_the_quix_peer_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streams.bench import quix_env

    def unavailable(*args: object, **kwargs: object) -> None:
        raise quix_env.QuixUnavailable("the bench extra cannot be installed: no network")

    monkeypatch.setattr(quix_env, "ensure", unavailable)
    said: list[str] = []
    assert runner.quix_available(said.append) == ("the bench extra cannot be installed: no network")
    assert any("skipping the Quix Streams peer" in line and "--no-quix" in line for line in said)


def test_profile_components() -> None:
    assert component("/x/streams/nlp/dates.py", "_candidates").startswith("stage functions")
    assert component("/x/site-packages/faust/topics.py", "send").startswith("Faust")
    assert component("", "epoll.poll").startswith("idle")


def test_cli_lists_the_bench_commands() -> None:
    from streams.cli import main

    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0
    for command in ("segment", "enrich", "stream", "all"):
        assert command in result.output
    result = CliRunner().invoke(main, ["bench", "stream", "--help"])
    assert "--no-quix" in result.output


def test_an_unavailable_stage_does_not_keep_every_article_alive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the memory benchmark: re-raising one cached StageUnavailable grew its traceback
    (and the records in its frames) by one article per raise."""
    import traceback

    from streams.nlp.camel.data import StageUnavailable
    from streams.pipeline import Resources

    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    resources = Resources()
    depths = []
    for _ in range(3):
        try:
            resources.model("clitics")
        except StageUnavailable as exc:
            depths.append(len(traceback.extract_tb(exc.__traceback__)))
    assert len(depths) == 3 and depths[0] == depths[-1]


def test_the_replication_lines_give_each_broker_and_the_ratio() -> None:
    from streams.bench import replication

    def mode(rate: float) -> dict[str, Any]:
        return {
            "runs": [{"articles_per_s": rate}],
            "articles_per_s": rate,
            "worker_cpu_ms_per_article": 2.5,
            "broker_cpu_ms_per_article": 0.3,
            "latency_p50_ms": 40.0,
            "latency_p99_ms": 90.0,
        }

    result = {"modes": {"1 node": mode(300.0), "3 nodes": mode(240.0)}, "throughput_ratio": 0.8}
    said = replication.lines(result)
    assert said[0].startswith("1 node: 300.0 articles/s") and "p99 90 ms" in said[0]
    assert said[-1] == "3 nodes / 1 node, throughput: 0.80"
