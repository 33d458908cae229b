"""The keyword stemmer choice, measured on the wire gold corpus's Arabic articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.evaluation.keywords import compare

WIRE = Path(__file__).parents[2] / "samples" / "wire"


def test_the_stemmer_used_cuts_prefixes_without_cutting_words() -> None:
    if not any(WIRE.glob("gold*.jsonl")):
        pytest.skip("no wire gold corpus")
    results = compare(WIRE)
    _, surface_prefixed, _ = results["surface forms"]
    _, _, default_broken = results["tashaphyne light_stem (default affixes)"]
    total, prefixed, broken = results["tashaphyne, article and clitics only (used)"]
    assert total >= 500
    assert prefixed < 0.05 < surface_prefixed
    assert broken == 0.0 < default_broken
