"""The examples under examples/ run as documented against the test broker."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
V1_ENRICHED = REPO / "tests" / "data" / "enriched-article-v1.json"


async def _send(bootstrap: str, topic: str, records: list[dict[str, object]]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(
                topic, orjson.dumps(record), key=str(record["id"]).encode()
            )
    finally:
        await producer.stop()


def test_consume_enriched_validates_with_the_published_schema(broker: str, tmp_path: Path) -> None:
    bootstrap = broker.removeprefix("kafka://").split(";")[0]
    topic = f"enriched-example-{uuid.uuid4().hex[:10]}"
    good = orjson.loads(V1_ENRICHED.read_bytes())  # a record of the previous schema version
    broken = {**good, "id": "broken-1"}
    del broken["entities"]
    newer = {**good, "id": "newer-1", "schema_version": 999, "added_later": {"x": 1}}
    asyncio.run(_send(bootstrap, topic, [good, broken, newer]))
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "examples" / "consume_enriched.py"),
            "--bootstrap",
            bootstrap,
            "--topic",
            topic,
            "--limit",
            "3",
            "--timeout",
            "60",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # one record broke the schema
    ids = [line.split("\t")[0] for line in proc.stdout.splitlines()]
    assert ids == [good["id"], "newer-1"], proc.stdout
    assert "invalid: broken-1: (record): 'entities' is a required property" in proc.stderr
    assert "newer-1: schema_version 999 is newer" in proc.stderr
    assert "\tar\tIQ" in proc.stdout.splitlines()[0]
