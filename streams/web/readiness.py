"""Whether a worker is ready, and if not exactly why: pure logic over what Faust reports.

Ready means: every agent this worker runs is running (not crashed, restarting or stopped) and
subscribed to its input topic; the consumer group's assignment covers every partition of every
input topic (whichever member holds them); the group is not rebalancing; the tables are
recovered. Each reason names what is missing, e.g. ``articles.segmented: no partitions
assigned to any member``. :mod:`streams.web.cluster` gathers the facts from the running app.

An agent that crashed is restarted by Faust's supervisor after a backoff and may crash again
on the same message: an agent that crashed within the last :data:`RECENT_CRASH_S` seconds
counts as restarting, so a crash loop cannot look healthy between two crashes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RECENT_CRASH_S = 30.0
MAX_ERROR_CHARS = 200


@dataclass
class Crash:
    count: int = 0
    last_at: float | None = None  # time.time()
    last_error: str | None = None


class CrashLog:
    """Crashes per agent, fed by the agents' ``on_error`` handler (Faust calls it for an
    exception that ends an actor, just before the supervisor restarts it)."""

    def __init__(self) -> None:
        self.crashes: dict[str, Crash] = {}

    def record(self, agent: str, error: BaseException, now: float | None = None) -> None:
        crash = self.crashes.setdefault(agent, Crash())
        crash.count += 1
        crash.last_at = time.time() if now is None else now
        # Only the type and a bounded message: an exception can quote a whole hostile payload.
        crash.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]

    def of(self, agent: str) -> Crash:
        return self.crashes.get(agent, Crash())


CRASHES = CrashLog()


@dataclass
class AgentFacts:
    """What the worker knows about one of its agents."""

    name: str
    topics: Sequence[str]
    # "running", "crashed" (an actor waits for its restart), "stopped", or "starting"
    state: str
    subscribed: bool | None  # None: the consumer could not say
    partitions: Sequence[int] = ()  # input partitions this worker holds for it
    crash: Crash = field(default_factory=Crash)

    def report(self, now: float) -> dict[str, Any]:
        return {
            "state": self.state,
            "topics": list(self.topics),
            "subscribed": self.subscribed,
            "partitions": sorted(self.partitions),
            "crashes": self.crash.count,
            "last_crash_seconds_ago": (
                round(now - self.crash.last_at, 1) if self.crash.last_at is not None else None
            ),
            "last_error": self.crash.last_error,
        }


@dataclass
class Readiness:
    ready: bool
    reasons: list[str]
    agents: dict[str, dict[str, Any]]
    unassigned: dict[str, list[int]]  # input topic -> partitions no member holds


def _ranges(partitions: Sequence[int]) -> str:
    return ", ".join(str(p) for p in sorted(partitions))


def assess(
    agents: Sequence[AgentFacts],
    topic_partitions: Mapping[str, int | None],
    group_assignment: Mapping[str, set[int]] | None,
    *,
    rebalancing: bool,
    recovered: bool,
    now: float | None = None,
) -> Readiness:
    """Readiness from the facts.

    ``topic_partitions``: partition count of each input topic in the consumer's metadata (None:
    not in it). ``group_assignment``: topic -> partitions some member of the group holds, as
    the last assignment said (None: no assignment received yet).
    """
    now = time.time() if now is None else now
    reasons: list[str] = []
    for agent in agents:
        crash = agent.crash
        recent = crash.last_at is not None and now - crash.last_at < RECENT_CRASH_S
        last = f"{crash.last_error}" if crash.last_error else "no error recorded"
        if agent.state == "crashed":
            reasons.append(f"agent {agent.name}: crashed, waiting for its restart ({last})")
        elif agent.state == "stopped":
            reasons.append(f"agent {agent.name}: stopped")
        elif agent.state == "starting":
            reasons.append(f"agent {agent.name}: not started yet")
        elif recent:
            reasons.append(
                f"agent {agent.name}: restarting, crashed {crash.count} time(s), the last "
                f"{now - (crash.last_at or now):.0f}s ago ({last})"
            )
        if agent.subscribed is False:
            reasons.append(f"agent {agent.name}: not subscribed to {', '.join(agent.topics)}")
    unassigned: dict[str, list[int]] = {}
    inputs = sorted({topic for agent in agents for topic in agent.topics})
    for topic in inputs:
        count = topic_partitions.get(topic)
        if count is None:
            reasons.append(f"{topic}: not in the consumer's metadata (does the topic exist?)")
            continue
        held = set(group_assignment.get(topic, set())) if group_assignment is not None else set()
        missing = [p for p in range(count) if p not in held]
        if not missing:
            continue
        unassigned[topic] = missing
        if len(missing) == count:
            reasons.append(f"{topic}: no partitions assigned to any member")
        else:
            reasons.append(f"{topic}: partition(s) {_ranges(missing)} assigned to no member")
    if rebalancing:
        reasons.append("the consumer group is rebalancing")
    if not recovered:
        reasons.append("table recovery is not complete")
    return Readiness(
        ready=not reasons,
        reasons=reasons,
        agents={agent.name: agent.report(now) for agent in agents},
        unassigned=unassigned,
    )
