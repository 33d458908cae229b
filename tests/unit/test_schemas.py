"""The JSON Schemas: shipped in the package, published as the top-level copy, versioned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from streams import codec
from streams.records import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "schemas"
DATA = REPO / "tests" / "data"
# Records that carry `schema_version` (raw messages do not).
VERSIONED = ("segmented-article", "enriched-article", "dead-letter")


def published_registry() -> Registry:
    """The published copy as a consumer loads it: by `$id`, from files, no network."""
    resources = []
    for path in PUBLISHED.glob("*.schema.json"):
        document = orjson.loads(path.read_bytes())
        resources.append((document["$id"], Resource.from_contents(document)))
    return Registry().with_resources(resources)


def published_validator(name: str) -> jsonschema.Draft202012Validator:
    document = orjson.loads((PUBLISHED / f"{name}.schema.json").read_bytes())
    return jsonschema.Draft202012Validator(document, registry=published_registry())


def test_the_package_ships_every_schema_a_record_kind_names() -> None:
    assert set(codec.RECORD_SCHEMAS.values()) <= set(codec.schema_names())
    assert codec.schema_names() == [
        "dead-letter",
        "enriched-article",
        "raw-article",
        "segmented-article",
    ]


@pytest.mark.parametrize(
    "name", ["dead-letter", "enriched-article", "raw-article", "segmented-article"]
)
def test_the_published_copy_is_the_package_schema(name: str) -> None:
    shipped = codec.schema_document(name)
    published = PUBLISHED / f"{name}.schema.json"
    assert published.exists(), f"{published} missing: run `make schemas`"
    assert orjson.loads(published.read_bytes()) == shipped, (
        f"schemas/{name}.schema.json differs from streams/schemas/: edit the package's copy "
        "and run `make schemas`"
    )


def test_the_published_copy_has_no_schema_the_package_lacks() -> None:
    published = sorted(p.name.removesuffix(".schema.json") for p in PUBLISHED.glob("*.json"))
    assert published == codec.schema_names()


@pytest.mark.parametrize(
    "name", ["dead-letter", "enriched-article", "raw-article", "segmented-article"]
)
def test_each_schema_is_valid_and_its_id_names_the_version(name: str) -> None:
    document = codec.schema_document(name)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$id"] == f"{codec.SCHEMA_BASE_URI}v{SCHEMA_VERSION}/{name}.schema.json"
    codec.validator(name)  # compiles, its references resolved from the package


@pytest.mark.parametrize("name", VERSIONED)
def test_a_schema_accepts_every_version_of_its_line_and_no_other(name: str) -> None:
    version = codec.schema_document(name)["properties"]["schema_version"]
    check = jsonschema.Draft202012Validator(version)
    for accepted in range(1, SCHEMA_VERSION + 1):
        assert check.is_valid(accepted), accepted
    for refused in (0, SCHEMA_VERSION + 1, str(SCHEMA_VERSION), True):
        assert not check.is_valid(refused), refused


def _v1_record(name: str = "enriched-article") -> dict[str, Any]:
    """A record as version 1 wrote it (kept under tests/data/, never regenerated)."""
    record: dict[str, Any] = orjson.loads((DATA / f"{name}-v1.json").read_bytes())
    return record


def test_the_version_1_fixtures_are_what_they_say() -> None:
    for name in VERSIONED:
        assert _v1_record(name)["schema_version"] == 1, name
    assert _v1_record("enriched-article")["id"] == "08-baghdad-oil-exports"


@pytest.mark.parametrize("name", VERSIONED)
def test_the_current_schema_reads_a_version_1_record(name: str) -> None:
    """Consumers validate with the newest schema: records of earlier versions still pass (a
    field a later version adds is required only of records of that version: README, Schema
    changelog)."""
    record = _v1_record(name)
    codec.validate(name, record)  # the worker's own check
    published_validator(name).validate(record)  # a consumer with jsonschema
    if name == "enriched-article":
        assert codec.decode_enriched(orjson.dumps(record))["id"] == record["id"]


def test_the_consumer_validation_refuses_a_broken_record() -> None:
    record = _v1_record()
    del record["entities"]
    assert not published_validator("enriched-article").is_valid(record)
    with pytest.raises(codec.BadMessage, match="schema_violation"):
        codec.validate("enriched-article", record)


def test_compiling_a_validator_leaves_the_shipped_document_as_it_is() -> None:
    codec.validator("enriched-article")
    published = orjson.loads((PUBLISHED / "enriched-article.schema.json").read_bytes())
    assert codec.schema_document("enriched-article") == published


def test_a_reference_outside_the_package_is_refused() -> None:
    with pytest.raises(ValueError, match="outside this package"):
        codec._resolve_local("https://example.com/schemas/v1/enriched-article.schema.json")


def test_country_evidence_is_required_of_version_2_records_only() -> None:
    """Version 2 added `countries[].evidence`: a version-1 record without it stays valid, a
    version-2 record must carry it."""
    record = _v1_record()
    record["countries"] = [{"code": "IQ", "mentions": 1}]
    codec.validate("enriched-article", record)
    record["schema_version"] = 2
    with pytest.raises(codec.BadMessage, match="schema_violation"):
        codec.validate("enriched-article", record)
    record["countries"] = [
        {
            "code": "IQ",
            "mentions": 1,
            "evidence": [{"text": "بغداد", "start": 0, "end": 5, "via": "city"}],
        }
    ]
    codec.validate("enriched-article", record)
    published_validator("enriched-article").validate(record)
