"""The Faust application: topics and tables are declared here once and imported elsewhere.

``faust -A streams.app worker`` and ``streams worker`` both start this app; which agents run is
chosen by ``STREAMS_STAGES`` (see :mod:`streams.agents`).
"""

from __future__ import annotations

import logging
import socket
import ssl
from typing import Any

import faust
import orjson
from faust.types import EventT

from . import delivery
from .kafka_client import PRODUCER_MAX_BATCH_BYTES
from .kafka_local import MAX_MESSAGE_BYTES
from .nlp.fingerprint import DuplicateIndex
from .pipeline import data_chain
from .settings import Settings, get_settings

logger = logging.getLogger(__name__)

METADATA_MAX_AGE_MS = 10_000


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


def advertised_host(bind: str) -> str:
    """The host other workers call: the bind address, or this machine's when bound to all."""
    if bind in ("0.0.0.0", "::", ""):
        try:
            return socket.gethostbyname(socket.gethostname())
        except OSError:
            return socket.gethostname()
    return bind


def create_app(settings: Settings) -> faust.App:
    # Faust creates its datadir without parents.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=_credentials(settings),
        # `faust -A streams.app worker` finds the agents (and their views) here.
        autodiscover=["streams.agents"],
        origin="streams",
        # Records are orjson bytes end to end: no Faust codecs on the hot path.
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(settings.data_dir / "faust"),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        processing_guarantee=settings.processing_guarantee,
        # Records grow through the chain (tokens repeat the text): up to what the topics take.
        producer_max_request_size=MAX_MESSAGE_BYTES,
        producer_linger=settings.producer_linger_ms / 1000,
        producer_max_batch_size=PRODUCER_MAX_BATCH_BYTES,
        consumer_max_fetch_size=MAX_MESSAGE_BYTES,
        consumer_auto_offset_reset="earliest",
        # A subscribed topic that appears (or grows) while the worker runs is seen at the next
        # metadata refresh, which makes the group rebalance: seconds, not aiokafka's 5 minutes.
        # (`streams worker` creates every topic before subscribing: see streams.topics.)
        consumer_metadata_max_age_ms=METADATA_MAX_AGE_MS,
        # How often offsets (and, under exactly_once, the transactions holding the outputs, so
        # what read_committed consumers see) are committed; also when the monitoring tables'
        # changes reach their changelogs (streams.tally).
        broker_commit_interval=settings.commit_interval_ms / 1000,
        # A worker that dies without leaving the group (SIGKILL, a lost machine) keeps its
        # partitions until its session expires: Faust's 60 s default stalls them that long.
        # Heartbeats run on the consumer's own thread, so a busy agent does not look dead.
        broker_session_timeout=settings.kafka_session_timeout,
        broker_heartbeat_interval=min(3.0, settings.kafka_session_timeout / 3),
        web_enabled=True,
        web_bind=settings.web_host,
        # The canonical URL is how the other workers reach this one (/stats fans out to it).
        web_host=advertised_host(settings.web_host),
        web_port=settings.web_port,
        # Faust's generic /table views would expose raw table contents; ours are in streams.web.
        web_tables_enabled=False,
        # Faust's other default routes are off too: /router/... would list every worker's
        # partitions to anyone; /graph, /stats-like debug views and /performance likewise.
        # (`/` is answered by streams.web.security with a redirect to the dashboard.)
        web_router_enabled=False,
        web_stats_enabled=False,
        web_graph_enabled=False,
        web_metrics_enabled=False,
    )


settings = get_settings()
app = create_app(settings)
# Uncorrected, Faust can lose a message on a restart or a rebalance and, under exactly_once,
# sends outside the transactions: see streams.delivery.
delivery.install(app, exactly_once=settings.processing_guarantee == "exactly_once")


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

# Monitoring tables (written by streams.tally, read by streams.web; values: streams.monitor).
# Keys end with the source partition ("segment|3"), values carry the last offset counted.
# One counters table per agent run here: its changelog is then subscribed by exactly the
# workers running that agent, so Faust co-partitions it with the agent's input topic even when
# workers run different stages (a table shared by all agents would be assigned on its own).
CHAIN_STAGES = ("segment", "enrich", *data_chain())
# Tables hold plain JSON, unlike the topics' raw bytes. value_type None: Faust's recovery
# calls value_type.from_data() on any other type but int/float/str/bytes/Decimal.
_json_values: faust.Schema = faust.Schema(
    key_type=str, value_type=None, key_serializer="json", value_serializer="json"
)
stage_counters = {
    stage: app.Table(f"counters-{stage}", partitions=settings.partitions, schema=_json_values)
    for stage in CHAIN_STAGES
    if stage in settings.stages
}
# Trending entities and countries per tumbling window, counted where articles leave the chain.
trending = (
    app.Table("trending", partitions=settings.partitions, schema=_json_values)
    if CHAIN_STAGES[-1] in settings.stages
    else None
)

# Near-duplicate detection needs every article ever seen, whichever partition it came from:
# a global table is read in full by every worker and written through its changelog. It holds
# one entry per article (its signature); each worker derives the LSH band index from it in
# memory, fed by the changelog (at start-up and as other workers write), so an article costs
# one changelog message rather than one per band.
async def _index_signature(event: EventT) -> None:
    key, value = event.key, event.value
    if isinstance(key, bytes):
        key = orjson.loads(key)
    if isinstance(value, bytes):
        value = orjson.loads(value)
    if isinstance(key, str) and isinstance(value, list) and value:
        duplicate_index.observe(key, value)


duplicate_signatures = app.GlobalTable(
    "duplicate-signatures",
    partitions=settings.partitions,
    # No value_type: Faust would try to build a model from it; the JSON list is the value.
    schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"),
    on_changelog_event=_index_signature,
)
duplicate_index = DuplicateIndex(bands={}, signatures=duplicate_signatures)
