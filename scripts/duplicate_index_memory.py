"""Memory of the duplicate index over many distinct articles: a figure, not a test.

Feeds ``--articles`` distinct articles (fingerprints of varied synthetic texts, as the enrich
agent computes them) through a :class:`DuplicateIndex` bounded as a worker's is (window
``STREAMS_DUPLICATE_WINDOW_DAYS``, cap ``--max-entries``), with a dict standing in for the
global table, and prints the process's resident memory and the index's size every
``--every`` articles. Once the cap is reached, entries and memory stay flat.

    python scripts/duplicate_index_memory.py --articles 20000 --max-entries 5000
"""

from __future__ import annotations

import argparse
import gc
import random

import psutil

from streams.nlp.fingerprint import DAY_MS, DuplicateIndex, fingerprint

WORDS = [f"كلمة{i}" for i in range(5000)]
START_MS = 1_780_000_000_000


def _tokens(rng: random.Random, size: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--max-entries", type=int, default=200_000)
    parser.add_argument("--window-days", type=int, default=14)
    parser.add_argument("--every", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(15)
    table: dict[str, list[int | str]] = {}
    index = DuplicateIndex(
        {}, table, window_ms=args.window_days * DAY_MS, max_entries=args.max_entries
    )
    process = psutil.Process()
    gc.collect()
    baseline = process.memory_info().rss
    print(f"{'articles':>8} {'entries':>8} {'band keys':>9} {'RSS MB':>7} {'growth MB':>9}")
    for n in range(1, args.articles + 1):
        # A minute apart: 20,000 articles span two weeks, as a busy feed's would.
        index.check_and_add(
            f"article-{n}", fingerprint(_tokens(rng, 300)), seen_at=START_MS + n * 60_000
        )
        if n % args.every == 0:
            gc.collect()
            rss = process.memory_info().rss
            print(
                f"{n:>8} {len(index):>8} {len(index.bands):>9} {rss / 2**20:>7.1f} "
                f"{(rss - baseline) / 2**20:>9.1f}"
            )
    print(f"evicted {index.evicted}")


if __name__ == "__main__":
    main()
