"""The CPU budget of streams bench overhead: py-spy's raw stacks charged to components."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.bench import budget, overhead
from streams.bench.command import _variant

# py-spy --format raw: root first, "function (file:line)" frames, then the sample count.
ROOT = "<module> (streams/cli.py:5)"
STACKS = [
    (
        "run_forever (asyncio/base_events.py:608)",
        "enrich (streams/pipeline.py:40)",
        "dumps (streams/codec.py:54)",
        3,
    ),
    (
        "Hop.process (streams/hop.py:237)",
        "enrich (streams/pipeline.py:40)",
        "extract_dates (streams/nlp/dates.py:100)",
        6,
    ),
    (
        "Hop.process (streams/hop.py:237)",
        "encode_output (streams/codec.py:320)",
        "validate_https___x_json (<string>:53)",
        2,
    ),
    (
        "Hop.process (streams/hop.py:237)",
        "enrich (streams/pipeline.py:40)",
        "__create_fn__.<locals>.__init__ (<string>:7)",  # a dataclass made by a stage
        5,
    ),
    (
        "_run_once (asyncio/base_events.py:1900)",
        "EpollSelector.select (selectors.py:468)",
        50,
    ),
    (
        "Stream._c_aiter (faust/streams.py:1187)",
        4,
    ),
    (
        "Sender._send_produce_req (aiokafka/producer/sender.py:300)",
        1,
    ),
    (
        "Tally.count_hop (streams/tally.py:90)",
        "Table.__setitem__ (faust/tables/table.py:80)",
        2,
    ),
    (
        "index_signature (streams/app.py:210)",
        "DuplicateIndex.observe (streams/nlp/fingerprint.py:180)",
        2,
    ),
]
RAW = "".join(";".join([ROOT, *frames]) + f" {count}\n" for *frames, count in STACKS)


def test_samples_go_to_the_deepest_matching_frame() -> None:
    samples = budget.parse_raw(RAW.splitlines())
    assert samples["JSON decode/encode"] == 3  # JSON called from a stage is JSON
    assert samples["stage work"] == 6 + 5
    assert samples["schema validation"] == 2
    assert samples[budget.IDLE] == 50
    assert samples["Faust stream/ack machinery"] == 4
    assert samples["Kafka client (aiokafka protocol, sender, fetcher)"] == 1
    assert samples["Faust tables"] == 2  # the table write under the tally is Faust's
    assert samples["duplicate index (GlobalTable)"] == 2


def test_budget_shares_the_measured_cpu_without_idle(tmp_path: Path) -> None:
    path = tmp_path / "raw.txt"
    path.write_text(RAW)
    ms = budget.budget(path, cpu_ms_per_article=2.0)
    assert budget.IDLE not in ms
    assert sum(ms.values()) == pytest.approx(2.0)
    assert ms["stage work"] == pytest.approx(2.0 * 11 / 25)


def test_variant_option_parses_name_and_environment() -> None:
    assert _variant("linger:STREAMS_PRODUCER_LINGER_MS=50,STREAMS_X=a=b") == (
        "linger",
        {"STREAMS_PRODUCER_LINGER_MS": "50", "STREAMS_X": "a=b"},
    )


def test_enrich_seconds_runs_the_command(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_bytes(b'{"id": "a", "text": "\\u0645\\u0631\\u062d\\u0628\\u0627"}\n')
    assert overhead.enrich_seconds(path) > 0


def test_cli_has_the_overhead_command() -> None:
    from streams.cli import main

    result = CliRunner().invoke(main, ["bench", "overhead", "--help"])
    assert result.exit_code == 0
    assert "--budget-articles" in result.output and "--split" in result.output
