"""The worker's decoder and raw-article.schema.json accept the same JSON messages.

The schema is the contract a producer reads; ``codec.decode_raw`` is what the worker does. For
a JSON object message within the size limits of the settings, the decoder accepts it exactly
when the schema (checked here with the reference ``jsonschema`` implementation, not the
worker's own validator) does: over the hostile corpus, over documents generated from the
schema, and over arbitrary objects built around its fields. (hypothesis-jsonschema 0.23 does
not run with the Hypothesis we use, so the generator of valid documents is written here from
the schema's properties, and checked against the schema itself.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.codec import BadMessage, decode_raw
from tests.hostile_corpus import LIMIT, corpus

SCHEMA = orjson.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "raw-article.schema.json").read_bytes()
)
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)
# Refusals for what a schema does not describe: sizes and depth (settings), the envelope.
LIMIT_CODES = {
    "too_large",
    "too_deeply_nested",
    "field_too_long",
    "key_too_large",
    "too_many_headers",
    "headers_too_large",
}
# Refusals of a JSON object that the schema must refuse too.
SCHEMA_CODES = {"missing_text", "text_not_string", "empty_text", "schema_violation"}


def decoder_accepts(value: bytes) -> bool | None:
    """True/False as the decoder decides; None when a limit, not the contract, refused."""
    try:
        decode_raw(value, None, max_bytes=LIMIT)
    except BadMessage as exc:
        if exc.code in LIMIT_CODES:
            return None
        assert exc.code in SCHEMA_CODES, exc
        return False
    return True


def json_object(value: bytes | None) -> dict[str, Any] | None:
    """The JSON object a message holds (the form the schema describes), else None."""
    if not value:
        return None
    try:
        parsed = json.loads(value.decode("utf-8").removeprefix("\ufeff"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json module reads NaN; JSON does not


HOSTILE_OBJECTS = [
    pytest.param(case.value, document, id=case.name)
    for case in corpus()
    if (document := json_object(case.value)) is not None
]


def test_the_hostile_corpus_has_objects_on_both_sides_of_the_contract() -> None:
    verdicts = {REFERENCE.is_valid(document) for _, document in (p.values for p in HOSTILE_OBJECTS)}
    assert verdicts == {True, False}


@pytest.mark.parametrize(("value", "document"), HOSTILE_OBJECTS)
def test_decoder_and_schema_agree_on_the_hostile_corpus(
    value: bytes, document: dict[str, Any]
) -> None:
    accepted = decoder_accepts(value)
    if accepted is not None:
        assert accepted == REFERENCE.is_valid(document), list(REFERENCE.iter_errors(document))


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = st.sampled_from(["text", "id", "url", "source", "published_at", "meta"]) | st.text(
    max_size=6
)
TEXTS = st.sampled_from(["خبر عاجل", "", " \n\t", "\u00a0\u3000", "\ufeff", "x"]) | st.text(
    max_size=8
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(FIELDS, JSON_VALUES, max_size=6),
    st.one_of(st.none(), TEXTS, JSON_VALUES),
)
def test_decoder_and_schema_agree_on_objects_around_the_fields(
    document: dict[str, Any], text: Any
) -> None:
    if text is not None:
        document["text"] = text
    accepted = decoder_accepts(orjson.dumps(document))
    if accepted is not None:
        assert accepted == REFERENCE.is_valid(document), (document, accepted)


# Valid documents, property by property as raw-article.schema.json states them.
PROPERTIES = SCHEMA["properties"]
NON_BLANK = st.text(min_size=1).filter(lambda t: not t.isspace())
OPTIONAL_FIELDS = {
    "id": st.text(max_size=12) | st.integers(min_value=-(2**63), max_value=2**64 - 1),
    "url": st.none() | st.text(max_size=30),
    "source": st.none() | st.text(max_size=12),
    "published_at": st.none() | st.text(max_size=25),
    "meta": st.none() | st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3),
}
VALID_DOCUMENTS = st.builds(
    lambda text, known, unknown: {**unknown, **known, "text": text},
    NON_BLANK,
    st.fixed_dictionaries({}, optional=OPTIONAL_FIELDS),
    st.dictionaries(
        st.text(max_size=6).filter(lambda k: k not in PROPERTIES), JSON_VALUES, max_size=3
    ),
)


def test_the_generator_covers_every_property_of_the_schema() -> None:
    assert set(PROPERTIES) == {"text", *OPTIONAL_FIELDS}
    assert SCHEMA["required"] == ["text"] and SCHEMA["additionalProperties"] is True


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_DOCUMENTS)
def test_the_decoder_accepts_every_document_valid_under_the_schema(document: Any) -> None:
    assert REFERENCE.is_valid(document), list(REFERENCE.iter_errors(document))
    assert decoder_accepts(orjson.dumps(document)) in (True, None)
