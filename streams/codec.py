"""Bytes <-> records at the topic boundary: orjson, JSON Schema validation, dead letters.

Everything that crosses a topic goes through here, so a malformed message becomes a
:class:`BadMessage` with a machine-readable code and a human-readable reason, and an agent
turns it into a dead letter instead of stopping.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

import fastjsonschema
import orjson

from .records import SCHEMA_VERSION, DeadLetter, EnrichedArticle, RawArticle, SegmentedArticle

logger = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
RAW_FIELDS = ("id", "text", "url", "source", "published_at", "meta")


class BadMessage(ValueError):
    """A message that cannot be processed; ``code`` is stable, ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def dumps(record: Any) -> bytes:
    return orjson.dumps(record)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


@cache
def _schema_document(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], orjson.loads((SCHEMA_DIR / name).read_bytes()))


def _resolve_local(uri: str) -> dict[str, Any]:
    # Schemas reference each other by $id; serve them from schemas/ rather than the network.
    return _schema_document(uri.rsplit("/", 1)[-1].split("#", 1)[0])


@cache
def validator(name: str) -> Callable[[Any], Any]:
    """A compiled validator for ``schemas/<name>.schema.json``."""
    return cast(
        Callable[[Any], Any],
        fastjsonschema.compile(
            _schema_document(f"{name}.schema.json"), handlers={"https": _resolve_local}
        ),
    )


def validate(name: str, record: Any) -> None:
    """Raise :class:`BadMessage` ``schema_violation`` when ``record`` breaks schema ``name``."""
    try:
        validator(name)(record)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise BadMessage("schema_violation", f"{name}: {exc.message}") from None


def stable_id(text: str) -> str:
    """The id of an article sent without one: a hash of its text, stable across runs."""
    return "sha1-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _key_text(key: bytes | None) -> str | None:
    if not key:
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_raw(value: bytes | None, key: bytes | None = None, *, max_bytes: int) -> RawArticle:
    """A raw message (JSON object or plain UTF-8 text) as a :class:`RawArticle`.

    The size limit is checked before any decoding so a huge message costs nothing.
    """
    if value is None or len(value) == 0:
        raise BadMessage("empty_value", "the message has no value (a key without a value)")
    if len(value) > max_bytes:
        raise BadMessage(
            "too_large", f"the message is {len(value)} bytes, over the limit of {max_bytes} bytes"
        )
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadMessage(
            "invalid_utf8", f"the message is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _raw_from_json(text, key)
    if stripped.startswith("["):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            parsed = None  # plain text that happens to start with "["
        if isinstance(parsed, list):
            raise BadMessage("not_an_object", "the message is a JSON array, expected an object")
    return _raw_article(text, key, {})


def _raw_from_json(text: str, key: bytes | None) -> RawArticle:
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadMessage(
            "invalid_json", f"the message looks like JSON but does not parse: {exc}"
        ) from None
    if not isinstance(parsed, dict):
        raise BadMessage(
            "not_an_object", f"the message is JSON {type(parsed).__name__}, expected an object"
        )
    if "text" not in parsed:
        raise BadMessage("missing_text", "the JSON object has no `text` field")
    body = parsed["text"]
    if not isinstance(body, str):
        raise BadMessage("text_not_string", f"`text` is {type(body).__name__}, expected a string")
    return _raw_article(body, key, parsed)


def _optional_str(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _raw_article(text: str, key: bytes | None, fields: dict[str, Any]) -> RawArticle:
    if not text.strip():
        raise BadMessage("empty_text", "the article text is empty or whitespace only")
    given_id = fields.get("id")
    if isinstance(given_id, bool) or not isinstance(given_id, str | int) or given_id == "":
        given_id = None
    article_id = str(given_id) if given_id is not None else _key_text(key) or stable_id(text)
    meta = dict(fields["meta"]) if isinstance(fields.get("meta"), dict) else {}
    extra = {k: v for k, v in fields.items() if k not in RAW_FIELDS}
    if extra:
        meta.setdefault("extra", {}).update(extra)
    return RawArticle(
        id=article_id,
        text=text,
        url=_optional_str(fields, "url"),
        source=_optional_str(fields, "source"),
        published_at=_optional_str(fields, "published_at"),
        meta=meta,
    )


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
    max_bytes: int,
) -> DeadLetter:
    """The dead-letter record for a message; the original bytes are kept up to ``max_bytes``."""
    raw = value or b""
    key_text = _key_text(key)
    if key and key_text is None:
        key_text = "base64:" + base64.b64encode(key).decode("ascii")
    return DeadLetter(
        schema_version=SCHEMA_VERSION,
        key=key_text,
        value_b64=base64.b64encode(raw[:max_bytes]).decode("ascii"),
        value_bytes=len(raw),
        topic=topic,
        partition=partition,
        offset=offset,
        stage=stage,
        error_type=error_type,
        reason=reason,
        time=datetime.now(UTC).isoformat(timespec="milliseconds"),
    )
