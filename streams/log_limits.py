"""Rate-limited logs for the Kafka clients' retry loops.

While the broker is down, aiokafka's clients (the consumer, the producers, the metadata
fetcher) and Faust retry without pause, each attempt logging the same error ("Unable connect
to node with id 1", "Unable to update metadata", "Heartbeat failed"...): tens of thousands of
lines in half a minute that bury everything else. :class:`RepeatedRecordFilter` lets the first
record of each kind through (a state change: something new happened), drops its repetitions,
and every ``period`` seconds while they go on lets one through with how many were dropped.
A kind is the logger and the message template with its digits masked, so "node 1" and
"node 2" are one kind, and a kind quiet for ``period`` seconds counts as new again.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

SUMMARY_PERIOD_SECONDS = 5.0
# Our own loggers say what the pipeline does (one line per dead letter, per rebalance...): only
# the third-party clients' are limited.
OWN_LOGGERS = ("streams",)
_DIGITS = re.compile(r"\d+")
_MAX_KINDS = 1000


@dataclass
class _Burst:
    last: float  # when the kind was last seen
    summarised: float  # when a record of it last went through
    dropped: int = 0


class RepeatedRecordFilter(logging.Filter):
    """Passes the first record of a kind, then one summary per ``period`` while it repeats."""

    def __init__(
        self,
        period: float = SUMMARY_PERIOD_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        exempt: tuple[str, ...] = OWN_LOGGERS,
    ) -> None:
        super().__init__()
        self.period = period
        self.clock = clock
        self.exempt = exempt
        self._bursts: dict[tuple[str, str], _Burst] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(self.exempt):
            return True
        now = self.clock()
        kind = (record.name, _DIGITS.sub("#", str(record.msg)))
        burst = self._bursts.get(kind)
        if burst is None or now - burst.last > self.period:
            self._forget_quiet(now)
            self._bursts[kind] = _Burst(last=now, summarised=now)
            return True
        burst.last = now
        if now - burst.summarised < self.period:
            burst.dropped += 1
            return False
        record.msg = f"{record.msg} [and {burst.dropped} more like it in the last "
        record.msg += f"{now - burst.summarised:.0f} s]"
        burst.dropped = 0
        burst.summarised = now
        return True

    def _forget_quiet(self, now: float) -> None:
        if len(self._bursts) < _MAX_KINDS:
            return
        self._bursts = {
            kind: burst for kind, burst in self._bursts.items() if now - burst.last <= self.period
        }


def install(root: logging.Logger | None = None) -> RepeatedRecordFilter:
    """Add one shared filter to every handler of ``root`` (default: the root logger), where
    the records of every logger end up; called once logging is configured."""
    root = root or logging.getLogger()
    for handler in root.handlers:
        for existing in handler.filters:
            if isinstance(existing, RepeatedRecordFilter):
                return existing
    limiter = RepeatedRecordFilter()
    for handler in root.handlers:
        handler.addFilter(limiter)
    return limiter
