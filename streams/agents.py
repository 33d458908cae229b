"""Thin Faust agents: each stage of the chain run here is one agent around the hop.

Which agents a worker runs comes from ``STREAMS_STAGES`` (``streams worker --stages``); the
stages, their input topics and their order come from the registry (:mod:`streams.stages`).
The work per message is :class:`streams.hop.Hop`: anything a stage cannot handle goes to the
dead-letter topic with a reason, and the agent moves on; the offset is committed as usual so
a bad message is not retried forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import faust
from faust.exceptions import NotReady

from .hop import Hop, Incoming, Outcome, Outgoing

if TYPE_CHECKING:
    from .app import StreamsApp, Wiring

logger = logging.getLogger(__name__)


def _sender(app: StreamsApp) -> Any:
    """Send straight to the producer, or to the transactions under exactly_once.

    Faust's ``Topic.send`` wraps each record in a FutureMessage, runs its serializers (ours are
    raw bytes), two sensor calls and a completion callback: 90-110 us of CPU per record here
    against 45-50 us for the producer's own ``send`` (20,000-record microbenchmark; two sends
    per article). What it would add beyond that does not apply to us: the topics are declared
    before the agents start (streams.topics) and ``stream_publish_on_commit`` is off.
    """

    async def send(message: Outgoing) -> Any:
        # Under exactly_once Faust routes a topic's sends through the consumer's transaction
        # manager (streams.delivery's, which holds each record for its source partition).
        producer = app.consumer.transactions if app.in_transaction else app.producer
        return await producer.send(
            message.topic, message.key, message.value, None, None, list(message.headers) or None
        )

    return send


def _observer(wiring: Wiring) -> Any:
    tally = wiring.tally
    if tally is None:
        raise RuntimeError("build_app creates the tally before the agents")

    def observe(outcome: Outcome) -> None:
        if outcome.error is not None:
            if outcome.delivered:
                tally.count_dead_letter(outcome.incoming, outcome.stage, outcome.error.code)
            return
        tally.count_hop(
            outcome.incoming,
            outcome.stage,
            outcome.record,
            outcome.runs,
            final=outcome.final,
            produced_at_ms=outcome.produced_at_ms,
        )

    return observe


def declare_agents(app: StreamsApp, wiring: Wiring) -> Hop:
    """One agent per stage of the chain this worker runs, and the topic declaration task."""
    hop = Hop(
        wiring.settings,
        wiring.resources,
        _sender(app),
        stages=wiring.chain,
        observe=_observer(wiring),
        stats=wiring.stats,
    )
    # One for all the agents: the worker is idle only when none of them has work.
    idle = SendWhenIdle(lambda: _send_now(app))
    for spec in wiring.chain:
        if spec.name in wiring.settings.stages:
            wiring.agents[spec.name] = _agent(app, spec.name, wiring.inputs[spec.name], hop, idle)

    @app.task
    async def declare_topics() -> None:
        """Create the topics this chain uses at worker start, including those only sent to."""
        await declare_all(app, wiring)

    return hop


def _send_now(app: StreamsApp) -> None:
    if not app.in_transaction:  # a transaction's batches go at its commit
        cast(Any, app.producer).send_now()


class SendWhenIdle:
    """Skips the producer's linger once this worker has gone idle.

    Faust hands an agent one message at a time (its fetch loop waits for each delivery), so an
    agent's input is empty after nearly every message even at full load: "the queue is empty"
    says nothing. Instead a check runs ``IDLE_AFTER_S`` after a message; if no agent of the
    worker has begun another since, the producer sends what is batched at once (saving up to
    ``STREAMS_PRODUCER_LINGER_MS`` per hop). While messages keep coming the batches fill for
    the linger: sending each record alone made a request per record and cost 10-15% of the
    throughput (A/B, one worker, 2,000 articles).
    """

    IDLE_AFTER_S = 0.002

    def __init__(self, send_now: Callable[[], None]) -> None:
        self._send_now = send_now
        self._begun = 0
        self._in_hand = 0
        self._check: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def begin(self) -> None:
        self._begun += 1
        self._in_hand += 1

    def done(self) -> None:
        self._in_hand -= 1
        # A check armed on another loop (an app restarted in tests) would never run.
        if self._check is None or self._loop is not asyncio.get_running_loop():
            self._arm()

    def _arm(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._check = self._loop.call_later(self.IDLE_AFTER_S, self._if_idle, self._begun)

    def _if_idle(self, begun: int) -> None:
        self._check = None
        if self._in_hand:
            return  # its done() arms the next check
        if self._begun == begun:
            self._send_now()
        else:
            self._arm()  # others began and ended meanwhile: look again


def _agent(app: StreamsApp, stage: str, topic: Any, hop: Hop, idle: SendWhenIdle) -> Any:
    crashes = app.wiring.crashes

    async def agent(stream: faust.StreamT[bytes]) -> None:
        try:
            async for event in stream.events():
                # Held while it is handled. Faust acknowledges the stream's current event
                # whenever the stream's iterator is closed, also by a stopping worker in the
                # middle of the send below; the shutdown commit then passed a message whose
                # output was never sent (1 id of 2,000 lost, tests/integration/test_faults.py,
                # SIGTERM). Released, the stream's own acknowledgement after this body is the
                # last one; still held (cancelled), the message is not committed and its next
                # owner processes it again.
                event.message.incref()
                idle.begin()
                try:
                    await hop.handle(Incoming.from_faust(event))
                except Exception:  # not CancelledError (a BaseException): that one stays held
                    event.message.decref()  # a crash acknowledges it, as Faust does
                    raise
                finally:
                    idle.done()
                event.message.decref()
        except Exception as error:
            # Faust's supervisor restarts the agent; counted, it keeps /health at 503 for a
            # while and shows on /metrics (streams.web.readiness).
            logger.error("agent %s crashed (Faust restarts it): %r", stage, error)
            crashes.record(stage, error)
            raise

    agent.__name__ = agent.__qualname__ = f"{stage}_agent"
    # concurrency=1: higher values can commit past an in-flight message (faust-streaming #606).
    return app.agent(topic, name=stage, concurrency=1)(agent)


async def declare_all(app: StreamsApp, wiring: Wiring) -> None:
    for topic in wiring.topics.values():
        try:
            await topic.maybe_declare()
        except NotReady:
            # Stopped (SIGTERM) while still starting: the producer is gone; a clean exit.
            if app.should_stop:
                logger.info("stopped before the topics were declared")
                return
            raise
