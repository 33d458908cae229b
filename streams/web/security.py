"""What guards the monitoring web server: an optional bearer token and security headers.

With ``STREAMS_WEB_TOKEN`` set, every route but ``/health``, ``/health/live`` and
``/health/ready`` (probes carry no credentials) answers 401 without ``Authorization: Bearer
<token>``. The dashboard's page, script and stylesheet are the static files shipped in the
package and hold no data; the page asks for the token once, keeps it in the tab's
sessionStorage and sends it with every request for data, all of which need it.

Every response carries a Content-Security-Policy that allows no inline script and nothing from
elsewhere, ``X-Content-Type-Options: nosniff``, no framing, no referrer, and a ``Server``
header without versions. Faust's own routes: ``/`` answers a redirect to the dashboard (Faust
would say ``{"status": "OK"}`` whatever the state), the router views (``/router/...``) are
switched off in :mod:`streams.app`, like its table, graph, stats and performance views.

No Faust import here: aiohttp pieces, installed on Faust's aiohttp application by the views.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/health/live", "/health/ready"})
SERVER = "streams"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(web_host: str, token: str | None) -> str | None:
    """The warning a worker logs at start when its web server is reachable without a token."""
    if token or is_loopback(web_host):
        return None
    return (
        f"the monitoring web server listens on {web_host} without a token: anyone who reaches "
        "it can read /stats, /tables and /metrics; set STREAMS_WEB_TOKEN"
    )


def authorized(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    # compare_digest: the time taken does not tell how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def auth_headers(token: str | None) -> dict[str, str]:
    """Headers a client of a worker (another worker, ``streams tables``) sends."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def middleware(token: str | None) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/":
            raise web.HTTPFound("/dashboard")
        if (
            token
            and request.path not in OPEN_PATHS
            and not _asset(request.path)
            and not (authorized(request.headers.get("Authorization"), token))
        ):
            return web.json_response(
                {"error": "this worker needs a bearer token (STREAMS_WEB_TOKEN)"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="streams"'},
            )
        return await handler(request)

    return guard


def _asset(path: str) -> bool:
    """The dashboard's static shell: no data in it, and a browser cannot send a header to
    load it; the data it fetches needs the token."""
    return path in ("/dashboard", "/dashboard/dashboard.js", "/dashboard/dashboard.css")


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    response.headers["Server"] = SERVER


def install(application: web.Application, token: str | None) -> None:
    """Guard ``application`` (before the server starts: aiohttp freezes it then)."""
    application.middlewares.append(middleware(token))
    application.on_response_prepare.append(add_headers)
