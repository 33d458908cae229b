"""Every record kind is checked against its schema where it is produced, by codec.validate."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams import codec
from streams.inputs import iter_messages
from streams.produce import check_messages
from streams.settings import get_settings


def _letter(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "value": b'{"text": 1}',
        "key": b"k",
        "topic": "articles.raw",
        "partition": 0,
        "offset": 7,
        "stage": "segment",
        "error_type": "text_not_string",
        "reason": "`text` is a JSON number, expected a string",
        "max_bytes": 1024,
    }
    return {**fields, **overrides}


def test_a_dead_letter_is_valid_against_its_schema() -> None:
    letter = codec.dead_letter(**_letter())  # type: ignore[arg-type]
    codec.validate("dead-letter", letter)
    assert letter["error_type"] == "text_not_string"


def test_a_dead_letter_that_breaks_its_schema_is_refused_where_it_is_made() -> None:
    with pytest.raises(codec.BadMessage, match="schema_violation: dead-letter"):
        codec.dead_letter(**_letter(partition="zero"))  # type: ignore[arg-type]


def test_the_producer_check_names_what_a_worker_would_dead_letter(tmp_path: Path) -> None:
    lines = [
        {"id": "good", "text": "خبر عاجل"},
        {"id": "url-number", "text": "خبر", "url": 5},
        {"id": "no-text", "title": "عنوان"},
    ]
    feed = tmp_path / "feed.jsonl"
    unterminated = b'{"text": "no end'
    feed.write_bytes(b"\n".join([*(orjson.dumps(line) for line in lines), unterminated]))
    problems = check_messages(iter_messages([str(feed)]), get_settings())
    found = {message.origin.rsplit(":", 1)[1]: problem.code for message, problem in problems}
    assert found == {"2": "schema_violation", "3": "missing_text", "4": "invalid_json"}


def test_every_record_kind_names_a_shipped_schema() -> None:
    assert set(codec.RECORD_SCHEMAS) == {
        "raw",
        "segmented",
        "pending-stage",
        "enriched",
        "dead-letter",
    }
    for name in codec.RECORD_SCHEMAS.values():
        codec.validator(name)
