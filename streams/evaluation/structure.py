"""Score the structure stage on a wire-format gold corpus: one accuracy per field.

Each article goes through the real path: its raw message bytes are decoded as the raw topic's
consumer decodes them, then segmented by the pipeline's ``segment`` step (cleaning included).
Run it as ``python -m streams.evaluation.structure samples/wire``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.codec import decode_raw
from streams.evaluation.gold import GoldArticle, load_gold
from streams.nlp.text import clean_text
from streams.records import SegmentedArticle

__all__ = ["FIELDS", "StructureScore", "main", "score_structure"]

_MAX_BYTES = 16 * 1024 * 1024


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _agency(record: SegmentedArticle) -> str | None:
    agency = record["structure"]["agency"]
    return agency["abbreviation"] if agency else None


def _published_at(record: SegmentedArticle) -> str | None:
    return record["structure"]["published_at"]


# field -> (what the stage produced, what the gold expects), compared for equality
FIELDS: dict[str, Callable[[SegmentedArticle, dict[str, Any]], tuple[Any, Any]]] = {
    "published_at": lambda r, g: (_published_at(r), g.get("published_at")),
    "hijri": lambda r, g: (r["structure"]["hijri"], g.get("hijri")),
    "agency": lambda r, g: (_agency(r), g.get("agency")),
    "title": lambda r, g: (r["structure"]["title"], _clean(g.get("title"))),
    "authors": lambda r, g: (r["structure"]["authors"], _clean(g.get("authors", []))),
    "tags": lambda r, g: (r["structure"]["tags"], _clean(g.get("tags", []))),
    "body_paragraphs": lambda r, g: (len(r["structure"]["body"]), g.get("body_paragraphs")),
    "related_titles": lambda r, g: (
        [item["title"] for item in r["structure"]["related"]],
        _clean(g.get("related_titles", [])),
    ),
}


@dataclass
class StructureScore:
    articles: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    # file -> field -> (got, want), for the report
    misses: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    # Articles whose body came out shorter than the gold's: paragraphs lost somewhere.
    lost_paragraphs: list[str] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.articles if self.articles else 0.0


def segment_message(message: bytes) -> SegmentedArticle:
    """The segmented record of one raw message, by the pipeline's own decode and segment."""
    from streams.pipeline import segment

    raw = decode_raw(message, max_bytes=_MAX_BYTES)
    return segment(raw, _resources())


_RESOURCES: list[Any] = []


def _resources() -> Any:
    from streams.pipeline import Resources

    if not _RESOURCES:
        # The clitic sub-stage is irrelevant to structure; an empty scheme list skips loading.
        _RESOURCES.append(Resources(chain=()))
    return _RESOURCES[0]


def score_structure(articles: Iterable[GoldArticle]) -> StructureScore:
    score = StructureScore()
    for article in articles:
        record = segment_message(article.message)
        score.articles += 1
        for name, compare in FIELDS.items():
            got, want = compare(record, article.expected)
            if got == want:
                score.correct[name] += 1
            else:
                score.misses.setdefault(article.file, {})[name] = (got, want)
        expected_body = article.expected.get("body_paragraphs")
        if isinstance(expected_body, int) and len(record["structure"]["body"]) < expected_body:
            score.lost_paragraphs.append(article.file)
    return score


def format_table(score: StructureScore) -> str:
    lines = [f"{'field':<18} {'accuracy':>8}  correct/articles", "-" * 44]
    for name in FIELDS:
        lines.append(
            f"{name:<18} {score.accuracy(name):>8.3f}  {score.correct[name]}/{score.articles}"
        )
    lines.append(f"articles with fewer body paragraphs than gold: {len(score.lost_paragraphs)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("samples/wire")
    verbose = "-v" in args
    score = score_structure(load_gold(folder))
    print(format_table(score))
    if verbose:
        for file, fields in sorted(score.misses.items()):
            for name, (got, want) in fields.items():
                print(f"{file}\t{name}\tgot={got!r}\twant={want!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
