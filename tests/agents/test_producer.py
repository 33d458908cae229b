"""The worker's producer writes durably under either guarantee."""

from __future__ import annotations

from streams.app import StreamsApp


def test_every_send_waits_for_all_replicas_and_is_idempotent(app: StreamsApp) -> None:
    producer = app.transport.Producer(app.transport)
    # Faust's own producer asks for these only inside a transaction (exactly_once).
    assert producer._settings_extra()["acks"] == "all"
    assert producer._settings_extra()["enable_idempotence"] is True
