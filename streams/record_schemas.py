"""The JSON Schemas every record kind is checked against, and the error a bad message raises.

A malformed message becomes a :class:`BadMessage` with a machine-readable code and a
human-readable reason, whether it breaks a schema here or a limit in :mod:`streams.raw_message`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any, cast

import fastjsonschema
import orjson

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


class BadMessage(ValueError):
    """A message that cannot be processed; ``code`` is stable, ``reason`` is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


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
