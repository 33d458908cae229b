"""A local Kafka cluster of one or several KRaft nodes, each a combined broker + controller.

Layout for ``nodes`` N from ``port`` P: node i (1..N) listens on P+i-1 for clients and P+N+i-1
for the controller quorum; with one node that is P and P+1, today's single broker. A one-node
cluster keeps its data directly in ``data_dir``; several nodes get ``data_dir/node-i`` each and
a static quorum of all N voters, formatted with one shared cluster id. ``cluster.json`` in
``data_dir`` remembers the layout, so ``stop``/``status``/``--node`` need only the data dir.
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .config import BrokerConfig
from .jars import LocalKafkaError, require_java, resolve_classpath
from .node import (
    broker_ready,
    launch,
    new_cluster_id,
    prepare,
    read_pid,
    stop_all,
    wait_ready,
)

LAYOUT_FILE = "cluster.json"


@dataclass(frozen=True)
class ClusterConfig:
    data_dir: Path
    port: int = 9092
    nodes: int = 1
    # What every node shares: heap, secured listeners (single node only), SASL users.
    template: BrokerConfig | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.nodes <= 9:
            raise LocalKafkaError(f"a local cluster has 1 to 9 nodes, not {self.nodes}")

    @property
    def node_ids(self) -> range:
        return range(1, self.nodes + 1)

    def node(self, node_id: int) -> BrokerConfig:
        if node_id not in self.node_ids:
            raise LocalKafkaError(f"node {node_id} is not in this {self.nodes}-node cluster")
        base = self.template or BrokerConfig(data_dir=self.data_dir)
        if self.nodes == 1:
            return replace(base, data_dir=self.data_dir, port=self.port)
        voters = tuple((i, self.port + self.nodes + i - 1) for i in self.node_ids)
        return replace(
            base,
            data_dir=self.data_dir / f"node-{node_id}",
            port=self.port + node_id - 1,
            controller_port=self.port + self.nodes + node_id - 1,
            node_id=node_id,
            voters=voters,
        )

    @property
    def bootstrap(self) -> str:
        """host:port of every node, for clients (``STREAMS_BROKER`` takes it with kafka://)."""
        return ",".join(f"127.0.0.1:{self.port + i - 1}" for i in self.node_ids)

    def save_layout(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / LAYOUT_FILE).write_text(
            json.dumps({"port": self.port, "nodes": self.nodes})
        )

    @classmethod
    def load(cls, data_dir: Path, port: int, nodes: int | None = None) -> ClusterConfig:
        """The layout saved in ``data_dir`` (what ``start`` made), else the one given."""
        saved = data_dir / LAYOUT_FILE
        if saved.exists():
            layout = json.loads(saved.read_text())
            if nodes is not None and nodes != int(layout["nodes"]):
                raise LocalKafkaError(
                    f"{data_dir} holds a {layout['nodes']}-node cluster; stop it and use "
                    "another --data-dir (or remove this one) for a different size"
                )
            return cls(data_dir=data_dir, port=int(layout["port"]), nodes=int(layout["nodes"]))
        return cls(data_dir=data_dir, port=port, nodes=nodes or 1)


def _cluster_id(cfg: ClusterConfig) -> str:
    # Every node of one cluster is formatted with the same id, kept beside the nodes.
    path = cfg.data_dir / "cluster.id"
    if not path.exists():
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(new_cluster_id())
    return path.read_text().strip()


def start_cluster(
    cfg: ClusterConfig, *, only: int | None = None, timeout: float = 120.0
) -> dict[int, int]:
    """Start every node (or node ``only``) and wait until each answers; node id -> pid.

    Waiting is for all started nodes together: a node of a multi-voter quorum answers only once
    a majority of the controllers runs. Nodes already running are left as they are.
    """
    java = require_java()
    classpath = resolve_classpath()
    cluster_id = _cluster_id(cfg)
    cfg.save_layout()
    pids: dict[int, int] = {}
    launched = []
    for node_id in [only] if only else cfg.node_ids:
        node = cfg.node(node_id)
        running = read_pid(node)
        if running:
            pids[node_id] = running
            continue
        prepare(node, java, classpath, cluster_id)
        proc = launch(node, java, classpath)
        launched.append((node, proc))
        pids[node_id] = proc.pid
    wait_ready(launched, timeout)
    if cfg.nodes > 1 and only is None:
        _wait_for_quorum_leader(cfg, timeout=30.0)
    return pids


def stop_cluster(cfg: ClusterConfig, *, only: int | None = None, kill: bool = False) -> list[int]:
    """Stop every node (or node ``only``; SIGKILL with ``kill``); the ids that were running."""
    chosen = [cfg.node(node_id) for node_id in ([only] if only else cfg.node_ids)]
    return [node.node_id for node in stop_all(chosen, kill=kill)]


@dataclass(frozen=True)
class NodeStatus:
    node_id: int
    port: int
    pid: int | None
    answering: bool


def node_status(cfg: ClusterConfig) -> list[NodeStatus]:
    out = []
    for node_id in cfg.node_ids:
        node = cfg.node(node_id)
        pid = read_pid(node)
        out.append(NodeStatus(node_id, node.port, pid, bool(pid) and broker_ready(node.port)))
    return out


def quorum_leader(cfg: ClusterConfig) -> int | None:
    """The controller quorum's leader as the running nodes last recorded it, or None.

    Each voter persists the leader it follows in its metadata log's ``quorum-state`` file on
    every election; the newest epoch among running nodes is the current leader.
    """
    best: tuple[int, int] | None = None
    for node_id in cfg.node_ids:
        node = cfg.node(node_id)
        if not read_pid(node):
            continue
        state_file = node.data_dir / "kraft" / "__cluster_metadata-0" / "quorum-state"
        try:
            state = json.loads(state_file.read_text())
        except (OSError, ValueError):
            continue
        leader, epoch = state.get("leaderId", -1), state.get("leaderEpoch", -1)
        if isinstance(leader, int) and leader > 0 and (best is None or epoch > best[1]):
            best = (leader, epoch)
    if best is None or not read_pid(cfg.node(best[0])):
        return None
    return best[0]


def _wait_for_quorum_leader(cfg: ClusterConfig, *, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leader = quorum_leader(cfg)
        if leader is not None:
            return leader
        time.sleep(0.3)
    raise LocalKafkaError(f"the controller quorum elected no leader in {timeout:.0f}s")


def free_port_block(count: int, *, low: int = 20_000, high: int = 40_000) -> int:
    """The first of ``count`` consecutive free ports: a cluster of N nodes needs 2N from its
    ``port`` (benchmarks and tests that start their own)."""
    for _ in range(200):
        first = random.randrange(low, high - count)
        with contextlib.ExitStack() as held:
            try:
                for port in range(first, first + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return first
    raise RuntimeError(f"no {count} consecutive free ports between {low} and {high}")
