"""The local broker's preparation fails with messages a person can act on."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from streams import kafka_local
from streams.kafka_local import BrokerConfig, LocalKafkaError


def test_server_properties_are_kraft_on_loopback(tmp_path: Path) -> None:
    props = kafka_local._server_properties(BrokerConfig(data_dir=tmp_path, port=19999))
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
    monkeypatch.setattr(kafka_local.uuid, "uuid4", lambda: dashed)
    cfg = BrokerConfig(data_dir=tmp_path, port=29911)
    props = tmp_path / "server.properties"
    props.write_text(kafka_local._server_properties(cfg))
    (tmp_path / "log4j2.properties").write_text(kafka_local._log4j_properties(cfg))
    java = shutil.which("java")
    assert java is not None
    kafka_local._format_storage(cfg, java, kafka_local.resolve_classpath(), props)
    meta = (tmp_path / "kraft" / "meta.properties").read_text()
    assert "cluster.id=-" in meta
