"""Input limits that protect a worker: no stage's regular expression backtracks catastrophically
on long adversarial lines, and records too large for the topics are refused with a reason.

No timings are asserted (the machine is shared). A pattern that backtracks exponentially or
quadratically takes minutes to hours on a line this long, where a linear one takes well under a
second; the timeout marks such a hang as a failure instead of stalling the suite.
"""

from __future__ import annotations

import orjson
import pytest

from streams.codec import MAX_OUTPUT_BYTES, BadMessage, check_output_size, decode_raw
from streams.pipeline import Resources, enrich, segment
from streams.records import RawArticle

LINE = 60_000  # characters per adversarial line

# Each repeats to fill a line, aimed at the stages' patterns: markup and entities (text.py),
# markers, labels, datelines and agency lines (structure.py, datelines.py), dates, quotes,
# sentence terminators, URLs and e-mail addresses (sentences.py), names (places.py).
ADVERSARIAL = {
    "angle-brackets": "<",
    "unclosed-tags": "<a ",
    "unclosed-comment": "<!--",
    "unclosed-script": "<script>",
    "amp-chain": "&amp;",
    "entity-starts": "&#",
    "entity-like-words": "&x",
    "ascii-digits": "1",
    "arabic-indic-digits": "١",
    "dots": ".",
    "ellipses": "…",
    "arabic-words": "الحكومة ",
    "open-guillemets": "«",
    "quote-verb": '"قال ',
    "said-colon": "قال: ",
    "tabs-and-words": "a\t",
    "dashes": " - ",
    "slashes": "/",
    "date-fragments": "2025-01-",
    "month-names": "يناير ",
    "day-month-year": "6 يناير 2025 ",
    "times": "10:30 ",
    "gmt-offsets": "GMT+",
    "url-fragments": "http://x.",
    "www": "www.",
    "email-fragments": "a@b.",
    "email-dots": "a.",
    "hashtags": "#وسم ",
    "mentions": "@x ",
    "bidi-controls": "\u202e",
    "zero-width-joiners": "\u200d",
    "emoji-joined": "👨\u200d",
    "diacritics": "\u064e",
    "tatweel": "ـ",
    "parens": "(",
    "agency-parens": "(رويترز) ",
    "brackets": "[",
    "pipes": "|",
    "read-also": "اقرأ أيضا ",
    "source-label": "المصدر: ",
    "tags-label": "وسوم: ",
    "date-label": "تاريخ النشر: ",
    "mixed-scripts": "a١ب2",
    "country-names": "مصر السعودية الإمارات ",
    "persian-letters": "ی",
    "nul-and-escapes": "\x00\x1b",
}


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("unit", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_a_long_adversarial_line_is_processed(unit: str, resources: Resources) -> None:
    line = unit * (LINE // len(unit))
    short_lines = "\n".join([unit * max(1, 60 // len(unit))] * (LINE // 60))
    # Alone, after a normal title line so the structure stages take it as the body, and cut
    # into many short lines (the line-by-line patterns of structure.py and datelines.py).
    for text in (line, "الحكومة تعلن خطة جديدة\n" + line, short_lines):
        try:
            record = enrich(segment(RawArticle(id="long", text=text), resources), resources)
        except BadMessage as exc:  # a line of symbols only
            assert exc.code == "no_content"
            continue
        failed = [s for s in record["provenance"]["stages"] if s["status"] == "failed"]
        assert not failed


@pytest.mark.timeout(120)
def test_many_short_lines_are_processed(resources: Resources) -> None:
    text = "\n".join(["خبر", "(رويترز)", "تاريخ النشر: 6 يناير 2025", "اقرأ أيضا", ""] * 8000)
    record = enrich(segment(RawArticle(id="lines", text=text), resources), resources)
    assert not [s for s in record["provenance"]["stages"] if s["status"] == "failed"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "value",
    [
        b'{"text": "' + b"\\\\" * 200_000 + b'"}',
        b'{"text": "' + b"\\u0627" * 100_000 + b'"}',
        b'{"text": "x", "a": "' + b"9" * 400_000 + b'"}',
        b'{"text": "x", "n": ' + b"9" * 400_000 + b"}",
        b"[" * 400_000,
        b'{"a":' * 200_000,
    ],
    ids=[
        "backslashes",
        "unicode-escapes",
        "long-digit-string",
        "huge-integer",
        "open-arrays",
        "open-objects",
    ],
)
def test_adversarial_json_is_decoded_or_refused(value: bytes) -> None:
    try:
        raw = decode_raw(value, None, max_bytes=1024 * 1024)
    except BadMessage as exc:
        # A 400,000-digit number is kept as its literal text, a string over the field limit.
        assert exc.code in {"invalid_json", "too_deeply_nested", "field_too_long"}
    else:
        assert raw["text"]


def test_a_record_too_large_for_the_topics_is_refused_with_a_reason() -> None:
    check_output_size(b"x" * (MAX_OUTPUT_BYTES - 10), "id")
    with pytest.raises(BadMessage) as info:
        check_output_size(orjson.dumps({"text": "x" * MAX_OUTPUT_BYTES}), "id")
    assert info.value.code == "output_too_large"
    assert str(MAX_OUTPUT_BYTES) in info.value.reason
