"""Runs our CAMeL stages in a fresh process and prints what they returned as one JSON line.

camel_tools reads ``$CAMELTOOLS_DATA`` and its catalogue once, when ``camel_tools.data`` is
first imported, so each data directory needs a process of its own. The tests start this
script with ``CAMELTOOLS_DATA`` set, pass the input as JSON on stdin and make their assertions
on the JSON it prints. It only collects outputs; it asserts nothing itself.

Usage: python _driver.py SCENARIO < input.json
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from typing import Any


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def imports(_: dict[str, Any]) -> dict[str, Any]:
    """Which heavy modules importing our light modules (and data_status) pulls in."""
    import streams.nlp.camel
    import streams.nlp.camel.clitics
    import streams.nlp.camel.data
    import streams.nlp.camel.dialect
    import streams.nlp.camel.morphology
    import streams.nlp.camel.ner
    import streams.nlp.camel.sentiment

    status = streams.nlp.camel.data_status()
    heavy = ("torch", "transformers", "camel_tools.data", "camel_tools.morphology.database")
    return {
        "loaded": {name: name in sys.modules for name in heavy},
        "status": {stage: a.available for stage, a in status.items()},
    }


def _hostile_tokens(n: int, seed: int) -> list[str]:
    alphabet = (
        [chr(c) for c in range(0x0621, 0x064B)]  # letters
        + [chr(c) for c in range(0x064B, 0x0653)]  # diacritics
        + list("0123456789٠١٢٣.,،؛؟!«»-+_/ \t\u0640\u200b\u200f")
        + list("abcXYZ")
    )
    rng = random.Random(seed)
    tokens = [rng.choice(["", " ", "\u200b", "ـــ", "َُ", "+", "ال", "و", "x" * 300])]
    tokens += ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(n)]
    return tokens


def morphology(data: dict[str, Any]) -> dict[str, Any]:
    from streams.nlp.camel.clitics import CliticSegmenter
    from streams.nlp.camel.morphology import MorphologyAnalyzer

    schemes = data.get("schemes", ("d3tok", "atbtok"))
    segmenter, load_clitics = _timed(lambda: CliticSegmenter.load(schemes))
    analyzer, load_morph = _timed(MorphologyAnalyzer.load)
    words: list[str] = data["words"]
    segments = segmenter.segment(words)
    stats_segment = segmenter.cache_stats()
    first = analyzer.analyze(words)
    stats_first = analyzer.cache_stats()
    second = analyzer.analyze(words)
    stats_second = analyzer.cache_stats()
    hostile = _hostile_tokens(400, seed=7)
    hostile_segments = segmenter.segment(hostile)
    hostile_analyses = analyzer.analyze(hostile)
    return {
        "segments": segments,
        "analyses": first,
        "analyses_again": second,
        "stats_segment": stats_segment,
        "stats_first": stats_first,
        "stats_second": stats_second,
        "same_loader": CliticSegmenter.load(schemes) is segmenter,
        "hostile_sizes": {
            "tokens": len(hostile),
            **{s: len(v) for s, v in hostile_segments.items()},
            "analyses": len(hostile_analyses),
            "analysis_tokens_match": [a["token"] for a in hostile_analyses] == hostile,
        },
        "load_seconds": {"clitics": load_clitics, "morphology": load_morph},
    }


def unavailable(data: dict[str, Any]) -> dict[str, Any]:
    """The StageUnavailable reason (or the lack of one) of each loader."""
    from streams.nlp.camel.clitics import CliticSegmenter
    from streams.nlp.camel.data import StageUnavailable
    from streams.nlp.camel.dialect import DialectClassifier
    from streams.nlp.camel.morphology import MorphologyAnalyzer
    from streams.nlp.camel.ner import EntityRecognizer
    from streams.nlp.camel.sentiment import SentimentClassifier

    loaders: dict[str, Callable[[], object]] = {
        "clitics": lambda: CliticSegmenter.load(data.get("schemes", ("d3tok", "atbtok"))),
        "morphology": MorphologyAnalyzer.load,
        "ner": EntityRecognizer.load,
        "dialect": DialectClassifier.load,
        "sentiment": SentimentClassifier.load,
    }
    out: dict[str, Any] = {}
    for stage in data.get("stages", list(loaders)):
        try:
            loaders[stage]()
        except StageUnavailable as exc:
            out[stage] = {"stage": exc.stage, "reason": exc.reason}
        else:
            out[stage] = None
    return out


def ner(data: dict[str, Any]) -> dict[str, Any]:
    from streams.nlp.camel.ner import EntityRecognizer

    recognizer, load = _timed(EntityRecognizer.load)
    results = []
    labels = []
    timings = []
    for doc in data["documents"]:
        started = time.perf_counter()
        results.append(recognizer.recognize(doc["text"], doc["sentences"]))
        timings.append(time.perf_counter() - started)
        labels.append(recognizer.label_tokens([s["tokens"] for s in doc["sentences"]]))
    return {
        "entities": results,
        "labels": labels,
        "load_seconds": load,
        "seconds": timings,
        "same_loader": EntityRecognizer.load() is recognizer,
    }


def sentiment(data: dict[str, Any]) -> dict[str, Any]:
    from streams.nlp.camel.sentiment import SentimentClassifier

    classifier, load = _timed(SentimentClassifier.load)
    results, seconds = _timed(lambda: [classifier.classify(t) for t in data["texts"]])
    return {"results": results, "load_seconds": load, "seconds": seconds}


def dialect(data: dict[str, Any]) -> dict[str, Any]:
    from streams.nlp.camel.dialect import DialectClassifier

    classifier, load = _timed(DialectClassifier.load)
    results, seconds = _timed(lambda: [classifier.identify(t) for t in data["texts"]])
    return {"results": results, "load_seconds": load, "seconds": seconds}


SCENARIOS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "imports": imports,
    "morphology": morphology,
    "unavailable": unavailable,
    "ner": ner,
    "sentiment": sentiment,
    "dialect": dialect,
}


def main() -> int:
    scenario = SCENARIOS[sys.argv[1]]
    data = json.loads(sys.stdin.read() or "{}")
    result = scenario(data)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
