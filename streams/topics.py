"""Every topic a pipeline needs, planned from the settings, and made to exist before a worker
subscribes.

Why before: a consumer that joins its group while one of its input topics is not yet in its
metadata is assigned nothing of that topic, and only notices it at the next metadata refresh
(aiokafka's default is five minutes). A worker therefore creates or verifies every topic it
reads or writes (:func:`prepare`), waits until every broker serves them, and only then starts
Faust's consumer. Where applications may not create topics, ``streams topics plan`` prints the
plan, ``streams topics create`` applies it with an administrator's account and ``streams
topics check`` compares the cluster with it; a worker facing a topic it cannot use stops at
start with one line naming the topic and the difference.

:func:`plan` is pure (no Kafka); :func:`describe`, :func:`create` and :func:`prepare` talk to
the cluster with aiokafka's admin client, every call bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.metadata import MetadataRequest

from . import stages as registry
from .kafka_client import client_options
from .kafka_local import MAX_MESSAGE_BYTES
from .settings import Settings
from .stages import StageSpec

logger = logging.getLogger(__name__)

# Kafka's own default, written out so the plan says what a topic keeps.
DATA_RETENTION_MS = 7 * 24 * 3600 * 1000
REQUEST_TIMEOUT_MS = 10_000
VISIBLE_TIMEOUT_S = 30.0
# How long `streams worker` and `streams topics` give preparing, creating or checking them.
COMMAND_TIMEOUT_S = 90.0

# Kafka error codes a topic creation can answer with.
TOPIC_ALREADY_EXISTS = 36
NOT_ALLOWED = {
    29: "TOPIC_AUTHORIZATION_FAILED",
    31: "CLUSTER_AUTHORIZATION_FAILED",
    44: "POLICY_VIOLATION",
}


class TopicError(RuntimeError):
    """Topics the pipeline needs cannot be used as planned: one line per topic, naming it and
    the difference."""

    def __init__(self, lines: Sequence[str] | str) -> None:
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: Mapping[str, str]
    purpose: str
    # Read by a worker (or a changelog co-partitioned with an input): its partition count
    # must be exactly the plan's. Output-only topics may have more.
    read: bool = True

    @property
    def cleanup_policy(self) -> str:
        return self.configs.get("cleanup.policy", "delete")


@dataclass(frozen=True)
class ClusterTopic:
    name: str
    partitions: int
    replication_factor: int
    configs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Difference:
    topic: str
    what: str
    fatal: bool

    def line(self) -> str:
        return f"topic {self.topic}: {self.what}"


def changelog_topic(settings: Settings, table: str) -> str:
    """Faust's name for a table's changelog."""
    return f"{settings.app_id}-{table}-changelog"


def leader_topic(settings: Settings) -> str:
    """Faust's leader-election topic (one partition, read by every worker)."""
    return f"{settings.app_id}-__assignor-__leader"


def output_topic(settings: Settings, chain: Sequence[StageSpec], stage: StageSpec) -> str:
    """Where ``stage`` sends: its own output topic, the next stage's input, or the enriched
    topic after the last stage of the chain."""
    if stage.output_topic is not None:
        return stage.output_topic.format(name=stage.name, **settings.model_dump())
    names = [spec.name for spec in chain]
    position = names.index(stage.name) + 1
    return chain[position].topic(settings) if position < len(chain) else settings.topic_enriched


def min_insync_replicas(settings: Settings) -> int | None:
    if settings.min_insync_replicas is not None:
        return settings.min_insync_replicas
    return 2 if settings.replication_factor >= 3 else None


def _configs(settings: Settings, *, compact: bool) -> dict[str, str]:
    configs = {
        "cleanup.policy": "compact" if compact else "delete",
        "max.message.bytes": str(MAX_MESSAGE_BYTES),
    }
    if not compact:
        configs["retention.ms"] = str(DATA_RETENTION_MS)
    isr = min_insync_replicas(settings)
    if isr is not None:
        configs["min.insync.replicas"] = str(isr)
    return configs


