"""In-process cost of every stage: the work a worker does per article, without Kafka.

One pass takes every article of the corpus through exactly what the agents run, hop by hop,
timing each step with ``perf_counter``: ``decode_raw``; ``segment`` (its ``segment.clitics``
sub-stage is read from provenance, where :func:`streams.pipeline.run_stage` measured it);
validate + orjson-encode the segmented record; decode + validate it as the next hop does;
``enrich`` (its stages' times from provenance); each CAMeL stage in the chain with its own
decode/encode; validate + encode the enriched record. A second kind of pass times the
functions inside ``segment`` one by one (clean, structure, language, normalise, sentences).

Each pass starts from fresh :class:`~streams.pipeline.Resources` (an empty duplicate index) in
a process that has already run the stages once, so lazy loading is reported apart as the cold
start. Run as ``python -m streams.bench.stages`` with a JSON spec on stdin, it prints one JSON
result: the parent runs one such process per CAMeL data setting (none, test fixture), because
camel_tools reads ``CAMELTOOLS_DATA`` once per process.
"""

from __future__ import annotations

import gc
import logging
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar

import orjson

from streams import codec, raw_message, record_schemas
from streams.bench.corpus import (
    SAMPLES_DIR,
    SEED_ARTICLE,
    Article,
    describe,
    generate,
    generate_seed_variants,
    load_pages,
    load_seed,
)
from streams.nlp.language import detect_language
from streams.nlp.sentences import split_sentences
from streams.nlp.structure import parse_structure
from streams.nlp.text import clean_text, normalize_text
from streams.pipeline import Resources, enrich, run_data_stage, segment

logger = logging.getLogger(__name__)

MAX_BYTES = 16 * 1024 * 1024
T = TypeVar("T")

# Steps of the worker chain, in order; provenance-timed stages are nested under their hop.
SEGMENT_STEPS = ("segment", "segment.clitics")
ENRICH_STEPS = ("dates", "countries", "entities", "keywords", "quotes", "duplicates")
BREAKDOWN_STEPS = (
    "clean_text",
    "parse_structure",
    "detect_language",
    "normalize_text",
    "split_sentences",
)


