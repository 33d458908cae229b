"""A local Apache Kafka (KRaft) from the official jars on Maven Central: one node or several.

``streams kafka start`` resolves ``org.apache.kafka:kafka_2.13`` and its dependencies with Maven
into the user's cache (never into the repository), formats KRaft storage once, and starts
combined broker+controller nodes bound to 127.0.0.1 in the background. It returns only when
every node answers a Kafka metadata request (and, with several nodes, when the controller
quorum has a leader), so callers can use it immediately.

Modules: :mod:`.jars` (Maven, Java), :mod:`.config` (server.properties), :mod:`.tls` (local CA),
:mod:`.node` (one process), :mod:`.cluster` (layouts of 1..N nodes, quorum, failover helpers).
"""

from .cluster import (
    ClusterConfig,
    NodeStatus,
    free_port_block,
    node_status,
    quorum_leader,
    start_cluster,
    stop_cluster,
)
from .config import MAX_MESSAGE_BYTES, SASL_MECHANISMS, BrokerConfig
from .jars import LocalKafkaError, cache_dir, kafka_version, resolve_classpath
from .node import broker_ready, port_open, read_pid, start, stop, tail
from .tls import ensure_tls

__all__ = [
    "MAX_MESSAGE_BYTES",
    "SASL_MECHANISMS",
    "BrokerConfig",
    "ClusterConfig",
    "LocalKafkaError",
    "NodeStatus",
    "broker_ready",
    "cache_dir",
    "ensure_tls",
    "free_port_block",
    "kafka_version",
    "node_status",
    "port_open",
    "quorum_leader",
    "read_pid",
    "resolve_classpath",
    "start",
    "start_cluster",
    "stop",
    "stop_cluster",
    "tail",
]
