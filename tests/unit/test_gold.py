"""The sample articles against their hand-written gold file, and the shared seed article.

Pages reach the parser through the cleaner, as in the pipeline, so the samples are cleaned
first; gold strings are cleaned the same way because they were copied from the raw files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from streams.nlp.structure import parse_structure
from streams.nlp.text import clean_text
from streams.records import Structure

logger = logging.getLogger(__name__)

ROOT = Path(__file__).parents[2]
ARTICLES = ROOT / "samples" / "articles"
GOLD_FILE = ROOT / "samples" / "gold.jsonl"
SEED = ROOT.parent / "shared" / "seed-article.txt"

GOLD: list[dict[str, Any]] = [
    json.loads(line) for line in GOLD_FILE.read_text(encoding="utf-8").splitlines() if line
]


def _clean(value: str | None) -> str | None:
    return None if value is None else clean_text(value)


def _cleans(values: list[str]) -> list[str]:
    return [clean_text(v) for v in values]


# field -> (what the parser produced, what the gold says), both in comparable form
FIELDS: dict[str, Callable[[Structure, dict[str, Any]], tuple[Any, Any]]] = {
    "title": lambda s, g: (s["title"], _clean(g["title"])),
    "published_at": lambda s, g: (s["published_at"], g["published_at"]),
    "source": lambda s, g: (s["source"], _clean(g["source"])),
    "tags": lambda s, g: (s["tags"], _cleans(g["tags"])),
    "related_titles": lambda s, g: (
        [r["title"] for r in s["related"]],
        [_clean(t) for t in g["related_titles"]],
    ),
    "related_body_paragraphs": lambda s, g: (
        [len(r["body"]) for r in s["related"]],
        g["related_body_paragraphs"],
    ),
    "boilerplate": lambda s, g: (s["boilerplate"], _cleans(g["boilerplate"])),
    "body_paragraphs": lambda s, g: (len(s["body"]), g["body_paragraphs"]),
}


def _parse_sample(name: str) -> Structure:
    return parse_structure(clean_text((ARTICLES / name).read_text(encoding="utf-8")))


def _mismatches(item: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    parsed = _parse_sample(item["file"])
    found = {name: field(parsed, item) for name, field in FIELDS.items()}
    return {name: pair for name, pair in found.items() if pair[0] != pair[1]}


def test_gold_covers_every_sample_once() -> None:
    files = [item["file"] for item in GOLD]
    assert len(files) == len(set(files))
    assert sorted(files) == sorted(p.name for p in ARTICLES.glob("*.txt"))
    assert len(files) >= 32


@pytest.mark.parametrize("item", GOLD, ids=[item["file"] for item in GOLD])
def test_gold_item(item: dict[str, Any]) -> None:
    wrong = _mismatches(item)
    assert not wrong, "\n".join(
        f"{k}: got {got!r}, want {want!r}" for k, (got, want) in wrong.items()
    )


def test_gold_field_scores() -> None:
    """Per-field share of samples parsed exactly as the gold says (all must be 1.0)."""
    misses = {name: 0 for name in FIELDS}
    for item in GOLD:
        for name in _mismatches(item):
            misses[name] += 1
    scores = {name: 1 - n / len(GOLD) for name, n in misses.items()}
    report = ", ".join(f"{name}={score:.3f}" for name, score in scores.items())
    logger.info("gold field scores over %d samples: %s", len(GOLD), report)
    assert all(score == 1.0 for score in scores.values()), report


def test_raw_samples_parse_without_cleaning() -> None:
    # The cleaner normally runs first; raw files (CRLF, HTML remnants) must still parse sanely.
    for item in GOLD:
        if "html" in item["file"]:
            continue
        parsed = parse_structure((ARTICLES / item["file"]).read_text(encoding="utf-8"))
        assert len(parsed["body"]) == item["body_paragraphs"], item["file"]
        assert parsed["published_at"] == item["published_at"], item["file"]


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not present")
def test_seed_article() -> None:
    s = parse_structure(clean_text(SEED.read_text(encoding="utf-8")))
    assert (
        s["title"]
        == "اليابان والولايات المتحدة تبحثان قضايا الشرق الأوسط وسبل تعزيز التحالف الثنائي"
    )
    assert s["published_at"] == "2025-01-07"
    assert s["source"] == "البوابة نيوز"
    assert s["tags"] == ["الشرق الأوسط"]
    assert [r["title"] for r in s["related"]] == [
        "الخارجية تؤكّد أهمية تعزيز أواصر التعاون مع أمريكا"
    ]
    assert len(s["related"][0]["body"]) == 7
    assert s["related"][0]["body"][0].startswith("استقبل وزير الخارجية بالإنابة")
    assert s["boilerplate"] == ["تابع أحدث الأخبار عبر تطبيق"]
    assert len(s["body"]) == 10
    assert s["body"][0].startswith("بحث وزيرا الخارجية")
    assert s["body"][-1].startswith("وفي ختام الاجتماع")
