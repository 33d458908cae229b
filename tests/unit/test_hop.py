"""The one hop (decode -> stage -> encode -> send or dead letter), without Kafka: what it
sends, what it dead-letters, the time it trusts, and that nothing per message escapes it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from streams import record_schemas
from streams.cli import main
from streams.hop import (
    PRODUCED_AT_HEADER,
    Hop,
    Incoming,
    Outcome,
    Outgoing,
    checked_produced_at,
    in_process,
    through_chain,
)
from streams.pipeline import Resources, run_chain
from streams.settings import from_env
from tests.conftest import SAMPLES

BROKER_MS = 1_700_000_000_000
GOOD = orjson.dumps({"id": "good", "text": "خبر صالح عن الحكومة والاقتصاد في عمّان."})


def incoming(
    value: bytes | None,
    *,
    topic: str = "articles.raw",
    key: bytes | None = None,
    headers: Sequence[tuple[str, bytes]] = (),
    offset: int = 0,
) -> Incoming:
    return Incoming(topic, 0, offset, key, value, headers, BROKER_MS)


class Recorder:
    """A sender that keeps what it is given; ``fail`` names topics whose send raises."""

    def __init__(self, *fail: str) -> None:
        self.sent: list[Outgoing] = []
        self.fail = set(fail)

    async def __call__(self, message: Outgoing) -> None:
        if message.topic in self.fail:
            raise RuntimeError(f"{message.topic} refuses")
        self.sent.append(message)


def _hop(send: Any, **kwargs: Any) -> Hop:
    return Hop(from_env({}), Resources(chain=()), send, **kwargs)


@pytest.mark.parametrize(
    ("header", "window", "expected"),
    [
        (None, 300_000, (BROKER_MS, False)),
        (str(BROKER_MS - 1000).encode(), 300_000, (BROKER_MS - 1000, False)),
        (b"not a number", 300_000, (BROKER_MS, True)),
        (b"\xff\xfe", 300_000, (BROKER_MS, True)),
        (b"1", 300_000, (BROKER_MS, True)),
        (b"-5", 300_000, (BROKER_MS, True)),
        (str(BROKER_MS + 10**12).encode(), 300_000, (BROKER_MS, True)),
        # Our own hops' headers are trusted (no window) when they parse.
        (b"1", None, (1, False)),
        (b"x", None, (BROKER_MS, True)),
    ],
)
def test_produced_at_comes_from_the_broker_unless_the_header_is_sane(
    header: bytes | None, window: int | None, expected: tuple[int, bool]
) -> None:
    headers = [(PRODUCED_AT_HEADER, header)] if header is not None else []
    assert checked_produced_at(headers, BROKER_MS, window) == expected


async def test_a_hostile_header_is_replaced_counted_and_carried_on_checked() -> None:
    sent = Recorder()
    hop = _hop(sent)
    outcome = await hop.handle(incoming(GOOD, headers=[(PRODUCED_AT_HEADER, b"soon")]))
    assert outcome is not None and outcome.error is None
    assert outcome.produced_at_ms == BROKER_MS
    assert sent.sent[0].headers == ((PRODUCED_AT_HEADER, str(BROKER_MS).encode()),)
    assert hop.stats.as_dict()["produced_at_rejected"] == 1


async def test_bad_input_becomes_a_dead_letter_with_its_code() -> None:
    sent = Recorder()
    outcome = await _hop(sent).handle(incoming(b'{"text": 3}', key=b"k", offset=9))
    assert outcome is not None and outcome.error is not None
    [letter] = sent.sent
    assert letter.topic == "articles.deadletter" and letter.key == b"k"
    body = orjson.loads(letter.value)
    record_schemas.validate("dead-letter", body)
    assert body["error_type"] == "text_not_string" and body["offset"] == 9


async def test_a_failed_output_send_is_dead_lettered_and_a_failed_dead_letter_counted() -> None:
    sent = Recorder("articles.segmented")
    hop = _hop(sent)
    outcome = await hop.handle(incoming(GOOD))
    assert outcome is not None and outcome.error is not None
    assert outcome.error.code == "send_failed" and outcome.delivered
    assert [m.topic for m in sent.sent] == ["articles.deadletter"]
    nowhere = Recorder("articles.segmented", "articles.deadletter")
    hop = _hop(nowhere)
    outcome = await hop.handle(incoming(GOOD))
    assert outcome is not None and not outcome.delivered
    assert hop.stats.as_dict()["dropped_unsendable"] == 1
    # The hop goes on with the next message.
    assert (await hop.handle(incoming(b"[1]"))) is not None
    assert hop.stats.as_dict()["dropped_unsendable"] == 2


async def test_a_refused_acknowledgement_is_counted() -> None:
    async def refused(message: Outgoing) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_exception(RuntimeError("MessageSizeTooLarge"))
        return future

    hop = _hop(refused)
    await hop.handle(incoming(GOOD))
    await asyncio.sleep(0)  # the done callback runs on the loop
    assert hop.stats.as_dict()["dropped_unsendable"] == 1


async def test_a_failing_observer_does_not_stop_the_hop() -> None:
    def observe(outcome: Outcome) -> None:
        raise KeyError("table")

    sent = Recorder()
    hop = _hop(sent, observe=observe)
    assert (await hop.handle(incoming(GOOD))) is not None
    assert [m.topic for m in sent.sent] == ["articles.segmented"]
    assert hop.stats.counts["observer_failed"] == 1


async def test_the_hop_chain_gives_the_records_of_the_pure_chain(samples: list[Any]) -> None:
    # Through encode/decode at every hop, as between workers: the same records.
    hop = in_process(from_env({}), Resources(chain=()))
    resources = Resources(chain=())
    duplicates = 0
    for offset, raw in enumerate(samples):
        outcome = await through_chain(hop, incoming(orjson.dumps(raw), offset=offset))
        assert outcome is not None and outcome.error is None and outcome.final
        direct = run_chain(raw, resources)
        duplicates += direct["duplicate_of"] is not None
        assert _without_times(orjson.loads(outcome.message.value)) == _without_times(direct)
    assert duplicates  # the samples hold near-duplicates: the index is compared too


def test_streams_enrich_reports_the_dead_letters_a_worker_would(tmp_path: Any) -> None:
    lines = tmp_path / "mixed.jsonl"
    lines.write_bytes(b'{"text": 3}\n[1]\n' + GOOD + b"\n")
    result = CliRunner().invoke(main, ["enrich", str(lines)])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("dead letter")]
    # "dead letter FILE:LINE: CODE: reason", the codes a worker's dead letters carry.
    assert [(e.split(": ")[0], e.split(": ")[1]) for e in errors] == [
        (f"dead letter {lines}:1", "text_not_string"),
        (f"dead letter {lines}:2", "not_an_object"),
    ]
    [record] = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert record["id"] == "good"


def test_streams_enrich_prints_the_records_of_the_chain() -> None:
    result = CliRunner().invoke(main, ["enrich", str(SAMPLES)])
    assert result.exit_code == 0
    printed = [_without_times(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert len(printed) == len(list(SAMPLES.iterdir()))
    assert all(record["provenance"]["stages"][0]["name"] == "segment" for record in printed)


def _without_times(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out["provenance"] = {
        **record["provenance"],
        "stages": [
            {k: v for k, v in run.items() if k != "ms"} for run in record["provenance"]["stages"]
        ],
    }
    return out
