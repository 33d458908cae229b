"""`streams tables` without a broker: rendering a /stats document, and no worker answering."""

from __future__ import annotations

import socket

from click.testing import CliRunner
from rich.console import Console

from streams import monitor
from streams.cli import main
from streams.web import terminal


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stats() -> dict:
    counters = {}
    value = None
    for offset in range(7):
        value = monitor.count_hop(
            value,
            offset=offset,
            runs=[{"name": "dates", "status": "ok"}],
            now=100.0,
            delivery=monitor.Delivery(latency_ms=300.0, source="واس"),
        )
    counters["enrich|0"] = value
    stats = monitor.summarize_counters(counters, now=100.0, order=("segment", "enrich"))
    stats["trending"] = monitor.summarize_trending(
        {"0|0": {"offset": 6, "articles": 7, "entities": {"الرياض": 7}, "countries": {"SA": 7}}},
        now=100.0,
        size=3600,
    )
    stats["workers"] = [{"url": "http://127.0.0.1:1", "ok": True}]
    stats["time"] = 100.0
    return stats


def test_the_overview_shows_the_totals() -> None:
    console = Console(record=True, width=160)
    console.print(terminal.render(_stats(), None, None))
    text = console.export_text()
    assert "dates" in text and "enrich" in text
    assert "الرياض" in text and "SA" in text and "واس" in text
    assert "1/1" in text


def test_a_table_and_a_key_render() -> None:
    console = Console(record=True, width=160)
    value = monitor.count_hop(None, offset=3, runs=[], now=1.0)
    console.print(
        terminal.render(
            {
                "name": "counters-segment",
                "description": "d",
                "items": {"segment|2": value},
                "owners": {"2": "http://w"},
            },
            "counters-segment",
            None,
        )
    )
    console.print(
        terminal.render(
            {
                "table": "counters-segment",
                "key": "segment|2",
                "partition": 2,
                "worker": "http://w",
                "value": value,
            },
            "counters-segment",
            "segment|2",
        )
    )
    text = console.export_text()
    assert "segment|2" in text and "2→http://w" in text and "'offset': 3" in text


def test_no_worker_gives_a_clear_message_and_status_1() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = CliRunner().invoke(main, ["tables", "--url", url])
    assert result.exit_code == 1
    assert "no worker answers at " + url in " ".join(result.output.split())


def test_json_of_a_worker_that_is_not_there_is_an_error_too() -> None:
    result = CliRunner().invoke(
        main, ["tables", "--json", "--url", f"http://127.0.0.1:{_closed_port()}"]
    )
    assert result.exit_code == 1
    assert result.stdout == "" and "no worker answers" in result.stderr


def test_key_needs_a_table_name() -> None:
    result = CliRunner().invoke(main, ["tables", "--key", "segment|0"])
    assert result.exit_code == 2
    assert "--key needs a table NAME" in result.output


def test_urls() -> None:
    assert terminal.endpoint("http://h:1/", None, None) == "http://h:1/stats"
    assert terminal.endpoint("http://h:1", "trending", None) == "http://h:1/tables/trending"
    assert (
        terminal.endpoint("http://h:1", "counters-segment", "segment|3")
        == "http://h:1/tables/counters-segment?key=segment%7C3"
    )


def test_a_worker_bound_to_all_interfaces_advertises_a_reachable_host() -> None:
    from streams.app import advertised_host

    assert advertised_host("127.0.0.1") == "127.0.0.1"
    assert advertised_host("0.0.0.0") not in ("0.0.0.0", "")
