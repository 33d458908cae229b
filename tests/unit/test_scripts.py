"""The shell scripts a user runs first must not fail after doing their work.

Under ``set -o pipefail`` a reader that stops early (``head``, ``grep -q``/``-m``, ``sed q``)
kills the writer with SIGPIPE and the pipeline, hence the script, fails: ``make demo`` once
exited 2 this way after enriching every sample.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([*ROOT.glob("scripts/*.sh"), ROOT / ".ci" / "run"])
# A pipe into a command that may stop reading before the writer is done.
EARLY_READER = re.compile(r"\|\s*(head\b|grep\s+(-\w*[qm]|--quiet|--max-count)|sed\s+-n?\s*'?\d*q)")


def early_readers(text: str) -> list[str]:
    """Lines of a script under pipefail that pipe a writer into an early reader."""
    if "pipefail" not in text:
        return []
    return [
        line.strip()
        for line in text.splitlines()
        if EARLY_READER.search(line) and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_early_reader_after_a_pipe_under_pipefail(script: Path) -> None:
    assert early_readers(script.read_text(encoding="utf-8")) == []


def test_the_check_finds_the_pattern_that_broke_the_demo() -> None:
    broken = (
        "set -euo pipefail\n"
        'head -n 1 "$run/enriched.jsonl" | "$bin/python" -m json.tool | head -n 60\n'
        "curl -s URL | grep -q ok\n"
    )
    assert len(early_readers(broken)) == 2
    assert early_readers(broken.replace("pipefail", "")) == []
