"""``streams tables``: the workers' monitoring tables in the terminal, read over HTTP.

Without a name: the cluster totals of ``/stats`` (per-stage counts, agents, dead letters,
latency, trending terms). With a name: that table merged over all workers; with ``--key``: one
key, answered by the worker that holds its partition. ``--json`` prints the document as the
worker sent it (one line per refresh with ``--watch``).
"""

from __future__ import annotations

import logging
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.pretty import Pretty
from rich.table import Table
from rich.text import Text

from .security import auth_headers

logger = logging.getLogger(__name__)

TIMEOUT = 10.0


class NoWorker(Exception):
    """Nothing answers at the URL."""


class TablesError(Exception):
    """A worker answered with an error (unknown table, missing key...)."""


def endpoint(base: str, name: str | None, key: str | None) -> str:
    base = base.rstrip("/")
    if name is None:
        return f"{base}/stats"
    path = f"{base}/tables/{urllib.parse.quote(name, safe='')}"
    return f"{path}?{urllib.parse.urlencode({'key': key})}" if key is not None else path


def fetch(url: str, timeout: float = TIMEOUT, token: str | None = None) -> Any:
    """The JSON document at ``url``; NoWorker when nothing answers, TablesError on an error.
    ``token``: the workers' STREAMS_WEB_TOKEN, when they have one."""
    request = urllib.request.Request(url, headers=auth_headers(token))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = orjson.loads(exc.read()).get("error")
        except Exception:
            detail = None
        raise TablesError(f"HTTP {exc.code} from {url}: {detail or exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        origin = urllib.parse.urlsplit(url)
        raise NoWorker(
            f"no worker answers at {origin.scheme}://{origin.netloc} ({reason}); is "
            "`streams worker` running? Point --url at one (default port: $STREAMS_WEB_PORT)."
        ) from None


def _n(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _stage_table(stages: Mapping[str, Mapping[str, int]]) -> Table:
    table = Table(title="stages (articles)", title_justify="left")
    table.add_column("stage")
    for column in ("processed", "ok", "skipped", "failed"):
        table.add_column(column, justify="right")
    for name, counts in stages.items():
        failed = counts.get("failed", 0)
        table.add_row(
            name,
            _n(counts.get("processed", 0)),
            _n(counts.get("ok", 0)),
            _n(counts.get("skipped", 0)),
            Text(_n(failed), style="red" if failed else ""),
        )
    return table


def _agent_table(agents: Mapping[str, Mapping[str, int]]) -> Table:
    table = Table(title="agents (events)", title_justify="left")
    table.add_column("agent")
    for column in ("processed", "forwarded", "dead letters"):
        table.add_column(column, justify="right")
    for name, counts in agents.items():
        dead = counts.get("deadletter", 0)
        table.add_row(
            name,
            _n(counts.get("processed", 0)),
            _n(counts.get("forwarded", 0)),
            Text(_n(dead), style="yellow" if dead else ""),
        )
    return table


def _facts(stats: Mapping[str, Any]) -> Table:
    latency = stats.get("latency_ms", {})
    dead = stats.get("deadletter", {})
    workers = stats.get("workers", [])
    answering = sum(1 for worker in workers if worker.get("ok"))
    table = Table(title="pipeline", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("enriched", _n(stats.get("enriched")))
    table.add_row("duplicates", _n(stats.get("duplicates")))
    table.add_row("dead letters", _n(dead.get("total")))
    for reason, count in dead.get("by_reason", {}).items():
        table.add_row(f"  {reason}", _n(count))
    for q in ("p50", "p90", "p99", "max"):
        table.add_row(f"latency {q} (ms)", _n(latency.get(q)))
    table.add_row("workers answering", f"{answering}/{len(workers)}")
    return table


def _terms(title: str, rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("term")
    table.add_column("articles", justify="right")
    for term, count in rows[:10]:
        table.add_row(str(term), _n(count))
    return table


def _utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


def overview(stats: Mapping[str, Any]) -> RenderableType:
    parts: list[RenderableType] = [
        Columns([_stage_table(stats.get("stages", {})), _agent_table(stats.get("agents", {})),
                 _facts(stats)]),
    ]
    windows = stats.get("trending", {}).get("windows", [])
    shown = next((w for w in windows if w.get("articles")), windows[0] if windows else None)
    if shown is not None:
        span = f"{_utc(shown['start'])}–{_utc(shown['end'])[-5:]} UTC"
        parts.append(
            Columns([
                _terms(f"trending entities {span}", shown.get("entities", [])),
                _terms("countries", shown.get("countries", [])),
                _terms("sources", [[k, v] for k, v in stats.get("sources", {}).items()]),
                *([_terms("dialects", [[k, v] for k, v in stats["dialects"].items()])]
                  if stats.get("dialects") else []),
            ])
        )
    incomplete = [w["url"] for w in stats.get("workers", []) if not w.get("ok")]
    note = f"not answering: {', '.join(incomplete)}" if incomplete else "all workers answered"
    parts.append(Text(f"{note} · {_utc(stats.get('time', time.time()))} UTC · "
                      "tables: streams tables NAME (counters-<agent>, trending)", style="dim"))
    return Group(*parts)


def _counter_row(key: str, value: Mapping[str, Any]) -> list[str]:
    dead = sum(value.get("deadletter", {}).values())
    return [key, _n(value.get("offset")), _n(value.get("events", 0)),
            _n(value.get("forwarded", 0)), _n(dead), _n(value.get("enriched")),
            _n(value.get("duplicates"))]


def table_view(document: Mapping[str, Any]) -> RenderableType:
    name = document.get("name", "?")
    items: Mapping[str, Mapping[str, Any]] = document.get("items", {})
    table = Table(title=f"{name}: {document.get('description', '')}", title_justify="left")
    if name == "trending":
        for column in ("key", "window (UTC)", "articles", "top entities", "top countries"):
            table.add_column(column)
        for key, value in items.items():
            start = key.rpartition("|")[0]
            table.add_row(
                key,
                _utc(int(start)) if start.isdigit() else "?",
                _n(value.get("articles", 0)),
                ", ".join(t for t, _ in sorted(value.get("entities", {}).items(),
                                              key=lambda i: -i[1])[:4]),
                " ".join(c for c, _ in sorted(value.get("countries", {}).items(),
                                             key=lambda i: -i[1])[:6]),
            )
    else:
        for column in ("key", "offset", "events", "forwarded", "dead letters", "enriched",
                       "duplicates"):
            table.add_column(column, justify="left" if column == "key" else "right")
        for key, value in items.items():
            table.add_row(*_counter_row(key, value))
    owners = document.get("owners", {})
    held = ", ".join(f"{p}→{url}" for p, url in owners.items()) or "no assignment yet"
    return Group(table, Text(f"partitions: {held}", style="dim"))


def key_view(document: Mapping[str, Any]) -> RenderableType:
    title = (f"{document.get('table')}[{document.get('key')}] · partition "
             f"{document.get('partition')} · from {document.get('worker')}")
    return Panel(Pretty(document.get("value"), expand_all=True), title=title, title_align="left")


def render(document: Mapping[str, Any], name: str | None, key: str | None) -> RenderableType:
    if name is None:
        return overview(document)
    return key_view(document) if key is not None else table_view(document)


def show(
    base: str,
    name: str | None,
    *,
    key: str | None = None,
    watch: bool = False,
    as_json: bool = False,
    interval: float = 2.0,
    console: Console | None = None,
    token: str | None = None,
) -> int:
    """Print (or keep refreshing) one view; returns the exit status."""
    console = console or Console()
    url = endpoint(base, name, key)
    if not watch:
        try:
            document = fetch(url, token=token)
        except (NoWorker, TablesError) as exc:
            Console(stderr=True).print(f"[red]error:[/red] {exc}")
            return 1
        if as_json:
            sys.stdout.write(orjson.dumps(document).decode() + "\n")
        else:
            console.print(render(document, name, key))
        return 0
    return _watch(url, name, key, as_json=as_json, interval=interval, console=console,
                  token=token)


def _watch(
    url: str, name: str | None, key: str | None, *, as_json: bool, interval: float,
    console: Console, token: str | None,
) -> int:
    from rich.live import Live

    try:
        if as_json:
            while True:
                try:
                    sys.stdout.write(orjson.dumps(fetch(url, token=token)).decode() + "\n")
                except (NoWorker, TablesError) as exc:
                    sys.stdout.write(orjson.dumps({"error": str(exc)}).decode() + "\n")
                sys.stdout.flush()
                time.sleep(interval)
        if not console.is_terminal:
            # Piped or logged: one view after another (Live would only print on exit).
            while True:
                console.print(_current(url, name, key, interval, token))
                console.rule(style="dim")
                time.sleep(interval)
        with Live(console=console, auto_refresh=False) as live:
            while True:
                live.update(_current(url, name, key, interval, token), refresh=True)
                time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def _current(
    url: str, name: str | None, key: str | None, interval: float, token: str | None
) -> RenderableType:
    try:
        return render(fetch(url, token=token), name, key)
    except (NoWorker, TablesError) as exc:
        return Text(f"{exc} (retrying every {interval:g}s)", style="red")
