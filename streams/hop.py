"""One hop, written once: decode -> stage -> validate/encode -> send, or a dead letter.

The Faust agents (:mod:`streams.agents`), ``streams enrich`` (in-process, no Kafka) and the
benchmark's plain aiokafka peer (:mod:`streams.bench.peer`) all run messages through
:class:`Hop`; each only supplies how a message is sent. Nothing here imports Faust.

Every per-message step is inside the error handling: reading the headers, the stage, the
encoding, the send, the counting callback (the monitoring tables) and the dead-letter send
itself. A dead letter that cannot be sent either is counted as ``dropped_unsendable`` with
its topic/partition/offset logged, and the hop goes on.

Time comes from the broker: the ``x-produced-at-ms`` header a producer of the raw topic sets
is used only within ``produced_at_window_seconds`` of the record's broker timestamp, otherwise
the broker timestamp is used and ``produced_at_rejected`` counts it. The checked time is what
the next hops carry on, so trending windows, latency and duplicate precedence never see an
unchecked header.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import codec
from .codec import BadMessage
from .pipeline import Resources, StageContext
from .records import StageRun
from .settings import Settings
from .stages import StageSpec, output_topic

logger = logging.getLogger(__name__)

PRODUCED_AT_HEADER = "x-produced-at-ms"
# Codes of this module's own dead letters (the others come from codec and the stages).
SEND_FAILED = "send_failed"
# Counters kept per process (streams.web.metrics and /stats show them).
DROPPED_UNSENDABLE = "dropped_unsendable"
PRODUCED_AT_REJECTED = "produced_at_rejected"
OBSERVER_FAILED = "observer_failed"


@dataclass(frozen=True)
class Incoming:
    """A consumed message, whichever client read it."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    # The broker's timestamp of the record, ms since the epoch.
    timestamp_ms: int

    @classmethod
    def from_faust(cls, event: Any) -> Incoming:
        message = event.message
        return cls(
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key if isinstance(message.key, bytes) else None,
            value=message.value if isinstance(message.value, bytes) else None,
            headers=_header_pairs(event.headers),
            timestamp_ms=int(message.timestamp * 1000),
        )

    @classmethod
    def from_aiokafka(cls, record: Any) -> Incoming:
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=_header_pairs(record.headers),
            timestamp_ms=int(record.timestamp),
        )


def _header_pairs(headers: Any) -> list[tuple[str, bytes]]:
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(name), bytes(value or b"")) for name, value in items]


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass
class Outcome:
    """What a hop did with one message."""

    stage: str
    incoming: Incoming
    # The output, or the dead letter when ``error`` is set.
    message: Outgoing
    produced_at_ms: int
    record: Any = None
    # The provenance entries this hop added.
    runs: list[StageRun] = field(default_factory=list)
    error: BadMessage | None = None
    final: bool = False
    delivered: bool = True


@dataclass
class HopStats:
    """Counters of events the tables cannot hold (nothing was counted for them there)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def as_dict(self) -> dict[str, int]:
        return {
            name: self.counts.get(name, 0) for name in (DROPPED_UNSENDABLE, PRODUCED_AT_REJECTED)
        }


def checked_produced_at(
    headers: Iterable[tuple[str, bytes]], broker_ms: int, window_ms: int | None
) -> tuple[int, bool]:
    """(time to use, whether the header was rejected); never raises.

    ``window_ms`` None: the header comes from our own hops and is trusted when it parses.
    """
    for name, value in headers:
        if name != PRODUCED_AT_HEADER:
            continue
        try:
            claimed = int(value.decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            return broker_ms, True
        if window_ms is not None and abs(claimed - broker_ms) > window_ms:
            return broker_ms, True
        return claimed, False
    return broker_ms, False


def _decode(spec: StageSpec, incoming: Incoming, settings: Settings) -> tuple[Any, int]:
    """The stage's input record and how many provenance entries it already has."""
    if spec.input_schema == "raw-article":
        # What a producer controls is bounded here: key, headers, value, every field.
        raw = codec.decode_raw(
            incoming.value,
            incoming.key,
            limits=codec.InputLimits.of(settings),
            headers=incoming.headers,
        )
        return raw, 0
    record = codec.decode_record(incoming.value, spec.input_schema)
    return record, len(record["provenance"]["stages"])


def dead_letter_key(key: bytes | None, settings: Settings) -> bytes | None:
    """The dead letter's Kafka key: the original, or its SHA-256 when it is too large to send."""
    if key is None or len(key) <= settings.max_key_bytes:
        return key
    return b"sha256:" + hashlib.sha256(key).hexdigest().encode()


@dataclass(frozen=True)
class Route:
    spec: StageSpec
    output: str
    final: bool
    # Messages on this stage's input come from producers we do not control.
    untrusted: bool


Send = Callable[[Outgoing], Awaitable[Any]]
Observer = Callable[[Outcome], None]


