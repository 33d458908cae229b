#!/usr/bin/env python3
"""Read enriched articles from Kafka and validate each with the published JSON Schema.

    python examples/consume_enriched.py --bootstrap 127.0.0.1:9092 --limit 10

Needs only ``aiokafka`` and ``jsonschema`` (not this project's package). Prints one line per
valid record (id, language, title, countries); a record that breaks the schema is reported on
stderr and the exit status is 1. A record of a newer ``schema_version`` than the schemas given
is read without validation, as the compatibility rule allows (README: Schema changelog).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
from aiokafka import AIOKafkaConsumer
from referencing import Registry, Resource

PUBLISHED = Path(__file__).resolve().parent.parent / "schemas"


def enriched_validator(schema_dir: Path) -> jsonschema.Draft202012Validator:
    """The enriched-article schema, its references served from the same folder (by `$id`)."""
    documents = [json.loads(p.read_text("utf-8")) for p in schema_dir.glob("*.schema.json")]
    registry = Registry().with_resources(
        (document["$id"], Resource.from_contents(document)) for document in documents
    )
    enriched = next(d for d in documents if d["$id"].endswith("/enriched-article.schema.json"))
    return jsonschema.Draft202012Validator(enriched, registry=registry)


def known_versions(validator: jsonschema.Draft202012Validator) -> list[int]:
    return list(validator.schema["properties"]["schema_version"]["enum"])


def summary(record: dict[str, Any]) -> str:
    # Read only the fields this consumer knows: newer versions may add others.
    title = (record.get("structure") or {}).get("title") or "-"
    countries = ",".join(c["code"] for c in record.get("countries") or []) or "-"
    return f"{record['id']}\t{record.get('language') or '-'}\t{countries}\t{title}"


async def consume(args: argparse.Namespace) -> int:
    validator = enriched_validator(args.schemas)
    newest = max(known_versions(validator))
    consumer = AIOKafkaConsumer(
        args.topic,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,  # None: no group, no committed offsets
        auto_offset_reset="earliest",
        enable_auto_commit=args.group is not None,
    )
    await consumer.start()
    seen = invalid = 0
    try:
        while args.limit is None or seen < args.limit:
            batch = await consumer.getmany(timeout_ms=int(args.timeout * 1000))
            if not batch:
                break  # nothing new for --timeout seconds
            for message in (m for messages in batch.values() for m in messages):
                seen += 1
                record = json.loads(message.value)
                if record.get("schema_version", 0) > newest:
                    print(
                        f"note: {record.get('id')}: schema_version "
                        f"{record['schema_version']} is newer than {newest}; not validated",
                        file=sys.stderr,
                    )
                else:
                    error = jsonschema.exceptions.best_match(validator.iter_errors(record))
                    if error is not None:
                        invalid += 1
                        where = "/".join(map(str, error.absolute_path)) or "(record)"
                        print(
                            f"invalid: {record.get('id')}: {where}: {error.message}",
                            file=sys.stderr,
                        )
                        continue
                print(summary(record), flush=True)
                if args.limit is not None and seen >= args.limit:
                    break
    finally:
        await consumer.stop()
    return 1 if invalid else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="host:port of a broker")
    parser.add_argument("--topic", default="articles.enriched")
    parser.add_argument("--group", default=None, help="consumer group (commits offsets)")
    parser.add_argument("--limit", type=int, default=None, help="stop after N records")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="stop after S seconds without a record"
    )
    parser.add_argument(
        "--schemas",
        type=Path,
        default=PUBLISHED,
        help="folder of the published schemas [default: the repository's schemas/]",
    )
    return asyncio.run(consume(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
