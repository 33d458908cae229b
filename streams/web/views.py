"""The worker's HTTP views, registered on an app's web server by :func:`register`.

``/health`` (= ``/health/ready``), ``/health/live``, ``/stats`` (totals over all workers),
``/stats/local`` (this worker's copies, for the others), ``/tables``,
``/tables/{name}[?key=K]`` (a key is answered by the worker that holds its partition),
``/dashboard`` and its assets, and ``/metrics`` (see :mod:`.metrics`). Every route but
``/health*`` needs the bearer token when ``STREAMS_WEB_TOKEN`` is set (:mod:`.security`).
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from faust.web import Request, Response, View
from yarl import URL

from .. import monitor
from ..stages import stage_names
from . import cluster, security

if TYPE_CHECKING:
    from ..app import StreamsApp

logger = logging.getLogger(__name__)

STATIC = "static"  # the dashboard files: package data of streams.web
ASSETS = {
    "dashboard.js": "application/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}
PAGE = "text/html; charset=utf-8"


@cache
def _asset(name: str) -> bytes:
    return resources.files("streams.web").joinpath(STATIC, name).read_bytes()


def _app(view: View) -> StreamsApp:
    return cast("StreamsApp", view.app)


def known_tables() -> set[str]:
    """Every table a worker of this chain may hold (workers may run different stages)."""
    return {"trending", *(f"counters-{stage}" for stage in stage_names())}


def _error(view: View, status: int, message: str, **extra: object) -> Response:
    return view.json(
        {"error": message, "worker": cluster.own_url(_app(view)), **extra}, status=status
    )


def _readiness(view: View) -> Response:
    app = _app(view)
    state, assigned = cluster.readiness_now(app)
    return view.json(
        {
            "status": "ok" if state.ready else "unavailable",
            "reasons": state.reasons,
            "assigned": assigned,
            "agents": state.agents,
            "unassigned": state.unassigned,
            "worker": cluster.own_url(app),
        },
        status=200 if state.ready else 503,
    )


async def health(self: View, request: Request) -> Response:
    """Readiness (as ``/health/ready``): 200 when this worker can do its work, else 503."""
    return _readiness(self)


async def health_ready(self: View, request: Request) -> Response:
    """200 when every agent here runs and is subscribed, every partition of every input topic
    is assigned to some member, nothing rebalances and the tables are recovered; else 503 with
    the reasons."""
    return _readiness(self)


async def health_live(self: View, request: Request) -> Response:
    """200 while the process and its event loop work (this answer is the proof); 503 once the
    app has crashed. A restart is the cure for a failed liveness probe, not for readiness."""
    app = _app(self)
    crashed = bool(app.crashed)
    return self.json(
        {"status": "crashed" if crashed else "alive", "worker": cluster.own_url(app)},
        status=503 if crashed else 200,
    )


async def stats(self: View, request: Request) -> Response:
    """Totals over every partition, gathered from every worker."""
    return self.json(cluster.summary(_app(self), await cluster.gather(_app(self))))


async def stats_local(self: View, request: Request) -> Response:
    """This worker's copy of the monitoring tables, for the other workers' ``/stats``."""
    return self.json(cluster.local_report(_app(self)))


async def tables(self: View, request: Request) -> Response:
    gathered = await cluster.gather(_app(self))
    merged = gathered.merged()
    names = sorted(set(merged) | set(_app(self).wiring.tables))
    return self.json(
        {
            "tables": [
                {
                    "name": name,
                    "description": cluster.describe(name),
                    "keys": len(merged.get(name, {})),
                    "owners": cluster.owners(_app(self), name),
                }
                for name in names
            ],
            "workers": gathered.workers,
            "complete": gathered.complete,
        }
    )


async def table(self: View, request: Request, name: str) -> Response:
    """A whole table merged over all workers, or one key (``?key=K``) from its owner."""
    known = known_tables()
    if name not in known:
        return _error(self, 404, f"no table {name!r}", tables=sorted(known))
    key = request.query.get("key")
    if key is not None:
        return await _lookup(self, name, key, local=bool(request.query.get("local")))
    gathered = await cluster.gather(_app(self))
    items = gathered.merged().get(name, {})
    return self.json(
        {
            "name": name,
            "description": cluster.describe(name),
            "owners": cluster.owners(_app(self), name),
            "items": dict(sorted(items.items())),
            "workers": gathered.workers,
            "complete": gathered.complete,
        }
    )


async def _lookup(view: View, name: str, key: str, *, local: bool) -> Response:
    try:
        partition = monitor.key_partition(key)
    except ValueError as exc:
        return _error(view, 400, str(exc))
    app = _app(view)
    owner = cluster.owners(app, name).get(partition)
    if local or owner is None or owner == cluster.own_url(app):
        if owner is None and not local:
            return _error(view, 503, f"no worker holds partition {partition} of {name} yet")
        held = app.wiring.tables.get(name)
        value = held.get(key) if held is not None else None
        if value is None:
            return _error(view, 404, f"no key {key!r} in {name}", partition=partition)
        return view.json(
            {
                "table": name,
                "key": key,
                "partition": partition,
                "worker": cluster.own_url(app),
                "value": value,
            }
        )
    # `local=1` makes the owner answer from its own copy: no ping-pong mid-rebalance.
    url = (URL(owner) / "tables" / name).with_query({"key": key, "local": "1"})
    try:
        status, body = await cluster.fetch_json(app, str(url))
    except Exception as exc:
        return _error(view, 502, f"the owner {owner} did not answer: {exc!r}", owner=owner)
    return view.json(body, status=status)


def _static(view: View, name: str, content_type: str) -> Response:
    # The header rather than content_type=: aiohttp refuses a charset in that argument.
    return view.bytes(
        _asset(name), headers={"Content-Type": content_type, "Cache-Control": "no-cache"}
    )


async def dashboard(self: View, request: Request) -> Response:
    return _static(self, "dashboard.html", PAGE)


async def dashboard_asset(self: View, request: Request, asset: str) -> Response:
    content_type = ASSETS.get(asset)
    if content_type is None:
        return _error(self, 404, f"no asset {asset!r}")
    return _static(self, asset, content_type)


ROUTES = (
    ("/health", health),
    ("/health/ready", health_ready),
    ("/health/live", health_live),
    ("/stats", stats),
    (cluster.LOCAL_PATH, stats_local),
    ("/tables", tables),
    ("/tables/{name}", table),
    ("/dashboard", dashboard),
    ("/dashboard/{asset}", dashboard_asset),
)


def register(app: Any) -> None:
    """Serve the views above on ``app``'s web server (``/metrics``: streams.web.metrics),
    behind the token and with the security headers (:mod:`.security`)."""
    for path, handler in ROUTES:
        app.page(path)(handler)
    # Before the server starts: aiohttp freezes the application's middlewares then.
    security.install(app.web.web_app, app.wiring.settings.token)
