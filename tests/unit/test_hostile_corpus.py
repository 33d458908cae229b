"""The hostile corpus through the in-process chain (what ``streams enrich`` runs): each case
ends as the dead letter or the valid enriched record it names."""

from __future__ import annotations

import base64
import tracemalloc

import orjson
import pytest

from streams.codec import (
    DEAD_LETTER_VALUE_BUDGET,
    BadMessage,
    InputLimits,
    dead_letter,
    decode_raw,
    validate,
)
from streams.pipeline import Resources, run_chain
from tests.hostile_corpus import LIMIT, MIB, Case, corpus

CASES = corpus()


def test_the_corpus_is_large_and_covers_both_outcomes() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.error is None for c in CASES) >= 20
    assert len({c.error for c in CASES if c.error}) >= 10


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_ends_as_expected(case: Case, resources: Resources) -> None:
    try:
        raw = decode_raw(case.value, case.key, limits=InputLimits(), headers=case.headers)
        record = run_chain(raw, resources)
    except BadMessage as exc:
        assert exc.code == case.error, exc.reason
        assert len(exc.reason) > 15
        return
    assert case.error is None, f"accepted, expected a dead letter {case.error}"
    validate("enriched-article", record)
    assert record["id"] == case.expected_id
    assert case.check is not None
    case.check(record)
    orjson.dumps(record)  # serialisable as the workers send it


def _refuse(value: bytes, key: bytes | None) -> bytes:
    """What the segment agent does with an oversized message: refuse it, write a dead letter."""
    try:
        decode_raw(value, key, max_bytes=LIMIT)
    except BadMessage as exc:
        letter = dead_letter(
            value=value,
            key=key,
            topic="articles.raw",
            partition=0,
            offset=0,
            stage="segment",
            error_type=exc.code,
            reason=exc.reason,
        )
        return orjson.dumps(letter)
    raise AssertionError("accepted")


def _peak(value: bytes, key: bytes | None) -> tuple[int, bytes]:
    tracemalloc.start()
    try:
        payload = _refuse(value, key)
        return tracemalloc.get_traced_memory()[1], payload
    finally:
        tracemalloc.stop()


def test_ten_mib_is_refused_in_memory_that_does_not_grow_with_the_message() -> None:
    [case] = [c for c in CASES if c.name == "ten-mib"]
    assert case.value is not None and len(case.value) == 10 * MIB
    just_over, _ = _peak(case.value[: LIMIT + 1], case.key)
    ten_mib, payload = _peak(case.value, case.key)
    # Refused before decoding, and only the first bytes are kept in the dead letter: a 10 MiB
    # message costs what a message one byte over the limit costs (orjson reserves room for
    # escaping the kept base64 text, the same for both).
    assert ten_mib <= just_over + 64 * 1024, (ten_mib, just_over)
    letter = orjson.loads(payload)
    validate("dead-letter", letter)
    assert letter["error_type"] == "too_large"
    assert letter["value_bytes"] == 10 * MIB
    assert base64.b64decode(letter["value_b64"]) == case.value[:DEAD_LETTER_VALUE_BUDGET]
