"""The filter that keeps a broker outage from flooding the log."""

from __future__ import annotations

import logging

from streams.log_limits import RepeatedRecordFilter, install


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(message: str, *args: object, name: str = "aiokafka.client") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, args, None)


def test_a_retry_loop_logs_its_first_line_then_a_summary_every_period() -> None:
    clock = Clock()
    limiter = RepeatedRecordFilter(5.0, clock=clock)
    passed = []
    # 75,000 attempts over 30 s, alternating between two nodes: one kind of record.
    for attempt in range(75_000):
        clock.now = attempt * 30 / 75_000
        record = _record("Unable connect to node with id %s: %s", attempt % 2 + 1, "refused")
        if limiter.filter(record):
            passed.append(record.getMessage())
    assert 6 <= len(passed) <= 8, passed
    assert passed[0] == "Unable connect to node with id 1: refused"
    assert "more like it in the last 5 s" in passed[1]
    # Every dropped record is counted in a summary, but those of the last period (no summary
    # came after them yet).
    counted = sum(int(line.split("[and ")[1].split()[0]) for line in passed[1:]) + len(passed)
    assert 75_000 - 75_000 * 5 / 30 - 10 <= counted < 75_000


def test_a_new_kind_of_record_is_a_state_change_and_passes() -> None:
    clock = Clock()
    limiter = RepeatedRecordFilter(5.0, clock=clock)
    assert limiter.filter(_record("Unable to update metadata from %s", [1]))
    assert not limiter.filter(_record("Unable to update metadata from %s", [1]))
    assert limiter.filter(_record("Heartbeat failed: %r", "x", name="aiokafka.consumer"))
    # Quiet for longer than the period: the same kind is news again.
    clock.now = 6.0
    assert limiter.filter(_record("Unable to update metadata from %s", [1]))


def test_our_own_loggers_are_not_limited() -> None:
    limiter = RepeatedRecordFilter(5.0, clock=Clock())
    assert all(
        limiter.filter(_record("dead letter %s", i, name="streams.agents")) for i in range(5)
    )


def test_install_adds_one_shared_filter_to_every_handler() -> None:
    root = logging.Logger("test-root")
    handlers = [logging.StreamHandler(), logging.StreamHandler()]
    for handler in handlers:
        root.addHandler(handler)
    limiter = install(root)
    assert install(root) is limiter
    assert all(handler.filters == [limiter] for handler in handlers)
