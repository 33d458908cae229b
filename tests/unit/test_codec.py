from __future__ import annotations

import base64
import contextlib
import hashlib
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.codec import (
    DEAD_LETTER_KEY_BUDGET,
    DEAD_LETTER_VALUE_BUDGET,
    BadMessage,
    InputLimits,
    dead_letter,
    decode_raw,
    stable_id,
    validate,
)

LIMIT = 1024 * 1024


def test_plain_text_becomes_text_with_a_stable_id() -> None:
    raw = decode_raw("خبر عاجل".encode(), None, max_bytes=LIMIT)
    assert raw["text"] == "خبر عاجل"
    assert (
        raw["id"]
        == stable_id("خبر عاجل")
        == decode_raw("خبر عاجل".encode(), None, max_bytes=LIMIT)["id"]
    )


def test_json_fields_and_unknown_fields_kept_under_meta() -> None:
    value = orjson.dumps(
        {
            "id": 7,
            "text": "نص",
            "url": "https://x",
            "source": "وكالة",
            "published_at": "2025-01-07",
            "lang_hint": "ar",
            "meta": {"a": 1},
        }
    )
    raw = decode_raw(value, b"key", max_bytes=LIMIT)
    assert raw["id"] == "7"
    assert raw["url"] == "https://x" and raw["source"] == "وكالة"
    assert raw["published_at"] == "2025-01-07"
    assert raw["meta"] == {"a": 1, "extra": {"lang_hint": "ar"}}


def test_id_falls_back_to_key_then_hash() -> None:
    assert decode_raw(b'{"text": "x"}', b"k1", max_bytes=LIMIT)["id"] == "k1"
    assert decode_raw(b'{"text": "x"}', None, max_bytes=LIMIT)["id"] == stable_id("x")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "empty_value"),
        (b"", "empty_value"),
        (b"\xff\xfe\x00garbage", "invalid_utf8"),
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "not_an_object"),
        (b'{"title": "x"}', "missing_text"),
        (b'{"text": null}', "text_not_string"),
        (b'{"text": ["a"]}', "text_not_string"),
        (b'{"text": ""}', "empty_text"),
        (b'{"text": "  \\n\\t "}', "empty_text"),
        (b"   \n  ", "empty_text"),
        (b"x" * (LIMIT + 1), "too_large"),
    ],
)
def test_bad_messages_have_a_code_and_a_reason(value: bytes | None, code: str) -> None:
    with pytest.raises(BadMessage) as info:
        decode_raw(value, None, max_bytes=LIMIT)
    assert info.value.code == code
    assert len(info.value.reason) > 10


def test_bracket_plain_text_is_text() -> None:
    assert decode_raw("[فيديو] خبر".encode(), None, max_bytes=LIMIT)["text"] == "[فيديو] خبر"


def test_dead_letter_keeps_original_bytes_and_validates() -> None:
    letter = dead_letter(
        value=b"\xff\x00",
        key=b"\xfe",
        topic="articles.raw",
        partition=2,
        offset=10,
        stage="segment",
        error_type="invalid_utf8",
        reason="bad",
        max_bytes=LIMIT,
    )
    validate("dead-letter", letter)
    assert base64.b64decode(letter["value_b64"]) == b"\xff\x00"
    assert letter["key"] == "base64:" + base64.b64encode(b"\xfe").decode()


@given(st.binary(max_size=512))
def test_decode_raw_only_raises_bad_message(value: bytes) -> None:
    with contextlib.suppress(BadMessage):
        decode_raw(value, None, max_bytes=256)


@given(st.text(max_size=300))
def test_any_non_blank_text_decodes(text: str) -> None:
    encoded = text.encode("utf-8", "replace")
    try:
        raw = decode_raw(encoded, None, max_bytes=LIMIT)
    except BadMessage as exc:
        assert exc.code in {
            "empty_value",
            "empty_text",
            "invalid_json",
            "not_an_object",
            "missing_text",
            "text_not_string",
        }
    else:
        assert raw["text"].strip()