def plan(
    settings: Settings,
    chain: Sequence[StageSpec] | None = None,
    stages: Collection[str] | None = None,
) -> list[TopicSpec]:
    """The topics a worker running ``stages`` of ``chain`` reads or writes, in chain order.

    ``chain`` is the whole ordered chain (default: the registry's stages that can run here,
    :func:`streams.stages.chain`): it decides where each stage sends. ``stages`` defaults to
    all of it.
    """
    if chain is None:
        chain = registry.chain()
    ran = [spec for spec in chain if stages is None or spec.name in stages]
    specs: dict[str, TopicSpec] = {}

    def add(
        name: str, purpose: str, *, read: bool, compact: bool = False, partitions: int | None = None
    ) -> None:
        if name in specs:
            if read and not specs[name].read:
                specs[name] = TopicSpec(
                    name,
                    specs[name].partitions,
                    specs[name].replication_factor,
                    specs[name].configs,
                    purpose,
                    read=True,
                )
            return
        specs[name] = TopicSpec(
            name=name,
            partitions=partitions or settings.partitions,
            replication_factor=settings.replication_factor,
            configs=_configs(settings, compact=compact),
            purpose=purpose,
            read=read,
        )

    for stage in ran:
        add(stage.topic(settings), f"input of {stage.name}", read=True)
        add(output_topic(settings, chain, stage), f"output of {stage.name}", read=False)
    add(settings.topic_deadletter, "dead letters of every stage", read=False)
    for stage in ran:
        add(
            changelog_topic(settings, f"counters-{stage.name}"),
            f"changelog of table counters-{stage.name}",
            read=True,
            compact=True,
        )
    if chain and chain[-1] in ran:
        add(
            changelog_topic(settings, "trending"),
            "changelog of table trending",
            read=True,
            compact=True,
        )
    add(
        changelog_topic(settings, "duplicate-signatures"),
        "changelog of global table duplicate-signatures",
        read=True,
        compact=True,
    )
    add(leader_topic(settings), "Faust leader election", read=True, partitions=1)
    return list(specs.values())


def compare(spec: TopicSpec, found: ClusterTopic | None) -> list[Difference]:
    """How the cluster's topic differs from the plan; ``fatal`` ones stop a worker."""
    if found is None:
        return [Difference(spec.name, "does not exist", fatal=True)]
    out: list[Difference] = []
    if found.partitions < spec.partitions or (spec.read and found.partitions != spec.partitions):
        why = "; tables are co-partitioned with their input topics" if spec.read else ""
        out.append(
            Difference(
                spec.name,
                f"has {found.partitions} partitions, the plan {spec.partitions} "
                f"(STREAMS_PARTITIONS{why})",
                fatal=True,
            )
        )
    elif found.partitions > spec.partitions:
        out.append(
            Difference(
                spec.name,
                f"has {found.partitions} partitions, the plan {spec.partitions}",
                fatal=False,
            )
        )
    policy = found.configs.get("cleanup.policy")
    if policy is not None and set(policy.split(",")) != set(spec.cleanup_policy.split(",")):
        out.append(
            Difference(
                spec.name,
                f"has cleanup.policy={policy}, the plan {spec.cleanup_policy}",
                fatal=True,
            )
        )
    if found.replication_factor < spec.replication_factor:
        out.append(
            Difference(
                spec.name,
                f"has replication factor {found.replication_factor}, the plan "
                f"{spec.replication_factor} (STREAMS_REPLICATION_FACTOR)",
                fatal=False,
            )
        )
    for name in ("max.message.bytes", "min.insync.replicas", "retention.ms"):
        wanted, actual = spec.configs.get(name), found.configs.get(name)
        if wanted is not None and actual is not None and actual != wanted:
            out.append(
                Difference(spec.name, f"has {name}={actual}, the plan {wanted}", fatal=False)
            )
    return out


def describe_plan(specs: Sequence[TopicSpec]) -> list[dict[str, Any]]:
    """The plan as plain data (``streams topics plan --json``)."""
    return [
        {
            "name": s.name,
            "partitions": s.partitions,
            "replication_factor": s.replication_factor,
            "configs": dict(s.configs),
            "purpose": s.purpose,
        }
        for s in specs
    ]


# --- the cluster -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _admin(settings: Settings) -> Any:
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=REQUEST_TIMEOUT_MS)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _metadata(client: AIOKafkaClient, node_id: int, names: Sequence[str]) -> Any:
    # allow_auto_topic_creation False: asking about a topic must never create it.
    request = MetadataRequest(list(names), allow_auto_topic_creation=False)
    return (await client.send(node_id, request)).to_object()


def _topics_of(metadata: Any) -> dict[str, list[dict[str, Any]]]:
    """Topic -> its partitions, for the topics the broker knows (error 0)."""
    return {
        topic["topic"]: topic["partitions"]
        for topic in metadata["topics"]
        if topic["error_code"] == 0
    }


async def describe(settings: Settings, names: Sequence[str]) -> tuple[int, dict[str, ClusterTopic]]:
    """(number of brokers, the named topics that exist with their partitions and configs)."""
    async with _admin(settings) as admin:
        client: AIOKafkaClient = admin._client  # the admin's bootstrapped connection pool
        metadata = await _metadata(client, client.get_random_node(), names)
        brokers = len(metadata["brokers"])
        existing = _topics_of(metadata)
        configs: dict[str, dict[str, str]] = {name: {} for name in existing}
        if existing:
            responses = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name) for name in existing]
            )
            for response in responses:
                for resource in response.to_object()["resources"]:
                    entries = resource.get("config_entries") or []
                    configs[resource["resource_name"]] = {
                        entry["config_names"]: entry["config_value"] for entry in entries
                    }
    found = {
        name: ClusterTopic(
            name=name,
            partitions=len(partitions),
            replication_factor=max((len(p["replicas"]) for p in partitions), default=0),
            configs=configs.get(name, {}),
        )
        for name, partitions in existing.items()
    }
    return brokers, found


