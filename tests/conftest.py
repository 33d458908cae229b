"""Shared test helpers: paths to the samples and the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.inputs import iter_messages
from streams.raw_message import decode_raw
from streams.records import RawArticle

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "articles"
SEED_ARTICLE = REPO.parent / "shared" / "seed-article.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"seed article not found at {SEED_ARTICLE}")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def samples() -> list[RawArticle]:
    """The sample articles as the segment stage receives them."""
    return [
        decode_raw(message.value, message.key, max_bytes=1024 * 1024)
        for message in iter_messages([str(SAMPLES)])
    ]