def _letter(value: bytes | None, key: bytes | None, **options: Any) -> dict[str, Any]:
    letter = dead_letter(
        value=value,
        key=key,
        topic="articles.raw",
        partition=0,
        offset=7,
        stage="segment",
        error_type="key_too_large",
        reason="r" * 50_000,
        **options,
    )
    validate("dead-letter", letter)
    return dict(letter)


def test_a_dead_letter_is_bounded_whatever_the_message() -> None:
    key = b"k" * (8 * 1000 * 1000)
    value = b"v" * (1100 * 1000)
    letter = _letter(value, key)
    assert len(orjson.dumps(letter)) < 100 * 1024
    assert letter["key"] == "k" * DEAD_LETTER_KEY_BUDGET
    assert letter["key_bytes"] == len(key)
    assert letter["key_sha256"] == hashlib.sha256(key).hexdigest()
    assert base64.b64decode(letter["value_b64"]) == value[:DEAD_LETTER_VALUE_BUDGET]
    assert letter["value_bytes"] == len(value)
    assert letter["value_sha256"] == hashlib.sha256(value).hexdigest()
    assert len(letter["reason"]) == 2000


def test_a_dead_letter_budget_is_a_setting_and_a_cut_character_is_dropped() -> None:
    key = "ع".encode() * 600  # 1200 bytes: the budget cuts the 513th letter in half
    letter = _letter(b"abcdef", key, value_budget=3)
    assert letter["key"] == "ع" * 512
    assert base64.b64decode(letter["value_b64"]) == b"abc"
    no_key = _letter(None, None)
    assert no_key["key"] is None and no_key["key_bytes"] is None and no_key["key_sha256"] is None
    assert no_key["value_sha256"] == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize(
    ("key", "headers", "code"),
    [
        (b"k" * 1025, None, "key_too_large"),
        (b"k", [(f"h{i}", b"") for i in range(33)], "too_many_headers"),
        (b"k", [("a", b"x" * 8192)], "headers_too_large"),
        (b"k", {"a": b"x" * 5000, "b": b"y" * 5000}, "headers_too_large"),
    ],
)
def test_key_and_headers_over_their_limits(key: bytes, headers: Any, code: str) -> None:
    with pytest.raises(BadMessage) as info:
        decode_raw(b'{"text": "abc"}', key, limits=InputLimits(), headers=headers)
    assert info.value.code == code


def test_key_and_headers_at_their_limits_pass() -> None:
    headers = [(f"h{i}", b"") for i in range(31)]
    headers.append(("x", b"y" * (8192 - 1 - sum(len(name) for name, _ in headers))))
    raw = decode_raw(b'{"text": "abc"}', b"k" * 1024, limits=InputLimits(), headers=headers)
    assert raw["id"] == "k" * 1024


@pytest.mark.parametrize(
    "fields",
    [
        {"source": "s" * 4097},
        {"url": "u" * 4097},
        {"id": "i" * 4097},
        {"published_at": "p" * 4097},
        {"title": "t" * 4097},
        {"meta": {"tags": ["ok", "t" * 4097]}},
        {"meta": {"n" * 4097: 1}},
        {"n" * 4097: 1},
    ],
)
def test_any_field_but_text_over_the_limit_is_refused(fields: dict[str, Any]) -> None:
    value = orjson.dumps({"text": "abc", **fields})
    with pytest.raises(BadMessage) as info:
        decode_raw(value, None, limits=InputLimits())
    assert info.value.code == "field_too_long"
    assert "4096" in info.value.reason


def test_text_and_fields_at_the_limit_pass() -> None:
    value = orjson.dumps({"text": "t" * 100_000, "source": "s" * 4096, "meta": {"a": "b" * 4096}})
    raw = decode_raw(value, None, limits=InputLimits(max_field_chars=4096))
    assert raw["source"] == "s" * 4096 and len(raw["text"]) == 100_000
