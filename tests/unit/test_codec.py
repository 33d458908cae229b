from __future__ import annotations

import base64
import contextlib

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.codec import BadMessage, dead_letter, decode_raw, stable_id, validate

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
