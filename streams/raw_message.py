"""Raw messages as producers send them -> :class:`RawArticle`, within the input limits.

What the producer controls (key, headers, value size, every field but ``text``) is bounded
before or while decoding; JSON that orjson would lose or refuse is read exactly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

import orjson

from .record_schemas import BadMessage, validate
from .records import RawArticle

RAW_FIELDS = ("id", "text", "url", "source", "published_at", "meta")
# Deeper JSON is no news metadata anyone meant, and orjson cannot write back more than 254
# levels: the limit keeps every accepted message serialisable downstream.
MAX_JSON_DEPTH = 64
# Integers orjson (and Kafka consumers in most languages) read exactly.
_INT_RANGE = range(-(2**63), 2**64)
# A run of this many digits may be an integer orjson silently turned into a float.
_LONG_DIGITS = re.compile(r"[0-9]{20}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclasses.dataclass(frozen=True, slots=True)
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
        # Each limit is the setting of the same name, but the value's size: the topics' one.
        named = [field.name for field in dataclasses.fields(cls) if field.name != "max_bytes"]
        return cls(
            max_bytes=settings.max_message_bytes,
            **{name: getattr(settings, name) for name in named},
        )


def stable_id(text: str) -> str:
    """The id of an article sent without one: a hash of its text, stable across runs."""
    return "sha1-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def key_text(key: bytes | None) -> str | None:
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
        limits = dataclasses.replace(limits, max_bytes=max_bytes)
    check_envelope(key, headers, limits)
    return _decode_value(value, key, limits)


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
    article_id = str(given_id) if given_id is not None else key_text(key) or stable_id(text)
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
