"""Hostile input for the raw topic, each case with the outcome it must have: a dead letter with
a specific ``error_type``, or a valid enriched record passing the case's own check.

Shared by the in-process test (``tests/unit/test_hostile_corpus.py``: the chain as ``streams
enrich`` runs it) and the worker test (``tests/integration/test_hostile.py``: the same bytes
through a real broker and worker).
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from streams.codec import DEAD_LETTER_KEY_BUDGET, MAX_JSON_DEPTH, stable_id

LIMIT = 1024 * 1024  # STREAMS_MAX_MESSAGE_BYTES' default
MIB = 1024 * 1024
FIELD_LIMIT = 4096  # STREAMS_MAX_FIELD_CHARS' default
HEADERS_LIMIT = 32  # STREAMS_MAX_HEADERS' default
HEADER_BYTES_LIMIT = 8192  # STREAMS_MAX_HEADER_BYTES' default
PRODUCED_AT = "x-produced-at-ms"

Check = Callable[[dict[str, Any]], None]

# A short article in the shape of the samples: a title, a date line and two paragraphs.
ARTICLE = (
    "الحكومة تعلن خطة جديدة لدعم المزارعين في الجنوب\n"
    "تاريخ النشر: 6 يناير 2025\n"
    "أعلنت وزارة الزراعة اليوم الاثنين عن خطة لدعم صغار المزارعين في المحافظات الجنوبية، "
    "تشمل قروضا ميسرة وبذورا محسنة ومعدات للري بالتنقيط.\n"
    "وقال الوزير في مؤتمر صحفي إن الخطة ستنفذ على مراحل خلال العام الجاري، "
    "وإن المرحلة الأولى تبدأ في مارس المقبل بمشاركة ثلاثة آلاف مزارع."
)
# The article as it appears inside a JSON string, for messages built byte by byte.
_ESCAPED = orjson.dumps(ARTICLE)[1:-1]
ENGLISH = (
    "Seoul chip exports rise for a third month\n"
    "South Korea's semiconductor exports rose again in December, the trade ministry said on "
    "Monday, as demand for memory chips used in data centres kept growing.\n"
    "Officials expect the trend to continue through the first half of the year."
)


@dataclass(frozen=True)
class Case:
    name: str
    value: bytes | None
    key: bytes | None = None
    error: str | None = None  # the dead-letter error_type, when the message is bad
    check: Check | None = None  # what the enriched record must satisfy, when it is not
    record_id: str | None = None  # the enriched record's id, when it is not the key
    headers: tuple[tuple[str, bytes], ...] = ()

    @property
    def expected_id(self) -> str:
        assert self.error is None
        return self.record_id or (self.key or b"").decode()

    @property
    def letter_key(self) -> str:
        """The key of its dead letter: the original key's first bytes."""
        return (self.key or b"")[:DEAD_LETTER_KEY_BUDGET].decode()


def _json(fields: dict[str, Any]) -> bytes:
    return orjson.dumps(fields)


def _article(**fields: Any) -> dict[str, Any]:
    return {"text": ARTICLE, **fields}


def _clean(record: dict[str, Any]) -> str:
    return str(record["text"]["clean"])


def _absent(*chars: str) -> Check:
    def check(record: dict[str, Any]) -> None:
        clean = _clean(record)
        assert not any(c in clean for c in chars), repr(clean[:200])
        assert "الحكومة" in clean or "Seoul" in clean

    return check


def _contains(*parts: str) -> Check:
    def check(record: dict[str, Any]) -> None:
        clean = _clean(record)
        assert all(p in clean for p in parts), (parts, clean[:300])

    return check


def _extra(**expected: Any) -> Check:
    def check(record: dict[str, Any]) -> None:
        assert record["meta"]["extra"] == {**record["meta"]["extra"], **expected}, record["meta"]

    return check


