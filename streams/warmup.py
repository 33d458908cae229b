"""Before a worker consumes: one built-in article through its chain, then the heap frozen.

- The stages load their word lists, gazetteers and models on first use: the first article
  paid for it (about 2 s here), and so did /health's idea of a ready worker. The warm-up article
  (``nlp/data/warmup_article.txt``, an agency dispatch with a Hijri dateline) goes through the
  chain in process, as ``streams enrich`` runs it, with a throwaway duplicate index: nothing is
  sent, counted or remembered.
- Then ``gc.freeze()`` moves everything alive (the loaded data, Faust, the imports: ~190,000
  objects) out of the cyclic collector's reach, and a larger first-generation threshold keeps
  the per-event objects that wait in Faust's stream buffers from being promoted. Full
  collections of that heap took 170 ms (2 in 3,000 articles) and stalled every message in
  flight; a worker measured after this did none in the same run, though what grows after
  start-up (tables, caches) still makes a few (README: Performance, round 3 second pass).
"""

from __future__ import annotations

import gc
import logging
import time
from importlib.resources import files

from .hop import Incoming, in_process, through_chain
from .nlp.fingerprint import DuplicateIndex
from .pipeline import Resources
from .settings import Settings

logger = logging.getLogger(__name__)

# Objects allocated (net) between young-generation collections; CPython's default is 700.
GC_YOUNG_THRESHOLD = 50_000


def warmup_article() -> bytes:
    return (files("streams.nlp.data") / "warmup_article.txt").read_bytes()


async def warm_up(settings: Settings, resources: Resources) -> bool:
    """Run the warm-up article through the chain; True when it came out enriched."""
    kept = resources.duplicates
    resources.duplicates = DuplicateIndex(bands={}, signatures={})
    started = time.monotonic()
    try:
        outcome = await through_chain(
            in_process(settings, resources),
            Incoming(
                topic=settings.topic_raw,
                partition=0,
                offset=0,
                key=b"warm-up",
                value=warmup_article(),
                headers=(),
                timestamp_ms=time.time_ns() // 1_000_000,
            ),
        )
    finally:
        resources.duplicates = kept
    enriched = outcome is not None and outcome.error is None
    logger.info("warm-up article through the chain in %.1fs", time.monotonic() - started)
    if not enriched:
        logger.warning("the warm-up article did not come out enriched: %s", outcome)
    return enriched


def freeze_heap() -> None:
    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, gen1, gen2)


async def prepare_process(settings: Settings, resources: Resources) -> None:
    await warm_up(settings, resources)
    freeze_heap()
    logger.info("%d objects frozen out of the garbage collector", gc.get_freeze_count())
