"""The structure stage on the wire-format gold corpus (samples/wire): the issue's targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.evaluation.gold import load_gold
from streams.evaluation.structure import format_table, score_structure

WIRE = Path(__file__).parents[2] / "samples" / "wire"


@pytest.mark.skipif(not any(WIRE.glob("gold*.jsonl")), reason="no wire gold corpus")
@pytest.mark.xfail(
    strict=True,
    reason="not yet met: published_at 0.93, agency 0.89, 3 articles short of body paragraphs",
)
def test_structure_targets_on_wire_gold() -> None:
    score = score_structure(load_gold(WIRE))
    table = format_table(score)
    assert score.articles >= 60, table
    # Targets of the issue: published_at, agency and title >= 95%, no paragraph lost.
    for name in ("published_at", "agency", "title"):
        assert score.accuracy(name) >= 0.95, table
    assert not score.lost_paragraphs, table
