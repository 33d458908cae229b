"""Why a Kafka client cannot connect, in words a person can act on.

aiokafka reports every failure to reach the bootstrap servers as "Unable to bootstrap from
[...]" and only logs the cause (bad credentials, an untrusted certificate, a listener speaking
another protocol). :func:`connection_problem` opens one connection per bootstrap server with
the same settings, bounded by a timeout, and names the cause. The CLI runs it before a worker
starts and after a producer or consumer fails to start, so wrong credentials end in a clear
error within seconds instead of a traceback or a wait. Passwords never appear in the messages.
"""

from __future__ import annotations

import asyncio
import logging
import ssl

from aiokafka.conn import create_conn
from aiokafka.errors import (
    IllegalSaslStateError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)

from .kafka_client import client_options
from .settings import Settings

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 10.0


def bootstrap_servers(settings: Settings) -> list[tuple[str, int]]:
    servers = []
    for part in settings.broker_url.split(","):
        host, _, port = part.strip().rpartition(":")
        servers.append((host or part.strip(), int(port) if port.isdigit() else 9092))
    return servers


async def connection_problem(settings: Settings, timeout: float = CHECK_TIMEOUT) -> str | None:
    """None when a bootstrap server accepts a connection with ``settings`` (TLS and SASL
    included); otherwise why none does (the first server's reason)."""
    options = client_options(settings)
    problems = []
    for host, port in bootstrap_servers(settings):
        try:
            conn = await asyncio.wait_for(
                create_conn(
                    host,
                    port,
                    request_timeout_ms=int(timeout * 1000),
                    ssl_context=options.get("ssl_context"),
                    security_protocol=settings.kafka_security_protocol,
                    sasl_mechanism=options.get("sasl_mechanism"),
                    sasl_plain_username=options.get("sasl_plain_username"),
                    sasl_plain_password=options.get("sasl_plain_password"),
                ),
                timeout,
            )
        except Exception as exc:  # every failure is explained, none is raised
            problems.append(_explain(settings, f"{host}:{port}", exc, timeout))
        else:
            conn.close()
            return None
    return problems[0] if problems else "no bootstrap server in STREAMS_BROKER"


def _explain(settings: Settings, where: str, exc: BaseException, timeout: float) -> str:
    protocol = settings.kafka_security_protocol
    mechanism = settings.kafka_sasl_mechanism or "PLAIN"
    mismatch = f"does STREAMS_KAFKA_SECURITY_PROTOCOL={protocol} match what this listener speaks?"
    if isinstance(exc, SaslAuthenticationFailed):
        detail = str(exc).split(": ", 1)[-1]
        return (
            f"Kafka at {where} rejected the credentials of user "
            f"{settings.kafka_username!r} (SASL {mechanism}): {detail}. "
            "Check STREAMS_KAFKA_USERNAME and STREAMS_KAFKA_PASSWORD."
        )
    if isinstance(exc, UnsupportedSaslMechanismError):
        return (
            f"Kafka at {where} does not accept SASL mechanism {mechanism} on this listener; "
            "check STREAMS_KAFKA_SASL_MECHANISM."
        )
    if isinstance(exc, IllegalSaslStateError):
        return f"Kafka at {where} does not expect SASL on this listener: {mismatch}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of {where} is not trusted ({exc.verify_message}); set "
            "STREAMS_KAFKA_CA_FILE to the certificate of the CA that signed it."
        )
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}): {mismatch}"
    if isinstance(exc, ConnectionResetError):
        return f"Kafka at {where} reset the connection: {mismatch}"
    if isinstance(exc, ConnectionRefusedError):
        return f"nothing accepts connections at {where}: is the broker running there?"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return f"Kafka at {where} did not answer within {timeout:.0f}s: {mismatch}"
    if isinstance(exc, OSError):
        return f"cannot connect to {where}: {exc.strerror or exc}"
    if isinstance(exc, KafkaError):
        return f"Kafka at {where} closed the connection ({type(exc).__name__}): {mismatch}"
    return f"cannot connect to {where}: {type(exc).__name__}: {exc}"
