"""Near-duplicate detection: MinHash over word shingles, LSH bands, and an index on mappings.

Two articles are the same story when their word 3-shingle sets are similar enough (Jaccard).
A 128-value MinHash signature estimates that similarity; 32 LSH bands of 4 rows make articles
meet in some band with probability ~0.9998 at a true similarity of 0.7 (0.99 at 0.6, 0.23 at
0.3, 0.003 at 0.1), and every band candidate is verified on the signatures, so a band collision
never decides alone.

The threshold (0.6, applied to the estimate): the same story re-published with a new dateline,
a few words changed and boilerplate removed keeps 0.75-0.95 of its shingles (the samples'
near-duplicate pair measures 0.81), while different stories, even on one topic with shared
names and stock phrases, stay under 0.1 (all other sample pairs: at most 0.03; two Japan-US
diplomacy stories: 0.004). The estimate's standard error at 128 hashes is ~0.04, so a cut at
0.7 would miss a real 0.75 pair one time in ten; 0.6 keeps true 0.7+ pairs at >99% and is still
far above anything unrelated. Texts under ``MIN_TOKENS`` tokens have too few shingles for an
estimate and are matched only exactly.

The index keeps its state in two plain ``MutableMapping`` objects with JSON values, so that a
Faust table can back it: ``signatures`` maps an article id to ``[seen_at, signature, exact]``,
the signature packed as base64 of its 128 big-endian 32-bit values (684 characters; a JSON list
of the numbers took twice that on the changelog and ~5 KB as Python ints in every worker's
memory), ``seen_at`` (ms; the produce time in the stream) ordering articles so the earliest
match wins;
``bands`` maps each band key, and ``"x:" + exact digest``, to the earliest article that had it.
The bands are derived from the signatures, so the stream keeps only the signatures in a Faust
global table (one changelog message per article instead of 34) and each worker rebuilds its
bands in memory from that table's changelog (:meth:`DuplicateIndex.observe`). No shared
counter: several workers write at once.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import logging
import random
import time
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = [
    "BANDS",
    "DEFAULT_THRESHOLD",
    "MIN_TOKENS",
    "NUM_HASHES",
    "ROWS",
    "SHINGLE",
    "DuplicateIndex",
    "Fingerprint",
    "estimated_jaccard",
    "fingerprint",
]

SHINGLE = 3
NUM_HASHES = 128
BANDS = 32
ROWS = NUM_HASHES // BANDS
MIN_TOKENS = 8
# On the estimate, not the true similarity: see the module docstring.
DEFAULT_THRESHOLD = 0.6
DAY_MS = 86_400_000
# An entry's time counts towards the window's end at most this far past the wall clock: one
# article claiming the year 3000 must not make every other entry look old.
_FUTURE_SLACK_MS = DAY_MS

# Universal hashing h -> (a*h + b) mod p over 32-bit shingle hashes: p is the largest prime
# below 2**32, so every product fits in 64 bits and the family stays pairwise independent.
_PRIME = 4_294_967_291
# A fixed seed: signatures must be identical across workers, restarts and versions.
_rng = random.Random(0x5EED_F1A6)
_PERMUTATIONS: tuple[tuple[int, int], ...] = tuple(
    (_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_HASHES)
)
# Column vectors so one broadcast computes every permutation of every shingle: numpy does in
# ~30 µs what a Python loop does in ~3 ms (a*h + b < 2**64, so uint64 never overflows).
_A = np.array([a for a, _ in _PERMUTATIONS], dtype=np.uint64).reshape(-1, 1)
_B = np.array([b for _, b in _PERMUTATIONS], dtype=np.uint64).reshape(-1, 1)
_TOKEN_SEP = "\x1f"  # cannot occur inside a token


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the stream stores per article to find its duplicates."""

    exact: str  # hex digest of the whole token stream
    signature: list[int] = field(default_factory=list)  # MinHash; empty when too short
    bands: list[str] = field(default_factory=list)  # "b{i}:{hex}" LSH keys

    def as_dict(self) -> dict[str, Any]:
        return {"exact": self.exact, "signature": list(self.signature), "bands": list(self.bands)}


