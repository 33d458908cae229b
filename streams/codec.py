"""Bytes <-> records at the topic boundary: orjson, JSON Schema validation, dead letters.

Everything that crosses a topic goes through here, so a malformed message becomes a
:class:`BadMessage` with a machine-readable code and a human-readable reason, and an agent
turns it into a dead letter instead of stopping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, cast

import fastjsonschema
import orjson

from .kafka_local import MAX_MESSAGE_BYTES
from .records import SCHEMA_VERSION, DeadLetter, EnrichedArticle, RawArticle, SegmentedArticle

logger = logging.getLogger(__name__)

# The JSON Schemas are package data (``streams/schemas/``), published as the repository's
# top-level ``schemas/`` copy. Their ``$id`` names the schema version:
# ``{SCHEMA_BASE_URI}v<N>/<name>.schema.json``.
SCHEMA_PACKAGE = "streams"
SCHEMA_FOLDER = "schemas"
SCHEMA_BASE_URI = "https://arabic-news-streams.local/schemas/"
# The schema of every record kind, by where it travels.
RECORD_SCHEMAS = {
    "raw": "raw-article",
    "segmented": "segmented-article",
    "pending-stage": "enriched-article",  # between two CAMeL stages: an enriched record so far
    "enriched": "enriched-article",
    "dead-letter": "dead-letter",
}
RAW_FIELDS = ("id", "text", "url", "source", "published_at", "meta")
# Deeper JSON is no news metadata anyone meant, and orjson cannot write back more than 254
# levels: the limit keeps every accepted message serialisable downstream.
MAX_JSON_DEPTH = 64
# Integers orjson (and Kafka consumers in most languages) read exactly.
_INT_RANGE = range(-(2**63), 2**64)
# A run of this many digits may be an integer orjson silently turned into a float.
_LONG_DIGITS = re.compile(r"[0-9]{20}")
_SURROGATE = re.compile("[\ud800-\udfff]")
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


@dataclass(frozen=True, slots=True)
class InputLimits:
    """What a producer may send on the raw topic, beyond the value's size (``max_bytes``).

    Defaults are the settings' (``STREAMS_MAX_KEY_BYTES``...): a key is an id, a header a short
    tag, a field other than ``text`` a title or a URL, never a payload of its own.
    """

    max_bytes: int = 1024 * 1024
    max_key_bytes: int = 1024
    max_headers: int = 32
    max_header_bytes: int = 8192
    max_field_chars: int = 4096

    @classmethod
    def of(cls, settings: Any) -> InputLimits:
        return cls(
            max_bytes=settings.max_message_bytes,
            max_key_bytes=settings.max_key_bytes,
            max_headers=settings.max_headers,
            max_header_bytes=settings.max_header_bytes,
            max_field_chars=settings.max_field_chars,
        )


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


def schema_names() -> list[str]:
    """The names of the shipped schemas (``raw-article``, ``enriched-article``...)."""
    folder = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_FOLDER)
    suffix = ".schema.json"
    return sorted(f.name[: -len(suffix)] for f in folder.iterdir() if f.name.endswith(suffix))


@cache
def _schema_bytes(name: str) -> bytes:
    resource = resources.files(SCHEMA_PACKAGE).joinpath(SCHEMA_FOLDER, f"{name}.schema.json")
    return resource.read_bytes()


def schema_document(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (e.g. ``enriched-article``) as shipped in the package; a new
    copy each time (fastjsonschema rewrites the references of the document it compiles)."""
    return cast(dict[str, Any], orjson.loads(_schema_bytes(name)))


def _resolve_local(uri: str) -> dict[str, Any]:
    # Schemas reference each other by $id; serve ours from the package, never the network.
    if not uri.startswith(SCHEMA_BASE_URI):
        raise ValueError(f"a schema reference outside this package: {uri}")
    file_name = uri.rsplit("/", 1)[-1].split("#", 1)[0]
    return schema_document(file_name.removesuffix(".schema.json"))


@cache
def validator(name: str) -> Callable[[Any], Any]:
    """A compiled validator for the schema ``name``."""
    return cast(
        Callable[[Any], Any],
        fastjsonschema.compile(schema_document(name), handlers={"https": _resolve_local}),
    )


def validate(name: str, record: Any) -> None:
    """Raise :class:`BadMessage` ``schema_violation`` when ``record`` breaks schema ``name``.

    The one check of every record kind against its schema (:data:`RECORD_SCHEMAS`), wherever
    it is produced or read: agents, ``streams enrich``, the bench, ``streams produce``.
    """
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


Headers = Iterable[tuple[str | bytes, bytes | None]] | dict[Any, Any] | None