@dataclass
class Pass:
    """Seconds per step summed over one pass of the corpus."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    tokens: int = 0
    chars: int = 0
    articles: int = 0


def _timed(
    seconds: dict[str, float], name: str, step: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    started = perf_counter()
    result = step(*args, **kwargs)
    seconds[name] += perf_counter() - started
    return result


def _provenance(seconds: dict[str, float], record: Any, names: Sequence[str], skip: int) -> None:
    for run in record["provenance"]["stages"][skip:]:
        if run["name"] in names and run["status"] != "skipped":
            seconds[run["name"]] += run["ms"] / 1000


def chain_pass(articles: Sequence[Article], resources: Resources | None = None) -> Pass:
    """One pass of the worker chain over ``articles`` (with fresh resources unless given)."""
    resources = resources or Resources()
    out = Pass()
    s = out.seconds
    for seen_at, article in enumerate(articles):
        started = perf_counter()
        raw = _timed(
            s, "decode_raw", raw_message.decode_raw, article.value, article.key, max_bytes=MAX_BYTES
        )
        segmented: Any = _timed(s, "segment (hop)", segment, raw, resources)
        _provenance(s, segmented, SEGMENT_STEPS, 0)
        payload = _timed(s, "encode segmented", _encode, "segmented-article", segmented)
        segmented = _timed(s, "decode segmented", codec.decode_segmented, payload)
        before = len(segmented["provenance"]["stages"])
        record: Any = _timed(s, "enrich (hop)", enrich, segmented, resources, seen_at=seen_at)
        _provenance(s, record, ENRICH_STEPS, before)
        for stage in resources.chain:
            payload = _timed(s, "encode enriched", _encode, "enriched-article", record)
            record = _timed(s, "decode enriched", codec.decode_enriched, payload)
            before = len(record["provenance"]["stages"])
            record = _timed(s, f"{stage} (hop)", run_data_stage, stage, record, resources)
            _provenance(s, record, (stage,), before)
        _timed(s, "encode enriched", _encode, "enriched-article", record)
        s["worker chain"] += perf_counter() - started
        out.tokens += sum(len(sentence["tokens"]) for sentence in record["sentences"])
        out.chars += len(raw["text"])
        out.articles += 1
    return out


def _encode(schema: str, record: Any) -> bytes:
    record_schemas.validate(schema, record)
    return codec.dumps(record)


def breakdown_pass(articles: Sequence[Article]) -> Pass:
    """The functions inside ``segment``, each timed on its own, as ``segment`` calls them."""
    out = Pass()
    s = out.seconds
    for article in articles:
        raw = raw_message.decode_raw(article.value, article.key, max_bytes=MAX_BYTES)
        cleaned = _timed(s, "clean_text", clean_text, raw["text"])
        structure = _timed(s, "parse_structure", parse_structure, cleaned)
        title = structure["title"]
        clean = "\n".join(([title] if title else []) + structure["body"])
        _timed(s, "detect_language", detect_language, clean)
        _timed(s, "normalize_text", normalize_text, clean)
        sentences = _timed(s, "split_sentences", split_sentences, clean)
        out.tokens += sum(len(sentence["tokens"]) for sentence in sentences)
        out.chars += len(raw["text"])
        out.articles += 1
    return out


def summarise(passes: Sequence[Pass]) -> dict[str, Any]:
    """Per step: median seconds over the passes, as ms/article, articles/s and tokens/s."""
    if not passes:
        return {"steps": {}}
    first = passes[0]
    names = list(dict.fromkeys(name for p in passes for name in p.seconds))
    steps = {}
    for name in names:
        seconds = statistics.median(p.seconds.get(name, 0.0) for p in passes)
        steps[name] = {
            "seconds": seconds,
            "ms_per_article": 1000 * seconds / first.articles,
            "articles_per_s": first.articles / seconds if seconds else None,
            "tokens_per_s": first.tokens / seconds if seconds else None,
            "runs_seconds": [p.seconds.get(name, 0.0) for p in passes],
        }
    return {
        "articles": first.articles,
        "tokens": first.tokens,
        "chars": first.chars,
        "passes": len(passes),
        "steps": steps,
    }


def _cache_stats(resources: Resources) -> dict[str, Any] | None:
    for stage in ("morphology", "clitics"):
        try:
            return dict(resources.model(stage).cache_stats())
        except Exception:  # absent data: no cache to report
            continue
    return None


def reference(spec: dict[str, Any]) -> dict[str, Any]:
    """The worker chain over the slices a streamed benchmark sends, in the order it sends them.

    One :class:`Resources` for the warm-up and every slice, like one long-running worker, so
    the duplicate index grows across slices just as it does in the stream.
    """
    pages = load_pages(Path(spec.get("samples_dir") or SAMPLES_DIR))
    seed = int(spec.get("corpus_seed", 7))
    resources = Resources()
    warmup = spec["warmup"]
    chain_pass(generate(warmup[1], pages=pages, seed=seed, start=warmup[0]), resources)
    passes = [
        chain_pass(generate(n, pages=pages, seed=seed, start=start), resources)
        for start, n in spec["slices"]
    ]
    return {"chain": list(resources.chain), "worker_chain": summarise(passes)}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """The whole in-process benchmark of one process, as a JSON-able dict."""
    if "slices" in spec:
        return reference(spec)
    from streams.nlp.camel.data import data_dir, data_status

    pages = load_pages(Path(spec.get("samples_dir") or SAMPLES_DIR))
    articles = generate(int(spec["articles"]), pages=pages, seed=int(spec.get("corpus_seed", 7)))
    repeats = int(spec.get("repeats", 3))
    result: dict[str, Any] = {
        "camel_data": str(data_dir()),
        "camel_stages": {name: a.available for name, a in data_status().items()},
        "corpus": describe(articles),
    }

    # Cold start: the first article in a fresh process loads lazily what every stage needs.
    started = perf_counter()
    chain_pass(articles[:1])
    result["cold_start_ms"] = 1000 * (perf_counter() - started)
    chain_pass(articles[: len(pages)])  # warm the remaining lazy state on every sample shape
    probe = Resources()
    result["chain"] = list(probe.chain)
    cache_before = _cache_stats(probe)

    gc.collect()
    result["worker_chain"] = summarise([chain_pass(articles) for _ in range(repeats)])
    cache_after = _cache_stats(probe)
    if cache_before is not None and cache_after is not None:
        hits = cache_after["hits"] - cache_before["hits"]
        misses = cache_after["misses"] - cache_before["misses"]
        result["morphology_cache"] = {
            **cache_after,
            "passes_hits": hits,
            "passes_misses": misses,
            "passes_hit_rate": hits / (hits + misses) if hits + misses else 0.0,
        }
    if spec.get("breakdown", True):
        result["segment_breakdown"] = summarise([breakdown_pass(articles) for _ in range(repeats)])
    seed_n = int(spec.get("seed_articles", 0))
    seed_page = load_seed(Path(spec.get("seed_path") or SEED_ARTICLE)) if seed_n else None
    if seed_page is not None:
        seeds = generate_seed_variants(seed_n, seed_page)
        result["seed_corpus"] = describe(seeds)
        result["seed_chain"] = summarise([chain_pass(seeds) for _ in range(repeats)])
    elif seed_n:
        result["seed_chain"] = None
        result["seed_missing"] = str(spec.get("seed_path") or SEED_ARTICLE)
    return result


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    spec = orjson.loads(sys.stdin.buffer.read() or b"{}")
    result = run(spec)
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
