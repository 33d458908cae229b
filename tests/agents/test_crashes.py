"""An agent that crashes is counted, and readiness names it (Faust's test context, no broker)."""

from __future__ import annotations

from unittest.mock import patch

import pytest

from streams.app import StreamsApp
from streams.hop import Hop
from streams.web.readiness import AgentFacts, assess


async def test_a_crash_outside_the_hop_error_handling_is_recorded(app: StreamsApp) -> None:
    boom = RuntimeError("an exception no stage handled")
    with patch.object(Hop, "handle", side_effect=boom):
        async with app.wiring.agents["enrich"].test_context() as agent:
            with pytest.raises(RuntimeError):
                await agent.put(b"{}", key=b"k")
    crash = app.wiring.crashes.of("enrich")
    assert crash.count == 1
    assert crash.last_error == "RuntimeError: an exception no stage handled"
    assert app.wiring.crashes.of("segment").count == 0
    # What /health then says about it, while the supervisor restarts the agent.
    facts = AgentFacts("enrich", ["articles.segmented"], "running", True, [0], crash)
    state = assess(
        [facts],
        {"articles.segmented": 1},
        {"articles.segmented": {0}},
        rebalancing=False,
        recovered=True,
        now=(crash.last_at or 0) + 1,
    )
    assert not state.ready
    assert state.reasons[0].startswith("agent enrich: restarting, crashed 1 time(s)")
