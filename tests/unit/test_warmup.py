"""A worker's warm-up: the built-in article goes through the chain and leaves no trace."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from streams import warmup
from streams.nlp.fingerprint import DuplicateIndex
from streams.pipeline import Resources
from streams.settings import from_env


async def test_the_warmup_article_comes_out_enriched_and_is_not_remembered() -> None:
    index = DuplicateIndex(bands={}, signatures={})
    resources = Resources(chain=(), duplicates=index)
    assert await warmup.warm_up(from_env({}), resources)
    assert resources.duplicates is index
    assert index.signatures == {} and index.bands == {}


def test_the_warmup_article_is_package_data_in_arabic() -> None:
    text = warmup.warmup_article().decode("utf-8")
    assert len(text) > 500 and sum("\u0600" <= c <= "\u06ff" for c in text) > 300


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_freezing_moves_the_heap_out_of_the_collector(restored_gc: None) -> None:
    warmup.freeze_heap()
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold()[0] == warmup.GC_YOUNG_THRESHOLD