def _shingle_hashes(tokens: Sequence[str]) -> np.ndarray:
    hashes = {
        hashlib.blake2b(
            _TOKEN_SEP.join(tokens[i : i + SHINGLE]).encode("utf-8"), digest_size=4
        ).digest()
        for i in range(len(tokens) - SHINGLE + 1)
    }
    return np.frombuffer(b"".join(hashes), dtype=">u4").astype(np.uint64)


def _band_key(index: int, rows: Sequence[int]) -> str:
    packed = b"".join(v.to_bytes(4, "big") for v in rows)
    return f"b{index}:{hashlib.blake2b(packed, digest_size=8).hexdigest()}"


def fingerprint(tokens: list[str]) -> Fingerprint:
    """Exact digest, MinHash signature and LSH band keys of normalised body tokens."""
    exact = hashlib.blake2b(_TOKEN_SEP.join(tokens).encode("utf-8"), digest_size=16).hexdigest()
    if len(tokens) < MIN_TOKENS:
        return Fingerprint(exact)
    hashes = _shingle_hashes(tokens)
    signature = [int(v) for v in ((_A * hashes + _B) % np.uint64(_PRIME)).min(axis=1)]
    return Fingerprint(exact, signature, band_keys(signature))


def estimated_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of equal MinHash positions: an unbiased estimate of the shingle Jaccard."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def pack_signature(signature: Sequence[int]) -> str:
    """A MinHash signature as stored: base64 of its big-endian 32-bit values ("" when empty)."""
    return base64.b64encode(np.asarray(signature, dtype=">u4").tobytes()).decode("ascii")


def unpack_signature(packed: str) -> list[int]:
    return [int(v) for v in np.frombuffer(base64.b64decode(packed), dtype=">u4")]


def _unpack(stored: Sequence[Any]) -> tuple[int, Sequence[int], str | None]:
    """``[seen_at, packed signature, exact]`` (signature "" for short texts) -> its parts.

    Earlier entries held the signature as numbers: ``[seen_at, *signature, exact]``, and before
    that had no exact digest: ``[seen_at, *signature]``.
    """
    exact = _exact_of(stored)
    if len(stored) == 3 and isinstance(stored[1], str):
        return int(stored[0]), unpack_signature(stored[1]), exact
    signature = stored[1 : len(stored) - (exact is not None)]
    return int(stored[0]), signature, exact


def _exact_of(stored: Sequence[Any]) -> str | None:
    """The exact-text digest of a stored entry, without unpacking its signature."""
    if len(stored) == 3 and isinstance(stored[1], str):
        return str(stored[2])
    return stored[-1] if len(stored) > 1 and isinstance(stored[-1], str) else None


def band_keys(signature: Sequence[int]) -> list[str]:
    """The LSH band keys of a MinHash signature (none for a short text's empty signature)."""
    if len(signature) != NUM_HASHES:
        return []
    return [_band_key(i, signature[i * ROWS : (i + 1) * ROWS]) for i in range(BANDS)]


