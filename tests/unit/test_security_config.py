"""Security configuration without a broker: the local broker's secured listeners, the client
settings, and secrets kept out of everything printed."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from aiokafka.errors import SaslAuthenticationFailed

from streams.kafka_check import _explain, bootstrap_servers
from streams.kafka_client import client_options
from streams.kafka_local import BrokerConfig, LocalKafkaError
from streams.kafka_local.config import check_user as _check_user
from streams.kafka_local.config import properties_text as _properties_text
from streams.kafka_local.config import server_properties as _server_properties
from streams.settings import Settings, SettingsError, from_env

SECRET = "pässwörd-سر"


def test_secured_listeners_and_their_users(tmp_path: Path) -> None:
    cfg = BrokerConfig(
        data_dir=tmp_path, port=9092, sasl_port=9094, ssl_port=9095, sasl_ssl_port=9096,
        sasl_users=(("alice", SECRET),),
    )  # fmt: skip
    props = _server_properties(cfg, keystore_password="ks")
    assert (
        "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,"
        "SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095,SASL_SSL://127.0.0.1:9096"
    ) in props
    assert "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512" in props
    for listener in ("sasl_plaintext", "sasl_ssl"):
        assert f"listener.name.{listener}.plain.sasl.jaas.config=" in props
        assert f"listener.name.{listener}.scram-sha-512.sasl.jaas.config=" in props
    assert "ssl.keystore.type=PKCS12" in props
    assert SECRET not in repr(cfg)
    # Java reads .properties as ISO-8859-1: the password is written with \\u escapes.
    written = _properties_text(props)
    assert written.isascii()
    assert r'user_alice="p\u00e4ssw\u00f6rd-\u0633\u0631"' in written


@pytest.mark.parametrize(
    ("user", "password"),
    [("al ice", "x"), ("", "x"), ("bob", ""), ("bob", "a,b"), ("bob", "a]b"), ("bob", "a\nb")],
)
def test_users_the_local_broker_cannot_store_are_refused(user: str, password: str) -> None:
    with pytest.raises(LocalKafkaError) as info:
        _check_user(user, password)
    assert not password or password not in str(info.value)


def test_client_options_carry_sasl_and_tls() -> None:
    settings = Settings(
        broker="kafka://127.0.0.1:9096;kafka://127.0.0.1:9097",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_username="alice",
        kafka_password=SECRET,
    )
    options = client_options(settings)
    assert options["bootstrap_servers"] == "127.0.0.1:9096,127.0.0.1:9097"
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "alice" and options["sasl_plain_password"] == SECRET
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert bootstrap_servers(settings) == [("127.0.0.1", 9096), ("127.0.0.1", 9097)]


def test_secrets_are_masked_wherever_settings_are_shown() -> None:
    settings = from_env(
        {
            "STREAMS_KAFKA_PASSWORD": SECRET,
            "STREAMS_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
            "STREAMS_KAFKA_SASL_MECHANISM": "plain",
        }
    )
    assert settings.kafka_security_protocol == "SASL_SSL"
    assert SECRET not in repr(settings)
    assert settings.redacted()["STREAMS_KAFKA_PASSWORD"] == "********"
    assert SECRET not in str(settings.redacted())


def test_a_rejected_login_is_explained_without_the_password() -> None:
    settings = Settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_username="alice",
        kafka_password=SECRET,
    )
    message = _explain(
        settings, "127.0.0.1:9094", SaslAuthenticationFailed("Authentication failed"), 10
    )
    assert "rejected the credentials of user 'alice' (SASL SCRAM-SHA-512)" in message
    assert "STREAMS_KAFKA_PASSWORD" in message and SECRET not in message


def test_session_timeout_is_checked() -> None:
    assert from_env({"STREAMS_KAFKA_SESSION_TIMEOUT": "30"}).kafka_session_timeout == 30
    with pytest.raises(SettingsError, match="6-300"):
        from_env({"STREAMS_KAFKA_SESSION_TIMEOUT": "2"})