class Hop:
    """Runs one message of any stage of the chain; ``send`` puts a message on a topic.

    ``send`` may return the broker's acknowledgement as an awaitable (a future); a failed
    acknowledgement is counted too. ``observe`` is told every outcome (the monitoring tables).
    """

    def __init__(
        self,
        settings: Settings,
        resources: Resources,
        send: Send,
        *,
        stages: Sequence[StageSpec] | None = None,
        observe: Observer | None = None,
        stats: HopStats | None = None,
    ) -> None:
        self.settings = settings
        self.resources = resources
        self.send = send
        self.observe = observe
        self.stats = stats or HopStats()
        self.chain = tuple(stages) if stages is not None else resources.stages
        self.routes: dict[str, Route] = {}
        for position, spec in enumerate(self.chain):
            out = output_topic(settings, self.chain, spec.name)
            self.routes[spec.topic(settings)] = Route(
                spec, out, final=out == settings.topic_enriched, untrusted=position == 0
            )

    @property
    def topics(self) -> list[str]:
        """The input topic of every stage of the chain, in chain order."""
        return list(self.routes)

    def route(self, stage: str) -> Route:
        return next(r for r in self.routes.values() if r.spec.name == stage)

    def process(self, incoming: Incoming) -> Outcome:
        """Decode, run the stage, encode: the output to send, or the dead letter. No I/O."""
        route = self.routes[incoming.topic]
        window = self.settings.produced_at_window_seconds * 1000 if route.untrusted else None
        produced_at, rejected = checked_produced_at(incoming.headers, incoming.timestamp_ms, window)
        if rejected:
            self.stats.add(PRODUCED_AT_REJECTED)
        spec = route.spec
        try:
            record, earlier = _decode(spec, incoming, self.settings)
            context = StageContext(spec.name, seen_at_ms=produced_at)
            result = spec.run(record, self.resources, context)
            payload = codec.encode_output(spec.output_schema, result)
            key = result["id"].encode()
        except Exception as exc:
            return self.dead_letter(route, incoming, produced_at, codec.as_bad_message(exc))
        header = ((PRODUCED_AT_HEADER, str(produced_at).encode()),)
        return Outcome(
            stage=spec.name,
            incoming=incoming,
            message=Outgoing(route.output, key, payload, header),
            produced_at_ms=produced_at,
            record=result,
            runs=list(result["provenance"]["stages"][earlier:]),
            final=route.final,
        )

    def dead_letter(
        self, route: Route, incoming: Incoming, produced_at: int, error: BadMessage
    ) -> Outcome:
        letter = codec.dead_letter(
            value=incoming.value,
            key=incoming.key,
            topic=incoming.topic,
            partition=incoming.partition,
            offset=incoming.offset,
            stage=route.spec.name,
            error_type=error.code,
            reason=error.reason,
            value_budget=self.settings.dead_letter_value_budget,
        )
        logger.warning(
            "dead letter from %s at %s[%s]@%s: %s",
            route.spec.name,
            incoming.topic,
            incoming.partition,
            incoming.offset,
            error,
        )
        message = Outgoing(
            self.settings.topic_deadletter,
            dead_letter_key(incoming.key, self.settings),
            codec.dumps(letter),
        )
        return Outcome(route.spec.name, incoming, message, produced_at, error=error)

    async def handle(self, incoming: Incoming) -> Outcome | None:
        """Process and send one message; returns its outcome (None: not even a dead letter)."""
        try:
            outcome = self.process(incoming)
        except Exception:  # the dead letter itself could not be built
            logger.exception("no dead letter could be built for %s", _where(incoming))
            self._dropped(incoming)
            return None
        if outcome.error is None and not await self._send(outcome):
            route = self.routes[incoming.topic]
            error = BadMessage(SEND_FAILED, "the output could not be sent (see the worker's log)")
            outcome = self.dead_letter(route, incoming, outcome.produced_at_ms, error)
        if outcome.error is not None:
            outcome.delivered = await self._send(outcome)
            if not outcome.delivered:
                self._dropped(incoming)
        self._observe(outcome)
        return outcome

    async def _send(self, outcome: Outcome) -> bool:
        """Send the outcome's message; False when the send itself raised."""
        try:
            acknowledged = await self.send(outcome.message)
        except Exception:
            logger.exception(
                "could not send to %s the result of %s",
                outcome.message.topic,
                _where(outcome.incoming),
            )
            return False
        if isinstance(acknowledged, asyncio.Future):
            incoming = outcome.incoming

            def acknowledged_or_dropped(future: Any) -> None:
                if not future.cancelled() and future.exception() is not None:
                    logger.error(
                        "the broker refused the result of %s: %r",
                        _where(incoming),
                        future.exception(),
                    )
                    self._dropped(incoming)

            acknowledged.add_done_callback(acknowledged_or_dropped)
        return True

    def _dropped(self, incoming: Incoming) -> None:
        self.stats.add(DROPPED_UNSENDABLE)
        logger.error("dropped unsendable: %s", _where(incoming))

    def _observe(self, outcome: Outcome) -> None:
        if self.observe is None:
            return
        try:
            self.observe(outcome)
        except Exception:
            # The message is sent: a counting failure must not stop the agent or resend it.
            self.stats.add(OBSERVER_FAILED)
            logger.exception("could not count %s", _where(outcome.incoming))


def _where(incoming: Incoming) -> str:
    return f"{incoming.topic}[{incoming.partition}]@{incoming.offset}"


async def _kept(message: Outgoing) -> None:
    """In-process: nothing is sent; the outcome carries the message to the next hop."""


def in_process(settings: Settings, resources: Resources, **kwargs: Any) -> Hop:
    """A hop that sends nothing, for :func:`through_chain`."""
    return Hop(settings, resources, _kept, **kwargs)


async def through_chain(hop: Hop, incoming: Incoming) -> Outcome | None:
    """One message through every hop of the chain in this process, as the workers pass it on
    from topic to topic: the last outcome (the enriched record, or the dead letter)."""
    outcome = await hop.handle(incoming)
    while outcome is not None and outcome.error is None and not outcome.final:
        message = outcome.message
        outcome = await hop.handle(
            Incoming(
                topic=message.topic,
                partition=incoming.partition,
                offset=incoming.offset,
                key=message.key,
                value=message.value,
                headers=message.headers,
                timestamp_ms=incoming.timestamp_ms,
            )
        )
    return outcome
