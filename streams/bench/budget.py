"""Where a worker's CPU goes, per article: a py-spy sample of one worker summed by component.

``py-spy record --format raw`` writes one line per distinct stack ("frame;frame;... count",
root first, each frame ``function (file:line)``). Each sample is charged to the component of
its deepest frame that matches a rule below (first rule wins for that frame), so a JSON call
made from a stage is JSON, and a stage called by Faust's stream is stage work. The shares of
the sampled (non-idle) time, times the worker's measured CPU per article, give the budget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

# (component, substrings of "function (file:line)"), first match wins for one frame.
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("idle (waiting in epoll)", ("EpollSelector.select (", "select (selectors.py")),
    ("start-up (imports)", ("<frozen importlib", "importlib/")),
    ("logging", ("/logging/",)),
    # fastjsonschema's generated validators are named after the schema's $id, in "<string>";
    # so are dataclasses' generated __init__ (not validation: charged to their caller).
    ("schema validation", ("fastjsonschema", "validate_http", "validate (", "validator (")),
    ("JSON decode/encode", ("streams/codec.py", "orjson", "/json/")),
    (
        "duplicate index (GlobalTable)",
        ("index_signature (", "DuplicateIndex.observe", "DuplicateIndex._index"),
    ),
    ("stage work", ("streams/nlp/", "streams/pipeline.py", "camel_tools/", "langdetect/")),
    ("monitoring tables and changelogs", ("streams/tally.py", "streams/monitor.py")),
    ("delivery.py bookkeeping", ("streams/delivery.py",)),
    (
        "sensors (Prometheus, Faust monitor)",
        ("prometheus_client/", "faust/sensors/", "streams/web/metrics.py"),
    ),
    ("Faust tables", ("faust/tables/", "faust/stores/")),
    (
        "producer buffering (Faust producer, aiokafka accumulator)",
        (
            "faust/transport/producer.py",
            "message_accumulator.py",
            "faust/topics.py",
            "faust/channels.py",
            "aiokafka/producer/producer.py",
            "aiokafka/record/",
        ),
    ),
    ("Kafka client (aiokafka protocol, sender, fetcher)", ("aiokafka/", "kafka/")),
    ("Faust stream/ack machinery", ("faust/", "mode/", "streams/agents.py", "streams/hop.py")),
    ("asyncio event loop", ("asyncio/", "selectors.py", "uvloop")),
)
IDLE = "idle (waiting in epoll)"


def frame_component(frame: str) -> str | None:
    for name, needles in RULES:
        if any(n in frame for n in needles):
            return name
    return None


def stack_component(frames: list[str]) -> str:
    for frame in reversed(frames):
        found = frame_component(frame)
        if found is not None:
            return found
    return "other"


def parse_raw(lines: Iterable[str]) -> Counter[str]:
    """Samples per component from py-spy's raw (collapsed) output."""
    out: Counter[str] = Counter()
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        out[stack_component(stack.split(";"))] += int(count)
    return out


def budget(raw_file: Path, cpu_ms_per_article: float) -> dict[str, float]:
    """ms of CPU per article by component: each one's share of the samples times the total."""
    samples = parse_raw(raw_file.read_text(errors="replace").splitlines())
    samples.pop(IDLE, None)  # not CPU: the thread was waiting in the kernel
    total = sum(samples.values())
    if not total:
        return {}
    return {name: cpu_ms_per_article * count / total for name, count in samples.most_common()}
