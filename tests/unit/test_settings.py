from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from streams.settings import Settings, SettingsError, env_names, from_env
from streams.stages import stage_names


def test_defaults_match_the_design() -> None:
    s = from_env({})
    assert s.broker == "kafka://127.0.0.1:9092"
    assert s.partitions == 4
    assert (s.topic_raw, s.topic_segmented, s.topic_enriched, s.topic_deadletter) == (
        "articles.raw",
        "articles.segmented",
        "articles.enriched",
        "articles.deadletter",
    )
    assert s.web_host == "127.0.0.1" and s.web_port == 6066
    assert s.max_message_bytes == 1024 * 1024
    assert s.processing_guarantee == "at_least_once"
    assert s.stages == stage_names()


def test_environment_overrides_and_types() -> None:
    s = from_env(
        {
            "STREAMS_PARTITIONS": "8",
            "STREAMS_STAGES": "segment, enrich",
            "STREAMS_DATA_DIR": "/tmp/x",
            "STREAMS_PROCESSING_GUARANTEE": "EXACTLY_ONCE",
            "STREAMS_KAFKA_SASL_MECHANISM": "scram-sha-512",
            "STREAMS_KAFKA_USERNAME": "alice",
        }
    )
    assert s.partitions == 8
    assert s.stages == ("segment", "enrich")
    assert s.data_dir == Path("/tmp/x")
    assert s.processing_guarantee == "exactly_once"
    assert s.kafka_sasl_mechanism == "SCRAM-SHA-512"


def test_settings_are_immutable() -> None:
    s = from_env({})
    with pytest.raises(ValidationError, match="frozen"):
        s.partitions = 3  # type: ignore[misc]


def test_password_never_printed() -> None:
    s = from_env(
        {
            "STREAMS_KAFKA_PASSWORD": "hunter2-secret",
            "STREAMS_KAFKA_SASL_MECHANISM": "PLAIN",
            "STREAMS_WEB_TOKEN": "token-secret",
        }
    )
    for secret in ("hunter2-secret", "token-secret"):
        assert secret not in repr(s) and secret not in str(s)
        assert secret not in str(s.redacted())
    assert s.redacted()["STREAMS_WEB_TOKEN"] == "********"
    assert s.password == "hunter2-secret" and s.token == "token-secret"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STREAMS_PARTITIONS", "zero"),
        ("STREAMS_PARTITIONS", "0"),
        ("STREAMS_WEB_PORT", "70000"),
        ("STREAMS_PROCESSING_GUARANTEE", "maybe"),
        ("STREAMS_STAGES", "segment,translate"),
        ("STREAMS_KAFKA_SECURITY_PROTOCOL", "TLS"),
    ],
)
def test_bad_values_are_rejected_with_the_variable_named(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        from_env({variable: value})


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("STREAMS_PROCESSING_GUARANTEE", "maybe", "'at_least_once' or 'exactly_once'"),
        ("STREAMS_KAFKA_SECURITY_PROTOCOL", "TLS", "'SSL', 'SASL_PLAINTEXT' or 'SASL_SSL'"),
        ("STREAMS_KAFKA_SASL_MECHANISM", "GSSAPI", "'SCRAM-SHA-256' or 'SCRAM-SHA-512'"),
        ("STREAMS_STAGES", "segment,translate", "allowed: segment, enrich, morphology"),
    ],
)
def test_a_refused_choice_lists_the_allowed_values(variable: str, value: str, allowed: str) -> None:
    with pytest.raises(SettingsError) as refused:
        from_env({variable: value})
    assert str(refused.value).startswith(variable) and allowed in str(refused.value)


@pytest.mark.parametrize(
    "env",
    [
        {"STREAMS_KAFKA_USERNAME": "alice", "STREAMS_KAFKA_PASSWORD": "pw"},
        {"STREAMS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"},
    ],
)
def test_sasl_credentials_without_a_mechanism_are_an_error(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="STREAMS_KAFKA_SASL_MECHANISM"):
        from_env(env)


def test_a_mapping_is_read_without_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAMS_PARTITIONS", "9")
    assert from_env({}).partitions == 4
    assert from_env().partitions == 9
    assert Settings().partitions == 9


def test_changes_are_validated_like_the_environment() -> None:
    s = from_env({"STREAMS_KAFKA_PASSWORD": "pw", "STREAMS_KAFKA_SASL_MECHANISM": "PLAIN"})
    changed = s.with_changes(stages="segment", web_port=7000)
    assert changed.stages == ("segment",) and changed.web_port == 7000
    assert changed.password == "pw"
    with pytest.raises(SettingsError, match="STREAMS_WEB_PORT"):
        s.with_changes(web_port=0)


def test_every_field_has_an_environment_name() -> None:
    assert len(env_names()) == len(Settings.model_fields)
    assert "STREAMS_KAFKA_CA_FILE" in env_names()


def test_the_shared_settings_contract_is_in_the_model() -> None:
    s = from_env({})
    assert s.web_token is None and s.min_insync_replicas is None
    assert (s.max_key_bytes, s.max_headers, s.max_header_bytes, s.max_field_chars) == (
        1024,
        32,
        8192,
        4096,
    )
    assert (s.produced_at_window_seconds, s.duplicate_window_days) == (300, 14)
    assert (s.duplicate_max_entries, s.dead_letter_value_budget) == (20_000, 65536)


def test_broker_url_strips_faust_scheme() -> None:
    s = from_env({"STREAMS_BROKER": "kafka://a:1;kafka://b:2"})
    assert s.broker_url == "a:1,b:2"


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("STREAMS_PRODUCER_LINGER_MS", "-1"),
        ("STREAMS_PRODUCER_LINGER_MS", "1001"),
        ("STREAMS_COMMIT_INTERVAL_MS", "99"),
        ("STREAMS_COMMIT_INTERVAL_MS", "60001"),
    ],
)
def test_batching_and_commit_settings_are_bounded(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        from_env({name: raw})


def test_batching_and_commit_settings_reach_the_faust_app() -> None:
    from streams.app import create_app

    settings = from_env({"STREAMS_PRODUCER_LINGER_MS": "40", "STREAMS_COMMIT_INTERVAL_MS": "500"})
    app = create_app(settings)
    assert app.conf.producer_linger == 0.04
    assert app.conf.broker_commit_interval == 0.5


def test_limits_on_what_a_producer_controls_have_the_contract_defaults() -> None:
    settings = from_env({})
    assert (settings.max_key_bytes, settings.max_headers, settings.max_header_bytes) == (
        1024,
        32,
        8192,
    )
    assert settings.max_field_chars == 4096
    assert (settings.duplicate_window_days, settings.duplicate_max_entries) == (14, 20_000)
    assert settings.dead_letter_value_budget == 65536
    assert from_env({"STREAMS_MAX_FIELD_CHARS": "100"}).max_field_chars == 100
    with pytest.raises(SettingsError, match="STREAMS_MAX_KEY_BYTES"):
        from_env({"STREAMS_MAX_KEY_BYTES": "0"})


def test_at_least_once_also_commits_every_few_messages() -> None:
    from streams.app import create_app

    assert create_app(from_env({})).conf.broker_commit_every == 20
    assert create_app(from_env({"STREAMS_COMMIT_EVERY": "7"})).conf.broker_commit_every == 7
    exactly_once = from_env({"STREAMS_PROCESSING_GUARANTEE": "exactly_once"})
    assert create_app(exactly_once).conf.broker_commit_every == 10_000