def check_envelope(key: bytes | None, headers: Headers, limits: InputLimits) -> None:
    """Raise ``key_too_large``, ``too_many_headers`` or ``headers_too_large`` when the key or
    the headers of a raw message are over ``limits``; sizes only, nothing is decoded."""
    if key is not None and len(key) > limits.max_key_bytes:
        raise BadMessage(
            "key_too_large",
            f"the key is {len(key)} bytes, over the limit of {limits.max_key_bytes} bytes",
        )
    pairs = list(headers.items() if isinstance(headers, dict) else headers or ())
    if len(pairs) > limits.max_headers:
        raise BadMessage(
            "too_many_headers",
            f"the message has {len(pairs)} headers, over the limit of {limits.max_headers}",
        )
    size = sum(len(_header_bytes(name)) + len(value or b"") for name, value in pairs)
    if size > limits.max_header_bytes:
        raise BadMessage(
            "headers_too_large",
            f"the headers' names and values are {size} bytes, over the limit of "
            f"{limits.max_header_bytes} bytes",
        )


def _header_bytes(name: str | bytes) -> bytes:
    return name if isinstance(name, bytes) else name.encode("utf-8", "surrogatepass")


def decode_raw(
    value: bytes | None,
    key: bytes | None = None,
    *,
    max_bytes: int | None = None,
    limits: InputLimits | None = None,
    headers: Headers = None,
) -> RawArticle:
    """A raw message (JSON object or plain UTF-8 text) as a :class:`RawArticle`.

    ``limits`` (or just ``max_bytes``) bound what the producer controls: the key and headers
    (when given), the value's size, checked before any decoding so a huge message costs
    nothing, and every string field but ``text``.
    """
    if limits is None:
        limits = InputLimits() if max_bytes is None else InputLimits(max_bytes=max_bytes)
    elif max_bytes is not None:
        limits = InputLimits(**{**_limits_dict(limits), "max_bytes": max_bytes})
    check_envelope(key, headers, limits)
    return _decode_value(value, key, limits)


def _limits_dict(limits: InputLimits) -> dict[str, int]:
    return {name: getattr(limits, name) for name in InputLimits.__slots__}


def _decode_value(value: bytes | None, key: bytes | None, limits: InputLimits) -> RawArticle:
    max_bytes = limits.max_bytes
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
    # Windows tools start UTF-8 files with a byte-order mark; it is not part of the message.
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _raw_from_json(text, key, limits.max_field_chars)
    if stripped[:1] in _JSON_VALUE_START:
        parsed = _json_value_or_text(text)
        if isinstance(parsed, str):
            # Plain text, or a JSON-encoded string whose content the producer meant as text.
            return _raw_article(parsed, key, {})
        raise BadMessage(
            "not_an_object",
            f"the message is a JSON {_json_kind(parsed)}, expected a JSON object or plain text",
        )
    return _raw_article(text, key, {})


# What a JSON value other than an object can start with. Plain text starting so is still text
# unless the whole message parses as JSON.
_JSON_VALUE_START = frozenset('["-0123456789tfn')


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "string"


def _json_value_or_text(text: str) -> Any:
    """The JSON value ``text`` holds, or ``text`` itself when it is not JSON."""
    try:
        return _loads_exact(text)
    except BadMessage as exc:
        if exc.code == "too_deeply_nested":
            raise
        return text


def _raw_from_json(text: str, key: bytes | None, max_field_chars: int) -> RawArticle:
    parsed = _loads_exact(text)
    if not isinstance(parsed, dict):
        raise BadMessage(
            "not_an_object", f"the message is a JSON {_json_kind(parsed)}, expected an object"
        )
    _check_fields(parsed, max_field_chars)
    if "text" not in parsed:
        raise BadMessage("missing_text", "the JSON object has no `text` field")
    body = parsed["text"]
    if not isinstance(body, str):
        raise BadMessage(
            "text_not_string", f"`text` is a JSON {_json_kind(body)}, expected a string"
        )
    _check_text(body)
    # What the codes above do not name (the types of id, url, source, published_at, meta):
    # raw-article.schema.json decides, so the schema and the worker accept the same objects.
    validate("raw-article", {name: _as_sent(value) for name, value in parsed.items()})
    return _raw_article(body, key, parsed)


def _as_sent(value: Any) -> Any:
    """A number kept as its literal, as the schema must see it: a number of the same type
    (the raw schema types fields, it sets no numeric bounds)."""
    if isinstance(value, NumberLiteral):
        return 0 if value.integer else 0.5
    return value


# raw-article.schema.json's pattern for `text`: Python's \s is exactly str.isspace().
_NOT_SPACE = re.compile(r"\S")


