"""Kafka security from the STREAMS_KAFKA_* settings, against a local broker started by
``streams kafka start`` with SASL_PLAINTEXT, SSL and SASL_SSL listeners (PLAIN and SCRAM users,
a certificate from a local CA): the CLI clients and a Faust worker work over each; wrong
credentials end in a clear error within the subprocess timeout instead of a hang; the password
shows up in no output or log."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from streams.kafka_local import BrokerConfig, stop
from tests.conftest import SAMPLES

from .conftest import Pipeline, free_port, free_ports

pytestmark = [pytest.mark.integration, pytest.mark.slow]

USER = "alice"
PASSWORD = "s3cret-Pässword-ديما"  # non-ASCII on purpose: it must survive every layer
WRONG = "not-the-password"
# A hang guard, not a timing assertion: a failing client must not wait forever.
CLI_TIMEOUT = 90


@dataclass(frozen=True)
class SecureBroker:
    cfg: BrokerConfig
    start_output: str

    def env(
        self, protocol: str, mechanism: str | None = None, password: str = PASSWORD
    ) -> dict[str, str]:
        port = {
            "SASL_PLAINTEXT": self.cfg.sasl_port,
            "SSL": self.cfg.ssl_port,
            "SASL_SSL": self.cfg.sasl_ssl_port,
        }[protocol]
        env = {
            "STREAMS_BROKER": f"kafka://127.0.0.1:{port}",
            "STREAMS_KAFKA_SECURITY_PROTOCOL": protocol,
        }
        if "SSL" in protocol:
            env["STREAMS_KAFKA_CA_FILE"] = str(self.cfg.ca_file)
        if protocol.startswith("SASL"):
            env.update(
                STREAMS_KAFKA_SASL_MECHANISM=mechanism or "PLAIN",
                STREAMS_KAFKA_USERNAME=USER,
                STREAMS_KAFKA_PASSWORD=password,
            )
        return env


def _streams(
    *args: str, env: dict[str, str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    data = tmp_path_factory.mktemp("secure-kafka")
    users_file = data / "users"
    users_file.touch(mode=0o600)
    users_file.write_text(f"{USER}:{PASSWORD}\nbob:bob-password\n")
    port, controller, sasl, tls, sasl_tls = free_ports(5)
    cfg = BrokerConfig(
        data_dir=data,
        port=port,
        controller_port=controller,
        sasl_port=sasl,
        ssl_port=tls,
        sasl_ssl_port=sasl_tls,
        sasl_users=((USER, PASSWORD), ("bob", "bob-password")),
    )
    args = [
        "kafka", "start", "--port", str(cfg.port), "--controller-port", str(controller),
        "--data-dir", str(data),
        "--sasl-port", str(cfg.sasl_port), "--ssl-port", str(cfg.ssl_port),
        "--sasl-ssl-port", str(cfg.sasl_ssl_port),
        "--users-file", str(users_file),
    ]  # fmt: skip
    started = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args], capture_output=True, timeout=240, check=False
    )
    assert not any(PASSWORD in arg for arg in args), "a password on the command line"
    output = (started.stdout + started.stderr).decode()
    assert started.returncode == 0, output
    try:
        yield SecureBroker(cfg, output)
    finally:
        stop(cfg)


LISTENERS = [
    ("SASL_PLAINTEXT", "PLAIN"),
    ("SASL_PLAINTEXT", "SCRAM-SHA-512"),
    ("SSL", None),
    ("SASL_SSL", "SCRAM-SHA-512"),
]


def _topic_env(topic: str) -> dict[str, str]:
    return {"STREAMS_TOPIC_RAW": topic, "STREAMS_PARTITIONS": "1"}


@pytest.mark.parametrize(("protocol", "mechanism"), LISTENERS)
def test_produce_and_consume_over_a_secured_listener(
    secure_broker: SecureBroker, protocol: str, mechanism: str | None
) -> None:
    topic = f"secure-{protocol.lower()}-{(mechanism or 'tls').lower()}"
    env = {**secure_broker.env(protocol, mechanism), **_topic_env(topic)}
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    produced = _streams("produce", "--quiet", str(sample), env=env)
    assert produced.returncode == 0, produced.stderr.decode()
    consumed = _streams(
        "consume", "--topic", topic, "--from-beginning", "--limit", "1", "--timeout", "30",
        env=env,
    )  # fmt: skip
    assert consumed.returncode == 0, consumed.stderr.decode()
    [line] = consumed.stdout.splitlines()
    assert orjson.loads(line)["id"] == sample.stem
    for run in (produced, consumed):
        assert PASSWORD.encode() not in run.stdout + run.stderr


@pytest.mark.parametrize(("protocol", "mechanism"), [LISTENERS[0], LISTENERS[3]])
def test_a_worker_enriches_over_a_secured_listener(
    secure_broker: SecureBroker, pipeline: Pipeline, protocol: str, mechanism: str
) -> None:
    pipeline.env.update(secure_broker.env(protocol, mechanism))
    worker = pipeline.start_worker()
    sent = pipeline.produce([str(SAMPLES)])
    records = pipeline.consume(limit=sent, timeout=90)
    assert len(records) == sent, worker.tail()
    assert worker.process.poll() is None
    worker.stop()
    assert PASSWORD not in worker.log.read_text(errors="replace")


@pytest.mark.parametrize(("protocol", "mechanism"), [LISTENERS[0], LISTENERS[1], LISTENERS[3]])
@pytest.mark.parametrize("command", ["produce", "consume", "worker"])
def test_wrong_credentials_fail_fast_with_a_clear_error(
    secure_broker: SecureBroker, tmp_path: Path, protocol: str, mechanism: str, command: str
) -> None:
    env = {
        **secure_broker.env(protocol, mechanism, password=WRONG),
        **_topic_env("secure-wrong"),
        "STREAMS_DATA_DIR": str(tmp_path),
        "STREAMS_WEB_PORT": str(free_port()),
    }
    args = {
        "produce": ["produce", "--quiet", "-"],
        "consume": ["consume", "--from-beginning", "--timeout", "5"],
        "worker": ["worker"],
    }[command]
    run = _streams(*args, env=env, stdin=b'{"text": "x"}\n')
    output = (run.stdout + run.stderr).decode()
    assert run.returncode == 1, output
    assert f"rejected the credentials of user '{USER}'" in output
    assert mechanism in output and "STREAMS_KAFKA_PASSWORD" in output
    assert "Traceback" not in output
    assert WRONG not in output and PASSWORD not in output


def test_an_untrusted_certificate_is_named(secure_broker: SecureBroker) -> None:
    env = secure_broker.env("SSL")
    del env["STREAMS_KAFKA_CA_FILE"]
    run = _streams("consume", "--timeout", "5", env=env)
    output = run.stderr.decode()
    assert run.returncode == 1, output
    assert "certificate" in output and "STREAMS_KAFKA_CA_FILE" in output


def test_passwords_appear_in_no_setting_printout_or_broker_log(
    secure_broker: SecureBroker,
) -> None:
    run = _streams("settings", env=secure_broker.env("SASL_SSL", "SCRAM-SHA-512"))
    assert run.returncode == 0
    printed = orjson.loads(run.stdout)
    assert printed["STREAMS_KAFKA_PASSWORD"] == "********"
    assert PASSWORD.encode() not in run.stdout
    assert PASSWORD not in secure_broker.start_output
    for log in secure_broker.cfg.log_file.parent.glob("*.log*"):
        assert PASSWORD not in log.read_text(errors="replace"), log
