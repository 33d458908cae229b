"""One immutable, typed settings object, read from ``STREAMS_*`` environment variables.

This is the only module that reads the process environment for the project's own settings
(``CAMELTOOLS_DATA`` belongs to camel_tools and is read where camel_tools reads it). Every
other module takes a :class:`Settings` as an argument; tests build one with :func:`from_env`
from a mapping of their own, without touching ``os.environ``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "STREAMS_"

Guarantee = Literal["at_least_once", "exactly_once"]
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]
GUARANTEES: tuple[str, ...] = get_args(Guarantee)
SECURITY_PROTOCOLS: tuple[str, ...] = get_args(SecurityProtocol)
SASL_MECHANISMS: tuple[str, ...] = get_args(SaslMechanism)
MASK = "********"
# Set while building from a given mapping: the process environment is then not read.
_ONLY_GIVEN: ContextVar[bool] = ContextVar("only_given", default=False)


class SettingsError(ValueError):
    """An environment variable holds a value we cannot use; the message names it."""


def _between(low: int, high: int) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"must be {low}-{high}")
        return value

    return AfterValidator(check)


def _at_least(low: int) -> AfterValidator:
    def check(value: int) -> int:
        if value < low:
            raise ValueError(f"must be at least {low}")
        return value

    return AfterValidator(check)


def _integer(value: Any) -> Any:
    # 1_048_576 reads as it does in Python; anything else not an integer is refused by pydantic.
    return value.strip().replace("_", "") if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _stage_list(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(s.strip() for s in value.split(",") if s.strip())
    return value


Int = Annotated[int, BeforeValidator(_integer)]
Port = Annotated[int, BeforeValidator(_integer), _between(1, 65535)]
Positive = Annotated[int, BeforeValidator(_integer), _at_least(1)]


class Settings(BaseSettings):
    """Every setting of a worker, a CLI command or a test; ``STREAMS_<FIELD>`` in the env."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        case_sensitive=False,
        frozen=True,
        extra="ignore",
        env_ignore_empty=True,
        validate_default=True,
    )

    broker: str = "kafka://127.0.0.1:9092"
    partitions: Positive = 4
    replication_factor: Positive = 1
    min_insync_replicas: Annotated[int | None, BeforeValidator(_integer)] = None
    topic_raw: str = "articles.raw"
    topic_segmented: str = "articles.segmented"
    topic_enriched: str = "articles.enriched"
    topic_deadletter: str = "articles.deadletter"
    # Empty: every stage of the registry (streams.stages).
    stages: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_stage_list)] = ()
    app_id: str = "arabic-news-streams"
    web_host: str = "127.0.0.1"
    web_port: Port = 6066
    web_token: SecretStr | None = None
    data_dir: Path = Path(".streams-data")
    max_message_bytes: Annotated[int, BeforeValidator(_integer), _at_least(1024)] = 1024 * 1024
    max_key_bytes: Positive = 1024
    max_headers: Positive = 32
    max_header_bytes: Positive = 8192
    max_field_chars: Positive = 4096
    # Bytes of the original value a dead letter keeps: at most 4 MiB, so that a dead letter
    # (base64'd) always fits the topics' 16 MiB limit.
    dead_letter_value_budget: Annotated[
        int, BeforeValidator(_integer), _between(0, 4 * 1024 * 1024)
    ] = 65536
    processing_guarantee: Annotated[Guarantee, BeforeValidator(_lower)] = "at_least_once"
    kafka_security_protocol: Annotated[SecurityProtocol, BeforeValidator(_upper)] = "PLAINTEXT"
    kafka_sasl_mechanism: Annotated[SaslMechanism | None, BeforeValidator(_upper)] = None
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ca_file: Path | None = None
    log_level: Annotated[LogLevel, BeforeValidator(_lower)] = "info"
    trending_window_seconds: Positive = 3600
    produced_at_window_seconds: Positive = 300
    duplicate_window_days: Positive = 14
    # ~4.6 KB of memory per entry in every worker: 20,000 entries are ~92 MB.
    duplicate_max_entries: Positive = 20_000
    # The broker refuses sessions outside group.min/max.session.timeout.ms (6 s, 300 s).
    kafka_session_timeout: Annotated[int, BeforeValidator(_integer), _between(6, 300)] = 10
    producer_linger_ms: Annotated[int, BeforeValidator(_integer), _between(0, 1000)] = 20
    commit_interval_ms: Annotated[int, BeforeValidator(_integer), _between(100, 60_000)] = 1000
    # Under at_least_once, also commit after every this many processed messages: what a
    # SIGKILL makes the next worker process again (see streams.app).
    commit_every: Annotated[int, BeforeValidator(_integer), _between(1, 100_000)] = 20
    # The local broker (streams.kafka_local): its version, jar cache and Maven settings file.
    kafka_version: str = "4.4.0"
    # None: ~/.cache/arabic-news-streams.
    cache_dir: Path | None = None
    maven_settings: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments, then the environment; no .env file or secrets directory is read silently.
        if _ONLY_GIVEN.get():
            return (init_settings,)
        return (init_settings, env_settings)

    @field_validator("stages")
    @classmethod
    def _known_stages(cls, stages: tuple[str, ...]) -> tuple[str, ...]:
        from .stages import stage_names

        known = stage_names()
        unknown = sorted(set(stages) - set(known))
        if unknown:
            raise ValueError(f"unknown stage(s) {unknown}; allowed: {', '.join(known)}")
        return stages or known

    @model_validator(mode="after")
    def _sasl_needs_a_mechanism(self) -> Settings:
        sasl = self.kafka_security_protocol.startswith("SASL")
        credentials = self.kafka_username is not None or self.kafka_password is not None
        if (sasl or credentials) and self.kafka_sasl_mechanism is None:
            raise ValueError(
                "SASL credentials need an explicit STREAMS_KAFKA_SASL_MECHANISM "
                f"(allowed: {', '.join(SASL_MECHANISMS)})"
            )
        return self

    @model_validator(mode="after")
    def _min_insync_within_replication(self) -> Settings:
        isr = self.min_insync_replicas
        if isr is not None and not 1 <= isr <= self.replication_factor:
            raise ValueError(
                f"STREAMS_MIN_INSYNC_REPLICAS must be 1 to STREAMS_REPLICATION_FACTOR "
                f"({self.replication_factor}), got {isr}"
            )
        return self

    @property
    def broker_url(self) -> str:
        """The brokers as host:port[,host:port], for clients that do not speak Faust's URLs."""
        return ",".join(part.split("://", 1)[-1] for part in self.broker.split(";") if part.strip())

    @property
    def password(self) -> str | None:
        """The SASL password in clear, for the Kafka clients only."""
        return self.kafka_password.get_secret_value() if self.kafka_password else None

    @property
    def token(self) -> str | None:
        """The web bearer token in clear, for the web views' check only."""
        return self.web_token.get_secret_value() if self.web_token else None

    @property
    def cache_root(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir.expanduser()
        return Path.home() / ".cache" / "arabic-news-streams"

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some fields changed, validated like the original."""
        return _validated({**self.model_dump(), **changes})

    def with_stages(self, stages: tuple[str, ...]) -> Settings:
        return self.with_changes(stages=stages)

    def redacted(self) -> dict[str, object]:
        """Settings as a printable mapping keyed by variable name: secrets are masked."""
        out: dict[str, object] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = MASK
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[ENV_PREFIX + name.upper()] = value
        return out


def _variable(loc: tuple[int | str, ...]) -> str:
    # A check across fields (no loc) names its variables in its own message.
    return ENV_PREFIX + str(loc[0]).upper() + ": " if loc else ""


def _settings_error(exc: ValidationError) -> SettingsError:
    lines = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        given = error.get("input")
        shown = "" if isinstance(given, (dict, SecretStr)) or given is None else f" (got {given!r})"
        lines.append(f"{_variable(error['loc'])}{message}{shown}")
    return SettingsError("; ".join(lines))


def _validated(values: Mapping[str, Any]) -> Settings:
    token = _ONLY_GIVEN.set(True)
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise _settings_error(exc) from None
    finally:
        _ONLY_GIVEN.reset(token)


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``STREAMS_*`` variables of ``environ`` (default: the process's own).

    Unset or empty variables keep their defaults. With a mapping, the process environment is
    not read at all (how tests build their own settings).
    """
    if environ is None:
        try:
            return Settings()
        except ValidationError as exc:
            raise _settings_error(exc) from None
    values = {
        name[len(ENV_PREFIX) :].lower(): raw
        for name, raw in environ.items()
        if name.upper().startswith(ENV_PREFIX) and raw != ""
    }
    return _validated({k: v for k, v in values.items() if k in Settings.model_fields})


def env_names() -> list[str]:
    """Every environment variable the settings read (used by docs and the compose test)."""
    return [ENV_PREFIX + name.upper() for name in Settings.model_fields]


def get_settings() -> Settings:
    """The settings of this process, read from its environment at the edge (CLI, workers)."""
    return from_env()
