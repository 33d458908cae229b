"""The Faust application, built from settings by :func:`build_app`: topics, tables, agents
and web views. Nothing is wired at import time.

``streams worker`` calls ``build_app(settings)``; ``faust -A streams.app worker`` reads this
module's ``app`` attribute, built on first access from the ``STREAMS_*`` environment. Tests
build their own apps from their own settings. The stages, their topics and their agents come
from the registry (:mod:`streams.stages`).
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from faust.types import EventT, TopicT
from faust.types.tables import TableT
from prometheus_client import CollectorRegistry

from . import agents, delivery, log_limits, warmup
from .hop import HopStats
from .kafka_client import PRODUCER_MAX_BATCH_BYTES
from .kafka_local import MAX_MESSAGE_BYTES
from .nlp.fingerprint import DuplicateIndex
from .pipeline import Resources
from .settings import Settings, get_settings
from .stages import StageSpec
from .tally import Tally
from .web import metrics, views
from .web.readiness import CrashLog

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
            password=settings.password,
            # Settings refuse SASL without an explicit mechanism.
            mechanism=settings.kafka_sasl_mechanism,
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


@dataclass
class Wiring:
    """What :func:`build_app` declared on an app, for the agents, the tally and the views."""

    settings: Settings
    # The stages of the chain (those whose data is installed), in order.
    chain: tuple[StageSpec, ...]
    resources: Resources
    duplicate_index: DuplicateIndex
    # Every topic the chain reads or writes, by name; each stage's input by stage name.
    topics: dict[str, TopicT] = field(default_factory=dict)
    inputs: dict[str, TopicT] = field(default_factory=dict)
    # Monitoring tables: one counters table per agent run here, and trending at the end.
    stage_counters: dict[str, TableT] = field(default_factory=dict)
    trending: TableT | None = None
    agents: dict[str, Any] = field(default_factory=dict)
    stats: HopStats = field(default_factory=HopStats)
    # Set by build_app once the app and the tables exist.
    tally: Tally | None = None
    registry: CollectorRegistry | None = None
    # Agent crashes (streams.agents), for readiness and /metrics (streams.web.readiness).
    crashes: CrashLog = field(default_factory=CrashLog)
    # Set by `streams worker` once it has made every planned topic exist (streams.topics):
    # the app then does not do it again when it starts.
    topics_prepared: bool = False

    @property
    def chain_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.chain)

    @property
    def tables(self) -> dict[str, TableT]:
        """The monitoring tables by name (``counters-<agent>``, ``trending``)."""
        out = {f"counters-{stage}": table for stage, table in self.stage_counters.items()}
        if self.trending is not None:
            out["trending"] = self.trending
        return out


class StreamsApp(faust.App):
    """A Faust app that knows its pipeline (:class:`Wiring`), set by :func:`build_app`."""

    wiring: Wiring

    async def on_first_start(self) -> None:
        """Before any consumer starts: every topic this worker reads or writes exists as
        planned on every broker (``faust -A streams.app worker``; `streams worker` has done
        it already and says why it cannot in one line per topic); the stages' data is loaded
        and the heap frozen (streams.warmup)."""
        await super().on_first_start()
        wiring = getattr(self, "wiring", None)
        if wiring is None:
            return
        settings = wiring.settings
        if not wiring.topics_prepared:
            from .topics import plan, prepare

            await prepare(settings, plan(settings, wiring.chain, settings.stages))
            wiring.topics_prepared = True
        await warmup.prepare_process(settings, wiring.resources)


def create_app(settings: Settings) -> StreamsApp:
    """The bare Faust app for ``settings``: no topics, tables or agents (see build_app)."""
    # Faust creates its datadir without parents.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return StreamsApp(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=_credentials(settings),
        # build_app declares the agents and views: nothing to discover by import.
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
        # Under at_least_once, what a SIGKILL makes the next worker process again is what was
        # processed since the last commit: also commit after every few messages, so a fast
        # agent (segment runs far ahead of enrich) cannot get hundreds ahead of its commit.
        # A commit there costs a producer flush and an offset commit (a few ms); under
        # exactly_once each commit ends transactions, so the interval alone decides.
        broker_commit_every=(
            settings.commit_every if settings.processing_guarantee == "at_least_once" else 10_000
        ),
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


# Tables hold plain JSON, unlike the topics' raw bytes. value_type None: Faust's recovery
# calls value_type.from_data() on any other type but int/float/str/bytes/Decimal.
_JSON_VALUES: faust.Schema = faust.Schema(
    key_type=str, value_type=None, key_serializer="json", value_serializer="json"
)


def _topic(app: faust.App, settings: Settings, name: str) -> TopicT:
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


def _declare_topics(app: StreamsApp, wiring: Wiring) -> None:
    settings = wiring.settings
    for spec in wiring.chain:
        topic = _topic(app, settings, spec.topic(settings))
        wiring.inputs[spec.name] = topic
        wiring.topics[spec.topic(settings)] = topic
    for name in (settings.topic_enriched, settings.topic_deadletter):
        wiring.topics[name] = _topic(app, settings, name)


def _declare_tables(app: StreamsApp, wiring: Wiring) -> None:
    # Monitoring tables (written by streams.tally, read by streams.web; values: streams.monitor).
    # Keys end with the source partition ("segment|3"), values carry the last offset counted.
    # One counters table per agent run here: its changelog is then subscribed by exactly the
    # workers running that agent, so Faust co-partitions it with the agent's input topic even
    # when workers run different stages (a table shared by all agents would be assigned on its
    # own).
    settings = wiring.settings
    wiring.stage_counters = {
        stage: app.Table(f"counters-{stage}", partitions=settings.partitions, schema=_JSON_VALUES)
        for stage in wiring.chain_names
        if stage in settings.stages
    }
    # Trending entities and countries per tumbling window, counted where articles leave the
    # chain.
    if wiring.chain_names[-1] in settings.stages:
        wiring.trending = app.Table("trending", partitions=settings.partitions, schema=_JSON_VALUES)


def _declare_duplicate_index(app: StreamsApp, settings: Settings) -> DuplicateIndex:
    # Near-duplicate detection needs every article ever seen, whichever partition it came from:
    # a global table is read in full by every worker and written through its changelog. It
    # holds one entry per article (its signature); each worker derives the LSH band index from
    # it in memory, fed by the changelog (at start-up and as other workers write), so an
    # article costs one changelog message rather than one per band.
    # Bounded: by event time and count (evictions are tombstones on the changelog).
    index = DuplicateIndex(
        bands={},
        signatures={},
        window_ms=settings.duplicate_window_days * 86_400_000,
        max_entries=settings.duplicate_max_entries,
    )

    async def index_signature(event: EventT) -> None:
        key, value = event.key, event.value
        if isinstance(key, bytes):
            key = orjson.loads(key)
        if isinstance(value, bytes):
            value = orjson.loads(value)
        if isinstance(key, str) and isinstance(value, list) and value:
            index.observe(key, value)
        elif isinstance(key, str) and value is None:
            index.observe(key, None)  # a tombstone: evicted by some worker

    index.signatures = app.GlobalTable(
        "duplicate-signatures",
        partitions=settings.partitions,
        # No value_type: Faust would build a model from it; the JSON list is the value.
        schema=faust.Schema(key_type=str, key_serializer="json", value_serializer="json"),
        on_changelog_event=index_signature,
        # Each key's changelog partition follows from the key, not from the event writing it,
        # so the tombstone that evicts an entry lands where the entry is and compaction
        # removes both.
        use_partitioner=True,
    )
    return index


def _durable_producer(app: faust.App) -> None:
    """Every send waits for all in-sync replicas (acks=all, what min.insync.replicas guards)
    and is idempotent, so a retried send after a leader change is not written twice. Faust
    asks for idempotence only inside transactions (exactly_once).

    A flush sends the batches at once. Faust flushes the producer before every offset commit
    (every ``STREAMS_COMMIT_EVERY`` messages under at_least_once), and aiokafka's ``flush``
    waits out each batch's linger: ~22 ms per commit against ~1 ms without it
    (``STREAMS_PRODUCER_LINGER_MS`` 20, measured here). ``send_now`` does the same without
    waiting, for a worker gone idle (streams.agents.SendWhenIdle).
    """
    base: Any = app.transport.Producer

    class DurableProducer(base):
        def _settings_extra(self) -> Mapping[str, Any]:
            return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}

        async def flush(self) -> None:
            await self.buffer.flush()
            for producer in (self._producer, *self._transaction_producers.values()):
                if producer is not None:
                    stop_lingering(producer._message_accumulator)
                    await producer.flush()

        def send_now(self) -> None:
            """Let the sender take what is batched now rather than after the linger (not
            awaited; the plain producer's batches, not the transactions')."""
            if self._producer is not None:
                stop_lingering(self._producer._message_accumulator)

    app.transport.Producer = DurableProducer  # type: ignore[misc]


def stop_lingering(accumulator: Any) -> None:
    """Let aiokafka's sender take the open batches at its next turn, not after the linger.

    They stay open: what is sent meanwhile still joins them. Closed instead (aiokafka's
    ``flush_for_commit``), every later send to their partitions would wait until the sender
    has taken them, and aiokafka's sender sends a node's batches only once its previous
    request to that node is answered.
    """
    for batches in accumulator._batches.values():
        for batch in batches:
            batch._linger_time = 0
    waiter = accumulator._waiter_future
    if not waiter.done():
        waiter.set_result(None)


def build_app(settings: Settings, *, resources: Resources | None = None) -> StreamsApp:
    """The worker's Faust app for ``settings``: topics, tables, agents and web views.

    ``resources`` (default: loaded here) decides the chain: the registry's stages whose data
    is installed.
    """
    app = create_app(settings)
    duplicate_index = _declare_duplicate_index(app, settings)
    if resources is None:
        resources = Resources(duplicates=duplicate_index)
    else:
        resources.duplicates = duplicate_index
    wiring = Wiring(
        settings=settings,
        chain=resources.stages,
        resources=resources,
        duplicate_index=duplicate_index,
    )
    app.wiring = wiring
    _declare_topics(app, wiring)
    _declare_tables(app, wiring)
    _durable_producer(app)
    # Uncorrected, Faust can lose a message on a restart or a rebalance and, under
    # exactly_once, sends outside the transactions: see streams.delivery.
    delivery.install(
        app,
        exactly_once=settings.processing_guarantee == "exactly_once",
        on_unsendable=lambda: wiring.stats.add("dropped_unsendable"),
    )
    wiring.tally = Tally(app, wiring)

    @app.task
    async def limit_repeated_logs() -> None:
        # A task: it runs once the worker has configured logging (see streams.log_limits).
        log_limits.install()

    agents.declare_agents(app, wiring)
    metrics.install(app)
    views.register(app)
    return app


_built: dict[str, StreamsApp] = {}


def __getattr__(name: str) -> StreamsApp:
    # `faust -A streams.app worker` reads `app`: built on first access from the environment.
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if "app" not in _built:
        _built["app"] = build_app(get_settings())
    return _built["app"]
