"""``streams produce`` against the real broker: what it refuses, and what it says on failure."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiokafka.errors import MessageSizeTooLargeError
from click.testing import CliRunner

from streams.cli import main
from streams.kafka_local import MAX_MESSAGE_BYTES
from streams.produce import ProduceError, produce_messages

from .conftest import Pipeline

pytestmark = pytest.mark.integration


def _batch(tmp_path: Path) -> Path:
    path = tmp_path / "batch.jsonl"
    big = b'{"text": "' + b"x" * (MAX_MESSAGE_BYTES + 1024) + b'"}'
    path.write_bytes(b'{"id": "p1", "text": "a"}\n{"id": "p2", "text": "b"}\n' + big + b"\n{}\n")
    return path


def test_a_failed_send_says_how_many_went_and_which_line_failed(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    path = _batch(tmp_path)
    settings = pipeline.settings
    with pytest.raises(ProduceError) as info:
        asyncio.run(produce_messages(settings, [str(path)], settings.topic_raw, progress=False))
    assert info.value.sent == 2
    assert info.value.origin == f"{path}:3"
    assert isinstance(info.value.cause, MessageSizeTooLargeError)
    result = CliRunner().invoke(main, ["produce", "--quiet", str(path)], env=pipeline.env)
    assert result.exit_code == 1
    assert f"sent 2 message(s) to {settings.topic_raw}, then {path}:3 failed" in result.output
    assert "MessageSizeTooLargeError" in result.output
    assert "is the broker" not in result.output
    # What went is in the topic, in order: the two lines before the failure (twice now).
    records = pipeline.consume(4, topic=settings.topic_raw, timeout=10)
    assert [r.get("id") for r in records] == ["p1", "p2", "p1", "p2"]


def test_binary_input_is_refused_before_anything_is_sent(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    good = tmp_path / "a.txt"
    good.write_text("خبر", encoding="utf-8")
    legacy = tmp_path / "b.txt"
    legacy.write_bytes("خبر عاجل".encode("cp1256"))
    result = CliRunner().invoke(main, ["produce", "--quiet", str(tmp_path)], env=pipeline.env)
    assert result.exit_code == 1
    assert f"{legacy}: not valid UTF-8" in result.output and "nothing sent" in result.output
    result = CliRunner().invoke(
        main, ["produce", "--quiet", "--raw", str(tmp_path)], env=pipeline.env
    )
    assert result.exit_code == 0, result.output
    assert "sent 2 message(s)" in result.output
