"""One immutable settings object, read once from ``STREAMS_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path

ALL_STAGES = ("segment", "enrich", "morphology", "ner", "dialect", "sentiment")
GUARANTEES = ("at_least_once", "exactly_once")
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


class SettingsError(ValueError):
    """An environment variable holds a value we cannot use."""


@dataclass(frozen=True)
class Settings:
    broker: str = "kafka://127.0.0.1:9092"
    partitions: int = 4
    replication_factor: int = 1
    topic_raw: str = "articles.raw"
    topic_segmented: str = "articles.segmented"
    topic_enriched: str = "articles.enriched"
    topic_deadletter: str = "articles.deadletter"
    stages: tuple[str, ...] = ALL_STAGES
    app_id: str = "arabic-news-streams"
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    data_dir: Path = Path(".streams-data")
    max_message_bytes: int = 1024 * 1024
    processing_guarantee: str = "at_least_once"
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str | None = None
    kafka_username: str | None = None
    kafka_password: str | None = field(default=None, repr=False)
    kafka_ca_file: Path | None = None
    log_level: str = "info"
    trending_window_seconds: int = 3600
    kafka_session_timeout: int = 10
    producer_linger_ms: int = 20
    commit_interval_ms: int = 2800
    # --- added by r20 ---
    # Bearer token for every web route but /health*; a secret: never printed (see redacted()).
    web_token: str | None = field(default=None, repr=False)
    # Topic config min.insync.replicas; None: 2 when replication_factor >= 3, else unset.
    min_insync_replicas: int | None = None
    # --- end r20 ---

    def __post_init__(self) -> None:
        if self.partitions < 1:
            raise SettingsError("STREAMS_PARTITIONS must be at least 1")
        if not 1 <= self.web_port <= 65535:
            raise SettingsError("STREAMS_WEB_PORT must be a TCP port (1-65535)")
        if self.max_message_bytes < 1024:
            raise SettingsError("STREAMS_MAX_MESSAGE_BYTES must be at least 1024")
        if self.trending_window_seconds < 1:
            raise SettingsError("STREAMS_TRENDING_WINDOW_SECONDS must be at least 1")
        if not 6 <= self.kafka_session_timeout <= 300:
            # The broker refuses sessions outside group.min/max.session.timeout.ms (6 s, 300 s).
            raise SettingsError("STREAMS_KAFKA_SESSION_TIMEOUT must be 6-300 seconds")
        if not 0 <= self.producer_linger_ms <= 1000:
            raise SettingsError("STREAMS_PRODUCER_LINGER_MS must be 0-1000")
        if not 100 <= self.commit_interval_ms <= 60_000:
            raise SettingsError("STREAMS_COMMIT_INTERVAL_MS must be 100-60000")
        if self.min_insync_replicas is not None and not (
            1 <= self.min_insync_replicas <= self.replication_factor
        ):
            raise SettingsError(
                "STREAMS_MIN_INSYNC_REPLICAS must be 1 to STREAMS_REPLICATION_FACTOR "
                f"({self.replication_factor})"
            )
        if self.replication_factor < 1:
            raise SettingsError("STREAMS_REPLICATION_FACTOR must be at least 1")
        if self.processing_guarantee not in GUARANTEES:
            raise SettingsError(f"STREAMS_PROCESSING_GUARANTEE must be one of {GUARANTEES}")
        if self.kafka_security_protocol not in SECURITY_PROTOCOLS:
            raise SettingsError(
                f"STREAMS_KAFKA_SECURITY_PROTOCOL must be one of {SECURITY_PROTOCOLS}"
            )
        if self.kafka_sasl_mechanism and self.kafka_sasl_mechanism not in SASL_MECHANISMS:
            raise SettingsError(f"STREAMS_KAFKA_SASL_MECHANISM must be one of {SASL_MECHANISMS}")
        unknown = set(self.stages) - set(ALL_STAGES)
        if unknown:
            raise SettingsError(
                f"unknown stage(s) {sorted(unknown)} in STREAMS_STAGES; "
                f"known: {', '.join(ALL_STAGES)}"
            )

    @property
    def broker_url(self) -> str:
        """The first broker as host:port, for clients that do not speak Faust's URL form."""
        return ",".join(part.split("://", 1)[-1] for part in self.broker.split(";") if part.strip())

    def with_stages(self, stages: tuple[str, ...]) -> Settings:
        return replace(self, stages=stages)

    def redacted(self) -> dict[str, object]:
        """Settings as a printable mapping: secrets are masked."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("kafka_password", "web_token") and value:
                value = "********"
            out[ENV_PREFIX + f.name.upper()] = str(value) if isinstance(value, Path) else value
        return out


ENV_PREFIX = "STREAMS_"


def _parse_stages(raw: str) -> tuple[str, ...]:
    stages = tuple(s.strip() for s in raw.split(",") if s.strip())
    return stages or ALL_STAGES


def _int(name: str, raw: str) -> int:
    try:
        return int(raw.replace("_", ""))
    except ValueError:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} must be an integer, got {raw!r}") from None


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from ``STREAMS_*`` variables; unset variables keep their defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is None or raw == "":
            continue
        if f.name == "stages":
            values[f.name] = _parse_stages(raw)
        elif f.type in ("int", "int | None"):
            values[f.name] = _int(f.name, raw)
        elif f.name in ("data_dir", "kafka_ca_file"):
            values[f.name] = Path(raw)
        elif f.name in ("processing_guarantee", "log_level"):
            values[f.name] = raw.strip().lower()
        elif f.name in ("kafka_security_protocol", "kafka_sasl_mechanism"):
            values[f.name] = raw.strip().upper()
        else:
            values[f.name] = raw
    return Settings(**values)  # type: ignore[arg-type]


def env_names() -> list[str]:
    """Every environment variable the settings read (used by docs and the compose test)."""
    return [ENV_PREFIX + f.name.upper() for f in fields(Settings)]


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once at the edge."""
    return from_env()
