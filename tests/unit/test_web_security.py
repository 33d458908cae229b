"""The web guard on a real aiohttp server (the same middleware the workers install)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from streams.settings import Settings
from streams.web.security import (
    SECURITY_HEADERS,
    authorized,
    exposure_warning,
    install,
    is_loopback,
)

TOKEN = "a-long-random-token"


async def _ok(request: web.Request) -> web.Response:
    return web.json_response({"path": request.path})


def _application(token: str | None) -> web.Application:
    application = web.Application()
    for path in (
        "/health",
        "/health/live",
        "/health/ready",
        "/stats",
        "/metrics",
        "/dashboard",
        "/dashboard/dashboard.js",
        "/tables/trending",
    ):
        application.router.add_get(path, _ok)
    install(application, token)
    return application


@pytest.fixture
async def guarded() -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(_application(TOKEN))) as client:
        yield client


async def test_health_routes_are_open_and_data_routes_need_the_token(
    guarded: TestClient,
) -> None:
    for path in ("/health", "/health/live", "/health/ready"):
        assert (await guarded.get(path)).status == 200
    for path in ("/stats", "/metrics", "/tables/trending"):
        response = await guarded.get(path)
        assert response.status == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert TOKEN not in await response.text()
        wrong = await guarded.get(path, headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        right = await guarded.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status == 200, path


async def test_dashboard_shell_loads_without_the_token(guarded: TestClient) -> None:
    # A browser cannot send a header to load a page: the shell (no data) loads, then asks.
    assert (await guarded.get("/dashboard")).status == 200
    assert (await guarded.get("/dashboard/dashboard.js")).status == 200


async def test_every_response_has_the_security_headers(guarded: TestClient) -> None:
    for path in ("/health", "/stats", "/no-such-route"):
        response = await guarded.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
        assert response.headers["Server"] == "streams"  # no versions
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


async def test_root_redirects_to_the_dashboard(guarded: TestClient) -> None:
    response = await guarded.get("/", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/dashboard"


async def test_without_a_token_everything_is_open() -> None:
    async with TestClient(TestServer(_application(None))) as client:
        assert (await client.get("/stats")).status == 200


def test_bearer_comparison() -> None:
    assert authorized(f"Bearer {TOKEN}", TOKEN)
    assert authorized(f"bearer {TOKEN}", TOKEN)
    assert not authorized(TOKEN, TOKEN)
    assert not authorized(f"Basic {TOKEN}", TOKEN)
    assert not authorized(None, TOKEN)
    assert not authorized("Bearer ", TOKEN)


def test_a_warning_when_reachable_from_outside_without_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", TOKEN) is None
    warning = exposure_warning("0.0.0.0", None)
    assert warning is not None and "STREAMS_WEB_TOKEN" in warning


def test_the_token_is_a_secret_in_settings_output() -> None:
    settings = Settings(web_token=TOKEN)
    assert TOKEN not in repr(settings)
    assert settings.redacted()["STREAMS_WEB_TOKEN"] == "********"
    assert Settings().redacted()["STREAMS_WEB_TOKEN"] is None