def _check_text(text: str) -> None:
    if not _NOT_SPACE.search(text):
        raise BadMessage("empty_text", "the article text is empty or whitespace only")


def _loads_exact(text: str) -> Any:
    """Parse JSON with orjson; where orjson would lose or refuse something a producer can
    legitimately send, fall back to the standard library for this one message:

    - integers beyond 64 bits (orjson reads them as floats) and numbers beyond a double's range
      (orjson refuses them) are kept exactly, as their literal text;
    - lone UTF-16 surrogates in ``\\u`` escapes (a string cut in the middle of an emoji) become
      U+FFFD, the replacement character: one unreadable character should not cost an article.

    NaN and Infinity stay errors, as in JSON itself. Nesting deeper than
    :data:`MAX_JSON_DEPTH` is refused.
    """
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        message = str(exc)
        if "depth limit" in message or "recursion" in message:
            raise _too_deep() from None
        if "surrogate" not in message and "infinity" not in message:
            raise BadMessage(
                "invalid_json", f"the message looks like JSON but does not parse: {exc}"
            ) from None
        parsed = _loads_lenient(text)
    else:
        if _LONG_DIGITS.search(text):
            parsed = _loads_lenient(text)
    _check_depth(parsed)
    return parsed


class NumberLiteral(str):
    """A JSON number kept as its literal text (beyond 64 bits, or beyond a double's range).

    It travels as a string; the raw schema still sees the number it was (:func:`_as_sent`).
    """

    integer: bool

    def __new__(cls, literal: str, *, integer: bool) -> NumberLiteral:
        kept = super().__new__(cls, literal)
        kept.integer = integer
        return kept


def _exact_int(literal: str) -> int | str:
    # Checked on the literal first: int() of thousands of digits is slow (and refused by
    # Python beyond 4300 digits).
    if len(literal.lstrip("-")) <= 20:
        number = int(literal)
        if number in _INT_RANGE:
            return number
    return NumberLiteral(literal, integer=True)


def _finite_float(literal: str) -> float | str:
    number = float(literal)
    if number not in (float("inf"), float("-inf")):
        return number
    return NumberLiteral(literal, integer=False)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _loads_lenient(text: str) -> Any:
    try:
        parsed = json.loads(
            text, parse_int=_exact_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:
        raise BadMessage(
            "invalid_json", f"the message looks like JSON but does not parse: {exc}"
        ) from None
    return _without_surrogates(parsed)


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, NumberLiteral):
        return value
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def _too_deep() -> BadMessage:
    return BadMessage(
        "too_deeply_nested", f"the JSON nests objects or arrays over {MAX_JSON_DEPTH} levels deep"
    )


def _check_depth(value: Any) -> None:
    """Raise ``too_deeply_nested`` past :data:`MAX_JSON_DEPTH`; iterative, so any depth is safe."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def _check_fields(fields: dict[str, Any], max_chars: int) -> None:
    """Raise ``field_too_long`` for any string but the top-level ``text`` (a value or a name,
    at any depth: ``source``, ``url``, ``id``, ``title``, ``meta.author``...) over
    ``max_chars`` characters. Each one ends up in the record, some in monitoring labels."""
    stack: list[tuple[str, Any]] = [(k, v) for k, v in fields.items() if k != "text"]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if len(node) > max_chars:
                raise BadMessage(
                    "field_too_long",
                    f"`{path[:100]}` is {len(node)} characters, over the limit of {max_chars} "
                    "(only `text` may be longer)",
                )
        elif isinstance(node, dict):
            for name, child in node.items():
                if len(name) > max_chars:
                    raise BadMessage(
                        "field_too_long",
                        f"a field name in `{path[:100]}` is {len(name)} characters, over the "
                        f"limit of {max_chars}",
                    )
                stack.append((f"{path}.{name}", child))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(node))
    for name in fields:
        if name != "text" and len(name) > max_chars:
            raise BadMessage(
                "field_too_long",
                f"a field name is {len(name)} characters, over the limit of {max_chars}",
            )


def _optional_str(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _raw_article(text: str, key: bytes | None, fields: dict[str, Any]) -> RawArticle:
    _check_text(text)
    given_id = fields.get("id")
    usable_id = isinstance(given_id, str | int) and not isinstance(given_id, bool)
    if not usable_id or not str(given_id).strip():
        given_id = None
    article_id = str(given_id) if given_id is not None else _key_text(key) or stable_id(text)
    meta = dict(fields.get("meta") or {})
    # Unknown fields are kept rather than dropped.
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
    if _key_text(key) is not None:
        # A UTF-8 key cut inside a character: the partial character goes.
        return kept.decode("utf-8", errors="ignore")
    text = _key_text(kept)
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
