"""Which Arabic stemmer keywords should use, measured on a gold corpus's Arabic articles.

Run: ``python -m streams.evaluation.keywords samples/wire``. Each Arabic article goes through
decode -> segment -> enrich; its top-10 keywords are computed with each candidate stemmer and
two shares are printed over all keywords:

* ``prefixed``: the term still starts with the article, or with و/ب/ل/ف/ك before a word of
  the article ("والدولار", "الدولار" where "دولار" is meant);
* ``not a word ending``: the term is no word of the article, no word without its article and
  no ending of a word of the article with three letters or fewer before it: a stem the
  stemmer cut too far ("وزير" -> "زير").

Candidates: surface forms (no stemmer, the clitic merge only), tashaphyne's light stemmer with
its default affixes, and :func:`streams.nlp.keywords.arabic_stem` (tashaphyne's segmentation
restricted to the article and the clitics before it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from camel_tools.utils.dediac import dediac_ar

from streams.evaluation.entities import enriched
from streams.evaluation.gold import load_gold
from streams.nlp.keywords import arabic_stem, top_keywords
from streams.nlp.text import normalize_token
from streams.pipeline import Resources
from streams.records import Sentence

__all__ = ["STEMMERS", "compare", "main"]


def _surface(word: str) -> str:
    return str(dediac_ar(word))


def _tashaphyne_default(word: str) -> str:
    from tashaphyne.stemming import ArabicLightStemmer

    stemmer = ArabicLightStemmer()
    stemmer.light_stem(str(dediac_ar(word)))
    return str(stemmer.get_stem())


STEMMERS: dict[str, Callable[[str], str]] = {
    "surface forms": _surface,
    "tashaphyne light_stem (default affixes)": _tashaphyne_default,
    "tashaphyne, article and clitics only (used)": arabic_stem,
}


def _shares(articles: list[list[Sentence]], stem: Callable[[str], str]) -> tuple[int, float, float]:
    total = prefixed = broken = 0
    for sentences in articles:
        words = {normalize_token(t) for s in sentences for t in s["tokens"]}
        bare = {w[2:] for w in words if w.startswith("ال")}
        for keyword in top_keywords(sentences, stem=stem):
            term = keyword["term"]
            total += 1
            if term.startswith("ال") or (term[0] in "وبلفك" and term[1:] in words | bare):
                prefixed += 1
            if not (
                term in words
                or "ال" + term in words
                or any(w.endswith(term) and len(w) - len(term) <= 3 for w in words)
            ):
                broken += 1
    return total, prefixed / max(total, 1), broken / max(total, 1)


def compare(folder: Path) -> dict[str, tuple[int, float, float]]:
    """Per stemmer: (keywords, prefixed share, not-a-word-ending share)."""
    resources = Resources(chain=())
    articles = [
        enriched(article, resources)["sentences"]
        for article in load_gold(folder)
        if article.expected.get("language") == "ar"
    ]
    return {name: _shares(articles, stem) for name, stem in STEMMERS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    results = compare(Path(args[0] if args else "samples/wire"))
    print("| stemmer | keywords | prefixed | not a word ending |")
    print("| --- | --- | --- | --- |")
    for name, (total, prefixed, broken) in results.items():
        print(f"| {name} | {total} | {prefixed:.3f} | {broken:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