def _language(code: str) -> Check:
    def check(record: dict[str, Any]) -> None:
        assert record["language"] == code
        skipped = {s["name"] for s in record["provenance"]["stages"] if s["status"] == "skipped"}
        if code not in ("ar", "en", "fr"):
            assert {"dates", "countries", "keywords", "quotes"} <= skipped
        elif code != "ar":
            # English and French articles get dates, countries, entities, keywords and quotes.
            assert {"dates", "countries", "entities", "keywords", "quotes"}.isdisjoint(skipped)

    return check


def _published(value: str | None) -> Check:
    def check(record: dict[str, Any]) -> None:
        assert record["structure"]["published_at"] == value

    return check


def _all(*checks: Check) -> Check:
    def check(record: dict[str, Any]) -> None:
        for one in checks:
            one(record)

    return check


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


def _nested_text(depth: int) -> bytes:
    # Built as text: orjson itself refuses to write this deep.
    return b'{"text": "x", "meta": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


def _binary(seed: int, size: int) -> bytes:
    data = bytes(random.Random(seed).getrandbits(8) for _ in range(size))
    return b"\xff" + data  # 0xFF never occurs in UTF-8


_LONG_LINE = " ".join(["الحكومة تدعم المزارعين في الجنوب بقروض ميسرة"] * 12_000)  # ~530 kB
_NEAR_LIMIT_BODY = (ARTICLE.split("\n", 2)[2] + "\n") * (LIMIT // len(ARTICLE.encode()))


def _near_limit() -> bytes:
    """A JSON message just under the size limit."""
    body = _NEAR_LIMIT_BODY
    while len(_json({"text": body})) > LIMIT - 64:
        body = body[: len(body) - 500]
    return _json({"text": body})


def _huge_key() -> bytes:
    # Its first bytes, all a dead letter keeps, still name it.
    return b"hostile-eight-mb-key-" + b"k" * (8 * 1000 * 1000)


def _headers(count: int, value_bytes: int = 8) -> tuple[tuple[str, bytes], ...]:
    return tuple((f"x-tag-{i}", b"v" * value_bytes) for i in range(count))


def _far_future_ms() -> bytes:
    return str(4_102_444_800_000 * 10).encode()  # the year ~3900


def corpus() -> list[Case]:
    """Every hostile case, keyed ``hostile-<name>`` unless the case is about the key."""
    cases = [
        # --- not UTF-8 (raw bytes and binary data) -------------------------------------------
        Case("utf8-lone-continuation", b"\x80\x80 news", error="invalid_utf8"),
        Case("utf8-overlong-slash", b"\xc0\xaf etc", error="invalid_utf8"),
        Case("utf8-truncated-arabic", "خبر عاجل".encode()[:-1], error="invalid_utf8"),
        Case("utf8-cesu-surrogate", b"\xed\xa0\x80\xed\xb0\x80", error="invalid_utf8"),
        Case("windows-1256", "خبر عاجل من القاهرة".encode("cp1256"), error="invalid_utf8"),
        Case("utf16-with-bom", "خبر عاجل".encode("utf-16"), error="invalid_utf8"),
        Case("binary-random", _binary(7, 4096), error="invalid_utf8"),
        Case("binary-png", b"\x89PNG\r\n\x1a\n" + _binary(8, 512), error="invalid_utf8"),
        Case("binary-gzip", gzip.compress(ARTICLE.encode(), mtime=0), error="invalid_utf8"),
        # --- not JSON, or not a JSON object --------------------------------------------------
        Case("json-unterminated", b'{"text": "abc', error="invalid_json"),
        Case("json-trailing-comma", b'{"text": "abc",}', error="invalid_json"),
        Case("json-single-quotes", b"{'text': 'abc'}", error="invalid_json"),
        Case("json-trailing-garbage", b'{"text": "abc"} and more', error="invalid_json"),
        Case("json-nan", b'{"text": "abc", "score": NaN}', error="invalid_json"),
        Case("json-raw-newline-in-string", b'{"text": "line one\nline two"}', error="invalid_json"),
        Case("json-array", b'[{"text": "abc"}]', error="not_an_object"),
        Case("json-number", b"2025", error="not_an_object"),
        Case("json-true", b"true", error="not_an_object"),
        Case("json-null", b"null", error="not_an_object"),
        Case("json-deep-meta", _json({"text": ARTICLE, "meta": _nested(MAX_JSON_DEPTH)}),
             error="too_deeply_nested"),
        Case("json-deeper-than-orjson", _nested_text(5000), error="too_deeply_nested"),
        Case("json-deep-array", b"[" * 3000 + b"]" * 3000, error="too_deeply_nested"),
        # --- the text field ------------------------------------------------------------------
        Case("missing-text", _json({"id": "x", "title": "عنوان"}), error="missing_text"),
        Case("empty-object", b"{}", error="missing_text"),
        Case("text-null", b'{"text": null}', error="text_not_string"),
        Case("text-number", b'{"text": 42}', error="text_not_string"),
        Case("text-object", _json({"text": {"ar": "خبر"}}), error="text_not_string"),
        Case("text-array", _json({"text": ["خبر"]}), error="text_not_string"),
        Case("text-boolean", b'{"text": true}', error="text_not_string"),
        Case("text-empty", b'{"text": ""}', error="empty_text"),
        Case("text-whitespace", b'{"text": " \\n\\t\\r "}', error="empty_text"),
        Case("text-unicode-spaces", _json({"text": "\u00a0\u2003\u3000\u2028"}),
             error="empty_text"),
        Case("plain-whitespace", b"  \r\n\t  ", error="empty_text"),
        # --- nothing readable once cleaned ---------------------------------------------------
        Case("only-diacritics", _json({"text": "\u064b\u064c\u064d\u064e\u064f\u0650\u0651"}),
             error="no_content"),
        Case("only-punctuation", _json({"text": "!!! ؟؟؟ ... ،،، «» — ؛"}), error="no_content"),
        Case("only-zero-width", _json({"text": "\u200b\u200c\u200d\u2060\ufeff"}),
             error="no_content"),
        Case("only-bidi-controls", _json({"text": "\u202e\u202d\u2066\u2069\u200f"}),
             error="no_content"),
        Case("only-emoji", _json({"text": "🎉🔥👍🏽"}), error="no_content"),
        Case("only-markup", b"<div><p></p><br/><img src='x.png'></div>", error="no_content"),
        Case("only-nul-bytes", b"\x00\x00\x00\x00", error="no_content"),
        # --- size ----------------------------------------------------------------------------
        Case("over-limit-by-one", b"x" * (LIMIT + 1), error="too_large"),
        Case("ten-mib", ("خبر " * (10 * MIB // 7 + 1)).encode()[: 10 * MIB], error="too_large"),
        # --- what else a producer controls: the key, headers, every field but text ----------
        Case("eight-mb-key", b"x" * (LIMIT + 100 * 1024), key=_huge_key(), error="key_too_large"),
        Case("key-over-limit", _json({"text": ARTICLE}), key=b"hostile-long-key-" + b"k" * 1024,
             error="key_too_large"),
        Case("too-many-headers", _json({"text": ARTICLE}), headers=_headers(HEADERS_LIMIT + 1),
             error="too_many_headers"),
        Case("headers-too-large", _json({"text": ARTICLE}),
             headers=_headers(2, HEADER_BYTES_LIMIT // 2), error="headers_too_large"),
        Case("source-900-kb", _json(_article(source="وكالة " * 80_000)),
             error="field_too_long"),
        Case("url-too-long", _json(_article(url="https://example.com/" + "a" * FIELD_LIMIT)),
             error="field_too_long"),
        Case("id-too-long", _json(_article(id="i" * (FIELD_LIMIT + 1))), error="field_too_long"),
        Case("title-too-long", _json(_article(title="عنوان " * 1000)), error="field_too_long"),
        Case("published-at-too-long", _json(_article(published_at="2025" * 2000)),
             error="field_too_long"),
        Case("nested-meta-too-long", _json(_article(meta={"author": {"bio": "x" * 5000}})),
             error="field_too_long"),
        Case("field-name-too-long", _json(_article(**{"n" * 5000: 1})), error="field_too_long"),
        # --- no value ------------------------------------------------------------------------
        Case("key-without-value", None, error="empty_value"),
        Case("empty-value", b"", error="empty_value"),
        # --- accepted: repaired, kept, or cleaned --------------------------------------------
        Case("nul-escapes-in-text", _json(_article(text=ARTICLE.replace("في", "في\u0000"))),
             check=_absent("\x00")),
        Case("raw-nul-bytes-in-text", ARTICLE.replace("في", "في\x00").encode(),
             check=_absent("\x00")),
        Case("lone-high-surrogate",
             b'{"text": "' + _ESCAPED + b' \\ud83d"}', check=_contains("\ufffd")),
        Case("lone-low-surrogate",
             b'{"text": "\\udc00' + _ESCAPED + b'"}', check=_contains("\ufffd")),
        Case("surrogate-pair-escape",
             b'{"text": "' + _ESCAPED + b' \\ud83d\\ude00"}', check=_contains("😀")),
        Case("huge-integer-field", _json(_article())[:-1] + b', "views": ' + b"9" * 30 + b"}",
             check=_extra(views="9" * 30)),
        Case("huge-float-field", _json(_article())[:-1] + b', "score": 1e400}',
             check=_extra(score="1e400")),
        Case("huge-integer-id", b'{"id": 123456789012345678901234567890, "text": "'
             + _ESCAPED + b'"}', key=b"hostile-ignored-key",
             check=_contains("الحكومة"), record_id="123456789012345678901234567890"),
        Case("unknown-fields", _json(_article(author="مراسلنا", tags=["زراعة"], rank={"a": 1})),
             check=_extra(author="مراسلنا", tags=["زراعة"], rank={"a": 1})),
        # The types raw-article.schema.json gives the known fields are the worker's contract.
        Case("meta-not-an-object", _json(_article(meta="وكالة")), error="schema_violation"),
        Case("html-markup", _json({"text": "<html><body><h1>الحكومة تعلن خطة جديدة</h1>"
             "<p>أعلنت الوزارة <b>اليوم</b> عن خطة&nbsp;لدعم المزارعين.</p>"
             "<script>alert('x')</script><!-- comment --></body></html>"}),
             check=_absent("<", ">", "alert", "&nbsp;", "comment")),
        Case("emoji", _json(_article(text=ARTICLE.replace("الجاري،", "الجاري 🌾🚜،"))),
             check=_contains("🌾🚜")),
        Case("bidi-controls", _json(_article(text="\u202b" + ARTICLE.replace(" ", " \u200f\u061c")
             + "\u202c")), check=_absent("\u202b", "\u202c", "\u200f", "\u061c")),
        Case("zero-width", _json(_article(text=ARTICLE.replace("ال", "ال\u200b\u200c\u2060"))),
             check=_absent("\u200b", "\u200c", "\u2060")),
        Case("latin-only", _json({"text": ENGLISH}), check=_language("en")),
        Case("arabic-indic-digits", _json({"text": ARTICLE.replace("6 يناير 2025", "٦ يناير ٢٠٢٥")
             .replace("ثلاثة آلاف", "٣٠٠٠")}), check=_contains("٣٠٠٠")),
        Case("persian-digits", _json({"text": ARTICLE.replace("ثلاثة آلاف", "۳۰۰۰")}),
             check=_contains("۳۰۰۰")),
        Case("only-digits", _json({"text": "١٢٣٤٥ 2025"}), check=lambda r: None),
        Case("repeated-id", _json({"id": "hostile-repeated", "text": ARTICLE}),
             key=b"hostile-repeated", check=_contains("الحكومة")),
        Case("repeated-id-again", _json({"id": "hostile-repeated", "text": ENGLISH}),
             key=b"hostile-repeated", check=lambda r: None),
        Case("bom-before-json", b"\xef\xbb\xbf" + _json({"text": ARTICLE}),
             check=_all(_contains("الحكومة"), _absent("{", '"text"'))),
        Case("json-string-message", orjson.dumps(ARTICLE), check=_absent('"')),
        Case("plain-text-starting-with-digits", ("2025 " + ARTICLE).encode(),
             check=_contains("الحكومة")),
        Case("plain-text-starting-with-bracket", ("[فيديو] " + ARTICLE).encode(),
             check=_contains("الحكومة")),
        Case("garbage-published-at", _json(_article(text=ARTICLE.split("\n", 2)[2],
             published_at="9999-99-99T99:99")), check=_all(_contains("الزراعة"), _published(None))),
        Case("published-at-number", _json(_article(text=ARTICLE.split("\n", 2)[2],
             published_at=20250106)), error="schema_violation"),
        Case("published-at-null", _json(_article(text=ARTICLE.split("\n", 2)[2],
             published_at=None, meta=None)), check=_published(None)),
        Case("url-number", _json(_article(url=42)), error="schema_violation"),
        Case("url-huge-integer", _json(_article())[:-1] + b', "url": ' + b"7" * 30 + b"}",
             error="schema_violation"),
        Case("id-float-overflow", _json(_article())[:-1] + b', "id": 1e400}',
             error="schema_violation"),
        Case("id-boolean", _json(_article(id=True)), error="schema_violation"),
        Case("whitespace-id", _json(_article(id="   ")), check=_contains("الحكومة")),
        Case("duplicate-json-keys", b'{"text": "first", "text": "' + _ESCAPED + b'"}',
             check=_all(_contains("الحكومة"), _absent("first"))),
        Case("control-characters", _json({"text": ARTICLE.replace(" ", " \x07\x1b\x9b", 5)}),
             check=_absent("\x07", "\x1b", "\x9b")),
        Case("tatweel", _json({"text": ARTICLE.replace("الحكومة", "الحـــــكومة")}),
             check=_contains("الحكومة")),
        Case("crlf-and-cr-lines", ARTICLE.replace("\n", "\r\n", 1).replace("\n", "\r").encode(),
             check=_absent("\r")),
        Case("long-single-line", _json({"text": _LONG_LINE}), check=_contains("الحكومة")),
        Case("near-size-limit", _near_limit(), check=_contains("الزراعة")),
        Case("field-at-the-limit", _json(_article(title="ع" * FIELD_LIMIT)),
             check=_extra(title="ع" * FIELD_LIMIT)),
        # The produce time a header claims is the producer's word: used only when close to
        # the broker's timestamp, else ignored (the article goes on either way).
        Case("produced-at-not-a-number", _json(_article()), headers=((PRODUCED_AT, b"soon"),),
             check=_contains("الحكومة")),
        Case("produced-at-far-future", _json(_article()),
             headers=((PRODUCED_AT, _far_future_ms()),), check=_contains("الحكومة")),
        Case("produced-at-one", _json(_article()), headers=((PRODUCED_AT, b"1"),),
             check=_contains("الحكومة")),
        Case("produced-at-negative", _json(_article()),
             headers=((PRODUCED_AT, b"-1700000000000"),), check=_contains("الحكومة")),
        Case("produced-at-huge-digits", _json(_article()),
             headers=((PRODUCED_AT, b"9" * 400),), check=_contains("الحكومة")),
    ]
    keyed = []
    for case in cases:
        key = case.key if case.key is not None else f"hostile-{case.name}".encode()
        keyed.append(
            Case(case.name, case.value, key, case.error, case.check, case.record_id, case.headers)
        )
    # A key that is not UTF-8 cannot be an id: the text's hash is.
    keyed.append(
        Case("key-not-utf8", _json({"text": ARTICLE + "\nمفتاح غير مقروء."}), key=b"\xff\xfe",
             check=_contains("مفتاح"), record_id=stable_id(ARTICLE + "\nمفتاح غير مقروء."))
    )
    return keyed
