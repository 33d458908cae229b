"""A benchmark corpus of any size, generated from the sample pages, with distinct ids.

Each generated article keeps the page skeleton of one sample (title, date line, prompts,
source and tag lines, "read also" section, with their raw quirks: CRLF, markup, tatweel) and
gets a new body: its own first paragraph (which carries the agency dateline), then paragraphs
drawn from its own body and from other samples in the same language, in a new order, with the
figures in them changed. So articles differ in text (the duplicate stage sees mostly new
stories, and per-text caches never hit across articles) while staying shaped like the samples.

The seed article (``$STREAMS_SEED_ARTICLE``, by default ``../shared/seed-article.txt`` from
the clone: a real page kept outside the repo) is varied the same way but only from its own
paragraphs, so that every variant stays seed-sized: it is what "seed-sized articles per
second" is measured on.

Generation is deterministic: the same ``(n, seed, start)`` gives the same bytes in every
process, which is how the in-process and streamed benchmarks run "the same corpus".
"""

from __future__ import annotations

import logging
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from streams.nlp.structure import parse_structure
from streams.nlp.text import clean_text

logger = logging.getLogger(__name__)

# The inputs are the user's files, never looked up beside the installed code: by default the
# source checkout's, relative to the working directory (`make bench` runs from the clone);
# `streams bench --samples DIR` and STREAMS_SEED_ARTICLE choose others.
SAMPLES_DIR = Path("samples") / "articles"
# The seed lives in the project's shared folder beside the clone (as the tests find it).
SEED_ARTICLE = Path(os.environ.get("STREAMS_SEED_ARTICLE", "../shared/seed-article.txt"))

# Figures of three digits or more that are not years: changing them cannot break a date.
_FIGURE = re.compile(r"(?<![\d/.:-])(\d{3,})(?![\d/.:-])")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@dataclass(frozen=True)
class Page:
    """One source page split into raw lines: header, body paragraphs, trailer."""

    name: str
    header: tuple[str, ...]
    body: tuple[str, ...]
    trailer: tuple[str, ...]
    language: str  # "ar" or "other": donors are taken from pages of the same kind

    @property
    def text(self) -> str:
        return "\n".join((*self.header, *self.body, *self.trailer))


@dataclass(frozen=True)
class Article:
    """One message of the corpus, as a producer sends it to ``articles.raw``."""

    id: str
    key: bytes
    value: bytes
    chars: int  # characters of the page text


def split_page(name: str, text: str) -> Page:
    """Find the body paragraphs of a raw page with the real parser, keeping the raw lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    body = set(parse_structure(clean_text(text))["body"])
    positions = [i for i, line in enumerate(lines) if line.strip() and clean_text(line) in body]
    if not positions:
        return Page(name, tuple(lines), (), (), _kind(text))
    first, last = positions[0], positions[-1]
    return Page(
        name,
        header=tuple(lines[:first]),
        body=tuple(line for line in lines[first : last + 1] if line.strip()),
        trailer=tuple(lines[last + 1 :]),
        language=_kind(text),
    )


def _kind(text: str) -> str:
    letters = sum(1 for c in text if c.isalpha())
    arabic = len(_ARABIC_LETTER.findall(text))
    return "ar" if letters and arabic / letters > 0.5 else "other"


def load_pages(directory: Path = SAMPLES_DIR) -> list[Page]:
    """The sample pages (``.txt``) of ``directory`` in name order."""
    files = sorted(directory.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no sample articles (*.txt) in {directory}")
    return [split_page(f.stem, f.read_bytes().decode("utf-8", errors="replace")) for f in files]


def load_seed(path: Path = SEED_ARTICLE) -> Page | None:
    """The seed article's page, or None where it is not present."""
    if not path.exists():
        return None
    return split_page("seed", path.read_text(encoding="utf-8", errors="replace"))


def _vary_figures(line: str, rng: random.Random) -> str:
    def replace(match: re.Match[str]) -> str:
        value = int(match.group(1))
        if 1900 <= value <= 2100:
            return match.group(1)
        return str(max(100, value + rng.randint(-value // 3, value // 3 + 7)))

    return _FIGURE.sub(replace, line)


def vary(page: Page, rng: random.Random, donors: Sequence[str] = ()) -> str:
    """A new page on ``page``'s skeleton: its first paragraph, then its other paragraphs but one
    and the ``donors``, shuffled, figures changed."""
    if not page.body:
        return page.text
    first, rest = page.body[0], list(page.body[1:])
    # One own paragraph makes way for the donors (when there are any): the story changes.
    own = rng.sample(rest, len(rest) - 1) if len(rest) > 1 and donors else rest
    chosen = own + list(donors)
    rng.shuffle(chosen)
    body = [first, *(_vary_figures(p, rng) for p in chosen)]
    return "\n".join((*page.header, *body, *page.trailer))


def _message(article_id: str, text: str) -> Article:
    value = orjson.dumps({"id": article_id, "text": text})
    return Article(article_id, article_id.encode(), value, len(text))


def generate(
    n: int,
    *,
    pages: Sequence[Page] | None = None,
    seed: int = 7,
    start: int = 0,
    prefix: str = "bench",
) -> list[Article]:
    """Articles ``start .. start+n-1`` of the corpus: sample ``i % len(pages)`` varied, the
    first round of samples unchanged so the corpus contains the samples themselves."""
    pages = list(pages) if pages is not None else load_pages()
    donor_pool: dict[str, list[str]] = {}
    for page in pages:
        donor_pool.setdefault(page.language, []).extend(page.body[1:])
    out = []
    for index in range(start, start + n):
        page = pages[index % len(pages)]
        article_id = f"{prefix}-{index:06d}"
        if index < len(pages):
            out.append(_message(article_id, page.text))
            continue
        rng = random.Random(seed * 1_000_003 + index)
        others = [p for p in donor_pool.get(page.language, []) if p not in page.body]
        donors = rng.sample(others, min(len(others), rng.randint(1, 2)))
        out.append(_message(article_id, vary(page, rng, donors)))
    return out


def generate_seed_variants(
    n: int, page: Page, *, seed: int = 11, prefix: str = "seed"
) -> list[Article]:
    """``n`` seed-sized articles: the seed page with its own paragraphs reordered, figures
    changed (the first unchanged)."""
    out = [_message(f"{prefix}-000000", page.text)]
    for index in range(1, n):
        rng = random.Random(seed * 1_000_003 + index)
        out.append(_message(f"{prefix}-{index:06d}", vary(page, rng)))
    return out[:n]


def describe(articles: Sequence[Article]) -> dict[str, float]:
    """Size figures of a corpus, for the report."""
    chars = [a.chars for a in articles]
    return {
        "articles": len(articles),
        "distinct_ids": len({a.id for a in articles}),
        "distinct_texts": len({a.value.split(b'"text":', 1)[-1] for a in articles}),
        "mean_chars": sum(chars) / len(chars) if chars else 0.0,
        "total_bytes": sum(len(a.value) for a in articles),
    }
