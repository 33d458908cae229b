"""What this worker holds, what every worker holds, and who owns a key.

Each worker answers ``/stats/local`` with its local copy of the monitoring tables; ``/stats``
asks every member of the consumer group (the URLs the partition assignor hands out: each
worker's ``http://web_host:web_port``) and merges the copies key by key, the highest offset
winning (:func:`streams.monitor.merge_claims`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from faust.types import TP
from yarl import URL

from .. import monitor
from . import readiness, security

if TYPE_CHECKING:
    from ..app import StreamsApp

logger = logging.getLogger(__name__)

PEER_TIMEOUT = 3.0  # seconds for a peer's /stats/local or a routed lookup
LOCAL_PATH = "/stats/local"

DESCRIPTIONS = {
    "counters": "per-stage counters of one agent: key AGENT|PARTITION",
    "trending": "entities and countries per tumbling window: key WINDOW_START|PARTITION",
}


def describe(name: str) -> str:
    return DESCRIPTIONS["trending" if name == "trending" else "counters"]


def own_url(app: StreamsApp) -> str:
    return str(app.conf.canonical_url).rstrip("/")


def _ident(url: str) -> tuple[str, int]:
    parsed = URL(url)
    return (parsed.host or "", parsed.port or 80)


def changelog_topic(app: StreamsApp, name: str) -> str:
    table = app.wiring.tables.get(name)
    if table is not None:
        return str(table.changelog_topic.get_topic_name())
    # A table only other workers declare (they run stages this one does not): Faust's naming.
    return f"{app.conf.id}-{name}-changelog"


def member_urls(app: StreamsApp) -> list[str]:
    """Every worker of the group as the assignor last told us, this one first."""
    urls = [own_url(app)]
    mine = _ident(urls[0])
    try:
        metadata = app.router.tables_metadata()
    except Exception:  # no assignment yet
        metadata = {}
    for url in metadata:
        if _ident(str(url)) != mine and str(url).rstrip("/") not in urls:
            urls.append(str(url).rstrip("/"))
    return urls


def owners(app: StreamsApp, name: str) -> dict[int, str]:
    """Partition -> URL of the worker holding it active, for one of our tables."""
    topic = changelog_topic(app, name)
    try:
        metadata = app.router.tables_metadata()
    except Exception:
        return {}
    out: dict[int, str] = {}
    for url, topics in metadata.items():
        for partition in topics.get(topic, []):
            out[int(partition)] = str(url).rstrip("/")
    return dict(sorted(out.items()))


def active_partitions(app: StreamsApp, name: str) -> set[int]:
    """The changelog partitions of ``name`` this worker holds active (its own to count)."""
    topic = changelog_topic(app, name)
    try:
        actives = app.assignor.assigned_actives()
    except Exception:
        return set()
    return {tp.partition for tp in actives if tp.topic == topic}


def _input_topics(app: StreamsApp) -> set[str]:
    return {topic for agent in app.agents.values() for topic in agent.channel.topics}


def _kafka_consumer(app: StreamsApp) -> Any:
    """aiokafka's consumer inside Faust's consumer thread (None before it starts)."""
    try:
        return app.consumer._thread._consumer  # type: ignore[attr-defined]
    except Exception:
        return None


def _subscription(app: StreamsApp) -> set[str] | None:
    """The topics the Kafka consumer is subscribed to (None when it cannot say yet)."""
    consumer = _kafka_consumer(app)
    try:
        return set(consumer.subscription()) if consumer is not None else None
    except Exception:
        return None


def _agent_state(app: StreamsApp, agent: Any) -> str:
    actors = list(agent._actors)  # Faust keeps no public list of an agent's actors
    if agent.state == "crashed" or any(actor.state == "crashed" for actor in actors):
        return "crashed"
    if not app.should_stop and (
        agent.state in ("stopping", "shutdown")
        or any(actor.state in ("stopping", "shutdown") for actor in actors)
    ):
        return "stopped"
    if agent.state == "init" or not actors:
        return "starting"
    return "running"


def _agent_facts(app: StreamsApp, assignment: set[TP]) -> list[readiness.AgentFacts]:
    subscribed = _subscription(app)
    facts = []
    for name, agent in sorted(app.agents.items()):
        topics = sorted(agent.channel.topics)
        short = name.rsplit(".", 1)[-1]
        facts.append(
            readiness.AgentFacts(
                name=short,
                topics=topics,
                state=_agent_state(app, agent),
                subscribed=None if subscribed is None else all(t in subscribed for t in topics),
                partitions=sorted(tp.partition for tp in assignment if tp.topic in topics),
                crash=app.wiring.crashes.of(short),
            )
        )
    return facts


def _group_assignment(app: StreamsApp) -> dict[str, set[int]] | None:
    """Topic -> partitions held by some member, from the last assignment (all members')."""
    try:
        distribution = app.assignor.external_topic_distribution  # type: ignore[attr-defined]
    except Exception:
        return None
    held: dict[str, set[int]] = {}
    for topics in distribution.values():
        for topic, partitions in topics.items():
            held.setdefault(topic, set()).update(int(p) for p in partitions)
    return held


def _topic_partitions(app: StreamsApp, topics: set[str]) -> dict[str, int | None]:
    """Partition count of each topic in the consumer's cluster metadata (None: not in it)."""
    consumer = _kafka_consumer(app)
    out: dict[str, int | None] = {}
    for topic in topics:
        try:
            partitions = consumer.partitions_for_topic(topic) if consumer is not None else None
        except Exception:
            partitions = None
        out[topic] = len(partitions) if partitions else None
    return out


def readiness_now(app: StreamsApp) -> tuple[readiness.Readiness, dict[str, list[int]]]:
    """This worker's readiness, and its assigned input partitions by topic."""
    try:
        assignment: set[TP] = set(app.consumer.assignment())
    except Exception:
        assignment = set()
    inputs = _input_topics(app)
    assigned: dict[str, list[int]] = {}
    for tp in sorted(assignment):
        if tp.topic in inputs:
            assigned.setdefault(tp.topic, []).append(tp.partition)
    recovery = app.tables.recovery  # type: ignore[attr-defined]  # TableManager, not the ABC
    state = readiness.assess(
        _agent_facts(app, assignment),
        _topic_partitions(app, inputs),
        _group_assignment(app),
        rebalancing=bool(app.rebalancing),
        recovered=not recovery.in_recovery and recovery.completed.is_set(),
    )
    return state, assigned


def health(app: StreamsApp) -> tuple[bool, list[str], dict[str, list[int]]]:
    """(ready, reasons it is not, assigned input partitions by topic)."""
    state, assigned = readiness_now(app)
    return state.ready, state.reasons, assigned


def local_report(app: StreamsApp) -> dict[str, Any]:
    """This worker's copy of every monitoring table (all keys: the merge sorts copies out)."""
    state, assigned = readiness_now(app)
    tables = app.wiring.tables
    return {
        "url": own_url(app),
        "time": time.time(),
        "ready": state.ready,
        "reasons": state.reasons,
        "assigned": assigned,
        "agents": state.agents,
        "active": {name: sorted(active_partitions(app, name)) for name in tables},
        "tables": {name: {str(k): v for k, v in table.items()} for name, table in tables.items()},
        # Events the tables cannot hold (streams.hop): summed over the workers by /stats.
        "hop": app.wiring.stats.as_dict(),
    }


@dataclass
class Gathered:
    reports: list[dict[str, Any]] = field(default_factory=list)
    workers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(worker["ok"] for worker in self.workers)

    def merged(self) -> dict[str, dict[str, monitor.Value]]:
        return monitor.merge_tables(report.get("tables", {}) for report in self.reports)


async def fetch_json(app: StreamsApp, url: str, timeout: float = PEER_TIMEOUT) -> tuple[int, Any]:
    async with app.http_client.get(
        url,
        timeout=aiohttp.ClientTimeout(total=timeout),
        # Every worker of a pipeline has the same token.
        headers=security.auth_headers(app.wiring.settings.token),
    ) as response:
        return response.status, await response.json(content_type=None)


async def _peer_report(app: StreamsApp, url: str) -> dict[str, Any]:
    status, body = await fetch_json(app, url + LOCAL_PATH)
    if status != 200 or not isinstance(body, Mapping):
        raise RuntimeError(f"HTTP {status}")
    return dict(body)


def _worker_entry(url: str, report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "url": url,
        "ok": True,
        "ready": report.get("ready"),
        "reasons": report.get("reasons", []),
        "assigned": report.get("assigned", {}),
        "agents": report.get("agents", {}),
    }


async def gather(app: StreamsApp) -> Gathered:
    """Every worker's local report; a worker that does not answer is listed with the error."""
    urls = member_urls(app)
    out = Gathered()
    mine = local_report(app)
    out.reports.append(mine)
    out.workers.append(_worker_entry(urls[0], mine))
    results = await asyncio.gather(
        *(_peer_report(app, url) for url in urls[1:]), return_exceptions=True
    )
    for url, result in zip(urls[1:], results, strict=True):
        if isinstance(result, BaseException):
            logger.warning("worker %s did not answer %s: %r", url, LOCAL_PATH, result)
            out.workers.append({"url": url, "ok": False, "error": repr(result)})
            continue
        out.reports.append(result)
        out.workers.append(_worker_entry(url, result))
    return out


def summary(app: StreamsApp, gathered: Gathered) -> dict[str, Any]:
    """The ``/stats`` document: totals over every partition of every worker."""
    now = time.time()
    tables = gathered.merged()
    counters: dict[str, monitor.Value] = {}
    for name, items in tables.items():
        if name.startswith("counters-"):
            counters.update(items)
    chain = app.wiring.chain_names
    stats = monitor.summarize_counters(counters, now=now, order=chain)
    stats["trending"] = monitor.summarize_trending(
        tables.get("trending", {}), now=now, size=app.wiring.settings.trending_window_seconds
    )
    stats["workers"] = gathered.workers
    stats["complete"] = gathered.complete
    stats["chain"] = list(chain)
    stats["hop"] = {
        name: sum(report.get("hop", {}).get(name, 0) for report in gathered.reports)
        for name in app.wiring.stats.as_dict()
    }
    stats["time"] = now
    return stats