async def create(settings: Settings, specs: Sequence[TopicSpec]) -> list[str]:
    """Create the planned topics that do not exist; returns their names. Raises TopicError
    (one line per topic) when the cluster refuses one."""
    brokers, found = await describe(settings, [s.name for s in specs])
    missing = [s for s in specs if s.name not in found]
    if not missing:
        return []
    too_large = max(s.replication_factor for s in missing)
    if too_large > brokers:
        raise TopicError(
            f"replication factor {too_large} (STREAMS_REPLICATION_FACTOR) is larger than the "
            f"cluster: {brokers} broker(s); cannot create " + ", ".join(s.name for s in missing)
        )
    async with _admin(settings) as admin:
        response = await admin.create_topics(
            [
                NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=dict(s.configs))
                for s in missing
            ],
            timeout_ms=REQUEST_TIMEOUT_MS,
        )
    problems = []
    created = []
    for name, code, *rest in response.topic_errors:
        message = rest[0] if rest else None
        if code == 0:
            created.append(name)
        elif code != TOPIC_ALREADY_EXISTS:  # another worker was first: fine
            problems.append(_creation_problem(name, code, message))
    if problems:
        raise TopicError(problems)
    if created:
        logger.info("created topics %s", ", ".join(created))
    return created


def _creation_problem(name: str, code: int, message: str | None) -> str:
    if code in NOT_ALLOWED:
        return (
            f"topic {name}: does not exist and this client may not create it "
            f"({NOT_ALLOWED[code]}{': ' + message if message else ''}); have an administrator "
            "run `streams topics create` with the same settings"
        )
    error = for_code(code).__name__
    return f"topic {name}: the cluster refused to create it ({error}: {message or 'no detail'})"


async def wait_visible(
    settings: Settings, specs: Sequence[TopicSpec], timeout: float = VISIBLE_TIMEOUT_S
) -> None:
    """Until every broker's metadata has every planned topic with a leader for each partition.

    A topic the controller has created reaches each broker's metadata cache a moment later; a
    consumer asking a broker that does not know it yet would join its group without it.
    """
    names = [s.name for s in specs]
    deadline = time.monotonic() + timeout
    async with _admin(settings) as admin:
        client: AIOKafkaClient = admin._client
        lagging: list[str] = names
        while time.monotonic() < deadline:
            lagging = []
            for broker in client.cluster.brokers():
                topics = _topics_of(await _metadata(client, broker.nodeId, names))
                for spec in specs:
                    partitions = topics.get(spec.name, [])
                    if len(partitions) < spec.partitions or any(
                        p["leader"] < 0 for p in partitions
                    ):
                        lagging.append(f"{spec.name} on broker {broker.nodeId}")
            if not lagging:
                return
            await asyncio.sleep(0.2)
    raise TopicError(
        f"topics not served by every broker after {timeout:.0f}s: " + ", ".join(lagging)
    )


@dataclass
class Prepared:
    created: list[str]
    warnings: list[Difference]


async def prepare(
    settings: Settings, specs: Sequence[TopicSpec], *, allow_create: bool = True
) -> Prepared:
    """Create what is missing (if allowed), check the rest, wait until every broker serves
    them all. Raises TopicError naming each topic that cannot be used as planned."""
    created: list[str] = []
    if allow_create:
        _, before = await describe(settings, [s.name for s in specs])
        missing = [s for s in specs if s.name not in before]
        created = await create(settings, specs)
        # A topic just created (here or by a worker starting beside this one) reaches each
        # broker's metadata a moment later: described too early, it would look missing.
        await wait_visible(settings, missing)
    _, found = await describe(settings, [s.name for s in specs])
    differences = [d for spec in specs for d in compare(spec, found.get(spec.name))]
    fatal = [d for d in differences if d.fatal]
    if fatal:
        raise TopicError([d.line() for d in fatal])
    for difference in differences:
        logger.warning("%s", difference.line())
    if not allow_create:
        await wait_visible(settings, specs)
    return Prepared(created=created, warnings=differences)


async def check(settings: Settings, specs: Sequence[TopicSpec]) -> list[Difference]:
    """Every difference between the cluster and the plan (``streams topics check``)."""
    _, found = await describe(settings, [s.name for s in specs])
    return [d for spec in specs for d in compare(spec, found.get(spec.name))]
