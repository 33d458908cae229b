"""Bytes <-> records at the topic boundary: orjson, output limits, dead letters.

Everything that crosses a topic goes through here or :mod:`streams.raw_message` (what producers
send), so a malformed message becomes a :class:`BadMessage` and an agent turns it into a dead
letter instead of stopping.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any, cast

import orjson

from .kafka_local import MAX_MESSAGE_BYTES

# A hop reads every message through this module, the raw ones included: decode_raw and
# InputLimits (and BadMessage) stay importable from here.
from .raw_message import InputLimits as InputLimits
from .raw_message import decode_raw as decode_raw
from .raw_message import key_text
from .record_schemas import BadMessage as BadMessage
from .record_schemas import validate
from .records import SCHEMA_VERSION, DeadLetter, EnrichedArticle, SegmentedArticle

# What a record may weigh on any topic: the topics' max.message.bytes, less room for the key,
# headers and the record batch around it.
MAX_OUTPUT_BYTES = MAX_MESSAGE_BYTES - 64 * 1024
# What a dead letter keeps of the original message: the first bytes of its key and value (with
# both sizes and SHA-256 digests, so a truncated message is still identified) and the first
# characters of the reason. However large the message, its dead letter stays under ~100 KB with
# the default value budget, far below any topic's limit.
DEAD_LETTER_KEY_BUDGET = 1024
DEAD_LETTER_VALUE_BUDGET = 64 * 1024
DEAD_LETTER_REASON_CHARS = 2000


def dumps(record: Any) -> bytes:
    return orjson.dumps(record)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def check_output_size(payload: bytes, record_id: str) -> None:
    """Raise ``output_too_large`` when a record would not fit the topics' message size limit.

    A raw message under the input limit can still grow several-fold through the chain (every
    sentence carries its tokens); sending one the broker refuses would stop the agent.
    """
    size = len(payload) + len(record_id.encode("utf-8", "surrogatepass"))
    if size > MAX_OUTPUT_BYTES:
        raise BadMessage(
            "output_too_large",
            f"the processed record is {size} bytes, over the topics' limit of "
            f"{MAX_OUTPUT_BYTES} bytes; send the article in smaller parts",
        )


def encode_output(schema: str, record: Any) -> bytes:
    """A stage's output as the bytes to send: valid against ``schema``, within the size limit."""
    validate(schema, record)
    payload = dumps(record)
    check_output_size(payload, record["id"])
    return payload


def as_bad_message(exc: Exception) -> BadMessage:
    """What a hop dead-letters for ``exc``: declared input errors as they are, others as
    ``stage_error`` with the exception named (a bug, or data a stage did not expect)."""
    if isinstance(exc, BadMessage):
        return exc
    return BadMessage("stage_error", f"{type(exc).__name__}: {exc}"[:1000])


def decode_record(value: bytes | None, schema: str) -> Any:
    """An intermediate or final record from its bytes, validated against ``schema``."""
    if not value:
        raise BadMessage("empty_value", "the message has no value")
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise BadMessage("invalid_json", f"record does not parse: {exc}") from None
    validate(schema, record)
    return record


def decode_segmented(value: bytes | None) -> SegmentedArticle:
    return cast(SegmentedArticle, decode_record(value, "segmented-article"))


def decode_enriched(value: bytes | None) -> EnrichedArticle:
    return cast(EnrichedArticle, decode_record(value, "enriched-article"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _kept_key_text(key: bytes | None) -> str | None:
    if not key:
        return None
    kept = key[:DEAD_LETTER_KEY_BUDGET]
    if key_text(key) is not None:
        # A UTF-8 key cut inside a character: the partial character goes.
        return kept.decode("utf-8", errors="ignore")
    text = key_text(kept)
    return text if text is not None else "base64:" + base64.b64encode(kept).decode("ascii")


def dead_letter(
    *,
    value: bytes | None,
    key: bytes | None,
    topic: str,
    partition: int | None,
    offset: int | None,
    stage: str,
    error_type: str,
    reason: str,
    max_bytes: int | None = None,
    value_budget: int = DEAD_LETTER_VALUE_BUDGET,
) -> DeadLetter:
    """The dead-letter record for a message, bounded whatever the message: the key's first
    :data:`DEAD_LETTER_KEY_BUDGET` bytes, the value's first ``value_budget`` bytes (never more
    than ``max_bytes`` either), the reason's first :data:`DEAD_LETTER_REASON_CHARS` characters,
    and the original sizes and SHA-256 digests of key and value.
    """
    raw = value or b""
    kept = value_budget if max_bytes is None else min(value_budget, max_bytes)
    letter = DeadLetter(
        schema_version=SCHEMA_VERSION,
        key=_kept_key_text(key),
        key_bytes=None if key is None else len(key),
        key_sha256=None if key is None else _sha256(key),
        value_b64=base64.b64encode(raw[:kept]).decode("ascii"),
        value_bytes=len(raw),
        value_sha256=_sha256(raw),
        topic=topic,
        partition=partition,
        offset=offset,
        stage=stage,
        error_type=error_type,
        reason=reason[:DEAD_LETTER_REASON_CHARS],
        time=datetime.now(UTC).isoformat(timespec="milliseconds"),
    )
    validate("dead-letter", letter)
    return letter