class DuplicateIndex:
    """Finds the earliest earlier article of the same story.

    ``signatures`` is the state of record: one entry per article, ``[seen_at, signature,
    exact]``, so one write per article (in the stream: one changelog message of a global
    table). ``bands`` maps each band key and ``"x:" + exact`` to the earliest article that has
    it; it is derived from the signatures, and :meth:`observe` keeps it up to date with entries
    written elsewhere (another worker, an earlier run), so it may be a plain local dict.

    Bounded: entries older than ``window_ms`` before the newest one (event time, ``seen_at``)
    and, past ``max_entries``, the oldest, are deleted from ``signatures`` (in the stream: a
    tombstone on the table's changelog) with the band keys they own, on each
    :meth:`check_and_add`. An evicted article is no longer an original others can duplicate.
    """

    def __init__(
        self,
        bands: MutableMapping[str, str],
        signatures: MutableMapping[str, list[Any]],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        window_ms: int | None = None,
        max_entries: int | None = None,
    ) -> None:
        self.bands = bands
        self.signatures = signatures
        self.threshold = threshold
        self.window_ms = window_ms
        self.max_entries = max_entries
        self.evicted = 0
        self._newest = 0
        # (seen_at, id) of every entry indexed here, oldest first; stale pairs (an entry
        # evicted elsewhere or re-sent) are skipped when they come up.
        self._ages: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.signatures)

    def check_and_add(
        self, article_id: str, fp: Fingerprint, *, seen_at: int | None = None
    ) -> str | None:
        """The id of the earliest earlier duplicate of ``fp`` (or None), then record it.

        ``seen_at`` orders articles (ms since epoch; default now); a re-sent id keeps its first.
        """
        found = self._find(article_id, fp)
        stored = self.signatures.get(article_id)
        if stored:
            first_seen = int(stored[0])
        else:
            first_seen = seen_at if seen_at is not None else time.time_ns() // 1_000_000
        entry = [first_seen, pack_signature(fp.signature), fp.exact]
        self.signatures[article_id] = entry
        self._index(article_id, first_seen, [f"x:{fp.exact}", *fp.bands])
        if not stored:
            self._track(article_id, first_seen)
        self.evict()
        return found

    def observe(self, article_id: str, stored: Sequence[Any] | None) -> None:
        """Index an entry of ``signatures`` written elsewhere (e.g. read from a changelog);
        ``None`` (a tombstone) forgets the article."""
        if not stored:
            self.forget(article_id)
            return
        exact = _exact_of(stored)
        if exact is not None and self.bands.get(f"x:{exact}") == article_id:
            # Already indexed: our own write coming back, or a re-delivery. Checked before
            # the signature is unpacked: every worker reads all its own writes back from the
            # changelog (a py-spy dump at the end of a 2,000-article burst found it here).
            return
        seen_at, signature, exact = _unpack(stored)
        keys = [f"x:{exact}"] if exact is not None else []
        self._index(article_id, seen_at, keys + band_keys(signature))
        self._track(article_id, seen_at)

    def forget(self, article_id: str) -> None:
        """Drop the band keys ``article_id`` owns (its entry deleted, here or elsewhere)."""
        stored = self.signatures.get(article_id)
        if not stored:
            return
        _seen_at, signature, exact = _unpack(stored)
        keys = [f"x:{exact}"] if exact is not None else []
        for key in keys + band_keys(signature):
            if self.bands.get(key) == article_id:
                del self.bands[key]

    def evict(self) -> int:
        """Delete the entries out of the window or over the count; returns how many."""
        evicted = 0
        while self._ages:
            seen_at, article_id = self._ages[0]
            too_old = self.window_ms is not None and seen_at < self._newest - self.window_ms
            too_many = self.max_entries is not None and len(self.signatures) > self.max_entries
            if not (too_old or too_many):
                break
            heapq.heappop(self._ages)
            stored = self.signatures.get(article_id)
            if not stored or int(stored[0]) != seen_at:
                continue  # evicted elsewhere already, or a stale pair
            self.forget(article_id)
            del self.signatures[article_id]
            evicted += 1
        self.evicted += evicted
        return evicted

    def _track(self, article_id: str, seen_at: int) -> None:
        heapq.heappush(self._ages, (seen_at, article_id))
        ceiling = time.time_ns() // 1_000_000 + _FUTURE_SLACK_MS
        self._newest = max(self._newest, min(seen_at, ceiling))

    def _index(self, article_id: str, seen_at: int, keys: Sequence[str]) -> None:
        for key in keys:
            owner = self.bands.get(key)
            if owner is None or (owner != article_id and self._earlier(article_id, seen_at, owner)):
                self.bands[key] = article_id

    def _earlier(self, article_id: str, seen_at: int, owner: str) -> bool:
        held = self.signatures.get(owner)
        # Unknown owner (its entry not read yet): keep it; the first one indexed stays.
        return held is not None and (seen_at, article_id) < (int(held[0]), owner)

    def _find(self, article_id: str, fp: Fingerprint) -> str | None:
        exact_owner = self.bands.get(f"x:{fp.exact}")
        candidates = {self.bands.get(key) for key in fp.bands}
        best: tuple[int, str] | None = None
        for candidate in candidates | {exact_owner}:
            if candidate is None or candidate == article_id:
                continue
            stored = self.signatures.get(candidate)
            if not stored:
                continue
            seen_at, signature, _exact = _unpack(stored)
            # An identical token stream is a duplicate whatever its length or bands say.
            same = candidate == exact_owner or (
                len(signature) == NUM_HASHES
                and estimated_jaccard(signature, fp.signature) >= self.threshold
            )
            if same and (best is None or (seen_at, candidate) < best):
                best = (seen_at, candidate)
        return None if best is None else best[1]
