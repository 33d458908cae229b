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


def health(app: StreamsApp) -> tuple[bool, list[str], dict[str, list[int]]]:
    """(ready, reasons it is not, assigned input partitions by topic)."""
    reasons: list[str] = []
    assigned: dict[str, list[int]] = {}
    try:
        assignment: set[TP] = set(app.consumer.assignment())
    except Exception:
        assignment = set()
    inputs = _input_topics(app)
    for tp in sorted(assignment):
        if tp.topic in inputs:
            assigned.setdefault(tp.topic, []).append(tp.partition)
    if not assigned:
        reasons.append("no input partitions assigned to this worker yet")
    if app.rebalancing:
        reasons.append("the consumer group is rebalancing")
    recovery = app.tables.recovery  # type: ignore[attr-defined]  # TableManager, not the ABC
    if recovery.in_recovery or not recovery.completed.is_set():
        reasons.append("table recovery is not complete")
    return not reasons, reasons, assigned


def local_report(app: StreamsApp) -> dict[str, Any]:
    """This worker's copy of every monitoring table (all keys: the merge sorts copies out)."""
    ready, reasons, assigned = health(app)
    tables = app.wiring.tables
    return {
        "url": own_url(app),
        "time": time.time(),
        "ready": ready,
        "reasons": reasons,
        "assigned": assigned,
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
    async with app.http_client.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
        return response.status, await response.json(content_type=None)


async def _peer_report(app: StreamsApp, url: str) -> dict[str, Any]:
    status, body = await fetch_json(app, url + LOCAL_PATH)
    if status != 200 or not isinstance(body, Mapping):
        raise RuntimeError(f"HTTP {status}")
    return dict(body)


async def gather(app: StreamsApp) -> Gathered:
    """Every worker's local report; a worker that does not answer is listed with the error."""
    urls = member_urls(app)
    out = Gathered()
    mine = local_report(app)
    out.reports.append(mine)
    out.workers.append(
        {"url": urls[0], "ok": True, "ready": mine["ready"], "assigned": mine["assigned"]}
    )
    results = await asyncio.gather(
        *(_peer_report(app, url) for url in urls[1:]), return_exceptions=True
    )
    for url, result in zip(urls[1:], results, strict=True):
        if isinstance(result, BaseException):
            logger.warning("worker %s did not answer %s: %r", url, LOCAL_PATH, result)
            out.workers.append({"url": url, "ok": False, "error": repr(result)})
            continue
        out.reports.append(result)
        out.workers.append(
            {
                "url": url,
                "ok": True,
                "ready": result.get("ready"),
                "assigned": result.get("assigned", {}),
            }
        )
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
