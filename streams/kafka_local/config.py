"""What a local Kafka node is told: its server.properties and log4j2 configuration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .jars import LocalKafkaError

# Large enough for the 10 MiB hostile-input test; the topics' own limits are raised by Faust.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BrokerConfig:
    data_dir: Path
    port: int = 9092
    controller_port: int | None = None
    heap: str = "768m"
    sasl_port: int | None = None  # SASL_PLAINTEXT listener
    ssl_port: int | None = None  # SSL (TLS) listener, certificate from a local CA
    sasl_ssl_port: int | None = None  # SASL_SSL listener
    # SASL users (PLAIN and SCRAM); SCRAM credentials are stored when the storage is formatted.
    sasl_users: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # A node of a multi-node cluster: its id and every controller voter (id, controller port).
    # No voters: a standalone single node that is its own controller quorum.
    node_id: int = 1
    voters: tuple[tuple[int, int], ...] = ()

    @property
    def internal_replication(self) -> int:
        """Replication of Kafka's own topics (offsets, transactions): up to 3, the cluster size."""
        return min(3, max(1, len(self.voters)))

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def ca_file(self) -> Path:
        """The local CA's certificate (PEM): what clients trust, STREAMS_KAFKA_CA_FILE."""
        return self.tls_dir / "ca.pem"

    @property
    def controller(self) -> int:
        return self.controller_port or self.port + 1

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "server.log"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"


SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


_USER_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
# Kafka's --add-scram syntax ("[name=...,password=...]") cannot carry these.
_PASSWORD_FORBIDDEN = set(',[]"\\') | {chr(c) for c in range(32)}


def check_user(user: str, password: str) -> None:
    if not _USER_NAME.fullmatch(user):
        raise LocalKafkaError(f"SASL user names are letters, digits and ._@- ; got {user!r}")
    if not password or set(password) & _PASSWORD_FORBIDDEN:
        raise LocalKafkaError(
            f'the password of SASL user {user!r} is empty or holds one of , [ ] " \\ or a '
            "control character, which the broker's user setup cannot take"
        )


def _jaas_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def properties_text(text: str) -> str:
    """Java reads .properties files as ISO-8859-1: escape backslashes and anything non-ASCII
    (passwords may hold any character)."""
    out = []
    for char in text.replace("\\", "\\\\"):
        if ord(char) < 128:
            out.append(char)
        else:
            units = char.encode("utf-16-be")
            out += [f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)]
    return "".join(out)


def _jaas_lines(listener: str, users: tuple[tuple[str, str], ...]) -> list[str]:
    plain_users = " ".join(f"user_{u}={_jaas_quote(p)}" for u, p in users)
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    return [
        f"listener.name.{listener}.plain.sasl.jaas.config="
        f"org.apache.kafka.common.security.plain.PlainLoginModule required {plain_users};",
        f"listener.name.{listener}.scram-sha-256.sasl.jaas.config={scram}",
        f"listener.name.{listener}.scram-sha-512.sasl.jaas.config={scram}",
    ]


def server_properties(cfg: BrokerConfig, keystore_password: str | None = None) -> str:
    listeners = [f"PLAINTEXT://127.0.0.1:{cfg.port}", f"CONTROLLER://127.0.0.1:{cfg.controller}"]
    advertised = [f"PLAINTEXT://127.0.0.1:{cfg.port}"]
    protocol_map = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
    extra: list[str] = []
    secured = {
        "SASL_PLAINTEXT": cfg.sasl_port,
        "SSL": cfg.ssl_port,
        "SASL_SSL": cfg.sasl_ssl_port,
    }
    for protocol, port in secured.items():
        if port:
            listeners.append(f"{protocol}://127.0.0.1:{port}")
            advertised.append(f"{protocol}://127.0.0.1:{port}")
            protocol_map.append(f"{protocol}:{protocol}")
            if protocol.startswith("SASL"):
                extra += _jaas_lines(protocol.lower(), cfg.sasl_users)
    if cfg.sasl_port or cfg.sasl_ssl_port:
        extra.append(f"sasl.enabled.mechanisms={','.join(SASL_MECHANISMS)}")
    if (cfg.ssl_port or cfg.sasl_ssl_port) and keystore_password:
        extra += [
            "ssl.keystore.type=PKCS12",
            f"ssl.keystore.location={cfg.tls_dir / 'broker.p12'}",
            f"ssl.keystore.password={keystore_password}",
            f"ssl.key.password={keystore_password}",
        ]
    if cfg.voters:
        # A static quorum: every node knows every voter (formatted without --standalone).
        quorum = "controller.quorum.voters=" + ",".join(
            f"{node}@127.0.0.1:{port}" for node, port in cfg.voters
        )
    else:
        quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{cfg.controller}"
    rf = cfg.internal_replication
    # With three copies, two must hold a write: one node may fail without stopping anything.
    min_isr = 2 if rf >= 3 else 1
    lines = [
        "process.roles=broker,controller",
        f"node.id={cfg.node_id}",
        quorum,
        f"listeners={','.join(listeners)}",
        f"advertised.listeners={','.join(advertised)}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        f"listener.security.protocol.map={','.join(protocol_map)}",
        f"log.dirs={cfg.data_dir / 'kraft'}",
        "num.partitions=4",
        "auto.create.topics.enable=false",
        f"offsets.topic.replication.factor={rf}",
        "offsets.topic.num.partitions=8",
        f"transaction.state.log.replication.factor={rf}",
        f"transaction.state.log.min.isr={min_isr}",
        "transaction.state.log.num.partitions=4",
        f"share.coordinator.state.topic.replication.factor={rf}",
        f"share.coordinator.state.topic.min.isr={min_isr}",
        # Topics created without explicit settings get the cluster's durability, as in the
        # compose file's cluster profile.
        f"default.replication.factor={rf}",
        f"min.insync.replicas={min_isr}",
        "group.initial.rebalance.delay.ms=0",
        f"message.max.bytes={MAX_MESSAGE_BYTES}",
        f"replica.fetch.max.bytes={MAX_MESSAGE_BYTES}",
        "log.retention.hours=168",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def log4j_properties(cfg: BrokerConfig) -> str:
    return "\n".join(
        [
            "status = warn",
            "appender.file.type = RollingFile",
            "appender.file.name = FILE",
            f"appender.file.fileName = {cfg.log_file}",
            f"appender.file.filePattern = {cfg.log_file}.%i",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 20MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 3",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = FILE",
            "logger.kafka.name = kafka",
            "logger.kafka.level = INFO",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = WARN",
            "",
        ]
    )
