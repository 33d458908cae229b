"""The local broker's preparation fails with messages a person can act on."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from streams import kafka_local
from streams.kafka_local import BrokerConfig, LocalKafkaError, config, free_port_block, node


def test_server_properties_are_kraft_on_loopback(tmp_path: Path) -> None:
    props = config.server_properties(BrokerConfig(data_dir=tmp_path, port=19999))
    assert "process.roles=broker,controller" in props
    assert "listeners=PLAINTEXT://127.0.0.1:19999,CONTROLLER://127.0.0.1:20000" in props
    assert "transaction.state.log.replication.factor=1" in props
    assert "0.0.0.0" not in props


def test_missing_java_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalKafkaError, match=r"java was not found.*Java 17"):
        kafka_local.start(BrokerConfig(data_dir=tmp_path / "k", port=1))


def test_missing_maven_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAMS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LocalKafkaError, match=r"mvn was not found.*Maven"):
        kafka_local.resolve_classpath()


@pytest.mark.slow
def test_unreachable_maven_central_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mirror on a closed local port stands in for a network that cannot reach Maven Central.
    settings = tmp_path / "settings.xml"
    settings.write_text(
        "<settings><localRepository>" + str(tmp_path / "repo") + "</localRepository>"
        "<mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf>"
        "<url>http://127.0.0.1:9/maven2</url></mirror></mirrors></settings>"
    )
    monkeypatch.setenv("STREAMS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STREAMS_MAVEN_SETTINGS", str(settings))
    with pytest.raises(LocalKafkaError, match="Maven Central cannot be reached"):
        kafka_local.resolve_classpath()


def test_storage_formats_with_a_cluster_id_starting_with_a_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # About 1 in 64 random ids starts with "-"; StorageTool once read it as an option.
    dashed = uuid.UUID(bytes=b"\xfb" + bytes(15))
    monkeypatch.setattr(node.uuid, "uuid4", lambda: dashed)
    cfg = BrokerConfig(data_dir=tmp_path, port=29911)
    props = tmp_path / "server.properties"
    props.write_text(config.server_properties(cfg))
    (tmp_path / "log4j2.properties").write_text(config.log4j_properties(cfg))
    java = shutil.which("java")
    assert java is not None
    node.format_storage(cfg, java, kafka_local.resolve_classpath(), props, node.new_cluster_id())
    meta = (tmp_path / "kraft" / "meta.properties").read_text()
    assert "cluster.id=-" in meta


def test_one_node_cluster_is_todays_single_broker(tmp_path: Path) -> None:
    cluster = kafka_local.ClusterConfig(data_dir=tmp_path, port=19092)
    single = cluster.node(1)
    assert (single.data_dir, single.port, single.controller, single.voters) == (
        tmp_path,
        19092,
        19093,
        (),
    )
    assert "--standalone" in node._storage_arguments(single, tmp_path / "p", "id")
    assert cluster.bootstrap == "127.0.0.1:19092"


def test_three_nodes_on_consecutive_ports_with_a_static_quorum(tmp_path: Path) -> None:
    cluster = kafka_local.ClusterConfig(data_dir=tmp_path, port=19092, nodes=3)
    nodes = [cluster.node(i) for i in (1, 2, 3)]
    assert [n.port for n in nodes] == [19092, 19093, 19094]
    assert [n.controller for n in nodes] == [19095, 19096, 19097]
    assert len({n.data_dir for n in nodes}) == 3
    assert cluster.bootstrap == "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094"
    props = config.server_properties(nodes[1])
    assert "node.id=2" in props
    assert "controller.quorum.voters=1@127.0.0.1:19095,2@127.0.0.1:19096,3@127.0.0.1:19097" in props
    assert "offsets.topic.replication.factor=3" in props
    assert "transaction.state.log.min.isr=2" in props
    assert "--standalone" not in node._storage_arguments(nodes[1], tmp_path / "p", "id")
    with pytest.raises(LocalKafkaError, match="node 4 is not in this 3-node cluster"):
        cluster.node(4)


def test_the_layout_is_remembered_for_stop_and_status(tmp_path: Path) -> None:
    kafka_local.ClusterConfig(data_dir=tmp_path, port=19092, nodes=3).save_layout()
    loaded = kafka_local.ClusterConfig.load(tmp_path, port=9092)
    assert (loaded.port, loaded.nodes) == (19092, 3)
    assert kafka_local.ClusterConfig.load(tmp_path / "none", port=9092).nodes == 1


def test_scram_passwords_never_reach_a_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = BrokerConfig(data_dir=tmp_path, port=19092, sasl_users=(("alice", "s3cret-pw"),))
    seen: dict[str, object] = {}

    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        argfile = Path(command[-1].removeprefix("@"))
        seen.update(command=command, mode=argfile.stat().st_mode & 0o777, text=argfile.read_text())
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(node.subprocess, "run", run)
    node.format_storage(cfg, "java", "cp", tmp_path / "server.properties", "cluster-id")
    assert not any("s3cret-pw" in part for part in seen["command"])  # type: ignore[attr-defined]
    assert seen["mode"] == 0o600
    assert '"SCRAM-SHA-512=[name=alice,password=s3cret-pw]"' in str(seen["text"])
    assert not list(tmp_path.glob(".format-*"))  # removed after use


def test_the_local_cluster_matches_the_compose_cluster_profile(tmp_path: Path) -> None:
    # The compose file's three brokers (for machines with Docker) and `streams kafka start
    # --nodes 3` (what the replication tests run) must agree on durability.
    import yaml

    compose = yaml.safe_load((Path(__file__).parents[2] / "docker-compose.yml").read_text())
    env = compose["services"]["kafka-1"]["environment"]
    props = config.server_properties(
        kafka_local.ClusterConfig(data_dir=tmp_path, port=19092, nodes=3).node(1)
    )
    for variable in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
        "KAFKA_DEFAULT_REPLICATION_FACTOR",
        "KAFKA_MIN_INSYNC_REPLICAS",
        "KAFKA_MESSAGE_MAX_BYTES",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE",
    ):
        key = variable.removeprefix("KAFKA_").lower().replace("_", ".")
        assert f"{key}={str(env[variable]).lower()}" in props, variable


def test_a_free_port_block_is_consecutive_and_free() -> None:
    first = free_port_block(6)
    with contextlib.ExitStack() as held:
        for port in range(first, first + 6):
            held.enter_context(socket.socket()).bind(("127.0.0.1", port))
