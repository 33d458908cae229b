"""Where a worker's time goes: a pyinstrument session summed by component.

``streams bench stream --profile-dir D`` runs each worker under pyinstrument; this reads the
sessions it wrote and sums the samples' self time by the component whose code was running
(our stage functions, schema validation, Faust, aiokafka, asyncio, idle waiting, ...), which is
what the README's before/after tables report. ``python -m streams.bench.profile FILE...``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# (component, substrings of the frame's file path or function), first match wins.
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("idle (waiting for I/O)", ("epoll.poll", "select.select")),
    ("stage functions (streams.nlp, pipeline)", ("streams/nlp/", "streams/pipeline.py")),
    ("their libraries (langdetect, camel_tools, numpy)", ("langdetect/", "camel_tools/", "numpy/")),
    (
        "schema validation (fastjsonschema)",
        (
            "fastjsonschema",
            "<string>",
            "streams/codec.py",
            "streams/raw_message.py",
            "streams/record_schemas.py",
        ),
    ),
    ("monitoring counters (streams.tally, monitor)", ("streams/tally.py", "streams/monitor.py")),
    ("Prometheus sensors", ("prometheus_client/", "faust/sensors/")),
    ("Faust tables", ("faust/tables/", "faust/stores/")),
    ("Faust (streams, agents, topics, producer buffer)", ("faust/", "mode/")),
    ("aiokafka (protocol, sender, fetcher)", ("aiokafka/",)),
    ("asyncio event loop", ("asyncio/", "selectors.py")),
    ("agents (streams.agents)", ("streams/agents.py",)),
    ("start-up (imports)", ("<frozen importlib", "importlib/")),
)


def component(file_path: str, function: str) -> str:
    for name, needles in COMPONENTS:
        if any(n in file_path or n in function for n in needles):
            return name
    return "other"


def breakdown(session_file: Path) -> dict[str, Any]:
    """Self time (s) per component, the session's duration and CPU time."""
    from pyinstrument.session import Session

    session = Session.load(str(session_file))
    totals: dict[str, float] = {}
    root = session.root_frame()
    stack = [root] if root is not None else []
    while stack:
        frame = stack.pop()
        if frame.children:
            stack.extend(frame.children)
            continue
        # Self time is a leaf ("[self]" under the function that ran). A built-in's time goes to
        # the code that called it, unless it is the event loop waiting for I/O.
        owner = frame.parent if frame.function == "[self]" and frame.parent else frame
        while (
            owner.file_path in (None, "<built-in>")
            and owner.function not in ("epoll.poll", "select.select")
            and owner.parent is not None
        ):
            owner = owner.parent
        name = component(owner.file_path or "", owner.function or "")
        totals[name] = totals.get(name, 0.0) + frame.time
    return {
        "duration_s": session.duration,
        "cpu_s": session.cpu_time,
        "components_s": dict(sorted(totals.items(), key=lambda item: -item[1])),
    }


def table(files: Iterable[Path]) -> str:
    lines = []
    for path in files:
        result = breakdown(path)
        busy = result["duration_s"] - result["components_s"].get("idle (waiting for I/O)", 0.0)
        lines.append(
            f"{path.name}: {result['duration_s']:.1f} s recorded, CPU {result['cpu_s']:.1f} s"
        )
        for name, seconds in result["components_s"].items():
            share = "" if name.startswith("idle") else f"{100 * seconds / busy:5.1f}% of busy"
            lines.append(f"  {seconds:8.2f} s  {share:>14}  {name}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: python -m streams.bench.profile SESSION.pyisession...\n")
        return 2
    sys.stdout.write(table(Path(a) for a in argv) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
