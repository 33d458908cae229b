"""The Faust application: topics and tables are declared here once and imported elsewhere.

``faust -A streams.app worker`` and ``streams worker`` both start this app; which agents run is
chosen by ``STREAMS_STAGES`` (see :mod:`streams.agents`).
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import faust

from .kafka_local import MAX_MESSAGE_BYTES
from .settings import Settings, get_settings

logger = logging.getLogger(__name__)


def _credentials(settings: Settings) -> Any:
    protocol = settings.kafka_security_protocol
    context = None
    if protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(
            cafile=str(settings.kafka_ca_file) if settings.kafka_ca_file else None
        )
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.kafka_username,
            password=settings.kafka_password,
            mechanism=settings.kafka_sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def create_app(settings: Settings) -> faust.App:
    # Faust creates its datadir without parents.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=_credentials(settings),
        autodiscover=False,
        origin="streams",
        # Records are orjson bytes end to end: no Faust codecs on the hot path.
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(settings.data_dir / "faust"),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        processing_guarantee=settings.processing_guarantee,
        producer_max_request_size=max(settings.max_message_bytes * 2, 2 * 1024 * 1024),
        consumer_max_fetch_size=MAX_MESSAGE_BYTES,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        # Faust's generic /table views would expose raw table contents; ours are in streams.web.
        web_tables_enabled=False,
    )


settings = get_settings()
app = create_app(settings)


def _topic(name: str) -> faust.TopicT:
    return app.topic(
        name,
        partitions=settings.partitions,
        replicas=settings.replication_factor,
        key_type=bytes,
        value_type=bytes,
        # internal: Faust creates the topic (with our partition count) before subscribing.
        internal=True,
        config={"max.message.bytes": str(MAX_MESSAGE_BYTES)},
    )


raw_topic = _topic(settings.topic_raw)
segmented_topic = _topic(settings.topic_segmented)
enriched_topic = _topic(settings.topic_enriched)
deadletter_topic = _topic(settings.topic_deadletter)
# The input of each CAMeL data-backed stage, used when that stage is in the chain.
pending_topics = {
    stage: _topic(f"{settings.topic_enriched}.pending-{stage}")
    for stage in ("morphology", "ner", "dialect", "sentiment")
}

# Counters keyed "<stage>|<status>|<partition>": each key is written from exactly one source
# partition, so its changelog partition is fixed and totals stay exact across rebalances.
stage_counts = app.Table(
    "stage-counts",
    default=int,
    partitions=settings.partitions,
    # Tables hold plain JSON, unlike the topics' raw bytes.
    schema=faust.Schema(
        key_type=str, value_type=int, key_serializer="json", value_serializer="json"
    ),
)

# Near-duplicate detection needs every article ever seen, whichever partition it came from:
# global tables are read in full by every worker and written through their changelogs.
_json_strings = faust.Schema(
    key_type=str, value_type=str, key_serializer="json", value_serializer="json"
)
duplicate_bands = app.GlobalTable(
    "duplicate-bands", partitions=settings.partitions, schema=_json_strings
)
duplicate_signatures = app.GlobalTable(
    "duplicate-signatures",
    partitions=settings.partitions,
    # No value_type: Faust would try to build a model from it; the JSON list is the value.
    schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"),
)
